//! Stripe's quickstart shapes, so that a checkout page written for Stripe runs against
//! this server with only its script tag and constructor changed (`MIGRATING.md`):
//!
//! - `POST /create-payment-intent` (also `GET`, and under `/api`): an order of the
//!   server's cart and its payment intent, waiting for a payment method:
//!   `{clientSecret}`. The page's `{items}` are accepted and not trusted: the server
//!   prices its own cart (`market` picks one, as `POST /api/orders` does). Every call
//!   is a new order, as every load of Stripe's quickstart page is a new intent; an
//!   intent nobody confirms charges nothing.
//! - `GET /config`: `{publishableKey, paymentsOrigin, cardBrands}`, as `/api/config`.
//! - `/examples/quickstart/*.html`: the quickstart pages of `examples/quickstart/`,
//!   with the payments origin put in front of their `/embed/` script, as a merchant
//!   writes `<script src="https://pay.example/embed/checkout.js">`.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::cart::Cart;
use crate::error::{body_rejection, is_json, parse_json, ApiResult, AppError};
use crate::ids::{new_id, new_secret};
use crate::orders;
use crate::state::AppState;
use payment_core::error::ErrorCode;

/// The body (or, for `GET`, the query) of `/create-payment-intent`; optional.
#[derive(Debug, Default, Deserialize)]
pub struct CreatePaymentIntent {
    /// What the page says it buys (Stripe's quickstart sends `[{id, amount}]`):
    /// accepted so such a page runs, never used to price the order.
    #[serde(default)]
    pub items: Option<serde_json::Value>,
    /// Which of the server's carts (`eu`, `ph`, `id`); its default one when absent.
    #[serde(default)]
    pub market: Option<String>,
}

/// The answer: the intent's client secret, as Stripe's quickstart server answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSecretBody {
    /// `pi_…_secret_…`.
    pub client_secret: String,
}

/// `POST` (or `GET`) `/create-payment-intent`.
pub async fn create_payment_intent(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<CreatePaymentIntent>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ClientSecretBody>> {
    let bytes = body.map_err(body_rejection)?;
    let request = if bytes.iter().all(u8::is_ascii_whitespace) {
        query
            .map_err(|_| AppError::param_invalid("market", "Invalid query string."))?
            .0
    } else if is_json(&headers) {
        parse_json(&bytes)?
    } else {
        return Err(AppError::invalid(ErrorCode::InvalidRequestBody)
            .with_message("Send the request body as JSON with Content-Type: application/json."));
    };
    let cart = Cart::chosen(&state, request.market.as_deref())?;
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let order = orders::create(&mut tx, &cart, request.market.as_deref(), now).await?;
    let id = new_id("pi");
    let client_secret = new_secret(&id);
    sqlx::query(
        "INSERT INTO payment_intents (id, client_secret, order_id, created, amount, currency, \
         status) VALUES (?, ?, ?, ?, ?, ?, 'requires_payment_method')",
    )
    .bind(&id)
    .bind(&client_secret)
    .bind(&order.id)
    .bind(now)
    .bind(order.amount)
    .bind(&order.currency)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(intent = %id, order = %order.id, "payment intent created for its page");
    Ok(Json(ClientSecretBody { client_secret }))
}

/// `GET /examples/quickstart/{page}`: a quickstart page, its `/embed/` scripts taken from
/// the payments origin; the folder's other files (its scripts, its stylesheet) as they
/// are.
pub async fn quickstart_page_get(
    State(state): State<AppState>,
    page: Result<Path<String>, PathRejection>,
    request: axum::extract::Request,
) -> Response {
    let Ok(Path(page)) = page else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // One page of the folder, by a plain name.
    let plain = page.strip_suffix(".html").is_some_and(|stem| {
        !stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if !plain {
        use tower::ServiceExt;
        let files = tower_http::services::ServeDir::new(&state.settings().dist);
        return match files.oneshot(request).await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        };
    }
    let path = state
        .settings()
        .dist
        .join("examples")
        .join("quickstart")
        .join(&page);
    let Ok(html) = tokio::fs::read_to_string(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let payments = &state.settings().payments_origin;
    let html = html.replace("src=\"/embed/", &["src=\"", payments, "/embed/"].concat());
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}
