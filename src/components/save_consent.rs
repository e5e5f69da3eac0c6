//! The save-for-future-use consent under the new-method form: unchecked by default,
//! naming the merchant, shown only when the customer session allows saving and the
//! chosen method can be saved. Ticking it records when, for the consent record.

use crate::components::state::ElementContext;
use crate::model::saved_methods;
use leptos::prelude::*;
use web_sys::HtmlInputElement;

/// The "save my payment details" checkbox.
#[component]
pub fn SaveConsent() -> impl IntoView {
    let context = ElementContext::get();
    let saved = context.saved;
    let i18n = context.i18n;
    let offered = Memo::new(move |_| {
        let usage = context.options.with(|o| o.saved.save_usage(o.mode));
        usage.is_some()
            && context
                .current
                .get()
                .is_some_and(saved_methods::can_be_saved)
    });
    let text = move || {
        let business = context.options.with(|o| o.business_name.clone());
        i18n.0
            .with(|c| saved_methods::consent_text(c, business.as_deref()))
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        // Unix seconds: when the customer agreed, for the merchant's audit.
        let now = (js_sys::Date::now() / 1000.0).floor() as i64;
        saved.consent_at.set(input.checked().then_some(now));
    };

    view! {
        {move || offered.get().then(|| view! {
            <label class="pe-save-consent">
                <input
                    type="checkbox"
                    class="pe-save-consent-box"
                    data-field="save_payment_method"
                    prop:checked=move || saved.consent_at.get().is_some()
                    on:change=on_change
                />
                <span class="pe-save-consent-text Text">{text}</span>
            </label>
        })}
    }
}
