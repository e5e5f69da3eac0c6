//! The SEPA Direct Debit form: account holder, email, IBAN, and the mandate the
//! customer accepts by paying.

use super::{InputField, OptionalInputField};
use crate::components::state::ElementContext;
use crate::model::form::{self, format_iban, Field};
use crate::model::locale::Key;
use crate::model::types::MethodKind;
use leptos::prelude::*;

/// The SEPA Direct Debit details form.
#[component]
pub fn SepaForm() -> impl IntoView {
    let context = ElementContext::get();
    let i18n = context.i18n;
    let visible = Memo::new(move |_| {
        let fields = context.options.with(|o| o.fields);
        form::visible_fields(MethodKind::SepaDebit, &fields, "")
    });
    let iban_format = Callback::new(|(typed, caret, _deleting): (String, usize, bool)| {
        format_iban(&typed, caret)
    });
    let mandate = move || {
        let business = context
            .options
            .with(|o| o.business_name.clone())
            .unwrap_or_else(|| i18n.t(Key::BusinessFallback));
        i18n.fill(Key::SepaMandate, &[("business", &business)])
    };

    view! {
        <div class="pe-form pe-sepa-form">
            <OptionalInputField
                visible
                field=Field::Name
                label=Key::AccountHolderName
                placeholder=Key::NamePlaceholder
                autocomplete="name"
                inputmode="text"
            />
            <OptionalInputField
                visible
                field=Field::Email
                label=Key::Email
                placeholder=Key::EmailPlaceholder
                autocomplete="email"
                inputmode="email"
                input_type="email"
            />
            <InputField
                field=Field::Iban
                label=Key::Iban
                placeholder=Key::IbanPlaceholder
                autocomplete="off"
                inputmode="text"
                format=iban_format
            />
            <Show when=move || !context.options.with(|o| o.sepa_mandate_hidden)>
                <p class="pe-mandate Text">{mandate}</p>
            </Show>
        </div>
    }
}
