//! The banking app a scanned test-mode QR code opens (`display_qr_code.data` is this
//! page's address): the shop's name if it has one, the amount, and "Pay" / "Decline",
//! each a form that POSTs. They answer a page saying what happened — never a redirect to
//! the `return_url`: the shopper's phone is not the checkout, which learns the outcome by
//! polling the intent. A second press, or a press after the code lapsed, changes
//! nothing and says so (409). `POST /test-mode/qr/{id}/expire` lapses the code at once,
//! for the end-to-end tests.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use payment_core::api::{PaymentIntentStatus, PaymentMethodType, QrChannel};
use payment_core::error::{ApiError, ErrorCode, ErrorType};

use super::page::{amount, escape, not_waiting, page, server_error, two_buttons};
use crate::error::AppError;
use crate::intents::{
    complete_action, expire_qr_code_if_due, expire_qr_code_now, for_customer, intent_body,
    load_intent, IntentRow, Pressed,
};
use crate::methods::load_method;
use crate::processor::ActionPage;
use crate::state::AppState;

/// The intent's QR standard, if its current method is a QR code.
async fn qr_channel(state: &AppState, intent: &IntentRow) -> Result<Option<QrChannel>, ()> {
    let Some(method_id) = &intent.payment_method_id else {
        return Ok(None);
    };
    let mut conn = state.db().acquire().await.map_err(|_| ())?;
    let method = load_method(&mut *conn, method_id).await.map_err(|_| ())?;
    Ok(method
        .filter(|m| m.kind() == PaymentMethodType::QrCode)
        .map(|m| m.qr_channel().unwrap_or(QrChannel::Unknown)))
}

/// What a code that no longer takes a payment says instead (409): why, and that nothing
/// was charged by this visit.
fn no_longer_payable(intent: &IntentRow) -> Response {
    let expired = intent
        .last_payment_error
        .as_deref()
        .and_then(|e| serde_json::from_str::<ApiError>(e).ok())
        .is_some_and(|e| e.code == ErrorCode::QrCodeExpired);
    let (title, text) = match intent.status() {
        PaymentIntentStatus::Succeeded
        | PaymentIntentStatus::Processing
        | PaymentIntentStatus::RequiresCapture => (
            "Already paid",
            "This QR code has already been paid. Nothing more was charged. You can close \
             this page.",
        ),
        PaymentIntentStatus::RequiresPaymentMethod if expired => (
            "QR code expired",
            "This QR code expired before it was paid. Nothing was charged. Ask the shop \
             for a new code.",
        ),
        PaymentIntentStatus::RequiresPaymentMethod => (
            "Payment declined",
            "This QR code's payment was already declined. Nothing was charged. You can \
             close this page.",
        ),
        PaymentIntentStatus::Canceled => (
            "Payment canceled",
            "The shop canceled this payment. Nothing was charged. You can close this page.",
        ),
        PaymentIntentStatus::RequiresAction
        | PaymentIntentStatus::RequiresConfirmation
        | PaymentIntentStatus::Unknown => (
            "QR code no longer valid",
            "This QR code no longer takes a payment. Nothing was charged. You can close \
             this page.",
        ),
    };
    page(
        StatusCode::CONFLICT,
        title,
        &format!("<p>{}</p>", escape(text)),
        None,
    )
}

/// The answer for an intent this page cannot act on: "no longer payable" if it is (or
/// was last) a QR payment, otherwise "nothing to do here".
async fn not_payable(state: &AppState, intent: &IntentRow) -> Response {
    match qr_channel(state, intent).await {
        Ok(Some(_)) => no_longer_payable(intent),
        Ok(None) => not_waiting(None),
        Err(()) => server_error(),
    }
}

/// The intent, with its code lapsed first if its time is over (a read like any other).
async fn read(state: &AppState, id: &str) -> Result<Option<IntentRow>, ()> {
    let now = state.now();
    let mut tx = state.db().begin().await.map_err(|_| ())?;
    expire_qr_code_if_due(&mut tx, id, now)
        .await
        .map_err(|_| ())?;
    let intent = load_intent(&mut tx, id).await.map_err(|_| ())?;
    tx.commit().await.map_err(|_| ())?;
    Ok(intent)
}

/// `GET /test-mode/qr/{intent}`: what the banking app shows after the scan.
pub async fn qr_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return not_waiting(None);
    };
    let intent = match read(&state, &id).await {
        Ok(Some(intent)) => intent,
        Ok(None) => return not_waiting(None),
        Err(()) => return server_error(),
    };
    if !intent.waits_on(ActionPage::QrCode) {
        return not_payable(&state, &intent).await;
    }
    let channel = match qr_channel(&state, &intent).await {
        Ok(channel) => channel.unwrap_or(QrChannel::Unknown),
        Err(()) => return server_error(),
    };
    let payee = state
        .settings()
        .merchant_name
        .as_deref()
        .map(|name| format!(" to <strong>{}</strong>", escape(name)))
        .unwrap_or_default();
    let minutes_left = intent
        .action_expires_at
        .map(|at| ((at - state.now()).max(0) + 59) / 60);
    let expiry = match minutes_left {
        Some(1) => "<p class=\"note\">The code is valid for 1 more minute.</p>".to_owned(),
        Some(minutes) => {
            format!("<p class=\"note\">The code is valid for {minutes} more minutes.</p>")
        }
        None => String::new(),
    };
    let action = format!("/test-mode/qr/{}", escape(&intent.id));
    page(
        StatusCode::OK,
        &format!("{} test page", channel.display_name()),
        &format!(
            "<p>You scanned a {} code. Pay <strong>{}</strong>{payee}?</p>\
             <p>In test mode you choose what the banking app does.</p>{expiry}{}",
            escape(channel.display_name()),
            escape(&amount(&intent)),
            two_buttons(&action, "", ("Pay", "pay"), ("Decline", "decline"))
        ),
        None,
    )
}

async fn press(state: &AppState, id: Result<Path<String>, PathRejection>, pay: bool) -> Response {
    let Ok(Path(id)) = id else {
        return not_waiting(None);
    };
    let Pressed { intent, acted } = match complete_action(state, &id, ActionPage::QrCode, pay).await
    {
        Ok(Some(pressed)) => pressed,
        Ok(None) => return not_waiting(None),
        Err(_) => return server_error(),
    };
    if !acted {
        return not_payable(state, &intent).await;
    }
    let (title, text) = if pay {
        ("Payment sent", "Payment sent. You can close this page.")
    } else {
        (
            "Payment declined",
            "Payment declined. You can close this page.",
        )
    };
    page(StatusCode::OK, title, &format!("<p>{text}</p>"), None)
}

/// `POST /test-mode/qr/{intent}/pay`: the banking app pays; the intent succeeds.
pub async fn qr_pay(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    press(&state, id, true).await
}

/// `POST /test-mode/qr/{intent}/decline`: the customer declines in the banking app; the
/// intent goes back to `requires_payment_method`.
pub async fn qr_decline(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    press(&state, id, false).await
}

/// `POST /test-mode/qr/{intent}/expire` (test mode only): lapses the waiting QR code
/// now. Answers the intent as the shopper's browser reads it (no client secret), 409
/// `payment_intent_unexpected_state` when no QR code is waiting, 404 for an unknown id.
pub async fn qr_expire(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let missing = || AppError::missing("payment intent", Some("id")).into_response();
    let Ok(Path(id)) = id else {
        return missing();
    };
    let Pressed { intent, acted } = match expire_qr_code_now(&state, &id).await {
        Ok(Some(pressed)) => pressed,
        Ok(None) => return missing(),
        Err(err) => return err.into_response(),
    };
    if !acted {
        return AppError::new(
            StatusCode::CONFLICT,
            ErrorType::InvalidRequestError,
            ErrorCode::PaymentIntentUnexpectedState,
        )
        .with_message(format!(
            "This payment intent is not waiting for a QR code (its status is {}).",
            intent.status
        ))
        .into_response();
    }
    let body = async {
        let mut conn = state.db().acquire().await?;
        let mut body = intent_body(&mut conn, &intent, false).await?;
        body.intent = for_customer(body.intent);
        Ok::<_, AppError>(body)
    };
    match body.await {
        Ok(body) => Json(body).into_response(),
        Err(err) => err.into_response(),
    }
}
