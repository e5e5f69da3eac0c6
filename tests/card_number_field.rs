//! Browser tests of the card number field: what a shopper sees while typing and pasting.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use payment_element::CardNumberField;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a field into a fresh container attached to the document (focus needs it).
fn mount_field() -> (HtmlElement, RwSignal<String>) {
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let value = RwSignal::new(String::new());
    leptos::mount::mount_to(
        container.clone(),
        move || view! { <CardNumberField value /> },
    )
    .forget();
    (container, value)
}

fn input(container: &HtmlElement) -> HtmlInputElement {
    container
        .query_selector("input")
        .unwrap()
        .unwrap()
        .unchecked_into()
}

/// Types `text` as if the customer entered it at the end of the field.
fn type_text(field: &HtmlInputElement, text: &str) {
    field.set_value(&(field.value() + text));
    let end = field.value().len() as u32;
    field.set_selection_range(end, end).unwrap();
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn text_of(container: &HtmlElement, selector: &str) -> String {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn typing_groups_digits_and_shows_the_brand() {
    let (container, value) = mount_field();
    let field = input(&container);
    for digit in "4242424242424242".chars() {
        type_text(&field, &digit.to_string());
    }
    leptos::task::tick().await;
    assert_eq!(field.value(), "4242 4242 4242 4242");
    assert_eq!(value.get_untracked(), "4242 4242 4242 4242");
    assert_eq!(text_of(&container, ".pe-brand"), "visa");
    assert_eq!(
        field.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert_eq!(text_of(&container, ".pe-error"), "");
}

#[wasm_bindgen_test]
async fn pasting_with_dashes_is_accepted() {
    let (container, _) = mount_field();
    let field = input(&container);
    type_text(&field, "3782-822463-10005");
    leptos::task::tick().await;
    assert_eq!(field.value(), "3782 822463 10005");
    assert_eq!(text_of(&container, ".pe-brand"), "amex");
}

#[wasm_bindgen_test]
async fn label_and_autofill_hints_are_real() {
    let (container, _) = mount_field();
    let field = input(&container);
    let label = container.query_selector("label").unwrap().unwrap();
    assert_eq!(label.get_attribute("for"), Some(field.id()));
    assert_eq!(label.text_content().unwrap(), "Card number");
    assert_eq!(
        field.get_attribute("autocomplete").as_deref(),
        Some("cc-number")
    );
    assert_eq!(field.get_attribute("inputmode").as_deref(), Some("numeric"));
    let described = field.get_attribute("aria-describedby").unwrap();
    assert!(container
        .query_selector(&format!("#{described}"))
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn incomplete_number_errors_only_after_leaving_the_field() {
    let (container, _) = mount_field();
    let field = input(&container);
    type_text(&field, "4242 42");
    leptos::task::tick().await;
    assert_eq!(
        text_of(&container, ".pe-error"),
        "",
        "no error while still typing"
    );
    field
        .dispatch_event(&web_sys::FocusEvent::new("blur").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(
        text_of(&container, ".pe-error"),
        "Your card number is incomplete."
    );
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn a_number_that_cannot_become_valid_errors_at_once() {
    let (container, _) = mount_field();
    let field = input(&container);
    type_text(&field, "9999");
    leptos::task::tick().await;
    assert_eq!(
        text_of(&container, ".pe-error"),
        "Your card number is invalid."
    );
}

#[wasm_bindgen_test]
async fn a_full_length_number_failing_luhn_is_invalid_not_incomplete() {
    let (container, _) = mount_field();
    let field = input(&container);
    // Visa also has 19-digit numbers, so this stays "potentially valid" while typing.
    type_text(&field, "4242424242424241");
    leptos::task::tick().await;
    assert_eq!(text_of(&container, ".pe-error"), "");
    field
        .dispatch_event(&web_sys::FocusEvent::new("blur").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(
        text_of(&container, ".pe-error"),
        "Your card number is invalid."
    );
}
