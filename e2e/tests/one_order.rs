//! One order, one payment, in the demo against the real server: Back after paying, a
//! second tab, an answer lost after the charge committed and a 500 after the charge
//! each end with one charge, and the checkout shows a paid order as paid.

use e2e::{
    e2e_test, ensure, full_page_redirects, is_disabled, pay, pay_until_succeeded, pay_with_gcash,
    status_is, Harness, Outcome,
};
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// The checkout says its order is paid, and offers no form to pay it again.
async fn shows_the_order_paid(h: &Harness) -> Outcome {
    let message = h
        .wait_text(".demo-paid:not([hidden]) .demo-paid-message", 15, |t| {
            !t.is_empty()
        })
        .await?;
    ensure!(
        message == "This order is paid.",
        "the checkout says {message:?}"
    );
    let form_shown = h
        .browser
        .find(Locator::Css("#payment-form:not([hidden])"))
        .await
        .is_ok();
    ensure!(!form_shown, "the payment form is offered for a paid order");
    // Its link leads to the payment's status.
    let link = h.find(".demo-paid-link").await?;
    let href = link
        .attr("href")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    ensure!(
        href.contains("/complete?") && href.contains("payment_intent=pi_"),
        "the link goes to {href:?}"
    );
    Ok(())
}

async fn charged_once(h: &Harness) -> Outcome {
    let stats = h.stats().await?;
    ensure!(
        stats["charges"] == 1 && stats["charges_succeeded"] == 1,
        "one order made {stats}"
    );
    Ok(())
}

async fn back(h: &Harness) -> Outcome {
    h.browser
        .back()
        .await
        .map_err(|e| format!("going back: {e}"))
}

// Regression: after 3-D Secure and "Payment received", Back twice showed the checkout
// with Pay enabled, and paying again charged the cart a second time.
async fn back_twice_after_3ds(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4000000000003220").await?;
    full_page_redirects(h).await?;
    pay(h).await?;
    h.wait_url("/test-mode/authenticate/").await?;
    h.press_button("Complete authentication").await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    back(h).await?;
    back(h).await?;
    shows_the_order_paid(h).await?;
    // And after a reload, as for a shopper who opens the checkout again.
    h.browser.refresh().await.map_err(|e| e.to_string())?;
    shows_the_order_paid(h).await?;
    charged_once(h).await
}

e2e_test!(
    back_twice_after_3d_secure_shows_the_order_paid_and_charges_once,
    back_twice_after_3ds
);

async fn back_twice_after_a_wallet(h: &Harness) -> Outcome {
    pay_with_gcash(h, "Authorize", "succeeded").await?;
    back(h).await?;
    back(h).await?;
    // The page shows the market it was left on, with its paid order.
    shows_the_order_paid(h).await?;
    charged_once(h).await
}

e2e_test!(
    back_twice_after_a_wallet_shows_the_order_paid_and_charges_once,
    back_twice_after_a_wallet
);

async fn two_tabs(h: &Harness) -> Outcome {
    // Tab one: the card typed, not paid yet.
    h.open("/").await?;
    h.fill_card_details("4242424242424242").await?;
    let first = h
        .browser
        .window()
        .await
        .map_err(|e| format!("the first tab: {e}"))?;
    // Tab two, same browser: the same order, paid there.
    let second = h
        .browser
        .new_window(true)
        .await
        .map_err(|e| format!("opening a second tab: {e}"))?;
    h.browser
        .switch_to_window(second.handle)
        .await
        .map_err(|e| format!("switching tabs: {e}"))?;
    h.open("/").await?;
    h.fill_card_details("5555555555554444").await?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    // Back in tab one, Pay: the server refuses a second charge and the widget shows
    // the order's payment.
    h.browser
        .switch_to_window(first)
        .await
        .map_err(|e| format!("switching back: {e}"))?;
    let stats = pay_until_succeeded(h).await?;
    ensure!(
        stats["charges"] == 1 && stats["charges_succeeded"] == 1,
        "two tabs, one order: {stats}"
    );
    Ok(())
}

e2e_test!(two_tabs_paying_one_order_charge_it_once, two_tabs);

async fn arm(h: &Harness, fault: &str) -> Outcome {
    let (status, body) = h
        .http(
            "POST",
            "/test-mode/faults",
            &[],
            Some(&serde_json::json!({ "fault": fault })),
        )
        .await?;
    ensure!(status == 204, "arming {fault}: {status} {body}");
    Ok(())
}

/// Waits until the server has charged `n` times.
async fn until_charged(h: &Harness, n: u64) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let stats = h.stats().await?;
        if stats["charges_succeeded"] == n {
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "not charged: {stats}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn lost_answer_after_commit(h: &mut Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4242424242424242").await?;
    arm(h, "hang_after_commit").await?;
    pay(h).await?;
    // The charge committed; its answer is held back, then the server goes down with
    // the connection (and the client's own resends find no server).
    until_charged(h, 1).await?;
    h.stop_server().await;
    let error = h.wait_text(".pe-pay-error", 20, |t| !t.is_empty()).await?;
    ensure!(
        error.starts_with("We could not reach the payment server"),
        "says {error:?}"
    );
    // The confirm may have gone through: the order stays as it is until it is settled.
    ensure!(
        is_disabled(h, "select[name=market]").await?,
        "the market can be switched while the last payment is unanswered"
    );
    // Back up: the next Pay sends the same confirm again, and the server replays the
    // charge's answer.
    h.restart_server().await;
    let stats = pay_until_succeeded(h).await?;
    ensure!(
        stats["confirmation_tokens"] == 1 && stats["charges_succeeded"] == 1,
        "a lost answer made {stats}"
    );
    Ok(())
}

e2e_test!(
    an_answer_lost_after_the_charge_is_settled_by_the_next_pay_with_one_charge,
    mut lost_answer_after_commit
);

async fn error_after_charge(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.fill_card_details("4242424242424242").await?;
    arm(h, "final_write_fails").await?;
    pay(h).await?;
    let error = h.wait_text(".pe-pay-error", 20, |t| !t.is_empty()).await?;
    ensure!(
        error == "Something went wrong on our side. Please try again.",
        "says {error:?}"
    );
    until_charged(h, 1).await?;
    let stats = pay_until_succeeded(h).await?;
    ensure!(
        stats["confirmation_tokens"] == 1 && stats["charges_succeeded"] == 1,
        "a 500 after the charge made {stats}"
    );
    Ok(())
}

e2e_test!(
    a_500_after_the_charge_is_settled_by_the_next_pay_with_one_charge,
    error_after_charge
);
