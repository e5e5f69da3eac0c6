//! A scripted merchant API for browser tests: counts calls, records what was sent, and
//! answers from queues (after a short wait, so a request is really "in flight").
#![allow(dead_code)]

use payment_core::api::{
    ConfirmationToken, CreateConfirmationToken, PaymentIntent, PaymentMethodPreview,
    PaymentMethodType,
};
use payment_core::error::{ApiError, DeclineCode};
use payment_core::secret::{ClientSecret, Cvc};
use payment_core::vault::{CardDetails, CardToken, CvcToken};
use payment_element::model::confirm::CallError;
use payment_element::net::client::{sleep_ms, Api, LocalFuture, MerchantApi, Placement};
use payment_element::net::vault::VaultApi;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// Scripted answers to confirm and status calls, in order.
pub type Answers = RefCell<VecDeque<Result<PaymentIntent, CallError>>>;

/// What the fake saw and will answer.
#[derive(Default)]
pub struct Script {
    pub token_requests: RefCell<Vec<CreateConfirmationToken>>,
    /// The bearer secret sent with each token request.
    pub bearers: RefCell<Vec<Option<String>>>,
    /// `(endpoint, token id, idempotency key)` of each confirm.
    pub confirms: RefCell<Vec<(&'static str, String, String)>>,
    /// The order each create-confirm named.
    pub placements: RefCell<Vec<Placement>>,
    /// `(id, secret)` of each status read.
    pub reads: RefCell<Vec<(String, String)>>,
    /// The id of each order read.
    pub order_reads: RefCell<Vec<String>>,
    /// Scripted answers to order reads (the order's intent); none: not found.
    pub order_answers: RefCell<VecDeque<Result<Option<PaymentIntent>, CallError>>>,
    pub token_failures: RefCell<VecDeque<CallError>>,
    pub confirm_answers: Answers,
    pub status_answers: Answers,
    /// While false, confirm calls wait.
    pub gate_open: Cell<bool>,
    /// The cards the page sent to the (fake) payments origin, in order.
    pub vaulted_cards: RefCell<Vec<CardDetails>>,
    /// The CVCs sent to it.
    pub vaulted_cvcs: RefCell<Vec<Cvc>>,
    /// Scripted refusals of the vault.
    pub vault_failures: RefCell<VecDeque<CallError>>,
}

/// The payments origin's tokenization, faked: records what it was sent.
pub struct FakeVault(pub Rc<Script>);

/// The fake vault of `script`, for the element's `vault` prop.
pub fn vault(script: &Rc<Script>) -> Rc<dyn VaultApi> {
    Rc::new(FakeVault(Rc::clone(script)))
}

impl VaultApi for FakeVault {
    fn create_card_token(&self, card: CardDetails) -> LocalFuture<Result<CardToken, CallError>> {
        let script = Rc::clone(&self.0);
        script.vaulted_cards.borrow_mut().push(card.clone());
        let n = script.vaulted_cards.borrow().len();
        Box::pin(async move {
            sleep_ms(2).await;
            if let Some(failure) = script.vault_failures.borrow_mut().pop_front() {
                return Err(failure);
            }
            let number = card.number.expose();
            Ok(CardToken {
                id: format!("card_tok_{n}"),
                brand: "visa".into(),
                last4: number[number.len().saturating_sub(4)..].to_owned(),
                exp_month: card.exp_month,
                exp_year: card.exp_year,
                expires_at: 0,
            })
        })
    }

    fn create_cvc_token(&self, cvc: Cvc) -> LocalFuture<Result<CvcToken, CallError>> {
        let script = Rc::clone(&self.0);
        script.vaulted_cvcs.borrow_mut().push(cvc);
        let n = script.vaulted_cvcs.borrow().len();
        Box::pin(async move {
            sleep_ms(2).await;
            Ok(CvcToken {
                id: format!("cvc_tok_{n}"),
                expires_at: 0,
            })
        })
    }
}

pub struct FakeApi(pub Rc<Script>);

/// A fresh fake and the `Api` handle the components take.
pub fn fake() -> (Rc<Script>, Api) {
    let script = Rc::new(Script {
        gate_open: Cell::new(true),
        ..Script::default()
    });
    (Rc::clone(&script), Api(Rc::new(FakeApi(script))))
}

pub fn intent(status: &str) -> PaymentIntent {
    serde_json::from_value(serde_json::json!({
        "id": "pi_test", "client_secret": "pi_test_secret_abc", "status": status,
        "amount": 1999, "currency": "eur"
    }))
    .unwrap()
}

pub fn redirect_intent(url: &str) -> PaymentIntent {
    serde_json::from_value(serde_json::json!({
        "id": "pi_test", "client_secret": "pi_test_secret_abc", "status": "requires_action",
        "amount": 1999, "currency": "eur",
        "next_action": {"type": "redirect_to_url",
            "redirect_to_url": {"url": url, "return_url": "/complete"}}
    }))
    .unwrap()
}

pub fn declined_intent(decline: DeclineCode) -> PaymentIntent {
    let mut intent = intent("requires_payment_method");
    intent.last_payment_error = Some(ApiError::declined(decline));
    intent
}

/// The 402 a decline is.
pub fn decline(decline: DeclineCode) -> Result<PaymentIntent, CallError> {
    Err(CallError::Api {
        error: ApiError::declined(decline),
        payment_intent: Some(Box::new(declined_intent(decline))),
    })
}

impl Script {
    pub fn token_count(&self) -> usize {
        self.token_requests.borrow().len()
    }
    pub fn confirm_count(&self) -> usize {
        self.confirms.borrow().len()
    }
}

async fn answer(
    script: Rc<Script>,
    queue: fn(&Script) -> &Answers,
) -> Result<PaymentIntent, CallError> {
    sleep_ms(5).await;
    while !script.gate_open.get() {
        sleep_ms(5).await;
    }
    queue(&script)
        .borrow_mut()
        .pop_front()
        .unwrap_or_else(|| Ok(intent("succeeded")))
}

impl MerchantApi for FakeApi {
    fn create_confirmation_token(
        &self,
        request: CreateConfirmationToken,
        bearer: Option<ClientSecret>,
    ) -> LocalFuture<Result<ConfirmationToken, CallError>> {
        let script = Rc::clone(&self.0);
        script
            .bearers
            .borrow_mut()
            .push(bearer.map(|b| b.expose().to_owned()));
        script.token_requests.borrow_mut().push(request);
        let n = script.token_count();
        Box::pin(async move {
            sleep_ms(5).await;
            if let Some(failure) = script.token_failures.borrow_mut().pop_front() {
                return Err(failure);
            }
            Ok(ConfirmationToken {
                id: format!("ctoken_{n}"),
                expires_at: 0,
                payment_method_preview: PaymentMethodPreview {
                    kind: PaymentMethodType::Card,
                    card: None,
                    sepa_debit: None,
                    ewallet: None,
                    qr_code: None,
                    billing_details: None,
                },
                setup_future_usage: None,
                return_url: None,
            })
        })
    }

    fn create_confirm_intent(
        &self,
        token_id: String,
        placement: Placement,
        idempotency_key: String,
    ) -> LocalFuture<Result<PaymentIntent, CallError>> {
        let script = Rc::clone(&self.0);
        script.placements.borrow_mut().push(placement);
        script
            .confirms
            .borrow_mut()
            .push(("create-confirm-intent", token_id, idempotency_key));
        Box::pin(answer(script, |s| &s.confirm_answers))
    }

    fn confirm_intent(
        &self,
        id: String,
        _client_secret: ClientSecret,
        token_id: String,
        idempotency_key: String,
    ) -> LocalFuture<Result<PaymentIntent, CallError>> {
        let script = Rc::clone(&self.0);
        assert_eq!(id, "pi_test");
        script
            .confirms
            .borrow_mut()
            .push(("payment_intents/confirm", token_id, idempotency_key));
        Box::pin(answer(script, |s| &s.confirm_answers))
    }

    fn payment_intent(
        &self,
        id: String,
        client_secret: ClientSecret,
    ) -> LocalFuture<Result<PaymentIntent, CallError>> {
        let script = Rc::clone(&self.0);
        script
            .reads
            .borrow_mut()
            .push((id, client_secret.expose().to_owned()));
        Box::pin(answer(script, |s| &s.status_answers))
    }

    fn order_intent(&self, id: String) -> LocalFuture<Result<Option<PaymentIntent>, CallError>> {
        let script = Rc::clone(&self.0);
        script.order_reads.borrow_mut().push(id);
        Box::pin(async move {
            sleep_ms(5).await;
            script
                .order_answers
                .borrow_mut()
                .pop_front()
                .unwrap_or(Ok(None))
        })
    }
}

/// Waits until `done` holds, up to two seconds.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..400 {
        if done() {
            return;
        }
        sleep_ms(5).await;
    }
    panic!("timed out waiting for {what}");
}
