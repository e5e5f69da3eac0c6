//! The customer's saved payment methods as a radio group above the new-method form:
//! most recent first, up to the session's redisplay limit with the rest under
//! "Show more", and "New payment method" as the last choice. Arrow keys move the
//! choice among the methods that can pay.

use super::SavedMethodItem;
use crate::components::state::{focus_soon, key_on, ElementContext};
use crate::model::form::Stage;
use crate::model::locale::Key;
use crate::model::saved_methods::{self, Choice};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Saved payment methods and the new-method choice.
#[component]
pub fn SavedMethodsList() -> impl IntoView {
    let context = ElementContext::get();
    let saved = context.saved;
    let i18n = context.i18n;
    let today = context.today;
    let limit = Memo::new(move |_| context.options.with(|o| o.saved.features.redisplay_limit()));
    let shown = Memo::new(move |_| {
        let choice = saved.choice.get();
        let listed = context.listed_saved();
        saved_methods::shown(&listed, limit.get(), saved.expanded.get(), &choice)
    });
    let select = Callback::new(move |choice: Choice| {
        if saved.choice.get_untracked() == choice {
            return;
        }
        let name = match &choice {
            Choice::New => i18n.t(Key::NewPaymentMethod),
            Choice::Saved(id) => saved.methods.with_untracked(|m| {
                m.iter()
                    .find(|m| &m.id == id)
                    .map(saved_methods::short_label)
                    .unwrap_or_default()
            }),
        };
        saved.choice.set(choice);
        saved.cvc.set(String::new());
        saved.cvc_stage.set(Stage::Typing);
        saved.confirming.set(None);
        context.status.set(Some(
            i18n.fill(Key::StatusMethodSelected, &[("method", &name)]),
        ));
    });
    let group = NodeRef::<leptos::html::Div>::new();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // Only the radios move the choice: keys typed in the CVC field stay there.
        if !key_on(&ev, ".pe-saved-choice") {
            return;
        }
        let mut choices: Vec<Choice> = shown.with_untracked(|(methods, _)| {
            methods
                .iter()
                .filter(|m| saved_methods::is_usable(m, today))
                .map(|m| Choice::Saved(m.id.clone()))
                .collect()
        });
        choices.push(Choice::New);
        let Some(next) = saved_methods::step(&choices, &saved.choice.get_untracked(), &ev.key())
        else {
            return;
        };
        ev.prevent_default();
        let target = match &next {
            Choice::New => "new".to_owned(),
            Choice::Saved(id) => id.clone(),
        };
        select.run(next);
        let radio = group.get_untracked().and_then(|g| {
            g.query_selector(&["[role=radio][data-saved-choice=\"", &target, "\"]"].concat())
                .ok()
                .flatten()
        });
        if let Some(radio) = radio.and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = radio.focus();
        }
    };
    // "Show more" goes away once pressed: focus moves to the first method it showed.
    let show_more = move || {
        let before: Vec<String> =
            shown.with_untracked(|(methods, _)| methods.iter().map(|m| m.id.clone()).collect());
        saved.expanded.set(true);
        let first_new = untrack(|| context.listed_saved())
            .into_iter()
            .find(|m| !before.contains(&m.id));
        if let (Some(method), Some(group)) = (first_new, group.get_untracked()) {
            focus_soon(
                group.into(),
                ["[data-saved-choice=\"", &method.id, "\"]"].concat(),
            );
        }
    };
    let new_checked = move || saved.choice.with(|c| *c == Choice::New);
    let any = Memo::new(move |_| shown.with(|(l, _)| !l.is_empty()));
    let more = Memo::new(move |_| shown.with(|(_, more)| *more));

    view! {
        {move || {
            any.get().then(|| view! {
            <div
                class="pe-saved"
                role="radiogroup"
                aria-label=move || i18n.t(Key::SavedMethods)
                node_ref=group
                on:keydown=on_keydown
            >
                // Rebuilt only when the shown methods (or the language) change, so focus
                // survives arrow keys.
                {move || {
                    i18n.0.track();
                    shown
                        .get()
                        .0
                        .into_iter()
                        .map(|method| view! { <SavedMethodItem method select /> })
                        .collect_view()
                }}
                {move || more.get().then(|| view! {
                    <button
                        type="button"
                        class="pe-saved-more"
                        on:click=move |_| show_more()
                    >
                        {move || i18n.t(Key::ShowMore)}
                    </button>
                })}
                <div class="pe-saved-item pe-saved-new" class=("pe-saved-item--checked", new_checked)>
                    <button
                        type="button"
                        role="radio"
                        class="pe-saved-choice"
                        data-saved-choice="new"
                        aria-checked=move || new_checked().to_string()
                        tabindex=move || if new_checked() { "0" } else { "-1" }
                        on:click=move |_| select.run(Choice::New)
                    >
                        <span class="pe-radio RadioIcon" aria-hidden="true"></span>
                        <span class="pe-saved-name">{move || i18n.t(Key::NewPaymentMethod)}</span>
                    </button>
                </div>
            </div>
            })
        }}
    }
}
