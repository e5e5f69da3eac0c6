//! `cargo xtask`: the only commands a newcomer needs.
//!
//! - `cargo xtask setup`: install every tool the project needs (idempotent).
//! - `cargo xtask demo`: build the widget and serve the demo on http://127.0.0.1:8080.
//! - `cargo xtask test`: run every test layer and print a summary line per layer.
//! - `cargo xtask bench`: size, start-up, typing and server load beside the anchors.
//! - `cargo xtask visual [--update]`: the element's screenshots against `e2e/visual/`.
//! - `cargo xtask package`: the widget as an npm package, `target/package/*.tgz`.

mod bench;
mod cmd;
mod demo;
mod package;
mod setup;
mod test;
mod visual;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <setup|demo|test|bench|visual|package>

  setup   install the wasm32 target, wasm-bindgen-cli, trunk, wasm-opt, chromium (idempotent)
  demo    setup, build the widget, serve the demo on http://127.0.0.1:8080 (Ctrl-C stops it)
  test    setup, then host tests, browser tests and end-to-end tests
  bench   setup, then size, start-up, typing and server load beside Adyen's and
          Braintree's drop-ins; one table plus target/bench/report.json
          (--runs N: browser runs per page, default 11; --no-server; --no-wire: skip the
           serde-wasm-bindgen / gloo-net variants)
  visual  setup, then the Payment Element's screenshots (layouts × themes at 390 and
          1200 px) against e2e/visual/; diffs in target/visual-diff/
          (--update: record them again after an intended change; with E2E_DIST and
           E2E_SERVER_BIN set, that build is used instead of building)
  package setup, build the release widget, and pack it for npm:
          target/package/payment-element-<version>.tgz (`npm install` that file)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("demo") => setup::run().and_then(|()| demo::run()),
        Some("test") => setup::run().and_then(|()| test::run()),
        Some("bench") => setup::run().and_then(|()| bench::run(&args[1..])),
        Some("visual") => setup::run().and_then(|()| visual::run(&args[1..])),
        Some("package") => setup::run().and_then(|()| package::run()),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(cmd::Failure::new(USAGE)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("\nxtask: {failure}");
            ExitCode::FAILURE
        }
    }
}
