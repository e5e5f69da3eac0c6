//! `cargo xtask package`: the widget as an npm package a merchant installs with
//! `npm install`, written to `target/package/payment-element-<version>.tgz`.
//!
//! Its files are the release build's (`trunk build --release`, `dist/`), byte for byte:
//! the wasm-bindgen glue and the wasm under wasm-bindgen's names, the ones the glue
//! itself loads (so a bundler's `new URL(…, import.meta.url)` finds the wasm), the glue's snippets, the
//! widget's stylesheet and icons, and the types. `index.js` adds `loadCheckout(pk,
//! options)`, which starts the wasm once and returns `Checkout(pk, options)`, as
//! `@stripe/stripe-js`'s `loadStripe` does. `payment-element/status` is the return
//! page's entry: `mountPaymentStatus` with the return page's own wasm (the status view
//! alone, issue 18), which a bundler keeps apart from the widget's. The card frame is not
//! in it: the payments origin serves the frame, the way js.stripe.com does.
//!
//! `e2e/tests/npm_package.rs` installs the tarball into a Vite project, builds it, and
//! pays on the page.

use crate::cmd::{self, Failure, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The npm name.
pub const NAME: &str = "payment-element";

/// The return page's glue and wasm in the package (`payment-status.js`,
/// `payment-status_bg.wasm`).
const STATUS: &str = "payment-status";

pub fn run() -> Result {
    crate::demo::build_widget()?;
    let tarball = assemble(&cmd::root().join("dist"))?;
    println!("\n   {}", tarball.display());
    Ok(())
}

/// The crate's version (`[package] version` of the root Cargo.toml).
fn version() -> Result<String> {
    let manifest = std::fs::read_to_string(cmd::root().join("Cargo.toml"))
        .map_err(|e| Failure::new(format!("reading Cargo.toml: {e}")))?;
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .ok_or_else(|| Failure::new("Cargo.toml has no package version"))
}

fn fail(what: &str, e: std::io::Error) -> Failure {
    Failure::new(format!("{what}: {e}"))
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| fail("creating the package folder", e))?;
    let entries = std::fs::read_dir(from).map_err(|e| fail("reading dist/", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| fail("reading dist/", e))?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else if !is_precompressed(&path) {
            std::fs::copy(&path, &target).map_err(|e| fail("copying into the package", e))?;
        }
    }
    Ok(())
}

/// The `.br` / `.gz` copies the server sends: a bundler compresses what it ships.
fn is_precompressed(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz"))
}

/// Writes the package folder from `dist` and packs it: the tarball's path.
pub fn assemble(dist: &Path) -> Result<PathBuf> {
    println!("\n== packaging the widget for npm");
    let version = version()?;
    let out = crate::bench::target_dir().join("package");
    let staging = out.join(NAME);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| fail("clearing the package folder", e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| fail("creating the package folder", e))?;

    let mut names: Vec<String> = std::fs::read_dir(dist)
        .map_err(|e| fail("reading dist/ (build it with trunk build --release)", e))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let glue = names
        .iter()
        .find(|n| n.starts_with("payment-element-") && n.ends_with(".js") && !n.contains("_bg"))
        .ok_or_else(|| Failure::new("dist/ has no payment-element-*.js glue"))?;
    let hashed = glue.trim_end_matches(".js").to_owned();
    // Under wasm-bindgen's own names: trunk hashes the file names after wasm-bindgen
    // wrote the glue, whose default wasm address is the unhashed name.
    let stem = "payment-element";
    for (from, to) in [
        (format!("{hashed}.js"), format!("{stem}.js")),
        (format!("{hashed}_bg.wasm"), format!("{stem}_bg.wasm")),
        (format!("{hashed}.d.ts"), format!("{stem}.d.ts")),
    ] {
        std::fs::copy(dist.join(&from), staging.join(&to))
            .map_err(|e| fail(&format!("copying {from}"), e))?;
    }
    // The return page's own glue and wasm (issue 18), under the names `status.js`
    // imports; the glue loads its wasm by the name stage.sh gave it.
    let status_glue = names
        .iter()
        .find(|n| n.starts_with("payment-status-") && n.ends_with(".js"))
        .ok_or_else(|| Failure::new("dist/ has no payment-status-*.js (the return page's glue)"))?;
    let status_wasm = names
        .iter()
        .find(|n| n.starts_with("payment-status-") && n.ends_with("_bg.wasm"))
        .ok_or_else(|| Failure::new("dist/ has no payment-status-*_bg.wasm"))?;
    let glue_text = std::fs::read_to_string(dist.join(status_glue))
        .map_err(|e| fail(&format!("reading {status_glue}"), e))?;
    if !glue_text.contains(status_wasm.as_str()) {
        return Err(Failure::new(format!(
            "{status_glue} does not load {status_wasm}"
        )));
    }
    write(
        &staging.join(format!("{STATUS}.js")),
        &glue_text.replace(status_wasm.as_str(), &format!("{STATUS}_bg.wasm")),
    )?;
    std::fs::copy(
        dist.join(status_wasm),
        staging.join(format!("{STATUS}_bg.wasm")),
    )
    .map_err(|e| fail(&format!("copying {status_wasm}"), e))?;
    let status_types = status_glue.replace(".js", ".d.ts");
    std::fs::copy(
        dist.join(&status_types),
        staging.join(format!("{STATUS}.d.ts")),
    )
    .map_err(|e| fail(&format!("copying {status_types}"), e))?;
    // `payment-element/status`: examples/stage.sh's entry point, importing the names
    // above instead of the hashed ones one folder up.
    let hashed_status = status_glue.trim_end_matches(".js");
    for (entry, to) in [
        ("payment_status.js", "status.js"),
        ("payment_status.d.ts", "status.d.ts"),
    ] {
        let text = std::fs::read_to_string(dist.join("embed").join(entry))
            .map_err(|e| fail(&format!("reading embed/{entry}"), e))?;
        let from = format!("\"../{hashed_status}");
        if !text.contains(&from) {
            return Err(Failure::new(format!(
                "embed/{entry} does not import {hashed_status}"
            )));
        }
        write(
            &staging.join(to),
            &text.replace(&from, &format!("\"./{STATUS}")),
        )?;
    }
    // The split build's chunks and their loader (issue 18): the loader imports the
    // glue, which is `payment-element.js` here, not trunk's hashed name.
    for name in names
        .iter()
        .filter(|n| n.starts_with("split_") && n.ends_with(".wasm"))
    {
        std::fs::copy(dist.join(name), staging.join(name))
            .map_err(|e| fail(&format!("copying {name}"), e))?;
    }
    for name in names
        .iter()
        .filter(|n| n.starts_with("__wasm_split-") && n.ends_with(".js"))
    {
        let loader = std::fs::read_to_string(dist.join(name))
            .map_err(|e| fail(&format!("reading {name}"), e))?;
        write(
            &staging.join(name),
            &loader.replace(&format!("./{hashed}.js"), &format!("./{stem}.js")),
        )?;
    }
    for dir in ["snippets", "icons"] {
        if dist.join(dir).is_dir() {
            copy_dir(&dist.join(dir), &staging.join(dir))?;
        }
    }
    // The widget's stylesheets, not the demo page's, in the order index.html links
    // them (as examples/stage.sh writes embed/payment_element.css); icons/ beside it.
    let mut css = String::new();
    for name in names
        .iter()
        .filter(|n| n.ends_with(".css") && !n.starts_with("demo-"))
    {
        css.push_str(
            &std::fs::read_to_string(dist.join(name))
                .map_err(|e| fail(&format!("reading {name}"), e))?,
        );
    }
    write(&staging.join("payment_element.css"), &css)?;
    write(&staging.join("index.js"), &index_js(stem))?;
    write(&staging.join("index.d.ts"), &index_d_ts(stem))?;
    write(&staging.join("package.json"), &package_json(&version, stem))?;
    write(&staging.join("README.md"), README)?;

    let tarball = out.join(format!("{NAME}-{version}.tgz"));
    let _ = std::fs::remove_file(&tarball);
    cmd::run(
        Command::new("npm")
            .current_dir(&staging)
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&out),
        "npm pack",
    )?;
    if !tarball.is_file() {
        return Err(Failure::new(format!(
            "npm pack did not write {}",
            tarball.display()
        )));
    }
    Ok(tarball)
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| fail(&format!("writing {}", path.display()), e))
}

fn index_js(stem: &str) -> String {
    format!(
        r#"// payment-element for bundlers. `loadCheckout` starts the WebAssembly once (the glue
// finds its wasm next to itself with `new URL(…, import.meta.url)`, which bundlers
// follow) and returns `Checkout(publishableKey, options)`.
import init, {{ Checkout }} from "./{stem}.js";

export * from "./{stem}.js";

let started;

export async function loadCheckout(publishableKey, options) {{
  started ??= init();
  await started;
  return Checkout(publishableKey, options ?? {{}});
}}
"#
    )
}

fn index_d_ts(stem: &str) -> String {
    format!(
        r#"export * from "./{stem}";
import type {{ CheckoutInstance, CheckoutOptions }} from "./{stem}";

/** Starts the widget's WebAssembly (once) and returns `Checkout(publishableKey, options)`. */
export declare function loadCheckout(
  publishableKey: string,
  options?: CheckoutOptions,
): Promise<CheckoutInstance>;
"#
    )
}

/// `package.json`, written out so that its keys keep npm's order: in `exports` the
/// `types` condition must come first and `default` last.
fn package_json(version: &str, stem: &str) -> String {
    format!(
        r#"{{
  "name": "{NAME}",
  "version": "{version}",
  "description": "A Payment Element-style checkout widget in Rust (Leptos, WebAssembly) for any merchant backend",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{
      "types": "./index.d.ts",
      "default": "./index.js"
    }},
    "./status": {{
      "types": "./status.d.ts",
      "default": "./status.js"
    }},
    "./payment_element.css": "./payment_element.css",
    "./package.json": "./package.json"
  }},
  "sideEffects": ["*.css"],
  "files": [
    "index.js",
    "index.d.ts",
    "payment_element.css",
    "icons/",
    "{stem}.js",
    "{stem}.d.ts",
    "{stem}_bg.wasm",
    "status.js",
    "status.d.ts",
    "{STATUS}.js",
    "{STATUS}.d.ts",
    "{STATUS}_bg.wasm",
    "snippets/",
    "split_*.wasm",
    "__wasm_split-*.js",
    "README.md"
  ],
  "keywords": ["payments", "checkout", "payment-element", "wasm"]
}}
"#
    )
}

const README: &str = r##"# payment-element

A checkout widget in Rust (Leptos, WebAssembly): the payment form (cards, SEPA Direct
Debit, e-wallets, QR codes), saved payment methods and a save-for-later consent, for
any merchant backend. Card details stay on the payments origin, in its card frame.

```sh
npm install payment-element-0.1.0.tgz
```

```js
import { loadCheckout } from "payment-element";
import "payment-element/payment_element.css";

const { publishableKey, paymentsOrigin } = await fetch("/config").then((r) => r.json());
const checkout = await loadCheckout(publishableKey, { paymentsOrigin });
const { clientSecret } = await fetch("/create-payment-intent", { method: "POST" }).then((r) => r.json());
const elements = checkout.elements({ clientSecret });
elements.create("payment").mount("#payment-element");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { error } = await checkout.confirmPayment({
    elements,
    confirmParams: { return_url: new URL("/complete", location.href).href },
  });
  if (error) message.textContent = error.message;
});
```

The return page shows the payment's status with its own, smaller WebAssembly (the
status view alone):

```js
import { mountPaymentStatus } from "payment-element/status";
import "payment-element/payment_element.css";

await mountPaymentStatus("#payment-status", "/api", { retryHref: "/checkout" });
```

The calls are Stripe.js's (`elements`, `create`, `mount`, `confirmPayment`,
`confirmSetup`, `retrievePaymentIntent`, …); the repository's `MIGRATING.md` lists
each. Your Content-Security-Policy needs `'wasm-unsafe-eval'` in `script-src` and the
payments origin in `frame-src`, `img-src` and `connect-src`; the repository's README
gives the whole policy.
"##;
