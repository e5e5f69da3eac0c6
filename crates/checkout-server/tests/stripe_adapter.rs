//! The server with `--processor stripe` against a local mock of Stripe's API that
//! answers with Stripe's documented objects (tests/fixtures/stripe): a card registered
//! where the number is, the PaymentIntent created and confirmed under the attempt's key
//! with the server's amount and an absolute return URL, Stripe's 3-D Secure page handed
//! to the browser and its result read back by the return page or told by a signed
//! webhook, a decline mapped onto ours, a saved card charged off session on the Stripe
//! customer made for ours.

mod common;
mod processor_mock;

use axum::http::{Method, StatusCode};
use checkout_server::processors::stripe::{sign, SecretKey, StripeProcessor, WebhookSecret};
use checkout_server::{AppState, ManualClock, Settings};
use common::Harness;
use processor_mock::{Answer, Mock, Seen};
use serde_json::json;
use std::sync::Arc;

const REQUIRES_ACTION: &str =
    include_str!("fixtures/stripe/payment_intent_requires_action_redirect.json");
const SUCCEEDED: &str = include_str!("fixtures/stripe/payment_intent_succeeded.json");
const DECLINED: &str = include_str!("fixtures/stripe/error_card_declined_402.json");
const EVENT_SUCCEEDED: &str = include_str!("fixtures/stripe/event_payment_intent_succeeded.json");
/// The fixtures' PaymentIntent and PaymentMethod.
const STRIPE_INTENT: &str = "pi_3MtwBwLkdIwHu7ix28a3tqPa";
const CARD_METHOD: &str =
    r#"{"id": "pm_1MtwBwLkdIwHu7ixvsm9Ovbq", "object": "payment_method", "type": "card"}"#;
const CUSTOMER: &str = r#"{"id": "cus_NffrFeUfNV2Hib", "object": "customer"}"#;
const WEBHOOK_SECRET: &str = "whsec_adapter_test";

/// A server whose processor is the Stripe adapter, talking to `mock`; `raw_card_data`
/// as the account allows.
async fn harness(mock: &Mock, raw_card_data: bool) -> Harness {
    let processor = Arc::new(StripeProcessor::with_client(
        processor_mock::client(&mock.base, SecretKey::new("sk_test_mock")),
        raw_card_data,
        true,
    ));
    let clock = Arc::new(ManualClock::new(common::NOW));
    let for_state = clock.clone();
    let mut settings = Settings::new(std::env::temp_dir().join("checkout-no-dist"));
    settings.public_url = "https://shop.test".to_owned();
    settings.stripe_webhook_secret = Some(WebhookSecret::new(WEBHOOK_SECRET));
    Harness::open(settings, clock, move |settings| async move {
        AppState::open(settings, "sqlite::memory:", for_state, processor)
            .await
            .expect("an in-memory database opens")
    })
    .await
}

/// A form body's pairs, decoded.
fn form(seen: &Seen) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let mut out = Vec::new();
        let mut bytes = text.bytes();
        while let Some(byte) = bytes.next() {
            match byte {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                    out.push(u8::from_str_radix(&hex, 16).expect("two hex digits"));
                }
                other => out.push(other),
            }
        }
        String::from_utf8(out).expect("UTF-8")
    }
    seen.body
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn field<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A 3220 card's payment waiting on Stripe's 3-D Secure page; the mock then answers
/// `then`.
async fn at_stripes_page(then: Vec<Answer>) -> (Mock, Harness, common::Reply) {
    let mut script = vec![
        Answer::Status(200, CARD_METHOD),
        Answer::Status(200, REQUIRES_ACTION),
    ];
    script.extend(then);
    let mock = Mock::start(script).await;
    let h = harness(&mock, true).await;
    let reply = h.pay("4000000000003220").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "requires_action");
    (mock, h, reply)
}

async fn our_charges(h: &Harness) -> (i64, i64) {
    (
        h.count("SELECT COUNT(*) FROM charges").await,
        h.count("SELECT COUNT(*) FROM fulfilments").await,
    )
}

#[tokio::test]
async fn a_card_pays_through_stripes_3d_secure_page_and_the_return_page_reads_the_result() {
    let (mock, h, reply) = at_stripes_page(vec![Answer::Status(200, SUCCEEDED)]).await;
    let page = reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    assert!(
        page.starts_with("https://hooks.stripe.com/3d_secure_2/"),
        "{page}"
    );

    let seen = mock.seen();
    // The card went to Stripe once, from the vault, with its number and CVC.
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].path, "/v1/payment_methods");
    let card = form(&seen[0]);
    assert_eq!(field(&card, "card[number]"), Some("4000000000003220"));
    assert!(field(&card, "card[cvc]").is_some());
    // The PaymentIntent: the server's amount, the attempt's key, the absolute return URL.
    assert_eq!(seen[1].path, "/v1/payment_intents");
    let key = seen[1].header("idempotency-key").unwrap();
    assert!(key.starts_with("att_"), "{key}");
    let intent = form(&seen[1]);
    let amount: i64 = h.count("SELECT amount FROM payment_intents").await;
    assert_eq!(field(&intent, "amount"), Some(amount.to_string().as_str()));
    assert_eq!(field(&intent, "currency"), Some("eur"));
    assert_eq!(
        field(&intent, "payment_method"),
        Some("pm_1MtwBwLkdIwHu7ixvsm9Ovbq")
    );
    assert_eq!(field(&intent, "confirm"), Some("true"));
    // Stripe's page sends the customer back to our return route for this attempt,
    // with a tag only the server can make.
    let back = field(&intent, "return_url")
        .and_then(|url| url.strip_prefix("https://shop.test"))
        .expect("an absolute return URL on the public URL")
        .to_owned();
    assert!(
        back.starts_with(&format!("/processor-return/{key}/")),
        "{back}"
    );
    assert!(field(&intent, "metadata[order_id]").is_some_and(|o| o.starts_with("ord_")));
    // The number went nowhere else.
    assert!(!seen[1].body.contains("4000000000003220"));
    assert_eq!(our_charges(&h).await, (0, 0));

    // Back from Stripe's page (which appends its own ids): the server asks Stripe,
    // records the payment, fulfils the order, and sends the customer on to the page's
    // return URL with our intent's parameters.
    let returned = h
        .get(&format!(
            "{back}?payment_intent={STRIPE_INTENT}&redirect_status=succeeded"
        ))
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text);
    let ours = reply.body["id"].as_str().unwrap();
    let secret = reply.body["client_secret"].as_str().unwrap();
    assert_eq!(
        returned.headers["location"],
        format!(
            "https://shop.example/complete?payment_intent={ours}\
             &payment_intent_client_secret={secret}&redirect_status=succeeded"
        )
    );
    let read = h.status_of(&reply.body).await;
    assert_eq!(read.body["status"], "succeeded", "{}", read.text);
    let seen = mock.seen();
    assert_eq!(seen[2].method, Method::GET);
    assert_eq!(seen[2].path, format!("/v1/payment_intents/{STRIPE_INTENT}"));
    assert_eq!(our_charges(&h).await, (1, 1));
    // Read again: nothing more is asked of Stripe.
    h.status_of(&reply.body).await;
    assert_eq!(mock.seen().len(), 3);
    // Knowing the attempt's id (the key Stripe shows) is not enough.
    for guessed in [
        format!("/processor-return/{key}"),
        format!("/processor-return/{key}/00000000000000000000000000000000"),
    ] {
        assert_eq!(
            h.get(&guessed).await.status,
            StatusCode::NOT_FOUND,
            "{guessed}"
        );
    }
}

#[tokio::test]
async fn a_decline_is_mapped_and_the_customer_may_pay_again() {
    let mock = Mock::start(vec![
        Answer::Status(200, CARD_METHOD),
        Answer::Status(402, DECLINED),
    ])
    .await;
    let h = harness(&mock, true).await;
    let reply = h.pay("4000000000009995").await;
    assert_eq!(reply.status, StatusCode::PAYMENT_REQUIRED, "{}", reply.text);
    assert_eq!(reply.code(), "card_declined");
    assert_eq!(reply.body["error"]["decline_code"], "insufficient_funds");
    assert_eq!(
        reply.body["error"]["payment_intent"]["status"],
        "requires_payment_method"
    );
    assert_eq!(our_charges(&h).await, (0, 0));
    let kept: Option<String> = sqlx::query_scalar("SELECT processor_ref FROM payment_intents")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(STRIPE_INTENT));
}

#[tokio::test]
async fn stripes_signed_webhook_settles_the_payment_once() {
    let (mock, h, reply) = at_stripes_page(vec![]).await;

    let deliver = |signature: String| {
        let h = &h;
        async move {
            h.call(
                Method::POST,
                "/api/webhooks/stripe",
                &[("stripe-signature", signature.as_str())],
                Some(EVENT_SUCCEEDED),
            )
            .await
        }
    };
    let forged = deliver(sign(
        &WebhookSecret::new("whsec_someone_else"),
        common::NOW,
        EVENT_SUCCEEDED.as_bytes(),
    ))
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.text);
    assert_eq!(our_charges(&h).await, (0, 0));

    let signature = sign(
        &WebhookSecret::new(WEBHOOK_SECRET),
        common::NOW,
        EVENT_SUCCEEDED.as_bytes(),
    );
    let first = deliver(signature.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(our_charges(&h).await, (1, 1));
    let via: String = sqlx::query_scalar("SELECT via FROM fulfilments")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!(via, "webhook");
    let again = deliver(signature).await;
    assert_eq!(again.body["duplicate"], true);
    assert_eq!(our_charges(&h).await, (1, 1));
    // The return page then reads the result without asking Stripe.
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(mock.seen().len(), 2);
}

#[tokio::test]
async fn without_raw_card_data_stripes_test_cards_are_its_test_payment_methods() {
    let mock = Mock::start(vec![Answer::Status(200, SUCCEEDED)]).await;
    let h = harness(&mock, false).await;
    let reply = h.pay("4242424242424242").await;
    assert_eq!(reply.body["status"], "succeeded", "{}", reply.text);
    let seen = mock.seen();
    assert_eq!(seen.len(), 1, "no card registration");
    assert_eq!(
        field(&form(&seen[0]), "payment_method"),
        Some("pm_card_visa")
    );
    // A number Stripe lists no test PaymentMethod for is refused at tokenisation.
    let token = h.card_token("6011111111111117").await;
    let refused = h
        .post(
            "/api/confirmation_tokens",
            &common::card_token_request(&token),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        refused.text
    );
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Stripe's test cards"));
}

#[tokio::test]
async fn a_saved_card_is_charged_off_session_on_the_stripe_customer_made_for_ours() {
    let mock = Mock::start(vec![
        Answer::Status(200, CARD_METHOD),
        Answer::Status(200, CUSTOMER),
        Answer::Status(200, SUCCEEDED),
        Answer::Status(200, SUCCEEDED),
    ])
    .await;
    let h = harness(&mock, true).await;
    let (session, customer) = h.new_customer_session().await;
    let mut request = h.card_request("4242424242424242").await;
    request["setup_future_usage"] = json!("off_session");
    request["consent"] = common::consent();
    let token = h.token_from(request, Some(&session)).await;
    let paid = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.text);
    let seen = mock.seen();
    assert_eq!(seen[1].path, "/v1/customers");
    assert_eq!(
        seen[1].header("idempotency-key"),
        Some(format!("customer-{customer}").as_str())
    );
    let first = form(&seen[2]);
    assert_eq!(field(&first, "customer"), Some("cus_NffrFeUfNV2Hib"));
    assert_eq!(field(&first, "setup_future_usage"), Some("off_session"));

    let method = paid.body["payment_method_preview"]["id"]
        .as_str()
        .map(str::to_owned);
    let method = match method {
        Some(method) => method,
        None => sqlx::query_scalar("SELECT payment_method_id FROM payment_intents")
            .fetch_one(h.state.db())
            .await
            .unwrap(),
    };
    let charged = h
        .charge_off_session(&json!({ "payment_method": method, "customer": customer }))
        .await;
    assert_eq!(charged.body["status"], "succeeded", "{}", charged.text);
    let seen = mock.seen();
    assert_eq!(seen.len(), 4, "the kept Stripe customer, no second one");
    let off = form(&seen[3]);
    assert_eq!(field(&off, "off_session"), Some("true"));
    assert_eq!(field(&off, "customer"), Some("cus_NffrFeUfNV2Hib"));
    assert_eq!(
        field(&off, "payment_method"),
        Some("pm_1MtwBwLkdIwHu7ixvsm9Ovbq")
    );
    assert_eq!(field(&off, "return_url"), None);
    assert_eq!(our_charges(&h).await.0, 2);
}

const CANCELED: &str = include_str!("fixtures/stripe/payment_intent_canceled.json");
const CANNOT_CANCEL: &str = r#"{"error": {"type": "invalid_request_error", "code": "payment_intent_unexpected_state", "message": "You cannot cancel this PaymentIntent because it has a status of succeeded."}}"#;

async fn merchant_cancel(h: &Harness, intent: &serde_json::Value) -> common::Reply {
    let id = intent["id"].as_str().unwrap();
    h.post_authorized(
        &format!("/api/payment_intents/{id}/cancel"),
        &json!({}),
        &format!("Bearer {}", common::MERCHANT_KEY),
    )
    .await
}

#[tokio::test]
async fn a_merchant_cancel_cancels_at_stripe_first() {
    let (mock, h, reply) = at_stripes_page(vec![Answer::Status(200, CANCELED)]).await;
    let canceled = merchant_cancel(&h, &reply.body).await;
    assert_eq!(canceled.status, StatusCode::OK, "{}", canceled.text);
    assert_eq!(canceled.body["status"], "canceled");
    let seen = mock.seen();
    assert_eq!(seen[2].method, Method::POST);
    assert_eq!(
        seen[2].path,
        format!("/v1/payment_intents/{STRIPE_INTENT}/cancel")
    );
    assert_eq!(our_charges(&h).await, (0, 0));
}

#[tokio::test]
async fn a_payment_paid_at_stripe_before_the_cancel_is_kept_and_the_cancel_refused() {
    let (_mock, h, reply) = at_stripes_page(vec![
        Answer::Status(400, CANNOT_CANCEL),
        Answer::Status(200, SUCCEEDED),
    ])
    .await;
    let refused = merchant_cancel(&h, &reply.body).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.code(), "payment_intent_unexpected_state");
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("succeeded"));
    // The money moved at Stripe: recorded, and the order fulfilled.
    assert_eq!(our_charges(&h).await, (1, 1));
}

#[tokio::test]
async fn without_stripes_word_nothing_is_canceled() {
    // After these two answers the mock answers 500s: the cancel gets no final answer.
    let (_mock, h, reply) = at_stripes_page(vec![]).await;
    let refused = merchant_cancel(&h, &reply.body).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.text
    );
    assert_eq!(
        h.status_of(&reply.body).await.body["status"],
        "requires_action"
    );
}

const SETUP_REQUIRES_ACTION: &str = r#"{"id": "seti_1Mm2cBLkdIwHu7ixaiKW3ElR", "object": "setup_intent", "status": "requires_action", "usage": "off_session", "next_action": {"type": "redirect_to_url", "redirect_to_url": {"url": "https://hooks.stripe.com/3d_secure_2/hosted?setup_intent=seti_1Mm2cBLkdIwHu7ixaiKW3ElR", "return_url": "https://shop.test/processor-return"}}}"#;
const SETUP_SUCCEEDED: &str = r#"{"id": "seti_1Mm2cBLkdIwHu7ixaiKW3ElR", "object": "setup_intent", "status": "succeeded", "usage": "off_session", "payment_method": "pm_1MtwBwLkdIwHu7ixvsm9Ovbq", "next_action": null}"#;

#[tokio::test]
async fn a_card_is_saved_through_a_stripe_setup_intent_and_its_3d_secure_page() {
    let mock = Mock::start(vec![
        Answer::Status(200, CARD_METHOD),
        Answer::Status(200, CUSTOMER),
        Answer::Status(200, SETUP_REQUIRES_ACTION),
        Answer::Status(200, SETUP_SUCCEEDED),
    ])
    .await;
    let h = harness(&mock, true).await;
    let (secret, id) = h.new_setup().await;
    let (token, customer) = h.setup_card_token("4000002760003184").await;
    let confirmed = h.confirm_setup(&secret, &token, "setup-1").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    assert_eq!(confirmed.body["status"], "requires_action");
    assert!(confirmed.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://hooks.stripe.com/"));

    let seen = mock.seen();
    assert_eq!(seen[1].path, "/v1/customers");
    assert_eq!(seen[2].path, "/v1/setup_intents");
    let setup = form(&seen[2]);
    assert_eq!(field(&setup, "customer"), Some("cus_NffrFeUfNV2Hib"));
    assert_eq!(
        field(&setup, "payment_method"),
        Some("pm_1MtwBwLkdIwHu7ixvsm9Ovbq")
    );
    assert_eq!(field(&setup, "usage"), Some("off_session"));
    assert_eq!(field(&setup, "confirm"), Some("true"));
    assert_eq!(field(&setup, "metadata[setup_intent]"), Some(id.as_str()));
    let back = field(&setup, "return_url")
        .and_then(|url| url.strip_prefix("https://shop.test"))
        .unwrap()
        .to_owned();

    // Back from Stripe's page: read back, saved, and on to the page's return URL.
    let returned = h.get(&back).await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text);
    let location = returned.headers["location"].to_str().unwrap();
    assert!(
        location.contains(&format!("setup_intent={id}")),
        "{location}"
    );
    assert!(location.contains("redirect_status=succeeded"), "{location}");
    assert_eq!(
        mock.seen()[3].path,
        "/v1/setup_intents/seti_1Mm2cBLkdIwHu7ixaiKW3ElR"
    );
    let read = h.read_setup(&secret).await;
    assert_eq!(read.body["status"], "succeeded", "{}", read.text);
    let saved = h
        .count(&format!(
            "SELECT COUNT(*) FROM payment_methods WHERE customer_id = '{customer}' \
             AND processor_ref = 'pm_1MtwBwLkdIwHu7ixvsm9Ovbq'"
        ))
        .await;
    assert_eq!(saved, 1);
    assert_eq!(our_charges(&h).await, (0, 0));
}

const EVENT_FAILED: &str = include_str!("fixtures/stripe/event_payment_intent_payment_failed.json");
const EVENT_DISPUTE: &str = include_str!("fixtures/stripe/event_charge_dispute_created.json");

async fn deliver_signed(h: &Harness, event: &str) -> common::Reply {
    let signature = sign(
        &WebhookSecret::new(WEBHOOK_SECRET),
        common::NOW,
        event.as_bytes(),
    );
    h.call(
        Method::POST,
        "/api/webhooks/stripe",
        &[("stripe-signature", signature.as_str())],
        Some(event),
    )
    .await
}

#[tokio::test]
async fn stripes_failure_event_fails_the_waiting_payment() {
    let (_mock, h, reply) = at_stripes_page(vec![]).await;
    let failed = deliver_signed(&h, EVENT_FAILED).await;
    assert_eq!(failed.status, StatusCode::OK, "{}", failed.text);
    let read = h.status_of(&reply.body).await;
    assert_eq!(
        read.body["status"], "requires_payment_method",
        "{}",
        read.text
    );
    assert_eq!(read.body["last_payment_error"]["code"], "card_declined");
    assert_eq!(our_charges(&h).await, (0, 0));
}

#[tokio::test]
async fn a_stale_failure_event_after_the_success_changes_nothing() {
    let (_mock, h, reply) = at_stripes_page(vec![]).await;
    deliver_signed(&h, EVENT_SUCCEEDED).await;
    deliver_signed(&h, EVENT_FAILED).await;
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(our_charges(&h).await, (1, 1));
}

#[tokio::test]
async fn a_dispute_at_stripe_reaches_the_merchant_once_as_our_event() {
    let (_mock, h, reply) = at_stripes_page(vec![]).await;
    deliver_signed(&h, EVENT_SUCCEEDED).await;
    let first = deliver_signed(&h, EVENT_DISPUTE).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    deliver_signed(&h, EVENT_DISPUTE).await;
    let disputes: Vec<String> = sqlx::query_scalar(
        "SELECT payload FROM processor_events WHERE type = 'charge.dispute.created'",
    )
    .fetch_all(h.state.db())
    .await
    .unwrap();
    assert_eq!(disputes.len(), 1, "{disputes:?}");
    let event: serde_json::Value = serde_json::from_str(&disputes[0]).unwrap();
    let dispute = &event["data"]["object"];
    assert_eq!(dispute["payment_intent"], reply.body["id"], "{event}");
    assert_eq!(dispute["reason"], "fraudulent");
}
