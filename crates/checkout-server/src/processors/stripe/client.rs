//! Sends what `requests.rs` builds: reqwest with rustls, a timeout per try, and bounded
//! retries only where Stripe's idempotency makes them safe.
//!
//! A try that gets no answer (a timeout, a dropped connection), a 429 or a 5xx is sent
//! again, unchanged and with the same `Idempotency-Key`, after a growing pause: Stripe
//! replays the first outcome instead of charging twice
//! (<https://docs.stripe.com/error-low-level>). A `GET` is safe to repeat by nature. A
//! `POST` without a key is never repeated (the builders give every POST one). When the
//! tries run out without an answer Stripe stood by, the outcome is unknown
//! ([`ClientError::Unanswered`]): the caller records the attempt as such and reconciles
//! it by reading the intent, never by paying again.

use std::time::Duration;

use axum::http::Method;

use super::keys::SecretKey;
use super::requests::{RequestError, StripeRequest};
use super::transformers::{is_retryable, parse_response, ParseError, Response};

/// How long one try may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Tries after the first, for an answer that allows one.
pub const RETRIES: u32 = 2;

/// The pause before the first retry; it doubles each time.
pub const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// Why a request has no answer the adapter can act on.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request could not be built (a bug or a misconfiguration on our side).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The HTTP client could not be made.
    #[error("the HTTP client could not be built: {0}")]
    Http(String),
    /// No try was answered with something final: the outcome is unknown (`status` is
    /// the last try's, `None` when it got no answer at all).
    #[error("no final answer from Stripe after {tries} tries (last status: {status:?})")]
    Unanswered {
        /// How many tries were sent.
        tries: u32,
        /// The last try's HTTP status.
        status: Option<u16>,
    },
    /// A final answer that is not what Stripe documents.
    #[error(transparent)]
    Unreadable(#[from] ParseError),
}

/// A Stripe API client: the base URL (Stripe's, or a mock's), the secret key, and the
/// retry policy.
#[derive(Debug, Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    base_url: String,
    key: SecretKey,
    retries: u32,
    first_pause: Duration,
}

impl StripeClient {
    /// A client for `base_url` with the default timeout and retries.
    pub fn new(base_url: &str, key: SecretKey) -> Result<Self, ClientError> {
        Self::with_policy(base_url, key, TIMEOUT, RETRIES, FIRST_PAUSE)
    }

    /// A client with its own timeout per try, number of retries and first pause (tests
    /// use short ones).
    pub fn with_policy(
        base_url: &str,
        key: SecretKey,
        timeout: Duration,
        retries: u32,
        first_pause: Duration,
    ) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| ClientError::Http(e.to_string()))?;
        Ok(Self {
            http,
            base_url: base_url.to_owned(),
            key,
            retries,
            first_pause,
        })
    }

    /// Sends `request` and parses the final answer: the intent, or Stripe's error
    /// object (a decline is an answer, not a failure of the client).
    pub async fn send(&self, request: &StripeRequest) -> Result<Response, ClientError> {
        let headers = request.headers(&self.key)?;
        let repeatable = request.method == Method::GET || request.idempotency_key.is_some();
        let mut tries = 0;
        let mut pause = self.first_pause;
        loop {
            tries += 1;
            let mut call = self
                .http
                .request(request.method.clone(), request.url(&self.base_url))
                .headers(headers.clone());
            if let Some(body) = &request.body {
                call = call.body(body.clone());
            }
            let answer = match call.send().await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    match answer.bytes().await {
                        Ok(body) => Some((status, body)),
                        // The body was cut off: as good as no answer.
                        Err(_) => None,
                    }
                }
                Err(_) => None,
            };
            let status = answer.as_ref().map(|(status, _)| *status);
            if !is_retryable(status) {
                let (status, body) = answer.ok_or(ClientError::Unanswered { tries, status })?;
                return Ok(parse_response(status, &body)?);
            }
            if !repeatable || tries > self.retries {
                return Err(ClientError::Unanswered { tries, status });
            }
            tracing::info!(
                path = %request.path,
                ?status,
                tries,
                "Stripe gave no final answer; sending the same request again"
            );
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }
}
