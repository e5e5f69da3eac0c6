//! The payments origin's `/v1`: tokenization for the browser (the card frame, or a page
//! with inline fields) with the publishable key from an allowed origin, redemption for
//! the storefront's server with the secret key, and the card frame's page.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use payment_core::error::{ErrorCode, ErrorType};
use payment_core::vault::{CardDetails, CardToken, CvcDetails, CvcToken};
use std::collections::HashMap;
use subtle::ConstantTimeEq;

use super::types::{CvcChecked, RedeemCvc, RedeemedCard};
use crate::error::{api_method_not_allowed, api_not_found, bearer, ApiJson, ApiResult, AppError};
use crate::html::escape_attribute;
use crate::state::{AppState, MERCHANT_KEY_PREFIX};

/// The placeholder in `frame/card.html` that becomes the allowed storefront origins (the
/// frame accepts messages from those only).
pub const FRAME_ORIGINS_PLACEHOLDER: &str = "__PAYMENT_ELEMENT_FRAME_ORIGINS__";

/// The `/v1` router of the payments origin.
pub fn v1(state: &AppState) -> Router<AppState> {
    let tokenize = Router::new()
        .route("/card_tokens", post(card_tokens_create).options(preflight))
        .route("/cvc_tokens", post(cvc_tokens_create).options(preflight))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            tokenize_guard,
        ));
    let redeem = Router::new()
        .route("/vault/card_tokens/{id}/redeem", post(card_tokens_redeem))
        .route("/vault/cvc_tokens/{id}/redeem", post(cvc_tokens_redeem))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            secret_key_guard,
        ));
    Router::new()
        .merge(tokenize)
        .merge(redeem)
        .route("/card-frame", get(card_frame_get))
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(DefaultBodyLimit::max(crate::error::BODY_LIMIT))
}

fn same_key(given: &str, expected: &str) -> bool {
    bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

fn invalid_api_key() -> AppError {
    AppError::unauthorized(ErrorCode::InvalidApiKey)
}

fn origin_not_allowed() -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        ErrorType::InvalidRequestError,
        ErrorCode::OriginNotAllowed,
    )
}

/// The publishable key, and only it: a secret key is refused here (it must never be in
/// a browser), and so is any other.
fn check_publishable_key(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    match bearer(headers).map(|b| b.0) {
        Some(key) if same_key(key.expose(), state.publishable_key()) => Ok(()),
        Some(key) if key.expose().starts_with(MERCHANT_KEY_PREFIX) => Err(invalid_api_key()
            .with_message(
                "Tokenization takes the publishable key (pk_test_…); a secret key never goes \
                 into a browser.",
            )),
        _ => Err(invalid_api_key()),
    }
}

/// `/v1/card_tokens` and `/v1/cvc_tokens`: CORS for the allowed storefront origins
/// (preflight answered here), then the publishable key, then the page's origin — the
/// payments origin itself (the card frame) or an allowed storefront (inline fields).
async fn tokenize_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o == state.settings().payments_origin || state.is_storefront_origin(o))
        .map(str::to_owned);
    let mut response = if request.method() == Method::OPTIONS {
        if origin.is_some() {
            next.run(request).await
        } else {
            origin_not_allowed().into_response()
        }
    } else {
        match check_publishable_key(&state, request.headers()) {
            Err(err) => err.into_response(),
            Ok(()) if origin.is_none() => origin_not_allowed().into_response(),
            Ok(()) => next.run(request).await,
        }
    };
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    response
}

/// The answer to a CORS preflight from an allowed origin (the guard adds the origin).
async fn preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_METHODS, "POST"),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "authorization, content-type",
            ),
            (header::ACCESS_CONTROL_MAX_AGE, "600"),
        ],
    )
        .into_response()
}

/// The redeem calls: the merchant's secret key, from its server (no CORS: a browser has
/// no business here).
async fn secret_key_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match bearer(request.headers()).map(|b| b.0) {
        Some(key) if same_key(key.expose(), state.merchant_key()) => next.run(request).await,
        _ => invalid_api_key()
            .with_message(
                "Redeeming a token takes the merchant's secret key (sk_test_…), from the \
                 merchant's server.",
            )
            .into_response(),
    }
}

/// `POST /v1/card_tokens`.
pub async fn card_tokens_create(
    State(state): State<AppState>,
    ApiJson(details): ApiJson<CardDetails>,
) -> ApiResult<Json<CardToken>> {
    state
        .vault()
        .tokenize_card(&details, state.now())
        .await
        .map(Json)
}

/// `POST /v1/cvc_tokens`.
pub async fn cvc_tokens_create(
    State(state): State<AppState>,
    ApiJson(details): ApiJson<CvcDetails>,
) -> ApiResult<Json<CvcToken>> {
    state.vault().tokenize_cvc(&details, state.now()).map(Json)
}

/// `POST /v1/vault/card_tokens/{id}/redeem`.
pub async fn card_tokens_redeem(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<RedeemedCard>> {
    let Ok(Path(id)) = id else {
        return Err(AppError::missing("card token", None));
    };
    state
        .vault()
        .redeem_card_token(&id, state.now(), state.processor())
        .await
        .map(Json)
}

/// `POST /v1/vault/cvc_tokens/{id}/redeem`.
pub async fn cvc_tokens_redeem(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<RedeemCvc>,
) -> ApiResult<Json<CvcChecked>> {
    let Ok(Path(id)) = id else {
        return Err(AppError::missing("CVC token", None));
    };
    state
        .vault()
        .redeem_cvc_token(&id, &body.card, state.now())
        .await
        .map(Json)
}

const UNKNOWN_KEY_PAGE: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
    <title>Unknown publishable key</title><p>The card fields cannot load: this publishable \
    key is unknown to the payments origin.</p></html>\n";

const NOT_BUILT_PAGE: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
    <title>Card frame not built</title><p>The card fields cannot load: the widget's build \
    has no frame/card.html.</p></html>\n";

/// `GET /v1/card-frame?key=pk_test_…` (`&fields=cvc` is the widget's business): the card
/// frame's page from the widget's build, with the allowed storefront origins filled in,
/// under its own policy (`frame-ancestors` those origins).
pub async fn card_frame_get(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let known = query.ok().is_some_and(|Query(query)| {
        query
            .get("key")
            .is_some_and(|key| same_key(key, state.publishable_key()))
    });
    let headers = |policy: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if let Ok(policy) = HeaderValue::from_str(policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers
    };
    let headers = headers(state.frame_policy());
    if !known {
        return (StatusCode::NOT_FOUND, headers, UNKNOWN_KEY_PAGE).into_response();
    }
    let path = state.settings().dist.join("frame").join("card.html");
    match tokio::fs::read_to_string(&path).await {
        Ok(page) => {
            let origins = escape_attribute(&state.settings().storefront_origins.join(" "));
            let page = page.replace(FRAME_ORIGINS_PLACEHOLDER, &origins);
            (StatusCode::OK, headers, page).into_response()
        }
        Err(err) => {
            tracing::error!(path = %path.display(), error = %err, "the card frame page is missing");
            (StatusCode::NOT_FOUND, headers, NOT_BUILT_PAGE).into_response()
        }
    }
}
