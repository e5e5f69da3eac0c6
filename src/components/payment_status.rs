//! The return page: the status of the payment the customer comes back from, fetched
//! from the merchant API (never confirmed again), polled while it is processing.

use crate::model::confirm::{return_message, PollPolicy, ReturnMessage};
use crate::model::locale::{Catalogue, Key, Locale};
use crate::model::return_page::take_return_params;
use crate::net::client::{sleep_ms, Api};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Shows the outcome of the payment named in the address.
#[component]
pub fn PaymentStatus(
    /// The merchant API.
    api: Api,
    /// The language; the browser's preference when `None`.
    #[prop(optional_no_strip)]
    locale: Option<Locale>,
    /// The merchant's wording for any message (the element's `strings`).
    #[prop(optional)]
    strings: Vec<(Key, String)>,
    /// How to poll a processing payment.
    #[prop(optional)]
    poll: Option<PollPolicy>,
    /// Where "Try another payment method" leads (the checkout page).
    #[prop(optional, into)]
    retry_href: Option<String>,
) -> impl IntoView {
    let locale = locale.unwrap_or_else(|| {
        let navigator = window().navigator();
        let languages: Vec<String> = navigator
            .languages()
            .iter()
            .filter_map(|l| l.as_string())
            .chain(navigator.language())
            .collect();
        Locale::negotiate(languages.iter().map(String::as_str))
    });
    let catalogue = Catalogue::new(locale, &strings);
    let poll = poll.unwrap_or_default();
    let retry_href = retry_href.unwrap_or_else(|| "/".to_owned());
    // `None` while the first answer is awaited.
    let message = RwSignal::new(None::<ReturnMessage>);
    let alive = Arc::new(AtomicBool::new(true));

    match take_return_params() {
        None => message.set(Some(ReturnMessage::Unknown)),
        Some(params) => {
            let alive = Arc::clone(&alive);
            spawn_local(async move {
                let mut polls = 0;
                while alive.load(Ordering::Relaxed) {
                    let answer = api
                        .0
                        .payment_intent(params.payment_intent.clone(), params.client_secret.clone())
                        .await;
                    if !alive.load(Ordering::Relaxed) {
                        return;
                    }
                    let Ok(intent) = answer else {
                        message.set(Some(ReturnMessage::Unknown));
                        return;
                    };
                    match return_message(&intent, false) {
                        ReturnMessage::Processing => match poll.delay_ms(polls) {
                            Some(delay) => {
                                message.set(Some(ReturnMessage::Processing));
                                sleep_ms(delay).await;
                                polls += 1;
                            }
                            None => {
                                message.set(Some(return_message(&intent, true)));
                                return;
                            }
                        },
                        settled => {
                            message.set(Some(settled));
                            return;
                        }
                    }
                }
            });
        }
    }
    on_cleanup(move || alive.store(false, Ordering::Relaxed));

    let text = {
        let catalogue = catalogue.clone();
        move || {
            let key = match message.get() {
                None => Key::ReturnChecking,
                Some(ReturnMessage::Received) => Key::ReturnReceived,
                Some(ReturnMessage::Processing) => Key::ReturnProcessing,
                Some(ReturnMessage::ProcessingByEmail) => Key::ReturnProcessingEmail,
                Some(ReturnMessage::Failed(_)) => Key::ReturnFailed,
                Some(ReturnMessage::Canceled) => Key::ReturnCanceled,
                Some(ReturnMessage::Unknown) => Key::ReturnUnknown,
            };
            catalogue.get(key).to_owned()
        }
    };
    let state = move || match message.get() {
        None => "checking",
        Some(ReturnMessage::Received) => "succeeded",
        Some(ReturnMessage::Processing | ReturnMessage::ProcessingByEmail) => "processing",
        Some(ReturnMessage::Failed(_)) => "failed",
        Some(ReturnMessage::Canceled) => "canceled",
        Some(ReturnMessage::Unknown) => "unknown",
    };
    let failure = move || match message.get() {
        Some(ReturnMessage::Failed(reason)) => Some(view! {
            <p class="pe-status-reason">{catalogue.get(reason).to_owned()}</p>
            <a class="pe-status-retry" href=retry_href.clone()>
                {catalogue.get(Key::ReturnTryAgain).to_owned()}
            </a>
        }),
        _ => None,
    };

    view! {
        <section class="pe-status" lang=locale.as_str() data-status=state>
            <p class="pe-status-message" role="status" aria-live="polite">
                {text}
            </p>
            {failure}
        </section>
    }
}
