//! The anchors: what a merchant ships today for a card-capable drop-in, installed from
//! npm into `target/bench/anchors` (once) and built the way a merchant's bundler would.
//!
//! - Adyen: `@adyen/adyen-web`'s ESM build bundled and minified by esbuild for an entry
//!   that imports `AdyenCheckout`, `Dropin` and `Card`, plus `styles/adyen.css`.
//! - Braintree: `braintree-web-drop-in`'s browser build plus `dropin.css`. The npm
//!   package ships `dist/browser/dropin.js` unminified (`dropin.min.js` is only on
//!   Braintree's CDN), so esbuild minifies it; that is what the CDN file is.
//!
//! Both CSS files are minified by esbuild too, so the anchors are measured at their
//! smallest, never padded.

use super::size::{self, Asset, Part};
use crate::cmd::{self, Failure, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const ADYEN_VERSION: &str = "6.45.2";
pub const BRAINTREE_VERSION: &str = "1.48.0";
pub use crate::setup::ESBUILD_VERSION;

/// One anchor's built files.
pub struct Anchor {
    pub key: &'static str,
    pub label: String,
    pub assets: Vec<Asset>,
}

const ADYEN_ENTRY: &str = "// What a merchant imports for Adyen's Drop-in with cards.
import { AdyenCheckout, Dropin, Card } from '@adyen/adyen-web';
window.benchAnchor = { AdyenCheckout, Dropin, Card };
";

/// Installs (if needed) and builds both anchors into `dir/out`.
pub fn build(dir: &Path) -> Result<Vec<Anchor>> {
    install(dir)?;
    let out = dir.join("out");
    std::fs::create_dir_all(&out).map_err(|e| Failure::new(format!("{}: {e}", out.display())))?;
    std::fs::write(dir.join("adyen-entry.js"), ADYEN_ENTRY)
        .map_err(|e| Failure::new(format!("{}: {e}", dir.display())))?;
    let modules = dir.join("node_modules");
    esbuild(
        dir,
        &["adyen-entry.js", "--bundle", "--format=iife"],
        &out.join("adyen.js"),
    )?;
    esbuild(
        dir,
        &[&path_str(
            &modules.join("@adyen/adyen-web/styles/adyen.css"),
        )],
        &out.join("adyen.css"),
    )?;
    esbuild(
        dir,
        &[&path_str(
            &modules.join("braintree-web-drop-in/dist/browser/dropin.js"),
        )],
        &out.join("braintree.js"),
    )?;
    esbuild(
        dir,
        &[&path_str(&modules.join("braintree-web-drop-in/dropin.css"))],
        &out.join("braintree.css"),
    )?;
    let measure = |key: &str| -> Result<Vec<Asset>> {
        Ok(vec![
            size::asset(
                &out.join(format!("{key}.js")),
                format!("{key}.js"),
                Part::Js,
            )?,
            size::asset(
                &out.join(format!("{key}.css")),
                format!("{key}.css"),
                Part::Css,
            )?,
        ])
    };
    Ok(vec![
        Anchor {
            key: "adyen",
            label: format!("Adyen Drop-in + Card {ADYEN_VERSION}"),
            assets: measure("adyen")?,
        },
        Anchor {
            key: "braintree",
            label: format!("Braintree Drop-in {BRAINTREE_VERSION}"),
            assets: measure("braintree")?,
        },
    ])
}

fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn package_json() -> String {
    format!(
        "{{\n  \"private\": true,\n  \"name\": \"payment-element-bench-anchors\",\n  \
         \"version\": \"0.0.0\",\n  \"dependencies\": {{\n    \
         \"@adyen/adyen-web\": \"{ADYEN_VERSION}\",\n    \
         \"braintree-web-drop-in\": \"{BRAINTREE_VERSION}\",\n    \
         \"esbuild\": \"{ESBUILD_VERSION}\"\n  }}\n}}\n"
    )
}

/// `npm install` of the pinned versions, skipped when they are all there already.
fn install(dir: &Path) -> Result {
    let wanted = [
        ("@adyen/adyen-web", ADYEN_VERSION),
        ("braintree-web-drop-in", BRAINTREE_VERSION),
        ("esbuild", ESBUILD_VERSION),
    ];
    let installed = |name: &str, version: &str| {
        let manifest = dir.join("node_modules").join(name).join("package.json");
        std::fs::read_to_string(manifest)
            .map(|text| text.contains(&format!("\"version\": \"{version}\"")))
            .unwrap_or(false)
    };
    if wanted.iter().all(|(n, v)| installed(n, v)) {
        println!(
            "   anchors            already installed in {}",
            dir.display()
        );
        return Ok(());
    }
    if !cmd::exists("npm") {
        return Err(Failure::new(
            "npm is needed to install the anchors (Node.js and npm from Debian)",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Failure::new(format!("{}: {e}", dir.display())))?;
    std::fs::write(dir.join("package.json"), package_json())
        .map_err(|e| Failure::new(format!("{}: {e}", dir.display())))?;
    println!(
        "   anchors            installing from npm into {}",
        dir.display()
    );
    cmd::run(
        Command::new("npm").current_dir(dir).args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]),
        "npm install (bench anchors)",
    )
}

fn esbuild(dir: &Path, args: &[&str], outfile: &Path) -> Result {
    let esbuild: PathBuf = dir.join("node_modules/.bin/esbuild");
    cmd::run(
        Command::new(esbuild)
            .current_dir(dir)
            .args(args)
            .args(["--minify", "--log-level=warning"])
            .arg(format!("--outfile={}", outfile.display())),
        "esbuild (bench anchors)",
    )
}
