//! The server's real answers, captured: every object the widget reads, as this server
//! writes it today, must have the shape of its copy in
//! `crates/payment-core/tests/fixtures/server/`. The widget's browser test
//! (`tests/wire_drift.rs`) decodes those copies with its own reader and with serde, so a
//! field added here shows up there, where the widget either reads it or says why not.
//!
//! After a deliberate change of the wire, write the copies again with
//! `UPDATE_WIRE_FIXTURES=1 cargo test -p checkout-server --test wire_capture`, then run
//! the browser tests.

mod common;

use axum::http::{Method, StatusCode};
use common::{consent, sepa_request, Harness, Reply};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../payment-core/tests/fixtures/server")
}

/// What the comparison sees of an answer: every key path with its JSON type, and the
/// value of each `type` (a tagged union's shape depends on it). Ids and secrets are new
/// on every run; their names and types are what the widget depends on.
fn shape(value: &Value) -> BTreeMap<String, String> {
    fn walk(value: &Value, path: String, out: &mut BTreeMap<String, String>) {
        let kind = match value {
            Value::Null => "null".to_owned(),
            Value::Bool(_) => "boolean".to_owned(),
            Value::Number(_) => "number".to_owned(),
            Value::String(s) if path == "type" || path.ends_with(".type") => {
                format!("string {s:?}")
            }
            Value::String(_) => "string".to_owned(),
            Value::Array(items) => {
                for item in items {
                    walk(item, format!("{path}[]"), out);
                }
                "array".to_owned()
            }
            Value::Object(fields) => {
                for (key, field) in fields {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(field, child, out);
                }
                "object".to_owned()
            }
        };
        out.insert(path, kind);
    }
    let mut out = BTreeMap::new();
    walk(value, String::new(), &mut out);
    out
}

/// The copy as committed: client secrets replaced (a fixture is no place for one, even
/// a test-mode one), everything else as the server wrote it.
fn redacted(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(fields) => {
                for (key, field) in fields.iter_mut() {
                    if key == "client_secret" && field.is_string() {
                        *field = json!("captured_secret_redacted");
                    } else {
                        walk(field);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

/// Compares `reply`'s body with `server/{name}`, or writes it there when asked to.
fn capture(name: &str, reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{name}: {}", reply.text);
    let captured = redacted(reply.body.clone());
    let path = fixtures().join(name);
    if std::env::var_os("UPDATE_WIRE_FIXTURES").is_some() {
        std::fs::create_dir_all(fixtures()).unwrap();
        let text = serde_json::to_string_pretty(&captured).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed: Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| {
            panic!(
                "{} is missing or not JSON: write it with UPDATE_WIRE_FIXTURES=1",
                path.display()
            )
        });
    let (now, then) = (shape(&captured), shape(&committed));
    let added: Vec<_> = now
        .iter()
        .filter(|(k, v)| then.get(*k) != Some(v))
        .collect();
    let gone: Vec<_> = then
        .iter()
        .filter(|(k, v)| now.get(*k) != Some(v))
        .collect();
    assert!(
        added.is_empty() && gone.is_empty(),
        "the server's {name} changed shape: in the answer, not in the copy: {added:?}; \
         in the copy, no longer in the answer: {gone:?}. If that is meant, write the copies again (UPDATE_WIRE_FIXTURES=1 cargo test -p \
         checkout-server --test wire_capture) and run the widget's browser tests, which \
         check that the widget reads what is new",
    );
}

/// A new card token's confirm for `order`.
async fn pay_order(h: &Harness, order: &Value, key: &str) -> Reply {
    let token = h.card_confirmation_token("4242424242424242").await;
    h.confirm_order(order.as_str().unwrap_or_default(), &token, key)
        .await
}

async fn confirm(h: &Harness, token: &Value) -> Reply {
    h.confirm(token["id"].as_str().unwrap(), None).await
}

#[tokio::test]
async fn card_answers_keep_the_shape_the_widget_reads() {
    let h = Harness::new().await;
    let (secret, _) = h.new_customer_session().await;
    let session = h
        .post("/api/customer_sessions", &json!({"new_customer": true}))
        .await;
    capture("customer_session.json", &session, StatusCode::OK);

    // A card saved with consent: the token, the intent, and the customer's saved list.
    let mut request = h.card_request("4242424242424242").await;
    request["setup_future_usage"] = json!("off_session");
    request["consent"] = consent();
    let reply = h
        .post_authorized(
            "/api/confirmation_tokens",
            &request,
            &format!("Bearer {secret}"),
        )
        .await;
    capture("confirmation_token_card.json", &reply, StatusCode::OK);
    let paid = confirm(&h, &reply.body).await;
    capture("payment_intent_succeeded.json", &paid, StatusCode::OK);
    let read = h.status_of(&paid.body).await;
    capture("payment_intent_retrieved.json", &read, StatusCode::OK);
    let list = h
        .get_with("/api/customer_sessions/payment_methods", &secret)
        .await;
    capture("saved_payment_methods.json", &list, StatusCode::OK);

    // 3-D Secure, a decline, and a refused second payment of a paid order.
    let challenge = h.pay("4000000000003220").await;
    capture(
        "payment_intent_requires_action.json",
        &challenge,
        StatusCode::OK,
    );
    let declined = h.pay("4000000000000002").await;
    capture(
        "error_card_declined.json",
        &declined,
        StatusCode::PAYMENT_REQUIRED,
    );
    let order = h.post("/api/orders", &json!({})).await.body["id"].clone();
    let first = pay_order(&h, &order, "capture-1").await;
    assert_eq!(first.body["status"], "succeeded", "{}", first.text);
    let again = pay_order(&h, &order, "capture-2").await;
    capture(
        "error_order_already_paid.json",
        &again,
        StatusCode::CONFLICT,
    );
}

#[tokio::test]
async fn bank_and_wallet_answers_keep_the_shape_the_widget_reads() {
    let h = Harness::new().await;
    let token = h
        .token_from(
            sepa_request("DE89 3704 0044 0532 0130 00", "jenny@example.com"),
            None,
        )
        .await;
    let sepa = confirm(&h, &token).await;
    capture("payment_intent_sepa_processing.json", &sepa, StatusCode::OK);

    let php = Harness::with_currency(payment_core::money::Currency::PHP).await;
    let request = json!({
        "payment_method_data": {"type": "ewallet", "ewallet": {"channel_code": "GCASH"}},
        "return_url": "https://shop.example/complete"
    });
    let reply = php.post("/api/confirmation_tokens", &request).await;
    capture("confirmation_token_ewallet.json", &reply, StatusCode::OK);
    let wallet = confirm(&php, &reply.body).await;
    capture(
        "payment_intent_ewallet_redirect.json",
        &wallet,
        StatusCode::OK,
    );
}

#[tokio::test]
async fn qr_code_answers_keep_the_shape_the_widget_reads() {
    let h = Harness::new().await;
    let request = json!({
        "payment_method_data": {"type": "qr_code", "qr_code": {"channel_code": "QRIS"}},
        "return_url": "https://shop.example/complete"
    });
    let token = h.post("/api/confirmation_tokens", &request).await;
    capture("confirmation_token_qr_code.json", &token, StatusCode::OK);
    let order = h.post("/api/orders", &json!({"market": "id"})).await.body["id"].clone();
    let body = json!({ "confirmation_token_id": token.body["id"], "order": order });
    let shown = h.post("/api/create-confirm-intent", &body).await;
    capture(
        "payment_intent_display_qr_code.json",
        &shown,
        StatusCode::OK,
    );
}

#[tokio::test]
async fn setup_intent_answers_keep_the_shape_the_widget_reads() {
    let h = Harness::new().await;
    let created = h.post("/create-setup-intent", &json!({})).await;
    let secret = created.body["clientSecret"].as_str().unwrap().to_owned();
    let id = secret.split_once("_secret_").unwrap().0.to_owned();
    let token = h.card_confirmation_token("4000000000003220").await;
    let body = json!({ "client_secret": secret, "confirmation_token_id": token });
    let challenged = h
        .call(
            Method::POST,
            &format!("/api/setup_intents/{id}/confirm"),
            &[("idempotency-key", "setup-1")],
            Some(&body.to_string()),
        )
        .await;
    capture(
        "setup_intent_requires_action.json",
        &challenged,
        StatusCode::OK,
    );
    h.call(
        Method::POST,
        &format!("/test-mode/authenticate/{id}/complete"),
        &[],
        None,
    )
    .await;
    let read = h
        .get(&format!("/api/setup_intents/{id}?client_secret={secret}"))
        .await;
    capture("setup_intent_retrieved.json", &read, StatusCode::OK);
}
