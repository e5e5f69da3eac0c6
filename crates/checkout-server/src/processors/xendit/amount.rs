//! Amounts at Xendit's edge: our integer [`Money`] in minor units to and from Xendit's
//! `request_amount`, a JSON number in MAJOR units (`10000.01` is ₱10,000.01), with no
//! float anywhere.
//!
//! Xendit documents `request_amount` as `type: number` and sends decimals for PHP
//! (`10000.01` in the "Pay and save" guide) but only whole rupiah for IDR. payment-core
//! gives IDR two decimals, as Stripe and ISO 4217 do (see [`Currency`]), so at this edge
//! IDR is scaled down by 100 and an amount with sen is refused rather than rounded.
//! Every other currency keeps payment-core's exponent.
//!
//! The number is written from its decimal text as a raw JSON token
//! (`serde_json::value::RawValue`), so `12.5` is sent as exactly `12.5`, never as the
//! nearest binary float; reading goes the same way round, from the token's text.

use std::fmt;

use payment_core::money::{Currency, MinorUnit, Money};
use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// Digits after the decimal point in Xendit's `request_amount` for `currency`.
pub fn xendit_decimals(currency: Currency) -> u8 {
    if currency == Currency::IDR {
        0
    } else {
        currency.exponent()
    }
}

/// Why an amount cannot cross the edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Xendit collects positive amounts only.
    #[error("the amount must be positive, got {0} minor units")]
    NonPositive(i64),
    /// An amount finer than Xendit takes in this currency (IDR with sen).
    #[error("{currency} amounts go to Xendit in whole units of {decimals} decimals; {minor} minor units is not one")]
    FinerThanAccepted {
        /// The currency.
        currency: Currency,
        /// The amount, in our minor units.
        minor: i64,
        /// The decimals Xendit takes.
        decimals: u8,
    },
    /// Text that is not a plain decimal (`123`, `123.45`): a sign, an exponent, junk.
    #[error("`{0}` is not a plain decimal amount")]
    Malformed(String),
    /// More decimals than the currency has minor units.
    #[error("`{text}` has more decimals than {currency} has")]
    TooPrecise {
        /// The text.
        text: String,
        /// The currency.
        currency: Currency,
    },
    /// Does not fit in an `i64` of minor units.
    #[error("`{0}` is too large")]
    Overflow(String),
}

/// A `request_amount`: a positive decimal in major units, kept as its exact text.
#[derive(Clone, PartialEq, Eq)]
pub struct MajorAmount(String);

impl MajorAmount {
    /// `money` in Xendit's major units: integer division by the currency's scale,
    /// trailing zeros of the fraction dropped (`12.50` → `12.5`, `1250.00` → `1250`).
    pub fn from_money(money: Money) -> Result<Self, AmountError> {
        let minor = money.amount.get();
        if minor <= 0 {
            return Err(AmountError::NonPositive(minor));
        }
        let ours = money.currency.exponent();
        let theirs = xendit_decimals(money.currency);
        // `theirs` is never more than `ours` (see `xendit_decimals`).
        let scale = 10i64.pow(u32::from(ours - theirs));
        if minor % scale != 0 {
            return Err(AmountError::FinerThanAccepted {
                currency: money.currency,
                minor,
                decimals: theirs,
            });
        }
        let value = minor / scale;
        let unit = 10i64.pow(u32::from(theirs));
        let (whole, fraction) = (value / unit, value % unit);
        if fraction == 0 {
            return Ok(Self(whole.to_string()));
        }
        let digits = format!("{fraction:0width$}", width = usize::from(theirs));
        Ok(Self(format!("{whole}.{}", digits.trim_end_matches('0'))))
    }

    /// Checks that `text` is a plain non-negative decimal (`10000`, `10000.01`).
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        let malformed = || AmountError::Malformed(text.to_owned());
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
            Some(_) => return Err(malformed()),
            None => (text, ""),
        };
        let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) {
            return Err(malformed());
        }
        Ok(Self(text.to_owned()))
    }

    /// The decimal text, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Back into our minor units of `currency`: `10000.01` PHP is 1000001 centavos,
    /// `150000` IDR is 15000000 sen. Extra decimals are refused unless they are zeros.
    pub fn to_minor(&self, currency: Currency) -> Result<MinorUnit, AmountError> {
        let exponent = usize::from(currency.exponent());
        let (whole, fraction) = self.0.split_once('.').unwrap_or((&self.0, ""));
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > exponent {
            return Err(AmountError::TooPrecise {
                text: self.0.clone(),
                currency,
            });
        }
        let overflow = || AmountError::Overflow(self.0.clone());
        let padded = format!("{whole}{fraction:0<exponent$}");
        padded.parse::<i64>().map(MinorUnit).map_err(|_| overflow())
    }

    /// As [`Money`] in `currency`.
    pub fn to_money(&self, currency: Currency) -> Result<Money, AmountError> {
        self.to_minor(currency)
            .map(|minor| Money::new(minor, currency))
    }
}

impl fmt::Debug for MajorAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MajorAmount({})", self.0)
    }
}

/// A bare JSON number with exactly this text.
impl Serialize for MajorAmount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RawValue::from_string(self.0.clone())
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

/// From a JSON number's text, or from a string holding one (some of Xendit's examples
/// quote amounts); anything else is an error.
impl<'de> Deserialize<'de> for MajorAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let text = if text.starts_with('"') {
            serde_json::from_str::<String>(text).map_err(D::Error::custom)?
        } else {
            text.to_owned()
        };
        Self::parse(&text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::new(code).unwrap())
    }

    #[test]
    fn decimal_text_is_built_by_integer_division() {
        for (minor, code, text) in [
            (1_000_001, "PHP", "10000.01"),
            (125_000, "PHP", "1250"),
            (1_250, "PHP", "12.5"),
            (7, "PHP", "0.07"),
            (15_000_000, "IDR", "150000"),
            (5_400, "JPY", "5400"),
            (1_234, "KWD", "1.234"),
            (i64::MAX, "PHP", "92233720368547758.07"),
        ] {
            assert_eq!(
                MajorAmount::from_money(money(minor, code))
                    .unwrap()
                    .as_str(),
                text,
                "{minor} {code}"
            );
        }
    }

    #[test]
    fn rupiah_with_sen_and_non_positive_amounts_are_refused() {
        assert_eq!(
            MajorAmount::from_money(money(15_000_050, "IDR")),
            Err(AmountError::FinerThanAccepted {
                currency: Currency::IDR,
                minor: 15_000_050,
                decimals: 0
            })
        );
        assert_eq!(
            MajorAmount::from_money(money(0, "PHP")),
            Err(AmountError::NonPositive(0))
        );
        assert_eq!(
            MajorAmount::from_money(money(-100, "PHP")),
            Err(AmountError::NonPositive(-100))
        );
    }

    #[test]
    fn text_goes_back_to_the_same_minor_units() {
        for (text, code, minor) in [
            ("10000.01", "PHP", 1_000_001),
            ("10000.10", "PHP", 1_000_010),
            ("1250", "PHP", 125_000),
            ("150000", "IDR", 15_000_000),
            ("150000.50", "IDR", 15_000_050),
            ("5400", "JPY", 5_400),
            ("5400.000", "JPY", 5_400),
        ] {
            let amount = MajorAmount::parse(text).unwrap();
            assert_eq!(
                amount.to_minor(Currency::new(code).unwrap()),
                Ok(MinorUnit(minor)),
                "{text} {code}"
            );
        }
        assert!(matches!(
            MajorAmount::parse("1.005").unwrap().to_minor(Currency::PHP),
            Err(AmountError::TooPrecise { .. })
        ));
        assert!(matches!(
            MajorAmount::parse("99999999999999999999")
                .unwrap()
                .to_minor(Currency::PHP),
            Err(AmountError::Overflow(_))
        ));
    }

    #[test]
    fn only_plain_decimals_parse() {
        for bad in ["", "-1", "1e4", "1.", ".5", "1.2.3", " 1", "0x10", "1,5"] {
            assert_eq!(
                MajorAmount::parse(bad),
                Err(AmountError::Malformed(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn json_carries_the_exact_number_both_ways() {
        let amount = MajorAmount::from_money(money(1_000_001, "PHP")).unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "10000.01");
        let read: MajorAmount = serde_json::from_str("10000.01").unwrap();
        assert_eq!(read, amount);
        let quoted: MajorAmount = serde_json::from_str("\"10000.01\"").unwrap();
        assert_eq!(quoted, amount);
        assert!(serde_json::from_str::<MajorAmount>("-5").is_err());
        assert!(serde_json::from_str::<MajorAmount>("1.5e3").is_err());
        assert!(serde_json::from_str::<MajorAmount>("true").is_err());
    }
}
