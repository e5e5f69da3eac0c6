//! The form of one payment method, whichever layout shows it.

use super::{CardForm, EwalletForm, QrCodeForm, SepaForm};
use crate::model::types::MethodKind;
use leptos::prelude::*;

/// The details form for `method`.
#[component]
pub fn MethodForm(
    /// The payment method whose form to show.
    method: MethodKind,
) -> impl IntoView {
    match method {
        MethodKind::Card => view! { <CardForm /> }.into_any(),
        MethodKind::SepaDebit => view! { <SepaForm /> }.into_any(),
        MethodKind::Ewallet => view! { <EwalletForm /> }.into_any(),
        MethodKind::QrCode => view! { <QrCodeForm /> }.into_any(),
    }
}
