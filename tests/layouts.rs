//! Browser tests of the two layouts and their options: accordion radio group and tabs,
//! keyboard navigation, "More", and values surviving layout and locale switches.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use payment_element::model::locale::Locale;
use payment_element::model::options::LocaleChoice;
use payment_element::model::types::LayoutKind;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EUR_PHP_OPTIONS: &str =
    r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment"}"#;

/// The method whose radio is checked.
fn checked_method(m: &Mounted) -> Option<String> {
    m.all("[role=radio]")
        .iter()
        .find(|r| r.get_attribute("aria-checked").as_deref() == Some("true"))
        .and_then(|r| r.get_attribute("data-method"))
}

fn methods_of(m: &Mounted, selector: &str) -> Vec<String> {
    m.all(selector)
        .iter()
        .filter_map(|e| e.get_attribute("data-method"))
        .collect()
}

#[wasm_bindgen_test]
async fn accordion_is_a_radio_group_with_the_first_method_open() {
    let m = mount_json(EUR_PHP_OPTIONS);
    settle().await;
    let group = m.find("[role=radiogroup]").expect("radiogroup");
    assert_eq!(
        group.get_attribute("aria-label").as_deref(),
        Some("Payment method")
    );
    assert_eq!(methods_of(&m, "[role=radio]"), ["card", "sepa_debit"]);
    let radios = m.all("[role=radio]");
    assert_eq!(
        radios[0].get_attribute("aria-checked").as_deref(),
        Some("true")
    );
    assert_eq!(
        radios[1].get_attribute("aria-checked").as_deref(),
        Some("false")
    );
    assert_eq!(radios[0].get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(radios[1].get_attribute("tabindex").as_deref(), Some("-1"));
    assert!(m.has_field("number"));
    assert!(!m.has_field("iban"));
    // radios: if_multiple (the default) with two methods shows them.
    assert_eq!(m.all(".pe-radio").len(), 2);
}

#[wasm_bindgen_test]
async fn arrow_keys_move_the_selection_and_focus_in_the_accordion() {
    let m = mount_json(EUR_PHP_OPTIONS);
    settle().await;
    let radios = m.all("[role=radio]");
    radios[0].focus().unwrap();
    press(&radios[0], "ArrowDown");
    settle().await;
    let radios = m.all("[role=radio]");
    assert_eq!(
        radios[1].get_attribute("aria-checked").as_deref(),
        Some("true")
    );
    assert_eq!(focused(), Some(radios[1].clone().into()));
    assert!(m.has_field("iban"));
    assert!(!m.has_field("number"));
    assert_eq!(m.text(".pe-live"), "SEPA Direct Debit selected.");
    press(&radios[1], "ArrowDown");
    settle().await;
    assert_eq!(checked_method(&m).as_deref(), Some("card"), "wraps around");
}

#[wasm_bindgen_test]
async fn arrow_keys_in_a_field_move_its_caret_not_the_method() {
    let m = mount_json(EUR_PHP_OPTIONS);
    settle().await;
    let number = m.field("number");
    type_text(&number, "424242");
    number.focus().unwrap();
    for key in [
        "ArrowLeft",
        "ArrowDown",
        "ArrowUp",
        "ArrowRight",
        "Home",
        "End",
    ] {
        let event = keydown(key);
        number.dispatch_event(&event).unwrap();
        assert!(!event.default_prevented(), "{key} was taken from the field");
        settle().await;
    }
    assert_eq!(
        checked_method(&m).as_deref(),
        Some("card"),
        "the card stays chosen"
    );
    assert!(m.has_field("number") && !m.has_field("iban"));
    assert_eq!(m.field("number").value(), "4242 42");
    assert_eq!(focused(), Some(m.field("number").into()));
}

#[wasm_bindgen_test]
async fn an_older_pick_does_not_come_back_when_the_methods_change() {
    let m = mount_json(EUR_PHP_OPTIONS);
    settle().await;
    m.find("[role=radio][data-method=sepa_debit]")
        .unwrap()
        .click();
    settle().await;
    let currency = |code: &str| payment_core::money::Currency::new(code).unwrap();
    // Pesos: no SEPA, so the card is shown; the customer picks it and types.
    m.options.update(|o| o.currency = Some(currency("php")));
    settle().await;
    assert_eq!(checked_method(&m).as_deref(), Some("card"));
    m.find("[role=radio][data-method=card]").unwrap().click();
    type_text(&m.field("number"), "4242");
    settle().await;
    // Back to euros: still the card being typed, not the SEPA of before.
    m.options.update(|o| o.currency = Some(currency("eur")));
    settle().await;
    assert_eq!(checked_method(&m).as_deref(), Some("card"));
    assert_eq!(m.field("number").value(), "4242");
}

#[wasm_bindgen_test]
async fn radios_option_and_spaced_items() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment",
            "layout": {"type": "accordion", "radios": "never", "spacedAccordionItems": true}}"#,
    );
    settle().await;
    assert!(m.all(".pe-radio").is_empty());
    assert!(m.find(".pe-accordion--spaced").is_some());
    let m = mount_json(
        r#"{"locale": "en", "currency": "usd", "amount": 1999, "mode": "payment",
            "layout": {"type": "accordion", "radios": "always"}}"#,
    );
    settle().await;
    assert_eq!(m.all(".pe-radio").len(), 1);
    assert!(m.find(".pe-accordion--spaced").is_none());
    let m = mount_json(r#"{"locale": "en", "currency": "usd", "amount": 1999, "mode": "payment"}"#);
    settle().await;
    assert!(m.all(".pe-radio").is_empty(), "if_multiple with one method");
}

#[wasm_bindgen_test]
async fn default_collapsed_opens_nothing_until_a_method_is_chosen() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment",
            "layout": {"type": "accordion", "defaultCollapsed": true}}"#,
    );
    settle().await;
    assert!(!m.has_field("number"));
    assert!(m
        .all("[role=radio]")
        .iter()
        .all(|r| r.get_attribute("aria-checked").as_deref() == Some("false")));
    assert_eq!(
        m.handle().validate_all(),
        Some(payment_element::model::form::Field::Method)
    );
    m.all("[role=radio]")[1].click();
    settle().await;
    assert!(m.has_field("iban"));
}

#[wasm_bindgen_test]
async fn items_beyond_the_visible_count_wait_under_more() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment",
            "layout": {"type": "accordion", "visibleAccordionItemsCount": 1}}"#,
    );
    settle().await;
    assert_eq!(methods_of(&m, "[role=radio]"), ["card"]);
    let more = m.find(".pe-more").expect("More button");
    assert_eq!(more.text_content().unwrap(), "More");
    more.click();
    settle().await;
    assert_eq!(methods_of(&m, "[role=radio]"), ["card", "sepa_debit"]);
    assert!(m.find(".pe-more").is_none());
    // The button went away: focus is on the first method it showed, not the page.
    after_timers().await;
    assert_eq!(
        focused(),
        Some(
            m.find("[role=radio][data-method=sepa_debit]")
                .unwrap()
                .into()
        )
    );
}

#[wasm_bindgen_test]
async fn payment_method_order_puts_methods_first() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment",
            "layout": {"type": "tabs", "paymentMethodOrder": ["sepa_debit"]}}"#,
    );
    settle().await;
    assert_eq!(methods_of(&m, "[role=tab]"), ["sepa_debit", "card"]);
    assert!(m.has_field("iban"));
}

#[wasm_bindgen_test]
async fn tabs_are_a_tablist_with_arrow_keys() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment", "layout": "tabs"}"#,
    );
    settle().await;
    assert!(m.find("[role=tablist]").is_some());
    let tabs = m.all("[role=tab]");
    assert_eq!(tabs.len(), 2);
    assert_eq!(
        tabs[0].get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    let panel = m.find("[role=tabpanel]").unwrap();
    assert_eq!(tabs[0].get_attribute("aria-controls"), Some(panel.id()));
    assert_eq!(panel.get_attribute("aria-labelledby"), Some(tabs[0].id()));
    assert!(tabs[0].class_list().contains("Tab--selected"));
    tabs[0].focus().unwrap();
    press(&tabs[0], "ArrowRight");
    settle().await;
    let tabs = m.all("[role=tab]");
    assert_eq!(
        tabs[1].get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(tabs[1].get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(tabs[0].get_attribute("tabindex").as_deref(), Some("-1"));
    assert_eq!(focused(), Some(tabs[1].clone().into()));
    assert!(m.has_field("iban"));
    assert_eq!(
        m.find("[role=tabpanel]")
            .unwrap()
            .get_attribute("aria-labelledby"),
        Some(tabs[1].id())
    );
    press(&tabs[1], "Home");
    settle().await;
    assert!(m.has_field("number"));
}

#[wasm_bindgen_test]
async fn values_survive_layout_and_locale_switches() {
    let m = mount_json(EUR_PHP_OPTIONS);
    settle().await;
    type_text(&m.field("number"), "4242424242424242");
    type_text(&m.field("expiry"), "1230");
    settle().await;
    blur(&m.field("expiry"));
    m.options.update(|o| o.layout.kind = LayoutKind::Tabs);
    settle().await;
    assert!(m.find("[role=tablist]").is_some());
    assert_eq!(m.field("number").value(), "4242 4242 4242 4242");
    assert_eq!(m.field("expiry").value(), "12 / 30");
    m.options
        .update(|o| o.locale = LocaleChoice::Fixed(Locale::De));
    settle().await;
    assert_eq!(m.label_of("number"), "Kartennummer");
    assert_eq!(m.field("number").value(), "4242 4242 4242 4242");
    assert_eq!(m.root().get_attribute("lang").as_deref(), Some("de"));
    // A SEPA form typed in tabs survives the switch back to the accordion.
    m.all("[role=tab]")[1].click();
    settle().await;
    type_text(&m.field("iban"), "de89370400440532013000");
    settle().await;
    m.options.update(|o| o.layout.kind = LayoutKind::Accordion);
    settle().await;
    assert_eq!(m.field("iban").value(), "DE89 3704 0044 0532 0130 00");
    m.all("[role=radio]")[0].click();
    settle().await;
    assert_eq!(m.field("cvc").value(), "");
    assert_eq!(m.field("expiry").value(), "12 / 30");
}

#[wasm_bindgen_test]
async fn sepa_form_formats_the_iban_and_shows_the_mandate() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment",
            "paymentMethodTypes": ["sepa_debit"], "business": {"name": "Rocket Rides"}}"#,
    );
    settle().await;
    let iban = m.field("iban");
    type_text(&iban, "de89370400440532013000");
    settle().await;
    assert_eq!(iban.value(), "DE89 3704 0044 0532 0130 00");
    assert_eq!(m.label_of("iban"), "IBAN");
    assert_eq!(m.label_of("email"), "Email");
    assert_eq!(
        m.field("email").get_attribute("autocomplete").as_deref(),
        Some("email")
    );
    assert_eq!(
        m.field("email").get_attribute("inputmode").as_deref(),
        Some("email")
    );
    assert!(m.text(".pe-mandate").contains("authorise (A) Rocket Rides"));
    // Stripe's `terms.sepaDebit: "never"`: the page shows the mandate itself.
    m.options.update(|o| o.sepa_mandate_hidden = true);
    settle().await;
    assert!(m.find(".pe-mandate").is_none());
    m.options.update(|o| o.sepa_mandate_hidden = false);
    settle().await;
    type_text(&m.field("name"), "Jenny Rosen");
    type_text(&m.field("email"), "jenny@example.com");
    settle().await;
    let data = m.handle().payment_method_data().unwrap();
    assert_eq!(
        data.sepa_debit.unwrap().iban.expose(),
        "DE89370400440532013000"
    );
    let m = mount_json(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment",
            "paymentMethodTypes": ["sepa_debit"]}"#,
    );
    settle().await;
    type_text(&m.field("iban"), "XX");
    settle().await;
    assert_eq!(m.error_of("iban"), "Your IBAN is invalid.");
}

#[wasm_bindgen_test]
async fn an_account_number_failing_its_banks_check_is_said_in_every_language() {
    // Two digits of a Belgian account swapped, with IBAN check digits that fit the swap:
    // only the bank's own check (the account's first ten digits mod 97) catches it.
    for (locale, expected) in [
        ("en", "The account number in your IBAN fails your bank's check. Please check it for a typo."),
        ("de", "Die Kontonummer in Ihrer IBAN besteht die Prüfung Ihrer Bank nicht. Bitte prüfen Sie sie auf Tippfehler."),
        ("id", "Nomor rekening dalam IBAN Anda tidak lolos pemeriksaan bank Anda. Periksa apakah ada salah ketik."),
    ] {
        let m = mount_json(&format!(
            r#"{{"locale": "{locale}", "currency": "eur", "amount": 1999, "mode": "payment",
                "paymentMethodTypes": ["sepa_debit"]}}"#
        ));
        settle().await;
        type_text(&m.field("iban"), "BE94310213456737");
        settle().await;
        assert_eq!(m.error_of("iban"), expected, "{locale}");
        assert_eq!(
            m.field("iban").value(),
            "BE94 3102 1345 6737",
            "what was typed stays"
        );
    }
}

#[wasm_bindgen_test]
async fn wallets_follow_the_currency_and_say_where_they_redirect() {
    let m = mount_json(
        r#"{"locale": "en", "currency": "php", "amount": 150000, "mode": "payment",
            "paymentMethodOrder": ["ewallet"]}"#,
    );
    settle().await;
    let channels: Vec<String> = m
        .all(".pe-ewallet")
        .iter()
        .filter_map(|e| e.get_attribute("data-channel"))
        .collect();
    assert_eq!(channels, ["GCASH", "PAYMAYA", "SHOPEEPAY"]);
    // Each wallet with its logo, and the wallets beside the method's name.
    assert_eq!(
        m.icons(".pe-ewallet-form"),
        ["gcash", "paymaya", "shopeepay"]
    );
    assert_eq!(
        m.icons("[data-marks=ewallet]"),
        ["gcash", "paymaya", "shopeepay"]
    );
    assert_eq!(
        m.icons("[data-method=ewallet] .pe-method-icon"),
        ["ewallet"]
    );
    // Pesos pay by QR Ph too: its mark beside the QR code method.
    assert_eq!(m.icons("[data-marks=qr_code]"), ["qrph"]);
    assert_eq!(
        m.icons("[data-method=qr_code] .pe-method-icon"),
        ["qr_code"]
    );
    let radios = m.all(".pe-ewallet-radio");
    radios[0].click();
    settle().await;
    assert_eq!(
        m.text(".pe-note"),
        "After you submit, you will be redirected to GCash to pay ₱1,500.00 securely."
    );
    let data = m.handle().payment_method_data().unwrap();
    assert_eq!(data.ewallet.unwrap().channel_code.as_str(), "GCASH");
    // The cart becomes IDR: GCash cannot take it, so it is no longer chosen.
    m.options
        .update(|o| o.currency = Some(payment_core::money::Currency::new("idr").unwrap()));
    settle().await;
    assert!(m
        .all(".pe-ewallet-radio")
        .iter()
        .all(|r| { !r.unchecked_ref::<web_sys::HtmlInputElement>().checked() }));
    assert!(
        m.text(".pe-note").contains("redirected to E-wallet"),
        "{}",
        m.text(".pe-note")
    );
    assert!(m.handle().payment_method_data().is_err());
    // ShopeePay takes both: chosen in PHP, it stays chosen in IDR.
    m.options
        .update(|o| o.currency = Some(payment_core::money::Currency::new("php").unwrap()));
    settle().await;
    m.find("[data-channel=SHOPEEPAY] input").unwrap().click();
    settle().await;
    m.options
        .update(|o| o.currency = Some(payment_core::money::Currency::new("idr").unwrap()));
    settle().await;
    let data = m.handle().payment_method_data().unwrap();
    assert_eq!(data.ewallet.unwrap().channel_code.as_str(), "SHOPEEPAY");

    let m = mount_json(
        r#"{"locale": "id", "currency": "idr", "amount": 5400000, "mode": "payment",
            "paymentMethodTypes": ["ewallet"]}"#,
    );
    settle().await;
    let channels: Vec<String> = m
        .all(".pe-ewallet")
        .iter()
        .filter_map(|e| e.get_attribute("data-channel"))
        .collect();
    assert_eq!(channels, ["SHOPEEPAY", "OVO", "DANA"]);
    assert!(
        m.text(".pe-note").contains("Rp\u{a0}54.000,00"),
        "{}",
        m.text(".pe-note")
    );
    assert_eq!(
        m.handle().validate_all(),
        Some(payment_element::model::form::Field::Ewallet)
    );
    settle().await;
    assert_eq!(m.text(".pe-ewallet-form .pe-error"), "Pilih e-wallet.");
}
