//! What every handler shares: settings, the database, the clock, the processor, the
//! server's keys, and the per-idempotency-key locks.

use crate::cart::Cart;
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::processor::{Processor, TestProcessor};
use rand::RngCore;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Start-up settings. Their `Debug` leaves the secrets out.
#[derive(Clone)]
pub struct Settings {
    /// The built widget (trunk's `dist/`).
    pub dist: PathBuf,
    /// The demo order every payment is for.
    pub cart: Cart,
    /// Secret for signing webhooks; generated and kept in the database when `None`.
    pub webhook_secret: Option<String>,
    /// The merchant's secret API key (`sk_test_…`) for `/api/merchant`; generated and
    /// kept in the database when `None`.
    pub merchant_key: Option<String>,
    /// The server's public origin (`http://127.0.0.1:8080`), put before the simulated
    /// pages' paths in `next_action` URLs; empty for same-origin paths.
    pub public_url: String,
    /// The file holding the key of card and IBAN fingerprints (created with mode 0600
    /// on first start). `None` keeps a random key in memory only: fingerprints then
    /// compare within one run (tests, an in-memory database).
    pub fingerprint_key_file: Option<PathBuf>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("dist", &self.dist)
            .field("cart", &self.cart)
            .field("public_url", &self.public_url)
            .field("fingerprint_key_file", &self.fingerprint_key_file)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Settings with the demo cart in euros and keys kept in the database.
    pub fn new(dist: impl Into<PathBuf>) -> Self {
        Self {
            dist: dist.into(),
            cart: Cart::demo(payment_core::money::Currency::EUR),
            webhook_secret: None,
            merchant_key: None,
            public_url: String::new(),
            fingerprint_key_file: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or queried.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The fingerprint key file could not be read or written.
    #[error("fingerprint key file {path}: {reason}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
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
    key_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
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
        let in_memory = database_url.contains(":memory:") || database_url.contains("mode=memory");
        let mut options = SqliteConnectOptions::from_str(database_url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if !in_memory {
            // WAL with NORMAL sync is durable across application crashes and skips an
            // fsync per commit (only a power loss can drop the last commits).
            options = options
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
        }
        // One connection: SQLite has a single writer anyway, and with one connection
        // every transaction is serialisable without SQLITE_BUSY upgrades. An in-memory
        // database also lives only as long as its connection, so it must never close.
        let db = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&db).await?;
        // The key of a database made before the key file existed: moved into the file,
        // and out of the database only once the file holds that very key.
        let legacy: Option<String> =
            sqlx::query_scalar("SELECT value FROM server_keys WHERE name = 'fingerprint'")
                .fetch_optional(&db)
                .await?;
        let fingerprint_key = match &settings.fingerprint_key_file {
            Some(path) => {
                let key = fingerprint_key_file(path, legacy.as_deref())?;
                if legacy.is_some() {
                    sqlx::query("DELETE FROM server_keys WHERE name = 'fingerprint'")
                        .execute(&db)
                        .await?;
                }
                key
            }
            // No file (tests, an in-memory database): a key for this run only, or the
            // older database's own, which then stays where it is.
            None => legacy
                .as_deref()
                .and_then(|hex_key| hex::decode(hex_key).ok())
                .unwrap_or_else(random_key),
        };
        let webhook_secret = match &settings.webhook_secret {
            Some(secret) => secret.clone(),
            None => server_key(&db, "webhook_secret", "").await?,
        };
        let merchant_key = match &settings.merchant_key {
            Some(key) => key.clone(),
            None => server_key(&db, "merchant_key", MERCHANT_KEY_PREFIX).await?,
        };
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
                key_locks: Mutex::new(HashMap::new()),
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

    /// The key of card and IBAN fingerprints.
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

/// 32 random bytes.
fn random_key() -> Vec<u8> {
    let mut bytes = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// Reads the fingerprint key from `path`, or creates the file (mode 0600, hex) with the
/// key a database carried before (`legacy`) or a new one. Refuses a file whose key is
/// not the database's older one (one of them would make every stored fingerprint
/// stale). Never logged.
fn fingerprint_key_file(
    path: &std::path::Path,
    legacy: Option<&str>,
) -> Result<Vec<u8>, StartError> {
    let failed = |reason: String| StartError::KeyFile {
        path: path.to_owned(),
        reason,
    };
    let legacy = legacy.and_then(|hex_key| hex::decode(hex_key).ok());
    let read = |path: &std::path::Path| -> Result<Vec<u8>, StartError> {
        let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
        let key =
            hex::decode(text.trim()).map_err(|_| failed("is not a hex-encoded key".to_owned()))?;
        if key.len() < 32 {
            return Err(failed("holds fewer than 32 bytes".to_owned()));
        }
        if legacy.as_ref().is_some_and(|old| *old != key) {
            return Err(failed(
                "holds another key than the one this database kept before the key file \
                 existed; move the file aside to have the database's key moved into it"
                    .to_owned(),
            ));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_or(0, |m| m.permissions().mode());
            if mode & 0o077 != 0 {
                tracing::warn!(
                    path = %path.display(),
                    "the fingerprint key file can be read by others than its owner; chmod 600 it"
                );
            }
        }
        Ok(key)
    };
    if path.exists() {
        return read(path);
    }
    let key = legacy
        .clone()
        .filter(|key| key.len() >= 32)
        .unwrap_or_else(random_key);
    // Written whole to a temporary file, then linked into place: a crash leaves no
    // half-written key, and of two servers starting at once the second reads the
    // first's key instead of writing its own.
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        std::io::Write::write_all(&mut file, format!("{}\n", hex::encode(&key)).as_bytes())?;
        file.sync_all()
    });
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(err.to_string()));
    }
    let linked = std::fs::hard_link(&temporary, path);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(key),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => read(path),
        Err(err) => Err(failed(err.to_string())),
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
