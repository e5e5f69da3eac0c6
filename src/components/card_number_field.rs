//! The card number input: groups digits by the brand's gaps as the customer types, keeps
//! the caret after the same digit, and shows the brand as soon as the number tells.

use super::InputField;
use crate::components::state::ElementContext;
use crate::components::Icon;
use crate::model::form::{brand_icon, brand_icons, Field};
use crate::model::locale::Key;
use leptos::prelude::*;
use payment_core::card::format_with_caret;

/// The card number field with its brand icon.
#[component]
pub fn CardNumberField() -> impl IntoView {
    let context = ElementContext::get();
    let number = context.state.text(Field::CardNumber);
    // The icon shows the brand once the number tells it, the generic card before.
    let brand = Memo::new(move |_| number.with(|typed| brand_icon(typed)));
    let logos = Memo::new(move |_| number.with(|typed| brand_icons(typed)));
    let format = Callback::new(|(typed, caret, _deleting): (String, usize, bool)| {
        format_with_caret(&typed, caret)
    });
    let i18n = context.i18n;
    let brand_name = move || match brand.get() {
        "unknown" => i18n.t(Key::BrandUnknown),
        name => payment_core::card::CardBrand::from_str_name(name)
            .map_or_else(String::new, |b| b.display_name().to_owned()),
    };

    view! {
        <InputField
            field=Field::CardNumber
            label=Key::CardNumber
            placeholder=Key::CardNumberPlaceholder
            autocomplete="cc-number"
            inputmode="numeric"
            format
            next=Field::Expiry
        >
            <span class="pe-brand" data-brand=move || brand.get() role="img" aria-label=brand_name>
                {move || {
                    let logos = logos.get();
                    if logos.is_empty() {
                        view! { <Icon name="card" /> }.into_any()
                    } else {
                        logos
                            .into_iter()
                            .map(|b| view! { <Icon name=b.as_str() /> })
                            .collect_view()
                            .into_any()
                    }
                }}
            </span>
        </InputField>
    }
}
