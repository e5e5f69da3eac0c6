//! The two customer-session calls the element makes (list and remove saved methods),
//! on `fetch` (src/fetch.rs), behind the [`CustomerApi`] trait so browser tests use a fake.
//!
//! JSON is read through the browser's `JSON` object rather than serde_json (size
//! budget), leniently: unknown kinds, brands and channels decode to their `Unknown`
//! values, an item without an id is skipped, never a panic. The session secret travels
//! only in the `Authorization` header, never in a URL or a log line.

use crate::json::{get, integer, method_type, string};
use js_sys::{Array, JSON};
use payment_core::api::{
    AllowRedisplay, CardPreview, EwalletChannel, EwalletPreview, PaymentElementFeatures,
    SavedPaymentMethod, SepaPreview, SetupFutureUsage, Toggle,
};
use payment_core::error::ErrorCode;
use payment_core::secret::ClientSecret;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// A future on the browser's single thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Why a customer-session call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerApiError {
    /// No answer (offline, server down, CORS).
    Network,
    /// An answer other than success, with the error code it named.
    Refused {
        /// HTTP status.
        status: u16,
        /// `error.code`, `Unknown` when absent or new.
        code: ErrorCode,
    },
}

impl CustomerApiError {
    /// A short, secret-free description for the merchant's console.
    pub fn describe(self) -> String {
        match self {
            CustomerApiError::Network => "the server did not answer".to_owned(),
            CustomerApiError::Refused { status, code } => {
                ["HTTP ", &status.to_string(), " ", code.as_str()].concat()
            }
        }
    }
}

/// The customer-session calls.
pub trait CustomerApi {
    /// `GET /customer_sessions/payment_methods`: the saved methods, newest first.
    fn list_payment_methods(
        &self,
        secret: ClientSecret,
    ) -> LocalFuture<Result<Vec<SavedPaymentMethod>, CustomerApiError>>;

    /// `DELETE /customer_sessions/payment_methods/{id}`.
    fn detach_payment_method(
        &self,
        secret: ClientSecret,
        id: String,
    ) -> LocalFuture<Result<(), CustomerApiError>>;
}

/// The fetch-based client against the merchant API at `base` (e.g. `/api`).
#[derive(Clone, Debug)]
pub struct HttpCustomerApi {
    base: String,
}

impl HttpCustomerApi {
    /// A client for the API at `base`.
    pub fn new(base: impl Into<String>) -> HttpCustomerApi {
        HttpCustomerApi { base: base.into() }
    }

    /// The shared handle the element takes.
    pub fn shared(base: impl Into<String>) -> Rc<dyn CustomerApi> {
        Rc::new(HttpCustomerApi::new(base))
    }
}

fn bearer(secret: &ClientSecret) -> String {
    ["Bearer ", secret.expose()].concat()
}

async fn answer(
    method: &str,
    url: &str,
    secret: Option<&ClientSecret>,
) -> Result<JsValue, CustomerApiError> {
    let authorization = secret.map(bearer);
    let headers: Vec<(&str, &str)> = authorization
        .as_deref()
        .map(|value| ("Authorization", value))
        .into_iter()
        .collect();
    let response = crate::fetch::fetch(method, url, &headers, None, None)
        .await
        .map_err(|_| CustomerApiError::Network)?;
    let body = response.text.as_deref().and_then(|t| JSON::parse(t).ok());
    if response.ok() {
        return body.ok_or(CustomerApiError::Refused {
            status: response.status,
            code: ErrorCode::Unknown,
        });
    }
    let code = body
        .map(|b| get(&get(&b, "error"), "code"))
        .and_then(|c| c.as_string())
        .and_then(|c| ErrorCode::ALL.iter().copied().find(|e| e.as_str() == c))
        .unwrap_or(ErrorCode::Unknown);
    Err(CustomerApiError::Refused {
        status: response.status,
        code,
    })
}

impl CustomerApi for HttpCustomerApi {
    fn list_payment_methods(
        &self,
        secret: ClientSecret,
    ) -> LocalFuture<Result<Vec<SavedPaymentMethod>, CustomerApiError>> {
        let url = [self.base.as_str(), "/customer_sessions/payment_methods"].concat();
        Box::pin(async move {
            let body = answer("GET", &url, Some(&secret)).await?;
            Ok(read_saved_methods(&body))
        })
    }

    fn detach_payment_method(
        &self,
        secret: ClientSecret,
        id: String,
    ) -> LocalFuture<Result<(), CustomerApiError>> {
        let url = [
            self.base.as_str(),
            "/customer_sessions/payment_methods/",
            &js_sys::encode_uri_component(&id)
                .as_string()
                .unwrap_or_default(),
        ]
        .concat();
        Box::pin(async move { answer("DELETE", &url, Some(&secret)).await.map(|_| ()) })
    }
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
