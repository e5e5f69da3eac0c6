//! The payments origin's tokenization calls (`POST /v1/card_tokens`, `POST /v1/cvc_tokens`),
//! made by the card frame on its own origin, or by a page that takes the PCI scope with
//! inline fields (`cardFields: "inline"`), straight to the payments origin with CORS: in
//! both, the storefront server is out of the card path. Authorized by the publishable
//! key, which can do nothing but tokenize. Behind [`VaultApi`] so browser tests use a fake.
//!
//! Never retried blindly: a retry after a lost answer would only make a second token,
//! harmless (single use, 15 minutes) but pointless; the next Pay makes a new one.

use crate::model::confirm::CallError;
use crate::model::options::PaymentsOrigin;
use crate::net::client::{send, Call, LocalFuture, Retry};
use crate::net::json;
use payment_core::secret::Cvc;
use payment_core::vault::{CardDetails, CardToken, CvcToken};
use std::rc::Rc;

/// The tokenization calls.
pub trait VaultApi {
    /// `POST /v1/card_tokens`.
    fn create_card_token(&self, card: CardDetails) -> LocalFuture<Result<CardToken, CallError>>;

    /// `POST /v1/cvc_tokens`.
    fn create_cvc_token(&self, cvc: Cvc) -> LocalFuture<Result<CvcToken, CallError>>;
}

/// The fetch-based client; an empty origin means the page's own (the card frame).
#[derive(Clone, Debug)]
pub struct HttpVault {
    origin: String,
    publishable_key: String,
    timeout_ms: u32,
}

impl HttpVault {
    /// A client for `payments` with a 30 s timeout.
    pub fn new(payments: &PaymentsOrigin) -> HttpVault {
        HttpVault {
            origin: payments.origin.trim_end_matches('/').to_owned(),
            publishable_key: payments.publishable_key.clone(),
            timeout_ms: 30_000,
        }
    }

    /// A client for the vault of the page's own origin (the card frame's).
    pub fn same_origin(publishable_key: &str) -> HttpVault {
        HttpVault {
            origin: String::new(),
            publishable_key: publishable_key.to_owned(),
            timeout_ms: 30_000,
        }
    }

    /// The same, shared.
    pub fn shared(payments: &PaymentsOrigin) -> Rc<dyn VaultApi> {
        Rc::new(HttpVault::new(payments))
    }

    fn call(&self, path: &str, body: Option<String>) -> Call {
        Call {
            method: "POST",
            url: [self.origin.as_str(), path].concat(),
            body,
            headers: vec![(
                "Authorization",
                ["Bearer ", self.publishable_key.as_str()].concat(),
            )],
            timeout_ms: self.timeout_ms,
        }
    }
}

impl VaultApi for HttpVault {
    fn create_card_token(&self, card: CardDetails) -> LocalFuture<Result<CardToken, CallError>> {
        let call = self.call("/v1/card_tokens", json::card_details(&card));
        Box::pin(send(call, Retry::Never, 0, json::read_card_token))
    }

    fn create_cvc_token(&self, cvc: Cvc) -> LocalFuture<Result<CvcToken, CallError>> {
        let call = self.call("/v1/cvc_tokens", json::cvc_details(&cvc));
        Box::pin(send(call, Retry::Never, 0, json::read_cvc_token))
    }
}
