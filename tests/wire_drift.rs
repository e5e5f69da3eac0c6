//! The widget's reading of the wire (src/json.rs, by hand over the browser's `JSON`)
//! against payment-core's serde types (what the server writes): every JSON fixture in
//! `crates/payment-core/tests/fixtures`, and the server's real answers captured in
//! `fixtures/server/` (by `crates/checkout-server/tests/wire_capture.rs`), decoded both
//! ways in the browser and compared field by field. A field the widget leaves unread
//! fails the test unless it is listed below with the reason it is ignored; a request
//! body the widget writes must be what serde writes.
//!
//! Why two definitions at all: serde through serde-wasm-bindgen costs the widget more
//! than the 5 KB gzip issue 21 allows (README, "Dependencies"); this test is what keeps
//! the two from drifting apart.

/// One fixture: its path below `crates/payment-core/tests/fixtures`, its text, what
/// reads it, and the key paths the widget leaves unread on purpose, each with why.
// Read by the browser half only; the host half checks the table's names.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Fixture {
    name: &'static str,
    text: &'static str,
    reader: Reader,
    ignored: &'static [(&'static str, &'static str)],
}

/// Which wire object a fixture holds.
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
enum Reader {
    /// A payment intent (`json::read_intent`).
    Intent,
    /// A setup intent, which the widget reads with `json::read_intent` too (into a
    /// payment intent of no amount; see there).
    SetupIntent,
    /// A confirmation token (`json::read_token`).
    Token,
    /// An error answer, `{"error": {…, "payment_intent"?}}` (`client::decode_body`).
    Error,
    /// A list of saved methods (`customer_api::read_saved_methods`).
    SavedMethods,
    /// A customer session; the page passes its features to the element
    /// (`customerSessionFeatures`, read by `customer_api::read_features`).
    CustomerSession,
    /// A confirmation-token request the widget writes (`json::token_request`).
    TokenRequest,
    /// The payments origin's card token (`json::read_card_token`).
    CardToken,
    /// Its CVC token (`json::read_cvc_token`).
    CvcToken,
    /// A card the frame (or inline fields) sends the vault (`json::card_details`).
    CardTokenRequest,
    /// A CVC it sends the vault (`json::cvc_details`).
    CvcTokenRequest,
}

macro_rules! fixture {
    ($name:literal, $reader:ident, $ignored:expr) => {
        Fixture {
            name: $name,
            text: include_str!(concat!("../crates/payment-core/tests/fixtures/", $name)),
            reader: Reader::$reader,
            ignored: $ignored,
        }
    };
}

const SENT_BY_THE_WIDGET: &str =
    "the widget sent it a moment before and keeps its own copy of what it sent";
const OTHER_PREVIEWS: &str =
    "the status and saved views name a paid method by its card; bank and wallet previews \
     of an intent or token are not shown";
const BILLING_DETAILS: &str = "the customer typed them a moment before; the status view \
     does not repeat personal details";
const THE_PAGE_HOLDS_IT: &str = "the merchant's page holds it and passes the element the \
     session's client secret (customerSessionClientSecret) and features only";
const THE_SERVER_DECIDES: &str = "the page never needs it: the element offers the methods \
     that can be set up alone, and the server keeps how the method is used and its id \
     (its webhook says which method was saved)";
const FROM_A_NEWER_SERVER: &str =
    "a field of a newer server: the widget must ignore what it does not know";

const FIXTURES: &[Fixture] = &[
    fixture!(
        "confirmation_token.json",
        Token,
        &[
            ("setup_future_usage", SENT_BY_THE_WIDGET),
            ("payment_method_preview.billing_details", BILLING_DETAILS),
        ]
    ),
    fixture!("card_token.json", CardToken, &[]),
    fixture!("card_token_request.json", CardTokenRequest, &[]),
    fixture!("cvc_token.json", CvcToken, &[]),
    fixture!("cvc_token_request.json", CvcTokenRequest, &[]),
    fixture!("confirmation_token_request_card.json", TokenRequest, &[]),
    fixture!("confirmation_token_request_qr_code.json", TokenRequest, &[]),
    fixture!("confirmation_token_request_ewallet.json", TokenRequest, &[]),
    fixture!("confirmation_token_request_saved.json", TokenRequest, &[]),
    fixture!("confirmation_token_request_sepa.json", TokenRequest, &[]),
    fixture!(
        "customer_session.json",
        CustomerSession,
        &[
            ("client_secret", THE_PAGE_HOLDS_IT),
            ("customer", THE_PAGE_HOLDS_IT),
            ("expires_at", THE_PAGE_HOLDS_IT),
            ("components.payment_element.enabled", THE_PAGE_HOLDS_IT),
            (
                "components.payment_element.features.payment_method_allow_redisplay_filters",
                "the server applies the filters to the list it sends; the widget shows \
                 the list as it comes",
            ),
        ]
    ),
    fixture!("error_idempotency.json", Error, &[]),
    fixture!("payment_intent_declined.json", Intent, &[]),
    fixture!(
        "payment_intent_from_the_future.json",
        Intent,
        &[
            ("livemode", FROM_A_NEWER_SERVER),
            ("next_action.use_stripe_sdk", FROM_A_NEWER_SERVER),
        ]
    ),
    fixture!("payment_intent_requires_action.json", Intent, &[]),
    fixture!("saved_payment_methods.json", SavedMethods, &[]),
    // The server's own answers (crates/checkout-server/tests/wire_capture.rs).
    fixture!(
        "server/confirmation_token_card.json",
        Token,
        &[
            ("setup_future_usage", SENT_BY_THE_WIDGET),
            ("payment_method_preview.billing_details", BILLING_DETAILS),
        ]
    ),
    fixture!(
        "server/confirmation_token_ewallet.json",
        Token,
        &[("payment_method_preview.ewallet", OTHER_PREVIEWS)]
    ),
    fixture!("server/confirmation_token_qr_code.json", Token, &[]),
    fixture!("server/payment_intent_display_qr_code.json", Intent, &[]),
    fixture!(
        "server/customer_session.json",
        CustomerSession,
        &[
            ("client_secret", THE_PAGE_HOLDS_IT),
            ("customer", THE_PAGE_HOLDS_IT),
            ("expires_at", THE_PAGE_HOLDS_IT),
            ("components.payment_element.enabled", THE_PAGE_HOLDS_IT),
            (
                "components.payment_element.features.payment_method_allow_redisplay_filters",
                "the server applies the filters to the list it sends; the widget shows \
                 the list as it comes",
            ),
        ]
    ),
    fixture!(
        "server/error_card_declined.json",
        Error,
        &[(
            "error.payment_intent.payment_method_preview.billing_details",
            BILLING_DETAILS
        )]
    ),
    fixture!(
        "server/error_order_already_paid.json",
        Error,
        &[(
            "error.payment_intent.payment_method_preview.billing_details",
            BILLING_DETAILS
        )]
    ),
    fixture!(
        "server/payment_intent_ewallet_redirect.json",
        Intent,
        &[("payment_method_preview.ewallet", OTHER_PREVIEWS)]
    ),
    fixture!(
        "server/payment_intent_requires_action.json",
        Intent,
        &[("payment_method_preview.billing_details", BILLING_DETAILS)]
    ),
    fixture!(
        "server/payment_intent_retrieved.json",
        Intent,
        &[("payment_method_preview.billing_details", BILLING_DETAILS)]
    ),
    fixture!(
        "server/payment_intent_sepa_processing.json",
        Intent,
        &[
            ("payment_method_preview.sepa_debit", OTHER_PREVIEWS),
            ("payment_method_preview.billing_details", BILLING_DETAILS),
        ]
    ),
    fixture!(
        "server/payment_intent_succeeded.json",
        Intent,
        &[("payment_method_preview.billing_details", BILLING_DETAILS)]
    ),
    fixture!("server/saved_payment_methods.json", SavedMethods, &[]),
    fixture!(
        "server/setup_intent_requires_action.json",
        SetupIntent,
        &[
            ("usage", THE_SERVER_DECIDES),
            ("payment_method_types", THE_SERVER_DECIDES),
            ("payment_method", THE_SERVER_DECIDES),
            ("payment_method_preview.billing_details", BILLING_DETAILS),
        ]
    ),
    fixture!(
        "server/setup_intent_retrieved.json",
        SetupIntent,
        &[
            ("usage", THE_SERVER_DECIDES),
            ("payment_method_types", THE_SERVER_DECIDES),
            ("payment_method", THE_SERVER_DECIDES),
            ("payment_method_preview.billing_details", BILLING_DETAILS),
        ]
    ),
];

/// On the host: every fixture on disk is in the table above, so a new one cannot be
/// left out of the comparison.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_fixture_is_compared() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/payment-core/tests/fixtures");
    let mut on_disk = Vec::new();
    for dir in ["", "server/"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".json") {
                on_disk.push(format!("{dir}{name}"));
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|f| f.name.to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every JSON fixture must be listed in tests/wire_drift.rs"
    );
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::{Fixture, Reader, FIXTURES};
    use payment_core::api::{
        ConfirmationToken, CreateConfirmationToken, List, PaymentElementFeatures, PaymentIntent,
        SavedPaymentMethod, SetupIntent,
    };
    use payment_core::error::ApiError;
    use payment_core::vault::{CardDetails, CardToken, CvcDetails, CvcToken};
    use payment_element::model::confirm::CallError;
    use payment_element::net::client::decode_body;
    use payment_element::net::{customer_api, json};
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use serde_json::Value;
    use std::collections::BTreeSet;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen(inline_js = r#"
        // A view of `value` that notes, in `seen`, the path of every own field read
        // through it (`a.b`, `data[].id`), as deep as the reader goes.
        export function tracked(value, seen) {
            const wrap = (v, path) => {
                if (v === null || typeof v !== "object") return v;
                return new Proxy(v, {
                    get(target, key, receiver) {
                        const child = Reflect.get(target, key, receiver);
                        if (typeof key !== "string" || !Object.hasOwn(target, key)) {
                            return child;
                        }
                        const here = Array.isArray(target)
                            ? path + "[]"
                            : path ? path + "." + key : key;
                        seen.push(here);
                        return wrap(child, here);
                    },
                });
            };
            return wrap(value, "");
        }
    "#)]
    extern "C" {
        fn tracked(value: &JsValue, seen: &js_sys::Array) -> JsValue;
    }

    fn encode(value: &impl Serialize) -> Value {
        serde_json::to_value(value).expect("payment-core's types encode")
    }

    fn serde_reads<T: DeserializeOwned>(name: &str, value: &Value) -> T {
        serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{name}: serde does not read it: {e}"))
    }

    /// Every key path of a JSON value (`a`, `a.b`, `data`, `data[]`, `data[].id`).
    fn paths(value: &Value, path: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(fields) => {
                for (key, field) in fields {
                    let here = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    out.insert(here.clone());
                    paths(field, &here, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    let here = format!("{path}[]");
                    out.insert(here.clone());
                    paths(item, &here, out);
                }
            }
            _ => {}
        }
    }

    /// Drops the field at `path` (`a.b`, `data[].c`) wherever it occurs.
    fn remove(value: &mut Value, path: &str) {
        let (head, rest) = match path.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        let (key, each) = match head.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (head, false),
        };
        let Some(fields) = value.as_object_mut() else {
            return;
        };
        match (rest, each) {
            (None, false) => {
                fields.remove(key);
            }
            (rest, _) => {
                let Some(field) = fields.get_mut(key) else {
                    return;
                };
                let targets: Vec<&mut Value> = match field {
                    Value::Array(items) if each => items.iter_mut().collect(),
                    other => vec![other],
                };
                for target in targets {
                    if let Some(rest) = rest {
                        remove(target, rest);
                    }
                }
            }
        }
    }

    /// Where two values differ, path by path.
    fn differences(widget: &Value, serde: &Value, path: &str, out: &mut Vec<String>) {
        match (widget, serde) {
            (Value::Object(a), Value::Object(b)) => {
                let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for key in keys {
                    let here = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    let missing = Value::Null;
                    differences(
                        a.get(key).unwrap_or(&missing),
                        b.get(key).unwrap_or(&missing),
                        &here,
                        out,
                    );
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    differences(x, y, &format!("{path}[{i}]"), out);
                }
            }
            (a, b) if a == b => {}
            (a, b) => out.push(format!("{path}: the widget reads {a}, serde {b}")),
        }
    }

    /// The fixture decoded by the widget and by serde, both as JSON, and the paths the
    /// widget read.
    fn both_ways(fixture: &Fixture) -> (Value, Value, BTreeSet<String>) {
        let name = fixture.name;
        let wire: Value = serde_json::from_str(fixture.text)
            .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        let seen = js_sys::Array::new();
        let body = tracked(
            &json::parse(fixture.text).expect("the browser parses it"),
            &seen,
        );
        let (widget, serde) = match fixture.reader {
            Reader::Intent => (
                encode(&json::read_intent(&body)),
                encode(&serde_reads::<PaymentIntent>(name, &wire)),
            ),
            Reader::SetupIntent => {
                // The widget's payment intent of no amount, in a setup intent's names:
                // its amount and currency are placeholders nothing shows.
                let mut widget = encode(&json::read_intent(&body));
                if let Some(fields) = widget.as_object_mut() {
                    fields.remove("amount");
                    fields.remove("currency");
                    if let Some(error) = fields.remove("last_payment_error") {
                        fields.insert("last_setup_error".into(), error);
                    }
                    fields.insert("object".into(), "setup_intent".into());
                }
                (widget, encode(&serde_reads::<SetupIntent>(name, &wire)))
            }
            Reader::Token => (
                encode(&json::read_token(&body)),
                encode(&serde_reads::<ConfirmationToken>(name, &wire)),
            ),
            Reader::SavedMethods => (
                encode(&customer_api::read_saved_methods(&body)),
                encode(&serde_reads::<List<SavedPaymentMethod>>(name, &wire).data),
            ),
            Reader::CustomerSession => {
                let features = ["components", "payment_element", "features"]
                    .iter()
                    .fold(body, |v, key| json_get(&v, key));
                (
                    encode(&customer_api::read_features(&features)),
                    encode(&serde_reads::<PaymentElementFeatures>(
                        name,
                        &wire["components"]["payment_element"]["features"],
                    )),
                )
            }
            Reader::Error => {
                let status = 400;
                let read: fn(&JsValue) -> Option<()> = |_| None;
                let Err(CallError::Api {
                    error,
                    payment_intent,
                }) = decode_body(status, Some(body), read)
                else {
                    panic!("{name}: the widget does not read an error");
                };
                let mut widget = serde_json::json!({ "error": encode(&error) });
                let mut serde = serde_json::json!({
                    "error": encode(&serde_reads::<ApiError>(name, &wire["error"]))
                });
                if let Some(intent) = payment_intent {
                    widget["error"]["payment_intent"] = encode(&*intent);
                }
                if !wire["error"]["payment_intent"].is_null() {
                    serde["error"]["payment_intent"] = encode(&serde_reads::<PaymentIntent>(
                        name,
                        &wire["error"]["payment_intent"],
                    ));
                }
                (widget, serde)
            }
            Reader::TokenRequest => {
                let request: CreateConfirmationToken = serde_reads(name, &wire);
                let written = json::token_request(&request).expect("the widget writes it");
                return written_both_ways(&wire, &written, encode(&request));
            }
            Reader::CardTokenRequest => {
                let card: CardDetails = serde_reads(name, &wire);
                let written = json::card_details(&card).expect("the widget writes it");
                return written_both_ways(&wire, &written, encode(&card));
            }
            Reader::CvcTokenRequest => {
                let cvc: CvcDetails = serde_reads(name, &wire);
                let written = json::cvc_details(&cvc.cvc).expect("the widget writes it");
                return written_both_ways(&wire, &written, encode(&cvc));
            }
            Reader::CardToken => (
                encode(&json::read_card_token(&body)),
                encode(&serde_reads::<CardToken>(name, &wire)),
            ),
            Reader::CvcToken => (
                encode(&json::read_cvc_token(&body)),
                encode(&serde_reads::<CvcToken>(name, &wire)),
            ),
        };
        let seen = seen.iter().filter_map(|p| p.as_string()).collect();
        (widget, serde, seen)
    }

    /// A body the widget writes beside what serde writes; a writer reads no JSON, so
    /// what it must cover is the whole fixture.
    fn written_both_ways(
        wire: &Value,
        written: &str,
        serde: Value,
    ) -> (Value, Value, BTreeSet<String>) {
        let written: Value = serde_json::from_str(written).expect("JSON");
        let mut all = BTreeSet::new();
        paths(wire, "", &mut all);
        (written, serde, all)
    }

    fn json_get(value: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn ignored(fixture: &Fixture, path: &str) -> bool {
        fixture.ignored.iter().any(|(ignored, _)| {
            path == *ignored
                || path
                    .strip_prefix(ignored)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with("[]"))
        })
    }

    #[wasm_bindgen_test]
    fn the_widget_reads_every_fixture_as_serde_does() {
        let mut failures = Vec::new();
        for fixture in FIXTURES {
            let (mut widget, mut serde, seen) = both_ways(fixture);
            for (path, _why) in fixture.ignored {
                remove(&mut widget, path);
                remove(&mut serde, path);
            }
            let mut differ = Vec::new();
            differences(&widget, &serde, "", &mut differ);
            failures.extend(differ.into_iter().map(|d| format!("{}: {d}", fixture.name)));

            let wire: Value = serde_json::from_str(fixture.text).unwrap();
            let mut all = BTreeSet::new();
            paths(&wire, "", &mut all);
            for path in all {
                if !seen.contains(&path) && !ignored(fixture, &path) {
                    failures.push(format!(
                        "{}: the widget never reads {path}; read it in src/json.rs or list \
                         it as ignored, with why, in tests/wire_drift.rs",
                        fixture.name
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The comparison itself can fail: a field serde reads and the widget drops, and a
    /// field the widget never reads, are both reported.
    #[wasm_bindgen_test]
    fn a_field_the_widget_drops_is_reported() {
        let text = r#"{"id": "ctoken_1", "expires_at": 1,
            "payment_method_preview": {"type": "card",
                "card": {"brand": "visa", "last4": "4242", "exp_month": 1, "exp_year": 2030}},
            "setup_future_usage": "off_session", "brand_new": 1}"#;
        let fixture = Fixture {
            name: "inline",
            text,
            reader: Reader::Token,
            ignored: &[],
        };
        let (widget, serde, seen) = both_ways(&fixture);
        let mut differ = Vec::new();
        differences(&widget, &serde, "", &mut differ);
        assert_eq!(
            differ,
            ["setup_future_usage: the widget reads null, serde \"off_session\""]
        );
        assert!(seen.contains("payment_method_preview.card.last4"));
        assert!(!seen.contains("brand_new"));
        assert!(!seen.contains("setup_future_usage"));
        assert!(ignored(
            &Fixture {
                ignored: &[("payment_method_preview", "")],
                ..fixture
            },
            "payment_method_preview.card.brand"
        ));
    }
}
