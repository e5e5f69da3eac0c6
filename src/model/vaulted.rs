//! The part of a payment that only the payments origin may see: a new card's number,
//! expiry and CVC, or a saved card's CVC typed again. The submit flow carries it (or,
//! with the card frame, only which revision of the frame's fields it is) up to the
//! moment a confirmation token is made, when it is exchanged for the vault's token
//! (`card_tok_…`, `cvc_tok_…`) and only the token goes into the merchant API's request.
//!
//! Two attempts with equal `Vaulted` values are the same card: a confirm whose outcome
//! is unknown is then sent again unchanged (`crate::model::confirm::Submitter::begin`).

use payment_core::api::{CardInput, CardOptions, CreateConfirmationToken, PaymentMethodOptions};
use payment_core::secret::Cvc;
use payment_core::vault::CardDetails;

/// Where a secret is held until it is tokenized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Held<T> {
    /// In the page, typed into inline fields (`cardFields: "inline"`).
    Page(T),
    /// In a frame on the payments origin: which frame of the element, and the revision
    /// of its fields (the page never sees the values).
    Frame {
        /// The frame's number within its element.
        frame: u32,
        /// [`crate::model::form::FrameSummary::revision`].
        revision: u32,
    },
}

/// What of the chosen payment details goes to the payments origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Vaulted {
    /// A new card: becomes `payment_method_data.card.token`.
    Card(Held<CardDetails>),
    /// A saved card's CVC typed again: becomes `payment_method_options.card.cvc_token`.
    Cvc(Held<Cvc>),
}

impl Vaulted {
    /// Puts the vault's token where the merchant API expects it.
    pub fn apply(&self, request: &mut CreateConfirmationToken, token: String) {
        match self {
            Vaulted::Card(_) => {
                if let Some(data) = request.payment_method_data.as_mut() {
                    data.card = Some(CardInput { token });
                }
            }
            Vaulted::Cvc(_) => {
                request.payment_method_options = Some(PaymentMethodOptions {
                    card: Some(CardOptions {
                        cvc_token: Some(token),
                    }),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payment_core::api::{PaymentMethodData, PaymentMethodType};
    use payment_core::secret::CardNumber;

    fn card() -> CardDetails {
        CardDetails {
            number: CardNumber::new("4242424242424242"),
            exp_month: 12,
            exp_year: 2030,
            cvc: Cvc::new("123"),
        }
    }

    #[test]
    fn the_token_takes_the_place_of_the_details() {
        let mut request = CreateConfirmationToken {
            payment_method_data: Some(PaymentMethodData {
                kind: PaymentMethodType::Card,
                card: None,
                sepa_debit: None,
                ewallet: None,
                qr_code: None,
                billing_details: None,
            }),
            ..CreateConfirmationToken::default()
        };
        Vaulted::Card(Held::Page(card())).apply(&mut request, "card_tok_1".into());
        let card = request.payment_method_data.unwrap().card.unwrap();
        assert_eq!(card.token, "card_tok_1");

        let mut saved = CreateConfirmationToken {
            payment_method: Some("pm_1".into()),
            ..CreateConfirmationToken::default()
        };
        Vaulted::Cvc(Held::Frame {
            frame: 1,
            revision: 2,
        })
        .apply(&mut saved, "cvc_tok_1".into());
        let options = saved.payment_method_options.unwrap().card.unwrap();
        assert_eq!(options.cvc_token.as_deref(), Some("cvc_tok_1"));
    }

    #[test]
    fn the_same_card_is_the_same_and_debug_hides_it() {
        let a = Vaulted::Card(Held::Page(card()));
        assert_eq!(a, Vaulted::Card(Held::Page(card())));
        let mut other = card();
        other.cvc = Cvc::new("124");
        assert_ne!(a, Vaulted::Card(Held::Page(other)));
        let frame = |revision| Vaulted::Card(Held::Frame { frame: 1, revision });
        assert_eq!(frame(4), frame(4));
        assert_ne!(frame(4), frame(5));
        let shown = format!("{a:?}");
        assert!(
            !shown.contains("4242424242424242") && !shown.contains("123"),
            "{shown}"
        );
    }
}
