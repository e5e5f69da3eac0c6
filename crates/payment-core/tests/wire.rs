//! Round-trips the merchant API's wire types through the JSON fixtures beside this file:
//! what the server writes, the widget reads back unchanged, and what a newer server adds
//! degrades to `Unknown` instead of an error.

use payment_core::api::*;
use payment_core::card::CardBrand;
use payment_core::error::{DeclineCode, ErrorBody, ErrorCode, ErrorType};
use payment_core::vault::{
    CardDetails, CardToken, CvcDetails, CvcToken, CARD_TOKEN_PREFIX, CVC_TOKEN_PREFIX,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Decodes a fixture and checks that encoding it again gives the same JSON.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let text = fixture(name);
    let value: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = serde_json::to_value(&value).unwrap();
    let original: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(again, original, "{name} did not round-trip");
    value
}

#[test]
fn confirmation_token_requests_round_trip() {
    let card: CreateConfirmationToken = round_trip("confirmation_token_request_card.json");
    let data = card.payment_method_data.unwrap();
    assert_eq!(data.kind, PaymentMethodType::Card);
    assert_eq!(data.card.unwrap().token, "card_tok_1NqCt2a9VgXWkq");
    let consent = card.consent.unwrap();
    assert_eq!(consent.usage, SetupFutureUsage::OffSession);
    assert_eq!(consent.locale, "en");

    let saved: CreateConfirmationToken = round_trip("confirmation_token_request_saved.json");
    assert_eq!(saved.payment_method.as_deref(), Some("pm_1a2b3c"));
    let cvc_token = saved
        .payment_method_options
        .unwrap()
        .card
        .unwrap()
        .cvc_token
        .unwrap();
    assert_eq!(cvc_token, "cvc_tok_7Hs2LpQe0aZr");

    let sepa: CreateConfirmationToken = round_trip("confirmation_token_request_sepa.json");
    let sepa = sepa.payment_method_data.unwrap();
    assert_eq!(sepa.kind, PaymentMethodType::SepaDebit);
    assert_eq!(
        sepa.sepa_debit.unwrap().iban.expose(),
        "DE89370400440532013000"
    );

    let wallet: CreateConfirmationToken = round_trip("confirmation_token_request_ewallet.json");
    let wallet = wallet.payment_method_data.unwrap().ewallet.unwrap();
    assert_eq!(wallet.channel_code, EwalletChannel::Gcash);

    let qr: CreateConfirmationToken = round_trip("confirmation_token_request_qr_code.json");
    let qr = qr.payment_method_data.unwrap();
    assert_eq!(qr.kind, PaymentMethodType::QrCode);
    assert_eq!(qr.qr_code.unwrap().channel_code, QrChannel::Qris);
}

#[test]
fn qr_code_answers_round_trip() {
    let token: ConfirmationToken = round_trip("server/confirmation_token_qr_code.json");
    let preview = token.payment_method_preview;
    assert_eq!(preview.kind, PaymentMethodType::QrCode);
    assert_eq!(preview.qr_code.unwrap().channel_code, QrChannel::Qris);

    let intent: PaymentIntent = round_trip("server/payment_intent_display_qr_code.json");
    assert_eq!(intent.status, PaymentIntentStatus::RequiresAction);
    assert_eq!(intent.currency.code(), "idr");
    assert!(QrChannel::Qris.supports(&intent.currency));
    assert!(!QrChannel::Qrph.supports(&intent.currency));
    match intent.next_action.unwrap() {
        NextAction::DisplayQrCode { display_qr_code } => {
            assert!(display_qr_code
                .data
                .ends_with(&format!("/test-mode/qr/{}", intent.id)));
            assert!(display_qr_code.expires_at.is_some());
            assert_eq!(display_qr_code.image_url_svg, None);
        }
        other => panic!("unexpected next action {other:?}"),
    }
    // A standard this build does not know reads as Unknown, never an error.
    let newer: QrCodeInput = serde_json::from_str(r#"{"channel_code": "PROMPTPAY"}"#).unwrap();
    assert_eq!(newer.channel_code, QrChannel::Unknown);
}

#[test]
fn request_debug_output_hides_card_data() {
    let card: CardDetails = round_trip("card_token_request.json");
    let shown = format!("{card:?}");
    assert!(!shown.contains("4242424242424242"), "{shown}");
    assert!(!shown.contains("\"123\""), "{shown}");
    let cvc: CvcDetails = round_trip("cvc_token_request.json");
    assert!(!format!("{cvc:?}").contains("424"));
    let sepa: CreateConfirmationToken =
        serde_json::from_str(&fixture("confirmation_token_request_sepa.json")).unwrap();
    assert!(!format!("{sepa:?}").contains("370400440532013000"));
}

/// Regression: card details sent to the merchant API are refused by the type itself
/// (the storefront takes only a token), whatever else the request holds.
#[test]
fn the_merchant_api_refuses_card_details() {
    let raw = r#"{"payment_method_data": {"type": "card",
        "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}}"#;
    assert!(serde_json::from_str::<CreateConfirmationToken>(raw).is_err());
    let raw_cvc =
        r#"{"payment_method": "pm_1", "payment_method_options": {"card": {"cvc": "123"}}}"#;
    assert!(serde_json::from_str::<CreateConfirmationToken>(raw_cvc).is_err());
}

#[test]
fn vault_answers_round_trip() {
    let token: CardToken = round_trip("card_token.json");
    assert!(token.id.starts_with(CARD_TOKEN_PREFIX));
    assert_eq!(
        (token.brand.as_str(), token.last4.as_str()),
        ("visa", "4242")
    );
    let cvc: CvcToken = round_trip("cvc_token.json");
    assert!(cvc.id.starts_with(CVC_TOKEN_PREFIX));
}

#[test]
fn responses_round_trip() {
    let token: ConfirmationToken = round_trip("confirmation_token.json");
    let card = token.payment_method_preview.card.unwrap();
    assert_eq!(card.brand(), Some(CardBrand::Visa));

    let intent: PaymentIntent = round_trip("payment_intent_requires_action.json");
    assert_eq!(intent.status, PaymentIntentStatus::RequiresAction);
    assert_eq!(intent.currency.code(), "eur");
    match intent.next_action.unwrap() {
        NextAction::RedirectToUrl { redirect_to_url } => {
            assert!(redirect_to_url
                .url
                .ends_with("/test-mode/authenticate/pi_3MtwBw"))
        }
        other => panic!("unexpected next action {other:?}"),
    }
    let secret = intent.client_secret.unwrap();
    assert!(!format!("{secret:?}").contains("YrKJUK"));

    let declined: PaymentIntent = round_trip("payment_intent_declined.json");
    let error = declined.last_payment_error.unwrap();
    assert_eq!(error.code, ErrorCode::CardDeclined);
    assert_eq!(error.decline_code, Some(DeclineCode::InsufficientFunds));

    let list: List<SavedPaymentMethod> = round_trip("saved_payment_methods.json");
    assert_eq!(list.data.len(), 3);
    assert!(list.data.windows(2).all(|w| w[0].created > w[1].created));

    let session: CustomerSession = round_trip("customer_session.json");
    let features = session.components.payment_element.features;
    assert!(features.payment_method_save.is_enabled());
    assert_eq!(
        features.payment_method_save_usage,
        Some(SetupFutureUsage::OffSession)
    );

    let error: ErrorBody = round_trip("error_idempotency.json");
    assert_eq!(error.error.kind, ErrorType::IdempotencyError);
}

#[test]
fn values_from_a_newer_server_degrade_to_unknown() {
    let intent: PaymentIntent =
        serde_json::from_str(&fixture("payment_intent_from_the_future.json")).unwrap();
    assert_eq!(intent.status, PaymentIntentStatus::Unknown);
    assert_eq!(intent.next_action, Some(NextAction::Unknown));
    assert_eq!(intent.last_payment_error.unwrap().code, ErrorCode::Unknown);
    let preview = intent.payment_method_preview.unwrap();
    assert_eq!(preview.kind, PaymentMethodType::Unknown);
    assert_eq!(preview.card.unwrap().brand(), None);
}
