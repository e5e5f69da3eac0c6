//! The checkout form around a Payment Element: the Pay button (amount in the label,
//! disabled with a spinner and `aria-busy` from the first press until the outcome), the
//! submit flow of `crate::model::confirm` wired to the merchant API, and the error region.

use crate::components::follow_on_page;
use crate::components::state::{PaymentDetails, PaymentElementHandle};
use crate::model::confirm::{
    feedback_for_error, feedback_unanswered, outcome_of, return_address, CallError, Feedback,
    Outcome, RedirectPolicy, Submitter,
};
use crate::model::form::Field;
use crate::model::locale::{Catalogue, Key, Locale};
use crate::model::types::Mode;
use crate::net::client::{new_idempotency_key, Api, Confirmed, Payment, Placement};
use leptos::prelude::*;
use leptos::task::spawn_local;
use payment_core::money::Money;
use payment_core::secret::ClientSecret;

/// A `<form>` holding the Payment Element (its children) and the Pay button; Enter in
/// a field and clicks on the button both submit through one guard.
#[component]
pub fn PayForm(
    /// The merchant API.
    api: Api,
    /// The Payment Element's handle, once it is ready.
    #[prop(into)]
    handle: Signal<Option<PaymentElementHandle>>,
    /// What the button says it will charge (the server decides what is charged).
    #[prop(into)]
    amount: Signal<Money>,
    /// Where 3-D Secure and wallet pages send the customer back (the return page); read
    /// when Pay is pressed, so it may follow the page's state (a `lang` query).
    #[prop(into)]
    return_url: Signal<String>,
    /// Whether to go to the return page after payments that need no redirect.
    #[prop(optional)]
    redirect: RedirectPolicy,
    /// Opens an address in the top window; tests replace it.
    #[prop(optional)]
    navigate: Option<Callback<String>>,
    /// Told of every finished attempt.
    #[prop(optional)]
    on_outcome: Option<Callback<Outcome>>,
    /// What to send for a token, from the validated element: by default what the
    /// customer chose in it (a saved method with its re-collected CVC, or the new
    /// details with the save consent; card data set aside for the payments origin).
    #[prop(optional)]
    token_request: Option<Callback<PaymentElementHandle, Result<PaymentDetails, Field>>>,
    /// The customer-session secret sent as the bearer with the token request; by default
    /// the one the element's options carry.
    #[prop(optional, into)]
    customer_session: Option<Signal<Option<ClientSecret>>>,
    /// Which of the reference server's carts is ordered (`eu`, `ph`, `id`); the
    /// server's default cart when absent.
    #[prop(optional, into)]
    market: Option<Signal<Option<String>>>,
    /// The order being paid (`POST /orders` → `id`): the server keeps one payment per
    /// order, reuses it for retries and never charges a paid one again.
    #[prop(optional, into)]
    order: Option<Signal<Option<String>>>,
    /// The Payment Element.
    children: Children,
) -> impl IntoView {
    let submitter = StoredValue::new_local(Submitter::<Payment>::default());
    let placement = move || Placement {
        order: order.and_then(|o| o.get()),
        market: market.and_then(|m| m.get()),
    };
    let token_request = token_request.unwrap_or_else(|| Callback::new(element_request));
    let api = StoredValue::new_local(api);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);
    let status = RwSignal::new(None::<Key>);
    let navigate = navigate.unwrap_or_else(|| Callback::new(navigate_top));

    let catalogue = move || {
        handle
            .get()
            .map(|h| h.context.i18n.0.get())
            .unwrap_or_else(|| Catalogue::new(Locale::En, &[]))
    };
    let label = move || {
        let catalogue = catalogue();
        if busy.get() {
            return catalogue.get(Key::PayBusy).to_owned();
        }
        let price = amount.get().format(catalogue.locale.as_str());
        catalogue.fill(Key::PayButton, &[("amount", &price)])
    };

    let lock = move |locked: bool| {
        busy.set(locked);
        if let Some(h) = handle.get_untracked() {
            h.set_locked(locked);
        }
    };
    let fail = move |feedback: Feedback| {
        lock(false);
        error.set(Some(feedback.message));
        if let Some(h) = handle.get_untracked() {
            h.apply_feedback(&feedback);
        }
    };

    let submit = move || {
        let Some(h) = handle.get_untracked() else {
            return;
        };
        // The guard is checked before anything else, synchronously: a second press in
        // the same tick (or while a request is out) does nothing at all.
        if submitter.with_value(|s| s.in_flight() || s.done()) {
            return;
        }
        // create-confirm-intent charges the cart: never for an element that saves a
        // method or starts a subscription (a mistake of the page, said in the console).
        if h.context
            .options
            .with_untracked(|o| matches!(o.mode, Some(Mode::Setup | Mode::Subscription)))
        {
            web_sys::console::error_1(
                &"payment-element: PayForm pays the cart and needs mode \"payment\"".into(),
            );
            return;
        }
        if h.validate_all().is_some() {
            return;
        }
        let Ok(PaymentDetails {
            mut request,
            vaulted,
        }) = token_request.run(h)
        else {
            return;
        };
        request.return_url = Some(return_url.get_untracked());
        let payment = Payment {
            request,
            vaulted,
            placement: untrack(placement),
        };
        let Some(mut attempt) = submitter
            .try_update_value(|s| s.begin(payment, new_idempotency_key))
            .flatten()
        else {
            return;
        };
        lock(true);
        error.set(None);
        status.set(Some(Key::StatusProcessing));
        let api = api.get_value();
        let bearer = customer_session
            .and_then(|s| s.get_untracked())
            .or_else(|| h.customer_session_secret());
        spawn_local(async move {
            let sent = |attempt: &_, token: &str| {
                submitter.update_value(|s| s.confirm_sent(attempt, token));
            };
            let tokenize = h.tokenizer();
            let (token_id, answer) = match api
                .send_attempt(&mut attempt, bearer, &tokenize, sent)
                .await
            {
                Ok(Confirmed { token_id, answer }) => (token_id, answer),
                Err(failure) => {
                    let current = submitter
                        .try_update_value(|s| s.abandon(&attempt))
                        .unwrap_or(false);
                    if !current {
                        // The page gave up on this attempt (back/forward cache).
                        return;
                    }
                    status.set(None);
                    fail(match &failure {
                        CallError::Api { error, .. } => feedback_for_error(error),
                        unanswered => feedback_unanswered(unanswered),
                    });
                    return;
                }
            };
            let mut outcome = outcome_of(answer.clone());
            let current = submitter
                .try_update_value(|s| s.finish(attempt, token_id, &answer, &outcome))
                .unwrap_or(false);
            if !current {
                // A late answer of an attempt the page gave up on: the form belongs to
                // the newer one.
                return;
            }
            // 3-D Secure in a dialog, a QR code in the element: followed here, and
            // what it came to is the outcome.
            if let Some(followed) = follow_on_page(h, &api, &outcome, redirect).await {
                let paid = matches!(
                    followed.outcome,
                    Outcome::Succeeded(_) | Outcome::Processing(_)
                );
                submitter.update_value(|s| s.action_settled(paid));
                outcome = followed.outcome;
            }
            match &outcome {
                Outcome::Succeeded(intent) | Outcome::Processing(intent) => {
                    let succeeded = matches!(outcome, Outcome::Succeeded(_));
                    done.set(true);
                    busy.set(false);
                    status.set(Some(if succeeded {
                        Key::StatusSucceeded
                    } else {
                        Key::StatusProcessing
                    }));
                    if redirect == RedirectPolicy::Always {
                        let redirect_status = if succeeded { "succeeded" } else { "processing" };
                        navigate.run(return_address(
                            &return_url.get_untracked(),
                            intent,
                            redirect_status,
                        ));
                    }
                }
                Outcome::Redirect { url, app_url, .. } => {
                    // The form stays locked: the page is leaving. If the customer comes
                    // back with the back button, `pageshow` opens it again.
                    status.set(Some(Key::StatusRedirecting));
                    navigate.run(crate::components::redirect_target(url, app_url.as_deref()));
                }
                // Followed on the page above, which always settles it.
                Outcome::ShowQrCode { .. } => {}
                Outcome::Failed(feedback) => {
                    status.set(None);
                    fail(*feedback);
                }
            }
            if let Some(on_outcome) = on_outcome {
                on_outcome.run(outcome);
            }
        });
    };

    // Another cart is another order: nothing of the last one's attempts (a declined
    // intent, an unanswered confirm) carries over to it. (The amount shown is not the
    // order: the server prices the cart, so a new label alone changes nothing.)
    Effect::new(move |previous: Option<Placement>| {
        let now = placement();
        if previous.is_some_and(|p| p != now) {
            submitter.update_value(Submitter::order_changed);
        }
        now
    });

    // Back from a 3-D Secure or wallet page through the back/forward cache: the page is
    // as it was left (locked), so open it again; the next Pay confirms the same intent.
    let pageshow = window_event_listener(leptos::ev::pageshow, move |ev| {
        if !ev.persisted() {
            return;
        }
        submitter.update_value(Submitter::restored);
        if !submitter.with_value(Submitter::done) {
            status.set(None);
            lock(false);
        }
    });
    on_cleanup(move || pageshow.remove());

    view! {
        <form
            class="pe-pay-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            {children()}
            <button
                type="submit"
                class="pe-pay-button"
                disabled=move || busy.get() || done.get()
                aria-busy=move || if busy.get() { "true" } else { "false" }
            >
                <span class="pe-spinner" aria-hidden="true" hidden=move || !busy.get()></span>
                <span class="pe-pay-label">{label}</span>
            </button>
            <p class="pe-pay-error" role="alert">
                {move || error.get().map(|key| catalogue().get(key).to_owned())}
            </p>
            <p class="pe-pay-status" role="status" aria-live="polite">
                {move || status.get().map(|key| catalogue().get(key).to_owned())}
            </p>
        </form>
    }
}

/// The token request for what the customer chose in the element.
fn element_request(handle: PaymentElementHandle) -> Result<PaymentDetails, Field> {
    handle.payment_details(None)
}

/// Sends the top window to `url` (the widget may sit in a frame; 3-D Secure pages must
/// not), falling back to this window.
fn navigate_top(url: String) {
    let top = window().top().ok().flatten().unwrap_or_else(window);
    if top.location().set_href(&url).is_err() {
        let _ = window().location().set_href(&url);
    }
}
