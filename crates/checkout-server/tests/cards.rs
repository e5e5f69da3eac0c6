//! Every card test number of DESIGN.md, through the real router: tokens, create-confirm,
//! the 3-D Secure page, saved cards and off-session charges.

mod common;

use axum::http::{Method, StatusCode};
use common::{consent, Harness};
use serde_json::json;

#[tokio::test]
async fn success_numbers_succeed_and_fulfil_the_order_once() {
    let h = Harness::new().await;
    let numbers = [
        ("4242424242424242", "visa"),
        ("5555555555554444", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3056930009020004", "diners"),
        ("3566002020360505", "jcb"),
        ("6200000000000005", "unionpay"),
    ];
    for (number, brand) in numbers {
        // The harness tokenizes American Express with a four-digit CID.
        let request = h.card_request(number).await;
        let token = h.token_from(request, None).await;
        assert_eq!(token["payment_method_preview"]["card"]["brand"], brand);
        assert_eq!(
            token["payment_method_preview"]["card"]["last4"],
            number[number.len() - 4..]
        );
        let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{number}: {}", reply.text);
        assert_eq!(reply.body["status"], "succeeded", "{number}");
        assert_eq!(reply.body["amount"], 10_800);
        assert_eq!(reply.body["currency"], "eur");
        assert!(reply.body["client_secret"]
            .as_str()
            .unwrap()
            .contains("_secret_"));
        let status = h.status_of(&reply.body).await;
        assert_eq!(status.body["status"], "succeeded");
        assert!(status.body.get("client_secret").is_none());
    }
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 7);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 7);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        7
    );
}

#[tokio::test]
async fn decline_numbers_answer_402_with_their_decline_code() {
    let h = Harness::new().await;
    // (number, the real decline code, what the shopper's browser is told)
    let cases = [
        ("4000000000000002", "generic_decline", "generic_decline"),
        (
            "4000000000009995",
            "insufficient_funds",
            "insufficient_funds",
        ),
        ("4000000000009987", "lost_card", "generic_decline"),
        ("4000000000009979", "stolen_card", "generic_decline"),
        ("4000000000000069", "expired_card", "expired_card"),
        ("4000000000000127", "incorrect_cvc", "incorrect_cvc"),
        ("4000000000000119", "processing_error", "processing_error"),
        (
            "4000000000006975",
            "card_velocity_exceeded",
            "card_velocity_exceeded",
        ),
    ];
    for (number, decline, shown) in cases {
        let reply = h.pay(number).await;
        assert_eq!(reply.status, StatusCode::PAYMENT_REQUIRED, "{number}");
        let error = &reply.body["error"];
        assert_eq!(error["type"], "card_error");
        assert_eq!(error["code"], "card_declined", "{number}");
        assert_eq!(error["decline_code"], shown, "{number}");
        let intent = &error["payment_intent"];
        assert_eq!(intent["status"], "requires_payment_method", "{number}");
        assert_eq!(intent["last_payment_error"]["decline_code"], shown);
        // The return page's status call says no more.
        let status = h.status_of(intent).await;
        assert_eq!(status.body["last_payment_error"]["decline_code"], shown);
        if shown != decline {
            assert_eq!(error["message"], "Your card was declined.");
            // The merchant's records and webhook keep the real reason.
            let id = intent["id"].as_str().unwrap();
            let stored: String =
                sqlx::query_scalar("SELECT last_payment_error FROM payment_intents WHERE id = ?")
                    .bind(id)
                    .fetch_one(h.state.db())
                    .await
                    .unwrap();
            assert!(stored.contains(decline), "{stored}");
            let event: String = sqlx::query_scalar(
                "SELECT payload FROM processor_events WHERE type = 'payment_intent.payment_failed' \
                 AND payload LIKE '%' || ? || '%'",
            )
            .bind(id)
            .fetch_one(h.state.db())
            .await
            .unwrap();
            assert!(event.contains(decline), "{event}");
        }
    }
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 0);
}

#[tokio::test]
async fn invalid_card_details_are_refused_at_tokenization() {
    let h = Harness::new().await;
    let cases = [
        (
            json!({"number": "4242424242424241", "exp_month": 12, "exp_year": 2034, "cvc": "123"}),
            "incorrect_number",
            "number",
        ),
        (
            json!({"number": "4242 4242 4242 424x", "exp_month": 12, "exp_year": 2034, "cvc": "123"}),
            "invalid_number",
            "number",
        ),
        (
            json!({"number": "4242424242424242", "exp_month": 13, "exp_year": 2034, "cvc": "123"}),
            "invalid_expiry_month",
            "exp_month",
        ),
        (
            json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2020, "cvc": "123"}),
            "invalid_expiry_year",
            "exp_year",
        ),
        (
            json!({"number": "378282246310005", "exp_month": 12, "exp_year": 2034, "cvc": "12"}),
            "invalid_cvc",
            "cvc",
        ),
        (
            json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "1234"}),
            "invalid_cvc",
            "cvc",
        ),
    ];
    for (card, code, param) in cases {
        let reply = h.tokenize(&card).await;
        assert_eq!(reply.status, StatusCode::PAYMENT_REQUIRED, "{code}");
        assert_eq!(reply.body["error"]["type"], "card_error");
        assert_eq!(reply.code(), code);
        assert_eq!(reply.body["error"]["param"], param);
        // The message never repeats what was sent.
        assert!(!reply.text.contains("424242424242"), "{}", reply.text);
    }
    let vault = h.state.vault().db();
    let cards: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cards")
        .fetch_one(vault)
        .await
        .unwrap();
    assert_eq!(cards, 0);
    assert_eq!(h.state.vault().held_cvcs(), 0);
}

#[tokio::test]
async fn a_past_month_of_this_year_is_an_invalid_month() {
    // The harness clock is in November 2026.
    let h = Harness::new().await;
    let card = |month: u8, year: u16| json!({"number": "4242424242424242", "exp_month": month, "exp_year": year, "cvc": "123"});
    let reply = h.tokenize(&card(10, 2026)).await;
    assert_eq!(reply.code(), "invalid_expiry_month");
    let this_month = h.tokenize(&card(11, 2026)).await;
    assert_eq!(this_month.status, StatusCode::OK);
    // A two-digit year is 20YY, and the token and the preview say so.
    let short_year = h.tokenize(&card(3, 31)).await;
    assert_eq!(short_year.body["exp_year"], 2031);
    let token = h
        .token_from(
            common::card_token_request(short_year.body["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(token["payment_method_preview"]["card"]["exp_year"], 2031);
}

fn redirect_url(reply: &common::Reply) -> String {
    assert_eq!(reply.body["status"], "requires_action", "{}", reply.text);
    assert_eq!(reply.body["next_action"]["type"], "redirect_to_url");
    assert_eq!(
        reply.body["next_action"]["redirect_to_url"]["return_url"],
        "https://shop.example/complete"
    );
    reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn three_d_secure_completes_and_redirects_to_the_return_url() {
    let h = Harness::new().await;
    let reply = h.pay("4000000000003220").await;
    let id = reply.body["id"].as_str().unwrap().to_owned();
    let secret = reply.body["client_secret"].as_str().unwrap().to_owned();
    let url = redirect_url(&reply);
    assert_eq!(url, format!("/test-mode/authenticate/{id}"));

    let page = h.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Complete authentication"));
    assert!(page.text.contains("Fail authentication"));
    assert!(page.text.contains("/test-mode/test-mode.css"));
    assert!(!page.text.contains("<script"));
    assert!(!page.text.contains("style="));
    assert!(!page.text.contains("<style"));
    assert!(page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    let css = h.get("/test-mode/test-mode.css").await;
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));

    // Nothing happens until the customer chooses.
    h.clock.advance(3_600);
    assert_eq!(
        h.status_of(&reply.body).await.body["status"],
        "requires_action"
    );

    let done = h
        .call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        done.headers["location"],
        format!(
            "https://shop.example/complete?payment_intent={id}&payment_intent_client_secret={secret}&redirect_status=succeeded"
        )
    );
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "succeeded");
    assert!(status.body.get("next_action").is_none());
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);

    // A second click changes nothing and still lands on the return page.
    let again = h
        .call(Method::POST, &format!("{url}/fail"), &[], None)
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=succeeded"));
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    // The page of a settled intent has nothing to offer.
    assert_eq!(h.get(&url).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn failed_authentication_returns_to_requires_payment_method() {
    let h = Harness::new().await;
    let reply = h.pay("4000000000003220").await;
    let url = redirect_url(&reply);
    let failed = h
        .call(Method::POST, &format!("{url}/fail"), &[], None)
        .await;
    assert_eq!(failed.status, StatusCode::SEE_OTHER);
    assert!(failed.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=failed"));
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "requires_payment_method");
    assert_eq!(
        status.body["last_payment_error"]["code"],
        "payment_intent_authentication_failure"
    );
}

#[tokio::test]
async fn authenticated_1629_is_still_declined() {
    let h = Harness::new().await;
    let reply = h.pay("4000008400001629").await;
    let url = redirect_url(&reply);
    let done = h
        .call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    assert!(done.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=failed"));
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "requires_payment_method");
    assert_eq!(status.body["last_payment_error"]["code"], "card_declined");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
}

#[tokio::test]
async fn leaving_the_challenge_keeps_the_intent_and_a_new_token_retries() {
    let h = Harness::new().await;
    let token = h.card_confirmation_token("4000000000003220").await;
    let first = h.confirm(&token, None).await;
    redirect_url(&first);
    // The customer closes the page; the used token cannot be confirmed again.
    let reuse = h.confirm(&token, None).await;
    assert_eq!(reuse.status, StatusCode::BAD_REQUEST);
    assert_eq!(reuse.code(), "token_already_used");
    assert_eq!(
        h.status_of(&first.body).await.body["status"],
        "requires_action"
    );
    // A new token gets a new attempt, which completes.
    let retry = h.pay("4000000000003220").await;
    let url = redirect_url(&retry);
    h.call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    assert_eq!(h.status_of(&retry.body).await.body["status"], "succeeded");
    assert_eq!(
        h.status_of(&first.body).await.body["status"],
        "requires_action"
    );
}

#[tokio::test]
async fn the_result_goes_into_the_return_url_query_before_its_fragment() {
    let h = Harness::new().await;
    let mut request = h.card_request("4000000000003220").await;
    request["return_url"] = json!("https://shop.example/done?order=7#receipt");
    let token = h.token_from(request, None).await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    let url = reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    let done = h
        .call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    let location = done.headers["location"].to_str().unwrap();
    assert!(location.starts_with("https://shop.example/done?order=7&payment_intent=pi_"));
    assert!(location.ends_with("&redirect_status=succeeded#receipt"));
}

#[tokio::test]
async fn a_return_url_without_scheme_or_with_script_is_refused() {
    let h = Harness::new().await;
    for bad in ["javascript:alert(1)", "//evil.example/x", "ftp://x"] {
        let mut request = h.card_request("4242424242424242").await;
        request["return_url"] = json!(bad);
        let reply = h.post("/api/confirmation_tokens", &request).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.body["error"]["param"], "return_url");
    }
}

/// Saves a card for the session's customer through an authenticated payment; returns
/// the saved method's id.
async fn save_card(h: &Harness, secret: &str, number: &str, with_consent: bool) -> String {
    let mut request = h.card_request(number).await;
    request["setup_future_usage"] = json!("off_session");
    if with_consent {
        request["consent"] = consent();
    }
    let token = h.token_from(request, Some(secret)).await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    if reply.body["status"] == "requires_action" {
        let url = redirect_url(&reply);
        h.call(Method::POST, &format!("{url}/complete"), &[], None)
            .await;
    }
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    sqlx::query_scalar("SELECT payment_method_id FROM payment_intents WHERE id = ?")
        .bind(reply.body["id"].as_str().unwrap())
        .fetch_one(h.state.db())
        .await
        .unwrap()
}

async fn list(h: &Harness, secret: &str) -> serde_json::Value {
    let auth = format!("Bearer {secret}");
    let reply = h
        .get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

#[tokio::test]
async fn saved_3155_skips_authentication_and_charges_off_session() {
    let h = Harness::new().await;
    let (secret, customer) = h.session().await;
    let pm = save_card(&h, &secret, "4000002500003155", true).await;

    let listed = list(&h, &secret).await;
    assert_eq!(listed["data"][0]["id"], pm);
    assert_eq!(listed["data"][0]["allow_redisplay"], "always");
    assert_eq!(listed["data"][0]["card"]["last4"], "3155");
    assert_eq!(listed["data"][0]["card"]["brand"], "visa");
    let stored = checkout_server::intents::consent_of(&h.state, &pm)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.locale, "en");
    assert!(stored.text.starts_with("Save my payment details"));

    let charge = h
        .charge_off_session(&json!({"payment_method": pm, "customer": customer}))
        .await;
    assert_eq!(charge.status, StatusCode::OK, "{}", charge.text);
    assert_eq!(charge.body["status"], "succeeded");

    // On session with the saved card, no challenge either.
    let auth = format!("Bearer {secret}");
    let token = h
        .call(
            Method::POST,
            "/api/confirmation_tokens",
            &[("authorization", &auth)],
            Some(
                &json!({"payment_method": pm, "payment_method_options": {"card": {"cvc_token": h.cvc_token("123").await}}})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.text);
    assert_eq!(
        token.body["payment_method_preview"]["card"]["last4"],
        "3155"
    );
    let reply = h.confirm(token.body["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.body["status"], "succeeded");
}

#[tokio::test]
async fn saved_3184_fails_off_session_with_authentication_required() {
    let h = Harness::new().await;
    let (secret, customer) = h.session().await;
    let pm = save_card(&h, &secret, "4000002760003184", true).await;
    let charge = h
        .charge_off_session(&json!({"payment_method": pm, "customer": customer}))
        .await;
    assert_eq!(charge.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(charge.code(), "authentication_required");
    assert_eq!(
        charge.body["error"]["payment_intent"]["status"],
        "requires_payment_method"
    );
    // On session it asks for 3-D Secure every time.
    let auth = format!("Bearer {secret}");
    let token = h
        .post_authorized(
            "/api/confirmation_tokens",
            &json!({"payment_method": pm}),
            &auth,
        )
        .await;
    let reply = h.confirm(token.body["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.body["status"], "requires_action");
}

#[tokio::test]
async fn without_consent_a_method_is_limited_and_never_listed() {
    let h = Harness::new().await;
    let (secret, customer) = h.session().await;
    let pm = save_card(&h, &secret, "4242424242424242", false).await;
    let redisplay: String =
        sqlx::query_scalar("SELECT allow_redisplay FROM payment_methods WHERE id = ?")
            .bind(&pm)
            .fetch_one(h.state.db())
            .await
            .unwrap();
    assert_eq!(redisplay, "limited");
    assert_eq!(list(&h, &secret).await["data"], json!([]));
    // The merchant may still charge it.
    let charge = h
        .charge_off_session(&json!({"payment_method": pm, "customer": customer}))
        .await;
    assert_eq!(charge.body["status"], "succeeded");
    // The customer cannot pick it.
    let auth = format!("Bearer {secret}");
    let token = h
        .post_authorized(
            "/api/confirmation_tokens",
            &json!({"payment_method": pm}),
            &auth,
        )
        .await;
    assert_eq!(token.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn off_session_refuses_a_method_of_another_customer() {
    let h = Harness::new().await;
    let (secret, _) = h.session().await;
    let pm = save_card(&h, &secret, "4242424242424242", true).await;
    let charge = h
        .charge_off_session(&json!({"payment_method": pm, "customer": "cus_someone_else"}))
        .await;
    assert_eq!(charge.status, StatusCode::NOT_FOUND);
    assert_eq!(charge.code(), "resource_missing");
}

#[tokio::test]
async fn only_the_merchant_charges_off_session() {
    let h = Harness::new().await;
    let (secret, customer) = h.session().await;
    let pm = save_card(&h, &secret, "4242424242424242", true).await;
    let body = json!({"payment_method": pm, "customer": customer});
    let intents = "SELECT COUNT(*) FROM payment_intents";
    let before = h.count(intents).await;
    // What a shopper's browser could send: no key, the customer session's secret, a
    // wrong merchant key. None charges.
    for authorization in [
        None,
        Some(format!("Bearer {secret}")),
        Some("Bearer sk_test_wrong0123456789".to_owned()),
    ] {
        let reply = match &authorization {
            None => h.post("/api/charges/off_session", &body).await,
            Some(a) => {
                h.post_authorized("/api/charges/off_session", &body, a)
                    .await
            }
        };
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization:?}");
    }
    assert_eq!(h.count(intents).await, before, "nothing was charged");
    let charge = h.charge_off_session(&body).await;
    assert_eq!(charge.body["status"], "succeeded", "{}", charge.text);
}

#[tokio::test]
async fn saved_method_needs_the_session_and_a_valid_cvc() {
    let h = Harness::new().await;
    let (secret, _) = h.session().await;
    let pm = save_card(&h, &secret, "4242424242424242", true).await;
    let no_session = h
        .post("/api/confirmation_tokens", &json!({"payment_method": pm}))
        .await;
    assert_eq!(no_session.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_session.code(), "invalid_client_secret");
    let auth = format!("Bearer {secret}");
    // Four digits tokenize (the CVC frame does not know the brand); the vault checks
    // them against the saved Visa when the token is redeemed.
    let bad_cvc = h
        .call(
            Method::POST,
            "/api/confirmation_tokens",
            &[("authorization", &auth)],
            Some(
                &json!({"payment_method": pm, "payment_method_options": {"card": {"cvc_token": h.cvc_token("1234").await}}})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(bad_cvc.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(bad_cvc.code(), "invalid_cvc");
    assert_eq!(
        bad_cvc.body["error"]["param"],
        "payment_method_options.card.cvc_token"
    );
    let both = h
        .call(
            Method::POST,
            "/api/confirmation_tokens",
            &[("authorization", &auth)],
            Some(
                &json!({"payment_method": pm, "payment_method_data": h.card_request("4242424242424242").await["payment_method_data"]})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    assert_eq!(both.code(), "parameter_invalid");
}

#[tokio::test]
async fn consent_must_come_with_matching_setup_future_usage() {
    let h = Harness::new().await;
    let mut request = h.card_request("4242424242424242").await;
    request["consent"] = consent();
    let reply = h.post("/api/confirmation_tokens", &request).await;
    assert_eq!(reply.code(), "parameter_missing");
    assert_eq!(reply.body["error"]["param"], "setup_future_usage");
    request["setup_future_usage"] = json!("on_session");
    let reply = h.post("/api/confirmation_tokens", &request).await;
    assert_eq!(reply.code(), "parameter_invalid");
    assert_eq!(reply.body["error"]["param"], "consent.usage");
}

#[tokio::test]
async fn the_databases_never_hold_a_card_number_or_cvc() {
    let h = Harness::new().await;
    let (secret, _) = h.session().await;
    let card = h
        .tokenize(
            &json!({"number": "4000002500003155", "exp_month": 7, "exp_year": 2037, "cvc": "918"}),
        )
        .await;
    let mut request = common::card_token_request(card.body["id"].as_str().unwrap());
    request["setup_future_usage"] = json!("off_session");
    request["consent"] = consent();
    let token = h.token_from(request, Some(&secret)).await;
    let paid = h.confirm(token["id"].as_str().unwrap(), None).await;
    let url = paid.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    h.call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    // The saved card again, its CVC typed again.
    let pm: String = sqlx::query_scalar("SELECT payment_method_id FROM payment_intents")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    let again = json!({"payment_method": pm, "payment_method_options": {"card": {"cvc_token": h.cvc_token("917").await}}});
    let token = h.token_from(again, Some(&secret)).await;
    h.confirm(token["id"].as_str().unwrap(), None).await;
    for (name, everything) in [
        ("storefront", common::dump_database(&h).await),
        ("vault", common::dump_vault(&h).await),
    ] {
        assert!(everything.contains("3155"), "{name}: the last4 is stored");
        assert!(!everything.contains("4000002500003155"), "{name}: a PAN");
        // The storefront keeps the expiry for the preview, without the PAN; the vault
        // keeps it only sealed with the PAN.
        // (Sealed blobs are dumped in hex, where four digits may occur by chance: a
        // value in the clear is a field of its own.)
        if name == "vault" {
            let clear = everything.split([',', '\n']).any(|field| {
                let value = field.trim_matches('\'');
                value == "2037" || value.contains("/2037") || value.contains("2037-")
            });
            assert!(!clear, "{name}: an expiry in the clear");
        }
        for cvc in ["918", "917"] {
            assert!(
                !everything.contains(&format!("\"{cvc}\""))
                    && !everything.contains(&format!("'{cvc}'")),
                "{name}: a CVC"
            );
        }
        // No column or JSON key named cvc. Random ids may hold the letters
        // ("pm_…cvc…"), so only a whole word counts.
        let named = everything
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word.eq_ignore_ascii_case("cvc"));
        assert!(!named, "{name}: a cvc is stored");
    }
    assert_eq!(h.state.vault().held_cvcs(), 0, "both CVCs were used once");
}

async fn confirm_again(
    h: &Harness,
    intent: &serde_json::Value,
    token: &str,
    secret: Option<&str>,
) -> common::Reply {
    let id = intent["id"].as_str().unwrap();
    let secret = secret.unwrap_or_else(|| intent["client_secret"].as_str().unwrap());
    h.post(
        &format!("/api/payment_intents/{id}/confirm"),
        &json!({"client_secret": secret, "confirmation_token_id": token}),
    )
    .await
}

#[tokio::test]
async fn an_abandoned_challenge_is_retried_on_the_same_intent_and_order() {
    let h = Harness::new().await;
    let first = h.pay("4000000000003220").await;
    let url = redirect_url(&first);
    // The customer closes the page and pays with another card.
    let token = h.card_confirmation_token("4242424242424242").await;
    let again = confirm_again(&h, &first.body, &token, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.body["status"], "succeeded");
    assert_eq!(
        again.body["payment_method_preview"]["card"]["last4"],
        "4242"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 1);
    // The old challenge is gone.
    assert_eq!(h.get(&url).await.status, StatusCode::NOT_FOUND);
    let done = h
        .call(Method::POST, &format!("{url}/fail"), &[], None)
        .await;
    assert!(done.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=succeeded"));
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    // A succeeded intent cannot be confirmed again: its order is paid.
    let token = h.card_confirmation_token("4242424242424242").await;
    let late = confirm_again(&h, &first.body, &token, None).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.code(), "order_already_paid");
    assert_eq!(late.body["error"]["payment_intent"]["id"], first.body["id"]);
    // ... and the refused attempt did not spend the token.
    assert_eq!(h.confirm(&token, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_declined_intent_is_retried_and_needs_its_secret() {
    let h = Harness::new().await;
    let declined = h.pay("4000000000009995").await;
    let intent = declined.body["error"]["payment_intent"].clone();
    let token = h.card_confirmation_token("4000000000003220").await;
    let wrong = confirm_again(&h, &intent, &token, Some("pi_x_secret_wrong")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let again = confirm_again(&h, &intent, &token, None).await;
    assert_eq!(again.body["status"], "requires_action");
    assert!(again.body.get("last_payment_error").is_none());
    let url = redirect_url(&again);
    h.call(Method::POST, &format!("{url}/complete"), &[], None)
        .await;
    assert_eq!(h.status_of(&intent).await.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_intents").await, 1);
}

#[tokio::test]
async fn a_card_of_a_brand_the_merchant_does_not_accept_is_refused() {
    let mut settings = checkout_server::state::Settings::new("dist");
    settings.card_brands =
        payment_core::card::BrandSet::from_names(["visa", "mastercard"]).unwrap();
    let h = Harness::with_settings(settings).await;
    let config = h.get("/api/config").await;
    assert_eq!(config.body["cardBrands"], json!(["visa", "mastercard"]));

    let request = h.card_request("378282246310005").await;
    let reply = h.post("/api/confirmation_tokens", &request).await;
    assert_eq!(reply.status, StatusCode::PAYMENT_REQUIRED, "{}", reply.text);
    assert_eq!(reply.body["error"]["type"], "card_error");
    assert_eq!(reply.body["error"]["code"], "card_brand_not_accepted");
    assert_eq!(
        reply.body["error"]["param"],
        "payment_method_data.card.token"
    );
    assert_eq!(
        reply.body["error"]["message"],
        "This card brand is not accepted."
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_methods").await, 0);
    assert_eq!(h.count("SELECT COUNT(*) FROM confirmation_tokens").await, 0);

    // An accepted brand still pays.
    let paid = h.pay("5555555555554444").await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.text);
}
