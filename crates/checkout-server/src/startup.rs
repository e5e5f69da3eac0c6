//! Opening the server: its databases' connection settings, and why a start fails.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or queried.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A key file (fingerprints, vault) could not be read or written, or holds another
    /// key than the data was made with.
    #[error("key file {path}: {reason}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A setting is not usable (an origin that is not one, a malformed key).
    #[error("{0}")]
    Setting(String),
    /// The HTTP client (the storefront's link to the vault) could not be built.
    #[error("HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
}

/// Opens (creating if needed) a SQLite database with the server's settings: one
/// connection, foreign keys on, WAL for a file.
pub async fn open_pool(database_url: &str) -> Result<SqlitePool, sqlx::Error> {
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
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await
}
