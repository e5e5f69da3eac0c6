//! Pure builders of the requests the adapter sends to Xendit's Payments API v3:
//! method, path, a JSON body, and the headers.
//!
//! `POST /v3/payment_requests` creates and starts a payment in one call: `type: PAY` for
//! a one-off payment or a charge of a saved `payment_token_id`, `PAY_AND_SAVE` when the
//! customer consented to saving the wallet (the token arrives with the success).
//! `GET /v3/payment_requests/{id}` reads it back for the return page, polling and
//! reconciliation. Shapes from "Create a payment request"
//! (<https://docs.xendit.co/apidocs/create-payment-request>), "Pay and save"
//! (<https://docs.xendit.co/docs/pay-and-save>) and "Pay with tokens"
//! (<https://docs.xendit.co/docs/pay-with-tokens>).
//!
//! Authentication is HTTP Basic with the secret key as the username and an empty
//! password; every call pins `api-version: 2024-11-11`, the one value the v3 reference
//! lists, so a later default cannot change the shapes `transformers.rs` reads.

use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use payment_core::api::{EwalletChannel, QrChannel};
use payment_core::money::{Currency, Money};
use serde::Serialize;

use super::amount::{AmountError, MajorAmount};
use super::keys::SecretKey;

/// The `api-version` header every request sends.
pub const API_VERSION: &str = "2024-11-11";

/// Xendit's API origin; the adapter's base URL is configurable (a mock on 127.0.0.1).
pub const DEFAULT_BASE_URL: &str = "https://api.xendit.co";

/// The content type of every body.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// Xendit's limit on `reference_id`, and the bound we hold idempotency keys to.
const MAX_ID_LENGTH: usize = 255;

/// A request ready to send: nothing in it is secret, so it may be logged; the secret
/// key joins only in [`XenditRequest::headers`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XenditRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path under the base URL, starting with `/v3/`.
    pub path: String,
    /// The JSON body, for POSTs.
    pub body: Option<String>,
    /// The `Idempotency-key`, for POSTs that move money.
    pub idempotency_key: Option<String>,
}

/// Why a request could not be built. Each is a bug or a misconfiguration on our side,
/// caught before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The amount cannot be sent as Xendit takes it (not positive, IDR with sen).
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// A currency whose country this adapter does not route to Xendit.
    #[error("Xendit is used here for IDR and PHP only, not {0}")]
    UnsupportedCurrency(Currency),
    /// The channel does not take this currency (GCash in IDR).
    #[error("{channel} does not take payments in {currency}")]
    ChannelCurrencyMismatch {
        /// The channel's code.
        channel: &'static str,
        /// The currency.
        currency: Currency,
    },
    /// An `Unknown` channel decoded from the wire: there is no code to send.
    #[error("no Xendit channel code for an unknown channel")]
    UnknownChannel,
    /// `PAY_AND_SAVE` needs the customer the token will belong to.
    #[error("a customer is required to save a payment method")]
    MissingCustomer,
    /// A header value with characters HTTP does not allow.
    #[error("the {0} header has characters HTTP does not allow")]
    InvalidHeader(&'static str),
    /// An `Idempotency-key` that is empty or longer than 255 characters.
    #[error("an Idempotency-key is 1 to 255 characters")]
    InvalidIdempotencyKey,
    /// A `reference_id` that is empty or longer than Xendit's 255 characters.
    #[error("a reference_id is 1 to 255 characters")]
    InvalidReferenceId,
}

impl XenditRequest {
    /// The full URL under `base_url` (`https://api.xendit.co`, or a mock's address).
    pub fn url(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.path)
    }

    /// The headers: `Authorization: Basic base64(<secret key>:)` (marked sensitive, so
    /// the map's `Debug` prints `Sensitive` instead of it), `api-version`, and the
    /// `Idempotency-key` and `Content-Type` when there is a body.
    pub fn headers(&self, key: &SecretKey) -> Result<HeaderMap, RequestError> {
        let mut headers = HeaderMap::new();
        let credentials = base64(format!("{}:", key.expose()).as_bytes());
        let mut authorization = HeaderValue::from_str(&format!("Basic {credentials}"))
            .map_err(|_| RequestError::InvalidHeader("Authorization"))?;
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(
            HeaderName::from_static("api-version"),
            HeaderValue::from_static(API_VERSION),
        );
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
        }
        if let Some(idempotency_key) = &self.idempotency_key {
            let value = HeaderValue::from_str(idempotency_key)
                .map_err(|_| RequestError::InvalidHeader("Idempotency-key"))?;
            headers.insert(HeaderName::from_static("idempotency-key"), value);
        }
        Ok(headers)
    }
}

/// Where the wallet's pages send the customer back (`channel_properties`). Xendit
/// requires HTTPS and 11 to 255 characters; that is left to Xendit to enforce, so a
/// local mock can take `http://127.0.0.1` URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReturnUrls<'a> {
    /// After a successful payment: our return page.
    pub success: &'a str,
    /// After a failed one.
    pub failure: &'a str,
    /// When the customer cancels on the wallet's page, if it differs from `failure`.
    pub cancel: Option<&'a str>,
}

/// What pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentSource<'a> {
    /// An e-wallet the customer authorises on its page or app.
    Ewallet {
        /// The wallet.
        channel: EwalletChannel,
        /// Where the wallet returns the customer.
        return_urls: ReturnUrls<'a>,
        /// The customer consented to saving the wallet: `PAY_AND_SAVE`.
        save: bool,
    },
    /// A national QR code (QRIS, QR Ph) scanned in any banking app. Never saved.
    QrCode {
        /// The QR standard.
        channel: QrChannel,
    },
    /// A wallet saved by an earlier `PAY_AND_SAVE`: `type: PAY` with its token. The
    /// channel is in the token, so no `channel_code` is sent (as in "Pay with tokens").
    SavedToken {
        /// `pt-…`.
        payment_token_id: &'a str,
        /// Where to return the customer if the wallet asks them to approve anyway.
        return_urls: Option<ReturnUrls<'a>>,
    },
}

/// The end user a `PAY_AND_SAVE` token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Customer<'a> {
    /// A Xendit customer created earlier (`cust-…`).
    Existing(&'a str),
    /// Created with the payment request (Xendit's "customer" object, `INDIVIDUAL`).
    New {
        /// Our customer id: Xendit requires it unique per customer.
        reference_id: &'a str,
        /// The customer's given names.
        given_names: &'a str,
        /// Their e-mail, if we have it.
        email: Option<&'a str>,
    },
}

/// The parameters of `POST /v3/payment_requests`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreatePaymentRequest<'a> {
    /// The amount and currency, from the server's order, never from the browser.
    pub amount: Money,
    /// Our payment intent (`pi_…`): Xendit's `reference_id`, which webhooks echo.
    pub reference_id: &'a str,
    /// What pays.
    pub source: PaymentSource<'a>,
    /// Whose wallet is saved; required with `save`, sent whenever given.
    pub customer: Option<Customer<'a>>,
    /// Our order, kept as `metadata.order_id` so the Dashboard and reconciliation can
    /// find it.
    pub order_id: &'a str,
}

#[derive(Serialize)]
struct CreateBody<'a> {
    reference_id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    country: &'static str,
    currency: &'a str,
    request_amount: MajorAmount,
    capture_method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_token_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_properties: Option<ChannelProperties<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<CustomerBody<'a>>,
    metadata: Metadata<'a>,
}

#[derive(Serialize)]
struct ChannelProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    success_return_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_return_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_return_url: Option<&'a str>,
}

impl<'a> ChannelProperties<'a> {
    fn returning_to(urls: ReturnUrls<'a>) -> Self {
        Self {
            success_return_url: Some(urls.success),
            failure_return_url: Some(urls.failure),
            cancel_return_url: urls.cancel,
        }
    }
}

#[derive(Serialize)]
struct CustomerBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    reference_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    individual_detail: IndividualDetail<'a>,
}

#[derive(Serialize)]
struct IndividualDetail<'a> {
    given_names: &'a str,
}

#[derive(Serialize)]
struct Metadata<'a> {
    order_id: &'a str,
}

/// Xendit's `country` for the currencies this adapter routes there.
fn country(currency: Currency) -> Result<&'static str, RequestError> {
    match currency {
        Currency::IDR => Ok("ID"),
        Currency::PHP => Ok("PH"),
        other => Err(RequestError::UnsupportedCurrency(other)),
    }
}

fn check_id(id: &str, error: RequestError) -> Result<(), RequestError> {
    if id.is_empty() || id.len() > MAX_ID_LENGTH {
        Err(error)
    } else {
        Ok(())
    }
}

/// `POST /v3/payment_requests` with `capture_method: AUTOMATIC`: the payment is
/// captured as soon as the customer approves it.
pub fn create_payment_request(
    params: &CreatePaymentRequest<'_>,
    idempotency_key: &str,
) -> Result<XenditRequest, RequestError> {
    check_id(idempotency_key, RequestError::InvalidIdempotencyKey)?;
    check_id(params.reference_id, RequestError::InvalidReferenceId)?;
    let currency = params.amount.currency;
    let country = country(currency)?;
    let request_amount = MajorAmount::from_money(params.amount)?;
    let channel_mismatch =
        |channel: &'static str| RequestError::ChannelCurrencyMismatch { channel, currency };

    let (kind, channel_code, payment_token_id, channel_properties) = match params.source {
        PaymentSource::Ewallet {
            channel,
            return_urls,
            save,
        } => {
            if channel == EwalletChannel::Unknown {
                return Err(RequestError::UnknownChannel);
            }
            if !channel.supports(&currency) {
                return Err(channel_mismatch(channel.as_str()));
            }
            if save && params.customer.is_none() {
                return Err(RequestError::MissingCustomer);
            }
            let kind = if save { "PAY_AND_SAVE" } else { "PAY" };
            let properties = ChannelProperties::returning_to(return_urls);
            (kind, Some(channel.as_str()), None, Some(properties))
        }
        PaymentSource::QrCode { channel } => {
            if channel == QrChannel::Unknown {
                return Err(RequestError::UnknownChannel);
            }
            if !channel.supports(&currency) {
                return Err(channel_mismatch(channel.as_str()));
            }
            // `channel_properties` is required for PAY; a dynamic QR code needs none of
            // them, so it is sent empty.
            let properties = ChannelProperties {
                success_return_url: None,
                failure_return_url: None,
                cancel_return_url: None,
            };
            ("PAY", Some(channel.as_str()), None, Some(properties))
        }
        PaymentSource::SavedToken {
            payment_token_id,
            return_urls,
        } => {
            let properties = return_urls.map(ChannelProperties::returning_to);
            ("PAY", None, Some(payment_token_id), properties)
        }
    };

    let (customer_id, customer) = match params.customer {
        None => (None, None),
        Some(Customer::Existing(id)) => (Some(id), None),
        Some(Customer::New {
            reference_id,
            given_names,
            email,
        }) => (
            None,
            Some(CustomerBody {
                kind: "INDIVIDUAL",
                reference_id,
                email,
                individual_detail: IndividualDetail { given_names },
            }),
        ),
    };

    let body = CreateBody {
        reference_id: params.reference_id,
        kind,
        country,
        currency: currency.as_upper(),
        request_amount,
        capture_method: "AUTOMATIC",
        channel_code,
        payment_token_id,
        channel_properties,
        customer_id,
        customer,
        metadata: Metadata {
            order_id: params.order_id,
        },
    };
    let body = serde_json::to_string(&body).expect("the body is plain strings and a number");
    Ok(XenditRequest {
        method: Method::POST,
        path: "/v3/payment_requests".to_owned(),
        body: Some(body),
        idempotency_key: Some(idempotency_key.to_owned()),
    })
}

/// `GET /v3/payment_requests/{id}`: the payment request's current state. The id is
/// escaped, so a hostile id cannot reach another path.
pub fn retrieve_payment_request(payment_request_id: &str) -> XenditRequest {
    XenditRequest {
        method: Method::GET,
        path: request_path(payment_request_id),
        body: None,
        idempotency_key: None,
    }
}

/// `POST /v3/payment_requests/{id}/cancel`: the merchant canceled ours while it waited
/// on the customer (a wallet's page, a QR code), so it cannot be paid afterwards.
pub fn cancel_payment_request(payment_request_id: &str) -> XenditRequest {
    let mut path = request_path(payment_request_id);
    path.push_str("/cancel");
    XenditRequest {
        method: Method::POST,
        path,
        body: Some("{}".to_owned()),
        idempotency_key: Some(format!("cancel-{payment_request_id}")),
    }
}

/// `/v3/payment_requests/{id}` with the id escaped.
fn request_path(payment_request_id: &str) -> String {
    let mut path = "/v3/payment_requests/".to_owned();
    for byte in payment_request_id.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                path.push(char::from(byte))
            }
            _ => path.push_str(&format!("%{byte:02X}")),
        }
    }
    path
}

/// Standard base64 with padding (RFC 4648 §4), for the Basic credentials: a dozen
/// lines here rather than a dependency for one header.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let triple = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for (index, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if index <= chunk.len() {
                out.push(char::from(ALPHABET[((triple >> shift) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (input, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), encoded, "{input}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }
}
