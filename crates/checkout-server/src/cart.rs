//! The demo order: the server decides what is bought, for how much, in which currency.
//! The widget shows it (`GET /api/cart`) but never sends an amount.

use axum::extract::State;
use axum::Json;
use payment_core::money::{Currency, MinorUnit};
use serde::Serialize;

use crate::state::AppState;

/// One line of the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

    /// The total, or `None` on overflow.
    pub fn amount(&self) -> Option<MinorUnit> {
        self.items.iter().try_fold(MinorUnit::new(0), |sum, item| {
            sum.checked_add(item.unit_amount.checked_mul(item.quantity)?)
        })
    }
}

/// `GET /api/cart`: the order to show beside the payment form.
pub async fn cart_get(State(state): State<AppState>) -> Json<serde_json::Value> {
    let cart = &state.settings().cart;
    Json(serde_json::json!({
        "items": cart.items,
        "amount": cart.amount(),
        "currency": cart.currency,
    }))
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
}
