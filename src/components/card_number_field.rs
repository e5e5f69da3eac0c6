//! The card number input: groups digits by the brand's gaps as the customer types, keeps
//! the caret after the same digit, shows the brand, and reports errors only once the
//! number can no longer become valid or the customer has left the field.

use crate::ids;
use leptos::prelude::*;
use payment_core::card::{check_number, digits, format_with_caret, NumberCheck};
use web_sys::HtmlInputElement;

/// A labelled card number input.
#[component]
pub fn CardNumberField(
    /// The formatted number; owned by the parent so that it survives re-renders.
    value: RwSignal<String>,
) -> impl IntoView {
    let id = ids::fresh("pe-card-number");
    let error_id = format!("{id}-error");
    let left_field = RwSignal::new(false);

    let check = Memo::new(move |_| check_number(&value.get()));
    let error = move || value.with(|typed| number_error(typed, check.get(), left_field.get()));
    let brand = move || check.get().brand.map(|b| b.as_str()).unwrap_or("unknown");

    let on_input = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let typed = input.value();
        let caret = input
            .selection_start()
            .ok()
            .flatten()
            .map_or(typed.len(), |c| c as usize);
        let (formatted, caret) = format_with_caret(&typed, caret);
        if formatted != typed {
            input.set_value(&formatted);
            let caret = caret as u32;
            let _ = input.set_selection_range(caret, caret);
        }
        value.set(formatted);
    };

    view! {
        <div class="pe-field">
            <label class="pe-label" for=id.clone()>"Card number"</label>
            <div class="pe-input-wrap">
                <input
                    id=id
                    class="pe-input"
                    type="text"
                    name="cardnumber"
                    autocomplete="cc-number"
                    inputmode="numeric"
                    placeholder="1234 1234 1234 1234"
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby=error_id.clone()
                    prop:value=move || value.get()
                    on:input=on_input
                    on:blur=move |_| left_field.set(true)
                />
                <span class="pe-brand" data-brand=brand>{brand}</span>
            </div>
            <p class="pe-error" id=error_id>{error}</p>
        </div>
    }
}

/// The message for a number, if any: at once when it can no longer become valid, after
/// the customer left the field when it is still incomplete or fails its check digit.
fn number_error(typed: &str, check: NumberCheck, left_field: bool) -> Option<&'static str> {
    if !check.is_potentially_valid {
        return Some("Your card number is invalid.");
    }
    if !left_field || typed.is_empty() || check.is_valid {
        return None;
    }
    let length = digits(typed).len();
    let at_a_full_length = check
        .brand
        .is_some_and(|brand| brand.lengths().iter().any(|&l| usize::from(l) == length));
    Some(if at_a_full_length {
        "Your card number is invalid."
    } else {
        "Your card number is incomplete."
    })
}
