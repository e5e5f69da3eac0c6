//! Payment intents and their status machine, orders, and the off-session charge.
//!
//! ```text
//! requires_confirmation ─confirm─▶ succeeded
//!                              ├─▶ requires_payment_method (declined; retry with a new token)
//!                              ├─▶ requires_action ─complete─▶ succeeded | requires_payment_method
//!                              │                    (left alone: stays requires_action; a QR
//!                              │                     code lapses at action_expires_at ─▶
//!                              │                     requires_payment_method, qr_code_expired)
//!                              └─▶ processing ─settles on the clock─▶ succeeded | requires_payment_method
//! requires_payment_method | requires_action ─confirm again with a new token─▶ (as above)
//! requires_payment_method | requires_confirmation | requires_action ─cancel─▶ canceled
//!                              (the merchant's call; processing, succeeded, canceled refuse it)
//! ```
//!
//! `canceled` is final: no confirm, simulated page, settlement or webhook moves it, and
//! its order is never fulfilled.
//!
//! Every transition is a read-modify-write in one transaction that also writes the
//! processor's webhook events, so an event exists exactly when its transition does.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use payment_core::api::{
    ConsentRecord, CreateConfirmIntent, DisplayQrCode, EwalletChannel, NextAction, PaymentIntent,
    PaymentIntentStatus, PaymentMethodType, QrChannel, RedirectToUrl,
};
use payment_core::error::{ApiError, DeclineCode, ErrorCode};
use payment_core::money::{Currency, MinorUnit};
use payment_core::secret::ClientSecret;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use subtle::ConstantTimeEq;

use crate::attempts::{self, Started};
use crate::cart::Cart;
use crate::customers::demo_customer;
use crate::error::{body_rejection, is_json, parse_json, ApiResult, AppError, JsonWithBytes};
use crate::idempotency;
use crate::ids::{new_id, new_secret};
use crate::merchant::require_merchant;
use crate::methods::{load_method, wire_enum, MethodRow};
use crate::orders::{self, OrderRow};
use crate::processor::{
    authentication_failed, qr_code_declined, qr_code_expired, ActionPage, Attempt, Behaviour,
    Charge, Final, NoAnswer, Outcome, Processed,
};
use crate::state::AppState;
use crate::stats::{self, Counter};
use crate::webhooks::emit;

/// Where a customer lands when the token named no `return_url`.
pub const DEFAULT_RETURN_URL: &str = "/complete";

/// What a `requires_action` or `processing` intent is waiting for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "waiting_for", rename_all = "snake_case")]
pub enum Pending {
    /// The customer's choice on a simulated page.
    Action {
        /// Which page.
        page: ActionPage,
        /// The result if the customer completes it.
        on_success: Final,
    },
    /// The settlement at `settle_at`.
    Settlement {
        /// The result.
        then: Final,
    },
    /// The processor's answer to the call made under `attempt` (`att_…`): the call is
    /// under way, or its answer was lost and the reconciler will ask again
    /// (`crate::attempts`). The intent reads as `processing` meanwhile.
    Processor {
        /// The attempt's id, the processor's idempotency key.
        attempt: String,
    },
    /// The processor's own page or settlement: read back from the processor by the
    /// intent's `processor_ref` ([`refresh_from_processor`]), or told by its webhook.
    External,
}

/// A `payment_intents` row. Its `Debug` leaves out the client secret.
#[derive(Clone, sqlx::FromRow)]
pub struct IntentRow {
    pub id: String,
    pub client_secret: String,
    pub order_id: Option<String>,
    pub customer_id: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub payment_method_id: Option<String>,
    pub setup_future_usage: Option<String>,
    pub consent: Option<String>,
    pub return_url: Option<String>,
    pub next_action: Option<String>,
    pub last_payment_error: Option<String>,
    pub pending: Option<String>,
    pub cancellation_reason: Option<String>,
    /// When the waiting action lapses (a QR code), Unix seconds.
    pub action_expires_at: Option<i64>,
    /// The processor's id of the payment (Stripe's `pi_…`), for a real processor.
    pub processor_ref: Option<String>,
}

impl std::fmt::Debug for IntentRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntentRow")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("order_id", &self.order_id)
            .field("payment_method_id", &self.payment_method_id)
            .finish_non_exhaustive()
    }
}

const INTENT_COLUMNS: &str = "id, client_secret, order_id, customer_id, amount, currency, \
    status, payment_method_id, setup_future_usage, consent, return_url, next_action, \
    last_payment_error, pending, cancellation_reason, action_expires_at, processor_ref";

impl IntentRow {
    /// The status.
    pub fn status(&self) -> PaymentIntentStatus {
        wire_enum(&self.status).unwrap_or(PaymentIntentStatus::Unknown)
    }

    /// What it waits for.
    pub fn pending(&self) -> Option<Pending> {
        serde_json::from_str(self.pending.as_deref()?).ok()
    }

    /// Whether it waits for the customer on `page`.
    pub fn waits_on(&self, page: ActionPage) -> bool {
        self.status() == PaymentIntentStatus::RequiresAction
            && matches!(self.pending(), Some(Pending::Action { page: waiting, .. }) if waiting == page)
    }

    /// The `redirect_status` its return URL carries.
    pub fn redirect_status(&self) -> &'static str {
        match self.status() {
            PaymentIntentStatus::Succeeded | PaymentIntentStatus::RequiresCapture => "succeeded",
            PaymentIntentStatus::Processing => "processing",
            PaymentIntentStatus::RequiresAction => "requires_action",
            PaymentIntentStatus::RequiresPaymentMethod
            | PaymentIntentStatus::RequiresConfirmation
            | PaymentIntentStatus::Canceled
            | PaymentIntentStatus::Unknown => "failed",
        }
    }

    /// The return URL with the parameters the return page reads.
    pub fn return_url_with_result(&self, redirect_status: &str) -> String {
        let url = self.return_url.as_deref().unwrap_or(DEFAULT_RETURN_URL);
        // The query goes before any fragment.
        let (base, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
        let separator = if base.contains('?') { '&' } else { '?' };
        // Ids and secrets are alphanumeric with underscores: nothing to escape.
        format!(
            "{base}{separator}payment_intent={}&payment_intent_client_secret={}&redirect_status={redirect_status}{fragment}",
            self.id, self.client_secret
        )
    }
}

/// Loads an intent.
pub async fn load_intent(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<IntentRow>, sqlx::Error> {
    sqlx::query_as::<_, IntentRow>(&format!(
        "SELECT {INTENT_COLUMNS} FROM payment_intents WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The wire form; the client secret only where the caller created the intent.
pub async fn intent_wire(
    conn: &mut SqliteConnection,
    row: &IntentRow,
    with_secret: bool,
) -> ApiResult<PaymentIntent> {
    let method = match &row.payment_method_id {
        Some(id) => load_method(&mut *conn, id).await?,
        None => None,
    };
    Ok(PaymentIntent {
        id: row.id.clone(),
        client_secret: with_secret.then(|| ClientSecret::new(row.client_secret.clone())),
        status: row.status(),
        amount: MinorUnit::new(row.amount),
        currency: Currency::new(&row.currency).map_err(|_| AppError::internal())?,
        next_action: row
            .next_action
            .as_deref()
            .map(serde_json::from_str::<NextAction>)
            .transpose()?,
        last_payment_error: row
            .last_payment_error
            .as_deref()
            .map(serde_json::from_str::<ApiError>)
            .transpose()?,
        payment_method_preview: method.as_ref().map(MethodRow::preview),
    })
}

/// Why the merchant canceled an intent (Stripe's reasons a merchant may give).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationReason {
    /// The customer asked.
    RequestedByCustomer,
    /// The customer left without paying.
    Abandoned,
    /// Another intent pays for the same thing.
    Duplicate,
    /// The merchant suspects fraud.
    Fraudulent,
}

impl CancellationReason {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestedByCustomer => "requested_by_customer",
            Self::Abandoned => "abandoned",
            Self::Duplicate => "duplicate",
            Self::Fraudulent => "fraudulent",
        }
    }
}

/// An intent as this server answers it: payment-core's [`PaymentIntent`] and, once
/// canceled with a reason, `cancellation_reason`.
///
/// The reason lives here rather than as a field of `PaymentIntent`: the widget builds
/// that struct with a literal (`src/json.rs`), so a new field there breaks its build.
#[derive(Clone, Debug, Serialize)]
pub struct IntentBody {
    /// The intent.
    #[serde(flatten)]
    pub intent: PaymentIntent,
    /// Why it was canceled, when the merchant said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<CancellationReason>,
}

/// [`intent_wire`] with the cancellation reason.
pub async fn intent_body(
    conn: &mut SqliteConnection,
    row: &IntentRow,
    with_secret: bool,
) -> ApiResult<IntentBody> {
    Ok(IntentBody {
        intent: intent_wire(conn, row, with_secret).await?,
        cancellation_reason: row.cancellation_reason.as_deref().and_then(wire_enum),
    })
}

/// Emits a `payment_intent.*` event with the intent as it is now.
async fn emit_intent(conn: &mut SqliteConnection, kind: &str, id: &str, now: i64) -> ApiResult<()> {
    let row = load_intent(&mut *conn, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let object = serde_json::to_value(intent_body(&mut *conn, &row, false).await?)?;
    emit(conn, kind, object, now).await?;
    Ok(())
}

/// A masked wallet account, as a wallet's token would report it.
fn account_label(channel: EwalletChannel, intent_id: &str) -> String {
    let digits: u32 = intent_id.bytes().map(u32::from).sum::<u32>() % 10_000;
    let prefix = if matches!(channel, EwalletChannel::Gcash | EwalletChannel::Paymaya) {
        "+63"
    } else {
        "+62"
    };
    format!("{prefix} •••• {digits:04}")
}

/// Attaches the intent's method to its customer after a successful payment that asked
/// to save it: `always` with consent, otherwise `limited` (never redisplayed).
async fn save_method(conn: &mut SqliteConnection, intent: &IntentRow, now: i64) -> ApiResult<()> {
    let (Some(usage), Some(customer), Some(method_id)) = (
        &intent.setup_future_usage,
        &intent.customer_id,
        &intent.payment_method_id,
    ) else {
        return Ok(());
    };
    let saving = Saving {
        customer,
        method_id,
        usage,
        consent: intent.consent.as_deref(),
        source: &intent.id,
    };
    attach_method(conn, &saving, now).await
}

/// A method to attach to a customer, and what asked for it.
pub(crate) struct Saving<'a> {
    /// `cus_…`.
    pub customer: &'a str,
    /// `pm_…`.
    pub method_id: &'a str,
    /// `off_session` or `on_session`.
    pub usage: &'a str,
    /// The consent record (JSON) when the customer ticked the box.
    pub consent: Option<&'a str>,
    /// The payment or setup intent that saves it (names a wallet's account).
    pub source: &'a str,
}

/// Attaches a method to its customer: `always` redisplayed with consent, otherwise
/// `limited` (never redisplayed). Emits `payment_method.attached` when it changed.
pub(crate) async fn attach_method(
    conn: &mut SqliteConnection,
    saving: &Saving<'_>,
    now: i64,
) -> ApiResult<()> {
    let Saving {
        customer,
        method_id,
        usage,
        consent,
        source,
    } = *saving;
    let Some(method) = load_method(&mut *conn, method_id).await? else {
        return Ok(());
    };
    let allow_redisplay = if consent.is_some() {
        "always"
    } else {
        "limited"
    };
    // A method the customer already agreed to keep stays as agreed: paying with it again
    // without the consent box (a saved method shows none) neither hides it nor erases
    // the consent record.
    if consent.is_none()
        && method.customer_id.as_deref() == Some(customer)
        && method.allow_redisplay == "always"
    {
        return Ok(());
    }
    // Already saved just so (a saved method used again): nothing to attach.
    if method.customer_id.as_deref() == Some(customer)
        && method.setup_usage.as_deref() == Some(usage)
        && method.allow_redisplay == allow_redisplay
    {
        return Ok(());
    }
    // An authorised wallet hands back a reusable token (Xendit's payment_token_id).
    let (behaviour, label) = match method.behaviour() {
        Some(Behaviour::Ewallet { channel }) => (
            Behaviour::EwalletToken { channel }.to_db(),
            Some(account_label(channel, source)),
        ),
        _ => (
            method.test_behaviour.clone(),
            method.ewallet_account_label.clone(),
        ),
    };
    sqlx::query(
        "UPDATE payment_methods SET customer_id = ?, allow_redisplay = ?, setup_usage = ?, \
         consent = ?, test_behaviour = ?, ewallet_account_label = ? WHERE id = ?",
    )
    .bind(customer)
    .bind(allow_redisplay)
    .bind(usage)
    .bind(consent)
    .bind(behaviour)
    .bind(label)
    .bind(method_id)
    .execute(&mut *conn)
    .await?;
    let saved = load_method(&mut *conn, method_id)
        .await?
        .ok_or_else(AppError::internal)?;
    let mut object = serde_json::to_value(saved.saved())?;
    object["customer"] = customer.into();
    emit(conn, "payment_method.attached", object, now).await?;
    tracing::info!(payment_method = %method_id, allow_redisplay, "payment method saved");
    Ok(())
}

/// Applies a final result to an intent.
pub async fn finish(
    conn: &mut SqliteConnection,
    intent: &IntentRow,
    result: &Final,
    now: i64,
) -> ApiResult<()> {
    match result {
        Final::Succeeded { disputed } => {
            sqlx::query(
                "UPDATE payment_intents SET status = 'succeeded', next_action = NULL, \
                 pending = NULL, settle_at = NULL, action_expires_at = NULL, \
                 last_payment_error = NULL WHERE id = ?",
            )
            .bind(&intent.id)
            .execute(&mut *conn)
            .await?;
            let charge = new_id("ch");
            sqlx::query(
                "INSERT INTO charges (id, payment_intent_id, amount, currency, created) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&charge)
            .bind(&intent.id)
            .bind(intent.amount)
            .bind(&intent.currency)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            save_method(conn, intent, now).await?;
            emit_intent(conn, "payment_intent.succeeded", &intent.id, now).await?;
            if *disputed {
                emit(
                    conn,
                    "charge.dispute.created",
                    serde_json::json!({"charge": charge, "payment_intent": intent.id, "reason": "general"}),
                    now,
                )
                .await?;
            }
            tracing::info!(intent = %intent.id, "payment intent succeeded");
        }
        Final::Failed { error } => {
            sqlx::query(
                "UPDATE payment_intents SET status = 'requires_payment_method', next_action = NULL, \
                 pending = NULL, settle_at = NULL, action_expires_at = NULL, \
                 last_payment_error = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(error)?)
            .bind(&intent.id)
            .execute(&mut *conn)
            .await?;
            emit_intent(conn, "payment_intent.payment_failed", &intent.id, now).await?;
            tracing::info!(intent = %intent.id, code = error.code.as_str(), "payment intent failed");
        }
    }
    Ok(())
}

/// Applies the processor's answer to a freshly confirmed intent.
async fn apply_outcome(
    state: &AppState,
    conn: &mut SqliteConnection,
    intent: &IntentRow,
    outcome: Outcome,
    now: i64,
) -> ApiResult<()> {
    match outcome {
        Outcome::Done(result) => finish(conn, intent, &result, now).await,
        Outcome::RequiresAction {
            page,
            on_success,
            expires_in,
        } => {
            let expires_at = expires_in.map(|seconds| now + seconds);
            // Same-origin paths unless the server knows its public URL (`--public-url`),
            // so the pages also work behind `trunk serve`'s proxy.
            let page_url = |path: &str| {
                format!(
                    "{}/test-mode/{path}/{}",
                    state.settings().public_url,
                    intent.id
                )
            };
            let redirect = |url: String, app_url: Option<String>| NextAction::RedirectToUrl {
                redirect_to_url: RedirectToUrl {
                    url,
                    return_url: intent
                        .return_url
                        .clone()
                        .unwrap_or_else(|| DEFAULT_RETURN_URL.to_owned()),
                    app_url,
                },
            };
            let next_action = match page {
                ActionPage::ThreeDSecure => redirect(page_url("authenticate"), None),
                // A wallet's app link, as Xendit gives `DEEPLINK_URL` beside the web
                // page: in test mode the simulated wallet app, the same page as seen on
                // a phone (`?app=1`), where a live wallet's link opens its app.
                ActionPage::Ewallet => {
                    let web = page_url("ewallet");
                    let app = [web.as_str(), "?app=1"].concat();
                    redirect(web, Some(app))
                }
                // What the code encodes: in test mode, the simulated banking app's page
                // for this intent (a live processor gives its QRIS / QR Ph string).
                ActionPage::QrCode => NextAction::DisplayQrCode {
                    display_qr_code: DisplayQrCode {
                        data: page_url("qr"),
                        expires_at,
                        image_url_svg: None,
                    },
                },
            };
            sqlx::query(
                "UPDATE payment_intents SET status = 'requires_action', next_action = ?, \
                 pending = ?, action_expires_at = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(&next_action)?)
            .bind(serde_json::to_string(&Pending::Action {
                page,
                on_success,
            })?)
            .bind(expires_at)
            .bind(&intent.id)
            .execute(&mut *conn)
            .await?;
            tracing::info!(intent = %intent.id, ?page, "payment intent requires action");
            Ok(())
        }
        Outcome::Processing { delay, then } => {
            sqlx::query(
                "UPDATE payment_intents SET status = 'processing', pending = ?, settle_at = ? \
                 WHERE id = ?",
            )
            .bind(serde_json::to_string(&Pending::Settlement { then })?)
            .bind(now + delay)
            .bind(&intent.id)
            .execute(&mut *conn)
            .await?;
            emit_intent(conn, "payment_intent.processing", &intent.id, now).await?;
            tracing::info!(intent = %intent.id, "payment intent processing");
            Ok(())
        }
        Outcome::Action { mut next_action } => {
            // The widget sends the customer back to the page's own return URL.
            let mut expires_at = None;
            match &mut next_action {
                NextAction::RedirectToUrl { redirect_to_url } => {
                    redirect_to_url.return_url = intent
                        .return_url
                        .clone()
                        .unwrap_or_else(|| DEFAULT_RETURN_URL.to_owned());
                }
                NextAction::DisplayQrCode { display_qr_code } => {
                    expires_at = display_qr_code.expires_at;
                }
                _ => {}
            }
            sqlx::query(
                "UPDATE payment_intents SET status = 'requires_action', next_action = ?, \
                 pending = ?, action_expires_at = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(&next_action)?)
            .bind(serde_json::to_string(&Pending::External)?)
            .bind(expires_at)
            .bind(&intent.id)
            .execute(&mut *conn)
            .await?;
            tracing::info!(intent = %intent.id, "payment intent requires the processor's page");
            Ok(())
        }
        Outcome::Pending => {
            sqlx::query(
                "UPDATE payment_intents SET status = 'processing', pending = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(&Pending::External)?)
            .bind(&intent.id)
            .execute(&mut *conn)
            .await?;
            emit_intent(conn, "payment_intent.processing", &intent.id, now).await?;
            tracing::info!(intent = %intent.id, "payment intent processing at the processor");
            Ok(())
        }
    }
}

/// The order is paid: fulfil it exactly once, whoever notices first (the confirm
/// response, the return page's poll, or the webhook). Returns whether this call did.
pub async fn fulfil(
    conn: &mut SqliteConnection,
    intent: &IntentRow,
    via: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    // Only a paid intent fulfils: a `payment_intent.succeeded` webhook that arrives for
    // an intent since canceled (or one forged with a leaked secret) changes nothing.
    if intent.status() != PaymentIntentStatus::Succeeded {
        return Ok(false);
    }
    let Some(order) = &intent.order_id else {
        return Ok(false);
    };
    let inserted = sqlx::query(
        "INSERT OR IGNORE INTO fulfilments (order_id, payment_intent_id, via, created) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(order)
    .bind(&intent.id)
    .bind(via)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        sqlx::query("UPDATE orders SET status = 'paid', paid_at = ?, paid_via = ? WHERE id = ?")
            .bind(now)
            .bind(via)
            .bind(order)
            .execute(&mut *conn)
            .await?;
        tracing::info!(order = %order, intent = %intent.id, via, "order fulfilled");
    }
    Ok(inserted)
}

/// Settles one `processing` intent whose time has come.
pub async fn settle_if_due(state: &AppState, id: &str) -> ApiResult<()> {
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM payment_intents WHERE id = ? AND status = 'processing' AND settle_at <= ?",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if due.is_none() {
        return Ok(());
    }
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    if let Some(Pending::Settlement { then }) = intent.pending() {
        finish(&mut tx, &intent, &then, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Settles every due `processing` intent (the server's background tick).
pub async fn settle_all_due(state: &AppState) -> ApiResult<usize> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM payment_intents WHERE status = 'processing' AND settle_at <= ?",
    )
    .bind(state.now())
    .fetch_all(state.db())
    .await?;
    for id in &ids {
        settle_if_due(state, id).await?;
    }
    Ok(ids.len())
}

/// Lapses the intent's QR code if its time has come on the server's clock, in the
/// caller's transaction: back to `requires_payment_method` with `qr_code_expired` (and
/// `payment_intent.payment_failed`), so the order's intent takes a new attempt. Anything
/// else, or a code still valid, is left alone, so every reader may call it. Returns
/// whether it lapsed the code.
pub async fn expire_qr_code_if_due(
    conn: &mut SqliteConnection,
    id: &str,
    now: i64,
) -> ApiResult<bool> {
    let Some(intent) = load_intent(&mut *conn, id).await? else {
        return Ok(false);
    };
    let due = intent.action_expires_at.is_some_and(|at| at <= now);
    if !(due && intent.waits_on(ActionPage::QrCode)) {
        return Ok(false);
    }
    expire_qr_code(conn, &intent, now).await?;
    Ok(true)
}

async fn expire_qr_code(
    conn: &mut SqliteConnection,
    intent: &IntentRow,
    now: i64,
) -> ApiResult<()> {
    let expired = Final::Failed {
        error: qr_code_expired(),
    };
    finish(conn, intent, &expired, now).await?;
    tracing::info!(intent = %intent.id, "QR code expired");
    Ok(())
}

/// Lapses every QR code whose time has come (the server's background tick; reads of an
/// intent do the same for theirs first). Returns how many it lapsed.
pub async fn expire_all_due_qr_codes(state: &AppState) -> ApiResult<usize> {
    let now = state.now();
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM payment_intents WHERE status = 'requires_action' \
         AND action_expires_at <= ?",
    )
    .bind(now)
    .fetch_all(state.db())
    .await?;
    let mut expired = 0;
    for id in &ids {
        let mut tx = state.db().begin().await?;
        if expire_qr_code_if_due(&mut tx, id, now).await? {
            expired += 1;
        }
        tx.commit().await?;
    }
    Ok(expired)
}

/// What a button of a simulated page found, and whether it changed anything.
#[derive(Debug)]
pub struct Pressed {
    /// The intent afterwards.
    pub intent: IntentRow,
    /// Whether this press completed or refused the action (a second press, a stale
    /// tab or a lapsed QR code change nothing).
    pub acted: bool,
}

/// Completes or refuses the customer action on a simulated page. Leaves anything not
/// waiting for that page alone (a second click, a stale tab, a QR code past its time,
/// which this lapses first). `None` for an unknown intent.
pub async fn complete_action(
    state: &AppState,
    id: &str,
    page: ActionPage,
    accepted: bool,
) -> ApiResult<Option<Pressed>> {
    let now = state.now();
    let mut tx = state.db().begin().await?;
    expire_qr_code_if_due(&mut tx, id, now).await?;
    let Some(intent) = load_intent(&mut tx, id).await? else {
        return Ok(None);
    };
    let mut acted = false;
    if let (true, Some(Pending::Action { on_success, .. })) =
        (intent.waits_on(page), intent.pending())
    {
        let result = if accepted {
            on_success
        } else {
            let error = match page {
                ActionPage::ThreeDSecure => authentication_failed(),
                ActionPage::Ewallet => {
                    let mut error = authentication_failed();
                    error.message = "The e-wallet payment was declined.".to_owned();
                    error
                }
                ActionPage::QrCode => qr_code_declined(),
            };
            Final::Failed { error }
        };
        finish(&mut tx, &intent, &result, now).await?;
        acted = true;
    }
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    tx.commit().await?;
    Ok(Some(Pressed { intent, acted }))
}

/// `POST /test-mode/qr/{id}/expire` (test mode): lapses the intent's QR code now,
/// whatever the clock says, as if its 15 minutes were over. `None` for an unknown intent.
pub async fn expire_qr_code_now(state: &AppState, id: &str) -> ApiResult<Option<Pressed>> {
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let Some(intent) = load_intent(&mut tx, id).await? else {
        return Ok(None);
    };
    let acted = intent.waits_on(ActionPage::QrCode);
    if acted {
        expire_qr_code(&mut tx, &intent, now).await?;
    }
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    tx.commit().await?;
    Ok(Some(Pressed { intent, acted }))
}

/// The intent as the shopper's browser may see it: a lost or stolen card reads as a
/// generic decline (DESIGN.md), so that whoever holds the card learns nothing. The
/// database and the merchant's webhooks keep the real reason.
pub fn for_customer(mut intent: PaymentIntent) -> PaymentIntent {
    intent.last_payment_error = intent.last_payment_error.map(for_customer_error);
    intent
}

/// An error as the shopper's browser may see it (see [`for_customer`]).
pub fn for_customer_error(mut error: ApiError) -> ApiError {
    error.decline_code = error.decline_code.map(DeclineCode::customer_facing);
    error
}

/// A confirm's result: the HTTP status and body to answer (and to store for replays).
/// The browser's endpoints pass the intent through [`for_customer`] first; the
/// merchant's off-session charge keeps the real decline code.
fn respond(result: ApiResult<PaymentIntent>) -> (StatusCode, serde_json::Value) {
    match result {
        Ok(intent) => match &intent.last_payment_error {
            // A failed confirm answers with the error and the intent, as Stripe does.
            Some(error) if intent.status == PaymentIntentStatus::RequiresPaymentMethod => {
                let mut err = AppError::from_api(StatusCode::PAYMENT_REQUIRED, error.clone());
                err.payment_intent = serde_json::to_value(&intent).ok();
                (err.status, err.body())
            }
            _ => (
                StatusCode::OK,
                serde_json::to_value(&intent).unwrap_or_default(),
            ),
        },
        Err(err) => (err.status, err.body()),
    }
}

/// What a new intent carries besides its method.
#[derive(Debug, Default)]
pub(crate) struct IntentParams {
    pub customer_id: Option<String>,
    pub setup_future_usage: Option<String>,
    pub consent: Option<String>,
    pub return_url: Option<String>,
    pub off_session: bool,
}

/// Creates the intent of `order` (which has none yet) and confirms it.
async fn create_and_confirm(
    state: &AppState,
    conn: &mut SqliteConnection,
    order: &OrderRow,
    method: &MethodRow,
    params: IntentParams,
) -> ApiResult<Started> {
    let IntentParams {
        customer_id,
        setup_future_usage,
        consent,
        return_url,
        off_session,
    } = params;
    let now = state.now();
    let amount = MinorUnit::new(order.amount);
    let currency = Currency::new(&order.currency).map_err(|_| AppError::internal())?;
    check_currency(method, currency)?;
    let order = order.id.as_str();
    // The unique index on `order_id` makes a second intent for one order impossible,
    // whatever path tries.
    let id = new_id("pi");
    sqlx::query(
        "INSERT INTO payment_intents (id, client_secret, order_id, customer_id, created, amount, \
         currency, status, payment_method_id, setup_future_usage, consent, off_session, return_url) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 'requires_confirmation', ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(new_secret(&id))
    .bind(order)
    .bind(&customer_id)
    .bind(now)
    .bind(amount.get())
    .bind(currency.code())
    .bind(&method.id)
    .bind(&setup_future_usage)
    .bind(&consent)
    .bind(off_session)
    .bind(&return_url)
    .execute(&mut *conn)
    .await?;
    tracing::info!(intent = %id, order = %order, "payment intent created");
    start_confirm(state, conn, &id, method, off_session).await
}

/// Whether the method can pay in the currency: wallets have their own, SEPA is EUR.
fn check_currency(method: &MethodRow, currency: Currency) -> ApiResult<()> {
    match method.kind() {
        PaymentMethodType::Ewallet => {
            let channel = method
                .ewallet_channel
                .as_deref()
                .and_then(wire_enum::<EwalletChannel>)
                .unwrap_or(EwalletChannel::Unknown);
            if channel.supports(&currency) {
                Ok(())
            } else {
                Err(AppError::param_invalid(
                    "payment_method",
                    format!(
                        "{} does not take payments in {currency}.",
                        channel.display_name()
                    ),
                ))
            }
        }
        PaymentMethodType::QrCode => {
            let channel = method.qr_channel().unwrap_or(QrChannel::Unknown);
            if channel.supports(&currency) {
                Ok(())
            } else {
                Err(AppError::param_invalid(
                    "payment_method",
                    format!(
                        "{} does not take payments in {currency}.",
                        channel.display_name()
                    ),
                ))
            }
        }
        PaymentMethodType::SepaDebit if currency != Currency::EUR => Err(AppError::param_invalid(
            "payment_method",
            "SEPA Direct Debit takes payments in EUR only.",
        )),
        PaymentMethodType::Card | PaymentMethodType::SepaDebit | PaymentMethodType::Unknown => {
            Ok(())
        }
    }
}

/// Phase one of a confirm (`crate::attempts`), in the caller's transaction: the intent
/// in `requires_confirmation` with its method waits for the processor's answer to the
/// attempt written here.
async fn start_confirm(
    state: &AppState,
    conn: &mut SqliteConnection,
    id: &str,
    method: &MethodRow,
    off_session: bool,
) -> ApiResult<Started> {
    let behaviour = method.behaviour().ok_or_else(AppError::internal)?;
    stats::bump(&mut *conn, Counter::ChargeAttempts).await?;
    let intent = load_intent(&mut *conn, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let processor_customer = match &intent.customer_id {
        Some(customer) => crate::customers::processor_ref(&mut *conn, customer).await?,
        None => None,
    };
    let key = attempts::new_key();
    // A processor's page sends the customer to our return route, which learns the
    // outcome and sends them on to the page's return URL with our intent's parameters.
    let return_url = [
        state.settings().public_url.as_str(),
        &processor_return_path(state, &key),
    ]
    .concat();
    let attempt = Attempt {
        behaviour,
        off_session,
        set_up_off_session: method.set_up_off_session(),
        charge: Charge {
            reference: intent.id.clone(),
            order_id: intent.order_id.clone(),
            amount: intent.amount,
            currency: intent.currency.to_ascii_lowercase(),
            method: method.processor_ref.clone(),
            customer: intent.customer_id.clone(),
            processor_customer,
            return_url: (!off_session).then_some(return_url),
            setup_future_usage: intent.setup_future_usage.clone(),
            billing_name: method.billing_name(),
        },
    };
    let started = attempts::start(conn, key, id, attempt, state.now()).await?;
    sqlx::query(
        "UPDATE payment_intents SET status = 'processing', pending = ?, next_action = NULL, \
         settle_at = NULL, action_expires_at = NULL WHERE id = ?",
    )
    .bind(serde_json::to_string(&Pending::Processor {
        attempt: started.id.clone(),
    })?)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(started)
}

/// Commits phase one with the answer a retry replays meanwhile (the intent as
/// `processing`), then calls the processor and writes its answer (phases two and three).
async fn commit_and_confirm(
    state: &AppState,
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    started: Started,
    answer: &Answer,
) -> ApiResult<PaymentIntent> {
    let intent = load_intent(&mut tx, &started.intent_id)
        .await?
        .ok_or_else(AppError::internal)?;
    let waiting = intent_wire(&mut tx, &intent, true).await?;
    let waiting = answer.record(&mut tx, waiting).await?;
    tx.commit().await?;
    let processed = match state
        .processor()
        .confirm(&started.id, &started.attempt)
        .await
    {
        Ok(processed) => processed,
        // Nothing left, so nothing was charged: the customer may try again at once.
        Err(NoAnswer::NotSent(why)) => {
            tracing::warn!(intent = %started.intent_id, attempt = %started.id, %why, "processor not reached");
            Outcome::Done(Final::Failed {
                error: crate::processor::decline_error(DeclineCode::ProcessingError),
            })
            .into()
        }
        // The charge may have happened: the intent stays `processing` until the
        // reconciler learns what became of it.
        Err(NoAnswer::Lost(why)) => {
            tracing::warn!(intent = %started.intent_id, attempt = %started.id, %why, "processor's answer lost; left to the reconciler");
            return Ok(waiting);
        }
    };
    settle_attempt(state, &started, processed, Some(answer)).await
}

/// Phase three: writes the processor's answer to `started`, unless someone else did
/// first (then it only reads), fulfils a paid order, and records the answer a retry
/// replays. Returns the intent as it is then.
async fn settle_attempt(
    state: &AppState,
    started: &Started,
    processed: Processed,
    answer: Option<&Answer>,
) -> ApiResult<PaymentIntent> {
    let Processed {
        outcome,
        reference,
        customer,
        saved_method,
    } = processed;
    let now = state.now();
    let id = started.intent_id.as_str();
    let mut tx = state.db().begin().await?;
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let waiting =
        matches!(intent.pending(), Some(Pending::Processor { attempt }) if attempt == started.id);
    let result = attempts::result_of(&outcome);
    if waiting && attempts::answer(&mut tx, &started.id, result, reference.as_deref(), now).await? {
        let refs = ProcessorRefs {
            payment: reference.as_deref(),
            customer: customer.as_deref(),
            saved_method: saved_method.as_deref(),
        };
        keep_processor_refs(&mut tx, &intent, &refs).await?;
        let outcome = match outcome {
            // Nobody is there to authenticate a merchant-initiated charge.
            Outcome::RequiresAction { .. } | Outcome::Action { .. }
                if started.attempt.off_session =>
            {
                Outcome::Done(Final::Failed {
                    error: crate::processor::decline_error(DeclineCode::AuthenticationRequired),
                })
            }
            other => other,
        };
        apply_outcome(state, &mut tx, &intent, outcome, now).await?;
        let intent = load_intent(&mut tx, id)
            .await?
            .ok_or_else(AppError::internal)?;
        let via = if answer.is_some() {
            "confirm"
        } else {
            "reconcile"
        };
        fulfil(&mut tx, &intent, via, now).await?;
        tracing::info!(intent = %id, attempt = %started.id, status = %intent.status, via, "payment intent confirmed");
    }
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let wire = intent_wire(&mut tx, &intent, true).await?;
    let wire = match answer {
        Some(answer) => answer.record(&mut tx, wire).await?,
        None => wire,
    };
    tx.commit().await?;
    Ok(wire)
}

/// The processor's ids in its answer.
struct ProcessorRefs<'a> {
    payment: Option<&'a str>,
    customer: Option<&'a str>,
    saved_method: Option<&'a str>,
}

/// Keeps the processor's ids its answer gave: its payment's on the intent, the customer
/// it made on ours (a first one only: a customer keeps its processor customer), the
/// reusable method it saved on the intent's method.
async fn keep_processor_refs(
    conn: &mut SqliteConnection,
    intent: &IntentRow,
    refs: &ProcessorRefs<'_>,
) -> ApiResult<()> {
    let ProcessorRefs {
        payment: reference,
        customer,
        saved_method,
    } = *refs;
    if let (Some(saved), Some(method)) = (saved_method, &intent.payment_method_id) {
        sqlx::query("UPDATE payment_methods SET processor_ref = ? WHERE id = ?")
            .bind(saved)
            .bind(method)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(reference) = reference {
        sqlx::query("UPDATE payment_intents SET processor_ref = ? WHERE id = ?")
            .bind(reference)
            .bind(&intent.id)
            .execute(&mut *conn)
            .await?;
    }
    if let (Some(processor_customer), Some(ours)) = (customer, &intent.customer_id) {
        sqlx::query(
            "UPDATE customers SET processor_ref = ? WHERE id = ? AND processor_ref IS NULL",
        )
        .bind(processor_customer)
        .bind(ours)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Reads back a payment that waits on a real processor's page or settlement
/// (`Pending::External`) and writes a final answer. Anything else is left alone, so
/// every reader may call it; no answer leaves it for the next read or the webhook.
pub async fn refresh_from_processor(state: &AppState, id: &str) -> ApiResult<()> {
    let Some(reference) = waiting_on_processor(state, id).await? else {
        return Ok(());
    };
    let processed = match state.processor().retrieve(&reference).await {
        Ok(processed) => processed,
        Err(why) => {
            tracing::warn!(intent = %id, %why, "the processor did not say where the payment stands");
            return Ok(());
        }
    };
    let Outcome::Done(result) = processed.outcome else {
        return Ok(());
    };
    settle_external(
        state,
        id,
        &result,
        processed.saved_method.as_deref(),
        "poll",
    )
    .await
}

/// The path a real processor's page sends the customer back to after `attempt`: the
/// attempt and a tag only this server can make (an HMAC under its key). The attempt's
/// id alone, which logs and the processor's dashboard show, does not lead to the
/// intent's client secret; the request log masks the tag.
pub(crate) fn processor_return_path(state: &AppState, attempt: &str) -> String {
    format!("/processor-return/{attempt}/{}", return_tag(state, attempt))
}

fn return_tag(state: &AppState, attempt: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(state.fingerprint_key())
        .expect("HMAC takes keys of any length");
    mac.update(b"processor-return:");
    mac.update(attempt.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// `GET /processor-return/{attempt}/{tag}`: where a real processor's page (Stripe's
/// 3-D Secure, a wallet's) sends the customer back. Learns the outcome from the
/// processor, then sends the customer on to the page's return URL with our intent's
/// id, secret and `redirect_status`, as the test-mode pages do. Only the URL this
/// server gave the processor works ([`processor_return_path`]); parameters the
/// processor appends are ignored.
pub async fn processor_return_get(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    use axum::response::{IntoResponse, Redirect};
    let missing = || AppError::missing("payment", None).into_response();
    let Ok(Path((attempt, tag))) = path else {
        return missing();
    };
    if !bool::from(
        return_tag(&state, &attempt)
            .as_bytes()
            .ct_eq(tag.as_bytes()),
    ) {
        return missing();
    }
    let read = async {
        let mut conn = state.db().acquire().await?;
        let Some(id) = attempts::intent_of(&mut conn, &attempt).await? else {
            return Ok(None);
        };
        drop(conn);
        refresh_from_processor(&state, &id).await?;
        let mut conn = state.db().acquire().await?;
        Ok::<_, AppError>(load_intent(&mut conn, &id).await?)
    };
    match read.await {
        Ok(Some(intent)) if intent.id.starts_with("pi_") => {
            Redirect::to(&intent.return_url_with_result(intent.redirect_status())).into_response()
        }
        Ok(_) => match crate::setup_intents::returned(&state, &attempt).await {
            Ok(Some(url)) => Redirect::to(&url).into_response(),
            Ok(None) => missing(),
            Err(err) => err.into_response(),
        },
        Err(err) => err.into_response(),
    }
}

/// The processor's reference of a payment that waits on it (`Pending::External`).
async fn waiting_on_processor(state: &AppState, id: &str) -> ApiResult<Option<String>> {
    let mut conn = state.db().acquire().await?;
    Ok(load_intent(&mut conn, id)
        .await?
        .filter(|intent| intent.pending() == Some(Pending::External))
        .and_then(|intent| intent.processor_ref))
}

/// Writes the final result of a payment that waited on a real processor, if it still
/// does (a second reader, or the webhook, finds it done), keeps the reusable method it
/// saved, and fulfils a paid order.
pub async fn settle_external(
    state: &AppState,
    id: &str,
    result: &Final,
    saved_method: Option<&str>,
    via: &str,
) -> ApiResult<()> {
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let Some(intent) = load_intent(&mut tx, id).await? else {
        return Ok(());
    };
    if intent.pending() != Some(Pending::External) {
        if matches!(result, Final::Succeeded { .. }) && !intent.status().is_paid() {
            // Should not happen (a cancel cancels at the processor first, a failure is
            // final there): money moved for a payment not counted as paid here. Said
            // loudly, for someone to refund or fulfil by hand.
            tracing::error!(intent = %id, status = %intent.status, via, "paid at the processor, not here: check it");
        }
        return Ok(());
    }
    if matches!(result, Final::Succeeded { .. }) {
        let refs = ProcessorRefs {
            payment: None,
            customer: None,
            saved_method,
        };
        keep_processor_refs(&mut tx, &intent, &refs).await?;
    }
    finish(&mut tx, &intent, result, now).await?;
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    fulfil(&mut tx, &intent, via, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks the processor what became of an attempt on the intent whose answer was lost
/// (still `confirming` after the lease), and writes it. No answer leaves it for later.
pub async fn reconcile_if_stale(state: &AppState, id: &str) -> ApiResult<()> {
    let mut conn = state.db().acquire().await?;
    let stale = attempts::stale(&mut conn, Some(id), state.now()).await?;
    drop(conn);
    for started in stale {
        reconcile(state, &started).await?;
    }
    Ok(())
}

/// Reconciles every attempt whose answer was lost (the server's background tick).
/// Returns how many got an answer.
pub async fn reconcile_all_stale(state: &AppState) -> ApiResult<usize> {
    let mut conn = state.db().acquire().await?;
    let stale = attempts::stale(&mut conn, None, state.now()).await?;
    drop(conn);
    let mut answered = 0;
    for started in stale {
        answered += usize::from(reconcile(state, &started).await?);
    }
    Ok(answered)
}

async fn reconcile(state: &AppState, started: &Started) -> ApiResult<bool> {
    // Setup attempts are reconciled by their own module.
    if !started.intent_id.starts_with("pi_") {
        return crate::setup_intents::reconcile(state, started).await;
    }
    match state
        .processor()
        .reconcile(&started.id, &started.attempt)
        .await
    {
        Ok(processed) => {
            tracing::info!(intent = %started.intent_id, attempt = %started.id, "lost answer reconciled");
            settle_attempt(state, started, processed, None).await?;
            Ok(true)
        }
        Err(why) => {
            tracing::warn!(intent = %started.intent_id, attempt = %started.id, %why, "still no answer; reconciling later");
            Ok(false)
        }
    }
}

/// A `confirmation_tokens` row.
#[derive(Debug, sqlx::FromRow)]
struct TokenRow {
    payment_method_id: String,
    customer_id: Option<String>,
    expires_at: i64,
    used_at: Option<i64>,
    setup_future_usage: Option<String>,
    return_url: Option<String>,
    consent: Option<String>,
}

/// A token's contents, once spent.
pub(crate) struct SpentToken {
    pub method: MethodRow,
    pub params: IntentParams,
}

/// Spends a confirmation token: it must exist, be unused and unexpired. The caller's
/// transaction undoes the spending if the confirm is refused.
pub(crate) async fn spend_token(
    conn: &mut SqliteConnection,
    id: &str,
    now: i64,
) -> ApiResult<SpentToken> {
    let param = "confirmation_token_id";
    let token = sqlx::query_as::<_, TokenRow>(
        "SELECT payment_method_id, customer_id, expires_at, used_at, setup_future_usage, \
         return_url, consent FROM confirmation_tokens WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::missing("confirmation token", Some(param)))?;
    if token.used_at.is_some() {
        return Err(AppError::invalid(ErrorCode::TokenAlreadyUsed).with_param(param));
    }
    if now >= token.expires_at {
        return Err(AppError::invalid(ErrorCode::ExpiredToken).with_param(param));
    }
    sqlx::query("UPDATE confirmation_tokens SET used_at = ? WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let method = load_method(&mut *conn, &token.payment_method_id)
        .await?
        .ok_or_else(AppError::internal)?;
    let mut customer = token.customer_id.or_else(|| method.customer_id.clone());
    if customer.is_none() && token.setup_future_usage.is_some() {
        customer = Some(demo_customer(conn, now).await?);
    }
    Ok(SpentToken {
        method,
        params: IntentParams {
            customer_id: customer,
            setup_future_usage: token.setup_future_usage,
            consent: token.consent,
            return_url: token.return_url,
            off_session: false,
        },
    })
}

async fn create_confirm(
    state: &AppState,
    request: &CreateConfirmIntent,
    answer: Answer,
) -> ApiResult<PaymentIntent> {
    stats::bump(state.db(), Counter::Confirms).await?;
    let token = request.confirmation_token_id.as_str();
    // The order's intent may wait for a lost answer: learn it first, so that a paid
    // order says so rather than "processing".
    if let Some(order_id) = &request.order {
        let existing = orders::intent_id(&mut *state.db().acquire().await?, order_id).await?;
        if let Some(existing) = existing {
            reconcile_if_stale(state, &existing).await?;
        }
    }
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let started = match &request.order {
        Some(order_id) => {
            let order = orders::load(&mut tx, order_id)
                .await?
                .ok_or_else(|| AppError::missing("order", Some("order")))?;
            if request.market.is_some() && request.market != order.market {
                return Err(AppError::param_invalid(
                    "market",
                    "market is not the order's; leave it out, or create an order for that market.",
                ));
            }
            match orders::intent_id(&mut tx, &order.id).await? {
                // The order's one intent, again: after a decline or an abandoned page it
                // takes the new token; paid or processing, it refuses.
                Some(existing) => {
                    // A lapsed QR code is recorded as such before the new attempt.
                    expire_qr_code_if_due(&mut tx, &existing, now).await?;
                    let existing = load_intent(&mut tx, &existing)
                        .await?
                        .ok_or_else(AppError::internal)?;
                    orders::refuse_if_settled(&mut tx, &existing).await?;
                    let spent = spend_token(&mut tx, token, now).await?;
                    reconfirm(state, &mut tx, &existing, spent).await?
                }
                None => {
                    let SpentToken { method, params } = spend_token(&mut tx, token, now).await?;
                    create_and_confirm(state, &mut tx, &order, &method, params).await?
                }
            }
        }
        None => {
            // No order named: this call is an order of its own, from the market's cart.
            let cart = Cart::chosen(state, request.market.as_deref())?;
            let SpentToken { method, params } = spend_token(&mut tx, token, now).await?;
            let order = orders::create(&mut tx, &cart, request.market.as_deref(), now).await?;
            create_and_confirm(state, &mut tx, &order, &method, params).await?
        }
    };
    commit_and_confirm(state, tx, started, &answer).await
}

/// `POST /api/create-confirm-intent`: confirms the token for the named `order` (from
/// `POST /api/orders`): its first call creates the order's intent, later ones confirm
/// that same intent again, and a paid order answers `order_already_paid`. Without an
/// order the server prices a new one from its cart (the request's `market`, or the
/// default one). `Idempotency-Key` makes it safe to retry.
pub async fn intents_create_confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonWithBytes<CreateConfirmIntent>,
) -> Response {
    run_idempotent(
        &state,
        &headers,
        "create-confirm-intent",
        &body.bytes,
        for_customer,
        |answer| create_confirm(&state, &body.value, answer),
    )
    .await
}

/// How a confirm's answer is shaped (for the shopper's browser, or as it is for the
/// merchant) and the `Idempotency-Key` it is recorded under.
struct Answer {
    key: Option<String>,
    shape: fn(PaymentIntent) -> PaymentIntent,
}

impl Answer {
    /// Shapes the intent and records the answer a retry will replay, in the work's
    /// transaction: the charge and its answer commit together, so a key that never got
    /// an answer never hides a charge (and can be released, `ABANDONED_AFTER`).
    async fn record(
        &self,
        conn: &mut SqliteConnection,
        intent: PaymentIntent,
    ) -> ApiResult<PaymentIntent> {
        let intent = (self.shape)(intent);
        if let Some(key) = &self.key {
            let (status, body) = respond(Ok(intent.clone()));
            idempotency::record_within(conn, key, status, &body).await?;
        }
        Ok(intent)
    }
}

async fn run_idempotent<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    scope: &str,
    bytes: &[u8],
    shape: fn(PaymentIntent) -> PaymentIntent,
    work: F,
) -> Response
where
    F: FnOnce(Answer) -> Fut,
    Fut: std::future::Future<Output = ApiResult<PaymentIntent>>,
{
    use axum::response::IntoResponse;
    let key = match idempotency::key(headers) {
        Ok(key) => key,
        Err(err) => return err.into_response(),
    };
    let raw: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
    idempotency::run(state, key, scope, &raw, |key| async move {
        respond(work(Answer { key, shape }).await)
    })
    .await
}

/// `POST /api/payment_intents/{id}/confirm` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmAgain {
    /// The intent's client secret, from the first confirm (redacted in `Debug`).
    pub client_secret: ClientSecret,
    /// A new token.
    pub confirmation_token_id: String,
}

async fn confirm_again(
    state: &AppState,
    id: &str,
    request: &ConfirmAgain,
    answer: Answer,
) -> ApiResult<PaymentIntent> {
    stats::bump(state.db(), Counter::Confirms).await?;
    reconcile_if_stale(state, id).await?;
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let mut intent = load_intent(&mut tx, id)
        .await?
        .filter(|i| {
            bool::from(
                i.client_secret
                    .as_bytes()
                    .ct_eq(request.client_secret.expose().as_bytes()),
            )
        })
        .ok_or_else(|| AppError::missing("payment intent", Some("id")))?;
    // A lapsed QR code is recorded as such before the new attempt.
    if expire_qr_code_if_due(&mut tx, id, now).await? {
        intent = load_intent(&mut tx, id)
            .await?
            .ok_or_else(AppError::internal)?;
    }
    orders::refuse_if_settled(&mut tx, &intent).await?;
    let spent = spend_token(&mut tx, &request.confirmation_token_id, now).await?;
    let started = reconfirm(state, &mut tx, &intent, spent).await?;
    commit_and_confirm(state, tx, started, &answer).await
}

/// A new attempt on an intent that can take one (see [`orders::refuse_if_settled`]),
/// with a spent token's method and parameters.
async fn reconfirm(
    state: &AppState,
    conn: &mut SqliteConnection,
    intent: &IntentRow,
    SpentToken { method, params }: SpentToken,
) -> ApiResult<Started> {
    let id = intent.id.as_str();
    let currency = Currency::new(&intent.currency).map_err(|_| AppError::internal())?;
    check_currency(&method, currency)?;
    // A new attempt: the old action (an abandoned 3-D Secure page) no longer counts.
    sqlx::query(
        "UPDATE payment_intents SET status = 'requires_confirmation', payment_method_id = ?, \
         customer_id = COALESCE(?, customer_id), setup_future_usage = ?, consent = ?, \
         return_url = COALESCE(?, return_url), next_action = NULL, pending = NULL, \
         settle_at = NULL, action_expires_at = NULL, last_payment_error = NULL WHERE id = ?",
    )
    .bind(&method.id)
    .bind(&params.customer_id)
    .bind(&params.setup_future_usage)
    .bind(&params.consent)
    .bind(&params.return_url)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    start_confirm(state, conn, id, &method, false).await
}

/// `POST /api/payment_intents/{id}/confirm`: a new attempt on an intent that failed or
/// whose action the customer abandoned, with a new token; the order stays the same.
pub async fn payment_intents_confirm(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: JsonWithBytes<ConfirmAgain>,
) -> Response {
    use axum::response::IntoResponse;
    let Ok(Path(id)) = id else {
        return AppError::missing("payment intent", Some("id")).into_response();
    };
    let scope = format!("payment_intents/{id}/confirm");
    run_idempotent(
        &state,
        &headers,
        &scope,
        &body.bytes,
        for_customer,
        |answer| confirm_again(&state, &id, &body.value, answer),
    )
    .await
}

/// `POST /api/charges/off_session` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffSessionCharge {
    /// The saved method.
    pub payment_method: String,
    /// Its customer.
    pub customer: String,
}

async fn charge_off_session(
    state: &AppState,
    request: &OffSessionCharge,
    answer: Answer,
) -> ApiResult<PaymentIntent> {
    let mut tx = state.db().begin().await?;
    let method = load_method(&mut *tx, &request.payment_method)
        .await?
        .filter(|m| m.customer_id.as_deref() == Some(request.customer.as_str()))
        .ok_or_else(|| AppError::missing("payment method", Some("payment_method")))?;
    let params = IntentParams {
        customer_id: Some(request.customer.clone()),
        off_session: true,
        ..IntentParams::default()
    };
    let order = orders::create(&mut tx, &state.settings().cart, None, state.now()).await?;
    let started = create_and_confirm(state, &mut tx, &order, &method, params).await?;
    commit_and_confirm(state, tx, started, &answer).await
}

/// `POST /api/charges/off_session`: the merchant (secret key) charges a saved method
/// without the customer (a subscription renewal, a later instalment).
pub async fn charges_off_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonWithBytes<OffSessionCharge>,
) -> Response {
    use axum::response::IntoResponse;
    if let Err(err) = require_merchant(&state, &headers) {
        return err.into_response();
    }
    // The merchant sees the real decline code.
    run_idempotent(
        &state,
        &headers,
        "charges/off_session",
        &body.bytes,
        std::convert::identity,
        |answer| charge_off_session(&state, &body.value, answer),
    )
    .await
}

/// `?client_secret=` of the status endpoint.
#[derive(Debug, Deserialize)]
pub struct SecretQuery {
    pub(crate) client_secret: Option<ClientSecret>,
}

/// `GET /api/payment_intents/{id}?client_secret=…`: the status for the return page and
/// for polling. Settles a due SEPA debit first, and fulfils a paid order.
pub async fn payment_intents_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<SecretQuery>, QueryRejection>,
) -> ApiResult<Json<IntentBody>> {
    let Path(id) = id.map_err(|_| AppError::missing("payment intent", Some("id")))?;
    let Query(query) =
        query.map_err(|_| AppError::param_invalid("client_secret", "Invalid query string."))?;
    let secret = query
        .client_secret
        .ok_or_else(|| AppError::param_missing("client_secret"))?;
    reconcile_if_stale(&state, &id).await?;
    refresh_from_processor(&state, &id).await?;
    settle_if_due(&state, &id).await?;
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let mut intent = load_intent(&mut tx, &id)
        .await?
        // A wrong secret looks exactly like a missing intent.
        .filter(|i| bool::from(i.client_secret.as_bytes().ct_eq(secret.expose().as_bytes())))
        .ok_or_else(|| AppError::missing("payment intent", Some("id")))?;
    // The widget polls while a QR code is shown: the poll after its time sees it lapse.
    if expire_qr_code_if_due(&mut tx, &id, now).await? {
        intent = load_intent(&mut tx, &id)
            .await?
            .ok_or_else(AppError::internal)?;
    }
    if intent.status() == PaymentIntentStatus::Succeeded {
        fulfil(&mut tx, &intent, "poll", now).await?;
    }
    let mut wire = intent_body(&mut tx, &intent, false).await?;
    wire.intent = for_customer(wire.intent);
    tx.commit().await?;
    Ok(Json(wire))
}

/// `POST /api/payment_intents/{id}/cancel` body; the body itself is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelIntent {
    /// Why, if the merchant says.
    #[serde(default)]
    pub cancellation_reason: Option<CancellationReason>,
}

async fn cancel_intent(
    state: &AppState,
    id: &str,
    request: &CancelIntent,
) -> ApiResult<IntentBody> {
    cancel_at_processor(state, id).await?;
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::missing("payment intent", Some("id")))?;
    match intent.status() {
        PaymentIntentStatus::RequiresPaymentMethod
        | PaymentIntentStatus::RequiresConfirmation
        | PaymentIntentStatus::RequiresAction => {}
        // Money may already be moving (processing) or has moved (succeeded).
        PaymentIntentStatus::Processing
        | PaymentIntentStatus::RequiresCapture
        | PaymentIntentStatus::Canceled
        | PaymentIntentStatus::Succeeded
        | PaymentIntentStatus::Unknown => {
            return Err(
                AppError::invalid(ErrorCode::PaymentIntentUnexpectedState).with_message(format!(
                    "You cannot cancel this PaymentIntent because it has a status of {}. \
                     Only a PaymentIntent with one of the following statuses may be canceled: \
                     requires_payment_method, requires_confirmation, requires_action.",
                    intent.status
                )),
            )
        }
    }
    // The waiting action goes with the intent: its page can no longer complete it.
    let updated = sqlx::query(
        "UPDATE payment_intents SET status = 'canceled', cancellation_reason = ?, \
         canceled_at = ?, next_action = NULL, pending = NULL, settle_at = NULL, \
         action_expires_at = NULL WHERE id = ? AND status = ?",
    )
    .bind(request.cancellation_reason.map(CancellationReason::as_str))
    .bind(now)
    .bind(id)
    .bind(&intent.status)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Err(AppError::internal());
    }
    if let Some(order) = &intent.order_id {
        sqlx::query("UPDATE orders SET status = 'canceled' WHERE id = ? AND status = 'open'")
            .bind(order)
            .execute(&mut *tx)
            .await?;
    }
    emit_intent(&mut tx, "payment_intent.canceled", id, now).await?;
    let intent = load_intent(&mut tx, id)
        .await?
        .ok_or_else(AppError::internal)?;
    let body = intent_body(&mut tx, &intent, false).await?;
    tx.commit().await?;
    tracing::info!(
        intent = %id,
        reason = request.cancellation_reason.map(CancellationReason::as_str),
        "payment intent canceled"
    );
    Ok(body)
}

/// A payment waiting on a real processor (its page, its settlement) is canceled there
/// first: once ours is canceled nothing may still be paid there. Paid there meanwhile,
/// it is recorded as paid (and the cancel below refuses); when the processor does not
/// confirm the cancel, ours is refused too, to be tried again.
async fn cancel_at_processor(state: &AppState, id: &str) -> ApiResult<()> {
    let Some(reference) = waiting_on_processor(state, id).await? else {
        return Ok(());
    };
    match state.processor().cancel(&reference).await {
        Ok(Outcome::Done(Final::Failed { .. })) => Ok(()),
        Ok(Outcome::Done(paid @ Final::Succeeded { .. })) => {
            settle_external(state, id, &paid, None, "cancel").await
        }
        Ok(_) | Err(_) => {
            tracing::warn!(intent = %id, "the processor did not confirm the cancel");
            Err(AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                payment_core::error::ErrorType::ApiError,
                ErrorCode::InternalError,
            )
            .with_message(
                "The processor has not confirmed that this payment can no longer be paid; \
                 nothing was canceled. Try again in a moment.",
            ))
        }
    }
}

/// The optional JSON body of a cancel: nothing at all, or a JSON object.
fn cancel_body(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(CancelIntent, serde_json::Value)> {
    let bytes = body.map_err(body_rejection)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((CancelIntent::default(), serde_json::json!({})));
    }
    if !is_json(headers) {
        return Err(AppError::invalid(ErrorCode::InvalidRequestBody)
            .with_message("Send the request body as JSON with Content-Type: application/json."));
    }
    let request = parse_json(&bytes)?;
    let raw = serde_json::from_slice(&bytes)?;
    Ok((request, raw))
}

/// `POST /api/payment_intents/{id}/cancel`: the merchant (secret key) cancels an intent
/// nobody has paid yet; its order is never fulfilled. `Idempotency-Key` is honoured.
pub async fn payment_intents_cancel(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    use axum::response::IntoResponse;
    if let Err(err) = require_merchant(&state, &headers) {
        return err.into_response();
    }
    let Ok(Path(id)) = id else {
        return AppError::missing("payment intent", Some("id")).into_response();
    };
    let (request, raw) = match cancel_body(&headers, body) {
        Ok(parsed) => parsed,
        Err(err) => return err.into_response(),
    };
    let key = match idempotency::key(&headers) {
        Ok(key) => key,
        Err(err) => return err.into_response(),
    };
    let scope = format!("payment_intents/{id}/cancel");
    idempotency::run(&state, key, &scope, &raw, |_| async {
        match cancel_intent(&state, &id, &request).await {
            Ok(body) => (
                StatusCode::OK,
                serde_json::to_value(&body).unwrap_or_default(),
            ),
            Err(err) => (err.status, err.body()),
        }
    })
    .await
}

/// The consent stored with a saved method, for tests and receipts.
pub async fn consent_of(state: &AppState, method_id: &str) -> ApiResult<Option<ConsentRecord>> {
    let text: Option<Option<String>> =
        sqlx::query_scalar("SELECT consent FROM payment_methods WHERE id = ?")
            .bind(method_id)
            .fetch_optional(state.db())
            .await?;
    Ok(text
        .flatten()
        .map(|t| serde_json::from_str(&t))
        .transpose()?)
}
