//! The wire of the payments origin's vault (DESIGN.md, "Payments origin and the vault"):
//! the card frame (or a page that takes the PCI scope with inline fields) posts the card
//! to `POST /v1/card_tokens` with the publishable key and gets a [`CardToken`]; the
//! storefront only ever sees that token and the card's preview (brand, last4, expiry).

use crate::secret::{CardNumber, Cvc};
use serde::{Deserialize, Serialize};

/// Card tokens are single-use and expire after this many seconds (15 minutes). The CVC
/// the vault holds in memory for a token lives no longer (PCI DSS 3.3.1).
pub const CARD_TOKEN_TTL: i64 = 15 * 60;

/// The prefix of a card token's id.
pub const CARD_TOKEN_PREFIX: &str = "card_tok_";

/// The prefix of a CVC token's id (a saved card's CVC typed again).
pub const CVC_TOKEN_PREFIX: &str = "cvc_tok_";

/// The prefix of a publishable key (the browser's credential for the payments origin).
pub const PUBLISHABLE_KEY_PREFIX: &str = "pk_test_";

/// `POST /v1/card_tokens`: the card as typed, sent by the card frame (or an inline page)
/// to the payments origin only. `Debug` redacts the number and the CVC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardDetails {
    /// The PAN.
    pub number: CardNumber,
    /// 1–12.
    pub exp_month: u8,
    /// Four digits.
    pub exp_year: u16,
    /// The security code; kept in the vault's memory only, never at rest.
    pub cvc: Cvc,
}

/// The answer to `POST /v1/card_tokens`: what the page may know of the card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardToken {
    /// `card_tok_…`: single-use, expires at `expires_at`.
    pub id: String,
    /// The brand's wire name (`visa`, `mastercard`, …).
    pub brand: String,
    /// The last four digits.
    pub last4: String,
    /// 1–12.
    pub exp_month: u8,
    /// Four digits.
    pub exp_year: u16,
    /// Unix seconds.
    pub expires_at: i64,
}

/// `POST /v1/cvc_tokens`: a saved card's CVC typed again, sent by the CVC frame to the
/// payments origin only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CvcDetails {
    /// The security code; kept in the vault's memory only, never at rest.
    pub cvc: Cvc,
}

/// The answer to `POST /v1/cvc_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvcToken {
    /// `cvc_tok_…`: single-use, expires at `expires_at`.
    pub id: String,
    /// Unix seconds.
    pub expires_at: i64,
}
