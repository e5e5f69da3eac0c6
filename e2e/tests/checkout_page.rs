//! The demo checkout page as a shopper meets it: served by the real server under the
//! strict CSP, the widget boots without inline script and formats what they type.

use e2e::{e2e_test, ensure, property, Harness, Outcome};

async fn typing_a_card_number(h: &Harness) -> Outcome {
    h.open("/").await?;
    let number = h.input_labelled("Card number").await?;
    number
        .send_keys("4242424242424242")
        .await
        .map_err(|e| format!("typing: {e}"))?;
    let shown = property(&number, "value").await?;
    ensure!(shown == "4242 4242 4242 4242", "the field shows {shown:?}");
    // The brand shows in the card frame, beside the number.
    let brand = h
        .browser
        .find(fantoccini::Locator::Css("[data-brand]"))
        .await
        .map_err(|e| format!("no brand beside the number: {e}"))?;
    let brand = brand.attr("data-brand").await.map_err(|e| e.to_string())?;
    ensure!(brand.as_deref() == Some("visa"), "brand shown is {brand:?}");
    Ok(())
}

e2e_test!(
    the_widget_boots_under_the_strict_csp_and_formats_typing,
    typing_a_card_number
);

async fn the_order_and_labels_follow_market_and_locale(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.choose("Locale", "en").await?;
    // The order is the server's cart (GET /api/cart), not an amount of the page's.
    let total = h.wait_text(".demo-total", 15, |t| !t.is_empty()).await?;
    ensure!(total == "Total\n€108.00", "the total reads {total:?}");
    let pay = h.wait_text(".pe-pay-label", 5, |t| !t.is_empty()).await?;
    ensure!(pay == "Pay €108.00", "Pay reads {pay:?}");

    h.choose("Locale", "de").await?;
    for label in ["Kartennummer", "Ablaufdatum", "Sicherheitscode"] {
        h.input_labelled(label).await?;
    }
    let pay = h
        .wait_text(".pe-pay-label", 5, |t| t.ends_with("bezahlen"))
        .await?;
    // WebDriver reads the no-break space before "€" as a space.
    ensure!(
        pay.replace('\u{a0}', " ") == "108,00 € bezahlen",
        "Pay reads {pay:?}"
    );
    let total = h.wait_text(".demo-total", 5, |t| t.contains(',')).await?;
    ensure!(
        total.replace('\u{a0}', " ") == "Total\n108,00 €",
        "the total reads {total:?}"
    );

    h.choose("Locale", "id").await?;
    for label in ["Nomor kartu", "Tanggal kedaluwarsa", "Kode keamanan"] {
        h.input_labelled(label).await?;
    }
    h.choose("Market", "id").await?;
    let pay = h
        .wait_text(".pe-pay-label", 15, |t| t.contains("Rp"))
        .await?;
    // Rupiah with the two decimals Stripe (and the server) count.
    ensure!(
        pay.replace('\u{a0}', " ") == "Bayar Rp 1.400.000,00",
        "Pay reads {pay:?}"
    );
    // Rupiah offer the Indonesian e-wallets, named in Indonesian.
    h.find("[data-method=ewallet]")
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing the e-wallet: {e}"))?;
    let legend = h
        .wait_text(".pe-ewallets legend", 5, |t| !t.is_empty())
        .await?;
    ensure!(
        legend == "Pilih e-wallet Anda",
        "the legend reads {legend:?}"
    );
    for channel in ["OVO", "DANA", "SHOPEEPAY"] {
        h.find(&format!("[data-channel={channel}]")).await?;
    }
    Ok(())
}

e2e_test!(
    the_order_and_labels_follow_the_market_and_the_locale,
    the_order_and_labels_follow_market_and_locale
);

async fn a_violation_is_reported(h: &mut Harness) -> Outcome {
    h.open("/").await?;
    h.input_labelled("Card number").await?;
    h.leave_frame().await?;
    ensure!(
        h.csp_reports().await?["count"] == 0,
        "the page reported violations before the test broke the CSP"
    );
    // What a careless change would do: an inline style attribute, which the strict CSP
    // refuses. The suite's "no reports" check must see it.
    h.browser
        .execute(
            "document.querySelector('main').setAttribute('style', 'color: red')",
            vec![],
        )
        .await
        .map_err(|e| format!("setting a style attribute: {e}"))?;
    h.expect_csp_reports = true;
    // The report travels page → fetch → server; on a busy machine that can take longer
    // than the half second the end-of-test check gives it.
    for _ in 0..100 {
        if h.csp_reports().await?["count"] != 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let failure = h.no_csp_reports().await.err().unwrap_or_default();
    ensure!(
        failure.contains("style-src"),
        "the violation was not reported: {failure:?}"
    );
    Ok(())
}

e2e_test!(
    a_csp_violation_on_the_page_is_reported_to_the_suite,
    mut a_violation_is_reported
);
