//! Demo markets: `GET /api/cart?market=` and the `market` of create-confirm choose one of
//! the server's carts (EUR, PHP, IDR); the client still never sends an amount.

mod common;

use axum::http::{Method, StatusCode};
use common::Harness;
use serde_json::{json, Value};

async fn confirm_in(h: &Harness, token: &str, market: Option<&str>) -> common::Reply {
    let mut body = json!({ "confirmation_token_id": token });
    if let Some(market) = market {
        body["market"] = json!(market);
    }
    h.post("/api/create-confirm-intent", &body).await
}

#[tokio::test]
async fn each_market_has_its_cart_and_the_default_is_the_servers() {
    let h = Harness::new().await;
    let default = h.get("/api/cart").await;
    assert_eq!(default.body["currency"], "eur");
    assert_eq!(default.body["amount"], 10_800);
    assert_eq!(default.body["market"], Value::Null);
    for (market, currency, amount) in [
        ("eu", "eur", 10_800),
        ("ph", "php", 559_700),
        ("id", "idr", 140_000_000),
    ] {
        let cart = h.get(&format!("/api/cart?market={market}")).await;
        assert_eq!(cart.status, StatusCode::OK, "{}", cart.text);
        assert_eq!(cart.body["currency"], currency, "{market}");
        assert_eq!(cart.body["amount"], amount, "{market}");
        assert_eq!(cart.body["market"], market);
        assert_eq!(cart.body["items"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn an_unknown_market_is_a_json_error() {
    let h = Harness::new().await;
    for query in ["market=us", "market=", "market=PH"] {
        let reply = h.get(&format!("/api/cart?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.code(), "parameter_invalid");
        assert_eq!(reply.body["error"]["param"], "market");
    }
    let token = h.card_confirmation_token("4242424242424242").await;
    let reply = confirm_in(&h, &token, Some("us")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["error"]["param"], "market");
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("eu, ph, id"));
    // The token was not spent.
    assert_eq!(confirm_in(&h, &token, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_order_comes_from_the_chosen_market() {
    // A euro server still takes GCash in the Philippine market, and OVO in Indonesia.
    let h = Harness::new().await;
    for (channel, market, currency, amount) in [
        ("GCASH", "ph", "php", 559_700),
        ("OVO", "id", "idr", 140_000_000),
    ] {
        let token = h.token_from(common::wallet_request(channel), None).await;
        let reply = confirm_in(&h, token["id"].as_str().unwrap(), Some(market)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["status"], "requires_action");
        assert_eq!(reply.body["currency"], currency);
        assert_eq!(reply.body["amount"], amount);
        let url = reply.body["next_action"]["redirect_to_url"]["url"]
            .as_str()
            .unwrap()
            .to_owned();
        h.call(Method::POST, &format!("{url}/authorize"), &[], None)
            .await;
        assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    }
    let orders: Vec<(i64, String)> =
        sqlx::query_as("SELECT amount, currency FROM orders ORDER BY created, rowid")
            .fetch_all(h.state.db())
            .await
            .unwrap();
    assert_eq!(
        orders,
        [(559_700, "php".to_owned()), (140_000_000, "idr".to_owned())]
    );
    // Without a market, the server's euro cart: GCash is refused, a card pays in euros.
    let token = h.token_from(common::wallet_request("GCASH"), None).await;
    let refused = confirm_in(&h, token["id"].as_str().unwrap(), None).await;
    assert_eq!(refused.code(), "parameter_invalid");
    let card = h.card_confirmation_token("4242424242424242").await;
    let paid = confirm_in(&h, &card, None).await;
    assert_eq!(paid.body["currency"], "eur");
    assert_eq!(paid.body["amount"], 10_800);
}

#[tokio::test]
async fn a_market_cannot_take_sepa_outside_the_euro_area_nor_carry_an_amount() {
    let h = Harness::with_currency(payment_core::money::Currency::PHP).await;
    let sepa = h
        .token_from(
            common::sepa_request("DE89370400440532013000", "jenny@example.com"),
            None,
        )
        .await;
    let id = sepa["id"].as_str().unwrap();
    assert_eq!(
        confirm_in(&h, id, Some("ph")).await.code(),
        "parameter_invalid"
    );
    let paid = confirm_in(&h, id, Some("eu")).await;
    assert_eq!(paid.body["status"], "processing", "{}", paid.text);
    assert_eq!(paid.body["currency"], "eur");
    let with_amount = h
        .post(
            "/api/create-confirm-intent",
            &json!({"confirmation_token_id": id, "market": "eu", "amount": 1}),
        )
        .await;
    assert_eq!(with_amount.code(), "parameter_unknown");
    assert_eq!(with_amount.body["error"]["param"], "amount");
}

#[tokio::test]
async fn a_replay_with_another_market_is_an_idempotency_conflict() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let body = |market: &str| json!({"confirmation_token_id": token, "market": market}).to_string();
    let key = [("idempotency-key", "market-key")];
    let first = h
        .call(
            Method::POST,
            "/api/create-confirm-intent",
            &key,
            Some(&body("ph")),
        )
        .await;
    assert_eq!(first.body["currency"], "php");
    let other = h
        .call(
            Method::POST,
            "/api/create-confirm-intent",
            &key,
            Some(&body("id")),
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
}
