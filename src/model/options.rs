//! The Payment Element's options: read from the JSON shape Stripe's `elements.create(
//! "payment", options)` takes (camelCase keys), checked once, and turned into typed
//! values. Every refusal names the option at fault, so a merchant can fix it without
//! reading this code.
//!
//! Also decides which payment methods appear: that follows `mode`, `amount`,
//! `currency` and the merchant's `paymentMethodTypes`.

use crate::model::appearance::{self, Appearance, ThemeChoice, Variable};
use crate::model::locale::{Key, Locale};
use crate::model::types::{
    quoted_list, CardFields, FieldVisibility, LayoutKind, Loader, MethodKind, Mode, Radios, Theme,
};
use payment_core::api::EwalletChannel;
use payment_core::card::{BrandSet, CardBrand};
use payment_core::money::{Currency, MinorUnit};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// The options as a merchant writes them. Parse with serde, then [`RawOptions::validate`].
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawOptions {
    /// `"accordion"`, `"tabs"` or a layout object.
    pub layout: Option<RawLayout>,
    /// `"payment"`, `"setup"` or `"subscription"`.
    pub mode: Option<String>,
    /// In minor units.
    pub amount: Option<i64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// The methods the merchant accepts; all that fit when absent.
    pub payment_method_types: Option<Vec<String>>,
    /// Stripe's top-level spelling of `layout.paymentMethodOrder`.
    pub payment_method_order: Option<Vec<String>>,
    /// `"auto"` or a language tag.
    pub locale: Option<String>,
    /// Message overrides by key name.
    pub strings: Option<BTreeMap<String, String>>,
    /// Theme, variables and rules.
    pub appearance: Option<RawAppearance>,
    /// Which billing details the element collects.
    pub fields: Option<RawFields>,
    /// The merchant, named in the SEPA mandate.
    pub business: Option<RawBusiness>,
    /// The customer session's secret: show the customer's saved methods (redacted in
    /// `Debug`).
    pub customer_session_client_secret: Option<payment_core::secret::ClientSecret>,
    /// The session's `components.payment_element.features`, as the server sent them.
    pub customer_session_features: Option<payment_core::api::PaymentElementFeatures>,
    /// `{card: {require_cvc_recollection}}`.
    pub payment_method_options: Option<crate::model::saved_methods::RawPaymentMethodOptions>,
    /// `{hideExpired}`.
    pub saved_payment_methods: Option<crate::model::saved_methods::RawSavedPaymentMethods>,
    /// `"frame"` (the default) or `"inline"`.
    pub card_fields: Option<String>,
    /// The payments origin and the publishable key (the JS API takes them in
    /// `Checkout({paymentsOrigin, publishableKey})`).
    pub payments: Option<RawPayments>,
    /// `defaultValues`: what the billing fields start with.
    pub default_values: Option<RawDefaultValues>,
    /// `readOnly`: the customer sees the element and cannot change it.
    pub read_only: Option<bool>,
    /// Stripe's `wallets` (Apple Pay, Google Pay): accepted, not offered.
    pub wallets: Option<serde::de::IgnoredAny>,
    /// Stripe's `loader` (`"auto"`, `"always"`, `"never"`): the card frame's skeleton.
    pub loader: Option<String>,
    /// Stripe's `fonts`: the JS API links each `cssSrc` into the page (see
    /// `js_api::elements`); the element itself uses the page's fonts.
    pub fonts: Option<serde::de::IgnoredAny>,
    /// Stripe's `terms`, by method (`card`, `sepaDebit`, …): `auto`, `always` or
    /// `never`. `sepaDebit: "never"` leaves the mandate text to the page.
    pub terms: Option<BTreeMap<String, String>>,
}

/// `defaultValues`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawDefaultValues {
    /// `billingDetails`.
    pub billing_details: Option<RawDefaultBilling>,
}

/// `defaultValues.billingDetails`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaultBilling {
    /// The name.
    pub name: Option<String>,
    /// The email.
    pub email: Option<String>,
    /// The phone (the element has no phone field: kept for Stripe's pages, not used).
    pub phone: Option<String>,
    /// The address: the element uses `country` and `postal_code`.
    pub address: Option<RawDefaultAddress>,
}

/// `defaultValues.billingDetails.address`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaultAddress {
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// The postal code.
    pub postal_code: Option<String>,
    /// Street, kept for Stripe's pages, not used.
    pub line1: Option<String>,
    /// Kept for Stripe's pages, not used.
    pub line2: Option<String>,
    /// Kept for Stripe's pages, not used.
    pub city: Option<String>,
    /// Kept for Stripe's pages, not used.
    pub state: Option<String>,
}

/// What the billing fields start with (`defaultValues.billingDetails`); the customer
/// may change it, unless the element is `readOnly`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DefaultValues {
    /// The name.
    pub name: Option<String>,
    /// The email.
    pub email: Option<String>,
    /// ISO country code, upper case.
    pub country: Option<String>,
    /// The postal code.
    pub postal_code: Option<String>,
}

/// `payments`: where cards are tokenized.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawPayments {
    /// `https://payments.example`.
    pub origin: Option<String>,
    /// `pk_test_…`.
    pub publishable_key: Option<String>,
}

/// Where cards go: the payments origin (the card frame and the vault's API live there)
/// and the publishable key the page may use there, which can do nothing but tokenize.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentsOrigin {
    /// `https://payments.example` (scheme, host and port; no path).
    pub origin: String,
    /// `pk_test_…`.
    pub publishable_key: String,
}

impl PaymentsOrigin {
    /// Checks both: an `http(s)` origin without path, query or credentials, and a
    /// publishable key (`pk_…` of letters, digits and `_`, so it goes into a URL as is).
    pub fn new(origin: &str, publishable_key: &str) -> Result<PaymentsOrigin, OptionsError> {
        let origin = origin.trim_end_matches('/');
        let host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let origin_ok = host.is_some_and(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
        if !origin_ok {
            return fail(
                "paymentsOrigin must be an http(s) origin without a path, such as \
                 \"https://payments.example\"",
            );
        }
        let key_ok = publishable_key.starts_with("pk_")
            && publishable_key.len() > 3
            && publishable_key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !key_ok {
            return fail("publishableKey must be the payments origin's publishable key (pk_…)");
        }
        Ok(PaymentsOrigin {
            origin: origin.to_owned(),
            publishable_key: publishable_key.to_owned(),
        })
    }

    /// The card frame's address: `fields` is `card` (number, expiry and CVC) or `cvc` (a
    /// saved card's CVC typed again, with the card's `brand` and `last4` for its length
    /// and label). Values that are not letters, digits or `_` are left out.
    pub fn frame_url(&self, fields: &str, extra: &[(&str, &str)]) -> String {
        let mut url = [
            self.origin.as_str(),
            "/v1/card-frame?key=",
            &self.publishable_key,
            "&fields=",
            fields,
        ]
        .concat();
        for (name, value) in extra {
            if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                url.push_str(&["&", name, "=", value].concat());
            }
        }
        url
    }
}

/// `layout`: a type name or an object.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum RawLayout {
    /// `layout: "tabs"`.
    Kind(String),
    /// `layout: {type: "accordion", …}`.
    Object(RawLayoutObject),
}

/// The object form of `layout`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawLayoutObject {
    /// `"accordion"` or `"tabs"`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Start with no method expanded.
    pub default_collapsed: Option<bool>,
    /// `"always"`, `"never"`, `"if_multiple"` (or a boolean, as older Stripe code has).
    pub radios: Option<RawRadios>,
    /// Separate accordion items with space.
    pub spaced_accordion_items: Option<bool>,
    /// How many accordion items show before "More".
    pub visible_accordion_items_count: Option<i64>,
    /// Methods to list first, in this order.
    pub payment_method_order: Option<Vec<String>>,
}

/// `layout.radios`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum RawRadios {
    /// `true` is `"always"`, `false` is `"never"`.
    Flag(bool),
    /// A name.
    Name(String),
}

/// `appearance`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawAppearance {
    /// `"stripe"`, `"night"` or `"flat"`.
    pub theme: Option<String>,
    /// Variable name → CSS value.
    pub variables: Option<BTreeMap<String, String>>,
    /// Selector → property → value.
    pub rules: Option<BTreeMap<String, BTreeMap<String, String>>>,
}

/// `fields`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawFields {
    /// `fields.billingDetails`: `"auto"`/`"never"` for all, or per detail.
    pub billing_details: Option<RawBillingDetails>,
}

/// `fields.billingDetails`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum RawBillingDetails {
    /// One visibility for every detail.
    All(String),
    /// Per detail.
    Each(RawBillingDetailsObject),
}

/// `fields.billingDetails` as an object.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawBillingDetailsObject {
    /// Name.
    pub name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// `"auto"`/`"never"` or `{country, postalCode}`.
    pub address: Option<RawAddress>,
}

/// `fields.billingDetails.address`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAddress {
    /// For country and postal code alike.
    All(String),
    /// Per part.
    Each(RawAddressObject),
}

/// `fields.billingDetails.address` as an object.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawAddressObject {
    /// Country.
    pub country: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
}

/// `business`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawBusiness {
    /// Shown in the SEPA mandate.
    pub name: Option<String>,
}

/// Why options were refused; the message names the option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError(pub String);

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionsError {}

/// The layout options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Accordion or tabs.
    pub kind: LayoutKind,
    /// Start with no method expanded (accordion).
    pub default_collapsed: bool,
    /// Radio buttons in accordion items.
    pub radios: Radios,
    /// Space between accordion items.
    pub spaced_accordion_items: bool,
    /// Accordion items shown before "More"; 0 shows all.
    pub visible_accordion_items_count: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            kind: LayoutKind::Accordion,
            default_collapsed: false,
            radios: Radios::IfMultiple,
            spaced_accordion_items: false,
            visible_accordion_items_count: 5,
        }
    }
}

/// `locale`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LocaleChoice {
    /// From the browser's preferred languages.
    #[default]
    Auto,
    /// This one.
    Fixed(Locale),
}

/// Which billing details are collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fields {
    /// Name (for SEPA with `auto`; for cards too with `always`).
    pub name: FieldVisibility,
    /// Email (for SEPA with `auto`).
    pub email: FieldVisibility,
    /// Country (for cards with `auto`).
    pub country: FieldVisibility,
    /// Postal code (for cards, where the country has one, with `auto`).
    pub postal_code: FieldVisibility,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            name: FieldVisibility::Auto,
            email: FieldVisibility::Auto,
            country: FieldVisibility::Auto,
            postal_code: FieldVisibility::Auto,
        }
    }
}

/// Checked options: what the components read. Deserialising one checks it, so
/// `serde_json::from_str::<PaymentElementOptions>` refuses bad options with the
/// message of [`RawOptions::validate`].
///
/// Built in Rust or read from the JS API's spelling, the same options:
///
/// ```
/// use payment_element::model::types::{LayoutKind, Mode};
/// use payment_element::model::options::{Layout, PaymentElementOptions};
/// use payment_core::money::{Currency, MinorUnit};
///
/// let typed = PaymentElementOptions {
///     mode: Some(Mode::Payment),
///     amount: Some(MinorUnit(1999)),
///     currency: Some(Currency::EUR),
///     layout: Layout { kind: LayoutKind::Tabs, ..Layout::default() },
///     ..PaymentElementOptions::default()
/// };
/// let json = r#"{"mode": "payment", "amount": 1999, "currency": "eur", "layout": "tabs"}"#;
/// let parsed: PaymentElementOptions = serde_json::from_str(json).unwrap();
/// assert_eq!((typed.mode, typed.amount, typed.currency), (parsed.mode, parsed.amount, parsed.currency));
/// assert_eq!(typed.layout, parsed.layout);
///
/// let refused = serde_json::from_str::<PaymentElementOptions>(r#"{"layout": "grid"}"#);
/// assert!(refused.unwrap_err().to_string().starts_with("layout must be"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(try_from = "RawOptions")]
pub struct PaymentElementOptions {
    /// Layout.
    pub layout: Layout,
    /// Methods listed first, in this order.
    pub payment_method_order: Vec<MethodKind>,
    /// Payment, setup or subscription.
    pub mode: Option<Mode>,
    /// The amount to pay.
    pub amount: Option<MinorUnit>,
    /// Its currency.
    pub currency: Option<Currency>,
    /// The merchant's accepted methods; `None` means all that fit.
    pub payment_method_types: Option<Vec<MethodKind>>,
    /// Language.
    pub locale: LocaleChoice,
    /// Message overrides.
    pub strings: Vec<(Key, String)>,
    /// Appearance.
    pub appearance: Appearance,
    /// Billing details collected.
    pub fields: Fields,
    /// The merchant's name for the SEPA mandate.
    pub business_name: Option<String>,
    /// Saved methods and saving.
    pub saved: crate::model::saved_methods::SavedMethodsOptions,
    /// Where the card details are typed: the payments origin's frame, or inline.
    pub card_fields: CardFields,
    /// Where cards are tokenized; without it the element offers no card.
    pub payments: Option<PaymentsOrigin>,
    /// `paymentMethodOptions.card.brands`: the card brands the merchant accepts (all
    /// by default). The card item shows them; a number of another brand is refused.
    pub card_brands: BrandSet,
    /// `defaultValues.billingDetails`.
    pub default_values: DefaultValues,
    /// `readOnly`: shown, locked.
    pub read_only: bool,
    /// Stripe's options given that this widget accepts without acting on them
    /// (`wallets`, `terms`): named once in the console.
    pub not_used: Vec<&'static str>,
    /// `loader`: the skeleton where the card frame loads.
    pub loader: Loader,
    /// `terms.sepaDebit` is `"never"`: the page shows the SEPA mandate itself.
    pub sepa_mandate_hidden: bool,
}

fn fail<T>(message: impl Into<String>) -> Result<T, OptionsError> {
    Err(OptionsError(message.into()))
}

fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> String {
    let names: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
    quoted_list(&names)
}

/// Parses an option enum, or names the option and its allowed values.
fn pick<T: Copy>(
    option: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<T, OptionsError> {
    parse(value).map_or_else(
        || fail([option, " must be ", &names(all, as_str)].concat()),
        Ok,
    )
}

fn method_list(option: &str, raw: &[String]) -> Result<Vec<MethodKind>, OptionsError> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, name) in raw.iter().enumerate() {
        let at = [option, "[", &i.to_string(), "]"].concat();
        let kind = pick(
            &at,
            name,
            MethodKind::parse,
            MethodKind::ALL,
            MethodKind::as_str,
        )?;
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    Ok(out)
}

fn visibility(option: &str, raw: Option<&String>) -> Result<FieldVisibility, OptionsError> {
    raw.map_or(Ok(FieldVisibility::Auto), |v| {
        // Stripe's `if_required` is what `auto` does here: each field where the payment
        // method needs it.
        if v == "if_required" {
            return Ok(FieldVisibility::Auto);
        }
        pick(
            option,
            v,
            FieldVisibility::parse,
            FieldVisibility::ALL,
            FieldVisibility::as_str,
        )
    })
}

impl RawOptions {
    /// Checks every option and turns them into typed values, or names the first bad one.
    pub fn validate(self) -> Result<PaymentElementOptions, OptionsError> {
        let mut options = PaymentElementOptions::default();
        let mut order = self.payment_method_order.clone();
        match self.layout {
            None => {}
            Some(RawLayout::Kind(kind)) => {
                options.layout.kind = layout_kind("layout", &kind)?;
            }
            Some(RawLayout::Object(layout)) => {
                if let Some(kind) = &layout.kind {
                    options.layout.kind = layout_kind("layout.type", kind)?;
                }
                if let Some(collapsed) = layout.default_collapsed {
                    options.layout.default_collapsed = collapsed;
                }
                options.layout.radios = match layout.radios {
                    None => Radios::IfMultiple,
                    Some(RawRadios::Flag(true)) => Radios::Always,
                    Some(RawRadios::Flag(false)) => Radios::Never,
                    Some(RawRadios::Name(name)) => pick(
                        "layout.radios",
                        &name,
                        Radios::parse,
                        Radios::ALL,
                        Radios::as_str,
                    )?,
                };
                if let Some(spaced) = layout.spaced_accordion_items {
                    options.layout.spaced_accordion_items = spaced;
                }
                if let Some(count) = layout.visible_accordion_items_count {
                    options.layout.visible_accordion_items_count =
                        usize::try_from(count).or_else(|_| {
                            fail(
                                "layout.visibleAccordionItemsCount must be 0 (show all) or a \
                                 positive whole number",
                            )
                        })?;
                }
                if layout.payment_method_order.is_some() {
                    order = layout.payment_method_order;
                }
            }
        }
        if let Some(order) = order {
            options.payment_method_order = method_list("paymentMethodOrder", &order)?;
        }

        let mode = match &self.mode {
            Some(mode) => Some(pick("mode", mode, Mode::parse, Mode::ALL, Mode::as_str)?),
            None => None,
        };
        options.mode = mode;
        options.currency = match &self.currency {
            Some(code) => Some(Currency::new(code).or_else(|_| {
                fail("currency must be a three-letter ISO 4217 code, such as \"eur\"")
            })?),
            None => None,
        };
        match (mode, self.amount) {
            (Some(Mode::Setup), Some(_)) => {
                return fail("amount must not be given when mode is \"setup\"");
            }
            (_, Some(amount)) if amount <= 0 => {
                return fail("amount must be a positive whole number of minor units");
            }
            (Some(Mode::Payment | Mode::Subscription), None) => {
                return fail("amount is required when mode is \"payment\" or \"subscription\"");
            }
            (_, amount) => options.amount = amount.map(MinorUnit),
        }
        if options.amount.is_some() && options.currency.is_none() {
            return fail("currency is required when amount is given");
        }
        if let Some(types) = &self.payment_method_types {
            let types = method_list("paymentMethodTypes", types)?;
            if types.is_empty() {
                return fail("paymentMethodTypes must name at least one payment method");
            }
            options.payment_method_types = Some(types);
        }

        options.locale = match self.locale.as_deref() {
            None | Some("auto") => LocaleChoice::Auto,
            Some(tag) => match Locale::from_tag(tag) {
                Some(locale) => LocaleChoice::Fixed(locale),
                // A language without a catalogue (a French page passing "fr"): the
                // customer's browser languages, else English, never no form at all.
                None if is_language_tag(tag) => LocaleChoice::Auto,
                None => return fail(
                    "locale must be \"auto\" or a language tag such as \"en\", \"de\", \"id\" or \"de-AT\"",
                ),
            },
        };
        for (name, message) in self.strings.unwrap_or_default() {
            let Some(key) = Key::from_name(&name) else {
                return fail(["strings.", &name, " is not a message of the catalogue"].concat());
            };
            options.strings.push((key, message));
        }
        if let Some(raw) = self.appearance {
            options.appearance = appearance_from(raw)?;
        }
        if let Some(fields) = self.fields.and_then(|f| f.billing_details) {
            options.fields = fields_from(fields)?;
        }
        if let Some(billing) = self.default_values.and_then(|d| d.billing_details) {
            let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            let address = billing.address.unwrap_or_default();
            let country = text(address.country).map(|c| c.to_ascii_uppercase());
            if country
                .as_deref()
                .is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
            {
                return fail(
                    "defaultValues.billingDetails.address.country must be a two-letter country \
                     code, such as \"DE\"",
                );
            }
            options.default_values = DefaultValues {
                name: text(billing.name),
                email: text(billing.email),
                country,
                postal_code: text(address.postal_code),
            };
        }
        options.read_only = self.read_only.unwrap_or(false);
        if let Some(loader) = &self.loader {
            options.loader = pick("loader", loader, Loader::parse, Loader::ALL, Loader::as_str)?;
        }
        for (method, shown) in self.terms.iter().flatten() {
            if !["auto", "always", "never"].contains(&shown.as_str()) {
                return fail(
                    [
                        "terms.",
                        method,
                        " must be \"auto\", \"always\" or \"never\"",
                    ]
                    .concat(),
                );
            }
        }
        options.sepa_mandate_hidden = self
            .terms
            .as_ref()
            .and_then(|t| t.get("sepaDebit"))
            .is_some_and(|shown| shown == "never");
        // Only the SEPA mandate is a terms text here; other methods show none.
        let other_terms = self
            .terms
            .as_ref()
            .is_some_and(|t| t.keys().any(|method| method != "sepaDebit"));
        options.not_used = [
            ("wallets", self.wallets.is_some()),
            ("terms other than sepaDebit", other_terms),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect();
        options.business_name = self
            .business
            .and_then(|b| b.name)
            .filter(|n| !n.trim().is_empty());

        if let Some(fields) = &self.card_fields {
            options.card_fields = pick(
                "cardFields",
                fields,
                CardFields::parse,
                CardFields::ALL,
                CardFields::as_str,
            )?;
        }
        if let Some(payments) = self.payments {
            options.payments = Some(PaymentsOrigin::new(
                payments.origin.as_deref().unwrap_or_default(),
                payments.publishable_key.as_deref().unwrap_or_default(),
            )?);
        }

        if let Some(names) = self
            .payment_method_options
            .as_ref()
            .and_then(|o| o.card.as_ref())
            .and_then(|c| c.brands.as_ref())
        {
            options.card_brands = card_brands(names)?;
        }
        options.saved = crate::model::saved_methods::SavedMethodsOptions::from_raw(
            self.customer_session_client_secret,
            self.customer_session_features,
            self.payment_method_options,
            self.saved_payment_methods,
        )?;

        if available_methods(&options).is_empty() {
            let currency = options
                .currency
                .map_or_else(|| "none".to_owned(), |c| c.code().to_owned());
            return fail(
                [
                    "no payment method can be offered for currency \"",
                    &currency,
                    "\" with these paymentMethodTypes: card works in any currency, \
                     sepa_debit needs \"eur\", ewallet needs \"php\" or \"idr\" and an amount",
                ]
                .concat(),
            );
        }
        Ok(options)
    }
}

impl TryFrom<RawOptions> for PaymentElementOptions {
    type Error = OptionsError;

    fn try_from(raw: RawOptions) -> Result<Self, OptionsError> {
        raw.validate()
    }
}

/// `paymentMethodOptions.card.brands`: at least one brand, each named as Stripe does.
fn card_brands(names: &[String]) -> Result<BrandSet, OptionsError> {
    let all: Vec<&str> = CardBrand::ALL.iter().map(|b| b.as_str()).collect();
    match BrandSet::from_names(names.iter().map(String::as_str)) {
        Ok(set) if set.is_empty() => fail(
            [
                "paymentMethodOptions.card.brands must name at least one brand: ",
                &quoted_list(&all),
            ]
            .concat(),
        ),
        Ok(set) => Ok(set),
        Err(name) => fail(
            [
                "paymentMethodOptions.card.brands: \"",
                name,
                "\" is not a card brand; use ",
                &quoted_list(&all),
            ]
            .concat(),
        ),
    }
}

fn layout_kind(option: &str, value: &str) -> Result<LayoutKind, OptionsError> {
    pick(
        option,
        value,
        LayoutKind::parse,
        LayoutKind::ALL,
        LayoutKind::as_str,
    )
}

fn appearance_from(raw: RawAppearance) -> Result<Appearance, OptionsError> {
    let mut appearance = Appearance::default();
    if let Some(theme) = &raw.theme {
        appearance.theme = ThemeChoice(pick(
            "appearance.theme",
            theme,
            Theme::parse,
            Theme::ALL,
            Theme::as_str,
        )?);
    }
    for (name, value) in raw.variables.unwrap_or_default() {
        let option = ["appearance.variables.", &name].concat();
        let Some(variable) = Variable::parse(&name) else {
            return fail(
                [
                    &option,
                    " is not a variable; use one of ",
                    &quoted_list(appearance::VARIABLES),
                ]
                .concat(),
            );
        };
        let value = appearance::check_value(&option, &value).map_err(OptionsError)?;
        appearance.variables.push((variable, value));
    }
    for (selector, declarations) in raw.rules.unwrap_or_default() {
        let selector = appearance::check_selector(&selector).map_err(OptionsError)?;
        let mut checked = Vec::with_capacity(declarations.len());
        for (property, value) in declarations {
            let name = appearance::check_property(&selector, &property).map_err(OptionsError)?;
            let option = ["appearance.rules[\"", &selector, "\"].", &property].concat();
            checked.push((
                name,
                appearance::check_value(&option, &value).map_err(OptionsError)?,
            ));
        }
        appearance.rules.push((selector, checked));
    }
    Ok(appearance)
}

fn fields_from(raw: RawBillingDetails) -> Result<Fields, OptionsError> {
    let each = match raw {
        RawBillingDetails::All(all) => {
            let v = visibility("fields.billingDetails", Some(&all))?;
            return Ok(Fields {
                name: v,
                email: v,
                country: v,
                postal_code: v,
            });
        }
        RawBillingDetails::Each(each) => each,
    };
    let (country, postal_code) = match &each.address {
        None => (FieldVisibility::Auto, FieldVisibility::Auto),
        Some(RawAddress::All(all)) => {
            let v = visibility("fields.billingDetails.address", Some(all))?;
            (v, v)
        }
        Some(RawAddress::Each(parts)) => (
            visibility(
                "fields.billingDetails.address.country",
                parts.country.as_ref(),
            )?,
            visibility(
                "fields.billingDetails.address.postalCode",
                parts.postal_code.as_ref(),
            )?,
        ),
    };
    Ok(Fields {
        name: visibility("fields.billingDetails.name", each.name.as_ref())?,
        email: visibility("fields.billingDetails.email", each.email.as_ref())?,
        country,
        postal_code,
    })
}

/// The methods the element shows, in display order: those the merchant accepts that
/// fit the mode, amount and currency, `paymentMethodOrder` first.
pub fn available_methods(options: &PaymentElementOptions) -> Vec<MethodKind> {
    let accepted = |kind: &MethodKind| {
        options
            .payment_method_types
            .as_ref()
            .is_none_or(|types| types.contains(kind))
    };
    let fits = |kind: &MethodKind| match kind {
        MethodKind::Card => true,
        // A mandate set up for later debits is in euros whatever the page says nothing
        // about (a setup intent has no currency).
        MethodKind::SepaDebit => {
            options.currency == Some(Currency::EUR)
                || (options.mode == Some(Mode::Setup) && options.currency.is_none())
        }
        // A wallet redirect pays an amount now, so it cannot set up a method alone.
        MethodKind::Ewallet => {
            options.mode != Some(Mode::Setup)
                && options.amount.is_some_and(|a| a.0 > 0)
                && !ewallet_channels(options.currency).is_empty()
        }
        // A QR code pays an amount now, in the one currency of its national standard.
        MethodKind::QrCode => {
            options.mode == Some(Mode::Payment)
                && options.amount.is_some_and(|a| a.0 > 0)
                && options
                    .currency
                    .is_some_and(|c| payment_core::api::QrChannel::for_currency(&c).is_some())
        }
    };
    let mut methods: Vec<MethodKind> = options
        .payment_method_order
        .iter()
        .chain(MethodKind::ALL)
        .copied()
        .filter(|k| accepted(k) && fits(k))
        .collect();
    let mut seen = Vec::with_capacity(methods.len());
    methods.retain(|k| {
        let first = !seen.contains(k);
        seen.push(*k);
        first
    });
    methods
}

/// Whether `tag` is shaped like a BCP 47 language tag (`fr`, `pt-BR`, `zh-Hant-TW`).
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The e-wallet channels that take `currency`.
pub fn ewallet_channels(currency: Option<Currency>) -> Vec<EwalletChannel> {
    currency.map_or_else(Vec::new, |currency| {
        EwalletChannel::ALL
            .into_iter()
            .filter(|c| c.supports(&currency))
            .collect()
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_payments_origin_is_an_origin_and_the_key_a_publishable_key() {
        let ok = PaymentsOrigin::new("https://payments.example/", "pk_test_abc123").unwrap();
        assert_eq!(ok.origin, "https://payments.example");
        assert_eq!(
            ok.frame_url("card", &[]),
            "https://payments.example/v1/card-frame?key=pk_test_abc123&fields=card"
        );
        assert_eq!(
            ok.frame_url("cvc", &[("brand", "amex"), ("last4", "0005"), ("x", "a&b=c")]),
            "https://payments.example/v1/card-frame?key=pk_test_abc123&fields=cvc&brand=amex&last4=0005"
        );
        assert!(PaymentsOrigin::new("http://127.0.0.1:8090", "pk_test_x").is_ok());
        for origin in [
            "payments.example",
            "https://payments.example/v1",
            "javascript:alert(1)",
            "https://user@payments.example",
            "https://",
        ] {
            assert!(
                PaymentsOrigin::new(origin, "pk_test_x")
                    .unwrap_err()
                    .0
                    .starts_with("paymentsOrigin must be"),
                "{origin}"
            );
        }
        // A secret key is never a browser's credential, and nothing odd goes into a URL.
        for key in ["sk_test_abc", "pk_", "pk_test_a&b", ""] {
            assert!(
                PaymentsOrigin::new("https://p.example", key).is_err(),
                "{key}"
            );
        }
        let raw: RawOptions = serde_json::from_str(r#"{"cardFields": "iframe"}"#).unwrap();
        assert_eq!(
            raw.validate().unwrap_err().0,
            "cardFields must be \"frame\" or \"inline\""
        );
    }

    use super::*;

    fn parse(json: &str) -> Result<PaymentElementOptions, OptionsError> {
        let raw: RawOptions =
            serde_json::from_str(json).map_err(|e| OptionsError(e.to_string()))?;
        raw.validate()
    }

    fn error(json: &str) -> String {
        parse(json).unwrap_err().0
    }

    #[test]
    fn a_language_without_a_catalogue_follows_the_browser() {
        let locale = |json: &str| {
            serde_json::from_str::<RawOptions>(json)
                .unwrap()
                .validate()
                .unwrap()
                .locale
        };
        assert_eq!(locale(r#"{"locale": "fr"}"#), LocaleChoice::Auto);
        assert_eq!(locale(r#"{"locale": "pt-BR"}"#), LocaleChoice::Auto);
        assert_eq!(
            locale(r#"{"locale": "de-AT"}"#),
            LocaleChoice::Fixed(Locale::De)
        );
    }

    #[test]
    fn accepted_card_brands_are_named_as_stripe_names_them() {
        assert!(parse("{}").unwrap().card_brands.is_all());
        let options =
            parse(r#"{"paymentMethodOptions": {"card": {"brands": ["amex", "visa"]}}}"#).unwrap();
        assert_eq!(
            options.card_brands.brands().collect::<Vec<_>>(),
            [CardBrand::Visa, CardBrand::Amex]
        );
        let unknown = parse(r#"{"paymentMethodOptions": {"card": {"brands": ["visa", "vsia"]}}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            unknown.starts_with(
                "paymentMethodOptions.card.brands: \"vsia\" is not a card brand; use \"visa\""
            ),
            "{unknown}"
        );
        let none = parse(r#"{"paymentMethodOptions": {"card": {"brands": []}}}"#)
            .unwrap_err()
            .to_string();
        assert!(none.contains("at least one brand"), "{none}");
    }

    #[test]
    fn stripes_default_values_read_only_and_unused_options_are_taken() {
        let options = parse(
            r#"{"defaultValues": {"billingDetails": {"name": " Jenny Rosen ", "email": "jenny@example.com",
                "phone": "+49 30 1234", "address": {"country": "de", "postal_code": "10115", "line1": "x"}}},
                "readOnly": true, "wallets": {"applePay": "never"}, "loader": "auto",
                "fonts": [{"cssSrc": "https://fonts.example/css"}], "terms": {"card": "never"}}"#,
        )
        .unwrap();
        assert_eq!(
            options.default_values,
            DefaultValues {
                name: Some("Jenny Rosen".to_owned()),
                email: Some("jenny@example.com".to_owned()),
                country: Some("DE".to_owned()),
                postal_code: Some("10115".to_owned()),
            }
        );
        assert!(options.read_only);
        let fields = parse(r#"{"fields": {"billingDetails": {"name": "if_required"}}}"#).unwrap();
        assert_eq!(fields.fields.name, FieldVisibility::Auto);
        assert_eq!(options.not_used, ["wallets", "terms other than sepaDebit"]);
        assert!(!options.sepa_mandate_hidden);
        let hidden = parse(r#"{"terms": {"sepaDebit": "never"}}"#).unwrap();
        assert!(hidden.sepa_mandate_hidden && hidden.not_used.is_empty());
        assert_eq!(
            error(r#"{"terms": {"card": "sometimes"}}"#),
            "terms.card must be \"auto\", \"always\" or \"never\""
        );
        assert_eq!(options.loader, Loader::Auto);
        assert_eq!(
            parse(r#"{"loader": "never"}"#).unwrap().loader,
            Loader::Never
        );
        assert!(parse("{}").unwrap().not_used.is_empty());
        assert_eq!(
            error(r#"{"loader": "sometimes"}"#),
            "loader must be \"auto\", \"always\" or \"never\""
        );
        assert!(error(
            r#"{"defaultValues": {"billingDetails": {"address": {"country": "Germany"}}}}"#
        )
        .starts_with("defaultValues.billingDetails.address.country must be"));
    }

    #[test]
    fn debug_output_never_shows_the_session_secret() {
        let raw: RawOptions = serde_json::from_str(
            r#"{"customerSessionClientSecret": "cuss_1_secret_Abcdef123456"}"#,
        )
        .unwrap();
        let debug = format!("{raw:?}");
        assert!(!debug.contains("Abcdef123456"), "{debug}");
        let options = raw.validate().unwrap();
        assert!(!format!("{options:?}").contains("Abcdef123456"));
    }

    #[test]
    fn stripe_shaped_options_parse() {
        let options = parse(
            r##"{
                "mode": "payment", "amount": 1999, "currency": "eur",
                "layout": {"type": "accordion", "defaultCollapsed": true, "radios": "always",
                           "spacedAccordionItems": true, "visibleAccordionItemsCount": 2,
                           "paymentMethodOrder": ["sepa_debit", "card"]},
                "locale": "de-AT",
                "strings": {"card_number": "Kartennr."},
                "appearance": {"theme": "night", "variables": {"colorPrimary": "#0570de"},
                               "rules": {".Input--invalid": {"boxShadow": "none"}}},
                "fields": {"billingDetails": {"name": "always", "address": {"postalCode": "never"}}},
                "business": {"name": "Rocket Rides"}
            }"##,
        )
        .unwrap();
        assert_eq!(options.layout.kind, LayoutKind::Accordion);
        assert!(options.layout.default_collapsed);
        assert_eq!(options.layout.radios, Radios::Always);
        assert!(options.layout.spaced_accordion_items);
        assert_eq!(options.layout.visible_accordion_items_count, 2);
        assert_eq!(options.amount, Some(MinorUnit(1999)));
        assert_eq!(options.locale, LocaleChoice::Fixed(Locale::De));
        assert_eq!(
            options.strings,
            vec![(Key::CardNumber, "Kartennr.".to_owned())]
        );
        assert_eq!(options.appearance.theme, ThemeChoice(Theme::Night));
        assert_eq!(options.appearance.rules[0].1[0].0, "box-shadow");
        assert_eq!(options.fields.name, FieldVisibility::Always);
        assert_eq!(options.fields.postal_code, FieldVisibility::Never);
        assert_eq!(options.fields.country, FieldVisibility::Auto);
        assert_eq!(options.business_name.as_deref(), Some("Rocket Rides"));
        assert_eq!(
            available_methods(&options),
            [MethodKind::SepaDebit, MethodKind::Card]
        );
    }

    #[test]
    fn deserialising_the_checked_type_validates() {
        let options: PaymentElementOptions =
            serde_json::from_str(r#"{"layout": {"type": "tabs"}}"#).unwrap();
        assert_eq!(options.layout.kind, LayoutKind::Tabs);
        let error =
            serde_json::from_str::<PaymentElementOptions>(r#"{"layout": {"type": "grid"}}"#)
                .unwrap_err()
                .to_string();
        assert!(
            error.starts_with("layout.type must be \"accordion\" or \"tabs\""),
            "{error}"
        );
    }

    #[test]
    fn layout_may_be_just_its_type() {
        assert_eq!(
            parse(r#"{"layout": "tabs"}"#).unwrap().layout.kind,
            LayoutKind::Tabs
        );
        assert_eq!(
            parse(r#"{"layout": {"radios": false}}"#)
                .unwrap()
                .layout
                .radios,
            Radios::Never
        );
        assert_eq!(parse("{}").unwrap().layout, Layout::default());
    }

    #[test]
    fn bad_options_are_named_in_the_error() {
        assert_eq!(
            error(r#"{"layout": {"type": "grid"}}"#),
            "layout.type must be \"accordion\" or \"tabs\""
        );
        assert_eq!(
            error(r#"{"layout": {"radios": "sometimes"}}"#),
            "layout.radios must be \"always\", \"never\" or \"if_multiple\""
        );
        assert!(error(r#"{"layout": {"visibleAccordionItemsCount": -1}}"#)
            .starts_with("layout.visibleAccordionItemsCount must be"));
        assert_eq!(
            error(r#"{"mode": "pay"}"#),
            "mode must be \"payment\", \"setup\" or \"subscription\""
        );
        assert_eq!(
            error(r#"{"mode": "payment", "currency": "eur"}"#),
            "amount is required when mode is \"payment\" or \"subscription\""
        );
        assert_eq!(
            error(r#"{"mode": "setup", "amount": 5, "currency": "eur"}"#),
            "amount must not be given when mode is \"setup\""
        );
        assert!(error(r#"{"amount": 0, "currency": "eur"}"#).starts_with("amount must be"));
        assert!(error(r#"{"currency": "euro"}"#).starts_with("currency must be"));
        assert_eq!(
            error(r#"{"paymentMethodTypes": ["card", "paypal"]}"#),
            "paymentMethodTypes[1] must be \"card\", \"sepa_debit\", \"ewallet\" or \"qr_code\""
        );
        assert!(error(r#"{"locale": "fr de"}"#).starts_with("locale must be"));
        assert!(error(r#"{"locale": ""}"#).starts_with("locale must be"));
        assert_eq!(
            error(r#"{"strings": {"card_numbr": "x"}}"#),
            "strings.card_numbr is not a message of the catalogue"
        );
        assert!(error(r#"{"appearance": {"theme": "dark"}}"#)
            .starts_with("appearance.theme must be \"stripe\", \"night\" or \"flat\""));
        assert!(
            error(r#"{"appearance": {"variables": {"colourPrimary": "red"}}}"#)
                .starts_with("appearance.variables.colourPrimary is not a variable")
        );
        assert!(
            error(r#"{"appearance": {"variables": {"colorPrimary": "red;x:y"}}}"#)
                .starts_with("appearance.variables.colorPrimary must be")
        );
        assert!(
            error(r#"{"appearance": {"rules": {"body": {"color": "red"}}}}"#)
                .contains("\"body\" is not a supported selector")
        );
        assert_eq!(
            error(r#"{"fields": {"billingDetails": {"email": "yes"}}}"#),
            "fields.billingDetails.email must be \"auto\", \"never\" or \"always\""
        );
        assert!(error(r#"{"layot": "tabs"}"#).contains("unknown field `layot`"));
    }

    #[test]
    fn an_option_set_that_leaves_no_method_is_refused() {
        let message = error(
            r#"{"mode": "payment", "amount": 100, "currency": "usd", "paymentMethodTypes": ["sepa_debit"]}"#,
        );
        assert!(message.starts_with("no payment method can be offered for currency \"usd\""));
    }

    fn methods(json: &str) -> Vec<MethodKind> {
        available_methods(&parse(json).unwrap())
    }

    #[test]
    fn methods_follow_mode_amount_and_currency() {
        use MethodKind::*;
        let pay = |currency: &str| {
            methods(&format!(
                r#"{{"mode": "payment", "amount": 10000, "currency": "{currency}"}}"#
            ))
        };
        assert_eq!(pay("eur"), [Card, SepaDebit]);
        // QR Ph for pesos, QRIS for rupiah: the national QR standards.
        assert_eq!(pay("php"), [Card, Ewallet, QrCode]);
        assert_eq!(pay("idr"), [Card, Ewallet, QrCode]);
        assert_eq!(pay("usd"), [Card]);
        assert_eq!(
            methods(r#"{"mode": "setup", "currency": "eur"}"#),
            [Card, SepaDebit]
        );
        assert_eq!(methods(r#"{"mode": "setup", "currency": "php"}"#), [Card]);
        // A setup intent has no currency: a card, or a SEPA mandate (in euros).
        assert_eq!(methods(r#"{"mode": "setup"}"#), [Card, SepaDebit]);
        // A QR code pays now: not for a subscription's setup or without an amount.
        assert_eq!(
            methods(r#"{"mode": "subscription", "amount": 5, "currency": "idr"}"#),
            [Card, Ewallet]
        );
        assert_eq!(
            methods(
                r#"{"mode": "payment", "amount": 1, "currency": "php", "paymentMethodTypes": ["ewallet"]}"#
            ),
            [Ewallet]
        );
        assert_eq!(
            methods(
                r#"{"mode": "payment", "amount": 1, "currency": "php", "paymentMethodOrder": ["ewallet"]}"#
            ),
            [Ewallet, Card, QrCode]
        );
    }

    #[test]
    fn wallets_are_those_of_the_currency() {
        use EwalletChannel::*;
        assert_eq!(
            ewallet_channels(Some(Currency::PHP)),
            [Gcash, Paymaya, Shopeepay]
        );
        assert_eq!(
            ewallet_channels(Some(Currency::IDR)),
            [Shopeepay, Ovo, Dana]
        );
        assert!(ewallet_channels(Some(Currency::EUR)).is_empty());
        assert!(ewallet_channels(None).is_empty());
    }
}
