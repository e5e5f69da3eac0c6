//! The Xendit adapter behind [`Processor`] (`checkout-server --processor xendit`):
//! e-wallets (GCash, Maya, ShopeePay, OVO, DANA) as payment requests, `PAY_AND_SAVE`
//! when the customer consents to saving the wallet and `PAY` with its
//! `payment_token_id` afterwards, QRIS and QR Ph codes, each under the attempt's key,
//! the wallet's page returning the customer through our return route, the result read
//! back or told by the `x-callback-token` webhooks.
//!
//! Not wired, and refused with a clear error rather than faked: cards and SEPA through
//! Xendit, saving a wallet without a payment.

use payment_core::error::{ApiError, ErrorCode, ErrorType};
use payment_core::iban::Iban;
use payment_core::money::{Currency, MinorUnit, Money};

use super::client::{ClientError, XenditClient};
use super::keys::SecretKey;
use super::requests::{
    cancel_payment_request, create_payment_request, retrieve_payment_request, CreatePaymentRequest,
    Customer, PaymentSource, ReturnUrls,
};
use super::transformers::{
    map_error, payment_outcome, PaymentOutcome, PaymentRequest, Response, XenditStatus,
};
use crate::processor::{
    cannot_be_set_up, qr_code_expired, Attempt, Behaviour, CardForProcessor, Final, NoAnswer,
    Outcome, Processed, Processor,
};

/// The Xendit adapter.
#[derive(Debug, Clone)]
pub struct XenditProcessor {
    client: XenditClient,
}

impl XenditProcessor {
    /// An adapter for the account of `key` at `base_url` (Xendit's, or a mock's).
    pub fn new(base_url: &str, key: SecretKey) -> reqwest::Result<Self> {
        Ok(Self::with_client(XenditClient::new(base_url, key)?))
    }

    /// An adapter over a client made elsewhere (tests use short timeouts).
    pub fn with_client(client: XenditClient) -> Self {
        Self { client }
    }
}

/// A method Xendit is not asked to charge here.
fn not_through_xendit() -> ApiError {
    ApiError::new(ErrorType::InvalidRequestError, ErrorCode::ParameterInvalid)
        .with_param("payment_method")
        .with_message(
            "This payment method cannot be paid through Xendit here; pay with an e-wallet or a QR code.",
        )
}

fn no_answer(err: ClientError) -> NoAnswer {
    match err {
        ClientError::Request(_) | ClientError::Http(_) => NoAnswer::NotSent(err.to_string()),
        ClientError::Unanswered(_) | ClientError::Unreadable(_) => NoAnswer::Lost(err.to_string()),
    }
}

/// A payment request onto our outcome: the wallet's page or app, or the QR code, as the
/// processor's own next action; an expired code as `qr_code_expired`, so the customer
/// is offered a new one; an action this server cannot follow fails the attempt at once.
pub fn outcome_of(request: &PaymentRequest) -> Outcome {
    match payment_outcome(request) {
        Ok(PaymentOutcome::Succeeded | PaymentOutcome::Authorised) => {
            Outcome::Done(Final::Succeeded { disputed: false })
        }
        Ok(PaymentOutcome::Processing) => Outcome::Pending,
        Ok(PaymentOutcome::RequiresAction { next_action }) => Outcome::Action { next_action },
        Ok(PaymentOutcome::Failed { error }) => Outcome::Done(Final::Failed { error }),
        Ok(PaymentOutcome::Canceled) => Outcome::Done(Final::Failed {
            error: if request.status == XenditStatus::Expired {
                qr_code_expired()
            } else {
                ApiError::new(
                    ErrorType::InvalidRequestError,
                    ErrorCode::PaymentIntentUnexpectedState,
                )
                .with_message("The payment was canceled at Xendit.")
            },
        }),
        Err(unsupported) => {
            tracing::warn!(request = %request.payment_request_id, %unsupported, "Xendit asked for what this server cannot follow");
            Outcome::Done(Final::Failed {
                error: unsupported.api_error(),
            })
        }
    }
}

#[async_trait::async_trait]
impl Processor for XenditProcessor {
    fn recognizes(&self, reference: &str) -> bool {
        reference.starts_with("pr-")
    }

    fn classify_card(&self, _pan_digits: &str) -> Behaviour {
        Behaviour::HeldByProcessor
    }

    fn classify_sepa(&self, _iban: &Iban, _email: Option<&str>) -> Behaviour {
        Behaviour::HeldByProcessor
    }

    async fn register_card(
        &self,
        _card: &CardForProcessor<'_>,
    ) -> Result<Option<String>, ApiError> {
        Err(
            ApiError::new(ErrorType::InvalidRequestError, ErrorCode::ParameterInvalid)
                .with_message(
                    "Cards are not taken through Xendit here; pay with an e-wallet or a QR code.",
                ),
        )
    }

    async fn confirm(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        let charge = &attempt.charge;
        let currency = Currency::new(&charge.currency)
            .map_err(|_| NoAnswer::NotSent(format!("unknown currency {}", charge.currency)))?;
        let back = charge.return_url.as_deref().unwrap_or_default();
        let return_urls = ReturnUrls {
            success: back,
            failure: back,
            cancel: None,
        };
        let source = match (attempt.behaviour, charge.method.as_deref()) {
            (Behaviour::Ewallet { channel }, _) => PaymentSource::Ewallet {
                channel,
                return_urls,
                save: charge.setup_future_usage.is_some(),
            },
            (Behaviour::EwalletToken { .. }, Some(token)) => PaymentSource::SavedToken {
                payment_token_id: token,
                return_urls: charge.return_url.is_some().then_some(return_urls),
            },
            (Behaviour::QrCode { channel }, _) => PaymentSource::QrCode { channel },
            _ => {
                return Ok(Outcome::Done(Final::Failed {
                    error: not_through_xendit(),
                })
                .into())
            }
        };
        let ours = charge.customer.as_deref().unwrap_or(&charge.reference);
        let customer = match &charge.processor_customer {
            Some(kept) => Some(Customer::Existing(kept)),
            None if charge.setup_future_usage.is_some() => Some(Customer::New {
                reference_id: ours,
                given_names: charge.billing_name.as_deref().unwrap_or(ours),
                email: None,
            }),
            None => None,
        };
        let params = CreatePaymentRequest {
            amount: Money::new(MinorUnit::new(charge.amount), currency),
            reference_id: &charge.reference,
            source,
            customer,
            order_id: charge.order_id.as_deref().unwrap_or(&charge.reference),
        };
        let request = create_payment_request(&params, key)
            .map_err(|err| NoAnswer::NotSent(err.to_string()))?;
        match self.client.send(&request).await {
            Ok(Response::PaymentRequest(made)) => Ok(Processed {
                outcome: outcome_of(&made),
                reference: Some(made.payment_request_id.clone()),
                customer: made
                    .customer_id
                    .clone()
                    .filter(|_| charge.processor_customer.is_none()),
                saved_method: made.saved_payment_token().map(str::to_owned),
            }),
            // Another request under this key (still running, or done): read back later.
            Ok(Response::Error { status: 409, error }) => Err(NoAnswer::Lost(format!(
                "Xendit: {}",
                error.message.unwrap_or_default()
            ))),
            Ok(Response::Error { status, error }) => Ok(Outcome::Done(Final::Failed {
                error: map_error(status, &error),
            })
            .into()),
            Err(err) => Err(no_answer(err)),
        }
    }

    async fn retrieve(&self, reference: &str) -> Result<Processed, NoAnswer> {
        match self.client.send(&retrieve_payment_request(reference)).await {
            Ok(Response::PaymentRequest(request)) => Ok(Processed {
                outcome: outcome_of(&request),
                reference: Some(request.payment_request_id.clone()),
                customer: None,
                saved_method: request.saved_payment_token().map(str::to_owned),
            }),
            Ok(Response::Error { error, .. }) => Err(NoAnswer::Lost(format!(
                "Xendit did not read {reference}: {}",
                error.message.unwrap_or_default()
            ))),
            Err(err) => Err(no_answer(err)),
        }
    }

    async fn cancel(&self, reference: &str) -> Result<Outcome, NoAnswer> {
        match self.client.send(&cancel_payment_request(reference)).await {
            Ok(Response::PaymentRequest(request)) => Ok(outcome_of(&request)),
            // Refused: it is past canceling (paid, most likely). Where it stands says.
            Ok(Response::Error { .. }) => self.retrieve(reference).await.map(|p| p.outcome),
            Err(err) => Err(no_answer(err)),
        }
    }

    async fn set_up(&self, _key: &str, _attempt: &Attempt) -> Result<Processed, NoAnswer> {
        let error = cannot_be_set_up().with_message(
            "A wallet is saved with Xendit while paying with it (PAY_AND_SAVE); saving without a payment is not available here.",
        );
        Ok(Outcome::Done(Final::Failed { error }).into())
    }
}
