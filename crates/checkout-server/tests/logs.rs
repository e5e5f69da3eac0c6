//! Everything the server logs during a run of every flow, at TRACE level and with every
//! dependency's events (the storefront, the vault, and the HTTP between them), holds no
//! card number, CVC, IBAN, client secret or secret key.
//!
//! One test per binary: the subscriber is global, and a second test would mix its own
//! events into the buffer.

mod common;

use axum::http::Method;
use checkout_server::webhooks::deliver_due;
use common::{consent, sepa_request, Harness};
use payment_core::money::Currency;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The documented test cards, as the card-data audit knows them.
const CARDS: &[&str] = payment_core::audit::TEST_CARD_NUMBERS;

const IBANS: [&str; 3] = [
    "DE89370400440532013000",
    "DE62370400440532013001",
    "DE89370400440532013001",
];

/// CVCs used in every flow.
const CVC: &str = "918";
const AMEX_CID: &str = "9174";

async fn run_every_flow() {
    let h = Harness::new().await;
    let (secret, customer) = h.session().await;
    let auth = format!("Bearer {secret}");
    for number in CARDS {
        let cvc = if number.starts_with("37") {
            AMEX_CID
        } else {
            CVC
        };
        // The card frame tokenizes with the payments origin (in the same process, so
        // its logs are read too); an invalid number is refused there.
        let card = json!({"number": number, "exp_month": 12, "exp_year": 2034, "cvc": cvc});
        let tokenized = h.tokenize(&card).await;
        // The same card to the storefront, as a page that skipped the frame would send
        // it: refused, never logged.
        h.post(
            "/api/confirmation_tokens",
            &json!({"payment_method_data": {"type": "card", "card": card}}),
        )
        .await;
        let Some(card_token) = tokenized.body["id"].as_str() else {
            continue;
        };
        let mut request = common::card_token_request(card_token);
        request["setup_future_usage"] = json!("off_session");
        request["consent"] = consent();
        let reply = h
            .call(
                Method::POST,
                "/api/confirmation_tokens",
                &[("authorization", &auth)],
                Some(&request.to_string()),
            )
            .await;
        let Some(token) = reply.body["id"].as_str() else {
            continue;
        };
        let paid = h.confirm(token, Some(&format!("key-{number}"))).await;
        let intent = if paid.body["error"].is_object() {
            paid.body["error"]["payment_intent"].clone()
        } else {
            paid.body.clone()
        };
        if let Some(url) = intent["next_action"]["redirect_to_url"]["url"].as_str() {
            h.get(url).await;
            h.call(Method::POST, &format!("{url}/complete"), &[], None)
                .await;
        }
        if intent["client_secret"].is_string() {
            h.status_of(&intent).await;
        }
        // Card data in the wrong places: refused, never logged.
        let mut wrong = common::card_token_request(card_token);
        wrong["payment_method_data"]["card"]["exp_month"] = json!(number);
        wrong[number] = json!(CVC);
        h.post("/api/confirmation_tokens", &wrong).await;
        h.call(
            Method::POST,
            "/api/confirmation_tokens",
            &[],
            Some(&format!("{{\"{number}")),
        )
        .await;
        // In a URL, where a confused client might put it.
        h.get(&format!(
            "/api/payment_intents/{number}?client_secret={number}"
        ))
        .await;
        h.get(&format!("/checkout/{number}")).await;
    }
    // Saved cards, on and off session.
    let methods = h
        .get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
    for method in methods.body["data"].as_array().unwrap() {
        h.charge_off_session(&json!({"payment_method": method["id"], "customer": customer}))
            .await;
        let cvc_token = h.cvc_token(CVC).await;
        h.post_authorized("/api/confirmation_tokens", &json!({"payment_method": method["id"], "payment_method_options": {"card": {"cvc_token": cvc_token}}}), &auth).await;
        // A raw CVC to the storefront: refused, never logged.
        h.post_authorized("/api/confirmation_tokens", &json!({"payment_method": method["id"], "payment_method_options": {"card": {"cvc": CVC}}}), &auth).await;
    }
    // SEPA.
    for iban in IBANS {
        for email in [
            "jenny@example.com",
            "generatedSepaDebitIntentsSucceedDisputed@example.com",
        ] {
            let reply = h
                .post("/api/confirmation_tokens", &sepa_request(iban, email))
                .await;
            if let Some(token) = reply.body["id"].as_str() {
                let paid = h.confirm(token, None).await;
                h.clock.advance(200);
                h.status_of(&paid.body).await;
            }
        }
    }
    // Wallets.
    let wallets = Harness::with_currency(Currency::PHP).await;
    let token = wallets
        .token_from(
            json!({"payment_method_data": {"type": "ewallet", "ewallet": {"channel_code": "GCASH"}}}),
            None,
        )
        .await;
    let paid = wallets.confirm(token["id"].as_str().unwrap(), None).await;
    let url = paid.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    wallets
        .call(Method::POST, &format!("{url}/authorize"), &[], None)
        .await;
    // Webhooks, including refused ones.
    deliver_due(&h.state).await.unwrap();
    deliver_due(&wallets.state).await.unwrap();
    h.call(
        Method::POST,
        "/api/webhooks",
        &[("processor-signature", "t=1,v1=00")],
        Some("{}"),
    )
    .await;
    // CSP reports quoting a return page (client secret in the query) and card data that
    // a confused page put into its URLs.
    let card = CARDS[0];
    let iban = IBANS[0];
    let document = format!(
        "http://127.0.0.1:8080/complete?payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_Abc&card={card}"
    );
    let legacy = json!({"csp-report": {
        "document-uri": document,
        "blocked-uri": format!("http://127.0.0.1:8080/{card}/x.js?cvc={CVC}"),
        "effective-directive": "script-src-elem",
        "source-file": format!("https://user:{CVC}@127.0.0.1/{iban}"),
        "script-sample": format!("pay('{card}', '{CVC}', 'pi_1_secret_Abc')"),
        "referrer": format!("http://127.0.0.1:8080/?iban={iban}")
    }});
    h.send(
        axum::http::Request::post("/api/csp-reports")
            .header("content-type", "application/csp-report")
            .body(axum::body::Body::from(legacy.to_string()))
            .unwrap(),
    )
    .await;
    let batch = json!([{"type": "csp-violation", "url": document, "body": {
        "documentURL": document, "blockedURL": format!("https://x.example/pi_2_secret_Def/{card}"),
        "effectiveDirective": "style-src-attr", "sample": format!("{CVC}{CVC}")
    }}]);
    let stored = h
        .send(
            axum::http::Request::post("/api/csp-reports")
                .header("content-type", "application/reports+json")
                .body(axum::body::Body::from(batch.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(stored.status, axum::http::StatusCode::NO_CONTENT);
    let listed = h.get("/test-mode/csp-reports").await;
    assert_eq!(listed.body["count"], 2);
    for secret in [card, iban, CVC, "_secret_", "Abc", "Def"] {
        assert!(
            !listed.text.contains(secret),
            "{secret} kept in a CSP report"
        );
    }
    // A cancel by the merchant, with a reason and an idempotency key, then the canceled
    // intent's 3-D Secure page (which redirects with the client secret in the query).
    let waiting = h.pay("4000000000003220").await;
    let pi = waiting.body["id"].as_str().unwrap();
    h.call(
        Method::POST,
        &format!("/api/payment_intents/{pi}/cancel"),
        &[
            ("authorization", &format!("Bearer {}", common::MERCHANT_KEY)),
            ("idempotency-key", "cancel-logs"),
        ],
        Some(r#"{"cancellation_reason": "fraudulent"}"#),
    )
    .await;
    let url = waiting.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap();
    h.get(url).await;
    deliver_due(&h.state).await.unwrap();
    // The merchant's audit, with the right and a wrong key, and sessions for other
    // customers.
    h.consents(&customer).await;
    h.get_with(
        &format!("/api/merchant/customers/{customer}/consents"),
        "sk_test_wrong0123456789",
    )
    .await;
    let (_, other) = h.new_customer_session().await;
    h.session_of(&other).await;
    // Expired session secret.
    h.clock.advance(3_600);
    h.get_authorized("/api/customer_sessions/payment_methods", &auth)
        .await;
}

#[tokio::test]
async fn logs_hold_no_card_number_cvc_iban_or_secret() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .init();

    run_every_flow().await;

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    // The run did log: requests, transitions, fulfilments and refused webhooks.
    for expected in [
        "request",
        "payment intent succeeded",
        "payment intent canceled",
        "order fulfilled",
        "webhook refused",
        "confirmation token created",
        "card tokenized",
        "card token redeemed",
        "CSP violation reported",
    ] {
        assert!(logs.contains(expected), "no {expected:?} in the logs");
    }
    for number in CARDS {
        assert!(!logs.contains(number), "card number {number} logged");
        // Grouped as typed, too.
        let grouped = payment_core::card::format_number(number);
        assert!(!logs.contains(&grouped), "card number {grouped} logged");
    }
    for iban in IBANS {
        assert!(!logs.contains(iban), "IBAN {iban} logged");
        assert!(!logs.contains(&iban[4..]), "IBAN BBAN of {iban} logged");
    }
    // A CVC leaks quoted (JSON, Debug of a String) or next to its name; bare digits
    // also occur in timings (`elapsed=11.918µs`) and "cvc" inside random ids
    // (`tok_…xCvC…`), so only whole words count.
    for cvc in [CVC, AMEX_CID] {
        assert!(!logs.contains(&format!("\"{cvc}\"")), "CVC {cvc} logged");
        let named = logs.lines().find(|l| {
            let words: Vec<&str> = l.split(|c: char| !c.is_ascii_alphanumeric()).collect();
            words.iter().any(|w| w.eq_ignore_ascii_case("cvc")) && words.contains(&cvc)
        });
        assert!(named.is_none(), "CVC {cvc} logged by name: {named:?}");
    }
    assert!(!logs.contains("_secret_"), "a client secret was logged");
    assert!(!logs.contains("sk_test_"), "a merchant key was logged");
}
