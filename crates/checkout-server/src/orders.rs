//! Orders: what one checkout sells, and the one payment it gets.
//!
//! The storefront creates an order with the cart (`POST /api/orders`) and names it in
//! every confirm. The server keeps at most one intent per order (a unique index), reuses
//! it for every retry after a decline or an abandoned 3-D Secure or wallet page, and
//! refuses to charge an order that is paid or whose payment is processing
//! (`order_already_paid`, carrying the intent). Two tabs, the back button, a reload or
//! a second device with the same order id make one payment.
//!
//! The order id is the storefront's handle on the order (the demo keeps it in the
//! page's storage): whoever holds it may read the order and pay it, so it is as random
//! as a client secret.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use payment_core::api::{PaymentIntent, PaymentIntentStatus};
use payment_core::error::ErrorCode;
use payment_core::money::MinorUnit;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::cart::{Cart, CartItem};
use crate::error::{body_rejection, is_json, parse_json, ApiResult, AppError};
use crate::ids::new_id;
use crate::intents::{self, IntentRow};
use crate::state::AppState;

/// An `orders` row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderRow {
    /// `ord_…`.
    pub id: String,
    /// The lines, as JSON.
    pub items: String,
    /// The total, in minor units.
    pub amount: i64,
    /// Its currency code.
    pub currency: String,
    /// `open`, `paid` or `canceled`.
    pub status: String,
    /// The demo market it was priced for, if any.
    pub market: Option<String>,
}

/// Creates an order for `cart`.
pub async fn create(
    conn: &mut SqliteConnection,
    cart: &Cart,
    market: Option<&str>,
    now: i64,
) -> ApiResult<OrderRow> {
    let amount = cart.amount().ok_or_else(AppError::internal)?;
    let order = OrderRow {
        id: new_id("ord"),
        items: serde_json::to_string(&cart.items)?,
        amount: amount.get(),
        currency: cart.currency.code().to_owned(),
        status: "open".to_owned(),
        market: market.map(str::to_owned),
    };
    sqlx::query(
        "INSERT INTO orders (id, created, items, amount, currency, market) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&order.id)
    .bind(now)
    .bind(&order.items)
    .bind(order.amount)
    .bind(&order.currency)
    .bind(&order.market)
    .execute(&mut *conn)
    .await?;
    Ok(order)
}

/// Loads an order.
pub async fn load(conn: &mut SqliteConnection, id: &str) -> ApiResult<Option<OrderRow>> {
    Ok(sqlx::query_as::<_, OrderRow>(
        "SELECT id, items, amount, currency, status, market FROM orders WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The id of the order's intent, once it has one.
pub async fn intent_id(conn: &mut SqliteConnection, order: &str) -> ApiResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM payment_intents WHERE order_id = ?")
            .bind(order)
            .fetch_optional(conn)
            .await?,
    )
}

/// Refuses another confirm of `intent` when it can take none: a paid or processing
/// order is never charged again (`order_already_paid`), a canceled intent is final
/// (`payment_intent_unexpected_state`). Both errors carry the intent as the customer's
/// browser may see it, client secret included, so the widget can show what happened.
pub async fn refuse_if_settled(conn: &mut SqliteConnection, intent: &IntentRow) -> ApiResult<()> {
    let error = match intent.status() {
        PaymentIntentStatus::RequiresPaymentMethod
        | PaymentIntentStatus::RequiresConfirmation
        | PaymentIntentStatus::RequiresAction => return Ok(()),
        PaymentIntentStatus::Succeeded
        | PaymentIntentStatus::Processing
        | PaymentIntentStatus::RequiresCapture => AppError::new(
            axum::http::StatusCode::CONFLICT,
            payment_core::error::ErrorType::InvalidRequestError,
            ErrorCode::OrderAlreadyPaid,
        )
        .with_message(format!(
            "This order has already been paid: its payment intent's status is {}.",
            intent.status
        )),
        PaymentIntentStatus::Canceled | PaymentIntentStatus::Unknown => {
            AppError::invalid(ErrorCode::PaymentIntentUnexpectedState).with_message(format!(
                "This payment intent's status is {}; it cannot be confirmed again.",
                intent.status
            ))
        }
    };
    let wire = intents::for_customer(intents::intent_wire(conn, intent, true).await?);
    Err(error.with_intent(&wire))
}

/// An order as the API answers it.
#[derive(Clone, Debug, Serialize)]
pub struct OrderBody {
    /// `ord_…`.
    pub id: String,
    /// `open` (nothing paid yet), `processing` (a payment is under way, e.g. SEPA),
    /// `paid` or `canceled`.
    pub status: &'static str,
    /// What is bought.
    pub items: Vec<CartItem>,
    /// The total, in minor units of `currency`.
    pub amount: MinorUnit,
    /// The currency.
    pub currency: String,
    /// The demo market it was priced for.
    pub market: Option<String>,
    /// Its payment, once there is one, with its client secret (for the return page).
    pub payment_intent: Option<PaymentIntent>,
}

async fn body_of(conn: &mut SqliteConnection, order: &OrderRow) -> ApiResult<OrderBody> {
    let intent = match intent_id(conn, &order.id).await? {
        Some(id) => intents::load_intent(conn, &id).await?,
        None => None,
    };
    let status = match (
        order.status.as_str(),
        intent.as_ref().map(IntentRow::status),
    ) {
        ("paid", _) | (_, Some(PaymentIntentStatus::Succeeded)) => "paid",
        ("canceled", _) | (_, Some(PaymentIntentStatus::Canceled)) => "canceled",
        (_, Some(PaymentIntentStatus::Processing | PaymentIntentStatus::RequiresCapture)) => {
            "processing"
        }
        _ => "open",
    };
    let payment_intent = match &intent {
        Some(row) => Some(intents::for_customer(
            intents::intent_wire(conn, row, true).await?,
        )),
        None => None,
    };
    Ok(OrderBody {
        id: order.id.clone(),
        status,
        items: serde_json::from_str(&order.items)?,
        amount: MinorUnit::new(order.amount),
        currency: order.currency.to_ascii_lowercase(),
        market: order.market.clone(),
        payment_intent,
    })
}

/// `POST /api/orders` body; the body itself is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    /// Which demo cart (`eu`, `ph`, `id`); the server's default one when absent.
    #[serde(default)]
    pub market: Option<String>,
}

/// `POST /api/orders`: the storefront starts a checkout for its cart. The server prices
/// it; the answer's `id` goes with every confirm of this checkout.
pub async fn orders_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<OrderBody>> {
    let bytes = body.map_err(body_rejection)?;
    let request = if bytes.iter().all(u8::is_ascii_whitespace) {
        CreateOrder::default()
    } else if is_json(&headers) {
        parse_json(&bytes)?
    } else {
        return Err(AppError::invalid(ErrorCode::InvalidRequestBody)
            .with_message("Send the request body as JSON with Content-Type: application/json."));
    };
    let cart = Cart::chosen(&state, request.market.as_deref())?;
    let mut tx = state.db().begin().await?;
    let order = create(&mut tx, &cart, request.market.as_deref(), state.now()).await?;
    let body = body_of(&mut tx, &order).await?;
    tx.commit().await?;
    tracing::info!(order = %order.id, "order created");
    Ok(Json(body))
}

/// `GET /api/orders/{id}`: the order and its payment, so that a checkout opened again
/// (a reload, Back, another tab) shows a paid order as paid.
pub async fn orders_get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<OrderBody>> {
    let Path(id) = id.map_err(|_| AppError::missing("order", Some("id")))?;
    let missing = || AppError::missing("order", Some("id"));
    let mut conn = state.db().acquire().await?;
    let intent = intent_id(&mut conn, &id).await?;
    drop(conn);
    if let Some(intent) = &intent {
        // A SEPA debit whose time has come settles before the order is shown.
        intents::settle_if_due(&state, intent).await?;
    }
    let now = state.now();
    let mut tx = state.db().begin().await?;
    if let Some(intent) = &intent {
        // So does a QR code whose time is over: the order shows its intent retryable.
        intents::expire_qr_code_if_due(&mut tx, intent, now).await?;
        if let Some(row) = intents::load_intent(&mut tx, intent).await? {
            intents::fulfil(&mut tx, &row, "poll", now).await?;
        }
    }
    let order = load(&mut tx, &id).await?.ok_or_else(missing)?;
    let body = body_of(&mut tx, &order).await?;
    tx.commit().await?;
    Ok(Json(body))
}
