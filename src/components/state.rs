//! The reactive state of one Payment Element, owned by its root so that a layout or
//! locale switch (which re-renders everything below) never loses what was typed; and
//! the handle the page uses to validate and collect it.

use crate::components::frame_host::FrameHost;
use crate::frame::protocol::ToFrame;
use crate::model::confirm::CallError;
use crate::model::form::{self, CardEntry, Field, FormValues, Stage};
use crate::model::locale::{Catalogue, Key};
use crate::model::options::PaymentElementOptions;
use crate::model::saved_methods::{self, Listing, PaymentChoice};
use crate::model::types::{CardFields, MethodKind};
use crate::model::vaulted::{Held, Vaulted};
use crate::net::client::Tokenize;
use crate::net::vault::{HttpVault, VaultApi};
use leptos::prelude::*;
use payment_core::api::{
    CreateConfirmationToken, EwalletChannel, PaymentMethodData, QrChannel, SavedPaymentMethod,
};
use payment_core::card::{BrandSet, YearMonth};
use payment_core::secret::{ClientSecret, Cvc};
use std::rc::Rc;

/// What the customer typed and how far they got: small `Copy` signals, shared through
/// context with the fields.
#[derive(Clone, Copy)]
pub struct FormState {
    number: RwSignal<String>,
    expiry: RwSignal<String>,
    cvc: RwSignal<String>,
    name: RwSignal<String>,
    /// ISO code of the billing country.
    pub country: RwSignal<String>,
    postal_code: RwSignal<String>,
    iban: RwSignal<String>,
    email: RwSignal<String>,
    /// The chosen e-wallet.
    pub ewallet: RwSignal<Option<EwalletChannel>>,
    /// The QR standard of the cart's currency, if it has one.
    pub qr: RwSignal<Option<QrChannel>>,
    /// The card brands the merchant accepts (from the options).
    pub card_brands: RwSignal<BrandSet>,
    /// Fields the customer has left at least once.
    left: RwSignal<Vec<Field>>,
    /// A submit was attempted: every error shows, empty required fields included.
    pub submitted: RwSignal<bool>,
    /// The method the customer picked; `None` until they pick one.
    pub selected: RwSignal<Option<MethodKind>>,
    /// `collapse()` closed the accordion: no method opens until one is picked.
    pub collapsed: RwSignal<bool>,
}

impl FormState {
    /// An empty form with `country` preselected.
    pub fn new(country: &str) -> FormState {
        FormState {
            number: RwSignal::new(String::new()),
            expiry: RwSignal::new(String::new()),
            cvc: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            country: RwSignal::new(country.to_owned()),
            postal_code: RwSignal::new(String::new()),
            iban: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            ewallet: RwSignal::new(None),
            qr: RwSignal::new(None),
            card_brands: RwSignal::new(BrandSet::ALL),
            left: RwSignal::new(Vec::new()),
            submitted: RwSignal::new(false),
            selected: RwSignal::new(None),
            collapsed: RwSignal::new(false),
        }
    }

    /// The text signal behind `field`. The e-wallet and method choices are not text (see
    /// `ewallet` and `selected`); no input is bound to them, so they share the country's
    /// signal rather than making every caller unwrap an `Option`.
    pub fn text(&self, field: Field) -> RwSignal<String> {
        match field {
            Field::CardNumber => self.number,
            Field::Expiry => self.expiry,
            Field::Cvc => self.cvc,
            Field::Name => self.name,
            Field::Country | Field::Ewallet | Field::Method => self.country,
            Field::PostalCode => self.postal_code,
            Field::Iban => self.iban,
            Field::Email => self.email,
        }
    }

    /// Every value, tracked.
    pub fn values(&self) -> FormValues {
        FormValues {
            number: self.number.get(),
            expiry: self.expiry.get(),
            cvc: self.cvc.get(),
            name: self.name.get(),
            country: self.country.get(),
            postal_code: self.postal_code.get(),
            iban: self.iban.get(),
            email: self.email.get(),
            ewallet: self.ewallet.get(),
            qr: self.qr.get(),
            card_brands: self.card_brands.get(),
        }
    }

    /// Empties every field and forgets which ones the customer left (the method chosen
    /// stays).
    pub fn clear(&self) {
        for text in [
            self.number,
            self.expiry,
            self.cvc,
            self.name,
            self.postal_code,
            self.iban,
            self.email,
        ] {
            text.set(String::new());
        }
        self.ewallet.set(None);
        self.left.set(Vec::new());
        self.submitted.set(false);
    }

    /// Keeps the accepted card brands as the options say.
    pub fn follow_card_brands(&self, options: Signal<PaymentElementOptions>) {
        let brands = self.card_brands;
        Effect::new(move |_| {
            let accepted = options.with(|o| o.card_brands);
            if brands.get_untracked() != accepted {
                brands.set(accepted);
            }
        });
    }

    /// Every value, untracked (for event handlers).
    pub fn values_untracked(&self) -> FormValues {
        untrack(|| self.values())
    }

    /// How far the customer got with `field`, tracked.
    pub fn stage(&self, field: Field) -> Stage {
        if self.submitted.get() {
            Stage::Submitted
        } else if self.left.with(|left| left.contains(&field)) {
            Stage::Left
        } else {
            Stage::Typing
        }
    }

    /// Records that the customer left `field`.
    pub fn leave(&self, field: Field) {
        if !self.left.with_untracked(|left| left.contains(&field)) {
            self.left.update(|left| left.push(field));
        }
    }
}

/// The messages in the current locale, tracked.
#[derive(Clone, Copy)]
pub struct I18n(pub Memo<Catalogue>);

impl I18n {
    /// The message for `key`.
    pub fn t(&self, key: Key) -> String {
        self.0.with(|c| c.get(key).to_owned())
    }

    /// The message for `key` with placeholders filled.
    pub fn fill(&self, key: Key, values: &[(&str, &str)]) -> String {
        self.0.with(|c| c.fill(key, values))
    }
}

/// What the components below the root read: shared as one `Copy` value in context.
#[derive(Clone, Copy)]
pub struct ElementContext {
    /// The checked options.
    pub options: Signal<PaymentElementOptions>,
    /// The methods shown, in order.
    pub methods: Memo<Vec<MethodKind>>,
    /// The method whose form is shown: the customer's pick, else the first method
    /// unless the accordion starts collapsed.
    pub current: Memo<Option<MethodKind>>,
    /// The form.
    pub state: FormState,
    /// Messages.
    pub i18n: I18n,
    /// This month, for expiry checks.
    pub today: YearMonth,
    /// The latest status for the live region.
    pub status: RwSignal<Option<String>>,
    /// Saved methods and the consent box.
    pub saved: crate::components::saved_state::SavedState,
    /// The card frame, as far as the frame tells (in frame mode).
    pub frame: FrameHost,
    /// The frame of a saved card's CVC typed again (in frame mode).
    pub cvc_frame: FrameHost,
    /// The payments origin's tokenization calls for inline fields; `None`: the
    /// options' payments origin.
    pub vault: StoredValue<Option<Rc<dyn VaultApi>>, LocalStorage>,
    /// This context is the card frame's own (its fields hold the card values).
    pub in_frame: bool,
    /// The QR code shown in place of the form while a QR payment waits for its scan.
    pub qr_shown: RwSignal<Option<QrShown>>,
    /// The customer pressed Cancel under the QR code.
    pub qr_canceled: RwSignal<bool>,
    /// Called when Escape is pressed in the element (its page fields or its frames).
    pub on_escape: Option<Callback<()>>,
}

/// A QR code the element shows: what it encodes, until when, what it pays, and the
/// standard's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrShown {
    /// The code's data.
    pub data: String,
    /// Unix seconds when it stops working, if the server says.
    pub expires_at: Option<i64>,
    /// What it charges.
    pub amount: payment_core::money::Money,
    /// The standard (QRIS, QR Ph).
    pub channel: QrChannel,
}

impl ElementContext {
    /// The context the enclosing Payment Element provides.
    pub fn get() -> ElementContext {
        // Not `expect_context`: its message formats the type name with `{:?}`, which
        // links Debug escaping and its Unicode tables into the wasm (size budget).
        use_context::<ElementContext>().expect("ElementContext is provided by PaymentElement")
    }

    /// Shows `method`'s form and announces it in the live region, unless it is shown
    /// already (the accordion's radios and the tabs both pick a method this way).
    pub fn choose_method(&self, method: MethodKind) {
        // Recorded even when shown already (the first method, shown by default): an
        // older pick must not come back when the method list changes again.
        let shown = self.current.get_untracked();
        if self.state.selected.get_untracked() != Some(method) {
            self.state.selected.set(Some(method));
        }
        if shown != Some(method) {
            let name = self.i18n.t(Key::for_method(method));
            self.status.set(Some(
                self.i18n
                    .fill(Key::StatusMethodSelected, &[("method", &name)]),
            ));
        }
    }

    /// The saved methods listed now, tracked: those that can pay with the methods
    /// offered and in the currency, newest first.
    pub fn listed_saved(&self) -> Vec<SavedPaymentMethod> {
        let kinds = self.methods.get();
        let (currency, hide_expired) = self.options.with(|o| (o.currency, o.saved.hide_expired));
        let listing = Listing {
            kinds: &kinds,
            currency,
            hide_expired,
            today: self.today,
        };
        self.saved
            .methods
            .with(|m| saved_methods::listed(m, &listing))
    }

    /// Checks the most recent usable method listed, else the new-method form; a CVC
    /// typed for another saved card is not carried over.
    pub fn choose_default_saved(&self) {
        let listed = untrack(|| self.listed_saved());
        let choice = saved_methods::default_choice(&listed, self.today);
        if self.saved.choice.get_untracked() != choice {
            self.saved.cvc.set(String::new());
            self.saved.cvc_stage.set(Stage::Typing);
            self.saved.choice.set(choice);
        }
    }

    /// Where the card details are typed, tracked: in the card frame (which reports
    /// only its summary), or in the page's own inputs.
    pub fn card_entry(&self) -> CardEntry {
        if !self.in_frame && self.options.with(|o| o.card_fields) == CardFields::Frame {
            CardEntry::Frame(self.frame.summary.get())
        } else {
            CardEntry::Inline
        }
    }

    /// The error of the chosen saved card's CVC when it must be typed again, tracked (at
    /// `stage` when given): the page's own field's, or in frame mode what the CVC frame
    /// reports (its own field shows the message).
    pub fn saved_cvc_error(&self, require: bool, stage: Option<Stage>) -> Option<Key> {
        if self.in_frame || self.options.with(|o| o.card_fields) != CardFields::Frame {
            return self.saved.cvc_error(require, stage);
        }
        let method = self.saved.chosen()?;
        if !saved_methods::needs_cvc(&method, require) {
            return None;
        }
        self.cvc_frame
            .summary
            .with(|s| s.invalid)
            .map(|_| Key::CvcIncomplete)
    }

    /// Whether the card details are in the card frame, untracked.
    pub fn card_in_frame(&self) -> bool {
        untrack(|| matches!(self.card_entry(), CardEntry::Frame(_)))
    }

    /// The error `field` shows now, tracked.
    pub fn error(&self, field: Field) -> Option<Key> {
        form::field_error(
            field,
            &self.state.values(),
            self.today,
            self.state.stage(field),
        )
    }
}

/// The page's handle on one Payment Element (passed to `on_ready`): validate and
/// collect the payment details, as `elements.submit()` will.
#[derive(Clone, Copy)]
pub struct PaymentElementHandle {
    pub(crate) context: ElementContext,
    /// The element's root `<div>`: found through this, not by id in `document`, so the
    /// handle works inside a shadow root too.
    pub(crate) root: NodeRef<leptos::html::Div>,
}

impl PaymentElementHandle {
    /// The method whose form is shown, if any.
    pub fn method(&self) -> Option<MethodKind> {
        self.context.current.get_untracked()
    }

    /// What the customer pays with: a chosen saved method's kind, else the method shown.
    pub fn paying_with(&self) -> Option<MethodKind> {
        match self.context.saved.chosen_untracked() {
            Some(saved) => saved_methods::method_kind(&saved),
            None => self.method(),
        }
    }

    /// The element's root, while mounted.
    pub fn root_element(&self) -> Option<web_sys::HtmlDivElement> {
        self.root.try_get_untracked().flatten()
    }

    /// Shows every error, empty required fields included, moves focus to the first
    /// invalid field and returns it; `None` when the details are complete.
    /// [`Field::Method`] means no payment method is chosen yet.
    pub fn validate_all(&self) -> Option<Field> {
        let state = self.context.state;
        if let Some(invalid) = self.validate_saved() {
            return invalid;
        }
        state.submitted.set(true);
        let in_frame = self.method() == Some(MethodKind::Card) && self.context.card_in_frame();
        if in_frame {
            self.context.frame.send(&ToFrame::ShowErrors);
        }
        let invalid = match self.method() {
            None => Some(Field::Method),
            Some(method) => {
                let fields = self.context.options.with_untracked(|o| o.fields);
                form::first_invalid(
                    method,
                    &fields,
                    &state.values_untracked(),
                    self.context.today,
                    untrack(|| self.context.card_entry()),
                )
            }
        };
        if let Some(field) = invalid {
            self.focus(field);
        }
        invalid
    }

    /// What is wrong with `field` now, in the element's language, for `submit()`'s
    /// `{error}`: the error it shows (a saved card's CVC when one is chosen), "Choose a
    /// payment method." when none is, else a generic "incomplete".
    pub fn error_message(&self, field: Field) -> String {
        let context = self.context;
        untrack(|| {
            let key = if field == Field::Method {
                Some(Key::MethodRequired)
            } else if context.saved.chosen().is_some() {
                let require = context.options.with(|o| o.saved.require_cvc_recollection);
                if context.card_in_frame() {
                    if let Some(text) = context.cvc_frame.error.get() {
                        return text;
                    }
                }
                context.saved_cvc_error(require, Some(Stage::Submitted))
            } else if form::is_card_detail(field) && context.card_in_frame() {
                // The frame shows its own error; the page has its text, not its key.
                if let Some(text) = context.frame.error.get() {
                    return text;
                }
                None
            } else {
                context.error(field)
            };
            context.i18n.t(key.unwrap_or(Key::DetailsIncomplete))
        })
    }

    /// The payment details when they are complete, else the first invalid field.
    pub fn payment_method_data(&self) -> Result<PaymentMethodData, Field> {
        let method = self.method().ok_or(Field::Method)?;
        let fields = self.context.options.with_untracked(|o| o.fields);
        form::payment_method_data(
            method,
            &fields,
            &self.context.state.values_untracked(),
            self.context.today,
            untrack(|| self.context.card_entry()),
        )
    }

    /// With a saved method chosen: shows the CVC's error and returns the field when it
    /// needs one; `None` when the new-method form is chosen.
    fn validate_saved(&self) -> Option<Option<Field>> {
        let saved = self.context.saved;
        saved.chosen_untracked()?;
        saved.cvc_stage.set(Stage::Submitted);
        let require = self
            .context
            .options
            .with_untracked(|o| o.saved.require_cvc_recollection);
        if self.context.card_in_frame() {
            self.context.cvc_frame.send(&ToFrame::ShowErrors);
        }
        let invalid = untrack(|| self.context.saved_cvc_error(require, None)).map(|_| Field::Cvc);
        if let Some(field) = invalid {
            self.focus(field);
        }
        Some(invalid)
    }

    /// What to send for what the customer chose: the body of `POST
    /// /api/confirmation_tokens` (a saved method's id, or the new details with
    /// `setup_future_usage` and the consent record when the box is ticked) and what of it
    /// the payments origin tokenizes first (a new card, or a saved card's CVC typed
    /// again), never in the body itself. Call [`Self::validate_all`] first to show
    /// errors; this only collects, or names the first invalid field. Send it with
    /// [`Self::customer_session_secret`] as the bearer, and [`Self::tokenizer`].
    pub fn payment_details(&self, return_url: Option<String>) -> Result<PaymentDetails, Field> {
        let context = self.context;
        let saved = context.saved;
        let (choice, vaulted) = if let Some(method) = saved.chosen_untracked() {
            let require = context
                .options
                .with_untracked(|o| o.saved.require_cvc_recollection);
            let needs = saved_methods::needs_cvc(&method, require);
            if needs
                && untrack(|| context.saved_cvc_error(require, Some(Stage::Submitted))).is_some()
            {
                return Err(Field::Cvc);
            }
            let vaulted = needs.then(|| {
                Vaulted::Cvc(if context.card_in_frame() {
                    Held::Frame {
                        frame: context.cvc_frame.number,
                        revision: context.cvc_frame.summary.get_untracked().revision,
                    }
                } else {
                    Held::Page(Cvc::new(saved.cvc.get_untracked()))
                })
            });
            (PaymentChoice::Saved { id: method.id }, vaulted)
        } else {
            let data = self.payment_method_data()?;
            let (usage, business) = context
                .options
                .with_untracked(|o| (o.saved.save_usage(o.mode), o.business_name.clone()));
            let saveable = self.method().is_some_and(saved_methods::can_be_saved);
            let consent = match (usage, saved.consent_at.get_untracked()) {
                (Some(usage), Some(at)) if saveable => Some(context.i18n.0.with_untracked(|c| {
                    saved_methods::consent_record(c, business.as_deref(), at, usage)
                })),
                _ => None,
            };
            let vaulted = match self.method() {
                Some(MethodKind::Card) if context.card_in_frame() => {
                    Some(Vaulted::Card(Held::Frame {
                        frame: context.frame.number,
                        revision: context.frame.summary.get_untracked().revision,
                    }))
                }
                Some(MethodKind::Card) => Some(Vaulted::Card(Held::Page(form::card_details(
                    &context.state.values_untracked(),
                    context.today,
                )?))),
                _ => None,
            };
            let choice = PaymentChoice::New {
                data: Box::new(data),
                consent,
            };
            (choice, vaulted)
        };
        Ok(PaymentDetails {
            request: saved_methods::confirmation_token_request(choice, return_url),
            vaulted,
        })
    }

    /// Exchanges what [`Self::payment_details`] set aside for the vault's token: the
    /// card frame does it for its card, the payments origin's API for inline fields.
    pub fn tokenizer(&self) -> Tokenize {
        let context = self.context;
        Rc::new(move |vaulted: Vaulted| {
            let vault = context.vault.get_value().or_else(|| {
                context
                    .options
                    .with_untracked(|o| o.payments.as_ref().map(HttpVault::shared))
            });
            match vaulted {
                Vaulted::Card(Held::Frame { .. }) => context.frame.tokenize(),
                Vaulted::Cvc(Held::Frame { .. }) => context.cvc_frame.tokenize(),
                Vaulted::Card(Held::Page(card)) => Box::pin(async move {
                    let vault = vault.ok_or_else(no_payments_origin)?;
                    vault.create_card_token(card).await.map(|token| token.id)
                }),
                Vaulted::Cvc(Held::Page(cvc)) => Box::pin(async move {
                    let vault = vault.ok_or_else(no_payments_origin)?;
                    vault.create_cvc_token(cvc).await.map(|token| token.id)
                }),
            }
        })
    }

    /// The customer session's secret, to send as `Authorization: Bearer` with the token
    /// request (a saved method needs it, and a saved new method is attached to its customer).
    pub fn customer_session_secret(&self) -> Option<ClientSecret> {
        self.context
            .options
            .with_untracked(|o| o.saved.client_secret.clone())
    }

    /// Announces a status message (such as [`Key::StatusProcessing`]) in the element's
    /// polite live region, in the customer's language.
    pub fn announce(&self, key: Key) {
        let message = untrack(|| self.context.i18n.t(key));
        self.context.status.set(Some(message));
    }

    /// Moves focus to `field`'s input (for [`Field::Method`], to the method chooser).
    pub fn focus(&self, field: Field) {
        // `try_`: the element may have been unmounted while a payment was out.
        let Some(root) = self.root.try_get_untracked().flatten() else {
            return;
        };
        if form::is_card_detail(field) && self.context.card_in_frame() {
            if self.context.saved.chosen_untracked().is_some() {
                self.context.cvc_frame.focus(field);
                return;
            }
            if self.method() == Some(MethodKind::Card) {
                self.context.frame.focus(field);
                return;
            }
        }
        let selector = match field {
            // The method radios or tabs, not a saved method's icon.
            Field::Method => "[role=radio][data-method], [role=tab][data-method]".to_owned(),
            _ => ["[data-field=\"", field.as_str(), "\"]"].concat(),
        };
        focus_in(&root, &selector);
    }

    /// What a failed payment does to the form: the CVC emptied after a card error (as
    /// card forms do; everything else is kept) and the focus on the field to fix.
    pub fn apply_feedback(&self, feedback: &crate::model::confirm::Feedback) {
        if feedback.clear_cvc {
            // The attempt had passed validation, and the CVC is emptied on purpose: until
            // the next submit it reads as not typed yet, so the decline, not "incomplete",
            // is what the customer sees and hears.
            self.context.state.submitted.set(false);
            self.context.saved.cvc_stage.set(Stage::Typing);
            self.context.state.text(Field::Cvc).set(String::new());
            self.context.saved.cvc.set(String::new());
            self.context.frame.send(&ToFrame::ClearCvc);
            self.context.cvc_frame.send(&ToFrame::ClearCvc);
        }
        if let Some(field) = feedback.focus {
            self.focus(field);
        }
    }

    /// Closes the accordion: no method open until the customer picks one
    /// (`paymentElement.collapse()`; the tabs always show one).
    pub fn collapse(&self) {
        self.context.state.selected.set(None);
        self.context.state.collapsed.set(true);
    }

    /// Empties what the customer typed, in the page and in the card frames
    /// (`paymentElement.clear()`).
    pub fn clear(&self) {
        self.context.state.clear();
        self.context.saved.cvc_stage.set(Stage::Typing);
        self.context.saved.cvc.set(String::new());
        self.context.frame.send(&ToFrame::Clear);
        self.context.cvc_frame.send(&ToFrame::Clear);
    }

    /// Moves focus into the element: the card number for a new card, else the method
    /// chooser (`paymentElement.focus()`).
    pub fn focus_first(&self) {
        let new_card = self.method() == Some(MethodKind::Card)
            && self.context.saved.chosen_untracked().is_none();
        self.focus(if new_card {
            Field::CardNumber
        } else {
            Field::Method
        });
    }

    /// Takes focus out of the element, if it has it (`paymentElement.blur()`).
    pub fn blur(&self) {
        let Some(root) = self.root.try_get_untracked().flatten() else {
            return;
        };
        let active = document().active_element();
        if let Some(active) = active.filter(|a| root.contains(Some(a))) {
            if let Ok(active) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(active) {
                let _ = active.blur();
            }
        }
    }

    /// Makes the element's inputs unusable (`inert`, `aria-busy`) while a payment is
    /// under way, so nothing typed mid-request is silently ignored; or usable again.
    pub fn set_locked(&self, locked: bool) {
        // A `readOnly` element stays locked after a payment.
        let locked = locked
            || self
                .context
                .options
                .try_with_untracked(|o| o.read_only)
                .unwrap_or(false);
        self.context.frame.send(&ToFrame::Lock(locked));
        self.context.cvc_frame.send(&ToFrame::Lock(locked));
        let Some(root) = self.root.try_get_untracked().flatten() else {
            return;
        };
        if locked {
            let _ = root.set_attribute("inert", "");
            let _ = root.set_attribute("aria-busy", "true");
        } else {
            let _ = root.remove_attribute("inert");
            let _ = root.remove_attribute("aria-busy");
        }
    }
}

/// What [`PaymentElementHandle::payment_details`] collects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentDetails {
    /// The body of `POST /api/confirmation_tokens`, without card data.
    pub request: CreateConfirmationToken,
    /// What the payments origin tokenizes before the body is sent.
    pub vaulted: Option<Vaulted>,
}

/// Inline fields without a payments origin to tokenize with: nothing can be sent.
fn no_payments_origin() -> CallError {
    web_sys::console::error_1(
        &"payment-element: cards are tokenized by the payments origin; pass it with \
          Checkout({paymentsOrigin, publishableKey}) or options.payments"
            .into(),
    );
    // Spelled out: `ApiError::new` would link every code's English message.
    CallError::api(payment_core::error::ApiError {
        kind: payment_core::error::ErrorType::InvalidRequestError,
        code: payment_core::error::ErrorCode::InvalidApiKey,
        decline_code: None,
        message: String::new(),
        param: None,
    })
}

/// Whether a key went to an element matching `selector` (a group's own radios), rather
/// than to a field inside the group, whose arrows, Home and End move its caret.
pub fn key_on(ev: &web_sys::KeyboardEvent, selector: &str) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|t| t.matches(selector).unwrap_or(false))
}

/// [`focus_in`] once the view has caught up with the change just made (after this
/// task): for a control that replaces the focused one ("More", a removal's
/// confirmation), so focus moves on instead of falling to the page.
pub fn focus_soon(root: web_sys::Element, selector: String) {
    set_timeout(
        move || {
            focus_in(&root, &selector);
        },
        std::time::Duration::ZERO,
    );
}

/// Focuses the first element under `root` matching `selector`, if there is one;
/// whether there was.
pub fn focus_in(root: &web_sys::Element, selector: &str) -> bool {
    use wasm_bindgen::JsCast;
    match root
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        Some(el) => {
            let _ = el.focus();
            true
        }
        None => false,
    }
}

/// In the card frame: called when a field was completed whose next field is not in the
/// frame (the CVC's), so the page moves focus on.
#[derive(Clone, Copy)]
pub struct AdvanceOut(pub Callback<()>);

/// This month in the browser's time zone.
pub fn this_month() -> YearMonth {
    let now = js_sys::Date::new_0();
    // getFullYear is a small positive integer and getMonth 0–11.
    YearMonth::new(now.get_full_year() as u16, now.get_month() as u8 + 1)
}
