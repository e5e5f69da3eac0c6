//! What the simulated pages share: one stylesheet and one page frame. Every page is
//! static HTML without script, under the storefront's strict policy.

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use payment_core::money::{Currency, Money};

use crate::intents::IntentRow;

const STYLESHEET: &str = "\
body { font-family: system-ui, sans-serif; background: #f6f8fa; color: #1a1f36; margin: 0; }
main { max-width: 28rem; margin: 4rem auto; background: #fff; border-radius: 8px; padding: 2rem; box-shadow: 0 2px 8px rgba(0,0,0,.1); }
h1 { font-size: 1.25rem; margin-top: 0; }
.test-badge { display: inline-block; background: #ffde92; color: #5f370e; border-radius: 4px; padding: 0 .4rem; font-size: .8rem; font-weight: 600; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
.note { color: #596171; font-size: .875rem; }
button { font: inherit; padding: .6rem 1rem; border-radius: 6px; border: 1px solid #c0c8d2; background: #fff; cursor: pointer; }
button.primary { background: #635bff; border-color: #635bff; color: #fff; }
";

/// `GET /test-mode/test-mode.css`.
pub async fn stylesheet_get() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}

/// Text for HTML content and attribute values.
pub(super) fn escape(text: &str) -> String {
    crate::html::escape_attribute(text)
}

/// A page: the test-mode badge, a heading and `body` (HTML).
pub(super) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/test-mode/test-mode.css\">\
         </head><body><main><span class=\"test-badge\">TEST MODE</span>\
         <h1>{title}</h1>{body}</main></body></html>",
        title = escape(title)
    );
    (status, Html(html)).into_response()
}

/// The page of an intent that is not waiting for this step, or of none at all.
pub(super) fn not_waiting() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Nothing to do here",
        "<p>This payment is not waiting for this step.</p>",
    )
}

/// The page of a failure of the server itself.
pub(super) fn server_error() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<p>Try again.</p>",
    )
}

/// The intent's amount in its currency, as a shopper reads it.
pub(super) fn amount(intent: &IntentRow) -> String {
    Currency::new(&intent.currency)
        .map(|c| Money::new(intent.amount, c).format("en"))
        .unwrap_or_default()
}

/// Two buttons, each a form that POSTs to `{action}/{path}`.
pub(super) fn two_buttons(
    action: &str,
    (yes, yes_path): (&str, &str),
    (no, no_path): (&str, &str),
) -> String {
    format!(
        "<div class=\"actions\">\
         <form method=\"post\" action=\"{action}/{yes_path}\"><button class=\"primary\" type=\"submit\">{yes}</button></form>\
         <form method=\"post\" action=\"{action}/{no_path}\"><button type=\"submit\">{no}</button></form>\
         </div>"
    )
}
