//! The test-mode audit the end-to-end suite relies on (`GET /test-mode/card-data`): it
//! sees a card that reaches the storefront, in a request body or in a database row, and
//! sees nothing after a card payment made the right way, through the vault's token.

mod common;

use axum::http::StatusCode;
use common::Harness;
use serde_json::{json, Value};

async fn findings(h: &Harness) -> Value {
    let reply = h.get("/test-mode/card-data").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

fn empty(findings: &Value, part: &str) -> bool {
    findings[part].as_array().is_some_and(Vec::is_empty)
}

#[tokio::test]
async fn a_card_paid_through_the_vault_leaves_nothing_on_the_storefront() {
    let h = Harness::new().await;
    let paid = h.pay("4242 4242 4242 4242").await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.text);
    let found = findings(&h).await;
    for part in ["requests", "database", "vault_database"] {
        assert!(empty(&found, part), "{part}: {found}");
    }
}

#[tokio::test]
async fn a_card_sent_to_the_storefront_is_seen_though_it_is_refused() {
    let h = Harness::new().await;
    let raw = json!({"payment_method_data": {"type": "card", "card":
        {"number": "4000 0000 0000 3220", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}});
    let refused = h.post("/api/confirmation_tokens", &raw).await;
    assert_eq!(refused.code(), "card_details_not_accepted");
    let found = findings(&h).await;
    let requests = found["requests"].to_string();
    assert!(
        requests.contains("the card number …3220 in /api/confirmation_tokens"),
        "{found}"
    );
    assert!(
        !requests.contains("4000000000003220"),
        "the audit repeats the number"
    );
}

#[tokio::test]
async fn a_card_number_in_a_database_row_is_seen() {
    let h = Harness::new().await;
    // What a careless change would do: keep what the customer typed beside the order.
    sqlx::query("INSERT INTO test_mode_counters (name, value) VALUES ('4242424242424242', 1)")
        .execute(h.state.db())
        .await
        .unwrap();
    let found = findings(&h).await;
    assert!(
        found["database"]
            .to_string()
            .contains("…4242 in test_mode_counters.name"),
        "{found}"
    );
}
