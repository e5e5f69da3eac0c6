//! The element's side of its card frame: the frame's state as the frame reports it
//! (never a card value), the channel's port, and the tokenize requests waiting for
//! their answer. Owned by the element's root, so the state outlives a re-render of the
//! card form; the port is replaced when a frame (re)connects.

use crate::frame::protocol::{FromFrame, ToFrame};
use crate::model::confirm::CallError;
use crate::model::form::{Field, FrameSummary};
use crate::net::client::LocalFuture;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// How long a tokenize request may wait for the frame's answer (the frame's own call
/// to the vault times out after 30 s).
const TOKENIZE_TIMEOUT_MS: i32 = 35_000;

/// What the element assumes of a frame that has not reported yet: nothing typed, and
/// the number is what a submit asks for first.
const NOT_CONNECTED: FrameSummary = FrameSummary {
    complete: false,
    empty: true,
    invalid: Some(Field::CardNumber),
    revision: 0,
};

/// The channel to a connected frame.
#[derive(Clone)]
struct Link {
    port: web_sys::MessagePort,
    /// Tokenize requests by id, with the function that settles each.
    pending: Rc<RefCell<Vec<(u32, js_sys::Function)>>>,
}

/// One card frame of an element, as the element sees it.
#[derive(Clone, Copy)]
pub struct FrameHost {
    /// The frame's number within the page (for [`crate::model::vaulted::Held::Frame`]).
    pub number: u32,
    /// What the frame last said of its fields.
    pub summary: RwSignal<FrameSummary>,
    /// The first error the frame shows, in the element's language.
    pub error: RwSignal<Option<String>>,
    /// The number's brand as far as it tells.
    pub brand: RwSignal<String>,
    /// Focus is inside the frame.
    pub focused: RwSignal<bool>,
    /// The frame has the options and shows its fields.
    pub ready: RwSignal<bool>,
    link: StoredValue<Option<Link>, LocalStorage>,
    iframe: StoredValue<Option<web_sys::HtmlIFrameElement>, LocalStorage>,
    next_id: StoredValue<Rc<Cell<u32>>, LocalStorage>,
}

thread_local! {
    static FRAMES: Cell<u32> = const { Cell::new(0) };
}

impl FrameHost {
    /// A frame not connected yet.
    pub fn new() -> FrameHost {
        let number = FRAMES.with(|n| {
            n.set(n.get().wrapping_add(1));
            n.get()
        });
        FrameHost {
            number,
            summary: RwSignal::new(NOT_CONNECTED),
            error: RwSignal::new(None),
            brand: RwSignal::new("unknown".to_owned()),
            focused: RwSignal::new(false),
            ready: RwSignal::new(false),
            link: StoredValue::new_local(None),
            iframe: StoredValue::new_local(None),
            next_id: StoredValue::new_local(Rc::new(Cell::new(0))),
        }
    }

    /// Whether a frame is connected.
    pub fn connected(&self) -> bool {
        self.link.with_value(Option::is_some)
    }

    /// Takes a newly connected frame's port (a reload of the frame connects again: its
    /// fields start empty, and so does what the element knows of them).
    pub(crate) fn attach(&self, iframe: web_sys::HtmlIFrameElement, port: web_sys::MessagePort) {
        self.detach();
        self.summary.set(NOT_CONNECTED);
        self.error.set(None);
        self.link.set_value(Some(Link {
            port,
            pending: Rc::new(RefCell::new(Vec::new())),
        }));
        self.iframe.set_value(Some(iframe));
    }

    /// Closes the channel; requests still waiting are answered "no answer".
    pub(crate) fn detach(&self) {
        if let Some(link) = self.link.try_update_value(Option::take).flatten() {
            link.port.close();
            for (_, settle) in link.pending.borrow_mut().drain(..) {
                let _ = settle.call1(&JsValue::NULL, &JsValue::NULL);
            }
        }
        self.ready.set(false);
    }

    /// Sends a message to the frame (nothing when none is connected).
    pub fn send(&self, message: &ToFrame) {
        self.post(&message.encode());
    }

    /// Sends an encoded message.
    pub(crate) fn post(&self, message: &JsValue) {
        self.link.with_value(|link| {
            if let Some(link) = link {
                let _ = link.port.post_message(message);
            }
        });
    }

    /// Takes in a message of the frame: what it says of its fields, and answers to
    /// tokenize requests. Other messages are the caller's (focus, height, submit).
    pub(crate) fn receive(&self, message: &FromFrame, raw: &JsValue) {
        match message {
            FromFrame::Ready => self.ready.set(true),
            FromFrame::Change {
                summary,
                error,
                brand,
            } => {
                self.summary.set(*summary);
                self.error.set(error.clone());
                self.brand.set(brand.clone());
            }
            FromFrame::Focus => self.focused.set(true),
            FromFrame::Blur => self.focused.set(false),
            FromFrame::Tokenized { id, .. } | FromFrame::Failed { id, .. } => {
                self.settle(*id, raw);
            }
            FromFrame::Height(_) | FromFrame::Submit | FromFrame::Escape | FromFrame::Advance => {}
        }
    }

    fn settle(&self, id: u32, answer: &JsValue) {
        let settle = self.link.with_value(|link| {
            let link = link.as_ref()?;
            let mut pending = link.pending.borrow_mut();
            let at = pending.iter().position(|(waiting, _)| *waiting == id)?;
            Some(pending.remove(at).1)
        });
        if let Some(settle) = settle {
            let _ = settle.call1(&JsValue::NULL, answer);
        }
    }

    /// Moves focus into the frame, to `field`.
    pub fn focus(&self, field: Field) {
        if let Some(iframe) = self.iframe.get_value() {
            let _ = iframe.focus();
        }
        self.send(&ToFrame::Focus(field));
    }

    /// Asks the frame to send its card to the vault: the token, or why there is none
    /// (the vault's refusal, or `Network` when the frame did not answer).
    pub fn tokenize(&self) -> LocalFuture<Result<String, CallError>> {
        let host = *self;
        Box::pin(async move {
            let Some(pending) = host
                .link
                .with_value(|l| l.as_ref().map(|l| l.pending.clone()))
            else {
                return Err(CallError::Network);
            };
            let id = host.next_id.with_value(|n| {
                n.set(n.get().wrapping_add(1));
                n.get()
            });
            let answer = js_sys::Promise::new(&mut |resolve, _reject| {
                pending.borrow_mut().push((id, resolve.clone()));
                // A frame that never answers (it crashed, or reloaded) must not leave
                // the Pay button spinning.
                let _ = web_sys::window().map(|w| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_1(
                        &resolve,
                        TOKENIZE_TIMEOUT_MS,
                        &JsValue::NULL,
                    )
                });
            });
            host.send(&ToFrame::Tokenize { id });
            let answer = wasm_bindgen_futures::JsFuture::from(answer)
                .await
                .unwrap_or(JsValue::NULL);
            // Forget the request, whichever way it ended.
            pending.borrow_mut().retain(|(waiting, _)| *waiting != id);
            match FromFrame::decode(&answer) {
                Some(FromFrame::Tokenized { token, .. }) => Ok(token),
                Some(FromFrame::Failed {
                    error: Some(error), ..
                }) => Err(CallError::api(error)),
                _ => Err(CallError::Network),
            }
        })
    }

    /// The iframe element, once mounted.
    pub fn iframe(&self) -> Option<web_sys::HtmlIFrameElement> {
        self.iframe.get_value()
    }

    /// Remembers the iframe element before it connects.
    pub(crate) fn set_iframe(&self, iframe: &web_sys::HtmlIFrameElement) {
        self.iframe.set_value(Some(iframe.clone()));
    }

    /// Whether `source` (a message's `source`) is this host's frame window.
    pub(crate) fn is_frame_window(&self, source: &JsValue) -> bool {
        self.iframe.with_value(|iframe| {
            iframe
                .as_ref()
                .and_then(web_sys::HtmlIFrameElement::content_window)
                .is_some_and(|window| js_sys::Object::is(source, window.unchecked_ref()))
        })
    }
}

impl Default for FrameHost {
    fn default() -> Self {
        FrameHost::new()
    }
}
