//! Pure builders of the requests the adapter sends to Stripe: method, path, an
//! `application/x-www-form-urlencoded` body with Stripe's bracket keys
//! (`metadata[order_id]`, `payment_method_types[0]`), and the headers.
//!
//! Stripe's API takes form bodies, not JSON (<https://docs.stripe.com/api>); nested
//! parameters are bracket keys and arrays are indexed. The encoder is a dozen lines
//! here rather than a dependency: the bodies are flat lists of pairs we build ourselves,
//! and the order of the pairs stays the order we wrote them, which keeps tests exact.

use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use payment_core::api::SetupFutureUsage;
use payment_core::money::Money;

use super::keys::SecretKey;
use crate::processor::CardForProcessor;

/// The API version every request pins (`Stripe-Version`), so an account upgrade in the
/// Dashboard cannot change the shapes `transformers.rs` reads.
pub const STRIPE_VERSION: &str = "2024-06-20";

/// Stripe's API origin; the adapter's base URL is configurable (a mock, localstripe).
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// The content type of every body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// A request ready to send: nothing in it is secret, so it may be logged; the
/// secret key joins only in [`StripeRequest::headers`].
#[derive(Clone, PartialEq, Eq)]
pub struct StripeRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path under the base URL, starting with `/v1/`.
    pub path: String,
    /// The form-encoded body, for POSTs.
    pub body: Option<String>,
    /// The `Idempotency-Key`, for POSTs that create or move money.
    pub idempotency_key: Option<String>,
}

/// Why a request could not be built. Each is a bug or a misconfiguration on our side,
/// caught before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Stripe charges positive amounts only.
    #[error("the amount must be positive, got {0}")]
    NonPositiveAmount(i64),
    /// Saving a method, or charging one off session, needs the Stripe customer it
    /// belongs to.
    #[error("a customer is required to save a payment method or charge it off session")]
    MissingCustomer,
    /// A header value with characters HTTP does not allow.
    #[error("the {0} header has characters HTTP does not allow")]
    InvalidHeader(&'static str),
    /// An `Idempotency-Key` that is empty or longer than Stripe's 255 characters.
    #[error("an Idempotency-Key is 1 to 255 characters")]
    InvalidIdempotencyKey,
}

/// Leaves the body out: a card's registration carries its number and CVC.
impl std::fmt::Debug for StripeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_bytes", &self.body.as_ref().map(String::len))
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

impl StripeRequest {
    /// The full URL under `base_url` (`https://api.stripe.com`, or a mock's address).
    pub fn url(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.path)
    }

    /// The headers: `Authorization: Bearer <secret key>` (marked sensitive, so the
    /// map's `Debug` prints `Sensitive` instead of it), `Stripe-Version`, and the
    /// `Idempotency-Key` and `Content-Type` when there is a body.
    pub fn headers(&self, key: &SecretKey) -> Result<HeaderMap, RequestError> {
        let mut headers = HeaderMap::new();
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
            .map_err(|_| RequestError::InvalidHeader("Authorization"))?;
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(
            HeaderName::from_static("stripe-version"),
            HeaderValue::from_static(STRIPE_VERSION),
        );
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
        }
        if let Some(idempotency_key) = &self.idempotency_key {
            let value = HeaderValue::from_str(idempotency_key)
                .map_err(|_| RequestError::InvalidHeader("Idempotency-Key"))?;
            headers.insert(HeaderName::from_static("idempotency-key"), value);
        }
        Ok(headers)
    }
}

/// The kind of payment method an intent is confirmed with. Sent as
/// `payment_method_types[0]` so Stripe does not fall back to the Dashboard's automatic
/// payment methods, which would demand a `return_url` even off session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentMethodType {
    /// A card.
    Card,
    /// A SEPA Direct Debit mandate.
    SepaDebit,
}

impl PaymentMethodType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::SepaDebit => "sepa_debit",
        }
    }
}

/// `payment_method_options[card][request_three_d_secure]`: whether to ask for 3-D
/// Secure beyond what the issuer and regulation require.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestThreeDSecure {
    /// Stripe's default: only when required.
    Automatic,
    /// Whenever the card supports it (frictionless allowed).
    Any,
    /// A challenge whenever the card supports it.
    Challenge,
}

impl RequestThreeDSecure {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::Any => "any",
            Self::Challenge => "challenge",
        }
    }
}

/// Whether the customer is present. The two cases take different parameters, and a
/// combination Stripe refuses (a `return_url` off session) cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Session<'a> {
    /// The customer is in the checkout: a redirect (3-D Secure) may follow.
    On {
        /// Where Stripe's redirect sends the customer back (the return page).
        return_url: &'a str,
        /// Save the method for later charges, with the customer's consent.
        setup_future_usage: Option<SetupFutureUsage>,
        /// Ask for 3-D Secure beyond what is required (cards only).
        request_three_d_secure: Option<RequestThreeDSecure>,
    },
    /// A merchant-initiated charge of a saved method (`off_session=true`): the
    /// customer cannot authenticate, so Stripe fails with `authentication_required`
    /// instead of asking.
    Off,
}

/// The parameters of a PaymentIntent created and confirmed in one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreateAndConfirm<'a> {
    /// The amount and currency, from the server's order, never from the browser.
    pub amount: Money,
    /// The Stripe PaymentMethod (`pm_…`).
    pub payment_method: &'a str,
    /// Its kind.
    pub payment_method_type: PaymentMethodType,
    /// The Stripe customer (`cus_…`), required to save the method or charge off session.
    pub customer: Option<&'a str>,
    /// Our order, kept as `metadata[order_id]` so the Dashboard and reconciliation can
    /// find it.
    pub order_id: &'a str,
    /// On or off session.
    pub session: Session<'a>,
}

/// `POST /v1/payment_intents` with `confirm=true`: create and confirm in one call
/// ("finalize payments on the server").
pub fn create_and_confirm(
    params: &CreateAndConfirm<'_>,
    idempotency_key: &str,
) -> Result<StripeRequest, RequestError> {
    let amount = params.amount.amount.get();
    if amount <= 0 {
        return Err(RequestError::NonPositiveAmount(amount));
    }
    if idempotency_key.is_empty() || idempotency_key.len() > 255 {
        return Err(RequestError::InvalidIdempotencyKey);
    }
    let needs_customer = match params.session {
        Session::On {
            setup_future_usage, ..
        } => setup_future_usage.is_some(),
        Session::Off => true,
    };
    if needs_customer && params.customer.is_none() {
        return Err(RequestError::MissingCustomer);
    }

    let mut form: Vec<(&str, String)> = vec![
        ("amount", amount.to_string()),
        // Currency::code() is already the lower-case ISO code Stripe expects.
        ("currency", params.amount.currency.code().to_owned()),
    ];
    if let Some(customer) = params.customer {
        form.push(("customer", customer.to_owned()));
    }
    form.push(("payment_method", params.payment_method.to_owned()));
    form.push((
        "payment_method_types[0]",
        params.payment_method_type.as_str().to_owned(),
    ));
    form.push(("confirm", "true".to_owned()));
    match params.session {
        Session::On {
            return_url,
            setup_future_usage,
            request_three_d_secure,
        } => {
            form.push(("return_url", return_url.to_owned()));
            if let Some(usage) = setup_future_usage {
                form.push(("setup_future_usage", usage.as_str().to_owned()));
            }
            if let (Some(three_d_secure), PaymentMethodType::Card) =
                (request_three_d_secure, params.payment_method_type)
            {
                form.push((
                    "payment_method_options[card][request_three_d_secure]",
                    three_d_secure.as_str().to_owned(),
                ));
            }
        }
        Session::Off => form.push(("off_session", "true".to_owned())),
    }
    form.push(("metadata[order_id]", params.order_id.to_owned()));

    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(StripeRequest {
        method: Method::POST,
        path: "/v1/payment_intents".to_owned(),
        body: Some(encode_form(&pairs)),
        idempotency_key: Some(idempotency_key.to_owned()),
    })
}

/// `GET /v1/payment_intents/{id}`: the intent's current state, for the return page,
/// polling and reconciliation. The id is escaped, so a hostile id cannot reach another
/// path.
pub fn retrieve_intent(id: &str) -> StripeRequest {
    read("/v1/payment_intents/", id)
}

/// `GET {collection}{id}`, the id escaped.
fn read(collection: &str, id: &str) -> StripeRequest {
    let mut path = collection.to_owned();
    escape(id, &mut path, false);
    StripeRequest {
        method: Method::GET,
        path,
        body: None,
        idempotency_key: None,
    }
}

/// `POST /v1/payment_methods` with the card's number, expiry and CVC: only for an
/// account with raw card data access (<https://docs.stripe.com/testing#cards> gives
/// test PaymentMethods for the others). Sent from the vault, where the number is.
pub fn create_card_method(card: &CardForProcessor<'_>) -> StripeRequest {
    let exp_month = card.exp_month.to_string();
    let exp_year = card.exp_year.to_string();
    let mut pairs = vec![
        ("type", "card"),
        ("card[number]", card.pan),
        ("card[exp_month]", exp_month.as_str()),
        ("card[exp_year]", exp_year.as_str()),
    ];
    if let Some(cvc) = card.cvc {
        pairs.push(("card[cvc]", cvc));
    }
    StripeRequest {
        method: Method::POST,
        path: "/v1/payment_methods".to_owned(),
        body: Some(encode_form(&pairs)),
        idempotency_key: None,
    }
}

/// `POST /v1/customers` for our customer, kept as `metadata[customer]`. The key is
/// derived from our id, so a retry (or a second payment before the first one's answer
/// is written) gets the same Stripe customer within Stripe's 24 hours of key memory.
pub fn create_customer(ours: &str) -> StripeRequest {
    StripeRequest {
        method: Method::POST,
        path: "/v1/customers".to_owned(),
        body: Some(encode_form(&[("metadata[customer]", ours)])),
        idempotency_key: Some(format!("customer-{ours}")),
    }
}

/// `POST /v1/setup_intents` with `confirm=true`: a card saved to the customer for later
/// payments, nothing charged (Stripe's SetupIntents); 3-D Secure, when the issuer asks,
/// is Stripe's page, which returns to `return_url`.
pub fn create_and_confirm_setup(
    payment_method: &str,
    customer: &str,
    usage: SetupFutureUsage,
    return_url: &str,
    ours: &str,
    idempotency_key: &str,
) -> Result<StripeRequest, RequestError> {
    if idempotency_key.is_empty() || idempotency_key.len() > 255 {
        return Err(RequestError::InvalidIdempotencyKey);
    }
    let pairs = [
        ("customer", customer),
        ("payment_method", payment_method),
        ("payment_method_types[0]", "card"),
        ("usage", usage.as_str()),
        ("confirm", "true"),
        ("return_url", return_url),
        ("metadata[setup_intent]", ours),
    ];
    Ok(StripeRequest {
        method: Method::POST,
        path: "/v1/setup_intents".to_owned(),
        body: Some(encode_form(&pairs)),
        idempotency_key: Some(idempotency_key.to_owned()),
    })
}

/// `GET /v1/setup_intents/{id}`: a setup's current state, after Stripe's page.
pub fn retrieve_setup_intent(id: &str) -> StripeRequest {
    read("/v1/setup_intents/", id)
}

/// `POST /v1/payment_intents/{id}/cancel`: the merchant canceled ours while it waited
/// on Stripe (its 3-D Secure page), so it cannot be paid there afterwards. Keyed by
/// the intent, so a retry is the same cancel.
pub fn cancel_intent(id: &str) -> StripeRequest {
    let mut path = "/v1/payment_intents/".to_owned();
    escape(id, &mut path, false);
    path.push_str("/cancel");
    StripeRequest {
        method: Method::POST,
        path,
        body: Some(String::new()),
        idempotency_key: Some(format!("cancel-{id}")),
    }
}

/// Encodes pairs as `application/x-www-form-urlencoded`: `k=v` joined by `&`, a space
/// as `+`, everything but ASCII letters, digits and `*-._` percent-encoded as UTF-8.
/// Square brackets stay literal in keys, the way Stripe's own examples write
/// `metadata[order_id]`; in values they are escaped like any other character.
pub fn encode_form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (index, (key, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        escape(key, &mut out, true);
        out.push('=');
        escape(value, &mut out, false);
    }
    out
}

fn escape(text: &str, out: &mut String, keep_brackets: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte))
            }
            b'[' | b']' if keep_brackets => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0x0f)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_keys_keep_their_brackets_and_values_are_escaped() {
        assert_eq!(
            encode_form(&[
                ("metadata[order_id]", "ord_1"),
                (
                    "payment_method_options[card][request_three_d_secure]",
                    "any"
                ),
            ]),
            "metadata[order_id]=ord_1&payment_method_options[card][request_three_d_secure]=any"
        );
        assert_eq!(
            encode_form(&[("metadata[note]", "a [b] c")]),
            "metadata[note]=a+%5Bb%5D+c"
        );
    }

    #[test]
    fn special_characters_are_percent_encoded_as_utf8() {
        assert_eq!(
            encode_form(&[(
                "return_url",
                "https://shop.example/return?order=ord_1&next=a b+c#x"
            )]),
            "return_url=https%3A%2F%2Fshop.example%2Freturn%3Forder%3Dord_1%26next%3Da+b%2Bc%23x"
        );
        assert_eq!(
            encode_form(&[("name", "Müller ½")]),
            "name=M%C3%BCller+%C2%BD"
        );
        assert_eq!(encode_form(&[("k", "*-._~%")]), "k=*-._%7E%25");
        assert_eq!(encode_form(&[("empty", "")]), "empty=");
        assert_eq!(encode_form(&[]), "");
    }
}
