//! The card frame (issue 13): number, expiry and CVC live in an iframe of the payments
//! origin. The storefront's page pays exactly as before, but no script of that page can
//! read the card, a message from elsewhere changes nothing, the frame shows no fields
//! outside an allowed storefront, it speaks the element's language and wears its theme,
//! two elements on one page never cross, and the keyboard moves through page and frame
//! in document order. (Every e2e test also checks, after its flow, that no card data
//! reached the storefront: `Harness::no_card_data_on_the_storefront`.)

use e2e::{e2e_test, ensure, pay, status_is, Harness, Outcome};
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// What a script of the storefront page could see: every message posted to the window
/// and every message on any `MessagePort` of the page (received or sent), recorded in
/// `window.seen`. Installed before the page's own scripts; not in the frame.
const SPY: &str = r#"
if (window === window.top) {
  window.seen = [];
  const record = (data) => { try { window.seen.push(JSON.stringify(data)); } catch (e) {} };
  addEventListener("message", (e) => record(e.data), true);
  const slot = Object.getOwnPropertyDescriptor(MessagePort.prototype, "onmessage");
  Object.defineProperty(MessagePort.prototype, "onmessage", {
    configurable: true,
    get() { return slot.get.call(this); },
    set(handler) {
      slot.set.call(this, handler && ((e) => { record(e.data); return handler.call(this, e); }));
    },
  });
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (data, ...rest) {
    record(data);
    return post.call(this, data, ...rest);
  };
}
"#;

/// Whether a message holds nothing of the card typed (4242…, 12 / 34, CVC 123): no
/// digits of the number, no expiry, no CVC beside its name.
fn holds_no_card_data(message: &str) -> bool {
    !message.contains("4242")
        && !message.contains("12 / 34")
        && !message.contains("1234")
        && !message.contains("\"cvc\":")
        && !message.contains("\"number\":")
}

async fn run(h: &Harness, script: &str) -> Outcome<Value> {
    h.browser
        .execute(script, vec![])
        .await
        .map_err(|e| format!("running a script in the page: {e}"))
}

async fn run_async(h: &Harness, script: &str) -> Outcome<Value> {
    h.browser
        .execute_async(script, vec![])
        .await
        .map_err(|e| format!("running a script in the page: {e}"))
}

/// Waits until the card frame has reported to its element (its fields are shown).
async fn frame_ready(h: &Harness) -> Outcome {
    h.enter_card_frame().await?;
    h.browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("[data-field=number]"))
        .await
        .map_err(|e| format!("the frame shows no card number field: {e}"))?;
    h.leave_frame().await
}

async fn the_page_reads_nothing(h: &Harness) -> Outcome {
    h.install_script(SPY).await?;
    h.open("/").await?;
    frame_ready(h).await?;
    let frame = h.find("iframe.pe-card-frame").await?;
    let src = frame.attr("src").await.map_err(|e| e.to_string())?;
    ensure!(
        src.as_deref()
            .is_some_and(|s| s.starts_with(&format!("{}/v1/card-frame?key=pk_test_", h.payments))),
        "the frame comes from {src:?}, not the payments origin {}",
        h.payments
    );
    let allow = frame.attr("allow").await.map_err(|e| e.to_string())?;
    ensure!(allow.as_deref() == Some("payment"), "allow={allow:?}");
    // The page has no card input of its own, and cannot look into the frame.
    let reach = run(
        h,
        r#"const frame = document.querySelector("iframe.pe-card-frame");
           let inside = "read";
           try { inside = String(frame.contentWindow.document.body.innerHTML.length); }
           catch (e) { inside = "refused"; }
           return {
             cardInputs: document.querySelectorAll(
               "[autocomplete^=cc-number], [autocomplete=cc-exp], [autocomplete=cc-csc]").length,
             contentDocument: frame.contentDocument === null ? "null" : "readable",
             inside,
           };"#,
    )
    .await?;
    ensure!(
        reach == json!({"cardInputs": 0, "contentDocument": "null", "inside": "refused"}),
        "the page reaches into the card fields: {reach}"
    );
    h.fill_card_details("4242424242424242").await?;
    // The frame's inputs carry the autofill tokens the page's would.
    h.enter_card_frame().await?;
    for (field, token) in [
        ("number", "cc-number"),
        ("expiry", "cc-exp"),
        ("cvc", "cc-csc"),
    ] {
        let input = h
            .browser
            .find(Locator::Css(&format!("[data-field={field}]")))
            .await
            .map_err(|e| e.to_string())?;
        let autocomplete = input
            .attr("autocomplete")
            .await
            .map_err(|e| e.to_string())?;
        ensure!(
            autocomplete.as_deref() == Some(token),
            "{field}: {autocomplete:?}"
        );
    }
    h.leave_frame().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = run(h, "return window.seen;").await?;
    let seen: Vec<String> = serde_json::from_value(seen).map_err(|e| e.to_string())?;
    ensure!(
        seen.iter().any(|m| m.contains("\"change\"")),
        "the spy saw none of the frame's messages: {seen:?}"
    );
    for message in &seen {
        ensure!(
            holds_no_card_data(message),
            "a script of the page saw card data: {message}"
        );
    }
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    Ok(())
}

e2e_test!(
    a_script_of_the_storefront_page_cannot_read_the_card,
    the_page_reads_nothing
);

async fn messages_from_elsewhere(h: &Harness) -> Outcome {
    h.open("/").await?;
    frame_ready(h).await?;
    // A script of the page poses as the frame, then tries to talk to the frame itself
    // with a channel of its own.
    run(
        h,
        r#"window.stolen = [];
           window.postMessage({type: "pe:frame-ready", version: 1}, "*");
           const frame = document.querySelector("iframe.pe-card-frame");
           const channel = new MessageChannel();
           channel.port1.onmessage = (e) => window.stolen.push(JSON.stringify(e.data));
           frame.contentWindow.postMessage({type: "pe:connect", version: 1}, "*", [channel.port2]);
           channel.port1.postMessage({type: "tokenize", id: 1});
           channel.port1.postMessage({type: "show_errors"});
           return true;"#,
    )
    .await?;
    h.fill_card_details("4242424242424242").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stolen = run(h, "return window.stolen;").await?;
    ensure!(
        stolen == json!([]),
        "the frame answered a channel that is not its element's: {stolen}"
    );
    // The element still has its own frame: the payment goes through, once.
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;
    let stats = h.stats().await?;
    ensure!(stats["charges_succeeded"] == 1, "{stats}");
    Ok(())
}

e2e_test!(
    messages_from_other_windows_are_ignored_on_both_sides,
    messages_from_elsewhere
);

/// The number of inputs the document of the current browsing context shows after the
/// widget had time to start.
async fn inputs_after_start(h: &Harness) -> Outcome<u64> {
    tokio::time::sleep(Duration::from_secs(3)).await;
    let count = h
        .browser
        .execute("return document.querySelectorAll('input').length;", vec![])
        .await
        .map_err(|e| e.to_string())?;
    Ok(count.as_u64().unwrap_or(u64::MAX))
}

async fn outside_its_storefronts(h: &Harness) -> Outcome {
    let (status, config) = h.http("GET", "/api/config", &[], None).await?;
    ensure!(status == 200, "config answered {status}");
    let key = config["publishableKey"]
        .as_str()
        .ok_or("no publishable key")?;
    let frame = format!("{}/v1/card-frame?key={key}&fields=card", h.payments);
    // Opened on its own, not inside a storefront page: no fields.
    h.browser.goto(&frame).await.map_err(|e| e.to_string())?;
    let alone = inputs_after_start(h).await?;
    ensure!(alone == 0, "the frame shows {alone} inputs on its own");
    // Embedded by a page of an origin the payments origin does not allow (an opaque
    // data: page): the browser refuses to render it (frame-ancestors), and were it
    // rendered, the frame itself would refuse.
    let page = format!("data:text/html,<iframe src=\"{frame}\"></iframe>");
    h.browser.goto(&page).await.map_err(|e| e.to_string())?;
    let iframe = h
        .browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("iframe"))
        .await
        .map_err(|e| e.to_string())?;
    iframe.enter_frame().await.map_err(|e| e.to_string())?;
    let embedded = inputs_after_start(h).await?;
    h.browser
        .enter_parent_frame()
        .await
        .map_err(|e| e.to_string())?;
    ensure!(
        embedded == 0,
        "a foreign page's frame shows {embedded} inputs"
    );
    Ok(())
}

// The browser reports the refused frame-ancestors as a CSP violation of the frame:
// expected here.
async fn outside_its_storefronts_expecting_reports(h: &mut Harness) -> Outcome {
    h.expect_csp_reports = true;
    outside_its_storefronts(h).await
}

e2e_test!(
    the_frame_shows_no_fields_outside_an_allowed_storefront,
    mut outside_its_storefronts_expecting_reports
);

async fn look_and_language(h: &Harness) -> Outcome {
    h.open("/").await?;
    frame_ready(h).await?;
    h.choose("Locale", "de").await?;
    h.choose("Theme", "night").await?;
    // The page's own field of the same kind, to compare the frame's with.
    let page_color = run(
        h,
        r#"const input = document.querySelector(".pe-root [data-field=postal_code]");
           return input ? getComputedStyle(input).backgroundColor : null;"#,
    )
    .await?;
    h.enter_card_frame().await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let frame = h
            .browser
            .execute(
                r#"const root = document.querySelector(".pe-root");
                   const input = document.querySelector("[data-field=number]");
                   const label = document.querySelector("label");
                   return {theme: root && root.dataset.theme,
                           lang: root && root.lang,
                           label: label && label.textContent,
                           background: input && getComputedStyle(input).backgroundColor};"#,
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        let done = frame["theme"] == "night"
            && frame["lang"] == "de"
            && frame["label"] == "Kartennummer"
            && (page_color.is_null() || frame["background"] == page_color);
        if done {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the frame did not follow the element: {frame}, the page's input {page_color}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    h.leave_frame().await
}

e2e_test!(
    the_elements_language_and_theme_reach_the_frame,
    look_and_language
);

async fn two_elements(h: &Harness) -> Outcome {
    h.open("/").await?;
    frame_ready(h).await?;
    // A second element on the same page, of the same publishable key.
    let made = run_async(
        h,
        r##"const done = arguments[arguments.length - 1];
           (async () => {
             const api = await globalThis.paymentElementReady;
             const config = await (await fetch("/api/config")).json();
             window.secondCheckout = api.Checkout({apiBase: "/api",
               publishableKey: config.publishableKey, paymentsOrigin: config.paymentsOrigin});
             window.second = window.secondCheckout.elements(
               {mode: "payment", amount: 1000, currency: "eur", locale: "en"});
             const element = window.second.create("payment", {});
             const host = document.createElement("div");
             host.id = "second-element";
             document.querySelector("main").append(host);
             element.on("ready", () => done(true));
             element.mount("#second-element");
           })().catch((e) => done(String(e)));"##,
    )
    .await?;
    ensure!(made == json!(true), "the second element: {made}");
    let frames = h
        .browser
        .find_all(Locator::Css("iframe.pe-card-frame"))
        .await
        .map_err(|e| e.to_string())?;
    ensure!(frames.len() == 2, "{} card frames", frames.len());
    // A card typed into the first frame only.
    h.fill_card_details("4242424242424242").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let submit_second = r#"const done = arguments[arguments.length - 1];
        window.second.submit().then((r) => done(r.error ? r.error.field || r.error.code : "ok"));"#;
    let second = run_async(h, submit_second).await?;
    ensure!(
        second == json!("number"),
        "the second element took the first frame's card: {second}"
    );
    // Its own card, typed into its own frame, is the one it pays with.
    let second_frame = h
        .browser
        .find_all(Locator::Css("iframe.pe-card-frame"))
        .await
        .map_err(|e| e.to_string())?
        .remove(1);
    second_frame
        .enter_frame()
        .await
        .map_err(|e| e.to_string())?;
    for (field, text) in [
        ("number", "5555555555554444"),
        ("expiry", "1234"),
        ("cvc", "321"),
    ] {
        h.browser
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&format!("[data-field={field}]")))
            .await
            .map_err(|e| e.to_string())?
            .send_keys(text)
            .await
            .map_err(|e| e.to_string())?;
    }
    h.browser
        .enter_parent_frame()
        .await
        .map_err(|e| e.to_string())?;
    if let Ok(postal) = h
        .browser
        .find(Locator::Css("#second-element [data-field=postal_code]"))
        .await
    {
        postal.send_keys("94103").await.map_err(|e| e.to_string())?;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paid = run_async(
        h,
        r#"const done = arguments[arguments.length - 1];
           window.secondCheckout.confirm({elements: window.second, params:
               {return_url: location.origin + "/complete"}})
             .then((r) => done(r.error ? "error " + r.error.code
               : r.paymentIntent.status + " " + r.paymentIntent.payment_method_preview.card.last4));"#,
    )
    .await?;
    ensure!(
        paid == json!("succeeded 4444"),
        "the second element paid {paid}, not its own 5555 card"
    );
    Ok(())
}

e2e_test!(two_elements_on_one_page_stay_separate, two_elements);

/// Presses Tab (or Shift+Tab) on whatever has focus, inside the frame or not.
async fn press_tab(h: &Harness, backwards: bool) -> Outcome {
    if h.focused_field().await?.starts_with("frame:") {
        h.enter_card_frame().await?;
    }
    h.tab_from_focus(backwards).await?;
    h.leave_frame().await?;
    tokio::time::sleep(Duration::from_millis(150)).await;
    Ok(())
}

async fn keyboard(h: &Harness) -> Outcome {
    h.open("/").await?;
    frame_ready(h).await?;
    run(
        h,
        r#"document.querySelector("[role=radio][data-method=card]").focus(); return true;"#,
    )
    .await?;
    ensure!(
        h.focused_field().await? == "card",
        "focus starts on the card method"
    );
    let mut path = Vec::new();
    for _ in 0..4 {
        press_tab(h, false).await?;
        path.push(h.focused_field().await?);
    }
    ensure!(
        path == ["frame:number", "frame:expiry", "frame:cvc", "country"],
        "Tab went {path:?}"
    );
    let mut back = Vec::new();
    for _ in 0..4 {
        press_tab(h, true).await?;
        back.push(h.focused_field().await?);
    }
    ensure!(
        back == ["frame:cvc", "frame:expiry", "frame:number", "card"],
        "Shift+Tab went {back:?}"
    );
    Ok(())
}

e2e_test!(
    tab_and_shift_tab_move_through_page_and_frame_in_order,
    keyboard
);

/// The frame's size against its content, and whether it scrolls inside.
async fn frame_fits(h: &Harness) -> Outcome<(f64, f64)> {
    let outer = run(
        h,
        r#"return document.querySelector("iframe.pe-card-frame").getBoundingClientRect().height;"#,
    )
    .await?
    .as_f64()
    .unwrap_or_default();
    h.enter_card_frame().await?;
    let inner = h
        .browser
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .map_err(|e| e.to_string())?
        .as_f64()
        .unwrap_or_default();
    h.leave_frame().await?;
    Ok((outer, inner))
}

async fn sizes_submits_and_keeps(h: &Harness) -> Outcome {
    h.open("/").await?;
    frame_ready(h).await?;
    // Pay with nothing typed: every error shows inside the frame, which grows to fit
    // them instead of scrolling.
    let (before, _) = frame_fits(h).await?;
    pay(h).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (outer, inner) = frame_fits(h).await?;
        if outer > before && (outer - inner).abs() <= 1.0 {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the frame is {outer}px for {inner}px of content (was {before}px)"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let focused = h.focused_field().await?;
    ensure!(focused == "frame:number", "focus went to {focused:?}");
    // Typed, then another method and back: the card is still there.
    h.fill_card_details("4000000000003220").await?;
    h.find("[role=radio][data-method=sepa_debit]")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    h.find("[role=radio][data-method=card]")
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    let number = h.input_labelled("Card number").await?;
    let kept = e2e::property(&number, "value").await?;
    ensure!(kept == "4000 0000 0000 3220", "the number reads {kept:?}");
    // Enter in the frame's CVC pays, as Enter in a field of the page does.
    let cvc = h.input_labelled("Security code").await?;
    cvc.send_keys(&char::from(Key::Enter).to_string())
        .await
        .map_err(|e| format!("pressing Enter: {e}"))?;
    h.leave_frame().await?;
    h.find("dialog.pe-challenge[open]").await?;
    Ok(())
}

e2e_test!(
    the_frame_fits_its_errors_keeps_the_card_across_methods_and_submits_on_enter,
    sizes_submits_and_keeps
);
