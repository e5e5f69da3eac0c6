//! One saved payment method in the list: a radio with its brand, number and expiry
//! (disabled with "Expired" when it can no longer pay), a remove control with an inline
//! confirmation when the session allows removing, and the CVC field when a chosen card
//! needs its CVC again.

use super::{CardFrame, CvcRecollection, FrameFields, Icon, MethodIcon};
use crate::components::state::{focus_soon, ElementContext};
use crate::model::events::SavedPaymentMethodRemoveEvent;
use crate::model::locale::Key;
use crate::model::saved_methods::{self, Choice};
use crate::model::types::MethodKind;
use leptos::prelude::*;
use payment_core::api::SavedPaymentMethod;

/// One saved payment method.
#[component]
pub fn SavedMethodItem(
    /// The saved method.
    method: SavedPaymentMethod,
    /// Checks a choice of the radio group.
    select: Callback<Choice>,
) -> impl IntoView {
    let context = ElementContext::get();
    let saved = context.saved;
    let i18n = context.i18n;
    let today = context.today;
    let usable = saved_methods::is_usable(&method, today);
    let id = method.id.clone();
    let short = saved_methods::short_label(&method);
    let brand = method.card.as_ref().map(saved_methods::brand_key);
    let kind = saved_methods::method_kind(&method).unwrap_or(MethodKind::Card);
    // Static: the list re-renders its items when the language changes.
    let text = i18n
        .0
        .with_untracked(|c| saved_methods::item_text(&method, c, today));
    let remove_label = i18n.fill(Key::SavedRemoveLabel, &[("method", &short)]);
    let question = i18n.fill(Key::SavedRemoveConfirm, &[("method", &short)]);
    let cvc_brand = saved_methods::cvc_brand(&method);
    let last4 = method
        .card
        .as_ref()
        .map(|card| card.last4.clone())
        .unwrap_or_default();
    let is_card = method.card.is_some();
    let checked = {
        let id = id.clone();
        Memo::new(move |_| {
            saved
                .choice
                .with(|c| matches!(c, Choice::Saved(s) if *s == id))
        })
    };
    let confirming = {
        let id = id.clone();
        Memo::new(move |_| saved.confirming.with(|c| c.as_deref() == Some(id.as_str())))
    };
    let error = {
        let id = id.clone();
        move || {
            saved.remove_error.with(|e| {
                e.as_ref()
                    .filter(|(i, _)| *i == id)
                    .map(|(_, key)| i18n.t(*key))
            })
        }
    };
    let removes = move || context.options.with(|o| o.saved.removes());
    let needs_cvc = move || {
        checked.get()
            && context
                .options
                .with(|o| is_card && o.saved.require_cvc_recollection)
    };

    // The item's root: the remove control and its confirmation replace each other, so
    // focus is handed from one to the other.
    let item = NodeRef::<leptos::html::Div>::new();
    let focus_item = move |selector: &str| {
        if let Some(item) = item.get_untracked() {
            focus_soon(item.into(), selector.to_owned());
        }
    };
    let remove = move |_| {
        if saved.removing.get_untracked() {
            return;
        }
        let Some(secret) = context
            .options
            .with_untracked(|o| o.saved.client_secret.clone())
        else {
            return;
        };
        saved.removing.set(true);
        saved.remove_error.set(None);
        // The element takes focus back after a removal: the saved method now checked,
        // or, when the list went with its last method, the payment method chooser.
        let root = item
            .get_untracked()
            .and_then(|item| item.closest(".pe-root").ok().flatten());
        let api = saved.api.get_value();
        let method = method.clone();
        leptos::task::spawn_local(async move {
            let result = api.detach_payment_method(secret, method.id.clone()).await;
            // The element may have been unmounted meanwhile: then there is nothing to update.
            if saved.removing.try_set(false).is_some() {
                return;
            }
            saved.confirming.set(None);
            match result {
                Ok(()) => {
                    let id = method.id.clone();
                    saved.methods.update(|m| m.retain(|m| m.id != id));
                    if saved.choice.get_untracked() == Choice::Saved(id) {
                        context.choose_default_saved();
                    }
                    if let Some(root) = root {
                        focus_soon(
                            root,
                            ".pe-saved-choice[aria-checked=true], \
                             [role=radio][data-method][tabindex=\"0\"], \
                             [role=tab][aria-selected=true], input"
                                .to_owned(),
                        );
                    }
                    let label = saved_methods::short_label(&method);
                    context
                        .status
                        .set(Some(i18n.fill(Key::SavedRemoved, &[("method", &label)])));
                    if let Some(on_remove) = saved.on_remove {
                        on_remove.run(SavedPaymentMethodRemoveEvent {
                            payment_method: method,
                        });
                    }
                }
                Err(error) => {
                    web_sys::console::warn_1(
                        &[
                            "payment-element: a saved payment method could not be removed: ",
                            &error.describe(),
                        ]
                        .concat()
                        .into(),
                    );
                    saved
                        .remove_error
                        .set(Some((method.id, Key::SavedRemoveFailed)));
                    focus_item(".pe-saved-remove");
                }
            }
        });
    };
    let ask = {
        let id = id.clone();
        move |_| {
            saved.remove_error.set(None);
            saved.confirming.set(Some(id.clone()));
            // Cancel, not Remove: Enter pressed twice must not remove.
            focus_item(".pe-saved-remove-cancel");
        }
    };
    // The remove control, or the question that replaces it until answered.
    let removal = move || {
        if !removes() {
            None
        } else if confirming.get() {
            Some(
                view! {
                    <div class="pe-saved-confirm" role="group">
                        <span class="pe-saved-question">{question.clone()}</span>
                        <button
                            type="button"
                            class="pe-saved-remove-confirm"
                            disabled=move || saved.removing.get()
                            on:click=remove.clone()
                        >
                            {i18n.t(Key::SavedRemove)}
                        </button>
                        <button
                            type="button"
                            class="pe-saved-remove-cancel"
                            on:click=move |_| {
                                saved.confirming.set(None);
                                focus_item(".pe-saved-remove");
                            }
                        >
                            {i18n.t(Key::SavedRemoveCancel)}
                        </button>
                    </div>
                }
                .into_any(),
            )
        } else {
            Some(
                view! {
                    <button
                        type="button"
                        class="pe-saved-remove"
                        aria-label=remove_label.clone()
                        on:click=ask.clone()
                    >
                        {i18n.t(Key::SavedRemove)}
                    </button>
                }
                .into_any(),
            )
        }
    };
    let badge = match brand {
        Some(brand) => {
            // A brand this build does not know shows the generic card.
            let icon = if brand == "unknown" { "card" } else { brand };
            view! {
                <span class="pe-saved-brand" data-brand=brand>
                    <Icon name=icon />
                </span>
            }
            .into_any()
        }
        None => view! { <MethodIcon method=kind /> }.into_any(),
    };

    view! {
        <div
            class="pe-saved-item"
            node_ref=item
            class=("pe-saved-item--checked", move || checked.get())
            class=("pe-saved-item--expired", !usable)
            data-saved-id=id.clone()
        >
            <div class="pe-saved-row">
                <button
                    type="button"
                    role="radio"
                    class="pe-saved-choice"
                    data-saved-choice=id.clone()
                    aria-checked=move || checked.get().to_string()
                    aria-disabled=(!usable).to_string()
                    disabled=!usable
                    tabindex=move || if checked.get() { "0" } else { "-1" }
                    on:click={
                        let id = id.clone();
                        move |_| select.run(Choice::Saved(id.clone()))
                    }
                >
                    <span class="pe-radio RadioIcon" aria-hidden="true"></span>
                    {badge}
                    <span class="pe-saved-name">{text.name}</span>
                    <span class="pe-saved-number">{text.number}</span>
                    <span class="pe-saved-detail">{text.detail}</span>
                </button>
                {removal}
            </div>
            <p class="pe-error Error pe-saved-error" role="alert">
                {error}
            </p>
            {move || {
                needs_cvc()
                    .then(|| {
                        if context.card_in_frame() {
                            // Typed in the payments origin's frame, as a new card is.
                            let saved_card = (cvc_brand, last4.clone());
                            view! { <CardFrame fields=FrameFields::Cvc saved_card /> }.into_any()
                        } else {
                            view! { <CvcRecollection brand=cvc_brand label=short.clone() /> }
                                .into_any()
                        }
                    })
            }}
        </div>
    }
}
