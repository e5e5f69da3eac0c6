//! What every handler shares: settings, the database, the clock, the processor, the
//! server's keys, the per-idempotency-key locks, and the two roles' links: the vault
//! (served by the payments origin's router only) and the storefront's client to it.

use crate::cart::Cart;
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::processor::{Processor, TestProcessor};
use crate::startup::{open_pool, StartError};
use crate::vault::{Vault, VaultClient};
use rand::RngCore;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Start-up settings. Their `Debug` leaves the secrets out.
#[derive(Clone)]
pub struct Settings {
    /// The built widget (trunk's `dist/`).
    pub dist: PathBuf,
    /// The demo order every payment is for.
    pub cart: Cart,
    /// Secret for signing webhooks; generated and kept in the database when `None`.
    pub webhook_secret: Option<String>,
    /// The merchant's secret API key (`sk_test_…`) for `/api/merchant` and the vault's
    /// server-to-server calls; generated and kept in the database when `None`.
    pub merchant_key: Option<String>,
    /// The server's public origin (`http://127.0.0.1:8080`), put before the simulated
    /// pages' paths in `next_action` URLs; empty for same-origin paths.
    pub public_url: String,
    /// The file holding the key of IBAN fingerprints (created with mode 0600
    /// on first start). `None` keeps a random key in memory only: fingerprints then
    /// compare within one run (tests, an in-memory database).
    pub fingerprint_key_file: Option<PathBuf>,
    /// The payments origin (`http://127.0.0.1:8090`): where the vault, the card frame and
    /// the widget's files are served. The storefront's policy, `/api/config` and its
    /// client to the vault use it.
    pub payments_origin: String,
    /// The storefront origins allowed to embed the card frame and to use the publishable
    /// key (`http://127.0.0.1:8080`).
    pub storefront_origins: Vec<String>,
    /// The publishable key (`pk_test_…`); generated once and kept in the vault's
    /// database when `None`.
    pub publishable_key: Option<String>,
    /// The vault's database (`sqlite::memory:` by default).
    pub vault_database_url: String,
    /// The file holding the vault's key (created with mode 0600 on first start). `None`
    /// keeps a random key in memory only (tests, an in-memory vault).
    pub vault_key_file: Option<PathBuf>,
    /// The shop's name, as a banking app shows it after a QR code is scanned (the
    /// test-mode QR page); `None` shows the amount alone.
    pub merchant_name: Option<String>,
    /// The card brands the merchant accepts; a card of another brand is refused with
    /// `card_brand_not_accepted` (all brands by default).
    pub card_brands: payment_core::card::BrandSet,
    /// The signing secret of Stripe's webhooks (`--processor stripe`); without it
    /// `/api/webhooks/stripe` answers 404.
    pub stripe_webhook_secret: Option<crate::processors::stripe::WebhookSecret>,
    /// The token Xendit's webhooks carry (`--processor xendit`); without it
    /// `/api/webhooks/xendit` answers 404.
    pub xendit_callback_token: Option<crate::processors::xendit::CallbackToken>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("dist", &self.dist)
            .field("cart", &self.cart)
            .field("public_url", &self.public_url)
            .field("fingerprint_key_file", &self.fingerprint_key_file)
            .field("payments_origin", &self.payments_origin)
            .field("storefront_origins", &self.storefront_origins)
            .field("vault_key_file", &self.vault_key_file)
            .field("merchant_name", &self.merchant_name)
            .field("card_brands", &self.card_brands)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Settings with the demo cart in euros, keys kept in the database, an in-memory
    /// vault, and the demo's two origins (storefront 127.0.0.1:8080, payments
    /// 127.0.0.1:8090).
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        Self {
            dist: dist.into(),
            cart: Cart::demo(payment_core::money::Currency::EUR),
            webhook_secret: None,
            merchant_key: None,
            public_url: String::new(),
            fingerprint_key_file: None,
            payments_origin: "http://127.0.0.1:8090".to_owned(),
            storefront_origins: vec!["http://127.0.0.1:8080".to_owned()],
            publishable_key: None,
            vault_database_url: "sqlite::memory:".to_owned(),
            vault_key_file: None,
            merchant_name: None,
            card_brands: payment_core::card::BrandSet::ALL,
            stripe_webhook_secret: None,
            xendit_callback_token: None,
        }
    }
}

/// The shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    db: SqlitePool,
    clock: Arc<dyn Clock>,
    processor: Arc<dyn Processor>,
    fingerprint_key: Vec<u8>,
    webhook_secret: String,
    merchant_key: String,
    faults: crate::faults::Faults,
    card_audit: crate::card_audit::CardAudit,
    key_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    vault: Vault,
    vault_client: VaultClient,
    storefront_policy: String,
    frame_policy: String,
    action_page_policy: String,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys and the pool stay out of Debug output.
        f.debug_struct("AppState")
            .field("dist", &self.inner.settings.dist)
            .finish_non_exhaustive()
    }
}

/// The embedded migrations.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl AppState {
    /// Opens (creating if needed) the database at `database_url`, runs the migrations,
    /// and loads or creates the server's keys.
    pub async fn open(
        settings: Settings,
        database_url: &str,
        clock: Arc<dyn Clock>,
        processor: Arc<dyn Processor>,
    ) -> Result<Self, StartError> {
        for origin in std::iter::once(&settings.payments_origin).chain(&settings.storefront_origins)
        {
            check_origin(origin)?;
        }
        let db = open_pool(database_url).await?;
        MIGRATOR.run(&db).await?;
        // The key of a database made before the key file existed: moved into the file,
        // and out of the database only once the file holds that very key.
        let legacy: Option<String> =
            sqlx::query_scalar("SELECT value FROM server_keys WHERE name = 'fingerprint'")
                .fetch_optional(&db)
                .await?;
        let legacy = legacy.and_then(|hex_key| hex::decode(hex_key).ok());
        let fingerprint_key = match &settings.fingerprint_key_file {
            Some(path) => {
                // Refuses a file whose key is not the database's older one: one of them
                // would make every stored fingerprint stale.
                let accept = |key: &[u8]| match &legacy {
                    Some(old) if old.as_slice() != key => Err(
                        "holds another key than the one this database kept before the key \
                         file existed; move the file aside to have the database's key moved \
                         into it"
                            .to_owned(),
                    ),
                    _ => Ok(()),
                };
                let key = crate::key_file::load_or_create(path, legacy.clone(), &accept)?;
                if legacy.is_some() {
                    sqlx::query("DELETE FROM server_keys WHERE name = 'fingerprint'")
                        .execute(&db)
                        .await?;
                }
                key
            }
            // No file (tests, an in-memory database): a key for this run only, or the
            // older database's own, which then stays where it is.
            None => legacy.unwrap_or_else(crate::key_file::random_key),
        };
        let webhook_secret = match &settings.webhook_secret {
            Some(secret) => secret.clone(),
            None => server_key(&db, "webhook_secret", "").await?,
        };
        let merchant_key = match &settings.merchant_key {
            Some(key) => key.clone(),
            None => server_key(&db, "merchant_key", MERCHANT_KEY_PREFIX).await?,
        };
        let vault = Vault::open(
            &settings.vault_database_url,
            settings.vault_key_file.as_deref(),
            settings.publishable_key.clone(),
        )
        .await?;
        let vault_client = VaultClient::new(&settings.payments_origin, &merchant_key)?;
        let storefront_policy = crate::csp::storefront_policy(&settings.payments_origin);
        let frame_policy = crate::csp::frame_policy(&settings.storefront_origins);
        let action_page_policy =
            crate::csp::action_page_policy(&settings.payments_origin, &settings.storefront_origins);
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                db,
                clock,
                processor,
                fingerprint_key,
                webhook_secret,
                merchant_key,
                faults: crate::faults::Faults::default(),
                card_audit: crate::card_audit::CardAudit::default(),
                key_locks: Mutex::new(HashMap::new()),
                vault,
                vault_client,
                storefront_policy,
                frame_policy,
                action_page_policy,
            }),
        })
    }

    /// An in-memory server on a manual clock with the test processor, for tests.
    pub async fn for_tests(settings: Settings, clock: Arc<ManualClock>) -> Self {
        Self::open(
            settings,
            "sqlite::memory:",
            clock,
            Arc::new(TestProcessor::default()),
        )
        .await
        .expect("an in-memory database opens")
    }

    /// The production wiring: the wall clock and the test-mode processor.
    pub async fn open_default(settings: Settings, database_url: &str) -> Result<Self, StartError> {
        Self::open(
            settings,
            database_url,
            Arc::new(SystemClock),
            Arc::new(TestProcessor::default()),
        )
        .await
    }

    /// Settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The database.
    pub fn db(&self) -> &SqlitePool {
        &self.inner.db
    }

    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The processor.
    pub fn processor(&self) -> &dyn Processor {
        self.inner.processor.as_ref()
    }

    /// The key of IBAN fingerprints (card fingerprints are the vault's).
    pub(crate) fn fingerprint_key(&self) -> &[u8] {
        &self.inner.fingerprint_key
    }

    /// The webhook signing secret (shared by the processor and the merchant endpoint).
    pub fn webhook_secret(&self) -> &str {
        &self.inner.webhook_secret
    }

    /// The merchant's secret API key.
    pub fn merchant_key(&self) -> &str {
        &self.inner.merchant_key
    }

    /// The vault. Only the payments origin's router (`vault::routes`) and the background
    /// pass use it; the storefront reaches it over HTTP through [`Self::vault_client`],
    /// as it would reach a vault in another process.
    pub fn vault(&self) -> &Vault {
        &self.inner.vault
    }

    /// The storefront's client to the vault (server to server, with the secret key).
    pub fn vault_client(&self) -> &VaultClient {
        &self.inner.vault_client
    }

    /// The publishable key (`pk_test_…`): the browser's credential for the payments
    /// origin; it may only tokenize.
    pub fn publishable_key(&self) -> &str {
        self.inner.vault.publishable_key()
    }

    /// Whether `origin` is one of the storefront origins allowed to embed the card frame
    /// and use the publishable key.
    pub fn is_storefront_origin(&self, origin: &str) -> bool {
        self.inner
            .settings
            .storefront_origins
            .iter()
            .any(|allowed| allowed == origin)
    }

    /// The storefront's Content-Security-Policy (with the payments origin), built once.
    pub fn storefront_policy(&self) -> &str {
        &self.inner.storefront_policy
    }

    /// The card frame's Content-Security-Policy (`frame-ancestors` the allowed storefront
    /// origins), built once.
    pub fn frame_policy(&self) -> &str {
        &self.inner.frame_policy
    }

    /// The policy of the test-mode 3-D Secure and wallet pages, which the widget may
    /// frame in its modal (`frame-ancestors 'self'` and the allowed storefront origins),
    /// built once.
    pub fn action_page_policy(&self) -> &str {
        &self.inner.action_page_policy
    }

    /// What the test-mode audit found of card data in storefront requests.
    pub fn card_audit(&self) -> &crate::card_audit::CardAudit {
        &self.inner.card_audit
    }

    /// The faults armed for the next requests (test mode).
    pub fn faults(&self) -> &crate::faults::Faults {
        &self.inner.faults
    }

    /// The lock of one idempotency key: requests with the same key run one at a time.
    pub(crate) fn key_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .inner
            .key_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.entry(key.to_owned()).or_default().clone()
    }

    /// Forgets a key's lock once nobody else waits on it.
    pub(crate) fn release_key_lock(&self, key: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut locks = self
            .inner
            .key_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // One reference in the map, one here: nobody else is waiting.
        if Arc::strong_count(&lock) <= 2 {
            locks.remove(key);
        }
    }
}

/// The prefix of merchant secret keys in test mode (Stripe's).
pub const MERCHANT_KEY_PREFIX: &str = "sk_test_";

/// An origin as browsers send it: `http(s)://host[:port]`, nothing after.
fn check_origin(origin: &str) -> Result<(), StartError> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let ok = rest.is_some_and(|host| {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
    });
    if ok {
        Ok(())
    } else {
        Err(StartError::Setting(format!(
            "{origin:?} is not an origin (http(s)://host[:port], no path)"
        )))
    }
}

/// A random key (`prefix` and 64 hex digits) stored under `name`, created on first use.
async fn server_key(db: &SqlitePool, name: &str, prefix: &str) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    sqlx::query("INSERT OR IGNORE INTO server_keys (name, value) VALUES (?, ?)")
        .bind(name)
        .bind(format!("{prefix}{}", hex::encode(bytes)))
        .execute(db)
        .await?;
    sqlx::query_scalar("SELECT value FROM server_keys WHERE name = ?")
        .bind(name)
        .fetch_one(db)
        .await
}
