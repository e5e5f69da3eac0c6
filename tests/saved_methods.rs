//! Browser tests of saved payment methods against a fake customer-session API:
//! redisplay (limit, order, expired), CVC recollection, the consent text per locale and
//! its record, removing (success and failure), the fallback without a session or when
//! loading fails, and the values of change events.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use payment_core::api::{
    AllowRedisplay, CardPreview, EwalletChannel, EwalletPreview, PaymentMethodType,
    SavedPaymentMethod, SepaPreview, SetupFutureUsage,
};
use payment_core::error::ErrorCode;
use payment_core::secret::ClientSecret;
use payment_element::model::form::Field;
use payment_element::model::vaulted::{Held, Vaulted};
use payment_element::net::customer_api::{CustomerApi, CustomerApiError, LocalFuture};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SECRET: &str = "cuss_test_secret_abc123";

/// A scripted customer-session API: lists what it holds, detaches or refuses.
#[derive(Default)]
struct FakeApi {
    methods: RefCell<Vec<SavedPaymentMethod>>,
    list_fails: Option<CustomerApiError>,
    detach_fails: bool,
    secrets: RefCell<Vec<String>>,
    detached: RefCell<Vec<String>>,
}

impl CustomerApi for FakeApi {
    fn list_payment_methods(
        &self,
        secret: ClientSecret,
    ) -> LocalFuture<Result<Vec<SavedPaymentMethod>, CustomerApiError>> {
        self.secrets.borrow_mut().push(secret.expose().to_owned());
        let result = match self.list_fails {
            Some(error) => Err(error),
            None => Ok(self.methods.borrow().clone()),
        };
        Box::pin(async move { result })
    }

    fn detach_payment_method(
        &self,
        secret: ClientSecret,
        id: String,
    ) -> LocalFuture<Result<(), CustomerApiError>> {
        self.secrets.borrow_mut().push(secret.expose().to_owned());
        let result = if self.detach_fails {
            Err(CustomerApiError::Network)
        } else {
            self.methods.borrow_mut().retain(|m| m.id != id);
            self.detached.borrow_mut().push(id);
            Ok(())
        };
        Box::pin(async move { result })
    }
}

fn card(
    id: &str,
    created: i64,
    brand: &str,
    last4: &str,
    month: u8,
    year: u16,
) -> SavedPaymentMethod {
    SavedPaymentMethod {
        id: id.into(),
        kind: PaymentMethodType::Card,
        created,
        allow_redisplay: AllowRedisplay::Always,
        card: Some(CardPreview {
            brand: brand.into(),
            last4: last4.into(),
            exp_month: month,
            exp_year: year,
            funding: Some("credit".into()),
        }),
        sepa_debit: None,
        ewallet: None,
    }
}

fn sepa(id: &str, created: i64) -> SavedPaymentMethod {
    SavedPaymentMethod {
        id: id.into(),
        kind: PaymentMethodType::SepaDebit,
        created,
        allow_redisplay: AllowRedisplay::Always,
        card: None,
        sepa_debit: Some(SepaPreview {
            country: "DE".into(),
            bank_code: Some("37040044".into()),
            last4: "3000".into(),
        }),
        ewallet: None,
    }
}

fn wallet(id: &str, created: i64) -> SavedPaymentMethod {
    SavedPaymentMethod {
        id: id.into(),
        kind: PaymentMethodType::Ewallet,
        created,
        allow_redisplay: AllowRedisplay::Always,
        card: None,
        sepa_debit: None,
        ewallet: Some(EwalletPreview {
            channel_code: EwalletChannel::Gcash,
            account_label: Some("+63 •••• 1234".into()),
        }),
    }
}

/// Options with a session whose features are `features` (server JSON) plus `extra`.
fn session_options(locale: &str, features: &str, extra: &str) -> String {
    format!(
        r#"{{"locale": "{locale}", "currency": "eur", "amount": 1999, "mode": "payment",
            "business": {{"name": "Rocket Rides"}},
            "customerSessionClientSecret": "{SECRET}",
            "customerSessionFeatures": {features}{extra}}}"#
    )
}

/// Options without a customer session.
const NO_SESSION: &str =
    r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment"}"#;

const ALL_FEATURES: &str = r#"{"payment_method_redisplay": "enabled", "payment_method_redisplay_limit": 3,
    "payment_method_save": "enabled", "payment_method_save_usage": "off_session",
    "payment_method_remove": "enabled"}"#;

fn fake(methods: Vec<SavedPaymentMethod>) -> Rc<FakeApi> {
    Rc::new(FakeApi {
        methods: RefCell::new(methods),
        ..FakeApi::default()
    })
}

/// A session with every feature and CVC re-collection for saved cards.
fn mount_with_cvc_again(api: &Rc<FakeApi>) -> Mounted {
    mount_fake(
        &session_options(
            "en",
            ALL_FEATURES,
            r#", "paymentMethodOptions": {"card": {"require_cvc_recollection": true}}"#,
        ),
        api,
    )
}

fn mount_fake(json: &str, api: &Rc<FakeApi>) -> Mounted {
    mount_with_api(options(json), Some(api.clone() as Rc<dyn CustomerApi>))
}

/// Lets the load (a spawned future) finish and the list render.
async fn loaded() {
    for _ in 0..6 {
        leptos::task::tick().await;
    }
}

fn saved_ids(m: &Mounted) -> Vec<String> {
    m.all("[role=radio][data-saved-choice]")
        .iter()
        .filter_map(|e| e.get_attribute("data-saved-choice"))
        .collect()
}

fn checked(m: &Mounted) -> Option<String> {
    m.all("[role=radio][data-saved-choice]")
        .iter()
        .find(|e| e.get_attribute("aria-checked").as_deref() == Some("true"))
        .and_then(|e| e.get_attribute("data-saved-choice"))
}

fn item_text(m: &Mounted, id: &str) -> String {
    m.text(&format!("[data-saved-id=\"{id}\"] .pe-saved-choice"))
}

#[wasm_bindgen_test]
async fn saved_methods_show_newest_first_up_to_the_limit_and_the_rest_under_show_more() {
    let api = fake(vec![
        card("pm_old_visa", 10, "visa", "4242", 12, 2030),
        sepa("pm_sepa", 40),
        card("pm_expired", 50, "mastercard", "4444", 1, 2020),
        card("pm_mc", 30, "mastercard", "5555", 3, 2032),
        card("pm_amex", 20, "amex", "0005", 6, 2031),
    ]);
    let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
    loaded().await;
    assert_eq!(api.secrets.borrow().as_slice(), [SECRET]);
    let group = m
        .find(".pe-saved[role=radiogroup]")
        .expect("saved radiogroup");
    assert_eq!(
        group.get_attribute("aria-label").as_deref(),
        Some("Saved payment methods")
    );
    assert_eq!(saved_ids(&m), ["pm_expired", "pm_sepa", "pm_mc", "new"]);
    assert_eq!(m.text(".pe-saved-more"), "Show more");

    // The expired card is disabled and says so; the newest usable one is chosen.
    let expired = m.find("[data-saved-choice=pm_expired]").unwrap();
    assert_eq!(
        expired.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    assert!(expired.has_attribute("disabled"));
    assert!(item_text(&m, "pm_expired").contains("Expired"));
    assert_eq!(checked(&m).as_deref(), Some("pm_sepa"));
    assert!(
        !m.has_field("number"),
        "the new-method form waits behind its radio"
    );
    assert!(item_text(&m, "pm_sepa").contains("37040044"));
    assert!(item_text(&m, "pm_sepa").contains("•••• 3000"));

    m.find(".pe-saved-more").unwrap().click();
    settle().await;
    assert_eq!(
        saved_ids(&m),
        [
            "pm_expired",
            "pm_sepa",
            "pm_mc",
            "pm_amex",
            "pm_old_visa",
            "new"
        ]
    );
    assert!(m.find(".pe-saved-more").is_none());
    after_timers().await;
    assert_eq!(
        focused(),
        Some(m.find("[data-saved-choice=pm_amex]").unwrap().into()),
        "focus moves to the first method Show more revealed"
    );
    let visa = item_text(&m, "pm_old_visa");
    assert!(
        visa.contains("Visa") && visa.contains("•••• 4242") && visa.contains("Expires 12/30"),
        "{visa}"
    );
    assert_eq!(
        m.find("[data-saved-id=pm_amex] .pe-saved-brand")
            .unwrap()
            .get_attribute("data-brand")
            .as_deref(),
        Some("amex")
    );

    // "New payment method" is the last radio and opens the form.
    m.find("[data-saved-choice=new]").unwrap().click();
    settle().await;
    assert_eq!(checked(&m).as_deref(), Some("new"));
    assert!(m.has_field("number"));
}

#[wasm_bindgen_test]
async fn arrow_keys_skip_expired_cards_and_reach_the_new_method_choice() {
    let api = fake(vec![
        card("pm_a", 30, "visa", "4242", 12, 2030),
        card("pm_expired", 20, "visa", "0002", 1, 2021),
        card("pm_b", 10, "mastercard", "4444", 12, 2030),
    ]);
    let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
    loaded().await;
    let first = m.find("[data-saved-choice=pm_a]").unwrap();
    assert_eq!(first.get_attribute("tabindex").as_deref(), Some("0"));
    first.focus().unwrap();
    press(&first, "ArrowDown");
    settle().await;
    assert_eq!(checked(&m).as_deref(), Some("pm_b"));
    assert_eq!(m.text(".pe-live"), "•••• 4444 selected.");
    let second = m.find("[data-saved-choice=pm_b]").unwrap();
    assert_eq!(focused(), Some(second.clone().into()));
    press(&second, "ArrowDown");
    settle().await;
    assert_eq!(checked(&m).as_deref(), Some("new"));
    assert!(m.has_field("number"));
    let new = m.find("[data-saved-choice=new]").unwrap();
    press(&new, "ArrowDown");
    settle().await;
    assert_eq!(checked(&m).as_deref(), Some("pm_a"), "wraps around");
}

#[wasm_bindgen_test]
async fn expired_cards_can_be_hidden() {
    let api = fake(vec![
        card("pm_expired", 20, "visa", "0002", 1, 2021),
        card("pm_ok", 10, "visa", "4242", 12, 2030),
    ]);
    let m = mount_fake(
        &session_options(
            "en",
            ALL_FEATURES,
            r#", "savedPaymentMethods": {"hideExpired": true}"#,
        ),
        &api,
    );
    loaded().await;
    assert_eq!(saved_ids(&m), ["pm_ok", "new"]);
}

#[wasm_bindgen_test]
async fn a_saved_card_asks_for_its_cvc_again_by_brand() {
    let api = fake(vec![
        card("pm_amex", 20, "amex", "0005", 12, 2030),
        card("pm_visa", 10, "visa", "4242", 12, 2030),
    ]);
    let m = mount_with_cvc_again(&api);
    loaded().await;
    assert_eq!(m.label_of("cvc"), "Security code for •••• 0005");
    let handle = m.handle();
    assert_eq!(handle.validate_all(), Some(Field::Cvc));
    settle().await;
    assert_eq!(
        m.error_of("cvc"),
        "Your card's security code is incomplete."
    );
    // What submit() answers: the saved card's CVC error, not the new-card form's.
    assert_eq!(
        handle.error_message(Field::Cvc),
        "Your card's security code is incomplete."
    );
    assert_eq!(focused(), Some(m.field("cvc").into()));
    assert_eq!(handle.payment_details(None).unwrap_err(), Field::Cvc);

    let cvc = m.field("cvc");
    type_text(&cvc, "12345");
    settle().await;
    assert_eq!(cvc.value(), "1234", "an Amex CID has four digits");
    assert_eq!(m.error_of("cvc"), "");
    assert_eq!(handle.validate_all(), None);
    let details = handle.payment_details(Some("/complete".into())).unwrap();
    let request = details.request;
    assert_eq!(request.payment_method.as_deref(), Some("pm_amex"));
    assert_eq!(request.payment_method_data, None);
    // The CVC is set aside for the payments origin, never in the merchant API's body.
    assert_eq!(request.payment_method_options, None);
    let Some(Vaulted::Cvc(Held::Page(sent))) = details.vaulted else {
        panic!("the CVC typed again goes to the vault")
    };
    assert_eq!(sent.expose(), "1234");
    assert_eq!(request.return_url.as_deref(), Some("/complete"));
    assert_eq!(
        handle
            .customer_session_secret()
            .map(|s| s.expose().to_owned())
            .as_deref(),
        Some(SECRET)
    );

    // A Visa takes three digits; switching cards starts the CVC afresh.
    m.find("[data-saved-choice=pm_visa]").unwrap().click();
    settle().await;
    let cvc = m.field("cvc");
    assert_eq!(cvc.value(), "");
    type_text(&cvc, "1234");
    settle().await;
    assert_eq!(cvc.value(), "123");
}

#[wasm_bindgen_test]
async fn without_cvc_recollection_a_saved_card_is_ready_at_once() {
    let api = fake(vec![card("pm_visa", 10, "visa", "4242", 12, 2030)]);
    let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
    loaded().await;
    assert!(!m.has_field("cvc"));
    let handle = m.handle();
    assert_eq!(handle.validate_all(), None);
    let details = handle.payment_details(None).unwrap();
    assert_eq!(details.request.payment_method.as_deref(), Some("pm_visa"));
    assert_eq!(details.request.payment_method_options, None);
    assert_eq!(details.vaulted, None);
}

async fn consent_text_in(locale: &str) -> String {
    let api = fake(Vec::new());
    let m = mount_fake(&session_options(locale, ALL_FEATURES, ""), &api);
    loaded().await;
    assert!(m.find(".pe-saved").is_none(), "no saved methods, no list");
    let checkbox = m
        .find("[data-field=save_payment_method]")
        .expect("consent box");
    assert!(!checkbox
        .unchecked_ref::<web_sys::HtmlInputElement>()
        .checked());
    m.text(".pe-save-consent")
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
async fn consent_names_the_business_in_each_language() {
    assert_eq!(
        consent_text_in("en").await,
        "Save my payment details with Rocket Rides for future purchases"
    );
    assert_eq!(
        consent_text_in("de").await,
        "Meine Zahlungsdaten bei Rocket Rides für zukünftige Einkäufe speichern"
    );
    assert_eq!(
        consent_text_in("id").await,
        "Simpan detail pembayaran saya di Rocket Rides untuk pembelian berikutnya"
    );
}

#[wasm_bindgen_test]
async fn ticking_consent_asks_to_save_and_records_what_was_shown() {
    let api = fake(Vec::new());
    let m = mount_fake(
        &session_options(
            "de",
            ALL_FEATURES,
            r#", "fields": {"billingDetails": {"address": "never"}}"#,
        ),
        &api,
    );
    loaded().await;
    paste(&m.field("number"), "4242424242424242");
    paste(&m.field("expiry"), "1230");
    paste(&m.field("cvc"), "123");
    settle().await;
    let handle = m.handle();
    let unticked = handle.payment_details(None).unwrap().request;
    assert_eq!(unticked.consent, None);
    assert_eq!(unticked.setup_future_usage, None);

    let before = (js_sys::Date::now() / 1000.0).floor() as i64;
    m.find("[data-field=save_payment_method]").unwrap().click();
    settle().await;
    let last = m.changes.get_untracked().last().cloned().unwrap();
    assert!(last.value.save_payment_method);
    assert_eq!(last.value.payment_method, None);
    let details = handle.payment_details(None).unwrap();
    let request = details.request;
    let consent = request.consent.clone().expect("consent record");
    assert_eq!(consent.text, m.text(".pe-save-consent"));
    assert_eq!(consent.locale, "de");
    assert_eq!(consent.usage, SetupFutureUsage::OffSession);
    assert!(consent.accepted_at >= before && consent.accepted_at <= before + 5);
    assert_eq!(
        request.setup_future_usage,
        Some(SetupFutureUsage::OffSession)
    );
    let Some(Vaulted::Card(Held::Page(card))) = details.vaulted else {
        panic!("the card goes to the vault")
    };
    assert_eq!(card.number.expose(), "4242424242424242");

    // Unticking withdraws it.
    m.find("[data-field=save_payment_method]").unwrap().click();
    settle().await;
    assert_eq!(handle.payment_details(None).unwrap().request.consent, None);
    assert!(
        !m.changes
            .get_untracked()
            .last()
            .unwrap()
            .value
            .save_payment_method
    );
}

#[wasm_bindgen_test]
async fn no_consent_box_when_the_session_does_not_allow_saving() {
    let api = fake(Vec::new());
    let m = mount_fake(
        &session_options("en", r#"{"payment_method_redisplay": "enabled"}"#, ""),
        &api,
    );
    loaded().await;
    assert!(m.has_field("number"));
    assert!(m.find(".pe-save-consent").is_none());
}

#[wasm_bindgen_test]
async fn removing_asks_first_then_removes_and_reports_it() {
    let api = fake(vec![
        card("pm_visa", 20, "visa", "4242", 12, 2030),
        card("pm_mc", 10, "mastercard", "4444", 12, 2030),
    ]);
    let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
    loaded().await;
    let remove = m.find("[data-saved-id=pm_visa] .pe-saved-remove").unwrap();
    assert_eq!(
        remove.get_attribute("aria-label").as_deref(),
        Some("Remove •••• 4242")
    );
    remove.click();
    settle().await;
    assert_eq!(
        m.text("[data-saved-id=pm_visa] .pe-saved-question"),
        "Remove •••• 4242?"
    );
    // Focus goes to Cancel (a second Enter must not remove), and back to Remove.
    after_timers().await;
    let cancel = m
        .find("[data-saved-id=pm_visa] .pe-saved-remove-cancel")
        .unwrap();
    assert_eq!(focused(), Some(cancel.clone().into()));
    // Cancel keeps it.
    cancel.click();
    settle().await;
    assert!(m.find(".pe-saved-question").is_none());
    assert!(api.detached.borrow().is_empty());
    after_timers().await;
    assert_eq!(
        focused(),
        Some(
            m.find("[data-saved-id=pm_visa] .pe-saved-remove")
                .unwrap()
                .into()
        )
    );

    m.find("[data-saved-id=pm_visa] .pe-saved-remove")
        .unwrap()
        .click();
    settle().await;
    m.find("[data-saved-id=pm_visa] .pe-saved-remove-confirm")
        .unwrap()
        .click();
    loaded().await;
    assert_eq!(api.detached.borrow().as_slice(), ["pm_visa"]);
    assert_eq!(saved_ids(&m), ["pm_mc", "new"]);
    assert_eq!(
        checked(&m).as_deref(),
        Some("pm_mc"),
        "the next method is chosen"
    );
    after_timers().await;
    assert_eq!(
        focused(),
        Some(m.find("[data-saved-choice=pm_mc]").unwrap().into()),
        "focus goes to the method now chosen, not to the page"
    );
    let removed = m.removed.get_untracked();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].payment_method.id, "pm_visa");
    assert_eq!(m.text(".pe-live"), "•••• 4242 removed.");
}

#[wasm_bindgen_test]
async fn a_failed_removal_keeps_the_method_and_says_so() {
    let api = Rc::new(FakeApi {
        methods: RefCell::new(vec![card("pm_visa", 20, "visa", "4242", 12, 2030)]),
        detach_fails: true,
        ..FakeApi::default()
    });
    let m = mount_fake(&session_options("de", ALL_FEATURES, ""), &api);
    loaded().await;
    m.find("[data-saved-id=pm_visa] .pe-saved-remove")
        .unwrap()
        .click();
    settle().await;
    m.find("[data-saved-id=pm_visa] .pe-saved-remove-confirm")
        .unwrap()
        .click();
    loaded().await;
    assert_eq!(saved_ids(&m), ["pm_visa", "new"]);
    assert_eq!(
        m.text("[data-saved-id=pm_visa] .pe-saved-error"),
        "Diese Zahlungsmethode konnte nicht entfernt werden. Bitte versuchen Sie es erneut."
    );
    assert!(m.removed.get_untracked().is_empty());
}

#[wasm_bindgen_test]
async fn no_remove_control_unless_the_session_allows_it() {
    let api = fake(vec![card("pm_visa", 20, "visa", "4242", 12, 2030)]);
    let m = mount_fake(
        &session_options("en", r#"{"payment_method_redisplay": "enabled"}"#, ""),
        &api,
    );
    loaded().await;
    assert_eq!(saved_ids(&m), ["pm_visa", "new"]);
    assert!(m.find(".pe-saved-remove").is_none());
}

#[wasm_bindgen_test]
async fn without_a_session_the_element_is_a_plain_form() {
    let api = fake(vec![card("pm_visa", 20, "visa", "4242", 12, 2030)]);
    let m = mount_fake(NO_SESSION, &api);
    loaded().await;
    assert!(api.secrets.borrow().is_empty(), "nothing to ask the server");
    assert!(m.find(".pe-saved").is_none());
    assert!(m.find(".pe-save-consent").is_none());
    assert!(m.has_field("number"));
}

#[wasm_bindgen_test]
async fn a_failed_load_falls_back_to_the_plain_form_quietly() {
    for error in [
        CustomerApiError::Network,
        CustomerApiError::Refused {
            status: 401,
            code: ErrorCode::SessionExpired,
        },
    ] {
        let api = Rc::new(FakeApi {
            list_fails: Some(error),
            ..FakeApi::default()
        });
        let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
        loaded().await;
        assert_eq!(api.secrets.borrow().len(), 1);
        assert!(m.find(".pe-saved").is_none());
        assert!(m.has_field("number"));
        assert_eq!(m.text(".pe-live"), "", "nothing alarming is announced");
        assert!(m.find(".pe-error:not(:empty)").is_none());
    }
}

#[wasm_bindgen_test]
async fn change_events_report_the_saved_method_or_the_new_one() {
    let api = fake(vec![card("pm_visa", 20, "visa", "4242", 12, 2030)]);
    let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
    loaded().await;
    let last = m.changes.get_untracked().last().cloned().expect("a change");
    assert_eq!(last.value.payment_method.as_deref(), Some("pm_visa"));
    assert_eq!(
        last.value.kind,
        Some(payment_element::model::types::MethodKind::Card)
    );
    assert!(last.complete);
    m.find("[data-saved-choice=new]").unwrap().click();
    settle().await;
    let last = m.changes.get_untracked().last().cloned().unwrap();
    assert_eq!(last.value.payment_method, None);
    assert!(!last.complete);
    assert!(!last.value.save_payment_method);
}

#[wasm_bindgen_test]
async fn saved_methods_follow_a_language_switch() {
    let api = fake(vec![card("pm_visa", 20, "visa", "4242", 12, 2030)]);
    let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
    loaded().await;
    assert!(item_text(&m, "pm_visa").contains("Expires 12/30"));
    m.options.update(|o| {
        o.locale = payment_element::model::options::LocaleChoice::Fixed(
            payment_element::model::locale::Locale::De,
        )
    });
    settle().await;
    assert!(item_text(&m, "pm_visa").contains("Gültig bis 12/30"));
    assert_eq!(m.text("[data-saved-choice=new]"), "Neue Zahlungsmethode");
    assert_eq!(
        checked(&m).as_deref(),
        Some("pm_visa"),
        "the choice survives"
    );
    assert_eq!(
        api.secrets.borrow().len(),
        1,
        "no reload for a language switch"
    );
}

#[wasm_bindgen_test]
async fn saved_methods_follow_the_currency_and_the_choice_stays_payable() {
    let api = fake(vec![
        sepa("pm_sepa", 30),
        wallet("pm_gcash", 20),
        card("pm_visa", 10, "visa", "4242", 12, 2030),
    ]);
    let m = mount_fake(&session_options("en", ALL_FEATURES, ""), &api);
    loaded().await;
    // EUR: SEPA and cards pay; a GCash account does not.
    assert_eq!(saved_ids(&m), ["pm_sepa", "pm_visa", "new"]);
    assert_eq!(checked(&m).as_deref(), Some("pm_sepa"));
    let currency = |code: &str| payment_core::money::Currency::new(code).unwrap();
    m.options.update(|o| o.currency = Some(currency("php")));
    settle().await;
    assert_eq!(saved_ids(&m), ["pm_gcash", "pm_visa", "new"]);
    assert_eq!(
        checked(&m).as_deref(),
        Some("pm_gcash"),
        "SEPA cannot pay in PHP: the newest method that can is chosen"
    );
    let gcash = item_text(&m, "pm_gcash");
    assert!(
        gcash.contains("GCash") && gcash.contains("+63 •••• 1234"),
        "{gcash}"
    );
    m.options.update(|o| o.currency = Some(currency("idr")));
    settle().await;
    assert_eq!(saved_ids(&m), ["pm_visa", "new"], "GCash takes no IDR");
    assert_eq!(checked(&m).as_deref(), Some("pm_visa"));
    // paymentMethodTypes leaves cards out: only the new-method form remains.
    m.options.update(|o| {
        o.currency = Some(currency("eur"));
        o.payment_method_types = Some(vec![payment_element::model::types::MethodKind::SepaDebit]);
    });
    settle().await;
    assert_eq!(saved_ids(&m), ["pm_sepa", "new"]);
    assert_eq!(
        api.secrets.borrow().len(),
        1,
        "no reload for a currency switch"
    );
}

#[wasm_bindgen_test]
async fn saved_methods_arriving_late_leave_a_card_being_typed_alone() {
    let api = fake(vec![card("pm_visa", 20, "visa", "4242", 12, 2030)]);
    // No session yet: the customer starts typing a new card …
    let m = mount_fake(NO_SESSION, &api);
    settle().await;
    type_text(&m.field("number"), "5555555555554444");
    settle().await;
    // … and then the session's saved methods arrive.
    m.options.update(|o| {
        o.saved.client_secret = Some(ClientSecret::new(SECRET));
    });
    loaded().await;
    assert_eq!(saved_ids(&m), ["pm_visa", "new"]);
    assert_eq!(
        checked(&m).as_deref(),
        Some("new"),
        "the card being typed stays"
    );
    assert_eq!(m.field("number").value(), "5555 5555 5555 4444");
}

#[wasm_bindgen_test]
async fn removing_the_chosen_card_does_not_carry_its_cvc_to_the_next() {
    let api = fake(vec![
        card("pm_visa", 20, "visa", "4242", 12, 2030),
        card("pm_mc", 10, "mastercard", "4444", 12, 2030),
    ]);
    let m = mount_with_cvc_again(&api);
    loaded().await;
    type_text(&m.field("cvc"), "123");
    settle().await;
    m.find("[data-saved-id=pm_visa] .pe-saved-remove")
        .unwrap()
        .click();
    settle().await;
    m.find("[data-saved-id=pm_visa] .pe-saved-remove-confirm")
        .unwrap()
        .click();
    loaded().await;
    assert_eq!(checked(&m).as_deref(), Some("pm_mc"));
    assert_eq!(m.field("cvc").value(), "", "4242's CVC is not 4444's");
    assert!(m.handle().payment_details(None).is_err());
}

#[wasm_bindgen_test]
fn the_servers_json_decodes_leniently() {
    let body = js_sys::JSON::parse(
        r#"{"data": [
            {"id": "pm_card", "type": "card", "created": 1790000000, "allow_redisplay": "always",
             "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034, "funding": "credit"}},
            {"id": "pm_sepa", "type": "sepa_debit", "created": 1789000000, "allow_redisplay": "always",
             "sepa_debit": {"country": "DE", "bank_code": "37040044", "last4": "3000"}},
            {"id": "pm_wallet", "type": "ewallet", "created": 1788000000, "allow_redisplay": "always",
             "ewallet": {"channel_code": "GCASH", "account_label": "+63 •••• 1234"}},
            {"id": "pm_new", "type": "crypto", "created": 1, "allow_redisplay": "sometimes",
             "ewallet": {"channel_code": "NEWPAY"}},
            {"type": "card"}
        ]}"#,
    )
    .unwrap();
    let methods = payment_element::net::customer_api::read_saved_methods(&body);
    assert_eq!(methods.len(), 4, "an item without an id is skipped");
    assert_eq!(
        methods[0],
        card("pm_card", 1790000000, "visa", "4242", 12, 2034)
    );
    assert_eq!(methods[1], sepa("pm_sepa", 1789000000));
    assert_eq!(methods[2], wallet("pm_wallet", 1788000000));
    assert_eq!(methods[3].kind, PaymentMethodType::Unknown);
    assert_eq!(methods[3].allow_redisplay, AllowRedisplay::Unknown);
    assert_eq!(
        methods[3].ewallet.as_ref().unwrap().channel_code,
        EwalletChannel::Unknown
    );
    let not_a_list = js_sys::JSON::parse(r#"{"data": 3}"#).unwrap();
    assert!(payment_element::net::customer_api::read_saved_methods(&not_a_list).is_empty());

    let features = js_sys::JSON::parse(
        r#"{"payment_method_redisplay": "enabled", "payment_method_redisplay_limit": 7,
            "payment_method_save": "enabled", "payment_method_save_usage": "on_session",
            "payment_method_remove": "beta"}"#,
    )
    .unwrap();
    let features = payment_element::net::customer_api::read_features(&features);
    assert!(features.payment_method_redisplay.is_enabled());
    assert_eq!(features.redisplay_limit(), 7);
    assert_eq!(
        features.payment_method_save_usage,
        Some(SetupFutureUsage::OnSession)
    );
    assert!(
        !features.payment_method_remove.is_enabled(),
        "unknown reads as disabled"
    );
}
