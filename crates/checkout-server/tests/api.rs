//! The merchant API's contract: JSON errors everywhere, tokens, customer sessions, the
//! cart, and idempotency (including concurrent requests with one key).

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use checkout_server::app;
use common::Harness;
use serde_json::json;
use tower::ServiceExt;

fn assert_json_error(reply: &common::Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.headers["content-type"], "application/json",
        "{}",
        reply.text
    );
    assert_eq!(reply.code(), code, "{}", reply.text);
    assert!(reply.body["error"]["type"].is_string());
    assert!(reply.body["error"]["message"].is_string());
}

#[tokio::test]
async fn malformed_json_is_a_json_error() {
    let h = Harness::new().await;
    let reply = h
        .call(
            Method::POST,
            "/api/confirmation_tokens",
            &[],
            Some("{\"payment_method_data\": "),
        )
        .await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "invalid_request_body");
    let trailing = h
        .call(
            Method::POST,
            "/api/create-confirm-intent",
            &[],
            Some("{\"confirmation_token_id\": \"x\"} extra"),
        )
        .await;
    assert_json_error(&trailing, StatusCode::BAD_REQUEST, "invalid_request_body");
    let not_object = h
        .call(Method::POST, "/api/create-confirm-intent", &[], Some("[1]"))
        .await;
    assert_json_error(&not_object, StatusCode::BAD_REQUEST, "invalid_request_body");
}

#[tokio::test]
async fn wrong_content_type_is_a_json_error() {
    let h = Harness::new().await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = Request::post("/api/confirmation_tokens");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let reply = h
            .send(
                request
                    .body(Body::from(
                        h.card_request("4242424242424242").await.to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_json_error(&reply, StatusCode::BAD_REQUEST, "invalid_request_body");
    }
    // A charset parameter is fine.
    let reply = h
        .send(
            Request::post("/api/confirmation_tokens")
                .header("content-type", "application/json; charset=utf-8")
                .body(Body::from(
                    h.card_request("4242424242424242").await.to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn oversized_body_is_a_json_413() {
    let h = Harness::new().await;
    let huge = format!(
        "{{\"confirmation_token_id\": \"{}\"}}",
        "x".repeat(64 * 1024)
    );
    let reply = h
        .call(Method::POST, "/api/create-confirm-intent", &[], Some(&huge))
        .await;
    assert_json_error(
        &reply,
        StatusCode::PAYLOAD_TOO_LARGE,
        "invalid_request_body",
    );
}

#[tokio::test]
async fn unknown_fields_are_refused_with_their_param() {
    let h = Harness::new().await;
    // The client never sends an amount: the server's cart decides it.
    let reply = h
        .post(
            "/api/create-confirm-intent",
            &json!({"confirmation_token_id": "ctoken_1", "amount": 1}),
        )
        .await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_unknown");
    assert_eq!(reply.body["error"]["param"], "amount");

    let mut request = h.card_request("4242424242424242").await;
    request["payment_method_data"]["card"]["pin"] = json!("1234");
    let reply = h.post("/api/confirmation_tokens", &request).await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_unknown");
    assert_eq!(reply.body["error"]["param"], "payment_method_data.card.pin");
}

#[tokio::test]
async fn missing_and_invalid_fields_name_their_param() {
    let h = Harness::new().await;
    let reply = h.post("/api/create-confirm-intent", &json!({})).await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_missing");
    assert_eq!(reply.body["error"]["param"], "confirmation_token_id");

    let mut request = h.card_request("4242424242424242").await;
    request["payment_method_data"]["billing_details"]["name"] = json!(4242424242424242_u64);
    let reply = h.post("/api/confirmation_tokens", &request).await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_invalid");
    assert_eq!(
        reply.body["error"]["param"],
        "payment_method_data.billing_details.name"
    );
    // The message never repeats what was sent.
    assert!(!reply.text.contains("4242424242424242"));

    let reply = h.post("/api/confirmation_tokens", &json!({})).await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_missing");

    let reply = h
        .post(
            "/api/confirmation_tokens",
            &json!({"payment_method_data": {"type": "paypal"}}),
        )
        .await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_invalid");
    assert_eq!(reply.body["error"]["param"], "payment_method_data.type");

    let reply = h
        .post(
            "/api/confirmation_tokens",
            &json!({"payment_method_data": {"type": "card"}}),
        )
        .await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_missing");
    assert_eq!(reply.body["error"]["param"], "payment_method_data.card");
}

#[tokio::test]
async fn unknown_api_paths_and_methods_answer_json() {
    let h = Harness::new().await;
    let reply = h.get("/api/nothing-here").await;
    assert_json_error(&reply, StatusCode::NOT_FOUND, "resource_missing");
    let reply = h.get("/api/create-confirm-intent").await;
    assert_json_error(&reply, StatusCode::METHOD_NOT_ALLOWED, "parameter_invalid");
    let reply = h
        .call(Method::PUT, "/api/confirmation_tokens", &[], Some("{}"))
        .await;
    assert_json_error(&reply, StatusCode::METHOD_NOT_ALLOWED, "parameter_invalid");
    let reply = h
        .get("/api/payment_intents/pi_missing?client_secret=x")
        .await;
    assert_json_error(&reply, StatusCode::NOT_FOUND, "resource_missing");
}

#[tokio::test]
async fn healthz_and_api_keep_the_csp() {
    let h = Harness::new().await;
    let reply = h.get("/api/cart").await;
    assert_eq!(
        reply.headers["content-security-policy"],
        h.state.storefront_policy()
    );
    assert_eq!(reply.headers["cache-control"], "no-store");
}

#[tokio::test]
async fn the_cart_decides_amount_and_currency() {
    let h = Harness::with_currency(payment_core::money::Currency::JPY).await;
    let cart = h.get("/api/cart").await;
    assert_eq!(cart.status, StatusCode::OK);
    assert_eq!(cart.body["currency"], "jpy");
    assert_eq!(cart.body["amount"], 14_760);
    assert_eq!(cart.body["items"][1]["quantity"], 2);
    let paid = h.pay("4242424242424242").await;
    assert_eq!(paid.body["amount"], 14_760);
    assert_eq!(paid.body["currency"], "jpy");
    let order_amount = h.count("SELECT amount FROM orders").await;
    assert_eq!(order_amount, 14_760);
}

#[tokio::test]
async fn tokens_are_single_use_and_expire_after_12_hours() {
    let h = Harness::new().await;
    let token = h
        .token_from(h.card_request("4242424242424242").await, None)
        .await;
    assert_eq!(token["expires_at"], common::NOW + 12 * 3600);
    assert!(token["id"].as_str().unwrap().starts_with("ctoken_"));
    assert_eq!(token["return_url"], "https://shop.example/complete");
    assert_eq!(
        token["payment_method_preview"]["billing_details"]["name"],
        "Jenny Rosen"
    );
    let id = token["id"].as_str().unwrap();
    assert_eq!(h.confirm(id, None).await.status, StatusCode::OK);
    let again = h.confirm(id, None).await;
    assert_json_error(&again, StatusCode::BAD_REQUEST, "token_already_used");

    let late = h.card_confirmation_token("4242424242424242").await;
    h.clock.advance(12 * 3600 - 1);
    let almost = h.card_confirmation_token("4242424242424242").await;
    h.clock.advance(1);
    let reply = h.confirm(&late, None).await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "expired_token");
    assert_eq!(reply.body["error"]["param"], "confirmation_token_id");
    assert_eq!(h.confirm(&almost, None).await.status, StatusCode::OK);

    let missing = h.confirm("ctoken_nope", None).await;
    assert_json_error(&missing, StatusCode::NOT_FOUND, "resource_missing");
}

#[tokio::test]
async fn status_needs_the_right_client_secret() {
    let h = Harness::new().await;
    let paid = h.pay("4242424242424242").await;
    let id = paid.body["id"].as_str().unwrap();
    let wrong = h
        .get(&format!(
            "/api/payment_intents/{id}?client_secret={id}_secret_wrong"
        ))
        .await;
    assert_json_error(&wrong, StatusCode::NOT_FOUND, "resource_missing");
    let missing = h.get(&format!("/api/payment_intents/{id}")).await;
    assert_json_error(&missing, StatusCode::BAD_REQUEST, "parameter_missing");
    let right = h.status_of(&paid.body).await;
    assert_eq!(right.status, StatusCode::OK);
    assert_eq!(
        right.body["payment_method_preview"]["card"]["last4"],
        "4242"
    );
}

#[tokio::test]
async fn customer_sessions_carry_the_designed_features() {
    let h = Harness::new().await;
    let reply = h
        .call(Method::POST, "/api/customer_sessions", &[], None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let secret = reply.body["client_secret"].as_str().unwrap();
    assert!(secret.starts_with("cuss_") && secret.contains("_secret_"));
    assert_eq!(reply.body["expires_at"], common::NOW + 30 * 60);
    let features = &reply.body["components"]["payment_element"]["features"];
    assert_eq!(reply.body["components"]["payment_element"]["enabled"], true);
    assert_eq!(features["payment_method_redisplay"], "enabled");
    assert_eq!(features["payment_method_redisplay_limit"], 3);
    assert_eq!(features["payment_method_save"], "enabled");
    assert_eq!(features["payment_method_save_usage"], "off_session");
    assert_eq!(features["payment_method_remove"], "enabled");
    assert_eq!(
        features["payment_method_allow_redisplay_filters"],
        json!(["always"])
    );
    // The demo customer is reused.
    let (_, customer) = h.session().await;
    assert_eq!(reply.body["customer"], customer);
}

#[tokio::test]
async fn session_endpoints_need_a_live_bearer_secret() {
    let h = Harness::new().await;
    let none = h.get("/api/customer_sessions/payment_methods").await;
    assert_json_error(&none, StatusCode::UNAUTHORIZED, "invalid_client_secret");
    let wrong = h
        .call(
            Method::GET,
            "/api/customer_sessions/payment_methods",
            &[("authorization", "Bearer cuss_x_secret_y")],
            None,
        )
        .await;
    assert_json_error(&wrong, StatusCode::UNAUTHORIZED, "invalid_client_secret");
    let (secret, _) = h.session().await;
    let auth = format!("Bearer {secret}");
    let fresh = h
        .get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
    assert_eq!(fresh.body, json!({"data": []}));
    h.clock.advance(30 * 60);
    let expired = h
        .get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
    assert_json_error(&expired, StatusCode::UNAUTHORIZED, "session_expired");
}

#[tokio::test]
async fn saved_methods_list_newest_first_and_can_be_removed() {
    let h = Harness::new().await;
    let (secret, _) = h.session().await;
    let auth = format!("Bearer {secret}");
    let mut saved = Vec::new();
    for number in ["4242424242424242", "5555555555554444"] {
        let mut request = h.card_request(number).await;
        request["setup_future_usage"] = json!("off_session");
        request["consent"] = common::consent();
        let token = h.token_from(request, Some(&secret)).await;
        let paid = h.confirm(token["id"].as_str().unwrap(), None).await;
        assert_eq!(paid.body["status"], "succeeded");
        saved.push(paid.body["payment_method_preview"]["card"]["last4"].clone());
        h.clock.advance(10);
    }
    let list = h
        .get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
    let data = list.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["card"]["last4"], "4444");
    assert_eq!(data[1]["card"]["last4"], "4242");
    assert_eq!(data[0]["type"], "card");
    assert_eq!(data[0]["card"]["exp_month"], 12);
    assert_eq!(data[0]["card"]["funding"], "credit");
    let id = data[0]["id"].as_str().unwrap().to_owned();

    let removed = h
        .call(
            Method::DELETE,
            &format!("/api/customer_sessions/payment_methods/{id}"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(removed.body["deleted"], true);
    let again = h
        .call(
            Method::DELETE,
            &format!("/api/customer_sessions/payment_methods/{id}"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_json_error(&again, StatusCode::NOT_FOUND, "resource_missing");
    let list = h
        .get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    let unauthenticated = h
        .call(
            Method::DELETE,
            &format!("/api/customer_sessions/payment_methods/{id}"),
            &[],
            None,
        )
        .await;
    assert_json_error(
        &unauthenticated,
        StatusCode::UNAUTHORIZED,
        "invalid_client_secret",
    );
}

#[tokio::test]
async fn same_key_and_body_replays_the_first_response() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let first = h.confirm(&token, Some("key-1")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let second = h.confirm(&token, Some("key-1")).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body, first.body);
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    // Whitespace does not make another request.
    let spaced = h
        .call(
            Method::POST,
            "/api/create-confirm-intent",
            &[("idempotency-key", "key-1")],
            Some(&format!("{{ \"confirmation_token_id\" :  \"{token}\" }}")),
        )
        .await;
    assert_eq!(spaced.body, first.body);
    // Nor does key order, in a body of two fields.
    let token = h.card_confirmation_token("4242424242424242").await;
    let ordered = format!(r#"{{"confirmation_token_id":"{token}","market":"eu"}}"#);
    let reordered = format!(r#"{{ "market": "eu",  "confirmation_token_id": "{token}" }}"#);
    let uri = "/api/create-confirm-intent";
    let key = [("idempotency-key", "key-2")];
    let first = h.call(Method::POST, uri, &key, Some(&ordered)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let second = h.call(Method::POST, uri, &key, Some(&reordered)).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(second.body, first.body);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 2);
}

#[tokio::test]
async fn errors_are_replayed_too() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4000000000009995").await;
    let first = h.confirm(&token, Some("decline-key")).await;
    assert_eq!(first.status, StatusCode::PAYMENT_REQUIRED);
    // Without the key this would be token_already_used; with it, the same decline.
    let second = h.confirm(&token, Some("decline-key")).await;
    assert_eq!(second.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(second.body, first.body);
    assert_eq!(second.code(), "card_declined");
}

#[tokio::test]
async fn same_key_with_another_body_is_a_409() {
    let h = Harness::new().await;
    let a = h.card_confirmation_token("4242424242424242").await;
    let b = h.card_confirmation_token("4242424242424242").await;
    assert_eq!(h.confirm(&a, Some("k")).await.status, StatusCode::OK);
    let conflict = h.confirm(&b, Some("k")).await;
    assert_json_error(&conflict, StatusCode::CONFLICT, "idempotency_key_in_use");
    assert_eq!(conflict.body["error"]["type"], "idempotency_error");
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_intents").await, 1);
    // b was not consumed.
    assert_eq!(h.confirm(&b, Some("k2")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn keys_expire_after_24_hours() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    assert_eq!(
        h.confirm(&token, Some("daily")).await.status,
        StatusCode::OK
    );
    h.clock.advance(24 * 3600 - 1);
    assert_eq!(
        h.confirm(&token, Some("daily")).await.headers["idempotent-replayed"],
        "true"
    );
    h.clock.advance(1);
    // Forgotten: the request runs again and finds its token used.
    let rerun = h.confirm(&token, Some("daily")).await;
    assert_json_error(&rerun, StatusCode::BAD_REQUEST, "token_already_used");
}

#[tokio::test]
async fn an_unusable_idempotency_key_is_refused() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let long = "k".repeat(256);
    let reply = h.confirm(&token, Some(&long)).await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "parameter_invalid");
    assert_eq!(reply.body["error"]["param"], "Idempotency-Key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_charge_once() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let body = json!({ "confirmation_token_id": token }).to_string();
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let router = app(h.state.clone());
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let response = router
                .oneshot(
                    Request::post("/api/create-confirm-intent")
                        .header("content-type", "application/json")
                        .header("idempotency-key", "one-submit")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
                .unwrap();
            let status = response.status();
            let bytes = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap()
                .to_bytes();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            )
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.insert(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "every request saw the same intent");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_intents").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM orders").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_without_a_key_cannot_spend_one_token_twice() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let router = app(h.state.clone());
        let body = json!({ "confirmation_token_id": token }).to_string();
        tasks.push(tokio::spawn(async move {
            router
                .oneshot(
                    Request::post("/api/create-confirm-intent")
                        .header("content-type", "application/json")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
                .unwrap()
                .status()
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap() == StatusCode::OK {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
}

#[tokio::test]
async fn a_key_still_running_elsewhere_is_a_409() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    // Another server process sharing the database has claimed the key and not finished.
    let body = json!({ "confirmation_token_id": token });
    let hash = {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(b"create-confirm-intent\n");
        hasher.update(body.to_string().as_bytes());
        hex::encode(hasher.finalize())
    };
    sqlx::query("INSERT INTO idempotency_keys (key, request_hash, created) VALUES ('busy', ?, ?)")
        .bind(hash)
        .bind(common::NOW)
        .execute(h.state.db())
        .await
        .unwrap();
    let reply = h.confirm(&token, Some("busy")).await;
    assert_json_error(&reply, StatusCode::CONFLICT, "idempotency_key_in_use");
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("in-progress"));
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_intents").await, 0);
    // A claim that never got its answer was abandoned: the charge and its answer
    // commit together, so nothing was charged under it. After a while a retry runs
    // instead of failing all day.
    h.clock
        .advance(checkout_server::idempotency::ABANDONED_AFTER - 1);
    let reply = h.confirm(&token, Some("busy")).await;
    assert_eq!(
        reply.status,
        StatusCode::CONFLICT,
        "it may still be running"
    );
    h.clock.advance(1);
    let reply = h.confirm(&token, Some("busy")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    // And from then on it replays, like any answered key.
    let again = h.confirm(&token, Some("busy")).await;
    assert_eq!(again.body, reply.body);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
}

#[tokio::test]
async fn expired_keys_are_purged() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4242424242424242").await;
    h.confirm(&token, Some("old")).await;
    let purge = checkout_server::idempotency::purge_expired;
    assert_eq!(purge(&h.state).await.unwrap(), 0);
    h.clock.advance(24 * 3600);
    assert_eq!(purge(&h.state).await.unwrap(), 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM idempotency_keys").await, 0);
}
