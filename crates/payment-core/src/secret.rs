//! Newtypes for the values that must never leak: the card number (PAN), the CVC, the
//! IBAN as typed, and client secrets.
//!
//! Each one serialises transparently (it has to travel to the merchant API once), but its
//! `Debug` redacts and it has no `Display`, so `{:?}` in a log line or a panic message
//! cannot print it. Reading the value takes an explicit `expose()` at the one place that
//! needs it.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! secret_newtype {
    ($(#[$meta:meta])* $name:ident, $redact:expr) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value; no validation happens here.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The raw value, for the one place that must send or check it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// Whether nothing was given.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let redact: fn(&str) -> String = $redact;
                write!(f, "{}({})", stringify!($name), redact(&self.0))
            }
        }
    };
}

/// The last four alphanumerics of a value, the most any log may show of a PAN or IBAN.
fn last_four(value: &str) -> String {
    let kept: Vec<char> = value.chars().filter(char::is_ascii_alphanumeric).collect();
    if kept.len() <= 8 {
        return "…".to_owned();
    }
    let tail: String = kept[kept.len() - 4..].iter().collect();
    format!("…{tail}")
}

secret_newtype!(
    /// A primary account number as the customer typed it.
    CardNumber,
    last_four
);

secret_newtype!(
    /// A card security code (CVC, CVV, CID). Never stored, never shown.
    Cvc,
    |_| "***".to_owned()
);

secret_newtype!(
    /// An IBAN as the customer typed it (before validation).
    IbanNumber,
    |value| {
        let country: String = value.chars().filter(|c| !c.is_whitespace()).take(2).collect();
        format!("{country}{}", last_four(value))
    }
);

secret_newtype!(
    /// A client secret (customer session or payment intent): whoever holds it can read
    /// the object, so it stays out of logs and, after the return page read it, the URL.
    ClientSecret,
    |value| match value.find("_secret_") {
        Some(at) => format!("{}_secret_…", &value[..at]),
        None => "…".to_owned(),
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let pan = CardNumber::new("4242 4242 4242 4242");
        let shown = format!("{pan:?}");
        assert_eq!(shown, "CardNumber(…4242)");

        let cvc = Cvc::new("123");
        assert_eq!(format!("{cvc:?}"), "Cvc(***)");

        let iban = IbanNumber::new("DE89 3704 0044 0532 0130 00");
        assert_eq!(format!("{iban:?}"), "IbanNumber(DE…3000)");

        let secret = ClientSecret::new("pi_123_secret_abcdef");
        let shown = format!("{secret:?}");
        assert_eq!(shown, "ClientSecret(pi_123_secret_…)");
        assert!(!shown.contains("abcdef"));
    }

    #[test]
    fn short_values_show_no_digits_at_all() {
        assert_eq!(format!("{:?}", CardNumber::new("4242")), "CardNumber(…)");
    }

    #[test]
    fn serialises_transparently_for_the_wire() {
        let pan = CardNumber::new("4242424242424242");
        assert_eq!(serde_json::to_string(&pan).unwrap(), "\"4242424242424242\"");
        let back: CardNumber = serde_json::from_str("\"4242424242424242\"").unwrap();
        assert_eq!(back.expose(), "4242424242424242");
    }
}
