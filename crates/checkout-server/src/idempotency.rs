//! Idempotency as Stripe defines it: the first response to a key is stored and replayed
//! (errors included) for a repeat with the same body; the same key with another body is
//! a 409 `idempotency_error`; requests sharing a key never run at the same time; keys
//! are forgotten after 24 hours.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use payment_core::error::{ErrorCode, ErrorType};
use sha2::{Digest, Sha256};
use std::future::Future;

use crate::error::{ApiResult, AppError};
use crate::faults::{Fault, HANG_SECONDS};
use crate::state::AppState;

/// How long a key is remembered.
pub const KEY_TTL: i64 = 24 * 60 * 60;

/// The header.
pub const HEADER: &str = "idempotency-key";

/// After how long a key claimed by a request that never answered counts as abandoned
/// (its process died mid-request), so that a retry runs instead of meeting "in
/// progress" for a day. Safe because a charge and its recorded answer commit in one
/// transaction ([`record_within`]): a key without an answer never hides a charge.
/// Far above any request's time here, and the widget's 30 s timeout.
pub const ABANDONED_AFTER: i64 = 120;

/// The longest key accepted (Stripe's limit).
const MAX_KEY_LEN: usize = 255;

/// The `Idempotency-Key` of a request, if any.
pub fn key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if !key.is_empty() && key.len() <= MAX_KEY_LEN => Ok(Some(key.to_owned())),
        _ => Err(AppError::param_invalid(
            "Idempotency-Key",
            format!("The Idempotency-Key header must be 1 to {MAX_KEY_LEN} visible characters."),
        )),
    }
}

/// The fingerprint of a request: the endpoint and the body as parsed JSON, so key order
/// and whitespace do not make two equal requests differ.
fn request_hash(scope: &str, body: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(scope.as_bytes());
    hasher.update(b"\n");
    hasher.update(body.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

fn to_response(status: StatusCode, body: serde_json::Value, replayed: bool) -> Response {
    let mut response = (status, Json(body)).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Runs `work` once per key: replays a stored response, rejects a reuse with another
/// body, and stores the new response. `work` gets the key, to record its answer in its
/// own transaction ([`record_within`]) when it commits something that must not run
/// twice.
pub async fn run<F, Fut>(
    state: &AppState,
    key: Option<String>,
    scope: &str,
    body: &serde_json::Value,
    work: F,
) -> Response
where
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = (StatusCode, serde_json::Value)>,
{
    let Some(key) = key else {
        let (status, body) = work(None).await;
        return to_response(status, body, false);
    };
    let lock = state.key_lock(&key);
    let response = {
        let _running = lock.lock().await;
        match claim(state, &key, &request_hash(scope, body)).await {
            Ok(Claim::Replay(status, body)) => to_response(status, body, true),
            Ok(Claim::Run) => {
                let (status, body) = work(Some(key.clone())).await;
                let recorded = if state.faults().take(Fault::FinalWriteFails) {
                    Err(AppError::internal())
                } else {
                    record(state, &key, status, &body).await
                };
                match recorded {
                    Ok(()) => to_response(status, body, false),
                    // What the work committed stays: its answer was recorded with it
                    // (`record_within`), so a retry with this key replays it.
                    Err(err) => err.into_response(),
                }
            }
            Err(err) => err.into_response(),
        }
    };
    state.release_key_lock(&key, lock);
    if state.faults().take(Fault::HangAfterCommit) {
        // The key's lock is free again: a resend meanwhile gets the recorded answer.
        tokio::time::sleep(std::time::Duration::from_secs(HANG_SECONDS)).await;
    }
    response
}

enum Claim {
    Run,
    Replay(StatusCode, serde_json::Value),
}

/// Inserts the key's row before the work runs, so that another process sharing the
/// database sees the key taken even while this request is still running.
async fn claim(state: &AppState, key: &str, hash: &str) -> ApiResult<Claim> {
    let now = state.now();
    let mut tx = state.db().begin().await?;
    sqlx::query("DELETE FROM idempotency_keys WHERE key = ? AND created <= ?")
        .bind(key)
        .bind(now - KEY_TTL)
        .execute(&mut *tx)
        .await?;
    // A claim abandoned by a process that died mid-request is released (see
    // `ABANDONED_AFTER`).
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE key = ? AND response_code IS NULL AND created <= ?",
    )
    .bind(key)
    .bind(now - ABANDONED_AFTER)
    .execute(&mut *tx)
    .await?;
    let row: Option<(String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT request_hash, response_code, response_body FROM idempotency_keys WHERE key = ?",
    )
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    let conflict = |message: &str| {
        AppError::new(
            StatusCode::CONFLICT,
            ErrorType::IdempotencyError,
            ErrorCode::IdempotencyKeyInUse,
        )
        .with_message(message)
    };
    match row {
        Some((stored, _, _)) if stored != hash => Err(conflict(
            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        )),
        Some((_, Some(code), Some(body))) => {
            let status = u16::try_from(code)
                .ok()
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Ok(Claim::Replay(status, serde_json::from_str(&body)?))
        }
        Some(_) => Err(conflict(
            "There is currently another in-progress request using this idempotency key.",
        )),
        None => {
            sqlx::query(
                "INSERT INTO idempotency_keys (key, request_hash, created) VALUES (?, ?, ?)",
            )
            .bind(key)
            .bind(hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Claim::Run)
        }
    }
}

/// Stores the answer for `key` inside the caller's transaction, so that what the work
/// wrote (a charge) and the answer a retry will replay commit together.
pub async fn record_within(
    conn: &mut sqlx::SqliteConnection,
    key: &str,
    status: StatusCode,
    body: &serde_json::Value,
) -> ApiResult<()> {
    sqlx::query("UPDATE idempotency_keys SET response_code = ?, response_body = ? WHERE key = ?")
        .bind(i64::from(status.as_u16()))
        .bind(body.to_string())
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores the response; a server error releases the key instead, so a retry can run.
async fn record(
    state: &AppState,
    key: &str,
    status: StatusCode,
    body: &serde_json::Value,
) -> ApiResult<()> {
    if status.is_server_error() {
        sqlx::query("DELETE FROM idempotency_keys WHERE key = ?")
            .bind(key)
            .execute(state.db())
            .await?;
    } else {
        sqlx::query(
            "UPDATE idempotency_keys SET response_code = ?, response_body = ? WHERE key = ?",
        )
        .bind(i64::from(status.as_u16()))
        .bind(body.to_string())
        .bind(key)
        .execute(state.db())
        .await?;
    }
    Ok(())
}

/// Forgets keys older than [`KEY_TTL`]; returns how many.
pub async fn purge_expired(state: &AppState) -> ApiResult<u64> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created <= ?")
            .bind(state.now() - KEY_TTL)
            .execute(state.db())
            .await?
            .rows_affected(),
    )
}
