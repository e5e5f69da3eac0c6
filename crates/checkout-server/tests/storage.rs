//! The embedded database: a file under the data directory, migrated at start-up, with
//! the server's keys kept so fingerprints, webhook signatures and the merchant key
//! survive a restart.

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
