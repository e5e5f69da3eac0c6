//! Stripe's webhooks: the `Stripe-Signature` check and the events the adapter acts on.
//!
//! The header is `t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`. The signed payload
//! is `"{t}.{raw body}"`, HMAC-SHA256 keyed with the endpoint secret (`whsec_…`, the
//! whole string), hex-encoded. Any `v1` may match (Stripe sends two while a secret is
//! rolled); `v0` is the legacy test scheme and never counts. Like Stripe's libraries,
//! the signature is checked before the timestamp, so "outside the tolerance" is only
//! ever said of a genuine but old (or replayed) delivery
//! (<https://docs.stripe.com/webhooks#verify-manually>).

use hmac::{Hmac, Mac};
use payment_core::money::{Currency, MinorUnit};
use serde::Deserialize;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

use super::keys::WebhookSecret;
use super::transformers::PaymentIntent;

/// The header Stripe signs deliveries with.
pub const SIGNATURE_HEADER: &str = "stripe-signature";

/// How far the signed timestamp may be from now, either way: Stripe's default.
pub const TOLERANCE_SECONDS: u64 = 300;

/// Which check a delivery failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Stripe-Signature` header.
    #[error("the Stripe-Signature header is missing")]
    MissingHeader,
    /// No `t=` element, or one that is not a whole number of seconds.
    #[error("the Stripe-Signature header has no valid timestamp (t=)")]
    MissingTimestamp,
    /// More than one `t=`: which one was signed is ambiguous.
    #[error("the Stripe-Signature header has more than one timestamp (t=)")]
    DuplicateTimestamp,
    /// No `v1=` element (a `v0` alone does not count).
    #[error("the Stripe-Signature header has no v1 signature")]
    MissingSignature,
    /// No `v1` is the HMAC of this body at this timestamp with this secret.
    #[error("no v1 signature matches the payload")]
    Mismatch,
    /// Genuine, but signed more than the tolerance away from now.
    #[error("the signature's timestamp is more than 300 s from now")]
    OutsideTolerance,
}

fn mac(secret: &WebhookSecret, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// A `Stripe-Signature` header for `body` at `timestamp`, as Stripe would send it: for
/// the tests and for the local mock of Stripe.
pub fn sign(secret: &WebhookSecret, timestamp: i64, body: &[u8]) -> String {
    let signature = hex::encode(mac(secret, timestamp, body).finalize().into_bytes());
    format!("t={timestamp},v1={signature}")
}

/// Checks a delivery: `header` is the `Stripe-Signature` value, `body` the raw bytes
/// exactly as received (before any JSON parsing), `now` Unix seconds.
pub fn verify_signature(
    secret: &WebhookSecret,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    let mut saw_v1 = false;
    for element in header.split(',') {
        // Elements that are not `name=value` are skipped, as Stripe's libraries do.
        let Some((name, value)) = element.trim().split_once('=') else {
            continue;
        };
        match name {
            "t" => {
                if timestamp.is_some() {
                    return Err(SignatureError::DuplicateTimestamp);
                }
                let seconds = value
                    .parse::<i64>()
                    .map_err(|_| SignatureError::MissingTimestamp)?;
                timestamp = Some(seconds);
            }
            "v1" => {
                saw_v1 = true;
                // A v1 that is not hex cannot match; another v1 still may.
                if let Ok(bytes) = hex::decode(value) {
                    candidates.push(bytes);
                }
            }
            // v0 (legacy test-mode scheme) and anything newer: never accepted here.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::MissingTimestamp)?;
    if !saw_v1 {
        return Err(SignatureError::MissingSignature);
    }
    let expected = mac(secret, timestamp, body).finalize().into_bytes();
    // Every candidate is compared, in constant time, with no early exit.
    let matched = candidates.iter().fold(Choice::from(0), |found, candidate| {
        found | expected.as_slice().ct_eq(candidate.as_slice())
    });
    if !bool::from(matched) {
        return Err(SignatureError::Mismatch);
    }
    if now.abs_diff(timestamp) > TOLERANCE_SECONDS {
        return Err(SignatureError::OutsideTolerance);
    }
    Ok(())
}

/// A dispute's fields that matter to the order (`charge.dispute.created`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Dispute {
    /// `du_…` (older disputes `dp_…`).
    pub id: String,
    /// The disputed charge (`ch_…`).
    pub charge: String,
    /// The intent the charge belongs to.
    #[serde(default)]
    pub payment_intent: Option<String>,
    /// The disputed amount.
    pub amount: MinorUnit,
    /// Its currency.
    pub currency: Currency,
    /// `fraudulent`, `product_not_received`, …
    #[serde(default)]
    pub reason: Option<String>,
    /// `needs_response`, `warning_needs_response`, …
    #[serde(default)]
    pub status: Option<String>,
}

/// What an event is about. Types the adapter does not act on are `Other`, acknowledged
/// and ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// `payment_intent.succeeded`: fulfil the order (exactly once).
    PaymentIntentSucceeded(Box<PaymentIntent>),
    /// `payment_intent.payment_failed`: the attempt failed; the order stays open.
    PaymentIntentPaymentFailed(Box<PaymentIntent>),
    /// `payment_intent.processing`: submitted; the result follows.
    PaymentIntentProcessing(Box<PaymentIntent>),
    /// `charge.dispute.created`: the customer disputed a charge.
    ChargeDisputeCreated(Box<Dispute>),
    /// Any other type, by name.
    Other(String),
}

impl EventKind {
    /// The event's `type`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::PaymentIntentSucceeded(_) => "payment_intent.succeeded",
            Self::PaymentIntentPaymentFailed(_) => "payment_intent.payment_failed",
            Self::PaymentIntentProcessing(_) => "payment_intent.processing",
            Self::ChargeDisputeCreated(_) => "charge.dispute.created",
            Self::Other(kind) => kind,
        }
    }
}

/// An Event object (<https://docs.stripe.com/api/events/object>).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeEvent {
    /// `evt_…`: deliveries are deduplicated by it.
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    /// Live or test mode.
    pub livemode: bool,
    /// The type and its `data.object`.
    pub kind: EventKind,
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    created: i64,
    #[serde(default)]
    livemode: bool,
    data: RawData,
}

#[derive(Deserialize)]
struct RawData {
    object: serde_json::Value,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The signature check failed.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Signed, but not an event we can read.
    #[error("unreadable Stripe event: {0}")]
    Payload(String),
}

/// Parses an event's JSON (already verified). The object of the types we act on is
/// decoded; an unreadable one is an error, not an `Other`, so a payment is never
/// silently dropped.
pub fn parse_event(body: &[u8]) -> Result<StripeEvent, WebhookError> {
    let payload = |err: serde_json::Error| WebhookError::Payload(err.to_string());
    let raw: RawEvent = serde_json::from_slice(body).map_err(payload)?;
    let intent = |object: serde_json::Value| -> Result<Box<PaymentIntent>, WebhookError> {
        serde_json::from_value(object)
            .map(Box::new)
            .map_err(payload)
    };
    let kind = match raw.kind.as_str() {
        "payment_intent.succeeded" => EventKind::PaymentIntentSucceeded(intent(raw.data.object)?),
        "payment_intent.payment_failed" => {
            EventKind::PaymentIntentPaymentFailed(intent(raw.data.object)?)
        }
        "payment_intent.processing" => EventKind::PaymentIntentProcessing(intent(raw.data.object)?),
        "charge.dispute.created" => EventKind::ChargeDisputeCreated(
            serde_json::from_value(raw.data.object).map_err(payload)?,
        ),
        _ => EventKind::Other(raw.kind),
    };
    Ok(StripeEvent {
        id: raw.id,
        created: raw.created,
        livemode: raw.livemode,
        kind,
    })
}

/// Verifies the signature, then parses: what the webhook route calls.
pub fn construct_event(
    secret: &WebhookSecret,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<StripeEvent, WebhookError> {
    verify_signature(secret, header, body, now)?;
    parse_event(body)
}
