//! Cancelling a payment intent: the merchant key, every allowed and refused status, the
//! stored reason, the `payment_intent.canceled` event, and a canceled intent that no
//! simulated page, confirm or webhook moves again and whose order is never fulfilled.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use checkout_server::webhooks::{deliver_due, sign};
use common::{sepa_request, Harness, Reply, MERCHANT_KEY};
use payment_core::money::Currency;
use serde_json::{json, Value};

const MERCHANT: &str = "Bearer sk_test_harness0123456789";

/// Cancels as the merchant, with an optional JSON body and idempotency key.
async fn cancel(h: &Harness, id: &str, body: Option<Value>, key: Option<&str>) -> Reply {
    let mut headers = vec![("authorization", MERCHANT)];
    if let Some(key) = key {
        headers.push(("idempotency-key", key));
    }
    let body = body.map(|b| b.to_string());
    h.call(
        Method::POST,
        &format!("/api/payment_intents/{id}/cancel"),
        &headers,
        body.as_deref(),
    )
    .await
}

/// The intent of a create-confirm reply, a decline's included.
fn intent_of(reply: &Reply) -> Value {
    if reply.body["error"].is_object() {
        reply.body["error"]["payment_intent"].clone()
    } else {
        reply.body.clone()
    }
}

fn id(intent: &Value) -> &str {
    intent["id"].as_str().unwrap()
}

async fn status_in_db(h: &Harness, id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM payment_intents WHERE id = ?")
        .bind(id)
        .fetch_one(h.state.db())
        .await
        .unwrap()
}

async fn order_status(h: &Harness, id: &str) -> String {
    sqlx::query_scalar(
        "SELECT o.status FROM orders o JOIN payment_intents p ON p.order_id = o.id WHERE p.id = ?",
    )
    .bind(id)
    .fetch_one(h.state.db())
    .await
    .unwrap()
}

/// The outbox's events of a kind, as sent.
async fn events(h: &Harness, kind: &str) -> Vec<Value> {
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM processor_events WHERE type = ? ORDER BY rowid")
            .bind(kind)
            .fetch_all(h.state.db())
            .await
            .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect()
}

fn assert_unexpected_state(reply: &Reply, status: &str) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(reply.code(), "payment_intent_unexpected_state");
    let message = reply.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("status of {status}")),
        "{message}"
    );
}

#[tokio::test]
async fn a_declined_intent_is_canceled_with_its_reason_and_an_event() {
    let h = Harness::new().await;
    let declined = intent_of(&h.pay("4000000000000002").await);
    assert_eq!(declined["status"], "requires_payment_method");

    let reply = cancel(
        &h,
        id(&declined),
        Some(json!({"cancellation_reason": "requested_by_customer"})),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "canceled");
    assert_eq!(reply.body["cancellation_reason"], "requested_by_customer");
    // The merchant's answer never carries the customer's secret.
    assert!(reply.body.get("client_secret").is_none());

    let status = h.status_of(&declined).await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(status.body["status"], "canceled");
    assert_eq!(status.body["cancellation_reason"], "requested_by_customer");
    assert_eq!(order_status(&h, id(&declined)).await, "canceled");

    let canceled = events(&h, "payment_intent.canceled").await;
    assert_eq!(canceled.len(), 1);
    let object = &canceled[0]["data"]["object"];
    assert_eq!(object["id"], declined["id"]);
    assert_eq!(object["status"], "canceled");
    assert_eq!(object["cancellation_reason"], "requested_by_customer");
    // Delivered through the outbox to the merchant endpoint like every other event.
    deliver_due(&h.state).await.unwrap();
    assert_eq!(
        h.count("SELECT COUNT(*) FROM received_events WHERE type = 'payment_intent.canceled'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_intent_awaiting_3ds_is_canceled_and_its_page_sends_the_customer_back() {
    let h = Harness::new().await;
    let reply = h.pay("4000000000003220").await;
    let intent = intent_of(&reply);
    assert_eq!(intent["status"], "requires_action");
    let url = intent["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let (pi, secret) = (id(&intent), intent["client_secret"].as_str().unwrap());

    // No body at all: no reason.
    let canceled = cancel(&h, pi, None, None).await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.text);
    assert_eq!(canceled.body["status"], "canceled");
    assert!(canceled.body.get("cancellation_reason").is_none());
    assert!(canceled.body.get("next_action").is_none());

    let back = format!(
        "https://shop.example/complete?payment_intent={pi}&payment_intent_client_secret={secret}&redirect_status=failed"
    );
    let page = h.get(&url).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers["location"], back.as_str());
    for button in ["complete", "fail"] {
        let chosen = h
            .call(Method::POST, &format!("{url}/{button}"), &[], None)
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER);
        assert_eq!(chosen.headers["location"], back.as_str());
    }
    let status = h.status_of(&intent).await;
    assert_eq!(status.body["status"], "canceled");
    assert!(status.body.get("next_action").is_none());
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 0);
    assert!(events(&h, "payment_intent.succeeded").await.is_empty());
}

#[tokio::test]
async fn an_intent_awaiting_a_wallet_is_canceled_and_the_wallet_cannot_authorize_it() {
    let h = Harness::with_currency(Currency::PHP).await;
    let token = h
        .token_from(
            json!({
                "payment_method_data": {"type": "ewallet", "ewallet": {"channel_code": "GCASH"}},
                "return_url": "https://shop.example/complete"
            }),
            None,
        )
        .await;
    let intent = intent_of(&h.confirm(token["id"].as_str().unwrap(), None).await);
    assert_eq!(intent["status"], "requires_action");
    let url = intent["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();

    let reply = cancel(
        &h,
        id(&intent),
        Some(json!({"cancellation_reason": "abandoned"})),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

    let page = h.get(&url).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let authorized = h
        .call(Method::POST, &format!("{url}/authorize"), &[], None)
        .await;
    assert_eq!(authorized.status, StatusCode::SEE_OTHER);
    assert!(authorized.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=failed"));
    assert_eq!(status_in_db(&h, id(&intent)).await, "canceled");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 0);
}

#[tokio::test]
async fn an_unconfirmed_intent_can_be_canceled() {
    let h = Harness::new().await;
    let intent = intent_of(&h.pay("4000000000000002").await);
    // Create-confirm confirms at once; an intent between the two steps is made by hand.
    sqlx::query(
        "UPDATE payment_intents SET status = 'requires_confirmation', last_payment_error = NULL \
         WHERE id = ?",
    )
    .bind(id(&intent))
    .execute(h.state.db())
    .await
    .unwrap();
    let reply = cancel(
        &h,
        id(&intent),
        Some(json!({"cancellation_reason": "duplicate"})),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "canceled");
    assert_eq!(reply.body["cancellation_reason"], "duplicate");
}

#[tokio::test]
async fn processing_succeeded_and_canceled_intents_cannot_be_canceled() {
    let h = Harness::new().await;
    let token = h
        .token_from(
            sepa_request("DE89370400440532013000", "jenny@example.com"),
            None,
        )
        .await;
    let processing = intent_of(&h.confirm(token["id"].as_str().unwrap(), None).await);
    assert_eq!(processing["status"], "processing");
    assert_unexpected_state(&cancel(&h, id(&processing), None, None).await, "processing");
    assert_eq!(status_in_db(&h, id(&processing)).await, "processing");
    // It still settles and is paid for as usual.
    h.clock.advance(10);
    assert_eq!(h.status_of(&processing).await.body["status"], "succeeded");
    assert_eq!(order_status(&h, id(&processing)).await, "paid");

    let succeeded = intent_of(&h.pay("4242424242424242").await);
    assert_eq!(succeeded["status"], "succeeded");
    assert_unexpected_state(&cancel(&h, id(&succeeded), None, None).await, "succeeded");
    assert_eq!(status_in_db(&h, id(&succeeded)).await, "succeeded");

    let declined = intent_of(&h.pay("4000000000000002").await);
    let reason = json!({"cancellation_reason": "fraudulent"});
    assert_eq!(
        cancel(&h, id(&declined), Some(reason.clone()), None)
            .await
            .status,
        StatusCode::OK
    );
    // A second cancel is refused (without a key it is a new request, not a replay).
    assert_unexpected_state(
        &cancel(&h, id(&declined), Some(reason), None).await,
        "canceled",
    );
    assert_eq!(events(&h, "payment_intent.canceled").await.len(), 1);

    let missing = cancel(&h, "pi_doesnotexist", None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "resource_missing");
}

#[tokio::test]
async fn only_the_merchant_key_cancels() {
    let h = Harness::new().await;
    let intent = intent_of(&h.pay("4000000000003220").await);
    let (session, _) = h.session().await;
    let uri = format!("/api/payment_intents/{}/cancel", id(&intent));
    let customer_bearer = format!("Bearer {session}");
    let intent_bearer = format!("Bearer {}", intent["client_secret"].as_str().unwrap());
    let wrong_key = format!("Bearer {MERCHANT_KEY}x");
    let attempts: [&[(&str, &str)]; 5] = [
        &[],
        &[("authorization", &customer_bearer)],
        &[("authorization", &intent_bearer)],
        &[("authorization", &wrong_key)],
        &[("authorization", MERCHANT_KEY)],
    ];
    for headers in attempts {
        let reply = h.call(Method::POST, &uri, headers, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(reply.code(), "invalid_client_secret");
    }
    // Nor does the key reveal which intents exist: a missing one is a 401 too.
    let unknown = h
        .call(
            Method::POST,
            "/api/payment_intents/pi_doesnotexist/cancel",
            &[],
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(status_in_db(&h, id(&intent)).await, "requires_action");
    assert!(events(&h, "payment_intent.canceled").await.is_empty());
}

#[tokio::test]
async fn bad_bodies_are_json_errors_and_cancel_nothing() {
    let h = Harness::new().await;
    let intent = intent_of(&h.pay("4000000000000002").await);
    let bad = cancel(
        &h,
        id(&intent),
        Some(json!({"cancellation_reason": "bored"})),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.body["error"]["param"], "cancellation_reason");
    let unknown = cancel(&h, id(&intent), Some(json!({"amount": 1})), None).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.text);
    assert_eq!(unknown.body["error"]["param"], "amount");
    let plain = |body: &'static str| {
        Request::post(format!("/api/payment_intents/{}/cancel", id(&intent)))
            .header("authorization", MERCHANT)
            .header("content-type", "text/plain")
            .body(Body::from(body))
            .unwrap()
    };
    let form = h.send(plain("reason=abandoned")).await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST);
    assert_eq!(form.code(), "invalid_request_body");
    assert_eq!(
        status_in_db(&h, id(&intent)).await,
        "requires_payment_method"
    );
    assert!(events(&h, "payment_intent.canceled").await.is_empty());
    // An empty body needs no JSON content type.
    assert_eq!(h.send(plain("")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_cancel_is_idempotent_with_a_key() {
    let h = Harness::new().await;
    let intent = intent_of(&h.pay("4000000000000002").await);
    let body = json!({"cancellation_reason": "abandoned"});
    let first = cancel(&h, id(&intent), Some(body.clone()), Some("cancel-1")).await;
    assert_eq!(first.status, StatusCode::OK);
    let replay = cancel(&h, id(&intent), Some(body), Some("cancel-1")).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(replay.body, first.body);
    let other = cancel(
        &h,
        id(&intent),
        Some(json!({"cancellation_reason": "duplicate"})),
        Some("cancel-1"),
    )
    .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert_eq!(events(&h, "payment_intent.canceled").await.len(), 1);
}

#[tokio::test]
async fn a_canceled_order_is_never_fulfilled() {
    let h = Harness::new().await;
    let intent = intent_of(&h.pay("4000000000003220").await);
    assert_eq!(
        cancel(&h, id(&intent), None, None).await.status,
        StatusCode::OK
    );

    // A signed success event for it (a stale or forged one) is acknowledged, not obeyed.
    let event = json!({
        "id": "evt_late_success", "type": "payment_intent.succeeded", "created": h.state.now(),
        "data": {"object": {"id": intent["id"], "status": "succeeded"}}
    })
    .to_string();
    let signature = sign(h.state.webhook_secret(), h.state.now(), event.as_bytes());
    let received = h
        .call(
            Method::POST,
            "/api/webhooks",
            &[("processor-signature", &signature)],
            Some(&event),
        )
        .await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.text);

    // Nor does a new attempt revive it.
    let token = h.card_confirmation_token("4242424242424242").await;
    let again = h
        .post(
            &format!("/api/payment_intents/{}/confirm", id(&intent)),
            &json!({"client_secret": intent["client_secret"], "confirmation_token_id": token}),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "payment_intent_unexpected_state");

    deliver_due(&h.state).await.unwrap();
    assert_eq!(h.status_of(&intent).await.body["status"], "canceled");
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 0);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
    assert_eq!(order_status(&h, id(&intent)).await, "canceled");
}
