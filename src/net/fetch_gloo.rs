//! The `wire-gloo-net` variant of `src/fetch.rs`: the same call through gloo-net's
//! `RequestBuilder`, measured by `cargo xtask bench` against the web-sys one (issue 21).

use gloo_net::http::{Method, RequestBuilder};
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

pub use super::Answer;

/// Sends one request; `Err` when no answer came (network failure, abort, bad request).
pub async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    signal: Option<&AbortSignal>,
) -> Result<Answer, JsValue> {
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| JsValue::from_str("unknown HTTP method"))?;
    let mut builder = RequestBuilder::new(url).method(method).abort_signal(signal);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = match body {
        Some(body) => builder.body(body.to_owned()),
        None => builder.build(),
    }
    .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(Answer {
        status: response.status(),
        text: response.text().await.ok(),
    })
}
