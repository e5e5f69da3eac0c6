//! Next actions on the checkout page (issue 14): with the demo's default `redirect:
//! "if_required"`, a card's 3-D Secure challenge opens in a modal dialog over the
//! checkout and the page never leaves until the payment settled; a QR code payment
//! (QRIS, QR Ph) shows its code in the element, which follows the payment by itself.

use e2e::{choose_gcash, e2e_test, ensure, pay, status_is, Harness, Outcome};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::Value;
use std::time::{Duration, Instant};

async fn run(h: &Harness, script: &str) -> Outcome<Value> {
    h.browser
        .execute(script, vec![])
        .await
        .map_err(|e| format!("running a script in the page: {e}"))
}

/// Waits for the 3-D Secure dialog and switches into its challenge page.
async fn enter_challenge(h: &Harness) -> Outcome {
    h.find("dialog.pe-challenge[open]").await?;
    h.find("iframe.pe-challenge-frame")
        .await?
        .enter_frame()
        .await
        .map_err(|e| format!("entering the challenge frame: {e}"))
}

/// The challenge page's button `text`, inside its frame.
async fn challenge_button(h: &Harness, text: &str) -> Outcome<Element> {
    let xpath = format!("//button[normalize-space(.) = '{text}']");
    h.browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(&xpath))
        .await
        .map_err(|e| format!("no {text:?} in the challenge page: {e}"))
}

/// Whether the page's focused element is inside the open dialog.
async fn focus_in_dialog(h: &Harness) -> Outcome<bool> {
    let inside = run(
        h,
        r#"const dialog = document.querySelector("dialog.pe-challenge[open]");
           return !!dialog && dialog.contains(document.activeElement);"#,
    )
    .await?;
    Ok(inside == Value::Bool(true))
}

/// Presses Tab (or Shift+Tab) on what has focus, inside the challenge page or not.
async fn press_tab(h: &Harness, backwards: bool) -> Outcome {
    let in_frame = run(
        h,
        r#"return !!document.activeElement && document.activeElement.matches("iframe");"#,
    )
    .await?
        == Value::Bool(true);
    if in_frame {
        h.find("iframe.pe-challenge-frame")
            .await?
            .enter_frame()
            .await
            .map_err(|e| e.to_string())?;
    }
    h.tab_from_focus(backwards).await?;
    if in_frame {
        h.browser
            .enter_parent_frame()
            .await
            .map_err(|e| e.to_string())?;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(())
}

async fn dialog_gone(h: &Harness) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(15);
    while h
        .browser
        .find(Locator::Css("dialog.pe-challenge"))
        .await
        .is_ok()
    {
        ensure!(Instant::now() < deadline, "the dialog is still there");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn completes_in_the_dialog(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4000000000003220").await?;
    let early = h.fetched("split_").await?;
    ensure!(early.is_empty(), "fetched before paying: {early:?}");
    pay(h).await?;
    // The dialog is a chunk of the wasm (issue 18), fetched when a challenge starts.
    h.find("dialog.pe-challenge[open] iframe.pe-challenge-frame")
        .await?;
    let chunks = h.fetched("split_").await?;
    ensure!(
        chunks.len() == 1 && chunks[0].contains("split_challenge_dialog"),
        "fetched for the challenge: {chunks:?}"
    );
    enter_challenge(h).await?;
    challenge_button(h, "Complete authentication")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    h.browser
        .enter_parent_frame()
        .await
        .map_err(|e| e.to_string())?;
    // The checkout never left for the bank's page: the demo shows its return page once
    // the dialog saw the payment settle.
    paid_once(h).await
}

/// The return page shows the payment succeeded, after one confirm and one charge.
async fn paid_once(h: &Harness) -> Outcome {
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["confirms"] == 1 && stats["charges_succeeded"] == 1,
        "one confirm, one charge: {stats}"
    );
    Ok(())
}

e2e_test!(
    three_d_secure_in_a_dialog_completes_the_payment,
    completes_in_the_dialog
);

/// The dialog's chunk of the wasm cannot be fetched (the network): the customer goes
/// to the challenge page in full, as for a bank page that refuses to be framed, and the
/// payment completes there, once.
async fn dialog_chunk_missing(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4000000000003220").await?;
    h.block_urls(&["*split_challenge_dialog*"]).await?;
    pay(h).await?;
    h.wait_url("/test-mode/authenticate/").await?;
    h.block_urls(&[]).await?;
    h.press_button("Complete authentication").await?;
    paid_once(h).await
}

e2e_test!(
    without_the_dialogs_chunk_3d_secure_opens_as_a_page,
    dialog_chunk_missing
);

async fn fails_in_the_dialog(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4000000000003220").await?;
    pay(h).await?;
    enter_challenge(h).await?;
    challenge_button(h, "Fail authentication")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    h.browser
        .enter_parent_frame()
        .await
        .map_err(|e| e.to_string())?;
    dialog_gone(h).await?;
    let error = h.wait_text(".pe-pay-error", 15, |t| !t.is_empty()).await?;
    ensure!(
        error.starts_with("We are unable to authenticate your payment method"),
        "says {error:?}"
    );
    // Still the checkout, with the card as typed, ready for another try.
    let url = h.browser.current_url().await.map_err(|e| e.to_string())?;
    ensure!(!url.as_str().contains("/complete"), "left for {url}");
    let number = h.input_labelled("Card number").await?;
    let kept = e2e::property(&number, "value").await?;
    ensure!(kept == "4000 0000 0000 3220", "the number reads {kept:?}");
    h.leave_frame().await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 0, "{stats}");
    Ok(())
}

e2e_test!(
    three_d_secure_failed_in_the_dialog_keeps_the_form,
    fails_in_the_dialog
);

async fn escape_then_again(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4000000000003220").await?;
    pay(h).await?;
    h.find("dialog.pe-challenge[open]").await?;
    ensure!(
        focus_in_dialog(h).await?,
        "focus did not move into the dialog"
    );
    // Escape closes it: nothing charged, the form usable again with what was typed.
    h.browser
        .active_element()
        .await
        .map_err(|e| e.to_string())?
        .send_keys(&char::from(Key::Escape).to_string())
        .await
        .map_err(|e| format!("pressing Escape: {e}"))?;
    dialog_gone(h).await?;
    let error = h.wait_text(".pe-pay-error", 10, |t| !t.is_empty()).await?;
    ensure!(
        error.starts_with("The confirmation with your bank was canceled"),
        "says {error:?}"
    );
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 0, "{stats}");
    // A second try confirms the same order's intent again, and pays it once.
    pay(h).await?;
    enter_challenge(h).await?;
    challenge_button(h, "Complete authentication")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    h.browser
        .enter_parent_frame()
        .await
        .map_err(|e| e.to_string())?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(
        stats["charges_succeeded"] == 1 && stats["confirms"] == 2,
        "the second try pays the same intent once: {stats}"
    );
    Ok(())
}

e2e_test!(
    escape_cancels_the_dialog_and_a_second_try_pays_once,
    escape_then_again
);

async fn keyboard_only(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4000000000003220").await?;
    // Pay from the keyboard: Enter in the page's postal code field submits.
    let postal = h.find("[data-field=postal_code]").await?;
    postal
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .map_err(|e| format!("pressing Enter: {e}"))?;
    h.find("dialog.pe-challenge[open]").await?;
    // Tab and Shift+Tab stay inside the dialog, through the challenge page and round.
    for backwards in [false, false, false, false, false, true, true, true] {
        ensure!(focus_in_dialog(h).await?, "focus left the dialog");
        press_tab(h, backwards).await?;
    }
    ensure!(focus_in_dialog(h).await?, "focus left the dialog");
    // Into the challenge page and onto its Complete button, with Tab only.
    enter_challenge(h).await?;
    let mut on = String::new();
    for _ in 0..6 {
        let active = h
            .browser
            .active_element()
            .await
            .map_err(|e| e.to_string())?;
        on = active.text().await.unwrap_or_default();
        if on.trim() == "Complete authentication" {
            active
                .send_keys(&char::from(Key::Enter).to_string())
                .await
                .map_err(|e| e.to_string())?;
            break;
        }
        active
            .send_keys(&char::from(Key::Tab).to_string())
            .await
            .map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(
        on.trim() == "Complete authentication",
        "Tab never reached Complete authentication (last on {on:?})"
    );
    h.browser
        .enter_parent_frame()
        .await
        .map_err(|e| e.to_string())?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await
}

e2e_test!(the_dialog_works_with_the_keyboard_alone, keyboard_only);

/// The Indonesian cart, on the checkout page already open.
async fn indonesian_cart(h: &Harness) -> Outcome {
    h.choose("Market", "id").await?;
    h.wait_text(".pe-pay-label", 15, |t| t.contains("IDR"))
        .await
        .map(|_| ())
}

/// Picks the QR code among the methods.
async fn pick_qr_code(h: &Harness) -> Outcome {
    h.find("[data-method=qr_code]")
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing the QR code: {e}"))
}

/// What the element says in place of a QR code whose chunk could not be run.
async fn qr_missing_says(h: &Harness) -> Outcome<String> {
    h.wait_text(".pe-qr-missing[role=alert]", 15, |t| !t.is_empty())
        .await
}

/// Pays the Indonesian cart by QRIS up to the code shown in the element; its payload
/// (what the code encodes: the test-mode bank app's page).
async fn qr_shown(h: &Harness) -> Outcome<String> {
    h.open("/").await?;
    indonesian_cart(h).await?;
    // The QR encoder is a chunk of the wasm (issue 18): not fetched until the shopper
    // picks the QR code, then fetched once, ahead of the payment.
    let early = h.fetched("split_qr_code").await?;
    ensure!(
        early.is_empty(),
        "fetched before the QR code was picked: {early:?}"
    );
    pick_qr_code(h).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.fetched("split_qr_code").await?.is_empty() {
        ensure!(
            Instant::now() < deadline,
            "the QR chunk was not fetched when the QR code was picked"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    pay(h).await?;
    let code = h.find("svg.pe-qr-code[role=img]").await?;
    let chunk = h.fetched("split_qr_code").await?;
    ensure!(chunk.len() == 1, "the QR chunk fetched: {chunk:?}");
    let name = code
        .attr("aria-label")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(
        name.starts_with("QR code to pay Rp"),
        "the code's accessible name is {name:?}"
    );
    let shown = h.find("[data-qr-payload]").await?;
    let payload = shown
        .attr("data-qr-payload")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(
        payload.contains("/test-mode/qr/pi_"),
        "the code encodes {payload:?}"
    );
    Ok(payload)
}

async fn qris_pays(h: &Harness) -> Outcome {
    let payload = qr_shown(h).await?;
    let checkout = h.browser.window().await.map_err(|e| e.to_string())?;
    // The shopper's phone: the bank app page the code opens, in another window.
    let phone = h
        .browser
        .new_window(false)
        .await
        .map_err(|e| e.to_string())?;
    h.browser
        .switch_to_window(phone.handle)
        .await
        .map_err(|e| e.to_string())?;
    let url = if payload.starts_with('/') {
        format!("{}{payload}", h.base)
    } else {
        payload
    };
    h.browser.goto(&url).await.map_err(|e| e.to_string())?;
    h.press_button("Pay").await?;
    // The bank app's answer, before its window closes: closing it at once could abort
    // the form's POST, and the payment with it.
    h.wait_text("body", 10, |t| t.contains("Payment sent"))
        .await?;
    h.browser.close_window().await.map_err(|e| e.to_string())?;
    h.browser
        .switch_to_window(checkout)
        .await
        .map_err(|e| e.to_string())?;
    // The checkout saw it by itself: no reload, and on to the return page.
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 20).await?;
    let message = h
        .wait_text(".pe-status-message", 5, |t| !t.is_empty())
        .await?;
    ensure!(
        message == "Payment received. Thank you!",
        "says {message:?}"
    );
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    Ok(())
}

e2e_test!(qris_pays_through_the_scanned_page, qris_pays);

/// The QR code's chunk of the wasm cannot be fetched (the network): the element says
/// so in place of the code, the payment keeps waiting, and the code appears once the
/// shopper asks again with the network back; nothing is lost, nothing charged twice.
async fn qr_chunk_fails_to_load(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.block_urls(&["*split_qr_code*"]).await?;
    indonesian_cart(h).await?;
    pick_qr_code(h).await?;
    pay(h).await?;
    let said = qr_missing_says(h).await?;
    ensure!(
        said.starts_with("The QR code could not be loaded. Check your connection"),
        "says {said:?}"
    );
    ensure!(
        h.browser
            .find_all(Locator::Css("svg.pe-qr-code"))
            .await
            .map_err(|e| e.to_string())?
            .is_empty(),
        "a code is drawn without its chunk"
    );
    h.block_urls(&[]).await?;
    h.press_button("Show the QR code").await?;
    h.find("svg.pe-qr-code[role=img]").await?;
    let payload = h
        .find("[data-qr-payload]")
        .await?
        .attr("data-qr-payload")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(
        payload.contains("/test-mode/qr/pi_"),
        "the code encodes {payload:?}"
    );
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 0, "{stats}");
    Ok(())
}

e2e_test!(
    a_qr_chunk_that_fails_to_load_is_retried,
    qr_chunk_fails_to_load
);

/// A chunk is code the page runs, so the loader checks it by its Subresource Integrity:
/// a QR chunk that is not the one built (here the same module with a section added, as
/// a compromised CDN might serve it; still a valid module) is not run, and the element
/// says the code could not be loaded.
async fn a_changed_chunk_is_not_run(h: &mut Harness) -> Outcome {
    let dist = h.copy_of_dist("tampered")?;
    let chunk = std::fs::read_dir(&dist)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("split_qr_code") && n.ends_with(".wasm"))
        })
        .ok_or("no QR chunk in the release build")?;
    let mut bytes = std::fs::read(&chunk).map_err(|e| e.to_string())?;
    // A custom section named "x" holding "tampered": ignored by the wasm engine.
    bytes.extend_from_slice(&[0x00, 0x0a, 0x01, b'x']);
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&chunk, bytes).map_err(|e| e.to_string())?;
    // The server would otherwise send the built bytes' compressed copies.
    for suffix in ["br", "gz"] {
        let _ = std::fs::remove_file(format!("{}.{suffix}", chunk.display()));
    }
    h.serve_dist(dist.clone()).await;
    h.open("/").await?;
    indonesian_cart(h).await?;
    pick_qr_code(h).await?;
    pay(h).await?;
    let said = qr_missing_says(h).await?;
    ensure!(
        said.starts_with("The QR code could not be loaded."),
        "says {said:?}"
    );
    let _ = std::fs::remove_dir_all(&dist);
    Ok(())
}

e2e_test!(
    a_chunk_that_is_not_the_one_built_is_not_run,
    mut a_changed_chunk_is_not_run
);

async fn qr_expires(h: &Harness) -> Outcome {
    let payload = qr_shown(h).await?;
    let id = payload.rsplit('/').next().unwrap_or_default().to_owned();
    let (status, body) = h
        .http("POST", &format!("/test-mode/qr/{id}/expire"), &[], None)
        .await?;
    ensure!(status < 400, "expire answered {status} {body}");
    let error = h.wait_text(".pe-pay-error", 20, |t| !t.is_empty()).await?;
    ensure!(
        error == "This QR code has expired. Try again for a new one.",
        "says {error:?}"
    );
    // The form is back; a second try shows a new code for the same order.
    h.find("[data-method=qr_code]").await?;
    pay(h).await?;
    h.find("svg.pe-qr-code[role=img]").await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 0, "{stats}");
    Ok(())
}

e2e_test!(an_expired_qr_code_says_so_and_offers_a_new_one, qr_expires);

/// GCash on a phone: the wallet's app link opens (in test mode the simulated GCash app,
/// the next action's `app_url`), not the web page a desktop gets; paying there brings
/// the shopper back to a paid order. On a desktop the same payment opens the web page.
async fn a_phone_opens_the_wallets_app(h: &Harness) -> Outcome {
    h.be_a_phone().await?;
    choose_gcash(h).await?;
    pay(h).await?;
    let opened = h.wait_url("/test-mode/ewallet/").await?;
    ensure!(
        opened.contains("app=1"),
        "a phone opened {opened}, not the app link"
    );
    h.wait_text("h1", 10, |t| t == "GCash app (test mode)")
        .await?;
    h.press_button("Authorize").await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await
}

async fn a_desktop_opens_the_wallets_page(h: &Harness) -> Outcome {
    choose_gcash(h).await?;
    pay(h).await?;
    let opened = h.wait_url("/test-mode/ewallet/").await?;
    ensure!(
        !opened.contains("app=1"),
        "a desktop opened the app link {opened}"
    );
    h.wait_text("h1", 10, |t| t == "GCash test page").await?;
    Ok(())
}

e2e_test!(
    a_phone_pays_gcash_in_the_wallets_app,
    a_phone_opens_the_wallets_app
);
e2e_test!(
    a_desktop_gets_the_wallets_web_page,
    a_desktop_opens_the_wallets_page
);
