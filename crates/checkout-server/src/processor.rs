//! The payment processor behind the merchant API, and the built-in deterministic
//! test-mode processor that follows Stripe's documented test numbers (DESIGN.md).
//!
//! The processor sees raw card data exactly once, in the vault on the payments origin
//! when the storefront redeems a card token, and an IBAN once, when a confirmation token
//! is made; it answers with a [`Behaviour`]: the outcome class stored with the payment
//! method instead of the number. Later decisions (confirm, 3-D Secure result, SEPA
//! settlement, off-session charge) are made from that class alone.

use payment_core::api::{EwalletChannel, QrChannel};
use payment_core::error::{ApiError, DeclineCode, ErrorCode, ErrorType};
use payment_core::iban::Iban;
use serde::{Deserialize, Serialize};

/// How a payment method behaves when charged, decided when it was tokenised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Behaviour {
    /// Charges succeed, on and off session.
    CardSucceeds,
    /// 4000 0025 0000 3155: 3-D Secure on session unless set up for off-session use.
    CardAuthenticateUnlessSetUp,
    /// 4000 0027 6000 3184: 3-D Secure on every payment; off session it fails.
    CardAuthenticateAlways,
    /// 4000 0000 0000 3220: 3-D Secure, then success.
    CardAuthenticateThenSucceed,
    /// 4000 0084 0000 1629: 3-D Secure, then declined.
    CardAuthenticateThenDecline,
    /// Declined with the code.
    CardDeclined {
        /// Why.
        decline_code: DeclineCode,
    },
    /// SEPA: processing, then succeeded (or failed) after `delay` seconds.
    SepaDebit {
        /// The debit succeeds.
        succeeds: bool,
        /// Seconds in `processing`.
        delay: i64,
        /// A dispute follows the success.
        disputed: bool,
    },
    /// An e-wallet: the customer authorises on the wallet's page.
    Ewallet {
        /// The wallet.
        channel: EwalletChannel,
    },
    /// A saved e-wallet token (Xendit's `payment_token_id`): charged without a redirect.
    EwalletToken {
        /// The wallet.
        channel: EwalletChannel,
    },
    /// A QR code the customer scans and pays in a banking app (never saved: each code
    /// is for one payment).
    QrCode {
        /// The QR standard.
        channel: QrChannel,
    },
    /// A method a real processor holds (its id in `payment_methods.processor_ref`):
    /// how it behaves is the processor's to say when it is charged.
    HeldByProcessor,
}

impl Behaviour {
    /// Stored form.
    pub fn to_db(self) -> String {
        serde_json::to_string(&self).unwrap_or_default()
    }

    /// From the stored form.
    pub fn from_db(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// What a charge attempt knows: the method's class and the circumstances. Stored with
/// the attempt, so that a call whose answer was lost can be made again unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// The method's class.
    pub behaviour: Behaviour,
    /// The customer is not present (a merchant-initiated charge).
    pub off_session: bool,
    /// The method was set up for off-session use by an earlier authenticated payment.
    pub set_up_off_session: bool,
    /// What a real processor's request is built from (the test-mode one needs only the
    /// class).
    #[serde(default)]
    pub charge: Charge,
}

/// What is charged, as a real processor's request names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// Our intent (`pi_…`, `seti_…`): kept by the processor as metadata or its
    /// reference id, so either side finds the other.
    pub reference: String,
    /// Our order, when there is one.
    pub order_id: Option<String>,
    /// Minor units of `currency` (0 for a setup).
    pub amount: i64,
    /// ISO 4217, lower case.
    pub currency: String,
    /// The processor's own method (Stripe's `pm_…`, Xendit's `payment_token_id`).
    pub method: Option<String>,
    /// Our customer (`cus_…`), when the payment has one.
    pub customer: Option<String>,
    /// The processor's customer for ours, once it has one.
    pub processor_customer: Option<String>,
    /// Where the processor's own page sends the customer back (absolute).
    pub return_url: Option<String>,
    /// `off_session` or `on_session`: save the method for later payments.
    pub setup_future_usage: Option<String>,
    /// The name in the method's billing details (a processor's customer record).
    pub billing_name: Option<String>,
}

/// A card as the processor is told of it when it is tokenised, on the payments origin
/// (the only place the number exists). Its `Debug` shows none of it.
pub struct CardForProcessor<'a> {
    /// The digits.
    pub pan: &'a str,
    /// 1–12.
    pub exp_month: u8,
    /// Four digits.
    pub exp_year: u16,
    /// The CVC, when it is still held (its one use).
    pub cvc: Option<&'a str>,
}

impl std::fmt::Debug for CardForProcessor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardForProcessor { .. }")
    }
}

/// Which simulated page a redirect goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionPage {
    /// The 3-D Secure challenge.
    ThreeDSecure,
    /// The e-wallet's authorisation page.
    Ewallet,
    /// The banking app a scanned QR code opens; the code lapses at the intent's
    /// `action_expires_at`.
    QrCode,
}

/// The final result of an attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Final {
    /// Money moved.
    Succeeded {
        /// A dispute event follows (SEPA test emails).
        #[serde(default)]
        disputed: bool,
    },
    /// Failed: the intent goes back to `requires_payment_method` with this error.
    Failed {
        /// Why.
        error: ApiError,
    },
}

/// The processor's answer to a confirm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Settled at once.
    Done(Final),
    /// The customer must act on a page; the action resolves to one of two finals.
    RequiresAction {
        /// Which page.
        page: ActionPage,
        /// If the customer completes it.
        on_success: Final,
        /// Seconds until the action lapses unanswered (a QR code); `None` waits for
        /// the customer indefinitely (3-D Secure and wallet pages).
        expires_in: Option<i64>,
    },
    /// The result comes later.
    Processing {
        /// Seconds until it settles.
        delay: i64,
        /// What it settles to.
        then: Final,
    },
    /// The processor's own next action: its page (3-D Secure, a bank, a wallet's
    /// page or app), from which the customer comes back to the return URL, or a QR
    /// code to scan. The result is read back from the processor
    /// ([`Processor::retrieve`]) or comes with its webhook.
    Action {
        /// What the customer does.
        next_action: payment_core::api::NextAction,
    },
    /// The processor settles later, and says how when asked or by webhook.
    Pending,
}

/// The processor's answer to a call: the outcome, and the processor's own ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// What happened.
    pub outcome: Outcome,
    /// The processor's id of the payment (Stripe's `pi_…`), to read it back by.
    pub reference: Option<String>,
    /// The processor's customer made for ours (to save the method to).
    pub customer: Option<String>,
    /// The processor's reusable method this payment saved (Xendit's
    /// `payment_token_id` of a `PAY_AND_SAVE`), charged by later payments.
    pub saved_method: Option<String>,
}

impl From<Outcome> for Processed {
    fn from(outcome: Outcome) -> Self {
        Self {
            outcome,
            reference: None,
            customer: None,
            saved_method: None,
        }
    }
}

/// Why a call to the processor brought no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoAnswer {
    /// The request never left (no connection could be made): nothing was charged.
    #[error("the processor could not be reached: {0}")]
    NotSent(String),
    /// Sent, but the answer was lost (a timeout, a dropped connection, a 5xx after the
    /// retries): the charge may have happened. The attempt stays `confirming` until
    /// [`Processor::reconcile`] learns what became of it.
    #[error("the processor's answer was lost: {0}")]
    Lost(String),
}

/// A payment processor: the test-mode one, or an adapter of a real one (which makes
/// network calls, hence `async`).
///
/// A payment is confirmed in two phases (`crate::attempts`): the attempt is written
/// with its key (`att_…`) before [`Processor::confirm`] runs, outside any database
/// transaction, and its outcome after. The key is the processor's idempotency key, so
/// sending the same call again under it replays the first answer instead of charging
/// twice.
#[async_trait::async_trait]
pub trait Processor: Send + Sync + 'static {
    /// The class of a valid card number (digits only).
    fn classify_card(&self, pan_digits: &str) -> Behaviour;

    /// The class of a SEPA account, from the IBAN and the billing email.
    fn classify_sepa(&self, iban: &Iban, email: Option<&str>) -> Behaviour;

    /// Confirms a payment, under the attempt's idempotency `key`.
    async fn confirm(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer>;

    /// What became of an attempt whose answer was lost. By default the same call again
    /// under the same key, which a processor answers with the first call's outcome
    /// (Stripe keeps keys 24 hours; Xendit dedupes on `idempotency-key` too); an adapter
    /// whose keys may have lapsed overrides it with a lookup by its reference id.
    /// Any `Err` leaves the attempt as it is, for the next pass: even `NotSent` only
    /// says this call did not leave, not that the first did not.
    async fn reconcile(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        self.confirm(key, attempt).await
    }

    /// Where a payment waiting on the processor (its page, its settlement) stands now,
    /// by the processor's reference. The test-mode processor hands out none.
    async fn retrieve(&self, reference: &str) -> Result<Processed, NoAnswer> {
        Err(NoAnswer::NotSent(format!(
            "this processor keeps no payment {reference}"
        )))
    }

    /// Cancels a payment waiting on the processor (its page, its settlement) because the
    /// merchant cancels ours, so nothing can be paid there afterwards; answers where it
    /// stands then (a payment paid meanwhile: `Done(Succeeded)`; canceled: a failure).
    /// By default the processor cannot cancel and only says where it stands.
    async fn cancel(&self, reference: &str) -> Result<Outcome, NoAnswer> {
        self.retrieve(reference)
            .await
            .map(|processed| processed.outcome)
    }

    /// Tells the processor of a card as it is tokenised, on the payments origin: the
    /// processor's method id, or `None` when it needs none (the test-mode processor).
    /// An `Err` is what the customer is told.
    async fn register_card(
        &self,
        _card: &CardForProcessor<'_>,
    ) -> Result<Option<String>, ApiError> {
        Ok(None)
    }

    /// Sets a method up for later payments, charging nothing (a setup intent): the
    /// issuer may ask for 3-D Secure, or decline the card. `Succeeded` means saved.
    async fn set_up(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer>;

    /// Whether `reference` is one of this processor's payment ids (Stripe's `pi_…`,
    /// Xendit's `pr-…`): where a payment is read back when several processors route.
    fn recognizes(&self, _reference: &str) -> bool {
        false
    }

    /// Whether this is a test-mode processor: only then does the server mount the
    /// simulated pages and statistics under `/test-mode`.
    fn is_test_mode(&self) -> bool {
        false
    }
}

/// The built-in test-mode processor.
#[derive(Clone, Debug)]
pub struct TestProcessor {
    /// Seconds an ordinary SEPA debit stays `processing`.
    pub sepa_delay: i64,
    /// Seconds a "Delayed" SEPA test email stays `processing` (≥ 3 minutes).
    pub sepa_long_delay: i64,
    /// Seconds a QR code can be paid after the confirm that made it.
    pub qr_code_lifetime: i64,
}

/// How long a QR code stays payable: 15 minutes, within the range QRIS and QR Ph
/// processors offer for dynamic codes.
pub const QR_CODE_LIFETIME: i64 = 15 * 60;

impl Default for TestProcessor {
    fn default() -> Self {
        Self {
            sepa_delay: 10,
            sepa_long_delay: 180,
            qr_code_lifetime: QR_CODE_LIFETIME,
        }
    }
}

/// The decline test numbers.
const DECLINES: [(&str, DeclineCode); 8] = [
    ("4000000000000002", DeclineCode::GenericDecline),
    ("4000000000009995", DeclineCode::InsufficientFunds),
    ("4000000000009987", DeclineCode::LostCard),
    ("4000000000009979", DeclineCode::StolenCard),
    ("4000000000000069", DeclineCode::ExpiredCard),
    ("4000000000000127", DeclineCode::IncorrectCvc),
    ("4000000000000119", DeclineCode::ProcessingError),
    ("4000000000006975", DeclineCode::CardVelocityExceeded),
];

/// The error a decline code is reported with: `card_declined` with the decline code
/// (DESIGN.md), except a charge that needed the customer, `authentication_required`.
pub fn decline_error(decline: DeclineCode) -> ApiError {
    let code = match decline {
        DeclineCode::AuthenticationRequired => ErrorCode::AuthenticationRequired,
        DeclineCode::GenericDecline
        | DeclineCode::InsufficientFunds
        | DeclineCode::LostCard
        | DeclineCode::StolenCard
        | DeclineCode::ExpiredCard
        | DeclineCode::IncorrectCvc
        | DeclineCode::ProcessingError
        | DeclineCode::CardVelocityExceeded
        | DeclineCode::Unknown => ErrorCode::CardDeclined,
    };
    let shown = decline.customer_facing();
    ApiError {
        kind: ErrorType::CardError,
        code,
        decline_code: Some(decline),
        message: shown.default_message().to_owned(),
        param: None,
    }
}

fn failed(error: ApiError) -> Final {
    Final::Failed { error }
}

fn authentication_required() -> ApiError {
    ApiError {
        kind: ErrorType::CardError,
        code: ErrorCode::AuthenticationRequired,
        decline_code: Some(DeclineCode::AuthenticationRequired),
        message: ErrorCode::AuthenticationRequired
            .default_message()
            .to_owned(),
        param: None,
    }
}

/// The error of a refused 3-D Secure challenge or wallet authorisation.
pub fn authentication_failed() -> ApiError {
    ApiError::new(
        ErrorType::CardError,
        ErrorCode::PaymentIntentAuthenticationFailure,
    )
}

/// The error of a QR payment the customer declined in the banking app: as a declined
/// wallet authorisation, the customer refused the payment where it is authorised
/// (`payment_intent_authentication_failure`, shown to the customer), with its own
/// message.
pub fn qr_code_declined() -> ApiError {
    let mut error = authentication_failed();
    error.message = "The QR code payment was declined in the banking app.".to_owned();
    error
}

/// The error of a QR code that lapsed unpaid (`qr_code_expired`): no one refused
/// anything, the intent simply takes a new attempt.
pub fn qr_code_expired() -> ApiError {
    ApiError::new(ErrorType::InvalidRequestError, ErrorCode::QrCodeExpired)
}

const SUCCEEDED: Final = Final::Succeeded { disputed: false };

#[async_trait::async_trait]
impl Processor for TestProcessor {
    fn is_test_mode(&self) -> bool {
        true
    }

    fn classify_card(&self, pan: &str) -> Behaviour {
        if let Some((_, decline_code)) = DECLINES.iter().find(|(n, _)| *n == pan) {
            return Behaviour::CardDeclined {
                decline_code: *decline_code,
            };
        }
        match pan {
            "4000002500003155" => Behaviour::CardAuthenticateUnlessSetUp,
            "4000002760003184" => Behaviour::CardAuthenticateAlways,
            "4000000000003220" => Behaviour::CardAuthenticateThenSucceed,
            "4000008400001629" => Behaviour::CardAuthenticateThenDecline,
            // The listed success numbers, and any other valid number: test mode accepts
            // every card that passed validation.
            _ => Behaviour::CardSucceeds,
        }
    }

    fn classify_sepa(&self, iban: &Iban, email: Option<&str>) -> Behaviour {
        let sepa = |succeeds, delay, disputed| Behaviour::SepaDebit {
            succeeds,
            delay,
            disputed,
        };
        // Stripe's magic emails, optionally with any `prefix_` before them.
        if let Some(email) = email {
            let local = email.split('@').next().unwrap_or("");
            let local = local.rsplit('_').next().unwrap_or(local);
            let magic = local.to_ascii_lowercase();
            let found = match magic.as_str() {
                "generatedsepadebitintentssucceed" => Some(sepa(true, self.sepa_delay, false)),
                "generatedsepadebitintentssucceeddelayed" => {
                    Some(sepa(true, self.sepa_long_delay, false))
                }
                "generatedsepadebitintentsfail" => Some(sepa(false, self.sepa_delay, false)),
                "generatedsepadebitintentsfaildelayed" => {
                    Some(sepa(false, self.sepa_long_delay, false))
                }
                "generatedsepadebitintentssucceeddisputed" => {
                    Some(sepa(true, self.sepa_delay, true))
                }
                _ => None,
            };
            if let Some(found) = found {
                return found;
            }
        }
        let fails = iban.electronic() == "DE62370400440532013001";
        sepa(!fails, self.sepa_delay, false)
    }

    async fn confirm(&self, _key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        Ok(self.decide(attempt).into())
    }

    async fn set_up(&self, _key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        Ok(self.decide_set_up(attempt.behaviour).into())
    }
}

impl TestProcessor {
    /// The answer to a confirm: a function of the attempt alone, so the same call
    /// again (a reconciliation) gets the same answer.
    pub fn decide(&self, attempt: &Attempt) -> Outcome {
        let challenge = |on_success| Outcome::RequiresAction {
            page: ActionPage::ThreeDSecure,
            on_success,
            expires_in: None,
        };
        match attempt.behaviour {
            Behaviour::CardSucceeds | Behaviour::HeldByProcessor => Outcome::Done(SUCCEEDED),
            Behaviour::CardDeclined { decline_code } => {
                Outcome::Done(failed(decline_error(decline_code)))
            }
            Behaviour::CardAuthenticateUnlessSetUp => {
                if attempt.set_up_off_session {
                    Outcome::Done(SUCCEEDED)
                } else if attempt.off_session {
                    Outcome::Done(failed(authentication_required()))
                } else {
                    challenge(SUCCEEDED)
                }
            }
            Behaviour::CardAuthenticateAlways | Behaviour::CardAuthenticateThenSucceed => {
                if attempt.off_session {
                    Outcome::Done(failed(authentication_required()))
                } else {
                    challenge(SUCCEEDED)
                }
            }
            Behaviour::CardAuthenticateThenDecline => {
                if attempt.off_session {
                    Outcome::Done(failed(authentication_required()))
                } else {
                    challenge(failed(decline_error(DeclineCode::GenericDecline)))
                }
            }
            Behaviour::SepaDebit {
                succeeds,
                delay,
                disputed,
            } => Outcome::Processing {
                delay,
                then: if succeeds {
                    Final::Succeeded { disputed }
                } else {
                    failed(decline_error(DeclineCode::GenericDecline))
                },
            },
            Behaviour::Ewallet { .. } => {
                if attempt.off_session {
                    Outcome::Done(failed(authentication_required()))
                } else {
                    Outcome::RequiresAction {
                        page: ActionPage::Ewallet,
                        on_success: SUCCEEDED,
                        expires_in: None,
                    }
                }
            }
            Behaviour::EwalletToken { .. } => Outcome::Done(SUCCEEDED),
            // Never saved, so never charged off session; were it, nobody would scan.
            Behaviour::QrCode { .. } => {
                if attempt.off_session {
                    Outcome::Done(failed(authentication_required()))
                } else {
                    Outcome::RequiresAction {
                        page: ActionPage::QrCode,
                        on_success: SUCCEEDED,
                        expires_in: Some(self.qr_code_lifetime),
                    }
                }
            }
        }
    }

    /// The answer to a setup.
    pub fn decide_set_up(&self, behaviour: Behaviour) -> Outcome {
        let challenge = |on_success| Outcome::RequiresAction {
            page: ActionPage::ThreeDSecure,
            on_success,
            expires_in: None,
        };
        match behaviour {
            Behaviour::CardSucceeds
            | Behaviour::EwalletToken { .. }
            | Behaviour::HeldByProcessor => Outcome::Done(SUCCEEDED),
            // The issuer checks the card when it is set up, as Stripe's test cards do.
            Behaviour::CardDeclined { decline_code } => {
                Outcome::Done(failed(decline_error(decline_code)))
            }
            // 3155 authenticates once, here; later off-session charges then succeed.
            Behaviour::CardAuthenticateUnlessSetUp
            | Behaviour::CardAuthenticateAlways
            | Behaviour::CardAuthenticateThenSucceed => challenge(SUCCEEDED),
            Behaviour::CardAuthenticateThenDecline => {
                challenge(failed(decline_error(DeclineCode::GenericDecline)))
            }
            // A SEPA mandate is in place at once; debits under it settle later.
            Behaviour::SepaDebit { .. } => Outcome::Done(SUCCEEDED),
            // A wallet is saved by authorising a payment (PAY_AND_SAVE), a QR code never.
            Behaviour::Ewallet { .. } | Behaviour::QrCode { .. } => {
                Outcome::Done(failed(cannot_be_set_up()))
            }
        }
    }
}

/// The refusal of a method that can only pay, not be set up alone.
pub fn cannot_be_set_up() -> ApiError {
    ApiError {
        kind: ErrorType::InvalidRequestError,
        code: ErrorCode::ParameterInvalid,
        decline_code: None,
        message: "This payment method can only be saved while paying with it; set up a card or a SEPA account instead.".to_owned(),
        param: Some("payment_method".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payment_core::iban::validate_iban;

    fn on_session(behaviour: Behaviour) -> Attempt {
        Attempt {
            behaviour,
            off_session: false,
            set_up_off_session: false,
            charge: Charge::default(),
        }
    }

    #[test]
    fn behaviour_round_trips_through_its_stored_form() {
        for behaviour in [
            Behaviour::CardSucceeds,
            Behaviour::CardDeclined {
                decline_code: DeclineCode::LostCard,
            },
            Behaviour::SepaDebit {
                succeeds: false,
                delay: 180,
                disputed: false,
            },
            Behaviour::Ewallet {
                channel: EwalletChannel::Gcash,
            },
            Behaviour::QrCode {
                channel: QrChannel::Qris,
            },
        ] {
            assert_eq!(Behaviour::from_db(&behaviour.to_db()), Some(behaviour));
        }
    }

    #[test]
    fn lost_card_is_shown_as_a_generic_decline() {
        let error = decline_error(DeclineCode::LostCard);
        assert_eq!(error.decline_code, Some(DeclineCode::LostCard));
        assert_eq!(error.message, "Your card was declined.");
    }

    #[test]
    fn sepa_magic_emails_accept_a_prefix() {
        let p = TestProcessor::default();
        let iban = validate_iban("DE89370400440532013000").unwrap();
        assert_eq!(
            p.classify_sepa(
                &iban,
                Some("shop_generatedSepaDebitIntentsFailDelayed@example.com")
            ),
            Behaviour::SepaDebit {
                succeeds: false,
                delay: 180,
                disputed: false
            }
        );
        let three_ds = p.decide(&on_session(Behaviour::CardAuthenticateThenSucceed));
        assert!(matches!(three_ds, Outcome::RequiresAction { .. }));
    }
}
