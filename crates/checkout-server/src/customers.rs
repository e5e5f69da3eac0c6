//! Customers, customer sessions and the session's saved-method endpoints.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use payment_core::api::{
    AllowRedisplay, Components, CustomerSession, List, PaymentElementComponent,
    PaymentElementFeatures, SavedPaymentMethod, SetupFutureUsage, Toggle,
};
use payment_core::error::{ErrorCode, ErrorType};
use payment_core::secret::ClientSecret;
use serde::Deserialize;
use sqlx::SqliteConnection;

use crate::error::{body_rejection, is_json, parse_json, ApiResult, AppError, Bearer};
use crate::ids::{new_id, new_secret};
use crate::methods::{MethodRow, METHOD_COLUMNS};
use crate::state::AppState;

/// How long a customer session's secret works (Stripe's default).
pub const SESSION_TTL: i64 = 30 * 60;

/// The features the demo enables (DESIGN.md).
pub fn demo_features() -> PaymentElementFeatures {
    PaymentElementFeatures {
        payment_method_redisplay: Toggle::Enabled,
        payment_method_redisplay_limit: 3,
        payment_method_save: Toggle::Enabled,
        payment_method_save_usage: Some(SetupFutureUsage::OffSession),
        payment_method_remove: Toggle::Enabled,
        payment_method_allow_redisplay_filters: vec![AllowRedisplay::Always],
    }
}

/// A valid session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Its customer.
    pub customer_id: String,
    /// Its features.
    pub features: PaymentElementFeatures,
}

/// The processor's customer for ours (Stripe's `cus_…`), once a payment made one.
pub async fn processor_ref(
    conn: &mut SqliteConnection,
    customer: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, Option<String>>("SELECT processor_ref FROM customers WHERE id = ?")
        .bind(customer)
        .fetch_optional(conn)
        .await
        .map(Option::flatten)
}

/// The demo customer, created on first use.
pub async fn demo_customer(conn: &mut SqliteConnection, now: i64) -> Result<String, sqlx::Error> {
    if let Some(id) =
        sqlx::query_scalar::<_, String>("SELECT id FROM customers WHERE is_demo = 1 LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?
    {
        return Ok(id);
    }
    let id = new_id("cus");
    sqlx::query("INSERT INTO customers (id, created, is_demo) VALUES (?, ?, 1)")
        .bind(&id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// The session a bearer secret opens, or 401.
pub async fn session_for(state: &AppState, secret: &ClientSecret) -> ApiResult<Session> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT customer_id, expires_at, features FROM customer_sessions WHERE client_secret = ?",
    )
    .bind(secret.expose())
    .fetch_optional(state.db())
    .await?;
    let Some((customer_id, expires_at, features)) = row else {
        return Err(AppError::unauthorized(ErrorCode::InvalidClientSecret));
    };
    if state.now() >= expires_at {
        return Err(AppError::unauthorized(ErrorCode::SessionExpired));
    }
    Ok(Session {
        customer_id,
        features: serde_json::from_str(&features)?,
    })
}

/// `POST /api/customer_sessions` body, all optional: whose session it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    /// An existing customer (`cus_…`), e.g. one a "returning customer" page remembered.
    #[serde(default)]
    pub customer: Option<String>,
    /// A customer created for this session.
    #[serde(default)]
    pub new_customer: bool,
}

impl NewSession {
    /// The body: none (or blank) asks for the demo customer.
    fn from_body(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> ApiResult<Self> {
        let bytes = body.map_err(body_rejection)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        if !is_json(headers) {
            return Err(
                AppError::invalid(ErrorCode::InvalidRequestBody).with_message(
                    "Send the request body as JSON with Content-Type: application/json.",
                ),
            );
        }
        let request: Self = parse_json(&bytes)?;
        if request.customer.is_some() && request.new_customer {
            return Err(AppError::param_invalid(
                "customer",
                "Send either customer or new_customer, not both.",
            ));
        }
        Ok(request)
    }
}

/// The customer a new session is for.
async fn session_customer(
    conn: &mut SqliteConnection,
    request: &NewSession,
    now: i64,
) -> ApiResult<String> {
    if let Some(id) = &request.customer {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM customers WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        return found.ok_or_else(|| AppError::missing("customer", Some("customer")));
    }
    if request.new_customer {
        let id = new_id("cus");
        sqlx::query("INSERT INTO customers (id, created, is_demo) VALUES (?, ?, 0)")
            .bind(&id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        tracing::info!(customer = %id, "customer created");
        return Ok(id);
    }
    Ok(demo_customer(conn, now).await?)
}

/// `POST /api/customer_sessions`: a session for the demo customer, an existing one
/// (`{"customer": "cus_…"}`) or a new one (`{"new_customer": true}`).
///
/// A demo helper: a real backend takes the customer from its own login, never from the
/// page. Here knowing a customer id (24 random characters) is enough.
pub async fn customer_sessions_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<CustomerSession>> {
    let request = NewSession::from_body(&headers, body)?;
    let now = state.now();
    let mut tx = state.db().begin().await?;
    let customer = session_customer(&mut tx, &request, now).await?;
    let id = new_id("cuss");
    let secret = new_secret(&id);
    let features = demo_features();
    let expires_at = now + SESSION_TTL;
    sqlx::query(
        "INSERT INTO customer_sessions (id, customer_id, client_secret, created, expires_at, features) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&customer)
    .bind(&secret)
    .bind(now)
    .bind(expires_at)
    .bind(serde_json::to_string(&features)?)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(customer = %customer, session = %id, "customer session created");
    Ok(Json(CustomerSession {
        client_secret: ClientSecret::new(secret),
        customer,
        expires_at,
        components: Components {
            payment_element: PaymentElementComponent {
                enabled: true,
                features,
            },
        },
    }))
}

/// `GET /api/customer_sessions/payment_methods`: the saved methods the session may
/// show, newest first. Methods saved without consent (`limited`) never appear.
pub async fn payment_methods_list(
    State(state): State<AppState>,
    Bearer(secret): Bearer,
) -> ApiResult<Json<List<SavedPaymentMethod>>> {
    let session = session_for(&state, &secret).await?;
    if !session.features.payment_method_redisplay.is_enabled() {
        return Ok(Json(List { data: Vec::new() }));
    }
    let rows = sqlx::query_as::<_, MethodRow>(&format!(
        "SELECT {METHOD_COLUMNS} FROM payment_methods WHERE customer_id = ? \
         ORDER BY created DESC, rowid DESC"
    ))
    .bind(&session.customer_id)
    .fetch_all(state.db())
    .await?;
    let filters = &session.features.payment_method_allow_redisplay_filters;
    let data = rows
        .iter()
        .map(MethodRow::saved)
        .filter(|m| {
            m.allow_redisplay == AllowRedisplay::Always && filters.contains(&m.allow_redisplay)
        })
        .collect();
    Ok(Json(List { data }))
}

/// `DELETE /api/customer_sessions/payment_methods/{id}`: detaches a saved method.
pub async fn payment_methods_delete(
    State(state): State<AppState>,
    Bearer(secret): Bearer,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    let Path(id) = id.map_err(|_| AppError::missing("payment method", Some("id")))?;
    let session = session_for(&state, &secret).await?;
    if !session.features.payment_method_remove.is_enabled() {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            ErrorType::InvalidRequestError,
            ErrorCode::FeatureDisabled,
        ));
    }
    // The consent stays, with the customer it was given by, for the merchant's audit.
    let detached = sqlx::query(
        "UPDATE payment_methods SET customer_id = NULL, detached_customer_id = customer_id, \
         detached_at = ? WHERE id = ? AND customer_id = ? AND allow_redisplay = 'always'",
    )
    .bind(state.now())
    .bind(&id)
    .bind(&session.customer_id)
    .execute(state.db())
    .await?
    .rows_affected();
    if detached == 0 {
        return Err(AppError::missing("payment method", Some("id")));
    }
    tracing::info!(payment_method = %id, "payment method detached");
    Ok(Json(serde_json::json!({
        "id": id,
        "object": "payment_method",
        "deleted": true,
    })))
}
