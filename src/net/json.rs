//! The merchant API's JSON, read and written through the browser's own `JSON` object
//! instead of serde: payment-core's own serde types through serde-wasm-bindgen were
//! measured against this file (`cargo xtask bench`, the `wire-serde` variant,
//! 2026-12-06): +45.7 KB gzip before the card form is interactive, far past the 5 KB
//! issue 21 allows. `tests/wire_drift.rs` keeps this reader and the server's serde types
//! from drifting apart (README, "Dependencies").
//!
//! Reading is lenient, as DESIGN.md asks of everything a widget decodes: unknown enum
//! values become `Unknown`, unknown fields are ignored, and an object that lacks what it
//! needs is `None` (the client then reports a generic error), never a panic.

use js_sys::Array;
use js_sys::{Object, Reflect, JSON};
use payment_core::api::{
    Address, AllowRedisplay, BillingDetails, CardPreview, ConfirmationToken,
    CreateConfirmationToken, DisplayQrCode, EwalletChannel, EwalletPreview, NextAction,
    PaymentElementFeatures, PaymentIntent, PaymentIntentStatus, PaymentMethodData,
    PaymentMethodPreview, PaymentMethodType, QrChannel, QrCodeInput, RedirectToUrl,
    SavedPaymentMethod, SepaPreview, SetupFutureUsage, Toggle,
};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::money::{Currency, MinorUnit};
use payment_core::secret::ClientSecret;
use payment_core::secret::Cvc;
use payment_core::vault::{CardDetails, CardToken, CvcToken, CARD_TOKEN_PREFIX, CVC_TOKEN_PREFIX};
use wasm_bindgen::JsValue;

/// Parses a response body; `None` when it is not JSON.
pub fn parse(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

/// Shared with `crate::net::customer_api`.
pub(crate) fn get(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Shared with `crate::net::customer_api`.
pub(crate) fn string(value: &JsValue, key: &str) -> Option<String> {
    get(value, key).as_string()
}

/// Shared with `crate::net::customer_api`.
pub(crate) fn integer(value: &JsValue, key: &str) -> Option<i64> {
    get(value, key)
        .as_f64()
        .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
        .map(|n| n as i64)
}

/// A status by its wire name; `Unknown` for a name this build does not know.
pub fn status(name: &str) -> PaymentIntentStatus {
    use PaymentIntentStatus::*;
    [
        RequiresPaymentMethod,
        RequiresConfirmation,
        RequiresAction,
        Processing,
        RequiresCapture,
        Canceled,
        Succeeded,
    ]
    .into_iter()
    .find(|s| s.as_str() == name)
    .unwrap_or(Unknown)
}

fn error_type(name: &str) -> ErrorType {
    use ErrorType::*;
    [CardError, InvalidRequestError, IdempotencyError, ApiError]
        .into_iter()
        .find(|t| t.as_str() == name)
        .unwrap_or(Unknown)
}

/// Shared with `crate::net::customer_api`.
pub(crate) fn method_type(name: &str) -> PaymentMethodType {
    use PaymentMethodType::*;
    [Card, SepaDebit, Ewallet, QrCode]
        .into_iter()
        .find(|t| t.as_str() == name)
        .unwrap_or(Unknown)
}

/// An error object (`{type, code, decline_code?, message, param?}`), whatever it lacks.
pub fn read_error(value: &JsValue) -> ApiError {
    let code = string(value, "code").unwrap_or_default();
    ApiError {
        kind: error_type(&string(value, "type").unwrap_or_default()),
        code: ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == code)
            .unwrap_or(ErrorCode::Unknown),
        decline_code: string(value, "decline_code").map(|name| {
            DeclineCode::ALL
                .iter()
                .copied()
                .find(|d| d.as_str() == name)
                .unwrap_or(DeclineCode::Unknown)
        }),
        message: string(value, "message").unwrap_or_default(),
        param: string(value, "param"),
    }
}

fn read_next_action(value: &JsValue) -> Option<NextAction> {
    if !value.is_object() {
        return None;
    }
    Some(match string(value, "type").as_deref() {
        Some("redirect_to_url") => {
            let target = get(value, "redirect_to_url");
            match string(&target, "url") {
                Some(url) => NextAction::RedirectToUrl {
                    redirect_to_url: RedirectToUrl {
                        url,
                        return_url: string(&target, "return_url").unwrap_or_default(),
                        app_url: string(&target, "app_url"),
                    },
                },
                None => NextAction::Unknown,
            }
        }
        Some("display_qr_code") => {
            let code = get(value, "display_qr_code");
            match string(&code, "data") {
                Some(data) => NextAction::DisplayQrCode {
                    display_qr_code: DisplayQrCode {
                        data,
                        expires_at: integer(&code, "expires_at"),
                        image_url_svg: string(&code, "image_url_svg"),
                    },
                },
                None => NextAction::Unknown,
            }
        }
        _ => NextAction::Unknown,
    })
}

fn read_preview(value: &JsValue) -> Option<PaymentMethodPreview> {
    let kind = method_type(&string(value, "type")?);
    let card = get(value, "card");
    let card = string(&card, "last4").map(|last4| CardPreview {
        brand: string(&card, "brand").unwrap_or_default(),
        last4,
        exp_month: integer(&card, "exp_month").unwrap_or_default() as u8,
        exp_year: integer(&card, "exp_year").unwrap_or_default() as u16,
        funding: string(&card, "funding"),
    });
    let qr = get(value, "qr_code");
    Some(PaymentMethodPreview {
        kind,
        card,
        sepa_debit: None,
        ewallet: None,
        qr_code: string(&qr, "channel_code").map(|code| QrCodeInput {
            channel_code: qr_channel(&code),
        }),
        billing_details: None,
    })
}

/// A payment intent; `None` when it lacks its id, status, amount or currency.
///
/// A setup intent (`object: "setup_intent"`) is read into the same struct, so that it
/// rides the same confirm, next-action and polling code: it has no amount or currency
/// (read as 0 EUR, which nothing shows: `js_api::objects::intent` hands the page a
/// setup intent's own fields), and its `last_setup_error` is the struct's
/// `last_payment_error`.
pub fn read_intent(value: &JsValue) -> Option<PaymentIntent> {
    let setup = string(value, "object").as_deref() == Some("setup_intent");
    let last_payment_error = get(
        value,
        if setup {
            "last_setup_error"
        } else {
            "last_payment_error"
        },
    );
    let (amount, currency) = if setup {
        (MinorUnit::new(0), Currency::EUR)
    } else {
        (
            MinorUnit::new(integer(value, "amount")?),
            Currency::new(&string(value, "currency")?).ok()?,
        )
    };
    Some(PaymentIntent {
        id: string(value, "id")?,
        client_secret: string(value, "client_secret").map(ClientSecret::new),
        status: status(&string(value, "status")?),
        amount,
        currency,
        next_action: read_next_action(&get(value, "next_action")),
        last_payment_error: last_payment_error
            .is_object()
            .then(|| read_error(&last_payment_error)),
        payment_method_preview: read_preview(&get(value, "payment_method_preview")),
    })
}

/// A confirmation token; `None` without its id.
pub fn read_token(value: &JsValue) -> Option<ConfirmationToken> {
    Some(ConfirmationToken {
        id: string(value, "id")?,
        expires_at: integer(value, "expires_at").unwrap_or_default(),
        payment_method_preview: read_preview(&get(value, "payment_method_preview")).unwrap_or(
            PaymentMethodPreview {
                kind: PaymentMethodType::Unknown,
                card: None,
                sepa_debit: None,
                ewallet: None,
                qr_code: None,
                billing_details: None,
            },
        ),
        setup_future_usage: None,
        return_url: string(value, "return_url"),
    })
}

fn qr_channel(name: &str) -> QrChannel {
    QrChannel::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .unwrap_or(QrChannel::Unknown)
}

fn channel(name: &str) -> EwalletChannel {
    EwalletChannel::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .unwrap_or(EwalletChannel::Unknown)
}

/// One saved method; `None` without an id.
pub fn read_saved_method(value: &JsValue) -> Option<SavedPaymentMethod> {
    let card = get(value, "card");
    let sepa = get(value, "sepa_debit");
    let wallet = get(value, "ewallet");
    Some(SavedPaymentMethod {
        id: string(value, "id")?,
        kind: method_type(&string(value, "type").unwrap_or_default()),
        created: integer(value, "created").unwrap_or_default(),
        allow_redisplay: match string(value, "allow_redisplay").as_deref() {
            Some("always") => AllowRedisplay::Always,
            Some("limited") => AllowRedisplay::Limited,
            Some("unspecified") => AllowRedisplay::Unspecified,
            _ => AllowRedisplay::Unknown,
        },
        card: string(&card, "last4").map(|last4| CardPreview {
            brand: string(&card, "brand").unwrap_or_default(),
            last4,
            exp_month: integer(&card, "exp_month")
                .and_then(|m| u8::try_from(m).ok())
                .unwrap_or_default(),
            exp_year: integer(&card, "exp_year")
                .and_then(|y| u16::try_from(y).ok())
                .unwrap_or_default(),
            funding: string(&card, "funding"),
        }),
        sepa_debit: string(&sepa, "last4").map(|last4| SepaPreview {
            country: string(&sepa, "country").unwrap_or_default(),
            bank_code: string(&sepa, "bank_code"),
            last4,
        }),
        ewallet: string(&wallet, "channel_code").map(|code| EwalletPreview {
            channel_code: channel(&code),
            account_label: string(&wallet, "account_label"),
        }),
    })
}

/// The items of a `{"data": [...]}` list, skipping any that cannot be read.
pub fn read_saved_methods(body: &JsValue) -> Vec<SavedPaymentMethod> {
    let data = get(body, "data");
    if !Array::is_array(&data) {
        return Vec::new();
    }
    Array::from(&data)
        .iter()
        .filter_map(|item| read_saved_method(&item))
        .collect()
}

/// The Payment Element features of a session (`components.payment_element.features`);
/// anything missing or unknown reads as disabled, the limit as the default 3.
pub fn read_features(value: &JsValue) -> PaymentElementFeatures {
    let toggle = |key: &str| {
        if string(value, key).as_deref() == Some("enabled") {
            Toggle::Enabled
        } else {
            Toggle::Disabled
        }
    };
    PaymentElementFeatures {
        payment_method_redisplay: toggle("payment_method_redisplay"),
        payment_method_redisplay_limit: integer(value, "payment_method_redisplay_limit")
            .and_then(|l| u8::try_from(l).ok())
            .unwrap_or(3),
        payment_method_save: toggle("payment_method_save"),
        payment_method_save_usage: match string(value, "payment_method_save_usage").as_deref() {
            Some("off_session") => Some(SetupFutureUsage::OffSession),
            Some("on_session") => Some(SetupFutureUsage::OnSession),
            _ => None,
        },
        payment_method_remove: toggle("payment_method_remove"),
        ..PaymentElementFeatures::default()
    }
}

fn object() -> Object {
    Object::new()
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

fn set_some(object: &Object, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        set(object, key, value);
    }
}

fn address(address: &Address) -> Object {
    let out = object();
    set_some(&out, "line1", address.line1.as_deref());
    set_some(&out, "line2", address.line2.as_deref());
    set_some(&out, "city", address.city.as_deref());
    set_some(&out, "state", address.state.as_deref());
    set_some(&out, "postal_code", address.postal_code.as_deref());
    set_some(&out, "country", address.country.as_deref());
    out
}

fn billing_details(details: &BillingDetails) -> Object {
    let out = object();
    set_some(&out, "name", details.name.as_deref());
    set_some(&out, "email", details.email.as_deref());
    set_some(&out, "phone", details.phone.as_deref());
    if let Some(a) = &details.address {
        set(&out, "address", address(a));
    }
    out
}

fn payment_method_data(data: &PaymentMethodData) -> Object {
    let out = object();
    set(&out, "type", data.kind.as_str());
    if let Some(card) = &data.card {
        let c = object();
        set(&c, "token", card.token.as_str());
        set(&out, "card", c);
    }
    if let Some(sepa) = &data.sepa_debit {
        let s = object();
        set(&s, "iban", sepa.iban.expose());
        set(&out, "sepa_debit", s);
    }
    if let Some(wallet) = &data.ewallet {
        let w = object();
        set(&w, "channel_code", wallet.channel_code.as_str());
        set(&out, "ewallet", w);
    }
    if let Some(qr) = &data.qr_code {
        let q = object();
        set(&q, "channel_code", qr.channel_code.as_str());
        set(&out, "qr_code", q);
    }
    if let Some(details) = &data.billing_details {
        set(&out, "billing_details", billing_details(details));
    }
    out
}

/// The body of `POST /confirmation_tokens`.
pub fn token_request(request: &CreateConfirmationToken) -> Option<String> {
    let out = object();
    if let Some(data) = &request.payment_method_data {
        set(&out, "payment_method_data", payment_method_data(data));
    }
    set_some(&out, "payment_method", request.payment_method.as_deref());
    if let Some(cvc_token) = request
        .payment_method_options
        .as_ref()
        .and_then(|o| o.card.as_ref())
        .and_then(|c| c.cvc_token.as_deref())
    {
        let card = object();
        set(&card, "cvc_token", cvc_token);
        let options = object();
        set(&options, "card", card);
        set(&out, "payment_method_options", options);
    }
    if let Some(usage) = request.setup_future_usage {
        set(&out, "setup_future_usage", usage.as_str());
    }
    set_some(&out, "return_url", request.return_url.as_deref());
    if let Some(shipping) = &request.shipping {
        let s = object();
        set(&s, "name", shipping.name.as_str());
        set(&s, "address", address(&shipping.address));
        set_some(&s, "phone", shipping.phone.as_deref());
        set(&out, "shipping", s);
    }
    if let Some(consent) = &request.consent {
        let c = object();
        set(&c, "text", consent.text.as_str());
        set(&c, "locale", consent.locale.as_str());
        set(&c, "accepted_at", consent.accepted_at as f64);
        set(&c, "usage", consent.usage.as_str());
        set(&out, "consent", c);
    }
    stringify(&out)
}

/// The body of the payments origin's `POST /v1/card_tokens`: the card, sent by the
/// card frame (or inline fields) to the payments origin only.
pub fn card_details(card: &CardDetails) -> Option<String> {
    let out = object();
    set(&out, "number", card.number.expose());
    set(&out, "exp_month", card.exp_month);
    set(&out, "exp_year", card.exp_year);
    set(&out, "cvc", card.cvc.expose());
    stringify(&out)
}

/// The body of `POST /v1/cvc_tokens`.
pub fn cvc_details(cvc: &Cvc) -> Option<String> {
    let out = object();
    set(&out, "cvc", cvc.expose());
    stringify(&out)
}

/// The payments origin's answer to `POST /v1/card_tokens`; `None` without its id.
pub fn read_card_token(value: &JsValue) -> Option<CardToken> {
    Some(CardToken {
        id: string(value, "id").filter(|id| id.starts_with(CARD_TOKEN_PREFIX))?,
        brand: string(value, "brand").unwrap_or_default(),
        last4: string(value, "last4").unwrap_or_default(),
        exp_month: integer(value, "exp_month")
            .and_then(|m| u8::try_from(m).ok())
            .unwrap_or_default(),
        exp_year: integer(value, "exp_year")
            .and_then(|y| u16::try_from(y).ok())
            .unwrap_or_default(),
        expires_at: integer(value, "expires_at").unwrap_or_default(),
    })
}

/// The payments origin's answer to `POST /v1/cvc_tokens`; `None` without its id.
pub fn read_cvc_token(value: &JsValue) -> Option<CvcToken> {
    Some(CvcToken {
        id: string(value, "id").filter(|id| id.starts_with(CVC_TOKEN_PREFIX))?,
        expires_at: integer(value, "expires_at").unwrap_or_default(),
    })
}

/// A flat object of string fields, e.g. `{"confirmation_token_id": …}`.
pub fn strings(fields: &[(&str, &str)]) -> Option<String> {
    let out = object();
    for (key, value) in fields {
        set(&out, key, *value);
    }
    stringify(&out)
}

fn stringify(value: &Object) -> Option<String> {
    JSON::stringify(value).ok().and_then(|s| s.as_string())
}
