//! What the browser tests share: mount an element into a fresh container and act on it
//! the way a customer would (type, paste, leave a field, press keys).
#![allow(dead_code)]

use leptos::prelude::*;
use payment_element::components::state::PaymentElementHandle;
use payment_element::model::events::{ChangeEvent, SavedPaymentMethodRemoveEvent};
use payment_element::model::options::{PaymentElementOptions, RawOptions};
use payment_element::net::customer_api::CustomerApi;
use payment_element::PaymentElement;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

/// A mounted element and what the tests observe of it.
pub struct Mounted {
    pub container: HtmlElement,
    pub options: RwSignal<PaymentElementOptions>,
    pub handle: RwSignal<Option<PaymentElementHandle>>,
    pub changes: RwSignal<Vec<ChangeEvent>>,
    pub focus_events: RwSignal<Vec<&'static str>>,
    pub removed: RwSignal<Vec<SavedPaymentMethodRemoveEvent>>,
}

/// Options from the JSON a merchant writes; card fields inline unless the JSON says
/// otherwise (the card frame needs the payments origin, which the test page has not).
pub fn options(json: &str) -> PaymentElementOptions {
    let raw: RawOptions = serde_json::from_str(json).expect("test options parse");
    let mut options = raw.validate().expect("test options are valid");
    if !json.contains("cardFields") {
        options.card_fields = payment_element::model::types::CardFields::Inline;
    }
    options
}

/// The widget's stylesheet, as trunk links it into the demo page.
const WIDGET_CSS: &str = include_str!("../../style/payment_element.css");

/// Gives the test page the widget's stylesheets (once), so computed styles are real.
fn load_widget_css() {
    thread_local!(static LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if LOADED.with(|l| l.replace(true)) {
        return;
    }
    let sheet = web_sys::CssStyleSheet::new().unwrap();
    sheet.replace_sync(WIDGET_CSS).unwrap();
    let adopted = document().adopted_style_sheets();
    adopted.push(&sheet);
    document().set_adopted_style_sheets(&adopted);
}

/// Mounts an element with `options` into a container attached to the document (focus
/// needs it).
pub fn mount(options: PaymentElementOptions) -> Mounted {
    mount_with_api(options, None)
}

/// Mounts an element whose customer-session calls go to `api` (a fake) when given.
pub fn mount_with_api(
    options: PaymentElementOptions,
    api: Option<std::rc::Rc<dyn CustomerApi>>,
) -> Mounted {
    load_widget_css();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let options = RwSignal::new(options);
    let handle = RwSignal::new(None);
    let changes = RwSignal::new(Vec::new());
    let focus_events = RwSignal::new(Vec::new());
    let removed = RwSignal::new(Vec::new());
    leptos::mount::mount_to(container.clone(), move || {
        // The element's own default, unless a test brings a fake.
        let customer_api = api
            .clone()
            .unwrap_or_else(|| payment_element::net::customer_api::HttpCustomerApi::shared("/api"));
        view! {
            <PaymentElement
                customer_api=customer_api
                on_saved_payment_method_remove=Callback::new(move |e| {
                    removed.update(|r| r.push(e))
                })
                options=options
                on_ready=Callback::new(move |h| handle.set(Some(h)))
                on_change=Callback::new(move |e| changes.update(|c| c.push(e)))
                on_focus=Callback::new(move |()| focus_events.update(|f| f.push("focus")))
                on_blur=Callback::new(move |()| focus_events.update(|f| f.push("blur")))
            />
        }
    })
    .forget();
    Mounted {
        container,
        options,
        handle,
        changes,
        focus_events,
        removed,
    }
}

/// Mounts with options from JSON.
pub fn mount_json(json: &str) -> Mounted {
    mount(options(json))
}

impl Mounted {
    pub fn find(&self, selector: &str) -> Option<HtmlElement> {
        self.container
            .query_selector(selector)
            .unwrap()
            .map(JsCast::unchecked_into)
    }

    pub fn all(&self, selector: &str) -> Vec<HtmlElement> {
        let list = self.container.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(JsCast::unchecked_into)
            .collect()
    }

    /// The input of a field by its `data-field` name.
    pub fn field(&self, name: &str) -> HtmlInputElement {
        self.find(&format!("[data-field=\"{name}\"]"))
            .unwrap_or_else(|| panic!("no field {name}"))
            .unchecked_into()
    }

    pub fn has_field(&self, name: &str) -> bool {
        self.find(&format!("[data-field=\"{name}\"]")).is_some()
    }

    /// The text of the element the field's `aria-describedby` points at.
    pub fn error_of(&self, name: &str) -> String {
        let field = self.field(name);
        let id = field
            .get_attribute("aria-describedby")
            .expect("describedby");
        document()
            .get_element_by_id(&id)
            .expect("error element")
            .text_content()
            .unwrap_or_default()
    }

    /// The label text of a field.
    pub fn label_of(&self, name: &str) -> String {
        let field = self.field(name);
        self.find(&format!("label[for=\"{}\"]", field.id()))
            .expect("label")
            .text_content()
            .unwrap_or_default()
    }

    /// The icons (`data-icon`) shown inside the first element matching `selector`.
    pub fn icons(&self, selector: &str) -> Vec<String> {
        self.all(&format!("{selector} .pe-icon"))
            .iter()
            .filter_map(|icon| icon.get_attribute("data-icon"))
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.find(selector)
            .map(|e| e.text_content().unwrap_or_default())
            .unwrap_or_default()
    }

    pub fn root(&self) -> HtmlElement {
        self.find(".pe-root").expect("root")
    }

    pub fn handle(&self) -> PaymentElementHandle {
        self.handle.get_untracked().expect("ready fired")
    }
}

/// Sends an `input` event as a keystroke would.
pub fn input_event(field: &HtmlInputElement) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    field
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// Types `text` at the end of the field, one character at a time.
pub fn type_text(field: &HtmlInputElement, text: &str) {
    for c in text.chars() {
        field.set_value(&(field.value() + &c.to_string()));
        let end = field.value().encode_utf16().count() as u32;
        // Email inputs have no selection API; the caret is at the end anyway.
        let _ = field.set_selection_range(end, end);
        input_event(field);
    }
}

/// Pastes `text` at the end of the field in one input event.
pub fn paste(field: &HtmlInputElement, text: &str) {
    field.set_value(&(field.value() + text));
    let end = field.value().encode_utf16().count() as u32;
    field.set_selection_range(end, end).unwrap();
    input_event(field);
}

/// Deletes the character before the caret, as Backspace does.
pub fn backspace(field: &HtmlInputElement) {
    let value: Vec<u16> = field.value().encode_utf16().collect();
    let caret = field
        .selection_start()
        .unwrap()
        .unwrap_or(value.len() as u32) as usize;
    if caret == 0 {
        return;
    }
    let mut next = value[..caret - 1].to_vec();
    next.extend_from_slice(&value[caret..]);
    field.set_value(&String::from_utf16(&next).unwrap());
    field
        .set_selection_range(caret as u32 - 1, caret as u32 - 1)
        .unwrap();
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    init.set_input_type("deleteContentBackward");
    field
        .dispatch_event(&web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// Deletes the character after the caret, as the Delete key does.
pub fn delete_forward(field: &HtmlInputElement) {
    let value: Vec<u16> = field.value().encode_utf16().collect();
    let caret = field
        .selection_start()
        .unwrap()
        .unwrap_or(value.len() as u32) as usize;
    if caret >= value.len() {
        return;
    }
    let mut next = value[..caret].to_vec();
    next.extend_from_slice(&value[caret + 1..]);
    field.set_value(&String::from_utf16(&next).unwrap());
    field
        .set_selection_range(caret as u32, caret as u32)
        .unwrap();
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    init.set_input_type("deleteContentForward");
    field
        .dispatch_event(&web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// The customer leaves the field.
pub fn blur(field: &HtmlElement) {
    field
        .dispatch_event(&web_sys::FocusEvent::new("blur").unwrap())
        .unwrap();
}

/// Presses `key` on `target` (the event bubbles like a real one).
pub fn press(target: &HtmlElement, key: &str) {
    target.dispatch_event(&keydown(key)).unwrap();
}

/// A bubbling, cancelable `keydown` of `key`.
pub fn keydown(key: &str) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
}

/// The focused element, if any.
pub fn focused() -> Option<web_sys::Element> {
    document().active_element()
}

/// Lets effects and re-renders run.
/// Waits past the timers queued now (what runs "after this task", as focus moves do).
pub async fn after_timers() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Lets the element finish reacting: its effects, and the checks it defers by a task
/// (where focus went after a focus change).
pub async fn settle() {
    leptos::task::tick().await;
    payment_element::net::client::sleep_ms(0).await;
    leptos::task::tick().await;
    leptos::task::tick().await;
}
