//! The test-mode 3-D Secure and wallet pages inside the widget's modal (issue 14): only
//! they may be framed by the storefront; with `embedded=1` their buttons answer a page
//! (200, no redirect) whose script tells the framing page the challenge is over, and the
//! challenge page itself says when it has loaded. Without `embedded=1` nothing changes:
//! the buttons answer a 303 to the `return_url`.

mod common;

use axum::http::{header, Method, StatusCode};
use common::{Harness, Reply, MERCHANT_KEY, STOREFRONT};
use payment_core::money::Currency;
use serde_json::json;

const READY: &str = "<script src=\"/test-mode/challenge-ready.js\" defer></script>";
const DONE: &str = "<script src=\"/test-mode/challenge-done.js\" defer></script>";

fn policy(reply: &Reply) -> &str {
    reply.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
}

/// Every script is a file of this origin (no inline code), there is at most one, and
/// nothing is styled inline.
fn assert_no_inline_code(page: &Reply) {
    let scripts = page.text.matches("<script").count();
    assert!(scripts <= 1, "{}", page.text);
    if scripts == 1 {
        assert!(
            page.text.contains(READY) || page.text.contains(DONE),
            "{}",
            page.text
        );
    }
    assert!(!page.text.contains("style="), "{}", page.text);
    assert!(!page.text.contains("<style"), "{}", page.text);
}

fn challenge_url(reply: &Reply) -> String {
    reply.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn post(h: &Harness, url: &str) -> Reply {
    h.call(Method::POST, url, &[], None).await
}

#[tokio::test]
async fn only_the_challenge_and_wallet_pages_may_be_framed_by_the_storefront() {
    let h = Harness::new().await;
    let framed_by = format!("frame-ancestors 'self' {STOREFRONT}");
    let expected = h
        .state
        .storefront_policy()
        .replace("frame-ancestors 'none'", &framed_by);
    assert_eq!(h.state.action_page_policy(), expected);

    let challenge = h.pay("4000000000003220").await;
    let url = challenge_url(&challenge);
    for page in [
        h.get(&url).await,
        h.get(&format!("{url}?embedded=1")).await,
        post(&h, &format!("{url}/fail?embedded=1")).await,
        // Not waiting any more: still the page's own policy.
        h.get(&url).await,
    ] {
        assert_eq!(policy(&page), expected, "{}", page.text);
    }
    let php = Harness::with_currency(Currency::PHP).await;
    let token = php
        .token_from(
            json!({"payment_method_data": {"type": "ewallet", "ewallet": {"channel_code": "GCASH"}}}),
            None,
        )
        .await;
    let wallet = php.confirm(token["id"].as_str().unwrap(), None).await;
    let wallet_page = php.get(&challenge_url(&wallet)).await;
    assert_eq!(wallet_page.status, StatusCode::OK);
    assert_eq!(policy(&wallet_page), php.state.action_page_policy());

    // Everything else on the storefront is never framed, the QR page included.
    for path in [
        "/",
        "/complete",
        "/api/cart",
        "/test-mode/stats",
        "/test-mode/test-mode.css",
        "/test-mode/qr/pi_unknown",
        "/test-mode/authenticate-other",
    ] {
        let reply = h.get(path).await;
        assert_eq!(policy(&reply), h.state.storefront_policy(), "{path}");
        assert!(policy(&reply).contains("frame-ancestors 'none'"), "{path}");
    }
}

#[tokio::test]
async fn an_embedded_challenge_completes_with_a_page_not_a_redirect() {
    let h = Harness::new().await;
    let reply = h.pay("4000000000003220").await;
    let url = challenge_url(&reply);

    let page = h.get(&format!("{url}?embedded=1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_no_inline_code(&page);
    assert!(page.text.contains(READY), "{}", page.text);
    // The forms carry embedded=1 along.
    assert!(page
        .text
        .contains(&format!("action=\"{url}/complete?embedded=1\"")));
    assert!(page
        .text
        .contains(&format!("action=\"{url}/fail?embedded=1\"")));

    let done = post(&h, &format!("{url}/complete?embedded=1")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.headers.get(header::LOCATION).is_none());
    assert!(
        done.text.contains("Authentication complete"),
        "{}",
        done.text
    );
    assert!(done.text.contains(DONE), "{}", done.text);
    assert_no_inline_code(&done);
    // The page says nothing of the client secret or the return page.
    assert!(!done.text.contains("secret") && !done.text.contains("shop.example"));
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);

    // A second press changes nothing, says so, and still tells the widget to look.
    let again = post(&h, &format!("{url}/fail?embedded=1")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(
        again.text.contains("Nothing more to do here"),
        "{}",
        again.text
    );
    assert!(again.text.contains(DONE));
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    // So does opening the framed page of a settled challenge.
    let settled = h.get(&format!("{url}?embedded=1")).await;
    assert_eq!(settled.status, StatusCode::NOT_FOUND);
    assert!(settled.text.contains(DONE));
}

#[tokio::test]
async fn an_embedded_challenge_fails_with_a_page_not_a_redirect() {
    let h = Harness::new().await;
    let reply = h.pay("4000000000003220").await;
    let url = challenge_url(&reply);
    let failed = post(&h, &format!("{url}/fail?embedded=1")).await;
    assert_eq!(failed.status, StatusCode::OK, "{}", failed.text);
    assert!(failed.headers.get(header::LOCATION).is_none());
    assert!(
        failed.text.contains("Authentication failed"),
        "{}",
        failed.text
    );
    assert!(failed.text.contains(DONE));
    assert_no_inline_code(&failed);
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "requires_payment_method");
    assert_eq!(
        status.body["last_payment_error"]["code"],
        "payment_intent_authentication_failure"
    );
}

#[tokio::test]
async fn without_embedded_the_redirect_flow_is_unchanged() {
    let h = Harness::new().await;
    let reply = h.pay("4000000000003220").await;
    let url = challenge_url(&reply);
    // Opened framed once, then completed as a page of its own.
    assert_eq!(
        h.get(&format!("{url}?embedded=1")).await.status,
        StatusCode::OK
    );
    let page = h.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("<script"), "{}", page.text);
    assert!(!page.text.contains("embedded"), "{}", page.text);
    let done = post(&h, &format!("{url}/complete")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(done.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with("redirect_status=succeeded"));
    // Other query parameters are not embedded=1.
    let other = h.pay("4000000000003220").await;
    let other_url = challenge_url(&other);
    let page = h.get(&format!("{other_url}?embedded=0&x=1")).await;
    assert!(!page.text.contains("<script"));
    let failed = post(&h, &format!("{other_url}/fail?embedded=true")).await;
    assert_eq!(failed.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_canceled_payment_answers_the_frame_without_a_redirect() {
    let h = Harness::new().await;
    let reply = h.pay("4000000000003220").await;
    let url = challenge_url(&reply);
    let canceled = h
        .post_authorized(
            &format!(
                "/api/payment_intents/{}/cancel",
                reply.body["id"].as_str().unwrap()
            ),
            &json!({}),
            &format!("Bearer {MERCHANT_KEY}"),
        )
        .await;
    assert_eq!(canceled.body["status"], "canceled");
    for answer in [
        h.get(&format!("{url}?embedded=1")).await,
        post(&h, &format!("{url}/complete?embedded=1")).await,
    ] {
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.headers.get(header::LOCATION).is_none());
        assert!(answer.text.contains("Payment canceled"), "{}", answer.text);
        assert!(answer.text.contains(DONE));
    }
    // Unframed, the customer still goes back to the return page.
    assert_eq!(h.get(&url).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_embedded_wallet_page_answers_the_frame_too() {
    let h = Harness::with_currency(Currency::PHP).await;
    let token = h
        .token_from(
            json!({"payment_method_data": {"type": "ewallet", "ewallet": {"channel_code": "GCASH"}}}),
            None,
        )
        .await;
    let reply = h.confirm(token["id"].as_str().unwrap(), None).await;
    let url = challenge_url(&reply);
    let page = h.get(&format!("{url}?embedded=1")).await;
    assert!(page.text.contains(READY));
    assert!(page
        .text
        .contains(&format!("action=\"{url}/authorize?embedded=1\"")));
    let done = post(&h, &format!("{url}/authorize?embedded=1")).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.text.contains("Payment authorized"), "{}", done.text);
    assert!(done.text.contains(DONE));
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
}

#[tokio::test]
async fn the_scripts_post_a_message_without_data_to_the_framing_page() {
    let h = Harness::new().await;
    // The ready script also says when Escape is pressed inside the frame,
    // which the dialog around it cannot see.
    for (path, messages) in [
        (
            "/test-mode/challenge-ready.js",
            &["pe:challenge-ready", "pe:challenge-cancel"][..],
        ),
        ("/test-mode/challenge-done.js", &["pe:challenge-done"][..]),
    ] {
        let script = h.get(path).await;
        assert_eq!(script.status, StatusCode::OK, "{path}");
        assert!(script.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript"));
        for message in messages {
            let expected =
                format!("window.parent.postMessage({{ type: \"{message}\", version: 1 }}, \"*\")");
            assert!(script.text.contains(&expected), "{path}: {}", script.text);
        }
        // Every message is one of those above: nothing else, no data, leaves the frame.
        assert_eq!(
            script.text.matches("postMessage(").count(),
            messages.len(),
            "{path}"
        );
        assert!(script.text.contains("window.parent !== window"));
    }
}
