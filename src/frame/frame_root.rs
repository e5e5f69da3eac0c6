//! The card frame's root: the element's own number, expiry and CVC fields under an
//! element context of their own, driven by the messages of its element and reporting
//! back only what the element may know.

use super::protocol::{self, FromFrame, ToFrame, CONNECT, FRAME_READY};
use crate::components::apply_appearance;
use crate::components::frame_host::FrameHost;
use crate::components::saved_state::SavedState;
use crate::components::state::{focus_in, this_month, AdvanceOut, ElementContext, FormState, I18n};
use crate::components::{CardDetailsFields, CvcRecollection};
use crate::model::confirm::unreadable_answer;
use crate::model::form::{self, Field, FrameSummary, Stage};
use crate::model::locale::Catalogue;
use crate::model::options::{LocaleChoice, PaymentElementOptions};
use crate::model::saved_methods::{self, Choice};
use crate::model::types::{CardFields, MethodKind};
use crate::net::customer_api::HttpCustomerApi;
use crate::net::vault::{HttpVault, VaultApi};
use leptos::prelude::*;
use payment_core::api::{AllowRedisplay, CardPreview, PaymentMethodType, SavedPaymentMethod};
use payment_core::card::CardBrand;
use payment_core::error::{ApiError, ErrorCode, ErrorType};
use payment_core::secret::Cvc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The saved card whose CVC a CVC frame asks for again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedCard {
    /// Its brand, when known: the code's length.
    pub brand: Option<CardBrand>,
    /// Its last four digits, for the label.
    pub last4: String,
}

impl SavedCard {
    /// The card as the saved-methods components take it.
    fn method(&self) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: "frame".to_owned(),
            kind: PaymentMethodType::Card,
            created: 0,
            allow_redisplay: AllowRedisplay::Always,
            card: Some(CardPreview {
                brand: self
                    .brand
                    .map(CardBrand::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                last4: self.last4.clone(),
                exp_month: 0,
                exp_year: 0,
                funding: None,
            }),
            sepa_debit: None,
            ewallet: None,
        }
    }
}

/// The options the frame runs with: the element's look and language, its own fields.
fn frame_options(received: PaymentElementOptions, cvc: bool) -> PaymentElementOptions {
    let mut options = PaymentElementOptions {
        card_fields: CardFields::Inline,
        payments: None,
        ..received
    };
    options.saved.require_cvc_recollection = cvc;
    options
}

/// The card fields of the frame: number, expiry and CVC, or a saved card's CVC.
#[component]
pub fn FrameRoot(
    /// The storefront origins the payments origin allows to embed the frame.
    allowed: Vec<String>,
    /// The publishable key the frame tokenizes with.
    publishable_key: String,
    /// The embedding page's origin, where the browser tells it.
    parent: Option<String>,
    /// A saved card whose CVC is asked for again; `None`: a new card's fields.
    saved_card: Option<SavedCard>,
) -> impl IntoView {
    let cvc_only = saved_card.is_some();
    let options = RwSignal::new(frame_options(PaymentElementOptions::default(), cvc_only));
    let locale = Memo::new(move |_| match options.with(|o| o.locale) {
        LocaleChoice::Fixed(locale) => locale,
        LocaleChoice::Auto => crate::components::resolve_locale(LocaleChoice::Auto),
    });
    let catalogue = Memo::new(move |_| options.with(|o| Catalogue::new(locale.get(), &o.strings)));
    let state = FormState::new("");
    state.selected.set(Some(MethodKind::Card));
    let context = ElementContext {
        options: options.into(),
        methods: Memo::new(|_| vec![MethodKind::Card]),
        current: Memo::new(|_| Some(MethodKind::Card)),
        state,
        i18n: I18n(catalogue),
        today: this_month(),
        status: RwSignal::new(None),
        saved: SavedState::new(HttpCustomerApi::shared(""), None),
        frame: FrameHost::new(),
        cvc_frame: FrameHost::new(),
        vault: StoredValue::new_local(None),
        in_frame: true,
        qr_shown: RwSignal::new(None),
        qr_canceled: RwSignal::new(false),
        on_escape: None,
    };
    provide_context(context);
    state.follow_card_brands(context.options);
    let saved = context.saved;
    if let Some(card) = &saved_card {
        saved.methods.set(vec![card.method()]);
        saved.choice.set(Choice::Saved("frame".to_owned()));
    }
    let port = StoredValue::new_local(None::<web_sys::MessagePort>);
    let send = move |message: FromFrame| {
        port.with_value(|port| {
            if let Some(port) = port {
                let _ = port.post_message(&message.encode());
            }
        });
    };
    provide_context(AdvanceOut(Callback::new(move |()| {
        send(FromFrame::Advance)
    })));
    let root = NodeRef::<leptos::html::Div>::new();
    let vault = StoredValue::new_local(HttpVault::same_origin(&publishable_key));

    // Counts the changes of the card: the element resends a confirm unchanged only for
    // the same revision.
    let revision = RwSignal::new(0u32);
    let card_values = Memo::new(move |_| {
        let v = state.values();
        (v.number, v.expiry, v.cvc, saved.cvc.get())
    });
    Effect::new(move |seen: Option<()>| {
        card_values.track();
        if seen.is_some() {
            revision.update(|r| *r = r.wrapping_add(1));
        }
    });
    let fields = [Field::CardNumber, Field::Expiry, Field::Cvc];
    let summary = Memo::new(move |_| {
        if cvc_only {
            let invalid = saved
                .cvc_error(true, Some(Stage::Submitted))
                .map(|_| Field::Cvc);
            return FrameSummary {
                complete: invalid.is_none(),
                empty: saved.cvc.with(String::is_empty),
                invalid,
                revision: revision.get(),
            };
        }
        let values = state.values();
        let today = context.today;
        let invalid = fields
            .into_iter()
            .find(|&f| form::field_error(f, &values, today, Stage::Submitted).is_some());
        FrameSummary {
            complete: invalid.is_none(),
            empty: form::is_empty(MethodKind::Card, &values, form::CardEntry::Inline),
            invalid,
            revision: revision.get(),
        }
    });
    let shown_error = Memo::new(move |_| {
        let key = if cvc_only {
            saved.cvc_error(true, None)
        } else {
            fields.into_iter().find_map(|f| context.error(f))
        };
        key.map(|key| context.i18n.t(key))
    });
    let brand = Memo::new(move |_| {
        state
            .text(Field::CardNumber)
            .with(|n| form::brand_icon(n).to_owned())
    });
    let ready = RwSignal::new(false);
    Effect::new(move |_| {
        let message = FromFrame::Change {
            summary: summary.get(),
            error: shown_error.get(),
            brand: brand.get(),
        };
        if ready.get() {
            send(message);
        }
    });

    let tokenize_cvc = move |id: u32| {
        let invalid = untrack(|| saved.cvc_error(true, Some(Stage::Submitted)));
        let cvc = Cvc::new(saved.cvc.get_untracked());
        leptos::task::spawn_local(async move {
            let answer = if invalid.is_some() {
                saved.cvc_stage.set(Stage::Submitted);
                FromFrame::Failed {
                    id,
                    error: Some(incomplete(Field::Cvc)),
                }
            } else {
                match vault.get_value().create_cvc_token(cvc).await {
                    Ok(token) => FromFrame::Tokenized {
                        id,
                        token: token.id,
                    },
                    Err(crate::model::confirm::CallError::Api { error, .. }) => FromFrame::Failed {
                        id,
                        error: Some(error),
                    },
                    Err(_) => FromFrame::Failed { id, error: None },
                }
            };
            send(answer);
        });
    };
    let tokenize = move |id: u32| {
        if cvc_only {
            return tokenize_cvc(id);
        }
        let values = state.values_untracked();
        let card = form::card_details(&values, context.today);
        leptos::task::spawn_local(async move {
            let answer = match card {
                Err(field) => {
                    state.submitted.set(true);
                    FromFrame::Failed {
                        id,
                        error: Some(incomplete(field)),
                    }
                }
                Ok(card) => match vault.get_value().create_card_token(card).await {
                    Ok(token) => FromFrame::Tokenized {
                        id,
                        token: token.id,
                    },
                    Err(crate::model::confirm::CallError::Api { error, .. }) => FromFrame::Failed {
                        id,
                        error: Some(error),
                    },
                    Err(_) => FromFrame::Failed { id, error: None },
                },
            };
            send(answer);
        });
    };

    let on_message = move |data: JsValue| {
        let Some(message) = ToFrame::decode(&data) else {
            return;
        };
        match message {
            ToFrame::Options(received) => {
                options.set(frame_options(*received, cvc_only));
                if !ready.get_untracked() {
                    ready.set(true);
                    send(FromFrame::Ready);
                    // The height measured before the element's port was connected went
                    // nowhere, and the observer speaks again only when the size changes:
                    // without this the iframe kept its CSS height and cut the expiry and
                    // CVC inputs in half (found by the visual suite).
                    if let Some(element) = root.get_untracked() {
                        send(FromFrame::Height(
                            element.get_bounding_client_rect().height(),
                        ));
                    }
                }
            }
            ToFrame::Focus(field) => {
                if let Some(root) = root.get_untracked() {
                    focus_in(&root, &["[data-field=\"", field.as_str(), "\"]"].concat());
                }
            }
            ToFrame::ShowErrors => {
                state.submitted.set(true);
                saved.cvc_stage.set(Stage::Submitted);
            }
            ToFrame::Clear => {
                state.clear();
                saved.cvc_stage.set(Stage::Typing);
                saved.cvc.set(String::new());
            }
            ToFrame::ClearCvc => {
                // As the element does after a card error: the CVC empty and not yet
                // reported as missing, so the decline is what the customer hears.
                state.submitted.set(false);
                state.text(Field::Cvc).set(String::new());
                saved.cvc_stage.set(Stage::Typing);
                saved.cvc.set(String::new());
            }
            ToFrame::Lock(locked) => {
                if let Some(root) = root.get_untracked() {
                    if locked {
                        let _ = root.set_attribute("inert", "");
                    } else {
                        let _ = root.remove_attribute("inert");
                    }
                }
            }
            ToFrame::Tokenize { id } => tokenize(id),
        }
    };

    // The handshake: one port, from the parent window, from an allowed origin, once.
    let allowed_connect = allowed.clone();
    let connect = window_event_listener(leptos::ev::message, move |ev| {
        if port.with_value(Option::is_some) {
            return;
        }
        let from_parent = ev.source().is_some_and(|source| {
            window()
                .parent()
                .ok()
                .flatten()
                .is_some_and(|parent| js_sys::Object::is(source.as_ref(), parent.as_ref()))
        });
        if !from_parent
            || !allowed_connect.iter().any(|o| *o == ev.origin())
            || !protocol::is_handshake(&ev.data(), CONNECT)
        {
            return;
        }
        let Some(received) = ev.ports().get(0).dyn_into::<web_sys::MessagePort>().ok() else {
            return;
        };
        let listener =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                on_message(ev.data())
            });
        received.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        // The frame lives as long as its document: so does its one listener.
        listener.forget();
        port.set_value(Some(received));
    });
    on_cleanup(move || connect.remove());

    // Height: the element sizes the iframe to it, so it never scrolls inside.
    Effect::new(move |_| {
        let Some(element) = root.get() else {
            return;
        };
        let observed: web_sys::Element = element.clone().into();
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            let height = observed.get_bounding_client_rect().height();
            send(FromFrame::Height(height));
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&element);
        }
        on_resize.forget();
    });

    // Say hello to the parent, to its origin when the browser tells it.
    Effect::new(move |_| {
        if let Some(parent_window) = window().parent().ok().flatten() {
            let target = parent.clone().unwrap_or_else(|| "*".to_owned());
            let _ = parent_window.post_message(&protocol::handshake(FRAME_READY), &target);
        }
    });

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            send(FromFrame::Submit);
        }
        "Escape" => send(FromFrame::Escape),
        _ => {}
    };
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        let stays = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .is_some_and(|t| root.get_untracked().is_some_and(|r| r.contains(Some(&t))));
        if !stays {
            send(FromFrame::Blur);
        }
    };
    let theme = move || options.with(|o| o.appearance.theme.0.as_str());
    apply_appearance(root, "pe-frame".to_owned(), options.into());

    view! {
        <div
            id="pe-frame"
            class="pe-root pe-frame-root"
            lang=move || locale.get().as_str()
            data-theme=theme
            node_ref=root
            on:keydown=on_keydown
            on:focusin=move |_| send(FromFrame::Focus)
            on:focusout=on_focusout
        >
            <div class="pe-form pe-card-form">
                {match saved_card.as_ref() {
                    Some(card) => {
                        let label = saved_methods::short_label(&card.method());
                        view! { <CvcRecollection brand=card.brand label /> }.into_any()
                    }
                    None => view! { <CardDetailsFields after_cvc=Field::Name /> }.into_any(),
                }}
            </div>
        </div>
    }
}

/// A card field that stops tokenization, as the vault would name it.
fn incomplete(field: Field) -> ApiError {
    let (code, param) = match field {
        Field::Expiry => (ErrorCode::InvalidExpiryMonth, "exp_month"),
        Field::Cvc => (ErrorCode::InvalidCvc, "cvc"),
        _ => (ErrorCode::IncorrectNumber, "number"),
    };
    ApiError {
        kind: ErrorType::CardError,
        code,
        param: Some(param.to_owned()),
        ..unreadable_answer()
    }
}
