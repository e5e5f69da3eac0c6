//! Stripe's quickstart shapes: `/create-payment-intent` makes an order and its intent
//! waiting for a payment method, the page confirms that intent with its client secret
//! (`/api/payment_intents/{id}/confirm`), a decline leaves it open for another card, and
//! it is paid once; `/config` answers at the top of the site; the quickstart pages take
//! their widget script from the payments origin.

mod common;

use axum::http::{Method, StatusCode};
use checkout_server::state::Settings;
use common::Harness;
use serde_json::{json, Value};

/// `/create-payment-intent` as Stripe's quickstart page calls it: the client secret.
async fn new_intent(h: &Harness, body: Option<&Value>) -> String {
    let reply = match body {
        Some(body) => h.post("/create-payment-intent", body).await,
        None => {
            h.call(Method::GET, "/create-payment-intent", &[], None)
                .await
        }
    };
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let secret = reply.body["clientSecret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("pi_") && secret.contains("_secret_"),
        "{secret}"
    );
    assert_eq!(reply.body.as_object().unwrap().len(), 1, "{}", reply.text);
    secret
}

fn intent_id(secret: &str) -> &str {
    secret.split_once("_secret_").unwrap().0
}

async fn read(h: &Harness, secret: &str) -> Value {
    let reply = h
        .get(&format!(
            "/api/payment_intents/{}?client_secret={secret}",
            intent_id(secret)
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

async fn confirm(h: &Harness, secret: &str, number: &str, key: &str) -> common::Reply {
    let token = h.card_confirmation_token(number).await;
    let body = json!({ "client_secret": secret, "confirmation_token_id": token });
    h.call(
        Method::POST,
        &format!("/api/payment_intents/{}/confirm", intent_id(secret)),
        &[("idempotency-key", key)],
        Some(&body.to_string()),
    )
    .await
}

#[tokio::test]
async fn the_page_pays_the_intent_the_server_made_for_it_once() {
    let h = Harness::new().await;
    // The quickstart sends its items; the server prices its own cart.
    let secret = new_intent(
        &h,
        Some(&json!({ "items": [{ "id": "xl-tshirt", "amount": 1 }] })),
    )
    .await;
    let intent = read(&h, &secret).await;
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!(intent["amount"], 10_800);
    assert_eq!(intent["currency"], "eur");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);

    // A decline leaves the same intent open for another card.
    let declined = confirm(&h, &secret, "4000000000009995", "k1").await;
    assert_eq!(
        declined.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        declined.text
    );
    assert_eq!(declined.body["error"]["decline_code"], "insufficient_funds");
    let paid = confirm(&h, &secret, "4242424242424242", "k2").await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.text);
    assert_eq!(paid.body["status"], "succeeded");
    assert_eq!(paid.body["id"], intent_id(&secret));
    assert_eq!(read(&h, &secret).await["status"], "succeeded");

    // Paid once: another card for the same intent is refused with the payment.
    let again = confirm(&h, &secret, "5555555555554444", "k3").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(again.body["error"]["code"], "order_already_paid");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
}

#[tokio::test]
async fn every_page_load_is_a_new_order_of_the_chosen_cart() {
    let h = Harness::new().await;
    let first = new_intent(&h, None).await;
    let second = new_intent(&h, Some(&json!({}))).await;
    assert_ne!(first, second);
    let pesos = h
        .call(Method::GET, "/create-payment-intent?market=ph", &[], None)
        .await;
    let pesos = pesos.body["clientSecret"].as_str().unwrap().to_owned();
    assert_eq!(read(&h, &pesos).await["currency"], "php");
    assert_eq!(h.count("SELECT COUNT(*) FROM orders").await, 3);
    // Under /api too, and a body that is not JSON is refused.
    assert_eq!(
        h.post("/api/create-payment-intent", &json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let refused = h
        .call(
            Method::POST,
            "/create-payment-intent",
            &[("content-type", "text/plain")],
            Some("items"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
}

#[tokio::test]
async fn config_answers_at_the_top_of_the_site_as_under_api() {
    let h = Harness::new().await;
    let top = h.get("/config").await;
    assert_eq!(top.status, StatusCode::OK);
    assert_eq!(top.body, h.get("/api/config").await.body);
    assert!(top.body["publishableKey"]
        .as_str()
        .unwrap()
        .starts_with("pk_test_"));
}

#[tokio::test]
async fn the_quickstart_pages_take_the_widget_from_the_payments_origin() {
    let dist = std::env::temp_dir().join(format!("checkout-quickstart-{}", std::process::id()));
    let pages = dist.join("examples/quickstart");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(
        pages.join("checkout.html"),
        r#"<script src="/embed/checkout.js"></script><script src="checkout.js" defer></script>"#,
    )
    .unwrap();
    let h = Harness::with_settings(Settings::new(&dist)).await;
    let page = h.get("/examples/quickstart/checkout.html").await;
    assert_eq!(page.status, StatusCode::OK);
    let payments = h.state.settings().payments_origin.clone();
    assert_eq!(
        page.text,
        format!(
            r#"<script src="{payments}/embed/checkout.js"></script><script src="checkout.js" defer></script>"#
        )
    );
    assert!(page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains(&format!("script-src 'self' 'wasm-unsafe-eval' {payments}")));
    for missing in ["missing.html", "..html", "checkout.js"] {
        let reply = h.get(&format!("/examples/quickstart/{missing}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
    }
    let _ = std::fs::remove_dir_all(&dist);
}
