//! The test-mode audit that the storefront never holds card data (issue 13): every
//! request body the storefront receives is scanned as it arrives, and `GET
//! /test-mode/card-data` scans every value of the storefront's database and the vault's,
//! with `payment_core::audit` (the documented test card numbers, in any grouping, and a
//! CVC beside its name). The end-to-end suite asks after each test; the vault's own
//! rows must hold only sealed bytes.
//!
//! Only in test mode: a real server never buffers bodies to look at them.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use serde::Serialize;
use sqlx::{Column, Row, SqlitePool, TypeInfo};
use std::sync::Mutex;

use crate::error::{ApiResult, AppError, BODY_LIMIT};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use payment_core::error::{ErrorCode, ErrorType};

/// At most this many findings are kept: one is already a failure.
const KEPT: usize = 20;

/// What the audit found in storefront requests so far.
#[derive(Debug, Default)]
pub struct CardAudit {
    requests: Mutex<Vec<String>>,
}

impl CardAudit {
    fn record(&self, finding: String) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        if requests.len() < KEPT {
            requests.push(finding);
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Scans a storefront request's body (and query) for card data, then hands the request
/// on unchanged (a body over the API's limit gets the API's 413 here).
pub async fn audit_request(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // CSP reports have a larger limit of their own, and carry the browser's words only.
    if request.uri().path() == "/api/csp-reports" {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        // What the routes answer to a body over the limit (or one that broke off).
        Err(_) => {
            return AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorType::InvalidRequestError,
                ErrorCode::InvalidRequestBody,
            )
            .with_message(format!(
                "The request body is larger than {BODY_LIMIT} bytes."
            ))
            .into_response()
        }
    };
    let seen = [
        parts.uri.query().unwrap_or_default(),
        &String::from_utf8_lossy(&bytes),
    ]
    .concat();
    if let Some(what) = payment_core::audit::card_data_in(&seen) {
        state
            .card_audit()
            .record([&what, " in ", parts.uri.path()].concat());
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `GET /test-mode/card-data`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Findings {
    /// Card data seen in storefront requests (what, and the path).
    pub requests: Vec<String>,
    /// Card data found in the storefront's database (what, table and column).
    pub database: Vec<String>,
    /// Card data found in the vault's database in the clear.
    pub vault_database: Vec<String>,
}

/// Every text and blob value of every table of `db` that holds card data.
async fn scan(db: &SqlitePool) -> Result<Vec<String>, sqlx::Error> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(db)
    .await?;
    let mut found = Vec::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM \"{}\"", table.replace('"', "")))
            .fetch_all(db)
            .await?;
        for row in rows {
            for column in row.columns() {
                let text = match column.type_info().name() {
                    "BLOB" => row
                        .try_get::<Option<Vec<u8>>, _>(column.ordinal())
                        .ok()
                        .flatten()
                        .map(|b| String::from_utf8_lossy(&b).into_owned()),
                    _ => row
                        .try_get::<Option<String>, _>(column.ordinal())
                        .ok()
                        .flatten(),
                };
                if let Some(what) = text.as_deref().and_then(payment_core::audit::card_data_in) {
                    found.push([&what, " in ", &table, ".", column.name()].concat());
                }
            }
        }
    }
    Ok(found)
}

/// `GET /test-mode/card-data`: what the audit found so far (nothing, or a failure).
pub async fn card_data_get(State(state): State<AppState>) -> ApiResult<Json<Findings>> {
    Ok(Json(Findings {
        requests: state.card_audit().requests(),
        database: scan(state.db()).await?,
        vault_database: scan(state.vault().db()).await?,
    }))
}
