//! The card form: number, expiry and CVC (in the payments origin's frame, or inline),
//! then the billing details the options and the country ask for.

use super::{CardDetailsFields, CardFrame, CountryField, OptionalInputField};
use crate::components::state::{focus_in, ElementContext};
use crate::model::form::{self, Field};
use crate::model::locale::Key;
use crate::model::types::MethodKind;
use leptos::prelude::*;

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
    let after_cvc = Signal::derive(move || {
        if shows(Field::Name) {
            Field::Name
        } else {
            Field::PostalCode
        }
    });
    let in_frame = Memo::new(move |_| matches!(context.card_entry(), form::CardEntry::Frame(_)));
    let form_root = NodeRef::<leptos::html::Div>::new();
    // The frame's CVC is complete: focus moves on to the page's next field, if shown.
    let advance = Callback::new(move |()| {
        if let Some(root) = form_root.get_untracked() {
            let selector = ["[data-field=\"", after_cvc.get_untracked().as_str(), "\"]"].concat();
            focus_in(&root, &selector);
        }
    });

    view! {
        <div class="pe-form pe-card-form" node_ref=form_root>
            {move || {
                if in_frame.get() {
                    view! { <CardFrame on_advance=advance /> }.into_any()
                } else {
                    view! { <CardDetailsFields after_cvc /> }.into_any()
                }
            }}
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
