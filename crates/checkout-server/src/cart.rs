//! The demo order: the server decides what is bought, for how much, in which currency.
//! The widget shows it (`GET /api/cart`) but never sends an amount.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use payment_core::money::{Currency, MinorUnit};
use serde::{Deserialize, Serialize};

use crate::error::{ApiResult, AppError};
use crate::state::AppState;

/// The demo's markets: a cart per region, so every payment method can be shown on one
/// server (SEPA in euros, GCash / Maya / ShopeePay in pesos, OVO / DANA in rupiah).
pub const MARKETS: [(&str, Currency); 3] = [
    ("eu", Currency::EUR),
    ("ph", Currency::PHP),
    ("id", Currency::IDR),
];

/// One line of the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    /// What it is.
    pub name: String,
    /// How many.
    pub quantity: i64,
    /// Price of one, in minor units of the cart's currency.
    pub unit_amount: MinorUnit,
}

/// The order the demo checkout sells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cart {
    /// The lines.
    pub items: Vec<CartItem>,
    /// The currency of every amount.
    pub currency: Currency,
}

impl Cart {
    /// The demo cart, priced for `currency` (e-wallets need PHP or IDR, SEPA needs EUR).
    pub fn demo(currency: Currency) -> Self {
        // Unit prices in minor units: (keyboard, cable).
        let (keyboard, cable) = match currency.as_upper() {
            "PHP" => (499_900, 29_900),
            // Two decimals for IDR, as payment-core's Currency documents.
            "IDR" => (125_000_000, 7_500_000),
            "JPY" => (12_800, 980),
            "KWD" => (27_500, 2_900),
            _ => (8_900, 950),
        };
        let item = |name: &str, quantity, unit| CartItem {
            name: name.to_owned(),
            quantity,
            unit_amount: MinorUnit::new(unit),
        };
        Self {
            items: vec![
                item("Mechanical keyboard", 1, keyboard),
                item("USB-C cable", 2, cable),
            ],
            currency,
        }
    }

    /// The cart of a market (`eu`, `ph`, `id`).
    pub fn for_market(market: &str) -> Option<Self> {
        MARKETS
            .iter()
            .find(|(name, _)| *name == market)
            .map(|(_, currency)| Self::demo(*currency))
    }

    /// The cart an order is made from: the market's, or the server's default one.
    pub fn chosen(state: &AppState, market: Option<&str>) -> ApiResult<Self> {
        match market {
            None => Ok(state.settings().cart.clone()),
            Some(market) => Self::for_market(market).ok_or_else(|| {
                let names: Vec<&str> = MARKETS.iter().map(|(name, _)| *name).collect();
                AppError::param_invalid(
                    "market",
                    format!("market must be one of: {}.", names.join(", ")),
                )
            }),
        }
    }

    /// The total, or `None` on overflow.
    pub fn amount(&self) -> Option<MinorUnit> {
        self.items.iter().try_fold(MinorUnit::new(0), |sum, item| {
            sum.checked_add(item.unit_amount.checked_mul(item.quantity)?)
        })
    }
}

/// `?market=` of `GET /api/cart`.
#[derive(Debug, Deserialize)]
pub struct CartQuery {
    market: Option<String>,
}

/// `GET /api/cart?market=…`: the order to show beside the payment form, from the
/// market's cart or the server's default one (`market` is then `null`).
pub async fn cart_get(
    State(state): State<AppState>,
    query: Result<Query<CartQuery>, QueryRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    let Query(query) =
        query.map_err(|_| AppError::param_invalid("market", "Invalid query string."))?;
    let cart = Cart::chosen(&state, query.market.as_deref())?;
    Ok(Json(serde_json::json!({
        "items": cart.items,
        "amount": cart.amount(),
        "currency": cart.currency,
        "market": query.market,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_total_is_integer_minor_units() {
        assert_eq!(
            Cart::demo(Currency::EUR).amount(),
            Some(MinorUnit::new(10_800))
        );
        assert_eq!(
            Cart::demo(Currency::JPY).amount(),
            Some(MinorUnit::new(14_760))
        );
    }

    #[test]
    fn every_market_has_its_currency() {
        for (market, currency) in MARKETS {
            assert_eq!(Cart::for_market(market).unwrap().currency, currency);
        }
        assert_eq!(Cart::for_market("EU"), None);
        assert_eq!(Cart::for_market("us"), None);
    }
}
