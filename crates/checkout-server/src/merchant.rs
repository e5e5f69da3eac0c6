//! The merchant's own endpoints under `/api/merchant`, authenticated by the merchant's
//! secret key (`Authorization: Bearer sk_test_…`), never by a customer session: the
//! audit of the save-for-future-use consents customers gave. The cancel of a payment
//! intent (`intents.rs`) takes the same key through [`require_merchant`].

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use payment_core::api::{ConsentRecord, PaymentMethodType};
use payment_core::error::ErrorCode;
use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::error::{bearer, ApiResult, AppError};
use crate::methods::wire_enum;
use crate::state::AppState;

/// Refuses a request without the merchant's secret key.
pub(crate) fn require_merchant(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let given = bearer(headers).map(|b| b.0);
    let expected = state.merchant_key().as_bytes();
    match given {
        Some(key) if bool::from(key.expose().as_bytes().ct_eq(expected)) => Ok(()),
        _ => Err(
            AppError::unauthorized(ErrorCode::InvalidClientSecret).with_message(
                "This endpoint is for the merchant: send the secret key as \
                 Authorization: Bearer sk_test_….",
            ),
        ),
    }
}

/// One consent, beside the method it was given for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsentEntry {
    /// The saved method, `pm_…`.
    pub payment_method: String,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// When the method was created.
    pub created: i64,
    /// `always` (consent given) or `limited`.
    pub allow_redisplay: String,
    /// When the customer removed it, if they did; the consent stays on record.
    pub detached_at: Option<i64>,
    /// The record as the widget sent it: the sentence shown, its locale, when it was
    /// accepted and the usage agreed to.
    pub consent: ConsentRecord,
}

/// `GET /api/merchant/customers/{customer}/consents` response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consents {
    /// The customer.
    pub customer: String,
    /// Newest first, removed methods included.
    pub data: Vec<ConsentEntry>,
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    id: String,
    kind: String,
    created: i64,
    allow_redisplay: String,
    detached_at: Option<i64>,
    consent: String,
}

/// `GET /api/merchant/customers/{customer}/consents`: every consent the customer gave
/// to save a payment method.
pub async fn customer_consents_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    customer: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Consents>> {
    require_merchant(&state, &headers)?;
    let Path(customer) = customer.map_err(|_| AppError::missing("customer", Some("customer")))?;
    let mut conn = state.db().acquire().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM customers WHERE id = ?")
        .bind(&customer)
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Err(AppError::missing("customer", Some("customer")));
    }
    let rows = sqlx::query_as::<_, ConsentRow>(
        "SELECT id, type AS kind, created, allow_redisplay, detached_at, consent \
         FROM payment_methods \
         WHERE (customer_id = ?1 OR detached_customer_id = ?1) AND consent IS NOT NULL \
         ORDER BY created DESC, rowid DESC",
    )
    .bind(&customer)
    .fetch_all(&mut *conn)
    .await?;
    let data = rows
        .into_iter()
        .map(|row| {
            Ok(ConsentEntry {
                kind: wire_enum(&row.kind).unwrap_or(PaymentMethodType::Unknown),
                consent: serde_json::from_str(&row.consent)?,
                payment_method: row.id,
                created: row.created,
                allow_redisplay: row.allow_redisplay,
                detached_at: row.detached_at,
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(Json(Consents { customer, data }))
}
