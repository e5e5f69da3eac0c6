//! A QR code payment waiting for its scan, shown in place of the form: the code (an SVG
//! path drawn with DOM attributes, no inline style), what it pays, a countdown to its
//! expiry, how to scan it, and Cancel, which goes back to the methods. The submit flow
//! (`crate::components::next_action`) polls the intent and ends the view.

use crate::components::state::{ElementContext, QrShown};
use crate::model::locale::Key;
use crate::model::qr;
use crate::split::split_point;
use leptos::prelude::*;

split_point!(
    qr_code,
    preload preload_qr_code,
    /// The QR code's modules and SVG path: with the `qrcode` crate, a chunk of the
    /// split build, so a card payment never downloads it.
    fn qr_svg_path(data: String) -> Option<(u32, String)> {
        qr::svg_path(&data)
    }
);

/// Fetches the QR code's chunk ahead of the payment (when the shopper picks a QR
/// method), so the code appears as soon as the intent says what it encodes. A failure
/// changes nothing: the payment fetches it again.
pub(crate) fn preload() {
    leptos::task::spawn_local(async {
        let _ = preload_qr_code().await;
    });
}

/// The QR code being paid.
#[component]
pub fn QrCodeView(
    /// What to show.
    shown: QrShown,
) -> impl IntoView {
    let context = ElementContext::get();
    let i18n = context.i18n;
    let amount = move || shown.amount.format(i18n.0.with(|c| c.locale.as_str()));
    let name = shown.channel.display_name();
    let now = RwSignal::new(js_sys::Date::now() / 1000.0);
    let ticking = set_interval_with_handle(
        move || now.set(js_sys::Date::now() / 1000.0),
        std::time::Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(ticking) = ticking {
            ticking.clear();
        }
    });
    let expires_at = shown.expires_at;
    let countdown = move || {
        expires_at.map(|at| {
            let left = at - now.get() as i64;
            i18n.fill(Key::QrExpiresIn, &[("time", &qr::countdown(left))])
        })
    };
    // None while the code's chunk loads; then the code, or Err when it failed to load.
    // (A signal a task sets rather than a LocalResource, whose async machinery would
    // add ~11 KB gzip to the first load: 341_640 against 330_940 bytes measured.)
    let code = RwSignal::new(None::<Result<Option<(u32, String)>, ()>>);
    let draw = {
        let data = shown.data.clone();
        move || {
            code.set(None);
            let data = data.clone();
            leptos::task::spawn_local(async move {
                // The view may be gone by then (a payment settled or canceled).
                code.try_set(Some(qr_svg_path(data).await.map_err(|_| ())));
            });
        }
    };
    draw();
    let retry = move |_| draw();
    let data = shown.data.clone();
    let cancel = move |_| context.qr_canceled.set(true);

    view! {
        <section class="pe-qr" aria-labelledby="pe-qr-title" data-qr-payload=data>
            <h3 class="pe-qr-title" id="pe-qr-title">
                {move || i18n.fill(Key::QrTitle, &[("channel", name)])}
            </h3>
            {move || match code.get() {
                Some(Err(())) => Some(view! {
                    <div class="pe-qr-missing" role="alert">
                        <p>{move || i18n.t(Key::QrCodeUnavailable)}</p>
                        <button type="button" class="pe-qr-retry" on:click=retry.clone()>
                            {move || i18n.t(Key::QrCodeRetry)}
                        </button>
                    </div>
                }.into_any()),
                Some(Ok(drawn)) => drawn.map(|(side, path)| view! {
                    <svg
                        class="pe-qr-code"
                        viewBox=["0 0 ", &side.to_string(), " ", &side.to_string()].concat()
                        role="img"
                        aria-label=move || i18n.fill(Key::QrImage, &[("amount", &amount())])
                    >
                        <rect class="pe-qr-light" width="100%" height="100%"></rect>
                        <path class="pe-qr-dark" d=path></path>
                    </svg>
                }.into_any()),
                None => None,
            }}
            <p class="pe-qr-amount">{amount}</p>
            <p class="pe-qr-countdown" aria-live="off">{countdown}</p>
            <p class="pe-qr-instructions Text">{move || i18n.t(Key::QrInstructions)}</p>
            <button type="button" class="pe-qr-cancel" on:click=cancel>
                {move || i18n.t(Key::QrCancel)}
            </button>
        </section>
    }
}
