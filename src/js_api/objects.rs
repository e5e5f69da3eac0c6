//! The plain JS objects the embedding API hands to the page: payment intents,
//! confirmation tokens, errors and events, shaped (snake_case, as Stripe.js returns
//! them) like what the merchant API sends. Client secrets appear only in the intent the
//! page asked about; card data never does (previews carry brand and last4 only).

use crate::model::events::ChangeEvent;
use crate::model::locale::Catalogue;
use js_sys::{Object, Reflect};
use payment_core::api::{ConfirmationToken, NextAction, PaymentIntent, PaymentMethodPreview};
use payment_core::error::ApiError;
use wasm_bindgen::JsValue;

/// A new empty object.
pub fn object() -> Object {
    Object::new()
}

/// Sets `key` on `target`.
pub fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

/// `{key: value}`.
pub fn with(key: &str, value: impl Into<JsValue>) -> JsValue {
    let out = object();
    set(&out, key, value);
    out.into()
}

/// `{error: {type, code?, decline_code?, message, param?}}`, the message in the
/// customer's language (from the code), so a page can show it as it is.
pub fn api_error(error: &ApiError, catalogue: &Catalogue) -> Object {
    let out = object();
    set(&out, "type", error.kind.as_str());
    set(&out, "code", error.code.as_str());
    if let Some(decline) = error.decline_code {
        set(&out, "decline_code", decline.as_str());
    }
    let key = crate::model::confirm::feedback_for_error(error).message;
    set(&out, "message", catalogue.get(key));
    if let Some(param) = &error.param {
        set(&out, "param", param.as_str());
    }
    out
}

/// An error the widget itself reports (`validation_error`, `api_connection_error`, …).
pub fn local_error(kind: &str, code: &str, message: &str) -> Object {
    let out = object();
    set(&out, "type", kind);
    set(&out, "code", code);
    set(&out, "message", message);
    out
}

fn preview(preview: &PaymentMethodPreview) -> Object {
    let out = object();
    set(&out, "type", preview.kind.as_str());
    if let Some(card) = &preview.card {
        let c = object();
        set(&c, "brand", card.brand.as_str());
        set(&c, "last4", card.last4.as_str());
        set(&c, "exp_month", card.exp_month);
        set(&c, "exp_year", card.exp_year);
        set(&out, "card", c);
    }
    out
}

/// A confirmation token: `{id, object, expires_at, payment_method_preview, return_url?}`.
pub fn token(token: &ConfirmationToken) -> Object {
    let out = object();
    set(&out, "id", token.id.as_str());
    set(&out, "object", "confirmation_token");
    set(&out, "expires_at", token.expires_at as f64);
    set(
        &out,
        "payment_method_preview",
        preview(&token.payment_method_preview),
    );
    if let Some(url) = &token.return_url {
        set(&out, "return_url", url.as_str());
    }
    out
}

/// A payment intent: `{id, object, status, amount, currency, client_secret?,
/// next_action?, last_payment_error?, payment_method_preview?}`.
pub fn intent(intent: &PaymentIntent, catalogue: &Catalogue) -> Object {
    let out = object();
    let setup = payment_core::api::is_setup_intent(&intent.id);
    set(&out, "id", intent.id.as_str());
    set(&out, "status", intent.status.as_str());
    if setup {
        // A setup intent has no amount (see `net::json::read_intent`).
        set(&out, "object", "setup_intent");
    } else {
        set(&out, "object", "payment_intent");
        set(&out, "amount", intent.amount.0 as f64);
        set(
            &out,
            "currency",
            intent.currency.code().to_ascii_lowercase(),
        );
    }
    if let Some(secret) = &intent.client_secret {
        set(&out, "client_secret", secret.expose());
    }
    if let Some(NextAction::RedirectToUrl { redirect_to_url }) = &intent.next_action {
        let action = object();
        set(&action, "type", "redirect_to_url");
        let to = object();
        set(&to, "url", redirect_to_url.url.as_str());
        set(&to, "return_url", redirect_to_url.return_url.as_str());
        if let Some(app) = &redirect_to_url.app_url {
            set(&to, "app_url", app.as_str());
        }
        set(&action, "redirect_to_url", to);
        set(&out, "next_action", action);
    }
    if let Some(error) = &intent.last_payment_error {
        let name = if setup {
            "last_setup_error"
        } else {
            "last_payment_error"
        };
        set(&out, name, api_error(error, catalogue));
    }
    if let Some(p) = &intent.payment_method_preview {
        set(&out, "payment_method_preview", preview(p));
    }
    out
}

/// The `change` event: `{elementType, complete, empty, value: {type, payment_method?,
/// savePaymentMethod}}`.
pub fn change_event(event: &ChangeEvent) -> Object {
    let out = element_event();
    set(&out, "complete", event.complete);
    set(&out, "empty", event.empty);
    set(&out, "collapsed", event.collapsed);
    let value = object();
    if let Some(kind) = event.value.kind {
        set(&value, "type", kind.as_str());
    }
    if let Some(id) = &event.value.payment_method {
        set(&value, "payment_method", with("id", id.as_str()));
    }
    set(&value, "savePaymentMethod", event.value.save_payment_method);
    set(&out, "value", value);
    out
}

/// `{elementType: "payment"}`, the base of every event.
pub fn element_event() -> Object {
    let out = object();
    set(&out, "elementType", "payment");
    out
}
