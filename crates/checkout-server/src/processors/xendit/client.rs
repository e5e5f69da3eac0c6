//! Sends what `requests.rs` builds to Xendit (or a mock of it) through
//! [`crate::processors::http::Sender`]: a timeout per try, and the same request with
//! the same `Idempotency-key` again after no answer, a 429 or a 5xx.

use super::keys::SecretKey;
use super::requests::{RequestError, XenditRequest};
use super::transformers::{is_retryable, parse_response, ParseError, Response};
use crate::processors::http::{self, Client, Outgoing};

/// Why a request to Xendit has no answer the adapter can act on.
pub type ClientError = http::ClientError<RequestError, ParseError>;

/// A Xendit API client.
pub type XenditClient = Client<SecretKey>;

impl Client<SecretKey> {
    /// Sends `request` and parses the final answer: the payment request, or Xendit's
    /// error body (a decline is an answer, not a failure of the client).
    pub async fn send(&self, request: &XenditRequest) -> Result<Response, ClientError> {
        let outgoing = Outgoing {
            method: request.method.clone(),
            url: request.url(&self.base_url),
            headers: request.headers(&self.key).map_err(ClientError::Request)?,
            body: request.body.as_deref(),
            idempotent: request.idempotency_key.is_some(),
        };
        let (status, body) = self.sender.send(outgoing, is_retryable).await?;
        parse_response(status, &body).map_err(ClientError::Unreadable)
    }
}
