//! Icons: a method's icon, the marks beside its name (accepted card brands, the
//! wallets, the QR standard), and one logo. Decorative (`aria-hidden`): the names
//! beside them say the same, and a card of a brand not accepted gets its own error.

use crate::components::state::ElementContext;
use crate::model::icons::{self, header_brands};
use crate::model::options::ewallet_channels;
use crate::model::types::MethodKind;
use leptos::prelude::*;

/// One icon of `style/icons/`.
#[component]
pub fn Icon(
    /// Its name (`data-icon`): a brand, a wallet, a QR standard or a method.
    name: &'static str,
) -> impl IntoView {
    view! {
        <span
            class="pe-icon"
            class=("pe-icon--glyph", icons::is_glyph(name))
            data-icon=name
            aria-hidden="true"
        ></span>
    }
}

/// A method's icon, before its name.
#[component]
pub fn MethodIcon(method: MethodKind) -> impl IntoView {
    view! {
        <span class="pe-method-icon" data-method=method.as_str()>
            <Icon name=icons::method_icon(method) />
        </span>
    }
}

/// The marks after a method's name: the card brands accepted, the wallets of the
/// cart's currency, or its QR standard.
#[component]
pub fn MethodMarks(method: MethodKind) -> impl IntoView {
    let context = ElementContext::get();
    let marks = Memo::new(move |_| -> (Vec<&'static str>, usize) {
        match method {
            MethodKind::Card => {
                let (brands, more) = header_brands(context.options.with(|o| o.card_brands));
                (brands.into_iter().map(|b| b.as_str()).collect(), more)
            }
            MethodKind::Ewallet => {
                let currency = context.options.with(|o| o.currency);
                let channels = ewallet_channels(currency).into_iter();
                (channels.map(icons::ewallet_icon).collect(), 0)
            }
            MethodKind::QrCode => (
                context
                    .state
                    .qr
                    .get()
                    .map(icons::qr_icon)
                    .into_iter()
                    .collect(),
                0,
            ),
            MethodKind::SepaDebit => (Vec::new(), 0),
        }
    });
    view! {
        <span class="pe-marks" data-marks=method.as_str() aria-hidden="true">
            {move || {
                let (names, more) = marks.get();
                let logos = names.into_iter().map(|name| view! { <Icon name /> }).collect_view();
                let more = (more > 0).then(|| view! { <span class="pe-marks-more">"+" {more}</span> });
                (logos, more)
            }}
        </span>
    }
}
