//! Stripe's wire objects (PaymentIntent, Error) and the one mapping from them onto our
//! outcomes and error codes, in the manner of Hyperswitch's `transformers.rs`.
//!
//! Decoding is lenient, as at every edge: an unknown status or error type decodes to
//! `Unknown`, codes stay strings until [`map_error`] reads them, unknown fields are
//! ignored. Inside, the mapping is exhaustive: a status Stripe adds later is a
//! compile error in [`intent_outcome`] once it is named in [`StripeIntentStatus`].
//!
//! Shapes from <https://docs.stripe.com/api/payment_intents/object> and
//! <https://docs.stripe.com/api/errors>; codes from <https://docs.stripe.com/error-codes>
//! and <https://docs.stripe.com/declines/codes>.

use std::collections::BTreeMap;

use payment_core::api::{NextAction, PaymentIntentStatus, RedirectToUrl};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::money::{Currency, MinorUnit, Money};
use payment_core::secret::ClientSecret;
use serde::{Deserialize, Serialize};

use crate::processor::{authentication_failed, decline_error, Final};

/// A PaymentIntent's `status`, as Stripe sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StripeIntentStatus {
    /// Needs a payment method: before the first attempt, or after a failed one.
    RequiresPaymentMethod,
    /// Has a method, not confirmed.
    RequiresConfirmation,
    /// The customer must act (3-D Secure, a redirect).
    RequiresAction,
    /// Submitted, the result follows (SEPA).
    Processing,
    /// Authorised, waiting for the merchant to capture.
    RequiresCapture,
    /// Canceled.
    Canceled,
    /// Paid.
    Succeeded,
    /// A status this build does not know.
    #[serde(other)]
    Unknown,
}

/// A field Stripe sends either as an id or, when expanded, as the object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    /// Not expanded: the id.
    Id(String),
    /// Expanded.
    Object(Box<T>),
}

/// Objects that have an `id`, so an [`Expandable`] of them yields it either way.
pub trait HasId {
    /// The object's id.
    fn id(&self) -> &str;
}

impl<T: HasId> Expandable<T> {
    /// The id, whether or not the field was expanded.
    pub fn id(&self) -> &str {
        match self {
            Self::Id(id) => id,
            Self::Object(object) => object.id(),
        }
    }
}

/// The parts of a PaymentMethod the adapter reads when it is expanded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethod {
    /// `pm_…`.
    pub id: String,
    /// `card`, `sepa_debit`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The card's public details, for a card.
    #[serde(default)]
    pub card: Option<PaymentMethodCard>,
}

impl HasId for PaymentMethod {
    fn id(&self) -> &str {
        &self.id
    }
}

/// A card's public details: what `payment_method_preview.card` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodCard {
    /// `visa`, `mastercard`, …
    pub brand: String,
    /// The last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u8,
    /// Expiry year, four digits.
    pub exp_year: u16,
}

/// `next_action`: `type` names the action and a field of the same name carries it.
///
/// Kept as a struct with the type as a string, not an internally tagged enum, because
/// Stripe has a dozen action types and the one thing to do with all but
/// `redirect_to_url` is to name them in an "unsupported next action" error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeNextAction {
    /// `redirect_to_url`, `use_stripe_sdk`, `alipay_handle_redirect`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The redirect, for `redirect_to_url`.
    #[serde(default)]
    pub redirect_to_url: Option<StripeRedirectToUrl>,
}

/// `next_action.redirect_to_url`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeRedirectToUrl {
    /// The page to send the customer to (3-D Secure, a bank).
    #[serde(default)]
    pub url: Option<String>,
    /// Where that page sends the customer back: the `return_url` we sent.
    #[serde(default)]
    pub return_url: Option<String>,
}

/// The PaymentIntent object, the fields the adapter needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// Where the payment stands.
    pub status: StripeIntentStatus,
    /// In minor units of `currency`.
    pub amount: MinorUnit,
    /// Lower-case ISO code.
    pub currency: Currency,
    /// Whoever holds it can confirm or read the intent from a browser; `Debug`
    /// redacts it.
    #[serde(default)]
    pub client_secret: Option<ClientSecret>,
    /// The customer (`cus_…`).
    #[serde(default)]
    pub customer: Option<String>,
    /// The method of the current or last attempt.
    #[serde(default)]
    pub payment_method: Option<Expandable<PaymentMethod>>,
    /// What the customer must do, in `requires_action`.
    #[serde(default)]
    pub next_action: Option<StripeNextAction>,
    /// Why the last attempt failed; set with `requires_payment_method`.
    #[serde(default)]
    pub last_payment_error: Option<StripeError>,
    /// Our `order_id`, among others.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Unix seconds.
    #[serde(default)]
    pub created: Option<i64>,
}

impl PaymentIntent {
    /// The amount as [`Money`].
    pub fn money(&self) -> Money {
        Money::new(self.amount, self.currency)
    }

    /// Our order, from `metadata[order_id]`.
    pub fn order_id(&self) -> Option<&str> {
        self.metadata.get("order_id").map(String::as_str)
    }
}

/// The Error object's `type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StripeErrorType {
    /// Stripe's side failed (5xx): retried with the same Idempotency-Key.
    ApiError,
    /// The card was declined or its details are wrong.
    CardError,
    /// The Idempotency-Key was reused with other parameters.
    IdempotencyError,
    /// The request was wrong (including rate limits, `code: rate_limit`).
    InvalidRequestError,
    /// A type this build does not know.
    #[default]
    #[serde(other)]
    Unknown,
}

/// Stripe's Error object: the body of a non-2xx answer (`{"error": {...}}`) and an
/// intent's `last_payment_error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeError {
    /// The broad class.
    #[serde(rename = "type", default)]
    pub kind: StripeErrorType,
    /// `card_declined`, `incorrect_number`, `rate_limit`, … (kept as sent; see
    /// [`map_error`]).
    #[serde(default)]
    pub code: Option<String>,
    /// The issuer's reason, for `card_declined`.
    #[serde(default)]
    pub decline_code: Option<String>,
    /// Stripe's English message (for logs; customers get our localised one).
    #[serde(default)]
    pub message: Option<String>,
    /// The parameter at fault.
    #[serde(default)]
    pub param: Option<String>,
    /// On a declined confirm, the intent in its new state (`requires_payment_method`).
    #[serde(default)]
    pub payment_intent: Option<Box<PaymentIntent>>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: StripeError,
}

/// A parsed answer from Stripe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// 2xx: the PaymentIntent.
    Intent(Box<PaymentIntent>),
    /// Not 2xx: the error object, with the HTTP status.
    Error {
        /// The HTTP status.
        status: u16,
        /// The error object.
        error: StripeError,
    },
}

/// An answer that is not what Stripe documents (an HTML page from a proxy, a truncated
/// body). Whether to retry is [`is_retryable`]'s call, from the status alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable Stripe response (HTTP {status}): {reason}")]
pub struct ParseError {
    /// The HTTP status.
    pub status: u16,
    /// What did not parse.
    pub reason: String,
}

/// Parses a PaymentIntent endpoint's answer: the intent on 2xx, the error object
/// otherwise.
pub fn parse_response(status: u16, body: &[u8]) -> Result<Response, ParseError> {
    let failed = |err: serde_json::Error| ParseError {
        status,
        reason: err.to_string(),
    };
    if (200..300).contains(&status) {
        let intent: PaymentIntent = serde_json::from_slice(body).map_err(failed)?;
        Ok(Response::Intent(Box::new(intent)))
    } else {
        let envelope: ErrorEnvelope = serde_json::from_slice(body).map_err(failed)?;
        Ok(Response::Error {
            status,
            error: envelope.error,
        })
    }
}

/// The answer to a request that creates an object (a PaymentMethod, a Customer): its id,
/// or Stripe's error object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Created {
    /// 2xx: the new object's id.
    Id(String),
    /// Not 2xx.
    Error {
        /// The HTTP status.
        status: u16,
        /// The error object.
        error: StripeError,
    },
}

#[derive(Deserialize)]
struct WithId {
    id: String,
}

/// Parses the answer to a create: the object's id on 2xx, the error object otherwise.
pub fn parse_created(status: u16, body: &[u8]) -> Result<Created, ParseError> {
    let failed = |err: serde_json::Error| ParseError {
        status,
        reason: err.to_string(),
    };
    if (200..300).contains(&status) {
        let object: WithId = serde_json::from_slice(body).map_err(failed)?;
        Ok(Created::Id(object.id))
    } else {
        let envelope: ErrorEnvelope = serde_json::from_slice(body).map_err(failed)?;
        Ok(Created::Error {
            status,
            error: envelope.error,
        })
    }
}

/// The SetupIntent object, the fields the adapter needs
/// (<https://docs.stripe.com/api/setup_intents/object>).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupIntentObject {
    /// `seti_…`.
    pub id: String,
    /// Where the setup stands (the same values as a PaymentIntent's).
    pub status: StripeIntentStatus,
    /// What the customer must do, in `requires_action`.
    #[serde(default)]
    pub next_action: Option<StripeNextAction>,
    /// Why the last attempt failed.
    #[serde(default)]
    pub last_setup_error: Option<StripeError>,
}

impl SetupIntentObject {
    /// The setup in a PaymentIntent's shape, for the one status mapping
    /// ([`intent_outcome`]): nothing is charged, so no amount.
    pub fn as_intent(&self) -> PaymentIntent {
        PaymentIntent {
            id: self.id.clone(),
            status: self.status,
            amount: MinorUnit::new(0),
            currency: Currency::EUR,
            client_secret: None,
            customer: None,
            payment_method: None,
            next_action: self.next_action.clone(),
            last_payment_error: self.last_setup_error.clone(),
            metadata: BTreeMap::new(),
            created: None,
        }
    }
}

/// Parses a SetupIntent endpoint's answer: on 2xx the setup (as [`Response::Intent`],
/// in a PaymentIntent's shape), the error object otherwise.
pub fn parse_setup_response(status: u16, body: &[u8]) -> Result<Response, ParseError> {
    if !(200..300).contains(&status) {
        return parse_response(status, body);
    }
    let setup: SetupIntentObject = serde_json::from_slice(body).map_err(|err| ParseError {
        status,
        reason: err.to_string(),
    })?;
    Ok(Response::Intent(Box::new(setup.as_intent())))
}

/// Whether to send the same request again, with the same Idempotency-Key.
///
/// `None` is no answer at all (a timeout, a dropped connection): the charge may or may
/// not have happened, and Stripe's idempotency replays it rather than charging twice.
/// 429 comes from the rate limiter, which runs before the idempotency layer; a 5xx
/// leaves the result unknown and the same key settles it. Any other 4xx is Stripe's
/// final word for these parameters (a decline, a bad parameter, a 409 while the first
/// request with the key still runs, which reconciliation settles by reading), so it is
/// never retried. The body does not change the decision: Stripe's retry semantics
/// follow the status (<https://docs.stripe.com/error-low-level>).
pub fn is_retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(status) => status == 429 || (500..=599).contains(&status),
    }
}

/// Stripe's decline codes onto ours; codes we have no name for are a generic decline.
fn decline_code(code: &str) -> DeclineCode {
    match code {
        "insufficient_funds" => DeclineCode::InsufficientFunds,
        "lost_card" => DeclineCode::LostCard,
        "stolen_card" => DeclineCode::StolenCard,
        "expired_card" => DeclineCode::ExpiredCard,
        "incorrect_cvc" => DeclineCode::IncorrectCvc,
        "processing_error" => DeclineCode::ProcessingError,
        "card_velocity_exceeded" => DeclineCode::CardVelocityExceeded,
        "authentication_required" => DeclineCode::AuthenticationRequired,
        // generic_decline, do_not_honor, fraudulent, …: the customer learns no more.
        _ => DeclineCode::GenericDecline,
    }
}

fn card_details_error(code: ErrorCode, param: &str) -> ApiError {
    ApiError::new(ErrorType::CardError, code).with_param(param)
}

/// Something failed that neither the customer nor a retry of theirs can fix (our
/// request was wrong, Stripe failed, the key is wrong): the generic server error.
fn internal_error() -> ApiError {
    ApiError::new(ErrorType::ApiError, ErrorCode::InternalError)
}

/// Stripe's Error object onto the merchant API's error, with the same codes the
/// test-mode processor reports for the same test cards.
///
/// - `card_declined` keeps its decline code (unknown ones become `generic_decline`);
///   Stripe's own `expired_card`, `incorrect_cvc`, `processing_error` and
///   `card_velocity_exceeded` codes become `card_declined` with that decline code, as
///   DESIGN.md lists them; `authentication_required` stays itself.
/// - Card-detail codes (`incorrect_number`, `invalid_number`, `invalid_expiry_month`,
///   `invalid_expiry_year`, `invalid_cvc`) keep their code and name the field.
/// - `idempotency_error` and `idempotency_key_in_use` are our `idempotency_key_in_use`.
/// - Rate limits, `api_error`, unknown types, and request errors the customer cannot
///   fix are `internal_error` (whether to retry is [`is_retryable`]'s call).
pub fn map_error(error: &StripeError) -> ApiError {
    let decline = error.decline_code.as_deref().map(decline_code);
    match error.code.as_deref().unwrap_or_default() {
        "card_declined" => decline_error(decline.unwrap_or(DeclineCode::GenericDecline)),
        "expired_card" => decline_error(DeclineCode::ExpiredCard),
        "incorrect_cvc" => decline_error(DeclineCode::IncorrectCvc),
        "processing_error" => decline_error(DeclineCode::ProcessingError),
        "card_velocity_exceeded" | "card_decline_rate_limit_exceeded" => {
            decline_error(DeclineCode::CardVelocityExceeded)
        }
        "authentication_required" => decline_error(DeclineCode::AuthenticationRequired),
        "incorrect_number" => card_details_error(ErrorCode::IncorrectNumber, "number"),
        "invalid_number" => card_details_error(ErrorCode::InvalidNumber, "number"),
        "invalid_expiry_month" => card_details_error(ErrorCode::InvalidExpiryMonth, "exp_month"),
        "invalid_expiry_year" => card_details_error(ErrorCode::InvalidExpiryYear, "exp_year"),
        "invalid_cvc" => card_details_error(ErrorCode::InvalidCvc, "cvc"),
        "payment_intent_authentication_failure" => authentication_failed(),
        "payment_intent_unexpected_state" => ApiError::new(
            ErrorType::InvalidRequestError,
            ErrorCode::PaymentIntentUnexpectedState,
        ),
        "idempotency_key_in_use" => {
            ApiError::new(ErrorType::IdempotencyError, ErrorCode::IdempotencyKeyInUse)
        }
        _ => match error.kind {
            // A card error with a code we do not know is still the card's refusal.
            StripeErrorType::CardError => {
                decline_error(decline.unwrap_or(DeclineCode::GenericDecline))
            }
            StripeErrorType::IdempotencyError => {
                ApiError::new(ErrorType::IdempotencyError, ErrorCode::IdempotencyKeyInUse)
            }
            StripeErrorType::ApiError
            | StripeErrorType::InvalidRequestError
            | StripeErrorType::Unknown => internal_error(),
        },
    }
}

/// Where a PaymentIntent stands, in our terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntentOutcome {
    /// `succeeded`: the money moved.
    Succeeded,
    /// `requires_capture`: authorised. The codebase counts it as paid
    /// ([`PaymentIntentStatus::is_paid`]); the order is fulfilled as for a success.
    Authorised,
    /// `processing`: the result comes by webhook or a later retrieve.
    Processing,
    /// `requires_action` with `redirect_to_url`: send the customer there.
    RequiresAction {
        /// The page, and where it returns to.
        redirect: RedirectToUrl,
    },
    /// `requires_payment_method` after an attempt: declined or failed, with why.
    Failed {
        /// The mapped `last_payment_error`.
        error: ApiError,
    },
    /// `canceled`.
    Canceled,
}

impl IntentOutcome {
    /// Our intent status for this outcome.
    pub fn status(&self) -> PaymentIntentStatus {
        match self {
            Self::Succeeded => PaymentIntentStatus::Succeeded,
            Self::Authorised => PaymentIntentStatus::RequiresCapture,
            Self::Processing => PaymentIntentStatus::Processing,
            Self::RequiresAction { .. } => PaymentIntentStatus::RequiresAction,
            Self::Failed { .. } => PaymentIntentStatus::RequiresPaymentMethod,
            Self::Canceled => PaymentIntentStatus::Canceled,
        }
    }

    /// The merchant API's `next_action`, in `requires_action`.
    pub fn next_action(&self) -> Option<NextAction> {
        match self {
            Self::RequiresAction { redirect } => Some(NextAction::RedirectToUrl {
                redirect_to_url: redirect.clone(),
            }),
            Self::Succeeded
            | Self::Authorised
            | Self::Processing
            | Self::Failed { .. }
            | Self::Canceled => None,
        }
    }

    /// The attempt's final result, in the test-mode processor's terms, once there is
    /// one; `None` while it is pending (processing, an action) or when it was canceled
    /// (no attempt result: nothing moved and nothing was declined).
    pub fn settled(&self) -> Option<Final> {
        match self {
            Self::Succeeded | Self::Authorised => Some(Final::Succeeded { disputed: false }),
            Self::Failed { error } => Some(Final::Failed {
                error: error.clone(),
            }),
            Self::Processing | Self::RequiresAction { .. } | Self::Canceled => None,
        }
    }
}

/// A PaymentIntent this server cannot continue. Each is reported at once, never waited
/// on: a customer must not be left on a spinner for a step no one will take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// A next action other than `redirect_to_url`: `use_stripe_sdk` (Stripe.js would
    /// run 3-D Secure in the page; sending `return_url` with the confirm asks for a
    /// redirect instead), a QR code, a voucher…
    #[error("unsupported next action `{kind}`: this server follows only redirect_to_url")]
    UnsupportedNextAction {
        /// Stripe's `next_action.type`.
        kind: String,
    },
    /// `requires_action` without a next action, or a redirect without its URL.
    #[error("requires_action without a redirect URL")]
    MissingRedirectUrl,
    /// `requires_confirmation`: we always confirm in the creating call, so Stripe
    /// answering this means the request was not what we meant to send.
    #[error("unexpected status requires_confirmation after a confirm")]
    UnconfirmedIntent,
    /// A status this build does not know.
    #[error("unknown PaymentIntent status")]
    UnknownStatus,
}

impl OutcomeError {
    /// What the customer is told: a server error, whose message names what happened
    /// for the logs and support (the widget shows its localised generic text).
    pub fn api_error(&self) -> ApiError {
        internal_error().with_message(self.to_string())
    }
}

/// THE status mapping: a PaymentIntent we confirmed, onto our [`IntentOutcome`].
///
/// `requires_payment_method` carries `last_payment_error` mapped by [`map_error`]
/// (without one, Stripe gave no reason: a generic decline); `requires_action` must be a
/// `redirect_to_url` with a URL, anything else is an [`OutcomeError`].
pub fn intent_outcome(intent: &PaymentIntent) -> Result<IntentOutcome, OutcomeError> {
    match intent.status {
        StripeIntentStatus::Succeeded => Ok(IntentOutcome::Succeeded),
        StripeIntentStatus::RequiresCapture => Ok(IntentOutcome::Authorised),
        StripeIntentStatus::Processing => Ok(IntentOutcome::Processing),
        StripeIntentStatus::Canceled => Ok(IntentOutcome::Canceled),
        StripeIntentStatus::RequiresPaymentMethod => Ok(IntentOutcome::Failed {
            error: intent
                .last_payment_error
                .as_ref()
                .map(map_error)
                .unwrap_or_else(|| decline_error(DeclineCode::GenericDecline)),
        }),
        StripeIntentStatus::RequiresAction => {
            let action = intent
                .next_action
                .as_ref()
                .ok_or(OutcomeError::MissingRedirectUrl)?;
            if action.kind != "redirect_to_url" {
                return Err(OutcomeError::UnsupportedNextAction {
                    kind: action.kind.clone(),
                });
            }
            let redirect = action
                .redirect_to_url
                .as_ref()
                .ok_or(OutcomeError::MissingRedirectUrl)?;
            let url = redirect
                .url
                .clone()
                .filter(|url| !url.is_empty())
                .ok_or(OutcomeError::MissingRedirectUrl)?;
            Ok(IntentOutcome::RequiresAction {
                redirect: RedirectToUrl {
                    url,
                    // Stripe echoes the return_url we sent; the URL is what matters.
                    return_url: redirect.return_url.clone().unwrap_or_default(),
                    app_url: None,
                },
            })
        }
        StripeIntentStatus::RequiresConfirmation => Err(OutcomeError::UnconfirmedIntent),
        StripeIntentStatus::Unknown => Err(OutcomeError::UnknownStatus),
    }
}
