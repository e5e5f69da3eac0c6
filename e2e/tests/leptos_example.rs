//! The README's Leptos example (`examples/leptos-checkout`) as a developer runs it:
//! `trunk serve` with the example's own `Trunk.toml`, proxying to the test's
//! checkout-server. A returning customer pays with 4242 and saves the card (straight
//! to `/complete`), then, offered that card on a new order, pays with a new 3220
//! through the 3-D Secure page, so the code the README shows cannot rot.
//!
//! The only changes to the example's `Trunk.toml` are the ports and the output
//! directory (a temporary one).

use e2e::{
    e2e_test, ensure, fill_card_to_save, pay, repository, status_is, Harness, Outcome, TrunkServe,
};

async fn pays_through_the_example(h: &Harness) -> Outcome {
    let dir = repository().join("examples/leptos-checkout");
    let example =
        TrunkServe::start(&dir, "port = 8082", h.server_port(), h.spare_port, false).await?;
    let base = format!("http://127.0.0.1:{}", example.port);
    let open_checkout = || async {
        h.browser
            .goto(&format!("{base}/"))
            .await
            .map_err(|e| format!("opening the example: {e}"))
    };

    let returning_customer = || async {
        h.find(".example-returning")
            .await?
            .click()
            .await
            .map_err(|e| format!("ticking Returning customer: {e}"))
    };

    // 4242 as a returning customer who saves the card: no 3-D Secure, and
    // `redirect: Always` takes the customer to the return route.
    open_checkout().await?;
    returning_customer().await?;
    fill_card_to_save(h, "4242424242424242").await?;
    pay(h).await?;
    let returned = h.wait_url("/complete").await?;
    ensure!(
        returned.starts_with(&format!("{base}/complete")),
        "came back to {returned}"
    );
    status_is(h, "succeeded", 30).await?;

    // 3220 on a new order: the session's saved card is offered (the customer session
    // reached the options), the customer picks a new card instead, goes through the
    // challenge page served by trunk's proxy, and back.
    open_checkout().await?;
    returning_customer().await?;
    h.find("[data-saved-choice^=pm_]").await?;
    h.find("[data-saved-choice=new]")
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing a new payment method: {e}"))?;
    h.fill_card_details("4000000000003220").await?;
    pay(h).await?;
    let challenge = h.wait_url("/test-mode/authenticate/").await?;
    ensure!(
        challenge.starts_with(&base),
        "the challenge page is not served through trunk: {challenge}"
    );
    h.press_button("Complete authentication").await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 30).await?;

    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 2, "{stats}");
    drop(example);
    Ok(())
}

e2e_test!(
    the_leptos_example_saves_a_4242_card_then_pays_a_new_3220_through_3d_secure,
    pays_through_the_example
);
