//! Number, expiry and CVC: the inputs that hold card data. The page shows them inline
//! (`cardFields: "inline"`); the card frame shows the very same on the payments origin.

use super::{CardNumberField, InputField};
use crate::components::state::ElementContext;
use crate::model::form::{format_cvc, format_expiry, Field};
use crate::model::locale::Key;
use leptos::prelude::*;
use payment_core::card::check_number;

/// The card number, then expiry and CVC side by side.
#[component]
pub fn CardDetailsFields(
    /// The field that gets focus once the CVC is complete.
    #[prop(into)]
    after_cvc: Signal<Field>,
) -> impl IntoView {
    let context = ElementContext::get();
    let number = context.state.text(Field::CardNumber);
    let expiry_format = Callback::new(|(typed, caret, deleting): (String, usize, bool)| {
        format_expiry(&typed, caret, deleting)
    });
    let cvc_format = Callback::new(move |(typed, _caret, _deleting): (String, usize, bool)| {
        let brand = number.with_untracked(|n| check_number(n).brand);
        let formatted = format_cvc(&typed, brand);
        let end = formatted.len();
        (formatted, end)
    });

    view! {
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
                        next=after_cvc.get()
                    />
                }
            }}
        </div>
    }
}
