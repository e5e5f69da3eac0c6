//! The embedded database: a file under the data directory, migrated at start-up, with
//! the webhook secret and the merchant key kept in it so they survive a restart; the
//! fingerprint key lives in its own file, so fingerprints survive a restart too.

use checkout_server::{AppState, Settings};

#[tokio::test]
async fn a_file_database_is_created_migrated_and_keeps_its_keys() {
    let dir = std::env::temp_dir().join(format!("checkout-storage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("checkout.sqlite3");
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());

    let first = AppState::open_default(Settings::new(&dir), &url)
        .await
        .unwrap();
    let secret = first.webhook_secret().to_owned();
    let merchant_key = first.merchant_key().to_owned();
    assert!(merchant_key.starts_with("sk_test_"));
    assert_eq!(merchant_key.len(), "sk_test_".len() + 64);
    assert_eq!(secret.len(), 64);
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN \
         ('payment_intents', 'confirmation_tokens', 'payment_methods', 'idempotency_keys')",
    )
    .fetch_one(first.db())
    .await
    .unwrap();
    assert_eq!(tables, 4);
    first.db().close().await;
    assert!(path.exists());

    // A restart finds the same keys and does not migrate twice.
    let second = AppState::open_default(Settings::new(&dir), &url)
        .await
        .unwrap();
    assert_eq!(second.webhook_secret(), secret);
    assert_eq!(second.merchant_key(), merchant_key);
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(second.db())
        .await
        .unwrap();
    // Each embedded migration ran once.
    let embedded = checkout_server::state::MIGRATOR.iter().count();
    assert!(embedded >= 2);
    assert_eq!(migrations, i64::try_from(embedded).unwrap());
    second.db().close().await;

    // An explicit secret wins over the stored one.
    let mut settings = Settings::new(&dir);
    settings.webhook_secret = Some("whsec_configured".to_owned());
    settings.merchant_key = Some("sk_test_configured0123456789".to_owned());
    let third = AppState::open_default(settings, &url).await.unwrap();
    assert_eq!(third.webhook_secret(), "whsec_configured");
    assert_eq!(third.merchant_key(), "sk_test_configured0123456789");
    third.db().close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

mod common;

/// A server on a file database with its fingerprint key in `key_file`.
async fn file_server(dir: &std::path::Path, key_file: &std::path::Path) -> common::Harness {
    let clock = std::sync::Arc::new(checkout_server::ManualClock::new(common::NOW));
    let mut settings = Settings::new(dir);
    settings.fingerprint_key_file = Some(key_file.to_owned());
    // Card fingerprints are the vault's: its key and database are kept beside.
    settings.vault_key_file = Some(dir.join("vault.key"));
    settings.vault_database_url = format!("sqlite://{}", dir.join("vault.sqlite3").display());
    let url = format!("sqlite://{}", dir.join("checkout.sqlite3").display());
    let for_state = clock.clone();
    common::Harness::open(settings, clock, move |settings| async move {
        AppState::open(
            settings,
            &url,
            for_state,
            std::sync::Arc::new(checkout_server::processor::TestProcessor::default()),
        )
        .await
        .unwrap()
    })
    .await
}

#[tokio::test]
async fn the_fingerprint_key_lives_in_a_0600_file_and_never_in_the_database() {
    let dir = std::env::temp_dir().join(format!("checkout-keyfile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("fingerprint.key");

    let h = file_server(&dir, &key_file).await;
    let key = std::fs::read_to_string(&key_file)
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(key.len(), 64, "32 bytes in hex");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let card = h
        .token_from(h.card_request("4242424242424242").await, None)
        .await;
    h.confirm(card["id"].as_str().unwrap(), None).await;
    let sepa = h
        .token_from(
            common::sepa_request("DE89370400440532013000", "jenny@example.com"),
            None,
        )
        .await;
    h.confirm(sepa["id"].as_str().unwrap(), None).await;
    let fingerprints = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT fingerprint FROM payment_methods WHERE fingerprint IS NOT NULL ORDER BY type",
        )
        .fetch_all(h.state.db())
        .await
        .unwrap()
    };
    let first = fingerprints().await;
    assert_eq!(first.len(), 2, "a card and a SEPA debit are fingerprinted");
    let everything = common::dump_database(&h).await;
    assert!(
        !everything.contains(&key),
        "the fingerprint key is in the database"
    );
    assert!(!everything.contains("4242424242424242"));
    assert!(!everything.contains("DE89370400440532013000"));
    assert!(
        !everything.contains("370400440532013000"),
        "the BBAN is stored"
    );
    h.state.db().close().await;
    h.state.vault().db().close().await;

    // A restart reads the same keys: the same card gets the same fingerprint.
    let h = file_server(&dir, &key_file).await;
    let card = h
        .token_from(h.card_request("4242424242424242").await, None)
        .await;
    h.confirm(card["id"].as_str().unwrap(), None).await;
    let card_fingerprints: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT fingerprint FROM payment_methods WHERE type = 'card'")
            .fetch_all(h.state.db())
            .await
            .unwrap();
    assert_eq!(card_fingerprints.len(), 1);
    h.state.db().close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_key_left_in_an_older_database_moves_to_the_key_file() {
    let dir = std::env::temp_dir().join(format!("checkout-keymove-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("checkout.sqlite3").display());
    // A database as the server made it before the key file: the key in server_keys.
    let old = AppState::open_default(Settings::new(&dir), &url)
        .await
        .unwrap();
    let legacy = "ab".repeat(32);
    sqlx::query("INSERT INTO server_keys (name, value) VALUES ('fingerprint', ?)")
        .bind(&legacy)
        .execute(old.db())
        .await
        .unwrap();
    old.db().close().await;

    // A key file that holds another key is refused: the database keeps its key.
    let key_file = dir.join("fingerprint.key");
    std::fs::write(&key_file, "cd".repeat(32)).unwrap();
    let clock = std::sync::Arc::new(checkout_server::ManualClock::new(common::NOW));
    let mut settings = Settings::new(&dir);
    settings.fingerprint_key_file = Some(key_file.clone());
    let refused = AppState::open(
        settings,
        &url,
        clock,
        std::sync::Arc::new(checkout_server::processor::TestProcessor::default()),
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("another key"), "{refused}");
    std::fs::remove_file(&key_file).unwrap();

    let h = file_server(&dir, &key_file).await;
    assert_eq!(std::fs::read_to_string(&key_file).unwrap().trim(), legacy);
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM server_keys WHERE name = 'fingerprint'")
            .fetch_one(h.state.db())
            .await
            .unwrap();
    assert_eq!(left, 0);
    h.state.db().close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
