//! Under the page's strict policy (`style-src 'self'`), appearance still applies: the
//! element writes only through CSSOM, which the policy allows, while a `<style>` with
//! text (the control) is refused.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use payment_element::model::options::RawOptions;
use payment_element::PaymentElement;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

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

/// Puts the design's style policy in force for the rest of this page.
fn enforce_style_policy() {
    let meta = document().create_element("meta").unwrap();
    meta.set_attribute("http-equiv", "Content-Security-Policy")
        .unwrap();
    meta.set_attribute("content", "style-src 'self'").unwrap();
    document().head().unwrap().append_child(&meta).unwrap();
}

#[wasm_bindgen_test]
async fn appearance_applies_through_cssom_under_style_src_self() {
    enforce_style_policy();
    // The control: an inline <style> must now be refused, or this test proves nothing.
    let probe: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    probe.set_class_name("csp-probe");
    document().body().unwrap().append_child(&probe).unwrap();
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(".csp-probe { width: 123px; }"));
    document().head().unwrap().append_child(&style).unwrap();

    let raw: RawOptions = serde_json::from_str(
        r##"{"locale": "en", "cardFields": "inline", "appearance": {
            "variables": {"colorPrimary": "#123456"},
            "rules": {".Input": {"backgroundColor": "rgb(9, 8, 7)"}}}}"##,
    )
    .unwrap();
    let options = raw.validate().unwrap();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.clone(), move || {
        let options = options.clone();
        view! { <PaymentElement options=Signal::derive(move || options.clone()) /> }
    })
    .forget();
    leptos::task::tick().await;
    leptos::task::tick().await;
    assert_ne!(computed(&probe, "width"), "123px", "the policy is in force");
    let root = container.query_selector(".pe-root").unwrap().unwrap();
    assert_eq!(computed(&root, "--pe-color-primary"), "#123456");
    let input = container.query_selector(".Input").unwrap().unwrap();
    assert_eq!(computed(&input, "background-color"), "rgb(9, 8, 7)");
}
