//! Content-Security-Policy: the two origins' policies, and violation reports.
//!
//! The storefront's policy is the widget's strict one with the payments origin added
//! where the page needs it (the widget's files, the card frame, inline tokenization);
//! the card frame's is as strict, framed only by the allowed storefront origins.
//!
//! Browsers send violation reports to
//! `POST /api/csp-reports` (the policy's `report-uri` and, through `Reporting-Endpoints`,
//! its `report-to`); the server logs a warning and keeps them, and the end-to-end suite
//! reads `GET /test-mode/csp-reports` to assert that no flow broke the policy.
//!
//! Reports quote page URLs, and a return page's URL carries a client secret in its
//! query, so every URL is cut before its query and fragment (and loses any user
//! information) before it is logged or stored; long digit runs are masked as in logged
//! request paths.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use payment_core::error::{ErrorCode, ErrorType};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ApiResult, AppError};
use crate::mask_digit_runs;
use crate::state::AppState;
use crate::stats::{self, Counter};

/// What both policies end with: where violations are reported (`report-uri` for every
/// browser, `report-to` with the `Reporting-Endpoints` header where known). Relative, so
/// each origin's reports go to its own `/api/csp-reports`, which share one store.
const REPORTING: &str = "report-uri /api/csp-reports; report-to csp";

/// The storefront's policy: the widget's (DESIGN.md), with the payments origin in
/// `script-src`, `style-src`, `connect-src` and `frame-src`, and nothing else loosened.
/// `frame-src` also has `'self'`: the checkout frames the processor's 3-D Secure
/// challenge in its dialog, and the test-mode processor's pages are the storefront's
/// own (a real processor's challenge origin goes beside it).
pub fn storefront_policy(payments_origin: &str) -> String {
    storefront_policy_framed_by(payments_origin, "'none'")
}

/// The policy of the test-mode processor's 3-D Secure and wallet pages (and their
/// buttons' answers): the storefront's, except that the storefront itself and the
/// allowed storefront origins may frame them, as the widget's modal does. Every other
/// storefront page stays unframeable.
pub fn action_page_policy(payments_origin: &str, storefront_origins: &[String]) -> String {
    let ancestors: Vec<&str> = std::iter::once("'self'")
        .chain(storefront_origins.iter().map(String::as_str))
        .collect();
    storefront_policy_framed_by(payments_origin, &ancestors.join(" "))
}

fn storefront_policy_framed_by(payments_origin: &str, ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {payments_origin}; \
         style-src 'self' {payments_origin}; img-src 'self' data: {payments_origin}; \
         connect-src 'self' {payments_origin}; frame-src 'self' {payments_origin}; \
         frame-ancestors {ancestors}; {REPORTING}"
    )
}

/// The card frame's policy: everything from its own origin, no inline code, and framed
/// only by the allowed storefront origins.
pub fn frame_policy(storefront_origins: &[String]) -> String {
    let ancestors = if storefront_origins.is_empty() {
        "'none'".to_owned()
    } else {
        storefront_origins.join(" ")
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors {ancestors}; {REPORTING}"
    )
}

/// The largest report body read: a batch of `application/reports+json` reports can be
/// larger than an API request.
pub const REPORT_BODY_LIMIT: usize = 64 * 1024;

/// How many reports are kept (the count covers all of them).
pub const REPORTS_KEPT: i64 = 1000;

/// The longest URL or sample kept, in characters.
const TEXT_LIMIT: usize = 512;
const SAMPLE_LIMIT: usize = 80;

/// A violation as stored and listed, whichever format it came in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CspViolation {
    /// When the server received it (Unix seconds).
    pub received_at: i64,
    /// `csp-report` (the legacy `report-uri` body) or `reports+json` (`report-to`).
    pub format: String,
    /// The page, without query or fragment.
    pub document_uri: Option<String>,
    /// What was blocked: a URL without query or fragment, or `inline`, `eval`, …
    pub blocked_uri: Option<String>,
    /// The directive that blocked it (`style-src-attr`, `script-src-elem`, …).
    pub effective_directive: Option<String>,
    /// The directive as written in the policy (legacy reports only).
    pub violated_directive: Option<String>,
    /// `enforce` or `report`.
    pub disposition: Option<String>,
    /// The script or stylesheet that caused it, without query or fragment.
    pub source_file: Option<String>,
    /// Its line.
    pub line_number: Option<u64>,
    /// Its column.
    pub column_number: Option<u64>,
    /// The page's HTTP status.
    pub status_code: Option<u64>,
    /// The page's referrer, without query or fragment.
    pub referrer: Option<String>,
    /// The first characters of the blocked inline code, every digit shown as `#`.
    pub sample: Option<String>,
}

/// A URL as it may be logged and kept: no query, no fragment, no user information, no
/// long digit runs, no client secret, bounded length.
pub fn scrub_url(raw: &str) -> String {
    let end = raw.find(['?', '#']).unwrap_or(raw.len());
    let mut url = raw[..end].to_owned();
    if let Some(scheme_end) = url.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = url[authority_start..]
            .find('/')
            .map_or(url.len(), |i| authority_start + i);
        if let Some(at) = url[authority_start..authority_end].rfind('@') {
            url.replace_range(authority_start..=authority_start + at, "");
        }
    }
    truncate(&redact_secrets(&mask_digit_runs(&url)), TEXT_LIMIT)
}

/// Replaces `_secret_` and what follows it (up to the next character that cannot be
/// part of a secret) with `…`: `pi_1_secret_abc` becomes `pi_1…`.
fn redact_secrets(text: &str) -> String {
    const MARK: &str = "_secret_";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        out.push('…');
        rest = &rest[i + MARK.len()..];
        let secret_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        rest = &rest[secret_len..];
    }
    out.push_str(rest);
    out
}

/// Every digit becomes `#`: a sample of page code may hold a card number or a CVC, and
/// `color: #ff0000` or `margin: 10px` read well enough as `#ff####` and `##px`.
fn hide_digits(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

fn text_field(object: &Value, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| object.get(*name)?.as_str())
        .map(str::to_owned)
}

fn number_field(object: &Value, names: &[&str]) -> Option<u64> {
    names.iter().find_map(|name| object.get(*name)?.as_u64())
}

impl CspViolation {
    /// Reads a report body of either format; field names differ between them
    /// (`document-uri` / `documentURL`), everything else is the same.
    fn from_body(format: &str, body: &Value, received_at: i64) -> Self {
        let url = |names: &[&str]| text_field(body, names).map(|u| scrub_url(&u));
        Self {
            received_at,
            format: format.to_owned(),
            document_uri: url(&["document-uri", "documentURL"]),
            blocked_uri: url(&["blocked-uri", "blockedURL"]),
            effective_directive: text_field(body, &["effective-directive", "effectiveDirective"])
                .map(|d| truncate(&d, TEXT_LIMIT)),
            violated_directive: text_field(body, &["violated-directive"])
                .map(|d| truncate(&d, TEXT_LIMIT)),
            disposition: text_field(body, &["disposition"]).map(|d| truncate(&d, 16)),
            source_file: url(&["source-file", "sourceFile"]),
            line_number: number_field(body, &["line-number", "lineNumber"]),
            column_number: number_field(body, &["column-number", "columnNumber"]),
            status_code: number_field(body, &["status-code", "statusCode"]),
            referrer: url(&["referrer"]).filter(|r| !r.is_empty()),
            sample: text_field(body, &["script-sample", "sample"])
                .filter(|s| !s.is_empty())
                .map(|s| truncate(&redact_secrets(&hide_digits(&s)), SAMPLE_LIMIT)),
        }
    }
}

/// The violations in a body: `{"csp-report": {…}}` or a `reports+json` array, whose
/// reports of other types (deprecations, interventions) are skipped.
fn violations(body: &Value, received_at: i64) -> Option<Vec<CspViolation>> {
    match body {
        Value::Object(object) => {
            let report = object.get("csp-report").filter(|r| r.is_object())?;
            Some(vec![CspViolation::from_body(
                "csp-report",
                report,
                received_at,
            )])
        }
        Value::Array(reports) => Some(
            reports
                .iter()
                .filter(|r| r.get("type").and_then(Value::as_str) == Some("csp-violation"))
                .filter_map(|r| r.get("body").filter(|b| b.is_object()))
                .map(|b| CspViolation::from_body("reports+json", b, received_at))
                .collect(),
        ),
        _ => None,
    }
}

fn accepted_content_type(headers: &HeaderMap) -> bool {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    [
        "application/csp-report",
        "application/reports+json",
        "application/json",
    ]
    .iter()
    .any(|t| essence.eq_ignore_ascii_case(t))
}

fn unreadable(message: &str) -> AppError {
    AppError::invalid(ErrorCode::InvalidRequestBody).with_message(message)
}

/// `POST /api/csp-reports`: stores and logs the violations of a report body; 204.
pub async fn csp_reports_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    if !accepted_content_type(&headers) {
        return Err(unreadable(
            "Send reports as application/csp-report or application/reports+json.",
        ));
    }
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorType::InvalidRequestError,
                ErrorCode::InvalidRequestBody,
            )
            .with_message(format!(
                "The report body is larger than {REPORT_BODY_LIMIT} bytes."
            ))
        } else {
            unreadable("The report body could not be read.")
        }
    })?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| unreadable("The report body is not valid JSON."))?;
    let now = state.now();
    let found = violations(&value, now)
        .ok_or_else(|| unreadable("Expected {\"csp-report\": {…}} or an array of reports."))?;
    let mut tx = state.db().begin().await?;
    for violation in &found {
        tracing::warn!(
            document = violation.document_uri.as_deref().unwrap_or("-"),
            blocked = violation.blocked_uri.as_deref().unwrap_or("-"),
            directive = violation.effective_directive.as_deref().unwrap_or("-"),
            source = violation.source_file.as_deref().unwrap_or("-"),
            line = violation.line_number.unwrap_or(0),
            "CSP violation reported"
        );
        sqlx::query("INSERT INTO csp_reports (received_at, report) VALUES (?, ?)")
            .bind(now)
            .bind(serde_json::to_string(violation)?)
            .execute(&mut *tx)
            .await?;
        stats::bump(&mut *tx, Counter::CspReports).await?;
    }
    sqlx::query("DELETE FROM csp_reports WHERE id <= (SELECT MAX(id) FROM csp_reports) - ?")
        .bind(REPORTS_KEPT)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /test-mode/csp-reports`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CspReports {
    /// Violations received since the database was created.
    pub count: i64,
    /// The newest [`REPORTS_KEPT`], oldest first.
    pub reports: Vec<CspViolation>,
}

/// `GET /test-mode/csp-reports`: what browsers reported, for the end-to-end suite.
pub async fn csp_reports_list(State(state): State<AppState>) -> ApiResult<Json<CspReports>> {
    let mut conn = state.db().acquire().await?;
    let count = stats::read(&mut *conn, Counter::CspReports).await?;
    let rows: Vec<String> = sqlx::query_scalar("SELECT report FROM csp_reports ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    let reports = rows
        .iter()
        .map(|r| serde_json::from_str(r))
        .collect::<Result<_, _>>()?;
    Ok(Json(CspReports { count, reports }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_query_fragment_userinfo_and_secrets() {
        assert_eq!(
            scrub_url("http://127.0.0.1:8080/complete?payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_abc#x"),
            "http://127.0.0.1:8080/complete"
        );
        assert_eq!(
            scrub_url("https://user:pass@shop.example/a#frag"),
            "https://shop.example/a"
        );
        assert_eq!(
            scrub_url("https://shop.example/p/pi_1_secret_abc/x"),
            "https://shop.example/p/pi_1…/x"
        );
        assert_eq!(
            scrub_url("https://shop.example/4242424242424242"),
            "https://shop.example/…"
        );
        assert_eq!(scrub_url("inline"), "inline");
        assert_eq!(scrub_url(&"a".repeat(600)).chars().count(), TEXT_LIMIT + 1);
    }
}
