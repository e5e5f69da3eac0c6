//! The CVC field of a chosen saved card, when the merchant asks for the CVC again:
//! digits only, as many as the brand's code has, checked as the new-card form checks it.

use crate::components::state::ElementContext;
use crate::model::form::{format_cvc, Field, Stage};
use crate::model::ids;
use crate::model::locale::Key;
use leptos::prelude::*;
use payment_core::card::CardBrand;
use web_sys::HtmlInputElement;

/// The re-collected CVC of a saved card.
#[component]
pub fn CvcRecollection(
    /// The card's brand, which sets the code's length.
    brand: Option<CardBrand>,
    /// The card as the customer knows it (`•••• 4242`), for the label.
    label: String,
) -> impl IntoView {
    let context = ElementContext::get();
    let saved = context.saved;
    let i18n = context.i18n;
    let id = ids::fresh("pe-field");
    let error_id = [id.as_str(), "-error"].concat();
    let error = Memo::new(move |_| {
        let require = context.options.with(|o| o.saved.require_cvc_recollection);
        saved.cvc_error(require, None)
    });
    let on_input = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let typed = input.value();
        let formatted = format_cvc(&typed, brand);
        if formatted != typed {
            input.set_value(&formatted);
        }
        saved.cvc.set(formatted);
    };

    view! {
        <div class="pe-field pe-cvc-recollection">
            <label class="pe-label Label" for=id.clone()>
                {move || i18n.fill(Key::SavedCvc, &[("method", &label)])}
            </label>
            <div class="pe-input-wrap">
                <input
                    id=id
                    class="pe-input Input"
                    class=("Input--invalid", move || error.get().is_some())
                    type="text"
                    data-field=Field::Cvc.as_str()
                    autocomplete="cc-csc"
                    inputmode="numeric"
                    spellcheck="false"
                    placeholder=move || i18n.t(Key::CvcPlaceholder)
                    aria-required="true"
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                    prop:value=move || saved.cvc.get()
                    on:input=on_input
                    on:blur=move |_| {
                        if saved.cvc_stage.get_untracked() < Stage::Left {
                            saved.cvc_stage.set(Stage::Left);
                        }
                    }
                />
            </div>
            <p class="pe-error Error" id=error_id>
                {move || error.get().map(|key| i18n.t(key))}
            </p>
        </div>
    }
}
