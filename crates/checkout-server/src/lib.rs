//! The reference merchant backend, in two roles on two origins: the storefront (the
//! merchant API the widget calls, a test-mode processor, the checkout page under a strict
//! Content-Security-Policy) and the payments origin (the vault that alone sees card
//! data, the card frame, and the widget's files).
//!
//! `app(state)` builds the storefront's router and `payments_app(state)` the payments
//! origin's, so tests drive both with `oneshot`, no socket.

pub mod attempts;
pub mod card_audit;
pub mod cart;
pub mod checkout_page;
pub mod clock;
pub mod config;
pub mod csp;
pub mod customers;
pub mod error;
pub mod faults;
pub mod html;
pub mod idempotency;
pub mod ids;
pub mod intents;
pub mod key_file;
pub mod merchant;
pub mod methods;
pub mod orders;
pub mod processor;
pub mod processors;
pub mod quickstart;
pub mod setup_intents;
pub mod startup;
pub mod state;
pub mod stats;
pub mod test_mode;
pub mod tokens;
pub mod vault;
pub mod webhooks;

use axum::extract::{DefaultBodyLimit, Request};
use axum::handler::Handler;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use std::time::Instant;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use cart::{Cart, CartItem};
pub use clock::{Clock, ManualClock, SystemClock};
pub use startup::StartError;
pub use state::{AppState, Settings};

/// The `Reporting-Endpoints` header naming the policies' `report-to csp` group (the
/// storefront's policy is [`AppState::storefront_policy`], the card frame's
/// [`AppState::frame_policy`]; see `csp.rs`).
pub const REPORTING_ENDPOINTS: &str = "csp=\"/api/csp-reports\"";

/// The policy of the payments origin's answers other than the card frame (the widget's
/// files, JSON): nothing to run, and never framed.
pub const PAYMENTS_DEFAULT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The merchant API, mounted at `/api`. Every answer, errors included, is JSON.
fn api() -> Router<AppState> {
    Router::new()
        .route("/cart", get(cart::cart_get))
        .route("/config", get(config::config_get))
        .route(
            "/create-payment-intent",
            get(quickstart::create_payment_intent).post(quickstart::create_payment_intent),
        )
        .route(
            "/create-setup-intent",
            get(setup_intents::create_setup_intent).post(setup_intents::create_setup_intent),
        )
        .route("/orders", post(orders::orders_create))
        .route("/orders/{id}", get(orders::orders_get))
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
        .route(
            "/payment_intents/{id}/cancel",
            post(intents::payment_intents_cancel),
        )
        .route("/setup_intents/{id}", get(setup_intents::setup_intents_get))
        .route(
            "/setup_intents/{id}/confirm",
            post(setup_intents::setup_intents_confirm),
        )
        .route("/charges/off_session", post(intents::charges_off_session))
        .route("/webhooks", post(webhooks::webhooks_receive))
        .route("/webhooks/stripe", post(webhooks::stripe_webhooks_receive))
        .route("/webhooks/xendit", post(webhooks::xendit_webhooks_receive))
        .route(
            "/merchant/customers/{customer}/consents",
            get(merchant::customer_consents_list),
        )
        .route(
            "/csp-reports",
            post(csp::csp_reports_create).layer(DefaultBodyLimit::max(csp::REPORT_BODY_LIMIT)),
        )
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::api_method_not_allowed)
        .layer(DefaultBodyLimit::max(error::BODY_LIMIT))
}

/// The test-mode processor's simulated pages and the statistics the end-to-end suite
/// reads, mounted at `/test-mode` only when the processor is in test mode.
fn test_mode_pages() -> Router<AppState> {
    Router::new()
        .route("/stats", get(stats::stats_get))
        .route("/card-data", get(card_audit::card_data_get))
        .route("/csp-reports", get(csp::csp_reports_list))
        .route("/faults", post(faults::faults_create))
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
        .route(
            "/challenge-ready.js",
            get(test_mode::challenge_ready_script_get),
        )
        .route(
            "/challenge-done.js",
            get(test_mode::challenge_done_script_get),
        )
        .route("/qr/{id}", get(test_mode::qr_get))
        .route("/qr/{id}/pay", post(test_mode::qr_pay))
        .route("/qr/{id}/decline", post(test_mode::qr_decline))
        .route("/qr/{id}/expire", post(test_mode::qr_expire))
        .layer(DefaultBodyLimit::max(error::BODY_LIMIT))
}

/// `Vary: Accept-Encoding` on the build's files: a precompressed `.br` or `.gz` went to
/// a browser that asked for it, and a cache must not hand it to one that did not.
fn vary_on_encoding() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    )
}

/// The storefront: the merchant API, the test-mode pages, the checkout page (with the
/// widget's files taken from the payments origin) and the rest of the build.
pub fn app(state: AppState) -> Router {
    let dist = &state.settings().dist;
    // Unknown paths get the checkout page: the widget decides what to show from the
    // address. The return page has its own (the status view's wasm alone).
    let page = checkout_page::checkout_page_get.with_state(state.clone());
    let return_page = checkout_page::return_page_get.with_state(state.clone());
    // The build's files compressed (brotli or gzip, as the browser accepts): the
    // release build's precompressed `.br` and `.gz` beside each file (brotli at its
    // best quality, written once by examples/stage.sh), else compressed on the way out.
    // The API's small JSON is sent as is.
    let static_files = ServiceBuilder::new()
        .layer(CompressionLayer::new())
        .layer(vary_on_encoding())
        .service(
            ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(page.clone()),
        );
    let mut router = Router::new()
        .route("/healthz", get(healthz_get))
        .route_service("/", page.clone())
        .route_service("/index.html", page)
        .route_service(intents::DEFAULT_RETURN_URL, return_page)
        .nest("/api", api())
        // Stripe's quickstart calls these at the top of the site.
        .route("/config", get(config::config_get))
        .route(
            "/create-payment-intent",
            get(quickstart::create_payment_intent).post(quickstart::create_payment_intent),
        )
        .route(
            "/create-setup-intent",
            get(setup_intents::create_setup_intent).post(setup_intents::create_setup_intent),
        )
        .route(
            "/examples/quickstart/{page}",
            get(quickstart::quickstart_page_get),
        )
        .route(
            "/processor-return/{attempt}/{tag}",
            get(intents::processor_return_get),
        );
    if state.processor().is_test_mode() {
        router =
            router
                .nest("/test-mode", test_mode_pages())
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    card_audit::audit_request,
                ));
    }
    // Built once: they name the payments origin and the storefront origins.
    let policy = |text: &str| {
        HeaderValue::from_str(text)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
    };
    let policies = StorefrontPolicies {
        page: policy(state.storefront_policy()),
        action_page: state
            .processor()
            .is_test_mode()
            .then(|| policy(state.action_page_policy())),
    };
    router
        .fallback_service(static_files)
        .layer(CompressionLayer::new().compress_when(is_html))
        .layer(middleware::from_fn(cache_policy))
        .layer(middleware::from_fn(log_storefront_request))
        .layer(middleware::from_fn_with_state(
            policies,
            storefront_content_security_policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("reporting-endpoints"),
            HeaderValue::from_static(REPORTING_ENDPOINTS),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// The storefront's two policies: every answer's, and the framable one of the test-mode
/// action pages (`None` without the test-mode processor, which has none).
#[derive(Clone)]
struct StorefrontPolicies {
    page: HeaderValue,
    action_page: Option<HeaderValue>,
}

/// Sets the Content-Security-Policy of every storefront answer (whatever a handler
/// set): the strict, unframeable one, except under the test-mode 3-D Secure and wallet
/// pages, which the widget may open in a frame of its modal.
async fn storefront_content_security_policy(
    axum::extract::State(policies): axum::extract::State<StorefrontPolicies>,
    request: Request,
    next: Next,
) -> Response {
    let framable = test_mode::is_action_page(request.uri().path());
    let mut response = next.run(request).await;
    let policy = match &policies.action_page {
        Some(action_page) if framable => action_page.clone(),
        _ => policies.page.clone(),
    };
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, policy);
    response
}

/// Compress the checkout page as the files are; the API's small JSON goes as it is.
fn is_html(
    _status: axum::http::StatusCode,
    _version: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _extensions: &axum::http::Extensions,
) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

/// The payments origin: the vault's `/v1` API, the card frame page, the widget's files
/// (for any origin: CORS and `Cross-Origin-Resource-Policy`, checked by SRI on the
/// page), and the CSP report endpoint of the frame. No checkout page, no fallback page.
pub fn payments_app(state: AppState) -> Router {
    let widget_files = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ))
        .layer(middleware::from_fn(refuse_pages))
        .layer(CompressionLayer::new())
        .layer(vary_on_encoding())
        .service(
            ServeDir::new(&state.settings().dist)
                .precompressed_br()
                .precompressed_gzip()
                .append_index_html_on_directories(false),
        );
    Router::new()
        .route("/healthz", get(healthz_get))
        .nest("/v1", vault::routes::v1(&state))
        .route(
            "/api/csp-reports",
            post(csp::csp_reports_create).layer(DefaultBodyLimit::max(csp::REPORT_BODY_LIMIT)),
        )
        .fallback_service(widget_files)
        .layer(middleware::from_fn(cache_policy))
        .layer(middleware::from_fn(log_payments_request))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAYMENTS_DEFAULT_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("reporting-endpoints"),
            HeaderValue::from_static(REPORTING_ENDPOINTS),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// The payments origin serves no page of the build (`index.html`, the examples, the raw
/// frame page): those are the merchant's, or come through `/v1/card-frame`.
async fn refuse_pages(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.ends_with(".html") || path.ends_with('/') {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

/// How long browsers may keep what they fetched. Everything is `no-store` (API answers,
/// the return page whose address carried a client secret, the test-mode pages) except:
/// the checkout page is `no-cache` (always revalidated, but it may stay in the
/// back/forward cache, so the back button from a 3-D Secure or wallet page restores the
/// form as the customer left it), so are the stable entry points (`/embed/…` and the
/// card frame's `/frame/…`, which change with each release), and files with a content
/// hash in their name never change. Both origins follow it.
async fn cache_policy(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    // A return_url pointing at a page puts the intent and its client secret in the
    // query: such a response is never stored (other queries, e.g. utm_…, change nothing).
    let has_query = request
        .uri()
        .query()
        .is_some_and(|q| q.contains("secret") || q.contains("payment_intent"));
    let mut response = next.run(request).await;
    let status = response.status();
    // A 304's headers replace the cached copy's: it gets the same policy as the 200.
    let cacheable = status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED;
    if response.headers().contains_key(header::CACHE_CONTROL) || !cacheable || has_query {
        return response;
    }
    let policy = if path == "/"
        || path == "/index.html"
        || path.starts_with("/embed/")
        || path.starts_with("/frame/")
    {
        Some("no-cache")
    } else if is_hashed_asset(&path) {
        Some("public, max-age=31536000, immutable")
    } else {
        None
    };
    if let Some(policy) = policy {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Whether the path names a file trunk fingerprinted (`name-<hash>.ext`, the hash a
/// 64-bit number in hex without leading zeros).
fn is_hashed_asset(path: &str) -> bool {
    let Some(file) = path.rsplit('/').next() else {
        return false;
    };
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn log_storefront_request(request: Request, next: Next) -> Response {
    log_request("storefront", request, next).await
}

async fn log_payments_request(request: Request, next: Next) -> Response {
    log_request("payments", request, next).await
}

/// Logs the origin's role, method, path, status and duration. Never the query string
/// (it carries client secrets and publishable keys), headers (bearer secrets) or bodies
/// (card data).
async fn log_request(role: &'static str, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = mask_return_tag(&mask_digit_runs(request.uri().path()));
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        role,
        %method,
        path,
        status = response.status().as_u16(),
        millis = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// A processor's return path as it may be logged: without its tag, which with the
/// attempt leads to the intent's client secret.
fn mask_return_tag(path: &str) -> String {
    match path
        .strip_prefix("/processor-return/")
        .and_then(|rest| rest.split_once('/'))
    {
        Some((attempt, _)) => format!("/processor-return/{attempt}/…"),
        None => path.to_owned(),
    }
}

/// A path as it may be logged: a client that put a card number into a URL must not get
/// it into the logs, so a stretch of digits (spaces, dashes and `%20` between them
/// allowed) holding eight or more digits becomes `…`.
pub fn mask_digit_runs(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            // Paths are ASCII after URI parsing; keep any other character whole.
            let c = path[i..].chars().next().unwrap_or('?');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut end = i;
        let mut digits = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                digits += 1;
                i += 1;
                end = i;
            } else if bytes[i] == b' ' || bytes[i] == b'-' {
                i += 1;
            } else if bytes[i..].starts_with(b"%20") {
                i += 3;
            } else {
                break;
            }
        }
        if digits >= 8 {
            out.push('…');
        } else {
            out.push_str(&path[start..end]);
        }
        // Separators after the last digit are kept as they were.
        out.push_str(&path[end..i]);
    }
    out
}

async fn healthz_get() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

#[cfg(test)]
mod tests {
    use super::{mask_digit_runs, mask_return_tag};

    #[test]
    fn a_processor_return_is_logged_without_its_tag() {
        assert_eq!(
            mask_return_tag("/processor-return/att_1a2b/0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
            "/processor-return/att_1a2b/…"
        );
        assert_eq!(mask_return_tag("/api/orders/ord_1"), "/api/orders/ord_1");
    }

    #[test]
    fn long_digit_runs_are_masked_in_logged_paths() {
        assert_eq!(
            mask_digit_runs("/api/payment_intents/pi_123"),
            "/api/payment_intents/pi_123"
        );
        assert_eq!(mask_digit_runs("/4242424242424242"), "/…");
        assert_eq!(mask_digit_runs("/x/4242-4242-4242-4242/y"), "/x/…/y");
        assert_eq!(mask_digit_runs("/4242%204242%204242%204242"), "/…");
        assert_eq!(mask_digit_runs("/DE89370400440532013000"), "/DE…");
        assert_eq!(mask_digit_runs("/2026-11-22"), "/…");
        assert_eq!(mask_digit_runs("/v1-2"), "/v1-2");
    }
}
