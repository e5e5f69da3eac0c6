//! QR code payments in the test-mode processor (issue 14): QRIS in the Indonesian market,
//! QR Ph in the Philippine one. A confirm shows a code (`display_qr_code`) whose data is
//! the simulated banking app's page; Pay and Decline there settle the intent, and a code
//! nobody pays lapses after 15 minutes on the server's clock (`qr_code_expired`), after
//! which the same order's intent takes a new code.

mod common;

use axum::http::{header, Method, StatusCode};
use checkout_server::intents::expire_all_due_qr_codes;
use checkout_server::webhooks::deliver_due;
use checkout_server::Settings;
use common::{Harness, Reply, MERCHANT_KEY, NOW};
use payment_core::money::{Currency, Money};
use serde_json::{json, Value};

fn qr_request(channel: &str) -> Value {
    json!({
        "payment_method_data": {"type": "qr_code", "qr_code": {"channel_code": channel}},
        "return_url": "https://shop.example/complete"
    })
}

/// A new order of `market`'s cart; its id.
async fn order(h: &Harness, market: &str) -> String {
    let reply = h.post("/api/orders", &json!({ "market": market })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_owned()
}

/// Makes a token for `request` and confirms it for `order`.
async fn confirm_for(h: &Harness, order: &str, request: Value) -> Reply {
    let token = h.token_from(request, None).await;
    h.post(
        "/api/create-confirm-intent",
        &json!({ "confirmation_token_id": token["id"], "order": order }),
    )
    .await
}

/// A QR payment of `channel` for a new order of `market`, waiting on its code.
async fn waiting_code(h: &Harness, market: &str, channel: &str) -> (String, Reply) {
    let order = order(h, market).await;
    let reply = confirm_for(h, &order, qr_request(channel)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "requires_action", "{}", reply.text);
    (order, reply)
}

fn id_of(reply: &Reply) -> String {
    reply.body["id"].as_str().unwrap().to_owned()
}

fn qr_page(reply: &Reply) -> String {
    format!("/test-mode/qr/{}", id_of(reply))
}

async fn press(h: &Harness, reply: &Reply, button: &str) -> Reply {
    h.call(
        Method::POST,
        &format!("{}/{button}", qr_page(reply)),
        &[],
        None,
    )
    .await
}

async fn event_count(h: &Harness, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM processor_events WHERE type = ?")
        .bind(kind)
        .fetch_one(h.state.db())
        .await
        .unwrap()
}

/// No redirect, the storefront's strict policy (never framed), the test-mode stylesheet,
/// nothing inline.
fn assert_plain_page(h: &Harness, page: &Reply) {
    assert!(!page.status.is_redirection(), "{}", page.status);
    assert!(page.headers.get(header::LOCATION).is_none());
    assert_eq!(
        page.headers[header::CONTENT_SECURITY_POLICY],
        h.state.storefront_policy()
    );
    assert!(h
        .state
        .storefront_policy()
        .contains("frame-ancestors 'none'"));
    assert!(
        page.text.contains("/test-mode/test-mode.css"),
        "{}",
        page.text
    );
    for inline in ["<script", "style=", "<style"] {
        assert!(!page.text.contains(inline), "{inline}: {}", page.text);
    }
}

#[tokio::test]
async fn qris_in_idr_and_qr_ph_in_php_pay_through_the_scanned_page() {
    // One server (euros by default) sells in every market.
    let h = Harness::new().await;
    for (market, channel, currency) in
        [("id", "QRIS", Currency::IDR), ("ph", "QRPH", Currency::PHP)]
    {
        let order_id = order(&h, market).await;
        let now = h.state.now();
        // The token: previewed by its standard, nothing else stored.
        let token = h.token_from(qr_request(channel), None).await;
        assert_eq!(
            token["payment_method_preview"],
            json!({"type": "qr_code", "qr_code": {"channel_code": channel}})
        );
        let reply = h
            .post(
                "/api/create-confirm-intent",
                &json!({ "confirmation_token_id": token["id"], "order": order_id }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["status"], "requires_action");
        let id = id_of(&reply);
        assert_eq!(
            reply.body["next_action"],
            json!({
                "type": "display_qr_code",
                "display_qr_code": {
                    "data": format!("/test-mode/qr/{id}"),
                    "expires_at": now + 15 * 60,
                }
            }),
            "{channel}"
        );
        assert_eq!(
            reply.body["payment_method_preview"]["qr_code"]["channel_code"],
            channel
        );

        // The widget polls: the code stays while it is pending.
        h.clock.advance(60);
        let polled = h.status_of(&reply.body).await;
        assert_eq!(polled.body["status"], "requires_action");
        assert_eq!(polled.body["next_action"], reply.body["next_action"]);

        // The scan: the amount in the order's currency, Pay and Decline.
        let page = h.get(&qr_page(&reply)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_plain_page(&h, &page);
        let amount = Money::new(reply.body["amount"].as_i64().unwrap(), currency).format("en");
        assert!(page.text.contains(&amount), "{amount}: {}", page.text);
        assert!(page
            .text
            .contains(&format!("action=\"/test-mode/qr/{id}/pay\"")));
        assert!(page
            .text
            .contains(&format!("action=\"/test-mode/qr/{id}/decline\"")));
        assert!(page.text.contains(">Pay<") && page.text.contains(">Decline<"));
        assert!(page.text.contains("14 more minutes"), "{}", page.text);

        let paid = press(&h, &reply, "pay").await;
        assert_eq!(paid.status, StatusCode::OK, "{}", paid.text);
        assert_plain_page(&h, &paid);
        assert!(paid.text.contains("Payment sent. You can close this page."));

        let status = h.status_of(&reply.body).await;
        assert_eq!(status.body["status"], "succeeded");
        assert!(status.body.get("next_action").is_none());
        let charges: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM charges WHERE payment_intent_id = ? AND currency = ?",
        )
        .bind(&id)
        .bind(currency.code())
        .fetch_one(h.state.db())
        .await
        .unwrap();
        assert_eq!(charges, 1);
        let order = h.get(&format!("/api/orders/{order_id}")).await;
        assert_eq!(order.body["status"], "paid", "{}", order.text);
    }
    // The merchant hears of both, as for any other method.
    assert_eq!(event_count(&h, "payment_intent.succeeded").await, 2);
    deliver_due(&h.state).await.unwrap();
    assert_eq!(h.count("SELECT COUNT(*) FROM fulfilments").await, 2);
}

#[tokio::test]
async fn a_second_press_changes_nothing_and_says_so() {
    let h = Harness::new().await;
    let (_, reply) = waiting_code(&h, "id", "QRIS").await;
    assert_eq!(press(&h, &reply, "pay").await.status, StatusCode::OK);
    for button in ["pay", "decline"] {
        let again = press(&h, &reply, button).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{button}");
        assert_plain_page(&h, &again);
        assert!(again.text.contains("already been paid"), "{}", again.text);
    }
    let page = h.get(&qr_page(&reply)).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.text.contains("already been paid"));
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
    assert_eq!(event_count(&h, "payment_intent.succeeded").await, 1);
}

#[tokio::test]
async fn a_declined_code_leaves_the_order_payable_with_a_new_one() {
    let h = Harness::new().await;
    let (order, reply) = waiting_code(&h, "ph", "QRPH").await;
    let declined = press(&h, &reply, "decline").await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.text);
    assert_plain_page(&h, &declined);
    assert!(declined
        .text
        .contains("Payment declined. You can close this page."));

    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "requires_payment_method");
    let error = &status.body["last_payment_error"];
    assert_eq!(error["code"], "payment_intent_authentication_failure");
    assert_eq!(error["type"], "card_error");
    assert_eq!(
        error["message"],
        "The QR code payment was declined in the banking app."
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
    assert_eq!(event_count(&h, "payment_intent.payment_failed").await, 1);

    let again = press(&h, &reply, "pay").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text.contains("already declined"), "{}", again.text);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);

    // The same order's intent takes a new attempt and pays.
    let retry = confirm_for(&h, &order, qr_request("QRPH")).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
    assert_eq!(retry.body["id"], reply.body["id"]);
    assert_eq!(retry.body["status"], "requires_action");
    assert_eq!(press(&h, &retry, "pay").await.status, StatusCode::OK);
    assert_eq!(h.status_of(&retry.body).await.body["status"], "succeeded");
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 1);
}

#[tokio::test]
async fn an_unpaid_code_lapses_on_the_next_read_and_the_intent_takes_a_new_one() {
    let h = Harness::new().await;
    let (order, reply) = waiting_code(&h, "id", "QRIS").await;
    let first_expiry = reply.body["next_action"]["display_qr_code"]["expires_at"]
        .as_i64()
        .unwrap();
    h.clock.advance(15 * 60 - 1);
    assert_eq!(
        h.status_of(&reply.body).await.body["status"],
        "requires_action"
    );
    h.clock.advance(1);
    // Nothing ran in between: the read itself lapses the code.
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["status"], "requires_payment_method");
    assert!(status.body.get("next_action").is_none());
    assert_eq!(status.body["last_payment_error"]["code"], "qr_code_expired");
    assert_eq!(
        status.body["last_payment_error"]["message"],
        "The QR code has expired."
    );
    assert_eq!(event_count(&h, "payment_intent.payment_failed").await, 1);
    // Read again: nothing more happens.
    h.status_of(&reply.body).await;
    assert_eq!(event_count(&h, "payment_intent.payment_failed").await, 1);
    let order_body = h.get(&format!("/api/orders/{order}")).await;
    assert_eq!(order_body.body["status"], "open");

    // The scanned page and a late press say so, and charge nothing.
    let page = h.get(&qr_page(&reply)).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_plain_page(&h, &page);
    assert!(page.text.contains("QR code expired"), "{}", page.text);
    let late = press(&h, &reply, "pay").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.text.contains("expired before it was paid"));
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);

    // The same order's intent confirms again, with a new code.
    h.clock.advance(30);
    let retry = confirm_for(&h, &order, qr_request("QRIS")).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
    assert_eq!(retry.body["id"], reply.body["id"]);
    assert_eq!(retry.body["status"], "requires_action");
    let new_expiry = retry.body["next_action"]["display_qr_code"]["expires_at"]
        .as_i64()
        .unwrap();
    assert_eq!(new_expiry, first_expiry + 30 + 15 * 60);
    assert!(h.status_of(&retry.body).await.body["last_payment_error"].is_null());
    assert_eq!(press(&h, &retry, "pay").await.status, StatusCode::OK);
    assert_eq!(h.status_of(&retry.body).await.body["status"], "succeeded");
}

#[tokio::test]
async fn a_lapsed_code_is_recorded_before_a_new_attempt() {
    // Nobody read the intent after its code lapsed: the next confirm records the lapse
    // (and its event) before the new attempt.
    let h = Harness::new().await;
    let (order, _) = waiting_code(&h, "id", "QRIS").await;
    h.clock.advance(15 * 60);
    let retry = confirm_for(&h, &order, qr_request("QRIS")).await;
    assert_eq!(retry.body["status"], "requires_action", "{}", retry.text);
    assert_eq!(event_count(&h, "payment_intent.payment_failed").await, 1);
    assert_eq!(
        retry.body["next_action"]["display_qr_code"]["expires_at"],
        NOW + 2 * 15 * 60
    );
}

#[tokio::test]
async fn the_background_pass_lapses_codes_nobody_reads() {
    let h = Harness::new().await;
    let (_, qris) = waiting_code(&h, "id", "QRIS").await;
    let (_, qrph) = waiting_code(&h, "ph", "QRPH").await;
    // A 3-D Secure challenge waits for its customer however long it takes.
    let challenge = h.pay("4000000000003220").await;
    assert_eq!(challenge.body["status"], "requires_action");
    h.clock.advance(15 * 60 - 1);
    assert_eq!(expire_all_due_qr_codes(&h.state).await.unwrap(), 0);
    h.clock.advance(1);
    assert_eq!(expire_all_due_qr_codes(&h.state).await.unwrap(), 2);
    assert_eq!(expire_all_due_qr_codes(&h.state).await.unwrap(), 0);
    for reply in [&qris, &qrph] {
        let (status, error): (String, String) =
            sqlx::query_as("SELECT status, last_payment_error FROM payment_intents WHERE id = ?")
                .bind(id_of(reply))
                .fetch_one(h.state.db())
                .await
                .unwrap();
        assert_eq!(status, "requires_payment_method");
        assert!(error.contains("qr_code_expired"), "{error}");
    }
    assert_eq!(event_count(&h, "payment_intent.payment_failed").await, 2);
    assert_eq!(
        h.status_of(&challenge.body).await.body["status"],
        "requires_action"
    );
}

#[tokio::test]
async fn the_expire_endpoint_lapses_a_code_now() {
    let h = Harness::new().await;
    let (_, reply) = waiting_code(&h, "id", "QRIS").await;
    let url = format!("{}/expire", qr_page(&reply));
    let expired = h.call(Method::POST, &url, &[], None).await;
    assert_eq!(expired.status, StatusCode::OK, "{}", expired.text);
    assert_eq!(expired.body["id"], reply.body["id"]);
    assert_eq!(expired.body["status"], "requires_payment_method");
    assert_eq!(
        expired.body["last_payment_error"]["code"],
        "qr_code_expired"
    );
    assert!(expired.body.get("client_secret").is_none());
    let status = h.status_of(&reply.body).await;
    assert_eq!(status.body["last_payment_error"]["code"], "qr_code_expired");

    let again = h.call(Method::POST, &url, &[], None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "payment_intent_unexpected_state");
    let unknown = h
        .call(Method::POST, "/test-mode/qr/pi_unknown/expire", &[], None)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "resource_missing");
    assert_eq!(event_count(&h, "payment_intent.payment_failed").await, 1);
}

#[tokio::test]
async fn qr_codes_pay_only_in_their_own_currency() {
    let h = Harness::new().await;
    for (market, channel, currency) in [
        ("ph", "QRIS", "PHP"),
        ("id", "QRPH", "IDR"),
        ("eu", "QRIS", "EUR"),
    ] {
        let order = order(&h, market).await;
        let token = h.token_from(qr_request(channel), None).await;
        let body = json!({ "confirmation_token_id": token["id"], "order": order });
        let refused = h.post("/api/create-confirm-intent", &body).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{channel} in {market}"
        );
        assert_eq!(refused.code(), "parameter_invalid");
        assert_eq!(refused.body["error"]["param"], "payment_method");
        let message = refused.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(currency), "{message}");
        assert_eq!(
            h.count(&format!(
                "SELECT COUNT(*) FROM payment_intents WHERE order_id = '{order}'"
            ))
            .await,
            0
        );
    }
    // The default cart of a peso server takes QR Ph without a market.
    let php = Harness::with_currency(Currency::PHP).await;
    let token = php.token_from(qr_request("QRPH"), None).await;
    let reply = php.confirm(token["id"].as_str().unwrap(), None).await;
    assert_eq!(reply.body["status"], "requires_action", "{}", reply.text);
}

#[tokio::test]
async fn qr_code_requests_are_checked_like_a_wallets() {
    let h = Harness::new().await;
    let refused = |reply: Reply, code: &str, param: &str| {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        assert_eq!(reply.code(), code, "{}", reply.text);
        assert_eq!(reply.body["error"]["param"], param, "{}", reply.text);
    };
    let uri = "/api/confirmation_tokens";
    refused(
        h.post(uri, &qr_request("PROMPTPAY")).await,
        "parameter_invalid",
        "payment_method_data.qr_code.channel_code",
    );
    let mut missing = qr_request("QRIS");
    missing["payment_method_data"]
        .as_object_mut()
        .unwrap()
        .remove("qr_code");
    refused(
        h.post(uri, &missing).await,
        "parameter_missing",
        "payment_method_data.qr_code",
    );
    let mut mixed = qr_request("QRIS");
    mixed["payment_method_data"]["ewallet"] = json!({"channel_code": "OVO"});
    refused(
        h.post(uri, &mixed).await,
        "parameter_invalid",
        "payment_method_data.ewallet",
    );
    let mut on_a_card = h.card_request("4242424242424242").await;
    on_a_card["payment_method_data"]["qr_code"] = json!({"channel_code": "QRIS"});
    refused(
        h.post(uri, &on_a_card).await,
        "parameter_invalid",
        "payment_method_data.qr_code",
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_methods").await, 0);
}

#[tokio::test]
async fn a_qr_code_cannot_be_saved_for_later() {
    let h = Harness::new().await;
    let (secret, _) = h.session().await;
    let auth = format!("Bearer {secret}");
    let uri = "/api/confirmation_tokens";
    let consent = common::consent();
    let mut with_usage = qr_request("QRIS");
    with_usage["setup_future_usage"] = json!("off_session");
    let mut with_both = with_usage.clone();
    with_both["consent"] = consent.clone();
    let mut with_consent_only = qr_request("QRIS");
    with_consent_only["consent"] = consent;
    for (request, param) in [
        (with_usage, "setup_future_usage"),
        (with_both, "setup_future_usage"),
        (with_consent_only, "consent"),
    ] {
        let reply = h.post_authorized(uri, &request, &auth).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        assert_eq!(reply.code(), "parameter_invalid");
        assert_eq!(reply.body["error"]["param"], param);
        assert!(reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be saved"));
    }
    assert_eq!(h.count("SELECT COUNT(*) FROM payment_methods").await, 0);
    // Without asking to save, a customer's QR payment goes through and keeps nothing.
    let token = h.token_from(qr_request("QRIS"), Some(&secret)).await;
    let order = order(&h, "id").await;
    let reply = h
        .post(
            "/api/create-confirm-intent",
            &json!({ "confirmation_token_id": token["id"], "order": order }),
        )
        .await;
    assert_eq!(press(&h, &reply, "pay").await.status, StatusCode::OK);
    let list = h
        .get_with("/api/customer_sessions/payment_methods", &secret)
        .await;
    assert_eq!(list.body, json!({"data": []}));
    let row: (String, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT type, qr_channel, customer_id, fingerprint FROM payment_methods")
            .fetch_one(h.state.db())
            .await
            .unwrap();
    assert_eq!(row, ("qr_code".into(), Some("QRIS".into()), None, None));
}

#[tokio::test]
async fn the_qr_page_never_redirects() {
    let h = Harness::new().await;
    // Canceled by the merchant while the code was shown: the phone is told, not sent
    // to the checkout's return page.
    let (_, reply) = waiting_code(&h, "id", "QRIS").await;
    let canceled = h
        .post_authorized(
            &format!("/api/payment_intents/{}/cancel", id_of(&reply)),
            &json!({}),
            &format!("Bearer {MERCHANT_KEY}"),
        )
        .await;
    assert_eq!(canceled.body["status"], "canceled", "{}", canceled.text);
    for answer in [
        h.get(&qr_page(&reply)).await,
        press(&h, &reply, "pay").await,
        press(&h, &reply, "decline").await,
    ] {
        assert_eq!(answer.status, StatusCode::CONFLICT);
        assert_plain_page(&h, &answer);
        assert!(answer.text.contains("canceled"), "{}", answer.text);
    }
    // Not a QR payment, or no payment at all: nothing to do here.
    let card = h.pay("4000000000003220").await;
    let not_qr = h.get(&format!("/test-mode/qr/{}", id_of(&card))).await;
    assert_eq!(not_qr.status, StatusCode::NOT_FOUND);
    assert_plain_page(&h, &not_qr);
    let unknown = h
        .call(Method::POST, "/test-mode/qr/pi_unknown/pay", &[], None)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_plain_page(&h, &unknown);
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
}

#[tokio::test]
async fn the_code_names_the_public_url_and_the_page_the_shop() {
    let mut settings = Settings::new(std::env::temp_dir().join("checkout-no-dist"));
    settings.public_url = "https://shop.example".to_owned();
    settings.merchant_name = Some("Toko <Contoh>".to_owned());
    let h = Harness::with_settings(settings).await;
    let (_, reply) = waiting_code(&h, "id", "QRIS").await;
    let data = reply.body["next_action"]["display_qr_code"]["data"]
        .as_str()
        .unwrap();
    assert_eq!(
        data,
        format!("https://shop.example/test-mode/qr/{}", id_of(&reply))
    );
    let page = h.get(&qr_page(&reply)).await;
    assert!(
        page.text
            .contains("to <strong>Toko &lt;Contoh&gt;</strong>"),
        "{}",
        page.text
    );
    // Without a name, the amount alone.
    let plain = Harness::new().await;
    let (_, reply) = waiting_code(&plain, "id", "QRIS").await;
    let page = plain.get(&qr_page(&reply)).await;
    assert!(!page.text.contains(" to <strong>"), "{}", page.text);
}
