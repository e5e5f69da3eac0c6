//! Stripe's PaymentIntents API, as the adapter (`adapter.rs`) speaks it: form-encoded requests with
//! the secret key, Stripe's objects decoded leniently, one mapping onto our outcomes and
//! error codes, and `Stripe-Signature` webhooks.
//!
//! Followed from Stripe's documentation: the PaymentIntent object
//! (<https://docs.stripe.com/api/payment_intents/object>), the Error object and HTTP
//! status codes (<https://docs.stripe.com/api/errors>), error codes
//! (<https://docs.stripe.com/error-codes>), retries and idempotency
//! (<https://docs.stripe.com/error-low-level>), the Event object
//! (<https://docs.stripe.com/api/events/object>) and manual signature checks
//! (<https://docs.stripe.com/webhooks#verify-manually>).

pub mod adapter;
pub mod client;
pub mod keys;
pub mod requests;
pub mod transformers;
pub mod webhook;

pub use adapter::{outcome_of, test_payment_method, StripeProcessor};
pub use client::{ClientError, StripeClient};
pub use keys::{KeyError, SecretKey, StripeKeys, WebhookSecret};
pub use requests::{
    cancel_intent, create_and_confirm, create_and_confirm_setup, create_card_method,
    create_customer, encode_form, retrieve_intent, retrieve_setup_intent, CreateAndConfirm,
    PaymentMethodType, RequestError, RequestThreeDSecure, Session, StripeRequest, STRIPE_VERSION,
};
pub use transformers::{
    intent_outcome, is_retryable, map_error, parse_created, parse_response, parse_setup_response,
    Created, IntentOutcome, OutcomeError, ParseError, PaymentIntent, Response, SetupIntentObject,
    StripeError, StripeErrorType, StripeIntentStatus,
};
pub use webhook::{
    construct_event, parse_event, sign, verify_signature, Dispute, EventKind, SignatureError,
    StripeEvent, WebhookError, SIGNATURE_HEADER, TOLERANCE_SECONDS,
};
