//! The QR code method's form: nothing to type, a sentence saying what happens after Pay.

use crate::components::state::ElementContext;
use crate::model::locale::Key;
use crate::model::types::MethodKind;
use leptos::prelude::*;

/// What paying by QR code means, before Pay.
#[component]
pub fn QrCodeForm() -> impl IntoView {
    let context = ElementContext::get();
    let i18n = context.i18n;
    let channel = context.state.qr;
    // Once the shopper picks the QR code, its encoder's chunk is fetched (issue 18).
    let selected = context.state.selected;
    Effect::new(move |fetched: Option<bool>| {
        if fetched == Some(true) {
            return true;
        }
        let picked = selected.get() == Some(MethodKind::QrCode);
        if picked {
            super::qr_code_view::preload();
        }
        picked
    });
    view! {
        <div class="pe-form pe-qr-form">
            <p class="pe-qr-intro Text">
                {move || {
                    let name = channel.get().map_or("QR", |c| c.display_name());
                    i18n.fill(Key::QrIntro, &[("channel", name)])
                }}
            </p>
        </div>
    }
}
