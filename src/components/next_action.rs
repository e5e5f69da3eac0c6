//! Next actions followed on the checkout page (issue 14), for `PayForm` and the JS API's
//! `confirm` alike: a card's 3-D Secure challenge in a modal dialog (with `redirect:
//! "if_required"`, for challenge pages that may be framed), and a QR code shown in the
//! element until its payment settles. Either way the outcome comes from reading the
//! intent, so it is the server's word, whatever the page or a message says.

use super::challenge_dialog::{challenge_in_dialog, ChallengeEnd, ChallengeTexts};
use crate::components::state::{PaymentElementHandle, QrShown};
use crate::model::confirm::{outcome_of, Feedback, IntentRef, Outcome, RedirectPolicy};
use crate::model::locale::Key;
use crate::model::next_action::{challenge_frame_url, qr_feedback, qr_poll_delay_ms};
use crate::model::types::MethodKind;
use crate::net::client::{sleep_ms, Api, LocalFuture};
use crate::split::{split_point, ChunkMissing};
use leptos::prelude::*;
use payment_core::api::{PaymentIntent, PaymentIntentStatus, QrChannel};

/// What a next action followed on the page came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Followed {
    /// Succeeded, processing, or failed with what to tell the customer.
    pub outcome: Outcome,
    /// The intent as last read, when it settled (not when the customer canceled).
    pub intent: Option<PaymentIntent>,
    /// The customer canceled it (Close, Escape, Cancel): nothing was charged.
    pub canceled: bool,
}

/// Follows `outcome`'s next action on the page when it can: `Some` with what it came
/// to, `None` when the customer must go to the next action's page after all (the
/// caller redirects).
pub async fn follow_on_page(
    handle: PaymentElementHandle,
    api: &Api,
    outcome: &Outcome,
    policy: RedirectPolicy,
) -> Option<Followed> {
    match outcome {
        Outcome::Redirect {
            url,
            intent: Some(intent),
            ..
        } if policy == RedirectPolicy::IfRequired
            && handle.paying_with() == Some(MethodKind::Card) =>
        {
            challenge(handle, api, url, intent).await
        }
        Outcome::ShowQrCode {
            qr,
            intent: Some(intent),
            amount,
        } => {
            let channel = handle
                .context
                .state
                .qr
                .get_untracked()
                .unwrap_or(QrChannel::Unknown);
            let shown = QrShown {
                data: qr.data.clone(),
                expires_at: qr.expires_at,
                amount: *amount,
                channel,
            };
            Some(pay_by_qr(handle, api, shown, intent).await)
        }
        _ => None,
    }
}

/// Reads `intent`, keeping its client secret (a read may answer without it).
fn reader(api: &Api, intent: &IntentRef) -> impl Fn() -> LocalFuture<Option<PaymentIntent>> {
    let api = api.clone();
    let intent = intent.clone();
    move || {
        let api = api.clone();
        let intent = intent.clone();
        Box::pin(async move {
            let mut read = api
                .0
                .payment_intent(intent.id.clone(), intent.client_secret.clone())
                .await
                .ok()?;
            read.client_secret.get_or_insert(intent.client_secret);
            Some(read)
        })
    }
}

fn canceled(message: Key) -> Followed {
    Followed {
        outcome: Outcome::Failed(Feedback {
            message,
            focus: None,
            clear_cvc: false,
        }),
        intent: None,
        canceled: true,
    }
}

split_point!(
    challenge_dialog,
    /// The 3-D Secure dialog: a chunk of the split build, fetched when a challenge
    /// starts (most card payments never have one).
    fn challenge_split(
        anchor: web_sys::Element,
        url: String,
        texts: ChallengeTexts,
        read: Box<dyn Fn() -> LocalFuture<Option<PaymentIntent>>>,
    ) -> LocalFuture<ChallengeEnd> {
        Box::pin(async move { challenge_in_dialog(&anchor, &url, &texts, read).await })
    }
);

fn settled(intent: PaymentIntent, outcome: Outcome) -> Followed {
    Followed {
        outcome,
        intent: Some(intent),
        canceled: false,
    }
}

async fn challenge(
    handle: PaymentElementHandle,
    api: &Api,
    url: &str,
    intent: &IntentRef,
) -> Option<Followed> {
    let root = handle.root_element()?;
    let page_origin = window().location().origin().ok()?;
    let payments = handle
        .context
        .options
        .with_untracked(|o| o.payments.as_ref().map(|p| p.origin.clone()));
    let mut frameable = vec![page_origin.as_str()];
    frameable.extend(payments.as_deref());
    let Some(framed) = challenge_frame_url(url, &page_origin, &frameable) else {
        // A bank's own page: it may refuse to be framed, so the customer goes there.
        return None;
    };
    let texts = handle.context.i18n.0.with_untracked(|c| ChallengeTexts {
        title: c.get(Key::ChallengeTitle).to_owned(),
        frame: c.get(Key::ChallengeFrame).to_owned(),
        close: c.get(Key::ChallengeClose).to_owned(),
    });
    let read: Box<dyn Fn() -> LocalFuture<Option<PaymentIntent>>> = Box::new(reader(api, intent));
    // The dialog's chunk could not be fetched: the challenge page in full instead.
    let end = match challenge_split(root.into(), framed, texts, read).await {
        Ok(end) => end.await,
        Err(ChunkMissing) => ChallengeEnd::Blocked,
    };
    match end {
        ChallengeEnd::Settled(intent) => {
            let outcome = outcome_of(Ok((*intent).clone()));
            Some(settled(*intent, outcome))
        }
        ChallengeEnd::Canceled => Some(canceled(Key::ChallengeCanceled)),
        ChallengeEnd::Blocked => {
            web_sys::console::warn_1(
                &"payment-element: the 3-D Secure page did not load in the dialog (it may \
                  refuse to be framed); sending the customer to it instead"
                    .into(),
            );
            None
        }
    }
}

async fn pay_by_qr(
    handle: PaymentElementHandle,
    api: &Api,
    shown: QrShown,
    intent: &IntentRef,
) -> Followed {
    let context = handle.context;
    context.qr_canceled.set(false);
    context.qr_shown.set(Some(shown));
    // The code and its Cancel are in the element, which takes input again meanwhile.
    handle.set_locked(false);
    let read = reader(api, intent);
    let mut poll = 0;
    let followed = 'wait: loop {
        // Waits in short steps, so Cancel answers at once; a hidden tab is not polled.
        let mut waited = 0;
        let delay = qr_poll_delay_ms(poll);
        while waited < delay || hidden() {
            if context.qr_canceled.try_get_untracked() != Some(false) {
                break 'wait canceled(Key::QrCanceled);
            }
            sleep_ms(200).await;
            waited += 200;
        }
        poll += 1;
        let Some(intent) = read().await else {
            continue;
        };
        match intent.status {
            PaymentIntentStatus::RequiresAction => continue,
            PaymentIntentStatus::RequiresPaymentMethod => {
                let outcome = Outcome::Failed(qr_feedback(&intent));
                break settled(intent, outcome);
            }
            _ => {
                let outcome = outcome_of(Ok(intent.clone()));
                break settled(intent, outcome);
            }
        }
    };
    if context.qr_shown.try_get_untracked().is_some() {
        context.qr_shown.set(None);
    }
    handle.set_locked(true);
    followed
}

/// Whether the page is in a background tab.
fn hidden() -> bool {
    document().visibility_state() == web_sys::VisibilityState::Hidden
}

/// Where a redirect goes on this device: a wallet's app link on a phone, else the page
/// (see [`crate::model::next_action::redirect_address`]).
pub fn redirect_target(url: &str, app_url: Option<&str>) -> String {
    let window = leptos::prelude::window();
    let touch = window.navigator().max_touch_points() > 0;
    let width = window
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(f64::MAX);
    crate::model::next_action::redirect_address(url, app_url, touch, width).to_owned()
}
