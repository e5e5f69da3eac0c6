//! The merchant-API client: the four calls of the submit flow and the return page, on
//! `fetch` (src/fetch.rs), behind the [`MerchantApi`] trait so browser tests use a fake.
//!
//! Retries, and why only these:
//! - `GET /payment_intents/{id}` is safe: unanswered calls and 5xx answers are retried
//!   with backoff and jitter ([`crate::model::confirm::retry_delay_ms`]).
//! - The confirm calls carry an `Idempotency-Key`: an unanswered one is sent again with
//!   the same key and body, and the server replays the first answer instead of charging
//!   twice. An answered error is never retried (the server would only replay it).
//! - `POST /confirmation_tokens` has no key and is never retried blindly: a retry after
//!   a lost answer would make a second token. That is harmless (tokens are single-use,
//!   expire, and charge nothing), so the customer's next Pay simply makes a new one.
//!
//! Every call times out (30 s by default) through an `AbortController`.

use crate::model::confirm::{retry_delay_ms, unreadable_answer, Attempt, CallError, IntentRef};
use crate::model::vaulted::Vaulted;
use crate::net::json;
use payment_core::api::{ConfirmationToken, CreateConfirmationToken, PaymentIntent};
use payment_core::error::{ErrorCode, ErrorType};
use payment_core::secret::ClientSecret;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// A future on the browser's single thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Which order a confirm pays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// The storefront's order (`ord_…`, from `POST /orders`): the server keeps one
    /// payment per order and refuses to charge a paid one.
    pub order: Option<String>,
    /// Which of the reference server's carts (`eu`, `ph`, `id`), when no order is named
    /// (or the order's own market); the server's default cart when both are absent.
    pub market: Option<String>,
}

/// What one Pay sends: the token request, what of it the payments origin tokenizes
/// first, and the order it pays. A confirm whose outcome is unknown is resent with
/// exactly these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// The confirmation token request (the payment details, without card data).
    pub request: CreateConfirmationToken,
    /// The card (or a saved card's CVC) that becomes a vault token in `request` when a
    /// confirmation token is made.
    pub vaulted: Option<Vaulted>,
    /// The order.
    pub placement: Placement,
}

/// Exchanges what only the payments origin may see for its token (`card_tok_…` or
/// `cvc_tok_…`): through the card frame, or, for inline fields, the vault's API.
pub type Tokenize = Rc<dyn Fn(Vaulted) -> LocalFuture<Result<String, CallError>>>;

/// What the widget asks of the merchant backend.
pub trait MerchantApi {
    /// `POST /confirmation_tokens`; `bearer` is the customer-session secret, needed for
    /// a saved payment method.
    fn create_confirmation_token(
        &self,
        request: CreateConfirmationToken,
        bearer: Option<ClientSecret>,
    ) -> LocalFuture<Result<ConfirmationToken, CallError>>;

    /// `POST /create-confirm-intent` with an `Idempotency-Key`, for the order
    /// `placement` names. The server prices the order: no amount is ever sent.
    fn create_confirm_intent(
        &self,
        token_id: String,
        placement: Placement,
        idempotency_key: String,
    ) -> LocalFuture<Result<PaymentIntent, CallError>>;

    /// `GET /orders/{id}`: the order's payment intent (with its client secret), if it
    /// has one yet.
    fn order_intent(&self, id: String) -> LocalFuture<Result<Option<PaymentIntent>, CallError>>;

    /// `POST /payment_intents/{id}/confirm`: a new attempt on a declined or abandoned
    /// intent, with an `Idempotency-Key`.
    fn confirm_intent(
        &self,
        id: String,
        client_secret: ClientSecret,
        token_id: String,
        idempotency_key: String,
    ) -> LocalFuture<Result<PaymentIntent, CallError>>;

    /// `GET /payment_intents/{id}?client_secret=…`.
    fn payment_intent(
        &self,
        id: String,
        client_secret: ClientSecret,
    ) -> LocalFuture<Result<PaymentIntent, CallError>>;
}

/// A shared handle on an implementation, cheap to clone into event handlers.
#[derive(Clone)]
pub struct Api(pub Rc<dyn MerchantApi>);

impl Api {
    /// The real client for `base` (e.g. `/api`).
    pub fn http(base: impl Into<String>) -> Api {
        Api(Rc::new(HttpClient::new(base)))
    }

    /// Sends one attempt that got past the submit guard: makes its token (unless an
    /// unanswered confirm's token is being sent again), then creates and confirms the
    /// intent, or confirms the declined or abandoned intent again. Both the Leptos
    /// `PayForm` and the JS `checkout.confirm` pay through this.
    ///
    /// After a confirm that got no answer, a Pay with other details first sends that
    /// confirm again unchanged: if it had charged (or now does), that is the payment,
    /// and the new details are never charged a second time.
    ///
    /// `sent` is told, just before the attempt's own confirm goes out, which token it
    /// carries (see [`crate::model::confirm::Submitter::confirm_sent`]). `tokenize`
    /// turns the card (or CVC) into the vault's token, only when a new confirmation
    /// token is made: a confirm sent again carries its old token, and no card data.
    pub async fn send_attempt(
        &self,
        attempt: &mut Attempt<Payment>,
        bearer: Option<ClientSecret>,
        tokenize: &Tokenize,
        sent: impl FnOnce(&Attempt<Payment>, &str),
    ) -> Result<Confirmed, CallError> {
        if let Some((token_id, key, intent, earlier)) = attempt.earlier_confirm() {
            // Sent exactly as before: same token, key, endpoint and order.
            let (token_id, key, intent, placement) = (
                token_id.to_owned(),
                key.to_owned(),
                intent.cloned(),
                earlier.placement.clone(),
            );
            let answer = self
                .confirm(intent, token_id.clone(), key, placement, true)
                .await;
            if let Some(answer) = attempt.settle_earlier(answer) {
                return Ok(Confirmed { token_id, answer });
            }
        }
        let resent = attempt.token_id.is_some();
        let token_id = match &attempt.token_id {
            Some(token_id) => token_id.clone(),
            None => match self
                .0
                .create_confirmation_token(
                    with_vault_token(&attempt.details, tokenize).await?,
                    bearer,
                )
                .await
            {
                Ok(token) => token.id,
                Err(error) => return Err(error),
            },
        };
        sent(attempt, &token_id);
        let answer = self
            .confirm(
                attempt.intent.clone(),
                token_id.clone(),
                attempt.idempotency_key.clone(),
                attempt.details.placement.clone(),
                resent,
            )
            .await;
        Ok(Confirmed { token_id, answer })
    }

    /// Confirms `intent` again with the token, or creates and confirms the order's
    /// intent; a refusal that leaves the outcome to be read (see [`must_read`]) is
    /// settled by reading the intent.
    async fn confirm(
        &self,
        intent: Option<IntentRef>,
        token_id: String,
        key: String,
        placement: Placement,
        resent: bool,
    ) -> Result<PaymentIntent, CallError> {
        let answer = match &intent {
            Some(intent) => {
                self.0
                    .confirm_intent(
                        intent.id.clone(),
                        intent.client_secret.clone(),
                        token_id,
                        key,
                    )
                    .await
            }
            None => {
                self.0
                    .create_confirm_intent(token_id, placement.clone(), key)
                    .await
            }
        };
        if !answer.as_ref().err().is_some_and(|e| must_read(e, resent)) {
            return answer;
        }
        let read = match (intent, placement.order) {
            (Some(intent), _) => self
                .0
                .payment_intent(intent.id, intent.client_secret.clone())
                .await
                .map(|mut read| {
                    read.client_secret.get_or_insert(intent.client_secret);
                    Some(read)
                }),
            (None, Some(order)) => self.0.order_intent(order).await,
            // Nothing to read: the refusal stands.
            (None, None) => return answer,
        };
        match read {
            Ok(Some(read)) => Ok(read),
            // The order has no intent: nothing was charged, the refusal stands.
            Ok(None) => answer,
            // Still unknown: kept as such, so that the next Pay asks again.
            Err(_) => Err(CallError::Network),
        }
    }
}

/// The attempt's token request with the vault's token in place of the card (or CVC).
async fn with_vault_token(
    payment: &Payment,
    tokenize: &Tokenize,
) -> Result<CreateConfirmationToken, CallError> {
    let mut request = payment.request.clone();
    if let Some(vaulted) = &payment.vaulted {
        let token = tokenize(vaulted.clone()).await?;
        vaulted.apply(&mut request, token);
    }
    Ok(request)
}

/// Whether a refused confirm leaves its outcome to be read from the intent: a refusal
/// about the intent's state that carries no intent, or, for a confirm sent again with
/// its key and token, a spent or expired token (the server forgot the key, e.g. after
/// 24 hours, but the first confirm ran).
fn must_read(error: &CallError, resent: bool) -> bool {
    let CallError::Api {
        error,
        payment_intent: None,
    } = error
    else {
        return false;
    };
    match error.code {
        ErrorCode::PaymentIntentUnexpectedState
        | ErrorCode::SetupIntentUnexpectedState
        | ErrorCode::OrderAlreadyPaid => true,
        ErrorCode::TokenAlreadyUsed | ErrorCode::ExpiredToken => resent,
        _ => false,
    }
}

/// A confirm that was sent: with which token, and what came back. (`Err` of
/// [`Api::send_attempt`] means the token could not be made: nothing was confirmed,
/// nothing charged.)
pub struct Confirmed {
    /// The token the confirm carried.
    pub token_id: String,
    /// The intent, or why there is none.
    pub answer: Result<PaymentIntent, CallError>,
}

/// The fetch-based client.
#[derive(Clone, Debug)]
pub struct HttpClient {
    base: String,
    /// Per request, in milliseconds.
    pub timeout_ms: u32,
    /// How many times an unanswered retryable call is sent again.
    pub retries: u32,
}

impl HttpClient {
    /// A client for the API at `base`, with a 30 s timeout and two retries.
    pub fn new(base: impl Into<String>) -> HttpClient {
        HttpClient {
            base: base.into().trim_end_matches('/').to_owned(),
            timeout_ms: 30_000,
            retries: 2,
        }
    }

    /// The same client with another timeout per request.
    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> HttpClient {
        self.timeout_ms = timeout_ms;
        self
    }

    /// The same client with another number of retries for retryable calls.
    pub fn with_retries(mut self, retries: u32) -> HttpClient {
        self.retries = retries;
        self
    }

    fn url(&self, path: &str) -> String {
        [self.base.as_str(), path].concat()
    }

    /// A confirm call: POSTed with its `Idempotency-Key`, and sent again unchanged
    /// (same key, same body) when no answer came, so the server replays its answer.
    fn idempotent_confirm(
        &self,
        url: String,
        body: Option<String>,
        idempotency_key: String,
    ) -> LocalFuture<Result<PaymentIntent, CallError>> {
        let call = Call {
            method: "POST",
            url,
            body,
            headers: vec![("Idempotency-Key", idempotency_key)],
            timeout_ms: self.timeout_ms,
        };
        Box::pin(send(
            call,
            Retry::Unanswered,
            self.retries,
            json::read_intent,
        ))
    }
}

/// Which failures a call may retry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Never (token creation).
    Never,
    /// Unanswered calls only, resent identically (idempotent confirm).
    Unanswered,
    /// Unanswered calls and server errors (safe reads).
    Safe,
}

/// One request, rebuilt for each try.
pub(crate) struct Call {
    pub(crate) method: &'static str,
    pub(crate) url: String,
    pub(crate) body: Option<String>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) timeout_ms: u32,
}

async fn send_once(call: &Call) -> Result<(u16, String), CallError> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let timer = controller.clone().and_then(|controller| {
        leptos::prelude::set_timeout_with_handle(
            move || controller.abort(),
            std::time::Duration::from_millis(u64::from(call.timeout_ms)),
        )
        .ok()
    });
    let unanswered = |signal: &Option<web_sys::AbortSignal>| {
        if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
            CallError::Timeout
        } else {
            CallError::Network
        }
    };
    let mut headers = vec![("Accept", "application/json")];
    headers.extend(
        call.headers
            .iter()
            .map(|(name, value)| (*name, value.as_str())),
    );
    if call.body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    let result = crate::net::fetch::fetch(
        call.method,
        &call.url,
        &headers,
        call.body.as_deref(),
        signal.as_ref(),
    )
    .await
    .map_err(|_| unanswered(&signal))
    .and_then(|answer| match answer.text {
        Some(text) => Ok((answer.status, text)),
        None => Err(unanswered(&signal)),
    });
    if let Some(timer) = timer {
        timer.clear();
    }
    result
}

/// Reads an answer with `read` on 2xx, else the error object (`{"error": {...,
/// "payment_intent"?}}`; unknown codes degrade to `Unknown`, an unreadable body to a
/// generic error; never a panic).
pub fn decode<T>(status: u16, text: &str, read: fn(&JsValue) -> Option<T>) -> Result<T, CallError> {
    decode_body(status, json::parse(text), read)
}

/// [`decode`] of a body already parsed (`None`: not JSON).
pub fn decode_body<T>(
    status: u16,
    body: Option<JsValue>,
    read: fn(&JsValue) -> Option<T>,
) -> Result<T, CallError> {
    if (200..300).contains(&status) {
        return body
            .as_ref()
            .and_then(read)
            .ok_or_else(|| CallError::api(unreadable_answer()));
    }
    let error = body
        .and_then(|body| js_sys::Reflect::get(&body, &JsValue::from_str("error")).ok())
        .filter(JsValue::is_object);
    let Some(error) = error else {
        return Err(CallError::api(unreadable_answer()));
    };
    // A failed setup carries its setup intent where a failed payment carries its intent.
    let payment_intent = ["payment_intent", "setup_intent"]
        .into_iter()
        .filter_map(|name| js_sys::Reflect::get(&error, &JsValue::from_str(name)).ok())
        .find_map(|intent| json::read_intent(&intent))
        .map(Box::new);
    let mut error = json::read_error(&error);
    if status >= 500 {
        // A server error is one whatever its body says: the server may have charged
        // before it failed, so the outcome counts as unknown (`outcome_unknown`), and the
        // customer is not told "declined" by a body that cannot be trusted.
        error.kind = ErrorType::ApiError;
        error.code = ErrorCode::InternalError;
        error.decline_code = None;
    }
    Err(CallError::Api {
        error,
        payment_intent,
    })
}

/// Waits `ms` milliseconds.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

pub(crate) async fn send<T>(
    call: Call,
    retry: Retry,
    retries: u32,
    read: fn(&JsValue) -> Option<T>,
) -> Result<T, CallError> {
    let mut tries = 0;
    loop {
        let answer = send_once(&call).await;
        let again = match &answer {
            Err(error) => error.is_unanswered() && retry != Retry::Never,
            Ok((status, _)) => retry == Retry::Safe && *status >= 500,
        };
        if !again || tries >= retries {
            let (status, text) = answer?;
            return decode(status, &text, read);
        }
        sleep_ms(retry_delay_ms(tries, js_sys::Math::random())).await;
        tries += 1;
    }
}

impl MerchantApi for HttpClient {
    fn create_confirmation_token(
        &self,
        request: CreateConfirmationToken,
        bearer: Option<ClientSecret>,
    ) -> LocalFuture<Result<ConfirmationToken, CallError>> {
        let mut headers = Vec::new();
        if let Some(secret) = bearer {
            headers.push(("Authorization", ["Bearer ", secret.expose()].concat()));
        }
        let call = Call {
            method: "POST",
            url: self.url("/confirmation_tokens"),
            body: json::token_request(&request),
            headers,
            timeout_ms: self.timeout_ms,
        };
        Box::pin(send(call, Retry::Never, 0, json::read_token))
    }

    fn create_confirm_intent(
        &self,
        token_id: String,
        placement: Placement,
        idempotency_key: String,
    ) -> LocalFuture<Result<PaymentIntent, CallError>> {
        let mut fields = vec![("confirmation_token_id", token_id.as_str())];
        if let Some(market) = &placement.market {
            fields.push(("market", market));
        }
        if let Some(order) = &placement.order {
            fields.push(("order", order));
        }
        self.idempotent_confirm(
            self.url("/create-confirm-intent"),
            json::strings(&fields),
            idempotency_key,
        )
    }

    fn order_intent(&self, id: String) -> LocalFuture<Result<Option<PaymentIntent>, CallError>> {
        let call = Call {
            method: "GET",
            url: self.url(&["/orders/", &encode_path(&id)].concat()),
            body: None,
            headers: Vec::new(),
            timeout_ms: self.timeout_ms,
        };
        Box::pin(send(call, Retry::Safe, self.retries, |order| {
            let intent = js_sys::Reflect::get(order, &JsValue::from_str("payment_intent")).ok()?;
            if intent.is_null() || intent.is_undefined() {
                // No intent yet: nothing was ever confirmed for the order.
                return Some(None);
            }
            // One that cannot be read is an unreadable answer, not "none".
            json::read_intent(&intent).map(Some)
        }))
    }

    fn confirm_intent(
        &self,
        id: String,
        client_secret: ClientSecret,
        token_id: String,
        idempotency_key: String,
    ) -> LocalFuture<Result<PaymentIntent, CallError>> {
        self.idempotent_confirm(
            self.url(&[intents_path(&id), &encode_path(&id), "/confirm"].concat()),
            json::strings(&[
                ("client_secret", client_secret.expose()),
                ("confirmation_token_id", &token_id),
            ]),
            idempotency_key,
        )
    }

    fn payment_intent(
        &self,
        id: String,
        client_secret: ClientSecret,
    ) -> LocalFuture<Result<PaymentIntent, CallError>> {
        let query = web_sys::UrlSearchParams::new()
            .map(|params| {
                params.append("client_secret", client_secret.expose());
                String::from(params.to_string())
            })
            .unwrap_or_default();
        let call = Call {
            method: "GET",
            url: self.url(&[intents_path(&id), &encode_path(&id), "?", &query].concat()),
            body: None,
            headers: Vec::new(),
            timeout_ms: self.timeout_ms,
        };
        Box::pin(send(call, Retry::Safe, self.retries, json::read_intent))
    }
}

/// Where an intent lives: `/setup_intents/` for `seti_…`, else `/payment_intents/`.
fn intents_path(id: &str) -> &'static str {
    if payment_core::api::is_setup_intent(id) {
        "/setup_intents/"
    } else {
        "/payment_intents/"
    }
}

/// An id as one path segment (ids are `pi_…`, but the address is untrusted input).
fn encode_path(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

/// A fresh idempotency key: a random UUID from `crypto`, else time and `Math.random`.
pub fn new_idempotency_key() -> String {
    let uuid = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid());
    uuid.unwrap_or_else(|| {
        format!(
            "pe-{}-{}",
            js_sys::Date::now() as u64,
            (js_sys::Math::random() * 1e12) as u64
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use payment_core::error::ApiError;

    fn refused(code: ErrorCode, with_intent: bool) -> CallError {
        let intent = with_intent.then(|| {
            Box::new(
                serde_json::from_value(serde_json::json!({
                    "id": "pi_1", "status": "succeeded", "amount": 100, "currency": "eur"
                }))
                .unwrap(),
            )
        });
        CallError::Api {
            error: ApiError::new(ErrorType::InvalidRequestError, code),
            payment_intent: intent,
        }
    }

    #[test]
    fn refusals_without_an_intent_are_settled_by_reading_it() {
        assert!(must_read(
            &refused(ErrorCode::PaymentIntentUnexpectedState, false),
            false
        ));
        assert!(must_read(
            &refused(ErrorCode::OrderAlreadyPaid, false),
            false
        ));
        // The intent came with the refusal: nothing to read.
        assert!(!must_read(
            &refused(ErrorCode::OrderAlreadyPaid, true),
            false
        ));
        // A spent token on a resend: the first confirm ran; on a first send, it did not.
        assert!(must_read(
            &refused(ErrorCode::TokenAlreadyUsed, false),
            true
        ));
        assert!(must_read(&refused(ErrorCode::ExpiredToken, false), true));
        assert!(!must_read(
            &refused(ErrorCode::TokenAlreadyUsed, false),
            false
        ));
        assert!(!must_read(
            &refused(ErrorCode::ParameterInvalid, false),
            true
        ));
        assert!(!must_read(&CallError::Network, true));
    }
}
