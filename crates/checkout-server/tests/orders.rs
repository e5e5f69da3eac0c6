//! One order, one payment: every confirm for an order goes to its one intent, and a
//! paid or processing order is never charged again, whatever the browser sends (Back,
//! a second tab, a reload, a lost answer, a 500 after the charge).

mod common;

use axum::http::{Method, StatusCode};
use common::{sepa_request, Harness, Reply};
use serde_json::{json, Value};

async fn new_order(h: &Harness, market: Option<&str>) -> String {
    let body = market.map_or_else(|| json!({}), |m| json!({ "market": m }));
    let reply = h.post("/api/orders", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn pay_order(h: &Harness, order: &str, token: &str, key: &str) -> Reply {
    h.confirm_order(order, token, key).await
}

async fn order(h: &Harness, id: &str) -> Value {
    let reply = h.get(&format!("/api/orders/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

fn redirect_url(reply: &Reply) -> String {
    let url = reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no redirect in {}", reply.text));
    url.to_owned()
}

#[tokio::test]
async fn an_order_is_priced_by_the_server_and_open_until_paid() {
    let h = Harness::new().await;
    let reply = h.post("/api/orders", &json!({ "market": "ph" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.body["id"].as_str().unwrap().starts_with("ord_"));
    assert_eq!(reply.body["status"], "open");
    assert_eq!(reply.body["currency"], "php");
    assert_eq!(reply.body["amount"], 559_700);
    assert_eq!(reply.body["market"], "ph");
    assert!(reply.body["payment_intent"].is_null());
    // Without a body: the server's default cart.
    let default = h.call(Method::POST, "/api/orders", &[], None).await;
    assert_eq!(default.body["currency"], "eur");
    let unknown = h.post("/api/orders", &json!({ "market": "us" })).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body["error"]["param"], "market");
    let missing = h.get("/api/orders/ord_nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "resource_missing");
}

#[tokio::test]
async fn a_paid_order_refuses_every_further_confirm_and_carries_its_intent() {
    let h = Harness::new().await;
    let id = new_order(&h, Some("eu")).await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let paid = pay_order(&h, &id, &token, "key-1").await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.text);
    assert_eq!(paid.body["status"], "succeeded");

    // Another tab, Back, a reload: a new token, a new key, the same order.
    let again = h.card_confirmation_token("5555555555554444").await;
    let refused = pay_order(&h, &id, &again, "key-2").await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.code(), "order_already_paid");
    let intent = &refused.body["error"]["payment_intent"];
    assert_eq!(intent["id"], paid.body["id"]);
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(intent["client_secret"], paid.body["client_secret"]);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    // The refused attempt spent nothing: its token still pays another order.
    let other = new_order(&h, None).await;
    assert_eq!(
        pay_order(&h, &other, &again, "key-3").await.status,
        StatusCode::OK
    );

    let shown = order(&h, &id).await;
    assert_eq!(shown["status"], "paid");
    assert_eq!(shown["payment_intent"]["id"], paid.body["id"]);
    assert_eq!(
        shown["payment_intent"]["client_secret"],
        paid.body["client_secret"]
    );
}

#[tokio::test]
async fn a_declined_order_is_retried_on_its_one_intent() {
    let h = Harness::new().await;
    let id = new_order(&h, None).await;
    let token = h.card_confirmation_token("4000000000009995").await;
    let declined = pay_order(&h, &id, &token, "key-1").await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(order(&h, &id).await["status"], "open");
    let token = h.card_confirmation_token("4242424242424242").await;
    let paid = pay_order(&h, &id, &token, "key-2").await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.text);
    assert_eq!(
        paid.body["id"],
        declined.body["error"]["payment_intent"]["id"]
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_intents").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 1);
}

// Regression: after 3-D Secure and the return page, Back twice and Pay charged the cart
// a second time.
#[tokio::test]
async fn back_after_a_completed_challenge_cannot_pay_the_order_again() {
    let h = Harness::new().await;
    let id = new_order(&h, None).await;
    let token = h.card_confirmation_token("4000000000003220").await;
    let first = pay_order(&h, &id, &token, "key-1").await;
    let url = redirect_url(&first);
    h.call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    let token = h.card_confirmation_token("4000000000003220").await;
    let second = pay_order(&h, &id, &token, "key-2").await;
    assert_eq!(second.code(), "order_already_paid", "{}", second.text);
    // Through the intent's own endpoint too, with its secret.
    let token = h.card_confirmation_token("4242424242424242").await;
    let intent_id = first.body["id"].as_str().unwrap();
    let again = h
        .post(
            &format!("/api/payment_intents/{intent_id}/confirm"),
            &json!({
                "client_secret": first.body["client_secret"],
                "confirmation_token_id": token,
            }),
        )
        .await;
    assert_eq!(again.code(), "order_already_paid", "{}", again.text);
    assert_eq!(again.body["error"]["payment_intent"]["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
}

#[tokio::test]
async fn an_abandoned_challenge_is_replaced_on_the_same_intent() {
    let h = Harness::new().await;
    let id = new_order(&h, None).await;
    let token = h.card_confirmation_token("4000000000003220").await;
    let first = pay_order(&h, &id, &token, "key-1").await;
    let url = redirect_url(&first);
    // Back from the challenge without finishing it, then another card.
    let token = h.card_confirmation_token("4242424242424242").await;
    let second = pay_order(&h, &id, &token, "key-2").await;
    assert_eq!(second.body["status"], "succeeded", "{}", second.text);
    assert_eq!(second.body["id"], first.body["id"]);
    // The old challenge can no longer charge.
    assert_eq!(h.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
}

#[tokio::test]
async fn a_processing_order_is_not_charged_again() {
    let h = Harness::new().await;
    let id = new_order(&h, Some("eu")).await;
    let token = h
        .token_from(
            sepa_request("DE89370400440532013000", "jenny@example.com"),
            None,
        )
        .await;
    let first = pay_order(&h, &id, token["id"].as_str().unwrap(), "key-1").await;
    assert_eq!(first.body["status"], "processing", "{}", first.text);
    assert_eq!(order(&h, &id).await["status"], "processing");
    let token = h.card_confirmation_token("4242424242424242").await;
    let second = pay_order(&h, &id, &token, "key-2").await;
    assert_eq!(second.code(), "order_already_paid");
    assert_eq!(
        second.body["error"]["payment_intent"]["status"],
        "processing"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
}

#[tokio::test]
async fn a_confirm_naming_another_market_than_its_order_is_refused() {
    let h = Harness::new().await;
    let id = new_order(&h, Some("ph")).await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let body = json!({ "confirmation_token_id": token, "order": id, "market": "eu" });
    let reply = h.post("/api/create-confirm-intent", &body).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["error"]["param"], "market");
    let unknown = json!({ "confirmation_token_id": token, "order": "ord_missing" });
    let reply = h.post("/api/create-confirm-intent", &unknown).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body["error"]["param"], "order");
    // The matching market, or none, pays (in pesos).
    let body = json!({ "confirmation_token_id": token, "order": id, "market": "ph" });
    let reply = h.post("/api/create-confirm-intent", &body).await;
    assert_eq!(reply.body["currency"], "php", "{}", reply.text);
}

#[tokio::test]
async fn two_tabs_paying_one_order_at_once_charge_once() {
    let h = Harness::new().await;
    let id = new_order(&h, None).await;
    let first = h.card_confirmation_token("4242424242424242").await;
    let second = h.card_confirmation_token("5555555555554444").await;
    let (a, b) = tokio::join!(
        pay_order(&h, &id, &first, "tab-1"),
        pay_order(&h, &id, &second, "tab-2")
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        a.text,
        b.text
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_intents").await, 1);
}

#[tokio::test]
async fn a_final_write_that_fails_after_the_charge_replays_the_charge() {
    let h = Harness::new().await;
    let id = new_order(&h, None).await;
    let token = h.card_confirmation_token("4242424242424242").await;
    h.state
        .faults()
        .arm(checkout_server::faults::Fault::FinalWriteFails);
    let failed = pay_order(&h, &id, &token, "key-1").await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    // The answer committed with the charge: the same request replays it.
    let retried = pay_order(&h, &id, &token, "key-1").await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.text);
    assert_eq!(retried.body["status"], "succeeded");
    assert_eq!(retried.headers["idempotent-replayed"], "true");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
}

#[tokio::test]
async fn faults_are_armed_through_the_test_mode_endpoint() {
    let h = Harness::new().await;
    let reply = h
        .post(
            "/test-mode/faults",
            &json!({ "fault": "final_write_fails" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let reply = h
        .post("/test-mode/faults", &json!({ "fault": "other" }))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let token = h.card_confirmation_token("4242424242424242").await;
    let id = new_order(&h, None).await;
    assert_eq!(
        pay_order(&h, &id, &token, "k").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    // Armed once: the next request is healthy.
    let token = h.card_confirmation_token("4242424242424242").await;
    let id = new_order(&h, None).await;
    assert_eq!(
        pay_order(&h, &id, &token, "k2").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_canceled_order_refuses_a_confirm_with_its_intent() {
    let h = Harness::new().await;
    let id = new_order(&h, None).await;
    let token = h.card_confirmation_token("4000000000003220").await;
    let first = pay_order(&h, &id, &token, "key-1").await;
    let intent = first.body["id"].as_str().unwrap();
    let canceled = h
        .post_authorized(
            &format!("/api/payment_intents/{intent}/cancel"),
            &json!({}),
            &format!("Bearer {}", common::MERCHANT_KEY),
        )
        .await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.text);
    assert_eq!(order(&h, &id).await["status"], "canceled");
    let token = h.card_confirmation_token("4242424242424242").await;
    let refused = pay_order(&h, &id, &token, "key-2").await;
    assert_eq!(refused.code(), "payment_intent_unexpected_state");
    assert_eq!(
        refused.body["error"]["payment_intent"]["status"],
        "canceled"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
}

#[tokio::test]
async fn without_an_order_each_confirm_is_an_order_of_its_own() {
    let h = Harness::new().await;
    let token = h
        .token_from(h.card_request("4242424242424242").await, None)
        .await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(h.count("SELECT COUNT(*) FROM orders").await, 1);
}

#[tokio::test]
async fn the_database_refuses_a_second_intent_for_one_order() {
    // Whatever path a future change takes (or a second server on the same database),
    // an order cannot get two intents, so it cannot be charged twice.
    let h = Harness::new().await;
    let id = new_order(&h, None).await;
    let token = h.card_confirmation_token("4000000000009995").await;
    pay_order(&h, &id, &token, "key-1").await;
    let second = sqlx::query(
        "INSERT INTO payment_intents (id, client_secret, order_id, created, amount, currency, \
         status) VALUES ('pi_second', 'pi_second_secret_x', ?, 0, 10800, 'EUR', \
         'requires_confirmation')",
    )
    .bind(&id)
    .execute(h.state.db())
    .await;
    let error = second.expect_err("a second intent for the order");
    assert!(error.to_string().contains("UNIQUE"), "{error}");
}
