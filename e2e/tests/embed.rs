//! The embed-only example page (`examples/embed.html`, served from dist/examples/):
//! a page with no Rust that uses the JS API exactly as the README shows, under the
//! server's strict CSP, pays with the success card through `checkout.confirm` and
//! lands on the return page.

use e2e::{e2e_test, ensure, Harness, Outcome};
use fantoccini::Locator;
use std::time::{Duration, Instant};

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

/// Opens the example page and pays with `number` through its form.
async fn fill_and_pay(h: &Harness, number: &str) -> Outcome {
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
    h.fill_card_details(number).await?;
    h.find("#submit")
        .await?
        .click()
        .await
        .map_err(|e| format!("clicking Pay: {e}"))
}

async fn return_page_says_received(h: &Harness) -> Outcome {
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
    Ok(())
}

async fn pay_on_the_example_page(h: &Harness) -> Outcome {
    fill_and_pay(h, "4242424242424242").await?;
    return_page_says_received(h).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["confirms"] == 1 && stats["charges_succeeded"] == 1,
        "one confirm, one charge: {stats}"
    );
    h.no_csp_reports().await
}

async fn three_d_secure_on_the_example_page(h: &Harness) -> Outcome {
    fill_and_pay(h, "4000000000003220").await?;
    wait_for(
        h,
        "no 3-D Secure page",
        20,
        UrlContains("/test-mode/authenticate/"),
    )
    .await?;
    h.browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(
            "//button[normalize-space(.) = 'Complete authentication']",
        ))
        .await
        .map_err(|e| format!("no Complete authentication button: {e}"))?
        .click()
        .await
        .map_err(|e| format!("pressing Complete authentication: {e}"))?;
    return_page_says_received(h).await?;
    h.no_csp_reports().await
}

async fn a_decline_resolves_with_an_error_on_the_page(h: &Harness) -> Outcome {
    fill_and_pay(h, "4000000000000002").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut shown = String::new();
    while Instant::now() < deadline && shown.is_empty() {
        tokio::time::sleep(Duration::from_millis(150)).await;
        shown = h
            .find("#error-message")
            .await?
            .text()
            .await
            .unwrap_or_default();
    }
    ensure!(
        shown == "Your card was declined.",
        "the page shows {shown:?} from confirm's error"
    );
    let url = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(url.path() == "/examples/embed.html", "left the page: {url}");
    let disabled = h
        .find("#submit")
        .await?
        .prop("disabled")
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        disabled.as_deref() == Some("false"),
        "Pay is usable again: {disabled:?}"
    );
    h.no_csp_reports().await
}

e2e_test!(
    the_embed_only_example_pays_through_checkout_confirm,
    pay_on_the_example_page
);

e2e_test!(
    the_embed_only_example_follows_3d_secure,
    three_d_secure_on_the_example_page
);

e2e_test!(
    the_embed_only_example_shows_a_decline_from_confirm,
    a_decline_resolves_with_an_error_on_the_page
);
