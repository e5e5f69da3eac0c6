//! 3-D Secure on the checkout page: the challenge page in an `<iframe>` inside a modal
//! `<dialog>` over the checkout. `showModal` moves focus into it and keeps it there (the
//! page behind is inert); Escape or Close cancels. The outcome is read from the intent
//! by polling, never taken from a message: the challenge page's messages (origin and
//! window checked) only say that it loaded, that the customer answered (so the element
//! asks at once), or that Escape was pressed inside it (which the dialog cannot see). A challenge page that never says it loaded (a bank page that
//! refuses to be framed) ends the dialog as blocked, and the caller redirects instead.
//!
//! Built with DOM calls, not a Leptos view: it lives outside the element's root, which
//! is inert while the payment is out.

use crate::model::ids;
use crate::net::client::{sleep_ms, LocalFuture};
use payment_core::api::{PaymentIntent, PaymentIntentStatus};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How long the challenge page has to say it loaded before the dialog gives up on it.
const READY_TIMEOUT_MS: f64 = 12_000.0;
/// How often the intent is read while the dialog is open.
const POLL_MS: f64 = 2_000.0;

/// The messages of the challenge page (`/test-mode/authenticate/…?embedded=1`).
const CHALLENGE_READY: &str = "pe:challenge-ready";
const CHALLENGE_DONE: &str = "pe:challenge-done";
/// Escape pressed inside the challenge page (which the dialog around it cannot see).
const CHALLENGE_CANCEL: &str = "pe:challenge-cancel";

/// How a challenge in the dialog ended.
#[derive(Debug)]
pub enum ChallengeEnd {
    /// The intent left `requires_action`: paid, processing or failed.
    Settled(Box<PaymentIntent>),
    /// The customer closed the dialog (Escape or Close): the intent waits as it was.
    Canceled,
    /// The page never said it loaded: it may refuse to be framed.
    Blocked,
}

/// What the dialog says, in the customer's language.
pub struct ChallengeTexts {
    /// The dialog's heading.
    pub title: String,
    /// The frame's accessible name.
    pub frame: String,
    /// The close button's label.
    pub close: String,
}

#[derive(Default)]
struct Flags {
    closed: Cell<bool>,
    ready: Cell<bool>,
    answered: Cell<bool>,
}

/// The origin of an absolute `http(s)` URL.
fn origin_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..url.len() - rest.len() + host_end])
}

fn message_type(data: &JsValue) -> Option<String> {
    js_sys::Reflect::get(data, &"type".into())
        .ok()
        .and_then(|t| t.as_string())
}

/// Opens `url` (absolute, `embedded=1` already added) in a modal dialog next to
/// `anchor`, reads the intent with `read` until it settles, and closes the dialog.
pub async fn challenge_in_dialog(
    anchor: &web_sys::Element,
    url: &str,
    texts: &ChallengeTexts,
    read: impl Fn() -> LocalFuture<Option<PaymentIntent>>,
) -> ChallengeEnd {
    let Some(dialog) = build(anchor, url, texts) else {
        return ChallengeEnd::Blocked;
    };
    let flags = Rc::new(Flags::default());
    let frame_origin = origin_of(url).unwrap_or_default().to_owned();
    let iframe: Option<web_sys::HtmlIFrameElement> = dialog
        .query_selector("iframe")
        .ok()
        .flatten()
        .and_then(|f| f.dyn_into().ok());
    let previous_focus = anchor
        .owner_document()
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());

    let on_close = {
        let flags = Rc::clone(&flags);
        Closure::<dyn FnMut()>::new(move || flags.closed.set(true))
    };
    let _ = dialog.add_event_listener_with_callback("close", on_close.as_ref().unchecked_ref());
    let on_click = {
        let dialog = dialog.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let on_close_button = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.closest(".pe-challenge-close").ok().flatten().is_some());
            if on_close_button {
                dialog.close();
            }
        })
    };
    let _ = dialog.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    let on_focus = {
        let dialog = dialog.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let wrap_to = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.get_attribute("data-wrap-to"));
            let selector = match wrap_to.as_deref() {
                Some("frame") => "iframe",
                Some(_) => ".pe-challenge-close",
                None => return,
            };
            if let Some(target) = dialog
                .query_selector(selector)
                .ok()
                .flatten()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = target.focus();
            }
        })
    };
    let _ = dialog.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref());
    let on_message = {
        let flags = Rc::clone(&flags);
        let iframe = iframe.clone();
        let dialog = dialog.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let from_frame = iframe
                .as_ref()
                .and_then(web_sys::HtmlIFrameElement::content_window)
                .zip(ev.source())
                .is_some_and(|(window, source)| js_sys::Object::is(&source, window.as_ref()));
            if !from_frame || ev.origin() != frame_origin {
                return;
            }
            match message_type(&ev.data()).as_deref() {
                Some(CHALLENGE_READY) => flags.ready.set(true),
                Some(CHALLENGE_DONE) => {
                    flags.ready.set(true);
                    flags.answered.set(true);
                }
                Some(CHALLENGE_CANCEL) => dialog.close(),
                _ => {}
            }
        })
    };
    let window = web_sys::window();
    if let Some(window) = &window {
        let _ =
            window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    }
    // showModal: the page behind becomes inert, focus moves into the dialog (its Close
    // button, where Escape closes it; Tab goes on into the challenge page).
    let _ = dialog.show_modal();

    let started = js_sys::Date::now();
    let mut next_read = started + POLL_MS;
    let end = loop {
        if flags.closed.get() {
            break ChallengeEnd::Canceled;
        }
        let now = js_sys::Date::now();
        if !flags.ready.get() && now - started > READY_TIMEOUT_MS {
            break ChallengeEnd::Blocked;
        }
        if flags.answered.replace(false) || now >= next_read {
            if let Some(intent) = read().await {
                if intent.status != PaymentIntentStatus::RequiresAction {
                    break ChallengeEnd::Settled(Box::new(intent));
                }
            }
            next_read = js_sys::Date::now() + POLL_MS;
            continue;
        }
        sleep_ms(150).await;
    };

    if let Some(window) = &window {
        let _ = window
            .remove_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    }
    let _ = dialog.remove_event_listener_with_callback("close", on_close.as_ref().unchecked_ref());
    let _ = dialog.remove_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    if dialog.open() {
        dialog.close();
    }
    dialog.remove();
    if let Some(previous) = previous_focus {
        let _ = previous.focus();
    }
    end
}

/// The dialog, appended beside `anchor` (outside the element's inert root, inside its
/// shadow root if it has one).
fn build(
    anchor: &web_sys::Element,
    url: &str,
    texts: &ChallengeTexts,
) -> Option<web_sys::HtmlDialogElement> {
    let document = anchor.owner_document()?;
    let element = |tag: &str, class: &str| -> Option<web_sys::Element> {
        let el = document.create_element(tag).ok()?;
        el.set_class_name(class);
        Some(el)
    };
    let dialog: web_sys::HtmlDialogElement = element("dialog", "pe-challenge")?.dyn_into().ok()?;
    let title_id = ids::fresh("pe-challenge-title");
    let _ = dialog.set_attribute("aria-labelledby", &title_id);
    let head = element("div", "pe-challenge-head")?;
    let title = element("h2", "pe-challenge-title")?;
    title.set_id(&title_id);
    title.set_text_content(Some(&texts.title));
    let close = element("button", "pe-challenge-close")?;
    let _ = close.set_attribute("type", "button");
    close.set_text_content(Some(&texts.close));
    let frame = element("iframe", "pe-challenge-frame")?;
    let _ = frame.set_attribute("title", &texts.frame);
    let _ = frame.set_attribute("src", url);
    let _ = head.append_child(&title);
    let _ = head.append_child(&close);
    // Tab from the challenge page's last control would leave the document (a modal
    // dialog only makes the page behind inert): these two catch it and send focus
    // round to the other end, so it stays in the dialog.
    let first = element("span", "pe-challenge-wrap")?;
    let last = element("span", "pe-challenge-wrap")?;
    for sentinel in [&first, &last] {
        let _ = sentinel.set_attribute("tabindex", "0");
        let _ = sentinel.set_attribute("aria-hidden", "true");
    }
    let _ = first.set_attribute("data-wrap-to", "frame");
    let _ = last.set_attribute("data-wrap-to", "close");
    let _ = dialog.append_child(&first);
    let _ = dialog.append_child(&head);
    let _ = dialog.append_child(&frame);
    let _ = dialog.append_child(&last);
    let host = anchor.parent_node()?;
    host.append_child(&dialog).ok()?;
    Some(dialog)
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/test-mode/authenticate/pi_1?embedded=1"),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("https://acs.bank.example?x=1"),
            Some("https://acs.bank.example")
        );
        assert_eq!(origin_of("/test-mode/authenticate/pi_1"), None);
    }
}
