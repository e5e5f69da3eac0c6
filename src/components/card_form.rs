//! The card form: number, expiry and CVC, then the billing details the options and the
//! country ask for.

use super::{CardNumberField, CountryField, InputField, OptionalInputField};
use crate::components::types::MethodKind;
use crate::form::{self, format_cvc, format_expiry, Field};
use crate::locale::Key;
use crate::state::ElementContext;
use leptos::prelude::*;
use payment_core::card::check_number;

/// The card details form.
#[component]
pub fn CardForm() -> impl IntoView {
    let context = ElementContext::get();
    let state = context.state;
    let visible = Memo::new(move |_| {
        let fields = context.options.with(|o| o.fields);
        state
            .country
            .with(|country| form::visible_fields(MethodKind::Card, &fields, country))
    });
    let shows = move |field: Field| visible.with(|v| v.contains(&field));

    let expiry_format = Callback::new(|(typed, caret, deleting): (String, usize, bool)| {
        format_expiry(&typed, caret, deleting)
    });
    let number = state.text(Field::CardNumber);
    let cvc_format = Callback::new(move |(typed, _caret, _deleting): (String, usize, bool)| {
        let brand = number.with_untracked(|n| check_number(n).brand);
        let formatted = format_cvc(&typed, brand);
        let end = formatted.len();
        (formatted, end)
    });
    // US ZIP codes are digits; Canadian and British codes mix letters in.
    let country = state.country;
    let postal_keyboard = Signal::derive(move || {
        if country.with(|c| c == "US") {
            "numeric"
        } else {
            "text"
        }
    });
    // After the CVC, the next field the customer still has to fill in.
    let after_cvc = move || {
        if shows(Field::Name) {
            Field::Name
        } else {
            Field::PostalCode
        }
    };

    view! {
        <div class="pe-form pe-card-form">
            <CardNumberField />
            <div class="pe-row">
                <InputField
                    field=Field::Expiry
                    label=Key::Expiry
                    placeholder=Key::ExpiryPlaceholder
                    autocomplete="cc-exp"
                    inputmode="numeric"
                    format=expiry_format
                    next=Field::Cvc
                />
                {move || {
                    view! {
                        <InputField
                            field=Field::Cvc
                            label=Key::Cvc
                            placeholder=Key::CvcPlaceholder
                            autocomplete="cc-csc"
                            inputmode="numeric"
                            format=cvc_format
                            next=after_cvc()
                        />
                    }
                }}
            </div>
            <OptionalInputField
                visible
                field=Field::Name
                label=Key::CardholderName
                placeholder=Key::NamePlaceholder
                autocomplete="cc-name"
                inputmode="text"
            />
            <div class="pe-row">
                {move || shows(Field::Country).then(|| view! { <CountryField /> })}
                <OptionalInputField
                    visible
                    field=Field::PostalCode
                    label=Key::PostalCode
                    placeholder=Key::PostalCodePlaceholder
                    autocomplete="postal-code"
                    inputmode=postal_keyboard
                />
            </div>
        </div>
    }
}
