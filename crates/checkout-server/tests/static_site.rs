//! The storefront hosts the build: every page carries the strict CSP (with the payments
//! origin where the page needs it), the checkout page is revalidated on every load (but
//! may stay in the back/forward cache), the return page and the API are never stored,
//! fingerprinted files are immutable, the return page is the release build's
//! complete.html (index.html where a build has none), and unknown paths get index.html.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use checkout_server::{app, AppState, ManualClock, Settings};
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// A fresh dist directory per test: tests run in parallel and must not share files.
fn dist_with_index() -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("checkout-dist-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Checkout</title>",
    )
    .unwrap();
    std::fs::write(dir.join("boot-7647d2b738202efa.js"), "export {};").unwrap();
    std::fs::write(
        dir.join("payment-element-3e0ae32a6e35fb63_bg.wasm"),
        "\0asm",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("embed")).unwrap();
    std::fs::write(dir.join("embed/payment_element.js"), "export {};").unwrap();
    dir
}

/// The app serving `dist`, on a test clock.
async fn app_serving(dist: std::path::PathBuf) -> axum::Router {
    let state = AppState::for_tests(
        Settings::new(dist),
        Arc::new(ManualClock::new(1_795_000_000)),
    )
    .await;
    app(state)
}

/// The payments origin of `Settings::new` (the demo's).
const PAYMENTS_ORIGIN: &str = "http://127.0.0.1:8090";

/// The policy in the README's code block after `marker`.
fn readme_policy(marker: &str) -> String {
    let readme = include_str!("../../../README.md");
    readme
        .split(marker)
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .map(str::trim)
        .unwrap_or_else(|| panic!("README.md shows a policy in a code block after {marker:?}"))
        .to_owned()
}

async fn get(uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app_serving(dist_with_index())
        .await
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn healthz_answers_json() {
    let (status, headers, body) = get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(body, r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn checkout_page_has_strict_csp_and_is_revalidated() {
    let (status, headers, body) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<title>Checkout</title>"));
    // The policy the README promises merchants, as written there (not this crate's
    // function, which would only compare the header with itself), with this server's
    // payments origin for the README's example one, plus the reporting.
    let promised = readme_policy("checkout page takes the widget's files")
        .replace("https://pay.example", PAYMENTS_ORIGIN);
    assert_eq!(
        promised,
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' http://127.0.0.1:8090; \
         style-src 'self' http://127.0.0.1:8090; img-src 'self' data: http://127.0.0.1:8090; \
         connect-src 'self' http://127.0.0.1:8090; frame-src 'self' http://127.0.0.1:8090; \
         frame-ancestors 'none'"
    );
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        format!("{promised}; report-uri /api/csp-reports; report-to csp").as_str()
    );
    // Revalidated on every load; unlike no-store, the page may be kept in the
    // back/forward cache, so "back" from a 3-D Secure page restores the form.
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn return_page_path_falls_back_to_the_checkout_page() {
    let (_, headers, body) = get("/complete?payment_intent=pi_1").await;
    assert!(body.contains("<title>Checkout</title>"));
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        checkout_server::csp::storefront_policy(PAYMENTS_ORIGIN).as_str()
    );
}

#[tokio::test]
async fn the_return_page_of_a_release_build_is_its_own_page() {
    // examples/stage.sh writes complete.html: the return page's own wasm, not the
    // widget's, taken from the payments origin like the checkout page's files.
    let dist = dist_with_index();
    std::fs::write(
        dist.join("complete.html"),
        "<!doctype html><title>Your payment</title>\
         <meta name=payment-element-js content=/payment-status-0a1b2c3d4e5f6071.js>",
    )
    .unwrap();
    std::fs::write(
        dist.join("payment-status-0a1b2c3d4e5f6071.js"),
        "export {};",
    )
    .unwrap();
    let response = app_serving(dist)
        .await
        .oneshot(
            Request::get("/complete?payment_intent=pi_1")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(body.to_vec()).unwrap();
    assert!(body.contains("<title>Your payment</title>"), "{body}");
    assert!(
        body.contains(&format!(
            "content=\"{PAYMENTS_ORIGIN}/payment-status-0a1b2c3d4e5f6071.js\""
        )),
        "{body}"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        checkout_server::csp::storefront_policy(PAYMENTS_ORIGIN).as_str()
    );
}

#[tokio::test]
async fn caching_follows_what_each_response_is() {
    // The return page's address carries the client secret: never stored.
    let (_, headers, _) = get("/complete?payment_intent=pi_1").await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let (_, headers, _) = get("/api/cart").await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // Fingerprinted files never change.
    for path in [
        "/boot-7647d2b738202efa.js",
        "/payment-element-3e0ae32a6e35fb63_bg.wasm",
    ] {
        let (status, headers, _) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{path}"
        );
    }
    // The checkout page with a query (a return_url pointing at it gets the secret
    // there) is never stored.
    let (_, headers, _) = get("/?payment_intent_client_secret=pi_1_secret_x").await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // Other queries (campaign tags) keep the page's policy, bfcache included.
    let (_, headers, _) = get("/?utm_source=newsletter").await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    // The stable embed entry point changes with each release: revalidated.
    let (_, headers, _) = get("/embed/payment_element.js").await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn a_revalidated_checkout_page_keeps_its_policy() {
    let app = app_serving(dist_with_index()).await;
    let first = app
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let modified = first.headers()[header::LAST_MODIFIED].clone();
    let again = app
        .oneshot(
            Request::get("/")
                .header(header::IF_MODIFIED_SINCE, modified)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // A 304's headers update the cached copy: no-store here would drop the page from
    // the back/forward cache after its first revalidation.
    assert_eq!(again.headers()[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn the_widget_travels_compressed_when_the_browser_accepts_it() {
    let dist = dist_with_index();
    let wasm = vec![0u8; 64 * 1024];
    std::fs::write(dist.join("payment-element-3e0ae32a6e35fb63_bg.wasm"), &wasm).unwrap();
    let app = app_serving(dist).await;
    for (accepted, encoding) in [
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let response = app
            .clone()
            .oneshot(
                Request::get("/payment-element-3e0ae32a6e35fb63_bg.wasm")
                    .header(header::ACCEPT_ENCODING, accepted)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepted}"
        );
        let body = response.into_body().collect().await.unwrap().to_bytes();
        if encoding.is_some() {
            assert!(
                body.len() < wasm.len() / 10,
                "{accepted}: {} bytes",
                body.len()
            );
        } else {
            assert_eq!(body.len(), wasm.len());
        }
    }
}

#[tokio::test]
async fn precompressed_files_go_to_browsers_that_take_them_on_both_origins() {
    let dist = dist_with_index();
    let wasm = "payment-element-3e0ae32a6e35fb63_bg.wasm";
    // What examples/stage.sh writes beside each file of a release build.
    std::fs::write(dist.join(format!("{wasm}.br")), b"brotli bytes").unwrap();
    std::fs::write(dist.join(format!("{wasm}.gz")), b"gzip bytes").unwrap();
    let state = AppState::for_tests(
        Settings::new(&dist),
        Arc::new(ManualClock::new(1_795_000_000)),
    )
    .await;
    for router in [
        app(state.clone()),
        checkout_server::payments_app(state.clone()),
    ] {
        for (accepts, encoding, body) in [
            ("br, gzip", Some("br"), "brotli bytes"),
            ("gzip", Some("gzip"), "gzip bytes"),
            ("identity", None, "\0asm"),
        ] {
            let response = router
                .clone()
                .oneshot(
                    Request::get(format!("/{wasm}"))
                        .header(header::ACCEPT_ENCODING, accepts)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{accepts}");
            let headers = response.headers().clone();
            assert_eq!(
                headers
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                encoding,
                "{accepts}"
            );
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/wasm",
                "{accepts}"
            );
            assert_eq!(headers[header::VARY], "accept-encoding", "{accepts}");
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(bytes.as_ref(), body.as_bytes(), "{accepts}");
        }
    }
}
