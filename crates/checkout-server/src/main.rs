//! checkout-server: the reference merchant backend and demo host.
//! Run it with `cargo xtask demo`, or `cargo run -p checkout-server -- --help`.

use checkout_server::{app, AppState, Settings};
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

/// Reference merchant backend for payment-element, with a built-in test-mode processor.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "CHECKOUT_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory with the built widget (trunk's dist/).
    #[arg(long, env = "CHECKOUT_DIST", default_value = "dist")]
    dist: PathBuf,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let state = AppState::new(Settings { dist: args.dist });
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
