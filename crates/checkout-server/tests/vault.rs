//! The payments origin's vault: tokenization with the publishable key from an allowed
//! origin (CORS for the storefronts), redemption with the secret key only, single use,
//! 15 minutes, CVCs in memory until their one use, the storefront refusing card details,
//! and the key file the sealed cards depend on.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use checkout_server::vault::{Sealed, VaultKey};
use common::{card_token_request, Harness, Reply, MERCHANT_KEY, NOW, STOREFRONT};
use serde_json::{json, Value};

const CARD: &str = "4242424242424242";

fn card() -> Value {
    json!({"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2034, "cvc": "123"})
}

/// `POST path` on the payments origin with these headers and body.
async fn payments_post(h: &Harness, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
    let mut request = Request::post(path).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    h.send_payments(request.body(Body::from(body.to_string())).unwrap())
        .await
}

fn pk(h: &Harness) -> String {
    format!("Bearer {}", h.state.publishable_key())
}

async fn redeem(h: &Harness, token: &str, authorization: &str) -> Reply {
    payments_post(
        h,
        &format!("/v1/vault/card_tokens/{token}/redeem"),
        &[("authorization", authorization)],
        &json!({}),
    )
    .await
}

#[tokio::test]
async fn a_card_becomes_a_single_use_token_with_its_preview() {
    let h = Harness::new().await;
    let reply = h.tokenize(&card()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let token = reply.body["id"].as_str().unwrap();
    assert!(token.starts_with("card_tok_"), "{token}");
    assert_eq!(reply.body["brand"], "visa");
    assert_eq!(reply.body["last4"], "4242");
    assert_eq!(reply.body["exp_month"], 12);
    assert_eq!(reply.body["exp_year"], 2034);
    assert_eq!(reply.body["expires_at"], NOW + 15 * 60);
    assert!(!reply.text.contains(CARD));
    // The answer is for the storefront page that asked (CORS).
    assert_eq!(reply.headers["access-control-allow-origin"], STOREFRONT);
    assert_eq!(reply.headers["vary"], "Origin");
    assert_eq!(reply.headers["cache-control"], "no-store");

    // The merchant's server redeems it once, with the secret key.
    let merchant = format!("Bearer {MERCHANT_KEY}");
    let card = redeem(&h, token, &merchant).await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.text);
    assert!(card.body["card"].as_str().unwrap().starts_with("vc_"));
    assert_eq!(card.body["brand"], "visa");
    assert_eq!(card.body["last4"], "4242");
    assert_eq!(card.body["exp_month"], 12);
    assert_eq!(card.body["exp_year"], 2034);
    assert_eq!(card.body["funding"], "credit");
    assert_eq!(card.body["cvc_check"], "pass");
    assert_eq!(
        card.body["processor_class"],
        json!({"kind": "card_succeeds"})
    );
    assert_eq!(card.body["fingerprint"].as_str().unwrap().len(), 32);
    assert!(!card.text.contains(CARD));
    let again = redeem(&h, token, &merchant).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "token_already_used");
    let unknown = redeem(&h, "card_tok_unknown", &merchant).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "resource_missing");

    // The same card tokenized again: another token, the same fingerprint.
    let second = h.card_token(CARD).await;
    let fingerprint = redeem(&h, &second, &merchant).await.body["fingerprint"].clone();
    assert_eq!(fingerprint, card.body["fingerprint"]);
}

#[tokio::test]
async fn the_processor_class_is_decided_where_the_number_is() {
    let h = Harness::new().await;
    let merchant = format!("Bearer {MERCHANT_KEY}");
    for (number, class) in [
        (
            "4000000000003220",
            json!({"kind": "card_authenticate_then_succeed"}),
        ),
        (
            "4000000000009995",
            json!({"kind": "card_declined", "decline_code": "insufficient_funds"}),
        ),
    ] {
        let token = h.card_token(number).await;
        let card = redeem(&h, &token, &merchant).await;
        assert_eq!(card.body["processor_class"], class, "{number}");
    }
}

#[tokio::test]
async fn tokenizing_takes_the_publishable_key_only() {
    let h = Harness::new().await;
    let origin = ("origin", STOREFRONT);
    for authorization in [
        None,
        Some(format!("Bearer {MERCHANT_KEY}")),
        Some("Bearer pk_test_someoneelse0123456789".to_owned()),
        Some(h.state.publishable_key().to_owned()),
    ] {
        let mut headers = vec![origin];
        if let Some(authorization) = &authorization {
            headers.push(("authorization", authorization));
        }
        let reply = payments_post(&h, "/v1/card_tokens", &headers, &card()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization:?}");
        assert_eq!(reply.code(), "invalid_api_key", "{authorization:?}");
        let cvc = payments_post(&h, "/v1/cvc_tokens", &headers, &json!({"cvc": "123"})).await;
        assert_eq!(cvc.code(), "invalid_api_key", "{authorization:?}");
    }
    // The secret key's refusal says why, without repeating the key.
    let reply = payments_post(
        &h,
        "/v1/card_tokens",
        &[origin, ("authorization", &format!("Bearer {MERCHANT_KEY}"))],
        &card(),
    )
    .await;
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("publishable key"));
    assert!(!reply.text.contains(MERCHANT_KEY));
    assert_eq!(h.state.vault().held_cvcs(), 0);
}

#[tokio::test]
async fn redeeming_takes_the_secret_key_only() {
    let h = Harness::new().await;
    let token = h.card_token(CARD).await;
    for authorization in [
        pk(&h),
        "Bearer sk_test_wrong0123456789".to_owned(),
        String::new(),
    ] {
        let reply = redeem(&h, &token, &authorization).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization}");
        assert_eq!(reply.code(), "invalid_api_key");
    }
    let cvc = h.cvc_token("123").await;
    let reply = payments_post(
        &h,
        &format!("/v1/vault/cvc_tokens/{cvc}/redeem"),
        &[("authorization", &pk(&h))],
        &json!({"card": "vc_x"}),
    )
    .await;
    assert_eq!(reply.code(), "invalid_api_key");
    // None of those spent the token.
    let reply = redeem(&h, &token, &format!("Bearer {MERCHANT_KEY}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

#[tokio::test]
async fn only_the_payments_origin_and_allowed_storefronts_tokenize() {
    let h = Harness::new().await;
    let key = pk(&h);
    for origin in [None, Some("https://evil.example"), Some("null")] {
        let mut headers = vec![("authorization", key.as_str())];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        let reply = payments_post(&h, "/v1/card_tokens", &headers, &card()).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{origin:?}");
        assert_eq!(reply.code(), "origin_not_allowed");
        assert!(reply.headers.get("access-control-allow-origin").is_none());
    }
    // The card frame's own fetch comes from the payments origin.
    let frame = payments_post(
        &h,
        "/v1/card_tokens",
        &[("authorization", &key), ("origin", &h.payments_origin)],
        &card(),
    )
    .await;
    assert_eq!(frame.status, StatusCode::OK, "{}", frame.text);
    assert_eq!(h.state.vault().held_cvcs(), 1);
}

#[tokio::test]
async fn preflight_is_answered_for_allowed_storefronts_only() {
    let h = Harness::new().await;
    let preflight = |origin: &'static str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/v1/card_tokens")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .body(Body::empty())
            .unwrap()
    };
    let allowed = h.send_payments(preflight(STOREFRONT)).await;
    assert_eq!(allowed.status, StatusCode::NO_CONTENT);
    assert_eq!(allowed.headers["access-control-allow-origin"], STOREFRONT);
    assert_eq!(allowed.headers["access-control-allow-methods"], "POST");
    assert_eq!(
        allowed.headers["access-control-allow-headers"],
        "authorization, content-type"
    );
    assert_eq!(allowed.headers["vary"], "Origin");
    let refused = h.send_payments(preflight("https://evil.example")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "origin_not_allowed");
    assert!(refused.headers.get("access-control-allow-origin").is_none());
    // The redeem calls are for servers: no CORS at all.
    let redeem = h
        .send_payments(
            Request::builder()
                .method(Method::OPTIONS)
                .uri("/v1/vault/card_tokens/card_tok_x/redeem")
                .header("origin", STOREFRONT)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(redeem.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_storefront_spends_a_card_token_once() {
    let h = Harness::new().await;
    let token = h.card_token(CARD).await;
    let first = h
        .post("/api/confirmation_tokens", &card_token_request(&token))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let pm = first.body["payment_method_preview"]["card"].clone();
    assert_eq!(pm["brand"], "visa");
    assert_eq!(pm["last4"], "4242");
    let again = h
        .post("/api/confirmation_tokens", &card_token_request(&token))
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "token_already_used");
    assert_eq!(
        again.body["error"]["param"],
        "payment_method_data.card.token"
    );
    for unknown in ["card_tok_unknown", "4242424242424242", "card_tok_../../x"] {
        let reply = h
            .post("/api/confirmation_tokens", &card_token_request(unknown))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{unknown}");
        assert_eq!(reply.code(), "resource_missing");
        assert_eq!(
            reply.body["error"]["param"],
            "payment_method_data.card.token"
        );
        assert!(!reply.text.contains("4242424242424242"));
    }
    // The method keeps the vault's reference, not the number.
    let stored: (String, String) =
        sqlx::query_as("SELECT card_vault_ref, fingerprint FROM payment_methods")
            .fetch_one(h.state.db())
            .await
            .unwrap();
    assert!(stored.0.starts_with("vc_"), "{stored:?}");
    assert_eq!(stored.1.len(), 32);
}

#[tokio::test]
async fn card_tokens_and_their_cvcs_last_15_minutes() {
    let h = Harness::new().await;
    let late = h.card_token(CARD).await;
    let in_time = h.card_token(CARD).await;
    assert_eq!(h.state.vault().held_cvcs(), 2);
    h.clock.advance(15 * 60 - 1);
    let reply = h
        .post("/api/confirmation_tokens", &card_token_request(&in_time))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    // Its CVC was used by the redeem's check, and is gone.
    assert_eq!(h.state.vault().held_cvcs(), 1);
    h.clock.advance(1);
    // The background pass drops the CVC whose time is up...
    assert_eq!(h.state.vault().purge_expired(h.state.now()), 1);
    assert_eq!(h.state.vault().held_cvcs(), 0);
    // ... and the token is refused.
    let reply = h
        .post("/api/confirmation_tokens", &card_token_request(&late))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "expired_token");
    assert_eq!(
        reply.body["error"]["param"],
        "payment_method_data.card.token"
    );
}

/// A saved card for a new customer session; (secret, payment method id).
async fn saved_card(h: &Harness, number: &str) -> (String, String) {
    let (secret, _) = h.new_customer_session().await;
    let mut request = h.card_request(number).await;
    request["setup_future_usage"] = json!("off_session");
    request["consent"] = common::consent();
    let token = h.token_from(request, Some(&secret)).await;
    let paid = h.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.text);
    let pm = sqlx::query_scalar("SELECT payment_method_id FROM payment_intents")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    (secret, pm)
}

async fn with_cvc_token(h: &Harness, secret: &str, pm: &str, cvc_token: &str) -> Reply {
    h.post_authorized(
        "/api/confirmation_tokens",
        &json!({"payment_method": pm, "payment_method_options": {"card": {"cvc_token": cvc_token}}}),
        &format!("Bearer {secret}"),
    )
    .await
}

#[tokio::test]
async fn a_cvc_token_is_checked_against_the_saved_card_once_within_15_minutes() {
    let h = Harness::new().await;
    let (secret, pm) = saved_card(&h, "378282246310005").await;
    assert_eq!(h.state.vault().held_cvcs(), 0);

    // Tokenizing checks the form only: 3 or 4 digits.
    for bad in ["12", "12345", "12a"] {
        let reply = payments_post(
            &h,
            "/v1/cvc_tokens",
            &[("authorization", &pk(&h)), ("origin", STOREFRONT)],
            &json!({"cvc": bad}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::PAYMENT_REQUIRED, "{bad}");
        assert_eq!(reply.code(), "invalid_cvc");
        assert_eq!(reply.body["error"]["param"], "cvc");
    }
    let answer = payments_post(
        &h,
        "/v1/cvc_tokens",
        &[("authorization", &pk(&h)), ("origin", STOREFRONT)],
        &json!({"cvc": "1234"}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["expires_at"], NOW + 15 * 60);
    assert_eq!(answer.headers["access-control-allow-origin"], STOREFRONT);
    let cvc = answer.body["id"].as_str().unwrap().to_owned();
    assert!(cvc.starts_with("cvc_tok_"), "{cvc}");
    assert_eq!(h.state.vault().held_cvcs(), 1);

    let reply = with_cvc_token(&h, &secret, &pm, &cvc).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(h.state.vault().held_cvcs(), 0, "dropped after its one use");
    let again = with_cvc_token(&h, &secret, &pm, &cvc).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "token_already_used");
    assert_eq!(
        again.body["error"]["param"],
        "payment_method_options.card.cvc_token"
    );

    // An Amex takes four digits: three are refused when redeemed, and dropped too.
    let short = h.cvc_token("123").await;
    let reply = with_cvc_token(&h, &secret, &pm, &short).await;
    assert_eq!(reply.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(reply.code(), "invalid_cvc");
    assert_eq!(h.state.vault().held_cvcs(), 0);

    // Fifteen minutes.
    let late = h.cvc_token("1234").await;
    h.clock.advance(15 * 60);
    let reply = with_cvc_token(&h, &secret, &pm, &late).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "expired_token");
    assert_eq!(h.state.vault().held_cvcs(), 0);
    let unknown = with_cvc_token(&h, &secret, &pm, "cvc_tok_unknown").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "resource_missing");
}

#[tokio::test]
async fn the_storefront_refuses_card_details_and_a_raw_cvc() {
    let h = Harness::new().await;
    for field in ["number", "exp_month", "exp_year", "cvc"] {
        let mut card = json!({"token": "card_tok_x"});
        card[field] = card_field(field);
        let reply = h
            .post(
                "/api/confirmation_tokens",
                &json!({"payment_method_data": {"type": "card", "card": card}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{field}");
        assert_eq!(reply.body["error"]["type"], "invalid_request_error");
        assert_eq!(reply.code(), "card_details_not_accepted", "{field}");
        assert_eq!(reply.body["error"]["param"], "payment_method_data.card");
        assert!(reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("payments origin"));
        assert!(!reply.text.contains(CARD));
    }
    // The whole card as inline fields used to send it.
    let reply = h
        .post(
            "/api/confirmation_tokens",
            &json!({"payment_method_data": {"type": "card", "card": card()}}),
        )
        .await;
    assert_eq!(reply.code(), "card_details_not_accepted");
    let (secret, pm) = saved_card(&h, CARD).await;
    let reply = h
        .post_authorized(
            "/api/confirmation_tokens",
            &json!({"payment_method": pm, "payment_method_options": {"card": {"cvc": "123"}}}),
            &format!("Bearer {secret}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "card_details_not_accepted");
    assert_eq!(
        reply.body["error"]["param"],
        "payment_method_options.card.cvc"
    );
    // Other unknown fields keep their own error.
    let reply = h
        .post(
            "/api/confirmation_tokens",
            &json!({"payment_method_data": {"type": "card", "card": {"token": "card_tok_x", "pin": "1"}}}),
        )
        .await;
    assert_eq!(reply.code(), "parameter_unknown");
}

fn card_field(field: &str) -> Value {
    match field {
        "number" => json!(CARD),
        "exp_month" => json!(12),
        "exp_year" => json!(2034),
        _ => json!("123"),
    }
}

#[tokio::test]
async fn an_unreachable_vault_is_the_servers_failure() {
    // A payments origin nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let settings = checkout_server::Settings::new(std::env::temp_dir());
    let clock = std::sync::Arc::new(checkout_server::ManualClock::new(NOW));
    let h = Harness::open(settings, clock.clone(), |mut settings| async move {
        // The storefront is told of the closed port, not of the harness's listener.
        settings.payments_origin = origin;
        checkout_server::AppState::for_tests(settings, clock).await
    })
    .await;
    let reply = h
        .post(
            "/api/confirmation_tokens",
            &card_token_request("card_tok_x"),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.text
    );
    assert_eq!(reply.body["error"]["type"], "api_error");
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_methods").await, 0);
}

#[tokio::test]
async fn the_vault_key_file_is_0600_opens_its_cards_and_is_never_replaced() {
    let dir = std::env::temp_dir().join(format!("checkout-vault-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("vault.key");
    let url = format!("sqlite://{}", dir.join("vault.sqlite3").display());
    let open = |file: std::path::PathBuf| {
        let url = url.clone();
        async move {
            let mut settings = checkout_server::Settings::new(std::env::temp_dir());
            settings.vault_key_file = Some(file);
            settings.vault_database_url = url;
            settings.publishable_key = Some("pk_test_file0123456789abcdef".to_owned());
            Harness::open(
                settings,
                std::sync::Arc::new(checkout_server::ManualClock::new(NOW)),
                |settings| async move {
                    checkout_server::AppState::open(
                        settings,
                        "sqlite::memory:",
                        std::sync::Arc::new(checkout_server::ManualClock::new(NOW)),
                        std::sync::Arc::new(checkout_server::processor::TestProcessor::default()),
                    )
                    .await
                    .unwrap()
                },
            )
            .await
        }
    };
    let h = open(key_file.clone()).await;
    assert_eq!(h.state.publishable_key(), "pk_test_file0123456789abcdef");
    let text = std::fs::read_to_string(&key_file).unwrap();
    let key = hex::decode(text.trim()).unwrap();
    assert_eq!(key.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    h.card_token(CARD).await;
    // A token left for after a restart.
    let kept = h.card_token("5555555555554444").await;
    let (id, nonce, ciphertext): (String, Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT id, nonce, ciphertext FROM cards WHERE last4 = '4242'")
            .fetch_one(h.state.vault().db())
            .await
            .unwrap();
    let sealed = Sealed { nonce, ciphertext };
    let opened = VaultKey::from_bytes(&key).open_card(&id, &sealed).unwrap();
    assert_eq!(opened.pan, CARD);
    assert_eq!((opened.exp_month, opened.exp_year), (12, 2034));
    assert!(VaultKey::from_bytes(&[0x5a; 32])
        .open_card(&id, &sealed)
        .is_none());
    let dump = common::dump_vault(&h).await;
    assert!(!dump.contains(text.trim()), "the key is in the database");
    assert!(!dump.contains(CARD));
    h.state.vault().db().close().await;

    // Another key for this vault: refused, and the file is left as it is.
    let other = dir.join("other.key");
    std::fs::write(&other, hex::encode([0x5a; 32])).unwrap();
    let mut settings = checkout_server::Settings::new(std::env::temp_dir());
    settings.vault_key_file = Some(other.clone());
    settings.vault_database_url = url.clone();
    let refused = checkout_server::AppState::open(
        settings,
        "sqlite::memory:",
        std::sync::Arc::new(checkout_server::ManualClock::new(NOW)),
        std::sync::Arc::new(checkout_server::processor::TestProcessor::default()),
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("another key"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        hex::encode([0x5a; 32])
    );
    // A missing file for a vault that has sealed cards is not made anew either.
    let missing = dir.join("missing.key");
    let mut settings = checkout_server::Settings::new(std::env::temp_dir());
    settings.vault_key_file = Some(missing.clone());
    settings.vault_database_url = url.clone();
    let refused = checkout_server::AppState::open(
        settings,
        "sqlite::memory:",
        std::sync::Arc::new(checkout_server::ManualClock::new(NOW)),
        std::sync::Arc::new(checkout_server::processor::TestProcessor::default()),
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("another key"), "{refused}");
    assert!(!missing.exists());

    // The right file again: the card sealed before the restart opens; its CVC was in
    // memory only, and did not survive.
    let h = open(key_file.clone()).await;
    let redeemed = redeem(&h, &kept, &format!("Bearer {MERCHANT_KEY}")).await;
    assert_eq!(redeemed.status, StatusCode::OK, "{}", redeemed.text);
    assert_eq!(redeemed.body["last4"], "4444");
    assert_eq!(redeemed.body["cvc_check"], "unavailable");
    h.state.vault().db().close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
