//! Calls to the processor, in two phases, so that a network call never runs inside a
//! database transaction and no answer, however late or lost, charges twice or loses a
//! charge.
//!
//! 1. In the confirm's transaction the attempt is written (`processor_attempts`, state
//!    `confirming`) with its id, which is the processor's idempotency key, and the
//!    intent waits for it (`processing`, `Pending::Processor`). That commits, together
//!    with the answer a retry of the request would replay (the intent as `processing`).
//! 2. The processor is called, outside any transaction.
//! 3. A second transaction writes the outcome, if the attempt is still `confirming`:
//!    whoever writes first (this confirm or the reconciler) wins, the other one reads.
//!
//! An attempt still `confirming` after [`ATTEMPT_LEASE`] lost its answer (a timeout, a
//! crash between the phases). The reconciler (a read of the intent, a new confirm on its
//! order, the server's background tick) asks the processor again under the same key
//! ([`crate::processor::Processor::reconcile`]) and writes what it says; no answer
//! leaves it for the next pass. The lease outlasts the longest call the HTTP client
//! makes, retries included, so the reconciler never races a call still waiting.

use sqlx::SqliteConnection;

use crate::error::{ApiResult, AppError};
use crate::ids::new_id;
use crate::processor::{Attempt, Final, Outcome};
use crate::processors::http;

/// Seconds after which a `confirming` attempt is taken to have lost its answer.
pub const ATTEMPT_LEASE: i64 = 120;

// The longest call: every try timing out, and the pauses between them (0.5 s, then 1 s).
const _: () = assert!(
    ATTEMPT_LEASE as u64 > http::TIMEOUT.as_secs() * (http::RETRIES as u64 + 1) + 2,
    "the lease must outlast the HTTP client's longest call"
);

/// An attempt written in phase one, to send in phase two.
#[derive(Clone, Debug)]
pub struct Started {
    /// `att_…`: the processor's idempotency key.
    pub id: String,
    /// The payment (`pi_…`) or setup (`seti_…`) intent.
    pub intent_id: String,
    /// What is sent.
    pub attempt: Attempt,
}

/// A new attempt's id: the processor's idempotency key, and the unguessable part of
/// the URL the processor's page sends the customer back to.
pub fn new_key() -> String {
    new_id("att")
}

/// Phase one: writes the attempt `id` (from [`new_key`]), in the caller's transaction.
pub async fn start(
    conn: &mut SqliteConnection,
    id: String,
    intent_id: &str,
    attempt: Attempt,
    now: i64,
) -> ApiResult<Started> {
    sqlx::query(
        "INSERT INTO processor_attempts (id, intent_id, attempt, state, started_at) \
         VALUES (?, ?, ?, 'confirming', ?)",
    )
    .bind(&id)
    .bind(intent_id)
    .bind(serde_json::to_string(&attempt)?)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Started {
        id,
        intent_id: intent_id.to_owned(),
        attempt,
    })
}

/// Phase three: marks the attempt answered with `result`, in the caller's transaction.
/// Returns whether this call did (`false`: another writer answered it first, and this
/// one must not apply its outcome again).
pub async fn answer(
    conn: &mut SqliteConnection,
    id: &str,
    result: &str,
    reference: Option<&str>,
    now: i64,
) -> ApiResult<bool> {
    let answered = sqlx::query(
        "UPDATE processor_attempts SET state = 'answered', answered_at = ?, result = ?, \
         reference = ? WHERE id = ? AND state = 'confirming'",
    )
    .bind(now)
    .bind(result)
    .bind(reference)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(answered == 1)
}

/// How an outcome is recorded with its attempt.
pub fn result_of(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Done(Final::Succeeded { .. }) => "succeeded",
        Outcome::Done(Final::Failed { .. }) => "failed",
        Outcome::RequiresAction { .. } => "requires_action",
        Outcome::Processing { .. } | Outcome::Pending => "processing",
        Outcome::Action { .. } => "requires_action",
    }
}

/// The intent an attempt was for.
pub async fn intent_of(conn: &mut SqliteConnection, id: &str) -> ApiResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT intent_id FROM processor_attempts WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The attempts still `confirming` after the lease: of one intent, or of all.
pub async fn stale(
    conn: &mut SqliteConnection,
    intent_id: Option<&str>,
    now: i64,
) -> ApiResult<Vec<Started>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, intent_id, attempt FROM processor_attempts WHERE state = 'confirming' \
         AND started_at <= ? AND (? IS NULL OR intent_id = ?) ORDER BY started_at",
    )
    .bind(now - ATTEMPT_LEASE)
    .bind(intent_id)
    .bind(intent_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, intent_id, attempt)| {
            let attempt = serde_json::from_str(&attempt).map_err(|_| AppError::internal())?;
            Ok(Started {
                id,
                intent_id,
                attempt,
            })
        })
        .collect()
}
