//! Xendit's webhooks: the `x-callback-token` check and the events the adapter acts on.
//!
//! Xendit does not sign deliveries; it sends the account's webhook verification token
//! verbatim in `x-callback-token`, and the receiver compares it with its own copy
//! (<https://docs.xendit.co/docs/handling-webhooks>). The comparison runs in constant
//! time over SHA-256 digests of both, so neither the position of the first wrong byte
//! nor the token's length shows in the timing.
//!
//! Events share one envelope, `{event, business_id, created, data}`; `data` is the
//! payment for `payment.*` (<https://docs.xendit.co/apidocs/payment-webhook-notification>)
//! and the payment token for `payment_token.*`
//! (<https://docs.xendit.co/apidocs/payment-token-webhook-notification>). Xendit
//! retries a delivery up to six times and promises no order, so every event carries a
//! [`XenditEvent::dedup_key`] and is read on its own.

use payment_core::error::ApiError;
use payment_core::money::{Currency, Money};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::amount::{AmountError, MajorAmount};
use super::keys::CallbackToken;
use super::transformers::failure_error;

/// The header Xendit sends the verification token in.
pub const CALLBACK_TOKEN_HEADER: &str = "x-callback-token";

/// Why a delivery's token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No `x-callback-token` header.
    #[error("the x-callback-token header is missing")]
    MissingHeader,
    /// The header is not our token.
    #[error("the x-callback-token does not match")]
    Mismatch,
}

/// Checks a delivery's `x-callback-token` (the raw header bytes) against ours, in
/// constant time.
pub fn verify_callback_token(
    expected: &CallbackToken,
    header: Option<&[u8]>,
) -> Result<(), TokenError> {
    let presented = header.ok_or(TokenError::MissingHeader)?;
    let expected = Sha256::digest(expected.expose().as_bytes());
    let presented = Sha256::digest(presented);
    if bool::from(expected.as_slice().ct_eq(presented.as_slice())) {
        Ok(())
    } else {
        Err(TokenError::Mismatch)
    }
}

/// A payment's `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    /// Approved and held (`payment.authorization`).
    Authorized,
    /// Captured: the money moved (`payment.capture`).
    Succeeded,
    /// Failed (`payment.failure`).
    Failed,
    /// Submitted, no result yet.
    Pending,
    /// Canceled.
    Canceled,
    /// Expired.
    Expired,
    /// A status this build does not know.
    #[serde(other)]
    Unknown,
}

/// The payment object of `payment.*` events, the fields the adapter needs.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Payment {
    /// `py-…`: with the event name, what makes a delivery unique.
    pub payment_id: String,
    /// The payment request it paid (`pr-…`).
    #[serde(default)]
    pub payment_request_id: Option<String>,
    /// Our payment intent id, as we sent it.
    pub reference_id: String,
    /// Where the payment stands.
    pub status: PaymentStatus,
    /// `PAY`, `PAY_AND_SAVE`, … (older deliveries say `SINGLE_PAYMENT`).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Upper-case ISO code.
    pub currency: Currency,
    /// In major units.
    #[serde(default)]
    pub request_amount: Option<MajorAmount>,
    /// `GCASH`, `QRIS`, …
    #[serde(default)]
    pub channel_code: Option<String>,
    /// The wallet saved by a `PAY_AND_SAVE`, on its `payment.capture`.
    #[serde(default)]
    pub payment_token_id: Option<String>,
    /// The Xendit customer.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Why it failed, on `payment.failure`.
    #[serde(default)]
    pub failure_code: Option<String>,
}

impl Payment {
    /// The amount as [`Money`]; `None` when Xendit sent none.
    pub fn money(&self) -> Option<Result<Money, AmountError>> {
        self.request_amount
            .as_ref()
            .map(|amount| amount.to_money(self.currency))
    }

    /// The customer-facing error of a failed payment, as for a payment request.
    pub fn failure_error(&self) -> ApiError {
        failure_error(self.failure_code.as_deref())
    }
}

/// A payment token's `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentTokenStatus {
    /// Usable for later charges (`payment_token.activation`).
    Active,
    /// Linking failed (`payment_token.failure`).
    Failed,
    /// Past its validity (`payment_token.expiry`).
    Expired,
    /// A status this build does not know.
    #[serde(other)]
    Unknown,
}

/// The payment token object of `payment_token.*` events.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PaymentToken {
    /// `pt-…`: the reusable method.
    pub payment_token_id: String,
    /// The reference sent when it was created: for `PAY_AND_SAVE`, our intent id.
    #[serde(default)]
    pub reference_id: Option<String>,
    /// The Xendit customer it belongs to.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The wallet (`OVO`, `GCASH`, …).
    #[serde(default)]
    pub channel_code: Option<String>,
    /// Whether it can be charged.
    pub status: PaymentTokenStatus,
}

/// What an event is about. Events the adapter does not act on are `Unknown`,
/// acknowledged and ignored, never an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// `payment.capture`: the money moved; fulfil the order (exactly once).
    PaymentCapture(Box<Payment>),
    /// `payment.authorization`: approved and held.
    PaymentAuthorization(Box<Payment>),
    /// `payment.failure`: the attempt failed; the order stays open.
    PaymentFailure(Box<Payment>),
    /// `payment_token.activation`: a saved wallet is ready for later charges.
    PaymentTokenActivation(Box<PaymentToken>),
    /// Any other event, by name.
    Unknown(String),
}

impl EventKind {
    /// The event's name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::PaymentCapture(_) => "payment.capture",
            Self::PaymentAuthorization(_) => "payment.authorization",
            Self::PaymentFailure(_) => "payment.failure",
            Self::PaymentTokenActivation(_) => "payment_token.activation",
            Self::Unknown(name) => name,
        }
    }
}

/// A webhook delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XenditEvent {
    /// The account the event belongs to.
    pub business_id: String,
    /// When the delivery was attempted, ISO 8601.
    pub created: String,
    /// The event and its `data`.
    pub kind: EventKind,
}

impl XenditEvent {
    /// What makes this event unique across retried deliveries: its name and the
    /// payment's or token's id (Xendit sends no event id; its guide points to
    /// `payment_id`). `None` for unknown events, which are not acted on.
    pub fn dedup_key(&self) -> Option<String> {
        let id = match &self.kind {
            EventKind::PaymentCapture(payment)
            | EventKind::PaymentAuthorization(payment)
            | EventKind::PaymentFailure(payment) => &payment.payment_id,
            EventKind::PaymentTokenActivation(token) => &token.payment_token_id,
            EventKind::Unknown(_) => return None,
        };
        Some(format!("{}:{id}", self.kind.as_str()))
    }
}

#[derive(Deserialize)]
struct RawEvent {
    event: String,
    #[serde(default)]
    business_id: String,
    #[serde(default)]
    created: String,
    data: Box<RawValue>,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The token check failed.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// Verified, but not an event we can read.
    #[error("unreadable Xendit event: {0}")]
    Payload(String),
}

/// Parses an event's JSON (already verified). The `data` of the events we act on is
/// decoded; an unreadable one is an error, not `Unknown`, so a payment is never
/// silently dropped.
pub fn parse_event(body: &[u8]) -> Result<XenditEvent, WebhookError> {
    let payload = |err: serde_json::Error| WebhookError::Payload(err.to_string());
    let raw: RawEvent = serde_json::from_slice(body).map_err(payload)?;
    let payment = |data: &RawValue| -> Result<Box<Payment>, WebhookError> {
        serde_json::from_str(data.get())
            .map(Box::new)
            .map_err(payload)
    };
    let kind = match raw.event.as_str() {
        "payment.capture" => EventKind::PaymentCapture(payment(&raw.data)?),
        "payment.authorization" => EventKind::PaymentAuthorization(payment(&raw.data)?),
        "payment.failure" => EventKind::PaymentFailure(payment(&raw.data)?),
        "payment_token.activation" => EventKind::PaymentTokenActivation(
            serde_json::from_str(raw.data.get()).map_err(payload)?,
        ),
        _ => EventKind::Unknown(raw.event),
    };
    Ok(XenditEvent {
        business_id: raw.business_id,
        created: raw.created,
        kind,
    })
}

/// Verifies the token, then parses: what the webhook route calls.
pub fn construct_event(
    expected: &CallbackToken,
    header: Option<&[u8]>,
    body: &[u8],
) -> Result<XenditEvent, WebhookError> {
    verify_callback_token(expected, header)?;
    parse_event(body)
}
