//! The Xendit client against a local mock of Xendit's payments API on 127.0.0.1: the
//! mock checks what the builders made (method, path, Basic auth, `api-version`,
//! `Idempotency-key`, the JSON body) and answers with the documented payloads. A 429
//! and a 500 are sent again with the same key; a decline (a failed payment request) is
//! an answer; a timeout is retried; without a final answer the outcome is unknown.

mod processor_mock;

use std::time::Duration;

use axum::http::Method;
use checkout_server::processors::http::Unanswered;
use checkout_server::processors::xendit::{
    create_payment_request, ClientError, CreatePaymentRequest, PaymentSource, Response, SecretKey,
    XenditClient, XenditStatus, API_VERSION,
};
use payment_core::api::QrChannel;
use payment_core::money::{Currency, MinorUnit, Money};
use processor_mock::{Answer, Mock};

const REQUIRES_ACTION: &str =
    include_str!("fixtures/xendit/payment_request_requires_action_qr.json");
const FAILED: &str =
    include_str!("fixtures/xendit/payment_request_failed_insufficient_balance.json");
const RATE_LIMITED: &str = include_str!("fixtures/xendit/error_rate_limit_429.json");
const SERVER_ERROR: &str = include_str!("fixtures/xendit/error_server_error_500.json");
const REQUEST: &str = include_str!("fixtures/xendit/request_pay_qr.json");

fn client(base: &str) -> XenditClient {
    processor_mock::client(base, SecretKey::new("xnd_development_mock"))
}

/// The documented QRIS request (`request_pay_qr.json`).
fn qris() -> checkout_server::processors::xendit::XenditRequest {
    create_payment_request(
        &CreatePaymentRequest {
            amount: Money::new(MinorUnit::new(15_000_000), Currency::IDR),
            reference_id: "pi_5Rk9QrisQ7a2",
            source: PaymentSource::QrCode {
                channel: QrChannel::Qris,
            },
            customer: None,
            order_id: "ord_2b7d10",
        },
        "att_qr_1",
    )
    .unwrap()
}

#[tokio::test]
async fn the_mock_gets_xendits_request_and_a_429_and_500_are_retried_with_the_same_key() {
    let mock = Mock::start(vec![
        Answer::Status(429, RATE_LIMITED),
        Answer::Status(500, SERVER_ERROR),
        Answer::Status(201, REQUIRES_ACTION),
    ])
    .await;
    let answer = client(&mock.base).send(&qris()).await.unwrap();
    let Response::PaymentRequest(request) = answer else {
        panic!("the payment request");
    };
    assert_eq!(request.status, XenditStatus::RequiresAction);
    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    let documented: serde_json::Value = serde_json::from_str(REQUEST).unwrap();
    for try_ in &seen {
        assert_eq!(try_.method, Method::POST);
        assert_eq!(try_.path, "/v3/payment_requests");
        let header = |name: &str| try_.header(name);
        // Basic base64("xnd_development_mock:")
        assert_eq!(
            header("authorization"),
            Some("Basic eG5kX2RldmVsb3BtZW50X21vY2s6")
        );
        assert_eq!(header("api-version"), Some(API_VERSION));
        assert_eq!(header("idempotency-key"), Some("att_qr_1"));
        let body: serde_json::Value = serde_json::from_str(&try_.body).unwrap();
        assert_eq!(body, documented);
    }
}

#[tokio::test]
async fn a_failed_payment_request_is_an_answer_and_not_sent_again() {
    let mock = Mock::start(vec![
        Answer::Status(200, FAILED),
        Answer::Status(201, REQUIRES_ACTION),
    ])
    .await;
    let Response::PaymentRequest(request) = client(&mock.base).send(&qris()).await.unwrap() else {
        panic!("the payment request");
    };
    assert_eq!(request.status, XenditStatus::Failed);
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn a_timeout_is_retried_and_500s_to_the_end_leave_the_outcome_unknown() {
    let mock = Mock::start(vec![
        Answer::Slow(Duration::from_secs(2), REQUIRES_ACTION),
        Answer::Status(201, REQUIRES_ACTION),
    ])
    .await;
    assert!(matches!(
        client(&mock.base).send(&qris()).await.unwrap(),
        Response::PaymentRequest(_)
    ));
    assert_eq!(mock.seen().len(), 2);

    // A 500 after the charge may have happened: "unknown", to reconcile by reading.
    let mock = Mock::start(vec![Answer::Status(500, SERVER_ERROR); 4]).await;
    let error = client(&mock.base).send(&qris()).await.unwrap_err();
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
