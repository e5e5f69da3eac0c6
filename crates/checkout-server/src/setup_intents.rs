//! Setup intents: a payment method saved to a customer for later payments, with nothing
//! charged (Stripe's `confirmSetup`, for a page that shows the element in setup mode).
//!
//! ```text
//! requires_payment_method ─confirm─▶ succeeded (the method is attached to the customer)
//!                               ├─▶ requires_payment_method (declined; confirm again)
//!                               └─▶ requires_action ─3-D Secure page─▶ succeeded | requires_payment_method
//! requires_action ─confirm again with a new token─▶ (as above)
//! ```
//!
//! - `POST /create-setup-intent` (also `GET`, and under `/api`): a setup intent for the
//!   demo customer, `usage: off_session`, as Stripe's "save payment details" sample
//!   server answers: `{clientSecret}`.
//! - `GET /api/setup_intents/{id}?client_secret=…`: its state, for the page and its
//!   return page.
//! - `POST /api/setup_intents/{id}/confirm` `{client_secret, confirmation_token_id}`,
//!   `Idempotency-Key`: sets the token's method up. Cards and SEPA accounts can be set
//!   up alone; a wallet is saved by paying with it, a QR code never.
//!
//! Nothing here charges: no `charges` row, no order, no fulfilment. Events:
//! `setup_intent.succeeded`, `setup_intent.setup_failed`, and `payment_method.attached`.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use payment_core::api::{
    NextAction, PaymentIntentStatus, PaymentMethodType, RedirectToUrl, SetupFutureUsage,
    SetupIntent,
};
use payment_core::error::{ApiError, DeclineCode, ErrorCode};
use payment_core::secret::ClientSecret;
use serde::Deserialize;
use sqlx::SqliteConnection;
use subtle::ConstantTimeEq;

use crate::attempts::{self, Started};
use crate::customers::demo_customer;
use crate::error::{body_rejection, is_json, ApiResult, AppError, JsonWithBytes};
use crate::idempotency;
use crate::ids::{new_id, new_secret};
use crate::intents::{
    attach_method, for_customer_error, spend_token, Pending, Saving, SecretQuery, SpentToken,
    DEFAULT_RETURN_URL,
};
use crate::methods::{load_method, wire_enum, MethodRow};
use crate::processor::{
    authentication_failed, cannot_be_set_up, decline_error, ActionPage, Attempt, Charge, Final,
    NoAnswer, Outcome, Processed,
};
use crate::quickstart::ClientSecretBody;
use crate::state::AppState;
use crate::stats::{self, Counter};
use crate::webhooks::emit;

/// The kinds of method a setup intent can set up alone.
pub const SETUP_METHOD_TYPES: [PaymentMethodType; 2] =
    [PaymentMethodType::Card, PaymentMethodType::SepaDebit];

/// A `setup_intents` row. Its `Debug` leaves out the client secret.
#[derive(Clone, sqlx::FromRow)]
pub struct SetupRow {
    pub id: String,
    pub client_secret: String,
    pub customer_id: Option<String>,
    pub usage: String,
    pub status: String,
    pub payment_method_id: Option<String>,
    pub consent: Option<String>,
    pub return_url: Option<String>,
    pub next_action: Option<String>,
    pub last_setup_error: Option<String>,
    pub pending: Option<String>,
    /// The processor's setup (Stripe's `seti_…`), for a real processor.
    pub processor_ref: Option<String>,
}

impl std::fmt::Debug for SetupRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupRow")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("payment_method_id", &self.payment_method_id)
            .finish_non_exhaustive()
    }
}

const SETUP_COLUMNS: &str = "id, client_secret, customer_id, usage, status, payment_method_id, \
    consent, return_url, next_action, last_setup_error, pending, processor_ref";

impl SetupRow {
    /// The status.
    pub fn status(&self) -> PaymentIntentStatus {
        wire_enum(&self.status).unwrap_or(PaymentIntentStatus::Unknown)
    }

    /// Whether it waits for the customer on the 3-D Secure page.
    pub fn waits_on_authentication(&self) -> bool {
        self.status() == PaymentIntentStatus::RequiresAction
            && matches!(
                self.pending
                    .as_deref()
                    .and_then(|p| serde_json::from_str(p).ok()),
                Some(Pending::Action {
                    page: ActionPage::ThreeDSecure,
                    ..
                })
            )
    }

    /// The return URL with the parameters a return page reads (Stripe's names).
    pub fn return_url_with_result(&self, redirect_status: &str) -> String {
        let url = self.return_url.as_deref().unwrap_or(DEFAULT_RETURN_URL);
        let (base, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
        let separator = if base.contains('?') { '&' } else { '?' };
        // Ids and secrets are alphanumeric with underscores: nothing to escape.
        format!(
            "{base}{separator}setup_intent={}&setup_intent_client_secret={}&redirect_status={redirect_status}{fragment}",
            self.id, self.client_secret
        )
    }

    /// The `redirect_status` its return URL carries.
    pub fn redirect_status(&self) -> &'static str {
        match self.status() {
            PaymentIntentStatus::Succeeded => "succeeded",
            PaymentIntentStatus::Processing => "processing",
            PaymentIntentStatus::RequiresAction => "requires_action",
            _ => "failed",
        }
    }
}

/// Loads a setup intent.
pub async fn load_setup(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<SetupRow>, sqlx::Error> {
    sqlx::query_as::<_, SetupRow>(&format!(
        "SELECT {SETUP_COLUMNS} FROM setup_intents WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Loads a setup intent whose client secret is `secret`; a wrong secret looks exactly
/// like a missing intent.
async fn load_with_secret(
    conn: &mut SqliteConnection,
    id: &str,
    secret: &ClientSecret,
) -> ApiResult<SetupRow> {
    load_setup(conn, id)
        .await?
        .filter(|s| bool::from(s.client_secret.as_bytes().ct_eq(secret.expose().as_bytes())))
        .ok_or_else(|| AppError::missing("setup intent", Some("id")))
}

/// The wire form, as the shopper's browser may see it (a lost or stolen card reads as a
/// generic decline); the client secret only where the caller created the intent.
pub async fn setup_wire(
    conn: &mut SqliteConnection,
    row: &SetupRow,
    with_secret: bool,
) -> ApiResult<SetupIntent> {
    let method = match &row.payment_method_id {
        Some(id) => load_method(&mut *conn, id).await?,
        None => None,
    };
    Ok(SetupIntent {
        id: row.id.clone(),
        object: "setup_intent".to_owned(),
        client_secret: with_secret.then(|| ClientSecret::new(row.client_secret.clone())),
        status: row.status(),
        usage: wire_enum(&row.usage).unwrap_or(SetupFutureUsage::OffSession),
        payment_method_types: SETUP_METHOD_TYPES.to_vec(),
        payment_method: row.payment_method_id.clone(),
        next_action: row
            .next_action
            .as_deref()
            .map(serde_json::from_str::<NextAction>)
            .transpose()?,
        last_setup_error: row
            .last_setup_error
            .as_deref()
            .map(serde_json::from_str::<ApiError>)
            .transpose()?
            .map(for_customer_error),
        payment_method_preview: method.as_ref().map(MethodRow::preview),
    })
}

/// Emits a `setup_intent.*` event with the intent as it is now (the real decline code:
/// the merchant's webhook is not the shopper's browser).
async fn emit_setup(conn: &mut SqliteConnection, kind: &str, id: &str, now: i64) -> ApiResult<()> {
    let row = load_setup(&mut *conn, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let mut object = serde_json::to_value(setup_wire(&mut *conn, &row, false).await?)?;
    if let Some(error) = &row.last_setup_error {
        object["last_setup_error"] = serde_json::from_str(error)?;
    }
    emit(conn, kind, object, now).await?;
    Ok(())
}

/// Applies a final result: the method saved, or the error to show.
pub async fn finish_setup(
    conn: &mut SqliteConnection,
    row: &SetupRow,
    result: &Final,
    now: i64,
) -> ApiResult<()> {
    match result {
        Final::Succeeded { .. } => {
            sqlx::query(
                "UPDATE setup_intents SET status = 'succeeded', next_action = NULL, \
                 pending = NULL, last_setup_error = NULL WHERE id = ?",
            )
            .bind(&row.id)
            .execute(&mut *conn)
            .await?;
            if let (Some(customer), Some(method_id)) = (&row.customer_id, &row.payment_method_id) {
                let saving = Saving {
                    customer,
                    method_id,
                    usage: &row.usage,
                    consent: row.consent.as_deref(),
                    source: &row.id,
                };
                attach_method(conn, &saving, now).await?;
            }
            emit_setup(conn, "setup_intent.succeeded", &row.id, now).await?;
            tracing::info!(setup_intent = %row.id, "setup intent succeeded");
        }
        Final::Failed { error } => {
            sqlx::query(
                "UPDATE setup_intents SET status = 'requires_payment_method', next_action = NULL, \
                 pending = NULL, last_setup_error = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(error)?)
            .bind(&row.id)
            .execute(&mut *conn)
            .await?;
            emit_setup(conn, "setup_intent.setup_failed", &row.id, now).await?;
            tracing::info!(setup_intent = %row.id, code = error.code.as_str(), "setup intent failed");
        }
    }
    Ok(())
}

/// The body (or query) of `/create-setup-intent`; optional.
#[derive(Debug, Default, Deserialize)]
pub struct CreateSetupIntent {
    /// `off_session` (the default: the merchant charges it later without the customer)
    /// or `on_session`.
    #[serde(default)]
    pub usage: Option<SetupFutureUsage>,
}

/// `POST` (or `GET`) `/create-setup-intent`: a setup intent for the demo customer.
pub async fn create_setup_intent(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<CreateSetupIntent>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ClientSecretBody>> {
    let bytes = body.map_err(body_rejection)?;
    let request = if bytes.iter().all(u8::is_ascii_whitespace) {
        query
            .map_err(|_| AppError::param_invalid("usage", "Invalid query string."))?
            .0
    } else if is_json(&headers) {
        crate::error::parse_json(&bytes)?
    } else {
        return Err(AppError::invalid(ErrorCode::InvalidRequestBody)
            .with_message("Send the request body as JSON with Content-Type: application/json."));
    };
    let usage = request.usage.unwrap_or(SetupFutureUsage::OffSession);
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let customer = demo_customer(&mut tx, now).await?;
    let id = new_id("seti");
    let client_secret = new_secret(&id);
    sqlx::query(
        "INSERT INTO setup_intents (id, client_secret, customer_id, created, usage, status) \
         VALUES (?, ?, ?, ?, ?, 'requires_payment_method')",
    )
    .bind(&id)
    .bind(&client_secret)
    .bind(&customer)
    .bind(now)
    .bind(usage.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(setup_intent = %id, "setup intent created");
    Ok(Json(ClientSecretBody { client_secret }))
}

/// `GET /api/setup_intents/{id}?client_secret=…`.
pub async fn setup_intents_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<SecretQuery>, QueryRejection>,
) -> ApiResult<Json<SetupIntent>> {
    let Path(id) = id.map_err(|_| AppError::missing("setup intent", Some("id")))?;
    let Query(query) =
        query.map_err(|_| AppError::param_invalid("client_secret", "Invalid query string."))?;
    let secret = query
        .client_secret
        .ok_or_else(|| AppError::param_missing("client_secret"))?;
    let mut conn = state.db().acquire().await?;
    load_with_secret(&mut conn, &id, &secret).await?;
    drop(conn);
    // A lost answer from the processor is asked for again first, and a setup waiting on
    // the processor's page read back.
    crate::intents::reconcile_if_stale(&state, &id).await?;
    refresh_from_processor(&state, &id).await?;
    let mut conn = state.db().acquire().await?;
    let row = load_with_secret(&mut conn, &id, &secret).await?;
    Ok(Json(setup_wire(&mut conn, &row, false).await?))
}

/// `POST /api/setup_intents/{id}/confirm` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmSetup {
    /// The setup intent's client secret (redacted in `Debug`).
    pub client_secret: ClientSecret,
    /// The token of the method to set up.
    pub confirmation_token_id: String,
}

async fn confirm_setup(
    state: &AppState,
    id: &str,
    request: &ConfirmSetup,
    key: Option<String>,
) -> ApiResult<SetupIntent> {
    stats::bump(state.db(), Counter::Confirms).await?;
    crate::intents::reconcile_if_stale(state, id).await?;
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let row = load_with_secret(&mut tx, id, &request.client_secret).await?;
    // `processing`: the processor has not answered the last attempt yet.
    if matches!(
        row.status(),
        PaymentIntentStatus::Succeeded
            | PaymentIntentStatus::Canceled
            | PaymentIntentStatus::Processing
    ) {
        return Err(
            AppError::invalid(ErrorCode::SetupIntentUnexpectedState).with_message(format!(
                "This setup intent is {}: it cannot be confirmed again.",
                row.status
            )),
        );
    }
    let SpentToken { method, params } =
        spend_token(&mut tx, &request.confirmation_token_id, now).await?;
    if let (Some(mine), Some(theirs)) = (&row.customer_id, &params.customer_id) {
        if mine != theirs && method.customer_id.as_deref() != Some(mine.as_str()) {
            return Err(AppError::param_invalid(
                "confirmation_token_id",
                "The confirmation token is another customer's.",
            ));
        }
    }
    if !SETUP_METHOD_TYPES.contains(&method.kind()) {
        return Err(AppError::from_api(
            StatusCode::BAD_REQUEST,
            cannot_be_set_up(),
        ));
    }
    // A new attempt (an abandoned 3-D Secure page no longer counts), waiting for the
    // processor's answer as a payment does (crate::attempts).
    let behaviour = method.behaviour().ok_or_else(AppError::internal)?;
    let processor_customer = match &row.customer_id {
        Some(customer) => crate::customers::processor_ref(&mut tx, customer).await?,
        None => None,
    };
    let key_for_processor = attempts::new_key();
    let return_url = [
        state.settings().public_url.as_str(),
        &crate::intents::processor_return_path(state, &key_for_processor),
    ]
    .concat();
    let attempt = Attempt {
        behaviour,
        off_session: false,
        set_up_off_session: false,
        charge: Charge {
            reference: id.to_owned(),
            customer: row.customer_id.clone(),
            processor_customer,
            method: method.processor_ref.clone(),
            setup_future_usage: Some(row.usage.clone()),
            return_url: Some(return_url),
            billing_name: method.billing_name(),
            ..Charge::default()
        },
    };
    let started = attempts::start(&mut tx, key_for_processor, id, attempt, now).await?;
    sqlx::query(
        "UPDATE setup_intents SET status = 'processing', payment_method_id = ?, \
         consent = ?, return_url = COALESCE(?, return_url), next_action = NULL, \
         pending = ?, last_setup_error = NULL WHERE id = ?",
    )
    .bind(&method.id)
    .bind(&params.consent)
    .bind(&params.return_url)
    .bind(serde_json::to_string(&Pending::Processor {
        attempt: started.id.clone(),
    })?)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let row = load_setup(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let waiting = setup_wire(&mut tx, &row, true).await?;
    record(&mut tx, key.as_deref(), &waiting).await?;
    tx.commit().await?;
    let outcome = match state
        .processor()
        .set_up(&started.id, &started.attempt)
        .await
    {
        Ok(processed) => processed,
        // Nothing left: nothing was set up, and the customer may try again at once.
        Err(NoAnswer::NotSent(why)) => {
            tracing::warn!(setup_intent = %id, attempt = %started.id, %why, "processor not reached");
            Outcome::Done(Final::Failed {
                error: decline_error(DeclineCode::ProcessingError),
            })
            .into()
        }
        Err(NoAnswer::Lost(why)) => {
            tracing::warn!(setup_intent = %id, attempt = %started.id, %why, "processor's answer lost; left to the reconciler");
            return Ok(waiting);
        }
    };
    settle(state, &started, outcome, Some(key.as_deref())).await
}

/// Whether a setup waits on a real processor (`Pending::External`).
fn waits_on_processor(row: &SetupRow) -> bool {
    row.pending
        .as_deref()
        .and_then(|p| serde_json::from_str::<Pending>(p).ok())
        == Some(Pending::External)
}

/// Reads back a setup that waits on a real processor's page (`Pending::External`) and
/// writes a final answer; anything else is left alone.
pub(crate) async fn refresh_from_processor(state: &AppState, id: &str) -> ApiResult<()> {
    let mut conn = state.db().acquire().await?;
    let waiting = load_setup(&mut conn, id).await?.filter(waits_on_processor);
    drop(conn);
    let Some(reference) = waiting.and_then(|row| row.processor_ref) else {
        return Ok(());
    };
    let Ok(Processed {
        outcome: Outcome::Done(result),
        ..
    }) = state.processor().retrieve(&reference).await
    else {
        return Ok(());
    };
    let now = state.now();
    let mut tx = state.db().begin().await?;
    if let Some(row) = load_setup(&mut tx, id).await?.filter(waits_on_processor) {
        finish_setup(&mut tx, &row, &result, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Where the customer back from a processor's page for a setup `attempt` goes: the
/// setup's return URL with Stripe's parameters, once the outcome is read back; `None`
/// for an attempt that is no setup's.
pub(crate) async fn returned(state: &AppState, attempt: &str) -> ApiResult<Option<String>> {
    let mut conn = state.db().acquire().await?;
    let Some(id) = attempts::intent_of(&mut conn, attempt).await? else {
        return Ok(None);
    };
    drop(conn);
    refresh_from_processor(state, &id).await?;
    let mut conn = state.db().acquire().await?;
    Ok(load_setup(&mut conn, &id)
        .await?
        .map(|setup| setup.return_url_with_result(setup.redirect_status())))
}

/// Stores the answer a retry of the confirm replays, in the work's transaction.
async fn record(
    conn: &mut SqliteConnection,
    key: Option<&str>,
    wire: &SetupIntent,
) -> ApiResult<()> {
    if let Some(key) = key {
        let (status, body) = respond(Ok(wire.clone()));
        idempotency::record_within(conn, key, status, &body).await?;
    }
    Ok(())
}

/// Asks the processor again what became of a setup attempt whose answer was lost, and
/// writes it (`crate::attempts`). Returns whether it got an answer.
pub(crate) async fn reconcile(state: &AppState, started: &Started) -> ApiResult<bool> {
    match state
        .processor()
        .set_up(&started.id, &started.attempt)
        .await
    {
        Ok(processed) => {
            settle(state, started, processed, None).await?;
            Ok(true)
        }
        Err(why) => {
            tracing::warn!(setup_intent = %started.intent_id, attempt = %started.id, %why, "still no answer; reconciling later");
            Ok(false)
        }
    }
}

/// Writes the processor's answer to a setup attempt unless someone else did first, and
/// (for the confirm, `key` given) records the answer a retry replays.
async fn settle(
    state: &AppState,
    started: &Started,
    processed: Processed,
    key: Option<Option<&str>>,
) -> ApiResult<SetupIntent> {
    let outcome = processed.outcome;
    let now = state.now();
    let id = started.intent_id.as_str();
    let mut tx = state.db().begin().await?;
    let row = load_setup(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let waiting = matches!(
        row.pending.as_deref().and_then(|p| serde_json::from_str(p).ok()),
        Some(Pending::Processor { attempt }) if attempt == started.id
    );
    let result = attempts::result_of(&outcome);
    let reference = processed.reference.as_deref();
    if waiting && attempts::answer(&mut tx, &started.id, result, reference, now).await? {
        sqlx::query(
            "UPDATE setup_intents SET processor_ref = COALESCE(?, processor_ref) WHERE id = ?",
        )
        .bind(reference)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let (Some(made), Some(ours)) = (&processed.customer, &row.customer_id) {
            sqlx::query(
                "UPDATE customers SET processor_ref = ? WHERE id = ? AND processor_ref IS NULL",
            )
            .bind(made)
            .bind(ours)
            .execute(&mut *tx)
            .await?;
        }
        apply_outcome(state, &mut tx, &row, outcome, now).await?;
    }
    let row = load_setup(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let wire = setup_wire(&mut tx, &row, key.is_some()).await?;
    if let Some(key) = key {
        record(&mut tx, key, &wire).await?;
    }
    tx.commit().await?;
    Ok(wire)
}

/// Applies the processor's answer to a setup.
async fn apply_outcome(
    state: &AppState,
    tx: &mut SqliteConnection,
    row: &SetupRow,
    outcome: Outcome,
    now: i64,
) -> ApiResult<()> {
    let id = row.id.as_str();
    match outcome {
        Outcome::Done(result) => finish_setup(&mut *tx, row, &result, now).await?,
        Outcome::RequiresAction {
            page, on_success, ..
        } => {
            let next_action = NextAction::RedirectToUrl {
                redirect_to_url: RedirectToUrl {
                    url: format!(
                        "{}/test-mode/authenticate/{}",
                        state.settings().public_url,
                        row.id
                    ),
                    return_url: row
                        .return_url
                        .clone()
                        .unwrap_or_else(|| DEFAULT_RETURN_URL.to_owned()),
                    app_url: None,
                },
            };
            sqlx::query(
                "UPDATE setup_intents SET status = 'requires_action', next_action = ?, \
                 pending = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(&next_action)?)
            .bind(serde_json::to_string(&Pending::Action {
                page,
                on_success,
            })?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tracing::info!(setup_intent = %id, "setup intent requires action");
        }
        // Nothing settles later for a setup: a processor that says so has set it up.
        Outcome::Processing { then, .. } => finish_setup(&mut *tx, row, &then, now).await?,
        // The processor's own page (Stripe's 3-D Secure), or its settlement: read back
        // when the customer returns ([`refresh_from_processor`]).
        Outcome::Action { mut next_action } => {
            if let NextAction::RedirectToUrl { redirect_to_url } = &mut next_action {
                redirect_to_url.return_url = row
                    .return_url
                    .clone()
                    .unwrap_or_else(|| DEFAULT_RETURN_URL.to_owned());
            }
            sqlx::query(
                "UPDATE setup_intents SET status = 'requires_action', next_action = ?, \
                 pending = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(&next_action)?)
            .bind(serde_json::to_string(&Pending::External)?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        Outcome::Pending => {
            sqlx::query("UPDATE setup_intents SET status = 'processing', pending = ? WHERE id = ?")
                .bind(serde_json::to_string(&Pending::External)?)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// A confirm's HTTP answer: a failed setup answers 402 with the error and the intent,
/// as a failed payment does.
fn respond(result: ApiResult<SetupIntent>) -> (StatusCode, serde_json::Value) {
    match result {
        Ok(setup) => match &setup.last_setup_error {
            Some(error) if setup.status == PaymentIntentStatus::RequiresPaymentMethod => {
                let err = AppError::from_api(StatusCode::PAYMENT_REQUIRED, error.clone());
                let mut body = err.body();
                // Stripe's error object carries the setup intent in its new state.
                body["error"]["setup_intent"] = serde_json::to_value(&setup).unwrap_or_default();
                (err.status, body)
            }
            _ => (
                StatusCode::OK,
                serde_json::to_value(&setup).unwrap_or_default(),
            ),
        },
        Err(err) => (err.status, err.body()),
    }
}

/// `POST /api/setup_intents/{id}/confirm`.
pub async fn setup_intents_confirm(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: JsonWithBytes<ConfirmSetup>,
) -> Response {
    let Ok(Path(id)) = id else {
        return AppError::missing("setup intent", Some("id")).into_response();
    };
    let key = match idempotency::key(&headers) {
        Ok(key) => key,
        Err(err) => return err.into_response(),
    };
    let raw: serde_json::Value = serde_json::from_slice(&body.bytes).unwrap_or_default();
    let scope = format!("setup_intents/{id}/confirm");
    idempotency::run(&state, key, &scope, &raw, |key| async {
        respond(confirm_setup(&state, &id, &body.value, key).await)
    })
    .await
}

/// What the 3-D Secure page's button did to a setup intent.
#[derive(Debug)]
pub struct SetupPressed {
    /// The intent afterwards.
    pub setup: SetupRow,
    /// Whether this press completed or refused the challenge.
    pub acted: bool,
}

/// Completes or refuses the 3-D Secure challenge of a setup intent; anything not
/// waiting for it is left alone. `None` for an unknown intent.
pub async fn complete_setup_authentication(
    state: &AppState,
    id: &str,
    accepted: bool,
) -> ApiResult<Option<SetupPressed>> {
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let Some(row) = load_setup(&mut tx, id).await? else {
        return Ok(None);
    };
    let mut acted = false;
    if let (true, Some(Pending::Action { on_success, .. })) = (
        row.waits_on_authentication(),
        row.pending
            .as_deref()
            .and_then(|p| serde_json::from_str::<Pending>(p).ok()),
    ) {
        let result = if accepted {
            on_success
        } else {
            let mut error = authentication_failed();
            error.code = ErrorCode::SetupIntentAuthenticationFailure;
            Final::Failed { error }
        };
        finish_setup(&mut tx, &row, &result, now).await?;
        acted = true;
    }
    let setup = load_setup(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    tx.commit().await?;
    Ok(Some(SetupPressed { setup, acted }))
}
