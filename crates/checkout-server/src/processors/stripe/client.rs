//! Sends what `requests.rs` builds to Stripe (or a mock of it) through
//! [`crate::processors::http::Sender`]: a timeout per try, and the same request with
//! the same `Idempotency-Key` again after no answer, a 429 or a 5xx, which Stripe
//! replays instead of charging twice (<https://docs.stripe.com/error-low-level>).

use axum::body::Bytes;

use super::keys::SecretKey;
use super::requests::{RequestError, StripeRequest};
use super::transformers::{
    is_retryable, parse_created, parse_response, parse_setup_response, Created, ParseError,
    Response,
};
use crate::processors::http::{self, Client, Outgoing};

/// Why a request to Stripe has no answer the adapter can act on.
pub type ClientError = http::ClientError<RequestError, ParseError>;

/// A Stripe API client.
pub type StripeClient = Client<SecretKey>;

impl Client<SecretKey> {
    /// Sends `request` and parses the final answer: the intent, or Stripe's error
    /// object (a decline is an answer, not a failure of the client).
    pub async fn send(&self, request: &StripeRequest) -> Result<Response, ClientError> {
        let (status, body) = self.exchange(request).await?;
        parse_response(status, &body).map_err(ClientError::Unreadable)
    }

    /// Sends a SetupIntent request and parses the answer: the setup (in a
    /// PaymentIntent's shape), or Stripe's error object.
    pub async fn send_setup(&self, request: &StripeRequest) -> Result<Response, ClientError> {
        let (status, body) = self.exchange(request).await?;
        parse_setup_response(status, &body).map_err(ClientError::Unreadable)
    }

    /// Sends a create (a PaymentMethod, a Customer) and parses its answer: the new
    /// object's id, or Stripe's error object.
    pub async fn create(&self, request: &StripeRequest) -> Result<Created, ClientError> {
        let (status, body) = self.exchange(request).await?;
        parse_created(status, &body).map_err(ClientError::Unreadable)
    }

    /// The final status and body, after the retries the policy allows.
    async fn exchange(&self, request: &StripeRequest) -> Result<(u16, Bytes), ClientError> {
        let outgoing = Outgoing {
            method: request.method.clone(),
            url: request.url(&self.base_url),
            headers: request.headers(&self.key).map_err(ClientError::Request)?,
            body: request.body.as_deref(),
            idempotent: request.idempotency_key.is_some(),
        };
        Ok(self.sender.send(outgoing, is_retryable).await?)
    }
}
