//! A processor that charges and then loses its answer (a timeout after the charge, a
//! crash between the call and the write), or cannot be reached at all: the confirm
//! never holds a database transaction across the call, a lost answer leaves the intent
//! `processing` until the reconciler asks again under the same key, and the processor's
//! own ledger shows one charge, never two, never none.

mod common;

use axum::http::StatusCode;
use checkout_server::attempts::ATTEMPT_LEASE;
use checkout_server::intents::reconcile_all_stale;
use checkout_server::processor::{
    Attempt, Behaviour, Final, NoAnswer, Outcome, Processed, Processor, TestProcessor,
};
use checkout_server::{AppState, ManualClock, Settings};
use common::{Harness, Reply};
use payment_core::iban::Iban;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A processor with a ledger of its own, as a real one keeps: the first call under a
/// key decides (the test processor's answer) and charges; the same key again replays
/// that answer without charging. It can lose the next answer after deciding, or be
/// unreachable.
#[derive(Default)]
struct Ledger {
    decide: TestProcessor,
    answers: Mutex<HashMap<String, Outcome>>,
    charges: AtomicUsize,
    calls: AtomicUsize,
    lose_next_answer: AtomicBool,
    unreachable: AtomicBool,
}

impl Ledger {
    fn call(&self, key: &str, decide: impl FnOnce() -> Outcome) -> Result<Outcome, NoAnswer> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.unreachable.load(Ordering::SeqCst) {
            return Err(NoAnswer::NotSent("connection refused".to_owned()));
        }
        let outcome = self
            .answers
            .lock()
            .unwrap()
            .entry(key.to_owned())
            .or_insert_with(|| {
                let outcome = decide();
                if matches!(outcome, Outcome::Done(Final::Succeeded { .. })) {
                    self.charges.fetch_add(1, Ordering::SeqCst);
                }
                outcome
            })
            .clone();
        if self.lose_next_answer.swap(false, Ordering::SeqCst) {
            return Err(NoAnswer::Lost("timed out after 30 s".to_owned()));
        }
        Ok(outcome)
    }

    fn charges(&self) -> usize {
        self.charges.load(Ordering::SeqCst)
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// The processor the server holds: a handle on the test's ledger.
struct Handle(Arc<Ledger>);

#[async_trait::async_trait]
impl Processor for Handle {
    fn classify_card(&self, pan_digits: &str) -> Behaviour {
        self.0.decide.classify_card(pan_digits)
    }

    fn classify_sepa(&self, iban: &Iban, email: Option<&str>) -> Behaviour {
        self.0.decide.classify_sepa(iban, email)
    }

    async fn confirm(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        self.0
            .call(key, || self.0.decide.decide(attempt))
            .map(Processed::from)
    }

    async fn set_up(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        self.0
            .call(key, || self.0.decide.decide_set_up(attempt.behaviour))
            .map(Processed::from)
    }
}

async fn harness() -> (Harness, Arc<Ledger>) {
    let ledger = Arc::new(Ledger::default());
    let processor = Arc::new(Handle(ledger.clone()));
    let clock = Arc::new(ManualClock::new(common::NOW));
    let for_state = clock.clone();
    let h = Harness::open(
        Settings::new(std::env::temp_dir().join("checkout-no-dist")),
        clock,
        move |settings| async move {
            AppState::open(settings, "sqlite::memory:", for_state, processor)
                .await
                .expect("an in-memory database opens")
        },
    )
    .await;
    (h, ledger)
}

async fn new_order(h: &Harness) -> String {
    let reply = h.post("/api/orders", &json!({})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn pay_order(h: &Harness, order: &str, number: &str, key: &str) -> Reply {
    let token = h.card_confirmation_token(number).await;
    h.confirm_order(order, &token, key).await
}

async fn order_status(h: &Harness, order: &str) -> String {
    let reply = h.get(&format!("/api/orders/{order}")).await;
    reply.body["status"].as_str().unwrap_or_default().to_owned()
}

/// Our own records of money moved: `charges` rows, fulfilments, success events.
async fn our_records(h: &Harness) -> (i64, i64, i64) {
    (
        h.count("SELECT COUNT(*) FROM charges").await,
        h.count("SELECT COUNT(*) FROM fulfilments").await,
        h.count("SELECT COUNT(*) FROM processor_events WHERE type = 'payment_intent.succeeded'")
            .await,
    )
}

#[tokio::test]
async fn an_answer_lost_after_the_charge_is_reconciled_into_one_payment() {
    let (h, ledger) = harness().await;
    let order = new_order(&h).await;
    ledger.lose_next_answer.store(true, Ordering::SeqCst);
    let reply = pay_order(&h, &order, "4242424242424242", "key-lost").await;
    // The processor charged, but no one here knows: the customer sees "processing".
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["status"], "processing");
    assert!(reply.body["next_action"].is_null());
    assert_eq!(ledger.charges(), 1);
    assert_eq!(our_records(&h).await, (0, 0, 0));
    assert_eq!(order_status(&h, &order).await, "processing");

    // Within the lease the call might still be under way: nobody asks again.
    h.clock.advance(ATTEMPT_LEASE - 1);
    let early = h.status_of(&reply.body).await;
    assert_eq!(early.body["status"], "processing");
    assert_eq!(ledger.calls(), 1);

    // After it, the return page's poll asks the processor again under the same key:
    // the first answer replayed, the charge recorded once, the order fulfilled once.
    h.clock.advance(1);
    let read = h.status_of(&reply.body).await;
    assert_eq!(read.body["status"], "succeeded", "{}", read.text);
    assert_eq!(ledger.calls(), 2);
    assert_eq!(ledger.charges(), 1);
    assert_eq!(our_records(&h).await, (1, 1, 1));
    assert_eq!(order_status(&h, &order).await, "paid");
    let via: String = sqlx::query_scalar("SELECT via FROM fulfilments")
        .fetch_one(h.state.db())
        .await
        .unwrap();
    assert_eq!(via, "reconcile");

    // Reading again changes nothing.
    h.clock.advance(ATTEMPT_LEASE);
    h.status_of(&reply.body).await;
    assert_eq!(ledger.calls(), 2);
    assert_eq!(our_records(&h).await, (1, 1, 1));
}

#[tokio::test]
async fn while_an_answer_is_lost_no_second_payment_starts_and_a_retry_replays() {
    let (h, ledger) = harness().await;
    let order = new_order(&h).await;
    ledger.lose_next_answer.store(true, Ordering::SeqCst);
    let token = h.card_confirmation_token("4242424242424242").await;
    let first = h.confirm_order(&order, &token, "key-first").await;
    assert_eq!(first.body["status"], "processing");

    // The browser's retry of the same request replays the answer it got.
    let retry = h.confirm_order(&order, &token, "key-first").await;
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(retry.body, first.body);

    // A second tab, with another card, on the same order: refused, nothing charged.
    let second = pay_order(&h, &order, "5555555555554444", "key-second").await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text);
    assert_eq!(second.code(), "order_already_paid");
    assert_eq!(
        second.body["error"]["payment_intent"]["status"],
        "processing"
    );
    assert_eq!(ledger.calls(), 1);

    // After the lease, a new confirm learns the outcome first and says the order is paid.
    h.clock.advance(ATTEMPT_LEASE);
    let third = pay_order(&h, &order, "5555555555554444", "key-third").await;
    assert_eq!(third.status, StatusCode::CONFLICT, "{}", third.text);
    assert_eq!(third.body["error"]["payment_intent"]["status"], "succeeded");
    assert_eq!(ledger.charges(), 1);
    assert_eq!(our_records(&h).await, (1, 1, 1));
}

#[tokio::test]
async fn the_background_pass_reconciles_what_nobody_reads() {
    let (h, ledger) = harness().await;
    ledger.lose_next_answer.store(true, Ordering::SeqCst);
    let reply = h.pay("4000000000009995").await;
    assert_eq!(reply.body["status"], "processing");
    assert_eq!(reconcile_all_stale(&h.state).await.unwrap(), 0);
    h.clock.advance(ATTEMPT_LEASE);
    assert_eq!(reconcile_all_stale(&h.state).await.unwrap(), 1);
    // The lost answer was a decline: the intent takes another card, nothing charged.
    let read = h.status_of(&reply.body).await;
    assert_eq!(read.body["status"], "requires_payment_method");
    assert_eq!(
        read.body["last_payment_error"]["decline_code"],
        "insufficient_funds"
    );
    assert_eq!(ledger.charges(), 0);
    assert_eq!(our_records(&h).await, (0, 0, 0));
    assert_eq!(reconcile_all_stale(&h.state).await.unwrap(), 0);
}

#[tokio::test]
async fn a_processor_still_silent_is_asked_again_on_the_next_pass() {
    let (h, ledger) = harness().await;
    ledger.lose_next_answer.store(true, Ordering::SeqCst);
    let reply = h.pay("4242424242424242").await;
    h.clock.advance(ATTEMPT_LEASE);
    ledger.unreachable.store(true, Ordering::SeqCst);
    // Even "not reached" on a second call says nothing of the first: still processing.
    assert_eq!(reconcile_all_stale(&h.state).await.unwrap(), 0);
    assert_eq!(h.status_of(&reply.body).await.body["status"], "processing");
    ledger.unreachable.store(false, Ordering::SeqCst);
    assert_eq!(h.status_of(&reply.body).await.body["status"], "succeeded");
    assert_eq!(ledger.charges(), 1);
    assert_eq!(our_records(&h).await, (1, 1, 1));
}

#[tokio::test]
async fn a_processor_never_reached_fails_the_attempt_and_the_customer_pays_again() {
    let (h, ledger) = harness().await;
    let order = new_order(&h).await;
    ledger.unreachable.store(true, Ordering::SeqCst);
    let failed = pay_order(&h, &order, "4242424242424242", "key-a").await;
    assert_eq!(
        failed.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        failed.text
    );
    assert_eq!(failed.code(), "card_declined");
    assert_eq!(failed.body["error"]["decline_code"], "processing_error");
    assert_eq!(
        failed.body["error"]["payment_intent"]["status"],
        "requires_payment_method"
    );
    assert_eq!(order_status(&h, &order).await, "open");
    ledger.unreachable.store(false, Ordering::SeqCst);
    let paid = pay_order(&h, &order, "4242424242424242", "key-b").await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.text);
    assert_eq!(
        paid.body["id"],
        failed.body["error"]["payment_intent"]["id"]
    );
    assert_eq!(ledger.charges(), 1);
    assert_eq!(our_records(&h).await, (1, 1, 1));
}

#[tokio::test]
async fn a_lost_answer_to_a_3d_secure_card_becomes_its_challenge() {
    let (h, ledger) = harness().await;
    ledger.lose_next_answer.store(true, Ordering::SeqCst);
    let reply = h.pay("4000000000003220").await;
    assert_eq!(reply.body["status"], "processing");
    h.clock.advance(ATTEMPT_LEASE);
    let read = h.status_of(&reply.body).await;
    assert_eq!(read.body["status"], "requires_action", "{}", read.text);
    assert!(read.body["next_action"]["redirect_to_url"]["url"]
        .as_str()
        .is_some_and(|url| url.contains("/test-mode/authenticate/")));
    assert_eq!(ledger.charges(), 0);
}

#[tokio::test]
async fn a_lost_answer_to_a_setup_is_reconciled_and_the_card_saved_once() {
    let (h, ledger) = harness().await;
    let (secret, _) = h.new_setup().await;
    let (token, customer) = h.setup_card_token("4242424242424242").await;
    ledger.lose_next_answer.store(true, Ordering::SeqCst);
    let first = h.confirm_setup(&secret, &token, "setup-key").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["status"], "processing");
    // Another confirm while the answer is lost is refused, not sent.
    let again = h.confirm_setup(&secret, &token, "setup-key-2").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.text);
    assert_eq!(ledger.calls(), 1);
    h.clock.advance(ATTEMPT_LEASE);
    let read = h.read_setup(&secret).await;
    assert_eq!(read.body["status"], "succeeded", "{}", read.text);
    let saved = h
        .count(&format!(
            "SELECT COUNT(*) FROM payment_methods WHERE customer_id = '{customer}'"
        ))
        .await;
    assert_eq!(saved, 1);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM processor_events WHERE type = 'setup_intent.succeeded'")
            .await,
        1
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM charges").await, 0);
}
