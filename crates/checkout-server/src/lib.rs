//! The reference merchant backend: the merchant API the widget calls, a test-mode
//! processor, and the built widget served under a strict Content-Security-Policy.
//!
//! `app(state)` builds the whole router so tests drive it with `oneshot`, no socket.

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::{Json, Router};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy the widget must work under (DESIGN.md): no inline scripts or styles.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-ancestors 'none'";

/// What the server needs to answer requests.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Settings>,
}

/// Start-up settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The built widget (trunk's `dist/`).
    pub dist: PathBuf,
}

impl AppState {
    /// State from settings.
    pub fn new(settings: Settings) -> Self {
        Self {
            inner: Arc::new(settings),
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let dist = &state.inner.dist;
    // Unknown paths (the `/complete` return page among them) get the checkout page: the
    // widget decides what to show from the address.
    let index = ServeFile::new(dist.join("index.html"));
    let static_files = ServeDir::new(dist).fallback(index);
    Router::new()
        .route("/healthz", get(healthz_get))
        .fallback_service(static_files)
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

async fn healthz_get() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
