//! The widget's flows in the browser with a real processor's adapter behind the server
//! (`--processor stripe`, `--processor xendit`), each against a stateful stand-in of
//! the processor's API on 127.0.0.1 that answers with the documented objects and sends
//! the customer through its own page: a declined card then a paid one through Stripe,
//! one order and one payment; a GCash payment through the wallet's page that saves the
//! wallet, then the saved wallet paying the next order without a page.
//!
//! localstripe cannot stand in here: it refuses `return_url` on a PaymentIntent, which
//! every on-session confirm sends. The stand-ins are as small as the flows need.
//!
//! The test-mode audits (`/test-mode/card-data`, the CSP reports) exist only with the
//! test-mode processor: each test switches the server back to it at the end, on the
//! same databases, so `Harness::run` checks what this run stored; the log audit covers
//! every line either way.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use e2e::{click_gcash, e2e_test, ensure, pay, status_is, Harness, Outcome};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a stand-in received: path, `Idempotency-Key`, and the body's fields.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    key: Option<String>,
    fields: Value,
}

#[derive(Default)]
struct Books {
    received: Vec<Received>,
    objects: HashMap<String, Value>,
    numbers: HashMap<String, String>,
}

type Shared = Arc<Mutex<Books>>;

/// A stand-in API on a free loopback port: its base URL and what it received.
struct StandIn {
    base: String,
    books: Shared,
}

impl StandIn {
    async fn start(app: impl FnOnce(Shared, String) -> Router) -> StandIn {
        let books = Shared::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let router = app(books.clone(), base.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        StandIn { base, books }
    }

    fn received(&self) -> Vec<Received> {
        self.books
            .lock()
            .map(|b| b.received.clone())
            .unwrap_or_default()
    }
}

fn record(books: &Shared, path: &str, headers: &HeaderMap, fields: Value) {
    if let Ok(mut books) = books.lock() {
        books.received.push(Received {
            path: path.to_owned(),
            key: headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            fields,
        });
    }
}

fn form(body: &str) -> Value {
    let fields: serde_json::Map<String, Value> = url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    Value::Object(fields)
}

/// Stripe's API as the adapter uses it: PaymentMethods from raw card data,
/// PaymentIntents created and confirmed at once (9995 declined with Stripe's error
/// object, others succeeded), read back by id.
fn stripe(books: Shared, _base: String) -> Router {
    async fn methods(State(books): State<Shared>, headers: HeaderMap, body: String) -> Json<Value> {
        let fields = form(&body);
        let mut b = books.lock().expect("books");
        let id = format!("pm_standin_{}", b.numbers.len() + 1);
        let number = fields["card[number]"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        b.numbers.insert(id.clone(), number);
        drop(b);
        // The number is not kept in what the test reads back.
        record(&books, "/v1/payment_methods", &headers, json!({}));
        Json(json!({"id": id, "object": "payment_method", "type": "card"}))
    }
    async fn intents(State(books): State<Shared>, headers: HeaderMap, body: String) -> Response {
        let fields = form(&body);
        record(&books, "/v1/payment_intents", &headers, fields.clone());
        let mut b = books.lock().expect("books");
        let id = format!("pi_standin_{}", b.objects.len() + 1);
        let method = fields["payment_method"].as_str().unwrap_or_default();
        let declined = b
            .numbers
            .get(method)
            .is_some_and(|n| n == "4000000000009995");
        let status = if declined {
            "requires_payment_method"
        } else {
            "succeeded"
        };
        let intent = json!({
            "id": id, "object": "payment_intent", "status": status,
            "amount": fields["amount"].as_str().and_then(|a| a.parse::<i64>().ok()),
            "currency": fields["currency"],
            "metadata": {"order_id": fields["metadata[order_id]"]},
        });
        b.objects.insert(id, intent.clone());
        if declined {
            let error = json!({"error": {
                "type": "card_error", "code": "card_declined",
                "decline_code": "insufficient_funds",
                "message": "Your card has insufficient funds.",
                "payment_intent": intent,
            }});
            return (StatusCode::PAYMENT_REQUIRED, Json(error)).into_response();
        }
        Json(intent).into_response()
    }
    async fn intent(State(books): State<Shared>, Path(id): Path<String>) -> Response {
        match books.lock().expect("books").objects.get(&id) {
            Some(intent) => Json(intent.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
    Router::new()
        .route("/v1/payment_methods", post(methods))
        .route("/v1/payment_intents", post(intents))
        .route("/v1/payment_intents/{id}", get(intent))
        .with_state(books)
}

/// Xendit's Payments API v3 as the adapter uses it: a wallet payment request waits on
/// the wallet's page (`/authorize/{id}`, which approves at once and returns the customer
/// to `success_return_url`); a `PAY_AND_SAVE` then carries its `payment_token_id`; a
/// `PAY` with a token succeeds without a page.
fn xendit(books: Shared, base: String) -> Router {
    #[derive(Clone)]
    struct Ctx {
        books: Shared,
        base: String,
    }
    async fn create(
        State(ctx): State<Ctx>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> Json<Value> {
        record(&ctx.books, "/v3/payment_requests", &headers, body.clone());
        let mut b = ctx.books.lock().expect("books");
        let id = format!("pr-standin-{}", b.objects.len() + 1);
        let with_token = body.get("payment_token_id").is_some();
        let mut request = json!({
            "payment_request_id": id, "reference_id": body["reference_id"],
            "type": body["type"], "currency": body["currency"],
            "request_amount": body["request_amount"], "channel_code": body["channel_code"],
            "channel_properties": body["channel_properties"],
            "payment_token_id": body["payment_token_id"],
            "status": if with_token { "SUCCEEDED" } else { "REQUIRES_ACTION" },
            "actions": [],
        });
        if !with_token {
            request["actions"] = json!([{
                "type": "REDIRECT_CUSTOMER", "descriptor": "WEB_URL",
                "value": format!("{}/authorize/{id}", ctx.base),
            }]);
        }
        b.objects.insert(id, request.clone());
        Json(request)
    }
    async fn read(State(ctx): State<Ctx>, Path(id): Path<String>) -> Response {
        match ctx.books.lock().expect("books").objects.get(&id) {
            Some(request) => Json(request.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
    async fn authorize(State(ctx): State<Ctx>, Path(id): Path<String>) -> Response {
        let mut b = ctx.books.lock().expect("books");
        let Some(request) = b.objects.get_mut(&id) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        request["status"] = json!("SUCCEEDED");
        request["actions"] = json!([]);
        if request["type"] == "PAY_AND_SAVE" {
            request["payment_token_id"] = json!("pt-standin-gcash");
        }
        let back = request["channel_properties"]["success_return_url"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Redirect::to(&back).into_response()
    }
    Router::new()
        .route("/v3/payment_requests", post(create))
        .route("/v3/payment_requests/{id}", get(read))
        .route("/authorize/{id}", get(authorize))
        .with_state(Ctx { books, base })
}

/// The server again with the test-mode processor, on the same databases, for
/// `Harness::run`'s audits.
async fn back_to_test_mode(h: &mut Harness) {
    h.restart_server_with(&[]).await;
}

async fn stripe_declines_then_pays(h: &mut Harness) -> Outcome {
    let stand_in = StandIn::start(stripe).await;
    let own = format!("http://127.0.0.1:{}", h.server_port());
    h.restart_server_with(&[
        ("CHECKOUT_PROCESSOR", "stripe"),
        ("STRIPE_SECRET_KEY", "sk_test_standin0123456789"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_standin"),
        ("STRIPE_API_BASE", &stand_in.base),
        ("STRIPE_RAW_CARD_DATA", "true"),
        ("CHECKOUT_PUBLIC_URL", &own),
    ])
    .await;
    h.open("/").await?;
    h.fill_card_details("4000000000009995").await?;
    pay(h).await?;
    let error = h.wait_text(".pe-pay-error", 15, |t| !t.is_empty()).await?;
    ensure!(
        error == "Your card has insufficient funds.",
        "says {error:?}"
    );
    // The form keeps what was typed but the CVC: another number and the CVC again.
    h.type_into("Card number", "4242424242424242").await?;
    h.type_into("Security code", "123").await?;
    h.leave_frame().await?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;

    let received = stand_in.received();
    let intents: Vec<&Received> = received
        .iter()
        .filter(|r| r.path == "/v1/payment_intents")
        .collect();
    ensure!(intents.len() == 2, "two PaymentIntents: {received:?}");
    ensure!(
        intents[0].fields["metadata[order_id]"] == intents[1].fields["metadata[order_id]"],
        "both attempts are for one order: {intents:?}"
    );
    ensure!(
        intents
            .iter()
            .all(|r| r.key.as_deref().is_some_and(|k| k.starts_with("att_"))),
        "each under its attempt's key: {intents:?}"
    );
    ensure!(
        received
            .iter()
            .filter(|r| r.path == "/v1/payment_methods")
            .count()
            == 2,
        "each card registered once, from the vault: {received:?}"
    );
    back_to_test_mode(h).await;
    Ok(())
}

e2e_test!(
    with_stripe_a_declined_card_then_another_pays_the_order_once,
    mut stripe_declines_then_pays
);

/// Opens the checkout in pesos (a new order when the last one is paid) as the
/// returning customer.
async fn gcash_as_returning_customer(h: &Harness) -> Outcome {
    h.open("/").await?;
    h.choose("Market", "ph").await?;
    // The last order in pesos is paid: a new one.
    if h.wait_text(".demo-paid-message", 3, |t| !t.is_empty())
        .await
        .is_ok()
    {
        // It reloads the page, back in the default market.
        h.press_button("Start a new order").await?;
        h.wait_text(".pe-pay-label", 15, |t| t.contains('€'))
            .await?;
        h.choose("Market", "ph").await?;
    }
    h.wait_text(".pe-pay-label", 15, |t| t.contains('₱'))
        .await?;
    h.find(".demo-controls:not([hidden]) .demo-returning:not([disabled])")
        .await?
        .click()
        .await
        .map_err(|e| format!("ticking Returning customer: {e}"))?;
    h.wait_text(".pe-pay-label", 15, |t| t.contains('₱'))
        .await?;
    Ok(())
}

async fn xendit_saves_then_pays_with_the_saved_wallet(h: &mut Harness) -> Outcome {
    let stand_in = StandIn::start(xendit).await;
    let own = format!("http://127.0.0.1:{}", h.server_port());
    h.restart_server_with(&[
        ("CHECKOUT_PROCESSOR", "xendit"),
        ("XENDIT_SECRET_KEY", "xnd_development_standin0123456789"),
        ("XENDIT_CALLBACK_TOKEN", "standin-callback-token"),
        ("XENDIT_API_BASE", &stand_in.base),
        ("CHECKOUT_PUBLIC_URL", &own),
    ])
    .await;
    // First order: GCash, saved with the customer's consent, through the wallet's page.
    gcash_as_returning_customer(h).await?;
    click_gcash(h).await?;
    let consent = h.find("[data-field=save_payment_method]").await?;
    consent
        .click()
        .await
        .map_err(|e| format!("ticking the consent: {e}"))?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;

    // Second order: the saved GCash is offered and pays without a page.
    gcash_as_returning_customer(h).await?;
    h.find("[data-saved-choice^=pm_]")
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing the saved GCash: {e}"))?;
    pay(h).await?;
    h.wait_url("/complete").await?;
    status_is(h, "succeeded", 15).await?;

    let received = stand_in.received();
    ensure!(received.len() == 2, "two payment requests: {received:?}");
    ensure!(
        received[0].fields["type"] == "PAY_AND_SAVE"
            && received[0].fields["channel_code"] == "GCASH",
        "the first saves GCash: {:?}",
        received[0]
    );
    ensure!(
        received[1].fields["type"] == "PAY"
            && received[1].fields["payment_token_id"] == "pt-standin-gcash",
        "the second pays with the saved token: {:?}",
        received[1]
    );
    back_to_test_mode(h).await;
    Ok(())
}

e2e_test!(
    with_xendit_gcash_is_saved_then_the_saved_wallet_pays,
    mut xendit_saves_then_pays_with_the_saved_wallet
);
