//! Paying in the demo against the real server, as DESIGN.md lists the test cards: from
//! Pay through any 3-D Secure page to the return page, exactly once.

use e2e::{
    e2e_test, ensure, fill_card_to_save, full_page_redirects, is_disabled, pay,
    pay_until_succeeded, pay_with_gcash, property, status_is, Harness, Outcome,
};
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// Fills the card form (the browser's en-US locale preselects the US, which asks for a
/// postal code).
async fn fill_card(h: &Harness, number: &str) -> Outcome {
    h.open("/").await?;
    h.fill_card_details(number).await
}

/// The return page says the payment went through.
async fn says_received(h: &Harness) -> Outcome {
    let message = h
        .wait_text(".pe-status-message", 5, |t| !t.is_empty())
        .await?;
    ensure!(
        message == "Payment received. Thank you!",
        "says {message:?}"
    );
    Ok(())
}

/// The return page of a failed payment gives `reason` and links back to try another
/// method.
async fn says_failed(h: &Harness, reason: &str) -> Outcome {
    let shown = h
        .wait_text(".pe-status-reason", 5, |t| !t.is_empty())
        .await?;
    ensure!(shown == reason, "reason {shown:?}");
    offers_another_method(h).await
}

/// The return page of a failed payment links back to try another method.
async fn offers_another_method(h: &Harness) -> Outcome {
    let link = h.find(".pe-status-retry").await?;
    let label = link.text().await.map_err(|e| e.to_string())?;
    ensure!(label == "Try another payment method", "link {label:?}");
    Ok(())
}

async fn address_has_no_secret(h: &Harness) -> Outcome {
    let url = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(
        !url.as_str().contains("secret"),
        "the address still holds the secret: {url}"
    );
    Ok(())
}

async fn reload(h: &Harness) -> Outcome {
    h.browser
        .refresh()
        .await
        .map_err(|e| format!("reloading: {e}"))
}

async fn success_card(h: &Harness) -> Outcome {
    fill_card(h, "4242424242424242").await?;
    // A card payment fetches none of the split wasm's chunks (issue 18): not the QR
    // encoder, not the return page's view.
    let chunks = h.fetched("split_").await?;
    ensure!(chunks.is_empty(), "the checkout fetched {chunks:?}");
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    // The return page loads its own wasm, the status view alone (issue 18): none of the
    // widget's files, no chunk.
    let widget = [
        h.fetched("payment-element-").await?,
        h.fetched("split_").await?,
    ]
    .concat();
    ensure!(widget.is_empty(), "the return page fetched {widget:?}");
    let own = h.fetched("payment-status-").await?;
    ensure!(
        own.iter().any(|name| name.ends_with("_bg.wasm")),
        "the return page fetched {own:?}"
    );
    says_received(h).await?;
    address_has_no_secret(h).await?;
    reload(h).await?;
    status_is(h, "succeeded", 15).await?;
    address_has_no_secret(h).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["confirms"] == 1 && stats["charges_succeeded"] == 1,
        "a reload must not confirm again: {stats}"
    );
    Ok(())
}

e2e_test!(
    card_4242_pays_and_the_return_page_says_received,
    success_card
);

/// A return page on the widget's own bundle (a build without `complete.html`, as a
/// merchant gets when it calls the widget's `mountPaymentStatus`) fetches the status
/// view's chunk. When the chunk cannot be fetched (the network), the page says so, and a
/// reload with the network back shows the payment, charged once.
async fn status_chunk_missing(h: &mut Harness) -> Outcome {
    let dist = h.copy_of_dist("no-return-page")?;
    std::fs::remove_file(dist.join("complete.html")).map_err(|e| e.to_string())?;
    h.serve_dist(dist.clone()).await;
    fill_card(h, "4242424242424242").await?;
    h.block_urls(&["*split_payment_status*"]).await?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    let said = h
        .wait_text("#payment-status[role=alert]", 15, |t| !t.is_empty())
        .await?;
    ensure!(
        said == "The payment's status could not be loaded. Check your connection and reload this page.",
        "says {said:?}"
    );
    h.block_urls(&[]).await?;
    reload(h).await?;
    status_is(h, "succeeded", 15).await?;
    let chunks = h.fetched("split_").await?;
    ensure!(
        chunks.len() == 1 && chunks[0].contains("split_payment_status"),
        "the return page fetched {chunks:?}"
    );
    says_received(h).await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    let _ = std::fs::remove_dir_all(&dist);
    Ok(())
}

e2e_test!(
    a_return_page_whose_chunk_fails_says_so_and_a_reload_shows_the_payment,
    mut status_chunk_missing
);

async fn success_in_tabs(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.choose("Layout", "tabs").await?;
    let tab = h.find("[role=tab][data-method=card]").await?;
    let selected = tab.attr("aria-selected").await.map_err(|e| e.to_string())?;
    ensure!(
        selected.as_deref() == Some("true"),
        "the card tab is {selected:?}"
    );
    h.fill_card_details("5555555555554444").await?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    Ok(())
}

e2e_test!(a_card_pays_in_the_tabs_layout_too, success_in_tabs);

async fn return_page_in_german(h: &Harness) -> Outcome {
    fill_card(h, "4000000000003220").await?;
    // Switched after typing: what was typed stays, and the return page follows.
    h.choose("Locale", "de").await?;
    h.wait_text(".pe-pay-label", 5, |t| t.ends_with("bezahlen"))
        .await?;
    full_page_redirects(h).await?;
    pay(h).await?;
    h.wait_url("/test-mode/authenticate/").await?;
    h.press_button("Complete authentication").await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let message = h
        .wait_text(".pe-status-message", 5, |t| !t.is_empty())
        .await?;
    ensure!(
        message == "Zahlung erhalten. Vielen Dank!",
        "says {message:?}"
    );
    address_has_no_secret(h).await
}

e2e_test!(
    the_return_page_speaks_the_checkouts_language,
    return_page_in_german
);

/// 3-D Secure as a page of its own (`redirect: "always"`; the dialog on the checkout
/// page is `next_actions.rs`'s).
async fn three_d_secure(h: &Harness, number: &str, button: &str, expected: &str) -> Outcome {
    fill_card(h, number).await?;
    full_page_redirects(h).await?;
    pay(h).await?;
    h.wait_url("/test-mode/authenticate/").await?;
    h.press_button(button).await?;
    h.wait_url("/complete").await?;
    status_is(h, expected, 15).await?;
    address_has_no_secret(h).await
}

async fn three_d_secure_completed(h: &Harness) -> Outcome {
    three_d_secure(
        h,
        "4000000000003220",
        "Complete authentication",
        "succeeded",
    )
    .await
}

e2e_test!(three_d_secure_completed_pays, three_d_secure_completed);

async fn three_d_secure_declined(h: &Harness) -> Outcome {
    three_d_secure(h, "4000008400001629", "Complete authentication", "failed").await?;
    says_failed(h, "Your card was declined.").await?;
    Ok(())
}

e2e_test!(
    three_d_secure_then_declined_says_so_with_a_way_back,
    three_d_secure_declined
);

async fn authentication_failed(h: &Harness) -> Outcome {
    three_d_secure(h, "4000000000003220", "Fail authentication", "failed").await
}

e2e_test!(
    failed_authentication_is_a_failed_payment,
    authentication_failed
);

async fn declines(h: &Harness) -> Outcome {
    fill_card(h, "4000000000009995").await?;
    pay(h).await?;
    let error = h.wait_text(".pe-pay-error", 15, |t| !t.is_empty()).await?;
    ensure!(
        error == "Your card has insufficient funds.",
        "says {error:?}"
    );
    let number = h.input_labelled("Card number").await?;
    ensure!(
        property(&number, "value").await? == "4000 0000 0000 9995",
        "the card number is kept"
    );
    let cvc = h.input_labelled("Security code").await?;
    ensure!(
        property(&cvc, "value").await?.is_empty(),
        "the CVC is asked again"
    );
    let button = h.find(".pe-pay-button").await?;
    ensure!(
        button
            .attr("disabled")
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "Pay is usable again"
    );
    // Another card with a wrong CVC: focus lands on the CVC.
    h.type_into("Card number", "4000000000000127").await?;
    h.type_into("Security code", "999").await?;
    pay(h).await?;
    let error = h
        .wait_text(".pe-pay-error", 15, |t| t.contains("security code"))
        .await?;
    ensure!(
        error == "Your card's security code is incorrect.",
        "says {error:?}"
    );
    let focused = h.focused_field().await?;
    ensure!(focused == "frame:cvc", "focus is on {focused:?}");
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 0, "{stats}");
    Ok(())
}

e2e_test!(a_decline_says_why_and_keeps_the_card, declines);

/// Pays by SEPA Direct Debit with `iban`; the return page says "processing".
async fn pay_by_sepa(h: &Harness, iban: &str) -> Outcome {
    h.open("/").await?;
    h.find("[data-method=sepa_debit][role=radio], [data-method=sepa_debit][role=tab]")
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing SEPA: {e}"))?;
    h.type_into("Full name", "Jenny Rosen").await?;
    h.type_into("Email", "jenny@example.com").await?;
    h.type_into("IBAN", iban).await?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "processing", 15).await?;
    address_has_no_secret(h).await
}

async fn sepa_fails(h: &Harness) -> Outcome {
    pay_by_sepa(h, "DE62370400440532013001").await?;
    // The bank refuses about 10 s later; the page polls until then.
    status_is(h, "failed", 40).await?;
    says_failed(h, "Your bank did not accept the direct debit.").await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 0, "{stats}");
    Ok(())
}

e2e_test!(sepa_processes_then_fails_with_the_banks_answer, sepa_fails);

async fn sepa(h: &Harness) -> Outcome {
    pay_by_sepa(h, "DE89370400440532013000").await?;
    // Settles after about 10 s on the server's clock; the page polls until then.
    status_is(h, "succeeded", 40).await?;
    reload(h).await?;
    status_is(h, "succeeded", 15).await
}

e2e_test!(sepa_processes_then_succeeds, sepa);

async fn double_click(h: &Harness) -> Outcome {
    fill_card(h, "4242424242424242").await?;
    // Ten clicks and ten Enter-style submits in one tick, as an impatient customer's
    // double clicks and a bouncing Enter key would send.
    h.browser
        .execute(
            "const b = document.querySelector('.pe-pay-button'); \
             for (let i = 0; i < 10; i++) { b.click(); b.form.requestSubmit(); }",
            vec![],
        )
        .await
        .map_err(|e| format!("clicking: {e}"))?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["confirmation_tokens"] == 1
            && stats["confirms"] == 1
            && stats["charges"] == 1
            && stats["charges_succeeded"] == 1,
        "ten presses made {stats}"
    );
    Ok(())
}

e2e_test!(ten_presses_of_pay_charge_once, double_click);

async fn fresh_profile(h: &Harness) -> Outcome {
    // Pay without the browser, then open the return address in this browser, which has
    // never seen the checkout (fresh profile: no storage, no cookies).
    let (status, token) = h
        .http(
            "POST",
            "/api/confirmation_tokens",
            &[],
            Some(&serde_json::json!({
                "payment_method_data": {"type": "card", "card":
                    {"token": h.card_token("4242424242424242").await?}},
                "return_url": format!("{}/complete", h.base),
            })),
        )
        .await?;
    ensure!(status == 200, "token: {status} {token}");
    let (status, intent) = h
        .http(
            "POST",
            "/api/create-confirm-intent",
            &[("Idempotency-Key", "fresh-profile-1")],
            Some(&serde_json::json!({"confirmation_token_id": token["id"]})),
        )
        .await?;
    ensure!(status == 200, "confirm: {status} {intent}");
    let id = intent["id"].as_str().unwrap_or_default();
    let secret = intent["client_secret"].as_str().unwrap_or_default();
    h.open(&format!(
        "/complete?payment_intent={id}&payment_intent_client_secret={secret}&redirect_status=succeeded"
    ))
    .await?;
    status_is(h, "succeeded", 15).await?;
    address_has_no_secret(h).await?;
    let url = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(
        url.as_str().contains(&format!("payment_intent={id}")),
        "the intent id stays: {url}"
    );
    reload(h).await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(stats["confirms"] == 1, "{stats}");
    Ok(())
}

e2e_test!(
    the_return_page_works_in_a_fresh_profile_and_after_a_reload,
    fresh_profile
);

async fn server_down(h: &mut Harness) -> Outcome {
    fill_card(h, "4242424242424242").await?;
    h.stop_server().await;
    pay(h).await?;
    let error = h.wait_text(".pe-pay-error", 20, |t| !t.is_empty()).await?;
    ensure!(
        error.starts_with("We could not reach the payment server"),
        "says {error:?}"
    );
    for (label, expected) in [
        ("Card number", "4242 4242 4242 4242"),
        ("Expiration date", "12 / 34"),
        ("Security code", "123"),
    ] {
        let value = property(&h.input_labelled(label).await?, "value").await?;
        ensure!(value == expected, "{label} reads {value:?}");
    }
    let button = h.find(".pe-pay-button").await?;
    ensure!(
        button
            .attr("disabled")
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "Pay is usable again"
    );
    // Nothing reached the server (not even the token), so nothing can have been
    // charged: the market may still be switched. (After a confirm whose answer was lost
    // it may not: see one_order.rs.)
    ensure!(
        !is_disabled(h, "select[name=market]").await?,
        "the market is locked although nothing was sent"
    );
    // The server is back: the same form pays, once.
    h.restart_server().await;
    let stats = pay_until_succeeded(h).await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    Ok(())
}

e2e_test!(
    a_server_down_mid_flow_keeps_the_form_and_pays_once_it_is_back,
    mut server_down
);

async fn returning(h: &Harness) -> Outcome {
    h.open("/").await?;
    // The switches work once the order has loaded.
    h.find(".demo-controls:not([hidden]) .demo-returning:not([disabled])")
        .await?
        .click()
        .await
        .map_err(|e| format!("ticking Returning customer: {e}"))
}

/// Back on the checkout after paying: the order shows as paid; the customer starts a
/// new one.
async fn start_new_order(h: &Harness) -> Outcome {
    h.open("/").await?;
    let message = h
        .wait_text(".demo-paid-message", 15, |t| !t.is_empty())
        .await?;
    ensure!(
        message == "This order is paid.",
        "the checkout says {message:?}"
    );
    h.press_button("Start a new order").await?;
    h.find(".pe-pay-form:not([hidden]) .pe-pay-button:not([disabled])")
        .await?;
    Ok(())
}

async fn returning_customer(h: &Harness) -> Outcome {
    // First visit: pay with a new card and save it.
    returning(h).await?;
    fill_card_to_save(h, "4242424242424242").await?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    // Second visit, a new order: the saved card is offered; only its CVC is asked again.
    start_new_order(h).await?;
    returning(h).await?;
    h.find("[data-saved-choice^=pm_]").await?;
    // The saved card's CVC is typed in a frame of the payments origin too.
    h.enter_card_frame().await?;
    let cvc = h
        .browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".pe-cvc-recollection input"))
        .await
        .map_err(|e| format!("no CVC field in the frame: {e}"))?;
    let label = h
        .browser
        .find(Locator::Css(".pe-cvc-recollection label"))
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        label.ends_with("4242"),
        "the CVC field is labelled {label:?}"
    );
    cvc.send_keys("123")
        .await
        .map_err(|e| format!("typing the CVC: {e}"))?;
    h.leave_frame().await?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["confirmation_tokens"] == 2 && stats["charges_succeeded"] == 2,
        "two payments, one each: {stats}"
    );
    // Third visit: remove it, after the inline confirmation; it stays gone after a reload.
    start_new_order(h).await?;
    returning(h).await?;
    h.find(".pe-saved-remove")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    let question = h
        .wait_text(".pe-saved-question", 5, |t| !t.is_empty())
        .await?;
    ensure!(
        question.starts_with("Remove") && question.contains("4242"),
        "the confirmation asks {question:?}"
    );
    h.find(".pe-saved-remove-confirm")
        .await?
        .click()
        .await
        .map_err(|e| format!("confirming the removal: {e}"))?;
    saved_choice_disappears(h).await?;
    reload(h).await?;
    returning(h).await?;
    // The new-method form with its consent box is what a customer without saved methods sees.
    h.find("[data-field=save_payment_method]").await?;
    saved_choice_disappears(h).await
}

/// Waits until no saved method is offered. The list loads asynchronously, so first
/// until this page's request for it has been answered (a resource timing entry with its
/// response complete), then until the removed card is gone.
async fn saved_choice_disappears(h: &Harness) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answered = h
            .browser
            .execute(
                "return performance.getEntriesByType('resource').some((e) => \
                 e.name.includes('/api/customer_sessions/payment_methods') && e.responseEnd > 0);",
                vec![],
            )
            .await
            .map_err(|e| format!("reading resource timings: {e}"))?;
        if answered == serde_json::Value::Bool(true) {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the saved methods were never asked for"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The answer is applied in the next tasks: give the page a moment to render it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    while h
        .browser
        .find(Locator::Css("[data-saved-choice^=pm_]"))
        .await
        .is_ok()
    {
        ensure!(
            Instant::now() < deadline,
            "the removed card is still offered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

e2e_test!(
    a_returning_customer_saves_pays_with_cvc_and_removes_the_card,
    returning_customer
);

async fn ewallet(h: &Harness, button: &str, expected: &str) -> Outcome {
    pay_with_gcash(h, button, expected).await?;
    address_has_no_secret(h).await
}

async fn ewallet_authorized(h: &Harness) -> Outcome {
    ewallet(h, "Authorize", "succeeded").await?;
    says_received(h).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["charges"] == 1 && stats["charges_succeeded"] == 1,
        "{stats}"
    );
    Ok(())
}

e2e_test!(
    an_ewallet_payment_authorized_on_the_wallet_page_succeeds,
    ewallet_authorized
);

async fn ewallet_declined(h: &Harness) -> Outcome {
    ewallet(h, "Decline", "failed").await?;
    says_failed(h, "The e-wallet payment was declined.").await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 0, "{stats}");
    Ok(())
}

e2e_test!(
    an_ewallet_payment_declined_on_the_wallet_page_fails_with_a_way_back,
    ewallet_declined
);

async fn back_from_3ds(h: &Harness) -> Outcome {
    fill_card(h, "4000000000003220").await?;
    full_page_redirects(h).await?;
    pay(h).await?;
    let first = h.wait_url("/test-mode/authenticate/").await?;
    // The customer changes their mind on the bank's page and goes back.
    h.browser
        .back()
        .await
        .map_err(|e| format!("going back: {e}"))?;
    // The form is usable again: back on the checkout, Pay enabled.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = h.browser.current_url().await.map_err(|e| e.to_string())?;
        let on_checkout = !url.as_str().contains("/test-mode/");
        let enabled = match h.browser.find(Locator::Css(".pe-pay-button")).await {
            Ok(button) if on_checkout => button
                .attr("disabled")
                .await
                .map_err(|e| e.to_string())?
                .is_none(),
            _ => false,
        };
        if enabled {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "15 s after going back: at {url}, Pay not usable"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The checkout page is bfcache-eligible (served no-cache, not no-store): it comes
    // back as the customer left it, and `pageshow` (persisted) reopened the form.
    let number = h.input_labelled("Card number").await?;
    let kept = property(&number, "value").await?;
    ensure!(
        kept == "4000 0000 0000 3220",
        "the page was not restored from the back/forward cache (number {kept:?})"
    );
    let busy = h
        .find(".pe-pay-button")
        .await?
        .attr("aria-busy")
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        busy.as_deref() == Some("false"),
        "Pay is aria-busy={busy:?}"
    );
    // Paying again confirms the same order through 3-D Secure and charges once.
    pay(h).await?;
    let second = h.wait_url("/test-mode/authenticate/").await?;
    ensure!(
        second == first,
        "paying again authenticates another intent: {second} after {first}"
    );
    h.press_button("Complete authentication").await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["charges_succeeded"] == 1,
        "going back and paying again made {stats}"
    );
    Ok(())
}

e2e_test!(
    back_from_the_3d_secure_page_leaves_a_usable_form_and_one_charge,
    back_from_3ds
);
