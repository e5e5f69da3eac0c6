//! The Payment Element root: owns what the customer typed (so re-rendering a layout or
//! switching locale never loses it), resolves options into methods and messages,
//! applies the appearance through CSSOM, announces errors and status, and reports
//! events to the page.

use super::{AccordionLayout, QrCodeView, SaveConsent, SavedMethodsList, TabsLayout};
use crate::components::frame_host::FrameHost;
use crate::components::saved_state::SavedState;
use crate::components::state::{this_month, ElementContext, FormState, I18n, PaymentElementHandle};
use crate::model::events::{ChangeEvent, ChangeValue, SavedPaymentMethodRemoveEvent};
use crate::model::form;
use crate::model::ids;
use crate::model::locale::{Catalogue, Locale};
use crate::model::options::{available_methods, LocaleChoice, PaymentElementOptions};
use crate::model::saved_methods::{self, Choice};
use crate::model::types::LayoutKind;
use crate::net::customer_api::{CustomerApi, HttpCustomerApi};
use crate::net::vault::VaultApi;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// The payment form: methods in an accordion or tabs, each with its details form.
#[component]
pub fn PaymentElement(
    /// The checked options; may change at run time (layout, locale, appearance).
    #[prop(optional, into)]
    options: Option<Signal<PaymentElementOptions>>,
    /// Called when completeness, emptiness or the method changes.
    #[prop(optional)]
    on_change: Option<Callback<ChangeEvent>>,
    /// Called once the element is mounted, with its handle.
    #[prop(optional)]
    on_ready: Option<Callback<PaymentElementHandle>>,
    /// Called when focus enters the element.
    #[prop(optional)]
    on_focus: Option<Callback<()>>,
    /// Called when focus leaves the element.
    #[prop(optional)]
    on_blur: Option<Callback<()>>,
    /// Called when Escape is pressed in the element.
    #[prop(optional)]
    on_escape: Option<Callback<()>>,
    /// Called when the customer removed a saved payment method.
    #[prop(optional)]
    on_saved_payment_method_remove: Option<Callback<SavedPaymentMethodRemoveEvent>>,
    /// The customer-session calls; the merchant API at `/api` unless given (tests pass a fake).
    #[prop(optional)]
    customer_api: Option<Rc<dyn CustomerApi>>,
    /// The payments origin's tokenization calls for inline card fields; those of
    /// `options.payments` unless given (tests pass a fake).
    #[prop(optional)]
    vault: Option<Rc<dyn VaultApi>>,
) -> impl IntoView {
    let options = options.unwrap_or_else(|| Signal::derive(PaymentElementOptions::default));
    let browser_languages = browser_languages();
    let guessed_country =
        form::default_country(browser_languages.first().map_or("", String::as_str));
    let country_never =
        move || options.with(|o| o.fields.country == crate::model::types::FieldVisibility::Never);
    let state = FormState::new(if untrack(country_never) {
        ""
    } else {
        guessed_country
    });
    // `defaultValues.billingDetails`: what the fields start with.
    let defaults = untrack(|| options.with(|o| o.default_values.clone()));
    for (field, value) in [
        (form::Field::Name, defaults.name),
        (form::Field::Email, defaults.email),
        (form::Field::PostalCode, defaults.postal_code),
    ] {
        if let Some(value) = value {
            state.text(field).set(value);
        }
    }
    if let Some(country) = defaults.country.filter(|_| !untrack(country_never)) {
        state.country.set(country);
    }
    // With `fields.billingDetails.address.country: "never"` the page knows the country
    // and the element does not: no guess from the browser's language decides whether a
    // postal code is asked for or how it is checked.
    Effect::new(move |_| {
        let country = state.country;
        if country_never() {
            country.set(String::new());
        } else if country.with_untracked(String::is_empty) {
            country.set(guessed_country.to_owned());
        }
    });
    let locale = Memo::new(move |_| match options.with(|o| o.locale) {
        LocaleChoice::Fixed(locale) => locale,
        LocaleChoice::Auto => Locale::negotiate(browser_languages.iter().map(String::as_str)),
    });
    let catalogue = Memo::new(move |_| options.with(|o| Catalogue::new(locale.get(), &o.strings)));
    let methods = Memo::new(move |_| options.with(available_methods));
    let layout = Memo::new(move |_| options.with(|o| o.layout.kind));
    let current = Memo::new(move |_| {
        let collapsed = options.with(|o| o.layout.default_collapsed);
        let selected = state.selected.get();
        methods.with(|m| match selected.filter(|s| m.contains(s)) {
            Some(method) => Some(method),
            None if (collapsed || state.collapsed.get())
                && layout.get() == LayoutKind::Accordion =>
            {
                None
            }
            None => m.first().copied(),
        })
    });
    let saved = SavedState::new(
        customer_api.unwrap_or_else(|| HttpCustomerApi::shared("/api")),
        on_saved_payment_method_remove,
    );
    let context = ElementContext {
        options,
        methods,
        current,
        state,
        i18n: I18n(catalogue),
        today: this_month(),
        status: RwSignal::new(None),
        saved,
        frame: FrameHost::new(),
        cvc_frame: FrameHost::new(),
        vault: StoredValue::new_local(vault),
        in_frame: false,
        qr_shown: RwSignal::new(None),
        qr_canceled: RwSignal::new(false),
        on_escape,
    };
    provide_context(context);
    state.follow_card_brands(context.options);
    // The QR standard follows the cart's currency (QRIS for rupiah, QR Ph for pesos).
    Effect::new(move |_| {
        let channel = options.with(|o| {
            o.currency
                .and_then(|c| payment_core::api::QrChannel::for_currency(&c))
        });
        if state.qr.get_untracked() != channel {
            state.qr.set(channel);
        }
    });
    let root_id = ids::fresh("pe-root");
    let root = NodeRef::<leptos::html::Div>::new();
    let handle = PaymentElementHandle { context, root };

    apply_appearance(root, root_id.clone(), options);
    // Colours a merchant set that fall under WCAG AA are named in the console, once for
    // each appearance that has them (the memo changes only when they do).
    let shortfalls =
        Memo::new(move |_| options.with(|o| crate::model::contrast::shortfalls(&o.appearance)));
    Effect::new(move |_| {
        for shortfall in shortfalls.get() {
            web_sys::console::warn_1(&shortfall.message().into());
        }
    });
    // Stripe's options this widget takes without acting on them, said once.
    let not_used = Memo::new(move |_| options.with(|o| o.not_used.clone()));
    Effect::new(move |_| {
        let names = not_used.get();
        if !names.is_empty() {
            web_sys::console::info_1(
                &[
                    "payment-element: ",
                    &names.join(", "),
                    " accepted for Stripe.js pages and not used (see MIGRATING.md)",
                ]
                .concat()
                .into(),
            );
        }
    });
    // `terms.sepaDebit: "never"`: the mandate is the page's to show, and it must be.
    let mandate_hidden = Memo::new(move |_| options.with(|o| o.sepa_mandate_hidden));
    Effect::new(move |_| {
        if mandate_hidden.get() {
            web_sys::console::info_1(
                &"payment-element: terms.sepaDebit is \"never\": show the SEPA Direct Debit \
                  mandate on the page before the customer pays"
                    .into(),
            );
        }
    });
    // `readOnly`: shown and locked, as during a payment, for as long as it is set.
    let read_only = Memo::new(move |_| options.with(|o| o.read_only));
    Effect::new(move |_| {
        let locked = read_only.get();
        if root.get().is_some() {
            handle.set_locked(locked);
        }
    });
    load_saved_methods(context);
    keep_choices_payable(context);
    // The new-method form shows unless a saved method is chosen.
    let new_chosen = Memo::new(move |_| saved.chosen().is_none());
    let frame_mode = Memo::new(move |_| matches!(context.card_entry(), form::CardEntry::Frame(_)));
    let require_cvc = move || options.with(|o| o.saved.require_cvc_recollection);

    // The first error in the current form, else the latest status: what the live
    // region says. The card frame's error comes as its text (the frame shows it too).
    let announcement = Memo::new(move |_| {
        let error = if !new_chosen.get() {
            let in_frame = matches!(context.card_entry(), form::CardEntry::Frame(_));
            match context.saved_cvc_error(require_cvc(), None) {
                Some(_) if in_frame => context.cvc_frame.error.get(),
                Some(key) => Some(context.i18n.t(key)),
                None => None,
            }
        } else {
            current.get().and_then(|method| {
                let in_frame = method == crate::model::types::MethodKind::Card
                    && matches!(context.card_entry(), form::CardEntry::Frame(_));
                if in_frame {
                    if let Some(text) = context.frame.error.get() {
                        return Some(text);
                    }
                }
                let fields = options.with(|o| o.fields);
                state.country.with(|country| {
                    form::visible_fields(method, &fields, country)
                        .into_iter()
                        .filter(|&field| !(in_frame && form::is_card_detail(field)))
                        .find_map(|field| context.error(field))
                        .map(|key| context.i18n.t(key))
                })
            })
        };
        error.or_else(|| context.status.get()).unwrap_or_default()
    });

    let summary = Memo::new(move |_| {
        if let Some(chosen) = saved.chosen() {
            return ChangeEvent {
                complete: context
                    .saved_cvc_error(require_cvc(), Some(form::Stage::Submitted))
                    .is_none(),
                empty: false,
                value: ChangeValue {
                    kind: saved_methods::method_kind(&chosen),
                    payment_method: Some(chosen.id),
                    save_payment_method: false,
                },
                collapsed: false,
            };
        }
        let method = current.get();
        let fields = options.with(|o| o.fields);
        let values = state.values();
        let card = context.card_entry();
        ChangeEvent {
            complete: method
                .is_some_and(|m| form::is_complete(m, &fields, &values, context.today, card)),
            empty: method.is_none_or(|m| form::is_empty(m, &values, card)),
            value: ChangeValue {
                kind: method,
                payment_method: None,
                save_payment_method: saved.consent_at.get().is_some()
                    && method.is_some_and(saved_methods::can_be_saved)
                    && options.with(|o| o.saved.save_usage(o.mode).is_some()),
            },
            collapsed: method.is_none() && layout.get() == LayoutKind::Accordion,
        }
    });
    // Effects talk to the page: they run after mount, and the first run is the state
    // the page already knows, so it is not reported as a change.
    // "Complete" is announced when the details become complete, so that it does not
    // drown a later message (a saved method chosen or removed while complete).
    Effect::new(move |was_complete: Option<bool>| {
        let event = summary.get();
        let complete = event.complete;
        if let Some(was_complete) = was_complete {
            if complete && !was_complete {
                context.status.set(Some(
                    context
                        .i18n
                        .t(crate::model::locale::Key::StatusFormComplete),
                ));
            }
            // Untracked: whatever the page's handler reads must not re-run this effect.
            if let Some(on_change) = on_change {
                untrack(|| on_change.run(event));
            }
        }
        complete
    });
    if let Some(on_ready) = on_ready {
        Effect::new(move |_| untrack(|| on_ready.run(handle)));
    }
    // Focus is in the element when the document's focused element is inside its root:
    // one of its inputs, or the card frame (whose own inputs the page cannot see). Read
    // after the focus change settled: moving into the frame, the page first sees a
    // focusout without a target.
    let focused = RwSignal::new(false);
    let check_focus = move || {
        // Run a moment later: the element may be gone by then.
        let Some(was) = focused.try_get_untracked() else {
            return;
        };
        let inside = root.try_get_untracked().flatten().is_some_and(|root| {
            let active = active_element(&root);
            root.contains(active.as_ref().map(AsRef::as_ref))
        });
        if was != inside {
            focused.set(inside);
        }
    };
    let check_focus_soon = move || {
        set_timeout(check_focus, std::time::Duration::ZERO);
    };
    Effect::new(move |_| {
        // A frame said focus came or went: the page checks where it is now.
        context.frame.focused.track();
        context.cvc_frame.focused.track();
        check_focus_soon();
    });
    Effect::new(move |was: Option<bool>| {
        let now = focused.get();
        if was.is_some_and(|was| was != now) {
            let report = if now { on_focus } else { on_blur };
            if let Some(report) = report {
                untrack(|| report.run(()));
            }
        }
        now
    });

    view! {
        <div
            id=root_id
            class="pe-root"
            lang=move || locale.get().as_str()
            data-theme=move || options.with(|o| o.appearance.theme.0.as_str())
            data-layout=move || layout.get().as_str()
            node_ref=root
            on:focusin=move |_| {
                if !focused.get_untracked() {
                    focused.set(true);
                }
            }
            on:focusout=move |_| check_focus_soon()
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    if let Some(on_escape) = on_escape {
                        on_escape.run(());
                    }
                }
            }
        >
            // A QR payment waiting for its scan takes the form's place.
            {move || context.qr_shown.get().map(|shown| view! { <QrCodeView shown /> })}
            <div class="pe-choice" hidden=move || context.qr_shown.with(Option::is_some)>
            <SavedMethodsList />
            {move || {
                let methods = move || {
                    view! {
                        {move || match layout.get() {
                            LayoutKind::Accordion => view! { <AccordionLayout /> }.into_any(),
                            LayoutKind::Tabs => view! { <TabsLayout /> }.into_any(),
                        }}
                        <SaveConsent />
                    }
                };
                if frame_mode.get() {
                    // Hidden, not removed, while a saved method is chosen: the card frame
                    // keeps what the customer typed in it.
                    view! { <div class="pe-new-method" hidden=move || !new_chosen.get()>{methods()}</div> }
                        .into_any()
                } else {
                    new_chosen.get().then(methods).into_any()
                }
            }}
            </div>
            <div class="pe-live" role="status" aria-live="polite" aria-atomic="true">
                {move || announcement.get()}
            </div>
        </div>
    }
}

/// Loads the customer's saved methods whenever the session secret changes. Without a
/// session, or when loading fails, the element stays a plain new-method form; a failure
/// is only a warning in the merchant's console (without the secret).
fn load_saved_methods(context: ElementContext) {
    let saved = context.saved;
    let options = context.options;
    let secret = Memo::new(move |_| {
        options.with(|o| {
            o.saved
                .client_secret
                .clone()
                .filter(|_| o.saved.redisplays())
        })
    });
    Effect::new(move |_| {
        saved.methods.set(Vec::new());
        saved.choice.set(Choice::New);
        let Some(sent) = secret.get() else {
            return;
        };
        let api = saved.api.get_value();
        leptos::task::spawn_local(async move {
            let result = api.list_payment_methods(sent.clone()).await;
            // A newer secret (or an unmounted element) makes this answer stale.
            if secret.try_get_untracked().flatten().as_ref() != Some(&sent) {
                return;
            }
            match result {
                Ok(methods) => {
                    saved.methods.set(methods);
                    // Arriving late, the list must not take over a new card the customer
                    // is already typing (Pay would then charge the saved one).
                    let typing = untrack(|| {
                        context.current.get().is_some_and(|method| {
                            !form::is_empty(method, &context.state.values(), context.card_entry())
                        })
                    });
                    if !typing {
                        context.choose_default_saved();
                    }
                }
                Err(error) => web_sys::console::warn_1(
                    &[
                        "payment-element: saved payment methods could not be loaded (",
                        &error.describe(),
                        "); showing the new payment method form only",
                    ]
                    .concat()
                    .into(),
                ),
            }
        });
    });
}

/// Keeps the choices payable when the currency or the methods offered change (another
/// market, `paymentMethodTypes`): a chosen saved method that can no longer pay (a GCash
/// account in an IDR cart, SEPA in a PHP one) gives way to the default, and a wallet
/// picked in the new-method form that does not take the new currency is unpicked, so
/// the form asks again instead of sending it.
fn keep_choices_payable(context: ElementContext) {
    Effect::new(move |_| {
        let currency = context.options.with(|o| o.currency);
        let wallet = context.state.ewallet;
        if let Some(channel) = wallet.get() {
            if !currency.is_some_and(|c| channel.supports(&c)) {
                wallet.set(None);
            }
        }
    });
    Effect::new(move |_| {
        let listed = context.listed_saved();
        if let Choice::Saved(id) = context.saved.choice.get() {
            if !listed.iter().any(|m| m.id == id) {
                context.choose_default_saved();
            }
        }
    });
}

/// The focused element of the document or shadow root `element` lives in.
fn active_element(element: &web_sys::Element) -> Option<web_sys::Element> {
    let node = element.get_root_node();
    match node.dyn_ref::<web_sys::ShadowRoot>() {
        Some(shadow) => shadow.active_element(),
        None => document().active_element(),
    }
}

/// The language `choice` means here: the browser's preference for `Auto`.
pub fn resolve_locale(choice: LocaleChoice) -> Locale {
    match choice {
        LocaleChoice::Fixed(locale) => locale,
        LocaleChoice::Auto => {
            let languages = browser_languages();
            Locale::negotiate(languages.iter().map(String::as_str))
        }
    }
}

/// The browser's preferred languages, most preferred first.
fn browser_languages() -> Vec<String> {
    let navigator = window().navigator();
    let mut languages: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .collect();
    if languages.is_empty() {
        languages.extend(navigator.language());
    }
    languages
}

/// Keeps the root's custom properties and its scoped rule sheet in step with
/// `appearance`, through CSSOM only: the strict CSP (`style-src 'self'`) refuses
/// inline `style` attributes and `<style>` text, but not CSSOM writes.
pub(crate) fn apply_appearance(
    root: NodeRef<leptos::html::Div>,
    root_id: String,
    options: Signal<PaymentElementOptions>,
) {
    // The rule sheet and the document or shadow root that adopted it.
    let sheet = StoredValue::new_local(None::<(web_sys::CssStyleSheet, JsValue)>);
    Effect::new(move |previous: Option<Vec<String>>| {
        let previous = previous.unwrap_or_default();
        let Some(element) = root.get() else {
            return previous;
        };
        let appearance = options.with(|o| o.appearance.clone());
        let style = web_sys::HtmlElement::style(&element);
        for property in &previous {
            let _ = style.remove_property(property);
        }
        let properties = appearance.custom_properties();
        for (property, value) in &properties {
            let _ = style.set_property(property, value);
        }
        let css = appearance.scoped_css(&root_id);
        if sheet.with_value(Option::is_none) && !css.is_empty() {
            if let Ok(created) = web_sys::CssStyleSheet::new() {
                // Inside `<payment-element>` the rules must be adopted by its shadow
                // root: the document's sheets do not reach in.
                let holder = sheet_holder(&element);
                let adopted = adopted_sheets(&holder);
                adopted.push(&created);
                let _ = js_sys::Reflect::set(&holder, &"adoptedStyleSheets".into(), &adopted);
                sheet.set_value(Some((created, holder)));
            }
        }
        sheet.with_value(|sheet| {
            if let Some((sheet, _)) = sheet {
                let _ = sheet.replace_sync(&css);
            }
        });
        properties
            .into_iter()
            .map(|(property, _)| property)
            .collect()
    });
    on_cleanup(move || {
        if let Some((sheet, holder)) = sheet.try_get_value().flatten() {
            let kept = js_sys::Array::new();
            for s in adopted_sheets(&holder).iter() {
                if !js_sys::Object::is(&s, &sheet) {
                    kept.push(&s);
                }
            }
            let _ = js_sys::Reflect::set(&holder, &"adoptedStyleSheets".into(), &kept);
        }
    });
}

/// The shadow root the element lives in, else the document.
fn sheet_holder(element: &web_sys::Element) -> JsValue {
    let node: JsValue = element.get_root_node().into();
    if node.is_instance_of::<web_sys::ShadowRoot>() {
        node
    } else {
        document().into()
    }
}

/// The `adoptedStyleSheets` of a document or shadow root, as a fresh array to assign back.
fn adopted_sheets(holder: &JsValue) -> js_sys::Array {
    js_sys::Reflect::get(holder, &"adoptedStyleSheets".into())
        .ok()
        .filter(|list| list.is_instance_of::<js_sys::Array>())
        .map(|list| js_sys::Array::from(&list))
        .unwrap_or_default()
}
