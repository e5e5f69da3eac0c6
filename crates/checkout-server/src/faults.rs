//! Faults the test-mode server injects on request (`POST /test-mode/faults`), so that
//! tests can prove what no healthy run shows: an answer lost after its charge committed
//! never leads to a second charge.
//!
//! Each fault is armed once and hits the next idempotent request (a confirm) after its
//! work committed.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{ApiJson, ApiResult};
use crate::state::AppState;

/// A fault to inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The final write of the idempotent answer fails: the request answers 500 although
    /// the charge and its answer committed (a pool timeout in the last write).
    FinalWriteFails,
    /// The answer is held back for [`HANG_SECONDS`] after the work committed, so the
    /// client times out or the connection is dropped (a restart) before it arrives.
    HangAfterCommit,
}

/// How long [`Fault::HangAfterCommit`] holds an answer back.
pub const HANG_SECONDS: u64 = 60;

/// The armed faults.
#[derive(Debug, Default)]
pub struct Faults {
    final_write_fails: AtomicU32,
    hang_after_commit: AtomicU32,
}

impl Faults {
    fn counter(&self, fault: Fault) -> &AtomicU32 {
        match fault {
            Fault::FinalWriteFails => &self.final_write_fails,
            Fault::HangAfterCommit => &self.hang_after_commit,
        }
    }

    /// Arms `fault` for the next request (arming it again before then changes nothing:
    /// one hit at most, so no caller can make every request hang).
    pub fn arm(&self, fault: Fault) {
        self.counter(fault).store(1, Ordering::SeqCst);
    }

    /// Whether `fault` hits this request (disarming it).
    pub fn take(&self, fault: Fault) -> bool {
        self.counter(fault)
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// `POST /test-mode/faults` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmFault {
    /// Which fault.
    pub fault: Fault,
}

/// `POST /test-mode/faults`: arms a fault for the next confirm.
pub async fn faults_create(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ArmFault>,
) -> ApiResult<StatusCode> {
    state.faults().arm(request.fault);
    tracing::info!(fault = ?request.fault, "fault armed");
    Ok(StatusCode::NO_CONTENT)
}
