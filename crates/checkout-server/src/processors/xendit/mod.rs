//! Xendit's Payments API v3, as the adapter (`adapter.rs`) speaks it: JSON payment requests with
//! Basic auth and a pinned `api-version`, amounts in exact major units, Xendit's
//! objects decoded leniently, one mapping onto our outcomes and error codes, and
//! `x-callback-token` webhooks.
//!
//! Followed from Xendit's documentation: "Create a payment request"
//! (<https://docs.xendit.co/apidocs/create-payment-request>), "Pay and save"
//! (<https://docs.xendit.co/docs/pay-and-save>), "Pay with tokens"
//! (<https://docs.xendit.co/docs/pay-with-tokens>), the payment and payment token
//! webhooks (<https://docs.xendit.co/apidocs/payment-webhook-notification>,
//! <https://docs.xendit.co/apidocs/payment-token-webhook-notification>) and "Handling
//! webhooks" (<https://docs.xendit.co/docs/handling-webhooks>).

pub mod adapter;
pub mod amount;
pub mod client;
pub mod keys;
pub mod requests;
pub mod transformers;
pub mod webhook;

pub use adapter::{outcome_of, XenditProcessor};
pub use amount::{xendit_decimals, AmountError, MajorAmount};
pub use client::{ClientError, XenditClient};
pub use keys::{CallbackToken, KeyError, SecretKey, XenditKeys};
pub use requests::{
    cancel_payment_request, create_payment_request, retrieve_payment_request, CreatePaymentRequest,
    Customer, PaymentSource, RequestError, ReturnUrls, XenditRequest, API_VERSION,
};
pub use transformers::{
    failure_error, is_retryable, map_error, parse_response, payment_outcome, Action, OutcomeError,
    ParseError, PaymentOutcome, PaymentRequest, Response, XenditError, XenditStatus,
};
pub use webhook::{
    construct_event, parse_event, verify_callback_token, EventKind, Payment, PaymentStatus,
    PaymentToken, PaymentTokenStatus, TokenError, WebhookError, XenditEvent, CALLBACK_TOKEN_HEADER,
};
