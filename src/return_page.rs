//! `mountPaymentStatus`: the return page for pages without Rust (the `payment-status`
//! feature). In the widget's split build the status view is a chunk; the return page's
//! own build (this feature alone) is that view and nothing else.

use crate::PaymentStatus;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

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
    let crate::js_api::StatusOptions {
        locale,
        strings,
        retry_href,
    } = crate::js_api::status_options(&options)?;
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
    let fallback = crate::model::locale::Catalogue::new(
        locale.unwrap_or(crate::model::locale::Locale::En),
        &strings,
    )
    .get(crate::model::locale::Key::StatusUnavailable)
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

crate::split::split_point!(
    payment_status,
    /// Mounts [`PaymentStatus`] into `host` for as long as the page lives: a chunk of the
    /// widget's split build, and a plain function in the return page's own build (without
    /// `element`, the split points are not split).
    fn mount_status_view(
        host: web_sys::HtmlElement,
        api_base: String,
        locale: Option<crate::model::locale::Locale>,
        strings: Vec<(crate::model::locale::Key, String)>,
        retry_href: String,
    ) -> () {
        let api = crate::net::client::Api::http(&api_base);
        leptos::mount::mount_to(host, move || {
            view! { <PaymentStatus api locale strings retry_href /> }
        })
        .forget();
    }
);
