//! The Payment Element root: owns what the customer typed, so that re-rendering any
//! part of the form never loses it.

use super::CardNumberField;
use leptos::prelude::*;

/// The payment form.
#[component]
pub fn PaymentElement() -> impl IntoView {
    let card_number = RwSignal::new(String::new());
    view! {
        <div class="pe-root">
            <CardNumberField value=card_number />
        </div>
    }
}
