//! The server with `--processor xendit` against a local mock of Xendit's Payments API
//! v3 that answers with Xendit's documented objects (tests/fixtures/xendit): an e-wallet
//! paid and saved (`PAY_AND_SAVE`) through the wallet's page and our return route, the
//! saved wallet then charged with its `payment_token_id`, a QR code shown and its
//! expiry offering a new one, and the `x-callback-token` webhooks settling a payment
//! once.

mod common;
mod processor_mock;

use axum::http::{Method, StatusCode};
use checkout_server::processors::xendit::{CallbackToken, MajorAmount, SecretKey, XenditProcessor};
use checkout_server::{AppState, Cart, ManualClock, Settings};
use common::Harness;
use payment_core::money::{Currency, MinorUnit, Money};
use processor_mock::{Answer, Mock, Seen};
use serde_json::{json, Value};
use std::sync::Arc;

const REQUIRES_ACTION: &str =
    include_str!("fixtures/xendit/payment_request_requires_action_redirect.json");
const SUCCEEDED_SAVED: &str =
    include_str!("fixtures/xendit/payment_request_succeeded_pay_and_save.json");
const REQUIRES_QR: &str = include_str!("fixtures/xendit/payment_request_requires_action_qr.json");
const EXPIRED: &str = include_str!("fixtures/xendit/payment_request_expired.json");
const CAPTURE: &str = include_str!("fixtures/xendit/event_payment_capture_pay_and_save.json");
/// The intent id the fixtures were written with (they echo our `reference_id`).
const FIXTURE_REFERENCE: &str = "pi_7Qx2mEwGcash41";
const TOKEN: &str = "pt-cc3938dc-c2a5-43c4-89d7-7570793348c2";
const CALLBACK_TOKEN: &str = "xendit-callback-token-for-tests";

async fn harness(mock: &Mock, currency: Currency) -> Harness {
    let processor = Arc::new(XenditProcessor::with_client(processor_mock::client(
        &mock.base,
        SecretKey::new("xnd_development_mock"),
    )));
    let clock = Arc::new(ManualClock::new(common::NOW));
    let for_state = clock.clone();
    let mut settings = Settings::new(std::env::temp_dir().join("checkout-no-dist"));
    settings.cart = Cart::demo(currency);
    settings.public_url = "https://shop.test".to_owned();
    settings.xendit_callback_token = Some(CallbackToken::new(CALLBACK_TOKEN));
    Harness::open(settings, clock, move |settings| async move {
        AppState::open(settings, "sqlite::memory:", for_state, processor)
            .await
            .expect("an in-memory database opens")
    })
    .await
}

fn body(seen: &Seen) -> Value {
    serde_json::from_str(&seen.body).expect("a JSON body")
}

/// The path of the return URL a payment request gave Xendit.
fn return_path(request: &Seen) -> String {
    body(request)["channel_properties"]["success_return_url"]
        .as_str()
        .and_then(|url| url.strip_prefix("https://shop.test"))
        .expect("our return route on the public URL")
        .to_owned()
}

/// A new customer pays with GCash and ticks "save": the confirm's answer.
async fn save_gcash(h: &Harness) -> (String, common::Reply) {
    let (session, customer) = h.new_customer_session().await;
    let mut request = common::wallet_request("GCASH");
    request["setup_future_usage"] = json!("off_session");
    request["consent"] = common::consent();
    let token = h.token_from(request, Some(&session)).await;
    (
        customer,
        h.confirm(token["id"].as_str().unwrap(), None).await,
    )
}

async fn our_charges(h: &Harness) -> (i64, i64) {
    (
        h.count("SELECT COUNT(*) FROM charges").await,
        h.count("SELECT COUNT(*) FROM fulfilments").await,
    )
}

#[tokio::test]
async fn a_wallet_to_pay_and_save_sends_xendits_documented_request() {
    let first = Mock::start(vec![Answer::Status(201, REQUIRES_ACTION)]).await;
    let h = harness(&first, Currency::PHP).await;
    let (customer, reply) = save_gcash(&h).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "requires_action");
    let redirect = &reply.body["next_action"]["redirect_to_url"];
    assert_eq!(
        redirect["url"],
        "https://ewallet-mock.xendit.co/v1/gcash/authorize?token=pr-90392f42"
    );
    assert_eq!(redirect["app_url"], "gcash://pay?token=pr-90392f42");
    assert_eq!(redirect["return_url"], "https://shop.example/complete");

    let seen = first.seen();
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].path, "/v3/payment_requests");
    let key = seen[0].header("idempotency-key").unwrap().to_owned();
    assert!(key.starts_with("att_"), "{key}");
    assert!(seen[0].header("api-version").is_some());
    let sent = body(&seen[0]);
    let ours = reply.body["id"].as_str().unwrap();
    assert_eq!(sent["type"], "PAY_AND_SAVE");
    assert_eq!(sent["channel_code"], "GCASH");
    assert_eq!(sent["reference_id"], ours);
    assert_eq!(sent["currency"], "PHP");
    let back = sent["channel_properties"]["success_return_url"]
        .as_str()
        .unwrap();
    assert!(
        back.starts_with(&format!("https://shop.test/processor-return/{key}/")),
        "{back}"
    );
    assert_eq!(sent["customer"]["reference_id"], customer);
    // The order's amount in major units, exact: no float on our side.
    let minor: i64 = h.count("SELECT amount FROM payment_intents").await;
    let major = MajorAmount::from_money(Money::new(MinorUnit::new(minor), Currency::PHP)).unwrap();
    assert_eq!(sent["request_amount"].to_string(), major.as_str());
    assert_eq!(our_charges(&h).await, (0, 0));
}

#[tokio::test]
async fn the_customer_back_from_the_wallet_finds_it_paid_and_saved_and_it_pays_again() {
    let paid_with_token: &'static str = Box::leak(
        SUCCEEDED_SAVED
            .replace("\"PAY_AND_SAVE\"", "\"PAY\"")
            .into_boxed_str(),
    );
    let mock = Mock::start(vec![
        Answer::Status(201, REQUIRES_ACTION),
        Answer::Status(200, SUCCEEDED_SAVED),
        Answer::Status(200, paid_with_token),
    ])
    .await;
    let h = harness(&mock, Currency::PHP).await;
    let (customer, reply) = save_gcash(&h).await;
    assert_eq!(reply.body["status"], "requires_action", "{}", reply.text);
    // Back from the wallet: the server reads the payment request and finds it paid.
    let returned = h.get(&return_path(&mock.seen()[0])).await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text);
    let location = returned.headers["location"].to_str().unwrap();
    assert!(location.contains("redirect_status=succeeded"), "{location}");
    let seen = mock.seen();
    assert_eq!(seen[1].method, Method::GET);
    assert_eq!(
        seen[1].path,
        "/v3/payment_requests/pr-90392f42-d98a-49ef-a7f3-abcezas123"
    );
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(our_charges(&h).await, (1, 1));
    // The wallet is saved with Xendit's token, for later payments.
    let (method, kept): (String, Option<String>) = sqlx::query_as(
        "SELECT id, processor_ref FROM payment_methods WHERE customer_id = ? \
         AND allow_redisplay = 'always'",
    )
    .bind(&customer)
    .fetch_one(h.state.db())
    .await
    .unwrap();
    assert_eq!(kept.as_deref(), Some(TOKEN));

    // The merchant charges the saved wallet: `PAY` with its token, no page.
    let charged = h
        .charge_off_session(&json!({ "payment_method": method, "customer": customer }))
        .await;
    assert_eq!(charged.body["status"], "succeeded", "{}", charged.text);
    let sent = body(&mock.seen()[2]);
    assert_eq!(sent["type"], "PAY");
    assert_eq!(sent["payment_token_id"], TOKEN);
    assert!(sent.get("channel_code").is_none());
    assert!(sent.get("channel_properties").is_none());
    assert_eq!(our_charges(&h).await.0, 2);
}

#[tokio::test]
async fn a_qr_code_from_xendit_is_shown_and_its_expiry_offers_a_new_one() {
    let mock = Mock::start(vec![
        Answer::Status(201, REQUIRES_QR),
        Answer::Status(200, EXPIRED),
    ])
    .await;
    let h = harness(&mock, Currency::IDR).await;
    let token = h
        .token_from(
            json!({"payment_method_data": {"type": "qr_code", "qr_code": {"channel_code": "QRIS"}}}),
            None,
        )
        .await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.body["status"], "requires_action", "{}", reply.text);
    let code = reply.body["next_action"]["display_qr_code"]["data"]
        .as_str()
        .unwrap();
    assert!(code.starts_with("000201"), "the QRIS string itself: {code}");
    let sent = body(&mock.seen()[0]);
    assert_eq!(sent["type"], "PAY");
    assert_eq!(sent["channel_code"], "QRIS");
    // The code lapses at Xendit: the poll reads it and the intent takes another attempt.
    let read = h.status_of(&reply.body).await;
    assert_eq!(
        read.body["status"], "requires_payment_method",
        "{}",
        read.text
    );
    assert_eq!(read.body["last_payment_error"]["code"], "qr_code_expired");
}

#[tokio::test]
async fn xendits_webhook_settles_a_wallet_payment_once() {
    let mock = Mock::start(vec![Answer::Status(201, REQUIRES_ACTION)]).await;
    let h = harness(&mock, Currency::PHP).await;
    let token = h.token_from(common::wallet_request("GCASH"), None).await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.body["status"], "requires_action", "{}", reply.text);
    let ours = reply.body["id"].as_str().unwrap();
    let event = CAPTURE.replace(FIXTURE_REFERENCE, ours);
    let deliver = |token: &'static str| {
        let h = &h;
        let event = event.clone();
        async move {
            h.call(
                Method::POST,
                "/api/webhooks/xendit",
                &[("x-callback-token", token)],
                Some(&event),
            )
            .await
        }
    };
    let forged = deliver("not-the-token").await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.text);
    assert_eq!(our_charges(&h).await, (0, 0));
    let first = deliver(CALLBACK_TOKEN).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(our_charges(&h).await, (1, 1));
    let again = deliver(CALLBACK_TOKEN).await;
    assert_eq!(again.body["duplicate"], true);
    assert_eq!(our_charges(&h).await, (1, 1));
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    // Nothing was asked of Xendit after the confirm: the webhook told it all.
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn a_merchant_cancel_cancels_the_payment_request_at_xendit_first() {
    let canceled: &'static str = Box::leak(
        REQUIRES_ACTION
            .replace("\"REQUIRES_ACTION\"", "\"CANCELED\"")
            .into_boxed_str(),
    );
    let mock = Mock::start(vec![
        Answer::Status(201, REQUIRES_ACTION),
        Answer::Status(200, canceled),
    ])
    .await;
    let h = harness(&mock, Currency::PHP).await;
    let token = h.token_from(common::wallet_request("GCASH"), None).await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.body["status"], "requires_action", "{}", reply.text);
    let id = reply.body["id"].as_str().unwrap();
    let cancel = h
        .post_authorized(
            &format!("/api/payment_intents/{id}/cancel"),
            &json!({}),
            &format!("Bearer {}", common::MERCHANT_KEY),
        )
        .await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.text);
    assert_eq!(cancel.body["status"], "canceled");
    let seen = mock.seen();
    assert_eq!(seen[1].method, Method::POST);
    assert_eq!(
        seen[1].path,
        "/v3/payment_requests/pr-90392f42-d98a-49ef-a7f3-abcezas123/cancel"
    );
}
