//! Xendit's wire objects (the payment request, the error body) and the one mapping
//! from them onto our outcomes and error codes, in the manner of Hyperswitch's
//! `transformers.rs`.
//!
//! Decoding is lenient, as at every edge: an unknown status decodes to `Unknown`,
//! action types, descriptors and codes stay strings until the mapping reads them,
//! unknown fields are ignored. Inside, the mapping is exhaustive: a status Xendit adds
//! later is a compile error in [`payment_outcome`] once it is named in [`XenditStatus`].
//!
//! Shapes from "Create a payment request" and "Get a payment request"
//! (<https://docs.xendit.co/apidocs/create-payment-request>), statuses from the "Pay
//! and save" lifecycle (<https://docs.xendit.co/docs/pay-and-save>), failure and error
//! codes from the same reference.

use std::collections::BTreeMap;

use payment_core::api::{DisplayQrCode, NextAction, PaymentIntentStatus, RedirectToUrl, Timestamp};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::money::{Currency, Money};
use serde::{Deserialize, Serialize};

use super::amount::{AmountError, MajorAmount};
use crate::processor::{authentication_failed, decline_error, Final};

/// A payment request's `status`, as Xendit sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum XenditStatus {
    /// The customer must act: a wallet page or app, a QR code to scan.
    RequiresAction,
    /// Submitted; the channel has not answered yet. The result comes by webhook.
    Pending,
    /// Approved and held, to be captured (manual capture only; we capture
    /// automatically, so it is a step on the way to `SUCCEEDED`).
    Authorized,
    /// Paid.
    Succeeded,
    /// Failed; `failure_code` says why.
    Failed,
    /// Canceled by us before the customer acted.
    Canceled,
    /// The channel's time ran out before the customer acted.
    Expired,
    /// A reusable payment code (static QR, fixed virtual account) taking payments.
    /// Only `REUSABLE_PAYMENT_CODE` requests reach it, which this adapter never sends.
    AcceptingPayments,
    /// A status this build does not know.
    #[serde(other)]
    Unknown,
}

impl XenditStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiresAction => "REQUIRES_ACTION",
            Self::Pending => "PENDING",
            Self::Authorized => "AUTHORIZED",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Canceled => "CANCELED",
            Self::Expired => "EXPIRED",
            Self::AcceptingPayments => "ACCEPTING_PAYMENTS",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// One of `actions[]`: what the merchant must do for the payment to go on.
///
/// Type and descriptor stay strings, not enums: of Xendit's three types and eight
/// descriptors this server follows two pairs, and the one thing to do with the rest is
/// to name them in an "unsupported next action" error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// `REDIRECT_CUSTOMER`, `PRESENT_TO_CUSTOMER`, `API_POST_REQUEST`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `WEB_URL`, `DEEPLINK_URL`, `QR_STRING`, `VIRTUAL_ACCOUNT_NUMBER`, …
    #[serde(default)]
    pub descriptor: String,
    /// The URL, the QR string, the account number.
    #[serde(default)]
    pub value: String,
}

impl Action {
    fn is(&self, kind: &str, descriptor: &str) -> bool {
        self.kind == kind && self.descriptor == descriptor && !self.value.is_empty()
    }
}

/// The `channel_properties` the adapter reads back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelProperties {
    /// Where the wallet returns the customer after a success: our return page.
    #[serde(default)]
    pub success_return_url: Option<String>,
    /// After a failure.
    #[serde(default)]
    pub failure_return_url: Option<String>,
    /// After a cancel.
    #[serde(default)]
    pub cancel_return_url: Option<String>,
    /// When a QR code stops working, ISO 8601.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// The payment request object, the fields the adapter needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    /// `pr-…`.
    pub payment_request_id: String,
    /// Our payment intent id, as we sent it.
    pub reference_id: String,
    /// `PAY`, `PAY_AND_SAVE`, `REUSABLE_PAYMENT_CODE`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Where it stands.
    pub status: XenditStatus,
    /// Upper-case ISO code.
    pub currency: Currency,
    /// In major units.
    #[serde(default)]
    pub request_amount: Option<MajorAmount>,
    /// `GCASH`, `QRIS`, …
    #[serde(default)]
    pub channel_code: Option<String>,
    /// The return URLs we sent, a QR code's expiry.
    #[serde(default)]
    pub channel_properties: ChannelProperties,
    /// What the customer must do, in `REQUIRES_ACTION`.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The saved wallet: the token a `PAY_AND_SAVE` created, or the one a `PAY`
    /// charged.
    #[serde(default)]
    pub payment_token_id: Option<String>,
    /// The Xendit customer (`cust-…`).
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The latest payment (`py-…`) of this request.
    #[serde(default)]
    pub latest_payment_id: Option<String>,
    /// Why it failed, with `FAILED`.
    #[serde(default)]
    pub failure_code: Option<String>,
    /// Our `order_id`, among others (values may be any JSON).
    #[serde(default)]
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// ISO 8601.
    #[serde(default)]
    pub created: Option<String>,
}

impl PaymentRequest {
    /// The amount as [`Money`]; `None` when Xendit sent none.
    pub fn money(&self) -> Option<Result<Money, AmountError>> {
        self.request_amount
            .as_ref()
            .map(|amount| amount.to_money(self.currency))
    }

    /// Our order, from `metadata.order_id`.
    pub fn order_id(&self) -> Option<&str> {
        self.metadata
            .get("order_id")
            .and_then(|value| value.as_str())
    }

    /// The wallet this payment saved: the `payment_token_id` of a `PAY_AND_SAVE`.
    /// (On a `PAY` the field names the token that was charged, nothing new.)
    pub fn saved_payment_token(&self) -> Option<&str> {
        if self.kind == "PAY_AND_SAVE" {
            self.payment_token_id.as_deref()
        } else {
            None
        }
    }
}

/// Xendit's error body: `{"error_code": "...", "message": "..."}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct XenditError {
    /// `API_VALIDATION_ERROR`, `INVALID_TOKEN`, `SERVER_ERROR`, … (kept as sent; see
    /// [`map_error`]).
    #[serde(default)]
    pub error_code: String,
    /// Xendit's English message (for logs; customers get our localised one).
    #[serde(default)]
    pub message: Option<String>,
}

/// A parsed answer from Xendit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// 2xx: the payment request.
    PaymentRequest(Box<PaymentRequest>),
    /// Not 2xx: the error body, with the HTTP status.
    Error {
        /// The HTTP status.
        status: u16,
        /// The error body.
        error: XenditError,
    },
}

/// An answer that is not what Xendit documents (an HTML page from a proxy, a truncated
/// body). Whether to retry is [`is_retryable`]'s call, from the status alone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable Xendit response (HTTP {status}): {reason}")]
pub struct ParseError {
    /// The HTTP status.
    pub status: u16,
    /// What did not parse.
    pub reason: String,
}

/// Parses a payment request endpoint's answer: the payment request on 2xx, the error
/// body otherwise.
pub fn parse_response(status: u16, body: &[u8]) -> Result<Response, ParseError> {
    let failed = |err: serde_json::Error| ParseError {
        status,
        reason: err.to_string(),
    };
    if (200..300).contains(&status) {
        let request: PaymentRequest = serde_json::from_slice(body).map_err(failed)?;
        Ok(Response::PaymentRequest(Box::new(request)))
    } else {
        let error: XenditError = serde_json::from_slice(body).map_err(failed)?;
        Ok(Response::Error { status, error })
    }
}

/// Whether to send the same request again, with the same `Idempotency-key`.
///
/// `None` is no answer at all (a timeout, a dropped connection): the payment request
/// may or may not exist, and the key makes Xendit answer with the first one instead of
/// creating a second. 429 is the rate limiter; a 5xx (`SERVER_ERROR`,
/// `CHANNEL_UNAVAILABLE`, `ISSUER_UNAVAILABLE`) leaves the result unknown or the channel
/// briefly down, and the same key settles it. Any other 4xx is Xendit's final word for
/// these parameters, and a 409 is settled by reading, never by resending.
pub fn is_retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(status) => status == 429 || (500..=599).contains(&status),
    }
}

/// Something failed that neither the customer nor a retry of theirs can fix (our
/// request was wrong, Xendit failed, the key or the account settings are wrong): the
/// generic server error.
fn internal_error() -> ApiError {
    ApiError::new(ErrorType::ApiError, ErrorCode::InternalError)
}

/// A payment's `failure_code` onto the error the customer sees, with the same codes the
/// test-mode processor reports for the same outcomes.
///
/// - Balance, limits and the issuer's refusals are declines (`insufficient_funds`,
///   `card_velocity_exceeded`, `expired_card`, `incorrect_cvc`, `stolen_card`,
///   `generic_decline`); a saved wallet that was unlinked or blocked is a generic
///   decline, so the customer picks another method.
/// - The customer refusing or not finishing the approval in the wallet (declined, did
///   not authorise, OTP wrong or expired, the request expired) is
///   `payment_intent_authentication_failure`, as a refused 3-D Secure challenge is.
/// - A channel or partner that failed or timed out is `processing_error` ("try again in
///   a little bit").
/// - Our merchant settings or credentials at fault are `internal_error`.
/// - `FAILURE_DETAILS_UNAVAILABLE`, none, or a code this build does not know: a generic
///   decline, which tells the customer nothing false.
pub fn failure_error(failure_code: Option<&str>) -> ApiError {
    match failure_code.unwrap_or_default() {
        "INSUFFICIENT_BALANCE" => decline_error(DeclineCode::InsufficientFunds),
        "PAYMENT_AMOUNT_LIMITS_EXCEEDED"
        | "PAYMENT_ATTEMPT_COUNTS_EXCEEDED"
        | "OTP_ATTEMPT_COUNTS_EXCEEDED" => decline_error(DeclineCode::CardVelocityExceeded),
        "EXPIRED_CARD" => decline_error(DeclineCode::ExpiredCard),
        "INVALID_CVV" => decline_error(DeclineCode::IncorrectCvc),
        "STOLEN_CARD" => decline_error(DeclineCode::StolenCard),
        "USER_DECLINED_PAYMENT"
        | "USER_DID_NOT_AUTHORIZE"
        | "AUTHENTICATION_FAILED"
        | "EXPIRED_OTP"
        | "INVALID_OTP"
        | "PAYMENT_REQUEST_EXPIRED" => authentication_failed(),
        "CHANNEL_UNAVAILABLE"
        | "ISSUER_UNAVAILABLE"
        | "PARTNER_TIMEOUT_ERROR"
        | "TIMEOUT_ERROR"
        | "SERVER_ERROR"
        | "PROCESSOR_ERROR"
        | "USER_DEVICE_UNREACHABLE" => decline_error(DeclineCode::ProcessingError),
        "INVALID_MERCHANT_SETTINGS" | "INVALID_MERCHANT_CREDENTIALS" => internal_error(),
        // CARD_DECLINED, DECLINED_BY_ISSUER, DECLINED_BY_PROCESSOR, SUSPECTED_FRAUDULENT,
        // INACTIVE_OR_UNAUTHORIZED_CARD, ACCOUNT_ACCESS_BLOCKED, INVALID_ACCOUNT_DETAILS,
        // ACCOUNT_NOT_ACTIVATED, INVALID_TOKEN, FAILURE_DETAILS_UNAVAILABLE, unknown.
        _ => decline_error(DeclineCode::GenericDecline),
    }
}

/// Xendit's error body onto the merchant API's error.
///
/// - 409 (Xendit's duplicate error, whatever its `error_code`: the reference documents
///   `DATA_NOT_FOUND` under "DuplicateError", and `DUPLICATE_ERROR` and
///   `IDEMPOTENCY_ERROR` are the names in use elsewhere) is our `idempotency_key_in_use`,
///   except `ACCOUNT_ALREADY_LINKED`, which is ours to sort out: `internal_error`.
/// - 404 is `resource_missing` (a retrieve of an id Xendit does not know).
/// - `CARD_EXPIRED` is an `expired_card` decline; `INVALID_TOKEN` and
///   `ACCOUNT_ACCESS_BLOCKED` (a saved wallet unlinked or blocked) a generic decline;
///   `INVALID_PAYMENT_DETAILS` (what the customer typed, a phone number) is
///   `parameter_invalid`, theirs to fix.
/// - `CHANNEL_UNAVAILABLE` and `ISSUER_UNAVAILABLE` are `processing_error`: nothing was
///   charged, try again later or another method.
/// - Validation errors (`API_VALIDATION_ERROR`, `INVALID_VALUE_ERROR`), rate limits,
///   `SERVER_ERROR`, our settings (`SKIP_3DS_FORBIDDEN`, `INVALID_MERCHANT_SETTINGS`),
///   authentication and anything unknown are `internal_error` (whether to retry is
///   [`is_retryable`]'s call).
pub fn map_error(status: u16, error: &XenditError) -> ApiError {
    let code = error.error_code.as_str();
    if status == 409 {
        return if code == "ACCOUNT_ALREADY_LINKED" {
            internal_error()
        } else {
            ApiError::new(ErrorType::IdempotencyError, ErrorCode::IdempotencyKeyInUse)
        };
    }
    match code {
        "DUPLICATE_ERROR" | "IDEMPOTENCY_ERROR" => {
            ApiError::new(ErrorType::IdempotencyError, ErrorCode::IdempotencyKeyInUse)
        }
        "CARD_EXPIRED" => decline_error(DeclineCode::ExpiredCard),
        "INVALID_TOKEN" | "ACCOUNT_ACCESS_BLOCKED" => decline_error(DeclineCode::GenericDecline),
        "INVALID_PAYMENT_DETAILS" => {
            ApiError::new(ErrorType::InvalidRequestError, ErrorCode::ParameterInvalid)
        }
        "CHANNEL_UNAVAILABLE" | "ISSUER_UNAVAILABLE" => decline_error(DeclineCode::ProcessingError),
        _ if status == 404 => {
            ApiError::new(ErrorType::InvalidRequestError, ErrorCode::ResourceMissing)
        }
        _ => internal_error(),
    }
}

/// Where a payment request stands, in our terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// `SUCCEEDED`: the money moved.
    Succeeded,
    /// `AUTHORIZED`: approved and held. Counted as paid like Stripe's
    /// `requires_capture` ([`PaymentIntentStatus::is_paid`]); with automatic capture
    /// the capture follows by itself.
    Authorised,
    /// `PENDING`: the result comes by webhook or a later retrieve.
    Processing,
    /// `REQUIRES_ACTION`: send the customer to the wallet, or show the QR code.
    RequiresAction {
        /// Our next action.
        next_action: NextAction,
    },
    /// `FAILED`: declined or failed, with why.
    Failed {
        /// The mapped `failure_code`.
        error: ApiError,
    },
    /// `CANCELED` or `EXPIRED`: nothing moved.
    Canceled,
}

impl PaymentOutcome {
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
            Self::RequiresAction { next_action } => Some(next_action.clone()),
            Self::Succeeded
            | Self::Authorised
            | Self::Processing
            | Self::Failed { .. }
            | Self::Canceled => None,
        }
    }

    /// The attempt's final result, in the test-mode processor's terms, once there is
    /// one; `None` while it is pending (processing, an action) or when it was canceled
    /// or expired (no attempt result: nothing moved and nothing was declined).
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

/// A payment request this server cannot continue. Each is reported at once, never
/// waited on: a customer must not be left on a spinner for a step no one will take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// `REQUIRES_ACTION` with actions, none of which this server follows (an OTP to
    /// validate, a virtual account number, a server-side `API_POST_REQUEST`…).
    #[error("unsupported next action `{kind}`/`{descriptor}`: this server follows only REDIRECT_CUSTOMER (WEB_URL, DEEPLINK_URL) and PRESENT_TO_CUSTOMER (QR_STRING)")]
    UnsupportedNextAction {
        /// The first action's `type`.
        kind: String,
        /// Its `descriptor`.
        descriptor: String,
    },
    /// `REQUIRES_ACTION` with no action at all.
    #[error("REQUIRES_ACTION without any action")]
    MissingAction,
    /// `ACCEPTING_PAYMENTS`: a reusable payment code, which we never create.
    #[error("unexpected status ACCEPTING_PAYMENTS for a single payment")]
    UnexpectedReusableCode,
    /// A status this build does not know.
    #[error("unknown payment request status")]
    UnknownStatus,
}

impl OutcomeError {
    /// What the customer is told: a server error, whose message names what happened
    /// for the logs and support (the widget shows its localised generic text).
    pub fn api_error(&self) -> ApiError {
        internal_error().with_message(self.to_string())
    }
}

/// `REQUIRES_ACTION`'s `actions[]` onto our next action.
///
/// A redirect wins: `WEB_URL` is the page, and a `DEEPLINK_URL` beside it becomes the
/// app link a phone opens instead; a deeplink alone is the page too. Otherwise a
/// `QR_STRING` is shown as a QR code, expiring at `channel_properties.expires_at`.
/// Actions this server does not follow are skipped when a followed one is present
/// (a VietQR answer carries both an account number and a QR string).
fn next_action(request: &PaymentRequest) -> Result<NextAction, OutcomeError> {
    let find = |kind: &str, descriptor: &str| {
        request
            .actions
            .iter()
            .find(|action| action.is(kind, descriptor))
            .map(|action| action.value.clone())
    };
    let web = find("REDIRECT_CUSTOMER", "WEB_URL");
    let deeplink = find("REDIRECT_CUSTOMER", "DEEPLINK_URL");
    let return_url = request
        .channel_properties
        .success_return_url
        .clone()
        .unwrap_or_default();
    let redirect = match (web, deeplink) {
        (Some(url), app_url) => Some(RedirectToUrl {
            url,
            return_url,
            app_url,
        }),
        (None, Some(url)) => Some(RedirectToUrl {
            url,
            return_url,
            app_url: None,
        }),
        (None, None) => None,
    };
    if let Some(redirect_to_url) = redirect {
        return Ok(NextAction::RedirectToUrl { redirect_to_url });
    }
    if let Some(data) = find("PRESENT_TO_CUSTOMER", "QR_STRING") {
        return Ok(NextAction::DisplayQrCode {
            display_qr_code: DisplayQrCode {
                data,
                expires_at: request
                    .channel_properties
                    .expires_at
                    .as_deref()
                    .and_then(parse_timestamp),
                image_url_svg: None,
            },
        });
    }
    match request.actions.first() {
        Some(action) => Err(OutcomeError::UnsupportedNextAction {
            kind: action.kind.clone(),
            descriptor: action.descriptor.clone(),
        }),
        None => Err(OutcomeError::MissingAction),
    }
}

/// THE status mapping: a payment request we created, onto our [`PaymentOutcome`], as
/// DESIGN.md lists it: `REQUIRES_ACTION` → `requires_action`, `PENDING` →
/// `processing`, `SUCCEEDED` → `succeeded`, `FAILED` → `requires_payment_method`,
/// `CANCELED` and `EXPIRED` → `canceled`. Decided here: `AUTHORIZED` →
/// `requires_capture` (paid, as Stripe's `requires_capture`), and
/// `ACCEPTING_PAYMENTS` → an error, since only reusable payment codes reach it.
pub fn payment_outcome(request: &PaymentRequest) -> Result<PaymentOutcome, OutcomeError> {
    match request.status {
        XenditStatus::Succeeded => Ok(PaymentOutcome::Succeeded),
        XenditStatus::Authorized => Ok(PaymentOutcome::Authorised),
        XenditStatus::Pending => Ok(PaymentOutcome::Processing),
        XenditStatus::Canceled | XenditStatus::Expired => Ok(PaymentOutcome::Canceled),
        XenditStatus::Failed => Ok(PaymentOutcome::Failed {
            error: failure_error(request.failure_code.as_deref()),
        }),
        XenditStatus::RequiresAction => Ok(PaymentOutcome::RequiresAction {
            next_action: next_action(request)?,
        }),
        XenditStatus::AcceptingPayments => Err(OutcomeError::UnexpectedReusableCode),
        XenditStatus::Unknown => Err(OutcomeError::UnknownStatus),
    }
}

/// Unix seconds of an RFC 3339 / ISO 8601 UTC time as Xendit writes it
/// (`2025-01-15T23:59:59Z`, `2021-12-02T14:52:21.566Z`, or with a `+07:00` offset);
/// `None` for anything else, so a QR code without a readable expiry still shows.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Skip a fraction of a second, then read the zone.
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let value = |a: u8, b: u8| i64::from(a - b'0') * 10 + i64::from(b - b'0');
            let seconds = value(*h1, *h2) * 3600 + value(*m1, *m2) * 60;
            if *sign == b'+' {
                seconds
            } else {
                -seconds
            }
        }
        _ => return None,
    };
    // Civil date to days, after Howard Hinnant's public-domain `days_from_civil`.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_as_xendit_writes_them() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2025-01-15T23:59:59Z"), Some(1_736_985_599));
        assert_eq!(
            parse_timestamp("2021-12-02T14:52:21.566Z"),
            Some(1_638_456_741)
        );
        assert_eq!(parse_timestamp("2024-02-29T23:59:59Z"), Some(1_709_251_199));
        assert_eq!(
            parse_timestamp("2025-01-16T06:59:59+07:00"),
            Some(1_736_985_599)
        );
        for bad in [
            "",
            "2025-01-15",
            "2025-01-15T23:59:59",
            "2025-13-15T23:59:59Z",
            "2025-01-15T23:59:59.Z",
            "2025-01-15 23:59:59Z",
            "2025-01-15T23:59:59+0700",
            "yesterday at noon, Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
