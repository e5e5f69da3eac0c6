//! The Stripe adapter behind [`Processor`] (`checkout-server --processor stripe`): cards
//! registered as Stripe PaymentMethods where the number is (the vault), PaymentIntents
//! created and confirmed in one call under the attempt's key ("finalize payments on the
//! server"), Stripe customers made for ours when a card is saved or charged off session,
//! 3-D Secure as Stripe's own page (`redirect_to_url`), read back by the return page.
//!
//! A card saved without a payment (`confirmSetup`) is a SetupIntent, on the same
//! Stripe customer, its 3-D Secure page returning through our return route too.
//!
//! Not wired yet, and refused with a clear error rather than faked: SEPA Direct Debit,
//! wallets and QR codes through Stripe (the method has no Stripe PaymentMethod).

use payment_core::api::{NextAction, SetupFutureUsage};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::iban::Iban;
use payment_core::money::{Currency, MinorUnit, Money};

use super::client::{ClientError, StripeClient};
use super::keys::SecretKey;
use super::requests::{
    cancel_intent, create_and_confirm, create_and_confirm_setup, create_card_method,
    create_customer, retrieve_intent, retrieve_setup_intent, CreateAndConfirm, PaymentMethodType,
    Session,
};
use super::transformers::{
    intent_outcome, map_error, Created, IntentOutcome, PaymentIntent, Response, StripeErrorType,
};
use crate::processor::{
    cannot_be_set_up, decline_error, Attempt, Behaviour, CardForProcessor, Final, NoAnswer,
    Outcome, Processed, Processor,
};

/// The Stripe adapter.
#[derive(Debug, Clone)]
pub struct StripeProcessor {
    client: StripeClient,
    raw_card_data: bool,
    test_mode: bool,
}

impl StripeProcessor {
    /// An adapter for the account of `key` at `base_url` (Stripe's, or a stand-in's).
    /// `raw_card_data`: the account may send card numbers to Stripe's API (Stripe
    /// grants this on request); without it only Stripe's test cards are taken, in test
    /// mode, as Stripe's test PaymentMethods.
    pub fn new(base_url: &str, key: SecretKey, raw_card_data: bool) -> reqwest::Result<Self> {
        let test_mode = key.is_test_mode();
        Ok(Self::with_client(
            StripeClient::new(base_url, key)?,
            raw_card_data,
            test_mode,
        ))
    }

    /// An adapter over a client made elsewhere (tests use short timeouts).
    pub fn with_client(client: StripeClient, raw_card_data: bool, test_mode: bool) -> Self {
        Self {
            client,
            raw_card_data,
            test_mode,
        }
    }

    /// The Stripe customer for ours: the one kept, or a new one (under a key derived
    /// from our id, so a retry gets the same). `Ok(None)`: none is needed.
    async fn customer_for(&self, attempt: &Attempt) -> Result<CustomerFor, NoAnswer> {
        let charge = &attempt.charge;
        // A setup (nothing to charge) and a saved card's payments need one.
        let needed =
            attempt.off_session || charge.setup_future_usage.is_some() || charge.amount == 0;
        match (&charge.processor_customer, &charge.customer) {
            (Some(kept), _) => Ok(CustomerFor::Kept(kept.clone())),
            (None, Some(ours)) if needed => {
                match self.client.create(&create_customer(ours)).await {
                    Ok(Created::Id(id)) => Ok(CustomerFor::Made(id)),
                    Ok(Created::Error { error, .. }) => Err(NoAnswer::NotSent(format!(
                        "Stripe refused the customer: {}",
                        error.message.unwrap_or_default()
                    ))),
                    Err(err) => Err(no_answer(err)),
                }
            }
            _ => Ok(CustomerFor::None),
        }
    }
}

enum CustomerFor {
    None,
    Kept(String),
    Made(String),
}

impl CustomerFor {
    /// The customer made for this call, to keep on ours.
    fn made(self) -> Option<String> {
        match self {
            Self::Made(id) => Some(id),
            Self::None | Self::Kept(_) => None,
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Kept(id) | Self::Made(id) => Some(id),
        }
    }
}

/// Stripe's test PaymentMethods for its test card numbers
/// (<https://docs.stripe.com/testing#cards>, `#declined-payments`, `#regulatory-cards`):
/// what a test-mode account without raw card data access is charged with.
const TEST_PAYMENT_METHODS: [(&str, &str); 15] = [
    ("4242424242424242", "pm_card_visa"),
    ("4000056655665556", "pm_card_visa_debit"),
    ("5555555555554444", "pm_card_mastercard"),
    ("378282246310005", "pm_card_amex"),
    ("4000000000000002", "pm_card_visa_chargeDeclined"),
    (
        "4000000000009995",
        "pm_card_visa_chargeDeclinedInsufficientFunds",
    ),
    ("4000000000009987", "pm_card_visa_chargeDeclinedLostCard"),
    ("4000000000009979", "pm_card_visa_chargeDeclinedStolenCard"),
    ("4000000000000069", "pm_card_chargeDeclinedExpiredCard"),
    ("4000000000000127", "pm_card_chargeDeclinedIncorrectCvc"),
    ("4000000000000119", "pm_card_chargeDeclinedProcessingError"),
    (
        "4000000000006975",
        "pm_card_visa_chargeDeclinedVelocityLimitExceeded",
    ),
    ("4000002500003155", "pm_card_authenticationRequiredOnSetup"),
    ("4000002760003184", "pm_card_authenticationRequired"),
    ("4000000000003220", "pm_card_threeDSecure2Required"),
];

/// Stripe's test PaymentMethod for a test card number.
pub fn test_payment_method(pan: &str) -> Option<&'static str> {
    TEST_PAYMENT_METHODS
        .iter()
        .find(|(number, _)| *number == pan)
        .map(|(_, method)| *method)
}

/// What the customer is told when the processor could not be reached: their card was
/// not charged, and trying again later may work.
fn unreachable_error() -> ApiError {
    decline_error(DeclineCode::ProcessingError)
}

/// A client failure in the adapter's terms: nothing left (the request could not be
/// built or the client made) or the outcome is unknown (no final answer, or one that
/// does not parse).
fn no_answer(err: ClientError) -> NoAnswer {
    match err {
        ClientError::Request(_) | ClientError::Http(_) => NoAnswer::NotSent(err.to_string()),
        ClientError::Unanswered(_) | ClientError::Unreadable(_) => NoAnswer::Lost(err.to_string()),
    }
}

/// Stripe's answer to a create-and-confirm (a PaymentIntent, or a SetupIntent in its
/// shape) in the adapter's terms, with the customer `made` for this call.
fn answered(
    answer: Result<Response, ClientError>,
    made: Option<String>,
) -> Result<Processed, NoAnswer> {
    let processed = |outcome, reference| Processed {
        outcome,
        reference,
        customer: made,
        saved_method: None,
    };
    match answer {
        Ok(Response::Intent(intent)) => Ok(processed(outcome_of(&intent), Some(intent.id))),
        // The first request under this key is still running: its answer will be read
        // back once the attempt's lease is over.
        Ok(Response::Error { error, .. }) if error.kind == StripeErrorType::IdempotencyError => {
            Err(NoAnswer::Lost(format!(
                "Stripe: {}",
                error.message.unwrap_or_default()
            )))
        }
        // A decline (402) names the intent in its new state; other refusals are Stripe's
        // final word on these parameters.
        Ok(Response::Error { error, .. }) => {
            let reference = error
                .payment_intent
                .as_ref()
                .map(|intent| intent.id.clone());
            let outcome = Outcome::Done(Final::Failed {
                error: map_error(&error),
            });
            Ok(processed(outcome, reference))
        }
        Err(err) => Err(no_answer(err)),
    }
}

/// A PaymentIntent onto our outcome. A next action this server cannot follow
/// (`use_stripe_sdk`, which needs Stripe.js in the page) fails the attempt at once with
/// that said, rather than leaving the customer waiting.
pub fn outcome_of(intent: &PaymentIntent) -> Outcome {
    match intent_outcome(intent) {
        Ok(IntentOutcome::Succeeded | IntentOutcome::Authorised) => {
            Outcome::Done(Final::Succeeded { disputed: false })
        }
        Ok(IntentOutcome::Failed { error }) => Outcome::Done(Final::Failed { error }),
        Ok(IntentOutcome::Processing) => Outcome::Pending,
        Ok(IntentOutcome::RequiresAction { redirect }) => Outcome::Action {
            next_action: NextAction::RedirectToUrl {
                redirect_to_url: redirect,
            },
        },
        Ok(IntentOutcome::Canceled) => Outcome::Done(Final::Failed {
            error: ApiError::new(
                ErrorType::InvalidRequestError,
                ErrorCode::PaymentIntentUnexpectedState,
            )
            .with_message("The payment was canceled at Stripe."),
        }),
        Err(unsupported) => {
            tracing::warn!(intent = %intent.id, %unsupported, "Stripe asked for what this server cannot follow");
            Outcome::Done(Final::Failed {
                error: unsupported.api_error(),
            })
        }
    }
}

#[async_trait::async_trait]
impl Processor for StripeProcessor {
    fn recognizes(&self, reference: &str) -> bool {
        reference.starts_with("pi_") || reference.starts_with("seti_")
    }

    /// Stripe decides how a card behaves when it is charged.
    fn classify_card(&self, _pan_digits: &str) -> Behaviour {
        Behaviour::HeldByProcessor
    }

    fn classify_sepa(&self, _iban: &Iban, _email: Option<&str>) -> Behaviour {
        Behaviour::HeldByProcessor
    }

    async fn register_card(&self, card: &CardForProcessor<'_>) -> Result<Option<String>, ApiError> {
        if !self.raw_card_data {
            return match (self.test_mode, test_payment_method(card.pan)) {
                (true, Some(method)) => Ok(Some(method.to_owned())),
                (true, None) => Err(ApiError::new(ErrorType::CardError, ErrorCode::CardDeclined)
                    .with_message(
                        "This Stripe test account takes Stripe's test cards only (4242 4242 4242 4242 and the others Stripe lists).",
                    )),
                (false, _) => Err(ApiError::new(ErrorType::ApiError, ErrorCode::InternalError)
                    .with_message(
                        "Cards cannot be sent to this Stripe account: it has no raw card data access.",
                    )),
            };
        }
        match self.client.create(&create_card_method(card)).await {
            Ok(Created::Id(id)) => Ok(Some(id)),
            Ok(Created::Error { error, .. }) => Err(map_error(&error)),
            Err(err) => {
                tracing::warn!(%err, "Stripe did not register the card");
                Err(unreachable_error())
            }
        }
    }

    async fn confirm(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        let charge = &attempt.charge;
        let Some(method) = charge.method.as_deref() else {
            let error = ApiError::new(ErrorType::InvalidRequestError, ErrorCode::ParameterInvalid)
                .with_param("payment_method")
                .with_message(
                    "This payment method cannot be paid through Stripe here; pay by card.",
                );
            return Ok(Outcome::Done(Final::Failed { error }).into());
        };
        let customer = self.customer_for(attempt).await?;
        let currency = Currency::new(&charge.currency)
            .map_err(|_| NoAnswer::NotSent(format!("unknown currency {}", charge.currency)))?;
        let setup_future_usage = charge
            .setup_future_usage
            .as_deref()
            .and_then(crate::methods::wire_enum);
        let return_url = charge.return_url.as_deref().unwrap_or_default();
        let params = CreateAndConfirm {
            amount: Money::new(MinorUnit::new(charge.amount), currency),
            payment_method: method,
            payment_method_type: PaymentMethodType::Card,
            customer: customer.id(),
            order_id: charge.order_id.as_deref().unwrap_or(&charge.reference),
            session: if attempt.off_session {
                Session::Off
            } else {
                Session::On {
                    return_url,
                    setup_future_usage,
                    request_three_d_secure: None,
                }
            },
        };
        let request =
            create_and_confirm(&params, key).map_err(|err| NoAnswer::NotSent(err.to_string()))?;
        answered(self.client.send(&request).await, customer.made())
    }

    async fn retrieve(&self, reference: &str) -> Result<Processed, NoAnswer> {
        let read = if reference.starts_with("seti_") {
            self.client
                .send_setup(&retrieve_setup_intent(reference))
                .await
        } else {
            self.client.send(&retrieve_intent(reference)).await
        };
        match read {
            Ok(Response::Intent(intent)) => Ok(outcome_of(&intent).into()),
            Ok(Response::Error { error, .. }) => Err(NoAnswer::Lost(format!(
                "Stripe did not read {reference}: {}",
                error.message.unwrap_or_default()
            ))),
            Err(err) => Err(no_answer(err)),
        }
    }

    async fn cancel(&self, reference: &str) -> Result<Outcome, NoAnswer> {
        match self.client.send(&cancel_intent(reference)).await {
            Ok(Response::Intent(intent)) => Ok(outcome_of(&intent)),
            // Refused: it is past canceling (paid, most likely). Where it stands says.
            Ok(Response::Error { .. }) => self.retrieve(reference).await.map(|p| p.outcome),
            Err(err) => Err(no_answer(err)),
        }
    }

    /// A card saved with nothing charged: a SetupIntent created and confirmed under the
    /// attempt's key, on the Stripe customer for ours (made here the first time).
    async fn set_up(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        let charge = &attempt.charge;
        let Some(method) = charge.method.as_deref() else {
            let error =
                cannot_be_set_up().with_message("Only cards can be saved through Stripe here.");
            return Ok(Outcome::Done(Final::Failed { error }).into());
        };
        let customer = self.customer_for(attempt).await?;
        let Some(customer_id) = customer.id() else {
            return Err(NoAnswer::NotSent("a setup needs a customer".to_owned()));
        };
        let usage = charge
            .setup_future_usage
            .as_deref()
            .and_then(crate::methods::wire_enum)
            .unwrap_or(SetupFutureUsage::OffSession);
        let request = create_and_confirm_setup(
            method,
            customer_id,
            usage,
            charge.return_url.as_deref().unwrap_or_default(),
            &charge.reference,
            key,
        )
        .map_err(|err| NoAnswer::NotSent(err.to_string()))?;
        answered(self.client.send_setup(&request).await, customer.made())
    }
}
