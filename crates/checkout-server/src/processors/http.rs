//! Sending a processor request: reqwest with rustls, a timeout per try, and bounded
//! retries only where the processor's idempotency makes them safe. Stripe's and
//! Xendit's clients are a [`Client`] with their own key, each with its `send`.
//!
//! A try that gets no answer (a timeout, a dropped connection), a 429 or a 5xx is sent
//! again, unchanged and with the same idempotency key, after a growing pause: the
//! processor replays the first outcome instead of charging twice. A `GET` is safe to
//! repeat by nature; a `POST` without a key is never repeated. When the tries run out
//! without a final answer, the outcome is unknown ([`Unanswered`]): the caller records
//! the attempt as such and reconciles it by reading it back, never by paying again.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};

/// How long one try may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Tries after the first, for an answer that allows one.
pub const RETRIES: u32 = 2;

/// The pause before the first retry; it doubles each time.
pub const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// No try got a final answer: the outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no final answer after {tries} tries (last status: {status:?})")]
pub struct Unanswered {
    /// How many tries were sent.
    pub tries: u32,
    /// The last try's HTTP status; `None` when it got no answer at all.
    pub status: Option<u16>,
}

/// One request, as the processor's builders made it.
pub struct Outgoing<'a> {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// The headers, credentials included.
    pub headers: HeaderMap,
    /// The body, for POSTs.
    pub body: Option<&'a str>,
    /// Whether it carries an idempotency key (a POST without one is never repeated).
    pub idempotent: bool,
}

/// The HTTP client and the retry policy.
#[derive(Debug, Clone)]
pub struct Sender {
    http: reqwest::Client,
    retries: u32,
    first_pause: Duration,
}

impl Sender {
    /// A sender with its timeout per try, number of retries and first pause.
    pub fn new(timeout: Duration, retries: u32, first_pause: Duration) -> reqwest::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder().timeout(timeout).build()?,
            retries,
            first_pause,
        })
    }

    /// Sends `request` until it gets a final answer (`is_retryable` says which are
    /// not), or the retries run out: the final status and body.
    pub async fn send(
        &self,
        request: Outgoing<'_>,
        is_retryable: fn(Option<u16>) -> bool,
    ) -> Result<(u16, Bytes), Unanswered> {
        let repeatable = request.method == Method::GET || request.idempotent;
        let mut tries = 0;
        let mut pause = self.first_pause;
        loop {
            tries += 1;
            let mut call = self
                .http
                .request(request.method.clone(), &request.url)
                .headers(request.headers.clone());
            if let Some(body) = request.body {
                call = call.body(body.to_owned());
            }
            let answer = match call.send().await {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    // A body cut off is as good as no answer.
                    answer.bytes().await.ok().map(|body| (status, body))
                }
                Err(_) => None,
            };
            let status = answer.as_ref().map(|(status, _)| *status);
            if !is_retryable(status) {
                return answer.ok_or(Unanswered { tries, status });
            }
            if !repeatable || tries > self.retries {
                return Err(Unanswered { tries, status });
            }
            tracing::info!(
                url = %request.url,
                ?status,
                tries,
                "no final answer from the processor; sending the same request again"
            );
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }
}

/// Why a request has no answer the adapter can act on; `R` is why the processor's
/// builder refused it, `P` why its answer did not parse.
#[derive(Debug, thiserror::Error)]
pub enum ClientError<R: std::error::Error, P: std::error::Error> {
    /// The request could not be built (a bug or a misconfiguration on our side).
    #[error(transparent)]
    Request(R),
    /// The HTTP client could not be made.
    #[error("the HTTP client could not be built: {0}")]
    Http(String),
    /// No try was answered with something final: the outcome is unknown.
    #[error(transparent)]
    Unanswered(#[from] Unanswered),
    /// A final answer that is not what the processor documents.
    #[error(transparent)]
    Unreadable(P),
}

/// A processor's API client: a [`Sender`], the base URL (the processor's, or a mock's)
/// and the secret key `K`.
#[derive(Debug, Clone)]
pub struct Client<K> {
    /// Sends with the retry policy.
    pub(crate) sender: Sender,
    /// `https://api.stripe.com`, `https://api.xendit.co`, or a mock's address.
    pub(crate) base_url: String,
    /// The secret key (its `Debug` is redacted).
    pub(crate) key: K,
}

impl<K> Client<K> {
    /// A client for `base_url` with the default timeout and retries.
    pub fn new(base_url: &str, key: K) -> reqwest::Result<Self> {
        Self::with_policy(base_url, key, TIMEOUT, RETRIES, FIRST_PAUSE)
    }

    /// A client with its own timeout per try, number of retries and first pause (tests
    /// use short ones).
    pub fn with_policy(
        base_url: &str,
        key: K,
        timeout: Duration,
        retries: u32,
        first_pause: Duration,
    ) -> reqwest::Result<Self> {
        Ok(Self {
            sender: Sender::new(timeout, retries, first_pause)?,
            base_url: base_url.to_owned(),
            key,
        })
    }
}
