//! `cargo xtask demo`: builds the widget with trunk and serves it with the reference
//! merchant backend on http://127.0.0.1:8080 until Ctrl-C.

use crate::cmd::{self, Result};
use std::path::PathBuf;
use std::process::Command;

pub const DEMO_ADDR: &str = "127.0.0.1:8080";

pub fn run() -> Result {
    build_widget()?;
    build_server()?;
    let root = cmd::root();
    println!("\n== demo: http://{DEMO_ADDR}  (Ctrl-C stops it)\n");
    cmd::run(
        Command::new(server_binary())
            .current_dir(&root)
            .args(["--addr", DEMO_ADDR, "--dist"])
            .arg(root.join("dist")),
        "the demo server",
    )
}

/// `trunk build --release` into `dist/`: the exact files the demo and the e2e tests serve.
pub fn build_widget() -> Result {
    println!("\n== building the widget (trunk build --release)");
    cmd::run(
        Command::new("trunk")
            .current_dir(cmd::root())
            .args(["build", "--release"]),
        "trunk build --release",
    )
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
