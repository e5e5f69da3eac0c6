//! The README's front-end workflow: `trunk serve` with the project's own `Trunk.toml`,
//! proxying `/api` and `/test-mode` to a running checkout-server. A 3-D Secure payment
//! completes through the proxied challenge page, and live reload reloads the page.
//!
//! The only changes to `Trunk.toml` are the ports (the test's server and a free one for
//! trunk), the output directory (a temporary one, so the release `dist/` the other tests
//! serve stays as built) and a watched file the test touches.

use e2e::{
    e2e_test, ensure, full_page_redirects, pay, repository, status_is, Harness, Outcome, TrunkServe,
};
use std::time::{Duration, Instant};

async fn through_trunk_serve(h: &Harness) -> Outcome {
    let trunk = TrunkServe::start(
        &repository(),
        "port = 8081",
        h.server_port(),
        h.spare_port,
        true,
    )
    .await?;
    let base = format!("http://127.0.0.1:{}", trunk.port);
    h.browser
        .goto(&format!("{base}/"))
        .await
        .map_err(|e| format!("opening trunk serve's page: {e}"))?;
    h.fill_card_details("4000000000003220").await?;
    // The redirect through trunk's proxy is what this checks: full-page next actions.
    full_page_redirects(h).await?;
    pay(h).await?;
    let challenge = h.wait_url("/test-mode/authenticate/").await?;
    ensure!(
        challenge.starts_with(&base),
        "the challenge page is not served through trunk: {challenge}"
    );
    // The challenge form posts through the proxy; its 303 must reach the browser.
    h.press_button("Complete authentication").await?;
    let returned = h.wait_url("/complete").await?;
    ensure!(
        returned.starts_with(&format!("{base}/complete")),
        "came back to {returned}"
    );
    status_is(h, "succeeded", 30).await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");

    // Live reload: a watched file changes, trunk rebuilds and the page reloads (its
    // socket is opened with the port, or this never happens).
    h.browser
        .execute("window.beforeReload = true; return true;", vec![])
        .await
        .map_err(|e| format!("marking the page: {e}"))?;
    let watched = trunk.watched.as_ref().ok_or("no watched file")?;
    std::fs::write(watched, "1").map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let marked = h
            .browser
            .execute("return window.beforeReload === true;", vec![])
            .await
            .unwrap_or(serde_json::Value::Bool(true));
        if marked == serde_json::Value::Bool(false) {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the page did not reload within 300 s of a watched change"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    drop(trunk);
    Ok(())
}

e2e_test!(
    trunk_serve_pays_through_3d_secure_and_reloads_on_a_change,
    through_trunk_serve
);
