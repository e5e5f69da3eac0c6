//! Wire types of the merchant API (see DESIGN.md): what the widget sends and what the
//! server answers.
//!
//! Requests are strict (`deny_unknown_fields`): the server refuses what it does not
//! understand. Everything a widget decodes is lenient: unknown enum values become
//! `Unknown`, unknown fields are ignored, so a newer server never breaks an older widget.

use crate::card::CardBrand;
use crate::error::ApiError;
use crate::money::{Currency, MinorUnit};
use crate::secret::{ClientSecret, IbanNumber};
use serde::{Deserialize, Serialize};

/// Unix time in seconds.
pub type Timestamp = i64;

/// The state of a payment intent, as the wire names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentIntentStatus {
    /// Needs a (new) payment method: initial state, or after a failure.
    RequiresPaymentMethod,
    /// Has a payment method, waiting to be confirmed.
    RequiresConfirmation,
    /// The customer must act: 3-D Secure, a bank or wallet page.
    RequiresAction,
    /// Submitted; the result follows asynchronously (SEPA, some wallets).
    Processing,
    /// Authorised, to be captured by the merchant.
    RequiresCapture,
    /// Canceled or expired; no money moves.
    Canceled,
    /// The money moved.
    Succeeded,
    /// A status this build does not know.
    #[serde(other)]
    Unknown,
}

impl PaymentIntentStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiresPaymentMethod => "requires_payment_method",
            Self::RequiresConfirmation => "requires_confirmation",
            Self::RequiresAction => "requires_action",
            Self::Processing => "processing",
            Self::RequiresCapture => "requires_capture",
            Self::Canceled => "canceled",
            Self::Succeeded => "succeeded",
            Self::Unknown => "unknown",
        }
    }

    /// No further transition can happen without a new confirm.
    pub fn is_terminal(self) -> bool {
        match self {
            Self::Canceled | Self::Succeeded => true,
            Self::RequiresPaymentMethod
            | Self::RequiresConfirmation
            | Self::RequiresAction
            | Self::Processing
            | Self::RequiresCapture
            | Self::Unknown => false,
        }
    }

    /// The customer's payment went through (money moved or is authorised).
    pub fn is_paid(self) -> bool {
        match self {
            Self::Succeeded | Self::RequiresCapture => true,
            Self::RequiresPaymentMethod
            | Self::RequiresConfirmation
            | Self::RequiresAction
            | Self::Processing
            | Self::Canceled
            | Self::Unknown => false,
        }
    }

    /// A status page should keep polling: the outcome is still on its way.
    pub fn should_poll(self) -> bool {
        match self {
            Self::Processing => true,
            Self::RequiresPaymentMethod
            | Self::RequiresConfirmation
            | Self::RequiresAction
            | Self::RequiresCapture
            | Self::Canceled
            | Self::Succeeded
            | Self::Unknown => false,
        }
    }

    /// The processor-neutral mapping of Xendit's payment request statuses.
    pub fn from_xendit(status: &str) -> Self {
        match status {
            "REQUIRES_ACTION" => Self::RequiresAction,
            "PENDING" => Self::Processing,
            // Authorised and held for capture, as Stripe's `requires_capture`.
            "AUTHORIZED" => Self::RequiresCapture,
            "SUCCEEDED" => Self::Succeeded,
            "FAILED" => Self::RequiresPaymentMethod,
            "CANCELED" | "EXPIRED" => Self::Canceled,
            _ => Self::Unknown,
        }
    }
}

/// What the customer must do next, as an internally tagged union.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NextAction {
    /// Send the customer's browser to a page (3-D Secure, bank, e-wallet).
    RedirectToUrl {
        /// Where to go and where that page sends the customer back.
        redirect_to_url: RedirectToUrl,
    },
    /// Show a QR code to scan (room for QRIS/PromptPay-style methods).
    DisplayQrCode {
        /// The code's data.
        display_qr_code: DisplayQrCode,
    },
    /// An action this build does not know: the widget says it cannot continue.
    #[serde(other)]
    Unknown,
}

/// The target of a `redirect_to_url` next action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedirectToUrl {
    /// The page to open.
    pub url: String,
    /// Where that page sends the customer afterwards.
    pub return_url: String,
    /// The wallet's app link (Xendit's `DEEPLINK_URL`), when the processor offers one:
    /// a phone opens it instead of `url`, which stays the page for a desktop browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_url: Option<String>,
}

/// The data of a `display_qr_code` next action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayQrCode {
    /// The string to encode in the QR code.
    pub data: String,
    /// When the code stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// The processor's own picture of the code, when it gives one (the widget draws
    /// the code from `data` either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url_svg: Option<String>,
}

/// The kind of a payment method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodType {
    /// A card.
    Card,
    /// SEPA Direct Debit.
    SepaDebit,
    /// An e-wallet redirect (GCash, OVO, …).
    Ewallet,
    /// A QR code the customer scans with any banking or wallet app (QRIS, QR Ph).
    QrCode,
    /// A type this build does not know.
    #[serde(other)]
    Unknown,
}

impl PaymentMethodType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::SepaDebit => "sepa_debit",
            Self::Ewallet => "ewallet",
            Self::QrCode => "qr_code",
            Self::Unknown => "unknown",
        }
    }
}

/// An e-wallet channel, in Xendit's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EwalletChannel {
    /// GCash (Philippines).
    Gcash,
    /// Maya, formerly PayMaya (Philippines).
    Paymaya,
    /// ShopeePay (Philippines and Indonesia).
    Shopeepay,
    /// OVO (Indonesia).
    Ovo,
    /// DANA (Indonesia).
    Dana,
    /// A channel this build does not know.
    #[serde(other)]
    Unknown,
}

impl EwalletChannel {
    /// Every known channel.
    pub const ALL: [EwalletChannel; 5] = [
        Self::Gcash,
        Self::Paymaya,
        Self::Shopeepay,
        Self::Ovo,
        Self::Dana,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gcash => "GCASH",
            Self::Paymaya => "PAYMAYA",
            Self::Shopeepay => "SHOPEEPAY",
            Self::Ovo => "OVO",
            Self::Dana => "DANA",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The name customers know.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Gcash => "GCash",
            Self::Paymaya => "Maya",
            Self::Shopeepay => "ShopeePay",
            Self::Ovo => "OVO",
            Self::Dana => "DANA",
            Self::Unknown => "E-wallet",
        }
    }

    /// Whether the channel takes payments in this currency (PHP or IDR wallets).
    pub fn supports(self, currency: &Currency) -> bool {
        match self {
            Self::Gcash | Self::Paymaya => currency.code() == "php",
            Self::Ovo | Self::Dana => currency.code() == "idr",
            Self::Shopeepay => matches!(currency.code(), "php" | "idr"),
            Self::Unknown => false,
        }
    }
}

/// A national QR standard that any banking or wallet app of its country pays (Xendit's
/// `QR_CODE` channels).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QrChannel {
    /// QRIS (Indonesia, IDR).
    #[serde(rename = "QRIS")]
    Qris,
    /// QR Ph (the Philippines, PHP).
    #[serde(rename = "QRPH")]
    Qrph,
    /// A channel this build does not know.
    #[serde(other)]
    Unknown,
}

impl QrChannel {
    /// Every known channel.
    pub const ALL: [QrChannel; 2] = [Self::Qris, Self::Qrph];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qris => "QRIS",
            Self::Qrph => "QRPH",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The name customers know.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Qris => "QRIS",
            Self::Qrph => "QR Ph",
            Self::Unknown => "QR code",
        }
    }

    /// The channel of `currency`, if it has one.
    pub fn for_currency(currency: &Currency) -> Option<QrChannel> {
        match currency.code() {
            "idr" => Some(Self::Qris),
            "php" => Some(Self::Qrph),
            _ => None,
        }
    }

    /// Whether the channel takes payments in this currency.
    pub fn supports(self, currency: &Currency) -> bool {
        Self::for_currency(currency) == Some(self)
    }
}

/// Whether a saved method may be shown to the customer again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowRedisplay {
    /// The customer consented: show it in every checkout.
    Always,
    /// Saved without consent: usable by the merchant, never shown to the customer.
    Limited,
    /// Nothing is known.
    Unspecified,
    /// A value this build does not know; treated as not redisplayable.
    #[serde(other)]
    Unknown,
}

/// When a saved method will be charged again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupFutureUsage {
    /// The merchant may charge it without the customer present.
    OffSession,
    /// Only while the customer is in a checkout.
    OnSession,
}

impl SetupFutureUsage {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OffSession => "off_session",
            Self::OnSession => "on_session",
        }
    }
}

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Apartment, suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// This address with its empty parts taken from `other`: what a form collected,
    /// completed by what the page knows (the street, or the country a form does not
    /// ask for).
    pub fn filled_from(mut self, other: &Address) -> Address {
        let fill = |own: &mut Option<String>, theirs: &Option<String>| {
            if own.is_none() {
                own.clone_from(theirs);
            }
        };
        fill(&mut self.line1, &other.line1);
        fill(&mut self.line2, &other.line2);
        fill(&mut self.city, &other.city);
        fill(&mut self.state, &other.state);
        fill(&mut self.postal_code, &other.postal_code);
        fill(&mut self.country, &other.country);
        self
    }
}

/// Who pays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingDetails {
    /// Full name (card holder or account holder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email, required for SEPA mandates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// Where the goods go.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shipping {
    /// Recipient.
    pub name: String,
    /// Address.
    pub address: Address,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A card as the storefront sees it: the single-use token the payments origin made of it
/// (`card_tok_…`, see [`crate::vault`]). The number, expiry and CVC never reach the
/// merchant API; a request that carries them is refused
/// ([`crate::error::ErrorCode::CardDetailsNotAccepted`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardInput {
    /// `card_tok_…` from `POST /v1/card_tokens` of the payments origin.
    pub token: String,
}

/// SEPA details as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SepaDebitInput {
    /// The IBAN.
    pub iban: IbanNumber,
}

/// E-wallet choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EwalletInput {
    /// The wallet.
    pub channel_code: EwalletChannel,
}

/// A QR code payment: which standard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrCodeInput {
    /// The standard.
    pub channel_code: QrChannel,
}

/// A new payment method, as the customer entered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodData {
    /// Which of the details below applies.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// For `card`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardInput>,
    /// For `sepa_debit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<SepaDebitInput>,
    /// For `ewallet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewallet: Option<EwalletInput>,
    /// For `qr_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_code: Option<QrCodeInput>,
    /// Billing details collected by the element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
}

/// Options for a saved card: the CVC typed again, as the payments origin tokenized it
/// (`cvc_tok_…` from `POST /v1/cvc_tokens`); the CVC itself never reaches the merchant API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardOptions {
    /// `cvc_tok_…`: the re-collected CVC, checked by the vault against the saved card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvc_token: Option<String>,
}

/// Per-method options for a confirmation token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodOptions {
    /// Card options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardOptions>,
}

/// What the customer agreed to when ticking "save for future use": the exact sentence
/// shown, in the language shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRecord {
    /// The sentence as displayed.
    pub text: String,
    /// Its locale (BCP 47).
    pub locale: String,
    /// When the box was ticked (Unix seconds).
    pub accepted_at: Timestamp,
    /// The usage agreed to.
    pub usage: SetupFutureUsage,
}

/// `POST /api/confirmation_tokens`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateConfirmationToken {
    /// A new method; exclusive with `payment_method`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_data: Option<PaymentMethodData>,
    /// A saved method's id; exclusive with `payment_method_data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// The re-collected CVC and similar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_options: Option<PaymentMethodOptions>,
    /// Save the method for later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_future_usage: Option<SetupFutureUsage>,
    /// Where redirects come back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Shipping details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    /// The customer's consent to save, required with `setup_future_usage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentRecord>,
}

/// The safe summary of a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardPreview {
    /// Stripe's brand name; kept as text so an unknown brand still decodes.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month.
    pub exp_month: u8,
    /// Expiry year.
    pub exp_year: u16,
    /// `credit`, `debit`, `prepaid` or `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
}

impl CardPreview {
    /// The brand, when this build knows it.
    pub fn brand(&self) -> Option<CardBrand> {
        CardBrand::from_str_name(&self.brand)
    }
}

/// The safe summary of a SEPA account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SepaPreview {
    /// Country of the IBAN.
    pub country: String,
    /// Bank identifier, where the country has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// Last four characters of the IBAN.
    pub last4: String,
}

/// The safe summary of an e-wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EwalletPreview {
    /// The wallet.
    pub channel_code: EwalletChannel,
    /// A masked account label from the wallet (e.g. "+63 •••• 1234").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_label: Option<String>,
}

/// What a confirmation token or intent says about its payment method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodPreview {
    /// The kind.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// For cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardPreview>,
    /// For SEPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<SepaPreview>,
    /// For e-wallets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewallet: Option<EwalletPreview>,
    /// For QR codes: the standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_code: Option<QrCodeInput>,
    /// Billing details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
}

/// A single-use, expiring token that carries the payment details to the merchant server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationToken {
    /// `ctoken_…`.
    pub id: String,
    /// After this, the token is refused.
    pub expires_at: Timestamp,
    /// The method, summarised.
    pub payment_method_preview: PaymentMethodPreview,
    /// Saving requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_future_usage: Option<SetupFutureUsage>,
    /// Where redirects come back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
}

/// `POST /api/create-confirm-intent`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateConfirmIntent {
    /// The token from `POST /api/confirmation_tokens`.
    pub confirmation_token_id: String,
    /// Which of the server's demo carts the order is made from (`eu`, `ph`, `id`); the
    /// server's default cart when absent. Never an amount: the server prices the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// The order (`ord_…`, from `POST /api/orders`) this payment is for. Every call for
    /// one order reuses its one intent, and a paid order is never charged again
    /// (`order_already_paid`). Without it each call is an order of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// A payment intent as the widget and return page see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// Present on create-confirm responses; never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<ClientSecret>,
    /// State.
    pub status: PaymentIntentStatus,
    /// Decided by the server from its own order.
    pub amount: MinorUnit,
    /// Currency of `amount`.
    pub currency: Currency,
    /// What the customer must do, with `requires_action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<NextAction>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_payment_error: Option<ApiError>,
    /// The method used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_preview: Option<PaymentMethodPreview>,
}

/// Whether an intent id (or a client secret) is a setup intent's (`seti_…`) rather than
/// a payment intent's (`pi_…`).
pub fn is_setup_intent(id: &str) -> bool {
    id.starts_with("seti_")
}

/// A setup intent (`seti_…`): a payment method set up for later payments, nothing
/// charged now (Stripe's `confirmSetup`). Its statuses are a payment intent's, without
/// `requires_capture`; `succeeded` means the method is saved to the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupIntent {
    /// `seti_…`.
    pub id: String,
    /// Always `setup_intent`.
    pub object: String,
    /// Present where the caller created it; never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<ClientSecret>,
    /// State.
    pub status: PaymentIntentStatus,
    /// How the saved method may be used.
    pub usage: SetupFutureUsage,
    /// The kinds of method it can set up.
    pub payment_method_types: Vec<PaymentMethodType>,
    /// The method set up (or being set up), `pm_…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// What the customer must do, with `requires_action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<NextAction>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_setup_error: Option<ApiError>,
    /// The method, summarised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_preview: Option<PaymentMethodPreview>,
}

/// A customer's saved method as the customer session lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPaymentMethod {
    /// `pm_…`.
    pub id: String,
    /// The kind.
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    /// When it was saved (Unix seconds); lists are newest first.
    pub created: Timestamp,
    /// Whether it may be shown.
    pub allow_redisplay: AllowRedisplay,
    /// For cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardPreview>,
    /// For SEPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<SepaPreview>,
    /// For e-wallets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewallet: Option<EwalletPreview>,
}

/// A list response: `{"data": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct List<T> {
    /// The items.
    pub data: Vec<T>,
}

/// `enabled` / `disabled`, as Stripe spells feature switches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Toggle {
    /// On.
    Enabled,
    /// Off (also any value this build does not know).
    #[default]
    #[serde(other)]
    Disabled,
}

impl Toggle {
    /// Whether it is on.
    pub fn is_enabled(self) -> bool {
        self == Self::Enabled
    }
}

fn default_redisplay_limit() -> u8 {
    3
}

fn default_allow_redisplay_filters() -> Vec<AllowRedisplay> {
    vec![AllowRedisplay::Always]
}

/// The Payment Element features a customer session enables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentElementFeatures {
    /// Show saved methods.
    #[serde(default)]
    pub payment_method_redisplay: Toggle,
    /// How many to show before "Show more" (1–10, default 3).
    #[serde(default = "default_redisplay_limit")]
    pub payment_method_redisplay_limit: u8,
    /// Offer the "save for future use" checkbox.
    #[serde(default)]
    pub payment_method_save: Toggle,
    /// The usage a ticked checkbox asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_save_usage: Option<SetupFutureUsage>,
    /// Let the customer remove saved methods.
    #[serde(default)]
    pub payment_method_remove: Toggle,
    /// Which `allow_redisplay` values are shown.
    #[serde(default = "default_allow_redisplay_filters")]
    pub payment_method_allow_redisplay_filters: Vec<AllowRedisplay>,
}

impl Default for PaymentElementFeatures {
    fn default() -> Self {
        Self {
            payment_method_redisplay: Toggle::Disabled,
            payment_method_redisplay_limit: default_redisplay_limit(),
            payment_method_save: Toggle::Disabled,
            payment_method_save_usage: None,
            payment_method_remove: Toggle::Disabled,
            payment_method_allow_redisplay_filters: default_allow_redisplay_filters(),
        }
    }
}

impl PaymentElementFeatures {
    /// The redisplay limit clamped to Stripe's range 1–10.
    pub fn redisplay_limit(&self) -> usize {
        usize::from(self.payment_method_redisplay_limit.clamp(1, 10))
    }
}

/// The Payment Element component of a customer session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentElementComponent {
    /// Whether the session applies to the Payment Element.
    #[serde(default)]
    pub enabled: bool,
    /// Its features.
    #[serde(default)]
    pub features: PaymentElementFeatures,
}

/// The components of a customer session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Components {
    /// The Payment Element's part.
    #[serde(default)]
    pub payment_element: PaymentElementComponent,
}

/// `POST /api/customer_sessions` response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSession {
    /// Bearer secret for the customer-session endpoints.
    pub client_secret: ClientSecret,
    /// `cus_…`.
    pub customer: String,
    /// When the secret stops working.
    pub expires_at: Timestamp,
    /// Enabled features.
    #[serde(default)]
    pub components: Components,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_completed_without_overwriting() {
        let form = Address {
            postal_code: Some("SW1A 1AA".into()),
            ..Address::default()
        };
        let page = Address {
            line1: Some("10 Downing St".into()),
            postal_code: Some("OTHER".into()),
            country: Some("GB".into()),
            ..Address::default()
        };
        let merged = form.filled_from(&page);
        assert_eq!(merged.postal_code.as_deref(), Some("SW1A 1AA"));
        assert_eq!(merged.line1.as_deref(), Some("10 Downing St"));
        assert_eq!(merged.country.as_deref(), Some("GB"));
        assert_eq!(merged.city, None);
    }

    #[test]
    fn status_predicates_match_the_state_machine() {
        use PaymentIntentStatus::*;
        let terminal: Vec<_> = [
            RequiresPaymentMethod,
            RequiresConfirmation,
            RequiresAction,
            Processing,
            RequiresCapture,
            Canceled,
            Succeeded,
            Unknown,
        ]
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
        assert_eq!(terminal, [Canceled, Succeeded]);
        assert!(Processing.should_poll());
        assert!(!RequiresAction.should_poll());
        assert!(RequiresCapture.is_paid());
    }

    #[test]
    fn xendit_statuses_map_as_designed() {
        assert_eq!(
            PaymentIntentStatus::from_xendit("REQUIRES_ACTION"),
            PaymentIntentStatus::RequiresAction
        );
        assert_eq!(
            PaymentIntentStatus::from_xendit("PENDING"),
            PaymentIntentStatus::Processing
        );
        assert_eq!(
            PaymentIntentStatus::from_xendit("FAILED"),
            PaymentIntentStatus::RequiresPaymentMethod
        );
        assert_eq!(
            PaymentIntentStatus::from_xendit("EXPIRED"),
            PaymentIntentStatus::Canceled
        );
        assert_eq!(
            PaymentIntentStatus::from_xendit("AUTHORIZED"),
            PaymentIntentStatus::RequiresCapture
        );
        assert_eq!(
            PaymentIntentStatus::from_xendit("VOIDED"),
            PaymentIntentStatus::Unknown
        );
    }

    #[test]
    fn wallets_show_only_for_their_currency() {
        let php = Currency::new("php").unwrap();
        let idr = Currency::new("idr").unwrap();
        let eur = Currency::new("eur").unwrap();
        assert!(EwalletChannel::Gcash.supports(&php));
        assert!(!EwalletChannel::Gcash.supports(&idr));
        assert!(EwalletChannel::Shopeepay.supports(&idr));
        assert!(EwalletChannel::Dana.supports(&idr));
        assert!(EwalletChannel::ALL.iter().all(|c| !c.supports(&eur)));
    }

    #[test]
    fn requests_refuse_unknown_fields() {
        let err = serde_json::from_str::<CreateConfirmIntent>(
            r#"{"confirmation_token_id":"ctoken_1","amount":1}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("amount"), "{err}");
    }

    #[test]
    fn features_default_like_stripe() {
        let f: PaymentElementFeatures = serde_json::from_str("{}").unwrap();
        assert_eq!(f.redisplay_limit(), 3);
        assert!(!f.payment_method_save.is_enabled());
        let f: PaymentElementFeatures =
            serde_json::from_str(r#"{"payment_method_redisplay_limit":40}"#).unwrap();
        assert_eq!(f.redisplay_limit(), 10);
    }
}
