//! Browser tests of the card form around the number: expiry, CVC, billing details,
//! focus moving on, and validating and collecting the details for submit.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::{GetUntracked, Update};
use payment_element::model::form::Field;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const USD: &str = r#"{"locale": "en", "currency": "usd", "amount": 1000, "mode": "payment"}"#;

fn with_country(m: &Mounted, country: &str) {
    let select: web_sys::HtmlSelectElement = m.field("country").unchecked_into();
    select.set_value(country);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
async fn expiry_gets_a_leading_zero_and_the_separator() {
    let m = mount_json(USD);
    settle().await;
    let expiry = m.field("expiry");
    type_text(&expiry, "4");
    settle().await;
    assert_eq!(expiry.value(), "04 / ");
    type_text(&expiry, "30");
    settle().await;
    assert_eq!(expiry.value(), "04 / 30");
    assert_eq!(m.error_of("expiry"), "");
}

#[wasm_bindgen_test]
async fn expiry_typed_digit_by_digit_and_backspace_over_the_separator() {
    let m = mount_json(USD);
    settle().await;
    let expiry = m.field("expiry");
    type_text(&expiry, "1");
    settle().await;
    assert_eq!(expiry.value(), "1", "1 may still become 10, 11 or 12");
    type_text(&expiry, "2");
    settle().await;
    assert_eq!(expiry.value(), "12 / ");
    backspace(&expiry);
    settle().await;
    assert_eq!(
        expiry.value(),
        "12",
        "backspace removes the separator for good"
    );
}

/// Puts `value` in the field with the caret at `caret`, as an edit there would.
fn edit(field: &web_sys::HtmlInputElement, value: &str, caret: u32) {
    field.set_value(value);
    field.set_selection_range(caret, caret).unwrap();
    input_event(field);
}

#[wasm_bindgen_test]
async fn expiry_edits_in_the_middle_keep_the_year_and_the_caret() {
    let m = mount_json(USD);
    settle().await;
    let expiry = m.field("expiry");
    type_text(&expiry, "1230");
    settle().await;
    assert_eq!(expiry.value(), "12 / 30");
    // The month selected and "0", then "1", typed over it.
    edit(&expiry, "0 / 30", 1);
    settle().await;
    assert_eq!(expiry.value(), "0 / 30");
    assert_eq!(expiry.selection_start().unwrap(), Some(1));
    edit(&expiry, "01 / 30", 2);
    settle().await;
    assert_eq!(expiry.value(), "01 / 30");
    assert_eq!(expiry.selection_start().unwrap(), Some(2));
    // A pasted MM/YYYY.
    let m = mount_json(USD);
    settle().await;
    paste(&m.field("expiry"), "5/2029");
    settle().await;
    assert_eq!(m.field("expiry").value(), "05 / 29");
}

#[wasm_bindgen_test]
async fn a_past_expiry_errors_at_once_and_an_incomplete_one_on_blur() {
    let m = mount_json(USD);
    settle().await;
    let expiry = m.field("expiry");
    type_text(&expiry, "0120");
    settle().await;
    assert_eq!(
        m.error_of("expiry"),
        "Your card's expiration date is in the past."
    );
    let m = mount_json(USD);
    settle().await;
    let expiry = m.field("expiry");
    type_text(&expiry, "12");
    settle().await;
    assert_eq!(m.error_of("expiry"), "");
    blur(&expiry);
    settle().await;
    assert_eq!(
        m.error_of("expiry"),
        "Your card's expiration date is incomplete."
    );
}

#[wasm_bindgen_test]
async fn cvc_length_follows_the_brand() {
    let m = mount_json(USD);
    settle().await;
    type_text(&m.field("number"), "378282246310005");
    let cvc = m.field("cvc");
    type_text(&cvc, "12345");
    settle().await;
    assert_eq!(cvc.value(), "1234", "Amex takes four digits");
    let m = mount_json(USD);
    settle().await;
    type_text(&m.field("number"), "4242424242424242");
    let cvc = m.field("cvc");
    type_text(&cvc, "12a345");
    settle().await;
    assert_eq!(
        cvc.value(),
        "123",
        "Visa takes three digits, and only digits"
    );
    assert_eq!(cvc.get_attribute("autocomplete").as_deref(), Some("cc-csc"));
}

#[wasm_bindgen_test]
async fn focus_moves_on_when_a_field_is_complete() {
    let m = mount_json(USD);
    settle().await;
    let number = m.field("number");
    number.focus().unwrap();
    type_text(&number, "4242424242424242");
    settle().await;
    assert_eq!(focused(), Some(m.field("expiry").into()));
    type_text(&m.field("expiry"), "1230");
    settle().await;
    assert_eq!(focused(), Some(m.field("cvc").into()));
    type_text(&m.field("cvc"), "123");
    settle().await;
    assert_eq!(focused(), Some(m.field("postal_code").into()));
}

/// Types `text` key by key into whichever field has focus, as a customer does.
async fn type_where_focused(text: &str) {
    for c in text.chars() {
        let field: web_sys::HtmlInputElement = focused().expect("a focused field").unchecked_into();
        type_text(&field, &c.to_string());
        settle().await;
    }
}

#[wasm_bindgen_test]
async fn focus_waits_for_the_usual_length_of_brands_with_several() {
    // UnionPay (14–19 digits, no Luhn check): every prefix from 14 digits on is a
    // valid number, so focus waits for the 19th.
    let m = mount_json(USD);
    settle().await;
    let number = m.field("number");
    number.focus().unwrap();
    type_where_focused("6200000000000005").await;
    assert_eq!(number.value(), "6200 0000 0000 0005");
    assert_eq!(focused(), Some(number.clone().into()));
    assert_eq!(m.field("expiry").value(), "");
    type_where_focused("123").await;
    assert_eq!(number.value(), "6200 0000 0000 0005123");
    assert_eq!(focused(), Some(m.field("expiry").into()));
    // Diners of 14 digits: valid, but 16-digit Diners exist, so focus stays; the
    // customer moves on.
    let m = mount_json(USD);
    settle().await;
    let number = m.field("number");
    number.focus().unwrap();
    type_where_focused("36227206271667").await;
    assert_eq!(focused(), Some(number.clone().into()));
    assert_eq!(m.error_of("number"), "");
    assert!(m.handle().validate_all() != Some(payment_element::model::form::Field::CardNumber));
}

#[wasm_bindgen_test]
async fn with_the_country_left_to_the_page_no_guessed_country_decides() {
    // The browser here is en-US, which would guess the US and ask for a ZIP code.
    let m = mount_json(
        r#"{"locale": "en", "currency": "usd", "amount": 1999, "mode": "payment",
            "fields": {"billingDetails": {"address": {"country": "never"}}}}"#,
    );
    settle().await;
    assert!(!m.has_field("country"));
    assert!(
        !m.has_field("postal_code"),
        "no country known, no postal code asked"
    );
    // Asked for anyway: any code is taken, a London one included.
    let m = mount_json(
        r#"{"locale": "en", "currency": "usd", "amount": 1999, "mode": "payment",
            "fields": {"billingDetails": {"address": {"country": "never", "postalCode": "always"}}}}"#,
    );
    settle().await;
    let postal = m.field("postal_code");
    type_text(&postal, "SW1A 1AA");
    blur(&postal.clone().into());
    settle().await;
    assert_eq!(m.error_of("postal_code"), "");
    type_text(&m.field("number"), "4242424242424242");
    type_text(&m.field("expiry"), "1234");
    type_text(&m.field("cvc"), "123");
    settle().await;
    let data = m.handle().payment_method_data().unwrap();
    let address = data.billing_details.unwrap().address.unwrap();
    assert_eq!(address.postal_code.as_deref(), Some("SW1A 1AA"));
    assert_eq!(address.country, None, "the page gives the country");
}

#[wasm_bindgen_test]
async fn postal_code_shows_only_where_the_country_needs_it() {
    let m = mount_json(USD);
    settle().await;
    with_country(&m, "US");
    settle().await;
    assert!(m.has_field("postal_code"));
    assert_eq!(m.label_of("postal_code"), "Postal code");
    assert_eq!(
        m.field("postal_code")
            .get_attribute("autocomplete")
            .as_deref(),
        Some("postal-code")
    );
    assert_eq!(
        m.field("postal_code").get_attribute("inputmode").as_deref(),
        Some("numeric")
    );
    with_country(&m, "GB");
    settle().await;
    assert_eq!(
        m.field("postal_code").get_attribute("inputmode").as_deref(),
        Some("text")
    );
    with_country(&m, "DE");
    settle().await;
    assert!(!m.has_field("postal_code"));
    assert_eq!(
        m.field("country").get_attribute("autocomplete").as_deref(),
        Some("country")
    );
    assert_eq!(m.label_of("country"), "Country");
}

#[wasm_bindgen_test]
async fn countries_are_named_and_ordered_in_the_customers_language() {
    let m = mount_json(r#"{"locale": "de"}"#);
    settle().await;
    with_country(&m, "DE");
    settle().await;
    let names: Vec<String> = m
        .all("[data-field=country] option")
        .iter()
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    // As a German reader sorts: Ö with O ("Österreich" after "Niederlande").
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.replace('Ö', "O"));
    assert_eq!(names, sorted);
    assert_eq!(names[2], "Deutschland");
    let select: web_sys::HtmlSelectElement = m.field("country").unchecked_into();
    assert_eq!(select.value(), "DE");
    m.options.update(|o| {
        o.locale = payment_element::model::options::LocaleChoice::Fixed(
            payment_element::model::locale::Locale::Id,
        )
    });
    settle().await;
    let select: web_sys::HtmlSelectElement = m.field("country").unchecked_into();
    assert_eq!(
        select.value(),
        "DE",
        "the choice survives the locale switch"
    );
    assert_eq!(
        select
            .selected_options()
            .item(0)
            .unwrap()
            .text_content()
            .as_deref(),
        Some("Jerman")
    );
}

#[wasm_bindgen_test]
async fn cardholder_name_is_collected_when_the_option_asks() {
    let m = mount_json(USD);
    settle().await;
    assert!(!m.has_field("name"));
    let m = mount_json(
        r#"{"locale": "en", "currency": "usd", "amount": 1000, "mode": "payment",
            "fields": {"billingDetails": {"name": "always"}}}"#,
    );
    settle().await;
    assert_eq!(m.label_of("name"), "Cardholder name");
    assert_eq!(
        m.field("name").get_attribute("autocomplete").as_deref(),
        Some("cc-name")
    );
}

#[wasm_bindgen_test]
async fn validate_all_shows_every_error_and_focuses_the_first() {
    let m = mount_json(USD);
    settle().await;
    with_country(&m, "US");
    settle().await;
    type_text(&m.field("number"), "4242424242424242");
    settle().await;
    assert_eq!(m.error_of("expiry"), "");
    let first = m.handle().validate_all();
    settle().await;
    assert_eq!(first, Some(Field::Expiry));
    assert_eq!(m.error_of("number"), "");
    assert_eq!(
        m.error_of("expiry"),
        "Your card's expiration date is incomplete."
    );
    assert_eq!(
        m.error_of("cvc"),
        "Your card's security code is incomplete."
    );
    assert_eq!(m.error_of("postal_code"), "Your postal code is incomplete.");
    assert_eq!(focused(), Some(m.field("expiry").into()));
    assert_eq!(
        m.text(".pe-live"),
        "Your card's expiration date is incomplete.",
        "the first error is announced"
    );
    assert!(m.handle().payment_method_data().is_err());
}

#[wasm_bindgen_test]
async fn complete_details_are_collected_for_submit() {
    let m = mount_json(USD);
    settle().await;
    with_country(&m, "US");
    settle().await;
    type_text(&m.field("number"), "4242424242424242");
    type_text(&m.field("expiry"), "1230");
    type_text(&m.field("cvc"), "123");
    settle().await;
    type_text(&m.field("postal_code"), "94103");
    settle().await;
    assert_eq!(m.handle().validate_all(), None);
    let data = m.handle().payment_method_data().unwrap();
    assert_eq!(data.kind.as_str(), "card");
    // The merchant API's data never holds the card: it is set aside for the vault.
    assert_eq!(data.card, None);
    let details = m.handle().payment_details(None).unwrap();
    let Some(payment_element::model::vaulted::Vaulted::Card(
        payment_element::model::vaulted::Held::Page(card),
    )) = details.vaulted
    else {
        panic!("inline fields set the card aside for the payments origin")
    };
    assert_eq!(card.number.expose(), "4242424242424242");
    assert_eq!((card.exp_month, card.exp_year), (12, 2030));
    let address = data.billing_details.unwrap().address.unwrap();
    assert_eq!(address.postal_code.as_deref(), Some("94103"));
    assert_eq!(address.country.as_deref(), Some("US"));
    let last = m.changes.get_untracked().last().unwrap().clone();
    assert!(last.complete && !last.empty);
    assert_eq!(m.text(".pe-live"), "Payment details complete.");
    m.handle()
        .announce(payment_element::model::locale::Key::StatusProcessing);
    settle().await;
    assert_eq!(m.text(".pe-live"), "Processing your payment…");
}

#[wasm_bindgen_test]
async fn default_values_fill_the_fields_and_read_only_locks_them() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1000, "mode": "payment",
            "defaultValues": {"billingDetails": {"address": {"country": "GB", "postal_code": "SW1A 1AA"}}},
            "readOnly": true}"#,
    );
    settle().await;
    let country: web_sys::HtmlSelectElement =
        wasm_bindgen::JsCast::unchecked_into(m.field("country"));
    assert_eq!(country.value(), "GB");
    assert_eq!(m.field("postal_code").value(), "SW1A 1AA");
    assert!(
        m.root().has_attribute("inert"),
        "a readOnly element takes no input"
    );
    // Lifting readOnly gives the fields back, with what they held.
    m.options.update(|o| o.read_only = false);
    settle().await;
    assert!(!m.root().has_attribute("inert"));
    assert_eq!(m.field("postal_code").value(), "SW1A 1AA");
}

#[wasm_bindgen_test]
async fn a_skeleton_stands_where_the_card_frame_loads_unless_loader_is_never() {
    // A payments origin that never answers: the frame never shows its fields.
    let options = |loader: &str| {
        format!(
            r#"{{"locale": "en", "currency": "eur", "amount": 1000, "mode": "payment",
                "payments": {{"origin": "http://127.0.0.1:9", "publishableKey": "pk_test_0123456789abcdef"}},
                "cardFields": "frame", "loader": "{loader}"}}"#
        )
    };
    let m = mount_json(&options("auto"));
    settle().await;
    assert!(m.find("iframe.pe-card-frame").is_some());
    let skeleton = m
        .find(".pe-skeleton[data-fields=card]")
        .expect("a skeleton");
    assert_eq!(
        skeleton.get_attribute("aria-hidden").as_deref(),
        Some("true")
    );
    assert_eq!(m.all(".pe-skeleton .pe-skeleton-input").len(), 3);
    let m = mount_json(&options("never"));
    settle().await;
    assert!(m.find("iframe.pe-card-frame").is_some());
    assert!(m.find(".pe-skeleton").is_none());
}
