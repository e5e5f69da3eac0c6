//! payment-element: a Payment Element-style checkout widget (Leptos, WebAssembly).
//!
//! Rust developers use the components directly; pages without Rust load the built
//! JavaScript module and call its exports.

pub mod appearance;
pub mod client;
pub mod components;
pub mod confirm;
pub mod customer_api;
pub mod events;
mod fetch;
pub mod form;
mod ids;
pub mod js_api;
pub mod json;
pub mod layout;
pub mod locale;
pub mod options;
pub mod return_page;
pub mod saved_methods;
pub mod saved_state;
pub mod state;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

pub use components::{DemoCheckout, PayForm, PaymentElement, PaymentStatus};

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
    // The demo page lives as long as the page: nothing to unmount. The server answers
    // the return path with the same page; the address decides what it shows.
    if window().location().pathname().as_deref() == Ok(RETURN_PATH) {
        // The return page has nothing to type: no test-data panel.
        if let Some(panel) = document().get_element_by_id("test-data") {
            panel.remove();
        }
        let api = client::Api::http("/api");
        leptos::mount::mount_to(host, move || view! { <PaymentStatus api /> }).forget();
    } else {
        leptos::mount::mount_to(host, DemoCheckout).forget();
    }
}

/// The demo's return page: where 3-D Secure and wallet pages send the customer back.
pub const RETURN_PATH: &str = "/complete";

/// Mounts the return-page status into the element matching `selector` (for pages
/// without Rust); `api_base` is the merchant API, e.g. `/api`.
#[wasm_bindgen(js_name = mountPaymentStatus)]
pub fn mount_payment_status(selector: &str, api_base: &str) -> bool {
    let Some(host) = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    let api = client::Api::http(api_base);
    leptos::mount::mount_to(host, move || view! { <PaymentStatus api /> }).forget();
    true
}
