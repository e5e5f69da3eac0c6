//! Stripe's PaymentIntents API, as the adapter will speak it: form-encoded requests with
//! the secret key, Stripe's objects decoded leniently, one mapping onto our outcomes and
//! error codes, and `Stripe-Signature` webhooks.

pub mod keys;
pub mod requests;

pub use keys::{KeyError, SecretKey, StripeKeys, WebhookSecret};
pub use requests::{
    create_and_confirm, encode_form, retrieve_intent, CreateAndConfirm, PaymentMethodType,
    RequestError, RequestThreeDSecure, Session, StripeRequest, STRIPE_VERSION,
};
