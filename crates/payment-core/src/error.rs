//! The merchant API's error object and its one table of codes.
//!
//! Codes and decline codes follow Stripe's names so that merchants who know them can
//! read our errors. Values decoded from the wire fall back to `Unknown` instead of
//! failing: a newer server must never break an older widget.

use serde::{Deserialize, Serialize};

/// The broad class of an error, as the `type` field of the error object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// The card was declined or its details are wrong: show the message to the customer.
    CardError,
    /// The request was malformed or refers to something that does not exist.
    InvalidRequestError,
    /// An `Idempotency-Key` was reused with other parameters.
    IdempotencyError,
    /// Something failed on the server or the processor.
    ApiError,
    /// A type this build does not know.
    #[serde(other)]
    Unknown,
}

impl ErrorType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CardError => "card_error",
            Self::InvalidRequestError => "invalid_request_error",
            Self::IdempotencyError => "idempotency_error",
            Self::ApiError => "api_error",
            Self::Unknown => "unknown",
        }
    }
}

macro_rules! code_table {
    (
        $(#[$meta:meta])* $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => $wire:literal, $message:literal;)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A code this build does not know; shown with a generic message.
            #[serde(other)]
            Unknown,
        }

        impl $name {
            /// Every known code, for tables and tests.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown => "unknown",
                }
            }

            /// The default English message; user interfaces localise by `as_str()`.
            pub fn default_message(self) -> &'static str {
                match self {
                    $($name::$variant => $message,)*
                    $name::Unknown => "Something went wrong. Please try again or use another payment method.",
                }
            }
        }
    };
}

code_table! {
    /// The `code` of an error object.
    ErrorCode {
        /// The card number is not a valid number (fails Luhn or length).
        IncorrectNumber => "incorrect_number", "Your card number is incorrect.";
        /// The card number is not a card number at all.
        InvalidNumber => "invalid_number", "Your card number is invalid.";
        /// The expiry month is not 1–12.
        InvalidExpiryMonth => "invalid_expiry_month", "Your card's expiration month is invalid.";
        /// The expiry year is in the past or too far ahead.
        InvalidExpiryYear => "invalid_expiry_year", "Your card's expiration year is invalid.";
        /// The CVC has the wrong length or characters.
        InvalidCvc => "invalid_cvc", "Your card's security code is invalid.";
        /// The issuer declined; see the decline code.
        CardDeclined => "card_declined", "Your card was declined.";
        /// The card has expired.
        ExpiredCard => "expired_card", "Your card has expired.";
        /// The CVC did not match.
        IncorrectCvc => "incorrect_cvc", "Your card's security code is incorrect.";
        /// The processor could not process the card.
        ProcessingError => "processing_error", "An error occurred while processing your card. Try again in a little bit.";
        /// The issuer requires authentication the customer could not give (off session).
        AuthenticationRequired => "authentication_required", "Your card requires authentication.";
        /// 3-D Secure failed or was refused.
        PaymentIntentAuthenticationFailure => "payment_intent_authentication_failure", "We are unable to authenticate your payment method. Please choose a different payment method and try again.";
        /// 3-D Secure failed or was refused while setting a method up for later.
        SetupIntentAuthenticationFailure => "setup_intent_authentication_failure", "We are unable to authenticate your payment method. Please choose a different payment method and try again.";
        /// The order was paid (or its payment is processing): nothing more is charged for
        /// it. The error carries the order's intent.
        OrderAlreadyPaid => "order_already_paid", "This order has already been paid.";
        /// The payment intent is not in a state that allows this call.
        PaymentIntentUnexpectedState => "payment_intent_unexpected_state", "This payment is not in a state that allows this action.";
        /// The setup intent is not in a state that allows this call (already set up,
        /// or canceled).
        SetupIntentUnexpectedState => "setup_intent_unexpected_state", "This payment method is not in a state that allows this action.";
        /// The referenced object does not exist (or is not yours).
        ResourceMissing => "resource_missing", "No such object.";
        /// A confirmation token was already used.
        TokenAlreadyUsed => "token_already_used", "This confirmation token was already used.";
        /// A confirmation token or session expired.
        ExpiredToken => "expired_token", "This confirmation token has expired.";
        /// A customer session expired.
        SessionExpired => "session_expired", "Your session has expired. Please reload the page.";
        /// A required parameter is missing.
        ParameterMissing => "parameter_missing", "A required parameter is missing.";
        /// A parameter has an invalid value.
        ParameterInvalid => "parameter_invalid", "A parameter has an invalid value.";
        /// A parameter is not recognised.
        ParameterUnknown => "parameter_unknown", "A parameter is not recognised.";
        /// The IBAN is not valid.
        InvalidIban => "invalid_iban", "The IBAN you entered is invalid.";
        /// The same idempotency key was used with other parameters.
        IdempotencyKeyInUse => "idempotency_key_in_use", "This idempotency key was already used with other parameters.";
        /// The request body was not acceptable (not JSON, too large).
        InvalidRequestBody => "invalid_request_body", "The request body could not be read.";
        /// The client secret does not match or is missing.
        InvalidClientSecret => "invalid_client_secret", "The client secret is not valid.";
        /// The feature is turned off for this customer session.
        FeatureDisabled => "feature_disabled", "This action is not enabled.";
        /// Card details (number, expiry, CVC) were sent to the merchant API: cards are
        /// tokenized by the payments origin, and the storefront takes only the token.
        CardDetailsNotAccepted => "card_details_not_accepted", "Card details are tokenized by the payments origin: send payment_method_data.card.token (card_tok_…), never the number, expiry or CVC.";
        /// The API key is missing, unknown, or of the wrong kind for this call (a
        /// publishable key only tokenizes; the vault's other calls need the secret key).
        InvalidApiKey => "invalid_api_key", "Invalid API key provided.";
        /// The page's origin is not one the publishable key may be used from.
        OriginNotAllowed => "origin_not_allowed", "This origin may not use this publishable key.";
        /// The card's brand is not one the merchant accepts.
        CardBrandNotAccepted => "card_brand_not_accepted", "This card brand is not accepted.";
        /// The QR code was not paid before it expired; the payment can be tried again.
        QrCodeExpired => "qr_code_expired", "The QR code has expired.";
        /// The server failed.
        InternalError => "internal_error", "Something went wrong on our side. Please try again.";
    }
}

code_table! {
    /// The `decline_code` of a `card_declined` error.
    DeclineCode {
        /// The issuer gave no reason.
        GenericDecline => "generic_decline", "Your card was declined.";
        /// Not enough funds.
        InsufficientFunds => "insufficient_funds", "Your card has insufficient funds.";
        /// Reported lost; customers are shown the generic decline message.
        LostCard => "lost_card", "Your card was declined.";
        /// Reported stolen; customers are shown the generic decline message.
        StolenCard => "stolen_card", "Your card was declined.";
        /// The card has expired.
        ExpiredCard => "expired_card", "Your card has expired.";
        /// The CVC did not match.
        IncorrectCvc => "incorrect_cvc", "Your card's security code is incorrect.";
        /// The processor failed.
        ProcessingError => "processing_error", "An error occurred while processing your card. Try again in a little bit.";
        /// Too many attempts.
        CardVelocityExceeded => "card_velocity_exceeded", "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.";
        /// Authentication is needed.
        AuthenticationRequired => "authentication_required", "Your card requires authentication.";
    }
}

impl DeclineCode {
    /// What the customer may be told: lost and stolen cards are deliberately reported as
    /// a generic decline, so a fraudster learns nothing from the message.
    pub fn customer_facing(self) -> DeclineCode {
        match self {
            Self::LostCard | Self::StolenCard | Self::Unknown => Self::GenericDecline,
            Self::GenericDecline
            | Self::InsufficientFunds
            | Self::ExpiredCard
            | Self::IncorrectCvc
            | Self::ProcessingError
            | Self::CardVelocityExceeded
            | Self::AuthenticationRequired => self,
        }
    }
}

/// The error object of the merchant API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Broad class.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// Stable code.
    pub code: ErrorCode,
    /// Why the issuer declined, for `card_declined`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<DeclineCode>,
    /// A human-readable message (English; widgets localise by code).
    pub message: String,
    /// The request parameter at fault, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl ApiError {
    /// An error with the code's default message.
    pub fn new(kind: ErrorType, code: ErrorCode) -> Self {
        Self {
            kind,
            code,
            decline_code: None,
            message: code.default_message().to_owned(),
            param: None,
        }
    }

    /// A `card_declined` card error with its decline code.
    pub fn declined(decline: DeclineCode) -> Self {
        Self {
            kind: ErrorType::CardError,
            code: ErrorCode::CardDeclined,
            decline_code: Some(decline),
            message: decline.default_message().to_owned(),
            param: None,
        }
    }

    /// Names the parameter at fault.
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Replaces the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }
}

/// The JSON body of every error response: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ApiError,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(
                seen.insert(code.as_str()),
                "duplicate code {}",
                code.as_str()
            );
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
            assert!(!code.default_message().is_empty());
        }
        let mut seen = HashSet::new();
        for code in DeclineCode::ALL {
            assert!(
                seen.insert(code.as_str()),
                "duplicate decline {}",
                code.as_str()
            );
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(serde_json::from_str::<DeclineCode>(&json).unwrap(), *code);
        }
    }

    #[test]
    fn unknown_codes_decode_instead_of_failing() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error":{"type":"rate_limit_error","code":"brand_new_code","decline_code":"do_not_honor","message":"x","extra":1}}"#,
        )
        .unwrap();
        assert_eq!(body.error.kind, ErrorType::Unknown);
        assert_eq!(body.error.code, ErrorCode::Unknown);
        assert_eq!(body.error.decline_code, Some(DeclineCode::Unknown));
    }

    #[test]
    fn lost_and_stolen_are_shown_as_generic() {
        assert_eq!(
            DeclineCode::LostCard.customer_facing(),
            DeclineCode::GenericDecline
        );
        assert_eq!(
            DeclineCode::StolenCard.customer_facing(),
            DeclineCode::GenericDecline
        );
        assert_eq!(
            DeclineCode::InsufficientFunds.customer_facing(),
            DeclineCode::InsufficientFunds
        );
    }

    #[test]
    fn declined_error_serialises_like_stripe() {
        let json = serde_json::to_value(ErrorBody {
            error: ApiError::declined(DeclineCode::InsufficientFunds),
        })
        .unwrap();
        assert_eq!(json["error"]["type"], "card_error");
        assert_eq!(json["error"]["code"], "card_declined");
        assert_eq!(json["error"]["decline_code"], "insufficient_funds");
        assert!(json["error"].get("param").is_none());
    }
}
