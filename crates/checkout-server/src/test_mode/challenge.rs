//! The simulated 3-D Secure challenge and e-wallet authorisation. The buttons are forms
//! that POST, answered by a 303 to the `return_url` with `payment_intent`,
//! `payment_intent_client_secret` and `redirect_status`. Closing the page without
//! choosing leaves the intent `requires_action`.
//!
//! An intent the merchant canceled while its page was open stays canceled: as Stripe
//! sends the customer back from a redirect whatever became of the payment, opening the
//! page or pressing either button then answers a 303 to the `return_url` with
//! `redirect_status=failed`, and the return page reads `status: canceled`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use payment_core::api::{EwalletChannel, PaymentIntentStatus};

use super::page::{amount, escape, not_waiting, page, server_error, two_buttons};
use crate::intents::{complete_action, load_intent, IntentRow, Pressed};
use crate::methods::{load_method, wire_enum};
use crate::processor::ActionPage;
use crate::state::AppState;

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
    intent.waits_on(page_kind).then_some(intent)
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
                ("Complete authentication", "complete"),
                ("Fail authentication", "fail")
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
            two_buttons(&action, ("Authorize", "authorize"), ("Decline", "decline"))
        ),
    )
}

async fn choose(state: &AppState, id: &str, page_kind: ActionPage, accepted: bool) -> Response {
    match complete_action(state, id, page_kind, accepted).await {
        // A second press changes nothing and lands on the return page all the same.
        Ok(Some(Pressed { intent, .. })) => {
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
        Err(_) => server_error(),
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
