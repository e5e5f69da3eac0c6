//! The card frame: the second entry point of the same wasm, loaded in an `<iframe>` from
//! the payments origin (`/v1/card-frame`). It shows the number, expiry and CVC with the
//! element's own fields and validation, talks to its element only over the
//! `MessageChannel` of [`protocol`], and sends the card to the vault itself: the
//! merchant's page and server never see it.

mod frame_root;
pub mod protocol;

pub use frame_root::{FrameRoot, SavedCard};

use crate::components::FrameFields;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// The `<meta>` the payments origin fills with the storefront origins allowed to embed
/// the frame (space-separated).
const ALLOWED_ORIGINS_META: &str = "payment-element-frame-origins";

/// Starts the card frame in this document (the frame page's script calls it): checks
/// that it is embedded by an allowed storefront, then shows the fields and says
/// [`protocol::FRAME_READY`] to its parent. Embedded anywhere else, it shows nothing and
/// says why in the console.
#[cfg_attr(feature = "card-frame", wasm_bindgen(js_name = mountCardFrame))]
pub fn mount_card_frame() {
    let window = window();
    let allowed: Vec<String> = document()
        .query_selector(&["meta[name=\"", ALLOWED_ORIGINS_META, "\"]"].concat())
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let parent = parent_origin(&window);
    let refusal = match &parent {
        _ if window.parent().ok().flatten().is_none_or(|p| p == window) => {
            Some("it is not inside a storefront page".to_owned())
        }
        Some(origin) if !allowed.iter().any(|a| a == origin) => Some(
            [
                "its page's origin ",
                origin,
                " is not one the payments origin allows for this publishable key",
            ]
            .concat(),
        ),
        _ => None,
    };
    if let Some(why) = refusal {
        web_sys::console::error_1(
            &[
                "payment-element: the card frame shows no fields: ",
                &why,
                ".",
            ]
            .concat()
            .into(),
        );
        return;
    }
    let query =
        web_sys::UrlSearchParams::new_with_str(&window.location().search().unwrap_or_default())
            .ok();
    let param = |name: &str| query.as_ref().and_then(|q| q.get(name)).unwrap_or_default();
    let key = param("key");
    let fields = FrameFields::parse(&param("fields")).unwrap_or_default();
    // A saved card's CVC: its brand sets the code's length, its last four digits the label.
    let saved_card = (fields == FrameFields::Cvc).then(|| SavedCard {
        brand: payment_core::card::CardBrand::from_str_name(&param("brand")),
        last4: param("last4")
            .chars()
            .filter(char::is_ascii_digit)
            .take(4)
            .collect(),
    });
    leptos::mount::mount_to_body(move || {
        view! {
            <FrameRoot
                allowed=allowed.clone()
                publishable_key=key.clone()
                parent=parent.clone()
                saved_card=saved_card.clone()
            />
        }
    });
}

/// The embedding page's origin, where the browser tells it (`location.ancestorOrigins`).
fn parent_origin(window: &web_sys::Window) -> Option<String> {
    // Not in web-sys: read through Reflect (Chromium and WebKit have it, Firefox not).
    let origins = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into()).ok()?;
    js_sys::Reflect::get(&origins, &JsValue::from(0))
        .ok()?
        .as_string()
}
