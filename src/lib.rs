//! payment-element: a Payment Element-style checkout widget (Leptos, WebAssembly).
//!
//! Rust developers use the components directly; pages without Rust load the built
//! JavaScript module and call its exports.

pub mod appearance;
pub mod components;
pub mod customer_api;
pub mod events;
pub mod form;
mod ids;
pub mod layout;
pub mod locale;
pub mod options;
pub mod saved_methods;
pub mod saved_state;
pub mod state;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

pub use components::{DemoCheckout, PaymentElement};

/// Mounts the demo checkout (controls and element) into `#payment-element` (called by `boot.js`).
#[wasm_bindgen(js_name = mountDemo)]
pub fn mount_demo() {
    let Some(host) = document()
        .get_element_by_id("payment-element")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        web_sys::console::warn_1(&"payment-element: no #payment-element on this page".into());
        return;
    };
    // The demo page lives as long as the page: nothing to unmount.
    leptos::mount::mount_to(host, DemoCheckout).forget();
}
