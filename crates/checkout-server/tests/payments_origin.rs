//! The two origins' pages and files: the card frame page (its origins filled in, its own
//! policy), the widget's files on the payments origin (CORS, cache policy, no pages), the
//! storefront's checkout page pointing at them, its policy, and `/api/config`.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use checkout_server::Settings;
use common::{Harness, Reply, STOREFRONT};
use std::sync::atomic::{AtomicUsize, Ordering};

const GLUE: &str = "payment-element-3e0ae32a6e35fb63.js";
const WASM: &str = "payment-element-3e0ae32a6e35fb63_bg.wasm";
const BOOT: &str = "boot-7647d2b738202efa.js";
const WIDGET_CSS: &str = "payment_element-0f1e2d3c4b5a6978.css";
const DEMO_CSS: &str = "demo-6e1d4a5b3c2f1e0d.css";
const DEMO_JS: &str = "demo-1b2c3d4e5f6a7b8c.js";

/// The checkout page as `trunk build --release` writes it from index.html and
/// Trunk.toml: minified (attribute quotes dropped where HTML allows), the two
/// `pattern_script` meta tags, preloads, and SRI on every file.
fn trunk_index() -> String {
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8>\
         <meta content=\"width=device-width, initial-scale=1\" name=viewport>\
         <title>Checkout — payment-element demo</title>\
         <link href=/{DEMO_CSS} integrity=sha384-DemoCss rel=stylesheet>\
         <link href=/{WIDGET_CSS} integrity=sha384-WidgetCss rel=stylesheet>\
         <meta name=payment-element-js content=/{GLUE}>\
         <meta name=payment-element-wasm content=/{WASM}>\
         <link as=fetch crossorigin href=/{WASM} integrity=sha384-Wasm rel=preload type=application/wasm>\
         <link crossorigin=anonymous href=/{GLUE} integrity=sha384-Glue rel=modulepreload>\
         <script integrity=sha384-Boot src=/{BOOT} type=module></script>\
         <script integrity=sha384-DemoJs src=/{DEMO_JS} type=module></script></head>\
         <body><main class=demo><h1>Checkout</h1><a class=demo-paid-link href=/complete></a>\
         <td>4242 4242 4242 4242</td></main></body></html>"
    )
}

const FRAME_PAGE: &str = "<!doctype html><html lang=en><head><meta charset=utf-8>\
    <meta name=payment-element-frame-origins content=\"__PAYMENT_ELEMENT_FRAME_ORIGINS__\">\
    <script type=module src=/frame/boot-0123456789abcdef.js></script></head>\
    <body data-origins=\"__PAYMENT_ELEMENT_FRAME_ORIGINS__\"></body></html>";

/// A fresh build per test: tests run in parallel and must not share files.
fn dist() -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("checkout-two-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("embed")).unwrap();
    std::fs::create_dir_all(dir.join("frame")).unwrap();
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::write(dir.join("index.html"), trunk_index()).unwrap();
    for file in [GLUE, BOOT, DEMO_JS] {
        std::fs::write(dir.join(file), "export {};").unwrap();
    }
    std::fs::write(dir.join(WASM), vec![0u8; 64 * 1024]).unwrap();
    std::fs::write(dir.join(WIDGET_CSS), ".pe{}").unwrap();
    std::fs::write(dir.join(DEMO_CSS), ".demo{}").unwrap();
    std::fs::write(dir.join("embed/payment_element.js"), "export {};").unwrap();
    std::fs::write(dir.join("frame/card.html"), FRAME_PAGE).unwrap();
    std::fs::write(dir.join("frame/boot-0123456789abcdef.js"), "export {};").unwrap();
    std::fs::write(dir.join("examples/embed.html"), "<!doctype html>").unwrap();
    dir
}

async fn harness() -> Harness {
    Harness::with_settings(Settings::new(dist())).await
}

async fn get_payments(h: &Harness, uri: &str) -> Reply {
    h.send_payments(Request::get(uri).body(Body::empty()).unwrap())
        .await
}

#[tokio::test]
async fn the_card_frame_is_framed_by_the_allowed_storefronts_only() {
    let h = harness().await;
    let key = h.state.publishable_key().to_owned();
    for uri in [
        format!("/v1/card-frame?key={key}"),
        format!("/v1/card-frame?key={key}&fields=cvc"),
    ] {
        let page = get_payments(&h, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(!page.text.contains("__PAYMENT_ELEMENT_FRAME_ORIGINS__"));
        assert_eq!(
            page.text.matches(&format!("\"{STOREFRONT}\"")).count(),
            2,
            "{}",
            page.text
        );
        assert_eq!(
            page.headers[header::CONTENT_SECURITY_POLICY],
            format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                 img-src 'self' data:; connect-src 'self'; frame-ancestors {STOREFRONT}; \
                 report-uri /api/csp-reports; report-to csp"
            )
            .as_str()
        );
        assert_eq!(
            page.headers["reporting-endpoints"],
            "csp=\"/api/csp-reports\""
        );
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
        assert!(page.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
    for uri in [
        "/v1/card-frame".to_owned(),
        "/v1/card-frame?key=pk_test_unknown0123456789".to_owned(),
        format!(
            "/v1/card-frame?key={MERCHANT}",
            MERCHANT = common::MERCHANT_KEY
        ),
    ] {
        let page = get_payments(&h, &uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(page.text.contains("publishable key is unknown"), "{uri}");
        assert!(!page.text.contains(STOREFRONT));
    }
}

#[tokio::test]
async fn every_allowed_storefront_is_named_in_the_frame() {
    let mut settings = Settings::new(dist());
    settings.storefront_origins = vec![
        "https://a.example".to_owned(),
        "https://b.example:8443".to_owned(),
    ];
    let h = Harness::with_settings(settings).await;
    let key = h.state.publishable_key().to_owned();
    let page = get_payments(&h, &format!("/v1/card-frame?key={key}")).await;
    assert!(page
        .text
        .contains("content=\"https://a.example https://b.example:8443\""));
    assert!(page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("; frame-ancestors https://a.example https://b.example:8443; "));
    // Only those origins tokenize, besides the frame's own.
    let reply = h
        .send_payments(
            Request::post("/v1/card_tokens")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {key}"))
                .header("origin", STOREFRONT)
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.code(), "origin_not_allowed");
    // An origin is written into the page as an attribute's text.
    assert_eq!(
        checkout_server::html::escape_attribute("https://a.example \"><x"),
        "https://a.example &quot;&gt;&lt;x"
    );
}

#[tokio::test]
async fn the_readme_shows_the_frames_policy() {
    let readme = include_str!("../../../README.md");
    let promised = readme
        .split("may be framed only by the")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .map(str::trim)
        .expect("README.md shows the card frame's policy");
    assert_eq!(
        format!("{promised}; report-uri /api/csp-reports; report-to csp"),
        checkout_server::csp::frame_policy(&["https://shop.example".to_owned()])
    );
}

#[tokio::test]
async fn the_widgets_files_are_served_to_any_origin_and_pages_are_not() {
    let h = harness().await;
    for (path, cache) in [
        (format!("/{GLUE}"), "public, max-age=31536000, immutable"),
        (format!("/{WASM}"), "public, max-age=31536000, immutable"),
        (
            format!("/{WIDGET_CSS}"),
            "public, max-age=31536000, immutable",
        ),
        ("/embed/payment_element.js".to_owned(), "no-cache"),
        ("/frame/boot-0123456789abcdef.js".to_owned(), "no-cache"),
    ] {
        let reply = get_payments(&h, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.headers["access-control-allow-origin"], "*", "{path}");
        assert_eq!(
            reply.headers["cross-origin-resource-policy"], "cross-origin",
            "{path}"
        );
        assert_eq!(reply.headers[header::CACHE_CONTROL], cache, "{path}");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    }
    // Compressed as the storefront does it.
    let wasm = h
        .send_payments(
            Request::get(format!("/{WASM}"))
                .header(header::ACCEPT_ENCODING, "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(wasm.headers[header::CONTENT_ENCODING], "br");
    // No checkout page, no other page of the build, no fallback.
    for path in [
        "/",
        "/index.html",
        "/complete",
        "/examples/embed.html",
        "/frame/card.html",
        "/embed/",
    ] {
        let reply = get_payments(&h, path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.text.contains("Checkout"), "{path}");
    }
    let health = get_payments(&h, "/healthz").await;
    assert_eq!(health.text, r#"{"status":"ok"}"#);
    // Unknown /v1 paths are JSON errors.
    let unknown = get_payments(&h, "/v1/nothing").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "resource_missing");
}

#[tokio::test]
async fn the_checkout_page_takes_the_widgets_files_from_the_payments_origin() {
    let h = harness().await;
    let origin = &h.payments_origin;
    let page = h.send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.text;
    for file in [GLUE, WASM, BOOT, WIDGET_CSS] {
        assert!(
            html.contains(&format!("\"{origin}/{file}\"")),
            "{file} not from {origin}: {html}"
        );
        assert!(!html.contains(&format!("=/{file}")), "{file} left: {html}");
    }
    // The two meta tags boot.js reads.
    assert!(html.contains(&format!(
        "<meta name=payment-element-js content=\"{origin}/{GLUE}\">"
    )));
    assert!(html.contains(&format!(
        "<meta name=payment-element-wasm content=\"{origin}/{WASM}\">"
    )));
    // The merchant's own files and links stay on the storefront.
    assert!(html.contains(&format!("href=/{DEMO_CSS} ")));
    assert!(html.contains(&format!("src=/{DEMO_JS} ")));
    assert!(html.contains("href=/complete>"));
    assert!(html.contains("<td>4242 4242 4242 4242</td>"));
    // Every tag checked by SRI is fetched with CORS, once.
    for tag in html.split('<').filter(|t| t.contains("integrity=")) {
        assert_eq!(tag.matches("crossorigin").count(), 1, "<{tag}");
    }
    assert!(html.contains(&format!(
        "<script integrity=sha384-Boot crossorigin=\"anonymous\" src=\"{origin}/{BOOT}\" type=module>"
    )));
    // The return page is the same page; revalidation by ETag keeps the policy.
    let complete = h
        .send(
            Request::get("/complete?payment_intent=pi_1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(complete.text, page.text);
    assert_eq!(complete.headers[header::CACHE_CONTROL], "no-store");
    let etag = page.headers[header::ETAG].clone();
    let again = h
        .send(
            Request::get("/")
                .header(header::IF_NONE_MATCH, etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(
        again.headers[header::CONTENT_SECURITY_POLICY],
        h.state.storefront_policy()
    );
}

#[tokio::test]
async fn the_storefronts_policy_lets_the_page_use_the_payments_origin() {
    let h = harness().await;
    let origin = &h.payments_origin;
    let page = h.send(Request::get("/").body(Body::empty()).unwrap()).await;
    let policy = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    let directives: Vec<&str> = policy.split("; ").collect();
    for expected in [
        format!("script-src 'self' 'wasm-unsafe-eval' {origin}"),
        format!("style-src 'self' {origin}"),
        format!("connect-src 'self' {origin}"),
        format!("frame-src 'self' {origin}"),
        "default-src 'self'".to_owned(),
        format!("img-src 'self' data: {origin}"),
        "frame-ancestors 'none'".to_owned(),
    ] {
        assert!(
            directives.contains(&expected.as_str()),
            "{expected}: {policy}"
        );
    }
    assert_eq!(directives.len(), 9, "{policy}");
}

#[tokio::test]
async fn the_page_learns_the_publishable_key_and_the_payments_origin() {
    let h = harness().await;
    let config = h.get("/api/config").await;
    assert_eq!(config.status, StatusCode::OK);
    assert_eq!(
        config.body,
        serde_json::json!({
            "publishableKey": h.state.publishable_key(),
            "paymentsOrigin": h.payments_origin,
            "cardBrands": ["visa", "mastercard", "amex", "discover", "diners", "jcb",
                "unionpay", "maestro", "elo", "mir", "hiper", "hipercard"],
        })
    );
    let key = h.state.publishable_key();
    assert!(key.starts_with("pk_test_") && key.len() >= "pk_test_".len() + 16);
    assert_eq!(config.headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn the_frames_csp_reports_land_in_the_storefronts_store() {
    let h = harness().await;
    let report = serde_json::json!({"csp-report": {
        "document-uri": format!("{}/v1/card-frame", h.payments_origin),
        "effective-directive": "style-src-attr",
        "blocked-uri": "inline"
    }});
    let stored = h
        .send_payments(
            Request::post("/api/csp-reports")
                .header("content-type", "application/csp-report")
                .body(Body::from(report.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(stored.status, StatusCode::NO_CONTENT);
    let listed = h.get("/test-mode/csp-reports").await;
    assert_eq!(listed.body["count"], 1);
    assert_eq!(
        listed.body["reports"][0]["document_uri"],
        format!("{}/v1/card-frame", h.payments_origin)
    );
}
