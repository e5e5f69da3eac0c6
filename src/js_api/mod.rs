//! The JavaScript embedding API, shaped like Stripe.js so a merchant who knows the
//! Payment Element can use this one without Rust:
//!
//! ```js
//! const checkout = Checkout({ apiBase: "/api" });
//! const elements = checkout.elements({ mode: "payment", amount: 5400, currency: "eur" });
//! const paymentElement = elements.create("payment", { layout: "accordion" });
//! paymentElement.mount("#payment-element");
//! const { error, paymentIntent } = await checkout.confirm({ elements, params: { return_url } });
//! ```
//!
//! Bad options throw a `TypeError` at call time naming the option (the messages of
//! `crate::model::options`); payment outcomes never reject: promises resolve to `{…}` or
//! `{error}`. The flow reuses `crate::model::confirm` (one attempt at a time, one
//! `Idempotency-Key` per attempt) and `crate::net::client`.

#[cfg(feature = "element")]
mod checkout;
#[cfg(feature = "element")]
mod custom_element;
#[cfg(feature = "element")]
mod elements;
pub mod objects;
pub mod read;
mod types;

#[cfg(feature = "element")]
pub use checkout::{checkout, JsCheckout};
#[cfg(feature = "element")]
pub use custom_element::define_custom_element;
#[cfg(feature = "element")]
pub(crate) use custom_element::script_origin;
#[cfg(feature = "element")]
pub use elements::{JsElements, JsPaymentElement};

use wasm_bindgen::{JsCast, JsValue};

/// A `TypeError` with `message`, thrown for options the API cannot accept.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// Reads `key` of `value` (`undefined` when `value` is not an object).
pub fn field(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Whether `value` is `undefined` or `null`.
pub fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// Checks that `value` is an object (or absent, when `optional`), naming it otherwise.
pub fn expect_object(value: &JsValue, name: &str, optional: bool) -> Result<(), JsValue> {
    if (optional && absent(value)) || (value.is_object() && !js_sys::Array::is_array(value)) {
        Ok(())
    } else {
        Err(type_error(&[name, " must be an object"].concat()))
    }
}

/// The options of `mountPaymentStatus`, read and checked as the element's own.
pub struct StatusOptions {
    /// `None` for `"auto"` (the browser's languages).
    pub locale: Option<crate::model::locale::Locale>,
    /// The message overrides.
    pub strings: Vec<(crate::model::locale::Key, String)>,
    /// Where "Try another payment method" leads.
    pub retry_href: String,
}

/// Reads the options of `mountPaymentStatus`: `locale` and `strings` exactly as the
/// element reads its own, and `retryHref`.
pub fn status_options(value: &JsValue) -> Result<StatusOptions, JsValue> {
    use crate::model::options::LocaleChoice;
    expect_object(value, "mountPaymentStatus options", true)?;
    let retry = field(value, "retryHref");
    let retry_href = if absent(&retry) {
        "/".to_owned()
    } else {
        retry
            .as_string()
            .filter(|h| !h.trim().is_empty())
            .ok_or_else(|| type_error("retryHref must be a non-empty string (a URL)"))?
    };
    let shared = js_sys::Object::new();
    for key in ["locale", "strings"] {
        let given = field(value, key);
        if !absent(&given) {
            let _ = js_sys::Reflect::set(&shared, &key.into(), &given);
        }
    }
    if value.is_object() {
        for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !["locale", "strings", "retryHref"].contains(&key.as_str()) {
                return Err(type_error(
                    &[
                        &key,
                        " is not an option; use one of locale, strings, retryHref",
                    ]
                    .concat(),
                ));
            }
        }
    }
    let options = read::options(&shared)
        .and_then(|raw| raw.validate())
        .map_err(|e| type_error(&e.0))?;
    let locale = match options.locale {
        LocaleChoice::Auto => None,
        LocaleChoice::Fixed(locale) => Some(locale),
    };
    Ok(StatusOptions {
        locale,
        strings: options.strings,
        retry_href,
    })
}

/// Sends the top window to `url` (3-D Secure pages must not open in a frame), falling
/// back to this window.
pub fn navigate(url: &str) {
    let window = leptos::prelude::window();
    let top = window
        .top()
        .ok()
        .flatten()
        .unwrap_or_else(|| window.clone());
    if top.location().set_href(url).is_err() {
        let _ = window.location().set_href(url);
    }
}
