//! One labelled text input of the form: label, input, error, and the wiring every field
//! shares (reformat while typing with the caret kept, error after blur, focus moving
//! on once the field is complete).

use crate::components::state::{focus_in, AdvanceOut, ElementContext};
use crate::model::form::{self, Field};
use crate::model::ids;
use crate::model::locale::Key;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

/// Reformats what was typed: `(text, caret in UTF-16 units, deleting)` → `(text, caret)`.
pub type Formatter = Callback<(String, usize, bool), (String, usize)>;

/// A labelled input bound to one field of the form.
#[component]
pub fn InputField(
    /// Which field of the form this is.
    field: Field,
    /// The label's message.
    label: Key,
    /// The placeholder's message.
    placeholder: Key,
    /// The `autocomplete` token.
    autocomplete: &'static str,
    /// The `inputmode` (which on-screen keyboard); may follow other fields.
    #[prop(into)]
    inputmode: Signal<&'static str>,
    /// The input `type`; `text` unless given.
    #[prop(optional)]
    input_type: Option<&'static str>,
    /// Reformats the value as it is typed.
    #[prop(optional)]
    format: Option<Formatter>,
    /// The field that gets focus once this one is complete.
    #[prop(optional)]
    next: Option<Field>,
    /// Extra content inside the input box, such as the card brand.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let context = ElementContext::get();
    let state = context.state;
    let i18n = context.i18n;
    let value = state.text(field);
    let id = ids::fresh("pe-field");
    let error_id = [id.as_str(), "-error"].concat();

    let error = Memo::new(move |_| context.error(field));
    let advance_out = use_context::<AdvanceOut>();
    let complete_now = move || form::is_settled(field, &state.values_untracked(), context.today);

    let on_input = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let was_complete = complete_now();
        let input_type = ev
            .dyn_ref::<web_sys::InputEvent>()
            .map(web_sys::InputEvent::input_type)
            .unwrap_or_default();
        let deleting = input_type.starts_with("delete");
        let caret = input
            .selection_start()
            .ok()
            .flatten()
            .map_or(usize::MAX, |c| c as usize);
        // Backspace or Delete of one character (not a cut or a selection).
        let one_key = input_type == "deleteContentBackward" || input_type == "deleteContentForward";
        let (typed, caret) = if one_key && format.is_some() {
            let before = value.get_untracked();
            form::delete_through_separator(
                &before,
                &input.value(),
                caret,
                input_type.ends_with("Forward"),
            )
        } else {
            let typed = input.value();
            let caret = caret.min(typed.encode_utf16().count());
            (typed, caret)
        };
        let at_end = caret >= typed.encode_utf16().count();
        let (formatted, caret) = match format {
            Some(format) => format.run((typed.clone(), caret, deleting)),
            None => (typed.clone(), caret),
        };
        if formatted != input.value() {
            input.set_value(&formatted);
            let caret = caret as u32;
            let _ = input.set_selection_range(caret, caret);
        }
        value.set(formatted);
        // Only a keystroke at the end that completes the field moves on: editing in
        // the middle, or a field that was already complete, keeps the customer here.
        if let Some(next) = next {
            if at_end && !was_complete && complete_now() {
                let moved = input
                    .closest(".pe-root")
                    .ok()
                    .flatten()
                    .is_some_and(|root| {
                        focus_in(&root, &["[data-field=\"", next.as_str(), "\"]"].concat())
                    });
                // In the card frame, the CVC's next field is in the page.
                if !moved {
                    if let Some(AdvanceOut(advance)) = advance_out {
                        advance.run(());
                    }
                }
            }
        }
    };

    view! {
        <div class="pe-field" data-field-wrapper=field.as_str()>
            <label class="pe-label Label" for=id.clone()>
                {move || i18n.t(label)}
            </label>
            <div class="pe-input-wrap">
                <input
                    id=id
                    class="pe-input Input"
                    class=("Input--invalid", move || error.get().is_some())
                    type=input_type.unwrap_or("text")
                    data-field=field.as_str()
                    autocomplete=autocomplete
                    inputmode=inputmode
                    spellcheck="false"
                    placeholder=move || i18n.t(placeholder)
                    aria-required="true"
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                    prop:value=move || value.get()
                    on:input=on_input
                    on:blur=move |_| state.leave(field)
                />
                {children.map(|c| c())}
            </div>
            <p class="pe-error Error" id=error_id>
                {move || error.get().map(|key| i18n.t(key))}
            </p>
        </div>
    }
}

/// An [`InputField`] that is there only while `visible` lists its field (fields that
/// follow the `fields` option or the billing country).
#[component]
pub fn OptionalInputField(
    /// The form's fields shown now.
    visible: Memo<Vec<Field>>,
    /// Which field of the form this is.
    field: Field,
    /// The label's message.
    label: Key,
    /// The placeholder's message.
    placeholder: Key,
    /// The `autocomplete` token.
    autocomplete: &'static str,
    /// The `inputmode`; may follow other fields.
    #[prop(into)]
    inputmode: Signal<&'static str>,
    /// The input `type`; `text` unless given.
    #[prop(optional)]
    input_type: Option<&'static str>,
) -> impl IntoView {
    move || {
        visible.with(|v| v.contains(&field)).then(|| {
            view! {
                <InputField
                    field
                    label
                    placeholder
                    autocomplete
                    inputmode
                    input_type=input_type.unwrap_or("text")
                />
            }
        })
    }
}
