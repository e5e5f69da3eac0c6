//! The reference merchant backend: the merchant API the widget calls, a test-mode
//! processor, and the built widget served under a strict Content-Security-Policy.
//!
//! `app(state)` builds the whole router so tests drive it with `oneshot`, no socket.

pub mod cart;
pub mod clock;
pub mod customers;
pub mod error;
pub mod idempotency;
pub mod ids;
pub mod intents;
pub mod methods;
pub mod processor;
pub mod state;
pub mod test_mode;
pub mod tokens;
pub mod webhooks;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use std::time::Instant;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub use cart::{Cart, CartItem};
pub use clock::{Clock, ManualClock, SystemClock};
pub use state::{AppState, Settings, StartError};

/// The policy the widget must work under (DESIGN.md): no inline scripts or styles.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-ancestors 'none'";

/// The merchant API, mounted at `/api`. Every answer, errors included, is JSON.
fn api() -> Router<AppState> {
    Router::new()
        .route("/cart", get(cart::cart_get))
        .route(
            "/customer_sessions",
            post(customers::customer_sessions_create),
        )
        .route(
            "/customer_sessions/payment_methods",
            get(customers::payment_methods_list),
        )
        .route(
            "/customer_sessions/payment_methods/{id}",
            delete(customers::payment_methods_delete),
        )
        .route(
            "/confirmation_tokens",
            post(tokens::confirmation_tokens_create),
        )
        .route(
            "/create-confirm-intent",
            post(intents::intents_create_confirm),
        )
        .route("/payment_intents/{id}", get(intents::payment_intents_get))
        .route(
            "/payment_intents/{id}/confirm",
            post(intents::payment_intents_confirm),
        )
        .route("/charges/off_session", post(intents::charges_off_session))
        .route("/webhooks", post(webhooks::webhooks_receive))
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::api_method_not_allowed)
        .layer(DefaultBodyLimit::max(error::BODY_LIMIT))
}

/// The test-mode processor's simulated pages, mounted at `/test-mode`.
fn test_mode_pages() -> Router<AppState> {
    Router::new()
        .route("/test-mode.css", get(test_mode::stylesheet_get))
        .route("/authenticate/{id}", get(test_mode::authenticate_get))
        .route(
            "/authenticate/{id}/complete",
            post(test_mode::authenticate_complete),
        )
        .route(
            "/authenticate/{id}/fail",
            post(test_mode::authenticate_fail),
        )
        .route("/ewallet/{id}", get(test_mode::ewallet_get))
        .route(
            "/ewallet/{id}/authorize",
            post(test_mode::ewallet_authorize),
        )
        .route("/ewallet/{id}/decline", post(test_mode::ewallet_decline))
        .layer(DefaultBodyLimit::max(error::BODY_LIMIT))
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let dist = &state.settings().dist;
    // Unknown paths (the `/complete` return page among them) get the checkout page: the
    // widget decides what to show from the address.
    let index = ServeFile::new(dist.join("index.html"));
    let static_files = ServeDir::new(dist).fallback(index);
    Router::new()
        .route("/healthz", get(healthz_get))
        .nest("/api", api())
        .nest("/test-mode", test_mode_pages())
        .fallback_service(static_files)
        .layer(middleware::from_fn(log_request))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// Logs method, path, status and duration. Never the query string (it carries client
/// secrets), headers (bearer secrets) or bodies (card data).
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        millis = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

async fn healthz_get() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
