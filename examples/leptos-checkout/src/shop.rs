//! The two calls this storefront makes to the reference server besides the widget's
//! own: start an order and start a customer session. A real shop makes both on its
//! server, for its cart and its logged-in customer.

use leptos::prelude::window;
use payment_core::api::CustomerSession;
use payment_core::money::{Currency, MinorUnit};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen_futures::JsFuture;
use web_sys::wasm_bindgen::JsCast;
use web_sys::{Headers, RequestInit, Response};

/// The part of the server's order (`POST /api/orders`) this page reads.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Order {
    /// `ord_…`: passed to `<PayForm order=…>`, so every retry pays this one order.
    pub id: String,
    /// `open`, `processing`, `paid` or `canceled`.
    pub status: String,
    /// The total the server priced.
    pub amount: MinorUnit,
    /// Its currency.
    pub currency: Currency,
}

/// `GET /api/config`: where the card frame and the vault live, and the publishable key
/// this page may use there (the shape of Stripe's quickstart `GET /config`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// `pk_test_…`.
    pub publishable_key: String,
    /// `http://127.0.0.1:8090` in the demo.
    pub payments_origin: String,
}

/// `GET /api/config`.
pub async fn get_config() -> Result<Config, String> {
    let response: Response = JsFuture::from(window().fetch_with_str("/api/config"))
        .await
        .map_err(describe)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("/api/config answered HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| format!("/api/config: {e}"))
}

/// `POST /api/orders`: a new order for the server's default cart.
pub async fn create_order() -> Result<Order, String> {
    post_json("/api/orders").await
}

/// `POST /api/customer_sessions`: a session for the server's demo customer, whose saved
/// payment methods the element then offers.
pub async fn start_customer_session() -> Result<CustomerSession, String> {
    post_json("/api/customer_sessions").await
}

async fn post_json<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    let init = RequestInit::new();
    init.set_method("POST");
    let headers = Headers::new().map_err(describe)?;
    headers
        .set("content-type", "application/json")
        .map_err(describe)?;
    init.set_headers(&headers);
    init.set_body(&"{}".into());
    let response: Response = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| format!("{url}: {e}"))
}

fn describe(error: web_sys::wasm_bindgen::JsValue) -> String {
    error
        .as_string()
        .unwrap_or_else(|| "the request could not be sent".to_owned())
}
