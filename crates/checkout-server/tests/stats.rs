//! `GET /test-mode/stats`: the counts the end-to-end suite uses to prove that ten
//! clicks on Pay make one token, one confirm and one charge.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use checkout_server::processor::{
    Attempt, Behaviour, NoAnswer, Processed, Processor, TestProcessor,
};
use checkout_server::{app, AppState, ManualClock, Settings};
use common::Harness;
use payment_core::iban::Iban;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

async fn stats(h: &Harness) -> Value {
    let reply = h.get("/test-mode/stats").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.headers["content-type"], "application/json");
    reply.body
}

fn counts(tokens: i64, confirms: i64, charges: i64, succeeded: i64) -> Value {
    json!({
        "confirmation_tokens": tokens,
        "confirms": confirms,
        "charges": charges,
        "charges_succeeded": succeeded,
    })
}

#[tokio::test]
async fn a_fresh_server_counts_nothing() {
    let h = Harness::new().await;
    assert_eq!(stats(&h).await, counts(0, 0, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_submits_with_one_key_count_one_of_each() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let body = json!({ "confirmation_token_id": token }).to_string();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let router = app(h.state.clone());
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            router
                .oneshot(
                    Request::post("/api/create-confirm-intent")
                        .header("content-type", "application/json")
                        .header("idempotency-key", "pay-click")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
                .unwrap()
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(stats(&h).await, counts(1, 1, 1, 1));
}

#[tokio::test]
async fn replays_do_not_count_but_refused_reruns_do() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    h.confirm(&token, Some("k")).await;
    let replay = h.confirm(&token, Some("k")).await;
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(stats(&h).await, counts(1, 1, 1, 1));
    // Without a key the request runs, finds its token spent, and charges nothing.
    let rerun = h.confirm(&token, None).await;
    assert_eq!(rerun.code(), "token_already_used");
    assert_eq!(stats(&h).await, counts(1, 2, 1, 1));
    // Refused before running (no JSON): not a confirm.
    h.call(Method::POST, "/api/create-confirm-intent", &[], Some("{"))
        .await;
    assert_eq!(stats(&h).await["confirms"], 2);
}

#[tokio::test]
async fn declines_challenges_and_off_session_charges_are_attempts() {
    let h = Harness::new().await;
    let declined = h.pay("4000000000000002").await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(stats(&h).await, counts(1, 1, 1, 0));

    // 3-D Secure: one attempt, and the charge once the customer completes it.
    let challenged = h.pay("4000000000003220").await;
    assert_eq!(challenged.body["status"], "requires_action");
    assert_eq!(stats(&h).await, counts(2, 2, 2, 0));
    let url = challenged.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    h.call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    assert_eq!(stats(&h).await, counts(2, 2, 2, 1));

    // A retry of the declined intent is a confirm and an attempt.
    let intent = &declined.body["error"]["payment_intent"];
    let id = intent["id"].as_str().unwrap();
    let token = h.card_confirmation_token("4242424242424242").await;
    let retry = h
        .post(
            &format!("/api/payment_intents/{id}/confirm"),
            &json!({"client_secret": intent["client_secret"], "confirmation_token_id": token}),
        )
        .await;
    assert_eq!(retry.body["status"], "succeeded", "{}", retry.text);
    assert_eq!(stats(&h).await, counts(3, 3, 3, 2));

    // A merchant-initiated charge is an attempt but not a customer's confirm.
    let (secret, customer) = h.session().await;
    let mut request = h.card_request("4242424242424242").await;
    request["setup_future_usage"] = json!("off_session");
    request["consent"] = common::consent();
    let saved = h.token_from(request, Some(&secret)).await;
    let paid = h.confirm(saved["id"].as_str().unwrap(), None).await;
    let pm: String =
        sqlx::query_scalar("SELECT payment_method_id FROM payment_intents WHERE id = ?")
            .bind(paid.body["id"].as_str().unwrap())
            .fetch_one(h.state.db())
            .await
            .unwrap();
    assert_eq!(stats(&h).await, counts(4, 4, 4, 3));
    let charge = h
        .charge_off_session(&json!({"payment_method": pm, "customer": customer}))
        .await;
    assert_eq!(charge.body["status"], "succeeded", "{}", charge.text);
    assert_eq!(stats(&h).await, counts(4, 4, 5, 4));
}

#[tokio::test]
async fn sepa_succeeds_when_it_settles() {
    let h = Harness::new().await;
    let token = h
        .token_from(
            common::sepa_request("DE89370400440532013000", "jenny@example.com"),
            None,
        )
        .await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.body["status"], "processing");
    assert_eq!(stats(&h).await, counts(1, 1, 1, 0));
    h.clock.advance(10);
    h.status_of(&reply.body).await;
    assert_eq!(stats(&h).await, counts(1, 1, 1, 1));
}

/// A live processor adapter: the test processor's answers without its test mode.
struct LiveProcessor(TestProcessor);

#[async_trait::async_trait]
impl Processor for LiveProcessor {
    fn classify_card(&self, pan_digits: &str) -> Behaviour {
        self.0.classify_card(pan_digits)
    }

    fn classify_sepa(&self, iban: &Iban, email: Option<&str>) -> Behaviour {
        self.0.classify_sepa(iban, email)
    }

    async fn confirm(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        self.0.confirm(key, attempt).await
    }

    async fn set_up(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        self.0.set_up(key, attempt).await
    }
}

#[tokio::test]
async fn stats_exist_only_in_test_mode() {
    let state = AppState::open(
        Settings::new(std::env::temp_dir().join("checkout-no-dist")),
        "sqlite::memory:",
        Arc::new(ManualClock::new(common::NOW)),
        Arc::new(LiveProcessor(TestProcessor::default())),
    )
    .await
    .unwrap();
    let response = app(state)
        .oneshot(
            Request::get("/test-mode/stats")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
