//! Browser tests of the return page: every status, polling, the secret leaving the
//! address bar, and a reload reading (never confirming) again.
#![cfg(target_arch = "wasm32")]

mod common;
mod fake;

use common::*;
use fake::*;
use leptos::prelude::*;
use payment_core::error::DeclineCode;
use payment_element::model::confirm::PollPolicy;
use payment_element::model::locale::Locale;
use payment_element::net::client::Api;
use payment_element::PaymentStatus;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

const FAST: PollPolicy = PollPolicy {
    first_delay_ms: 5,
    max_delay_ms: 10,
    max_polls: 3,
};

/// Puts the test page at a return address (same document, no navigation).
fn arrive(query: &str) -> String {
    let original = [
        window().location().pathname().unwrap(),
        window().location().search().unwrap(),
    ]
    .concat();
    let address = [window().location().pathname().unwrap().as_str(), query].concat();
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address))
        .unwrap();
    original
}

fn leave(original: &str) {
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(original))
        .unwrap();
}

fn mount_status(api: Api, locale: Locale) -> HtmlElement {
    mount_status_with(api, locale, Vec::new())
}

fn mount_status_with(
    api: Api,
    locale: Locale,
    strings: Vec<(payment_element::model::locale::Key, String)>,
) -> HtmlElement {
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let locale = Some(locale);
    leptos::mount::mount_to(container.clone(), move || {
        view! { <PaymentStatus api locale strings poll=FAST retry_href="/checkout" /> }
    })
    .forget();
    container
}

fn text(container: &HtmlElement, selector: &str) -> String {
    container
        .query_selector(selector)
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

fn status_of(container: &HtmlElement) -> String {
    container
        .query_selector(".pe-status")
        .unwrap()
        .and_then(|e| e.get_attribute("data-status"))
        .unwrap_or_default()
}

const QUERY: &str =
    "?payment_intent=pi_test&payment_intent_client_secret=pi_test_secret_abc&redirect_status=succeeded";

async fn shown(script: &std::rc::Rc<Script>, container: &HtmlElement, status: &str) {
    until(status, || status_of(container) == status).await;
    let _ = script;
}

#[wasm_bindgen_test]
async fn succeeded_says_payment_received_and_the_secret_leaves_the_address() {
    let original = arrive(QUERY);
    let (script, api) = fake();
    let page = mount_status(api, Locale::En);
    // The secret is gone from the address bar before the answer comes.
    let search = window().location().search().unwrap();
    assert!(!search.contains("secret"), "{search}");
    assert!(search.contains("payment_intent=pi_test"));
    shown(&script, &page, "succeeded").await;
    assert_eq!(
        text(&page, ".pe-status-message"),
        "Payment received. Thank you!"
    );
    assert_eq!(
        *script.reads.borrow(),
        [("pi_test".to_owned(), "pi_test_secret_abc".to_owned())]
    );
    assert_eq!(script.confirm_count(), 0, "the return page only reads");
    // A reload of the same tab still finds the secret (in the history entry), not in
    // the address, and reads again.
    let (reloaded, api) = fake();
    let again = mount_status(api, Locale::De);
    until("the reload", || status_of(&again) == "succeeded").await;
    assert_eq!(
        text(&again, ".pe-status-message"),
        "Zahlung erhalten. Vielen Dank!"
    );
    // The fake answers any secret: the read after the reload must carry the real one,
    // taken from the history entry.
    assert_eq!(
        *reloaded.reads.borrow(),
        [("pi_test".to_owned(), "pi_test_secret_abc".to_owned())]
    );
    leave(&original);
}

#[wasm_bindgen_test]
async fn processing_polls_until_it_settles() {
    let original = arrive(QUERY);
    let (script, api) = fake();
    {
        let mut answers = script.status_answers.borrow_mut();
        answers.push_back(Ok(intent("processing")));
        answers.push_back(Ok(intent("processing")));
        answers.push_back(Ok(intent("succeeded")));
    }
    let page = mount_status(api, Locale::En);
    shown(&script, &page, "processing").await;
    assert!(text(&page, ".pe-status-message").starts_with("Your payment is processing."));
    shown(&script, &page, "succeeded").await;
    assert_eq!(script.reads.borrow().len(), 3);
    leave(&original);
}

#[wasm_bindgen_test]
async fn processing_past_the_limit_promises_an_email() {
    let original = arrive(QUERY);
    let (script, api) = fake();
    for _ in 0..10 {
        script
            .status_answers
            .borrow_mut()
            .push_back(Ok(intent("processing")));
    }
    let page = mount_status(api, Locale::Id);
    until("the email message", || {
        text(&page, ".pe-status-message").contains("email")
    })
    .await;
    assert_eq!(script.reads.borrow().len(), 4, "one read and three polls");
    leave(&original);
}

#[wasm_bindgen_test]
async fn a_failed_payment_says_why_and_links_back() {
    let original = arrive(QUERY);
    let (script, api) = fake();
    script
        .status_answers
        .borrow_mut()
        .push_back(Ok(declined_intent(DeclineCode::InsufficientFunds)));
    let page = mount_status(api, Locale::En);
    shown(&script, &page, "failed").await;
    assert_eq!(
        text(&page, ".pe-status-message"),
        "Your payment was not completed."
    );
    assert_eq!(
        text(&page, ".pe-status-reason"),
        "Your card has insufficient funds."
    );
    let link = page.query_selector(".pe-status-retry").unwrap().unwrap();
    assert_eq!(link.get_attribute("href").as_deref(), Some("/checkout"));
    assert_eq!(link.text_content().unwrap(), "Try another payment method");
    leave(&original);
}

#[wasm_bindgen_test]
async fn a_stolen_card_reads_as_a_generic_decline() {
    let original = arrive(QUERY);
    let (script, api) = fake();
    script
        .status_answers
        .borrow_mut()
        .push_back(Ok(declined_intent(DeclineCode::StolenCard)));
    let page = mount_status(api, Locale::En);
    shown(&script, &page, "failed").await;
    assert_eq!(text(&page, ".pe-status-reason"), "Your card was declined.");
    leave(&original);
}

#[wasm_bindgen_test]
async fn canceled_and_unknown_statuses_get_their_messages() {
    let original = arrive(QUERY);
    let (script, api) = fake();
    script
        .status_answers
        .borrow_mut()
        .push_back(Ok(intent("canceled")));
    let page = mount_status(api, Locale::En);
    shown(&script, &page, "canceled").await;
    assert!(text(&page, ".pe-status-message").starts_with("This payment was canceled."));
    leave(&original);

    let original = arrive(QUERY);
    let (script, api) = fake();
    script
        .status_answers
        .borrow_mut()
        .push_back(Ok(intent("some_future_status")));
    let page = mount_status(api, Locale::En);
    shown(&script, &page, "unknown").await;
    assert!(text(&page, ".pe-status-message").starts_with("We could not confirm"));
    leave(&original);
}

#[wasm_bindgen_test]
async fn no_return_parameters_show_the_generic_message_and_fetch_nothing() {
    let original = arrive("?payment_intent=pi_other");
    let (script, api) = fake();
    let page = mount_status(api, Locale::En);
    settle().await;
    assert_eq!(status_of(&page), "unknown");
    assert!(script.reads.borrow().is_empty());
    leave(&original);
}

#[wasm_bindgen_test]
async fn the_return_page_takes_the_checkouts_language_and_wording() {
    // What a page passes to mountPaymentStatus, read as the element reads its own.
    let options = js_sys::JSON::parse(
        r#"{"locale": "de", "strings": {"return_received": "Danke, bis bald!"}, "retryHref": "/kasse"}"#,
    )
    .unwrap();
    let read = payment_element::js_api::status_options(&options).unwrap();
    assert_eq!(read.locale, Some(Locale::De));
    assert_eq!(read.retry_href, "/kasse");
    let strings = read.strings;
    let original = arrive(QUERY);
    let (script, api) = fake();
    let page = mount_status_with(api, Locale::De, strings);
    shown(&script, &page, "succeeded").await;
    assert_eq!(text(&page, ".pe-status-message"), "Danke, bis bald!");
    leave(&original);
    // "auto" (or nothing) follows the browser; bad options are named.
    let auto = js_sys::JSON::parse(r#"{"locale": "auto"}"#).unwrap();
    assert_eq!(
        payment_element::js_api::status_options(&auto)
            .unwrap()
            .locale,
        None
    );
    assert_eq!(
        payment_element::js_api::status_options(&wasm_bindgen::JsValue::UNDEFINED)
            .unwrap()
            .retry_href,
        "/"
    );
    for (bad, says) in [
        (r#"{"language": "de"}"#, "language is not an option"),
        (r#"{"strings": {"no_such_key": "x"}}"#, "no_such_key"),
        (r#"{"retryHref": ""}"#, "retryHref must be"),
    ] {
        let error = payment_element::js_api::status_options(&js_sys::JSON::parse(bad).unwrap())
            .err()
            .unwrap();
        let message: String = error.unchecked_into::<js_sys::Error>().message().into();
        assert!(message.contains(says), "{bad}: {message}");
    }
}
