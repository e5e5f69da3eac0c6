//! Browser tests of appearance (CSSOM custom properties and scoped rules), locales and
//! overrides, the live region, and the events the page receives.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use payment_element::model::locale::Locale;
use payment_element::model::options::LocaleChoice;
use payment_element::model::types::Theme;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn computed(element: &web_sys::Element, property: &str) -> String {
    window()
        .get_computed_style(element)
        .unwrap()
        .unwrap()
        .get_property_value(property)
        .unwrap()
        .trim()
        .to_owned()
}

#[wasm_bindgen_test]
async fn variables_become_custom_properties_on_the_root() {
    let m = mount_json(
        r##"{"locale": "en", "appearance": {"theme": "night",
             "variables": {"colorPrimary": "#ff0000", "borderRadius": "12px", "fontSizeBase": "18px"}}}"##,
    );
    settle().await;
    let root = m.root();
    assert_eq!(computed(&root, "--pe-color-primary"), "#ff0000");
    assert_eq!(computed(&root, "--pe-border-radius"), "12px");
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("night"));
    assert_eq!(
        computed(&m.field("number"), "border-top-left-radius"),
        "12px"
    );
    assert_eq!(computed(&root, "font-size"), "18px");
    // The CSP forbids style attributes in markup; CSSOM writes reflect into the root's
    // style attribute only, nothing else carries one.
    assert!(m
        .all("[style]")
        .iter()
        .all(|e| e.class_list().contains("pe-root")));
}

#[wasm_bindgen_test]
async fn rules_are_scoped_to_the_element_and_follow_invalid_state() {
    let m = mount_json(
        r##"{"locale": "en", "appearance": {"rules": {
            ".Input": {"backgroundColor": "rgb(1, 2, 3)"},
            ".Input--invalid": {"color": "rgb(200, 0, 0)"},
            ".Label": {"fontWeight": "700"}}}}"##,
    );
    let plain = mount_json(r#"{"locale": "en"}"#);
    settle().await;
    let number = m.field("number");
    assert_eq!(computed(&number, "background-color"), "rgb(1, 2, 3)");
    assert_ne!(
        computed(&plain.field("number"), "background-color"),
        "rgb(1, 2, 3)",
        "another element on the page is not affected"
    );
    let label = m.find(".pe-label").unwrap();
    assert_eq!(computed(&label, "font-weight"), "700");
    type_text(&number, "9999");
    settle().await;
    assert_eq!(computed(&number, "color"), "rgb(200, 0, 0)");
}

#[wasm_bindgen_test]
async fn appearance_changes_at_run_time() {
    let m =
        mount_json(r##"{"locale": "en", "appearance": {"variables": {"colorText": "#010203"}}}"##);
    settle().await;
    assert_eq!(computed(&m.root(), "--pe-color-text"), "#010203");
    m.options.update(|o| {
        o.appearance.theme.0 = Theme::Flat;
        o.appearance.variables.clear();
    });
    settle().await;
    assert_eq!(
        m.root().get_attribute("data-theme").as_deref(),
        Some("flat")
    );
    assert_eq!(computed(&m.root(), "--pe-color-text"), "#30313d");
}

#[wasm_bindgen_test]
async fn german_and_indonesian_labels_placeholders_and_errors() {
    let m = mount_json(r#"{"locale": "de"}"#);
    settle().await;
    assert_eq!(m.label_of("number"), "Kartennummer");
    assert_eq!(m.label_of("expiry"), "Ablaufdatum");
    assert_eq!(m.label_of("cvc"), "Sicherheitscode");
    assert_eq!(
        m.field("expiry").get_attribute("placeholder").as_deref(),
        Some("MM / JJ")
    );
    type_text(&m.field("number"), "9999");
    settle().await;
    assert_eq!(m.error_of("number"), "Ihre Kartennummer ist ungültig.");
    m.options
        .update(|o| o.locale = LocaleChoice::Fixed(Locale::Id));
    settle().await;
    assert_eq!(m.label_of("number"), "Nomor kartu");
    assert_eq!(m.error_of("number"), "Nomor kartu Anda tidak valid.");
    assert_eq!(m.field("number").value(), "9999");
    assert_eq!(m.text(".pe-live"), "Nomor kartu Anda tidak valid.");
}

#[wasm_bindgen_test]
async fn auto_locale_follows_the_browser() {
    let m = mount_json(r#"{"locale": "auto"}"#);
    settle().await;
    let expected = match window()
        .navigator()
        .language()
        .as_deref()
        .map(Locale::from_tag)
    {
        Some(Some(Locale::De)) => "Kartennummer",
        Some(Some(Locale::Id)) => "Nomor kartu",
        _ => "Card number",
    };
    assert_eq!(m.label_of("number"), expected);
}

#[wasm_bindgen_test]
async fn strings_override_any_message() {
    let m = mount_json(
        r#"{"locale": "de", "strings": {"card_number": "Kreditkarte", "card_number_invalid": "Nein."}}"#,
    );
    settle().await;
    assert_eq!(m.label_of("number"), "Kreditkarte");
    type_text(&m.field("number"), "9999");
    settle().await;
    assert_eq!(m.error_of("number"), "Nein.");
    assert_eq!(m.label_of("cvc"), "Sicherheitscode");
}

#[wasm_bindgen_test]
async fn ready_change_focus_and_blur_events() {
    let m = mount_json(r#"{"locale": "en", "currency": "eur", "amount": 500, "mode": "payment"}"#);
    settle().await;
    assert!(
        m.handle.get_untracked().is_some(),
        "ready carries the handle"
    );
    assert!(
        m.changes.get_untracked().is_empty(),
        "no change before input"
    );
    type_text(&m.field("number"), "4");
    settle().await;
    let first = m.changes.get_untracked()[0].clone();
    assert!(!first.empty && !first.complete);
    assert_eq!(first.value.kind.map(|k| k.as_str()), Some("card"));
    m.all("[role=radio]")[1].click();
    settle().await;
    let last = m.changes.get_untracked().last().unwrap().clone();
    assert_eq!(last.value.kind.map(|k| k.as_str()), Some("sepa_debit"));
    assert!(last.empty);

    let outside: web_sys::HtmlElement = document()
        .create_element("button")
        .unwrap()
        .unchecked_into();
    document().body().unwrap().append_child(&outside).unwrap();
    m.field("iban").focus().unwrap();
    m.field("email").focus().unwrap();
    outside.focus().unwrap();
    settle().await;
    assert_eq!(
        m.focus_events.get_untracked(),
        ["focus", "blur"],
        "moving between its own fields is not a blur"
    );
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
async fn ready_fires_once_even_if_its_handler_reads_signals() {
    // Regression: the handler ran inside a tracking effect, so any signal it read
    // re-fired `ready` whenever that signal changed.
    let container: web_sys::HtmlElement =
        document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let page_state = RwSignal::new(0);
    let readies = RwSignal::new(0);
    leptos::mount::mount_to(container, move || {
        view! {
            <payment_element::PaymentElement on_ready=Callback::new(move |_| {
                let _ = page_state.get();
                readies.update(|n| *n += 1);
            }) />
        }
    })
    .forget();
    settle().await;
    page_state.set(1);
    settle().await;
    assert_eq!(readies.get_untracked(), 1);
}

/// Records `console.warn` messages until dropped.
struct Warnings {
    original: wasm_bindgen::JsValue,
    seen: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
    _recorder: wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue)>,
}

impl Warnings {
    fn record() -> Warnings {
        use wasm_bindgen::JsCast;
        let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap();
        let original = js_sys::Reflect::get(&console, &"warn".into()).unwrap();
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = seen.clone();
        let recorder = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(
            move |message: wasm_bindgen::JsValue| {
                sink.borrow_mut()
                    .push(message.as_string().unwrap_or_default());
            },
        );
        js_sys::Reflect::set(&console, &"warn".into(), recorder.as_ref().unchecked_ref()).unwrap();
        Warnings {
            original,
            seen,
            _recorder: recorder,
        }
    }

    fn contrast(&self) -> Vec<String> {
        self.seen
            .borrow()
            .iter()
            .filter(|m| m.contains("WCAG"))
            .cloned()
            .collect()
    }
}

impl Drop for Warnings {
    fn drop(&mut self) {
        let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap();
        js_sys::Reflect::set(&console, &"warn".into(), &self.original).unwrap();
    }
}

#[wasm_bindgen_test]
async fn colours_under_wcag_aa_are_named_in_the_console_once() {
    let warnings = Warnings::record();
    for theme in ["stripe", "night", "flat"] {
        let _ = mount_json(&format!(
            r#"{{"locale": "en", "appearance": {{"theme": "{theme}"}}}}"#
        ));
        settle().await;
    }
    assert_eq!(
        warnings.contrast(),
        Vec::<String>::new(),
        "the themes meet AA"
    );

    let m = mount_json(
        r##"{"locale": "en", "currency": "eur", "amount": 1000,
             "appearance": {"variables": {"colorTextSecondary": "#aaaaaa"}}}"##,
    );
    settle().await;
    assert_eq!(
        warnings.contrast(),
        [
            "payment-element: appearance.variables give colorTextSecondary on colorBackground \
          a contrast of 2.3:1, under the 4.5:1 WCAG AA asks for text"
        ]
    );
    // Another option changing says nothing again.
    m.options
        .update(|o| o.amount = Some(payment_core::money::MinorUnit::new(2000)));
    settle().await;
    assert_eq!(warnings.contrast().len(), 1);
}
