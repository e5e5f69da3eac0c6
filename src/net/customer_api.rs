//! The two customer-session calls the element makes (list and remove saved methods),
//! on `fetch` (src/fetch.rs), behind the [`CustomerApi`] trait so browser tests use a fake.
//!
//! The answers are read by `crate::net::json` (re-exported here), leniently: unknown kinds,
//! brands and channels decode to their `Unknown` values, an item without an id is
//! skipped, never a panic. The session secret travels only in the `Authorization`
//! header, never in a URL or a log line.

use crate::net::json::get;
pub use crate::net::json::{read_features, read_saved_method, read_saved_methods};
use js_sys::JSON;
use payment_core::api::SavedPaymentMethod;
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
    let response = crate::net::fetch::fetch(method, url, &headers, None, None)
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
