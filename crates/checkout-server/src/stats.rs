//! Test-mode statistics for exactly-once tests: the end-to-end suite clicks Pay ten
//! times and asks `GET /test-mode/stats` whether that made one token and one charge.
//!
//! Tokens and successful charges are counted from their own rows; confirm requests and
//! processor attempts leave no row of their own, so they bump a counter in the database
//! (the counts survive a restart on the same database, as the rows do).

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::error::ApiResult;
use crate::state::AppState;

/// A counter kept in `test_mode_counters`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counter {
    /// A create-confirm or confirm-again request whose work ran (not a replay).
    Confirms,
    /// A call to the processor's `confirm`: one charge attempt.
    ChargeAttempts,
    /// A CSP violation report received.
    CspReports,
}

impl Counter {
    /// The row's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirms => "confirms",
            Self::ChargeAttempts => "charge_attempts",
            Self::CspReports => "csp_reports",
        }
    }
}

/// Adds one to a counter, inside the caller's transaction if it passes one.
pub async fn bump<'e, E>(db: E, counter: Counter) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    sqlx::query(
        "INSERT INTO test_mode_counters (name, value) VALUES (?, 1) \
         ON CONFLICT(name) DO UPDATE SET value = value + 1",
    )
    .bind(counter.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// A counter's value (0 before its first bump).
pub async fn read<'e, E>(db: E, counter: Counter) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let value: Option<i64> =
        sqlx::query_scalar("SELECT value FROM test_mode_counters WHERE name = ?")
            .bind(counter.as_str())
            .fetch_optional(db)
            .await?;
    Ok(value.unwrap_or(0))
}

/// `GET /test-mode/stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Confirmation tokens created.
    pub confirmation_tokens: i64,
    /// Create-confirm and confirm-again requests that ran (idempotent replays and
    /// requests refused before running are not counted).
    pub confirms: i64,
    /// Charge attempts sent to the processor (on and off session).
    pub charges: i64,
    /// Charges that moved money.
    pub charges_succeeded: i64,
}

/// Reads the statistics.
pub async fn stats(state: &AppState) -> ApiResult<Stats> {
    let mut conn = state.db().acquire().await?;
    let confirmation_tokens = sqlx::query_scalar("SELECT COUNT(*) FROM confirmation_tokens")
        .fetch_one(&mut *conn)
        .await?;
    let charges_succeeded = sqlx::query_scalar("SELECT COUNT(*) FROM charges")
        .fetch_one(&mut *conn)
        .await?;
    Ok(Stats {
        confirmation_tokens,
        confirms: read(&mut *conn, Counter::Confirms).await?,
        charges: read(&mut *conn, Counter::ChargeAttempts).await?,
        charges_succeeded,
    })
}

/// `GET /test-mode/stats`: what the test-mode server has done so far.
pub async fn stats_get(State(state): State<AppState>) -> ApiResult<Json<Stats>> {
    Ok(Json(stats(&state).await?))
}
