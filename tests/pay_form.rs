//! Browser tests of paying: the guard (one token, one confirm however often Pay fires),
//! the busy state, declines, network failures and the way back from a redirect, against
//! a scripted merchant API.
#![cfg(target_arch = "wasm32")]

mod common;
mod fake;

use common::*;
use fake::*;
use leptos::prelude::*;
use payment_core::api::CreateConfirmationToken;
use payment_core::error::DeclineCode;
use payment_core::money::{Currency, Money};
use payment_core::secret::{ClientSecret, Cvc};
use payment_element::components::state::PaymentDetails;
use payment_element::model::confirm::{CallError, Outcome, RedirectPolicy};
use payment_element::model::vaulted::{Held, Vaulted};
use payment_element::net::client::Api;
use payment_element::{PayForm, PaymentElement};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlFormElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The mounted element, seen as a customer sees it (independent of `common::Mounted`,
/// which mounts the element alone).
struct Page {
    container: HtmlElement,
}

impl Page {
    fn find(&self, selector: &str) -> Option<HtmlElement> {
        self.container
            .query_selector(selector)
            .unwrap()
            .map(JsCast::unchecked_into)
    }
    fn field(&self, name: &str) -> web_sys::HtmlInputElement {
        self.find(&format!("[data-field=\"{name}\"]"))
            .unwrap_or_else(|| panic!("no field {name}"))
            .unchecked_into()
    }
    fn text(&self, selector: &str) -> String {
        self.find(selector)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }
    fn root(&self) -> HtmlElement {
        self.find(".pe-root").expect("root")
    }
    fn error_of(&self, name: &str) -> String {
        let id = self.field(name).get_attribute("aria-describedby").unwrap();
        document()
            .get_element_by_id(&id)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }
}

struct Checkout {
    m: Page,
    navigations: RwSignal<Vec<String>>,
    outcomes: RwSignal<Vec<Outcome>>,
    options: RwSignal<payment_element::model::options::PaymentElementOptions>,
}

fn mount_checkout(api: Api, script: &Rc<Script>) -> Checkout {
    mount_checkout_for(api, script, None)
}

/// A checkout paying the storefront's order `order`.
fn mount_checkout_for(api: Api, script: &Rc<Script>, order: Option<&str>) -> Checkout {
    let vault = StoredValue::new_local(vault(script));
    let order = Signal::stored(order.map(str::to_owned));
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let options = RwSignal::new(options(
        r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment"}"#,
    ));
    let handle = RwSignal::new(None);
    let navigations = RwSignal::new(Vec::new());
    let outcomes = RwSignal::new(Vec::new());
    leptos::mount::mount_to(container.clone(), move || {
        view! {
            <PayForm
                api
                handle
                amount=Money::new(1999, Currency::EUR)
                return_url="http://shop.test/complete"
                redirect=RedirectPolicy::IfRequired
                navigate=Callback::new(move |url| navigations.update(|n| n.push(url)))
                on_outcome=Callback::new(move |o| outcomes.update(|v| v.push(o)))
                order
            >
                <PaymentElement
                    options
                    vault=vault.get_value()
                    on_ready=Callback::new(move |h| handle.set(Some(h)))
                />
            </PayForm>
        }
    })
    .forget();
    Checkout {
        m: Page { container },
        navigations,
        outcomes,
        options,
    }
}

impl Checkout {
    fn button(&self) -> HtmlButtonElement {
        self.m
            .find(".pe-pay-button")
            .expect("pay button")
            .unchecked_into()
    }
    fn error(&self) -> String {
        self.m.text(".pe-pay-error")
    }
    async fn fill_card(&self, number: &str) {
        settle().await;
        let select: web_sys::HtmlSelectElement = self.m.field("country").unchecked_into();
        select.set_value("DE");
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        select
            .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
            .unwrap();
        settle().await;
        type_text(&self.m.field("number"), number);
        type_text(&self.m.field("expiry"), "1234");
        type_text(&self.m.field("cvc"), "123");
        settle().await;
    }
}

#[wasm_bindgen_test]
async fn the_button_shows_the_amount_in_the_locale() {
    let (script, api) = fake();
    let c = mount_checkout(api, &script);
    settle().await;
    assert_eq!(c.m.text(".pe-pay-label"), "Pay €19.99");
    assert_eq!(c.button().get_attribute("type").as_deref(), Some("submit"));
}

#[wasm_bindgen_test]
async fn ten_clicks_and_enters_make_one_token_and_one_confirm() {
    let (script, api) = fake();
    let c = mount_checkout(api, &script);
    c.fill_card("4242424242424242").await;
    let button = c.button();
    let form: HtmlFormElement = c.m.find(".pe-pay-form").unwrap().unchecked_into();
    for _ in 0..10 {
        button.click();
        // Enter in a field submits the form the same way.
        form.request_submit().unwrap();
    }
    settle().await;
    assert!(button.disabled(), "disabled from the first click");
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(
        !c.m.find(".pe-spinner").unwrap().hidden(),
        "the spinner shows"
    );
    until("the outcome", || !c.outcomes.get_untracked().is_empty()).await;
    assert_eq!(script.token_count(), 1);
    assert_eq!(script.confirm_count(), 1);
    assert!(matches!(
        c.outcomes.get_untracked()[0],
        Outcome::Succeeded(_)
    ));
    settle().await;
    assert!(button.disabled(), "a paid form stays closed");
    assert_eq!(c.m.text(".pe-pay-status"), "Payment succeeded.");
    // More presses after the payment charge nothing.
    button.click();
    settle().await;
    assert_eq!(script.confirm_count(), 1);
}

#[wasm_bindgen_test]
async fn the_form_is_locked_while_the_payment_is_in_flight() {
    let (script, api) = fake();
    script.gate_open.set(false);
    let c = mount_checkout(api, &script);
    c.fill_card("4242424242424242").await;
    c.button().click();
    until("the confirm", || script.confirm_count() == 1).await;
    settle().await;
    assert!(
        c.m.root().has_attribute("inert"),
        "nothing typed now would be lost silently"
    );
    assert_eq!(c.m.text(".pe-pay-label"), "Processing payment…");
    script.gate_open.set(true);
    until("the outcome", || !c.outcomes.get_untracked().is_empty()).await;
}

#[wasm_bindgen_test]
async fn an_invalid_form_sends_nothing_and_focuses_the_first_error() {
    let (script, api) = fake();
    let c = mount_checkout(api, &script);
    settle().await;
    c.button().click();
    settle().await;
    assert_eq!(script.token_count(), 0);
    assert_eq!(focused(), Some(c.m.field("number").into()));
    assert_eq!(c.m.error_of("number"), "Your card number is incomplete.");
    assert!(!c.button().disabled());
}

#[wasm_bindgen_test]
async fn a_decline_says_why_focuses_the_cvc_and_keeps_the_rest() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(decline(DeclineCode::IncorrectCvc));
    let c = mount_checkout(api, &script);
    c.fill_card("4000000000000127").await;
    c.button().click();
    until("the outcome", || !c.outcomes.get_untracked().is_empty()).await;
    settle().await;
    assert_eq!(c.error(), "Your card's security code is incorrect.");
    assert_eq!(
        c.m.find(".pe-pay-error")
            .unwrap()
            .get_attribute("role")
            .as_deref(),
        Some("alert")
    );
    assert_eq!(focused(), Some(c.m.field("cvc").into()));
    assert_eq!(c.m.field("cvc").value(), "", "the CVC is asked again");
    // Emptied on purpose: not an "incomplete" error, so the decline is what shows and
    // what the live region says.
    assert_eq!(c.m.error_of("cvc"), "");
    assert_eq!(
        c.m.field("cvc").get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert!(
        !c.m.text(".pe-live").contains("incomplete"),
        "{}",
        c.m.text(".pe-live")
    );
    assert_eq!(c.m.field("number").value(), "4000 0000 0000 0127");
    assert_eq!(c.m.field("expiry").value(), "12 / 34");
    assert!(!c.button().disabled());
    assert_eq!(
        c.button().get_attribute("aria-busy").as_deref(),
        Some("false")
    );
    assert!(!c.m.root().has_attribute("inert"));
    // The next attempt confirms the same intent again, with a new key and token.
    type_text(&c.m.field("cvc"), "456");
    settle().await;
    c.button().click();
    until("the second outcome", || {
        c.outcomes.get_untracked().len() == 2
    })
    .await;
    let confirms = script.confirms.borrow();
    assert_eq!(confirms[1].0, "payment_intents/confirm");
    assert_ne!(confirms[0].1, confirms[1].1, "a new token");
    assert_ne!(confirms[0].2, confirms[1].2, "a new idempotency key");
}

#[wasm_bindgen_test]
async fn lost_cards_read_as_a_generic_decline() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(decline(DeclineCode::LostCard));
    let c = mount_checkout(api, &script);
    c.fill_card("4000000000009987").await;
    c.button().click();
    until("the outcome", || !c.outcomes.get_untracked().is_empty()).await;
    settle().await;
    assert_eq!(c.error(), "Your card was declined.");
}

/// A checkout whose first Pay (card 4242) got no answer to its confirm; the outcome
/// is in and the form open again.
async fn after_a_lost_confirm() -> (std::rc::Rc<Script>, Checkout) {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(Err(CallError::Network));
    let c = mount_checkout(api, &script);
    c.fill_card("4242424242424242").await;
    c.button().click();
    until("the outcome", || !c.outcomes.get_untracked().is_empty()).await;
    settle().await;
    (script, c)
}

#[wasm_bindgen_test]
async fn a_network_failure_keeps_everything_and_the_retry_reuses_the_key() {
    let (script, c) = after_a_lost_confirm().await;
    assert!(
        c.error()
            .starts_with("We could not reach the payment server."),
        "{}",
        c.error()
    );
    assert_eq!(c.m.field("number").value(), "4242 4242 4242 4242");
    assert_eq!(c.m.field("expiry").value(), "12 / 34");
    assert_eq!(c.m.field("cvc").value(), "123");
    assert!(!c.button().disabled());
    assert!(!c.m.root().has_attribute("inert"));
    c.button().click();
    until("the second outcome", || {
        c.outcomes.get_untracked().len() == 2
    })
    .await;
    assert_eq!(
        script.token_count(),
        1,
        "the unanswered confirm's token is sent again"
    );
    let confirms = script.confirms.borrow();
    assert_eq!(confirms[0], confirms[1], "same token, same idempotency key");
}

#[wasm_bindgen_test]
async fn after_a_lost_answer_other_details_never_pay_a_second_time() {
    // The first confirm charged, but its answer was lost on the way back.
    let (script, c) = after_a_lost_confirm().await;
    // The customer retypes the CVC (another card's details would do the same) and
    // pays again: the earlier confirm goes first and turns out to have succeeded.
    let cvc = c.m.field("cvc");
    cvc.set_value("");
    type_text(&cvc, "999");
    settle().await;
    c.button().click();
    until("the second outcome", || {
        c.outcomes.get_untracked().len() == 2
    })
    .await;
    settle().await;
    assert!(matches!(
        c.outcomes.get_untracked()[1],
        Outcome::Succeeded(_)
    ));
    assert_eq!(script.token_count(), 1, "no token for the new details");
    let confirms = script.confirms.borrow();
    assert_eq!(confirms.len(), 2);
    assert_eq!(
        confirms[0], confirms[1],
        "the earlier confirm, resent as it was"
    );
    assert!(c.button().disabled(), "paid: the form stays locked");
}

#[wasm_bindgen_test]
async fn in_setup_mode_pay_charges_nothing() {
    let (script, api) = fake();
    let c = mount_checkout(api, &script);
    c.fill_card("4242424242424242").await;
    c.options.update(|o| {
        o.mode = Some(payment_element::model::types::Mode::Setup);
    });
    settle().await;
    c.button().click();
    settle().await;
    payment_element::net::client::sleep_ms(20).await;
    assert_eq!(script.token_count(), 0);
    assert!(script.confirms.borrow().is_empty(), "nothing was charged");
    assert!(c.outcomes.get_untracked().is_empty());
}

#[wasm_bindgen_test]
async fn a_token_that_could_not_be_made_reopens_the_form() {
    let (script, api) = fake();
    script
        .token_failures
        .borrow_mut()
        .push_back(CallError::Timeout);
    let c = mount_checkout(api, &script);
    c.fill_card("4242424242424242").await;
    c.button().click();
    until("the button", || {
        !c.button().disabled() && script.token_count() == 1
    })
    .await;
    settle().await;
    assert!(
        c.error().starts_with("The payment server took too long"),
        "{}",
        c.error()
    );
    assert_eq!(script.confirm_count(), 0);
    assert_eq!(c.m.field("cvc").value(), "123");
}

#[wasm_bindgen_test]
async fn a_redirect_goes_to_the_page_and_the_back_button_reopens_the_form() {
    let (script, api) = fake();
    // A bank's own page, of another origin: it may refuse to be framed, so the customer
    // goes there rather than into the dialog.
    script
        .confirm_answers
        .borrow_mut()
        .push_back(Ok(redirect_intent(
            "https://acs.bank.example/challenge/pi_test",
        )));
    let c = mount_checkout(api, &script);
    c.fill_card("4000000000003220").await;
    c.button().click();
    until("the redirect", || !c.navigations.get_untracked().is_empty()).await;
    assert_eq!(
        c.navigations.get_untracked(),
        ["https://acs.bank.example/challenge/pi_test"]
    );
    settle().await;
    assert!(c.button().disabled(), "locked while the page is leaving");
    // Back from the 3-D Secure page: the page comes out of the back/forward cache.
    let init = web_sys::PageTransitionEventInit::new();
    init.set_persisted(true);
    let event = web_sys::PageTransitionEvent::new_with_event_init_dict("pageshow", &init).unwrap();
    window().dispatch_event(&event).unwrap();
    settle().await;
    assert!(!c.button().disabled());
    assert!(!c.m.root().has_attribute("inert"));
    c.button().click();
    until("the second outcome", || {
        c.outcomes.get_untracked().len() == 2
    })
    .await;
    let confirms = script.confirms.borrow();
    assert_eq!(confirms.len(), 2);
    assert_eq!(
        confirms[1].0, "payment_intents/confirm",
        "the same order, not a new one"
    );
}

#[wasm_bindgen_test]
async fn a_saved_method_token_carries_its_cvc_token_and_the_session_secret() {
    let (script, api) = fake();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = RwSignal::new(None);
    let options =
        options(r#"{"locale": "en", "currency": "eur", "amount": 1999, "mode": "payment"}"#);
    let vault = StoredValue::new_local(vault(&script));
    leptos::mount::mount_to(container.clone(), move || {
        view! {
            <PayForm
                api
                handle
                amount=Money::new(1999, Currency::EUR)
                return_url="http://shop.test/complete"
                token_request=Callback::new(|_| Ok(PaymentDetails {
                    request: CreateConfirmationToken {
                        payment_method: Some("pm_saved".into()),
                        ..CreateConfirmationToken::default()
                    },
                    vaulted: Some(Vaulted::Cvc(Held::Page(Cvc::new("123")))),
                }))
                customer_session=Some(ClientSecret::new("cuss_1_secret_z"))
            >
                <PaymentElement
                    options
                    vault=vault.get_value()
                    on_ready=Callback::new(move |h| handle.set(Some(h)))
                />
            </PayForm>
        }
    })
    .forget();
    settle().await;
    let button: HtmlButtonElement = container
        .query_selector(".pe-pay-button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    // Pay still validates the element first (this element shows only its card form),
    // then sends what `token_request` built.
    let c = Checkout {
        m: Page {
            container: container.clone(),
        },
        navigations: RwSignal::new(Vec::new()),
        outcomes: RwSignal::new(Vec::new()),
        options: RwSignal::new(Default::default()),
    };
    c.fill_card("4242424242424242").await;
    button.click();
    until("the token", || script.token_count() == 1).await;
    let request = script.token_requests.borrow()[0].clone();
    assert_eq!(request.payment_method.as_deref(), Some("pm_saved"));
    // The CVC went to the payments origin; the merchant API got its token only.
    assert_eq!(script.vaulted_cvcs.borrow()[0].expose(), "123");
    let options = request.payment_method_options.unwrap().card.unwrap();
    assert_eq!(options.cvc_token.as_deref(), Some("cvc_tok_1"));
    assert_eq!(
        request.return_url.as_deref(),
        Some("http://shop.test/complete")
    );
    assert_eq!(
        *script.bearers.borrow(),
        [Some("cuss_1_secret_z".to_owned())]
    );
}

fn server_error() -> Result<payment_core::api::PaymentIntent, CallError> {
    // What the client makes of any 5xx (`client::decode`).
    Err(CallError::api(payment_core::error::ApiError::new(
        payment_core::error::ErrorType::ApiError,
        payment_core::error::ErrorCode::InternalError,
    )))
}

fn refused(
    code: payment_core::error::ErrorCode,
) -> Result<payment_core::api::PaymentIntent, CallError> {
    Err(CallError::api(payment_core::error::ApiError::new(
        payment_core::error::ErrorType::InvalidRequestError,
        code,
    )))
}

// Regression: a 500 after the charge committed let the next Pay make a new token and a
// new confirm, which could charge the order again.
#[wasm_bindgen_test]
async fn a_server_error_is_settled_by_sending_the_same_confirm_again() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(server_error());
    let c = mount_checkout(api, &script);
    c.fill_card("4242424242424242").await;
    c.button().click();
    until("the first outcome", || {
        c.outcomes.get_untracked().len() == 1
    })
    .await;
    settle().await;
    assert!(!c.button().disabled(), "the form opens again");
    assert_eq!(c.m.field("number").value(), "4242 4242 4242 4242");
    c.button().click();
    until("the second outcome", || {
        c.outcomes.get_untracked().len() == 2
    })
    .await;
    assert_eq!(script.token_count(), 1, "no second token");
    let confirms = script.confirms.borrow();
    assert_eq!(confirms[0], confirms[1], "the same confirm, key and token");
    assert!(matches!(
        c.outcomes.get_untracked()[1],
        Outcome::Succeeded(_)
    ));
}

#[wasm_bindgen_test]
async fn a_refusal_without_its_intent_is_settled_by_reading_the_intent() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(decline(DeclineCode::GenericDecline));
    // The retry of the declined intent is refused: it was paid meanwhile (another tab).
    script.confirm_answers.borrow_mut().push_back(refused(
        payment_core::error::ErrorCode::PaymentIntentUnexpectedState,
    ));
    script
        .status_answers
        .borrow_mut()
        .push_back(Ok(intent("succeeded")));
    let c = mount_checkout(api, &script);
    c.fill_card("4000000000000002").await;
    c.button().click();
    until("the decline", || c.outcomes.get_untracked().len() == 1).await;
    settle().await;
    type_text(&c.m.field("cvc"), "456");
    settle().await;
    c.button().click();
    until("the second outcome", || {
        c.outcomes.get_untracked().len() == 2
    })
    .await;
    assert_eq!(
        *script.reads.borrow(),
        vec![("pi_test".to_owned(), "pi_test_secret_abc".to_owned())]
    );
    assert!(matches!(
        c.outcomes.get_untracked()[1],
        Outcome::Succeeded(_)
    ));
    settle().await;
    assert_eq!(c.m.text(".pe-pay-status"), "Payment succeeded.");
    assert_eq!(c.error(), "");
    assert!(
        c.button().disabled(),
        "a paid order takes no second payment"
    );
}

#[wasm_bindgen_test]
async fn an_order_paid_elsewhere_shows_as_paid() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(refused(payment_core::error::ErrorCode::OrderAlreadyPaid));
    script
        .order_answers
        .borrow_mut()
        .push_back(Ok(Some(intent("succeeded"))));
    let c = mount_checkout_for(api, &script, Some("ord_1"));
    c.fill_card("4242424242424242").await;
    c.button().click();
    until("the outcome", || !c.outcomes.get_untracked().is_empty()).await;
    assert_eq!(
        script.placements.borrow()[0].order.as_deref(),
        Some("ord_1"),
        "the confirm names the order"
    );
    assert_eq!(*script.order_reads.borrow(), vec!["ord_1".to_owned()]);
    assert!(matches!(
        c.outcomes.get_untracked()[0],
        Outcome::Succeeded(_)
    ));
}

/// The open 3-D Secure dialog, if any.
fn dialog() -> Option<web_sys::HtmlDialogElement> {
    document()
        .query_selector("dialog.pe-challenge")
        .unwrap()
        .map(JsCast::unchecked_into)
}

/// Runs `script` inside the dialog's (same-origin, in this test) challenge frame, once
/// it has loaded: what the challenge page's own script would do.
async fn in_challenge_frame(script: &str) {
    let frame: web_sys::HtmlIFrameElement = document()
        .query_selector("dialog.pe-challenge iframe")
        .unwrap()
        .expect("the challenge frame")
        .unchecked_into();
    until("the challenge frame to load", || {
        frame
            .content_document()
            .is_some_and(|d| d.ready_state() == "complete")
    })
    .await;
    let window = frame.content_window().unwrap();
    let eval = js_sys::Reflect::get(&window, &"eval".into()).unwrap();
    js_sys::Function::from(eval)
        .call1(&window, &script.into())
        .unwrap();
}

const READY: &str = "parent.postMessage({type: 'pe:challenge-ready', version: 1}, '*')";
const DONE: &str = "parent.postMessage({type: 'pe:challenge-done', version: 1}, '*')";

#[wasm_bindgen_test]
async fn three_d_secure_opens_in_a_dialog_and_the_intents_status_ends_it() {
    let (script, api) = fake();
    // A challenge page of this page's own origin may be framed: it opens in the dialog.
    script
        .confirm_answers
        .borrow_mut()
        .push_back(Ok(redirect_intent("/challenge/pi_test")));
    script
        .status_answers
        .borrow_mut()
        .push_back(Ok(intent("succeeded")));
    let c = mount_checkout(api, &script);
    c.fill_card("4000000000003220").await;
    c.button().click();
    until("the dialog", || dialog().is_some_and(|d| d.open())).await;
    let frame = document()
        .query_selector("dialog.pe-challenge iframe")
        .unwrap()
        .unwrap();
    assert!(frame
        .get_attribute("src")
        .unwrap()
        .ends_with("/challenge/pi_test?embedded=1"));
    assert_eq!(
        frame.get_attribute("title").as_deref(),
        Some("Your bank's confirmation page")
    );
    assert!(c.navigations.get_untracked().is_empty(), "the page stays");
    // The challenge page says it loaded, then that the customer answered: the element
    // asks the server at once and believes only its answer.
    in_challenge_frame(READY).await;
    in_challenge_frame(DONE).await;
    until("the outcome", || !c.outcomes.get_untracked().is_empty()).await;
    assert!(matches!(
        c.outcomes.get_untracked()[0],
        Outcome::Succeeded(_)
    ));
    assert!(dialog().is_none(), "the dialog is gone");
    assert_eq!(script.reads.borrow()[0].1, "pi_test_secret_abc");
    assert_eq!(script.confirm_count(), 1);
}

#[wasm_bindgen_test]
async fn escape_cancels_the_dialog_and_the_next_pay_confirms_the_same_intent() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(Ok(redirect_intent("/challenge/pi_test")));
    let c = mount_checkout(api, &script);
    c.fill_card("4000000000003220").await;
    c.button().click();
    until("the dialog", || dialog().is_some_and(|d| d.open())).await;
    in_challenge_frame(READY).await;
    // Escape closes a modal dialog (its `close` event), as the close button does.
    dialog().unwrap().close();
    until("the form to open", || !c.button().disabled()).await;
    settle().await;
    assert!(dialog().is_none());
    assert_eq!(
        c.error(),
        "The confirmation with your bank was canceled. Nothing was charged; you can try again."
    );
    assert_eq!(
        c.m.field("number").value(),
        "4000 0000 0000 3220",
        "what was typed stays"
    );
    // Again: the same intent is confirmed, no new one is made.
    c.button().click();
    until("the second confirm", || script.confirm_count() == 2).await;
    let confirms = script.confirms.borrow();
    assert_eq!(confirms[1].0, "payment_intents/confirm");
}

/// A confirm answered with a QR code to scan.
fn qr_intent() -> payment_core::api::PaymentIntent {
    serde_json::from_value(serde_json::json!({
        "id": "pi_qr", "client_secret": "pi_qr_secret_q", "status": "requires_action",
        "amount": 10_800_000, "currency": "idr",
        "next_action": {"type": "display_qr_code", "display_qr_code":
            {"data": "00020101021226570011ID.CO.QRIS.WWW", "expires_at": 4_000_000_000u64}}
    }))
    .unwrap()
}

async fn pay_by_qr(c: &Checkout) {
    c.options.set(options(
        r#"{"locale": "en", "currency": "idr", "amount": 10800000, "mode": "payment",
            "paymentMethodTypes": ["qr_code"]}"#,
    ));
    settle().await;
    assert!(c.m.text(".pe-qr-intro").starts_with("Pay with QRIS"));
    c.button().click();
}

#[wasm_bindgen_test]
async fn a_qr_code_shows_in_the_element_until_its_payment_settles() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(Ok(qr_intent()));
    let mut waiting = qr_intent();
    waiting.client_secret = None;
    script.status_answers.borrow_mut().push_back(Ok(waiting));
    let c = mount_checkout(api, &script);
    pay_by_qr(&c).await;
    until("the code", || c.m.find("svg.pe-qr-code").is_some()).await;
    let code = c.m.find("svg.pe-qr-code").unwrap();
    assert_eq!(code.get_attribute("role").as_deref(), Some("img"));
    assert!(code
        .get_attribute("aria-label")
        .unwrap()
        .starts_with("QR code to pay Rp"));
    assert!(c.m.find("path.pe-qr-dark").is_some());
    assert!(c.m.text(".pe-qr-countdown").starts_with("Expires in "));
    assert!(c.m.find(".pe-qr-cancel").is_some());
    assert!(
        !c.m.root().has_attribute("inert"),
        "the element takes the Cancel click"
    );
    // The intent is read until it settles: first still waiting, then paid.
    for _ in 0..2000 {
        if !c.outcomes.get_untracked().is_empty() {
            break;
        }
        payment_element::net::client::sleep_ms(5).await;
    }
    assert!(matches!(
        c.outcomes.get_untracked()[0],
        Outcome::Succeeded(_)
    ));
    assert!(script.reads.borrow().len() >= 2);
    assert!(script.reads.borrow().iter().all(|(id, _)| id == "pi_qr"));
    settle().await;
    assert!(c.m.find("svg.pe-qr-code").is_none(), "the code is gone");
}

#[wasm_bindgen_test]
async fn cancel_under_the_qr_code_goes_back_to_the_methods() {
    let (script, api) = fake();
    script
        .confirm_answers
        .borrow_mut()
        .push_back(Ok(qr_intent()));
    for _ in 0..20 {
        script
            .status_answers
            .borrow_mut()
            .push_back(Ok(qr_intent()));
    }
    let c = mount_checkout(api, &script);
    pay_by_qr(&c).await;
    until("the code", || c.m.find(".pe-qr-cancel").is_some()).await;
    c.m.find(".pe-qr-cancel").unwrap().click();
    until("the form to open", || !c.button().disabled()).await;
    settle().await;
    assert!(c.m.find("svg.pe-qr-code").is_none());
    assert_eq!(
        c.error(),
        "The QR code payment was canceled. Nothing was charged."
    );
    assert!(c.m.text(".pe-qr-intro").starts_with("Pay with QRIS"));
}
