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

pub use components::{PayForm, PaymentElement, PaymentStatus};

/// Mounts the return-page status into the element matching `selector` (for pages
/// without Rust); `api_base` is the merchant API, e.g. `/api`. `options` may give
/// `locale` (as the element takes it: `"auto"`, `"en"`, `"de"`, `"id"`), `strings`
/// (the element's message overrides) and `retryHref` (where "Try another payment
/// method" leads; `/` by default). Throws a `TypeError` naming a bad option; returns
/// whether the target was found.
#[wasm_bindgen(js_name = mountPaymentStatus)]
pub fn mount_payment_status(
    selector: &str,
    api_base: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "PaymentStatusOptions")] options: JsValue,
) -> Result<bool, JsValue> {
    let js_api::StatusOptions {
        locale,
        strings,
        retry_href,
    } = js_api::status_options(&options)?;
    let Some(host) = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return Ok(false);
    };
    let api = client::Api::http(api_base);
    leptos::mount::mount_to(host, move || {
        view! { <PaymentStatus api locale strings retry_href /> }
    })
    .forget();
    Ok(true)
}
