//! checkout-server: the reference merchant backend and demo host, listening as the
//! storefront and as the payments origin. Run it with `cargo xtask demo`, or
//! `cargo run -p checkout-server -- --help`.

use checkout_server::processor::{Processor, TestProcessor};
use checkout_server::processors::routes::{Route, RoutedProcessor};
use checkout_server::processors::stripe::{StripeKeys, StripeProcessor};
use checkout_server::processors::xendit::{XenditKeys, XenditProcessor};
use checkout_server::state::MERCHANT_KEY_PREFIX;
use checkout_server::{
    app, idempotency, intents, payments_app, webhooks, AppState, Cart, Settings, SystemClock,
};
use clap::Parser;
use payment_core::money::Currency;
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

/// Reference merchant backend for payment-element, with a built-in test-mode processor.
///
/// Listens twice. The storefront (--addr) serves the checkout page, the merchant API
/// under /api, the simulated 3-D Secure and e-wallet pages under /test-mode, and
/// delivers signed webhooks to its own /api/webhooks. The payments origin
/// (--payments-addr) serves the vault (/v1: card tokens, the card frame) and the
/// widget's files: card numbers, expiries and CVCs reach it only. Logs go to stderr;
/// set RUST_LOG (e.g. RUST_LOG=debug) for more.
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "CHECKOUT_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory with the built widget (trunk's dist/).
    #[arg(long, env = "CHECKOUT_DIST", default_value = "dist")]
    dist: PathBuf,
    /// Directory for the embedded SQLite database (checkout.sqlite3), created if missing.
    #[arg(long, env = "CHECKOUT_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// File with the key of IBAN fingerprints, created (mode 0600) on first start; kept
    /// out of the database, where beside bank code and country it would let anyone
    /// holding a copy guess IBANs (card fingerprints are the vault's)
    /// [default: fingerprint.key in --data-dir].
    #[arg(long, env = "CHECKOUT_FINGERPRINT_KEY_FILE")]
    fingerprint_key_file: Option<PathBuf>,
    /// SQLite database URL (e.g. sqlite://other.db or sqlite::memory:); overrides
    /// --data-dir.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Currency of the demo cart: eur (cards, SEPA), php (GCash, Maya, ShopeePay) or idr
    /// (OVO, DANA, ShopeePay); any ISO 4217 code works for cards.
    #[arg(long, env = "CHECKOUT_CURRENCY", default_value = "eur")]
    currency: String,
    /// Public origin of this server (e.g. https://shop.example), put before the simulated
    /// pages' paths in next_action URLs [default: none, so the URLs are same-origin paths
    /// such as /test-mode/authenticate/pi_…, which also work behind `trunk serve`'s proxy].
    #[arg(long, env = "CHECKOUT_PUBLIC_URL")]
    public_url: Option<String>,
    /// Webhook signing secret [default: generated once and kept in the database].
    #[arg(long, env = "CHECKOUT_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
    /// Merchant secret key (sk_test_…) for the merchant-only endpoints under
    /// /api/merchant, sent as Authorization: Bearer [default: generated once, kept in the
    /// database and printed at start-up].
    #[arg(long, env = "CHECKOUT_MERCHANT_KEY", hide_env_values = true)]
    merchant_key: Option<String>,
    /// Address of the payments origin: the vault, the card frame and the widget's files.
    #[arg(long, env = "CHECKOUT_PAYMENTS_ADDR", default_value = "127.0.0.1:8090")]
    payments_addr: SocketAddr,
    /// Public origin of the payments listener (e.g. https://pay.example)
    /// [default: http://<the bound --payments-addr>].
    #[arg(long, env = "CHECKOUT_PAYMENTS_ORIGIN")]
    payments_origin: Option<String>,
    /// Another storefront origin allowed to embed the card frame and use the publishable
    /// key (a `trunk serve` page, another shop); repeat the flag or separate with commas.
    /// This server's own storefront (--public-url if given, else http://<the bound
    /// --addr>) is always allowed.
    #[arg(
        long = "storefront-origin",
        env = "CHECKOUT_STOREFRONT_ORIGINS",
        value_delimiter = ','
    )]
    storefront_origins: Vec<String>,
    /// Publishable key (pk_test_ and at least 16 letters or digits): the browser's
    /// credential for the payments origin, which may only tokenize [default: generated
    /// once, kept in the vault's database and printed at start-up].
    #[arg(long, env = "CHECKOUT_PUBLISHABLE_KEY")]
    publishable_key: Option<String>,
    /// File with the vault's key (AES-256-GCM of card numbers and expiries, card
    /// fingerprints), created (mode 0600) on first start [default: vault.key in
    /// --data-dir; in memory with an in-memory database]. The vault's database is
    /// vault.sqlite3 in --data-dir (in memory with an in-memory DATABASE_URL).
    #[arg(long, env = "CHECKOUT_VAULT_KEY_FILE")]
    vault_key_file: Option<PathBuf>,
    /// The shop's name, shown by the test-mode banking app after a QR code is scanned
    /// [default: none, the page shows the amount alone].
    #[arg(long, env = "CHECKOUT_MERCHANT_NAME")]
    merchant_name: Option<String>,
    /// The card brands accepted, comma-separated as Stripe names them (visa,
    /// mastercard, amex, discover, diners, jcb, unionpay, maestro, elo, mir, hiper,
    /// hipercard); a card of another brand is refused [default: all].
    #[arg(long, env = "CHECKOUT_CARD_BRANDS", value_delimiter = ',')]
    card_brands: Vec<String>,
    /// The payment processor: `test` (the built-in test-mode processor, its simulated
    /// pages under /test-mode) or `stripe` (Stripe's API with STRIPE_SECRET_KEY, its
    /// webhooks on /api/webhooks/stripe signed with STRIPE_WEBHOOK_SECRET; needs
    /// --public-url, where Stripe's 3-D Secure page sends the customer back) or `xendit`
    /// (Xendit's Payments API v3 with XENDIT_SECRET_KEY for e-wallets and QR codes, its
    /// webhooks on /api/webhooks/xendit carrying XENDIT_CALLBACK_TOKEN; needs
    /// --public-url too).
    #[arg(long, env = "CHECKOUT_PROCESSOR", value_enum, default_value = "test")]
    processor: ProcessorKind,
    /// Base URL of Stripe's API (a stand-in such as localstripe, for tests).
    #[arg(
        long,
        env = "STRIPE_API_BASE",
        default_value = "https://api.stripe.com"
    )]
    stripe_api_base: String,
    /// The Stripe account has raw card data access: card numbers go from the vault to
    /// Stripe's API. Without it only Stripe's test cards are taken, in test mode, as
    /// Stripe's test PaymentMethods.
    #[arg(long, env = "STRIPE_RAW_CARD_DATA")]
    stripe_raw_card_data: bool,
    /// Route markets to processors, e.g. `eu=stripe,ph=xendit,id=xendit`: each
    /// market's payments go to its processor (by the market's currency), the others to
    /// --processor's; cards to the first routed processor that takes them (Xendit
    /// takes none here). Each named processor needs its keys.
    #[arg(long = "route", env = "CHECKOUT_ROUTE", value_delimiter = ',')]
    routes: Vec<String>,
    /// Base URL of Xendit's API (a mock, for tests).
    #[arg(long, env = "XENDIT_API_BASE", default_value = "https://api.xendit.co")]
    xendit_api_base: String,
}

/// `--processor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
enum ProcessorKind {
    /// The built-in test-mode processor.
    Test,
    /// Stripe.
    Stripe,
    /// Xendit.
    Xendit,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let options = ProcessorOptions {
        stripe_api_base: args.stripe_api_base.clone(),
        stripe_raw_card_data: args.stripe_raw_card_data,
        xendit_api_base: args.xendit_api_base.clone(),
    };
    let currency = Currency::new(&args.currency).map_err(|e| e.message())?;
    let in_memory = args
        .database_url
        .as_deref()
        .is_some_and(|url| url.contains(":memory:") || url.contains("mode=memory"));
    // An in-memory database lives for one run: so does its fingerprint key, unless a
    // file is named.
    let fingerprint_key_file = match args.fingerprint_key_file {
        Some(path) => Some(path),
        None if in_memory => None,
        None => {
            std::fs::create_dir_all(&args.data_dir)?;
            Some(args.data_dir.join("fingerprint.key"))
        }
    };
    // The vault's database and key follow the same rule, in their own files.
    let vault_key_file = match args.vault_key_file {
        Some(path) => Some(path),
        None if in_memory => None,
        None => Some(args.data_dir.join("vault.key")),
    };
    let vault_database_url = if in_memory {
        "sqlite::memory:".to_owned()
    } else {
        std::fs::create_dir_all(&args.data_dir)?;
        format!("sqlite://{}", args.data_dir.join("vault.sqlite3").display())
    };
    let database_url = match args.database_url {
        Some(url) => url,
        None => {
            std::fs::create_dir_all(&args.data_dir)?;
            format!(
                "sqlite://{}",
                args.data_dir.join("checkout.sqlite3").display()
            )
        }
    };
    let mut settings = Settings::new(args.dist);
    settings.cart = Cart::demo(currency);
    settings.webhook_secret = args.webhook_secret;
    settings.fingerprint_key_file = fingerprint_key_file;
    if let Some(key) = &args.merchant_key {
        if !key.starts_with(MERCHANT_KEY_PREFIX) || key.len() < MERCHANT_KEY_PREFIX.len() + 16 {
            return Err(format!(
                "--merchant-key must be {MERCHANT_KEY_PREFIX} followed by at least 16 characters"
            )
            .into());
        }
    }
    let key_given = args.merchant_key.is_some();
    settings.merchant_key = args.merchant_key;
    settings.public_url = args
        .public_url
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    // Both listeners are bound before anything is printed: port 0 works for each, and
    // the origins the state needs are the bound ones.
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let bound = listener.local_addr()?;
    let payments_listener = tokio::net::TcpListener::bind(args.payments_addr).await?;
    let payments_bound = payments_listener.local_addr()?;
    let origin = |text: &str| text.trim().trim_end_matches('/').to_owned();
    settings.payments_origin = args
        .payments_origin
        .as_deref()
        .map_or_else(|| format!("http://{payments_bound}"), origin);
    let own = if settings.public_url.is_empty() {
        format!("http://{bound}")
    } else {
        origin(&settings.public_url)
    };
    settings.storefront_origins = std::iter::once(own)
        .chain(args.storefront_origins.iter().map(|o| origin(o)))
        .filter(|o| !o.is_empty())
        .collect();
    settings.storefront_origins.dedup();
    settings.publishable_key = args.publishable_key;
    settings.vault_key_file = vault_key_file;
    settings.vault_database_url = vault_database_url;
    settings.merchant_name = args
        .merchant_name
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty());
    if !args.card_brands.is_empty() {
        settings.card_brands =
            payment_core::card::BrandSet::from_names(args.card_brands.iter().map(String::as_str))
                .map_err(|name| format!("--card-brands: {name:?} is not a card brand"))?;
    }
    let mut made: HashMap<ProcessorKind, Arc<dyn Processor>> = HashMap::new();
    let mut make = |kind: ProcessorKind,
                    settings: &mut Settings|
     -> Result<Arc<dyn Processor>, Box<dyn std::error::Error>> {
        if let Some(processor) = made.get(&kind) {
            return Ok(processor.clone());
        }
        let processor = make_processor(kind, &options, settings)?;
        made.insert(kind, processor.clone());
        Ok(processor)
    };
    let fallback = make(args.processor, &mut settings)?;
    let processor: Arc<dyn Processor> = if args.routes.is_empty() {
        fallback
    } else {
        let mut routes = Vec::new();
        for route in &args.routes {
            let (market, kind) = route.split_once('=').ok_or_else(|| {
                format!("--route {route:?}: write market=processor, e.g. eu=stripe")
            })?;
            let currency = checkout_server::cart::MARKETS
                .iter()
                .find(|(name, _)| *name == market.trim())
                .map(|(_, currency)| *currency)
                .ok_or_else(|| format!("--route {route:?}: markets are eu, ph and id"))?;
            let kind =
                <ProcessorKind as clap::ValueEnum>::from_str(kind.trim(), true).map_err(|_| {
                    format!("--route {route:?}: processors are test, stripe and xendit")
                })?;
            routes.push(Route {
                currency,
                processor: make(kind, &mut settings)?,
                takes_cards: kind != ProcessorKind::Xendit,
            });
        }
        Arc::new(RoutedProcessor::new(routes, fallback))
    };
    tracing::info!(processor = ?args.processor, routes = ?args.routes, "processor");
    let state = AppState::open(settings, &database_url, Arc::new(SystemClock), processor).await?;
    // On stdout, not in the logs: this is the test-mode demo's key, shown so a merchant
    // can try /api/merchant; one given by flag or environment is already known.
    let key = state.merchant_key();
    if key_given {
        let tail = &key[key.len().saturating_sub(4)..];
        println!("merchant secret key: {MERCHANT_KEY_PREFIX}…{tail} (from --merchant-key)");
    } else {
        println!("merchant secret key: {key}");
    }
    tokio::spawn(background(state.clone()));
    // On stdout too, so that a supervisor that asked for port 0 learns the ports; one
    // that stopped reading (a closed pipe) must not stop the server. The publishable key
    // is not a secret: pages carry it.
    {
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "listening on http://{bound}");
        let _ = writeln!(
            stdout,
            "payments origin listening on http://{payments_bound}"
        );
        let _ = writeln!(stdout, "publishable key: {}", state.publishable_key());
        let _ = stdout.flush();
    }
    tracing::info!("listening on http://{bound}");
    tracing::info!(
        origin = %state.settings().payments_origin,
        "payments origin listening on http://{payments_bound}"
    );
    // One signal stops both listeners.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown().await;
        let _ = stop.send(true);
    });
    let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let storefront = axum::serve(listener, app(state.clone()))
        .with_graceful_shutdown(until_stopped(stopped.clone()));
    let payments = axum::serve(payments_listener, payments_app(state))
        .with_graceful_shutdown(until_stopped(stopped));
    tokio::try_join!(async { storefront.await }, async { payments.await })?;
    Ok(())
}

/// What the processors are made with, from the flags.
struct ProcessorOptions {
    stripe_api_base: String,
    stripe_raw_card_data: bool,
    xendit_api_base: String,
}

/// A processor of `kind`: its keys from the environment (a missing one is an error
/// naming the variable), its webhook secret into `settings`.
fn make_processor(
    kind: ProcessorKind,
    args: &ProcessorOptions,
    settings: &mut Settings,
) -> Result<Arc<dyn Processor>, Box<dyn std::error::Error>> {
    let needs_public_url = |name: &str| -> Result<(), Box<dyn std::error::Error>> {
        if settings.public_url.is_empty() {
            return Err(format!(
                "{name} needs --public-url: its page sends the customer back to an \
                 absolute URL (Stripe's 3-D Secure page, a wallet's page)"
            )
            .into());
        }
        Ok(())
    };
    Ok(match kind {
        ProcessorKind::Test => Arc::new(TestProcessor::default()),
        ProcessorKind::Stripe => {
            let keys = StripeKeys::from_env().map_err(|err| err.to_string())?;
            needs_public_url("--processor stripe")?;
            settings.stripe_webhook_secret = Some(keys.webhook_secret);
            Arc::new(StripeProcessor::new(
                &args.stripe_api_base,
                keys.secret_key,
                args.stripe_raw_card_data,
            )?)
        }
        ProcessorKind::Xendit => {
            let keys = XenditKeys::from_env().map_err(|err| err.to_string())?;
            needs_public_url("--processor xendit")?;
            settings.xendit_callback_token = Some(keys.callback_token);
            Arc::new(XenditProcessor::new(
                &args.xendit_api_base,
                keys.secret_key,
            )?)
        }
    })
}

/// Ctrl-C or SIGTERM (what `kill` and process supervisors send).
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

/// The processor's clockwork: asks the processor again for answers that were lost
/// (`attempts`), settles due SEPA debits, lapses QR codes whose time is
/// over, delivers due webhooks, forgets expired idempotency keys, and drops the vault's
/// CVCs whose 15 minutes are over.
async fn background(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        if let Err(err) = intents::reconcile_all_stale(&state).await {
            tracing::warn!(code = err.error.code.as_str(), "reconciling failed");
        }
        if let Err(err) = intents::settle_all_due(&state).await {
            tracing::warn!(code = err.error.code.as_str(), "settling failed");
        }
        if let Err(err) = intents::expire_all_due_qr_codes(&state).await {
            tracing::warn!(code = err.error.code.as_str(), "expiring QR codes failed");
        }
        if let Err(err) = webhooks::deliver_due(&state).await {
            tracing::warn!(code = err.error.code.as_str(), "webhook delivery failed");
        }
        state.vault().purge_expired(state.now());
        if let Err(err) = idempotency::purge_expired(&state).await {
            tracing::warn!(
                code = err.error.code.as_str(),
                "purging idempotency keys failed"
            );
        }
    }
}
