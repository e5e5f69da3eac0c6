//! Browser tests of the merchant-API client's edges: answers decoded leniently through
//! the browser's JSON (unknown codes and statuses degrade, nothing panics), request
//! bodies exactly as serde would write them, an unreachable server reported as such, and
//! a server that never answers timed out, with only the idempotent confirm sent again.
#![cfg(target_arch = "wasm32")]

use payment_core::api::{
    Address, BillingDetails, CardInput, CardOptions, ConsentRecord, CreateConfirmationToken,
    NextAction, PaymentIntentStatus, PaymentMethodData, PaymentMethodOptions, PaymentMethodType,
    SetupFutureUsage,
};
use payment_core::error::{DeclineCode, ErrorCode, ErrorType};
use payment_core::secret::{CardNumber, Cvc};
use payment_core::vault::CardDetails;
use payment_element::model::confirm::CallError;
use payment_element::net::client::{decode, HttpClient, MerchantApi, Placement};
use payment_element::net::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_decline_decodes_with_its_intent() {
    let body = r#"{"error": {"type": "card_error", "code": "card_declined",
        "decline_code": "insufficient_funds", "message": "x",
        "payment_intent": {"id": "pi_1", "client_secret": "pi_1_secret_s",
            "status": "requires_payment_method", "amount": 1999, "currency": "eur",
            "last_payment_error": {"type": "card_error", "code": "card_declined",
                "decline_code": "insufficient_funds", "message": "x"}}}}"#;
    let Err(CallError::Api {
        error,
        payment_intent,
    }) = decode(402, body, json::read_intent)
    else {
        panic!("a decline is an API error");
    };
    assert_eq!(error.kind, ErrorType::CardError);
    assert_eq!(error.decline_code, Some(DeclineCode::InsufficientFunds));
    let intent = payment_intent.expect("the intent travels with the decline");
    assert_eq!(intent.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(intent.amount.0, 1999);
    assert_eq!(intent.client_secret.unwrap().expose(), "pi_1_secret_s");
    assert_eq!(
        intent.last_payment_error.unwrap().decline_code,
        Some(DeclineCode::InsufficientFunds)
    );
}

#[wasm_bindgen_test]
fn a_redirect_decodes_its_next_action() {
    let body = r#"{"id": "pi_1", "client_secret": "pi_1_secret_s", "status": "requires_action",
        "amount": 5, "currency": "EUR", "next_action": {"type": "redirect_to_url",
        "redirect_to_url": {"url": "/test-mode/authenticate/pi_1", "return_url": "/complete",
        "app_url": "/test-mode/ewallet/pi_1?app=1"}}}"#;
    let intent = decode(200, body, json::read_intent).unwrap();
    assert_eq!(
        intent.next_action,
        Some(NextAction::RedirectToUrl {
            redirect_to_url: payment_core::api::RedirectToUrl {
                url: "/test-mode/authenticate/pi_1".into(),
                return_url: "/complete".into(),
                app_url: Some("/test-mode/ewallet/pi_1?app=1".into()),
            }
        })
    );
    let body = r#"{"id": "pi_1", "status": "requires_action", "amount": 5, "currency": "eur",
        "next_action": {"type": "open_the_app", "open_the_app": {}}}"#;
    let intent = decode(200, body, json::read_intent).unwrap();
    assert_eq!(intent.next_action, Some(NextAction::Unknown));
}

#[wasm_bindgen_test]
fn unknown_or_unreadable_answers_degrade_to_generic() {
    let Err(CallError::Api { error, .. }) = decode(
        429,
        r#"{"error": {"type": "rate_limit_error", "code": "slow_down", "decline_code": "do_not_honor"}}"#,
        json::read_intent,
    ) else {
        panic!("an API error");
    };
    assert_eq!(
        (error.kind, error.code),
        (ErrorType::Unknown, ErrorCode::Unknown)
    );
    assert_eq!(error.decline_code, Some(DeclineCode::Unknown));
    for (status, body) in [
        (502, "<html>Bad gateway</html>"),
        (500, r#"{"error": 7}"#),
        (200, r#"{"id": "pi_1"}"#),
        (
            200,
            r#"{"id": "pi_1", "status": "succeeded", "amount": 1.5, "currency": "eur"}"#,
        ),
        (200, ""),
    ] {
        let Err(CallError::Api {
            error,
            payment_intent,
        }) = decode(status, body, json::read_intent)
        else {
            panic!("{status} {body} is an error");
        };
        assert_eq!(error.code, ErrorCode::Unknown, "{body}");
        assert!(payment_intent.is_none());
    }
    let intent = decode(
        200,
        r#"{"id": "pi_1", "status": "brand_new", "amount": 5, "currency": "eur", "extra": 1}"#,
        json::read_intent,
    )
    .unwrap();
    assert_eq!(intent.status, PaymentIntentStatus::Unknown);
}

#[wasm_bindgen_test]
fn the_token_request_is_what_serde_would_send() {
    let request = CreateConfirmationToken {
        payment_method_data: Some(PaymentMethodData {
            kind: PaymentMethodType::Card,
            card: Some(CardInput {
                token: "card_tok_1".into(),
            }),
            sepa_debit: None,
            ewallet: None,
            qr_code: None,
            billing_details: Some(BillingDetails {
                name: Some("Jenny Rosen".into()),
                address: Some(Address {
                    country: Some("DE".into()),
                    postal_code: Some("10115".into()),
                    ..Address::default()
                }),
                ..BillingDetails::default()
            }),
        }),
        payment_method_options: Some(PaymentMethodOptions {
            card: Some(CardOptions {
                cvc_token: Some("cvc_tok_1".into()),
            }),
        }),
        setup_future_usage: Some(SetupFutureUsage::OffSession),
        return_url: Some("https://shop.example/complete".into()),
        consent: Some(ConsentRecord {
            text: "Save my card".into(),
            locale: "en".into(),
            accepted_at: 1_700_000_000,
            usage: SetupFutureUsage::OffSession,
        }),
        ..CreateConfirmationToken::default()
    };
    let ours: serde_json::Value =
        serde_json::from_str(&json::token_request(&request).unwrap()).unwrap();
    assert_eq!(ours, serde_json::to_value(&request).unwrap());
}

#[wasm_bindgen_test]
fn the_vault_requests_are_what_serde_would_send_and_its_answers_read_back() {
    let card = CardDetails {
        number: CardNumber::new("4242424242424242"),
        exp_month: 12,
        exp_year: 2034,
        cvc: Cvc::new("123"),
    };
    let ours: serde_json::Value =
        serde_json::from_str(&json::card_details(&card).unwrap()).unwrap();
    assert_eq!(ours, serde_json::to_value(&card).unwrap());
    let cvc: serde_json::Value =
        serde_json::from_str(&json::cvc_details(&Cvc::new("424")).unwrap()).unwrap();
    assert_eq!(cvc, serde_json::json!({"cvc": "424"}));

    let token = decode(
        200,
        r#"{"id": "card_tok_9", "brand": "visa", "last4": "4242", "exp_month": 12,
            "exp_year": 2034, "expires_at": 1795000900, "new_field": true}"#,
        json::read_card_token,
    )
    .unwrap();
    assert_eq!(
        (token.id.as_str(), token.last4.as_str()),
        ("card_tok_9", "4242")
    );
    // Anything but a card token is not taken for one.
    assert!(decode(200, r#"{"id": "pm_1"}"#, json::read_card_token).is_err());
    let refused = decode(
        402,
        r#"{"error": {"type": "card_error", "code": "incorrect_number", "param": "number",
            "message": "Your card number is incorrect."}}"#,
        json::read_card_token,
    )
    .unwrap_err();
    let CallError::Api { error, .. } = refused else {
        panic!("a refusal is an API error")
    };
    assert_eq!(error.code, ErrorCode::IncorrectNumber);
    let cvc = decode(
        200,
        r#"{"id": "cvc_tok_3", "expires_at": 1}"#,
        json::read_cvc_token,
    );
    assert_eq!(cvc.unwrap().id, "cvc_tok_3");
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_error() {
    let client = HttpClient::new("http://127.0.0.1:9/api").with_retries(0);
    let answer = client
        .create_confirm_intent("ctoken_1".into(), Placement::default(), "key-1".into())
        .await;
    assert_eq!(answer.unwrap_err(), CallError::Network);
}

/// Makes `fetch` hang for URLs under `/hang/` until the request is aborted, as a server
/// that accepted the connection and never answered; records each such request's
/// `Idempotency-Key` and body in `window.hungRequests`.
fn hang_under_hang_path() {
    js_sys::Function::new_no_args(
        r#"
        if (window.hungRequests) return;
        window.hungRequests = [];
        const real = window.fetch.bind(window);
        window.fetch = (input, init) => {
          const url = typeof input === "string" ? input : input.url;
          if (!url.includes("/hang/")) return real(input, init);
          window.hungRequests.push({
            key: new Headers(init.headers).get("Idempotency-Key"),
            body: init.body,
          });
          return new Promise((_, reject) => {
            init.signal?.addEventListener("abort", () =>
              reject(new DOMException("The request was aborted.", "AbortError")));
          });
        };
        "#,
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap();
}

fn hung_requests() -> Vec<(Option<String>, Option<String>)> {
    let list = js_sys::Reflect::get(&js_sys::global(), &"hungRequests".into()).unwrap();
    js_sys::Array::from(&list)
        .iter()
        .map(|r| {
            let get = |k: &str| js_sys::Reflect::get(&r, &k.into()).unwrap().as_string();
            (get("key"), get("body"))
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_server_that_never_answers_times_out_and_only_the_confirm_is_resent() {
    hang_under_hang_path();
    let client = HttpClient::new("/hang/api")
        .with_timeout_ms(200)
        .with_retries(1);
    let answer = client
        .create_confirm_intent(
            "ctoken_1".into(),
            Placement {
                order: Some("ord_1".into()),
                market: Some("ph".into()),
            },
            "key-1".into(),
        )
        .await;
    assert_eq!(answer.unwrap_err(), CallError::Timeout);
    let sent = hung_requests();
    assert_eq!(sent.len(), 2, "the unanswered confirm is sent once more");
    let body = r#"{"confirmation_token_id":"ctoken_1","market":"ph","order":"ord_1"}"#;
    for (key, request) in &sent {
        assert_eq!(
            key.as_deref(),
            Some("key-1"),
            "with the same Idempotency-Key"
        );
        assert_eq!(request.as_deref(), Some(body), "with the same body");
    }

    // Token creation has no key: a lost answer is never retried blindly.
    let token = client
        .create_confirmation_token(CreateConfirmationToken::default(), None)
        .await;
    assert_eq!(token.unwrap_err(), CallError::Timeout);
    assert_eq!(hung_requests().len(), 3);
}

#[wasm_bindgen_test]
fn every_server_error_leaves_the_outcome_unknown() {
    // Whatever a 5xx body claims, the server may have charged before it failed.
    let body = r#"{"error":{"type":"card_error","code":"card_declined","message":"x"}}"#;
    let error = decode(500, body, json::read_intent).unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
    let CallError::Api { error: shown, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (shown.code, shown.decline_code),
        (payment_core::error::ErrorCode::InternalError, None),
        "never 'declined' from a server error"
    );
    let error = decode(503, "<html>busy</html>", json::read_intent).unwrap_err();
    assert!(error.outcome_unknown());
    // A 4xx the server could state is a decided refusal.
    let error = decode(402, body, json::read_intent).unwrap_err();
    assert!(!error.outcome_unknown());
}
