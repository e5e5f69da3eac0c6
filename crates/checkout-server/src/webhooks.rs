//! Webhooks, both sides of them.
//!
//! The processor side keeps an outbox (`processor_events`), written in the same
//! transaction as the transition it reports. [`deliver_due`] signs each due event
//! (`Processor-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`) and posts it to the
//! merchant endpoint; a failed delivery is retried with exponential backoff. The
//! endpoint is this server's own `/api/webhooks`, called in-process through the router
//! (the reference server is both processor and merchant), so the delivery exercises the
//! same signature check, parsing and deduplication a remote processor's would.
//!
//! The merchant side verifies the signature in constant time with a 300 s tolerance,
//! dedupes by event id, and fulfils the order of a `payment_intent.succeeded` exactly
//! once, whatever the order of arrival and whether the return page's poll got there
//! first.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Json;
use hmac::{Hmac, Mac};
use payment_core::error::ErrorCode;
use serde::Deserialize;
use sha2::Sha256;
use sqlx::SqliteConnection;
use tower::ServiceExt;

use crate::error::{parse_json, ApiResult, AppError};
use crate::ids::new_id;
use crate::intents::{fulfil, load_intent};
use crate::state::AppState;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "processor-signature";

/// How far a signature's timestamp may be from now.
pub const TOLERANCE: i64 = 300;

/// Deliveries given up after this many failures.
pub const MAX_ATTEMPTS: i64 = 8;

/// Adds an event to the processor's outbox.
pub async fn emit(
    conn: &mut SqliteConnection,
    kind: &str,
    object: serde_json::Value,
    now: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id("evt");
    let payload = serde_json::json!({
        "id": id,
        "type": kind,
        "created": now,
        "data": {"object": object},
    });
    sqlx::query(
        "INSERT INTO processor_events (id, type, created, payload, next_attempt_at) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(kind)
    .bind(now)
    .bind(payload.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value for `body` signed at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let signature = hex::encode(mac(secret, timestamp, body).finalize().into_bytes());
    format!("t={timestamp},v1={signature}")
}

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No header, or not `t=…,v1=…`.
    #[error("the Processor-Signature header is missing or malformed")]
    Malformed,
    /// The timestamp is more than the tolerance away from now.
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    /// No `v1` signature matches.
    #[error("no signature matches the payload")]
    Mismatch,
}

/// Verifies a `Processor-Signature` header against the raw body.
pub fn verify(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Malformed)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (name, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match name {
            "t" => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                )
            }
            "v1" => signatures.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            // Other schemes (a future v2) are ignored, as Stripe's libraries do.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE {
        return Err(SignatureError::Stale);
    }
    // verify_slice compares in constant time.
    if signatures
        .iter()
        .any(|s| mac(secret, timestamp, body).verify_slice(s).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: EventObject,
}

#[derive(Debug, Deserialize)]
struct EventObject {
    #[serde(default)]
    id: Option<String>,
}

/// `POST /api/webhooks`: the merchant's endpoint for processor events.
pub async fn webhooks_receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    let body = body.map_err(|_| AppError::invalid(ErrorCode::InvalidRequestBody))?;
    let now = state.now();
    let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    if let Err(err) = verify(state.webhook_secret(), header, &body, now) {
        tracing::warn!(reason = %err, "webhook refused");
        return Err(AppError::param_invalid(
            "Processor-Signature",
            err.to_string(),
        ));
    }
    let event: Event = parse_json(&body)?;
    let mut tx = state.db().begin().await?;
    let first = sqlx::query(
        "INSERT OR IGNORE INTO received_events (id, type, received_at) VALUES (?, ?, ?)",
    )
    .bind(&event.id)
    .bind(&event.kind)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !first {
        tracing::info!(event = %event.id, "duplicate webhook ignored");
        return Ok(Json(
            serde_json::json!({"received": true, "duplicate": true}),
        ));
    }
    // Only success fulfils. A late `processing` or `payment_failed` never takes back a
    // fulfilled order: fulfilment only moves forward.
    if let ("payment_intent.succeeded", Some(intent_id)) =
        (event.kind.as_str(), &event.data.object.id)
    {
        match load_intent(&mut tx, intent_id).await? {
            Some(intent) => {
                fulfil(&mut tx, &intent, "webhook", now).await?;
            }
            None => tracing::warn!(event = %event.id, "webhook for an unknown intent"),
        }
    }
    tx.commit().await?;
    tracing::info!(event = %event.id, kind = %event.kind, "webhook handled");
    Ok(Json(serde_json::json!({"received": true})))
}

/// Seconds to wait after the `attempts`-th failure: 10 s, 20 s, 40 s, … capped at 1 h.
pub fn backoff(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (10_i64 << exponent).min(3_600)
}

/// Delivers every due event in the outbox once; returns how many were delivered.
pub async fn deliver_due(state: &AppState) -> ApiResult<usize> {
    let now = state.now();
    let due: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, payload, attempts FROM processor_events \
         WHERE delivered_at IS NULL AND attempts < ? AND next_attempt_at <= ? \
         ORDER BY created, rowid",
    )
    .bind(MAX_ATTEMPTS)
    .bind(now)
    .fetch_all(state.db())
    .await?;
    let mut delivered = 0;
    for (id, payload, attempts) in due {
        let status = post_to_endpoint(state, payload.into_bytes()).await;
        if status.is_success() {
            delivered += 1;
            sqlx::query("UPDATE processor_events SET delivered_at = ?, attempts = ? WHERE id = ?")
                .bind(now)
                .bind(attempts + 1)
                .bind(&id)
                .execute(state.db())
                .await?;
        } else {
            let attempts = attempts + 1;
            tracing::warn!(event = %id, attempts, status = status.as_u16(), "webhook delivery failed");
            sqlx::query(
                "UPDATE processor_events SET attempts = ?, next_attempt_at = ? WHERE id = ?",
            )
            .bind(attempts)
            .bind(now + backoff(attempts))
            .bind(&id)
            .execute(state.db())
            .await?;
        }
    }
    Ok(delivered)
}

async fn post_to_endpoint(state: &AppState, payload: Vec<u8>) -> StatusCode {
    let signature = sign(state.webhook_secret(), state.now(), &payload);
    let request = Request::post("/api/webhooks")
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(Body::from(payload));
    let Ok(request) = request else {
        return StatusCode::INTERNAL_SERVER_ERROR;
    };
    match crate::app(state.clone()).oneshot(request).await {
        Ok(response) => response.status(),
        Err(never) => match never {},
    }
}

/// Whether a processor's delivery `id` was handled before.
async fn received_before(state: &AppState, id: &str) -> ApiResult<bool> {
    let seen: Option<i64> = sqlx::query_scalar("SELECT 1 FROM received_events WHERE id = ?")
        .bind(id)
        .fetch_optional(state.db())
        .await?;
    Ok(seen.is_some())
}

/// The answer to a delivery handled before.
fn duplicate(id: &str) -> Json<serde_json::Value> {
    tracing::info!(event = %id, "duplicate webhook ignored");
    Json(serde_json::json!({"received": true, "duplicate": true}))
}

/// `POST /api/webhooks/stripe`: Stripe's events, with `--processor stripe`. Verified by
/// `Stripe-Signature` (any `v1` may match, 300 s tolerance, constant-time compare),
/// each event handled once (by its id), and safe out of order: an event only settles a
/// payment that still waits on Stripe (its 3-D Secure page, its processing), so a late
/// `payment_failed` never takes back a success, and one for an earlier attempt (its
/// own PaymentIntent) finds no payment waiting on it.
pub async fn stripe_webhooks_receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    use crate::processor::{Final, Outcome};
    use crate::processors::stripe::{self, EventKind};
    let Some(secret) = &state.settings().stripe_webhook_secret else {
        return Err(crate::error::api_not_found().await);
    };
    let body = body.map_err(|_| AppError::invalid(ErrorCode::InvalidRequestBody))?;
    let now = state.now();
    let header = headers
        .get(stripe::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    let event = stripe::construct_event(secret, header, &body, now).map_err(|err| {
        tracing::warn!(reason = %err, "Stripe webhook refused");
        AppError::param_invalid("Stripe-Signature", err.to_string())
    })?;
    if received_before(&state, &event.id).await? {
        return Ok(duplicate(&event.id));
    }
    let ours = |reference: &str| {
        let reference = reference.to_owned();
        let db = state.db().clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT id FROM payment_intents WHERE processor_ref = ?",
            )
            .bind(reference)
            .fetch_optional(&db)
            .await
        }
    };
    let mut dispute_of = None;
    match &event.kind {
        EventKind::PaymentIntentSucceeded(paid) => {
            if let Some(id) = ours(&paid.id).await? {
                let result = Final::Succeeded { disputed: false };
                crate::intents::settle_external(&state, &id, &result, None, "webhook").await?;
            }
        }
        EventKind::PaymentIntentPaymentFailed(failed) => {
            if let (Some(id), Outcome::Done(result @ Final::Failed { .. })) =
                (ours(&failed.id).await?, stripe::outcome_of(failed))
            {
                crate::intents::settle_external(&state, &id, &result, None, "webhook").await?;
            }
        }
        // Our intent already reads `processing` while Stripe's does.
        EventKind::PaymentIntentProcessing(_) | EventKind::Other(_) => {}
        EventKind::ChargeDisputeCreated(dispute) => {
            let intent = match &dispute.payment_intent {
                Some(reference) => ours(reference).await?,
                None => None,
            };
            dispute_of = Some(serde_json::json!({
                "payment_intent": intent,
                "amount": dispute.amount,
                "currency": dispute.currency,
                "reason": dispute.reason,
            }));
        }
    }
    // Recorded once handled: a failure above leaves it for Stripe's retry, which the
    // settled payment then ignores. A dispute is passed on to the merchant's endpoint
    // in the same transaction, so exactly once.
    let mut tx = state.db().begin().await?;
    if let Some(object) = dispute_of {
        emit(&mut tx, "charge.dispute.created", object, now).await?;
    }
    sqlx::query("INSERT OR IGNORE INTO received_events (id, type, received_at) VALUES (?, ?, ?)")
        .bind(&event.id)
        .bind(event.kind.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(event = %event.id, kind = event.kind.as_str(), "Stripe webhook handled");
    Ok(Json(serde_json::json!({"received": true})))
}

/// `POST /api/webhooks/xendit`: Xendit's payment and payment token events, with
/// `--processor xendit`. Verified by `x-callback-token` (constant time), each delivery
/// handled once (by its event name and payment or token id: Xendit sends no event id),
/// and safe out of order as Stripe's are: only a payment that still waits on Xendit is
/// settled. A `payment.capture` of a `PAY_AND_SAVE` carries the saved wallet's token.
pub async fn xendit_webhooks_receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    use crate::processor::Final;
    use crate::processors::xendit::{self, EventKind, PaymentStatus};
    let Some(token) = &state.settings().xendit_callback_token else {
        return Err(crate::error::api_not_found().await);
    };
    let body = body.map_err(|_| AppError::invalid(ErrorCode::InvalidRequestBody))?;
    let header = headers
        .get(xendit::CALLBACK_TOKEN_HEADER)
        .map(|value| value.as_bytes());
    let event = xendit::construct_event(token, header, &body).map_err(|err| {
        tracing::warn!(reason = %err, "Xendit webhook refused");
        AppError::param_invalid("x-callback-token", err.to_string())
    })?;
    let Some(key) = event.dedup_key() else {
        return Ok(Json(serde_json::json!({"received": true})));
    };
    if received_before(&state, &key).await? {
        return Ok(duplicate(&key));
    }
    // Our intent is the payment's `reference_id`.
    match &event.kind {
        EventKind::PaymentCapture(payment) | EventKind::PaymentAuthorization(payment)
            if matches!(
                payment.status,
                PaymentStatus::Succeeded | PaymentStatus::Authorized
            ) =>
        {
            let result = Final::Succeeded { disputed: false };
            let saved = payment
                .payment_token_id
                .as_deref()
                .filter(|_| payment.kind == "PAY_AND_SAVE");
            crate::intents::settle_external(
                &state,
                &payment.reference_id,
                &result,
                saved,
                "webhook",
            )
            .await?;
        }
        EventKind::PaymentFailure(payment) => {
            let result = Final::Failed {
                error: xendit::failure_error(payment.failure_code.as_deref()),
            };
            crate::intents::settle_external(
                &state,
                &payment.reference_id,
                &result,
                None,
                "webhook",
            )
            .await?;
        }
        // The token is kept from the payment that saved it; its activation changes
        // nothing here.
        EventKind::PaymentCapture(_)
        | EventKind::PaymentAuthorization(_)
        | EventKind::PaymentTokenActivation(_)
        | EventKind::Unknown(_) => {}
    }
    sqlx::query("INSERT OR IGNORE INTO received_events (id, type, received_at) VALUES (?, ?, ?)")
        .bind(&key)
        .bind(event.kind.as_str())
        .bind(state.now())
        .execute(state.db())
        .await?;
    tracing::info!(event = %key, kind = event.kind.as_str(), "Xendit webhook handled");
    Ok(Json(serde_json::json!({"received": true})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_refuse() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign("whsec", 1_000, body);
        assert_eq!(verify("whsec", Some(&header), body, 1_000), Ok(()));
        assert_eq!(verify("whsec", Some(&header), body, 1_300), Ok(()));
        assert_eq!(
            verify("whsec", Some(&header), body, 1_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify("other", Some(&header), body, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec", Some("t=1000"), body, 1_000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("whsec", Some("v1=zz,t=1000"), body, 1_000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("whsec", None, body, 1_000),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), 10);
        assert_eq!(backoff(2), 20);
        assert_eq!(backoff(4), 80);
        assert_eq!(backoff(30), 3_600);
    }
}
