//! The wire between the storefront's server and the vault (server to server, with the
//! secret key): what redeeming a card token or a CVC token answers. The browser-facing
//! wire (card and CVC tokens) is payment-core's `vault` module.

use serde::{Deserialize, Serialize};

use crate::processor::Behaviour;

/// The result of the vault's CVC check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CvcCheck {
    /// The CVC was there and fits the card.
    Pass,
    /// No CVC was held for the token any more (dropped by the background pass).
    Unavailable,
}

/// `POST /v1/vault/card_tokens/{id}/redeem`: the card behind a token, as the
/// storefront may keep it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemedCard {
    /// The vault's reference to the card (`vc_…`): what a saved card keeps.
    pub card: String,
    /// The brand's wire name.
    pub brand: String,
    /// The last four digits.
    pub last4: String,
    /// 1–12.
    pub exp_month: u8,
    /// Four digits.
    pub exp_year: u16,
    /// `credit`, `debit`, …
    pub funding: String,
    /// The vault's keyed fingerprint of the PAN.
    pub fingerprint: String,
    /// The CVC's first and only use.
    pub cvc_check: CvcCheck,
    /// The processor's class of the PAN (the test-mode processor runs on the payments
    /// side, where the PAN is).
    pub processor_class: Behaviour,
    /// A real processor's id for the card (Stripe's `pm_…`), made as it was redeemed.
    #[serde(default)]
    pub processor_method: Option<String>,
}

/// `POST /v1/vault/cvc_tokens/{id}/redeem` body: the saved card the CVC is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedeemCvc {
    /// `vc_…`.
    pub card: String,
}

/// The answer to a CVC token's redeem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvcChecked {
    /// Always `pass` (a CVC that does not fit is a `card_error`).
    pub cvc_check: CvcCheck,
}
