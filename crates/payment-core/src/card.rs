//! Card brands and the validation of what a customer types into the card fields: the
//! number (brand detection from the issuer prefix, allowed lengths, Luhn), the expiry
//! date and the security code, plus the digit grouping the number field displays.
//!
//! The verdicts follow Braintree's `card-validator` (and the brand table of its
//! `credit-card-type`): every check reports `is_valid` (the value can be submitted as is)
//! and `is_potentially_valid` (typing more characters at the end could still make it
//! valid). The widget shows an error as soon as a field stops being potentially valid and
//! an "incomplete" error when the customer leaves a field that is not yet valid; the
//! server runs the same functions, so both give the same answer.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A card network, named as Stripe names it (`card.brand` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardBrand {
    /// Visa.
    Visa,
    /// Mastercard, including the 2-series BINs.
    Mastercard,
    /// American Express.
    Amex,
    /// Discover.
    Discover,
    /// Diners Club.
    Diners,
    /// JCB.
    Jcb,
    /// China UnionPay.
    UnionPay,
    /// Maestro (debit).
    Maestro,
    /// Elo (Brazil).
    Elo,
    /// Mir (Russia).
    Mir,
    /// Hiper (Brazil).
    Hiper,
    /// Hipercard (Brazil).
    Hipercard,
}

/// The grouping used when no brand is known yet; most brands use it too.
const DEFAULT_GAPS: &[u8] = &[4, 8, 12];

/// No card number is longer than this, whatever the brand.
const MAX_CARD_LENGTH: usize = 19;

impl CardBrand {
    /// Every brand, in the order ties between equally specific candidates are broken
    /// (and the order [`candidate_brands`] gives for an empty number).
    pub const ALL: [CardBrand; 12] = [
        CardBrand::Visa,
        CardBrand::Mastercard,
        CardBrand::Amex,
        CardBrand::Discover,
        CardBrand::Diners,
        CardBrand::Jcb,
        CardBrand::UnionPay,
        CardBrand::Maestro,
        CardBrand::Elo,
        CardBrand::Mir,
        CardBrand::Hiper,
        CardBrand::Hipercard,
    ];

    /// Stripe's name for the brand: `"visa"`, `"amex"`, `"unionpay"`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            CardBrand::Visa => "visa",
            CardBrand::Mastercard => "mastercard",
            CardBrand::Amex => "amex",
            CardBrand::Discover => "discover",
            CardBrand::Diners => "diners",
            CardBrand::Jcb => "jcb",
            CardBrand::UnionPay => "unionpay",
            CardBrand::Maestro => "maestro",
            CardBrand::Elo => "elo",
            CardBrand::Mir => "mir",
            CardBrand::Hiper => "hiper",
            CardBrand::Hipercard => "hipercard",
        }
    }

    /// The brand Stripe calls `name` (exactly as [`CardBrand::as_str`] spells it), or
    /// `None` for a brand this crate does not know (such as Stripe's `"unknown"`).
    pub fn from_str_name(name: &str) -> Option<CardBrand> {
        CardBrand::ALL
            .into_iter()
            .find(|brand| brand.as_str() == name)
    }

    /// The name to show a customer: `"American Express"`, `"Diners Club"`, …
    pub const fn display_name(self) -> &'static str {
        match self {
            CardBrand::Visa => "Visa",
            CardBrand::Mastercard => "Mastercard",
            CardBrand::Amex => "American Express",
            CardBrand::Discover => "Discover",
            CardBrand::Diners => "Diners Club",
            CardBrand::Jcb => "JCB",
            CardBrand::UnionPay => "UnionPay",
            CardBrand::Maestro => "Maestro",
            CardBrand::Elo => "Elo",
            CardBrand::Mir => "Mir",
            CardBrand::Hiper => "Hiper",
            CardBrand::Hipercard => "Hipercard",
        }
    }

    /// The numbers of digits a card of this brand can have, ascending.
    pub const fn lengths(self) -> &'static [u8] {
        match self {
            CardBrand::Visa => &[16, 18, 19],
            CardBrand::Mastercard => &[16],
            CardBrand::Amex => &[15],
            CardBrand::Discover => &[16, 19],
            CardBrand::Diners => &[14, 16, 19],
            CardBrand::Jcb | CardBrand::Mir => &[16, 17, 18, 19],
            CardBrand::UnionPay => &[14, 15, 16, 17, 18, 19],
            CardBrand::Maestro => &[12, 13, 14, 15, 16, 17, 18, 19],
            CardBrand::Elo | CardBrand::Hiper | CardBrand::Hipercard => &[16],
        }
    }

    /// The longest number this brand issues.
    pub const fn max_length(self) -> u8 {
        let lengths = self.lengths();
        lengths[lengths.len() - 1]
    }

    /// From how many digits a valid number is taken as finished, so that focus may move
    /// on to the expiry: the length nearly every card of the brand has (16), or the
    /// longest for brands whose lengths are spread out and whose prefixes are often
    /// valid too (Maestro; UnionPay, which has no Luhn check). A shorter valid number
    /// (a 14-digit Diners, a 16-digit UnionPay) stays put for the customer to go on or
    /// Tab away: moving early would send the rest of the digits to the expiry.
    pub const fn settled_length(self) -> u8 {
        match self {
            CardBrand::Amex => 15,
            CardBrand::Maestro | CardBrand::UnionPay => 19,
            CardBrand::Visa
            | CardBrand::Mastercard
            | CardBrand::Discover
            | CardBrand::Diners
            | CardBrand::Jcb
            | CardBrand::Mir
            | CardBrand::Elo
            | CardBrand::Hiper
            | CardBrand::Hipercard => 16,
        }
    }

    /// After how many digits the formatted number has a space: `[4, 8, 12]` gives
    /// `4242 4242 4242 4242`, Amex's `[4, 10]` gives `3782 822463 10005`.
    pub const fn gaps(self) -> &'static [u8] {
        match self {
            CardBrand::Amex | CardBrand::Diners => &[4, 10],
            CardBrand::Visa
            | CardBrand::Mastercard
            | CardBrand::Discover
            | CardBrand::Jcb
            | CardBrand::UnionPay
            | CardBrand::Maestro
            | CardBrand::Elo
            | CardBrand::Mir
            | CardBrand::Hiper
            | CardBrand::Hipercard => DEFAULT_GAPS,
        }
    }

    /// How many digits the security code has: 4 for Amex, 3 for every other brand.
    pub const fn cvc_length(self) -> u8 {
        match self {
            CardBrand::Amex => 4,
            CardBrand::Visa
            | CardBrand::Mastercard
            | CardBrand::Discover
            | CardBrand::Diners
            | CardBrand::Jcb
            | CardBrand::UnionPay
            | CardBrand::Maestro
            | CardBrand::Elo
            | CardBrand::Mir
            | CardBrand::Hiper
            | CardBrand::Hipercard => 3,
        }
    }

    /// What the network calls its security code (`"CVV"`, `"CVC"`, `"CID"`, …), as
    /// Braintree's brand table names it; a label for the CVC field.
    pub const fn cvc_label(self) -> &'static str {
        match self {
            CardBrand::Visa | CardBrand::Diners | CardBrand::Jcb => "CVV",
            CardBrand::Mastercard
            | CardBrand::Maestro
            | CardBrand::Hiper
            | CardBrand::Hipercard => "CVC",
            CardBrand::Amex | CardBrand::Discover => "CID",
            CardBrand::UnionPay => "CVN",
            CardBrand::Elo => "CVE",
            CardBrand::Mir => "CVP2",
        }
    }

    /// Whether a number of this brand must pass the Luhn check. UnionPay issues cards
    /// that fail it, so card-validator (and this module) accepts them anyway.
    pub const fn luhn_required(self) -> bool {
        match self {
            CardBrand::UnionPay => false,
            CardBrand::Visa
            | CardBrand::Mastercard
            | CardBrand::Amex
            | CardBrand::Discover
            | CardBrand::Diners
            | CardBrand::Jcb
            | CardBrand::Maestro
            | CardBrand::Elo
            | CardBrand::Mir
            | CardBrand::Hiper
            | CardBrand::Hipercard => true,
        }
    }

    /// The issuer prefixes (IIN/BIN ranges) that identify the brand.
    fn prefixes(self) -> &'static [Prefix] {
        match self {
            CardBrand::Visa => VISA,
            CardBrand::Mastercard => MASTERCARD,
            CardBrand::Amex => AMEX,
            CardBrand::Discover => DISCOVER,
            CardBrand::Diners => DINERS,
            CardBrand::Jcb => JCB,
            CardBrand::UnionPay => UNIONPAY,
            CardBrand::Maestro => MAESTRO,
            CardBrand::Elo => ELO,
            CardBrand::Mir => MIR,
            CardBrand::Hiper => HIPER,
            CardBrand::Hipercard => HIPERCARD,
        }
    }

    /// How well `digits` fits this brand's prefixes, or `None` if it cannot be one.
    fn prefix_match(self, digits: &str) -> Option<PrefixMatch> {
        self.prefixes()
            .iter()
            .filter(|prefix| prefix.admits(digits))
            .map(|prefix| PrefixMatch {
                matched: digits.len().min(prefix.len()),
                complete: digits.len() >= prefix.len(),
            })
            // A brand is as specific as its best prefix: `6011…` is Discover by `6011`,
            // not merely by Maestro's catch-all `6`.
            .max_by_key(|m| (m.complete, m.matched))
    }
}

impl fmt::Display for CardBrand {
    /// Writes Stripe's name, as [`CardBrand::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of card brands: the brands a merchant accepts (all of them by default).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BrandSet(u16);

impl BrandSet {
    /// Every brand.
    pub const ALL: BrandSet = BrandSet((1 << CardBrand::ALL.len()) - 1);

    /// No brand.
    pub const NONE: BrandSet = BrandSet(0);

    const fn bit(brand: CardBrand) -> u16 {
        1 << brand as u16
    }

    /// Whether `brand` is in the set.
    pub const fn contains(self, brand: CardBrand) -> bool {
        self.0 & Self::bit(brand) != 0
    }

    /// The set with `brand` added.
    #[must_use]
    pub const fn with(self, brand: CardBrand) -> BrandSet {
        BrandSet(self.0 | Self::bit(brand))
    }

    /// Whether the set holds every brand.
    pub const fn is_all(self) -> bool {
        self.0 == Self::ALL.0
    }

    /// Whether the set holds no brand.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The brands in the set, in [`CardBrand::ALL`]'s order.
    pub fn brands(self) -> impl Iterator<Item = CardBrand> {
        CardBrand::ALL
            .into_iter()
            .filter(move |b| self.contains(*b))
    }

    /// The set of brands named as Stripe names them (`"visa"`, `"amex"`, …), or the
    /// first name that is not a brand.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<BrandSet, &'a str> {
        names.into_iter().try_fold(BrandSet::NONE, |set, name| {
            CardBrand::from_str_name(name.trim())
                .map(|brand| set.with(brand))
                .ok_or(name)
        })
    }
}

impl Default for BrandSet {
    /// Every brand.
    fn default() -> Self {
        BrandSet::ALL
    }
}

impl fmt::Debug for BrandSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.brands()).finish()
    }
}

/// One issuer-prefix rule: a number belongs to it when its leading digits lie in
/// `low..=high`. Both bounds have the same number of digits, so comparing the digit
/// strings compares the numbers; a single prefix has `low == high`.
#[derive(Debug, Clone, Copy)]
struct Prefix {
    low: &'static str,
    high: &'static str,
}

impl Prefix {
    /// The number of digits the rule looks at.
    const fn len(&self) -> usize {
        self.low.len()
    }

    /// Whether `digits` fits the rule, comparing only as many digits as both have, so a
    /// partial number fits every rule it can still grow into (`"5"` fits `51..=55`).
    fn admits(&self, digits: &str) -> bool {
        let n = digits.len().min(self.len());
        let head = &digits[..n];
        &self.low[..n] <= head && head <= &self.high[..n]
    }
}

/// How a (partial) number fits a brand's best prefix.
#[derive(Debug, Clone, Copy)]
struct PrefixMatch {
    /// How many leading digits of the number the prefix vouches for.
    matched: usize,
    /// The number has all of the prefix's digits, so the prefix is confirmed rather
    /// than merely still possible.
    complete: bool,
}

/// A prefix rule for exactly `digits`.
const fn one(digits: &'static str) -> Prefix {
    Prefix {
        low: digits,
        high: digits,
    }
}

/// A prefix rule for `low..=high`.
const fn range(low: &'static str, high: &'static str) -> Prefix {
    Prefix { low, high }
}

// The brand table, as Braintree's credit-card-type publishes it (Troy, Naranja and Verve,
// which Stripe does not report as brands, are left out). Adjacent or overlapping UnionPay
// ranges are written as one range; that changes no verdict.
const VISA: &[Prefix] = &[one("4")];
const MASTERCARD: &[Prefix] = &[
    range("51", "55"),
    range("2221", "2229"),
    range("223", "229"),
    range("23", "26"),
    range("270", "271"),
    one("2720"),
];
const AMEX: &[Prefix] = &[one("34"), one("37")];
const DINERS: &[Prefix] = &[range("300", "305"), one("36"), one("38"), one("39")];
const DISCOVER: &[Prefix] = &[one("6011"), range("644", "649"), one("65")];
const JCB: &[Prefix] = &[one("2131"), one("1800"), range("3528", "3589")];
const UNIONPAY: &[Prefix] = &[
    one("620"),
    range("62100", "62182"),
    range("62184", "62197"),
    range("62200", "62205"),
    range("622010", "622999"),
    range("62207", "62209"),
    range("623", "626"),
    one("6270"),
    one("6272"),
    one("6276"),
    range("627700", "627779"),
    range("627781", "627799"),
    range("6282", "6289"),
    one("6291"),
    one("6292"),
    one("810"),
    range("8110", "8171"),
];
const MAESTRO: &[Prefix] = &[
    one("493698"),
    range("500000", "504174"),
    range("504176", "506698"),
    range("506779", "508999"),
    range("56", "59"),
    one("63"),
    one("67"),
    one("6"),
];
const ELO: &[Prefix] = &[
    one("401178"),
    one("401179"),
    one("431274"),
    one("438935"),
    one("451416"),
    one("457393"),
    one("457631"),
    one("457632"),
    one("504175"),
    range("506699", "506778"),
    range("509000", "509999"),
    one("627780"),
    one("636297"),
    one("636368"),
    range("650031", "650033"),
    range("650035", "650051"),
    range("650405", "650439"),
    range("650485", "650538"),
    range("650541", "650598"),
    range("650700", "650718"),
    range("650720", "650727"),
    range("650901", "650978"),
    range("651652", "651679"),
    range("655000", "655019"),
    range("655021", "655058"),
];
const MIR: &[Prefix] = &[range("2200", "2204")];
const HIPER: &[Prefix] = &[
    one("637095"),
    one("63737423"),
    one("63743358"),
    one("637568"),
    one("637599"),
    one("637609"),
    one("637612"),
];
const HIPERCARD: &[Prefix] = &[one("606282")];

/// The ASCII digits of `input`, everything else dropped: `"4242-4242 42"` → `"4242424242"`.
pub fn digits(input: &str) -> String {
    input.chars().filter(char::is_ascii_digit).collect()
}

/// The digits of a typed card number, or `None` if it holds anything but digits and the
/// spaces and dashes people type between groups.
fn number_digits(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !(c.is_whitespace() || c == '-') {
            return None;
        }
    }
    Some(out)
}

/// The brands a (partial) card number can still turn out to be, most likely first.
///
/// While the prefix of some candidate is still being typed, the brands keep the order
/// of [`CardBrand::ALL`], the widely carried networks first: a number starting with 4
/// is Visa before Maestro and Elo, whose BINs inside Visa's range are a few among
/// thousands (`"40"` is Visa, then Elo), one starting with 5 is Mastercard before
/// Maestro. Once every candidate's prefix is typed in full, more digits cannot change
/// which prefixes match, and the longest one comes first: it is the issuer's own range
/// (`"401178"` is Elo, then Visa). A brand stays listed as long as one of its ranges
/// holds the number, so `"6587"` is Discover, then Maestro, whose range is all of 6.
///
/// Spaces and dashes are ignored. An empty number gives every brand; anything else
/// that is not a digit gives none. [`check_number`] takes the first candidate as the
/// brand once the order is final (or as soon as only one is left).
pub fn candidate_brands(input: &str) -> Vec<CardBrand> {
    number_digits(input).map_or_else(Vec::new, |digits| rank_brands(&digits).0)
}

/// [`candidate_brands`] for a string already reduced to digits, and whether the order
/// is final: every candidate's prefix has been typed in full.
fn rank_brands(digits: &str) -> (Vec<CardBrand>, bool) {
    let mut found: Vec<(CardBrand, PrefixMatch)> = CardBrand::ALL
        .into_iter()
        .filter_map(|brand| brand.prefix_match(digits).map(|m| (brand, m)))
        .collect();
    let settled = !found.is_empty() && found.iter().all(|(_, m)| m.complete);
    if settled {
        // Longest prefix first; a stable insertion sort keeps `ALL`'s order among
        // equally long ones. By hand: the list is a few brands, and std's stable sort
        // costs the widget's wasm ~4 KB (size budget).
        for i in 1..found.len() {
            let mut j = i;
            while j > 0 && found[j - 1].1.matched < found[j].1.matched {
                found.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    (found.into_iter().map(|(brand, _)| brand).collect(), settled)
}

/// Whether the digits pass the Luhn (mod 10) check; `digits` must be ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            // Every second digit from the right is doubled; a two-digit result counts
            // as the sum of its digits, which is the result minus 9.
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether a card number passes the Luhn (mod 10) checksum. Spaces and dashes are
/// ignored; an empty number or one with any other character is not valid.
pub fn luhn_valid(input: &str) -> bool {
    match number_digits(input) {
        Some(digits) => !digits.is_empty() && luhn(&digits),
        None => false,
    }
}

/// The verdict on a typed card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberCheck {
    /// The brand, once only one is still possible or the likeliest one is final (see
    /// [`candidate_brands`]).
    pub brand: Option<CardBrand>,
    /// Typing more digits could still make the number valid.
    pub is_potentially_valid: bool,
    /// A number of a single known brand, of one of its lengths, passing Luhn where the
    /// brand requires it.
    pub is_valid: bool,
}

/// Checks a typed card number, with card-validator's verdicts.
///
/// Spaces and dashes are ignored. Any other non-digit, a prefix no brand uses, or a
/// number that is too long, or at its brand's longest length yet failing Luhn, is not
/// potentially valid. While several brands remain possible and their order may still
/// change (including for an empty number) the number is potentially valid but not
/// valid and has no brand; once the order is final, the first candidate is the brand
/// (`6011…` is Discover though Maestro's 6 also holds it).
pub fn check_number(input: &str) -> NumberCheck {
    let rejected = |brand| NumberCheck {
        brand,
        is_potentially_valid: false,
        is_valid: false,
    };
    let Some(digits) = number_digits(input) else {
        return rejected(None);
    };
    let (brands, settled) = rank_brands(&digits);
    let brand = match brands.as_slice() {
        [] => return rejected(None),
        [brand] => *brand,
        [brand, ..] if settled => *brand,
        _ => {
            return NumberCheck {
                brand: None,
                is_potentially_valid: true,
                is_valid: false,
            }
        }
    };
    let len = digits.len();
    let max = usize::from(brand.max_length());
    let checksum_ok = !brand.luhn_required() || luhn(&digits);
    let (is_potentially_valid, is_valid) = if brand.lengths().iter().any(|&l| usize::from(l) == len)
    {
        // A complete-looking number that fails Luhn may still be the prefix of a longer
        // valid one, unless it is already as long as the brand allows.
        (len < max || checksum_ok, checksum_ok)
    } else {
        (len < max, false)
    };
    NumberCheck {
        brand: Some(brand),
        is_potentially_valid,
        is_valid,
    }
}

/// The card number as the field shows it: only its digits, cut to the brand's longest
/// length and grouped by its gaps (`"4242-4242 4242 4242"` → `"4242 4242 4242 4242"`,
/// `"378282246310005"` → `"3782 822463 10005"`).
///
/// The brand is the one detected, or else the first candidate of [`candidate_brands`];
/// a number no brand uses is grouped in fours and cut to 19 digits.
pub fn format_number(input: &str) -> String {
    let mut number = digits(input);
    let (gaps, max) = match rank_brands(&number).0.first() {
        Some(brand) => (brand.gaps(), usize::from(brand.max_length())),
        None => (DEFAULT_GAPS, MAX_CARD_LENGTH),
    };
    number.truncate(max);
    let mut out = String::with_capacity(number.len() + gaps.len());
    for (i, c) in number.chars().enumerate() {
        // A space goes before the digit that starts a new group, never at the end, so
        // that deleting the last digit of a group also removes its space.
        if gaps.iter().any(|&g| usize::from(g) == i) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// [`format_number`] for an input field whose caret was at `caret`, plus where the caret
/// goes in the formatted text: right after the same number of digits as before it, so
/// inserting or removing spaces does not move it across a digit.
///
/// Positions are counted in UTF-16 code units, as the DOM's `selectionStart` reports
/// them (the same as characters or bytes for ASCII text); a caret past the end counts
/// as at the end. With no digit before the caret it goes to the start; if the digits
/// before it were cut off as too many, it goes to the end.
pub fn format_with_caret(input: &str, caret: usize) -> (String, usize) {
    let mut units = 0;
    let mut digits_before = 0;
    for c in input.chars() {
        if units >= caret {
            break;
        }
        units += c.len_utf16();
        if c.is_ascii_digit() {
            digits_before += 1;
        }
    }
    let formatted = format_number(input);
    if digits_before == 0 {
        return (formatted, 0);
    }
    // The formatted text is ASCII, so byte offsets are UTF-16 offsets.
    let position = formatted
        .bytes()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_digit())
        .nth(digits_before - 1)
        .map_or(formatted.len(), |(i, _)| i + 1);
    (formatted, position)
}

/// A calendar month, ordered chronologically (year first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// The four-digit year.
    pub year: u16,
    /// The month, 1 to 12.
    pub month: u8,
}

impl YearMonth {
    /// The month `month` (1 to 12) of `year`.
    pub const fn new(year: u16, month: u8) -> YearMonth {
        YearMonth { year, month }
    }
}

/// How many years after the current one a card may still expire (card-validator's
/// default): in 2026 the last accepted expiry is December 2045.
pub const EXPIRY_YEARS_AHEAD: u16 = 19;

/// The verdict on a typed expiry date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryCheck {
    /// The month, once the date is valid.
    pub month: Option<u8>,
    /// The four-digit year, once the date is valid.
    pub year: Option<u16>,
    /// Typing more characters could still make the date valid.
    pub is_potentially_valid: bool,
    /// A real month from `today` to [`EXPIRY_YEARS_AHEAD`] years ahead.
    pub is_valid: bool,
}

/// One way of splitting what was typed into a month and a year.
#[derive(Debug, Clone, Copy)]
struct ExpiryReading<'a> {
    /// The month's digits, perhaps not all typed yet.
    month: &'a str,
    /// Something follows the month, so it is finished: `"1/"` is January.
    month_finished: bool,
    /// The year's digits, perhaps not all typed yet.
    year: &'a str,
    /// Something follows the year (`YYYY-MM`), so it is finished.
    year_finished: bool,
    /// The year comes first, where only a four-digit year makes sense.
    four_digit_year: bool,
}

impl ExpiryReading<'_> {
    /// Whether the parts are made of digits and are not too long to be a month and year.
    fn well_formed(&self) -> bool {
        let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        self.month.len() <= 2 && self.year.len() <= 4 && numeric(self.month) && numeric(self.year)
    }

    /// Whether the typed month is, or with `finished == false` can still become, `month`
    /// written as `1` or `01`.
    fn month_fits(&self, month: u8, finished: bool) -> bool {
        let month = u32::from(month);
        let natural_width = if month < 10 { 1 } else { 2 };
        digits_fit(self.month, month, natural_width, finished)
            || digits_fit(self.month, month, 2, finished)
    }

    /// Whether the typed year is, or with `finished == false` can still become, `year`
    /// written with four digits or, in this century, two.
    fn year_fits(&self, year: u16, finished: bool) -> bool {
        let year = u32::from(year);
        digits_fit(self.year, year, 4, finished)
            || (!self.four_digit_year
                && (2000..=2099).contains(&year)
                && digits_fit(self.year, year % 100, 2, finished))
    }

    /// The date if this reading is valid: month and year typed in full and in range.
    fn valid_date(&self, today: YearMonth) -> Option<YearMonth> {
        expiry_window(today)
            .find(|d| self.month_fits(d.month, true) && self.year_fits(d.year, true))
    }

    /// Whether typing on could make this reading valid.
    fn potentially_valid(&self, today: YearMonth) -> bool {
        expiry_window(today).any(|d| {
            self.month_fits(d.month, self.month_finished)
                && self.year_fits(d.year, self.year_finished)
        })
    }
}

/// Whether `typed` (ASCII digits) is `value` written with `width` digits (zero-padded),
/// or, unless `finished`, the start of it.
fn digits_fit(typed: &str, value: u32, width: u32, finished: bool) -> bool {
    // At most four digits reach here, so the length fits in u32.
    let len = typed.len() as u32;
    if len > width || (finished && len != width) || value >= 10u32.pow(width) {
        return false;
    }
    if len == 0 {
        return true;
    }
    // Two digit strings of the same length are equal exactly when their values are.
    typed.parse::<u32>().ok() == Some(value / 10u32.pow(width - len))
}

/// Every month a card may expire in, seen from `today`.
fn expiry_window(today: YearMonth) -> impl Iterator<Item = YearMonth> {
    let last = today.year.saturating_add(EXPIRY_YEARS_AHEAD);
    (today.year..=last)
        .flat_map(|year| (1..=12).map(move |month| YearMonth { year, month }))
        .filter(move |date| *date >= today)
}

/// The ways of reading `input` as an expiry date, the preferred first; none if it
/// cannot be a date at all.
fn expiry_readings(input: &str) -> Vec<ExpiryReading<'_>> {
    let month_first = |month, year| ExpiryReading {
        month,
        month_finished: true,
        year,
        year_finished: false,
        four_digit_year: false,
    };
    let s = input.trim();
    if let Some(at) = s.find(['/', '-']) {
        let (left, right) = (s[..at].trim(), s[at + 1..].trim());
        if s[at..].starts_with('-') && left.len() == 4 {
            // `YYYY-MM`: the month is typed last and may be partial.
            return vec![ExpiryReading {
                month: right,
                month_finished: false,
                year: left,
                year_finished: true,
                four_digit_year: true,
            }];
        }
        return vec![month_first(left, right)];
    }
    if let Some((left, right)) = s.split_once(char::is_whitespace) {
        return vec![month_first(left, right.trim_start())];
    }
    // Digits alone: `MMYY`, `MMYYYY`, or the beginning of any format. Checking for
    // digits first also makes the byte slicing below safe.
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    if s.len() <= 1 {
        // A lone digit is a month still being typed: `1` may become `12`.
        return vec![ExpiryReading {
            month_finished: false,
            ..month_first(s, "")
        }];
    }
    let mut readings = Vec::new();
    if s.starts_with(['0', '1']) {
        // A leading 0 or 1 starts a two-digit month; but where that reading gives no
        // date, a leading 1 is January, as common card forms read it: `12030` is
        // 1/2030, `143` is 1/43 (there is no month 14). `0143` and `1 43` say which
        // month they mean, so they only have their own reading.
        readings.push(month_first(&s[..2], &s[2..]));
        if let Some(year) = s.strip_prefix('1') {
            readings.push(month_first(&s[..1], year));
        }
    } else {
        readings.push(month_first(&s[..1], &s[1..]));
        if s.len() <= 4 {
            // The beginning of a `YYYY-MM` date, before its dash is typed.
            readings.push(ExpiryReading {
                month: "",
                month_finished: false,
                year: s,
                year_finished: false,
                four_digit_year: true,
            });
        }
    }
    readings
}

/// Checks a typed expiry date against the current month `today`, with card-validator's
/// verdicts.
///
/// Accepted: `MM/YY`, `MM / YY`, `MM/YYYY`, `MM / YYYY`, `MM-YY`, `MM-YYYY`, `MM YY`,
/// `MMYY`, `MMYYYY`, `YYYY-MM`, a one-digit month (`1/30`), and any beginning of these
/// (`1`, `12`, `12/`, `12 / 2`). Two-digit years are 20YY. A date is valid from `today`
/// through December of `today.year +` [`EXPIRY_YEARS_AHEAD`]; it is potentially valid
/// while typing on could still reach such a date (`0` and `1` are, `00`, `13` and a
/// finished past year are not). `month` and `year` are set only when the date is valid.
pub fn parse_expiry(input: &str, today: YearMonth) -> ExpiryCheck {
    let readings: Vec<_> = expiry_readings(input)
        .into_iter()
        .filter(ExpiryReading::well_formed)
        .collect();
    if let Some(date) = readings.iter().find_map(|r| r.valid_date(today)) {
        return ExpiryCheck {
            month: Some(date.month),
            year: Some(date.year),
            is_potentially_valid: true,
            is_valid: true,
        };
    }
    ExpiryCheck {
        month: None,
        year: None,
        is_potentially_valid: readings.iter().any(|r| r.potentially_valid(today)),
        is_valid: false,
    }
}

/// The verdict on a field without a parsed value, such as the CVC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldCheck {
    /// Typing more characters could still make the value valid.
    pub is_potentially_valid: bool,
    /// The value can be submitted as is.
    pub is_valid: bool,
}

/// Checks a typed security code: digits only, as many as `brand` uses (4 for Amex, 3
/// otherwise), or 3 or 4 while the brand is unknown. It is potentially valid while it
/// is all digits and not longer than that.
pub fn check_cvc(input: &str, brand: Option<CardBrand>) -> FieldCheck {
    let (shortest, longest) = brand.map_or((3, 4), |b| (b.cvc_length(), b.cvc_length()));
    if !input.bytes().all(|b| b.is_ascii_digit()) {
        return FieldCheck {
            is_potentially_valid: false,
            is_valid: false,
        };
    }
    let len = input.len();
    FieldCheck {
        is_potentially_valid: len <= usize::from(longest),
        is_valid: (usize::from(shortest)..=usize::from(longest)).contains(&len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brand_set_holds_what_was_named() {
        let set = BrandSet::from_names(["visa", " amex"]).unwrap();
        assert!(set.contains(CardBrand::Visa) && set.contains(CardBrand::Amex));
        assert!(!set.contains(CardBrand::Mastercard));
        assert_eq!(
            set.brands().collect::<Vec<_>>(),
            [CardBrand::Visa, CardBrand::Amex]
        );
        assert_eq!(BrandSet::from_names(["visa", "bitcoin"]), Err("bitcoin"));
        assert!(BrandSet::default().is_all());
        assert_eq!(BrandSet::ALL.brands().count(), CardBrand::ALL.len());
        assert!(BrandSet::from_names([]).unwrap().is_empty());
        assert_eq!(format!("{set:?}"), "{Visa, Amex}");
        for (i, brand) in CardBrand::ALL.into_iter().enumerate() {
            assert_eq!(brand as usize, i, "ALL lists {brand} in declaration order");
        }
    }

    #[test]
    fn prefix_tables_are_well_formed() {
        for brand in CardBrand::ALL {
            assert!(!brand.prefixes().is_empty(), "{brand}");
            for prefix in brand.prefixes() {
                assert_eq!(prefix.low.len(), prefix.high.len(), "{brand} {prefix:?}");
                assert!(prefix.low <= prefix.high, "{brand} {prefix:?}");
                assert!(
                    prefix.low.bytes().all(|b| b.is_ascii_digit()),
                    "{brand} {prefix:?}"
                );
                assert!(
                    prefix.high.bytes().all(|b| b.is_ascii_digit()),
                    "{brand} {prefix:?}"
                );
            }
        }
    }

    #[test]
    fn brand_lengths_and_gaps_are_consistent() {
        for brand in CardBrand::ALL {
            let lengths = brand.lengths();
            assert!(lengths.windows(2).all(|w| w[0] < w[1]), "{brand}");
            assert!(
                usize::from(brand.max_length()) <= MAX_CARD_LENGTH,
                "{brand}"
            );
            assert!(brand.gaps().windows(2).all(|w| w[0] < w[1]), "{brand}");
            // A gap at or past the last digit would never show.
            assert!(
                brand.gaps().iter().all(|&g| g < brand.max_length()),
                "{brand}"
            );
        }
    }

    /// Whether some number starts in both rules' ranges.
    fn overlap(a: &Prefix, b: &Prefix) -> bool {
        let n = a.len().min(b.len());
        a.low[..n] <= b.high[..n] && b.low[..n] <= a.high[..n]
    }

    #[test]
    fn the_overlapping_ranges_are_the_known_ones() {
        // Each pair is tested range by range below and case by case in tests/card.rs;
        // a new overlap in the table must be added to both.
        let mut pairs = Vec::new();
        for (i, a) in CardBrand::ALL.into_iter().enumerate() {
            for b in CardBrand::ALL.into_iter().skip(i + 1) {
                let overlaps = a
                    .prefixes()
                    .iter()
                    .any(|p| b.prefixes().iter().any(|q| overlap(p, q)));
                if overlaps {
                    pairs.push((a, b));
                }
            }
        }
        use CardBrand::*;
        assert_eq!(
            pairs,
            [
                (Visa, Maestro),
                (Visa, Elo),
                (Discover, Maestro),
                (Discover, Elo),
                (UnionPay, Maestro),
                (Maestro, Elo),
                (Maestro, Hiper),
                (Maestro, Hipercard),
            ]
        );
    }

    #[test]
    fn in_every_overlap_both_brands_are_listed_the_issuers_range_first() {
        for brand in CardBrand::ALL {
            for prefix in brand.prefixes() {
                for bound in [prefix.low, prefix.high] {
                    // A whole number from the edge of the range: every prefix is typed.
                    let number = format!("{bound:0<16}");
                    let holders: Vec<CardBrand> = CardBrand::ALL
                        .into_iter()
                        .filter(|b| b.prefixes().iter().any(|p| p.admits(&number)))
                        .collect();
                    let (ranked, settled) = rank_brands(&number);
                    assert!(settled, "{number}");
                    assert_eq!(ranked.len(), holders.len(), "{number}: {ranked:?}");
                    assert!(holders.iter().all(|b| ranked.contains(b)), "{number}");
                    let matched = |b: &CardBrand| b.prefix_match(&number).unwrap().matched;
                    assert!(
                        ranked.windows(2).all(|w| matched(&w[0]) >= matched(&w[1])),
                        "{number}: {ranked:?}"
                    );
                    // No range longer than the first brand's holds the number.
                    assert!(matched(&ranked[0]) >= prefix.len(), "{number}");
                    assert_eq!(check_number(&number).brand, Some(ranked[0]), "{number}");
                    // One digit short of the range's prefix, its brand is still listed.
                    let typing = &bound[..bound.len() - 1];
                    let (partial, _) = rank_brands(typing);
                    assert!(partial.contains(&brand), "{typing}");
                }
            }
        }
    }

    #[test]
    fn prefix_admits_partial_and_longer_numbers() {
        let r = range("2221", "2229");
        assert!(r.admits(""));
        assert!(r.admits("2"));
        assert!(r.admits("222"));
        assert!(r.admits("22250000"));
        assert!(!r.admits("2230"));
        assert!(!r.admits("220"));
    }

    #[test]
    fn digits_fit_compares_padded_prefixes() {
        assert!(digits_fit("0", 5, 2, false));
        assert!(!digits_fit("0", 5, 2, true));
        assert!(digits_fit("05", 5, 2, true));
        assert!(digits_fit("", 5, 1, false));
        assert!(!digits_fit("", 5, 1, true));
        assert!(digits_fit("20", 2031, 4, false));
        assert!(!digits_fit("21", 2031, 4, false));
        assert!(!digits_fit("123", 5, 2, false));
    }
}
