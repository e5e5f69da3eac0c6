//! Stripe's "accept a payment" quickstart (`examples/quickstart/`): a page written for
//! Stripe.js — the server creates the PaymentIntent, the page mounts the element for its
//! client secret, pays with `confirmPayment`, and the return page reads the intent with
//! `retrievePaymentIntent` — with only its script tag and `Stripe(pk)` → `Checkout(pk)`
//! changed, against the reference server: 4242 pays, 3220 goes through 3-D Secure, 9995
//! says why on the page and the same intent then pays with another card, once.
//!
//! Its "save a card" sibling (`save-card.html`, Stripe's "save payment details for
//! future payments"): the server creates a SetupIntent, the page saves the method with
//! `confirmSetup`, and the return page reads it with `retrieveSetupIntent`. Nothing is
//! charged.

use e2e::{e2e_test, ensure, Harness, Outcome};

/// The key the quickstart pages construct `Checkout` with.
const PAGE_KEY: &str = "pk_test_QuickstartPageKey2026";

/// Keeps what `/create-payment-intent` answered the page (in `sessionStorage`, which the
/// return page of the same origin can read): which intent the page was made for.
const WATCH_INTENTS: &str = r#"
if (window === window.top) {
  const fetch = window.fetch;
  window.fetch = async (...args) => {
    const answer = await fetch(...args);
    if (String(args[0]).includes("create-payment-intent")) {
      const { clientSecret } = await answer.clone().json();
      const seen = JSON.parse(sessionStorage.getItem("intents") || "[]");
      seen.push(clientSecret.split("_secret_")[0]);
      sessionStorage.setItem("intents", JSON.stringify(seen));
    }
    return answer;
  };
}
"#;

async fn open_checkout(h: &mut Harness) -> Outcome {
    h.restart_server_with(&[("CHECKOUT_PUBLISHABLE_KEY", PAGE_KEY)])
        .await;
    h.install_script(WATCH_INTENTS).await?;
    h.open("/examples/quickstart/checkout.html").await?;
    Ok(())
}

async fn submit(h: &Harness) -> Outcome {
    h.find("#submit")
        .await?
        .click()
        .await
        .map_err(|e| format!("clicking Pay now: {e}"))
}

/// The return page says `text`, and its address no longer holds the client secret.
async fn completed(h: &Harness, text: &str) -> Outcome {
    h.wait_url("/examples/quickstart/complete.html").await?;
    h.wait_text("#status-text", 15, |t| t == text).await?;
    let address = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(
        !address.as_str().contains("_secret_"),
        "the return page's address still holds the client secret: {address}"
    );
    ensure!(
        address.as_str().contains("payment_intent=pi_"),
        "the return page lost the intent's id: {address}"
    );
    Ok(())
}

/// After a decline on the page: every card field typed afresh with 4242 (the postal
/// code is still there), Pay, the return page, and one charge in all.
async fn pay_again_with_4242(h: &Harness) -> Outcome {
    h.type_into("Card number", "4242 4242 4242 4242").await?;
    h.type_into("Expiration date", "12 / 34").await?;
    h.type_into("Security code", "123").await?;
    h.type_into("Postal code", "94103").await?;
    submit(h).await?;
    completed(h, "Payment succeeded").await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    Ok(())
}

/// The intents `/create-payment-intent` made for the page (`WATCH_INTENTS`), and the
/// one the return page's address names as paid.
async fn made_and_paid(h: &Harness) -> Outcome<(Vec<String>, Option<String>)> {
    let made = h
        .browser
        .execute("return sessionStorage.getItem('intents');", vec![])
        .await
        .map_err(|e| e.to_string())?;
    let made: Vec<String> =
        serde_json::from_str(made.as_str().unwrap_or("[]")).map_err(|e| e.to_string())?;
    let address = h.browser.current_url().await.map_err(|e| e.to_string())?;
    let paid = address
        .query_pairs()
        .find(|(name, _)| name == "payment_intent")
        .map(|(_, id)| id.into_owned());
    Ok((made, paid))
}

async fn a_card_pays(h: &mut Harness) -> Outcome {
    open_checkout(h).await?;
    h.fill_card_details("4242 4242 4242 4242").await?;
    submit(h).await?;
    completed(h, "Payment succeeded").await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    Ok(())
}

async fn three_d_secure(h: &mut Harness) -> Outcome {
    open_checkout(h).await?;
    h.fill_card_details("4000 0000 0000 3220").await?;
    submit(h).await?;
    // `confirmPayment` redirects by default, as Stripe.js does.
    h.wait_url("/test-mode/authenticate/").await?;
    h.press_button("Complete authentication").await?;
    completed(h, "Payment succeeded").await
}

async fn a_decline_stays_on_the_page(h: &mut Harness) -> Outcome {
    open_checkout(h).await?;
    h.fill_card_details("4000 0000 0000 9995").await?;
    submit(h).await?;
    h.wait_text("#payment-message", 15, |t| {
        t == "Your card has insufficient funds."
    })
    .await?;
    let address = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(
        address.path().ends_with("/checkout.html"),
        "a decline left the page: {address}"
    );
    // The same intent takes another card, and is paid once.
    pay_again_with_4242(h).await?;
    // The intent paid is the one the server made for the page.
    let (made, paid) = made_and_paid(h).await?;
    ensure!(
        made.len() == 1 && paid.as_deref() == Some(made[0].as_str()),
        "the page was made for {made:?} and paid {paid:?}"
    );
    Ok(())
}

async fn open_save_card(h: &mut Harness) -> Outcome {
    h.restart_server_with(&[("CHECKOUT_PUBLISHABLE_KEY", PAGE_KEY)])
        .await;
    h.open("/examples/quickstart/save-card.html").await
}

/// The setup's return page says `text`; its address keeps the setup intent's id and no
/// longer holds its secret; nothing was charged.
async fn saved(h: &Harness, text: &str) -> Outcome {
    h.wait_url("/examples/quickstart/card-saved.html").await?;
    h.wait_text("#status-text", 15, |t| t == text).await?;
    let address = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(
        !address.as_str().contains("_secret_"),
        "the return page's address still holds the client secret: {address}"
    );
    ensure!(
        address.as_str().contains("setup_intent=seti_"),
        "the return page lost the setup intent's id: {address}"
    );
    let stats = h.stats().await?;
    ensure!(
        stats["charges_succeeded"] == 0,
        "saving a card charged it: {stats}"
    );
    Ok(())
}

async fn a_card_is_saved_through_3_d_secure(h: &mut Harness) -> Outcome {
    open_save_card(h).await?;
    h.fill_card_details("4000 0025 0000 3155").await?;
    submit(h).await?;
    h.wait_url("/test-mode/authenticate/").await?;
    h.press_button("Complete authentication").await?;
    saved(h, "Success! Your payment method has been saved.").await
}

async fn a_declined_card_then_another_is_saved(h: &mut Harness) -> Outcome {
    open_save_card(h).await?;
    h.fill_card_details("4000 0000 0000 0002").await?;
    submit(h).await?;
    h.wait_text("#payment-message", 15, |t| t == "Your card was declined.")
        .await?;
    let address = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(
        address.path().ends_with("/save-card.html"),
        "a decline left the page: {address}"
    );
    h.type_into("Card number", "4242 4242 4242 4242").await?;
    h.type_into("Expiration date", "12 / 34").await?;
    h.type_into("Security code", "123").await?;
    submit(h).await?;
    saved(h, "Success! Your payment method has been saved.").await
}

/// `redirect: "if_required"`: 3-D Secure in the element's dialog, and the saved card
/// reported on the page itself.
async fn a_card_is_saved_on_the_page(h: &mut Harness) -> Outcome {
    h.restart_server_with(&[("CHECKOUT_PUBLISHABLE_KEY", PAGE_KEY)])
        .await;
    h.open("/examples/quickstart/save-card.html?redirect=if_required")
        .await?;
    h.fill_card_details("4000 0000 0000 3220").await?;
    submit(h).await?;
    h.find("dialog.pe-challenge[open]").await?;
    h.find("iframe.pe-challenge-frame")
        .await?
        .enter_frame()
        .await
        .map_err(|e| format!("entering the challenge frame: {e}"))?;
    h.browser
        .wait()
        .at_most(std::time::Duration::from_secs(15))
        .for_element(fantoccini::Locator::XPath(
            "//button[normalize-space(.) = 'Complete authentication']",
        ))
        .await
        .map_err(|e| format!("no Complete authentication in the challenge: {e}"))?
        .click()
        .await
        .map_err(|e| format!("pressing Complete authentication: {e}"))?;
    h.browser
        .enter_parent_frame()
        .await
        .map_err(|e| e.to_string())?;
    h.wait_text("#payment-message", 15, |t| {
        t == "Success! Your payment method has been saved."
    })
    .await?;
    let address = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(
        address.path().ends_with("/save-card.html"),
        "the page was left: {address}"
    );
    let stats = h.stats().await?;
    ensure!(
        stats["charges_succeeded"] == 0,
        "saving a card charged it: {stats}"
    );
    Ok(())
}

/// Stripe's deferred flow (`deferred.html`): the element is shown for an amount first,
/// each Pay creates an intent and confirms it with `confirmPayment({elements,
/// clientSecret})`. A decline stays on the page; the next Pay's new intent pays, once.
async fn the_intent_is_created_on_submit(h: &mut Harness) -> Outcome {
    h.restart_server_with(&[("CHECKOUT_PUBLISHABLE_KEY", PAGE_KEY)])
        .await;
    h.install_script(WATCH_INTENTS).await?;
    h.open("/examples/quickstart/deferred.html").await?;
    h.fill_card_details("4000 0000 0000 9995").await?;
    submit(h).await?;
    h.wait_text("#payment-message", 15, |t| {
        t == "Your card has insufficient funds."
    })
    .await?;
    pay_again_with_4242(h).await?;
    // Two submits, two intents; the one paid is the second.
    let (made, paid) = made_and_paid(h).await?;
    ensure!(
        made.len() == 2 && paid.as_deref() == Some(made[1].as_str()),
        "the page made {made:?} and paid {paid:?}"
    );
    Ok(())
}

/// Counts the card frames put into and taken out of the page.
const WATCH_FRAMES: &str = r#"
window.__cardFrames = { added: 0, removed: 0 };
new MutationObserver((records) => {
  const frames = (node) =>
    node.nodeName === "IFRAME" ? 1 : node.querySelectorAll ? node.querySelectorAll("iframe").length : 0;
  for (const record of records) {
    for (const node of record.addedNodes) window.__cardFrames.added += frames(node);
    for (const node of record.removedNodes) window.__cardFrames.removed += frames(node);
  }
}).observe(document, { childList: true, subtree: true });
"#;

/// The element waits for the page's intent before it shows the form: the card frame is
/// made once, never replaced when the intent arrives (which would drop what the customer
/// had typed into it).
async fn the_card_frame_is_made_once(h: &mut Harness) -> Outcome {
    open_checkout(h).await?;
    h.install_script(WATCH_FRAMES).await?;
    h.open("/examples/quickstart/checkout.html").await?;
    h.fill_card_details("4242 4242 4242 4242").await?;
    h.leave_frame().await?;
    let counts = h
        .browser
        .execute("return JSON.stringify(window.__cardFrames);", vec![])
        .await
        .map_err(|e| e.to_string())?;
    let counts: serde_json::Value =
        serde_json::from_str(counts.as_str().unwrap_or("{}")).map_err(|e| e.to_string())?;
    ensure!(
        counts["added"] == 1 && counts["removed"] == 0,
        "card frames added and removed: {counts}"
    );
    Ok(())
}

e2e_test!(the_quickstart_page_pays_with_4242, mut a_card_pays);
e2e_test!(
    the_quickstart_pages_card_frame_is_made_once,
    mut the_card_frame_is_made_once
);
e2e_test!(
    the_deferred_page_creates_the_intent_on_submit_and_pays_once,
    mut the_intent_is_created_on_submit
);
e2e_test!(
    the_save_card_page_saves_a_card_through_3_d_secure_in_a_dialog,
    mut a_card_is_saved_on_the_page
);
e2e_test!(
    the_save_card_page_saves_a_card_through_3_d_secure,
    mut a_card_is_saved_through_3_d_secure
);
e2e_test!(
    the_save_card_page_shows_a_decline_and_saves_another_card,
    mut a_declined_card_then_another_is_saved
);
e2e_test!(the_quickstart_page_runs_3_d_secure, mut three_d_secure);
e2e_test!(
    the_quickstart_page_shows_a_decline_and_pays_the_same_intent,
    mut a_decline_stays_on_the_page
);
