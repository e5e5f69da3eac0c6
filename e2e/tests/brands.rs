//! Brand and method icons and the accepted card brands (issue 17), in the real page and
//! card frame: the server's `--card-brands` reach the card item's header through
//! `/api/config`, the icons load from the payments origin under the storefront's CSP,
//! the frame shows the logo of the brand typed, refuses a brand not accepted with a
//! localized message, and pays with one that is.

use e2e::{e2e_test, ensure, pay, status_is, Harness, Outcome};
use serde_json::Value;

/// The `data-icon` of every icon inside the first element matching `css`, on the page
/// or in the frame the browser is in.
async fn icons(h: &Harness, css: &str) -> Outcome<Vec<String>> {
    let found = h
        .browser
        .execute(
            "const root = document.querySelector(arguments[0]);
             return root ? [...root.querySelectorAll('.pe-icon')].map((i) => i.dataset.icon) : null;",
            vec![Value::from(css)],
        )
        .await
        .map_err(|e| format!("reading the icons of {css}: {e}"))?;
    let Value::Array(list) = found else {
        return Err(format!("nothing matches {css}"));
    };
    Ok(list
        .into_iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect())
}

/// The icon files the page requested, and whether each draws as an image in the page
/// (under its CSP: a blocked or missing file fails to load). The resource timing of a
/// cross-origin file hides its status, so the page loads each one again to tell.
async fn icon_loads(h: &Harness) -> Outcome<Vec<(String, bool)>> {
    let found = h
        .browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const urls = performance.getEntriesByType('resource')
                 .map((e) => e.name).filter((name) => name.includes('/icons/'));
             Promise.all(urls.map((url) => new Promise((resolve) => {
                 const image = new Image();
                 image.onload = () => resolve([url, image.naturalWidth > 0]);
                 image.onerror = () => resolve([url, false]);
                 image.src = url;
             }))).then(done);",
            vec![],
        )
        .await
        .map_err(|e| format!("reading the page's resources: {e}"))?;
    Ok(found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pair| {
            Some((
                pair.get(0)?.as_str()?.to_owned(),
                pair.get(1)?.as_bool().unwrap_or(false),
            ))
        })
        .collect())
}

async fn brands_through_the_frame(h: &mut Harness) -> Outcome {
    h.restart_server_with(&[("CHECKOUT_CARD_BRANDS", "visa,mastercard")])
        .await;
    h.open("/").await?;
    h.find("[data-marks=card] .pe-icon").await?;
    let header = icons(h, "[data-marks=card]").await?;
    ensure!(
        header == ["visa", "mastercard"],
        "the card item shows {header:?}"
    );
    let methods = icons(h, ".pe-accordion-header[data-method=sepa_debit]").await?;
    ensure!(methods == ["sepa_debit"], "SEPA shows {methods:?}");

    // The icons come from the payments origin, each once and found.
    let mut loads = Vec::new();
    for _ in 0..50 {
        loads = icon_loads(h).await?;
        if loads.len() >= 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for name in ["visa.svg", "mastercard.svg", "sepa_debit.svg", "card.svg"] {
        let load = loads.iter().find(|(url, _)| url.ends_with(name));
        ensure!(
            load.is_some_and(|(url, drawn)| url.starts_with(&h.payments) && *drawn),
            "{name} was not loaded from {}: {loads:?}",
            h.payments
        );
    }
    // The brands not on screen are not fetched.
    ensure!(
        !loads.iter().any(|(url, _)| url.ends_with("hipercard.svg")),
        "an icon not shown was fetched: {loads:?}"
    );

    // American Express is not accepted: its logo shows, with the reason.
    h.type_into("Card number", "3782 822463 10005").await?;
    h.enter_card_frame().await?;
    let typed = icons(h, ".pe-brand").await?;
    ensure!(typed == ["amex"], "the number field shows {typed:?}");
    let message = "This card brand is not accepted.";
    let mut shown = Value::Null;
    for _ in 0..50 {
        shown = h
            .browser
            .execute(
                "const field = document.querySelector('[data-field=number]');
                 const error = document.getElementById(field.getAttribute('aria-describedby'));
                 return [error && error.textContent, field.getAttribute('aria-invalid')];",
                vec![],
            )
            .await
            .map_err(|e| format!("reading the number's error: {e}"))?;
        if shown[0] == message {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure!(
        shown[0] == message && shown[1] == "true",
        "the number's error and aria-invalid read {shown}"
    );
    h.leave_frame().await?;

    // A Visa pays.
    h.fill_card_details("4242 4242 4242 4242").await?;
    pay(h).await?;
    status_is(h, "succeeded", 20).await
}

e2e_test!(
    accepted_brands_show_and_others_are_refused,
    mut brands_through_the_frame
);
