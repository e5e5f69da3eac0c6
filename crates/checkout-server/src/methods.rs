//! Stored payment methods: what is kept of a card (the vault's reference, brand, last4,
//! expiry, fingerprint; never the number or CVC), an account or a wallet, and its wire
//! summaries.

use payment_core::api::{
    AllowRedisplay, BillingDetails, CardPreview, EwalletChannel, EwalletPreview,
    PaymentMethodPreview, PaymentMethodType, QrChannel, QrCodeInput, SavedPaymentMethod,
    SepaPreview,
};
use serde::Deserialize;

use crate::processor::Behaviour;

/// A `payment_methods` row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MethodRow {
    pub id: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub customer_id: Option<String>,
    pub allow_redisplay: String,
    pub setup_usage: Option<String>,
    pub billing_details: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub card_exp_month: Option<i64>,
    pub card_exp_year: Option<i64>,
    pub card_funding: Option<String>,
    /// The vault's reference to the card (`vc_…`), never its number.
    pub card_vault_ref: Option<String>,
    pub sepa_country: Option<String>,
    pub sepa_bank_code: Option<String>,
    pub sepa_last4: Option<String>,
    pub ewallet_channel: Option<String>,
    pub ewallet_account_label: Option<String>,
    /// The QR standard (`QRIS`, `QRPH`) of a `qr_code` method.
    pub qr_channel: Option<String>,
    pub test_behaviour: String,
    /// The processor's own method (Stripe's `pm_…`), for a real processor.
    pub processor_ref: Option<String>,
}

/// The columns of [`MethodRow`], for SELECTs.
pub const METHOD_COLUMNS: &str = "id, type, created, customer_id, allow_redisplay, \
    setup_usage, billing_details, card_brand, card_last4, card_exp_month, card_exp_year, \
    card_funding, card_vault_ref, sepa_country, sepa_bank_code, sepa_last4, ewallet_channel, \
    ewallet_account_label, qr_channel, test_behaviour, processor_ref";

/// Parses a stored enum through its wire name.
pub fn wire_enum<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

impl MethodRow {
    /// The method's kind.
    pub fn kind(&self) -> PaymentMethodType {
        wire_enum(&self.kind).unwrap_or(PaymentMethodType::Unknown)
    }

    /// How it behaves when charged.
    pub fn behaviour(&self) -> Option<Behaviour> {
        Behaviour::from_db(&self.test_behaviour)
    }

    /// The name in its billing details, if any.
    pub fn billing_name(&self) -> Option<String> {
        let details: BillingDetails =
            serde_json::from_str(self.billing_details.as_deref()?).ok()?;
        details.name.filter(|name| !name.trim().is_empty())
    }

    /// Whether it was set up for off-session use.
    pub fn set_up_off_session(&self) -> bool {
        self.setup_usage.as_deref() == Some("off_session")
    }

    fn card(&self) -> Option<CardPreview> {
        Some(CardPreview {
            brand: self.card_brand.clone()?,
            last4: self.card_last4.clone()?,
            exp_month: u8::try_from(self.card_exp_month?).ok()?,
            exp_year: u16::try_from(self.card_exp_year?).ok()?,
            funding: self.card_funding.clone(),
        })
    }

    fn sepa(&self) -> Option<SepaPreview> {
        Some(SepaPreview {
            country: self.sepa_country.clone()?,
            bank_code: self.sepa_bank_code.clone(),
            last4: self.sepa_last4.clone()?,
        })
    }

    fn ewallet(&self) -> Option<EwalletPreview> {
        Some(EwalletPreview {
            channel_code: wire_enum(self.ewallet_channel.as_deref()?)
                .unwrap_or(EwalletChannel::Unknown),
            account_label: self.ewallet_account_label.clone(),
        })
    }

    /// The QR standard of a `qr_code` method.
    pub fn qr_channel(&self) -> Option<QrChannel> {
        Some(wire_enum(self.qr_channel.as_deref()?).unwrap_or(QrChannel::Unknown))
    }

    /// The summary on tokens and intents.
    pub fn preview(&self) -> PaymentMethodPreview {
        PaymentMethodPreview {
            kind: self.kind(),
            card: self.card(),
            sepa_debit: self.sepa(),
            ewallet: self.ewallet(),
            qr_code: self
                .qr_channel()
                .map(|channel_code| QrCodeInput { channel_code }),
            billing_details: self
                .billing_details
                .as_deref()
                .and_then(|b| serde_json::from_str::<BillingDetails>(b).ok()),
        }
    }

    /// The customer-session listing entry.
    pub fn saved(&self) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: self.id.clone(),
            kind: self.kind(),
            created: self.created,
            allow_redisplay: wire_enum(&self.allow_redisplay).unwrap_or(AllowRedisplay::Unknown),
            card: self.card(),
            sepa_debit: self.sepa(),
            ewallet: self.ewallet(),
        }
    }
}

/// Loads a method by id.
pub async fn load_method<'e, E>(db: E, id: &str) -> Result<Option<MethodRow>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    sqlx::query_as::<_, MethodRow>(&format!(
        "SELECT {METHOD_COLUMNS} FROM payment_methods WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}
