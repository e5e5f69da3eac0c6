//! The messages between an element and its card frame (`frame::protocol`): what one
//! side sends the other reads back the same, and anything else (another protocol's
//! message, a malformed one, a forged token) is ignored rather than acted on.
#![cfg(target_arch = "wasm32")]

use payment_element::frame::protocol::{self, FromFrame, ToFrame, CONNECT, FRAME_READY};
use payment_element::model::form::{Field, FrameSummary};
use payment_element::model::locale::{Key, Locale};
use payment_element::model::options::{PaymentElementOptions, RawOptions};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

#[wasm_bindgen_test]
fn every_message_of_the_frame_reads_back_as_sent() {
    let messages = [
        FromFrame::Ready,
        FromFrame::Change {
            summary: FrameSummary {
                complete: false,
                empty: false,
                invalid: Some(Field::Expiry),
                revision: 7,
            },
            error: Some("Your card's expiration date is incomplete.".into()),
            brand: "visa".into(),
        },
        FromFrame::Focus,
        FromFrame::Blur,
        FromFrame::Height(148.5),
        FromFrame::Submit,
        FromFrame::Escape,
        FromFrame::Advance,
        FromFrame::Tokenized {
            id: 3,
            token: "card_tok_123".into(),
        },
        FromFrame::Failed { id: 4, error: None },
    ];
    for message in messages {
        assert_eq!(FromFrame::decode(&message.encode()), Some(message.clone()));
    }
    let refused = FromFrame::decode(&js(
        r#"{"type": "failed", "id": 5, "error": {"type": "card_error",
            "code": "incorrect_number", "message": "Your card number is incorrect.",
            "param": "number"}}"#,
    ));
    let Some(FromFrame::Failed {
        id: 5,
        error: Some(error),
    }) = refused
    else {
        panic!("a refusal reads as one: {refused:?}")
    };
    assert_eq!(error.code.as_str(), "incorrect_number");
}

#[wasm_bindgen_test]
fn every_message_to_the_frame_reads_back_as_sent() {
    for message in [
        ToFrame::Focus(Field::Cvc),
        ToFrame::ShowErrors,
        ToFrame::ClearCvc,
        ToFrame::Clear,
        ToFrame::Lock(true),
        ToFrame::Tokenize { id: 9 },
    ] {
        assert_eq!(ToFrame::decode(&message.encode()), Some(message.clone()));
    }
}

#[wasm_bindgen_test]
fn the_frame_reads_the_elements_look_and_language_with_the_elements_own_checks() {
    let raw: RawOptions = serde_json::from_str(
        r##"{"locale": "de", "strings": {"card_number": "Nummer"},
            "paymentMethodOptions": {"card": {"brands": ["visa", "mastercard"]}},
            "appearance": {"theme": "night", "variables": {"colorPrimary": "#123456"},
                "rules": {".Input:focus": {"borderColor": "rgb(1, 2, 3)"}}}}"##,
    )
    .unwrap();
    let options = raw.validate().unwrap();
    let sent = ToFrame::options(&options, Locale::De);
    let Some(ToFrame::Options(read)) = ToFrame::decode(&sent) else {
        panic!("the options read back")
    };
    assert_eq!(read.appearance, options.appearance);
    assert_eq!(
        read.card_brands
            .brands()
            .map(|b| b.as_str())
            .collect::<Vec<_>>(),
        ["visa", "mastercard"]
    );
    assert_eq!(read.strings, vec![(Key::CardNumber, "Nummer".to_owned())]);
    assert_eq!(
        read.locale,
        payment_element::model::options::LocaleChoice::Fixed(Locale::De)
    );
    // Options the element's checks refuse (CSS that could load a URL) are not taken
    // from a message either.
    let forged = js(r#"{"type": "options", "options": {"appearance":
            {"variables": {"colorPrimary": "url(https://evil.example/x)"}}}}"#);
    assert_eq!(ToFrame::decode(&forged), None);
    let _ = PaymentElementOptions::default();
}

#[wasm_bindgen_test]
fn anything_else_is_ignored() {
    for text in [
        "null",
        "42",
        r#""change""#,
        "{}",
        r#"{"type": "unheard_of"}"#,
        r#"{"type": "change", "complete": "yes", "empty": false, "revision": 1}"#,
        r#"{"type": "height", "px": -3}"#,
        r#"{"type": "tokenized", "id": 1, "token": "pm_123"}"#,
        r#"{"type": "tokenized", "id": -1, "token": "card_tok_1"}"#,
    ] {
        assert_eq!(FromFrame::decode(&js(text)), None, "{text}");
    }
    // The frame focuses only its own fields, and answers only requests with an id.
    for text in [
        r#"{"type": "focus", "field": "iban"}"#,
        r#"{"type": "tokenize"}"#,
        r#"{"type": "lock", "locked": "yes"}"#,
        r#"{"type": "options", "options": 3}"#,
    ] {
        assert_eq!(ToFrame::decode(&js(text)), None, "{text}");
    }
}

#[wasm_bindgen_test]
fn the_handshake_names_its_protocol_version() {
    assert!(protocol::is_handshake(
        &protocol::handshake(FRAME_READY),
        FRAME_READY
    ));
    assert!(protocol::is_handshake(
        &protocol::handshake(CONNECT),
        CONNECT
    ));
    assert!(!protocol::is_handshake(
        &protocol::handshake(CONNECT),
        FRAME_READY
    ));
    assert!(!protocol::is_handshake(
        &js(r#"{"type": "pe:connect", "version": 2}"#),
        CONNECT
    ));
}
