//! The checkout route: the order, the switches bound to signals, and the Payment
//! Element inside the crate's `<PayForm/>`, which validates, confirms through the
//! merchant API and goes to `/complete`.

use crate::choices::{element_options, layout_from, locale_from, return_url, total};
use crate::shop::{create_order, get_config, start_customer_session, Order};
use leptos::prelude::*;
use payment_core::api::CustomerSession;
use payment_element::components::state::PaymentElementHandle;
use payment_element::model::confirm::{Outcome, RedirectPolicy};
use payment_element::model::events::ChangeEvent;
use payment_element::model::options::{LocaleChoice, PaymentsOrigin};
use payment_element::model::types::LayoutKind;
use payment_element::net::client::Api;
use payment_element::{PayForm, PaymentElement};

/// `/`: starts an order on the server, then shows its checkout.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let order = LocalResource::new(|| async {
        // The order, and where cards go (the payments origin and its publishable key).
        let config = get_config().await?;
        let payments = PaymentsOrigin::new(&config.payments_origin, &config.publishable_key)
            .map_err(|e| e.0)?;
        Ok::<_, String>((create_order().await?, payments))
    });
    view! {
        <h1>"Checkout"</h1>
        <Transition fallback=|| view! { <p>"Loading your order…"</p> }>
            {move || {
                order
                    .get()
                    .map(|loaded| match loaded {
                        Ok((order, payments)) => view! { <Checkout order payments /> }.into_any(),
                        Err(failure) => {
                            view! { <p role="alert">"Could not load the order: " {failure}</p> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// The checkout of one order.
#[component]
fn Checkout(
    /// The order being paid.
    order: Order,
    /// Where the card frame and the vault live.
    payments: PaymentsOrigin,
) -> impl IntoView {
    let layout = RwSignal::new(LayoutKind::Accordion);
    let locale = RwSignal::new(LocaleChoice::Auto);
    let session = RwSignal::new(None::<CustomerSession>);
    // Set by the element's `on_ready`; PayForm waits for it.
    let handle = RwSignal::new(None::<PaymentElementHandle>);
    // From the element's `on_change`.
    let complete = RwSignal::new(false);
    let session_error = RwSignal::new(None::<String>);

    let returning = Action::new_local(|_: &()| start_customer_session());
    Effect::new(move |_| {
        if let Some(answer) = returning.value().get() {
            match answer {
                Ok(started) => session.set(Some(started)),
                Err(failure) => session_error.set(Some(failure)),
            }
        }
    });

    let options = {
        let order = order.clone();
        Signal::derive(move || {
            session.with(|s| {
                element_options(
                    &order,
                    layout.get(),
                    locale.get(),
                    s.as_ref(),
                    Some(&payments),
                )
            })
        })
    };
    let amount = Signal::stored(total(&order));
    let order_id = Signal::stored(Some(order.id.clone()));
    let origin = window().location().origin().unwrap_or_default();
    // Read when Pay is pressed: the language chosen by then is the return page's.
    let return_to = Signal::derive(move || return_url(&origin, locale.get()));
    // Once a payment went through or the page leaves for 3-D Secure, the order is
    // settled: the switches stay as they are. (A failure needs nothing here: PayForm
    // shows why and opens the form again.)
    let settled = RwSignal::new(false);
    let on_outcome = Callback::new(move |outcome: Outcome| {
        settled.set(!matches!(outcome, Outcome::Failed(_)));
    });

    view! {
        <fieldset class="example-switches" prop:disabled=move || settled.get()>
            <label>
                "Layout "
                <select on:change=move |ev| layout.set(layout_from(&event_target_value(&ev)))>
                    <option value="accordion">"accordion"</option>
                    <option value="tabs">"tabs"</option>
                </select>
            </label>
            <label>
                "Locale "
                <select on:change=move |ev| locale.set(locale_from(&event_target_value(&ev)))>
                    <option value="auto">"auto"</option>
                    <option value="en">"en"</option>
                    <option value="de">"de"</option>
                    <option value="id">"id"</option>
                </select>
            </label>
            <label>
                <input
                    type="checkbox"
                    class="example-returning"
                    prop:disabled=move || session.with(Option::is_some) || returning.pending().get()
                    on:change=move |_| {
                        returning.dispatch(());
                    }
                />
                " Returning customer"
            </label>
        </fieldset>
        <p role="alert">{move || session_error.get()}</p>
        <PayForm
            api=Api::http("/api")
            handle
            amount
            return_url=return_to
            redirect=RedirectPolicy::Always
            order=order_id
            on_outcome
        >
            <PaymentElement
                options
                on_ready=Callback::new(move |ready| handle.set(Some(ready)))
                on_change=Callback::new(move |change: ChangeEvent| complete.set(change.complete))
            />
        </PayForm>
        <p class="example-hint">
            {move || if complete.get() { "Ready to pay." } else { "Enter your payment details." }}
        </p>
    }
}
