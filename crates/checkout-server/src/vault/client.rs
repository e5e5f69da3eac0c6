//! The storefront's client to the vault: server to server over HTTP with the merchant's
//! secret key, as it would reach a vault in another process (or a processor's: issue 15
//! reuses the same `reqwest` client for Stripe and Xendit). The browser is never in
//! this path.
//!
//! Neither the key nor a token id is logged; a refusal is logged by its code.

use axum::http::StatusCode;
use payment_core::error::{ApiError, ErrorBody, ErrorCode, ErrorType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

use super::types::{CvcChecked, RedeemCvc, RedeemedCard};
use crate::error::AppError;
use crate::startup::StartError;

/// How long a call to the vault may take.
pub const VAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call to the vault did not give an answer to use.
#[derive(Debug)]
pub enum VaultError {
    /// The vault refused the request (4xx) with this error.
    Refused {
        /// Its status.
        status: StatusCode,
        /// Its error object.
        error: ApiError,
    },
    /// No answer: the vault is down, unreachable or too slow.
    Unavailable,
    /// An answer that is not one: a 5xx, or a body that does not read.
    BadGateway,
}

impl VaultError {
    /// The error the storefront's caller gets, with `param` naming what it sent (the
    /// token): a refusal keeps its status, type, code and message; a failure of the
    /// vault is the server's (`api_error`).
    pub fn for_param(self, param: &str) -> AppError {
        let unavailable = |status| {
            AppError::new(status, ErrorType::ApiError, ErrorCode::InternalError)
                .with_message("The payments service could not be reached. Please try again.")
        };
        match self {
            // The vault refused the storefront's own key or origin: the server is
            // misconfigured, not the customer's request.
            Self::Refused { status, error }
                if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN =>
            {
                tracing::error!(
                    status = status.as_u16(),
                    code = error.code.as_str(),
                    "the vault refused the storefront's credentials"
                );
                unavailable(StatusCode::BAD_GATEWAY)
            }
            Self::Refused { status, error } => {
                let mut refused = AppError::from_api(status, error);
                refused.error.param = Some(param.to_owned());
                refused
            }
            Self::Unavailable => unavailable(StatusCode::SERVICE_UNAVAILABLE),
            Self::BadGateway => unavailable(StatusCode::BAD_GATEWAY),
        }
    }
}

/// The client; cheap to clone.
#[derive(Clone)]
pub struct VaultClient {
    http: reqwest::Client,
    base: String,
    authorization: String,
}

impl std::fmt::Debug for VaultClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// Whether a token id may go into a URL path as it is (the vault makes them of letters,
/// digits and `_`); anything else cannot be one of its tokens.
fn path_safe(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl VaultClient {
    /// A client of the vault at `base` (the payments origin), calling with `secret_key`.
    pub fn new(base: &str, secret_key: &str) -> Result<Self, StartError> {
        let http = reqwest::Client::builder()
            .timeout(VAULT_TIMEOUT)
            // Server to server on a known address: no proxy from the environment.
            .no_proxy()
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            authorization: format!("Bearer {secret_key}"),
        })
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, VaultError> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, &self.authorization);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|err| {
            tracing::warn!(
                timeout = err.is_timeout(),
                connect = err.is_connect(),
                "the vault did not answer"
            );
            VaultError::Unavailable
        })?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|_| VaultError::Unavailable)?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|err| {
                tracing::error!(category = ?err.classify(), "the vault's answer does not read");
                VaultError::BadGateway
            });
        }
        if status.is_client_error() {
            if let Ok(ErrorBody { error }) = serde_json::from_slice::<ErrorBody>(&bytes) {
                tracing::info!(
                    status = status.as_u16(),
                    code = error.code.as_str(),
                    "the vault refused"
                );
                return Err(VaultError::Refused { status, error });
            }
        }
        tracing::warn!(status = status.as_u16(), "the vault failed");
        Err(VaultError::BadGateway)
    }

    fn missing(what: &str) -> VaultError {
        VaultError::Refused {
            status: StatusCode::NOT_FOUND,
            error: ApiError::new(ErrorType::InvalidRequestError, ErrorCode::ResourceMissing)
                .with_message(format!("No such {what}.")),
        }
    }

    /// Spends a card token: the card as the storefront may keep it.
    pub async fn redeem_card_token(&self, token: &str) -> Result<RedeemedCard, VaultError> {
        if !path_safe(token) {
            return Err(Self::missing("card token"));
        }
        self.post::<(), _>(&format!("/v1/vault/card_tokens/{token}/redeem"), None)
            .await
    }

    /// Spends a CVC token against the saved card `card` (`vc_…`).
    pub async fn redeem_cvc_token(&self, token: &str, card: &str) -> Result<(), VaultError> {
        if !path_safe(token) {
            return Err(Self::missing("CVC token"));
        }
        let body = RedeemCvc {
            card: card.to_owned(),
        };
        self.post::<_, CvcChecked>(&format!("/v1/vault/cvc_tokens/{token}/redeem"), Some(&body))
            .await
            .map(|_| ())
    }
}
