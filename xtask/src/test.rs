//! `cargo xtask test`: every test layer, each summarised on one line at the end.
//!
//! Layers: host tests of the whole workspace (and `cargo doc` of the widget crate with
//! warnings denied, one check); `wasm-bindgen-test` browser tests in
//! headless Chromium; end-to-end tests that drive the release widget and the real server
//! in headless Chromium over WebDriver.

use crate::cmd::{self, Failure, Result};
use crate::setup::CHROMEDRIVER;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one layer ran.
struct Layer {
    name: &'static str,
    passed: u32,
    failed: u32,
    ignored: u32,
    ok: bool,
}

/// A fresh temporary directory for one test layer, removed when dropped. The layer's
/// browsers get it as `TMPDIR`: ChromeDriver and Chromium leave a ~100 MB profile
/// (`org.chromium.Chromium.scoped_dir.*`) in the temporary directory for every browser
/// wasm-bindgen-test-runner stops, which filled /tmp by gigabytes per run.
pub(crate) struct ScratchTmp(std::path::PathBuf);

impl ScratchTmp {
    pub(crate) fn new(layer: &str) -> Result<ScratchTmp> {
        let dir = crate::bench::target_dir().join(format!("tmp-{layer}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Failure::new(format!("{}: {e}", dir.display())))?;
        Ok(ScratchTmp(dir))
    }
}

impl Drop for ScratchTmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn run() -> Result {
    let root = cmd::root();
    let mut layers = Vec::new();

    println!("\n== host tests (cargo test --workspace)");
    let mut host = Command::new("cargo");
    // The end-to-end crate needs the built widget and server: it runs in its own layer.
    host.current_dir(&root)
        .args(["test", "--workspace", "--exclude", "e2e"]);
    layers.push(cargo_test("host", &mut host)?);

    println!("\n== processors (the Stripe adapter against localstripe)");
    let mut processors = Command::new("cargo");
    processors
        .current_dir(&root)
        .args([
            "test",
            "--package",
            "checkout-server",
            "--test",
            "localstripe",
            "--",
            "--ignored",
        ])
        .env("LOCALSTRIPE_PYTHON", crate::setup::venv_python());
    layers.push(cargo_test("processors", &mut processors)?);

    println!("\n== rustdoc (cargo doc --no-deps -p payment-element, warnings denied)");
    let started = std::time::Instant::now();
    let doc = cmd::run(
        Command::new("cargo")
            .current_dir(&root)
            .args(["doc", "--no-deps", "--package", "payment-element"])
            .env("RUSTDOCFLAGS", "-D warnings"),
        "cargo doc --no-deps -p payment-element",
    );
    let doc_seconds = started.elapsed().as_secs();

    println!("\n== browser tests (wasm-bindgen-test in headless Chromium)");
    let mut browser = Command::new("cargo");
    browser
        .current_dir(&root)
        .args([
            "test",
            "--package",
            "payment-element",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env_remove("GECKODRIVER")
        .env_remove("SAFARIDRIVER")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "180");
    let scratch = ScratchTmp::new("browser")?;
    browser.env("TMPDIR", &scratch.0);
    layers.push(cargo_test("browser", &mut browser)?);
    drop(scratch);

    println!("\n== end-to-end tests (real server + release widget in headless Chromium)");
    let (dist, server_bin) = build_for_e2e()?;
    // The npm package of that build, which a Vite page installs (npm_package.rs).
    let package = crate::package::assemble(&dist)?;
    let scratch = ScratchTmp::new("e2e")?;
    let mut e2e = e2e_command(&dist, &server_bin, &scratch);
    e2e.env("E2E_PACKAGE", &package);
    layers.push(cargo_test("e2e", &mut e2e)?);
    drop(scratch);

    println!(
        "\n== size (gzip -9 of the release widget against {})",
        crate::bench::budget::FILE
    );
    let size = crate::bench::size_check();

    println!("\n== summary");
    let (mut passed, mut failed) = (0, 0);
    for layer in &layers {
        println!(
            "{:<8} {} — {} passed, {} failed, {} ignored",
            layer.name,
            if layer.ok { "ok" } else { "FAILED" },
            layer.passed,
            layer.failed,
            layer.ignored
        );
        passed += layer.passed;
        failed += layer.failed;
    }
    let size_ok = match &size {
        Ok(check) => {
            let verdict = if check.ok() { "ok" } else { "FAILED" };
            println!("size     {verdict} — {}", check.summary());
            check.ok()
        }
        Err(failure) => {
            println!("size     FAILED — {failure}");
            false
        }
    };
    if size_ok {
        passed += 1;
    } else {
        failed += 1;
    }
    // One check, counted as the size layer is: the crate's docs build without a warning.
    match &doc {
        Ok(()) => {
            println!("rustdoc  ok — no warnings ({doc_seconds} s)");
            passed += 1;
        }
        Err(failure) => {
            println!("rustdoc  FAILED — {failure}");
            failed += 1;
        }
    }
    println!("summary: {passed} passed, {failed} failed");
    if layers.iter().all(|l| l.ok) && size_ok && doc.is_ok() {
        Ok(())
    } else {
        let mut names: Vec<&str> = layers.iter().filter(|l| !l.ok).map(|l| l.name).collect();
        if !size_ok {
            names.push("size");
        }
        if doc.is_err() {
            names.push("rustdoc");
        }
        Err(Failure::new(format!(
            "test layers failed: {}",
            names.join(", ")
        )))
    }
}

/// Builds the release widget (`dist/`) and the server; their paths.
pub(crate) fn build_for_e2e() -> Result<(PathBuf, PathBuf)> {
    crate::demo::build_widget()?;
    crate::demo::build_server()?;
    Ok((cmd::root().join("dist"), crate::demo::server_binary()))
}

/// `cargo test -p e2e` against `dist` and `server_bin`, its browsers' temporary files
/// in `scratch`.
pub(crate) fn e2e_command(dist: &Path, server_bin: &Path, scratch: &ScratchTmp) -> Command {
    let mut e2e = Command::new("cargo");
    e2e.current_dir(cmd::root())
        .args(["test", "--package", "e2e"])
        .env("E2E_DIST", dist)
        .env("E2E_SERVER_BIN", server_bin)
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("TMPDIR", &scratch.0);
    e2e
}

/// Runs a `cargo test` command, echoing its output and adding up its result lines.
fn cargo_test(name: &'static str, command: &mut Command) -> Result<Layer> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::new(format!("{name} tests: could not start cargo: {e}")))?;
    let mut layer = Layer {
        name,
        passed: 0,
        failed: 0,
        ignored: 0,
        ok: false,
    };
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| Failure::new(format!("{name} tests: {e}")))?;
        println!("{line}");
        if let Some(rest) = line.trim().strip_prefix("test result: ") {
            layer.passed += count(rest, "passed");
            layer.failed += count(rest, "failed");
            layer.ignored += count(rest, "ignored");
        }
    }
    let status = child
        .wait()
        .map_err(|e| Failure::new(format!("{name} tests: {e}")))?;
    layer.ok = status.success() && layer.failed == 0;
    Ok(layer)
}

/// The number before `word` in a line like `ok. 12 passed; 0 failed; 1 ignored; …`.
fn count(result: &str, word: &str) -> u32 {
    result
        .split(';')
        .filter_map(|part| {
            let mut words = part.split_whitespace().rev();
            match (words.next(), words.next()) {
                (Some(w), Some(n)) if w == word => n.parse::<u32>().ok(),
                _ => None,
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn reads_cargo_result_lines() {
        let line =
            "ok. 12 passed; 1 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(count(line, "passed"), 12);
        assert_eq!(count(line, "failed"), 1);
        assert_eq!(count(line, "ignored"), 3);
        assert_eq!(count("FAILED. 0 passed; 2 failed;", "failed"), 2);
    }
}
