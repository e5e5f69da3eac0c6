//! `checkout.elements(options)` and `elements.create("payment", options)`: a group of
//! options (Stripe's Elements) and the Payment Element mounted from it, with its event
//! listeners. Several groups may live on one page; each element unmounts cleanly (its
//! reactive owner, listeners and timers go with it) and can be mounted again.

use super::objects::{self, set};
use super::{absent, expect_object, read, type_error};
use crate::components::state::PaymentElementHandle;
use crate::components::PaymentElement;
use crate::model::confirm::{IntentRef, Submitter};
use crate::model::events::{ChangeEvent, SavedPaymentMethodRemoveEvent};
use crate::model::locale::{Catalogue, Key};
use crate::model::options::{PaymentElementOptions, PaymentsOrigin};
use crate::net::client::{Api, Payment, Placement};
use crate::net::customer_api::HttpCustomerApi;
use js_sys::{Function, Object, Promise};
use leptos::prelude::*;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The events `paymentElement.on` accepts.
pub const EVENTS: [&str; 8] = [
    "change",
    "ready",
    "focus",
    "blur",
    "savedpaymentmethodremove",
    "loaderstart",
    "loaderror",
    "escape",
];

/// Stripe's element types this widget does not offer: `create` gives an element that
/// renders nothing (and says so once in the console), so a page written for Stripe.js
/// keeps running instead of stopping at a thrown error.
const NOT_OFFERED: [&str; 4] = [
    "linkAuthentication",
    "expressCheckout",
    "address",
    "paymentMethodMessaging",
];

thread_local! {
    static GROUPS: RefCell<Registry<Rc<Group>>> = const { RefCell::new(Registry::new()) };
    static LISTENERS: RefCell<Registry<Vec<(String, Function)>>> =
        const { RefCell::new(Registry::new()) };
    // What keeps a mounted element alive. Not the JS object: a page may drop its last
    // reference to `paymentElement` once mounted (the garbage collector then frees the
    // wasm-bindgen object), and the element must stay on the page, as Stripe's does.
    static MOUNTS: RefCell<Registry<Box<dyn Any>>> = const { RefCell::new(Registry::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Values by id. A page has a handful, so a list beats a hash map (and its code size).
struct Registry<T>(Vec<(u32, T)>);

impl<T> Registry<T> {
    const fn new() -> Self {
        Registry(Vec::new())
    }

    fn get(&self, id: &u32) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| v)
    }

    fn get_mut(&mut self, id: &u32) -> Option<&mut T> {
        self.0.iter_mut().find(|(k, _)| k == id).map(|(_, v)| v)
    }

    fn contains_key(&self, id: &u32) -> bool {
        self.get(id).is_some()
    }

    fn insert(&mut self, id: u32, value: T) {
        self.remove(&id);
        self.0.push((id, value));
    }

    fn remove(&mut self, id: &u32) -> Option<T> {
        let at = self.0.iter().position(|(k, _)| k == id)?;
        Some(self.0.swap_remove(at).1)
    }
}

fn fresh_id() -> u32 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// The `pageshow` listener of a group.
type PageShowListener = Closure<dyn FnMut(web_sys::PageTransitionEvent)>;

/// One `elements` group: its options and, once created and mounted, its element.
pub struct Group {
    pub(crate) api_base: String,
    /// Where cards go (from `Checkout`), put into every options the group checks.
    payments: Option<PaymentsOrigin>,
    /// The `elements()` options as given, with every `update()` merged in.
    raw: RefCell<Object>,
    /// The `create("payment", …)` options.
    element_raw: RefCell<Object>,
    options: ArcRwSignal<PaymentElementOptions>,
    /// The mounted element's handle (set on `ready`, cleared on unmount).
    pub(crate) handle: Cell<Option<PaymentElementHandle>>,
    /// The created element's id, if any.
    element: Cell<Option<u32>>,
    /// The confirm guard: one attempt at a time, one idempotency key per attempt.
    pub(crate) submitter: RefCell<Submitter<Payment>>,
    /// The order the last `confirm` paid (`order`, `market`).
    pub(crate) placement: RefCell<Placement>,
    /// Reopens the guard and the element when the page comes back from a redirect
    /// through the back/forward cache; removed when the group goes.
    pageshow: RefCell<Option<PageShowListener>>,
    /// The merchant API (reads the page's intent).
    api: Api,
    /// The page's own intent (`elements({clientSecret})`): what the element shows is
    /// read from it, and every confirm pays it.
    pub(crate) intent: Option<IntentRef>,
    /// Why the intent could not be read, for the element's `loaderror`.
    load_error: RefCell<Option<Object>>,
    /// Whether the page's intent has been read once (or could not be): until then a
    /// mounted element shows the mount point's placeholder, not a form whose methods
    /// and card frame the intent would replace under the customer's fingers.
    intent_read: Cell<bool>,
    /// Mounts waiting for the intent to be read.
    waiting_mounts: RefCell<Vec<Box<dyn FnOnce()>>>,
}

impl Group {
    /// The group registered under `id`.
    pub fn find(id: u32) -> Option<Rc<Group>> {
        GROUPS.with(|g| g.borrow().get(&id).cloned())
    }

    /// The group's `mode`, `None` when not given.
    pub fn mode(&self) -> Option<crate::model::types::Mode> {
        self.options.with_untracked(|o| o.mode)
    }

    /// Reads the page's intent and shows the element for it: its amount and currency
    /// (`mode: "payment"`). A failure is the element's `loaderror`, `{error}` here.
    pub(crate) async fn load_intent(group: Rc<Group>) -> Result<(), Object> {
        let result = Group::read_intent(group.clone()).await;
        // Read or not, the waiting elements mount now: with the intent's options, or,
        // when it could not be read, with the page's (and `loaderror` says why).
        group.intent_read.set(true);
        let waiting = std::mem::take(&mut *group.waiting_mounts.borrow_mut());
        for mount in waiting {
            mount();
        }
        result
    }

    async fn read_intent(group: Rc<Group>) -> Result<(), Object> {
        let Some(intent) = group.intent.clone() else {
            return Ok(());
        };
        let answer = group
            .api
            .0
            .payment_intent(intent.id.clone(), intent.client_secret.clone())
            .await;
        let failed = |group: &Group, error: Object| {
            group.load_error.replace(Some(error.clone()));
            if let Some(element) = group.element.get() {
                emit(element, "loaderror", &load_error_event(&error));
            }
            Err(error)
        };
        let read = match answer {
            Ok(read) => read,
            Err(error) => {
                let error = super::checkout::call_error(&error, &group.catalogue());
                return failed(&group, error);
            }
        };
        let raw = Object::assign(&Object::new(), &group.raw.borrow());
        if payment_core::api::is_setup_intent(&read.id) {
            // Saves a method and charges nothing: no amount, and no currency to pick
            // methods by (a card or a SEPA mandate can be set up).
            set(&raw, "mode", "setup");
            let _ = js_sys::Reflect::delete_property(&raw, &"amount".into());
            let _ = js_sys::Reflect::delete_property(&raw, &"currency".into());
        } else {
            set(&raw, "mode", "payment");
            set(&raw, "amount", read.amount.get() as f64);
            set(&raw, "currency", read.currency.code());
        }
        match checked(&raw, &group.element_raw.borrow(), &group.payments) {
            Ok(options) => {
                *group.raw.borrow_mut() = raw;
                group.load_error.replace(None);
                group.options.set(options);
                Ok(())
            }
            Err(thrown) => {
                let message = thrown
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_default();
                failed(
                    &group,
                    objects::local_error("invalid_request_error", "intent_not_shown", &message),
                )
            }
        }
    }

    /// The mounted element's catalogue (its locale and overrides), else the one the
    /// group's options give (before mounting).
    pub fn catalogue(&self) -> Catalogue {
        self.handle
            .get()
            .and_then(|h| h.context.i18n.0.try_get_untracked())
            .unwrap_or_else(|| {
                self.options.with_untracked(|o| {
                    Catalogue::new(crate::components::resolve_locale(o.locale), &o.strings)
                })
            })
    }
}

/// Checks the merged options as `crate::model::options` does, naming the bad option;
/// the payments origin comes from `Checkout`.
fn checked(
    raw: &Object,
    element_raw: &Object,
    payments: &Option<PaymentsOrigin>,
) -> Result<PaymentElementOptions, JsValue> {
    let merged = Object::assign(&Object::assign(&Object::new(), raw), element_raw);
    read::options(&merged)
        .and_then(|raw| raw.validate())
        .map(|options| PaymentElementOptions {
            payments: payments.clone(),
            ..options
        })
        .map_err(|e| type_error(&e.0))
}

fn copy(options: &JsValue) -> Object {
    if absent(options) {
        Object::new()
    } else {
        Object::assign(&Object::new(), options.unchecked_ref())
    }
}

/// A group of elements sharing options (Stripe's `Elements`).
#[wasm_bindgen(js_name = Elements)]
pub struct JsElements {
    id: u32,
    group: Rc<Group>,
}

impl JsElements {
    /// A new group for `api_base` with the `elements()` options, checked. With
    /// `clientSecret` (Stripe's intent-first flow) the group is for that intent: its
    /// amount and currency are read from the merchant API, and confirms pay it.
    pub fn new(
        api_base: String,
        api: Api,
        payments: Option<PaymentsOrigin>,
        options: &JsValue,
    ) -> Result<JsElements, JsValue> {
        expect_object(options, "elements options", true)?;
        let raw = copy(options);
        let secret = js_sys::Reflect::get(&raw, &"clientSecret".into()).unwrap_or_default();
        let intent = if absent(&secret) {
            None
        } else {
            let (id, client_secret) =
                super::checkout::secret_arg(&secret, "elements", super::checkout::Takes::Either)?;
            let _ = js_sys::Reflect::delete_property(&raw, &"clientSecret".into());
            Some(IntentRef { id, client_secret })
        };
        let checked = checked(&raw, &Object::new(), &payments)?;
        link_fonts(&js_sys::Reflect::get(&raw, &"fonts".into()).unwrap_or_default());
        let group = Rc::new(Group {
            api_base,
            payments,
            raw: RefCell::new(raw),
            element_raw: RefCell::new(Object::new()),
            options: ArcRwSignal::new(checked),
            handle: Cell::new(None),
            element: Cell::new(None),
            submitter: RefCell::new(
                intent
                    .clone()
                    .map_or_else(Submitter::default, Submitter::for_intent),
            ),
            placement: RefCell::new(Placement::default()),
            pageshow: RefCell::new(None),
            api,
            intent,
            load_error: RefCell::new(None),
            intent_read: Cell::new(false),
            waiting_mounts: RefCell::new(Vec::new()),
        });
        let id = fresh_id();
        GROUPS.with(|g| g.borrow_mut().insert(id, group.clone()));
        let pageshow = PageShowListener::new(move |event: web_sys::PageTransitionEvent| {
            let Some(group) = Group::find(id).filter(|_| event.persisted()) else {
                return;
            };
            group.submitter.borrow_mut().restored();
            if !group.submitter.borrow().done() {
                if let Some(h) = group.handle.get() {
                    h.set_locked(false);
                }
            }
        });
        let _ = window()
            .add_event_listener_with_callback("pageshow", pageshow.as_ref().unchecked_ref());
        *group.pageshow.borrow_mut() = Some(pageshow);
        if group.intent.is_some() {
            let reading = group.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = Group::load_intent(reading).await;
            });
        }
        Ok(JsElements { id, group })
    }
}

/// Stripe's `fonts: [{cssSrc}]`: each stylesheet of the page's own origin is linked into
/// the page once (the strict CSP's `style-src 'self'` allows it), so
/// `appearance.variables.fontFamily` can name its font. Another origin's, or a font
/// given by `family` and `src`, is left out and named in the console. (The card frame
/// is the payments origin's page: it draws its fields in the font stack's fallback.)
fn link_fonts(fonts: &JsValue) {
    if absent(fonts) {
        return;
    }
    let page = window().location();
    let origin = page.origin().unwrap_or_default();
    let base = page.href().unwrap_or_default();
    let document = document();
    for font in js_sys::Array::from(fonts).iter() {
        let source = js_sys::Reflect::get(&font, &"cssSrc".into())
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| web_sys::Url::new_with_base(&s, &base).ok())
            .filter(|url| url.origin() == origin);
        let Some(source) = source else {
            web_sys::console::warn_1(
                &"payment-element: fonts: only {cssSrc} stylesheets of the page's own origin are loaded"
                    .into(),
            );
            continue;
        };
        let href = source.href();
        let selector = ["link[data-payment-element-font=\"", &href, "\"]"].concat();
        if document.query_selector(&selector).ok().flatten().is_some() {
            continue;
        }
        if let (Ok(link), Some(head)) = (document.create_element("link"), document.head()) {
            let _ = link.set_attribute("rel", "stylesheet");
            let _ = link.set_attribute("href", &href);
            let _ = link.set_attribute("data-payment-element-font", &href);
            let _ = head.append_child(&link);
        }
    }
}

/// The `loaderror` event: `{elementType, error}`, as Stripe.js gives it.
fn load_error_event(error: &Object) -> JsValue {
    let event = objects::element_event();
    set(&event, "error", error.clone());
    event.into()
}

#[wasm_bindgen(js_class = Elements)]
impl JsElements {
    /// Creates the Payment Element of this group (`type` must be `"payment"`).
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"payment\"")] kind: &str,
        #[wasm_bindgen(unchecked_param_type = "PaymentElementOptions")] options: JsValue,
    ) -> Result<JsPaymentElement, JsValue> {
        if NOT_OFFERED.contains(&kind) {
            web_sys::console::warn_1(
                &[
                    "payment-element: elements.create(\"",
                    kind,
                    "\"): this element type is not offered; it renders nothing",
                ]
                .concat()
                .into(),
            );
            let id = fresh_id();
            LISTENERS.with(|l| l.borrow_mut().insert(id, Vec::new()));
            return Ok(JsPaymentElement {
                id,
                group_id: self.id,
                group: self.group.clone(),
                destroyed: Cell::new(false),
                inert: true,
                owned: true,
            });
        }
        if kind != "payment" {
            return Err(type_error(
                "elements.create: the element type must be \"payment\"",
            ));
        }
        if self.group.element.get().is_some() {
            return Err(type_error(
                "elements.create: this group already has a payment element; destroy() it first",
            ));
        }
        expect_object(&options, "payment element options", true)?;
        let element_raw = copy(&options);
        let checked = checked(&self.group.raw.borrow(), &element_raw, &self.group.payments)?;
        *self.group.element_raw.borrow_mut() = element_raw;
        self.group.options.set(checked);
        let id = fresh_id();
        self.group.element.set(Some(id));
        LISTENERS.with(|l| l.borrow_mut().insert(id, Vec::new()));
        Ok(JsPaymentElement {
            id,
            group_id: self.id,
            group: self.group.clone(),
            destroyed: Cell::new(false),
            inert: false,
            owned: true,
        })
    }

    /// The group's Payment Element (`"payment"`), if one was created and not destroyed.
    #[wasm_bindgen(js_name = getElement)]
    pub fn get_element(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"payment\"")] kind: &str,
    ) -> Option<JsPaymentElement> {
        let id = self.group.element.get().filter(|_| kind == "payment")?;
        Some(JsPaymentElement {
            id,
            group_id: self.id,
            group: self.group.clone(),
            destroyed: Cell::new(false),
            inert: false,
            // Another handle on the same element: letting it go destroys nothing.
            owned: false,
        })
    }

    /// Reads the page's intent again (after the server changed its amount), and shows
    /// the element for it: `{}` or `{error}`. Without `clientSecret`, nothing to read.
    #[wasm_bindgen(
        js_name = fetchUpdates,
        unchecked_return_type = "Promise<{ error?: CheckoutError }>"
    )]
    pub fn fetch_updates(&self) -> Promise {
        let group = self.group.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(match Group::load_intent(group).await {
                Ok(()) => Object::new().into(),
                Err(error) => objects::with("error", error),
            })
        })
    }

    /// Changes options after creation (`amount`, `currency`, `locale`, `appearance`, …);
    /// throws a `TypeError` and keeps the old options when the new ones are invalid.
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElementsOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        expect_object(&options, "elements.update options", false)?;
        let raw = Object::assign(
            &Object::assign(&Object::new(), &self.group.raw.borrow()),
            options.unchecked_ref(),
        );
        let checked = checked(&raw, &self.group.element_raw.borrow(), &self.group.payments)?;
        *self.group.raw.borrow_mut() = raw;
        self.group.options.set(checked);
        Ok(())
    }

    /// Validates the details and shows every error: resolves to `{}` or `{error}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<{ error?: CheckoutError }>")]
    pub fn submit(&self) -> Promise {
        Promise::resolve(&submit(&self.group).map_or_else(
            |error| objects::with("error", error),
            |()| Object::new().into(),
        ))
    }

    /// The group's id, read by `checkout.confirm({elements})`.
    #[wasm_bindgen(getter = _groupId)]
    pub fn group_id(&self) -> u32 {
        self.id
    }
}

impl Drop for JsElements {
    fn drop(&mut self) {
        // `free()` from JS (or garbage collection): nothing can reach the group by id any
        // more, unless its element is still alive (its `ready` sets the group's handle).
        if self.group.element.get().is_none() {
            GROUPS.with(|g| g.borrow_mut().remove(&self.id));
            if let Some(pageshow) = self.group.pageshow.borrow_mut().take() {
                let _ = window().remove_event_listener_with_callback(
                    "pageshow",
                    pageshow.as_ref().unchecked_ref(),
                );
            }
        }
    }
}

/// `{error}` for a call that needs the element mounted (`element_not_mounted`).
pub fn not_mounted(group: &Group) -> Object {
    objects::local_error(
        "validation_error",
        "element_not_mounted",
        group.catalogue().get(Key::ElementNotReady),
    )
}

/// Validates the mounted element: `Err` is the `{type: "validation_error", …}` object.
pub fn submit(group: &Group) -> Result<(), Object> {
    let Some(handle) = group.handle.get() else {
        return Err(not_mounted(group));
    };
    let Some(field) = handle.validate_all() else {
        return Ok(());
    };
    let message = handle.error_message(field);
    let error = objects::local_error("validation_error", "incomplete", &message);
    set(&error, "field", field.as_str());
    Err(error)
}

/// The Payment Element (Stripe's `PaymentElement`).
#[wasm_bindgen(js_name = PaymentElement)]
pub struct JsPaymentElement {
    id: u32,
    group_id: u32,
    group: Rc<Group>,
    destroyed: Cell<bool>,
    /// An element type this widget does not offer: it renders nothing.
    inert: bool,
    /// The handle `create` gave (not `getElement`'s): dropping it unmounted destroys.
    owned: bool,
}

fn emit(element: u32, event: &str, payload: &JsValue) {
    let listeners: Vec<Function> = LISTENERS.with(|l| {
        l.borrow()
            .get(&element)
            .map(|all| {
                all.iter()
                    .filter(|(name, _)| name == event)
                    .map(|(_, f)| f.clone())
                    .collect()
            })
            .unwrap_or_default()
    });
    for listener in listeners {
        // A throwing handler must not stop the others nor the widget; the merchant sees it.
        if let Err(thrown) = listener.call1(&JsValue::NULL, payload) {
            web_sys::console::error_2(&"payment-element: an event handler threw".into(), &thrown);
        }
    }
}

fn host_of(target: &JsValue) -> Result<web_sys::HtmlElement, JsValue> {
    let element = if let Some(selector) = target.as_string() {
        document()
            .query_selector(&selector)
            .map_err(|_| {
                type_error(&["mount: \"", &selector, "\" is not a valid selector"].concat())
            })?
            .ok_or_else(|| {
                type_error(&["mount: no element matches \"", &selector, "\""].concat())
            })?
    } else {
        target
            .clone()
            .dyn_into::<web_sys::Element>()
            .map_err(|_| type_error("mount: the target must be a CSS selector or an Element"))?
    };
    element
        .dyn_into::<web_sys::HtmlElement>()
        .map_err(|_| type_error("mount: the target must be an HTML element"))
}

#[wasm_bindgen(js_class = PaymentElement)]
impl JsPaymentElement {
    /// Renders the element into `target` (a CSS selector or an Element).
    pub fn mount(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Element")] target: JsValue,
    ) -> Result<(), JsValue> {
        if self.destroyed.get() {
            return Err(js_sys::Error::new("mount: this payment element was destroyed").into());
        }
        if self.inert {
            return Ok(());
        }
        if MOUNTS.with(|m| m.borrow().contains_key(&self.id)) {
            return Err(js_sys::Error::new("mount: already mounted; call unmount() first").into());
        }
        let host = host_of(&target)?;
        let id = self.id;
        let group_id = self.group_id;
        let options = self.group.options.clone();
        let customer_api = HttpCustomerApi::shared(self.group.api_base.clone());
        let mount = move || {
            let handle = render(id, group_id, host, options, customer_api);
            MOUNTS.with(|m| m.borrow_mut().insert(id, Box::new(handle)));
        };
        if self.group.intent.is_some() && !self.group.intent_read.get() {
            // The page's intent is still being read: the mount point keeps its
            // placeholder, and the form appears once, for the intent. An `unmount` (or
            // another `mount`) before then replaces this waiting mount.
            let token = NEXT_PENDING.with(|n| {
                let token = n.get().wrapping_add(1);
                n.set(token);
                token
            });
            MOUNTS.with(|m| m.borrow_mut().insert(id, Box::new(Pending(token))));
            self.group
                .waiting_mounts
                .borrow_mut()
                .push(Box::new(move || {
                    let still_wanted = MOUNTS.with(|m| {
                        m.borrow()
                            .get(&id)
                            .and_then(|b| b.downcast_ref::<Pending>())
                            .is_some_and(|p| p.0 == token)
                    });
                    if still_wanted {
                        mount();
                    }
                }));
        } else {
            mount();
        }
        // After the page's own code has run (it adds its handlers right after `mount`):
        // the loader is shown, and an intent that could not be read says why.
        let load_error = self.group.load_error.borrow().clone();
        wasm_bindgen_futures::spawn_local(async move {
            emit(id, "loaderstart", &objects::element_event().into());
            if let Some(error) = load_error {
                emit(id, "loaderror", &load_error_event(&error));
            }
        });
        Ok(())
    }
}

/// A mount waiting for the page's intent (see [`Group::load_intent`]).
struct Pending(u64);

thread_local! {
    static NEXT_PENDING: Cell<u64> = const { Cell::new(0) };
}

/// Renders the Payment Element of element `id` (group `group_id`) into `host`.
fn render(
    id: u32,
    group_id: u32,
    host: web_sys::HtmlElement,
    options: ArcRwSignal<PaymentElementOptions>,
    customer_api: std::rc::Rc<dyn crate::net::customer_api::CustomerApi>,
) -> impl Any {
    {
        leptos::mount::mount_to(host, move || {
            let on_change = Callback::new(move |event: ChangeEvent| {
                emit(id, "change", &objects::change_event(&event).into());
            });
            let on_ready = Callback::new(move |handle: PaymentElementHandle| {
                if let Some(group) = Group::find(group_id) {
                    group.handle.set(Some(handle));
                }
                emit(id, "ready", &objects::element_event().into());
            });
            let on_focus =
                Callback::new(move |()| emit(id, "focus", &objects::element_event().into()));
            let on_blur =
                Callback::new(move |()| emit(id, "blur", &objects::element_event().into()));
            let on_escape =
                Callback::new(move |()| emit(id, "escape", &objects::element_event().into()));
            let on_remove = Callback::new(move |event: SavedPaymentMethodRemoveEvent| {
                let payload = objects::element_event();
                let method = Object::new();
                set(&method, "id", event.payment_method.id.as_str());
                set(&method, "type", event.payment_method.kind.as_str());
                set(&payload, "payment_method", method);
                emit(id, "savedpaymentmethodremove", &payload.into());
            });
            view! {
                <PaymentElement
                    options=Signal::from(options)
                    on_change
                    on_ready
                    on_focus
                    on_blur
                    on_escape
                    on_saved_payment_method_remove=on_remove
                    customer_api
                />
            }
        })
    }
}

#[wasm_bindgen(js_class = PaymentElement)]
impl JsPaymentElement {
    /// Changes the element's own options (`layout`, …) after creation; what the customer
    /// typed stays. Throws a `TypeError` and keeps the old options when the new ones are
    /// invalid.
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaymentElementOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        expect_object(&options, "paymentElement.update options", false)?;
        if self.inert {
            return Ok(());
        }
        let element_raw = Object::assign(
            &Object::assign(&Object::new(), &self.group.element_raw.borrow()),
            options.unchecked_ref(),
        );
        let checked = checked(&self.group.raw.borrow(), &element_raw, &self.group.payments)?;
        *self.group.element_raw.borrow_mut() = element_raw;
        self.group.options.set(checked);
        Ok(())
    }

    /// Removes the element from the page (its listeners and timers too); `mount` may be
    /// called again, and starts from empty fields.
    pub fn unmount(&self) {
        // Dropping the mount handle disposes the element's owner: every `on_cleanup` runs.
        let Some(mounted) = MOUNTS.with(|m| m.borrow_mut().remove(&self.id)) else {
            // Not mounted: the group's handle may be a newer element's.
            return;
        };
        self.group.handle.set(None);
        drop(mounted);
    }

    /// Empties what the customer typed (the chosen method stays).
    pub fn clear(&self) {
        if let Some(handle) = self.mounted_handle() {
            handle.clear();
        }
    }

    /// Closes the accordion's open method (Stripe's `collapse()`).
    pub fn collapse(&self) {
        if let Some(handle) = self.mounted_handle() {
            handle.collapse();
        }
    }

    /// Moves focus into the element (its first field).
    pub fn focus(&self) {
        if let Some(handle) = self.mounted_handle() {
            handle.focus_first();
        }
    }

    /// Takes focus out of the element.
    pub fn blur(&self) {
        if let Some(handle) = self.mounted_handle() {
            handle.blur();
        }
    }

    /// Unmounts for good and forgets the event handlers; the group may create a new element.
    pub fn destroy(&self) {
        self.unmount();
        self.destroyed.set(true);
        LISTENERS.with(|l| l.borrow_mut().remove(&self.id));
        if self.group.element.get() == Some(self.id) {
            self.group.element.set(None);
        }
    }

    /// Adds a handler for `"change"`, `"ready"`, `"focus"`, `"blur"` or
    /// `"savedpaymentmethodremove"`.
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof PaymentElementEvents")] event: &str,
        #[wasm_bindgen(unchecked_param_type = "(event: any) => void")] handler: JsValue,
    ) -> Result<(), JsValue> {
        let handler = checked_event(event, handler)?;
        LISTENERS.with(|l| {
            if let Some(list) = l.borrow_mut().get_mut(&self.id) {
                list.push((event.to_owned(), handler));
            }
        });
        Ok(())
    }

    /// Removes a handler added with `on` (every handler of `event` without one).
    pub fn off(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof PaymentElementEvents")] event: &str,
        #[wasm_bindgen(unchecked_param_type = "((event: any) => void) | undefined")]
        handler: JsValue,
    ) -> Result<(), JsValue> {
        let handler = if absent(&handler) {
            None
        } else {
            Some(checked_event(event, handler)?)
        };
        LISTENERS.with(|l| {
            if let Some(list) = l.borrow_mut().get_mut(&self.id) {
                list.retain(|(name, f)| {
                    name != event || handler.as_ref().is_some_and(|h| !js_sys::Object::is(h, f))
                });
            }
        });
        Ok(())
    }
}

impl JsPaymentElement {
    /// The handle of this element, when it is the group's and mounted.
    fn mounted_handle(&self) -> Option<PaymentElementHandle> {
        let mounted = MOUNTS.with(|m| m.borrow().contains_key(&self.id));
        (!self.inert && mounted && self.group.element.get() == Some(self.id))
            .then(|| self.group.handle.get())
            .flatten()
    }
}

fn checked_event(event: &str, handler: JsValue) -> Result<Function, JsValue> {
    if !EVENTS.contains(&event) {
        return Err(type_error(
            "on: the event must be \"change\", \"ready\", \"focus\", \"blur\", \"savedpaymentmethodremove\", \"loaderstart\", \"loaderror\" or \"escape\"",
        ));
    }
    handler
        .dyn_into::<Function>()
        .map_err(|_| type_error("on: the handler must be a function"))
}

impl Drop for JsPaymentElement {
    fn drop(&mut self) {
        // Garbage-collected (or `free()`d) by the page: a mounted element stays, with its
        // handlers; an unmounted one can never be mounted again, so it goes.
        if self.owned && !MOUNTS.with(|m| m.borrow().contains_key(&self.id)) {
            self.destroy();
        }
    }
}
