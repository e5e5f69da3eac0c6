//! The submit flow as plain data, so host tests cover it: the synchronous in-flight
//! guard (one charge per submit however often Pay fires), one `Idempotency-Key` per
//! attempt, what each answer of the merchant API means for the form, and the delays of
//! retries and status polling.
//!
//! Components only wire this to the network and the DOM.

use crate::model::form::Field;
use crate::model::locale::Key;
use payment_core::api::{
    DisplayQrCode, NextAction, PaymentIntent, PaymentIntentStatus, PaymentMethodType,
};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::money::Money;
use payment_core::secret::ClientSecret;

/// Why a call to the merchant API did not give the wanted object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The server answered with an error object; a decline carries the intent
    /// (HTTP 402, Stripe-style), so the same order can be confirmed again.
    Api {
        /// The error, unknown codes already degraded to `Unknown`.
        error: ApiError,
        /// The intent of a declined confirm.
        payment_intent: Option<Box<PaymentIntent>>,
    },
    /// No answer: offline, the server is down, or the request was refused.
    Network,
    /// No answer within the timeout.
    Timeout,
}

impl CallError {
    /// An API error without an intent.
    pub fn api(error: ApiError) -> CallError {
        CallError::Api {
            error,
            payment_intent: None,
        }
    }

    /// Whether the request may never have reached the server, so sending the very same
    /// request again (same `Idempotency-Key`) is the way to learn what happened.
    pub fn is_unanswered(&self) -> bool {
        match self {
            CallError::Network | CallError::Timeout => true,
            CallError::Api { .. } => false,
        }
    }

    /// Whether the confirm may have charged without saying so: no answer, an answer
    /// that cannot be read (a proxy's 502 page, a cut-off body), a server error (any
    /// 5xx: the server may have charged before failing to answer, a pool timeout in its
    /// last write), or the server still running the request with this key (409
    /// `idempotency_error`). Only the same request, sent again, can settle it. Any other
    /// error the server could state was decided before any charge.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            CallError::Api { error, .. } => matches!(
                error.kind,
                ErrorType::IdempotencyError | ErrorType::ApiError | ErrorType::Unknown
            ),
            unanswered => unanswered.is_unanswered(),
        }
    }
}

/// The generic error used when an answer cannot be read.
pub fn unreadable_answer() -> ApiError {
    // Spelled out rather than `ApiError::new`, which would link every code's English
    // message into the wasm (the widget shows messages by code, from the catalogue).
    ApiError {
        kind: ErrorType::Unknown,
        code: ErrorCode::Unknown,
        decline_code: None,
        message: "Something went wrong. Please try again or use another payment method.".to_owned(),
        param: None,
    }
}

/// An intent the customer can confirm again with a new token (declined, or its 3-D
/// Secure or wallet page abandoned): its id and client secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntentRef {
    /// `pi_…`.
    pub id: String,
    /// Its client secret (redacted in `Debug`).
    pub client_secret: ClientSecret,
}

impl IntentRef {
    /// The reference of an intent that carries its secret.
    pub fn of(intent: &PaymentIntent) -> Option<IntentRef> {
        intent.client_secret.as_ref().map(|secret| IntentRef {
            id: intent.id.clone(),
            client_secret: secret.clone(),
        })
    }
}

/// One press of Pay that got past the guard: what to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt<D> {
    /// The payment details submitted.
    pub details: D,
    /// The `Idempotency-Key` of the confirm call.
    pub idempotency_key: String,
    /// A token already made for these details whose confirm got no answer: sent again
    /// with the same key, so the server replays instead of charging twice.
    pub token_id: Option<String>,
    /// Confirm this intent again (`/payment_intents/{id}/confirm`) instead of creating
    /// one: the same order after a decline or an abandoned redirect.
    pub intent: Option<IntentRef>,
    /// A confirm of other details that got no answer. It may have charged, so it is sent
    /// again first, unchanged ([`Attempt::settle_earlier`]); these details pay only if it
    /// did not go through.
    earlier: Option<Unanswered<D>>,
    /// Which order (see [`Submitter::order_changed`]) the attempt pays.
    order: u32,
    /// Which attempt of its submitter this is: the answer of one the submitter gave up
    /// on (the page came back from the back/forward cache) changes nothing.
    generation: u64,
}

impl<D> Attempt<D> {
    /// The earlier confirm to send again first: its token, key, intent and details
    /// (which say what it was for: a resend must be the very same request).
    pub fn earlier_confirm(&self) -> Option<(&str, &str, Option<&IntentRef>, &D)> {
        self.earlier.as_ref().map(|e| {
            (
                e.token_id.as_str(),
                e.idempotency_key.as_str(),
                e.intent.as_ref(),
                &e.details,
            )
        })
    }

    /// Takes in the answer to the earlier confirm. If it paid, is under way (a redirect)
    /// or is still unknown, the attempt becomes that confirm again (its details, key and
    /// token, for [`Submitter::finish`]) and the answer is handed back as the attempt's.
    /// Otherwise (`None`) these details pay: confirming the intent if it was declined,
    /// anew if it was refused before any charge.
    pub fn settle_earlier(
        &mut self,
        answer: Result<PaymentIntent, CallError>,
    ) -> Option<Result<PaymentIntent, CallError>> {
        let earlier = self.earlier.take()?;
        // `Some(intent)`: the earlier confirm charged nothing, and `intent` (if any) can
        // take these details. `None`: its answer is the attempt's (paid, processing,
        // waiting on a redirect, or still unknown).
        let declined = match &answer {
            Ok(intent) if intent.status == PaymentIntentStatus::RequiresPaymentMethod => {
                Some(IntentRef::of(intent))
            }
            Err(error) if error.outcome_unknown() => None,
            // A refusal carrying a paid or processing intent (`order_already_paid`):
            // the earlier confirm, or another tab, paid. That is the payment.
            Err(CallError::Api {
                payment_intent: Some(intent),
                ..
            }) if matches!(
                intent.status,
                PaymentIntentStatus::Succeeded
                    | PaymentIntentStatus::Processing
                    | PaymentIntentStatus::RequiresCapture
            ) =>
            {
                None
            }
            Err(CallError::Api { payment_intent, .. }) => Some(
                payment_intent
                    .as_deref()
                    .filter(|intent| retryable(intent))
                    .and_then(IntentRef::of),
            ),
            Ok(_) | Err(_) => None,
        };
        match declined {
            Some(intent) => {
                // Its intent is the earlier order's: the details of another order never
                // confirm it (they would pay the old cart and leave the new one unpaid).
                if intent.is_some() && earlier.order == self.order {
                    self.intent = intent;
                }
                None
            }
            None => {
                self.details = earlier.details;
                self.idempotency_key = earlier.idempotency_key;
                self.token_id = Some(earlier.token_id.clone());
                self.intent = earlier.intent;
                self.order = earlier.order;
                Some(answer)
            }
        }
    }
}

/// What a finished attempt means for the customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Paid (or authorised).
    Succeeded(IntentRef),
    /// Submitted; the bank answers later (SEPA).
    Processing(IntentRef),
    /// The customer must finish on another page (3-D Secure, wallet).
    Redirect {
        /// The page.
        url: String,
        /// The wallet's app link, which a phone opens instead
        /// ([`crate::model::next_action::redirect_address`]).
        app_url: Option<String>,
        /// The intent waiting for that page.
        intent: Option<IntentRef>,
    },
    /// The customer pays by scanning a QR code with a banking or wallet app.
    ShowQrCode {
        /// What the code holds and when it expires.
        qr: DisplayQrCode,
        /// The intent waiting for the scan, with what it charges.
        intent: Option<IntentRef>,
        /// The amount it charges.
        amount: Money,
    },
    /// Not paid: say why, point at the field to fix.
    Failed(Feedback),
}

/// The message and form changes after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feedback {
    /// What the error region says.
    pub message: Key,
    /// The field to focus.
    pub focus: Option<Field>,
    /// Empty the CVC (after a card error, as card forms do); everything else is kept.
    pub clear_cvc: bool,
}

/// The customer-facing feedback for an error object from the merchant API.
pub fn feedback_for_error(error: &ApiError) -> Feedback {
    let decline = error.decline_code.map(DeclineCode::customer_facing);
    let message = match error.code {
        ErrorCode::CardDeclined => {
            Key::for_decline(error.decline_code.unwrap_or(DeclineCode::GenericDecline))
        }
        code => Key::for_error(code),
    };
    let focus = match (error.code, decline) {
        (
            ErrorCode::IncorrectNumber | ErrorCode::InvalidNumber | ErrorCode::CardBrandNotAccepted,
            _,
        ) => Some(Field::CardNumber),
        (ErrorCode::IncorrectCvc | ErrorCode::InvalidCvc, _)
        | (_, Some(DeclineCode::IncorrectCvc)) => Some(Field::Cvc),
        (
            ErrorCode::InvalidExpiryMonth | ErrorCode::InvalidExpiryYear | ErrorCode::ExpiredCard,
            _,
        )
        | (_, Some(DeclineCode::ExpiredCard)) => Some(Field::Expiry),
        (ErrorCode::InvalidIban, _) => Some(Field::Iban),
        _ => None,
    };
    Feedback {
        message,
        focus,
        clear_cvc: error.kind == ErrorType::CardError,
    }
}

/// The feedback when the server could not be reached.
pub fn feedback_unanswered(error: &CallError) -> Feedback {
    Feedback {
        message: match error {
            CallError::Timeout => Key::ErrorTimeout,
            CallError::Network | CallError::Api { .. } => Key::ErrorNetwork,
        },
        focus: None,
        clear_cvc: false,
    }
}

/// What a confirm answer (an intent or an error) means.
pub fn outcome_of(answer: Result<PaymentIntent, CallError>) -> Outcome {
    let intent = match answer {
        Ok(intent) => intent,
        Err(CallError::Api {
            error,
            payment_intent,
        }) => {
            return match payment_intent {
                // A refusal that carries a paid, processing or canceled intent (the
                // order was paid in another tab, or before Back): that intent is what
                // happened, not the refusal.
                Some(intent)
                    if matches!(
                        intent.status,
                        PaymentIntentStatus::Succeeded
                            | PaymentIntentStatus::RequiresCapture
                            | PaymentIntentStatus::Processing
                            | PaymentIntentStatus::Canceled
                    ) =>
                {
                    outcome_of(Ok(*intent))
                }
                Some(intent) => declined(&intent, Some(&error)),
                None => Outcome::Failed(feedback_for_error(&error)),
            };
        }
        Err(unanswered) => return Outcome::Failed(feedback_unanswered(&unanswered)),
    };
    let reference = IntentRef::of(&intent);
    let generic = || {
        Outcome::Failed(Feedback {
            message: Key::CodeUnknown,
            focus: None,
            clear_cvc: false,
        })
    };
    match intent.status {
        PaymentIntentStatus::Succeeded | PaymentIntentStatus::RequiresCapture => {
            reference.map_or_else(generic, Outcome::Succeeded)
        }
        PaymentIntentStatus::Processing => reference.map_or_else(generic, Outcome::Processing),
        PaymentIntentStatus::RequiresAction => match &intent.next_action {
            Some(NextAction::RedirectToUrl { redirect_to_url }) => Outcome::Redirect {
                url: redirect_to_url.url.clone(),
                app_url: redirect_to_url.app_url.clone(),
                intent: reference,
            },
            Some(NextAction::DisplayQrCode { display_qr_code }) => Outcome::ShowQrCode {
                qr: display_qr_code.clone(),
                intent: reference,
                amount: Money::new(intent.amount, intent.currency),
            },
            Some(NextAction::Unknown) | None => generic(),
        },
        PaymentIntentStatus::RequiresPaymentMethod => declined(&intent, None),
        PaymentIntentStatus::Canceled => Outcome::Failed(Feedback {
            message: Key::StatusCanceled,
            focus: None,
            clear_cvc: false,
        }),
        PaymentIntentStatus::RequiresConfirmation | PaymentIntentStatus::Unknown => generic(),
    }
}

fn declined(intent: &PaymentIntent, error: Option<&ApiError>) -> Outcome {
    let error = error
        .or(intent.last_payment_error.as_ref())
        .cloned()
        .unwrap_or_else(|| ApiError::declined(DeclineCode::GenericDecline));
    Outcome::Failed(feedback_for_error(&error))
}

/// Whether an intent can take another attempt with a new token.
fn retryable(intent: &PaymentIntent) -> bool {
    matches!(
        intent.status,
        PaymentIntentStatus::RequiresPaymentMethod | PaymentIntentStatus::RequiresAction
    )
}

/// Where the submit flow stands.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    /// Ready for a submit.
    Idle,
    /// A submit is under way: every other one is refused.
    InFlight,
    /// Sent to another page for this intent; reopened when the page comes back from
    /// the back/forward cache.
    Away(Option<IntentRef>),
    /// Paid or submitted: nothing more to do here.
    Done,
}

/// A confirm whose answer never came, kept to be sent again unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Unanswered<D> {
    details: D,
    idempotency_key: String,
    token_id: String,
    /// The intent it confirmed again, if any: a resend must go to the same endpoint,
    /// or the server refuses the key as used with other parameters.
    intent: Option<IntentRef>,
    /// The order it was for (see [`Submitter::order_changed`]).
    order: u32,
}

/// The submit guard and attempt bookkeeping of one checkout.
///
/// Every entry point (click, Enter, a `confirm` call) goes through [`Submitter::begin`]
/// synchronously, before any `await`, so ten presses in one tick make one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitter<D> {
    phase: Phase,
    /// The confirm whose outcome is unknown: every next attempt settles it first. It
    /// stays here while an attempt is out, until that attempt's answer settles it.
    unanswered: Option<Unanswered<D>>,
    retry_intent: Option<IntentRef>,
    /// Counts changes of the order (the cart): a declined or abandoned intent of an
    /// earlier order is never confirmed again for this one.
    order: u32,
    /// The attempt under way (see [`Attempt::generation`]).
    generation: u64,
    /// The confirm the attempt under way sent last, once its token exists: if the page
    /// is frozen before the answer (the back/forward cache), that confirm's outcome is
    /// unknown and the next attempt resends it.
    on_the_wire: Option<Unanswered<D>>,
    /// The page's own intent (`elements({clientSecret})`, Stripe's intent-first flow):
    /// every attempt confirms it, and no other is ever created.
    fixed_intent: Option<IntentRef>,
}

impl<D> Default for Submitter<D> {
    fn default() -> Self {
        Submitter {
            phase: Phase::Idle,
            unanswered: None,
            retry_intent: None,
            order: 0,
            generation: 0,
            on_the_wire: None,
            fixed_intent: None,
        }
    }
}

impl<D> Submitter<D> {
    /// A submitter whose every attempt confirms `intent`, the one the merchant's server
    /// created for the page.
    pub fn for_intent(intent: IntentRef) -> Self {
        Submitter {
            fixed_intent: Some(intent),
            ..Submitter::default()
        }
    }
}

impl<D: Clone + PartialEq> Submitter<D> {
    /// Starts an attempt with `details`, or refuses (`None`) while one is under way or
    /// the payment is done. `new_key` makes a fresh idempotency key; it is not called
    /// when an unanswered confirm of the same details is sent again.
    pub fn begin(&mut self, details: D, new_key: impl FnOnce() -> String) -> Option<Attempt<D>> {
        if self.phase != Phase::Idle {
            return None;
        }
        self.phase = Phase::InFlight;
        self.generation = self.generation.wrapping_add(1);
        self.on_the_wire = None;
        let (idempotency_key, token_id, intent, earlier) = match self.unanswered.clone() {
            Some(same) if same.details == details => {
                (same.idempotency_key, Some(same.token_id), same.intent, None)
            }
            // Other details (or another order) after a confirm that got no answer: that
            // one may have charged, so it is settled first (`Attempt::settle_earlier`).
            Some(other) => (new_key(), None, self.intent_to_confirm(), Some(other)),
            None => (new_key(), None, self.intent_to_confirm(), None),
        };
        Some(Attempt {
            details,
            idempotency_key,
            token_id,
            intent,
            earlier,
            order: self.order,
            generation: self.generation,
        })
    }

    /// The page hands over the intent it created for this payment (Stripe's deferred
    /// flow: `confirmPayment({elements, clientSecret})` after `elements.submit()`):
    /// attempts from now on confirm it. A declined or abandoned intent the page
    /// replaced with a new one is not confirmed again; an unanswered confirm is still
    /// settled first (`begin`).
    pub fn use_intent(&mut self, intent: IntentRef) {
        if self.fixed_intent.as_ref().map(|i| &i.id) != Some(&intent.id) {
            self.retry_intent = None;
        }
        self.fixed_intent = Some(intent);
    }

    /// The intent the next attempt confirms: the declined or abandoned one of this
    /// order, else the page's own; `None` creates one.
    fn intent_to_confirm(&self) -> Option<IntentRef> {
        self.retry_intent
            .clone()
            .or_else(|| self.fixed_intent.clone())
    }

    /// The page changed what is being bought (the server's cart, which prices the
    /// order): the next Pay starts a new payment. A declined or abandoned intent is for
    /// the old order and is not confirmed again. A confirm whose outcome is unknown is
    /// not forgotten: it may have paid the old order, so the next Pay settles it first,
    /// exactly as it was sent (its details name its order), and if it paid, that is the
    /// payment.
    pub fn order_changed(&mut self) {
        self.order = self.order.wrapping_add(1);
        self.retry_intent = None;
        if let Phase::Away(intent) = &mut self.phase {
            *intent = None;
        }
    }

    /// Whether a confirm's outcome is unknown (no answer yet): the page should keep the
    /// order as it is until the next Pay settles it.
    pub fn outcome_pending(&self) -> bool {
        self.unanswered.is_some()
    }

    /// The attempt's own confirm is about to be sent with `token_id`: from now on its
    /// outcome is unknown until its answer comes.
    pub fn confirm_sent(&mut self, attempt: &Attempt<D>, token_id: &str) {
        if attempt.generation == self.generation && self.phase == Phase::InFlight {
            self.on_the_wire = Some(Unanswered {
                details: attempt.details.clone(),
                idempotency_key: attempt.idempotency_key.clone(),
                token_id: token_id.to_owned(),
                intent: attempt.intent.clone(),
                order: attempt.order,
            });
        }
    }

    /// Whether a submit is under way.
    pub fn in_flight(&self) -> bool {
        self.phase == Phase::InFlight
    }

    /// Whether the payment went through (the form stays locked).
    pub fn done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The attempt ended before its own confirm was sent (the token could not be made):
    /// nothing was charged by it, the form opens again. Returns whether `attempt` was
    /// still the one under way (`false`: the page gave up on it; change nothing).
    pub fn abandon(&mut self, attempt: &Attempt<D>) -> bool {
        if attempt.generation != self.generation || self.phase != Phase::InFlight {
            return false;
        }
        self.phase = Phase::Idle;
        self.on_the_wire = None;
        true
    }

    /// The confirm of `attempt`, sent with `token_id`, got `outcome`. Returns whether
    /// `attempt` was still the one under way: a late answer of an attempt the page gave
    /// up on (`restored`) never resets the guard of a newer one, and changes nothing.
    pub fn finish(
        &mut self,
        attempt: Attempt<D>,
        token_id: String,
        answer: &Result<PaymentIntent, CallError>,
        outcome: &Outcome,
    ) -> bool {
        if attempt.generation != self.generation || self.phase != Phase::InFlight {
            return false;
        }
        self.phase = Phase::Idle;
        self.on_the_wire = None;
        let same_order = attempt.order == self.order;
        if matches!(outcome, Outcome::Failed(_))
            && matches!(answer, Err(error) if error.outcome_unknown())
        {
            // Kept whatever happened to the order meanwhile: it may have charged.
            self.unanswered = Some(Unanswered {
                details: attempt.details,
                idempotency_key: attempt.idempotency_key,
                token_id,
                intent: attempt.intent,
                order: attempt.order,
            });
            return true;
        }
        // Any other answer settles the confirm it answered, and with it the earlier
        // one (it was settled before these details were sent).
        self.unanswered = None;
        match outcome {
            Outcome::Succeeded(_) | Outcome::Processing(_) => {
                self.phase = Phase::Done;
                self.retry_intent = None;
            }
            Outcome::Redirect { intent, .. } | Outcome::ShowQrCode { intent, .. } => {
                self.phase = Phase::Away(intent.clone().filter(|_| same_order));
            }
            // The order changed while this attempt was out: its intent is not reused.
            Outcome::Failed(_) if !same_order => {}
            Outcome::Failed(_) => match answer {
                // Only an intent that can take another attempt is confirmed again.
                Err(CallError::Api {
                    payment_intent: Some(intent),
                    ..
                }) if retryable(intent) => {
                    self.retry_intent = IntentRef::of(intent).or(attempt.intent);
                }
                Ok(intent) if retryable(intent) => {
                    self.retry_intent = IntentRef::of(intent).or(attempt.intent);
                }
                Err(CallError::Api { error, .. })
                    if matches!(
                        error.code,
                        ErrorCode::PaymentIntentUnexpectedState
                            | ErrorCode::SetupIntentUnexpectedState
                            | ErrorCode::OrderAlreadyPaid
                            | ErrorCode::ResourceMissing
                    ) =>
                {
                    // The intent cannot take another attempt: the next one starts anew.
                    self.retry_intent = None;
                }
                Err(CallError::Api {
                    payment_intent: Some(_),
                    ..
                }) => self.retry_intent = None,
                Ok(_) | Err(_) => {}
            },
        }
        true
    }

    /// A next action followed on the page (3-D Secure in a modal, a QR code) has ended:
    /// `paid` when the intent succeeded or is processing (nothing more to do), else it
    /// was canceled, failed or expired, and the next Pay confirms the same intent again.
    pub fn action_settled(&mut self, paid: bool) {
        if !matches!(self.phase, Phase::Away(_)) {
            return;
        }
        if paid {
            self.phase = Phase::Done;
            self.retry_intent = None;
        } else {
            self.restored();
        }
    }

    /// The page came back from the back/forward cache (`pageshow` with `persisted`)
    /// after a redirect: the form opens again and the next Pay confirms the same intent
    /// again with a new token, so the order is charged at most once.
    pub fn restored(&mut self) {
        if let Phase::Away(intent) = &self.phase {
            if intent.is_some() {
                self.retry_intent = intent.clone();
            }
            self.phase = Phase::Idle;
        } else if self.phase == Phase::InFlight {
            // A page frozen mid-request: its fetch may be gone, so the form must not
            // stay locked. The confirm it had sent is now the unknown one, resent with
            // its key and token by the next Pay (if none was sent, an earlier unknown
            // confirm stays as it was). Its late answer, if any, changes nothing.
            self.phase = Phase::Idle;
            self.generation = self.generation.wrapping_add(1);
            if let Some(sent) = self.on_the_wire.take() {
                self.unanswered = Some(sent);
            }
        }
    }
}

/// The wait before retry number `retry` (0-based) of a safe call, in milliseconds:
/// exponential from 250 ms, capped at 4 s, with "equal jitter" (`jitter` in 0..1 picks
/// a point in the upper half) so many widgets do not retry in step.
pub fn retry_delay_ms(retry: u32, jitter: f64) -> u32 {
    let ceiling = 250u32.saturating_mul(1 << retry.min(8)).min(4_000);
    let half = ceiling / 2;
    half + (f64::from(half) * jitter.clamp(0.0, 1.0)) as u32
}

/// How the return page polls a processing payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    /// The first wait, in milliseconds; each next one doubles up to `max_delay_ms`.
    pub first_delay_ms: u32,
    /// The longest wait.
    pub max_delay_ms: u32,
    /// After this many polls the page stops and says the result will follow by email.
    pub max_polls: u32,
}

impl Default for PollPolicy {
    /// About a minute in all: enough for SEPA's usual settlement in test mode (10 s).
    fn default() -> Self {
        PollPolicy {
            first_delay_ms: 1_000,
            max_delay_ms: 8_000,
            max_polls: 10,
        }
    }
}

impl PollPolicy {
    /// The wait before poll number `poll` (0-based), or `None` once the limit is reached.
    pub fn delay_ms(&self, poll: u32) -> Option<u32> {
        (poll < self.max_polls).then(|| {
            self.first_delay_ms
                .saturating_mul(1 << poll.min(16))
                .min(self.max_delay_ms)
        })
    }
}

/// What the return page says for an intent's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnMessage {
    /// "Payment received".
    Received,
    /// Still processing; keep polling.
    Processing,
    /// Still processing after the polling limit: the result follows by email.
    ProcessingByEmail,
    /// Not paid; the reason, and a link back to try another method.
    Failed(Key),
    /// Canceled.
    Canceled,
    /// Anything else (an unknown status, an unreadable answer).
    Unknown,
}

/// The return page's message for `intent`, given whether polling has run out.
pub fn return_message(intent: &PaymentIntent, polls_exhausted: bool) -> ReturnMessage {
    match intent.status {
        PaymentIntentStatus::Succeeded | PaymentIntentStatus::RequiresCapture => {
            ReturnMessage::Received
        }
        PaymentIntentStatus::Processing if polls_exhausted => ReturnMessage::ProcessingByEmail,
        PaymentIntentStatus::Processing => ReturnMessage::Processing,
        PaymentIntentStatus::RequiresPaymentMethod | PaymentIntentStatus::RequiresAction => {
            // An intent still waiting for its action after the customer came back was
            // not authenticated: it failed for the customer just the same.
            let reason = intent
                .last_payment_error
                .as_ref()
                .map_or(Key::StatusFailed, |error| feedback_for_error(error).message);
            // A bank or a wallet that says no is not "your card was declined".
            let reason = match intent.payment_method_preview.as_ref().map(|p| p.kind) {
                Some(PaymentMethodType::SepaDebit) if reason == Key::DeclineGeneric => {
                    Key::SepaDebitFailed
                }
                // Declined on the wallet's page, or by the wallet: the customer saw which.
                Some(PaymentMethodType::Ewallet) => Key::EwalletFailed,
                _ => reason,
            };
            ReturnMessage::Failed(reason)
        }
        PaymentIntentStatus::Canceled => ReturnMessage::Canceled,
        PaymentIntentStatus::RequiresConfirmation | PaymentIntentStatus::Unknown => {
            ReturnMessage::Unknown
        }
    }
}

/// The address the customer lands on when the payment needed no redirect but the
/// merchant wants the return page anyway (`redirect: "always"`), with the query a
/// redirect would carry.
pub fn return_address(return_url: &str, intent: &IntentRef, redirect_status: &str) -> String {
    let (base, fragment) = match return_url.split_once('#') {
        Some((base, fragment)) => (base, ["#", fragment].concat()),
        None => (return_url, String::new()),
    };
    let separator = if base.contains('?') { "&" } else { "?" };
    // Stripe's names: a setup intent's return page reads `setup_intent`.
    let (id_param, secret_param) = if payment_core::api::is_setup_intent(&intent.id) {
        ("setup_intent=", "&setup_intent_client_secret=")
    } else {
        ("payment_intent=", "&payment_intent_client_secret=")
    };
    [
        base,
        separator,
        id_param,
        &encode_query_value(&intent.id),
        secret_param,
        &encode_query_value(intent.client_secret.expose()),
        "&redirect_status=",
        redirect_status,
        &fragment,
    ]
    .concat()
}

fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            // By hand, not `format!("%{byte:02X}")`: no hex formatting in the wasm.
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    out
}

/// When the widget leaves the checkout page after a confirm (Stripe's `redirect`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RedirectPolicy {
    /// Only when the payment needs another page (3-D Secure, wallet); other outcomes
    /// are reported to the page.
    #[default]
    IfRequired,
    /// Always go to the return page, which shows the result.
    Always,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(json: serde_json::Value) -> PaymentIntent {
        serde_json::from_value(json).expect("a payment intent")
    }

    fn with_status(status: &str) -> PaymentIntent {
        intent(serde_json::json!({
            "id": "pi_1", "client_secret": "pi_1_secret_x", "status": status,
            "amount": 1999, "currency": "eur"
        }))
    }

    fn declined_answer(decline: DeclineCode) -> Result<PaymentIntent, CallError> {
        let mut intent = with_status("requires_payment_method");
        intent.last_payment_error = Some(ApiError::declined(decline));
        Err(CallError::Api {
            error: ApiError::declined(decline),
            payment_intent: Some(Box::new(intent)),
        })
    }

    /// A confirm answered with a 3-D Secure page to visit.
    fn redirect_answer() -> Result<PaymentIntent, CallError> {
        Ok(intent(serde_json::json!({
            "id": "pi_3ds", "client_secret": "pi_3ds_secret_y", "status": "requires_action",
            "amount": 1999, "currency": "eur",
            "next_action": {"type": "redirect_to_url", "redirect_to_url":
                {"url": "/test-mode/authenticate/pi_3ds", "return_url": "/complete"}}
        })))
    }

    fn keys() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("key-{n}")
        }
    }

    #[test]
    fn ten_presses_in_one_tick_make_one_attempt() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let started: Vec<_> = (0..10)
            .filter_map(|_| submitter.begin("card", &mut next))
            .collect();
        assert_eq!(started.len(), 1);
        assert_eq!(started[0].idempotency_key, "key-1");
        assert!(submitter.in_flight());
    }

    #[test]
    fn a_decline_opens_the_form_with_a_new_key_on_the_same_intent() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = declined_answer(DeclineCode::InsufficientFunds);
        let outcome = outcome_of(answer.clone());
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        assert!(!submitter.in_flight());
        let again = submitter.begin("card", &mut next).unwrap();
        assert_eq!(again.idempotency_key, "key-2");
        assert_eq!(again.token_id, None, "a declined token is spent");
        assert_eq!(again.intent.map(|i| i.id), Some("pi_1".to_owned()));
    }

    #[test]
    fn an_unanswered_confirm_is_resent_with_the_same_key_and_token() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = Err(CallError::Timeout);
        let outcome = outcome_of(answer.clone());
        assert_eq!(
            outcome,
            Outcome::Failed(Feedback {
                message: Key::ErrorTimeout,
                focus: None,
                clear_cvc: false
            })
        );
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        let again = submitter.begin("card", &mut next).unwrap();
        assert_eq!(again.idempotency_key, "key-1");
        assert_eq!(again.token_id.as_deref(), Some("ctoken_1"));
    }

    /// A submitter whose first confirm ("card 4242", key-1, ctoken_1) got no answer.
    fn after_a_lost_answer(next: &mut impl FnMut() -> String) -> Submitter<&'static str> {
        let mut submitter = Submitter::default();
        let attempt = submitter.begin("card 4242", &mut *next).unwrap();
        let answer = Err(CallError::Network);
        let outcome = outcome_of(answer.clone());
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        submitter
    }

    #[test]
    fn changed_details_after_a_lost_answer_settle_the_earlier_confirm_first() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let again = submitter.begin("card 5555", &mut next).unwrap();
        assert_eq!(again.idempotency_key, "key-2");
        assert_eq!(again.token_id, None);
        assert_eq!(
            again.earlier_confirm(),
            Some(("ctoken_1", "key-1", None, &"card 4242"))
        );
    }

    #[test]
    fn an_earlier_confirm_that_charged_is_the_payment() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
        // The lost confirm had gone through: the replay says so.
        let replay = Ok(with_status("succeeded"));
        let Some(answer) = attempt.settle_earlier(replay) else {
            panic!("a paid earlier confirm must answer the attempt")
        };
        assert_eq!(attempt.details, "card 4242", "what was paid");
        let outcome = outcome_of(answer.clone());
        assert!(matches!(outcome, Outcome::Succeeded(_)));
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        assert!(submitter.done());
        assert!(
            submitter.begin("card 5555", &mut next).is_none(),
            "never a second charge"
        );
    }

    #[test]
    fn an_earlier_confirm_still_unanswered_stays_the_one_to_resend() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        for unknown in [
            Err(CallError::Timeout),
            // The server is still running the first request with that key.
            Err(CallError::api(ApiError {
                kind: ErrorType::IdempotencyError,
                code: ErrorCode::IdempotencyKeyInUse,
                decline_code: None,
                message: String::new(),
                param: None,
            })),
        ] {
            let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
            let Some(answer) = attempt.settle_earlier(unknown) else {
                panic!("an unknown outcome must not let other details pay")
            };
            submitter.finish(
                attempt,
                "ctoken_1".into(),
                &answer,
                &outcome_of(answer.clone()),
            );
            let resent = submitter.begin("card 4242", &mut next).unwrap();
            assert_eq!(resent.idempotency_key, "key-1");
            assert_eq!(resent.token_id.as_deref(), Some("ctoken_1"));
            assert_eq!(resent.earlier_confirm(), None);
            submitter.abandon(&resent);
            // Put the lost confirm back as it was for the next round.
            submitter = after_a_lost_answer(&mut keys());
        }
    }

    #[test]
    fn an_unreadable_answer_to_the_earlier_confirm_is_no_answer() {
        // A proxy's 502 page while the server restarts: the first confirm may have
        // charged, so the new details must not pay.
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
        assert!(attempt
            .settle_earlier(Err(CallError::api(unreadable_answer())))
            .is_some());
        assert_eq!(attempt.details, "card 4242");
    }

    #[test]
    fn a_lost_confirm_of_a_declined_intent_is_resent_to_that_intent() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
        // The earlier confirm had been declined: the new details confirm pi_1 …
        let declined = declined_answer(DeclineCode::InsufficientFunds);
        assert_eq!(attempt.settle_earlier(declined), None);
        assert_eq!(attempt.intent.as_ref().map(|i| i.id.as_str()), Some("pi_1"));
        // … and that answer is lost too.
        let lost = Err(CallError::Timeout);
        submitter.finish(attempt, "ctoken_2".into(), &lost, &outcome_of(lost.clone()));
        // Pay again, same details: the same confirm of pi_1, key and token.
        let again = submitter.begin("card 5555", &mut next).unwrap();
        assert_eq!(again.intent.as_ref().map(|i| i.id.as_str()), Some("pi_1"));
        assert_eq!(again.idempotency_key, "key-2");
        submitter.abandon(&again);
        // Or other details: that confirm of pi_1 is settled first, at pi_1.
        submitter = after_a_lost_answer(&mut keys());
        let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
        attempt.settle_earlier(declined_answer(DeclineCode::InsufficientFunds));
        let lost = Err(CallError::Timeout);
        submitter.finish(attempt, "ctoken_2".into(), &lost, &outcome_of(lost.clone()));
        let other = submitter.begin("card 4000", &mut next).unwrap();
        let (_, _, intent, _) = other.earlier_confirm().unwrap();
        assert_eq!(intent.map(|i| i.id.as_str()), Some("pi_1"));
    }

    #[test]
    fn after_an_earlier_decline_the_new_details_pay_the_same_intent() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
        let declined = declined_answer(DeclineCode::InsufficientFunds);
        assert_eq!(attempt.settle_earlier(declined), None);
        assert_eq!(attempt.details, "card 5555");
        assert_eq!(attempt.idempotency_key, "key-2");
        assert_eq!(attempt.intent.map(|i| i.id), Some("pi_1".to_owned()));
    }

    #[test]
    fn an_earlier_confirm_refused_before_charging_lets_the_new_details_start_anew() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
        let expired = Err(CallError::api(ApiError {
            kind: ErrorType::InvalidRequestError,
            code: ErrorCode::ExpiredToken,
            decline_code: None,
            message: String::new(),
            param: None,
        }));
        assert_eq!(attempt.settle_earlier(expired), None);
        assert_eq!(attempt.details, "card 5555");
        assert_eq!(attempt.intent, None);
    }

    #[test]
    fn a_token_failure_reopens_the_form_without_charging() {
        let mut submitter = Submitter::<&str>::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        assert!(submitter.begin("card", &mut next).is_none());
        assert!(submitter.abandon(&attempt));
        assert!(submitter.begin("card", &mut next).is_some());
    }

    #[test]
    fn success_locks_the_form_for_good() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = Ok(with_status("succeeded"));
        let outcome = outcome_of(answer.clone());
        assert!(matches!(outcome, Outcome::Succeeded(ref i) if i.id == "pi_1"));
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        assert!(submitter.done());
        submitter.restored();
        assert!(submitter.begin("card", &mut next).is_none());
    }

    #[test]
    fn coming_back_from_a_redirect_confirms_the_same_intent_again() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = redirect_answer();
        let outcome = outcome_of(answer.clone());
        assert!(
            matches!(&outcome, Outcome::Redirect { url, .. } if url == "/test-mode/authenticate/pi_3ds")
        );
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        assert!(
            submitter.begin("card", &mut next).is_none(),
            "locked while away"
        );
        submitter.restored();
        let again = submitter.begin("card", &mut next).unwrap();
        assert_eq!(again.intent.map(|i| i.id), Some("pi_3ds".to_owned()));
        assert_eq!(again.idempotency_key, "key-2");
    }

    #[test]
    fn the_pages_own_intent_is_confirmed_by_every_attempt() {
        let own = IntentRef {
            id: "pi_own".to_owned(),
            client_secret: ClientSecret::new("pi_own_secret_x"),
        };
        let mut s = Submitter::for_intent(own.clone());
        let mut key = keys();
        let first = s.begin("card", &mut key).unwrap();
        assert_eq!(first.intent.as_ref(), Some(&own));
        // A failure before any charge (the token could not be made) leaves it the one.
        assert!(s.abandon(&first));
        let second = s.begin("card", &mut key).unwrap();
        assert_eq!(second.intent.as_ref(), Some(&own));
        // Another cart changes nothing: the page has one intent.
        assert!(s.abandon(&second));
        s.order_changed();
        assert_eq!(s.begin("sepa", &mut key).unwrap().intent, Some(own));
    }

    #[test]
    fn an_intent_the_page_hands_over_replaces_a_declined_one() {
        let intent = |id: &str| IntentRef {
            id: id.to_owned(),
            client_secret: ClientSecret::new(format!("{id}_secret_x")),
        };
        let mut s = Submitter::default();
        let mut key = keys();
        s.use_intent(intent("pi_first"));
        let first = s.begin("card", &mut key).unwrap();
        assert_eq!(first.intent, Some(intent("pi_first")));
        let answer = declined_answer(DeclineCode::GenericDecline);
        s.finish(first, "t1".into(), &answer, &outcome_of(answer.clone()));
        // The page creates a new intent for its next submit: that one is confirmed,
        // not the declined one.
        s.use_intent(intent("pi_second"));
        assert_eq!(
            s.begin("card", &mut key).unwrap().intent,
            Some(intent("pi_second"))
        );
    }

    #[test]
    fn a_new_order_is_a_new_payment() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        // A decline, then the cart changes: the declined intent (old amount) is not
        // confirmed again.
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = declined_answer(DeclineCode::GenericDecline);
        submitter.finish(attempt, "t1".into(), &answer, &outcome_of(answer.clone()));
        submitter.order_changed();
        assert_eq!(submitter.begin("card", &mut next).unwrap().intent, None);

        // The order changes while an attempt is out: its decline is not carried over.
        let mut submitter = Submitter::default();
        let attempt = submitter.begin("card", &mut next).unwrap();
        submitter.order_changed();
        let answer = declined_answer(DeclineCode::GenericDecline);
        submitter.finish(attempt, "t3".into(), &answer, &outcome_of(answer.clone()));
        assert_eq!(submitter.begin("card", &mut next).unwrap().intent, None);

        // Nor an abandoned 3-D Secure intent after the customer comes back.
        let mut submitter = Submitter::default();
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = redirect_answer();
        submitter.finish(attempt, "t4".into(), &answer, &outcome_of(answer.clone()));
        submitter.restored();
        submitter.order_changed();
        assert_eq!(submitter.begin("card", &mut next).unwrap().intent, None);
    }

    fn refusal(code: ErrorCode, intent: Option<PaymentIntent>) -> Result<PaymentIntent, CallError> {
        Err(CallError::Api {
            error: ApiError::new(ErrorType::InvalidRequestError, code),
            payment_intent: intent.map(Box::new),
        })
    }

    #[test]
    fn an_unknown_outcome_survives_a_change_of_order() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        // The customer switches the market: another order, other details.
        submitter.order_changed();
        assert!(submitter.outcome_pending());
        let mut attempt = submitter.begin("card 4242 in pesos", &mut next).unwrap();
        assert_eq!(
            attempt.earlier_confirm(),
            Some(("ctoken_1", "key-1", None, &"card 4242")),
            "the lost confirm is sent again first, for its own order"
        );
        // It had paid the first order: that is the payment, nothing more is charged.
        let answer = attempt
            .settle_earlier(Ok(with_status("succeeded")))
            .unwrap();
        assert_eq!(attempt.details, "card 4242");
        let outcome = outcome_of(answer.clone());
        assert!(submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome));
        assert!(submitter.done());
        assert!(!submitter.outcome_pending());
    }

    #[test]
    fn a_declined_earlier_confirm_of_another_order_is_not_paid_with_new_details() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        submitter.order_changed();
        let mut attempt = submitter.begin("card 4242 in pesos", &mut next).unwrap();
        // The lost confirm of the first order had been declined: its intent is that
        // order's, so the new details start the new order's payment instead.
        let declined = declined_answer(DeclineCode::InsufficientFunds);
        assert_eq!(attempt.settle_earlier(declined), None);
        assert_eq!(attempt.details, "card 4242 in pesos");
        assert_eq!(attempt.intent, None, "not the old order's intent");
    }

    #[test]
    fn an_earlier_confirm_refused_because_the_order_was_paid_is_the_payment() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let mut attempt = submitter.begin("card 5555", &mut next).unwrap();
        let paid = refusal(ErrorCode::OrderAlreadyPaid, Some(with_status("succeeded")));
        let answer = attempt
            .settle_earlier(paid)
            .expect("a paid order is the attempt's outcome, not a reason to pay again");
        assert_eq!(attempt.details, "card 4242");
        let outcome = outcome_of(answer.clone());
        assert!(matches!(outcome, Outcome::Succeeded(_)));
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        assert!(submitter.done());
    }

    #[test]
    fn every_server_error_counts_as_unknown() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        // A 500 after the charge committed (the client marks every 5xx `api_error`).
        let answer = Err(CallError::api(ApiError::new(
            ErrorType::ApiError,
            ErrorCode::InternalError,
        )));
        assert!(answer.as_ref().unwrap_err().outcome_unknown());
        submitter.finish(
            attempt,
            "ctoken_1".into(),
            &answer,
            &outcome_of(answer.clone()),
        );
        assert!(submitter.outcome_pending());
        let again = submitter.begin("card", &mut next).unwrap();
        assert_eq!(again.idempotency_key, "key-1");
        assert_eq!(again.token_id.as_deref(), Some("ctoken_1"));
    }

    #[test]
    fn a_refusal_carrying_a_paid_intent_is_the_payment() {
        for (status, paid) in [("succeeded", true), ("processing", false)] {
            let mut submitter = Submitter::default();
            let mut next = keys();
            let attempt = submitter.begin("card", &mut next).unwrap();
            // Paid in another tab, or before the customer came Back.
            let answer = refusal(ErrorCode::OrderAlreadyPaid, Some(with_status(status)));
            let outcome = outcome_of(answer.clone());
            match &outcome {
                Outcome::Succeeded(intent) => assert!(paid && intent.id == "pi_1"),
                Outcome::Processing(intent) => assert!(!paid && intent.id == "pi_1"),
                other => panic!("{status}: {other:?}"),
            }
            submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
            assert!(submitter.done(), "{status}: the form stays locked");
        }
    }

    #[test]
    fn a_refusal_carrying_a_canceled_intent_is_not_confirmed_again() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = refusal(
            ErrorCode::PaymentIntentUnexpectedState,
            Some(with_status("canceled")),
        );
        let outcome = outcome_of(answer.clone());
        assert!(matches!(
            outcome,
            Outcome::Failed(Feedback {
                message: Key::StatusCanceled,
                ..
            })
        ));
        submitter.finish(attempt, "ctoken_1".into(), &answer, &outcome);
        assert_eq!(submitter.begin("card", &mut next).unwrap().intent, None);
    }

    #[test]
    fn a_page_frozen_mid_confirm_resends_that_confirm() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let first = submitter.begin("card", &mut next).unwrap();
        submitter.confirm_sent(&first, "ctoken_1");
        // The page goes into the back/forward cache and comes back: the form opens.
        submitter.restored();
        assert!(!submitter.in_flight());
        assert!(submitter.outcome_pending());
        let again = submitter.begin("card", &mut next).unwrap();
        assert_eq!(again.idempotency_key, "key-1");
        assert_eq!(again.token_id.as_deref(), Some("ctoken_1"));
        // The first attempt's late answer (a decline) resets nothing of the new one.
        let late = declined_answer(DeclineCode::GenericDecline);
        assert!(!submitter.finish(first, "ctoken_1".into(), &late, &outcome_of(late.clone())));
        assert!(submitter.in_flight(), "the newer attempt keeps the guard");
        let answer = Ok(with_status("succeeded"));
        assert!(submitter.finish(
            again,
            "ctoken_1".into(),
            &answer,
            &outcome_of(answer.clone())
        ));
        assert!(submitter.done());
    }

    #[test]
    fn a_page_frozen_before_its_confirm_starts_afresh_and_ignores_the_old_token() {
        let mut submitter = Submitter::<&str>::default();
        let mut next = keys();
        let first = submitter.begin("card", &mut next).unwrap();
        submitter.restored();
        assert!(!submitter.outcome_pending(), "nothing was confirmed");
        let again = submitter.begin("card", &mut next).unwrap();
        assert_eq!(again.idempotency_key, "key-2");
        assert_eq!(again.token_id, None);
        // The old attempt's token failure does not reopen the newer attempt's form.
        assert!(!submitter.abandon(&first));
        assert!(submitter.in_flight());
    }

    #[test]
    fn a_page_frozen_while_settling_an_earlier_confirm_keeps_it_to_settle() {
        let mut next = keys();
        let mut submitter = after_a_lost_answer(&mut next);
        let attempt = submitter.begin("card 5555", &mut next).unwrap();
        assert!(attempt.earlier_confirm().is_some());
        submitter.restored();
        let again = submitter.begin("card 5555", &mut next).unwrap();
        assert_eq!(
            again.earlier_confirm(),
            Some(("ctoken_1", "key-1", None, &"card 4242"))
        );
    }

    #[test]
    fn an_intent_that_cannot_be_retried_is_forgotten() {
        let mut submitter = Submitter::default();
        let mut next = keys();
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = declined_answer(DeclineCode::GenericDecline);
        submitter.finish(attempt, "t1".into(), &answer, &outcome_of(answer.clone()));
        let attempt = submitter.begin("card", &mut next).unwrap();
        let answer = Err(CallError::api(ApiError::new(
            ErrorType::InvalidRequestError,
            ErrorCode::PaymentIntentUnexpectedState,
        )));
        submitter.finish(attempt, "t2".into(), &answer, &outcome_of(answer.clone()));
        assert_eq!(submitter.begin("card", &mut next).unwrap().intent, None);
    }

    #[test]
    fn declines_say_why_and_point_at_the_field() {
        let number = feedback_for_error(&ApiError::new(
            ErrorType::CardError,
            ErrorCode::IncorrectNumber,
        ));
        assert_eq!(number.focus, Some(Field::CardNumber));
        assert_eq!(number.message, Key::CodeIncorrectNumber);
        assert!(number.clear_cvc);
        let cvc = feedback_for_error(&ApiError::declined(DeclineCode::IncorrectCvc));
        assert_eq!(
            (cvc.focus, cvc.message),
            (Some(Field::Cvc), Key::DeclineIncorrectCvc)
        );
        let invalid_cvc =
            feedback_for_error(&ApiError::new(ErrorType::CardError, ErrorCode::InvalidCvc));
        assert_eq!(invalid_cvc.focus, Some(Field::Cvc));
        let funds = feedback_for_error(&ApiError::declined(DeclineCode::InsufficientFunds));
        assert_eq!(
            (funds.focus, funds.message),
            (None, Key::DeclineInsufficientFunds)
        );
        let api = feedback_for_error(&ApiError::new(
            ErrorType::ApiError,
            ErrorCode::InternalError,
        ));
        assert!(!api.clear_cvc, "only card errors empty the CVC");
    }

    #[test]
    fn lost_stolen_and_unknown_declines_read_as_generic() {
        for decline in [
            DeclineCode::LostCard,
            DeclineCode::StolenCard,
            DeclineCode::Unknown,
        ] {
            let outcome = outcome_of(declined_answer(decline));
            assert!(
                matches!(outcome, Outcome::Failed(f) if f.message == Key::DeclineGeneric),
                "{decline:?}"
            );
        }
    }

    #[test]
    fn odd_answers_degrade_to_a_generic_failure() {
        for status in ["requires_confirmation", "brand_new_status"] {
            let outcome = outcome_of(Ok(with_status(status)));
            assert!(
                matches!(outcome, Outcome::Failed(f) if f.message == Key::CodeUnknown),
                "{status}"
            );
        }
        // requires_action without a next action this build can follow.
        let outcome = outcome_of(Ok(with_status("requires_action")));
        assert!(matches!(outcome, Outcome::Failed(f) if f.message == Key::CodeUnknown));
        let outcome = outcome_of(Ok(with_status("processing")));
        assert!(matches!(outcome, Outcome::Processing(_)));
    }

    #[test]
    fn retry_delays_grow_with_jitter_and_a_cap() {
        assert_eq!(retry_delay_ms(0, 0.0), 125);
        assert_eq!(retry_delay_ms(0, 1.0), 250);
        assert_eq!(retry_delay_ms(1, 0.5), 375);
        assert_eq!(retry_delay_ms(30, 1.0), 4_000);
        assert!(retry_delay_ms(30, 0.0) >= 2_000);
    }

    #[test]
    fn polling_backs_off_and_stops() {
        let policy = PollPolicy::default();
        let delays: Vec<_> = (0..12).map(|n| policy.delay_ms(n)).collect();
        assert_eq!(
            &delays[..5],
            &[
                Some(1_000),
                Some(2_000),
                Some(4_000),
                Some(8_000),
                Some(8_000)
            ]
        );
        assert_eq!(delays[9], Some(8_000));
        assert_eq!(delays[10], None);
    }

    #[test]
    fn the_return_page_message_follows_the_status() {
        assert_eq!(
            return_message(&with_status("succeeded"), false),
            ReturnMessage::Received
        );
        assert_eq!(
            return_message(&with_status("processing"), false),
            ReturnMessage::Processing
        );
        assert_eq!(
            return_message(&with_status("processing"), true),
            ReturnMessage::ProcessingByEmail
        );
        assert_eq!(
            return_message(&with_status("canceled"), false),
            ReturnMessage::Canceled
        );
        assert_eq!(
            return_message(&with_status("what_is_this"), false),
            ReturnMessage::Unknown
        );
        let mut stolen = with_status("requires_payment_method");
        stolen.last_payment_error = Some(ApiError::declined(DeclineCode::StolenCard));
        assert_eq!(
            return_message(&stolen, false),
            ReturnMessage::Failed(Key::DeclineGeneric)
        );
        for (kind, key) in [
            ("sepa_debit", Key::SepaDebitFailed),
            ("ewallet", Key::EwalletFailed),
            ("card", Key::DeclineGeneric),
        ] {
            let mut failed = with_status("requires_payment_method");
            failed.last_payment_error = Some(ApiError::declined(DeclineCode::GenericDecline));
            failed.payment_method_preview =
                Some(serde_json::from_value(serde_json::json!({ "type": kind })).unwrap());
            assert_eq!(
                return_message(&failed, false),
                ReturnMessage::Failed(key),
                "{kind}"
            );
        }
        let mut funds = with_status("requires_payment_method");
        funds.last_payment_error = Some(ApiError::declined(DeclineCode::InsufficientFunds));
        assert_eq!(
            return_message(&funds, false),
            ReturnMessage::Failed(Key::DeclineInsufficientFunds)
        );
    }

    #[test]
    fn the_return_address_carries_what_a_redirect_would() {
        let intent = IntentRef {
            id: "pi_1".into(),
            client_secret: ClientSecret::new("pi_1_secret_a+b"),
        };
        assert_eq!(
            return_address("https://shop.example/complete", &intent, "succeeded"),
            "https://shop.example/complete?payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_a%2Bb&redirect_status=succeeded"
        );
        assert_eq!(
            return_address("/complete?order=7#top", &intent, "processing"),
            "/complete?order=7&payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_a%2Bb&redirect_status=processing#top"
        );
        // A setup intent's return page reads Stripe's `setup_intent` names.
        let setup = IntentRef {
            id: "seti_1".into(),
            client_secret: ClientSecret::new("seti_1_secret_c"),
        };
        assert_eq!(
            return_address("/saved", &setup, "succeeded"),
            "/saved?setup_intent=seti_1&setup_intent_client_secret=seti_1_secret_c&redirect_status=succeeded"
        );
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let intent = IntentRef::of(&with_status("succeeded")).unwrap();
        assert!(!format!("{:?}", Outcome::Succeeded(intent)).contains("secret_x"));
    }
}
