//! `cargo xtask setup`: installs what the build and the tests need, from the package
//! registries this project can reach (crates.io, npm, Debian), and only what is missing.
//!
//! Tools that download their own binaries (trunk's and wasm-pack's wasm-bindgen and
//! wasm-opt, Playwright's browsers) cannot work offline, so each tool is installed here
//! by name and trunk is told to use them (`Trunk.toml`: `offline = true`).

use crate::cmd::{self, Failure, Result};
use std::process::Command;

/// The trunk release that builds with this toolchain (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// The splitter that matches the `wasm_split_helpers` Leptos's `#[lazy]` and our split
/// points use (issue 18): crates.io's `wasm_split_cli_support` with its binary feature,
/// whose program is `wasm-split-cli` (not the crates.io package of that name, which is
/// Dioxus's). 0.2.4 reads wasm-bindgen ≥ 0.2.128's generic describe imports.
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
/// The binaryen release installed from npm; Debian's 108 miscompiles Leptos 0.8 at -Oz.
pub const BINARYEN_VERSION: &str = "132";
/// The esbuild release from npm that minifies wasm-bindgen's JS glue in the trunk hook
/// (`examples/stage.sh`, which insists on this exact version; trunk's own minifier
/// cannot parse the glue) and the anchors in the bench.
pub const ESBUILD_VERSION: &str = "0.28.2";
/// The Vite release from npm that builds the end-to-end test's page from the npm
/// package (`e2e/tests/npm_package.rs`): a merchant's bundler, run as one would.
pub const VITE_VERSION: &str = "7.3.8";
/// localstripe from PyPI, a stateful fake of Stripe's API that the processors layer
/// runs the Stripe adapter against (`crates/checkout-server/tests/localstripe.rs`).
pub const LOCALSTRIPE_VERSION: &str = "1.15.10";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn run() -> Result {
    println!("== setup");
    wasm_target()?;
    crates()?;
    wasm_bindgen_cli()?;
    trunk()?;
    wasm_split()?;
    wasm_opt()?;
    esbuild()?;
    vite()?;
    localstripe()?;
    chromium()?;
    brotli()?;
    Ok(())
}

fn report(tool: &str, state: &str) {
    println!("   {tool:<18} {state}");
}

fn wasm_target() -> Result {
    let list = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| Failure::new(format!("rustup is needed to add the wasm32 target: {e}")))?;
    if String::from_utf8_lossy(&list.stdout)
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        report("wasm32 target", "already installed");
        return Ok(());
    }
    cmd::run(
        Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
        "rustup target add wasm32-unknown-unknown",
    )?;
    report("wasm32 target", "installed");
    Ok(())
}

/// Every crate in Cargo.lock, optional ones included: trunk builds `--offline`
/// (`Trunk.toml`), so a feature no ordinary build has used yet (the bench's wire
/// variants, `serde-wasm-bindgen` and `gloo-net`) would otherwise fail to download.
/// A no-op once they are in cargo's cache.
fn crates() -> Result {
    cmd::run(
        Command::new("cargo")
            .args(["fetch", "--quiet", "--manifest-path"])
            .arg(cmd::root().join("Cargo.toml")),
        "cargo fetch",
    )?;
    report("crates", "fetched");
    Ok(())
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = cmd::root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path).map_err(|e| {
        Failure::new(format!(
            "{} is missing ({e}); it pins wasm-bindgen and is committed",
            lock_path.display()
        ))
    })?;
    locked_version(&lock, "wasm-bindgen")
        .ok_or_else(|| Failure::new("Cargo.lock has no wasm-bindgen entry"))
}

/// The version of package `name` in a Cargo.lock text.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            return lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned);
        }
    }
    None
}

fn wasm_bindgen_cli() -> Result {
    let wanted = locked_wasm_bindgen_version()?;
    let have = cmd::version_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = cmd::exists("wasm-bindgen-test-runner");
    if have == format!("wasm-bindgen {wanted}") && runner {
        report("wasm-bindgen-cli", &format!("{wanted} already installed"));
        return Ok(());
    }
    println!("   wasm-bindgen-cli   installing {wanted} (was: {have:?}); this takes several minutes once");
    // No --locked: the registry mirror lacks one of its locked transitive versions.
    cmd::run(
        Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &wanted]),
        "cargo install wasm-bindgen-cli",
    )?;
    report("wasm-bindgen-cli", &format!("{wanted} installed"));
    Ok(())
}

fn trunk() -> Result {
    let have = cmd::version_of("trunk", &["--version"]).unwrap_or_default();
    if have == format!("trunk {TRUNK_VERSION}") {
        report("trunk", &format!("{TRUNK_VERSION} already installed"));
        return Ok(());
    }
    println!("   trunk              installing {TRUNK_VERSION} (was: {have:?}); this takes ~15 minutes once");
    cmd::run(
        Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]),
        "cargo install trunk",
    )?;
    report("trunk", &format!("{TRUNK_VERSION} installed"));
    Ok(())
}

fn wasm_split() -> Result {
    // The program has no --version: cargo's list of what it installed says which.
    let listed = Command::new("cargo")
        .args(["install", "--list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let line = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    if listed.lines().any(|l| l.trim() == line) && cmd::exists("wasm-split-cli") {
        report(
            "wasm-split-cli",
            &format!("{WASM_SPLIT_VERSION} already installed"),
        );
        return Ok(());
    }
    println!(
        "   wasm-split-cli     installing {WASM_SPLIT_VERSION}; this takes about a minute once"
    );
    cmd::run(
        Command::new("cargo").args([
            "install",
            "wasm_split_cli_support",
            "--version",
            WASM_SPLIT_VERSION,
            "--features",
            "build-binary",
            "--locked",
        ]),
        "cargo install wasm_split_cli_support",
    )?;
    report("wasm-split-cli", &format!("{WASM_SPLIT_VERSION} installed"));
    Ok(())
}

fn wasm_opt() -> Result {
    let have = cmd::version_of("wasm-opt", &["--version"]).unwrap_or_default();
    if have.contains(&format!("version {BINARYEN_VERSION}"))
        || have.contains(&format!("version_{BINARYEN_VERSION}"))
    {
        report(
            "wasm-opt",
            &format!("binaryen {BINARYEN_VERSION} already installed"),
        );
        return Ok(());
    }
    if debian_package_installed("binaryen") {
        if !cmd::is_root() {
            return Err(Failure::new(
                "Debian's binaryen is installed; its wasm-opt breaks Leptos output. \
                 Remove it as root (apt-get remove -y binaryen) and run setup again.",
            ));
        }
        cmd::run(
            Command::new("apt-get").args(["remove", "-y", "binaryen"]),
            "apt-get remove binaryen",
        )?;
    }
    if !cmd::exists("npm") {
        return Err(Failure::new(
            "npm is needed to install wasm-opt (binaryen) — install Node.js and npm, then run setup again",
        ));
    }
    cmd::run(
        Command::new("npm").args(["install", "-g", &format!("binaryen@{BINARYEN_VERSION}")]),
        "npm install -g binaryen",
    )?;
    report(
        "wasm-opt",
        &format!("binaryen {BINARYEN_VERSION} installed"),
    );
    Ok(())
}

fn esbuild() -> Result {
    let have = cmd::version_of("esbuild", &["--version"]).unwrap_or_default();
    if have.trim() == ESBUILD_VERSION {
        report("esbuild", &format!("{ESBUILD_VERSION} already installed"));
        return Ok(());
    }
    if !cmd::exists("npm") {
        return Err(Failure::new(
            "npm is needed to install esbuild — install Node.js and npm, then run setup again",
        ));
    }
    cmd::run(
        Command::new("npm").args(["install", "-g", &format!("esbuild@{ESBUILD_VERSION}")]),
        "npm install -g esbuild",
    )?;
    let now = cmd::version_of("esbuild", &["--version"]).unwrap_or_default();
    if now.trim() != ESBUILD_VERSION {
        return Err(Failure::new(format!(
            "installed esbuild {ESBUILD_VERSION}, but `esbuild` on PATH is {now:?}: \
             remove the other one so that release builds minify the same way"
        )));
    }
    report("esbuild", &format!("{ESBUILD_VERSION} installed"));
    Ok(())
}

fn vite() -> Result {
    // `vite/7.3.8 linux-x64 node-v20.20.2`
    let have = cmd::version_of("vite", &["--version"]).unwrap_or_default();
    if have.starts_with(&format!("vite/{VITE_VERSION} ")) {
        report("vite", &format!("{VITE_VERSION} already installed"));
        return Ok(());
    }
    if !cmd::exists("npm") {
        return Err(Failure::new(
            "npm is needed to install vite — install Node.js and npm, then run setup again",
        ));
    }
    cmd::run(
        Command::new("npm").args(["install", "-g", &format!("vite@{VITE_VERSION}")]),
        "npm install -g vite",
    )?;
    report("vite", &format!("{VITE_VERSION} installed"));
    Ok(())
}

/// The virtual environment of the Python tools (`target/venv`).
pub fn venv() -> std::path::PathBuf {
    crate::bench::target_dir().join("venv")
}

/// Its Python, which the processors layer passes to the tests as `LOCALSTRIPE_PYTHON`.
pub fn venv_python() -> std::path::PathBuf {
    venv().join("bin").join("python")
}

fn localstripe() -> Result {
    let pip = venv().join("bin").join("pip");
    let have = Command::new(&pip)
        .args(["show", "localstripe"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if have
        .lines()
        .any(|line| line.trim() == format!("Version: {LOCALSTRIPE_VERSION}"))
    {
        report(
            "localstripe",
            &format!("{LOCALSTRIPE_VERSION} already installed"),
        );
        return Ok(());
    }
    if !pip.exists() {
        if !cmd::exists("python3") {
            return Err(Failure::new(
                "python3 is needed for localstripe — install Python 3 with its venv module, then run setup again",
            ));
        }
        cmd::run(
            Command::new("python3").args(["-m", "venv"]).arg(venv()),
            "python3 -m venv target/venv (Debian: apt-get install python3-venv)",
        )?;
    }
    cmd::run(
        Command::new(&pip).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("localstripe=={LOCALSTRIPE_VERSION}"),
        ]),
        "pip install localstripe",
    )?;
    report("localstripe", &format!("{LOCALSTRIPE_VERSION} installed"));
    Ok(())
}

fn debian_package_installed(name: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", name])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn chromium() -> Result {
    if cmd::exists(CHROMIUM) && cmd::exists(CHROMEDRIVER) {
        let version = cmd::version_of(CHROMEDRIVER, &["--version"]).unwrap_or_default();
        report("chromium", &format!("already installed ({version})"));
        return Ok(());
    }
    if !cmd::is_root() {
        return Err(Failure::new(
            "chromium and chromium-driver are missing and installing them needs root: \
             run `sudo apt-get install -y chromium chromium-driver`, then run setup again",
        ));
    }
    if !cmd::exists("apt-get") {
        return Err(Failure::new(
            "chromium and chromedriver are missing and there is no apt-get to install them",
        ));
    }
    cmd::run(Command::new("apt-get").arg("update"), "apt-get update")?;
    cmd::run(
        Command::new("apt-get")
            .args(["install", "-y", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
        "apt-get install chromium chromium-driver",
    )?;
    report("chromium", "installed");
    Ok(())
}

/// The brotli CLI (Debian's): release builds write a `.br` beside each of the widget's
/// files (examples/stage.sh), which checkout-server sends to browsers that take it.
fn brotli() -> Result {
    if cmd::exists("brotli") {
        let version = cmd::version_of("brotli", &["--version"]).unwrap_or_default();
        report("brotli", &format!("already installed ({version})"));
        return Ok(());
    }
    if !cmd::is_root() || !cmd::exists("apt-get") {
        return Err(Failure::new(
            "the brotli CLI is missing and installing it needs root and apt-get: \
             run `sudo apt-get install -y brotli`, then run setup again",
        ));
    }
    cmd::run(Command::new("apt-get").arg("update"), "apt-get update")?;
    cmd::run(
        Command::new("apt-get")
            .args(["install", "-y", "brotli"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
        "apt-get install brotli",
    )?;
    report("brotli", "installed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{locked_version, ESBUILD_VERSION};

    #[test]
    fn the_trunk_hook_insists_on_the_esbuild_setup_installs() {
        let hook = std::fs::read_to_string(crate::cmd::root().join("examples/stage.sh"))
            .expect("examples/stage.sh");
        assert!(
            hook.contains(&format!("esbuild_version={ESBUILD_VERSION}\n")),
            "examples/stage.sh must pin esbuild {ESBUILD_VERSION}"
        );
    }

    #[test]
    fn finds_the_exact_package_in_a_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "trunk"), None);
    }
}
