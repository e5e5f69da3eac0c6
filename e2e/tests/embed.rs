//! The embed-only example page (`examples/embed.html`, served from dist/examples/):
//! a page with no Rust that uses the JS API exactly as the README shows, under the
//! server's strict CSP, pays with the success card through `checkout.confirm` and
//! lands on the return page.

use e2e::{ensure, Harness, Outcome};
use fantoccini::Locator;
use std::time::{Duration, Instant};

async fn type_into(h: &Harness, label: &str, text: &str) -> Outcome {
    h.input_labelled(label)
        .await?
        .send_keys(text)
        .await
        .map_err(|e| format!("typing into {label}: {e}"))
}

async fn wait_for(h: &Harness, what: &str, seconds: u64, check: impl AsyncCheck) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if check.holds(h).await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    Err(format!("{what} after {seconds} s"))
}

/// A condition polled against the page.
trait AsyncCheck {
    async fn holds(&self, h: &Harness) -> bool;
}

/// The address contains this text.
struct UrlContains(&'static str);

impl AsyncCheck for UrlContains {
    async fn holds(&self, h: &Harness) -> bool {
        h.browser
            .current_url()
            .await
            .is_ok_and(|url| url.as_str().contains(self.0))
    }
}

/// An element matching this selector exists.
struct Present(&'static str);

impl AsyncCheck for Present {
    async fn holds(&self, h: &Harness) -> bool {
        h.browser.find(Locator::Css(self.0)).await.is_ok()
    }
}

async fn pay_on_the_example_page(h: &Harness) -> Outcome {
    h.open("/examples/embed.html").await?;
    // The README snippet's tags carry Subresource Integrity for every file they load.
    h.find("link[rel=modulepreload][href='/embed/payment_element.js'][integrity^='sha384-']")
        .await?;
    h.find("link[rel=stylesheet][integrity^='sha384-']").await?;
    // `ready` reached the page's handler through paymentElement.on.
    wait_for(
        h,
        "the ready event did not arrive",
        20,
        Present("form[data-ready]"),
    )
    .await?;
    type_into(h, "Card number", "4242424242424242").await?;
    type_into(h, "Expiration date", "12 / 34").await?;
    type_into(h, "Security code", "123").await?;
    if let Ok(postal) = h
        .browser
        .find(Locator::Css("[data-field=postal_code]"))
        .await
    {
        postal
            .send_keys("94103")
            .await
            .map_err(|e| format!("typing the postal code: {e}"))?;
    }
    h.find("#submit")
        .await?
        .click()
        .await
        .map_err(|e| format!("clicking Pay: {e}"))?;
    wait_for(h, "no return page", 20, UrlContains("/complete")).await?;
    wait_for(
        h,
        "the return page does not show success",
        20,
        Present(".pe-status[data-status=succeeded]"),
    )
    .await?;
    let message = h
        .find(".pe-status-message")
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        message == "Payment received. Thank you!",
        "the return page says {message:?}"
    );
    let stats = h.stats().await?;
    ensure!(
        stats["confirms"] == 1 && stats["charges_succeeded"] == 1,
        "one confirm, one charge: {stats}"
    );
    let (status, reports) = h.http("GET", "/test-mode/csp-reports", &[], None).await?;
    ensure!(status == 200, "csp-reports answered {status}");
    ensure!(
        reports["count"] == 0,
        "the example page broke the CSP: {reports}"
    );
    Ok(())
}

#[tokio::test]
async fn the_embed_only_example_pays_through_checkout_confirm() {
    Harness::run("embed_example_pays", |h| async move {
        let outcome = pay_on_the_example_page(&h).await;
        (h, outcome)
    })
    .await;
}
