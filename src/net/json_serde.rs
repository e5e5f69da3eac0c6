//! The `wire-serde` variant of `src/json.rs`: the same functions, reading and writing
//! the merchant API's JSON through payment-core's own serde types with
//! serde-wasm-bindgen (no serde_json in the wasm). `cargo xtask bench` builds it beside
//! the shipped reader so the size cost of one definition per wire type stays a figure
//! anyone can re-run (issue 21; README, "Dependencies").
//!
//! Leniency comes from payment-core's serde attributes (`#[serde(other)]` for unknown
//! enum values, defaults for optional fields, unknown fields ignored); an object that
//! does not decode is `None`, as in the hand-written reader.

use js_sys::JSON;
use payment_core::api::{
    ConfirmationToken, CreateConfirmationToken, PaymentElementFeatures, PaymentIntent,
    PaymentIntentStatus, SavedPaymentMethod,
};
use payment_core::error::{ApiError, ErrorCode, ErrorType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// Parses a response body; `None` when it is not JSON.
pub fn parse(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

fn read<T: DeserializeOwned>(value: &JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value.clone()).ok()
}

/// Shared with `crate::net::customer_api`.
pub(crate) fn get(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A status by its wire name; `Unknown` for a name this build does not know.
pub fn status(name: &str) -> PaymentIntentStatus {
    read(&JsValue::from_str(name)).unwrap_or(PaymentIntentStatus::Unknown)
}

/// An error object, whatever it lacks.
pub fn read_error(value: &JsValue) -> ApiError {
    read(value).unwrap_or_else(|| {
        ApiError::new(ErrorType::Unknown, ErrorCode::Unknown).with_message(String::new())
    })
}

/// A payment intent; `None` when it lacks its id, status, amount or currency.
pub fn read_intent(value: &JsValue) -> Option<PaymentIntent> {
    read(value)
}

/// A confirmation token; `None` without its id.
pub fn read_token(value: &JsValue) -> Option<ConfirmationToken> {
    read(value)
}

/// One saved method; `None` without an id (`crate::net::customer_api`).
pub fn read_saved_method(value: &JsValue) -> Option<SavedPaymentMethod> {
    read(value)
}

/// The items of a `{"data": [...]}` list (`crate::net::customer_api`).
pub fn read_saved_methods(body: &JsValue) -> Vec<SavedPaymentMethod> {
    // Item by item, as the hand-written reader: one unreadable item is skipped, not the list.
    let data = get(body, "data");
    if !js_sys::Array::is_array(&data) {
        return Vec::new();
    }
    js_sys::Array::from(&data)
        .iter()
        .filter_map(|item| read_saved_method(&item))
        .collect()
}

/// The Payment Element features of a session (`crate::net::customer_api`).
pub fn read_features(value: &JsValue) -> PaymentElementFeatures {
    read(value).unwrap_or_default()
}

fn write(value: &impl Serialize) -> Option<String> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()?;
    JSON::stringify(&value).ok().and_then(|s| s.as_string())
}

/// The body of `POST /confirmation_tokens`.
pub fn token_request(request: &CreateConfirmationToken) -> Option<String> {
    write(request)
}

/// A flat object of string fields, e.g. `{"confirmation_token_id": …}`.
pub fn strings(fields: &[(&str, &str)]) -> Option<String> {
    write(&fields.iter().copied().collect::<BTreeMap<_, _>>())
}

/// The body of the payments origin's `POST /v1/card_tokens`.
pub fn card_details(card: &payment_core::vault::CardDetails) -> Option<String> {
    write(card)
}

/// The body of `POST /v1/cvc_tokens`.
pub fn cvc_details(cvc: &payment_core::secret::Cvc) -> Option<String> {
    write(&payment_core::vault::CvcDetails { cvc: cvc.clone() })
}

/// The answer to `POST /v1/card_tokens`.
pub fn read_card_token(value: &JsValue) -> Option<payment_core::vault::CardToken> {
    read(value)
}

/// The answer to `POST /v1/cvc_tokens`.
pub fn read_cvc_token(value: &JsValue) -> Option<payment_core::vault::CvcToken> {
    read(value)
}
