//! Browser tests of the demo checkout: it shows the server's cart, its controls switch
//! layout, theme, locale and market at run time without losing what was typed, and its
//! pay button validates before anything is sent. (The e2e suite runs it against the
//! real server; here the test runner's server has no merchant API, so `GET /api/cart`
//! is answered in the page.)
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use payment_element::DemoCheckout;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Answers `GET /api/cart?market=…` in the page: a one-line cart of 19.99 in the
/// market's currency, as the reference server's cart endpoint shapes it.
fn serve_carts() {
    js_sys::Function::new_no_args(
        r#"
        if (window.cartsServed) return;
        window.cartsServed = true;
        const real = window.fetch.bind(window);
        const currencies = { eu: "eur", ph: "php", id: "idr" };
        window.fetch = (input, init) => {
          const url = new URL(typeof input === "string" ? input : input.url, location.href);
          const currency = currencies[url.searchParams.get("market")];
          if (url.pathname !== "/api/cart" || !currency) return real(input, init);
          const body = {
            items: [
              { name: "Mechanical keyboard", quantity: 1, unit_amount: 1499 },
              { name: "USB-C cable", quantity: 2, unit_amount: 250 },
            ],
            amount: 1999,
            currency,
          };
          return Promise.resolve(new Response(JSON.stringify(body), {
            headers: { "content-type": "application/json" },
          }));
        };
        "#,
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap();
}

/// Mounts the demo and waits (up to 5 s) for its cart and form.
async fn mount_demo() -> HtmlElement {
    serve_carts();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.clone(), DemoCheckout).forget();
    for _ in 0..250 {
        if container.query_selector(".pe-root").unwrap().is_some() {
            return container;
        }
        gloo_timers_sleep(20).await;
    }
    panic!("the demo never showed its form");
}

fn find<T: JsCast>(container: &HtmlElement, selector: &str) -> T {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into()
}

/// Picks `value` in the demo control labelled `label`.
fn choose(container: &HtmlElement, label: &str, value: &str) {
    let labels = container
        .query_selector_all(".demo-controls label")
        .unwrap();
    let select: HtmlSelectElement = (0..labels.length())
        .filter_map(|i| labels.item(i))
        .find(|l| l.text_content().unwrap_or_default().starts_with(label))
        .and_then(|l| {
            l.unchecked_into::<HtmlElement>()
                .query_selector("select")
                .ok()
                .flatten()
        })
        .unwrap_or_else(|| panic!("no control {label}"))
        .unchecked_into();
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

async fn settle() {
    leptos::task::tick().await;
    leptos::task::tick().await;
}

fn type_into(field: &HtmlInputElement, text: &str) {
    field.set_value(text);
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn controls_switch_layout_theme_locale_and_market() {
    let demo = mount_demo().await;
    choose(&demo, "Locale", "en");
    settle().await;
    // The order is the server's: its lines and total, in the element's locale.
    let order: HtmlElement = find(&demo, ".demo-order");
    let text = order.text_content().unwrap();
    assert!(text.contains("1 × Mechanical keyboard€14.99"), "{text}");
    assert!(text.contains("2 × USB-C cable€5.00"), "{text}");
    let total: HtmlElement = find(&demo, ".demo-total");
    assert_eq!(total.text_content().unwrap(), "Total€19.99");
    assert!(demo.query_selector("[role=radiogroup]").unwrap().is_some());
    let number: HtmlInputElement = find(&demo, "[data-field=number]");
    type_into(&number, "4242424242424242");
    settle().await;

    choose(&demo, "Layout", "tabs");
    settle().await;
    assert!(demo.query_selector("[role=tablist]").unwrap().is_some());
    choose(&demo, "Theme", "night");
    settle().await;
    let root: HtmlElement = find(&demo, ".pe-root");
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("night"));
    choose(&demo, "Locale", "de");
    settle().await;
    let label: HtmlElement = find(&demo, ".pe-label");
    assert_eq!(label.text_content().unwrap(), "Kartennummer");
    let number: HtmlInputElement = find(&demo, "[data-field=number]");
    assert_eq!(number.value(), "4242 4242 4242 4242");
    let pay: HtmlElement = find(&demo, ".pe-pay-label");
    assert_eq!(pay.text_content().unwrap(), "19,99\u{a0}€ bezahlen");

    choose(&demo, "Market", "ph");
    for _ in 0..100 {
        settle().await;
        if find::<HtmlElement>(&demo, ".pe-pay-label")
            .text_content()
            .unwrap()
            .contains('₱')
        {
            break;
        }
        gloo_timers_sleep(20).await;
    }
    let tabs = demo.query_selector_all("[role=tab]").unwrap();
    let methods: Vec<String> = (0..tabs.length())
        .filter_map(|i| tabs.item(i))
        .filter_map(|t| {
            t.unchecked_into::<HtmlElement>()
                .get_attribute("data-method")
        })
        .collect();
    assert_eq!(methods, ["card", "ewallet"]);
    let number: HtmlInputElement = find(&demo, "[data-field=number]");
    assert_eq!(number.value(), "4242 4242 4242 4242");
    choose(&demo, "Locale", "id");
    settle().await;
    let pay: HtmlElement = find(&demo, ".pe-pay-label");
    assert_eq!(pay.text_content().unwrap(), "Bayar ₱19,99");
}

#[wasm_bindgen_test]
async fn pay_validates_and_names_what_is_missing() {
    let demo = mount_demo().await;
    choose(&demo, "Locale", "en");
    settle().await;
    let pay: HtmlElement = find(&demo, ".pe-pay-button");
    pay.click();
    settle().await;
    // Nothing is sent: the first invalid field gets the focus.
    let number: HtmlElement = find(&demo, "[data-field=number]");
    assert_eq!(document().active_element(), Some(number.into()));
    let error_id = find::<HtmlInputElement>(&demo, "[data-field=number]")
        .get_attribute("aria-describedby")
        .unwrap();
    let error: HtmlElement = find(&demo, &format!("#{error_id}"));
    assert_eq!(
        error.text_content().unwrap(),
        "Your card number is incomplete."
    );
}

#[wasm_bindgen_test]
async fn returning_customer_without_a_server_keeps_the_plain_form() {
    let demo = mount_demo().await;
    choose(&demo, "Locale", "en");
    settle().await;
    let returning: HtmlInputElement = find(&demo, ".demo-returning");
    returning.click();
    // The session request goes to the test runner's server, which has no merchant API.
    for _ in 0..100 {
        settle().await;
        let result: HtmlElement = find(&demo, ".demo-result");
        if !result.text_content().unwrap().is_empty() {
            break;
        }
        gloo_timers_sleep(20).await;
    }
    let result: HtmlElement = find(&demo, ".demo-result");
    assert!(
        result
            .text_content()
            .unwrap()
            .starts_with("Could not start a customer session: HTTP 404"),
        "{:?}",
        result.text_content()
    );
    assert!(demo.query_selector(".pe-saved").unwrap().is_none());
    assert!(demo
        .query_selector("[data-field=number]")
        .unwrap()
        .is_some());
}

/// Waits `ms` milliseconds on the browser's clock.
async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}
