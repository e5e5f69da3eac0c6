//! The Stripe adapter (`processors::stripe`: its request builders, its client, its
//! mappings, and `StripeProcessor` as the server drives it) against localstripe
//! 1.15.10 (PyPI), a stateful fake of Stripe's API that nobody here wrote: the requests
//! the adapter builds and sends are accepted, what comes back parses and maps onto our
//! outcomes, a card registered from raw card data is charged on a Stripe customer the
//! adapter made, and the webhooks localstripe signs pass our `Stripe-Signature` check.
//!
//! `cargo xtask setup` installs localstripe into a virtual environment; the
//! `processors` layer of `cargo xtask test` runs these tests with `--ignored` and the
//! environment's Python in `LOCALSTRIPE_PYTHON`. Each test starts its own localstripe on
//! 127.0.0.1 (a free port, nothing kept on disk) and stops it when done.
//!
//! What localstripe lacks, and so is tested against the mock of Stripe's documented
//! objects instead (tests/stripe_adapter.rs): `return_url` and `setup_future_usage` on
//! a PaymentIntent ("Unexpected return_url"), so every on-session confirm and saving a
//! card while paying; `redirect_to_url` (it answers 3-D Secure with `use_stripe_sdk`);
//! Idempotency-Key replays; ConfirmationTokens and CustomerSessions. Its declines come
//! back with `type: invalid_request_error` where Stripe says `card_error`.

use checkout_server::processor::{
    Attempt, Behaviour, CardForProcessor, Charge, Final, Outcome, Processor,
};
use checkout_server::processors::stripe::{
    construct_event, create_and_confirm, encode_form, intent_outcome, map_error, retrieve_intent,
    CreateAndConfirm, EventKind, IntentOutcome, PaymentMethodType, Response, SecretKey, Session,
    StripeClient, StripeProcessor, StripeRequest, WebhookSecret,
};
use payment_core::api::PaymentIntentStatus;
use payment_core::error::ErrorCode;
use payment_core::money::{Currency, MinorUnit, Money};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A localstripe process on 127.0.0.1, killed on drop.
struct LocalStripe {
    child: Child,
    base: String,
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl LocalStripe {
    async fn start() -> LocalStripe {
        let python = std::env::var("LOCALSTRIPE_PYTHON").unwrap_or_else(|_| {
            panic!("LOCALSTRIPE_PYTHON is not set: run these tests through `cargo xtask test`")
        });
        let port = free_port();
        // localstripe's own `start()` listens on every interface and loads its last
        // state from /tmp; its app is served here on loopback only, from scratch.
        let child = Command::new(&python)
            .args([
                "-c",
                "import sys; from aiohttp import web; from localstripe.server import app; \
                 web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)",
            ])
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting localstripe with {python}: {e}"));
        let server = LocalStripe {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "localstripe did not listen on {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// Sends a request the adapter built, through the adapter's own client.
    async fn send(&self, request: &StripeRequest) -> Response {
        StripeClient::new(&self.base, key())
            .expect("a client")
            .send(request)
            .await
            .expect("localstripe's final answer")
    }

    /// A form POST the adapter has no builder for (customers, webhook endpoints).
    async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> serde_json::Value {
        let answer = reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .bearer_auth(key().expose())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode_form(pairs))
            .send()
            .await
            .expect("localstripe answers");
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        answer.json().await.unwrap_or(serde_json::Value::Null)
    }

    async fn customer(&self) -> String {
        self.post_form("/v1/customers", &[("email", "jenny@example.com")])
            .await["id"]
            .as_str()
            .expect("a customer id")
            .to_owned()
    }
}

fn key() -> SecretKey {
    SecretKey::new("sk_test_localstripe")
}

fn eur(cents: i64) -> Money {
    Money::new(MinorUnit::new(cents), Currency::EUR)
}

fn off_session<'a>(customer: &'a str, payment_method: &'a str) -> CreateAndConfirm<'a> {
    CreateAndConfirm {
        amount: eur(10_800),
        payment_method,
        payment_method_type: PaymentMethodType::Card,
        customer: Some(customer),
        order_id: "ord_localstripe",
        session: Session::Off,
    }
}

#[tokio::test]
#[ignore = "needs localstripe: the processors layer of cargo xtask test runs it"]
async fn a_saved_card_is_charged_off_session_and_read_back() {
    let stripe = LocalStripe::start().await;
    let customer = stripe.customer().await;
    let request = create_and_confirm(&off_session(&customer, "pm_card_visa"), "key-1").unwrap();
    let Response::Intent(intent) = stripe.send(&request).await else {
        panic!("localstripe refused the charge");
    };
    assert_eq!(intent.money(), eur(10_800));
    assert_eq!(intent.order_id(), Some("ord_localstripe"));
    let outcome = intent_outcome(&intent).expect("a known status");
    assert_eq!(outcome, IntentOutcome::Succeeded);
    assert_eq!(outcome.status(), PaymentIntentStatus::Succeeded);

    // Reconciliation reads the same intent back.
    let Response::Intent(read) = stripe.send(&retrieve_intent(&intent.id)).await else {
        panic!("localstripe did not read the intent back");
    };
    assert_eq!(read.id, intent.id);
    assert_eq!(
        intent_outcome(&read).unwrap().status(),
        PaymentIntentStatus::Succeeded
    );
}

#[tokio::test]
#[ignore = "needs localstripe: the processors layer of cargo xtask test runs it"]
async fn a_declined_charge_maps_onto_card_declined() {
    let stripe = LocalStripe::start().await;
    let customer = stripe.customer().await;
    // localstripe's card that attaches and then fails when charged (4000 0000 0000 0341).
    let request = create_and_confirm(
        &off_session(&customer, "pm_card_chargeCustomerFail"),
        "key-2",
    )
    .unwrap();
    let Response::Error { status, error } = stripe.send(&request).await else {
        panic!("localstripe charged the failing card");
    };
    assert_eq!(status, 402);
    let mapped = map_error(&error);
    assert_eq!(mapped.code, ErrorCode::CardDeclined);
    assert_eq!(mapped.message, "Your card was declined.");
}

#[tokio::test]
#[ignore = "needs localstripe: the processors layer of cargo xtask test runs it"]
async fn its_signed_webhook_passes_the_signature_check() {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    let stripe = LocalStripe::start().await;
    // Our endpoint: a loopback listener that hands over what it receives.
    let (sent, mut received) = tokio::sync::mpsc::unbounded_channel::<(HeaderMap, Bytes)>();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sent = sent.clone();
            async move {
                let _ = sent.send((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    let served = tokio::spawn(async move { axum::serve(listener, app).await });
    let secret = "whsec_localstripe_test";
    stripe
        .post_form(
            "/_config/webhooks/ours",
            &[
                ("url", &hook),
                ("secret", secret),
                ("events[0]", "payment_intent.succeeded"),
            ],
        )
        .await;

    let customer = stripe.customer().await;
    let request = create_and_confirm(&off_session(&customer, "pm_card_visa"), "key-3").unwrap();
    let Response::Intent(intent) = stripe.send(&request).await else {
        panic!("localstripe refused the charge");
    };

    let (headers, body) = tokio::time::timeout(Duration::from_secs(20), received.recv())
        .await
        .expect("localstripe delivers the event within 20 s")
        .expect("an event");
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let event = construct_event(&WebhookSecret::new(secret), signature, &body, now)
        .expect("localstripe's signature verifies");
    match event.kind {
        EventKind::PaymentIntentSucceeded(paid) => assert_eq!(paid.id, intent.id),
        other => panic!("expected payment_intent.succeeded, got {}", other.as_str()),
    }
    // The same body under another secret is refused.
    assert!(construct_event(&WebhookSecret::new("whsec_other"), signature, &body, now).is_err());
    served.abort();
}

/// The adapter (`--processor stripe`) as the server drives it, with raw card data
/// access, against localstripe.
fn adapter(stripe: &LocalStripe) -> StripeProcessor {
    StripeProcessor::new(&stripe.base, key(), true).expect("an adapter")
}

async fn register(adapter: &StripeProcessor, pan: &str) -> String {
    adapter
        .register_card(&CardForProcessor {
            pan,
            exp_month: 12,
            exp_year: 2030,
            cvc: Some("123"),
        })
        .await
        .expect("localstripe takes the card")
        .expect("a PaymentMethod id")
}

/// A merchant-initiated charge of `method` for our customer `cus_ours` (who has no
/// Stripe customer yet).
fn off_session_attempt(method: &str) -> Attempt {
    Attempt {
        behaviour: Behaviour::HeldByProcessor,
        off_session: true,
        set_up_off_session: true,
        charge: Charge {
            reference: "pi_ours".to_owned(),
            order_id: Some("ord_localstripe".to_owned()),
            amount: 10_800,
            currency: "eur".to_owned(),
            method: Some(method.to_owned()),
            customer: Some("cus_ours".to_owned()),
            ..Charge::default()
        },
    }
}

#[tokio::test]
#[ignore = "needs localstripe: the processors layer of cargo xtask test runs it"]
async fn the_adapter_registers_a_card_and_charges_it_on_a_customer_it_makes() {
    let stripe = LocalStripe::start().await;
    let adapter = adapter(&stripe);
    let method = register(&adapter, "4242424242424242").await;
    assert!(method.starts_with("pm_"), "{method}");
    let processed = adapter
        .confirm("att_localstripe_1", &off_session_attempt(&method))
        .await
        .expect("localstripe answers");
    assert_eq!(
        processed.outcome,
        Outcome::Done(Final::Succeeded { disputed: false })
    );
    let customer = processed.customer.expect("a Stripe customer made for ours");
    assert!(customer.starts_with("cus_"), "{customer}");
    let reference = processed.reference.expect("the PaymentIntent's id");
    // What the return page and the reconciler read back.
    assert_eq!(
        adapter.retrieve(&reference).await.unwrap().outcome,
        Outcome::Done(Final::Succeeded { disputed: false })
    );
}

#[tokio::test]
#[ignore = "needs localstripe: the processors layer of cargo xtask test runs it"]
async fn a_card_declined_when_charged_fails_the_attempt_with_card_declined() {
    let stripe = LocalStripe::start().await;
    let adapter = adapter(&stripe);
    let method = register(&adapter, "4000000000000341").await;
    let processed = adapter
        .confirm("att_localstripe_2", &off_session_attempt(&method))
        .await
        .expect("localstripe answers");
    let Outcome::Done(Final::Failed { error }) = processed.outcome else {
        panic!("not a failure: {:?}", processed.outcome);
    };
    assert_eq!(error.code, ErrorCode::CardDeclined);
}

#[tokio::test]
#[ignore = "needs localstripe: the processors layer of cargo xtask test runs it"]
async fn use_stripe_sdk_fails_the_attempt_at_once_rather_than_waiting() {
    let stripe = LocalStripe::start().await;
    let adapter = adapter(&stripe);
    let method = register(&adapter, "4000002760003184").await;
    let processed = adapter
        .confirm("att_localstripe_3", &off_session_attempt(&method))
        .await
        .expect("localstripe answers");
    let Outcome::Done(Final::Failed { error }) = processed.outcome else {
        panic!("not a failure: {:?}", processed.outcome);
    };
    assert!(
        error.message.contains("use_stripe_sdk"),
        "{}",
        error.message
    );
}
