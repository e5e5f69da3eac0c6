//! The events a Payment Element reports to the page, shaped like Stripe's.

use crate::model::types::MethodKind;
use payment_core::api::SavedPaymentMethod;

/// `change`: sent when the completeness, emptiness or method of the form changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeEvent {
    /// Every shown field is valid: the details can be submitted.
    pub complete: bool,
    /// Nothing has been entered for the current method.
    pub empty: bool,
    /// `value.type`: the current method, if one is chosen.
    pub value: ChangeValue,
    /// The accordion shows no method open (`layout.defaultCollapsed`, `collapse()`).
    pub collapsed: bool,
}

/// The `value` of a change event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeValue {
    /// The method (`"card"`, `"sepa_debit"`, `"ewallet"`).
    pub kind: Option<MethodKind>,
    /// `value.payment_method`: the chosen saved method's id.
    pub payment_method: Option<String>,
    /// `value.savePaymentMethod`: the consent box is ticked.
    pub save_payment_method: bool,
}

/// `savedpaymentmethodremove`: the customer removed a saved method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedPaymentMethodRemoveEvent {
    /// The method removed.
    pub payment_method: SavedPaymentMethod,
}
