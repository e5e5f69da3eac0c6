//! The vault: the one place in the server where a card number, its expiry and its CVC
//! exist. It validates a card with payment-core (the verdicts the widget shows), seals
//! the PAN and expiry, keeps the CVC in memory, hands out single-use tokens, and
//! redeems them for the storefront's server: the card's reference, preview, fingerprint
//! and processor class, never the number.

use payment_core::card::{check_cvc, check_number, digits, parse_expiry, CardBrand, YearMonth};
use payment_core::error::ErrorCode;
use payment_core::secret::Cvc;
use payment_core::vault::{
    CardDetails, CardToken, CvcDetails, CvcToken, CARD_TOKEN_PREFIX, CARD_TOKEN_TTL,
    CVC_TOKEN_PREFIX, PUBLISHABLE_KEY_PREFIX,
};
use sqlx::SqlitePool;
use std::path::Path;

use super::crypto::{CardSecret, VaultKey};
use super::cvcs::{CvcMemory, Taken};
use super::store::{self, CardRow, VAULT_MIGRATOR};
use super::types::{CvcCheck, CvcChecked, RedeemedCard};
use crate::clock::year_month;
use crate::error::{ApiResult, AppError};
use crate::ids::new_id;
use crate::processor::{CardForProcessor, Processor};
use crate::startup::{open_pool, StartError};

/// The prefix of a card's vault reference.
pub const CARD_REF_PREFIX: &str = "vc";

/// The vault's state. `Debug` shows no key and no CVC.
#[derive(Debug)]
pub struct Vault {
    db: SqlitePool,
    key: VaultKey,
    cvcs: CvcMemory,
    publishable_key: String,
}

/// A card that passed validation.
struct CheckedCard {
    brand: CardBrand,
    pan: String,
    exp_month: u8,
    exp_year: u16,
}

/// Validates a card exactly as the merchant API did when it took cards: the same codes
/// and, relative to the body, the same params.
fn check_card(details: &CardDetails, now: i64) -> ApiResult<CheckedCard> {
    let number = details.number.expose();
    let check = check_number(number);
    let brand = match (check.is_valid, check.brand) {
        (true, Some(brand)) => brand,
        _ => {
            let all_digits = number
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
            let code = if all_digits && !digits(number).is_empty() {
                ErrorCode::IncorrectNumber
            } else {
                ErrorCode::InvalidNumber
            };
            return Err(AppError::card(code).with_param("number"));
        }
    };
    if !(1..=12).contains(&details.exp_month) {
        return Err(AppError::card(ErrorCode::InvalidExpiryMonth).with_param("exp_month"));
    }
    let (year, month) = year_month(now);
    let today = YearMonth::new(u16::try_from(year).unwrap_or(u16::MAX), month);
    let expiry = parse_expiry(
        &format!("{:02}/{}", details.exp_month, details.exp_year),
        today,
    );
    if !expiry.is_valid {
        // A past month of this year is a bad month; anything else is a bad year.
        let (code, field) = if details.exp_year == today.year {
            (ErrorCode::InvalidExpiryMonth, "exp_month")
        } else {
            (ErrorCode::InvalidExpiryYear, "exp_year")
        };
        return Err(AppError::card(code).with_param(field));
    }
    if !check_cvc(details.cvc.expose(), Some(brand)).is_valid {
        return Err(AppError::card(ErrorCode::InvalidCvc).with_param("cvc"));
    }
    Ok(CheckedCard {
        brand,
        pan: digits(number),
        exp_month: details.exp_month,
        // parse_expiry reads a two-digit year as 20YY; keep the four-digit form.
        exp_year: expiry.year.unwrap_or(details.exp_year),
    })
}

/// A token id as the vault makes them: the prefix and letters, digits or `_`.
fn well_formed(id: &str, prefix: &str) -> bool {
    id.len() <= 64
        && id.starts_with(prefix)
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Vault {
    /// Opens (creating if needed) the vault's database, runs its migrations, loads or
    /// creates its key (from `key_file`, or in memory for this run only) and refuses a
    /// key that is not the one the database's records were sealed with.
    pub async fn open(
        database_url: &str,
        key_file: Option<&Path>,
        publishable_key: Option<String>,
    ) -> Result<Self, StartError> {
        let db = open_pool(database_url).await?;
        VAULT_MIGRATOR.run(&db).await?;
        let kept_check = store::setting(&db, "key_check").await?;
        let accept = |bytes: &[u8]| match &kept_check {
            Some(check) if check != VaultKey::from_bytes(bytes).check_value() => Err(
                "holds another key than the one this vault's cards were sealed with; \
                 restore the file that came with the vault's database"
                    .to_owned(),
            ),
            _ => Ok(()),
        };
        let bytes = match key_file {
            Some(path) => crate::key_file::load_or_create(path, None, &accept)?,
            None => {
                let key = crate::key_file::random_key();
                accept(&key).map_err(|reason| {
                    StartError::Setting(format!(
                        "the vault database has sealed cards and no --vault-key-file was \
                         given: its key {reason}"
                    ))
                })?;
                key
            }
        };
        let key = VaultKey::from_bytes(&bytes);
        store::setting_or_insert(&db, "key_check", key.check_value()).await?;
        let publishable_key = match publishable_key {
            Some(given) => {
                if !given.starts_with(PUBLISHABLE_KEY_PREFIX)
                    || given.len() < PUBLISHABLE_KEY_PREFIX.len() + 16
                    || !given
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(StartError::Setting(format!(
                        "the publishable key must be {PUBLISHABLE_KEY_PREFIX} followed by at \
                         least 16 letters or digits"
                    )));
                }
                given
            }
            None => {
                let generated = format!(
                    "{PUBLISHABLE_KEY_PREFIX}{}",
                    hex::encode(crate::key_file::random_key())
                );
                store::setting_or_insert(&db, "publishable_key", &generated).await?
            }
        };
        Ok(Self {
            db,
            key,
            cvcs: CvcMemory::default(),
            publishable_key,
        })
    }

    /// The publishable key (`pk_test_…`).
    pub fn publishable_key(&self) -> &str {
        &self.publishable_key
    }

    /// The vault's database (for the tests that prove what it holds).
    pub fn db(&self) -> &SqlitePool {
        &self.db
    }

    /// How many CVCs the vault holds in memory now.
    pub fn held_cvcs(&self) -> usize {
        self.cvcs.held()
    }

    /// Drops the CVCs whose 15 minutes are over (the background pass); returns how many.
    pub fn purge_expired(&self, now: i64) -> usize {
        self.cvcs.purge(now)
    }

    /// `POST /v1/card_tokens`: validates and stores the card, holds its CVC, and answers
    /// a single-use token with the card's preview.
    pub async fn tokenize_card(&self, details: &CardDetails, now: i64) -> ApiResult<CardToken> {
        let card = check_card(details, now)?;
        let id = new_id(CARD_REF_PREFIX);
        let secret = CardSecret {
            pan: card.pan,
            exp_month: card.exp_month,
            exp_year: card.exp_year,
        };
        let sealed = self.key.seal_card(&id, &secret);
        let row = CardRow {
            id,
            created: now,
            brand: card.brand.as_str().to_owned(),
            last4: secret.pan[secret.pan.len() - 4..].to_owned(),
            // The test-mode processor knows no debit or prepaid numbers.
            funding: "credit".to_owned(),
            fingerprint: self.key.fingerprint(&secret.pan),
            nonce: sealed.nonce,
            ciphertext: sealed.ciphertext,
        };
        let token = new_id(CARD_TOKEN_PREFIX.trim_end_matches('_'));
        let expires_at = now + CARD_TOKEN_TTL;
        store::insert_card_with_token(&self.db, &row, &token, expires_at).await?;
        self.cvcs.hold(&token, details.cvc.clone(), expires_at);
        tracing::info!(card = %row.id, brand = %row.brand, "card tokenized");
        Ok(CardToken {
            id: token,
            brand: row.brand,
            last4: row.last4,
            exp_month: secret.exp_month,
            exp_year: secret.exp_year,
            expires_at,
        })
    }

    /// `POST /v1/cvc_tokens`: holds a saved card's CVC typed again (3 or 4 digits; the
    /// card's brand is checked when it is redeemed) and answers a single-use token.
    pub fn tokenize_cvc(&self, details: &CvcDetails, now: i64) -> ApiResult<CvcToken> {
        if !check_cvc(details.cvc.expose(), None).is_valid {
            return Err(AppError::card(ErrorCode::InvalidCvc).with_param("cvc"));
        }
        let id = new_id(CVC_TOKEN_PREFIX.trim_end_matches('_'));
        let expires_at = now + CARD_TOKEN_TTL;
        self.cvcs.hold(&id, details.cvc.clone(), expires_at);
        Ok(CvcToken { id, expires_at })
    }

    /// `POST /v1/vault/card_tokens/{id}/redeem`: spends the token (once, before it
    /// expires) and answers the card as the storefront may keep it. The CVC held with it
    /// is checked now, its one use, and dropped.
    pub async fn redeem_card_token(
        &self,
        id: &str,
        now: i64,
        processor: &dyn Processor,
    ) -> ApiResult<RedeemedCard> {
        let missing = || AppError::missing("card token", None);
        if !well_formed(id, CARD_TOKEN_PREFIX) {
            return Err(missing());
        }
        let mut tx = self.db.begin().await?;
        let token = store::token(&mut tx, id).await?.ok_or_else(missing)?;
        if token.redeemed_at.is_some() {
            return Err(AppError::invalid(ErrorCode::TokenAlreadyUsed)
                .with_message("This card token was already used."));
        }
        if now >= token.expires_at {
            // Its CVC goes too, if the background pass has not taken it yet.
            self.cvcs.take(id, now);
            return Err(AppError::invalid(ErrorCode::ExpiredToken)
                .with_message("This card token has expired."));
        }
        store::mark_redeemed(&mut tx, id, now).await?;
        let card = store::card(&mut *tx, &token.card_id)
            .await?
            .ok_or_else(AppError::internal)?;
        tx.commit().await?;
        let Some(secret) = self.key.open_card(&card.id, &card.sealed()) else {
            tracing::error!(card = %card.id, "a sealed card does not open with the vault key");
            return Err(AppError::internal());
        };
        let brand = CardBrand::from_str_name(&card.brand);
        let (cvc, cvc_check) = match self.cvcs.take(id, now) {
            Taken::Cvc(cvc) if check_cvc(cvc.expose(), brand).is_valid => {
                (Some(cvc), CvcCheck::Pass)
            }
            // Checked when tokenized; a CVC that no longer fits is not one to pass on.
            Taken::Cvc(_) => return Err(AppError::card(ErrorCode::InvalidCvc)),
            Taken::Used | Taken::Expired | Taken::Unknown => (None, CvcCheck::Unavailable),
        };
        let processor_class = processor.classify_card(&secret.pan);
        // A real processor is told of the card here, where the number is, and answers
        // its own id for it; the CVC is used then and dropped.
        let processor_method = processor
            .register_card(&CardForProcessor {
                pan: &secret.pan,
                exp_month: secret.exp_month,
                exp_year: secret.exp_year,
                cvc: cvc.as_ref().map(|cvc| cvc.expose()),
            })
            .await
            .map_err(|error| AppError::from_api(axum::http::StatusCode::PAYMENT_REQUIRED, error))?;
        drop(cvc);
        tracing::info!(card = %card.id, "card token redeemed");
        Ok(RedeemedCard {
            card: card.id,
            brand: card.brand,
            last4: card.last4,
            exp_month: secret.exp_month,
            exp_year: secret.exp_year,
            funding: card.funding,
            fingerprint: card.fingerprint,
            cvc_check,
            processor_class,
            processor_method,
        })
    }

    /// `POST /v1/vault/cvc_tokens/{id}/redeem`: checks the CVC typed again against the
    /// saved card's brand; single use, and the CVC is dropped whatever the verdict.
    pub async fn redeem_cvc_token(
        &self,
        id: &str,
        card_ref: &str,
        now: i64,
    ) -> ApiResult<CvcChecked> {
        let missing = || AppError::missing("CVC token", None);
        if !well_formed(id, CVC_TOKEN_PREFIX) {
            return Err(missing());
        }
        let cvc: Cvc = match self.cvcs.take(id, now) {
            Taken::Cvc(cvc) => cvc,
            Taken::Used => {
                return Err(AppError::invalid(ErrorCode::TokenAlreadyUsed)
                    .with_message("This CVC token was already used."))
            }
            Taken::Expired => {
                return Err(AppError::invalid(ErrorCode::ExpiredToken)
                    .with_message("This CVC token has expired."))
            }
            Taken::Unknown => return Err(missing()),
        };
        let card = store::card(&self.db, card_ref)
            .await?
            .ok_or_else(|| AppError::missing("card", Some("card")))?;
        if !check_cvc(cvc.expose(), CardBrand::from_str_name(&card.brand)).is_valid {
            return Err(AppError::card(ErrorCode::InvalidCvc));
        }
        Ok(CvcChecked {
            cvc_check: CvcCheck::Pass,
        })
    }
}
