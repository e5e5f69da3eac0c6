//! `--route eu=stripe,ph=xendit`: each market's payments go to its processor (Stripe's
//! and Xendit's mocks answering their documented objects), the unrouted market's to
//! the default test-mode processor, cards to the routed processor that takes them, and
//! a payment is read back from the processor whose id it carries.

mod common;
mod processor_mock;

use axum::http::{Method, StatusCode};
use checkout_server::processor::TestProcessor;
use checkout_server::processors::routes::{Route, RoutedProcessor};
use checkout_server::processors::stripe::{self, StripeProcessor};
use checkout_server::processors::xendit::{self, XenditProcessor};
use checkout_server::{AppState, ManualClock, Settings};
use common::Harness;
use payment_core::money::Currency;
use processor_mock::{Answer, Mock};
use serde_json::{json, Value};
use std::sync::Arc;

const CARD_METHOD: &str =
    r#"{"id": "pm_1MtwBwLkdIwHu7ixvsm9Ovbq", "object": "payment_method", "type": "card"}"#;
const STRIPE_SUCCEEDED: &str = include_str!("fixtures/stripe/payment_intent_succeeded.json");
const XENDIT_REQUIRES_ACTION: &str =
    include_str!("fixtures/xendit/payment_request_requires_action_redirect.json");
const XENDIT_SUCCEEDED: &str =
    include_str!("fixtures/xendit/payment_request_succeeded_pay_and_save.json");

async fn harness(stripe_mock: &Mock, xendit_mock: &Mock) -> Harness {
    let stripe = Arc::new(StripeProcessor::with_client(
        processor_mock::client(&stripe_mock.base, stripe::SecretKey::new("sk_test_mock")),
        true,
        true,
    ));
    let xendit = Arc::new(XenditProcessor::with_client(processor_mock::client(
        &xendit_mock.base,
        xendit::SecretKey::new("xnd_development_mock"),
    )));
    // Xendit first: cards still go to the routed processor that takes them.
    let processor = Arc::new(RoutedProcessor::new(
        vec![
            Route {
                currency: Currency::PHP,
                processor: xendit,
                takes_cards: false,
            },
            Route {
                currency: Currency::EUR,
                processor: stripe,
                takes_cards: true,
            },
        ],
        Arc::new(TestProcessor::default()),
    ));
    let clock = Arc::new(ManualClock::new(common::NOW));
    let for_state = clock.clone();
    let mut settings = Settings::new(std::env::temp_dir().join("checkout-no-dist"));
    settings.public_url = "https://shop.test".to_owned();
    Harness::open(settings, clock, move |settings| async move {
        AppState::open(settings, "sqlite::memory:", for_state, processor)
            .await
            .expect("an in-memory database opens")
    })
    .await
}

async fn pay_in(h: &Harness, market: &str, request: Value) -> common::Reply {
    let order = h.post("/api/orders", &json!({ "market": market })).await;
    assert_eq!(order.status, StatusCode::OK, "{}", order.text);
    let token = h.token_from(request, None).await;
    let body = json!({"confirmation_token_id": token["id"], "order": order.body["id"]});
    h.call(
        Method::POST,
        "/api/create-confirm-intent",
        &[],
        Some(&body.to_string()),
    )
    .await
}

#[tokio::test]
async fn each_market_pays_through_its_processor() {
    let stripe_mock = Mock::start(vec![
        Answer::Status(200, CARD_METHOD),
        Answer::Status(200, STRIPE_SUCCEEDED),
    ])
    .await;
    let xendit_mock = Mock::start(vec![
        Answer::Status(201, XENDIT_REQUIRES_ACTION),
        Answer::Status(200, XENDIT_SUCCEEDED),
    ])
    .await;
    let h = harness(&stripe_mock, &xendit_mock).await;

    // Euros, by card: Stripe.
    let card = h.card_request("4242424242424242").await;
    let paid = pay_in(&h, "eu", card).await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.text);
    let stripe_seen = stripe_mock.seen();
    assert_eq!(stripe_seen.len(), 2);
    assert_eq!(stripe_seen[1].path, "/v1/payment_intents");

    // Pesos, by GCash: Xendit, read back from Xendit when the customer returns.
    let gcash = pay_in(&h, "ph", common::wallet_request("GCASH")).await;
    assert_eq!(gcash.body["status"], "requires_action", "{}", gcash.text);
    let sent: Value = serde_json::from_str(&xendit_mock.seen()[0].body).unwrap();
    let back = sent["channel_properties"]["success_return_url"]
        .as_str()
        .and_then(|url| url.strip_prefix("https://shop.test"))
        .unwrap()
        .to_owned();
    let back = h.get(&back).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.text);
    assert_eq!(h.status_of(&gcash.body).await.body["status"], "succeeded");
    let xendit_seen = xendit_mock.seen();
    assert_eq!(xendit_seen.len(), 2);
    assert_eq!(xendit_seen[0].path, "/v3/payment_requests");
    assert_eq!(xendit_seen[1].method, Method::GET);

    // Rupiah, unrouted: the test-mode processor and its simulated wallet page.
    let ovo = pay_in(&h, "id", common::wallet_request("OVO")).await;
    assert_eq!(ovo.body["status"], "requires_action", "{}", ovo.text);
    let page = ovo.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    assert!(page.contains("/test-mode/ewallet/"), "{page}");
    // Nothing more reached either processor.
    assert_eq!(stripe_mock.seen().len(), 2);
    assert_eq!(xendit_mock.seen().len(), 2);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 2);
}
