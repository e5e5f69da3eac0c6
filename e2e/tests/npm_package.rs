//! The npm package (`cargo xtask package`, `E2E_PACKAGE`) as a merchant uses it: a small
//! shop page imports `payment-element` and its stylesheet, `npm install` takes the
//! tarball, Vite (installed by `cargo xtask setup`) builds the page and its return page,
//! and the built page, served by the reference server, pays with 4242 through the card
//! frame; the return page shows the payment with `payment-element/status`.

use e2e::{copy_dir, e2e_test, ensure, required_path, Harness, Outcome};
use std::process::Command;

const INDEX_HTML: &str = r##"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Vite shop</title>
    <script type="module" src="./main.js"></script>
  </head>
  <body>
    <form id="payment-form">
      <div id="payment-element"></div>
      <button id="submit">Pay</button>
      <p id="message"></p>
    </form>
  </body>
</html>
"##;

const MAIN_JS: &str = r##"import { loadCheckout } from "payment-element";
import "payment-element/payment_element.css";

async function start() {
  const { publishableKey, paymentsOrigin } = await fetch("/config").then((r) => r.json());
  const checkout = await loadCheckout(publishableKey, { paymentsOrigin });
  const { clientSecret } = await fetch("/create-payment-intent", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ items: [{ id: "mug" }] }),
  }).then((r) => r.json());
  const elements = checkout.elements({ clientSecret });
  elements.create("payment", { layout: "accordion" }).mount("#payment-element");
  document.querySelector("#payment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { error } = await checkout.confirmPayment({
      elements,
      confirmParams: { return_url: new URL("complete.html", location.href).href },
    });
    // Only an error comes back: a payment goes on to the return page.
    document.querySelector("#message").textContent = error.message;
  });
}

start();
"##;

/// The return page, with the package's status entry (the return page's own wasm).
const COMPLETE_HTML: &str = r##"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Vite shop: your payment</title>
    <script type="module" src="./complete.js"></script>
  </head>
  <body>
    <div id="payment-status"></div>
  </body>
</html>
"##;

const COMPLETE_JS: &str = r##"import { mountPaymentStatus } from "payment-element/status";
import "payment-element/payment_element.css";

mountPaymentStatus("#payment-status", "/api", { retryHref: "./index.html" });
"##;

/// Two pages: Vite builds only `index.html` unless told.
const VITE_CONFIG: &str = r##"export default {
  build: { rollupOptions: { input: { index: "index.html", complete: "complete.html" } } },
};
"##;

fn run(command: &mut Command, what: &str) -> Outcome {
    let output = command
        .output()
        .map_err(|e| format!("{what} did not start: {e}"))?;
    ensure!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

async fn a_vite_page_pays(h: &mut Harness) -> Outcome {
    let package = required_path("E2E_PACKAGE");
    let root = std::env::temp_dir().join(format!("vite-shop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("shop");
    std::fs::create_dir_all(&project).map_err(|e| e.to_string())?;
    let write = |name: &str, text: &str| {
        std::fs::write(project.join(name), text).map_err(|e| format!("writing {name}: {e}"))
    };
    write(
        "package.json",
        r#"{"name": "vite-shop", "private": true, "type": "module"}"#,
    )?;
    write("index.html", INDEX_HTML)?;
    write("main.js", MAIN_JS)?;
    write("complete.html", COMPLETE_HTML)?;
    write("complete.js", COMPLETE_JS)?;
    write("vite.config.js", VITE_CONFIG)?;
    // The tarball has no dependencies: nothing is fetched.
    run(
        Command::new("npm")
            .current_dir(&project)
            .args(["install", "--offline", "--no-audit", "--no-fund"])
            .arg(&package),
        "npm install of the package",
    )?;
    // The release widget's files, and the shop page built beside them.
    let dist = root.join("dist");
    copy_dir(h.dist(), &dist)?;
    run(
        Command::new("vite")
            .current_dir(&project)
            .args([
                "build",
                "--logLevel",
                "warn",
                "--base",
                "/examples/vite-shop/",
                "--outDir",
            ])
            .arg(dist.join("examples/vite-shop")),
        "vite build",
    )?;
    let built = std::fs::read_dir(dist.join("examples/vite-shop/assets"))
        .map_err(|e| format!("vite wrote no assets: {e}"))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect::<Vec<_>>();
    ensure!(
        built.iter().any(|name| name.ends_with(".wasm")),
        "Vite did not bundle the wasm: {built:?}"
    );
    // The split build's QR chunk, which its loader names with `new URL(…,
    // import.meta.url)`: a bundler follows that too.
    ensure!(
        built.iter().any(|name| name.starts_with("split_qr_code")),
        "Vite did not bundle the QR code's wasm chunk: {built:?}"
    );
    ensure!(
        built
            .iter()
            .any(|name| name.starts_with("payment-status") && name.ends_with(".wasm")),
        "Vite did not bundle the return page's wasm: {built:?}"
    );
    h.serve_dist(dist).await;
    h.open("/examples/vite-shop/index.html").await?;
    h.fill_card_details("4242 4242 4242 4242").await?;
    h.find("#submit")
        .await?
        .click()
        .await
        .map_err(|e| format!("clicking Pay: {e}"))?;
    h.wait_url("/examples/vite-shop/complete.html").await?;
    let said = h
        .wait_text(".pe-status-message", 20, |t| !t.is_empty())
        .await?;
    ensure!(said == "Payment received. Thank you!", "says {said:?}");
    // The return page loaded the package's status wasm, not the widget's.
    let wasm = h.fetched(".wasm").await?;
    ensure!(
        !wasm.is_empty() && wasm.iter().all(|name| name.contains("payment-status")),
        "the return page fetched {wasm:?}"
    );
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

e2e_test!(
    a_page_built_with_vite_from_the_npm_package_pays,
    mut a_vite_page_pays
);
