//! The vault's SQLite database (`vault.sqlite3`, migrations in `migrations_vault/`):
//! cards with their PAN and expiry sealed, single-use card tokens, and the vault's
//! settings. Every query binds its values; none is logged.

use sqlx::{SqliteConnection, SqlitePool};

use super::crypto::Sealed;

/// The vault's embedded migrations.
pub static VAULT_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations_vault");

/// A `cards` row.
#[derive(Clone, sqlx::FromRow)]
pub struct CardRow {
    /// `vc_…`.
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    /// The brand's wire name.
    pub brand: String,
    /// The last four digits.
    pub last4: String,
    /// `credit`, `debit`, …
    pub funding: String,
    /// The keyed fingerprint of the PAN.
    pub fingerprint: String,
    /// The sealed PAN and expiry's nonce.
    pub nonce: Vec<u8>,
    /// The sealed PAN and expiry.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for CardRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardRow")
            .field("id", &self.id)
            .field("brand", &self.brand)
            .field("last4", &self.last4)
            .finish_non_exhaustive()
    }
}

impl CardRow {
    /// The sealed part.
    pub fn sealed(&self) -> Sealed {
        Sealed {
            nonce: self.nonce.clone(),
            ciphertext: self.ciphertext.clone(),
        }
    }
}

/// A `card_tokens` row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenRow {
    /// The card it stands for.
    pub card_id: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// Set once, when the storefront redeemed it.
    pub redeemed_at: Option<i64>,
}

/// A setting (`publishable_key`, `key_check`).
pub async fn setting(db: &SqlitePool, name: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM vault_settings WHERE name = ?")
        .bind(name)
        .fetch_optional(db)
        .await
}

/// Stores `value` under `name` unless a value is there; returns the value kept.
pub async fn setting_or_insert(
    db: &SqlitePool,
    name: &str,
    value: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO vault_settings (name, value) VALUES (?, ?)")
        .bind(name)
        .bind(value)
        .execute(db)
        .await?;
    sqlx::query_scalar("SELECT value FROM vault_settings WHERE name = ?")
        .bind(name)
        .fetch_one(db)
        .await
}

/// Stores a card and its first token in one transaction.
pub async fn insert_card_with_token(
    db: &SqlitePool,
    card: &CardRow,
    token_id: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO cards (id, created, brand, last4, funding, fingerprint, nonce, ciphertext) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&card.id)
    .bind(card.created)
    .bind(&card.brand)
    .bind(&card.last4)
    .bind(&card.funding)
    .bind(&card.fingerprint)
    .bind(&card.nonce)
    .bind(&card.ciphertext)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO card_tokens (id, card_id, created, expires_at) VALUES (?, ?, ?, ?)")
        .bind(token_id)
        .bind(&card.id)
        .bind(card.created)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A token, read inside the caller's transaction.
pub async fn token(conn: &mut SqliteConnection, id: &str) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as("SELECT card_id, expires_at, redeemed_at FROM card_tokens WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Marks a token redeemed.
pub async fn mark_redeemed(
    conn: &mut SqliteConnection,
    id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE card_tokens SET redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A card by id.
pub async fn card<'e, E>(db: E, id: &str) -> Result<Option<CardRow>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    sqlx::query_as(
        "SELECT id, created, brand, last4, funding, fingerprint, nonce, ciphertext \
         FROM cards WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}
