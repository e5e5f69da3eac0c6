//! The tabs layout: a tab list of methods above the current method's form; arrow keys
//! move between tabs and select them (automatic activation).

use super::{MethodForm, MethodIcon};
use crate::components::state::{focus_in, ElementContext};
use crate::model::ids;
use crate::model::layout::step;
use crate::model::locale::Key;
use crate::model::types::MethodKind;
use leptos::prelude::*;

/// Payment methods as tabs.
#[component]
pub fn TabsLayout() -> impl IntoView {
    let context = ElementContext::get();
    let i18n = context.i18n;
    let current = context.current;
    let keep_card = Memo::new(move |_| {
        context.methods.with(|m| m.contains(&MethodKind::Card))
            && matches!(
                context.card_entry(),
                crate::model::form::CardEntry::Frame(_)
            )
    });
    let base = ids::fresh("pe-tabs");
    let panel_id = [base.as_str(), "-panel"].concat();
    let tab_id = {
        let base = base.clone();
        move |method: MethodKind| [base.as_str(), "-", method.as_str()].concat()
    };
    let list = NodeRef::<leptos::html::Div>::new();
    let select = move |method: MethodKind| context.choose_method(method);
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let methods = context.methods.get_untracked();
        let Some(next) = step(&methods, current.get_untracked(), &ev.key()) else {
            return;
        };
        ev.prevent_default();
        select(next);
        if let Some(list) = list.get_untracked() {
            focus_in(
                &list,
                &["[role=tab][data-method=\"", next.as_str(), "\"]"].concat(),
            );
        }
    };
    let labelled_by = {
        let tab_id = tab_id.clone();
        move || current.get().map(&tab_id)
    };

    view! {
        <div class="pe-tabs">
            <div
                class="pe-tablist"
                role="tablist"
                aria-label=move || i18n.t(Key::PaymentMethods)
                node_ref=list
                on:keydown=on_keydown
            >
                // Rebuilt only when the methods change, so focus survives arrow keys.
                {
                    let panel_id = panel_id.clone();
                    move || {
                        context
                            .methods
                            .get()
                            .into_iter()
                            .map(|method| {
                            let selected = move || current.get() == Some(method);
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    id=tab_id(method)
                                    class="pe-tab Tab"
                                    class=("Tab--selected", selected)
                                    data-method=method.as_str()
                                    aria-selected=move || selected().to_string()
                                    aria-controls=panel_id.clone()
                                    tabindex=move || if selected() { "0" } else { "-1" }
                                    on:click=move |_| select(method)
                                >
                                    <MethodIcon method />
                                    <span class="pe-method-name TabLabel">
                                        {move || i18n.t(Key::for_method(method))}
                                    </span>
                                </button>
                            }
                            })
                            .collect_view()
                    }
                }
            </div>
            <div class="pe-tabpanel" role="tabpanel" id=panel_id aria-labelledby=labelled_by>
                // The card frame stays loaded while another tab is open: what the
                // customer typed in it is still there.
                {move || {
                    keep_card
                        .get()
                        .then(|| {
                            view! {
                                <div
                                    class="pe-tab-card"
                                    hidden=move || current.get() != Some(MethodKind::Card)
                                >
                                    <MethodForm method=MethodKind::Card />
                                </div>
                            }
                        })
                }}
                {move || {
                    current
                        .get()
                        .filter(|m| !(keep_card.get() && *m == MethodKind::Card))
                        .map(|method| view! { <MethodForm method /> })
                }}
            </div>
        </div>
    }
}
