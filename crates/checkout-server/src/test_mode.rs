//! The test-mode processor's simulated pages: the 3-D Secure challenge and the e-wallet
//! authorisation. Plain server-rendered HTML under the site's strict CSP: no script, no
//! inline style; the buttons are forms that POST, answered by a 303 to the `return_url`
//! with `payment_intent`, `payment_intent_client_secret` and `redirect_status`.
//! Closing the page without choosing leaves the intent `requires_action`.
//!
//! An intent the merchant canceled while its page was open stays canceled: as Stripe
//! sends the customer back from a redirect whatever became of the payment, opening the
//! page or pressing either button then answers a 303 to the `return_url` with
//! `redirect_status=failed`, and the return page reads `status: canceled`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use payment_core::api::{EwalletChannel, PaymentIntentStatus};
use payment_core::money::{Currency, Money};

use crate::intents::{complete_action, load_intent, IntentRow, Pending};
use crate::methods::{load_method, wire_enum};
use crate::processor::ActionPage;
use crate::state::AppState;

const STYLESHEET: &str = "\
body { font-family: system-ui, sans-serif; background: #f6f8fa; color: #1a1f36; margin: 0; }
main { max-width: 28rem; margin: 4rem auto; background: #fff; border-radius: 8px; padding: 2rem; box-shadow: 0 2px 8px rgba(0,0,0,.1); }
h1 { font-size: 1.25rem; margin-top: 0; }
.test-badge { display: inline-block; background: #ffde92; color: #5f370e; border-radius: 4px; padding: 0 .4rem; font-size: .8rem; font-weight: 600; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
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

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
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

fn not_waiting() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Nothing to do here",
        "<p>This payment is not waiting for this step.</p>",
    )
}

/// Where a page of a canceled intent sends the customer: back to the merchant.
async fn canceled_redirect(state: &AppState, id: &str) -> Option<Response> {
    let mut conn = state.db().acquire().await.ok()?;
    let intent = load_intent(&mut conn, id).await.ok()??;
    (intent.status() == PaymentIntentStatus::Canceled)
        .then(|| Redirect::to(&intent.return_url_with_result("failed")).into_response())
}

async fn waiting_intent(state: &AppState, id: &str, page_kind: ActionPage) -> Option<IntentRow> {
    let mut conn = state.db().acquire().await.ok()?;
    let intent = load_intent(&mut conn, id).await.ok()??;
    let waiting =
        matches!(intent.pending(), Some(Pending::Action { page, .. }) if page == page_kind);
    (intent.status() == PaymentIntentStatus::RequiresAction && waiting).then_some(intent)
}

fn amount(intent: &IntentRow) -> String {
    Currency::new(&intent.currency)
        .map(|c| Money::new(intent.amount, c).format("en"))
        .unwrap_or_default()
}

fn two_buttons(action: &str, yes: &str, no: &str, yes_path: &str, no_path: &str) -> String {
    format!(
        "<div class=\"actions\">\
         <form method=\"post\" action=\"{action}/{yes_path}\"><button class=\"primary\" type=\"submit\">{yes}</button></form>\
         <form method=\"post\" action=\"{action}/{no_path}\"><button type=\"submit\">{no}</button></form>\
         </div>"
    )
}

/// `GET /test-mode/authenticate/{intent}`: the simulated 3-D Secure challenge.
pub async fn authenticate_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_waiting();
    };
    let Some(intent) = waiting_intent(&state, &id, ActionPage::ThreeDSecure).await else {
        return match canceled_redirect(&state, &id).await {
            Some(redirect) => redirect,
            None => not_waiting(),
        };
    };
    let action = format!("/test-mode/authenticate/{}", escape(&intent.id));
    page(
        StatusCode::OK,
        "3D Secure 2 test page",
        &format!(
            "<p>Authenticate a payment of <strong>{}</strong>. In test mode you choose the \
             issuer's answer.</p>{}",
            escape(&amount(&intent)),
            two_buttons(
                &action,
                "Complete authentication",
                "Fail authentication",
                "complete",
                "fail"
            )
        ),
    )
}

/// `GET /test-mode/ewallet/{intent}`: the simulated wallet authorisation.
pub async fn ewallet_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_waiting();
    };
    let Some(intent) = waiting_intent(&state, &id, ActionPage::Ewallet).await else {
        return match canceled_redirect(&state, &id).await {
            Some(redirect) => redirect,
            None => not_waiting(),
        };
    };
    let mut wallet = EwalletChannel::Unknown;
    if let (Some(method_id), Ok(mut conn)) = (&intent.payment_method_id, state.db().acquire().await)
    {
        if let Ok(Some(method)) = load_method(&mut *conn, method_id).await {
            wallet = method
                .ewallet_channel
                .as_deref()
                .and_then(wire_enum)
                .unwrap_or(EwalletChannel::Unknown);
        }
    }
    let action = format!("/test-mode/ewallet/{}", escape(&intent.id));
    page(
        StatusCode::OK,
        &format!("{} test page", wallet.display_name()),
        &format!(
            "<p>Pay <strong>{}</strong> with {}. In test mode you choose the wallet's \
             answer.</p>{}",
            escape(&amount(&intent)),
            escape(wallet.display_name()),
            two_buttons(&action, "Authorize", "Decline", "authorize", "decline")
        ),
    )
}

async fn choose(state: &AppState, id: &str, page_kind: ActionPage, accepted: bool) -> Response {
    match complete_action(state, id, page_kind, accepted).await {
        Ok(Some(intent)) => {
            let redirect_status = match intent.status() {
                PaymentIntentStatus::Succeeded | PaymentIntentStatus::RequiresCapture => {
                    "succeeded"
                }
                PaymentIntentStatus::Processing => "processing",
                PaymentIntentStatus::RequiresAction => "requires_action",
                PaymentIntentStatus::RequiresPaymentMethod
                | PaymentIntentStatus::RequiresConfirmation
                | PaymentIntentStatus::Canceled
                | PaymentIntentStatus::Unknown => "failed",
            };
            Redirect::to(&intent.return_url_with_result(redirect_status)).into_response()
        }
        Ok(None) => not_waiting(),
        Err(_) => page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "<p>Try again.</p>",
        ),
    }
}

macro_rules! choice_handler {
    ($name:ident, $page:expr, $accepted:expr) => {
        /// A button of a simulated page.
        pub async fn $name(
            State(state): State<AppState>,
            id: Result<Path<String>, PathRejection>,
        ) -> Response {
            match id {
                Ok(Path(id)) => choose(&state, &id, $page, $accepted).await,
                Err(_) => not_waiting(),
            }
        }
    };
}

choice_handler!(authenticate_complete, ActionPage::ThreeDSecure, true);
choice_handler!(authenticate_fail, ActionPage::ThreeDSecure, false);
choice_handler!(ewallet_authorize, ActionPage::Ewallet, true);
choice_handler!(ewallet_decline, ActionPage::Ewallet, false);
