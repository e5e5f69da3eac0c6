//! Browser tests of the JS embedding API (`src/js_api`), called as a page would call
//! the exports: option errors thrown as `TypeError`s naming the option, mount /
//! unmount / remount / destroy without leftovers, several elements on one page, events,
//! `elements.update` and `elements.submit`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{settle, type_text};
use payment_element::js_api::{checkout, JsElements, JsPaymentElement};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON")
}

/// The message of a thrown `TypeError` (anything else fails the test).
fn type_error(thrown: JsValue) -> String {
    let error: js_sys::Error = thrown
        .dyn_into::<js_sys::TypeError>()
        .expect("a TypeError")
        .into();
    error.message().into()
}

/// A Checkout whose payments origin answers nothing (port 9): inline cards are
/// tokenized there, so a payment fails as when the network is down.
const CHECKOUT: &str = r#"{"apiBase": "/api", "publishableKey": "pk_test_0123456789abcdef",
    "paymentsOrigin": "http://127.0.0.1:9"}"#;

fn elements(json: &str) -> JsElements {
    checkout(js(CHECKOUT), JsValue::UNDEFINED)
        .unwrap()
        .elements(js(json))
        .unwrap()
}

/// Card fields inline: the card frame needs the payments origin, which the test page has
/// not (the end-to-end suite pays through the frame).
const EUR: &str = r#"{"mode": "payment", "amount": 5400, "currency": "eur", "locale": "en",
    "cardFields": "inline"}"#;

/// A fresh container on the page, with an id to mount by selector.
fn container() -> HtmlElement {
    let document = leptos::prelude::document();
    let div: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    div.set_id(&format!("host-{}", js_sys::Math::random().to_bits()));
    document.body().unwrap().append_child(&div).unwrap();
    div
}

fn counter() -> (Rc<Cell<u32>>, JsValue) {
    let count = Rc::new(Cell::new(0));
    let seen = count.clone();
    let handler = Closure::<dyn Fn(JsValue)>::new(move |_: JsValue| seen.set(seen.get() + 1));
    (count, handler.into_js_value())
}

fn card_field(host: &HtmlElement, name: &str) -> HtmlInputElement {
    host.query_selector(&format!("[data-field={name}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no {name} field"))
        .unchecked_into()
}

#[wasm_bindgen_test]
fn bad_options_throw_type_errors_naming_the_option() {
    let bad = |elements_json: &str, create_json: &str| {
        let group = checkout(JsValue::UNDEFINED, JsValue::UNDEFINED)
            .unwrap()
            .elements(js(elements_json));
        match group {
            Err(thrown) => type_error(thrown),
            Ok(group) => type_error(group.create("payment", js(create_json)).err().unwrap()),
        }
    };
    assert_eq!(
        bad(EUR, r#"{"layout": {"type": "grid"}}"#),
        "layout.type must be \"accordion\" or \"tabs\""
    );
    assert!(bad(EUR, r#"{"layot": "tabs"}"#).starts_with("layot is not an option"));
    assert_eq!(
        bad(EUR, r#"{"layout": {"radios": 3}}"#),
        "layout.radios must be \"always\", \"never\" or \"if_multiple\""
    );
    assert_eq!(
        bad(
            r#"{"mode": "payment", "amount": "54", "currency": "eur"}"#,
            "{}"
        ),
        "amount must be a whole number"
    );
    assert_eq!(
        bad(r#"{"mode": "payment", "currency": "eur"}"#, "{}"),
        "amount is required when mode is \"payment\" or \"subscription\""
    );
    assert!(
        bad(r#"{"appearance": {"theme": "dark"}}"#, "{}").starts_with("appearance.theme must be")
    );
    assert_eq!(
        bad(
            r#"{"fields": {"billingDetails": {"address": {"zip": "never"}}}}"#,
            "{}"
        ),
        "fields.billingDetails.address.zip is not an option; use one of country, postalCode"
    );
    assert!(type_error(
        checkout(js(r#"{"apiBase": 5}"#), JsValue::UNDEFINED)
            .err()
            .unwrap()
    )
    .starts_with("apiBase must be"));
    assert_eq!(
        type_error(
            checkout(js(r#"{"timeout": 50}"#), JsValue::UNDEFINED)
                .err()
                .unwrap()
        ),
        "timeout must be a whole number of milliseconds from 1000 to 120000"
    );
    assert_eq!(
        type_error(
            checkout(js(r#"{"apiBse": "/api"}"#), JsValue::UNDEFINED)
                .err()
                .unwrap()
        ),
        "Checkout: unknown option apiBse; the options are apiBase, timeout, publishableKey \
         and paymentsOrigin"
    );
    assert!(checkout(
        js(r#"{"apiBase": "/api", "timeout": 5000}"#),
        JsValue::UNDEFINED
    )
    .is_ok());
    let group = elements(EUR);
    assert!(
        type_error(group.create("card", JsValue::UNDEFINED).err().unwrap())
            .contains("must be \"payment\"")
    );
    let element = group.create("payment", JsValue::UNDEFINED).unwrap();
    assert!(type_error(
        element
            .on("click", js_sys::Function::new_no_args("").into())
            .err()
            .unwrap()
    )
    .starts_with("on: the event must be"));
    assert!(
        type_error(element.mount("#no-such-host".into()).err().unwrap())
            .contains("no element matches \"#no-such-host\"")
    );
}

#[wasm_bindgen_test]
fn confirm_refuses_bad_arguments_at_call_time() {
    let api = checkout(JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    let group = api.elements(js(EUR)).unwrap();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"elements".into(), &JsValue::from(group)).unwrap();
    let thrown = api.confirm(options.clone().into()).err().unwrap();
    assert_eq!(type_error(thrown), "confirm: params must be an object");
    js_sys::Reflect::set(
        &options,
        &"params".into(),
        &js(r#"{"return_url": "/complete"}"#),
    )
    .unwrap();
    js_sys::Reflect::set(&options, &"redirect".into(), &"sometimes".into()).unwrap();
    assert_eq!(
        type_error(api.confirm(options.into()).err().unwrap()),
        "confirm: redirect must be \"always\" or \"if_required\""
    );
    // Setup mode saves a method without paying: confirm, which charges the cart, refuses.
    let setup = api
        .elements(js(r#"{"mode": "setup", "currency": "eur"}"#))
        .unwrap();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"elements".into(), &JsValue::from(setup)).unwrap();
    js_sys::Reflect::set(&options, &"params".into(), &js(r#"{"return_url": "/c"}"#)).unwrap();
    let thrown = type_error(api.confirm(options.into()).err().unwrap());
    assert!(thrown.contains("needs mode \"payment\""), "{thrown}");
    let thrown = api
        .confirm(js(r#"{"elements": {}, "params": {"return_url": "/c"}}"#))
        .err()
        .unwrap();
    assert!(type_error(thrown).contains("elements must be the object checkout.elements() returned"));
    assert!(type_error(
        api.retrieve_payment_intent("not-a-secret".into())
            .err()
            .unwrap()
    )
    .contains("clientSecret must be a payment intent's client secret"));
}

#[wasm_bindgen_test]
async fn mount_unmount_remount_and_destroy_leave_nothing_behind() {
    let host = container();
    let group = elements(EUR);
    let element: JsPaymentElement = group.create("payment", JsValue::UNDEFINED).unwrap();
    let (ready, on_ready) = counter();
    element.on("ready", on_ready).unwrap();
    let selector = format!("#{}", host.id());

    element.mount(selector.clone().into()).unwrap();
    settle().await;
    assert!(host.query_selector(".pe-root").unwrap().is_some());
    assert_eq!(ready.get(), 1);
    assert!(
        element.mount(selector.clone().into()).is_err(),
        "mounted twice"
    );

    element.unmount();
    settle().await;
    assert_eq!(host.child_element_count(), 0, "unmount empties the host");

    // Remounting by Element works too, and starts afresh.
    element.mount(host.clone().into()).unwrap();
    settle().await;
    assert!(host.query_selector(".pe-root").unwrap().is_some());
    assert_eq!(ready.get(), 2);

    element.destroy();
    settle().await;
    assert_eq!(host.child_element_count(), 0);
    assert!(
        element.mount(selector.into()).is_err(),
        "a destroyed element stays destroyed"
    );
    assert_eq!(ready.get(), 2);
    // The group may create a new element once the old one is destroyed, and the old
    // one going away later (garbage collection) leaves the new one working.
    let newer = group.create("payment", JsValue::UNDEFINED).unwrap();
    newer.mount(host.clone().into()).unwrap();
    settle().await;
    drop(element);
    let answer = JsFuture::from(group.submit()).await.unwrap();
    let error = js_sys::Reflect::get(&answer, &"error".into()).unwrap();
    // Regression: dropping a destroyed element cleared the newer element's handle.
    assert_eq!(
        js_sys::Reflect::get(&error, &"code".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("incomplete"),
        "the newer element is still the group's"
    );
    newer.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn two_elements_live_side_by_side() {
    let (first_host, second_host) = (container(), container());
    let first_group = elements(EUR);
    let second_group = elements(
        r#"{"mode": "payment", "amount": 100, "currency": "php", "locale": "de",
            "cardFields": "inline"}"#,
    );
    let first = first_group.create("payment", JsValue::UNDEFINED).unwrap();
    let second = second_group
        .create("payment", js(r#"{"layout": "tabs"}"#))
        .unwrap();
    first.mount(first_host.clone().into()).unwrap();
    second.mount(second_host.clone().into()).unwrap();
    settle().await;
    let first_root = first_host.query_selector(".pe-root").unwrap().unwrap();
    let second_root = second_host.query_selector(".pe-root").unwrap().unwrap();
    assert_ne!(first_root.id(), second_root.id());
    assert_eq!(
        second_root.get_attribute("data-layout").as_deref(),
        Some("tabs")
    );
    assert_eq!(second_root.get_attribute("lang").as_deref(), Some("de"));

    first.unmount();
    settle().await;
    assert_eq!(first_host.child_element_count(), 0);
    assert!(
        second_host.query_selector(".pe-root").unwrap().is_some(),
        "the other stays"
    );
    second.destroy();
    first.destroy();
    first_host.remove();
    second_host.remove();
}

#[wasm_bindgen_test]
async fn change_events_reach_the_page_and_submit_resolves_with_or_without_error() {
    let host = container();
    let group = elements(
        r#"{"mode": "payment", "amount": 5400, "currency": "usd", "locale": "en",
            "cardFields": "inline"}"#,
    );
    let element = group
        .create(
            "payment",
            js(r#"{"fields": {"billingDetails": {"address": "never"}}}"#),
        )
        .unwrap();
    let (changes, on_change) = counter();
    element.on("change", on_change).unwrap();
    element.mount(host.clone().into()).unwrap();
    settle().await;

    let answer = JsFuture::from(group.submit())
        .await
        .expect("submit never rejects");
    let error = js_sys::Reflect::get(&answer, &"error".into()).unwrap();
    assert_eq!(
        js_sys::Reflect::get(&error, &"type".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("validation_error")
    );
    assert!(js_sys::Reflect::get(&error, &"message".into())
        .unwrap()
        .as_string()
        .is_some_and(|m| !m.is_empty()));

    type_text(&card_field(&host, "number"), "4242424242424242");
    type_text(&card_field(&host, "expiry"), "1234");
    type_text(&card_field(&host, "cvc"), "123");
    settle().await;
    assert!(changes.get() >= 1, "change events were sent");
    let answer = JsFuture::from(group.submit()).await.unwrap();
    assert!(
        js_sys::Reflect::get(&answer, &"error".into())
            .unwrap()
            .is_undefined(),
        "complete details submit"
    );
    element.destroy();
    host.remove();
}

/// `error.code` and `error.message` of a `{error}` answer.
fn error_of(answer: &JsValue) -> (String, String) {
    let error = js_sys::Reflect::get(answer, &"error".into()).unwrap();
    let read = |key: &str| {
        js_sys::Reflect::get(&error, &key.into())
            .unwrap()
            .as_string()
            .unwrap_or_default()
    };
    (read("code"), read("message"))
}

#[wasm_bindgen_test]
async fn submit_says_what_is_missing_in_the_elements_language() {
    let group = elements(
        r#"{"mode": "payment", "amount": 5400, "currency": "eur", "locale": "de",
            "strings": {"element_not_ready": "Bitte kurz warten."}}"#,
    );
    // Before mounting: the group's own language and wording.
    let answer = JsFuture::from(group.submit()).await.unwrap();
    assert_eq!(
        error_of(&answer),
        ("element_not_mounted".into(), "Bitte kurz warten.".into())
    );
    // A collapsed accordion with nothing chosen: "choose a method", not an English
    // fallback.
    let host = container();
    let element = group
        .create(
            "payment",
            js(r#"{"layout": {"type": "accordion", "defaultCollapsed": true}}"#),
        )
        .unwrap();
    element.mount(host.clone().into()).unwrap();
    settle().await;
    let answer = JsFuture::from(group.submit()).await.unwrap();
    assert_eq!(
        error_of(&answer),
        (
            "incomplete".into(),
            "Wählen Sie eine Zahlungsmethode.".into()
        )
    );
    element.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn update_changes_options_or_throws_and_keeps_the_old_ones() {
    let host = container();
    let group = elements(EUR);
    let element = group.create("payment", JsValue::UNDEFINED).unwrap();
    element.mount(host.clone().into()).unwrap();
    settle().await;
    let label = || {
        host.query_selector("[data-field=number]")
            .unwrap()
            .map(|input| {
                let id = input.id();
                host.query_selector(&format!("label[for='{id}']"))
                    .unwrap()
                    .unwrap()
                    .text_content()
                    .unwrap_or_default()
            })
    };
    assert_eq!(label().as_deref(), Some("Card number"));
    assert_eq!(
        type_error(group.update(js(r#"{"amount": 0}"#)).err().unwrap()),
        "amount must be a positive whole number of minor units"
    );
    group.update(js(r#"{"locale": "de"}"#)).unwrap();
    settle().await;
    assert_eq!(label().as_deref(), Some("Kartennummer"));

    // The element's own options change in place too; what was typed stays.
    type_text(&card_field(&host, "number"), "4242424242424242");
    settle().await;
    assert!(host.query_selector("[role=tablist]").unwrap().is_none());
    element
        .update(js(r#"{"layout": {"type": "tabs"}}"#))
        .unwrap();
    settle().await;
    assert!(host.query_selector("[role=tablist]").unwrap().is_some());
    assert_eq!(card_field(&host, "number").value(), "4242 4242 4242 4242");
    assert_eq!(
        type_error(
            element
                .update(js(r#"{"layout": {"type": "grid"}}"#))
                .err()
                .unwrap()
        ),
        "layout.type must be \"accordion\" or \"tabs\""
    );
    assert!(host.query_selector("[role=tablist]").unwrap().is_some());
    element.destroy();
    host.remove();
}

/// Waits (up to 5 s) for the `<payment-element>`'s shadow root to hold the widget.
async fn shadow_root_of(tag: &web_sys::Element) -> web_sys::ShadowRoot {
    for _ in 0..100 {
        if let Some(root) = tag.shadow_root() {
            if root.query_selector(".pe-root").unwrap().is_some() {
                return root;
            }
        }
        payment_element::net::client::sleep_ms(50).await;
    }
    panic!("<payment-element> did not mount its widget");
}

#[wasm_bindgen_test]
async fn the_custom_element_mounts_in_its_own_shadow_root() {
    payment_element::js_api::define_custom_element();
    payment_element::js_api::define_custom_element(); // a second call does nothing
    let document = leptos::prelude::document();
    // A page rule that would hide the widget, were it not in a shadow root.
    let page_sheet = web_sys::CssStyleSheet::new().unwrap();
    page_sheet
        .replace_sync(".pe-root { display: none }")
        .unwrap();
    document.set_adopted_style_sheets(&js_sys::Array::of1(&page_sheet));

    let tag = document.create_element("payment-element").unwrap();
    tag.set_attribute(
        "options",
        r#"{"mode": "payment", "amount": 5400, "currency": "eur", "locale": "en",
            "cardFields": "inline"}"#,
    )
    .unwrap();
    document.body().unwrap().append_child(&tag).unwrap();
    let root = shadow_root_of(&tag).await;
    assert!(
        document.query_selector(".pe-root").unwrap().is_none(),
        "nothing leaks into the page's tree"
    );
    let widget: HtmlElement = root
        .query_selector(".pe-root")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(
        widget.offset_height() > 0,
        "page CSS does not reach into the element"
    );

    // Typing works inside the shadow root (events are delegated through composedPath).
    let number: HtmlInputElement = root
        .query_selector("[data-field=number]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    type_text(&number, "4242424242424242");
    settle().await;
    assert_eq!(number.value(), "4242 4242 4242 4242");
    let element = js_sys::Reflect::get(&tag, &"paymentElement".into()).unwrap();
    assert!(!element.is_undefined());

    // Moved elsewhere in the page (a modal, a reordering): the same element, and what
    // was typed stays.
    let other = document.create_element("section").unwrap();
    document.body().unwrap().append_child(&other).unwrap();
    other.append_child(&tag).unwrap();
    settle().await;
    assert!(js_sys::Object::is(
        &js_sys::Reflect::get(&tag, &"paymentElement".into()).unwrap(),
        &element
    ));
    assert_eq!(number.value(), "4242 4242 4242 4242");
    assert_eq!(root.child_element_count(), 1);
    // A new options attribute updates the element in place: German labels, the card
    // still typed; invalid options leave it as it is.
    tag.set_attribute(
        "options",
        r#"{"mode": "payment", "amount": 5400, "currency": "eur", "locale": "de",
            "cardFields": "inline"}"#,
    )
    .unwrap();
    settle().await;
    let label = |root: &web_sys::ShadowRoot| {
        root.query_selector("label[for]")
            .unwrap()
            .and_then(|l| l.text_content())
            .unwrap_or_default()
    };
    assert_eq!(label(&root), "Kartennummer");
    assert_eq!(number.value(), "4242 4242 4242 4242");
    tag.set_attribute("options", r#"{"layout": {"type": "grid"}}"#)
        .unwrap();
    settle().await;
    assert_eq!(
        label(&root),
        "Kartennummer",
        "invalid options change nothing"
    );
    other.remove();

    tag.remove();
    settle().await;
    assert_eq!(
        root.child_element_count(),
        0,
        "removing the tag destroys the element"
    );
    document.set_adopted_style_sheets(&js_sys::Array::new());
}

fn active_in(root: &web_sys::ShadowRoot) -> Option<String> {
    let active = js_sys::Reflect::get(root, &"activeElement".into()).ok()?;
    active
        .dyn_into::<web_sys::Element>()
        .ok()?
        .get_attribute("data-field")
}

#[wasm_bindgen_test]
async fn inside_the_shadow_root_rules_focus_and_the_payment_lock_work() {
    payment_element::js_api::define_custom_element();
    let document = leptos::prelude::document();
    let tag = document.create_element("payment-element").unwrap();
    tag.set_attribute(
        "options",
        r#"{"mode": "payment", "amount": 5400, "currency": "eur", "locale": "en",
            "cardFields": "inline",
            "appearance": {"rules": {".Input": {"color": "rgb(1, 2, 3)"}}}}"#,
    )
    .unwrap();
    tag.set_attribute("publishable-key", "pk_test_0123456789abcdef")
        .unwrap();
    tag.set_attribute("payments-origin", "http://127.0.0.1:9")
        .unwrap();
    document.body().unwrap().append_child(&tag).unwrap();
    let root = shadow_root_of(&tag).await;
    settle().await;
    let field = |name: &str| -> HtmlInputElement {
        root.query_selector(&format!("[data-field={name}]"))
            .unwrap()
            .unwrap()
            .unchecked_into()
    };

    // appearance.rules reach the inputs: the rule sheet is adopted by the shadow root.
    let number = field("number");
    let color = leptos::prelude::window()
        .get_computed_style(&number)
        .unwrap()
        .unwrap()
        .get_property_value("color")
        .unwrap();
    assert_eq!(color, "rgb(1, 2, 3)");

    // A completed number moves the focus on to the expiry, inside the shadow root.
    number.focus().unwrap();
    type_text(&number, "4242424242424242");
    settle().await;
    assert_eq!(active_in(&root).as_deref(), Some("expiry"));
    field("expiry").blur().unwrap();

    // submit() focuses the first invalid field, inside the shadow root.
    let elements = js_sys::Reflect::get(&tag, &"elements".into()).unwrap();
    let submit: js_sys::Function = js_sys::Reflect::get(&elements, &"submit".into())
        .unwrap()
        .unchecked_into();
    let result = JsFuture::from(js_sys::Promise::from(submit.call0(&elements).unwrap()))
        .await
        .unwrap();
    assert!(!js_sys::Reflect::get(&result, &"error".into())
        .unwrap()
        .is_undefined());
    assert_eq!(active_in(&root).as_deref(), Some("expiry"));

    // confirm() locks the element while the payment is out, and opens it again after a
    // failure (nothing answers on port 9).
    type_text(&field("expiry"), "1234");
    type_text(&field("cvc"), "123");
    let postal = root.query_selector("[data-field=postal_code]").unwrap();
    if let Some(postal) = postal {
        type_text(postal.unchecked_ref(), "10115");
    }
    settle().await;
    let checkout = checkout(
        js(r#"{"apiBase": "http://127.0.0.1:9/api"}"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"elements".into(), &elements).unwrap();
    js_sys::Reflect::set(
        &options,
        &"params".into(),
        &js(r#"{"return_url": "https://shop.example/complete"}"#),
    )
    .unwrap();
    let pending = checkout.confirm(options.into()).unwrap();
    let widget = root.query_selector(".pe-root").unwrap().unwrap();
    assert!(
        widget.has_attribute("inert"),
        "locked while the payment is out"
    );
    let result = JsFuture::from(pending).await.unwrap();
    let error = js_sys::Reflect::get(&result, &"error".into()).unwrap();
    assert_eq!(
        js_sys::Reflect::get(&error, &"type".into()).unwrap(),
        "api_connection_error"
    );
    assert!(
        !widget.has_attribute("inert"),
        "open again after the failure"
    );
    assert_eq!(field("number").value(), "4242 4242 4242 4242");
    tag.remove();
    settle().await;
}

#[wasm_bindgen_test]
async fn confirm_calls_in_one_tick_make_one_attempt() {
    let host = container();
    let group = elements(EUR);
    let element = group.create("payment", JsValue::UNDEFINED).unwrap();
    element.mount(host.clone().into()).unwrap();
    settle().await;
    type_text(&card_field(&host, "number"), "4242424242424242");
    type_text(&card_field(&host, "expiry"), "1234");
    type_text(&card_field(&host, "cvc"), "123");
    if let Some(postal) = host.query_selector("[data-field=postal_code]").unwrap() {
        type_text(postal.unchecked_ref(), "10115");
    }
    settle().await;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"elements".into(), &group.into()).unwrap();
    js_sys::Reflect::set(
        &options,
        &"params".into(),
        &js(r#"{"return_url": "https://shop.example/complete"}"#),
    )
    .unwrap();
    // Nothing answers on port 9: the first call fails on the network, after the
    // second was refused at once by the guard.
    let checkout = checkout(
        js(r#"{"apiBase": "http://127.0.0.1:9/api"}"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    let first = checkout.confirm(options.clone().into()).unwrap();
    let second = checkout.confirm(options.clone().into()).unwrap();
    let error_of = |result: JsValue| {
        let error = js_sys::Reflect::get(&result, &"error".into()).unwrap();
        let get = |k: &str| js_sys::Reflect::get(&error, &k.into()).unwrap().as_string();
        (get("type"), get("code"))
    };
    assert_eq!(
        error_of(JsFuture::from(second).await.unwrap()),
        (
            Some("invalid_request_error".into()),
            Some("payment_in_progress".into())
        )
    );
    assert_eq!(
        error_of(JsFuture::from(first).await.unwrap()).0.as_deref(),
        Some("api_connection_error")
    );
    // The form is open again and a new call is an attempt of its own.
    let third = JsFuture::from(checkout.confirm(options.into()).unwrap())
        .await
        .unwrap();
    assert_eq!(error_of(third).0.as_deref(), Some("api_connection_error"));
    element.destroy();
    host.remove();
}

#[wasm_bindgen_test]
fn stripes_constructor_and_confirm_params_are_taken() {
    // `Checkout(pk, options)`, Stripe's own options accepted and unused.
    let api = checkout(
        "pk_test_0123456789abcdef".into(),
        js(r#"{"apiVersion": "2024-06-20", "locale": "de", "betas": [],
               "paymentsOrigin": "http://127.0.0.1:9"}"#),
    )
    .unwrap();
    assert!(type_error(
        checkout(
            "pk_test_0123456789abcdef".into(),
            js(r#"{"apiBse": "/api"}"#)
        )
        .err()
        .unwrap()
    )
    .starts_with("Checkout: unknown option apiBse"));
    let group = api.elements(js(EUR)).unwrap();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"elements".into(), &JsValue::from(group)).unwrap();
    assert_eq!(
        type_error(api.confirm_payment(options.clone().into()).err().unwrap()),
        "confirmPayment: confirmParams must be an object"
    );
    js_sys::Reflect::set(&options, &"confirmParams".into(), &js("{}")).unwrap();
    assert_eq!(
        type_error(api.confirm_payment(options.into()).err().unwrap()),
        "confirmPayment: confirmParams.return_url is required"
    );
    // A client secret must be one.
    assert!(type_error(
        api.elements(js(r#"{"clientSecret": "seti_123"}"#))
            .err()
            .unwrap()
    )
    .starts_with("elements: clientSecret must be"));
}

#[wasm_bindgen_test]
fn confirm_setup_and_confirm_payment_each_take_their_own_intent() {
    let api = checkout(js(CHECKOUT), JsValue::UNDEFINED).unwrap();
    let confirm_options = |group: JsElements| {
        let options = js(r#"{"confirmParams": {"return_url": "/saved"}}"#);
        js_sys::Reflect::set(&options, &"elements".into(), &JsValue::from(group)).unwrap();
        options
    };
    // Deferred elements have no setup intent to confirm.
    let deferred = api.elements(js(EUR)).unwrap();
    assert!(
        type_error(api.confirm_setup(confirm_options(deferred)).err().unwrap())
            .starts_with("confirmSetup: needs a setup intent")
    );
    // A setup intent's elements save a method: confirmPayment would charge.
    let setup = api
        .elements(js(
            r#"{"clientSecret": "seti_1_secret_x", "locale": "en", "cardFields": "inline"}"#,
        ))
        .unwrap();
    assert!(
        type_error(api.confirm_payment(confirm_options(setup)).err().unwrap())
            .starts_with("confirmPayment: these elements are for a setup intent")
    );
    // Stripe's deferred flow passes the intent's secret to the confirm call instead:
    // not twice, and a setup intent's only to elements in setup mode.
    let options =
        js(r#"{"confirmParams": {"return_url": "/saved"}, "clientSecret": "seti_2_secret_y"}"#);
    js_sys::Reflect::set(
        &options,
        &"elements".into(),
        &JsValue::from(api.elements(js(EUR)).unwrap()),
    )
    .unwrap();
    assert!(type_error(api.confirm_setup(options).err().unwrap())
        .starts_with("confirmSetup: a setup intent's clientSecret needs elements created with mode \"setup\""));
    let options =
        js(r#"{"confirmParams": {"return_url": "/paid"}, "clientSecret": "pi_2_secret_y"}"#);
    let own = api
        .elements(js(
            r#"{"clientSecret": "pi_1_secret_x", "locale": "en", "cardFields": "inline"}"#,
        ))
        .unwrap();
    js_sys::Reflect::set(&options, &"elements".into(), &JsValue::from(own)).unwrap();
    assert!(type_error(api.confirm_payment(options).err().unwrap())
        .starts_with("confirmPayment: clientSecret was given to elements() already"));
    // Each retrieve call reads its own kind of intent.
    assert_eq!(
        type_error(
            api.retrieve_payment_intent("seti_1_secret_x".into())
                .err()
                .unwrap()
        ),
        "retrievePaymentIntent: clientSecret is a setup intent's: call retrieveSetupIntent"
    );
    assert_eq!(
        type_error(
            api.retrieve_setup_intent("pi_1_secret_x".into())
                .err()
                .unwrap()
        ),
        "retrieveSetupIntent: clientSecret is a payment intent's: call retrievePaymentIntent"
    );
}

#[wasm_bindgen_test]
async fn an_intent_that_cannot_be_read_is_the_elements_loaderror() {
    // The merchant API does not answer: the element still mounts, says it is loading,
    // then why it could not show the intent.
    let api = checkout(
        "pk_test_0123456789abcdef".into(),
        js(r#"{"apiBase": "http://127.0.0.1:9/api", "timeout": 1000,
               "paymentsOrigin": "http://127.0.0.1:9"}"#),
    )
    .unwrap();
    let group = api
        .elements(js(
            r#"{"clientSecret": "pi_123_secret_abc", "locale": "en", "cardFields": "inline"}"#,
        ))
        .unwrap();
    let element = group.create("payment", JsValue::UNDEFINED).unwrap();
    let (started, on_start) = counter();
    let errors = Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = errors.clone();
    let on_error = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let error = js_sys::Reflect::get(&event, &"error".into()).unwrap();
        let code = js_sys::Reflect::get(&error, &"type".into()).unwrap();
        seen.borrow_mut().push(code.as_string().unwrap_or_default());
    })
    .into_js_value();
    let host = container();
    element.mount(host.clone().into()).unwrap();
    // Until the intent is read the mount point stays empty (its CSS placeholder): a
    // form shown now would be replaced, card frame and all, when the intent arrives.
    assert_eq!(
        host.child_element_count(),
        0,
        "nothing rendered before the intent"
    );
    element.on("loaderstart", on_start).unwrap();
    element.on("loaderror", on_error).unwrap();
    for _ in 0..60 {
        if !errors.borrow().is_empty() {
            break;
        }
        settle().await;
        sleep(100).await;
    }
    assert_eq!(started.get(), 1, "loaderstart once, after mount");
    assert_eq!(errors.borrow().len(), 1, "loaderror once");
    // Read or not, the element then shows (with the page's own options).
    settle().await;
    assert!(
        host.child_element_count() > 0,
        "the element renders once the read ended"
    );
    // `fetchUpdates` tries again and says the same.
    let answer = JsFuture::from(group.fetch_updates()).await.unwrap();
    let error = js_sys::Reflect::get(&answer, &"error".into()).unwrap();
    assert!(error.is_object(), "fetchUpdates resolves to {{error}}");
    element.destroy();
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        leptos::prelude::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn element_types_not_offered_render_nothing_and_the_payment_element_stays_reachable() {
    let group = elements(EUR);
    let host = container();
    let address = group.create("address", JsValue::UNDEFINED).unwrap();
    address.mount(host.clone().into()).unwrap();
    settle().await;
    assert_eq!(
        host.child_element_count(),
        0,
        "an address element renders nothing"
    );
    // The group's Payment Element is still to be made, and found by getElement.
    assert!(group.get_element("payment").is_none());
    let payment = group.create("payment", JsValue::UNDEFINED).unwrap();
    let found = group.get_element("payment").unwrap();
    assert!(group.get_element("address").is_none());
    // Letting go of getElement's handle destroys nothing: the element still mounts.
    drop(found);
    payment.mount(host.clone().into()).unwrap();
    settle().await;
    assert!(host
        .query_selector("[data-field=number]")
        .unwrap()
        .is_some());
    payment.destroy();
    address.destroy();
}

#[wasm_bindgen_test]
async fn focus_blur_and_clear_work_as_stripes() {
    let group = elements(EUR);
    let element = group.create("payment", JsValue::UNDEFINED).unwrap();
    let host = container();
    element.mount(host.clone().into()).unwrap();
    let (ready, on_ready) = counter();
    element.on("ready", on_ready).unwrap();
    for _ in 0..20 {
        if ready.get() > 0 {
            break;
        }
        settle().await;
    }
    let number = card_field(&host, "number");
    element.focus();
    settle().await;
    let active = leptos::prelude::document().active_element();
    assert_eq!(
        active.as_ref(),
        Some(number.unchecked_ref::<web_sys::Element>())
    );
    type_text(&number, "4242424242424242");
    type_text(&card_field(&host, "cvc"), "123");
    settle().await;
    element.blur();
    settle().await;
    let active = leptos::prelude::document().active_element();
    assert!(
        !active.is_some_and(|a| host.contains(Some(&a))),
        "blur() takes focus out of the element"
    );
    element.clear();
    settle().await;
    assert_eq!(card_field(&host, "number").value(), "");
    assert_eq!(card_field(&host, "cvc").value(), "");
    element.destroy();
}

#[wasm_bindgen_test]
async fn escape_and_collapse_reach_the_page_with_stripes_payloads() {
    let group = elements(EUR);
    let element = group.create("payment", JsValue::UNDEFINED).unwrap();
    let host = container();
    element.mount(host.clone().into()).unwrap();
    let (escapes, on_escape) = counter();
    element.on("escape", on_escape).unwrap();
    let changes = Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = changes.clone();
    let on_change = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let collapsed = js_sys::Reflect::get(&event, &"collapsed".into()).unwrap();
        seen.borrow_mut().push(collapsed.as_bool());
    })
    .into_js_value();
    element.on("change", on_change).unwrap();
    for _ in 0..20 {
        settle().await;
    }
    let number = card_field(&host, "number");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let key = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    number.dispatch_event(&key).unwrap();
    assert_eq!(
        escapes.get(),
        1,
        "Escape in a field is the element's escape event"
    );
    // The card is open: collapse() closes it, and the change event says so.
    assert!(host
        .query_selector("[data-field=number]")
        .unwrap()
        .is_some());
    element.collapse();
    for _ in 0..5 {
        settle().await;
    }
    let open = host
        .query_selector(".pe-accordion-body:not([hidden]) [data-field=number]")
        .unwrap();
    assert!(open.is_none(), "collapse() leaves no method open");
    assert_eq!(
        changes.borrow().last(),
        Some(&Some(true)),
        "{:?}",
        changes.borrow()
    );
    element.destroy();
}

#[wasm_bindgen_test]
fn fonts_of_the_pages_own_origin_are_linked_once() {
    let options = r#"{"mode": "payment", "amount": 5400, "currency": "eur",
        "fonts": [{"cssSrc": "/test-fonts.css"}, {"cssSrc": "https://fonts.example/x.css"},
                  {"family": "Avenir", "src": "url(https://fonts.example/avenir.woff)"}]}"#;
    let _first = elements(options);
    let _second = elements(options);
    let document = leptos::prelude::document();
    let linked = document
        .query_selector_all("link[data-payment-element-font]")
        .unwrap();
    assert_eq!(
        linked.length(),
        1,
        "one link, for the page's own stylesheet"
    );
    let href = linked
        .item(0)
        .unwrap()
        .unchecked_into::<web_sys::Element>()
        .get_attribute("href")
        .unwrap();
    let origin = leptos::prelude::window().location().origin().unwrap();
    assert_eq!(href, format!("{origin}/test-fonts.css"));
}
