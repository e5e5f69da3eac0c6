//! `GET /api/config`: what a storefront page needs to reach the payments origin — the
//! publishable key (not a secret: it only tokenizes, from the allowed origins) and the
//! origin itself. The shape of Stripe's quickstart `GET /config`.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::state::AppState;

/// The answer of `GET /api/config`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// `pk_test_…`.
    pub publishable_key: String,
    /// `http://127.0.0.1:8090`.
    pub payments_origin: String,
    /// The card brands accepted (`["visa", "mastercard", …]`), for the element's
    /// `paymentMethodOptions.card.brands`.
    pub card_brands: Vec<&'static str>,
}

/// `GET /api/config`.
pub async fn config_get(State(state): State<AppState>) -> Json<Config> {
    Json(Config {
        publishable_key: state.publishable_key().to_owned(),
        payments_origin: state.settings().payments_origin.clone(),
        card_brands: state
            .settings()
            .card_brands
            .brands()
            .map(payment_core::card::CardBrand::as_str)
            .collect(),
    })
}
