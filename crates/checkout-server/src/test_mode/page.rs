//! What the simulated pages share: one stylesheet, one page frame, and the two scripts
//! a page framed by the widget's modal runs. Every page is static HTML; its only code is
//! those files, so the storefront's `script-src 'self'` holds with nothing inline.

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

/// The script of a challenge page opened with `embedded=1`.
pub const CHALLENGE_READY_SCRIPT: &str = "/test-mode/challenge-ready.js";

/// The script of the page a framed challenge's buttons answer.
pub const CHALLENGE_DONE_SCRIPT: &str = "/test-mode/challenge-done.js";

// The messages carry no data, so any target origin will do (the page cannot know which
// storefront framed it): the widget checks the sender, then reads the intent's status
// from the API and never trusts the message for the outcome.
const READY_JS: &str = "\
// Test mode: the challenge page has loaded in the widget's frame, so the widget knows the
// frame shows it (and falls back to a full-page redirect if this never arrives).
// Escape inside the frame does not reach the dialog around it: it is said to it.
if (window.parent !== window) {
  window.addEventListener(\"load\", function () {
    window.parent.postMessage({ type: \"pe:challenge-ready\", version: 1 }, \"*\");
  });
  window.addEventListener(\"keydown\", function (event) {
    if (event.key === \"Escape\") {
      window.parent.postMessage({ type: \"pe:challenge-cancel\", version: 1 }, \"*\");
    }
  });
}
";

const DONE_JS: &str = "\
// Test mode: the challenge is answered; the widget reads the outcome from the API.
if (window.parent !== window) {
  window.parent.postMessage({ type: \"pe:challenge-done\", version: 1 }, \"*\");
}
";

fn script(body: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `GET /test-mode/challenge-ready.js`: posts `{type: "pe:challenge-ready", version: 1}`
/// to the framing page once the challenge page has loaded.
pub async fn challenge_ready_script_get() -> Response {
    script(READY_JS)
}

/// `GET /test-mode/challenge-done.js`: posts `{type: "pe:challenge-done", version: 1}`
/// to the framing page.
pub async fn challenge_done_script_get() -> Response {
    script(DONE_JS)
}

/// Text for HTML content and attribute values.
pub(super) fn escape(text: &str) -> String {
    crate::html::escape_attribute(text)
}

/// A page: the test-mode badge, a heading, `body` (HTML), and optionally one of the
/// scripts above.
pub(super) fn page(
    status: StatusCode,
    title: &str,
    body: &str,
    script: Option<&'static str>,
) -> Response {
    let script = script
        .map(|src| format!("<script src=\"{src}\" defer></script>"))
        .unwrap_or_default();
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/test-mode/test-mode.css\">\
         {script}</head><body><main><span class=\"test-badge\">TEST MODE</span>\
         <h1>{title}</h1>{body}</main></body></html>",
        title = escape(title)
    );
    (status, Html(html)).into_response()
}

/// The page of an intent that is not waiting for this step, or of none at all.
pub(super) fn not_waiting(script: Option<&'static str>) -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Nothing to do here",
        "<p>This payment is not waiting for this step.</p>",
        script,
    )
}

/// The page of a failure of the server itself.
pub(super) fn server_error() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<p>Try again.</p>",
        None,
    )
}

/// The intent's amount in its currency, as a shopper reads it.
pub(super) fn amount(intent: &IntentRow) -> String {
    Currency::new(&intent.currency)
        .map(|c| Money::new(intent.amount, c).format("en"))
        .unwrap_or_default()
}

/// Two buttons, each a form that POSTs to `{action}/{path}` (and `query`, if any).
pub(super) fn two_buttons(
    action: &str,
    query: &str,
    (yes, yes_path): (&str, &str),
    (no, no_path): (&str, &str),
) -> String {
    format!(
        "<div class=\"actions\">\
         <form method=\"post\" action=\"{action}/{yes_path}{query}\"><button class=\"primary\" type=\"submit\">{yes}</button></form>\
         <form method=\"post\" action=\"{action}/{no_path}{query}\"><button type=\"submit\">{no}</button></form>\
         </div>"
    )
}
