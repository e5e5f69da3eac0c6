//! The accordion layout: the methods as a radio group, each item expanding into its
//! form; arrow keys move the selection, items beyond `visibleAccordionItemsCount` wait
//! under "More".

use super::{MethodForm, MethodIcon, MethodMarks};
use crate::components::state::{focus_in, focus_soon, key_on, ElementContext};
use crate::model::layout::{accordion_items, shows_radios, step};
use crate::model::locale::Key;
use crate::model::types::MethodKind;
use leptos::prelude::*;

/// Payment methods as an accordion.
#[component]
pub fn AccordionLayout() -> impl IntoView {
    let context = ElementContext::get();
    let i18n = context.i18n;
    let current = context.current;
    // Local on purpose: "More" opening again after a layout switch is harmless.
    let expanded = RwSignal::new(false);
    let layout = Memo::new(move |_| context.options.with(|o| o.layout.clone()));
    let items = Memo::new(move |_| {
        let count = layout.with(|l| l.visible_accordion_items_count);
        context
            .methods
            .with(|m| accordion_items(m, count, expanded.get(), current.get()))
    });
    let radios =
        Memo::new(move |_| shows_radios(layout.with(|l| l.radios), context.methods.with(Vec::len)));
    let group = NodeRef::<leptos::html::Div>::new();
    let keeps_mounted =
        move |method: MethodKind| method == MethodKind::Card && context.card_in_frame();
    let select = move |method: MethodKind| context.choose_method(method);
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // The open form sits inside the group: arrows, Home and End typed in its fields
        // (moving the caret, choosing a country or an e-wallet) are theirs, not ours.
        if !key_on(&ev, ".pe-accordion-header") {
            return;
        }
        let shown = items.with_untracked(|(shown, _)| shown.clone());
        let Some(next) = step(&shown, current.get_untracked(), &ev.key()) else {
            return;
        };
        ev.prevent_default();
        select(next);
        if let Some(group) = group.get_untracked() {
            focus_in(
                &group,
                &["[role=radio][data-method=\"", next.as_str(), "\"]"].concat(),
            );
        }
    };
    // "More" goes away once pressed: focus moves to the first method it showed.
    let show_more = move || {
        let before = items.with_untracked(|(shown, _)| shown.clone());
        expanded.set(true);
        let first_new = context
            .methods
            .with_untracked(|all| all.iter().find(|m| !before.contains(m)).copied());
        if let (Some(method), Some(group)) = (first_new, group.get_untracked()) {
            focus_soon(
                group.into(),
                ["[role=radio][data-method=\"", method.as_str(), "\"]"].concat(),
            );
        }
    };
    // One radio is in the tab order: the checked one, or the first.
    let tab_stop = move |method: MethodKind| {
        let target = current
            .get()
            .or_else(|| items.with(|(shown, _)| shown.first().copied()));
        if target == Some(method) {
            "0"
        } else {
            "-1"
        }
    };

    view! {
        <div
            class="pe-accordion"
            class=("pe-accordion--spaced", move || layout.with(|l| l.spaced_accordion_items))
            role="radiogroup"
            aria-label=move || i18n.t(Key::PaymentMethods)
            node_ref=group
            on:keydown=on_keydown
        >
            // Rebuilt only when the list of items changes (the memo dedupes), never on a
            // selection change, so the focused header survives arrow-key navigation.
            {move || {
                items
                    .get()
                    .0
                    .into_iter()
                    .map(|method| {
                    let checked = move || current.get() == Some(method);
                    view! {
                        <div
                            class="pe-accordion-item AccordionItem"
                            class=("AccordionItem--selected", checked)
                        >
                            <button
                                type="button"
                                role="radio"
                                class="pe-accordion-header"
                                data-method=method.as_str()
                                aria-checked=move || checked().to_string()
                                tabindex=move || tab_stop(method)
                                on:click=move |_| select(method)
                            >
                                <Show when=move || radios.get()>
                                    <span class="pe-radio RadioIcon" aria-hidden="true"></span>
                                </Show>
                                <MethodIcon method />
                                <span class="pe-method-name">
                                    {move || i18n.t(Key::for_method(method))}
                                </span>
                                <MethodMarks method />
                            </button>
                            {if keeps_mounted(method) {
                                // The card frame stays loaded while another method is
                                // open: what the customer typed in it is still there.
                                view! {
                                    <div class="pe-accordion-body" hidden=move || !checked()>
                                        <MethodForm method />
                                    </div>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <Show when=checked>
                                        <div class="pe-accordion-body">
                                            <MethodForm method />
                                        </div>
                                    </Show>
                                }
                                    .into_any()
                            }}
                        </div>
                    }
                    })
                    .collect_view()
            }}
            <Show when=move || items.with(|(_, more)| *more)>
                <button type="button" class="pe-more" on:click=move |_| show_more()>
                    {move || i18n.t(Key::More)}
                </button>
            </Show>
        </div>
    }
}
