//! `cargo xtask demo`: builds the widget with trunk and serves it with the reference
//! merchant backend until Ctrl-C: the storefront on http://127.0.0.1:8080, the payments
//! origin (card frame, vault, the widget's files) on http://127.0.0.1:8090.

use crate::cmd::{self, Result};
use std::path::PathBuf;
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
/// chunks loaded later (issue 18): the exact files the demo and the e2e tests serve.
///
/// trunk cannot split a wasm. Its cargo build gets `--cfg wasm_split` (the split points
/// become imports of a module wasm-split-cli resolves) and `--emit-relocs` (what
/// wasm-split-cli needs to move functions and their data); trunk's post-build hook
/// (examples/stage.sh) splits the linked wasm it is told about in
/// `PAYMENT_ELEMENT_SPLIT_WASM` and puts the result in place of trunk's. `trunk serve`
/// and the browser tests build without the cfg: one module, the same behaviour.
pub fn build_widget() -> Result {
    println!("\n== building the widget (trunk build --release, split)");
    cmd::run(&mut trunk_release(), "trunk build --release")
}

/// `trunk build --release` as every release build of the widget runs it: split.
pub fn trunk_release() -> Command {
    let linked =
        crate::bench::target_dir().join("wasm32-unknown-unknown/release/payment_element.wasm");
    let mut trunk = Command::new("trunk");
    trunk
        .current_dir(cmd::root())
        .args(["build", "--release"])
        // RUSTFLAGS replaces .cargo/config.toml's target flags: erase_components again.
        .env(
            "RUSTFLAGS",
            "--cfg erase_components --cfg wasm_split -C link-args=--emit-relocs",
        )
        .env("PAYMENT_ELEMENT_SPLIT_WASM", linked);
    trunk
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
