//! Saved payment methods and the save-for-future-use consent, as plain functions: which
//! saved methods show and in what order, how each one reads, which one is chosen first,
//! where the arrow keys go, the consent sentence and record, and the body of
//! `POST /api/confirmation_tokens` the element's state makes. Components only wire
//! signals to these.
//!
//! How the element learns about the customer session: the page passes what
//! `POST /api/customer_sessions` returned, as `customerSessionClientSecret` and
//! `customerSessionFeatures` (the session's `components.payment_element.features`,
//! verbatim). Stripe.js asks Stripe for the features; this merchant API has no call
//! that returns them, and the page already holds them. With a secret but no features,
//! saved methods are shown and nothing else is enabled.

use crate::model::locale::{Catalogue, Key};
use crate::model::options::OptionsError;
use crate::model::types::{MethodKind, Mode};
use payment_core::api::{
    CardPreview, ConsentRecord, CreateConfirmationToken, PaymentElementFeatures, PaymentMethodData,
    PaymentMethodType, SavedPaymentMethod, SetupFutureUsage, Timestamp,
};
use payment_core::card::{CardBrand, YearMonth};
use payment_core::money::Currency;
use payment_core::secret::ClientSecret;
use serde::Deserialize;

/// What the options say about saved methods and saving.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SavedMethodsOptions {
    /// `customerSessionClientSecret`: the bearer for the customer-session calls.
    pub client_secret: Option<ClientSecret>,
    /// `customerSessionFeatures`: what the session enables.
    pub features: PaymentElementFeatures,
    /// `paymentMethodOptions.card.require_cvc_recollection`: a saved card needs its CVC.
    pub require_cvc_recollection: bool,
    /// `savedPaymentMethods.hideExpired`: leave expired cards out instead of disabling them.
    pub hide_expired: bool,
}

/// `paymentMethodOptions`, as Stripe spells it for deferred intents.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPaymentMethodOptions {
    /// Card options.
    pub card: Option<RawCardOptions>,
}

/// `paymentMethodOptions.card`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCardOptions {
    /// Ask for a saved card's CVC again.
    pub require_cvc_recollection: Option<bool>,
    /// The brands accepted, as Stripe names them (read by the options, not here).
    pub brands: Option<Vec<String>>,
}

/// `savedPaymentMethods`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawSavedPaymentMethods {
    /// Leave expired cards out instead of showing them disabled.
    pub hide_expired: Option<bool>,
}

impl SavedMethodsOptions {
    /// Checks the options about saved methods.
    pub fn from_raw(
        secret: Option<ClientSecret>,
        features: Option<PaymentElementFeatures>,
        method_options: Option<RawPaymentMethodOptions>,
        saved: Option<RawSavedPaymentMethods>,
    ) -> Result<SavedMethodsOptions, OptionsError> {
        let client_secret = match secret {
            Some(s) if s.is_empty() || s.expose().contains(char::is_whitespace) => {
                return Err(OptionsError(
                    "customerSessionClientSecret must be the client_secret of a customer \
                     session, without spaces"
                        .to_owned(),
                ))
            }
            other => other,
        };
        if features.is_some() && client_secret.is_none() {
            return Err(OptionsError(
                "customerSessionFeatures needs customerSessionClientSecret".to_owned(),
            ));
        }
        Ok(SavedMethodsOptions {
            client_secret,
            features: features.unwrap_or_else(Self::features_for_secret_only),
            require_cvc_recollection: method_options
                .and_then(|o| o.card)
                .and_then(|c| c.require_cvc_recollection)
                .unwrap_or(false),
            hide_expired: saved.and_then(|s| s.hide_expired).unwrap_or(false),
        })
    }

    /// The features when only a secret is given: show saved methods, nothing else.
    pub fn features_for_secret_only() -> PaymentElementFeatures {
        PaymentElementFeatures {
            payment_method_redisplay: payment_core::api::Toggle::Enabled,
            ..PaymentElementFeatures::default()
        }
    }

    /// Whether saved methods are loaded at all.
    pub fn redisplays(&self) -> bool {
        self.client_secret.is_some() && self.features.payment_method_redisplay.is_enabled()
    }

    /// Whether removing saved methods is offered.
    pub fn removes(&self) -> bool {
        self.client_secret.is_some() && self.features.payment_method_remove.is_enabled()
    }

    /// The usage a ticked consent box asks for, when the box is offered at all: only with
    /// a session (the saved method needs a customer) and in payment mode (setting up a
    /// method saves it anyway).
    pub fn save_usage(&self, mode: Option<Mode>) -> Option<SetupFutureUsage> {
        let offered = self.client_secret.is_some()
            && self.features.payment_method_save.is_enabled()
            && matches!(mode, None | Some(Mode::Payment));
        offered.then(|| {
            self.features
                .payment_method_save_usage
                .unwrap_or(SetupFutureUsage::OffSession)
        })
    }
}

/// Which choice of the saved-methods radio group is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// A saved method, by id.
    Saved(String),
    /// The new-method form.
    New,
}

/// The element's kind of a saved method; `None` for a type this build does not know.
pub fn method_kind(method: &SavedPaymentMethod) -> Option<MethodKind> {
    match method.kind {
        PaymentMethodType::Card => Some(MethodKind::Card),
        PaymentMethodType::SepaDebit => Some(MethodKind::SepaDebit),
        PaymentMethodType::Ewallet => Some(MethodKind::Ewallet),
        // A QR code pays once: never saved, so never listed.
        PaymentMethodType::QrCode | PaymentMethodType::Unknown => None,
    }
}

/// Whether a card's last valid month is before `today` (cards work through the end of
/// their expiry month).
pub fn card_expired(card: &CardPreview, today: YearMonth) -> bool {
    YearMonth::new(card.exp_year, card.exp_month) < today
}

/// Whether a saved method can no longer pay: an expired card.
pub fn is_expired(method: &SavedPaymentMethod, today: YearMonth) -> bool {
    method.card.as_ref().is_some_and(|c| card_expired(c, today))
}

/// Whether the customer can pick it: a known kind, complete, not expired.
pub fn is_usable(method: &SavedPaymentMethod, today: YearMonth) -> bool {
    let complete = match method.kind {
        PaymentMethodType::Card => method.card.is_some(),
        PaymentMethodType::SepaDebit => method.sepa_debit.is_some(),
        PaymentMethodType::Ewallet => method.ewallet.is_some(),
        // A QR code pays once and is never saved.
        PaymentMethodType::QrCode | PaymentMethodType::Unknown => false,
    };
    complete && !is_expired(method, today)
}

/// What the element takes now, which decides the saved methods it lists.
pub struct Listing<'a> {
    /// The methods offered (they follow the currency and `paymentMethodTypes`).
    pub kinds: &'a [MethodKind],
    /// The currency, which an e-wallet's channel must take.
    pub currency: Option<Currency>,
    /// `savedPaymentMethods.hideExpired`.
    pub hide_expired: bool,
    /// This month.
    pub today: YearMonth,
}

/// Whether `method` can pay here: its kind is offered and, for an e-wallet, its channel
/// takes the currency (a GCash account cannot pay an IDR cart, nor SEPA a PHP one).
pub fn payable(
    method: &SavedPaymentMethod,
    kinds: &[MethodKind],
    currency: Option<Currency>,
) -> bool {
    let offered = method_kind(method).is_some_and(|kind| kinds.contains(&kind));
    let channel_ok = match &method.ewallet {
        Some(wallet) if method.kind == PaymentMethodType::Ewallet => {
            currency.is_some_and(|c| wallet.channel_code.supports(&c))
        }
        _ => true,
    };
    offered && channel_ok
}

/// The methods to list, most recent first (the server already sorts; a stable sort
/// keeps its order for equal times): those that can pay here and, with
/// `hide_expired`, not expired.
pub fn listed(methods: &[SavedPaymentMethod], listing: &Listing) -> Vec<SavedPaymentMethod> {
    let mut out: Vec<SavedPaymentMethod> = methods
        .iter()
        .filter(|m| {
            payable(m, listing.kinds, listing.currency)
                && !(listing.hide_expired && is_expired(m, listing.today))
        })
        .cloned()
        .collect();
    // Insertion sort: stable, and far smaller in wasm than the standard library's sort
    // for lists this short.
    for i in 1..out.len() {
        let mut j = i;
        while j > 0 && out[j - 1].created < out[j].created {
            out.swap(j - 1, j);
            j -= 1;
        }
    }
    out
}

/// Of the listed methods, those shown now and whether "Show more" hides the rest: the
/// first `limit`, all once expanded, and the chosen one always, so the checked radio
/// never disappears.
pub fn shown(
    listed: &[SavedPaymentMethod],
    limit: usize,
    expanded: bool,
    choice: &Choice,
) -> (Vec<SavedPaymentMethod>, bool) {
    if expanded || listed.len() <= limit {
        return (listed.to_vec(), false);
    }
    let out: Vec<SavedPaymentMethod> = listed
        .iter()
        .enumerate()
        .filter(|(i, m)| *i < limit || *choice == Choice::Saved(m.id.clone()))
        .map(|(_, m)| m.clone())
        .collect();
    let more = out.len() < listed.len();
    (out, more)
}

/// The choice checked once the methods arrive: the most recent usable one, else the
/// new-method form.
pub fn default_choice(listed: &[SavedPaymentMethod], today: YearMonth) -> Choice {
    listed
        .iter()
        .find(|m| is_usable(m, today))
        .map_or(Choice::New, |m| Choice::Saved(m.id.clone()))
}

/// The choice an arrow key moves to among the usable shown methods and the
/// new-method form (last), wrapping around; `None` for other keys.
pub fn step(choices: &[Choice], from: &Choice, key: &str) -> Option<Choice> {
    let at = choices.iter().position(|c| c == from);
    let index = crate::model::layout::step_index(choices.len(), at, key)?;
    choices.get(index).cloned()
}

/// `•••• 4242`.
pub fn masked(last4: &str) -> String {
    ["•••• ", last4].concat()
}

/// The short name of a saved method, as the removal question uses it: `•••• 4242`
/// for cards and SEPA accounts, the wallet's name for e-wallets.
pub fn short_label(method: &SavedPaymentMethod) -> String {
    if let Some(card) = &method.card {
        masked(&card.last4)
    } else if let Some(sepa) = &method.sepa_debit {
        masked(&sepa.last4)
    } else if let Some(wallet) = &method.ewallet {
        wallet.channel_code.display_name().to_owned()
    } else {
        String::new()
    }
}

/// The brand's name, or the generic word for a card of a brand this build does not know.
pub fn brand_name(card: &CardPreview, catalogue: &Catalogue) -> String {
    card.brand().map_or_else(
        || catalogue.get(Key::BrandUnknown).to_owned(),
        |b| b.display_name().to_owned(),
    )
}

/// The brand's `data-brand` value for the badge.
pub fn brand_key(card: &CardPreview) -> &'static str {
    card.brand().map_or("unknown", CardBrand::as_str)
}

/// `MM/YY`.
pub fn expiry(card: &CardPreview) -> String {
    let month = card.exp_month.min(12);
    let year = card.exp_year % 100;
    [
        char::from(b'0' + month / 10),
        char::from(b'0' + month % 10),
        '/',
        char::from(b'0' + (year / 10) as u8),
        char::from(b'0' + (year % 10) as u8),
    ]
    .iter()
    .collect()
}

/// The lines a saved method shows: its name (brand, bank or wallet), its number or
/// account, and a detail (expiry, or "Expired").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemText {
    /// Brand, "SEPA Direct Debit" (with the bank code) or the wallet.
    pub name: String,
    /// `•••• 4242`, or the wallet's account label.
    pub number: String,
    /// `Expires 12/34`, `Expired`, or nothing.
    pub detail: String,
}

/// How a saved method reads in `catalogue`'s language as of `today`.
pub fn item_text(method: &SavedPaymentMethod, catalogue: &Catalogue, today: YearMonth) -> ItemText {
    if let Some(card) = &method.card {
        let detail = if card_expired(card, today) {
            catalogue.get(Key::SavedExpired).to_owned()
        } else {
            catalogue.fill(Key::SavedExpires, &[("date", &expiry(card))])
        };
        ItemText {
            name: brand_name(card, catalogue),
            number: masked(&card.last4),
            detail,
        }
    } else if let Some(sepa) = &method.sepa_debit {
        let method_name = catalogue.get(Key::MethodSepaDebit);
        let name = match sepa.bank_code.as_deref().filter(|c| !c.is_empty()) {
            Some(bank) => [method_name, " · ", bank].concat(),
            None => method_name.to_owned(),
        };
        ItemText {
            name,
            number: masked(&sepa.last4),
            detail: String::new(),
        }
    } else if let Some(wallet) = &method.ewallet {
        ItemText {
            name: wallet.channel_code.display_name().to_owned(),
            number: wallet.account_label.clone().unwrap_or_default(),
            detail: String::new(),
        }
    } else {
        ItemText {
            name: String::new(),
            number: String::new(),
            detail: String::new(),
        }
    }
}

/// The CVC length a saved card asks for (4 for American Express, else 3; 4 while the
/// brand is unknown, as the new-card form does).
pub fn cvc_brand(method: &SavedPaymentMethod) -> Option<CardBrand> {
    method.card.as_ref().and_then(CardPreview::brand)
}

/// Whether choosing `method` asks for its CVC again.
pub fn needs_cvc(method: &SavedPaymentMethod, require_cvc_recollection: bool) -> bool {
    require_cvc_recollection && method.kind == PaymentMethodType::Card
}

/// Whether a new method of `kind` can be saved for future use: cards, SEPA mandates and
/// e-wallet tokens; not a QR code, which pays once.
pub fn can_be_saved(kind: MethodKind) -> bool {
    match kind {
        MethodKind::Card | MethodKind::SepaDebit | MethodKind::Ewallet => true,
        MethodKind::QrCode => false,
    }
}

/// The consent sentence, exactly as shown, with the business's name (or the catalogue's
/// neutral word for the merchant).
pub fn consent_text(catalogue: &Catalogue, business: Option<&str>) -> String {
    let business = business
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| catalogue.get(Key::BusinessFallback));
    catalogue.fill(Key::SaveConsent, &[("business", business)])
}

/// What the customer agreed to when ticking the box at `accepted_at` (Unix seconds).
pub fn consent_record(
    catalogue: &Catalogue,
    business: Option<&str>,
    accepted_at: Timestamp,
    usage: SetupFutureUsage,
) -> ConsentRecord {
    ConsentRecord {
        text: consent_text(catalogue, business),
        locale: catalogue.locale.as_str().to_owned(),
        accepted_at,
        usage,
    }
}

/// What the customer chose to pay with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentChoice {
    /// A saved method (its CVC, when asked for again, goes to the payments origin).
    Saved {
        /// `pm_…`.
        id: String,
    },
    /// New details, with the consent when the box was ticked.
    New {
        /// The details.
        data: Box<PaymentMethodData>,
        /// The consent; its usage becomes `setup_future_usage`.
        consent: Option<ConsentRecord>,
    },
}

/// The body of `POST /api/confirmation_tokens` for `choice`: either `payment_method` or
/// `payment_method_data` (+ `setup_future_usage` and `consent`). A saved card's CVC
/// typed again is not in it: the payments origin tokenizes it
/// ([`crate::model::vaulted::Vaulted::Cvc`]) and its token goes in at the last moment.
pub fn confirmation_token_request(
    choice: PaymentChoice,
    return_url: Option<String>,
) -> CreateConfirmationToken {
    match choice {
        PaymentChoice::Saved { id } => CreateConfirmationToken {
            payment_method: Some(id),
            return_url,
            ..CreateConfirmationToken::default()
        },
        PaymentChoice::New { data, consent } => CreateConfirmationToken {
            payment_method_data: Some(*data),
            setup_future_usage: consent.as_ref().map(|c| c.usage),
            consent,
            return_url,
            ..CreateConfirmationToken::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::locale::Locale;
    use payment_core::api::{AllowRedisplay, EwalletChannel, EwalletPreview, SepaPreview, Toggle};

    const TODAY: YearMonth = YearMonth::new(2026, 11);

    fn card(
        id: &str,
        created: Timestamp,
        brand: &str,
        last4: &str,
        exp: (u8, u16),
    ) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: id.into(),
            kind: PaymentMethodType::Card,
            created,
            allow_redisplay: AllowRedisplay::Always,
            card: Some(CardPreview {
                brand: brand.into(),
                last4: last4.into(),
                exp_month: exp.0,
                exp_year: exp.1,
                funding: None,
            }),
            sepa_debit: None,
            ewallet: None,
        }
    }

    fn sepa(id: &str, created: Timestamp) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: id.into(),
            kind: PaymentMethodType::SepaDebit,
            created,
            allow_redisplay: AllowRedisplay::Always,
            card: None,
            sepa_debit: Some(SepaPreview {
                country: "DE".into(),
                bank_code: Some("37040044".into()),
                last4: "3000".into(),
            }),
            ewallet: None,
        }
    }

    fn wallet(id: &str, created: Timestamp) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: id.into(),
            kind: PaymentMethodType::Ewallet,
            created,
            allow_redisplay: AllowRedisplay::Always,
            card: None,
            sepa_debit: None,
            ewallet: Some(EwalletPreview {
                channel_code: EwalletChannel::Gcash,
                account_label: Some("+63 •••• 1234".into()),
            }),
        }
    }

    fn ids(methods: &[SavedPaymentMethod]) -> Vec<&str> {
        methods.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn listed_is_newest_first_without_unknown_kinds() {
        let mut unknown = sepa("pm_x", 50);
        unknown.kind = PaymentMethodType::Unknown;
        let all = [
            card("pm_a", 10, "visa", "4242", (12, 2030)),
            sepa("pm_b", 30),
            unknown,
            wallet("pm_c", 20),
        ];
        let php = Currency::new("php").unwrap();
        assert_eq!(
            ids(&listed(&all, &everything(Some(php), false))),
            ["pm_b", "pm_c", "pm_a"]
        );
    }

    /// Every kind offered, in `currency`.
    fn everything(currency: Option<Currency>, hide_expired: bool) -> Listing<'static> {
        Listing {
            kinds: &[MethodKind::Card, MethodKind::SepaDebit, MethodKind::Ewallet],
            currency,
            hide_expired,
            today: TODAY,
        }
    }

    #[test]
    fn only_methods_that_can_pay_here_are_listed() {
        let all = [
            card("pm_card", 10, "visa", "4242", (12, 2030)),
            sepa("pm_sepa", 30),
            wallet("pm_gcash", 20),
        ];
        let listing = |kinds, code: &str| Listing {
            kinds,
            currency: Some(Currency::new(code).unwrap()),
            hide_expired: false,
            today: TODAY,
        };
        // What each market offers (options::available_methods).
        let eur = listing(&[MethodKind::Card, MethodKind::SepaDebit], "eur");
        let php = listing(&[MethodKind::Card, MethodKind::Ewallet], "php");
        let idr = listing(&[MethodKind::Card, MethodKind::Ewallet], "idr");
        let cards_only = listing(&[MethodKind::Card], "eur");
        assert_eq!(ids(&listed(&all, &eur)), ["pm_sepa", "pm_card"]);
        assert_eq!(ids(&listed(&all, &php)), ["pm_gcash", "pm_card"]);
        assert_eq!(ids(&listed(&all, &idr)), ["pm_card"], "GCash takes no IDR");
        assert_eq!(ids(&listed(&all, &cards_only)), ["pm_card"]);
        assert_eq!(
            default_choice(&listed(&all, &idr), TODAY),
            Choice::Saved("pm_card".into())
        );
    }

    #[test]
    fn expiry_is_checked_against_this_month() {
        let this_month = card("pm_now", 1, "visa", "4242", (11, 2026));
        let last_month = card("pm_old", 2, "visa", "4242", (10, 2026));
        let last_year = card("pm_older", 3, "visa", "4242", (12, 2025));
        assert!(!is_expired(&this_month, TODAY));
        assert!(is_expired(&last_month, TODAY));
        assert!(is_expired(&last_year, TODAY));
        assert!(!is_usable(&last_month, TODAY));
        assert!(is_usable(&sepa("pm_s", 1), TODAY));
        let all = [this_month, last_month, last_year];
        let eur = Some(Currency::EUR);
        assert_eq!(ids(&listed(&all, &everything(eur, true))), ["pm_now"]);
        assert_eq!(listed(&all, &everything(eur, false)).len(), 3);
    }

    #[test]
    fn show_more_hides_beyond_the_limit_but_never_the_choice() {
        let all: Vec<SavedPaymentMethod> = (0..5)
            .map(|i| card(&format!("pm_{i}"), 100 - i, "visa", "4242", (12, 2030)))
            .collect();
        let (first, more) = shown(&all, 3, false, &Choice::New);
        assert_eq!(ids(&first), ["pm_0", "pm_1", "pm_2"]);
        assert!(more);
        let (every, more) = shown(&all, 3, true, &Choice::New);
        assert_eq!(every.len(), 5);
        assert!(!more);
        let (with_choice, more) = shown(&all, 3, false, &Choice::Saved("pm_4".into()));
        assert_eq!(ids(&with_choice), ["pm_0", "pm_1", "pm_2", "pm_4"]);
        assert!(more);
        let (few, more) = shown(&all[..2], 3, false, &Choice::New);
        assert_eq!(few.len(), 2);
        assert!(!more);
    }

    #[test]
    fn the_most_recent_usable_method_is_chosen_first() {
        let expired = card("pm_old", 9, "visa", "0002", (1, 2020));
        let ok = card("pm_ok", 5, "visa", "4242", (12, 2030));
        assert_eq!(
            default_choice(&[expired.clone(), ok], TODAY),
            Choice::Saved("pm_ok".into())
        );
        assert_eq!(default_choice(&[expired], TODAY), Choice::New);
        assert_eq!(default_choice(&[], TODAY), Choice::New);
    }

    #[test]
    fn arrow_keys_walk_the_choices_and_wrap() {
        let choices = [
            Choice::Saved("pm_a".into()),
            Choice::Saved("pm_b".into()),
            Choice::New,
        ];
        assert_eq!(
            step(&choices, &Choice::Saved("pm_a".into()), "ArrowDown"),
            Some(Choice::Saved("pm_b".into()))
        );
        assert_eq!(
            step(&choices, &Choice::New, "ArrowDown"),
            Some(Choice::Saved("pm_a".into()))
        );
        assert_eq!(
            step(&choices, &Choice::Saved("pm_a".into()), "ArrowUp"),
            Some(Choice::New)
        );
        assert_eq!(
            step(&choices, &Choice::New, "Home"),
            Some(choices[0].clone())
        );
        assert_eq!(step(&choices, &Choice::New, "x"), None);
        assert_eq!(step(&[], &Choice::New, "ArrowDown"), None);
    }

    #[test]
    fn items_read_as_brand_number_and_expiry() {
        let en = Catalogue::new(Locale::En, &[]);
        let de = Catalogue::new(Locale::De, &[]);
        let visa = card("pm_v", 1, "visa", "4242", (3, 2031));
        assert_eq!(
            item_text(&visa, &en, TODAY),
            ItemText {
                name: "Visa".into(),
                number: "•••• 4242".into(),
                detail: "Expires 03/31".into(),
            }
        );
        assert_eq!(item_text(&visa, &de, TODAY).detail, "Gültig bis 03/31");
        let old = card("pm_o", 1, "mastercard", "4444", (1, 2020));
        assert_eq!(item_text(&old, &en, TODAY).detail, "Expired");
        assert_eq!(item_text(&old, &de, TODAY).detail, "Abgelaufen");
        let odd = card("pm_u", 1, "acme", "1111", (1, 2030));
        assert_eq!(item_text(&odd, &en, TODAY).name, "Card");
        assert_eq!(brand_key(&odd.card.unwrap()), "unknown");
        let s = item_text(&sepa("pm_s", 1), &en, TODAY);
        assert_eq!(s.name, "SEPA Direct Debit · 37040044");
        assert_eq!(s.number, "•••• 3000");
        let w = item_text(&wallet("pm_w", 1), &en, TODAY);
        assert_eq!(
            (w.name.as_str(), w.number.as_str()),
            ("GCash", "+63 •••• 1234")
        );
        assert_eq!(short_label(&visa), "•••• 4242");
        assert_eq!(short_label(&wallet("pm_w", 1)), "GCash");
    }

    #[test]
    fn cvc_is_asked_for_saved_cards_only_and_follows_the_brand() {
        let amex = card("pm_x", 1, "amex", "0005", (12, 2030));
        assert!(needs_cvc(&amex, true));
        assert!(!needs_cvc(&amex, false));
        assert!(!needs_cvc(&sepa("pm_s", 1), true));
        let brand = cvc_brand(&amex);
        assert_eq!(brand, Some(CardBrand::Amex));
        use crate::model::form::{cvc_error, format_cvc, Stage};
        assert_eq!(format_cvc("12345", brand), "1234");
        assert_eq!(
            cvc_error("123", brand, Stage::Left),
            Some(Key::CvcIncomplete)
        );
        assert_eq!(cvc_error("1234", brand, Stage::Left), None);
        let visa = cvc_brand(&card("pm_v", 1, "visa", "4242", (12, 2030)));
        assert_eq!(format_cvc("1234", visa), "123");
    }

    #[test]
    fn consent_names_the_business_in_the_customers_language() {
        let en = Catalogue::new(Locale::En, &[]);
        assert_eq!(
            consent_text(&en, Some("Rocket Rides")),
            "Save my payment details with Rocket Rides for future purchases"
        );
        assert_eq!(
            consent_text(&Catalogue::new(Locale::De, &[]), Some("Rocket Rides")),
            "Meine Zahlungsdaten bei Rocket Rides für zukünftige Einkäufe speichern"
        );
        assert_eq!(
            consent_text(&Catalogue::new(Locale::Id, &[]), None),
            "Simpan detail pembayaran saya di penjual untuk pembelian berikutnya"
        );
        let record = consent_record(
            &Catalogue::new(Locale::De, &[]),
            Some("Rocket Rides"),
            1_790_000_000,
            SetupFutureUsage::OnSession,
        );
        assert_eq!(record.locale, "de");
        assert_eq!(record.accepted_at, 1_790_000_000);
        assert_eq!(record.usage, SetupFutureUsage::OnSession);
        assert!(record.text.contains("Rocket Rides"));
    }

    #[test]
    fn saving_is_offered_with_a_session_that_enables_it_in_payment_mode() {
        let mut options = SavedMethodsOptions::default();
        assert_eq!(options.save_usage(None), None);
        options.client_secret = Some(ClientSecret::new("cuss_1_secret_x"));
        assert_eq!(options.save_usage(None), None);
        options.features.payment_method_save = Toggle::Enabled;
        assert_eq!(
            options.save_usage(Some(Mode::Payment)),
            Some(SetupFutureUsage::OffSession)
        );
        options.features.payment_method_save_usage = Some(SetupFutureUsage::OnSession);
        assert_eq!(options.save_usage(None), Some(SetupFutureUsage::OnSession));
        assert_eq!(options.save_usage(Some(Mode::Setup)), None);
        assert!(!options.redisplays());
        options.features = SavedMethodsOptions::features_for_secret_only();
        assert!(options.redisplays());
        assert!(!options.removes());
        assert!(MethodKind::ALL
            .iter()
            .all(|&k| can_be_saved(k) == (k != MethodKind::QrCode)));
    }

    fn parse(json: &str) -> Result<crate::model::options::PaymentElementOptions, OptionsError> {
        let raw: crate::model::options::RawOptions =
            serde_json::from_str(json).map_err(|e| OptionsError(e.to_string()))?;
        raw.validate()
    }

    #[test]
    fn session_options_parse_and_never_show_the_secret() {
        let options = parse(
            r#"{"customerSessionClientSecret": "cuss_1_secret_abcdef",
                "customerSessionFeatures": {"payment_method_redisplay": "enabled",
                    "payment_method_redisplay_limit": 5, "payment_method_save": "enabled",
                    "payment_method_save_usage": "on_session", "payment_method_remove": "enabled"},
                "paymentMethodOptions": {"card": {"require_cvc_recollection": true}},
                "savedPaymentMethods": {"hideExpired": true}}"#,
        )
        .unwrap();
        let saved = &options.saved;
        assert_eq!(
            saved.client_secret.as_ref().map(ClientSecret::expose),
            Some("cuss_1_secret_abcdef")
        );
        assert_eq!(saved.features.redisplay_limit(), 5);
        assert!(saved.removes() && saved.redisplays());
        assert_eq!(saved.save_usage(None), Some(SetupFutureUsage::OnSession));
        assert!(saved.require_cvc_recollection && saved.hide_expired);
        assert!(!format!("{options:?}").contains("abcdef"));

        let secret_only = parse(r#"{"customerSessionClientSecret": "cuss_1_secret_x"}"#).unwrap();
        assert!(secret_only.saved.redisplays());
        assert_eq!(secret_only.saved.save_usage(None), None);
        assert!(!parse("{}").unwrap().saved.redisplays());
        assert!(parse(r#"{"customerSessionClientSecret": " "}"#)
            .unwrap_err()
            .0
            .starts_with("customerSessionClientSecret must be"));
        assert!(parse(r#"{"customerSessionFeatures": {}}"#)
            .unwrap_err()
            .0
            .starts_with("customerSessionFeatures needs"));
    }

    fn card_data() -> PaymentMethodData {
        PaymentMethodData {
            kind: PaymentMethodType::Card,
            card: None,
            sepa_debit: None,
            ewallet: None,
            qr_code: None,
            billing_details: None,
        }
    }

    #[test]
    fn a_saved_choice_sends_its_id_and_no_card_data() {
        let request = confirmation_token_request(
            PaymentChoice::Saved { id: "pm_1".into() },
            Some("/complete".into()),
        );
        assert_eq!(request.payment_method.as_deref(), Some("pm_1"));
        assert_eq!(request.payment_method_data, None);
        // A CVC typed again is tokenized by the payments origin, never sent here.
        assert_eq!(request.payment_method_options, None);
        assert_eq!(request.setup_future_usage, None);
        assert_eq!(request.consent, None);
        assert_eq!(request.return_url.as_deref(), Some("/complete"));
    }

    #[test]
    fn a_new_choice_with_consent_asks_to_save_it() {
        let consent = consent_record(
            &Catalogue::new(Locale::En, &[]),
            Some("Rocket Rides"),
            1_790_000_000,
            SetupFutureUsage::OffSession,
        );
        let request = confirmation_token_request(
            PaymentChoice::New {
                data: Box::new(card_data()),
                consent: Some(consent.clone()),
            },
            None,
        );
        assert_eq!(request.payment_method, None);
        assert_eq!(request.payment_method_data, Some(card_data()));
        assert_eq!(
            request.setup_future_usage,
            Some(SetupFutureUsage::OffSession)
        );
        assert_eq!(request.consent, Some(consent));
        let plain = confirmation_token_request(
            PaymentChoice::New {
                data: Box::new(card_data()),
                consent: None,
            },
            None,
        );
        assert_eq!(plain.setup_future_usage, None);
        assert_eq!(plain.consent, None);
        // The server refuses a consent without a matching usage: they always travel together.
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["consent"]["usage"], json["setup_future_usage"]);
    }
}
