//! `cargo xtask demo`: builds the widget with trunk and serves it with the reference
//! merchant backend on http://127.0.0.1:8080 until Ctrl-C.

use crate::cmd::{self, Result};
use std::process::Command;

pub const DEMO_ADDR: &str = "127.0.0.1:8080";

pub fn run() -> Result {
    let root = cmd::root();
    println!("\n== building the widget (trunk build --release)");
    cmd::run(
        Command::new("trunk")
            .current_dir(&root)
            .args(["build", "--release"]),
        "trunk build --release",
    )?;
    println!("\n== building the server");
    cmd::run(
        Command::new("cargo")
            .current_dir(&root)
            .args(["build", "--package", "checkout-server"]),
        "cargo build --package checkout-server",
    )?;
    println!("\n== demo: http://{DEMO_ADDR}  (Ctrl-C stops it)\n");
    cmd::run(
        Command::new(root.join("target/debug/checkout-server"))
            .current_dir(&root)
            .args(["--addr", DEMO_ADDR, "--dist"])
            .arg(root.join("dist")),
        "the demo server",
    )
}
