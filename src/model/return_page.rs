//! The return page's address handling: read `payment_intent`,
//! `payment_intent_client_secret` and `redirect_status`, and take the secret out of the
//! address bar at once (`history.replaceState`).
//!
//! The secret moves into the history entry's state object, so a reload of the same tab
//! can still ask for the status (a reload never confirms anything: it only reads)
//! while the address, which gets shared, bookmarked and logged, no longer holds it. No
//! storage or cookie is used, so a fresh browser profile works the same.

use leptos::prelude::*;
use payment_core::secret::ClientSecret;
use wasm_bindgen::JsValue;

/// The query parameter carrying the client secret.
pub const SECRET_PARAM: &str = "payment_intent_client_secret";

/// What the return page was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnParams {
    /// `pi_…`.
    pub payment_intent: String,
    /// Its client secret (redacted in `Debug`).
    pub client_secret: ClientSecret,
    /// `succeeded` / `failed` / …, as the redirect claimed (informational only: the
    /// status shown is always the one fetched from the server).
    pub redirect_status: Option<String>,
}

/// Reads the return parameters from the address (or, after a reload, the history
/// state), and removes the secret from the address bar. `None` when the page was not
/// opened as a return page or the secret is gone.
pub fn take_return_params() -> Option<ReturnParams> {
    let location = window().location();
    let search = location.search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let payment_intent = params.get("payment_intent")?;
    let redirect_status = params.get("redirect_status");
    let secret = match params.get(SECRET_PARAM) {
        Some(secret) => {
            params.delete(SECRET_PARAM);
            let rest = String::from(params.to_string());
            let path = location.pathname().unwrap_or_default();
            let hash = location.hash().unwrap_or_default();
            let address = if rest.is_empty() {
                [path.as_str(), &hash].concat()
            } else {
                [path.as_str(), "?", &rest, &hash].concat()
            };
            let state = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &state,
                &"payment_intent".into(),
                &payment_intent.as_str().into(),
            );
            let _ = js_sys::Reflect::set(&state, &SECRET_PARAM.into(), &secret.as_str().into());
            if let Ok(history) = window().history() {
                let _ = history.replace_state_with_url(&state, "", Some(&address));
            }
            secret
        }
        None => secret_from_history(&payment_intent)?,
    };
    Some(ReturnParams {
        payment_intent,
        client_secret: ClientSecret::new(secret),
        redirect_status,
    })
}

/// The secret a previous visit of this history entry kept, if it belongs to `id`.
fn secret_from_history(id: &str) -> Option<String> {
    let state = window().history().ok()?.state().ok()?;
    let get = |name: &str| -> Option<String> {
        js_sys::Reflect::get(&state, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    (get("payment_intent")? == id)
        .then(|| get(SECRET_PARAM))
        .flatten()
}
