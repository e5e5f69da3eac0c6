//! Setup intents (Stripe's `confirmSetup`): a card or SEPA account saved to the customer
//! with nothing charged; 3-D Secure when the issuer asks, after which the saved card pays
//! off session without it; declines leave the intent open for another method; a setup
//! that succeeded is not confirmed again.

mod common;

use axum::http::{Method, StatusCode};
use common::{sepa_request, Harness};
use serde_json::{json, Value};

/// `/create-setup-intent` as a "save a card" page calls it: the client secret.
async fn new_setup(h: &Harness) -> String {
    let reply = h.post("/create-setup-intent", &json!({})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let secret = reply.body["clientSecret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("seti_") && secret.contains("_secret_"),
        "{secret}"
    );
    secret
}

fn id_of(secret: &str) -> &str {
    secret.split_once("_secret_").unwrap().0
}

async fn read(h: &Harness, secret: &str) -> Value {
    let reply = h
        .get(&format!(
            "/api/setup_intents/{}?client_secret={secret}",
            id_of(secret)
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

async fn confirm_with(h: &Harness, secret: &str, token: &str, key: &str) -> common::Reply {
    let body = json!({ "client_secret": secret, "confirmation_token_id": token });
    h.call(
        Method::POST,
        &format!("/api/setup_intents/{}/confirm", id_of(secret)),
        &[("idempotency-key", key)],
        Some(&body.to_string()),
    )
    .await
}

/// A card token of the demo customer's session, as the element makes it in setup mode:
/// no consent box (the page itself is about saving the card).
async fn card_token(h: &Harness, number: &str) -> String {
    let (session, _) = h.session().await;
    let request = h.card_request(number).await;
    h.token_from(request, Some(&session)).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn events(h: &Harness, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM processor_events WHERE type = ?")
        .bind(kind)
        .fetch_one(h.state.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_card_set_up_with_3d_secure_is_saved_and_later_charged_off_session() {
    let h = Harness::new().await;
    let secret = new_setup(&h).await;
    let setup = read(&h, &secret).await;
    assert_eq!(setup["object"], "setup_intent");
    assert_eq!(setup["status"], "requires_payment_method");
    assert_eq!(setup["usage"], "off_session");
    assert_eq!(setup["payment_method_types"], json!(["card", "sepa_debit"]));
    assert!(setup.get("client_secret").is_none(), "{setup}");

    let token = card_token(&h, "4000002500003155").await;
    let reply = confirm_with(&h, &secret, &token, "k1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "requires_action");
    let url = reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(url, format!("/test-mode/authenticate/{}", id_of(&secret)));
    let page = h.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("save it for future payments"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Nothing is charged"));

    let done = h
        .call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        done.headers["location"],
        format!(
            "https://shop.example/complete?setup_intent={}&setup_intent_client_secret={secret}&redirect_status=succeeded",
            id_of(&secret)
        )
    );
    let setup = read(&h, &secret).await;
    assert_eq!(setup["status"], "succeeded");
    assert_eq!(setup["payment_method_preview"]["card"]["last4"], "3155");
    let method = setup["payment_method"].as_str().unwrap().to_owned();
    // Nothing was charged, and the merchant heard of the setup once.
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
    assert_eq!(events(&h, "setup_intent.succeeded").await, 1);
    assert_eq!(events(&h, "payment_method.attached").await, 1);

    // Saved to the customer for off-session use; as with Stripe, a method set up
    // without the consent box is `limited`: charged by the merchant, not offered again
    // in the checkout.
    let (_, customer) = h.session().await;
    let (owner, usage, redisplay): (String, String, String) = sqlx::query_as(
        "SELECT customer_id, setup_usage, allow_redisplay FROM payment_methods WHERE id = ?",
    )
    .bind(&method)
    .fetch_one(h.state.db())
    .await
    .unwrap();
    assert_eq!(
        (owner.as_str(), usage.as_str(), redisplay.as_str()),
        (customer.as_str(), "off_session", "limited")
    );

    // Set up off session, 3155 is charged later without the customer.
    let charge = h
        .charge_off_session(&json!({"payment_method": method, "customer": customer}))
        .await;
    assert_eq!(charge.status, StatusCode::OK, "{}", charge.text);
    assert_eq!(charge.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);

    // A setup that succeeded is not confirmed again.
    let again = confirm_with(&h, &secret, &card_token(&h, "4242424242424242").await, "k2").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.text);
    assert_eq!(again.body["error"]["code"], "setup_intent_unexpected_state");
}

#[tokio::test]
async fn a_declined_card_leaves_the_setup_open_for_another() {
    let h = Harness::new().await;
    let secret = new_setup(&h).await;
    let token = card_token(&h, "4000000000009995").await;
    let declined = confirm_with(&h, &secret, &token, "k1").await;
    assert_eq!(
        declined.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        declined.text
    );
    assert_eq!(declined.body["error"]["decline_code"], "insufficient_funds");
    assert_eq!(
        declined.body["error"]["setup_intent"]["status"],
        "requires_payment_method"
    );
    assert_eq!(
        read(&h, &secret).await["last_setup_error"]["code"],
        "card_declined"
    );
    assert_eq!(events(&h, "setup_intent.setup_failed").await, 1);

    // The same request again replays the answer; the same key with another body is
    // refused.
    let resent = confirm_with(&h, &secret, &token, "k1").await;
    assert_eq!(
        resent.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        resent.text
    );
    assert_eq!(resent.headers["idempotent-replayed"], "true");
    assert_eq!(events(&h, "setup_intent.setup_failed").await, 1);
    let reused = confirm_with(&h, &secret, "ctoken_other", "k1").await;
    assert_eq!(reused.status, StatusCode::CONFLICT, "{}", reused.text);

    let paid = confirm_with(&h, &secret, &card_token(&h, "4242424242424242").await, "k2").await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.text);
    assert_eq!(paid.body["status"], "succeeded");
    assert!(paid.body.get("last_setup_error").is_none());
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
}

#[tokio::test]
async fn a_failed_challenge_says_the_card_could_not_be_authenticated() {
    let h = Harness::new().await;
    let secret = new_setup(&h).await;
    let reply = confirm_with(&h, &secret, &card_token(&h, "4000000000003220").await, "k1").await;
    assert_eq!(reply.body["status"], "requires_action");
    let url = reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let failed = h
        .call(Method::POST, &format!("{url}/fail"), &[], None)
        .await;
    assert!(failed.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=failed"));
    let setup = read(&h, &secret).await;
    assert_eq!(setup["status"], "requires_payment_method");
    assert_eq!(
        setup["last_setup_error"]["code"],
        "setup_intent_authentication_failure"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM payment_methods WHERE customer_id IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_sepa_mandate_is_set_up_at_once_and_a_wallet_is_refused() {
    let h = Harness::new().await;
    let secret = new_setup(&h).await;
    let (session, _) = h.session().await;
    let request = sepa_request("DE89370400440532013000", "jenny@example.com");
    let token = h.token_from(request, Some(&session)).await;
    let reply = confirm_with(&h, &secret, token["id"].as_str().unwrap(), "k1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "succeeded");
    assert_eq!(reply.body["payment_method_preview"]["type"], "sepa_debit");

    let other = new_setup(&h).await;
    let wallet = json!({
        "payment_method_data": {"type": "ewallet", "ewallet": {"channel_code": "GCASH"}},
        "return_url": "https://shop.example/complete"
    });
    let token = h.token_from(wallet, Some(&session)).await;
    let refused = confirm_with(&h, &other, token["id"].as_str().unwrap(), "k2").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.body["error"]["param"], "payment_method");
    assert_eq!(read(&h, &other).await["status"], "requires_payment_method");
}

#[tokio::test]
async fn a_wrong_secret_reads_as_a_missing_setup_intent() {
    let h = Harness::new().await;
    let secret = new_setup(&h).await;
    let wrong = h
        .get(&format!(
            "/api/setup_intents/{}?client_secret={}_secret_guess",
            id_of(&secret),
            id_of(&secret)
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "{}", wrong.text);
    assert_eq!(wrong.body["error"]["code"], "resource_missing");
    let token = card_token(&h, "4242424242424242").await;
    let body = json!({
        "client_secret": format!("{}_secret_guess", id_of(&secret)),
        "confirmation_token_id": token
    });
    let refused = h
        .call(
            Method::POST,
            &format!("/api/setup_intents/{}/confirm", id_of(&secret)),
            &[],
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text);
    // The token was not spent by the refused call.
    let paid = confirm_with(&h, &secret, &token, "k1").await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.text);
}
