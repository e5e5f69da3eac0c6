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

/// The query parameters of a payment intent's return: its id and its client secret.
pub const PAYMENT_PARAMS: IntentParams = IntentParams {
    id: "payment_intent",
    secret: "payment_intent_client_secret",
};

/// The query parameters of a setup intent's return (`confirmSetup`).
pub const SETUP_PARAMS: IntentParams = IntentParams {
    id: "setup_intent",
    secret: "setup_intent_client_secret",
};

/// The names of the id and secret parameters a return address carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntentParams {
    /// `payment_intent` or `setup_intent`.
    pub id: &'static str,
    /// `payment_intent_client_secret` or `setup_intent_client_secret`.
    pub secret: &'static str,
}

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
    take_params(PAYMENT_PARAMS)
}

/// [`take_return_params`] for the parameters `names` (a setup intent's return page).
pub fn take_params(names: IntentParams) -> Option<ReturnParams> {
    let location = window().location();
    let search = location.search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let payment_intent = params.get(names.id)?;
    let redirect_status = params.get("redirect_status");
    let secret = match params.get(names.secret) {
        Some(secret) => {
            params.delete(names.secret);
            let rest = String::from(params.to_string());
            let path = location.pathname().unwrap_or_default();
            let hash = location.hash().unwrap_or_default();
            let address = if rest.is_empty() {
                [path.as_str(), &hash].concat()
            } else {
                [path.as_str(), "?", &rest, &hash].concat()
            };
            let state = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&state, &names.id.into(), &payment_intent.as_str().into());
            let _ = js_sys::Reflect::set(&state, &names.secret.into(), &secret.as_str().into());
            if let Ok(history) = window().history() {
                let _ = history.replace_state_with_url(&state, "", Some(&address));
            }
            secret
        }
        None => secret_from_history(names, &payment_intent)?,
    };
    Some(ReturnParams {
        payment_intent,
        client_secret: ClientSecret::new(secret),
        redirect_status,
    })
}

/// The secret a previous visit of this history entry kept, if it belongs to `id`.
fn secret_from_history(names: IntentParams, id: &str) -> Option<String> {
    let state = window().history().ok()?.state().ok()?;
    let get = |name: &str| -> Option<String> {
        js_sys::Reflect::get(&state, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    (get(names.id)? == id).then(|| get(names.secret)).flatten()
}
