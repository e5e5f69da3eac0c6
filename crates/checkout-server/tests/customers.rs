//! Issue 5, server side: sessions for distinct customers, isolation between them,
//! expired sessions, redisplay rules, and the merchant's audit of consent records.

mod common;

use axum::http::{Method, StatusCode};
use common::{consent, Harness, MERCHANT_KEY};
use serde_json::{json, Value};

const LIST: &str = "/api/customer_sessions/payment_methods";

/// Pays with a card through `secret`'s session, asking to save it; returns the method.
async fn save_card(h: &Harness, secret: &str, number: &str, consent: Option<Value>) -> String {
    let mut request = h.card_request(number).await;
    request["setup_future_usage"] = json!("off_session");
    if let Some(consent) = consent {
        request["consent"] = consent;
    }
    let token = h.token_from(request, Some(secret)).await;
    let paid = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.text);
    sqlx::query_scalar("SELECT payment_method_id FROM payment_intents WHERE id = ?")
        .bind(paid.body["id"].as_str().unwrap())
        .fetch_one(h.state.db())
        .await
        .unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn sessions_are_for_the_demo_an_existing_or_a_new_customer() {
    let h = Harness::new().await;
    let (_, demo) = h.session().await;
    let blank = h
        .call(Method::POST, "/api/customer_sessions", &[], Some(" "))
        .await;
    assert_eq!(blank.body["customer"], demo.as_str());
    let not_new = h
        .post("/api/customer_sessions", &json!({"new_customer": false}))
        .await;
    assert_eq!(not_new.body["customer"], demo.as_str());

    let (secret_a, a) = h.new_customer_session().await;
    let (_, b) = h.new_customer_session().await;
    assert!(a.starts_with("cus_") && b.starts_with("cus_"));
    assert_ne!(a, demo);
    assert_ne!(a, b);

    // A returning customer gets a new session on their own methods.
    let pm = save_card(&h, &secret_a, "4242424242424242", Some(consent())).await;
    let again = h
        .post("/api/customer_sessions", &json!({"customer": a}))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["customer"], a.as_str());
    let secret = again.body["client_secret"].as_str().unwrap();
    assert_ne!(secret, secret_a);
    assert_eq!(ids(&h.get_with(LIST, secret).await.body), [pm]);
}

#[tokio::test]
async fn a_session_body_is_validated() {
    let h = Harness::new().await;
    let unknown = h
        .post("/api/customer_sessions", &json!({"customer": "cus_nobody"}))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "resource_missing");
    assert_eq!(unknown.body["error"]["param"], "customer");
    let (_, a) = h.new_customer_session().await;
    let both = h
        .post(
            "/api/customer_sessions",
            &json!({"customer": a, "new_customer": true}),
        )
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    assert_eq!(both.code(), "parameter_invalid");
    let extra = h
        .post("/api/customer_sessions", &json!({"email": "a@example.com"}))
        .await;
    assert_eq!(extra.code(), "parameter_unknown");
    assert_eq!(extra.body["error"]["param"], "email");
    let malformed = h
        .call(Method::POST, "/api/customer_sessions", &[], Some("{"))
        .await;
    assert_eq!(malformed.code(), "invalid_request_body");
    let form = h
        .send(
            axum::http::Request::post("/api/customer_sessions")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("new_customer=true"))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST);
    assert_eq!(form.code(), "invalid_request_body");
    // None of these made a customer: only the one made above exists.
    assert_eq!(h.count("SELECT COUNT(*) FROM customers").await, 1);
}

#[tokio::test]
async fn a_session_never_reveals_or_removes_another_customers_methods() {
    let h = Harness::new().await;
    let (secret_a, a) = h.new_customer_session().await;
    let (secret_b, b) = h.new_customer_session().await;
    let pm_a = save_card(&h, &secret_a, "4242424242424242", Some(consent())).await;
    let pm_b = save_card(&h, &secret_b, "5555555555554444", Some(consent())).await;

    assert_eq!(
        ids(&h.get_with(LIST, &secret_a).await.body),
        [pm_a.as_str()]
    );
    assert_eq!(
        ids(&h.get_with(LIST, &secret_b).await.body),
        [pm_b.as_str()]
    );

    // B cannot remove A's method, and learns nothing from trying.
    let auth_b = format!("Bearer {secret_b}");
    let removed = h
        .call(
            Method::DELETE,
            &format!("{LIST}/{pm_a}"),
            &[("authorization", &auth_b)],
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NOT_FOUND);
    assert_eq!(removed.code(), "resource_missing");
    let missing = h
        .call(
            Method::DELETE,
            &format!("{LIST}/pm_does_not_exist"),
            &[("authorization", &auth_b)],
            None,
        )
        .await;
    assert_eq!(removed.body, missing.body);
    assert_eq!(
        ids(&h.get_with(LIST, &secret_a).await.body),
        [pm_a.as_str()]
    );

    // Nor pay with it.
    let token = h
        .post_authorized(
            "/api/confirmation_tokens",
            &json!({"payment_method": pm_a}),
            &auth_b,
        )
        .await;
    assert_eq!(token.status, StatusCode::NOT_FOUND);
    assert_eq!(token.code(), "resource_missing");
    let charge = h
        .charge_off_session(&json!({"payment_method": pm_a, "customer": b}))
        .await;
    assert_eq!(charge.status, StatusCode::NOT_FOUND);

    // The merchant's audit keeps them apart too.
    let audit_a = h.consents(&a).await;
    let audited: Vec<&str> = audit_a.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["payment_method"].as_str().unwrap())
        .collect();
    assert_eq!(audited, [pm_a.as_str()]);
}

#[tokio::test]
async fn an_expired_session_is_refused_everywhere_with_a_clear_error() {
    let h = Harness::new().await;
    let (secret, customer) = h.new_customer_session().await;
    let pm = save_card(&h, &secret, "4242424242424242", Some(consent())).await;
    h.clock.advance(30 * 60 - 1);
    assert_eq!(h.get_with(LIST, &secret).await.status, StatusCode::OK);
    h.clock.advance(1);
    let auth = format!("Bearer {secret}");
    let replies = [
        h.get_with(LIST, &secret).await,
        h.call(
            Method::DELETE,
            &format!("{LIST}/{pm}"),
            &[("authorization", &auth)],
            None,
        )
        .await,
        h.post_authorized(
            "/api/confirmation_tokens",
            &json!({"payment_method": pm}),
            &auth,
        )
        .await,
        h.call(
            Method::POST,
            "/api/confirmation_tokens",
            &[("authorization", &auth)],
            Some(&h.card_request("4242424242424242").await.to_string()),
        )
        .await,
    ];
    for reply in replies {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
        assert_eq!(reply.code(), "session_expired");
        assert_eq!(
            reply.body["error"]["message"],
            "Your session has expired. Please reload the page."
        );
    }
    // The method was not removed; a new session shows it.
    let fresh = h.session_of(&customer).await;
    assert_eq!(ids(&h.get_with(LIST, &fresh).await.body), [pm]);
}

#[tokio::test]
async fn a_method_saved_without_consent_is_never_redisplayed_nor_audited() {
    let h = Harness::new().await;
    let (secret, customer) = h.new_customer_session().await;
    let with = save_card(&h, &secret, "4242424242424242", Some(consent())).await;
    let without = save_card(&h, &secret, "5555555555554444", None).await;
    let stored: (String, Option<String>) =
        sqlx::query_as("SELECT allow_redisplay, consent FROM payment_methods WHERE id = ?")
            .bind(&without)
            .fetch_one(h.state.db())
            .await
            .unwrap();
    assert_eq!(stored, ("limited".to_owned(), None));
    assert_eq!(ids(&h.get_with(LIST, &secret).await.body), [with.as_str()]);
    // Not on a new session either.
    let again = h.session_of(&customer).await;
    assert_eq!(ids(&h.get_with(LIST, &again).await.body), [with.as_str()]);
    let audit = h.consents(&customer).await;
    assert_eq!(audit.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(audit.body["data"][0]["payment_method"], with.as_str());
}

#[tokio::test]
async fn consent_is_stored_exactly_as_sent_and_outlives_a_removal() {
    let h = Harness::new().await;
    let (secret, customer) = h.new_customer_session().await;
    let sent = json!({
        "text": "Meine Zahlungsdaten bei „Beispiel & Söhne <GmbH>“ für künftige Einkäufe speichern.",
        "locale": "de-DE",
        "accepted_at": common::NOW - 7,
        "usage": "off_session"
    });
    let pm = save_card(&h, &secret, "4242424242424242", Some(sent.clone())).await;
    let audit = h.consents(&customer).await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.text);
    assert_eq!(
        audit.body,
        json!({
            "customer": customer,
            "data": [{
                "payment_method": pm,
                "type": "card",
                "created": common::NOW,
                "allow_redisplay": "always",
                "detached_at": null,
                "consent": sent
            }]
        })
    );

    // The customer removes the method: no longer listed, still on the merchant's record.
    h.clock.advance(60);
    let auth = format!("Bearer {secret}");
    let removed = h
        .call(
            Method::DELETE,
            &format!("{LIST}/{pm}"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(h.get_with(LIST, &secret).await.body, json!({"data": []}));
    let audit = h.consents(&customer).await;
    assert_eq!(audit.body["data"][0]["consent"], sent);
    assert_eq!(audit.body["data"][0]["detached_at"], common::NOW + 60);
}

#[tokio::test]
async fn the_consent_audit_needs_the_merchant_key() {
    let h = Harness::new().await;
    let (secret, customer) = h.new_customer_session().await;
    save_card(&h, &secret, "4242424242424242", Some(consent())).await;
    let uri = format!("/api/merchant/customers/{customer}/consents");
    let anonymous = h.get(&uri).await;
    let with_session = h.get_with(&uri, &secret).await;
    let wrong = h.get_with(&uri, "sk_test_harness0123456788").await;
    let prefix = h.get_with(&uri, "sk_test_").await;
    for reply in [anonymous, with_session, wrong, prefix] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
        assert_eq!(reply.headers["content-type"], "application/json");
        assert!(reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("secret key"));
        assert!(!reply.text.contains("Söhne") && !reply.text.contains("Save my"));
    }
    assert_eq!(h.get_with(&uri, MERCHANT_KEY).await.status, StatusCode::OK);
    // And the merchant key opens no customer session.
    let as_session = h.get_with(LIST, MERCHANT_KEY).await;
    assert_eq!(as_session.status, StatusCode::UNAUTHORIZED);
    let nobody = h.consents("cus_nobody").await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    assert_eq!(nobody.code(), "resource_missing");
}

#[tokio::test]
async fn paying_again_with_a_saved_method_keeps_its_consent() {
    let h = Harness::new().await;
    let (secret, customer) = h.new_customer_session().await;
    let pm = save_card(&h, &secret, "4242424242424242", Some(consent())).await;
    let before = h.consents(&customer).await.body;
    // The saved card, chosen again with save-for-future-use but no consent box.
    let auth = format!("Bearer {secret}");
    let token = h
        .call(
            Method::POST,
            "/api/confirmation_tokens",
            &[("authorization", &auth)],
            Some(
                &json!({
                    "payment_method": pm,
                    "setup_future_usage": "off_session",
                    "payment_method_options": {"card": {"cvc_token": h.cvc_token("123").await}}
                })
                .to_string(),
            ),
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.text);
    let paid = h.confirm(token.body["id"].as_str().unwrap(), None).await;
    assert_eq!(paid.body["status"], "succeeded");
    assert_eq!(ids(&h.get_with(LIST, &secret).await.body), [pm.as_str()]);
    assert_eq!(h.consents(&customer).await.body, before);
}
