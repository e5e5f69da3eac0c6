//! `defineCustomElement()`: registers `<payment-element>` (see `custom_element.js`),
//! which mounts the Payment Element of the JS API into its own shadow root.

use super::{checkout, type_error};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js_api/custom_element.js")]
extern "C" {
    #[wasm_bindgen(js_name = definePaymentElement)]
    fn define_payment_element(mount: &js_sys::Function);
}

/// What the tag's `connectedCallback` calls: `[elements, paymentElement]` mounted in
/// `host`, or the `TypeError` naming a bad option (which the tag throws).
fn mount(host: web_sys::Element, api_base: JsValue, options: JsValue) -> JsValue {
    let api = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&api, &"apiBase".into(), &api_base);
    let mounted = checkout(api.into()).and_then(|checkout| {
        let elements = checkout.elements(options)?;
        let element = elements.create("payment", JsValue::UNDEFINED)?;
        element.mount(host.into())?;
        Ok(js_sys::Array::of2(&elements.into(), &element.into()).into())
    });
    mounted.unwrap_or_else(|error: JsValue| {
        if error.is_instance_of::<js_sys::Error>() {
            error
        } else {
            type_error("payment-element: the element could not be mounted")
        }
    })
}

/// Registers the `<payment-element>` tag (once; later calls do nothing).
#[wasm_bindgen(js_name = defineCustomElement)]
pub fn define_custom_element() {
    let mount = Closure::<dyn Fn(web_sys::Element, JsValue, JsValue) -> JsValue>::new(mount);
    define_payment_element(mount.as_ref().unchecked_ref());
    // The tag's class keeps calling it for as long as the page lives.
    mount.forget();
}
