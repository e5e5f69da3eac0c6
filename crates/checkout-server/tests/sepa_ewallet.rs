//! SEPA Direct Debit (processing, then settling on the test clock) and the e-wallet
//! channels with their simulated authorisation page.

mod common;

use axum::http::{Method, StatusCode};
use common::{sepa_request, Harness};
use payment_core::money::Currency;
use serde_json::json;

async fn sepa(h: &Harness, iban: &str, email: &str) -> common::Reply {
    let token = h.token_from(sepa_request(iban, email), None).await;
    assert_eq!(token["payment_method_preview"]["type"], "sepa_debit");
    h.confirm(token["id"].as_str().unwrap(), None).await
}

#[tokio::test]
async fn de89_processes_then_succeeds() {
    let h = Harness::new().await;
    let reply = sepa(&h, "DE89 3704 0044 0532 0130 00", "jenny@example.com").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "processing");
    let preview = &reply.body["payment_method_preview"]["sepa_debit"];
    assert_eq!(preview["country"], "DE");
    assert_eq!(preview["bank_code"], "37040044");
    assert_eq!(preview["last4"], "3000");
    h.clock.advance(9);
    assert_eq!(h.status_of(&reply.body).await.body["status"], "processing");
    h.clock.advance(1);
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 1);
}

#[tokio::test]
async fn de62_processes_then_fails() {
    let h = Harness::new().await;
    let reply = sepa(&h, "DE62370400440532013001", "jenny@example.com").await;
    assert_eq!(reply.body["status"], "processing");
    h.clock.advance(60);
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "requires_payment_method");
    assert!(status.body["last_payment_error"]["code"].is_string());
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 0);
}

#[tokio::test]
async fn sepa_test_emails_decide_the_outcome_and_its_delay() {
    let h = Harness::new().await;
    let iban = "DE89370400440532013000";
    let cases = [
        (
            "generatedSepaDebitIntentsSucceed@example.com",
            10,
            "succeeded",
        ),
        (
            "generatedSepaDebitIntentsFail@example.com",
            10,
            "requires_payment_method",
        ),
        (
            "shop_generatedSepaDebitIntentsSucceedDelayed@example.com",
            180,
            "succeeded",
        ),
        (
            "generatedSepaDebitIntentsFailDelayed@example.com",
            180,
            "requires_payment_method",
        ),
        (
            "generatedSepaDebitIntentsSucceedDisputed@example.com",
            10,
            "succeeded",
        ),
    ];
    for (email, delay, outcome) in cases {
        let reply = sepa(&h, iban, email).await;
        assert_eq!(reply.body["status"], "processing", "{email}");
        h.clock.advance(delay - 1);
        assert_eq!(
            h.status_of(&reply.body).await.body["status"],
            "processing",
            "{email}"
        );
        h.clock.advance(1);
        assert_eq!(
            h.status_of(&reply.body).await.body["status"],
            outcome,
            "{email}"
        );
    }
    assert_eq!(
        h.count("SELECT COUNT(*) FROM processor_events WHERE type = 'charge.dispute.created'")
            .await,
        1
    );
}

#[tokio::test]
async fn settlement_runs_without_a_poll_too() {
    let h = Harness::new().await;
    let reply = sepa(&h, "DE89370400440532013000", "jenny@example.com").await;
    h.clock.advance(10);
    let settled = checkout_server::intents::settle_all_due(&h.state)
        .await
        .unwrap();
    assert_eq!(settled, 1);
    let status: String = sqlx::query_scalar("SELECT status FROM payment_intents WHERE id = ?")
        .bind(reply.body["id"].as_str().unwrap())
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!(status, "succeeded");
}

#[tokio::test]
async fn sepa_input_is_validated() {
    let h = Harness::new().await;
    let bad = h
        .post(
            "/api/confirmation_tokens",
            &sepa_request("DE89370400440532013001", "jenny@example.com"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.code(), "invalid_iban");
    assert_eq!(
        bad.body["error"]["param"],
        "payment_method_data.sepa_debit.iban"
    );
    assert!(!bad.text.contains("0532013001"));

    // A valid IBAN from outside SEPA (Turkey) cannot be debited.
    let turkish = h
        .post(
            "/api/confirmation_tokens",
            &sepa_request("TR330006100519786457841326", "jenny@example.com"),
        )
        .await;
    assert_eq!(turkish.code(), "invalid_iban", "{}", turkish.text);
    assert_eq!(
        turkish.body["error"]["message"],
        "SEPA Direct Debit takes IBANs from SEPA countries only."
    );

    let mut no_email = sepa_request("DE89370400440532013000", "");
    no_email["payment_method_data"]["billing_details"]
        .as_object_mut()
        .unwrap()
        .remove("email");
    let reply = h.post("/api/confirmation_tokens", &no_email).await;
    assert_eq!(reply.code(), "parameter_missing");
    assert_eq!(
        reply.body["error"]["param"],
        "payment_method_data.billing_details.email"
    );
}

#[tokio::test]
async fn sepa_needs_a_euro_cart() {
    let h = Harness::with_currency(Currency::PHP).await;
    let reply = sepa(&h, "DE89370400440532013000", "jenny@example.com").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "parameter_invalid");
    // The refused confirm did not use up the token's attempt: nothing was created.
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_intents").await, 0);
}

async fn wallet_confirm(
    h: &Harness,
    request: serde_json::Value,
    bearer: Option<&str>,
) -> common::Reply {
    let token = h.token_from(request, bearer).await;
    h.confirm(token["id"].as_str().unwrap(), None).await
}

#[tokio::test]
async fn every_wallet_redirects_to_its_page_and_authorizes() {
    for (currency, channels) in [
        (Currency::PHP, &["GCASH", "PAYMAYA", "SHOPEEPAY"][..]),
        (Currency::IDR, &["OVO", "DANA", "SHOPEEPAY"][..]),
    ] {
        let h = Harness::with_currency(currency).await;
        for channel in channels {
            let reply = wallet_confirm(&h, common::wallet_request(channel), None).await;
            assert_eq!(reply.body["status"], "requires_action", "{channel}");
            let id = reply.body["id"].as_str().unwrap();
            let url = reply.body["next_action"]["redirect_to_url"]["url"]
                .as_str()
                .unwrap()
                .to_owned();
            assert_eq!(url, format!("/test-mode/ewallet/{id}"));
            let page = h.get(&url).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.text.contains("Authorize") && page.text.contains("Decline"));
            assert!(!page.text.contains("<script") && !page.text.contains("style="));
            let done = h
                .call(Method::POST, &format!("{url}/authorize"), &[], None)
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER);
            let location = done.headers["location"].to_str().unwrap();
            assert!(location.starts_with("https://shop.example/complete?payment_intent="));
            assert!(location.contains("payment_intent_client_secret="));
            assert!(location.ends_with("redirect_status=succeeded"));
            assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
        }
    }
}

#[tokio::test]
async fn a_declined_wallet_can_be_retried() {
    let h = Harness::with_currency(Currency::PHP).await;
    let reply = wallet_confirm(&h, common::wallet_request("GCASH"), None).await;
    let url = reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    // The 3-D Secure page does not answer for a wallet payment.
    let id = reply.body["id"].as_str().unwrap();
    let wrong_page = h.get(&format!("/test-mode/authenticate/{id}")).await;
    assert_eq!(wrong_page.status, StatusCode::NOT_FOUND);
    let declined = h
        .call(Method::POST, &format!("{url}/decline"), &[], None)
        .await;
    assert!(declined.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=failed"));
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "requires_payment_method");
    let retry = wallet_confirm(&h, common::wallet_request("GCASH"), None).await;
    assert_eq!(retry.body["status"], "requires_action");
}

#[tokio::test]
async fn wallets_check_the_cart_currency() {
    let h = Harness::with_currency(Currency::PHP).await;
    let reply = wallet_confirm(&h, common::wallet_request("OVO"), None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "parameter_invalid");
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("PHP"));
    let eur = Harness::new().await;
    let reply = wallet_confirm(&eur, common::wallet_request("GCASH"), None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let unknown = eur
        .post(
            "/api/confirmation_tokens",
            &common::wallet_request("PAYPAL"),
        )
        .await;
    assert_eq!(unknown.code(), "parameter_invalid");
    assert_eq!(
        unknown.body["error"]["param"],
        "payment_method_data.ewallet.channel_code"
    );
}

#[tokio::test]
async fn an_authorized_wallet_with_consent_is_saved_as_a_reusable_token() {
    let h = Harness::with_currency(Currency::PHP).await;
    let (secret, customer) = h.session().await;
    let mut request = common::wallet_request("GCASH");
    request["setup_future_usage"] = json!("on_session");
    let request_consent = json!({
        "text": "Simpan detail pembayaran saya", "locale": "id",
        "accepted_at": common::NOW, "usage": "on_session"
    });
    request["consent"] = request_consent.clone();
    let reply = wallet_confirm(&h, request, Some(&secret)).await;
    let url = reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    h.call(Method::POST, &format!("{url}/authorize"), &[], None)
        .await;
    let auth = format!("Bearer {secret}");
    let list = h
        .get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
    let saved = &list.body["data"][0];
    assert_eq!(saved["type"], "ewallet");
    assert_eq!(saved["ewallet"]["channel_code"], "GCASH");
    assert!(saved["ewallet"]["account_label"]
        .as_str()
        .unwrap()
        .starts_with("+63 ••••"));
    assert_eq!(saved["allow_redisplay"], "always");
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    // The consent is on the merchant's record exactly as sent.
    let audit = h.consents(&customer).await;
    assert_eq!(audit.body["data"][0]["payment_method"], saved["id"]);
    assert_eq!(audit.body["data"][0]["type"], "ewallet");
    assert_eq!(audit.body["data"][0]["consent"], request_consent);
    // The token charges without another redirect.
    let charge = h
        .charge_off_session(&json!({"payment_method": saved["id"], "customer": customer}))
        .await;
    assert_eq!(charge.body["status"], "succeeded", "{}", charge.text);
}

#[tokio::test]
async fn a_declined_or_unconsented_wallet_is_never_redisplayed() {
    let h = Harness::with_currency(Currency::PHP).await;
    let (secret, customer) = h.new_customer_session().await;
    // Declined on the wallet's page, with consent: nothing is saved.
    let mut consented = common::wallet_request("PAYMAYA");
    consented["setup_future_usage"] = json!("off_session");
    consented["consent"] = common::consent();
    let declined = wallet_confirm(&h, consented, Some(&secret)).await;
    let url = declined.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    h.call(Method::POST, &format!("{url}/decline"), &[], None)
        .await;
    // Authorized without consent: a limited token, never shown to the customer.
    let mut unconsented = common::wallet_request("SHOPEEPAY");
    unconsented["setup_future_usage"] = json!("off_session");
    let authorized = wallet_confirm(&h, unconsented, Some(&secret)).await;
    let url = authorized.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    h.call(Method::POST, &format!("{url}/authorize"), &[], None)
        .await;
    assert_eq!(
        h.status_of(&authorized.body).await.body["status"],
        "succeeded"
    );
    let saved: Vec<(String, String)> = sqlx::query_as(
        "SELECT ewallet_channel, allow_redisplay FROM payment_methods WHERE customer_id = ?",
    )
    .bind(&customer)
    .fetch_all(h.state.db())
    .await
    .unwrap();
    assert_eq!(saved, [("SHOPEEPAY".to_owned(), "limited".to_owned())]);
    let list = h
        .get_with("/api/customer_sessions/payment_methods", &secret)
        .await;
    assert_eq!(list.body, json!({"data": []}));
    assert_eq!(h.consents(&customer).await.body["data"], json!([]));
}
