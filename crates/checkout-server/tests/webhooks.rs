//! Webhooks: the processor's signed deliveries into the merchant endpoint, refused
//! signatures, duplicates, out-of-order events, retries, and exactly-once fulfilment.

mod common;

use axum::http::{Method, StatusCode};
use checkout_server::webhooks::{deliver_due, sign};
use common::{sepa_request, Harness, NOW};
use serde_json::json;

async fn post_event(h: &Harness, body: &str, signature: Option<&str>) -> common::Reply {
    let mut headers = Vec::new();
    if let Some(signature) = signature {
        headers.push(("processor-signature", signature));
    }
    h.call(Method::POST, "/api/webhooks", &headers, Some(body))
        .await
}

fn event(id: &str, kind: &str, intent: &str) -> String {
    json!({"id": id, "type": kind, "created": NOW, "data": {"object": {"id": intent, "status": "x"}}})
        .to_string()
}

#[tokio::test]
async fn a_payment_delivers_signed_events_that_the_endpoint_accepts() {
    let h = Harness::new().await;
    let (secret, _) = h.session().await;
    let mut request = h.card_request("4242424242424242").await;
    request["setup_future_usage"] = json!("off_session");
    request["consent"] = common::consent();
    let token = h.token_from(request, Some(&secret)).await;
    h.confirm(token["id"].as_str().unwrap(), None).await;
    let delivered = deliver_due(&h.state).await.unwrap();
    assert_eq!(delivered, 2);
    let kinds: Vec<String> = sqlx::query_scalar("SELECT type FROM received_events ORDER BY type")
        .fetch_all(h.state.db())
        .await
        .unwrap();
    assert_eq!(
        kinds,
        ["payment_intent.succeeded", "payment_method.attached"]
    );
    // Nothing is delivered twice.
    assert_eq!(deliver_due(&h.state).await.unwrap(), 0);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 1);
}

#[tokio::test]
async fn bad_signature_stale_timestamp_and_malformed_headers_are_refused() {
    let h = Harness::new().await;
    let body = event("evt_1", "payment_intent.succeeded", "pi_1");
    let secret = h.state.webhook_secret().to_owned();

    let wrong_key = sign("not-the-secret", NOW, body.as_bytes());
    let reply = post_event(&h, &body, Some(&wrong_key)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["error"]["param"], "Processor-Signature");

    let tampered = sign(&secret, NOW, body.replace("pi_1", "pi_2").as_bytes());
    assert_eq!(
        post_event(&h, &body, Some(&tampered)).await.status,
        StatusCode::BAD_REQUEST
    );

    let stale = sign(&secret, NOW - 301, body.as_bytes());
    let reply = post_event(&h, &body, Some(&stale)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("tolerance"));
    let future = sign(&secret, NOW + 301, body.as_bytes());
    assert_eq!(
        post_event(&h, &body, Some(&future)).await.status,
        StatusCode::BAD_REQUEST
    );
    let edge = sign(&secret, NOW - 300, body.as_bytes());
    assert_eq!(
        post_event(&h, &body, Some(&edge)).await.status,
        StatusCode::OK
    );

    let good = sign(&secret, NOW, body.as_bytes());
    let v1 = good.split_once(",v1=").unwrap().1.to_owned();
    for malformed in [
        String::new(),
        "garbage".to_owned(),
        format!("v1={v1}"),
        format!("t={NOW}"),
        format!("t=yesterday,v1={v1}"),
        format!("t={NOW},v1=not-hex"),
    ] {
        let reply = post_event(&h, &body, Some(&malformed)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{malformed}");
        assert_eq!(reply.headers["content-type"], "application/json");
    }
    let missing = post_event(&h, &body, None).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(h.count("SELECT COUNT(*) FROM received_events").await, 1);
}

#[tokio::test]
async fn a_second_v1_signature_may_match_during_secret_rotation() {
    let h = Harness::new().await;
    let body = event("evt_rot", "payment_intent.processing", "pi_1");
    let good = sign(h.state.webhook_secret(), NOW, body.as_bytes());
    let v1 = good.split_once(",v1=").unwrap().1;
    let header = format!("t={NOW},v1={},v1={v1}", "00".repeat(32));
    assert_eq!(
        post_event(&h, &body, Some(&header)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn duplicate_delivery_is_acknowledged_and_ignored() {
    let h = Harness::new().await;
    let paid = h.pay("4242424242424242").await;
    let intent = paid.body["id"].as_str().unwrap();
    let body = event("evt_dup", "payment_intent.succeeded", intent);
    let signature = sign(h.state.webhook_secret(), NOW, body.as_bytes());
    let first = post_event(&h, &body, Some(&signature)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body, json!({"received": true}));
    let second = post_event(&h, &body, Some(&signature)).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body["duplicate"], true);
    assert_eq!(h.count("SELECT COUNT(*) FROM received_events").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 1);
}

#[tokio::test]
async fn out_of_order_events_never_unpay_an_order() {
    let h = Harness::new().await;
    let token = h
        .token_from(
            sepa_request("DE89370400440532013000", "jenny@example.com"),
            None,
        )
        .await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    let intent = reply.body["id"].as_str().unwrap();
    h.clock.advance(10);
    checkout_server::intents::settle_all_due(&h.state)
        .await
        .unwrap();
    // Deliver the processor's real events newest first.
    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, payload FROM processor_events ORDER BY created DESC, rowid DESC",
    )
    .fetch_all(h.state.db())
    .await
    .unwrap();
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["payment_intent.succeeded", "payment_intent.processing"]
    );
    for (_, payload) in &events {
        let signature = sign(h.state.webhook_secret(), h.state.now(), payload.as_bytes());
        assert_eq!(
            post_event(&h, payload, Some(&signature)).await.status,
            StatusCode::OK
        );
    }
    let (status, via): (String, String) = sqlx::query_as("SELECT status, paid_via FROM orders")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!((status.as_str(), via.as_str()), ("paid", "webhook"));
    // The return page's poll afterwards fulfils nothing more.
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 1);
    let fulfilled_intent: String = sqlx::query_scalar("SELECT payment_intent_id FROM fulfilments")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!(fulfilled_intent, intent);
}

#[tokio::test]
async fn poll_first_then_webhook_fulfils_once() {
    let h = Harness::new().await;
    let token = h
        .token_from(
            sepa_request("DE89370400440532013000", "jenny@example.com"),
            None,
        )
        .await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    h.clock.advance(10);
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(deliver_due(&h.state).await.unwrap(), 2);
    let via: String = sqlx::query_scalar("SELECT via FROM fulfilments")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!(via, "poll");
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 1);
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff() {
    let h = Harness::new().await;
    // An event the endpoint refuses (not JSON) stands in for a failing endpoint.
    sqlx::query(
        "INSERT INTO processor_events (id, type, created, payload, next_attempt_at) \
         VALUES ('evt_bad', 'x', ?, 'not json', ?)",
    )
    .bind(NOW)
    .bind(NOW)
    .execute(h.state.db())
    .await
    .unwrap();
    let schedule = || async {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT attempts, next_attempt_at FROM processor_events WHERE id = 'evt_bad'",
        )
        .fetch_one(h.state.db())
        .await
        .unwrap()
    };
    assert_eq!(deliver_due(&h.state).await.unwrap(), 0);
    assert_eq!(schedule().await, (1, NOW + 10));
    // Not due yet: no attempt.
    deliver_due(&h.state).await.unwrap();
    assert_eq!(schedule().await, (1, NOW + 10));
    h.clock.advance(10);
    deliver_due(&h.state).await.unwrap();
    assert_eq!(schedule().await, (2, NOW + 10 + 20));
    // After the last attempt it is given up.
    for _ in 0..20 {
        h.clock.advance(3_600);
        deliver_due(&h.state).await.unwrap();
    }
    assert_eq!(schedule().await.0, checkout_server::webhooks::MAX_ATTEMPTS);
}

#[tokio::test]
async fn a_failed_payment_webhook_does_not_fulfil() {
    let h = Harness::new().await;
    h.pay("4000000000000002").await;
    assert_eq!(deliver_due(&h.state).await.unwrap(), 1);
    let kind: String = sqlx::query_scalar("SELECT type FROM received_events")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!(kind, "payment_intent.payment_failed");
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 0);
}
