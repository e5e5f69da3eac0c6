//! Money as integers: an ISO 4217 [`Currency`] that knows its exponent, amounts in
//! [`MinorUnit`]s, checked arithmetic, and locale-aware display for the pay button and
//! receipts.
//!
//! Nothing here touches a float. Amounts travel as Stripe sends them (`5400` with
//! `"eur"` is €54.00, with `"jpy"` is ¥5,400) and are only split into major and minor
//! parts, by integer division, when they are displayed.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Why a currency code or an amount was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// A currency code that is not exactly three ASCII letters.
    InvalidCurrency,
    /// Two amounts in different currencies were combined.
    CurrencyMismatch {
        /// The currency of the left-hand amount.
        expected: Currency,
        /// The currency of the right-hand amount.
        found: Currency,
    },
    /// The result does not fit in an `i64` of minor units.
    Overflow,
}

impl MoneyError {
    /// A stable, machine-readable code, for localised messages and tests.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::InvalidCurrency => "money_invalid_currency",
            MoneyError::CurrencyMismatch { .. } => "money_currency_mismatch",
            MoneyError::Overflow => "money_overflow",
        }
    }

    /// A default English message.
    pub fn message(&self) -> String {
        match self {
            MoneyError::InvalidCurrency => {
                "A currency code is three letters, such as EUR.".to_owned()
            }
            MoneyError::CurrencyMismatch { expected, found } => {
                format!("Cannot combine an amount in {expected} with one in {found}.")
            }
            MoneyError::Overflow => "The amount is too large.".to_owned(),
        }
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for MoneyError {}

/// An ISO 4217 currency code, validated to three ASCII letters.
///
/// Codes this crate does not list are accepted (a merchant may sell in a currency added
/// after this build) and get the default exponent of 2.
///
/// Exponents (digits after the decimal point, i.e. how many minor units make a major
/// one) follow the amounts Stripe's API expects:
/// - 0 for Stripe's zero-decimal currencies (BIF, CLP, DJF, GNF, JPY, KMF, KRW, MGA,
///   PYG, RWF, UGX, VND, VUV, XAF, XOF, XPF) and for ISK, which ISO 4217 also gives no
///   minor unit. (Stripe's API still takes ISK in hundredths for backwards
///   compatibility; a gateway adapter must scale it, the domain does not pretend.)
/// - 3 for BHD, JOD, KWD, OMR, TND (Stripe's three-decimal list) and IQD, LYD (ISO 4217).
/// - 2 for everything else, **including IDR**. ISO 4217 and Stripe give IDR two decimals,
///   while Xendit takes whole rupiah. The domain keeps one convention, Stripe's, so
///   `Money` means the same thing everywhere; an adapter for a whole-rupiah gateway
///   divides by 100 at its edge (and rejects amounts with non-zero sen).
///
/// Serialises as the lower-case code (`"eur"`), like Stripe; deserialises any case.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    /// Upper-case ASCII letters: the ISO form.
    upper: [u8; 3],
    /// The same letters in lower case: the wire form, kept so `code()` can borrow it.
    lower: [u8; 3],
}

impl Currency {
    /// Euro.
    pub const EUR: Currency = Currency::from_upper(*b"EUR");
    /// US dollar.
    pub const USD: Currency = Currency::from_upper(*b"USD");
    /// Pound sterling.
    pub const GBP: Currency = Currency::from_upper(*b"GBP");
    /// Swiss franc.
    pub const CHF: Currency = Currency::from_upper(*b"CHF");
    /// Japanese yen (exponent 0).
    pub const JPY: Currency = Currency::from_upper(*b"JPY");
    /// Indonesian rupiah (exponent 2, see the type's documentation).
    pub const IDR: Currency = Currency::from_upper(*b"IDR");
    /// Philippine peso.
    pub const PHP: Currency = Currency::from_upper(*b"PHP");
    /// Kuwaiti dinar (exponent 3).
    pub const KWD: Currency = Currency::from_upper(*b"KWD");

    /// Only for the constants above, whose letters are upper-case ASCII by inspection.
    const fn from_upper(upper: [u8; 3]) -> Currency {
        Currency {
            upper,
            lower: [
                upper[0].to_ascii_lowercase(),
                upper[1].to_ascii_lowercase(),
                upper[2].to_ascii_lowercase(),
            ],
        }
    }

    /// Parses a three-letter code in any case (`"eur"`, `"EUR"`, `"Eur"`).
    pub fn new(code: &str) -> Result<Currency, MoneyError> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => Ok(
                Currency::from_upper([a, b, c].map(|byte| byte.to_ascii_uppercase())),
            ),
            _ => Err(MoneyError::InvalidCurrency),
        }
    }

    /// The lower-case code, as the wire carries it (`"eur"`).
    pub fn code(&self) -> &str {
        // Not `expect`: it would format the `Utf8Error` with Debug in the widget's wasm.
        std::str::from_utf8(&self.lower)
            .unwrap_or_else(|_| unreachable!("currency codes are ASCII by construction"))
    }

    /// The upper-case ISO code (`"EUR"`).
    pub fn as_upper(&self) -> &str {
        // Not `expect`: it would format the `Utf8Error` with Debug in the widget's wasm.
        std::str::from_utf8(&self.upper)
            .unwrap_or_else(|_| unreachable!("currency codes are ASCII by construction"))
    }

    /// Digits after the decimal point: 0 for JPY, 2 for EUR, 3 for KWD.
    pub fn exponent(&self) -> u8 {
        match &self.upper {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"MGA"
            | b"PYG" | b"RWF" | b"UGX" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }

    /// How many minor units make one major unit: 10 to the exponent.
    fn minor_per_major(&self) -> u64 {
        10u64.pow(u32::from(self.exponent()))
    }

    /// The symbol shown next to amounts, or the upper-case code where this crate keeps
    /// no symbol. The same in every locale, so a price reads alike in every language.
    fn symbol(&self) -> &str {
        match &self.upper {
            b"EUR" => "€",
            b"USD" => "$",
            b"GBP" => "£",
            b"JPY" => "¥",
            b"IDR" => "Rp",
            b"PHP" => "₱",
            _ => self.as_upper(),
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_upper())
    }
}

/// The upper-case ISO code, as people write it (`EUR`).
impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_upper())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::new(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CurrencyVisitor;

        impl serde::de::Visitor<'_> for CurrencyVisitor {
            type Value = Currency;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a three-letter ISO 4217 currency code")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Currency, E> {
                Currency::new(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(CurrencyVisitor)
    }
}

/// An amount in the currency's smallest unit (cents for EUR, yen for JPY, fils for KWD).
/// Serialises as a bare integer.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MinorUnit(pub i64);

impl MinorUnit {
    /// Wraps a count of minor units.
    pub const fn new(value: i64) -> MinorUnit {
        MinorUnit(value)
    }

    /// The count of minor units.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Sum, or `None` on overflow.
    pub fn checked_add(self, other: MinorUnit) -> Option<MinorUnit> {
        self.0.checked_add(other.0).map(MinorUnit)
    }

    /// Difference, or `None` on overflow.
    pub fn checked_sub(self, other: MinorUnit) -> Option<MinorUnit> {
        self.0.checked_sub(other.0).map(MinorUnit)
    }

    /// Product with a quantity, or `None` on overflow.
    pub fn checked_mul(self, quantity: i64) -> Option<MinorUnit> {
        self.0.checked_mul(quantity).map(MinorUnit)
    }
}

impl From<i64> for MinorUnit {
    fn from(value: i64) -> MinorUnit {
        MinorUnit(value)
    }
}

/// An amount with its currency. Serialises like Stripe: `{"amount":5400,"currency":"eur"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount in minor units of `currency`.
    pub amount: MinorUnit,
    /// The currency, which fixes what one minor unit is worth.
    pub currency: Currency,
}

impl Money {
    /// An amount in minor units: `Money::new(5400, Currency::EUR)` is €54.00.
    pub fn new(amount: impl Into<MinorUnit>, currency: Currency) -> Money {
        Money {
            amount: amount.into(),
            currency,
        }
    }

    /// Nothing, in `currency`.
    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.0 == 0
    }

    /// Whether the amount is below zero (a refund or a discount line).
    pub fn is_negative(&self) -> bool {
        self.amount.0 < 0
    }

    /// Sum of two amounts in the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Difference of two amounts in the same currency.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// The amount times a quantity (a cart line).
    pub fn checked_mul(self, quantity: i64) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(quantity)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                expected: self.currency,
                found: other.currency,
            })
        }
    }

    /// The amount for display in a locale, following CLDR's standard currency pattern
    /// for the locale's language:
    ///
    /// | language | pattern | example (EUR 1234.56) | example (IDR 54000.00) |
    /// |---|---|---|---|
    /// | `en` | `¤#,##0.00` | `€1,234.56` | `Rp 54,000.00` |
    /// | `de` | `#,##0.00 ¤` | `1.234,56 €` | `54.000,00 Rp` |
    /// | `id` | `¤#,##0.00` | `€1.234,56` | `Rp 54.000,00` |
    ///
    /// The space in `de` is a no-break space (U+00A0), as in CLDR. Where a prefixed
    /// symbol ends in a letter (`Rp`, or a code like `KWD`), CLDR's currency-spacing rule
    /// puts a no-break space before the digits: `Rp 54.000,00`, `KWD 1.234`; `€` and `$`
    /// touch the digits. Negative amounts take a leading hyphen-minus: `-€54.00`,
    /// `-54,00 €`. Decimals follow the currency's exponent (`¥5,400`, `KWD 1.234`).
    ///
    /// `locale` is a BCP 47 tag; only its language counts (`de-AT` and `de_CH` format as
    /// `de`, `in` is the old code for `id`), and unknown languages fall back to `en`.
    pub fn format(&self, locale: &str) -> String {
        let language = Language::from_tag(locale);
        let (group_separator, decimal_separator) = language.separators();

        let magnitude = self.amount.0.unsigned_abs();
        let scale = self.currency.minor_per_major();
        let mut number = group_thousands(magnitude / scale, group_separator);
        let exponent = usize::from(self.currency.exponent());
        if exponent > 0 {
            number.push(decimal_separator);
            // Zero-padded to the exponent by hand: `format!("{:0width$}")` costs the
            // widget's wasm the padding machinery (size budget).
            let fraction = (magnitude % scale).to_string();
            number.extend(std::iter::repeat_n('0', exponent - fraction.len()));
            number.push_str(&fraction);
        }

        let sign = if self.is_negative() { "-" } else { "" };
        let symbol = self.currency.symbol();
        match language {
            Language::En | Language::Id => {
                // Symbols are ASCII letters (`Rp`, codes) or currency signs, so the ASCII
                // test is exact and keeps the Unicode tables out of the wasm.
                let gap = if symbol.ends_with(|c: char| c.is_ascii_alphabetic()) {
                    NO_BREAK_SPACE
                } else {
                    ""
                };
                [sign, symbol, gap, &number].concat()
            }
            Language::De => [sign, &number, NO_BREAK_SPACE, symbol].concat(),
        }
    }
}

/// CLDR separates a currency from its digits with U+00A0 so a price never wraps apart.
const NO_BREAK_SPACE: &str = "\u{a0}";

/// The languages with their own number format; everything else formats as English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Language {
    En,
    De,
    Id,
}

impl Language {
    fn from_tag(tag: &str) -> Language {
        let language = tag.split(['-', '_']).next().unwrap_or_default();
        if language.eq_ignore_ascii_case("de") {
            Language::De
        } else if language.eq_ignore_ascii_case("id") || language.eq_ignore_ascii_case("in") {
            Language::Id
        } else {
            Language::En
        }
    }

    /// (grouping separator, decimal separator) from CLDR's `latn` number symbols.
    fn separators(self) -> (char, char) {
        match self {
            Language::En => (',', '.'),
            Language::De | Language::Id => ('.', ','),
        }
    }
}

/// `1234567` → `1,234,567` (with `,` as the separator).
fn group_thousands(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_unique() {
        let all = [
            MoneyError::InvalidCurrency,
            MoneyError::CurrencyMismatch {
                expected: Currency::EUR,
                found: Currency::USD,
            },
            MoneyError::Overflow,
        ];
        let mut codes: Vec<&str> = all.iter().map(MoneyError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn groups_by_three_from_the_right() {
        assert_eq!(group_thousands(0, ','), "0");
        assert_eq!(group_thousands(999, ','), "999");
        assert_eq!(group_thousands(1000, ','), "1,000");
        assert_eq!(group_thousands(123456, '.'), "123.456");
        assert_eq!(group_thousands(1234567, ','), "1,234,567");
        assert_eq!(group_thousands(u64::MAX, ','), "18,446,744,073,709,551,615");
    }

    #[test]
    fn locale_tags_map_to_their_language() {
        assert_eq!(Language::from_tag("de-DE"), Language::De);
        assert_eq!(Language::from_tag("DE_at"), Language::De);
        assert_eq!(Language::from_tag("id-ID"), Language::Id);
        assert_eq!(Language::from_tag("in"), Language::Id);
        assert_eq!(Language::from_tag("en-US"), Language::En);
        assert_eq!(Language::from_tag("fr-FR"), Language::En);
        assert_eq!(Language::from_tag(""), Language::En);
    }

    #[test]
    fn constants_are_well_formed() {
        for currency in [
            Currency::EUR,
            Currency::USD,
            Currency::GBP,
            Currency::CHF,
            Currency::JPY,
            Currency::IDR,
            Currency::PHP,
            Currency::KWD,
        ] {
            assert_eq!(Currency::new(currency.code()), Ok(currency));
        }
    }
}
