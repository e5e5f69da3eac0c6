//! The card frame in the page: an `<iframe>` from the payments origin in place of the
//! number, expiry and CVC inputs. It answers the frame's handshake (origin and window
//! checked) with a fresh `MessageChannel`, sends it the element's look and language,
//! sizes itself to the frame's content (no inner scrollbar, no jump when an error
//! appears), and passes Enter and "field complete" on to the page.

use crate::components::state::ElementContext;
use crate::frame::protocol::{self, FromFrame, ToFrame, CONNECT, FRAME_READY};
use crate::model::locale::Key;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Which fields a frame holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FrameFields {
    /// Number, expiry and CVC of a new card.
    #[default]
    Card,
    /// A saved card's CVC typed again.
    Cvc,
}

impl FrameFields {
    /// Its name in the frame's address.
    pub fn as_str(self) -> &'static str {
        match self {
            FrameFields::Card => "card",
            FrameFields::Cvc => "cvc",
        }
    }

    /// Its name in the frame's address, read back.
    pub fn parse(name: &str) -> Option<FrameFields> {
        [FrameFields::Card, FrameFields::Cvc]
            .into_iter()
            .find(|f| f.as_str() == name)
    }
}

/// The isolated card fields: a new card's, or a saved card's CVC.
#[component]
pub fn CardFrame(
    /// Which fields.
    #[prop(optional)]
    fields: FrameFields,
    /// For a saved card's CVC: the card's brand (the code's length) and last four digits
    /// (the label).
    #[prop(optional)]
    saved_card: Option<(Option<payment_core::card::CardBrand>, String)>,
    /// Called when the frame's last field was completed, to move focus on in the page.
    #[prop(optional)]
    on_advance: Option<Callback<()>>,
) -> impl IntoView {
    let context = ElementContext::get();
    let host = match fields {
        FrameFields::Card => context.frame,
        FrameFields::Cvc => context.cvc_frame,
    };
    let i18n = context.i18n;
    let payments = Memo::new(move |_| context.options.with(|o| o.payments.clone()));
    let src = Memo::new(move |_| {
        let (brand, last4) = saved_card.clone().unwrap_or_default();
        let extra = [
            (
                "brand",
                brand.map_or("", payment_core::card::CardBrand::as_str),
            ),
            ("last4", last4.as_str()),
        ];
        payments.with(|p| p.as_ref().map(|p| p.frame_url(fields.as_str(), &extra)))
    });
    let iframe = NodeRef::<leptos::html::Iframe>::new();
    // The port's listener lives as long as this view.
    let on_port = StoredValue::new_local(None::<Closure<dyn FnMut(web_sys::MessageEvent)>>);

    let options_message = move || {
        let locale = i18n.0.with_untracked(|c| c.locale);
        context
            .options
            .with_untracked(|o| ToFrame::options(o, locale))
    };

    let handle_message = move |data: JsValue| {
        let Some(message) = FromFrame::decode(&data) else {
            return;
        };
        host.receive(&message, &data);
        match message {
            FromFrame::Height(px) => {
                if let Some(frame) = iframe.get_untracked() {
                    // Whole pixels, as an integer: formatting a float would link
                    // float printing into the wasm (~15 KB).
                    let px = px.ceil().clamp(0.0, 100_000.0) as u32;
                    let _ = web_sys::HtmlElement::style(&frame)
                        .set_property("height", &[&px.to_string(), "px"].concat());
                }
            }
            FromFrame::Submit => {
                if let Some(form) = iframe.get_untracked().and_then(|f| enclosing_form(&f)) {
                    let _ = form.request_submit();
                }
            }
            FromFrame::Escape => {
                if let Some(on_escape) = context.on_escape {
                    on_escape.run(());
                }
            }
            FromFrame::Advance => {
                if let Some(on_advance) = on_advance {
                    on_advance.run(());
                }
            }
            _ => {}
        }
    };

    // The frame's handshake: only from the payments origin, only from this iframe's
    // window, only in this protocol's version. Anything else is ignored.
    let handshake = window_event_listener(leptos::ev::message, move |ev| {
        let Some(payments) = payments.get_untracked() else {
            return;
        };
        if ev.origin() != payments.origin || !protocol::is_handshake(&ev.data(), FRAME_READY) {
            return;
        }
        let from_frame = ev
            .source()
            .is_some_and(|source| host.is_frame_window(source.as_ref()));
        let Some(frame) = iframe.get_untracked().filter(|_| from_frame) else {
            return;
        };
        let Some(window) = frame.content_window() else {
            return;
        };
        let Ok(channel) = web_sys::MessageChannel::new() else {
            return;
        };
        let port = channel.port1();
        let listener =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                handle_message(ev.data())
            });
        port.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        on_port.set_value(Some(listener));
        host.attach(frame.clone(), port);
        let transfer = js_sys::Array::of1(&channel.port2());
        if window
            .post_message_with_transfer(&protocol::handshake(CONNECT), &payments.origin, &transfer)
            .is_err()
        {
            host.detach();
            return;
        }
        host.post(&options_message());
    });

    // Every change of look or language reaches the frame.
    Effect::new(move |_| {
        let locale = i18n.0.with(|c| c.locale);
        let message = context.options.with(|o| ToFrame::options(o, locale));
        host.post(&message);
    });
    Effect::new(move |_| {
        if let Some(frame) = iframe.get() {
            host.set_iframe(&frame);
        }
    });
    on_cleanup(move || {
        handshake.remove();
        host.detach();
        on_port.set_value(None);
    });

    // `loader`: a skeleton of the fields where the frame loads, until it shows them. It
    // lies over the iframe, which already has the fields' usual height: nothing moves.
    let skeleton = move || {
        !host.ready.get()
            && context.options.with(|o| o.loader) != crate::model::types::Loader::Never
    };
    move || match src.get() {
        Some(src) => view! {
            <div class="pe-card-frame-slot">
                <iframe
                    node_ref=iframe
                    class="pe-card-frame"
                    class=("pe-card-frame--cvc", fields == FrameFields::Cvc)
                    src=src
                    title=move || i18n.t(Key::CardFrameTitle)
                    allow="payment"
                ></iframe>
                <Show when=skeleton>
                    <div class="pe-skeleton" data-fields=fields.as_str() aria-hidden="true">
                        <span class="pe-skeleton-label"></span>
                        <span class="pe-skeleton-input"></span>
                        {(fields == FrameFields::Card)
                            .then(|| {
                                view! {
                                    <span class="pe-skeleton-pair">
                                        <span class="pe-skeleton-label"></span>
                                        <span class="pe-skeleton-label"></span>
                                    </span>
                                    <span class="pe-skeleton-pair">
                                        <span class="pe-skeleton-input"></span>
                                        <span class="pe-skeleton-input"></span>
                                    </span>
                                }
                            })}
                    </div>
                </Show>
            </div>
        }
        .into_any(),
        None => {
            web_sys::console::error_1(
                &"payment-element: card fields in a frame need the payments origin and its \
                  publishable key (Checkout({paymentsOrigin, publishableKey}), or \
                  options.payments); no card can be taken"
                    .into(),
            );
            view! { <p class="pe-error Error" role="alert">{move || i18n.t(Key::CodeInvalidApiKey)}</p> }
                .into_any()
        }
    }
}

/// The `<form>` around `element`, also from inside a shadow root (the
/// `<payment-element>` tag's form is around its host).
pub fn enclosing_form(element: &web_sys::Element) -> Option<web_sys::HtmlFormElement> {
    let mut at = element.clone();
    loop {
        if let Some(form) = at.closest("form").ok().flatten() {
            return form.dyn_into().ok();
        }
        let root = at.get_root_node();
        at = root.dyn_into::<web_sys::ShadowRoot>().ok()?.host();
    }
}
