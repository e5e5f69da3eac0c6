//! The API's error responses and the extractors whose rejections are those errors, so
//! nothing under `/api` ever answers in plain text: malformed JSON, a wrong content type,
//! an oversized body and unknown fields all get `{"error": {...}}` with Stripe's codes.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use payment_core::error::{ApiError, DeclineCode, ErrorBody, ErrorCode, ErrorType};
use serde::de::DeserializeOwned;

/// The largest request body the API reads; card and token requests are a few hundred
/// bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// An error response: the HTTP status and the error object.
#[derive(Debug, Clone)]
pub struct AppError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body's error object.
    pub error: ApiError,
    /// For card errors on a confirm: the intent in its new state, as Stripe attaches it.
    pub payment_intent: Option<serde_json::Value>,
}

impl AppError {
    /// An error with the code's default message.
    pub fn new(status: StatusCode, kind: ErrorType, code: ErrorCode) -> Self {
        Self {
            status,
            error: ApiError::new(kind, code),
            payment_intent: None,
        }
    }

    /// 400 `invalid_request_error`.
    pub fn invalid(code: ErrorCode) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            code,
        )
    }

    /// 400 `parameter_invalid` naming the parameter.
    pub fn param_invalid(param: &str, message: impl Into<String>) -> Self {
        Self::invalid(ErrorCode::ParameterInvalid)
            .with_param(param)
            .with_message(message)
    }

    /// 400 `parameter_missing` naming the parameter.
    pub fn param_missing(param: &str) -> Self {
        Self::invalid(ErrorCode::ParameterMissing)
            .with_param(param)
            .with_message(format!("Missing required param: {param}."))
    }

    /// 404 `resource_missing`.
    pub fn missing(what: &str, param: Option<&str>) -> Self {
        let mut err = Self::new(
            StatusCode::NOT_FOUND,
            ErrorType::InvalidRequestError,
            ErrorCode::ResourceMissing,
        )
        .with_message(format!("No such {what}."));
        if let Some(param) = param {
            err = err.with_param(param);
        }
        err
    }

    /// 402 card error with a code (`incorrect_number`, `invalid_cvc`, …).
    pub fn card(code: ErrorCode) -> Self {
        Self::new(StatusCode::PAYMENT_REQUIRED, ErrorType::CardError, code)
    }

    /// 402 `card_declined`.
    pub fn declined(decline: DeclineCode) -> Self {
        Self::from_api(StatusCode::PAYMENT_REQUIRED, ApiError::declined(decline))
    }

    /// 401 for a missing or wrong client secret.
    pub fn unauthorized(code: ErrorCode) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorType::InvalidRequestError,
            code,
        )
    }

    /// 500 without details; the cause is logged where it happened.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorType::ApiError,
            ErrorCode::InternalError,
        )
    }

    /// Wraps an error object.
    pub fn from_api(status: StatusCode, error: ApiError) -> Self {
        Self {
            status,
            error,
            payment_intent: None,
        }
    }

    /// Carries the intent the refusal is about, so the caller can read what happened.
    pub fn with_intent(mut self, intent: &payment_core::api::PaymentIntent) -> Self {
        self.payment_intent = serde_json::to_value(intent).ok();
        self
    }

    /// Names the parameter at fault.
    pub fn with_param(mut self, param: &str) -> Self {
        self.error.param = Some(param.to_owned());
        self
    }

    /// Replaces the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.error.message = message.into();
        self
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::to_value(ErrorBody {
            error: self.error.clone(),
        })
        .unwrap_or_else(|_| serde_json::json!({"error": {"type": "api_error"}}));
        if let (Some(intent), Some(error)) = (&self.payment_intent, body.get_mut("error")) {
            error["payment_intent"] = intent.clone();
        }
        body
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        // sqlx errors name tables and constraints, never bound values.
        tracing::error!(error = %err, "database error");
        Self::internal()
    }
}

impl From<serde_json::Error> for AppError {
    fn from(err: serde_json::Error) -> Self {
        // Only ever raised for our own stored JSON; the message may quote a value, so
        // only its category is logged.
        tracing::error!(category = ?err.classify(), "stored JSON unreadable");
        Self::internal()
    }
}

/// Handler result.
pub type ApiResult<T> = Result<T, AppError>;

/// JSON 404 for an unknown `/api` path.
pub async fn api_not_found() -> AppError {
    AppError::missing("API endpoint", None)
        .with_message("Unrecognized request URL. Check the path and method.")
}

/// JSON 405 for a known `/api` path with another method.
pub async fn api_method_not_allowed() -> AppError {
    AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorType::InvalidRequestError,
        ErrorCode::ParameterInvalid,
    )
    .with_message("This endpoint does not accept this HTTP method.")
}

/// A JSON body whose every failure is an API error: wrong content type, unreadable or
/// oversized body, malformed JSON, unknown, missing or invalid fields (with `param`).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// The raw body of a JSON request, kept for idempotency hashing, with the parsed value.
#[derive(Debug)]
pub struct JsonWithBytes<T> {
    /// The parsed body.
    pub value: T,
    /// The bytes as received.
    pub bytes: Bytes,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonWithBytes { value, .. } = JsonWithBytes::from_request(req, state).await?;
        Ok(Self(value))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonWithBytes<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(
                AppError::invalid(ErrorCode::InvalidRequestBody).with_message(
                    "Send the request body as JSON with Content-Type: application/json.",
                ),
            );
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        let value = parse_json(&bytes)?;
        Ok(Self { value, bytes })
    }
}

pub(crate) fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

pub(crate) fn body_rejection(rejection: BytesRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorType::InvalidRequestError,
            ErrorCode::InvalidRequestBody,
        )
        .with_message(format!(
            "The request body is larger than {BODY_LIMIT} bytes."
        ))
    } else {
        AppError::invalid(ErrorCode::InvalidRequestBody)
    }
}

/// Parses JSON into `T`, turning serde's verdict into Stripe-style errors that name the
/// parameter but never repeat the value sent (it may be a card number). Card details
/// sent to the merchant API are refused as `card_details_not_accepted`: cards are
/// tokenized by the payments origin.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // serde accepts a JSON array for a struct; the API takes objects only.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(AppError::invalid(ErrorCode::InvalidRequestBody)
            .with_message("The request body must be a JSON object."));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(|_| malformed())?;
    Ok(value)
}

fn malformed() -> AppError {
    AppError::invalid(ErrorCode::InvalidRequestBody)
        .with_message("The request body is not valid JSON.")
}

fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    use serde_json::error::Category;
    let path = err.path().to_string();
    let inner = err.inner();
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => malformed(),
        Category::Data => {
            let text = inner.to_string();
            // The path of an unknown field already ends with it; a missing field's
            // path is its parent's.
            let join = |field: &str| {
                if path.is_empty() || path == "." {
                    field.to_owned()
                } else if path == field || path.ends_with(&format!(".{field}")) {
                    path.clone()
                } else {
                    format!("{path}.{field}")
                }
            };
            if let Some(field) = quoted(&text, "unknown field `") {
                let param = join(field);
                if let Some(refused) = card_details_param(&param) {
                    return AppError::invalid(ErrorCode::CardDetailsNotAccepted)
                        .with_param(refused);
                }
                AppError::invalid(ErrorCode::ParameterUnknown)
                    .with_param(&param)
                    .with_message(format!("Received unknown parameter: {param}."))
            } else if let Some(field) = quoted(&text, "missing field `") {
                AppError::param_missing(&join(field))
            } else if path.is_empty() || path == "." {
                AppError::invalid(ErrorCode::InvalidRequestBody)
                    .with_message("The request body must be a JSON object.")
            } else {
                AppError::param_invalid(&path, format!("Invalid value for {path}."))
            }
        }
    }
}

/// Card details sent to the merchant API, where only a card token is taken: the param
/// the refusal names (`None` for any other unknown field).
fn card_details_param(param: &str) -> Option<&'static str> {
    match param {
        "payment_method_data.card.number"
        | "payment_method_data.card.exp_month"
        | "payment_method_data.card.exp_year"
        | "payment_method_data.card.cvc" => Some("payment_method_data.card"),
        "payment_method_options.card.cvc" => Some("payment_method_options.card.cvc"),
        _ => None,
    }
}

/// The text between `prefix` and the next backtick.
fn quoted<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let start = text.find(prefix)? + prefix.len();
    let rest = &text[start..];
    Some(&rest[..rest.find('`')?])
}

/// `Authorization: Bearer <secret>`, or a 401 JSON error.
#[derive(Debug)]
pub struct Bearer(pub payment_core::secret::ClientSecret);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        bearer(&parts.headers).ok_or_else(|| {
            AppError::unauthorized(ErrorCode::InvalidClientSecret).with_message(
                "Send the customer session's client secret as Authorization: Bearer <secret>.",
            )
        })
    }
}

/// The bearer secret of a request, if it has one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<Bearer> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.split_once(' ')?;
    let secret = secret.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !secret.is_empty())
        .then(|| Bearer(payment_core::secret::ClientSecret::new(secret)))
}
