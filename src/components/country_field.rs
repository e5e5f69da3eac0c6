//! The billing country select; its value decides whether a postal code is asked for.

use crate::components::state::ElementContext;
use crate::model::form::{countries_by_name, country_name, Field};
use crate::model::ids;
use crate::model::locale::Key;
use leptos::prelude::*;
use web_sys::HtmlSelectElement;

/// A labelled select of billing countries, named in the customer's language.
#[component]
pub fn CountryField() -> impl IntoView {
    let context = ElementContext::get();
    let country = context.state.country;
    let i18n = context.i18n;
    let id = ids::fresh("pe-field");
    let locale = move || i18n.0.with(|c| c.locale);

    view! {
        <div class="pe-field" data-field-wrapper="country">
            <label class="pe-label Label" for=id.clone()>
                {move || i18n.t(Key::Country)}
            </label>
            <select
                id=id
                class="pe-input pe-select Input"
                data-field=Field::Country.as_str()
                autocomplete="country"
                on:change=move |ev| {
                    let select: HtmlSelectElement = event_target(&ev);
                    country.set(select.value());
                }
            >
                // Ordered by name in the customer's language, so the list reads
                // alphabetically in German too ("Deutschland" before "Frankreich").
                {move || {
                    let locale = locale();
                    countries_by_name(locale)
                        .map(|code| {
                            view! {
                                <option value=code prop:selected=move || country.get() == code>
                                    {country_name(code, locale)}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}
