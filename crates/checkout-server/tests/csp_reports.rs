//! CSP violation reports: the policy names the endpoint, both report formats are
//! accepted, stored without query strings, and listed for the end-to-end suite.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use checkout_server::REPORTING_ENDPOINTS;
use common::Harness;
use serde_json::{json, Value};

async fn report(h: &Harness, content_type: &str, body: &str) -> common::Reply {
    h.send(
        Request::post("/api/csp-reports")
            .header("content-type", content_type)
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

async fn listed(h: &Harness) -> Value {
    let reply = h.get("/test-mode/csp-reports").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

fn legacy(document: &str) -> String {
    json!({"csp-report": {
        "document-uri": document,
        "referrer": "",
        "violated-directive": "style-src-attr",
        "effective-directive": "style-src-attr",
        "original-policy": checkout_server::csp::storefront_policy("http://127.0.0.1:8090"),
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "column-number": 7,
        "source-file": "http://127.0.0.1:8080/payment_element-1a2b.js?v=1",
        "status-code": 200,
        "script-sample": "color: red; margin: 10px"
    }})
    .to_string()
}

#[tokio::test]
async fn every_response_names_the_report_endpoints() {
    let h = Harness::new().await;
    for path in ["/api/cart", "/healthz", "/", "/test-mode/stats"] {
        let reply = h.get(path).await;
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert_eq!(csp, h.state.storefront_policy(), "{path}");
        assert!(csp.ends_with("; report-uri /api/csp-reports; report-to csp"));
        assert_eq!(reply.headers["reporting-endpoints"], REPORTING_ENDPOINTS);
        assert_eq!(
            reply.headers["reporting-endpoints"],
            "csp=\"/api/csp-reports\""
        );
    }
}

#[tokio::test]
async fn a_fresh_server_has_no_reports() {
    let h = Harness::new().await;
    assert_eq!(listed(&h).await, json!({"count": 0, "reports": []}));
}

#[tokio::test]
async fn a_legacy_report_is_stored_without_query_or_fragment() {
    let h = Harness::new().await;
    let document = "http://127.0.0.1:8080/complete?payment_intent=pi_1\
                    &payment_intent_client_secret=pi_1_secret_Abc123&redirect_status=succeeded#top";
    let reply = report(&h, "application/csp-report", &legacy(document)).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    assert!(reply.text.is_empty());
    let list = listed(&h).await;
    assert_eq!(list["count"], 1);
    let stored = &list["reports"][0];
    assert_eq!(
        *stored,
        json!({
            "received_at": common::NOW,
            "format": "csp-report",
            "document_uri": "http://127.0.0.1:8080/complete",
            "blocked_uri": "inline",
            "effective_directive": "style-src-attr",
            "violated_directive": "style-src-attr",
            "disposition": "enforce",
            "source_file": "http://127.0.0.1:8080/payment_element-1a2b.js",
            "line_number": 12,
            "column_number": 7,
            "status_code": 200,
            "referrer": null,
            "sample": "color: red; margin: ##px"
        })
    );
    assert!(!list.to_string().contains("secret_Abc123"));
}

#[tokio::test]
async fn a_reports_json_batch_keeps_only_csp_violations() {
    let h = Harness::new().await;
    let body = json!([
        {
            "type": "csp-violation", "age": 10, "url": "http://127.0.0.1:8080/?a=1",
            "user_agent": "Chrome",
            "body": {
                "documentURL": "http://127.0.0.1:8080/?returning=1",
                "blockedURL": "https://evil.example/x.js?token=t",
                "effectiveDirective": "script-src-elem",
                "originalPolicy": checkout_server::csp::storefront_policy("http://127.0.0.1:8090"),
                "disposition": "enforce", "statusCode": 200,
                "sourceFile": "http://127.0.0.1:8080/index.js", "lineNumber": 3, "columnNumber": 1,
                "referrer": "https://shop.example/cart?coupon=SECRET"
            }
        },
        {"type": "deprecation", "age": 1, "url": "http://127.0.0.1:8080/", "body": {"id": "x"}},
        {
            "type": "csp-violation", "age": 5, "url": "http://127.0.0.1:8080/",
            "body": {"documentURL": "http://127.0.0.1:8080/", "blockedURL": "eval",
                     "effectiveDirective": "script-src", "disposition": "enforce"}
        }
    ]);
    let reply = report(&h, "application/reports+json", &body.to_string()).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let list = listed(&h).await;
    assert_eq!(list["count"], 2);
    let first = &list["reports"][0];
    assert_eq!(first["format"], "reports+json");
    assert_eq!(first["document_uri"], "http://127.0.0.1:8080/");
    assert_eq!(first["blocked_uri"], "https://evil.example/x.js");
    assert_eq!(first["effective_directive"], "script-src-elem");
    assert_eq!(first["referrer"], "https://shop.example/cart");
    assert_eq!(first["line_number"], 3);
    assert_eq!(list["reports"][1]["blocked_uri"], "eval");
    assert!(!list.to_string().contains("SECRET"));
    // An empty batch is fine and adds nothing.
    let empty = report(&h, "application/reports+json", "[]").await;
    assert_eq!(empty.status, StatusCode::NO_CONTENT);
    assert_eq!(listed(&h).await["count"], 2);
}

#[tokio::test]
async fn bad_reports_get_json_errors() {
    let h = Harness::new().await;
    let cases = [
        (
            "text/plain",
            legacy("http://x/").to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/csp-report",
            "{\"csp-report\":".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/csp-report",
            "{\"other\": {}}".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/reports+json",
            "42".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (content_type, body, status) in cases {
        let reply = report(&h, content_type, &body).await;
        assert_eq!(reply.status, status, "{content_type} {body}");
        assert_eq!(reply.headers["content-type"], "application/json");
        assert_eq!(reply.code(), "invalid_request_body");
    }
    // A missing body is not a report.
    let empty = h
        .call(
            Method::POST,
            "/api/csp-reports",
            &[("content-type", "application/reports+json")],
            None,
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.code(), "invalid_request_body");
    let wrong_method = h.get("/api/csp-reports").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.code(), "parameter_invalid");
    assert_eq!(listed(&h).await["count"], 0);
}

#[tokio::test]
async fn report_bodies_are_bounded_at_64_kib() {
    let h = Harness::new().await;
    // Larger than an API request may be, still a report.
    let padded = |len: usize| {
        let mut body: Value = serde_json::from_str(&legacy("http://127.0.0.1:8080/")).unwrap();
        body["csp-report"]["original-policy"] = json!("p".repeat(len));
        body.to_string()
    };
    let big = report(&h, "application/csp-report", &padded(40 * 1024)).await;
    assert_eq!(big.status, StatusCode::NO_CONTENT, "{}", big.text);
    let huge = report(&h, "application/csp-report", &padded(70 * 1024)).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.code(), "invalid_request_body");
    assert_eq!(listed(&h).await["count"], 1);
}

#[tokio::test]
async fn only_the_newest_reports_are_kept_but_all_are_counted() {
    let h = Harness::new().await;
    let kept = usize::try_from(checkout_server::csp::REPORTS_KEPT).unwrap();
    let one = json!({"type": "csp-violation", "body": {"documentURL": "http://127.0.0.1:8080/", "blockedURL": "inline"}});
    // 1005 reports in batches that fit the body limit.
    let mut sent = 0;
    while sent < kept + 5 {
        let batch = vec![one.clone(); 201.min(kept + 5 - sent)];
        let reply = report(
            &h,
            "application/reports+json",
            &Value::from(batch.clone()).to_string(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
        sent += batch.len();
    }
    let list = listed(&h).await;
    assert_eq!(list["count"], kept + 5);
    assert_eq!(list["reports"].as_array().unwrap().len(), kept);
}
