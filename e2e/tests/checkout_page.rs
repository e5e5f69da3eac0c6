//! The demo checkout page as a shopper meets it: served by the real server under the
//! strict CSP, the widget boots without inline script and formats what they type.

use e2e::{ensure, property, Harness, Outcome};

async fn typing_a_card_number(h: &Harness) -> Outcome {
    h.open("/").await?;
    let number = h.input_labelled("Card number").await?;
    number
        .send_keys("4242424242424242")
        .await
        .map_err(|e| format!("typing: {e}"))?;
    let shown = property(&number, "value").await?;
    ensure!(shown == "4242 4242 4242 4242", "the field shows {shown:?}");
    let brand = h.find("[data-brand]").await?;
    let brand = brand.attr("data-brand").await.map_err(|e| e.to_string())?;
    ensure!(brand.as_deref() == Some("visa"), "brand shown is {brand:?}");
    Ok(())
}

#[tokio::test]
async fn the_widget_boots_under_the_strict_csp_and_formats_typing() {
    Harness::run("boots_and_formats", |h| async move {
        let outcome = typing_a_card_number(&h).await;
        (h, outcome)
    })
    .await;
}
