//! The Stripe client's retries against a local mock of Stripe's API on 127.0.0.1: a 429
//! and a 500 are sent again unchanged, with the same Idempotency-Key, until Stripe
//! answers; a decline is an answer and is not repeated; a try that times out is sent
//! again; tries that never get a final answer end as "outcome unknown", never as a
//! decline; and the mock sees exactly what the builders made (method, path, headers,
//! body).

mod processor_mock;

use std::time::Duration;

use axum::http::Method;
use checkout_server::processors::http::Unanswered;
use checkout_server::processors::stripe::{
    create_and_confirm, retrieve_intent, ClientError, CreateAndConfirm, PaymentMethodType,
    Response, SecretKey, Session, StripeClient, STRIPE_VERSION,
};
use payment_core::money::{Currency, MinorUnit, Money};
use processor_mock::{Answer, Mock};

const INTENT: &str = include_str!("fixtures/stripe/payment_intent_succeeded.json");
const DECLINE: &str = include_str!("fixtures/stripe/error_card_declined_402.json");
const SERVER_ERROR: &str = include_str!("fixtures/stripe/error_api_error_500.json");
const RATE_LIMITED: &str = include_str!("fixtures/stripe/error_rate_limit_429.json");

fn client(base: &str) -> StripeClient {
    processor_mock::client(base, SecretKey::new("sk_test_mock"))
}

fn charge() -> checkout_server::processors::stripe::StripeRequest {
    create_and_confirm(
        &CreateAndConfirm {
            amount: Money::new(MinorUnit::new(10_800), Currency::EUR),
            payment_method: "pm_card_visa",
            payment_method_type: PaymentMethodType::Card,
            customer: Some("cus_1"),
            order_id: "ord_1",
            session: Session::Off,
        },
        "attempt-key-1",
    )
    .unwrap()
}

#[tokio::test]
async fn a_429_and_a_500_are_sent_again_with_the_same_key_until_stripe_answers() {
    let mock = Mock::start(vec![
        Answer::Status(429, RATE_LIMITED),
        Answer::Status(500, SERVER_ERROR),
        Answer::Status(200, INTENT),
    ])
    .await;
    let request = charge();
    let answer = client(&mock.base).send(&request).await.unwrap();
    assert!(matches!(answer, Response::Intent(_)), "{answer:?}");
    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    for try_ in &seen {
        assert_eq!(try_.method, Method::POST);
        assert_eq!(try_.path, "/v1/payment_intents");
        assert_eq!(try_.header("idempotency-key"), Some("attempt-key-1"));
        assert_eq!(try_.header("authorization"), Some("Bearer sk_test_mock"));
        assert_eq!(try_.header("stripe-version"), Some(STRIPE_VERSION));
        assert_eq!(Some(&try_.body), request.body.as_ref());
    }
}

#[tokio::test]
async fn a_decline_is_an_answer_and_is_not_sent_again() {
    let mock = Mock::start(vec![
        Answer::Status(402, DECLINE),
        Answer::Status(200, INTENT),
    ])
    .await;
    let answer = client(&mock.base).send(&charge()).await.unwrap();
    let Response::Error { status, error } = answer else {
        panic!("a decline is Stripe's error object");
    };
    assert_eq!(status, 402);
    assert_eq!(error.code.as_deref(), Some("card_declined"));
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn a_try_that_times_out_is_sent_again() {
    let mock = Mock::start(vec![
        Answer::Slow(Duration::from_secs(2), INTENT),
        Answer::Status(200, INTENT),
    ])
    .await;
    let answer = client(&mock.base).send(&charge()).await.unwrap();
    assert!(matches!(answer, Response::Intent(_)));
    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].header("idempotency-key"),
        seen[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn without_a_final_answer_the_outcome_is_unknown() {
    // A 500 after the charge may have happened: after the retries the caller learns
    // "unknown" (to reconcile by reading the intent), never a decline.
    let mock = Mock::start(vec![
        Answer::Status(500, SERVER_ERROR),
        Answer::Status(500, SERVER_ERROR),
        Answer::Status(500, SERVER_ERROR),
        Answer::Status(200, INTENT),
    ])
    .await;
    let error = client(&mock.base).send(&charge()).await.unwrap_err();
    assert!(
        matches!(
            error,
            ClientError::Unanswered(Unanswered {
                tries: 3,
                status: Some(500)
            })
        ),
        "{error:?}"
    );
    assert_eq!(mock.seen().len(), 3);
}

#[tokio::test]
async fn a_read_is_repeated() {
    let mock = Mock::start(vec![
        Answer::Status(503, SERVER_ERROR),
        Answer::Status(200, INTENT),
    ])
    .await;
    let answer = client(&mock.base)
        .send(&retrieve_intent("pi_123"))
        .await
        .unwrap();
    assert!(matches!(answer, Response::Intent(_)));
    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].method, Method::GET);
    assert_eq!(seen[1].path, "/v1/payment_intents/pi_123");
    assert_eq!(seen[1].header("idempotency-key"), None);
}

#[tokio::test]
async fn nobody_listening_is_an_unknown_outcome() {
    // A port nothing listens on: every try fails to connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = client(&format!("http://127.0.0.1:{port}"))
        .send(&charge())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ClientError::Unanswered(Unanswered {
                tries: 3,
                status: None
            })
        ),
        "{error:?}"
    );
}
