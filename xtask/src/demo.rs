//! `cargo xtask demo`: builds the widget with trunk and serves it with the reference
//! merchant backend until Ctrl-C: the storefront on http://127.0.0.1:8080, the payments
//! origin (card frame, vault, the widget's files) on http://127.0.0.1:8090.

use crate::cmd::{self, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const DEMO_ADDR: &str = "127.0.0.1:8080";
/// The payments origin of the demo: the card frame, the vault and the widget's files.
pub const PAYMENTS_ADDR: &str = "127.0.0.1:8090";
/// Pages of front-end work that may embed the card frame besides the demo's own:
/// `trunk serve` of the demo (8081) and of the Leptos example (8082).
pub const DEV_ORIGINS: &str = "http://127.0.0.1:8081,http://127.0.0.1:8082";

pub fn run() -> Result {
    build_widget()?;
    build_server()?;
    let root = cmd::root();
    println!(
        "\n== demo: http://{DEMO_ADDR}  (the storefront; the payments origin with the card \
         frame and the vault is http://{PAYMENTS_ADDR}; Ctrl-C stops both)\n"
    );
    cmd::run(
        Command::new(server_binary())
            .current_dir(&root)
            .args(["--addr", DEMO_ADDR, "--payments-addr", PAYMENTS_ADDR])
            .args(["--storefront-origin", DEV_ORIGINS, "--dist"])
            .arg(root.join("dist")),
        "the demo server",
    )
}

/// `trunk build --release` into `dist/`, the wasm split into a main module and the
/// chunks loaded later (issue 18), and the return page's own wasm beside it: the exact
/// files the demo and the e2e tests serve.
///
/// trunk cannot split a wasm. Its cargo build gets `--cfg wasm_split` (the split points
/// become imports of a module wasm-split-cli resolves) and `--emit-relocs` (what
/// wasm-split-cli needs to move functions and their data); trunk's post-build hook
/// (examples/stage.sh) splits the linked wasm it is told about in
/// `PAYMENT_ELEMENT_SPLIT_WASM` and puts the result in place of trunk's. `trunk serve`
/// and the browser tests build without the cfg: one module, the same behaviour.
pub fn build_widget() -> Result {
    println!("\n== building the widget (trunk build --release, split)");
    cmd::run(&mut trunk_release(&[])?, "trunk build --release")
}

/// The flags of every release build of the wasm. RUSTFLAGS replaces .cargo/config.toml's
/// target flags: erase_components again. Both builds below share them, so they share
/// every compiled dependency.
const RELEASE_RUSTFLAGS: &str =
    "--cfg erase_components --cfg wasm_split -C link-args=--emit-relocs";

/// `trunk build --release` as every release build of the widget runs it (with the
/// widget's cargo `features`): split, with the return page's own wasm built first.
///
/// The crate's entry points are cargo features (`element`, `card-frame`,
/// `payment-status`); the return page's wasm is the crate with `payment-status` alone
/// (issue 18: it loads only what it shows). trunk builds one wasm per page, so it is
/// built here first, copied out of cargo's output before trunk's build links the widget
/// to the same path, and named to the hook in `PAYMENT_STATUS_WASM`.
pub fn trunk_release(features: &[&str]) -> Result<Command> {
    let target = crate::bench::target_dir();
    let linked = target.join("wasm32-unknown-unknown/release/payment_element.wasm");
    let status_wasm = own_wasm(&linked, "payment-status", features, "the return page's")?;
    let mut trunk = Command::new("trunk");
    trunk
        .current_dir(cmd::root())
        .args(["build", "--release"])
        .env("RUSTFLAGS", RELEASE_RUSTFLAGS)
        .env("PAYMENT_ELEMENT_SPLIT_WASM", linked)
        .env("PAYMENT_STATUS_WASM", status_wasm);
    if !features.is_empty() {
        trunk.args(["--features", &features.join(",")]);
    }
    Ok(trunk)
}

/// Builds the crate with `entry` (one of its entry-point features) and `features`
/// alone, and copies the linked wasm out of cargo's output: its path.
fn own_wasm(linked: &Path, entry: &str, features: &[&str], whose: &str) -> Result<PathBuf> {
    println!("\n== building {whose} wasm (payment-element with `{entry}` alone)");
    let mut cargo = Command::new("cargo");
    cargo
        .current_dir(cmd::root())
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .args([
            "--package",
            "payment-element",
            "--lib",
            "--no-default-features",
        ])
        .args(["--features", &[&[entry], features].concat().join(",")])
        .env("RUSTFLAGS", RELEASE_RUSTFLAGS);
    cmd::run(&mut cargo, &format!("cargo build ({whose} wasm)"))?;
    let dir = crate::bench::target_dir().join("entries");
    let copy = dir.join(format!("{entry}.wasm"));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(linked, &copy))
        .map_err(|e| cmd::Failure::new(format!("copying {whose} wasm: {e}")))?;
    Ok(copy)
}

/// The reference server, in the dev profile (quick to build; the release profile is
/// tuned for the widget's size).
pub fn build_server() -> Result {
    println!("\n== building the server");
    cmd::run(
        Command::new("cargo").current_dir(cmd::root()).args([
            "build",
            "--package",
            "checkout-server",
        ]),
        "cargo build --package checkout-server",
    )
}

/// Where `build_server` puts the binary.
pub fn server_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cmd::root().join("target"));
    target.join("debug/checkout-server")
}
