//! payment-element: a Payment Element-style checkout widget (Leptos, WebAssembly).
//!
//! Rust developers use the components directly; pages without Rust load the built
//! JavaScript module and call its exports ([`js_api`]).
//!
//! The smallest checkout: a [`PaymentElement`] inside a [`PayForm`], which validates it,
//! confirms through the merchant API and sends the customer to the return page, where
//! [`PaymentStatus`] shows the outcome. The options are the JS API's, typed
//! ([`model::options::PaymentElementOptions`]; `serde_json` reads the JS spelling too).
//!
//! ```no_run
//! use leptos::prelude::*;
//! use payment_element::net::client::Api;
//! use payment_element::model::types::Mode;
//! use payment_element::model::options::PaymentElementOptions;
//! use payment_element::components::state::PaymentElementHandle;
//! use payment_element::{PayForm, PaymentElement, PaymentStatus};
//! use payment_core::money::{Currency, MinorUnit, Money};
//!
//! #[component]
//! fn Checkout() -> impl IntoView {
//!     // `elements({mode: "payment", amount: 1999, currency: "eur"})` in the JS API.
//!     let options = Signal::stored(PaymentElementOptions {
//!         mode: Some(Mode::Payment),
//!         amount: Some(MinorUnit(1999)),
//!         currency: Some(Currency::EUR),
//!         ..PaymentElementOptions::default()
//!     });
//!     let handle = RwSignal::new(None::<PaymentElementHandle>);
//!     view! {
//!         <PayForm
//!             api=Api::http("/api")
//!             handle
//!             amount=Money::new(MinorUnit(1999), Currency::EUR)
//!             return_url="https://shop.example/complete"
//!         >
//!             <PaymentElement options on_ready=Callback::new(move |h| handle.set(Some(h))) />
//!         </PayForm>
//!     }
//! }
//!
//! /// The return page (`/complete`).
//! #[component]
//! fn Complete() -> impl IntoView {
//!     view! { <PaymentStatus api=Api::http("/api") /> }
//! }
//!
//! fn main() {
//!     leptos::mount::mount_to_body(Checkout);
//! }
//! ```
//!
//! The widget's look comes from `style/payment_element.css` in this crate: link it in
//! the page (`<link data-trunk rel="css" href="…/style/payment_element.css">` with
//! trunk). `examples/leptos-checkout` in the repository is a whole app: two routes,
//! layout and locale switches, saved methods for a returning customer.

// Every public item is documented (cargo doc -D warnings in `cargo xtask test`).
#![warn(missing_docs)]

pub mod components;
pub mod frame;
pub mod js_api;
pub mod model;
pub mod net;
mod split;

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
    // In the widget's split build the return page's view is a chunk that a checkout
    // page never fetches; until it has loaded the page shows what it had, and if it
    // cannot be fetched a message says so (the address still names the payment, so a
    // reload shows it). The return page's own build (without the `element` feature) is
    // this view alone, with nothing to fetch.
    let fallback =
        model::locale::Catalogue::new(locale.unwrap_or(model::locale::Locale::En), &strings)
            .get(model::locale::Key::StatusUnavailable)
            .to_owned();
    let api_base = api_base.to_owned();
    // wasm-bindgen's own task: Leptos's executor starts when something is mounted,
    // which here happens in the chunk.
    wasm_bindgen_futures::spawn_local(async move {
        if mount_status_view(host.clone(), api_base, locale, strings, retry_href)
            .await
            .is_err()
        {
            host.set_text_content(Some(&fallback));
            let _ = host.set_attribute("role", "alert");
        }
    });
    Ok(true)
}

/// Mounts [`PaymentStatus`] into `host` for as long as the page lives.
fn mount_status(
    host: web_sys::HtmlElement,
    api_base: String,
    locale: Option<model::locale::Locale>,
    strings: Vec<(model::locale::Key, String)>,
    retry_href: String,
) {
    let api = net::client::Api::http(&api_base);
    leptos::mount::mount_to(host, move || {
        view! { <PaymentStatus api locale strings retry_href /> }
    })
    .forget();
}

#[cfg(feature = "element")]
split::split_point!(
    payment_status,
    /// [`mount_status`], in a chunk of the split build.
    fn mount_status_view(
        host: web_sys::HtmlElement,
        api_base: String,
        locale: Option<model::locale::Locale>,
        strings: Vec<(model::locale::Key, String)>,
        retry_href: String,
    ) -> () {
        mount_status(host, api_base, locale, strings, retry_href)
    }
);

/// [`mount_status`]: the return page's build is nothing else.
#[cfg(not(feature = "element"))]
async fn mount_status_view(
    host: web_sys::HtmlElement,
    api_base: String,
    locale: Option<model::locale::Locale>,
    strings: Vec<(model::locale::Key, String)>,
    retry_href: String,
) -> Result<(), split::ChunkMissing> {
    mount_status(host, api_base, locale, strings, retry_href);
    Ok(())
}
