//! `fetch` straight through web-sys for the merchant-API and vault calls: gloo-net does
//! the same job, and was measured against this file (`cargo xtask bench`, the
//! `wire-gloo-net` variant, 2026-12-06): +4.0 KB gzip for no behaviour this file lacks
//! (abort, headers, status and body text), so it stays out of the shipped wasm
//! (README, "Dependencies").

use leptos::prelude::window;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

pub use super::Answer;

/// Sends one request; `Err` when no answer came (network failure, abort, bad request).
pub async fn fetch(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    signal: Option<&AbortSignal>,
) -> Result<Answer, JsValue> {
    let init = RequestInit::new();
    init.set_method(method);
    let request_headers = Headers::new()?;
    for (name, value) in headers {
        request_headers.set(name, value)?;
    }
    init.set_headers(&request_headers);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(signal);
    let response: Response = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await?
        .unchecked_into();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    Ok(Answer {
        status: response.status(),
        text,
    })
}
