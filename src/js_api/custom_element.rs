//! `defineCustomElement()`: registers `<payment-element>` (see `custom_element.js`),
//! which mounts the Payment Element of the JS API into its own shadow root.

use super::{checkout, type_error};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js_api/custom_element.js")]
extern "C" {
    #[wasm_bindgen(js_name = definePaymentElement)]
    fn define_payment_element(mount: &js_sys::Function);

    /// The origin the widget's files were served from.
    #[wasm_bindgen(js_name = scriptOrigin)]
    pub fn script_origin() -> String;
}

/// What the tag's `connectedCallback` calls: `[elements, paymentElement]` mounted in
/// `host` with the `Checkout` options the tag's attributes give, or the `TypeError`
/// naming a bad option (which the tag throws).
fn mount(host: web_sys::Element, checkout_options: JsValue, options: JsValue) -> JsValue {
    let mounted = checkout(checkout_options, JsValue::UNDEFINED).and_then(|checkout| {
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
