//! Routing by market (`--route eu=stripe,ph=xendit,id=xendit`): each market's payments
//! go to its processor, the others to `--processor`'s.
//!
//! A payment is routed by its currency (each market has its own); reading a payment
//! back goes to the processor whose ids it carries (Stripe's `pi_…`, Xendit's `pr-…`).
//! A card is told to a processor when it is tokenised, before any market is known: to
//! the first routed processor that takes cards (Xendit takes none here), else the
//! default one. A SEPA account is the euro market's.

use std::sync::Arc;

use payment_core::error::ApiError;
use payment_core::iban::Iban;
use payment_core::money::Currency;

use crate::processor::{
    Attempt, Behaviour, CardForProcessor, NoAnswer, Outcome, Processed, Processor,
};

/// A route: a currency's processor, and whether it takes cards.
pub struct Route {
    /// The market's currency.
    pub currency: Currency,
    /// Its processor.
    pub processor: Arc<dyn Processor>,
    /// Whether the processor takes cards.
    pub takes_cards: bool,
}

/// The processors of a server with `--route`.
pub struct RoutedProcessor {
    routes: Vec<Route>,
    fallback: Arc<dyn Processor>,
    cards: Arc<dyn Processor>,
}

impl RoutedProcessor {
    /// Routes, and the processor of everything else.
    pub fn new(routes: Vec<Route>, fallback: Arc<dyn Processor>) -> Self {
        let cards = routes
            .iter()
            .find(|route| route.takes_cards)
            .map_or_else(|| fallback.clone(), |route| route.processor.clone());
        Self {
            routes,
            fallback,
            cards,
        }
    }

    fn for_currency(&self, currency: &str) -> &dyn Processor {
        self.routes
            .iter()
            .find(|route| route.currency.code().eq_ignore_ascii_case(currency))
            .map_or(self.fallback.as_ref(), |route| route.processor.as_ref())
    }

    fn all(&self) -> impl Iterator<Item = &dyn Processor> {
        self.routes
            .iter()
            .map(|route| route.processor.as_ref())
            .chain(std::iter::once(self.fallback.as_ref()))
    }
}

#[async_trait::async_trait]
impl Processor for RoutedProcessor {
    fn classify_card(&self, pan_digits: &str) -> Behaviour {
        self.cards.classify_card(pan_digits)
    }

    fn classify_sepa(&self, iban: &Iban, email: Option<&str>) -> Behaviour {
        self.for_currency(Currency::EUR.code())
            .classify_sepa(iban, email)
    }

    async fn register_card(&self, card: &CardForProcessor<'_>) -> Result<Option<String>, ApiError> {
        self.cards.register_card(card).await
    }

    async fn confirm(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        self.for_currency(&attempt.charge.currency)
            .confirm(key, attempt)
            .await
    }

    async fn reconcile(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        self.for_currency(&attempt.charge.currency)
            .reconcile(key, attempt)
            .await
    }

    async fn retrieve(&self, reference: &str) -> Result<Processed, NoAnswer> {
        let owner = self
            .all()
            .find(|processor| processor.recognizes(reference))
            .unwrap_or(self.fallback.as_ref());
        owner.retrieve(reference).await
    }

    async fn cancel(&self, reference: &str) -> Result<Outcome, NoAnswer> {
        let owner = self
            .all()
            .find(|processor| processor.recognizes(reference))
            .unwrap_or(self.fallback.as_ref());
        owner.cancel(reference).await
    }

    /// A setup has no currency: a card's goes where cards go, anything else to the
    /// default processor.
    async fn set_up(&self, key: &str, attempt: &Attempt) -> Result<Processed, NoAnswer> {
        match attempt.behaviour {
            Behaviour::SepaDebit { .. } | Behaviour::Ewallet { .. } | Behaviour::QrCode { .. } => {
                self.fallback.set_up(key, attempt).await
            }
            _ => self.cards.set_up(key, attempt).await,
        }
    }

    /// The simulated pages are mounted when any route pays in test mode.
    fn is_test_mode(&self) -> bool {
        self.all().any(Processor::is_test_mode)
    }

    fn recognizes(&self, reference: &str) -> bool {
        self.all().any(|processor| processor.recognizes(reference))
    }
}
