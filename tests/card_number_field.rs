//! Browser tests of the card number field: what a shopper sees while typing and pasting
//! numbers of every brand.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn card_element() -> Mounted {
    mount_json(r#"{"locale": "en", "currency": "usd", "amount": 1000, "mode": "payment"}"#)
}

#[wasm_bindgen_test]
async fn typing_groups_digits_and_shows_the_brand() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    type_text(&field, "4242424242424242");
    settle().await;
    assert_eq!(field.value(), "4242 4242 4242 4242");
    assert_eq!(m.icons(".pe-brand"), ["visa"]);
    assert_eq!(
        field.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert_eq!(m.error_of("number"), "");
}

#[wasm_bindgen_test]
async fn every_brand_is_grouped_by_its_own_gaps() {
    let cases = [
        ("5555555555554444", "5555 5555 5555 4444", "mastercard"),
        ("378282246310005", "3782 822463 10005", "amex"),
        ("6011111111111117", "6011 1111 1111 1117", "discover"),
        ("30569309025904", "3056 930902 5904", "diners"),
        ("3566002020360505", "3566 0020 2036 0505", "jcb"),
        ("6200000000000005", "6200 0000 0000 0005", "unionpay"),
    ];
    for (typed, shown, brand) in cases {
        let m = card_element();
        settle().await;
        let field = m.field("number");
        type_text(&field, typed);
        settle().await;
        assert_eq!(field.value(), shown, "{brand}");
        assert_eq!(m.icons(".pe-brand"), [brand]);
        assert_eq!(
            m.find(".pe-brand")
                .unwrap()
                .get_attribute("data-brand")
                .as_deref(),
            Some(brand)
        );
    }
}

#[wasm_bindgen_test]
async fn the_brand_icon_waits_while_several_brands_are_possible() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    type_text(&field, "3");
    settle().await;
    // 3 may be Amex, Diners or JCB: the generic card.
    assert_eq!(m.icons(".pe-brand"), ["card"]);
    assert_eq!(
        m.find(".pe-brand")
            .unwrap()
            .get_attribute("data-brand")
            .as_deref(),
        Some("unknown")
    );
    type_text(&field, "7");
    settle().await;
    assert_eq!(m.icons(".pe-brand"), ["amex"]);
    // "40" can still be Visa or Elo: both logos until the number decides.
    let m = card_element();
    settle().await;
    let field = m.field("number");
    type_text(&field, "40");
    settle().await;
    assert_eq!(m.icons(".pe-brand"), ["visa", "elo"]);
    type_text(&field, "12");
    settle().await;
    assert_eq!(m.icons(".pe-brand"), ["visa"]);
}

#[wasm_bindgen_test]
async fn pasting_with_dashes_and_spaces_is_accepted() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    paste(&field, "4242-4242 4242 4242");
    settle().await;
    assert_eq!(field.value(), "4242 4242 4242 4242");
    let m = card_element();
    settle().await;
    let field = m.field("number");
    paste(&field, "3782-822463-10005");
    settle().await;
    assert_eq!(field.value(), "3782 822463 10005");
    assert_eq!(m.icons(".pe-brand"), ["amex"]);
}

#[wasm_bindgen_test]
async fn the_caret_stays_after_the_same_digit_when_spaces_move() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    type_text(&field, "42424242");
    settle().await;
    assert_eq!(field.value(), "4242 4242");
    // Insert a digit after the second one: "42|42 4242" → "4214 2424 2".
    field.set_value("42142 4242");
    field.set_selection_range(3, 3).unwrap();
    input_event(&field);
    settle().await;
    assert_eq!(field.value(), "4214 2424 2");
    assert_eq!(field.selection_start().unwrap(), Some(3));
    // A digit that completes a group, typed before its end: the caret jumps past the
    // space now inserted ("4242|" + "1" → "4242 1|424 2"), not before it.
    field.set_value("42421 4242");
    field.set_selection_range(5, 5).unwrap();
    input_event(&field);
    settle().await;
    assert_eq!(field.value(), "4242 1424 2");
    assert_eq!(field.selection_start().unwrap(), Some(6));
    // The same at the end: a ninth digit gets its space, and the caret follows it.
    field.set_value("4214 24242");
    field.set_selection_range(10, 10).unwrap();
    input_event(&field);
    settle().await;
    assert_eq!(field.value(), "4214 2424 2");
    assert_eq!(field.selection_start().unwrap(), Some(11));
}

#[wasm_bindgen_test]
async fn backspace_in_the_middle_regroups_and_keeps_the_caret() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    type_text(&field, "424242424242");
    settle().await;
    assert_eq!(field.value(), "4242 4242 4242");
    // Caret after the fifth digit ("4242 4|242 4242"), then Backspace.
    field.set_selection_range(6, 6).unwrap();
    backspace(&field);
    settle().await;
    assert_eq!(field.value(), "4242 2424 242");
    assert_eq!(field.selection_start().unwrap(), Some(4));
    backspace(&field);
    settle().await;
    assert_eq!(field.value(), "4242 4242 42");
    assert_eq!(field.selection_start().unwrap(), Some(3));
}

#[wasm_bindgen_test]
async fn delete_and_backspace_next_to_a_space_remove_the_digit_beyond_it() {
    let m = card_element();
    settle().await;
    let number = m.field("number");
    type_text(&number, "42424242");
    settle().await;
    assert_eq!(number.value(), "4242 4242");
    // Delete with the caret before the space: the next digit goes, every time.
    number.set_selection_range(4, 4).unwrap();
    delete_forward(&number);
    settle().await;
    assert_eq!(number.value(), "4242 242");
    assert_eq!(number.selection_start().unwrap(), Some(4));
    delete_forward(&number);
    settle().await;
    assert_eq!(number.value(), "4242 42");
    // Backspace right after the space: the digit before it goes, not nothing.
    number.set_selection_range(5, 5).unwrap();
    backspace(&number);
    settle().await;
    assert_eq!(number.value(), "4244 2");
    assert_eq!(number.selection_start().unwrap(), Some(3));
}

#[wasm_bindgen_test]
async fn label_and_autofill_hints_are_real() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    assert_eq!(m.label_of("number"), "Card number");
    assert_eq!(
        field.get_attribute("autocomplete").as_deref(),
        Some("cc-number")
    );
    assert_eq!(field.get_attribute("inputmode").as_deref(), Some("numeric"));
    assert_eq!(
        field.get_attribute("aria-required").as_deref(),
        Some("true")
    );
    let described = field.get_attribute("aria-describedby").unwrap();
    assert!(m.find(&format!("#{described}")).is_some());
}

#[wasm_bindgen_test]
async fn incomplete_number_errors_only_after_leaving_the_field() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    type_text(&field, "424242");
    settle().await;
    assert_eq!(m.error_of("number"), "", "no error while still typing");
    blur(&field);
    settle().await;
    assert_eq!(m.error_of("number"), "Your card number is incomplete.");
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(field.class_list().contains("Input--invalid"));
}

#[wasm_bindgen_test]
async fn a_number_that_cannot_become_valid_errors_at_once() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    type_text(&field, "9999");
    settle().await;
    assert_eq!(m.error_of("number"), "Your card number is invalid.");
}

#[wasm_bindgen_test]
async fn a_full_length_number_failing_luhn_is_invalid_not_incomplete() {
    let m = card_element();
    settle().await;
    let field = m.field("number");
    // Visa also has 19-digit numbers, so this stays "potentially valid" while typing.
    type_text(&field, "4242424242424241");
    settle().await;
    assert_eq!(m.error_of("number"), "");
    blur(&field);
    settle().await;
    assert_eq!(m.error_of("number"), "Your card number is invalid.");
}

#[wasm_bindgen_test]
async fn the_card_item_shows_the_accepted_brands_and_refuses_others() {
    // Every brand by default: three logos and the rest summed up.
    let m = card_element();
    settle().await;
    assert_eq!(m.icons("[data-marks=card]"), ["visa", "mastercard", "amex"]);
    assert_eq!(m.text("[data-marks=card] .pe-marks-more"), "+9");

    let m = mount_json(
        r#"{"locale": "de", "currency": "eur", "amount": 1000, "mode": "payment",
            "paymentMethodOptions": {"card": {"brands": ["visa", "mastercard"]}}}"#,
    );
    settle().await;
    assert_eq!(m.icons("[data-marks=card]"), ["visa", "mastercard"]);
    assert!(m.find("[data-marks=card] .pe-marks-more").is_none());
    let field = m.field("number");
    type_text(&field, "3782 8224 6310 005");
    settle().await;
    // The logo of the brand typed shows, with the reason it cannot pay.
    assert_eq!(m.icons(".pe-brand"), ["amex"]);
    assert_eq!(
        m.error_of("number"),
        "Diese Kartenmarke wird nicht akzeptiert."
    );
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    // What was typed stays; an accepted card clears the error.
    assert_eq!(field.value(), "3782 822463 10005");
    field.set_value("");
    type_text(&field, "5555555555554444");
    settle().await;
    assert_eq!(m.error_of("number"), "");
}
