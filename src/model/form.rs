//! What the form does with what the customer types, as plain functions: formatting
//! while typing, when an error shows and which, which fields a method shows, and the
//! `PaymentMethodData` the values make. Components only wire signals to these.
//!
//! All validation goes through payment-core, so the widget and the server agree.

use crate::model::locale::{Key, Locale};
use crate::model::options::Fields;
use crate::model::types::{FieldVisibility, MethodKind};
use payment_core::api::{
    Address, BillingDetails, EwalletChannel, EwalletInput, PaymentMethodData, QrChannel,
    QrCodeInput, SepaDebitInput,
};
use payment_core::card::{
    candidate_brands, check_cvc, check_number, digits, parse_expiry, BrandSet, CardBrand,
    ExpiryCheck, YearMonth,
};
use payment_core::iban::{self, IbanError};
use payment_core::secret::{CardNumber, Cvc, IbanNumber};
use payment_core::vault::CardDetails;

/// An input of the form; its `as_str()` is the `data-field` attribute of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Card number.
    CardNumber,
    /// Expiry `MM / YY`.
    Expiry,
    /// Security code.
    Cvc,
    /// Cardholder or account holder name.
    Name,
    /// Billing country.
    Country,
    /// Billing postal code.
    PostalCode,
    /// IBAN.
    Iban,
    /// Email.
    Email,
    /// The e-wallet channel.
    Ewallet,
    /// The choice of payment method itself (nothing chosen yet).
    Method,
}

impl Field {
    /// The name used in markup and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::CardNumber => "number",
            Field::Expiry => "expiry",
            Field::Cvc => "cvc",
            Field::Name => "name",
            Field::Country => "country",
            Field::PostalCode => "postal_code",
            Field::Iban => "iban",
            Field::Email => "email",
            Field::Ewallet => "ewallet",
            Field::Method => "method",
        }
    }
}

/// How far the customer has got with a field, which decides which errors show: one
/// that can no longer become valid shows at once; an incomplete value once the
/// customer left the field; an empty required field only after a submit attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Still typing, never left the field.
    Typing,
    /// Left the field at least once.
    Left,
    /// A submit was attempted.
    Submitted,
}

/// What the customer typed, as plain values. `Debug` redacts the card number, CVC and
/// IBAN, as their own types do.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    /// Card number as displayed.
    pub number: String,
    /// Expiry as displayed.
    pub expiry: String,
    /// CVC.
    pub cvc: String,
    /// Name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// Postal code.
    pub postal_code: String,
    /// IBAN as displayed.
    pub iban: String,
    /// Email.
    pub email: String,
    /// Chosen wallet.
    pub ewallet: Option<EwalletChannel>,
    /// The QR standard of the cart's currency (QRIS, QR Ph), if it has one.
    pub qr: Option<QrChannel>,
    /// The card brands the merchant accepts.
    pub card_brands: BrandSet,
}

impl std::fmt::Debug for FormValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormValues")
            .field("number", &CardNumber::new(self.number.as_str()))
            .field("expiry", &self.expiry)
            .field("cvc", &Cvc::new(self.cvc.as_str()))
            .field("name", &self.name)
            .field("country", &self.country)
            .field("postal_code", &self.postal_code)
            .field("iban", &IbanNumber::new(self.iban.as_str()))
            .field("email", &self.email)
            .field("ewallet", &self.ewallet)
            .field("qr", &self.qr)
            .field("card_brands", &self.card_brands)
            .finish()
    }
}

/// The shared verdict: invalid at once, incomplete from `Left`, required at `Submitted`.
fn verdict(
    empty: bool,
    potentially_valid: bool,
    valid: bool,
    stage: Stage,
    incomplete: Key,
    invalid: Key,
) -> Option<Key> {
    if !potentially_valid {
        Some(invalid)
    } else if valid || stage == Stage::Typing || (empty && stage < Stage::Submitted) {
        None
    } else {
        Some(incomplete)
    }
}

/// The card number's error. A number of a brand the merchant does not accept is
/// refused as soon as its brand is known, before the rest is typed.
pub fn card_number_error(typed: &str, accepted: BrandSet, stage: Stage) -> Option<Key> {
    let check = check_number(typed);
    if check.brand.is_some_and(|brand| !accepted.contains(brand)) {
        return Some(Key::CardBrandNotAccepted);
    }
    let error = verdict(
        typed.is_empty(),
        check.is_potentially_valid,
        check.is_valid,
        stage,
        Key::CardNumberIncomplete,
        Key::CardNumberInvalid,
    )?;
    // A number of a full length for its brand that fails the check digit is a typo,
    // not an unfinished number.
    let length = digits(typed).len();
    let full_length = check
        .brand
        .is_some_and(|b| b.lengths().iter().any(|&l| usize::from(l) == length));
    Some(if full_length {
        Key::CardNumberInvalid
    } else {
        error
    })
}

/// The brand logos the card number field shows: the number's brand once it is known;
/// while it can still be exactly two brands (`"40"`: Visa or Elo), both; else none,
/// and the field shows the generic card.
pub fn brand_icons(typed: &str) -> Vec<CardBrand> {
    if digits(typed).is_empty() {
        return Vec::new();
    }
    if let Some(brand) = check_number(typed).brand {
        return vec![brand];
    }
    let candidates = candidate_brands(typed);
    if candidates.len() == 2 {
        candidates
    } else {
        Vec::new()
    }
}

/// The brand the card number field's icon shows (`data-brand`): the number's brand as
/// soon as it is known, which may be before only one brand is possible (`6011` is
/// Discover though Maestro's 6 also holds it), else `"unknown"` for the generic card.
pub fn brand_icon(typed: &str) -> &'static str {
    check_number(typed)
        .brand
        .map_or("unknown", CardBrand::as_str)
}

/// A delete that removed only a separator (a space of a card number or an IBAN, part
/// of the expiry's ` / `) between digits: the digit beyond it goes instead, as if the
/// separator were not there, so Delete never sticks before a space and Backspace is
/// never a dead key. `before` is the field's text, `after` and `caret` what the delete
/// left (UTF-16 caret; other texts are returned unchanged). At the end nothing
/// changes: dropping a trailing separator is what the customer meant.
pub fn delete_through_separator(
    before: &str,
    after: &str,
    caret: usize,
    forward: bool,
) -> (String, usize) {
    let unchanged = (after.to_owned(), caret);
    let kept = |text: &str| -> String {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase()
    };
    // One character, a separator, went (not a selection, not a letter of an IBAN).
    if !before.is_ascii()
        || !after.is_ascii()
        || after.len() + 1 != before.len()
        || caret >= after.trim_end().len()
        || kept(before) != kept(after)
    {
        return unchanged;
    }
    let bytes = after.as_bytes();
    let digit = if forward {
        (caret..bytes.len()).find(|&i| bytes[i].is_ascii_alphanumeric())
    } else {
        (0..caret).rev().find(|&i| bytes[i].is_ascii_alphanumeric())
    };
    match digit {
        Some(i) => {
            let mut text = after.to_owned();
            text.remove(i);
            (text, if forward { caret } else { i })
        }
        None => unchanged,
    }
}

/// The expiry as `MM / YY` while typing, and where the caret goes (`caret` and the
/// answer count UTF-16 units; the text is ASCII): a first digit 2–9 can only be a
/// month, so it becomes `0d / `; two month digits get the separator; `13` reads as
/// `01 / 3`; a pasted `12/2030` keeps `12 / 30`, `5/2029` becomes `05 / 29`. Once
/// there is a separator, month and year are read on each side of it, so an edit in
/// the middle (`12 / 30`, month selected, `0` typed) changes that part only and keeps
/// the caret there. While deleting, a trailing separator is dropped instead of being
/// put back, so backspace works.
pub fn format_expiry(typed: &str, caret: usize, deleting: bool) -> (String, usize) {
    // The caret as a byte offset: whatever was typed (letters, accents) is measured in
    // UTF-16 units by the browser.
    let caret = typed
        .char_indices()
        .scan(0, |units, (i, c)| {
            let at = (*units, i);
            *units += c.len_utf16();
            Some(at)
        })
        .find(|&(units, _)| units >= caret)
        .map_or(typed.len(), |(_, i)| i);
    let at_end = typed[caret..].trim().is_empty();
    // The separator: `/`, else a space or dash after the month's digits (`1 `, `1-`,
    // or what a deleted `/` left, `1  30`).
    let separator = typed.find('/').or_else(|| {
        let first_digit = typed.find(|c: char| c.is_ascii_digit())?;
        typed[first_digit..]
            .find([' ', '-'])
            .map(|i| first_digit + i)
    });
    let formatted = match separator.map(|i| (&typed[..i], &typed[i + 1..])) {
        Some((month_part, year_part)) => {
            let in_month = caret <= month_part.len();
            let mut month = digits(month_part);
            let mut year = digits(year_part);
            // A four-digit year (pasted `MM/YYYY`) keeps its last two digits.
            if year.len() == 4 && year.starts_with("20") {
                year.replace_range(..2, "");
            }
            if month.len() > 2 {
                year.insert_str(0, &month.split_off(2));
            }
            // `1/` or a pasted `5/2029`: a single month digit before the separator. Not
            // while the customer is editing the month itself.
            if month.len() == 1 && month != "0" && !in_month && !deleting {
                month.insert(0, '0');
            }
            year.truncate(2);
            if month.is_empty() && year.is_empty() {
                String::new()
            } else if year.is_empty() && deleting {
                month
            } else {
                [month.as_str(), " / ", year.as_str()].concat()
            }
        }
        None => format_stream(typed, deleting),
    };
    let caret = if at_end {
        formatted.len()
    } else {
        // After as many digits as were before the caret.
        let before = typed[..caret].bytes().filter(u8::is_ascii_digit).count();
        formatted
            .bytes()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_digit())
            .nth(before.saturating_sub(1))
            .map_or(0, |(i, _)| if before == 0 { 0 } else { i + 1 })
    };
    (formatted, caret)
}

/// The expiry typed as a stream of digits, without a separator yet.
fn format_stream(typed: &str, deleting: bool) -> String {
    let mut all = digits(typed);
    // A pasted `MMYYYY` keeps the last two digits of its year.
    if all.len() == 6 && all[2..4] == *"20" {
        all.replace_range(2..4, "");
    }
    let mut month = String::new();
    let mut rest = all.as_str();
    if let Some(first) = rest.chars().next() {
        if ('2'..='9').contains(&first) {
            // `4` → `04`.
            month.push('0');
            month.push(first);
            rest = &rest[1..];
        } else if rest.len() >= 2 {
            let second = rest.as_bytes()[1];
            if first == '1' && second > b'2' {
                month.push_str("01");
                rest = &rest[1..];
            } else {
                month.push_str(&rest[..2]);
                rest = &rest[2..];
            }
        } else {
            return rest.to_owned();
        }
    }
    if month.is_empty() {
        return String::new();
    }
    let year: String = rest.chars().take(2).collect();
    if year.is_empty() && deleting {
        return month;
    }
    [month.as_str(), " / ", year.as_str()].concat()
}

/// The expiry's error as of `today`.
pub fn expiry_error(typed: &str, today: YearMonth, stage: Stage) -> Option<Key> {
    let check: ExpiryCheck = parse_expiry(typed, today);
    // The field takes two-digit years only, so once two are typed the year is final:
    // "01 / 20" cannot still grow into 2030 here, though payment-core allows `MM/YYYY`.
    let year_final = digits(typed).len() >= 4;
    let potentially_valid = check.is_potentially_valid && (check.is_valid || !year_final);
    let invalid = if expiry_is_past(typed, today) {
        Key::ExpiryPast
    } else {
        Key::ExpiryInvalid
    };
    verdict(
        typed.is_empty(),
        potentially_valid,
        check.is_valid,
        stage,
        Key::ExpiryIncomplete,
        invalid,
    )
}

/// Whether `MM / Y` or `MM / YY` names a real month that every completion puts before
/// `today`.
fn expiry_is_past(typed: &str, today: YearMonth) -> bool {
    let d = digits(typed);
    let Some(month) = d.get(..2).and_then(|m| m.parse::<u8>().ok()) else {
        return false;
    };
    let year = &d[2..];
    let latest = match year.len() {
        1 => 2009 + 10 * year.parse::<u16>().unwrap_or(0),
        2 => 2000 + year.parse::<u16>().unwrap_or(0),
        _ => return false,
    };
    let latest_month = if year.len() == 1 { 12 } else { month };
    (1..=12).contains(&month) && YearMonth::new(latest, latest_month) < today
}

/// The CVC as typed: digits only, no more than the brand's length (4 while unknown).
pub fn format_cvc(typed: &str, brand: Option<CardBrand>) -> String {
    let max = brand.map_or(4, |b| usize::from(b.cvc_length()));
    digits(typed).chars().take(max).collect()
}

/// The CVC's error.
pub fn cvc_error(typed: &str, brand: Option<CardBrand>, stage: Stage) -> Option<Key> {
    let check = check_cvc(typed, brand);
    verdict(
        typed.is_empty(),
        check.is_potentially_valid,
        check.is_valid,
        stage,
        Key::CvcIncomplete,
        Key::CvcInvalid,
    )
}

/// Whether cards from `country` are checked against a postal code (address
/// verification is used by US, Canadian and British issuers).
pub fn country_needs_postal_code(country: &str) -> bool {
    matches!(country, "US" | "CA" | "GB")
}

/// (potentially valid, valid) for a postal code of `country`.
fn check_postal_code(country: &str, typed: &str) -> (bool, bool) {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let shape_ok = |pattern: &str| {
        code.len() <= pattern.len()
            && code.chars().zip(pattern.chars()).all(|(c, p)| match p {
                '9' => c.is_ascii_digit(),
                'A' => c.is_ascii_uppercase(),
                '-' => c == '-',
                _ => c.is_ascii_alphanumeric(),
            })
    };
    match country {
        // ZIP or ZIP+4, with its dash, a space or neither (a numeric keypad has no dash).
        "US" => {
            let digits_only = code.bytes().all(|b| b.is_ascii_digit());
            let potential = (digits_only && code.len() <= 9) || shape_ok("99999-9999");
            let valid = potential
                && (code.len() == 5 || (digits_only && code.len() == 9) || code.len() == 10);
            (potential, valid)
        }
        "CA" => {
            let potential = shape_ok("A9A9A9");
            (potential, potential && code.len() == 6)
        }
        // Outward code (2–4) plus inward code (3), letters and digits.
        "GB" => {
            let potential = code.len() <= 7 && code.chars().all(|c| c.is_ascii_alphanumeric());
            let valid = potential
                && code.len() >= 5
                && code.as_bytes()[code.len() - 3].is_ascii_digit()
                && code.as_bytes()[0].is_ascii_uppercase();
            (potential, valid)
        }
        _ => (true, !code.is_empty()),
    }
}

/// The postal code's error.
pub fn postal_code_error(country: &str, typed: &str, stage: Stage) -> Option<Key> {
    let (potential, valid) = check_postal_code(country, typed);
    verdict(
        typed.trim().is_empty(),
        potential,
        valid,
        stage,
        Key::PostalCodeIncomplete,
        Key::PostalCodeInvalid,
    )
}

/// The IBAN in groups of four, upper case, plus where the caret goes: after the same
/// number of letters and digits as before it.
pub fn format_iban(typed: &str, caret: usize) -> (String, usize) {
    let mut kept_before = 0;
    let mut units = 0;
    for c in typed.chars() {
        if units >= caret {
            break;
        }
        units += c.len_utf16();
        if c.is_ascii_alphanumeric() {
            kept_before += 1;
        }
    }
    let mut out = String::with_capacity(typed.len() + 8);
    let mut position = 0;
    for (i, c) in typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(34)
        .enumerate()
    {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_uppercase());
        if i + 1 == kept_before {
            position = out.len();
        }
    }
    if kept_before > 34 {
        position = out.len();
    }
    (out, position)
}

/// The IBAN's error. An account number that fails its bank's national check gets its
/// own message, at once: the IBAN is complete and its check digits agree, so "invalid"
/// alone would send the customer looking in the wrong place.
pub fn iban_error(typed: &str, stage: Stage) -> Option<Key> {
    if iban::is_outside_sepa(typed) {
        return Some(Key::IbanNotSepa);
    }
    let validated = iban::validate_iban(typed);
    if matches!(validated, Err(IbanError::NationalCheckFailed { .. })) {
        return Some(Key::IbanNationalCheckFailed);
    }
    verdict(
        typed.trim().is_empty(),
        iban::is_potentially_valid(typed),
        validated.is_ok(),
        stage,
        Key::IbanIncomplete,
        Key::IbanInvalid,
    )
}

/// Whether an email address looks deliverable: one `@`, something before it and a
/// dotted domain after it, no spaces.
fn email_valid(typed: &str) -> bool {
    let typed = typed.trim();
    let Some((local, domain)) = typed.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !typed.contains(char::is_whitespace)
        && domain
            .split_once('.')
            .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2 && !tld.ends_with('.'))
}

/// The email's error: only once the customer left it, as a half-typed address is
/// normal while typing.
pub fn email_error(typed: &str, stage: Stage) -> Option<Key> {
    verdict(
        typed.trim().is_empty(),
        true,
        email_valid(typed),
        stage,
        Key::EmailIncomplete,
        Key::EmailInvalid,
    )
    .map(|key| {
        if typed.trim().is_empty() {
            key
        } else {
            Key::EmailInvalid
        }
    })
}

/// The name's error: required once shown.
pub fn name_error(typed: &str, stage: Stage) -> Option<Key> {
    let empty = typed.trim().is_empty();
    verdict(
        empty,
        true,
        !empty,
        stage,
        Key::NameRequired,
        Key::NameRequired,
    )
}

/// The fields `method` shows, in order, given the options and the chosen country.
pub fn visible_fields(method: MethodKind, fields: &Fields, country: &str) -> Vec<Field> {
    let mut out = Vec::with_capacity(6);
    match method {
        MethodKind::Card => {
            out.extend([Field::CardNumber, Field::Expiry, Field::Cvc]);
            if fields.name == FieldVisibility::Always {
                out.push(Field::Name);
            }
            if fields.country != FieldVisibility::Never {
                out.push(Field::Country);
            }
            let postal = match fields.postal_code {
                FieldVisibility::Never => false,
                FieldVisibility::Always => true,
                FieldVisibility::Auto => country_needs_postal_code(country),
            };
            if postal {
                out.push(Field::PostalCode);
            }
        }
        MethodKind::SepaDebit => {
            if fields.name != FieldVisibility::Never {
                out.push(Field::Name);
            }
            if fields.email != FieldVisibility::Never {
                out.push(Field::Email);
            }
            out.push(Field::Iban);
        }
        MethodKind::Ewallet => {
            out.push(Field::Ewallet);
            if fields.name == FieldVisibility::Always {
                out.push(Field::Name);
            }
            if fields.email == FieldVisibility::Always {
                out.push(Field::Email);
            }
        }
        // Nothing to type: the code appears after Pay.
        MethodKind::QrCode => {}
    }
    out
}

/// The error `field` shows at `stage`.
pub fn field_error(
    field: Field,
    values: &FormValues,
    today: YearMonth,
    stage: Stage,
) -> Option<Key> {
    match field {
        Field::CardNumber => card_number_error(&values.number, values.card_brands, stage),
        Field::Expiry => expiry_error(&values.expiry, today, stage),
        Field::Cvc => cvc_error(&values.cvc, check_number(&values.number).brand, stage),
        Field::Name => name_error(&values.name, stage),
        Field::Country | Field::Method => None,
        Field::PostalCode => postal_code_error(&values.country, &values.postal_code, stage),
        Field::Iban => iban_error(&values.iban, stage),
        Field::Email => email_error(&values.email, stage),
        Field::Ewallet => {
            (values.ewallet.is_none() && stage == Stage::Submitted).then_some(Key::EwalletRequired)
        }
    }
}

/// Whether `field` is finished, so that focus may move on from it: valid, and for the
/// card number also as long as its brand's numbers usually are (a valid 14-digit
/// prefix of a 16-digit UnionPay number is not finished).
pub fn is_settled(field: Field, values: &FormValues, today: YearMonth) -> bool {
    if field_error(field, values, today, Stage::Submitted).is_some() {
        return false;
    }
    match field {
        Field::CardNumber => check_number(&values.number).brand.is_some_and(|brand| {
            digits(&values.number).len() >= usize::from(brand.settled_length())
        }),
        _ => true,
    }
}

/// Where the card's number, expiry and CVC are typed, as the form sees them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CardEntry {
    /// In the page's own inputs (`cardFields: "inline"`): the values hold them.
    #[default]
    Inline,
    /// In the card frame on the payments origin, which tells the page only this.
    Frame(FrameSummary),
}

/// What the card frame tells the page of its fields (never their values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameSummary {
    /// Number, expiry and CVC are valid.
    pub complete: bool,
    /// Nothing is typed in them.
    pub empty: bool,
    /// The first of them that a submit would report.
    pub invalid: Option<Field>,
    /// Counts the changes of the fields: the same revision means the same card.
    pub revision: u32,
}

/// Whether `field` is one of the card details that the card frame holds in frame mode.
pub fn is_card_detail(field: Field) -> bool {
    matches!(field, Field::CardNumber | Field::Expiry | Field::Cvc)
}

/// Whether every shown field of `method` is filled in and valid.
pub fn is_complete(
    method: MethodKind,
    fields: &Fields,
    values: &FormValues,
    today: YearMonth,
    card: CardEntry,
) -> bool {
    first_invalid(method, fields, values, today, card).is_none()
}

/// The first shown field that is not valid, as a submit would report it: with the card
/// frame, the frame's verdict on the card details (which come first), then the page's.
pub fn first_invalid(
    method: MethodKind,
    fields: &Fields,
    values: &FormValues,
    today: YearMonth,
    card: CardEntry,
) -> Option<Field> {
    let in_frame = match card {
        CardEntry::Frame(summary) if method == MethodKind::Card => {
            if let Some(field) = summary.invalid {
                return Some(field);
            }
            true
        }
        _ => false,
    };
    visible_fields(method, fields, &values.country)
        .into_iter()
        .filter(|&f| !(in_frame && is_card_detail(f)))
        .find(|&f| field_error(f, values, today, Stage::Submitted).is_some())
}

/// Whether nothing has been entered for `method` yet.
pub fn is_empty(method: MethodKind, values: &FormValues, card: CardEntry) -> bool {
    match (method, card) {
        (MethodKind::Card, CardEntry::Frame(summary)) => summary.empty,
        (MethodKind::Card, CardEntry::Inline) => {
            values.number.is_empty() && values.expiry.is_empty() && values.cvc.is_empty()
        }
        (MethodKind::SepaDebit, _) => values.iban.is_empty(),
        (MethodKind::Ewallet, _) => values.ewallet.is_none(),
        // Nothing to type, nothing missing.
        (MethodKind::QrCode, _) => false,
    }
}

/// The payment details for the merchant API, or the first field that stops them. A
/// card's details are not in them: the payments origin tokenizes those ([`card_details`]
/// in the page, or the card frame), and the token goes in at the last moment.
pub fn payment_method_data(
    method: MethodKind,
    fields: &Fields,
    values: &FormValues,
    today: YearMonth,
    card: CardEntry,
) -> Result<PaymentMethodData, Field> {
    if let Some(field) = first_invalid(method, fields, values, today, card) {
        return Err(field);
    }
    let shown = visible_fields(method, fields, &values.country);
    let given = |field: Field, value: &str| {
        (shown.contains(&field) && !value.trim().is_empty()).then(|| value.trim().to_owned())
    };
    let country = given(Field::Country, &values.country);
    let postal_code = given(Field::PostalCode, &values.postal_code);
    let address = (country.is_some() || postal_code.is_some()).then(|| Address {
        country,
        postal_code,
        ..Address::default()
    });
    let billing = BillingDetails {
        name: given(Field::Name, &values.name),
        email: given(Field::Email, &values.email),
        address,
        ..BillingDetails::default()
    };
    let billing_details = (billing != BillingDetails::default()).then_some(billing);
    let mut data = PaymentMethodData {
        kind: method.wire_type(),
        card: None,
        sepa_debit: None,
        ewallet: None,
        qr_code: None,
        billing_details,
    };
    match method {
        MethodKind::Card => {}
        MethodKind::SepaDebit => {
            let iban = iban::validate_iban(&values.iban).map_err(|_| Field::Iban)?;
            data.sepa_debit = Some(SepaDebitInput {
                iban: IbanNumber::new(iban.electronic()),
            });
        }
        MethodKind::Ewallet => {
            data.ewallet = Some(EwalletInput {
                channel_code: values.ewallet.ok_or(Field::Ewallet)?,
            });
        }
        MethodKind::QrCode => {
            data.qr_code = Some(QrCodeInput {
                channel_code: values.qr.ok_or(Field::Method)?,
            });
        }
    }
    Ok(data)
}

/// The card as the payments origin takes it (`POST /v1/card_tokens`), from fields typed
/// in the page or in the frame; the first card field that stops it otherwise.
pub fn card_details(values: &FormValues, today: YearMonth) -> Result<CardDetails, Field> {
    if let Some(field) = [Field::CardNumber, Field::Expiry, Field::Cvc]
        .into_iter()
        .find(|&f| field_error(f, values, today, Stage::Submitted).is_some())
    {
        return Err(field);
    }
    let expiry = parse_expiry(&values.expiry, today);
    Ok(CardDetails {
        number: CardNumber::new(digits(&values.number)),
        exp_month: expiry.month.ok_or(Field::Expiry)?,
        exp_year: expiry.year.ok_or(Field::Expiry)?,
        cvc: Cvc::new(values.cvc.clone()),
    })
}

/// Countries offered in the billing country select, with their names in each locale.
pub const COUNTRIES: &[(&str, [&str; 3])] = &[
    ("AT", ["Austria", "Österreich", "Austria"]),
    ("AU", ["Australia", "Australien", "Australia"]),
    ("BE", ["Belgium", "Belgien", "Belgia"]),
    ("CA", ["Canada", "Kanada", "Kanada"]),
    ("CH", ["Switzerland", "Schweiz", "Swiss"]),
    ("DE", ["Germany", "Deutschland", "Jerman"]),
    ("ES", ["Spain", "Spanien", "Spanyol"]),
    ("FR", ["France", "Frankreich", "Prancis"]),
    (
        "GB",
        ["United Kingdom", "Vereinigtes Königreich", "Inggris Raya"],
    ),
    ("ID", ["Indonesia", "Indonesien", "Indonesia"]),
    ("IE", ["Ireland", "Irland", "Irlandia"]),
    ("IT", ["Italy", "Italien", "Italia"]),
    ("NL", ["Netherlands", "Niederlande", "Belanda"]),
    ("PH", ["Philippines", "Philippinen", "Filipina"]),
    ("SG", ["Singapore", "Singapur", "Singapura"]),
    (
        "US",
        ["United States", "Vereinigte Staaten", "Amerika Serikat"],
    ),
];

/// [`COUNTRIES`] indexes in alphabetical order of their names, per locale (en, de, id):
/// data rather than a sort at run time, which would cost wasm size.
const COUNTRY_ORDER: [[u8; 16]; 3] = [
    [1, 0, 2, 3, 7, 5, 9, 10, 11, 12, 13, 14, 6, 4, 8, 15],
    [1, 2, 5, 7, 9, 10, 11, 3, 12, 0, 13, 4, 14, 6, 15, 8],
    [15, 1, 0, 12, 2, 13, 9, 8, 10, 11, 5, 3, 7, 14, 6, 4],
];

/// The offered country codes, ordered by their names in `locale`.
pub fn countries_by_name(locale: Locale) -> impl Iterator<Item = &'static str> {
    COUNTRY_ORDER[locale_column(locale)]
        .iter()
        .map(|&i| COUNTRIES[usize::from(i)].0)
}

fn locale_column(locale: Locale) -> usize {
    match locale {
        Locale::En => 0,
        Locale::De => 1,
        Locale::Id => 2,
    }
}

/// The name of `country` in `locale`.
pub fn country_name(country: &str, locale: Locale) -> &'static str {
    let column = locale_column(locale);
    COUNTRIES
        .iter()
        .find(|(code, _)| *code == country)
        .map_or("", |(_, names)| names[column])
}

/// The billing country to preselect: the region of the browser's language tag when
/// offered (`de-AT` → `AT`), else the country where the language is mostly spoken.
pub fn default_country(language_tag: &str) -> &'static str {
    let mut parts = language_tag.split(['-', '_']);
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    let region = parts
        .find(|p| p.len() == 2)
        .map(str::to_ascii_uppercase)
        .unwrap_or_default();
    if let Some((code, _)) = COUNTRIES.iter().find(|(code, _)| *code == region) {
        return code;
    }
    match language.as_str() {
        "de" => "DE",
        "id" | "in" => "ID",
        _ => "US",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: YearMonth = YearMonth::new(2026, 11);

    #[test]
    fn debug_output_hides_the_card_number_cvc_and_iban() {
        let values = FormValues {
            number: "4242 4242 4242 4242".into(),
            cvc: "918".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            ..FormValues::default()
        };
        let debug = format!("{values:?}");
        assert!(
            !debug.contains("4242 4242") && !debug.contains("424242"),
            "{debug}"
        );
        assert!(!debug.contains("918"), "{debug}");
        assert!(!debug.contains("3704"), "{debug}");
        assert!(debug.contains("…4242"), "{debug}");
    }

    #[test]
    fn a_number_is_settled_at_its_brands_usual_length() {
        let settled = |number: &str| {
            let values = FormValues {
                number: number.into(),
                ..FormValues::default()
            };
            is_settled(Field::CardNumber, &values, TODAY)
        };
        assert!(settled("4242 4242 4242 4242"));
        assert!(settled("3782 822463 10005"), "Amex has 15");
        assert!(!settled("6200 0000 0000 00"), "a valid UnionPay prefix");
        assert!(
            !settled("6200 0000 0000 0005"),
            "UnionPay runs to 19, unchecked"
        );
        assert!(settled("6200 0000 0000 0000 005"));
        assert!(!settled("3622 720627 1667"), "Diners of 14: 16 exist too");
        assert!(!settled("4242 4242 4242 4241"), "invalid");
    }

    /// The expiry formatted with the caret at the end, as when typing on.
    fn format_expiry(typed: &str, deleting: bool) -> String {
        super::format_expiry(typed, typed.len(), deleting).0
    }

    #[test]
    fn deleting_a_separator_deletes_the_digit_beyond_it() {
        // Delete before the space of "4242| 4242": the 4 after it goes.
        assert_eq!(
            delete_through_separator("4242 4242", "42424242", 4, true),
            ("4242242".into(), 4)
        );
        // Backspace after the space of "4242 |4242": the 2 before it goes.
        assert_eq!(
            delete_through_separator("4242 4242", "42424242", 4, false),
            ("4244242".into(), 3)
        );
        // A digit deleted, or a trailing separator: left as it is.
        assert_eq!(
            delete_through_separator("4242 4242", "4242 424", 8, false),
            ("4242 424".into(), 8)
        );
        assert_eq!(
            delete_through_separator("12 / ", "12 /", 4, false),
            ("12 /".into(), 4)
        );
        // IBANs: letters are content, not separators.
        assert_eq!(
            delete_through_separator("GB29 NWBK 6016", "GB29 NWB 6016", 8, false),
            ("GB29 NWB 6016".into(), 8)
        );
        assert_eq!(
            delete_through_separator("GB29 NWBK 6016", "GB29 NWBK6016", 9, false),
            ("GB29 NWB6016".into(), 8)
        );
        // A selection of several characters: exactly what was asked.
        assert_eq!(
            delete_through_separator("12 / 30", "1230", 2, true),
            ("1230".into(), 2)
        );
    }

    #[test]
    fn expiry_edits_in_the_middle_change_that_part_only() {
        // "12 / 30", the month selected and "0" typed: the caret stays in the month.
        assert_eq!(
            super::format_expiry("0 / 30", 1, false),
            ("0 / 30".into(), 1)
        );
        assert_eq!(
            super::format_expiry("01 / 30", 2, false),
            ("01 / 30".into(), 2)
        );
        // Backspace after "12": the month is "1" while it is being fixed.
        assert_eq!(
            super::format_expiry("1 / 30", 1, true),
            ("1 / 30".into(), 1)
        );
        // Pastes with a separator and a four-digit year.
        assert_eq!(format_expiry("5/2029", false), "05 / 29");
        assert_eq!(format_expiry("1/2028", false), "01 / 28");
        assert_eq!(format_expiry("12/2030", false), "12 / 30");
        // "1 " and "1-" mean "01 / "; Backspace over the "/" of "12 / 30" (which
        // takes the 2 with it) leaves the year where it was.
        assert_eq!(format_expiry("1 ", false), "01 / ");
        assert_eq!(format_expiry("1-", false), "01 / ");
        assert_eq!(super::format_expiry("1  30", 1, true), ("1 / 30".into(), 1));
        // Letters never break it, whatever the caret says.
        assert_eq!(super::format_expiry("é1", 1, false), ("1".into(), 0));
        assert_eq!(super::format_expiry("ü/ö2", 3, false).0, " / 2");
        // A year digit typed in the middle of the year.
        assert_eq!(
            super::format_expiry("12 / 320", 6, false),
            ("12 / 32".into(), 6)
        );
    }

    #[test]
    fn expiry_gets_its_separator_and_leading_zero() {
        assert_eq!(format_expiry("4", false), "04 / ");
        assert_eq!(format_expiry("1", false), "1");
        assert_eq!(format_expiry("0", false), "0");
        assert_eq!(format_expiry("12", false), "12 / ");
        assert_eq!(format_expiry("13", false), "01 / 3");
        assert_eq!(format_expiry("1/", false), "01 / ");
        assert_eq!(format_expiry("12 / 3", false), "12 / 3");
        assert_eq!(format_expiry("12 / 345", false), "12 / 34");
        assert_eq!(format_expiry("12/2030", false), "12 / 30");
        assert_eq!(format_expiry("", false), "");
        assert_eq!(format_expiry("ab", false), "");
    }

    #[test]
    fn deleting_the_separator_is_not_undone() {
        // Regression: backspace after "04 / " put the separator straight back.
        assert_eq!(format_expiry("04 /", true), "04");
        assert_eq!(format_expiry("04 / 2", true), "04 / 2");
    }

    #[test]
    fn expiry_errors_wait_until_they_are_certain() {
        assert_eq!(expiry_error("1", TODAY, Stage::Typing), None);
        assert_eq!(
            expiry_error("1", TODAY, Stage::Left),
            Some(Key::ExpiryIncomplete)
        );
        assert_eq!(
            expiry_error("01 / 20", TODAY, Stage::Typing),
            Some(Key::ExpiryPast)
        );
        assert_eq!(
            expiry_error("01 / 1", TODAY, Stage::Typing),
            Some(Key::ExpiryPast)
        );
        // "13" is on its way to 1/3x (the field shows it as "01 / 3"); "19" and "00"
        // can become no date.
        assert_eq!(expiry_error("13", TODAY, Stage::Typing), None);
        assert_eq!(expiry_error("143", TODAY, Stage::Left), None);
        assert_eq!(
            expiry_error("19", TODAY, Stage::Typing),
            Some(Key::ExpiryInvalid)
        );
        assert_eq!(
            expiry_error("00", TODAY, Stage::Typing),
            Some(Key::ExpiryInvalid)
        );
        assert_eq!(expiry_error("11 / 26", TODAY, Stage::Left), None);
        assert_eq!(expiry_error("12 / 30", TODAY, Stage::Left), None);
        assert_eq!(expiry_error("", TODAY, Stage::Left), None);
        assert_eq!(
            expiry_error("", TODAY, Stage::Submitted),
            Some(Key::ExpiryIncomplete)
        );
    }

    #[test]
    fn card_number_errors_wait_until_they_are_certain() {
        assert_eq!(
            card_number_error("4242 42", BrandSet::ALL, Stage::Typing),
            None
        );
        assert_eq!(
            card_number_error("4242 42", BrandSet::ALL, Stage::Left),
            Some(Key::CardNumberIncomplete)
        );
        // Visa may have 19 digits, so a Luhn failure at 16 is only certain on blur.
        assert_eq!(
            card_number_error("4242 4242 4242 4241", BrandSet::ALL, Stage::Typing),
            None
        );
        assert_eq!(
            card_number_error("4242 4242 4242 4241", BrandSet::ALL, Stage::Left),
            Some(Key::CardNumberInvalid)
        );
        // Mastercard has 16 digits only: a Luhn failure there is certain at once.
        assert_eq!(
            card_number_error("5555 5555 5555 4445", BrandSet::ALL, Stage::Typing),
            Some(Key::CardNumberInvalid)
        );
        assert_eq!(card_number_error("", BrandSet::ALL, Stage::Left), None);
        assert_eq!(
            card_number_error("", BrandSet::ALL, Stage::Submitted),
            Some(Key::CardNumberIncomplete)
        );
        assert_eq!(
            card_number_error("4242 4242 4242 4242", BrandSet::ALL, Stage::Submitted),
            None
        );
    }

    #[test]
    fn cvc_length_follows_the_brand() {
        assert_eq!(format_cvc("12345", Some(CardBrand::Amex)), "1234");
        assert_eq!(format_cvc("12a34", Some(CardBrand::Visa)), "123");
        assert_eq!(format_cvc("12345", None), "1234");
        assert_eq!(cvc_error("123", Some(CardBrand::Amex), Stage::Typing), None);
        assert_eq!(
            cvc_error("123", Some(CardBrand::Amex), Stage::Left),
            Some(Key::CvcIncomplete)
        );
        assert_eq!(cvc_error("1234", Some(CardBrand::Amex), Stage::Left), None);
        assert_eq!(
            cvc_error("1234", Some(CardBrand::Visa), Stage::Typing),
            Some(Key::CvcInvalid)
        );
    }

    #[test]
    fn postal_codes_by_country() {
        assert!(country_needs_postal_code("US"));
        assert!(!country_needs_postal_code("DE"));
        assert_eq!(postal_code_error("US", "9410", Stage::Typing), None);
        assert_eq!(
            postal_code_error("US", "9410", Stage::Left),
            Some(Key::PostalCodeIncomplete)
        );
        assert_eq!(postal_code_error("US", "94103", Stage::Left), None);
        // ZIP+4 as a numeric keypad lets it be typed, and as written.
        for zip4 in ["941031234", "94103 1234", "94103-1234"] {
            assert_eq!(postal_code_error("US", zip4, Stage::Left), None, "{zip4}");
        }
        assert_eq!(
            postal_code_error("US", "9410312", Stage::Left),
            Some(Key::PostalCodeIncomplete)
        );
        assert_eq!(
            postal_code_error("US", "9410312345", Stage::Typing),
            Some(Key::PostalCodeInvalid)
        );
        assert_eq!(
            postal_code_error("US", "9410A", Stage::Typing),
            Some(Key::PostalCodeInvalid)
        );
        assert_eq!(postal_code_error("CA", "k1a 0b1", Stage::Left), None);
        assert_eq!(postal_code_error("GB", "SW1A 1AA", Stage::Left), None);
        assert_eq!(
            postal_code_error("GB", "SW1A 1AAAA", Stage::Typing),
            Some(Key::PostalCodeInvalid)
        );
    }

    #[test]
    fn iban_is_grouped_and_the_caret_kept() {
        assert_eq!(
            format_iban("de89370400440532013000", 22),
            ("DE89 3704 0044 0532 0130 00".to_owned(), 27)
        );
        // Typing a fifth character inserts a space before it; the caret follows it.
        assert_eq!(format_iban("DE893", 5), ("DE89 3".to_owned(), 6));
        // Editing in the middle keeps the caret after the same character.
        assert_eq!(format_iban("DE8 93704", 3), ("DE89 3704".to_owned(), 3));
        assert_eq!(format_iban("", 0), (String::new(), 0));
    }

    #[test]
    fn the_brand_icon_follows_the_detected_brand() {
        let cases = [
            ("", "unknown"),
            ("4", "unknown"),
            // Regression: "40" could still be Elo, but the icon must not guess it.
            ("40", "unknown"),
            ("4242", "visa"),
            ("401178", "elo"),
            ("3", "unknown"),
            ("37", "amex"),
            // Maestro's 6 still holds these, but their own range is typed in full.
            ("6011", "discover"),
            ("6587", "discover"),
            ("6200 0000 0000 0005", "unionpay"),
            ("6759", "maestro"),
            ("65", "unknown"),
            ("4242x", "unknown"),
        ];
        for (typed, icon) in cases {
            assert_eq!(brand_icon(typed), icon, "{typed:?}");
        }
    }

    #[test]
    fn a_number_of_a_brand_not_accepted_is_refused_once_its_brand_is_known() {
        let visa_only = BrandSet::NONE.with(CardBrand::Visa);
        // "3" may still be several brands: nothing to say yet.
        assert_eq!(card_number_error("3", visa_only, Stage::Typing), None);
        assert_eq!(
            card_number_error("37", visa_only, Stage::Typing),
            Some(Key::CardBrandNotAccepted)
        );
        assert_eq!(
            card_number_error("3782 822463 10005", visa_only, Stage::Submitted),
            Some(Key::CardBrandNotAccepted)
        );
        assert_eq!(
            card_number_error("4242 4242 4242 4242", visa_only, Stage::Submitted),
            None
        );
        let values = FormValues {
            number: "3782 822463 10005".to_owned(),
            card_brands: visa_only,
            ..FormValues::default()
        };
        let today = YearMonth::new(2026, 12);
        assert_eq!(
            field_error(Field::CardNumber, &values, today, Stage::Typing),
            Some(Key::CardBrandNotAccepted)
        );
        assert!(!is_settled(Field::CardNumber, &values, today));
    }

    #[test]
    fn the_number_field_shows_both_brands_while_it_can_be_either() {
        let shown =
            |typed| -> Vec<&str> { brand_icons(typed).iter().map(|b| b.as_str()).collect() };
        assert!(shown("").is_empty());
        assert_eq!(shown("4242"), ["visa"]);
        assert_eq!(shown("40"), ["visa", "elo"]);
        assert_eq!(shown("37"), ["amex"]);
        assert_eq!(shown("6011"), ["discover"]);
        // "3" is Amex, Diners or JCB: the generic card until it is two or one.
        assert!(shown("3").is_empty());
        assert!(shown("4242x").is_empty());
    }

    #[test]
    fn iban_errors() {
        assert_eq!(iban_error("DE89 3704", Stage::Typing), None);
        assert_eq!(
            iban_error("DE89 3704", Stage::Left),
            Some(Key::IbanIncomplete)
        );
        assert_eq!(iban_error("XX", Stage::Typing), Some(Key::IbanInvalid));
        assert_eq!(iban_error("DE89 3704 0044 0532 0130 00", Stage::Left), None);
        // A valid Turkish IBAN, refused from its country code on.
        assert_eq!(
            iban_error("TR33 0006 1005 1978 6457 8413 26", Stage::Left),
            Some(Key::IbanNotSepa)
        );
        assert_eq!(iban_error("TR", Stage::Typing), Some(Key::IbanNotSepa));
        assert_eq!(iban_error("CH93 0076 2011 6238 5295 7", Stage::Left), None);
    }

    #[test]
    fn an_account_number_failing_its_banks_check_says_so() {
        // Two digits of a Belgian account swapped, with check digits that match the
        // swap: mod 97 passes, the account's own check (first ten mod 97) does not.
        let typo = "BE94 3102 1345 6737";
        for stage in [Stage::Typing, Stage::Left, Stage::Submitted] {
            assert_eq!(
                iban_error(typo, stage),
                Some(Key::IbanNationalCheckFailed),
                "{stage:?}"
            );
        }
        assert_eq!(iban_error("BE35 3101 2345 6737", Stage::Left), None);
        // The same swap under the original check digits is an ordinary typo.
        assert_eq!(
            iban_error("BE35 3102 1345 6737", Stage::Left),
            Some(Key::IbanInvalid)
        );
        // The message exists in every language and differs from "invalid".
        for locale in Locale::ALL {
            let message = crate::model::locale::text(locale, Key::IbanNationalCheckFailed);
            assert!(!message.is_empty(), "{locale:?}");
            assert_ne!(
                message,
                crate::model::locale::text(locale, Key::IbanInvalid)
            );
        }
    }

    #[test]
    fn email_and_name() {
        assert_eq!(email_error("jo@ex", Stage::Typing), None);
        assert_eq!(email_error("jo@ex", Stage::Left), Some(Key::EmailInvalid));
        assert_eq!(email_error("jo@example.com", Stage::Left), None);
        assert_eq!(
            email_error("", Stage::Submitted),
            Some(Key::EmailIncomplete)
        );
        assert_eq!(name_error("", Stage::Left), None);
        assert_eq!(name_error(" ", Stage::Submitted), Some(Key::NameRequired));
    }

    #[test]
    fn fields_follow_method_options_and_country() {
        let auto = Fields::default();
        assert_eq!(
            visible_fields(MethodKind::Card, &auto, "US"),
            [
                Field::CardNumber,
                Field::Expiry,
                Field::Cvc,
                Field::Country,
                Field::PostalCode
            ]
        );
        assert_eq!(
            visible_fields(MethodKind::Card, &auto, "DE"),
            [Field::CardNumber, Field::Expiry, Field::Cvc, Field::Country]
        );
        let name_always = Fields {
            name: FieldVisibility::Always,
            country: FieldVisibility::Never,
            ..Fields::default()
        };
        assert_eq!(
            visible_fields(MethodKind::Card, &name_always, "US"),
            [
                Field::CardNumber,
                Field::Expiry,
                Field::Cvc,
                Field::Name,
                Field::PostalCode
            ]
        );
        assert_eq!(
            visible_fields(MethodKind::SepaDebit, &auto, "DE"),
            [Field::Name, Field::Email, Field::Iban]
        );
        assert_eq!(
            visible_fields(MethodKind::Ewallet, &auto, "PH"),
            [Field::Ewallet]
        );
    }

    fn card_values() -> FormValues {
        FormValues {
            number: "4242 4242 4242 4242".into(),
            expiry: "12 / 30".into(),
            cvc: "123".into(),
            country: "DE".into(),
            ..FormValues::default()
        }
    }

    #[test]
    fn complete_card_becomes_payment_method_data() {
        let values = card_values();
        let data =
            payment_method_data(MethodKind::Card, &Fields::default(), &values, TODAY, INLINE)
                .unwrap();
        // The card itself goes to the payments origin, never into the merchant API's data.
        assert_eq!(data.card, None);
        let card = card_details(&values, TODAY).unwrap();
        assert_eq!(card.number.expose(), "4242424242424242");
        assert_eq!((card.exp_month, card.exp_year), (12, 2030));
        assert_eq!(card.cvc.expose(), "123");
        let address = data.billing_details.unwrap().address.unwrap();
        assert_eq!(address.country.as_deref(), Some("DE"));
        assert_eq!(address.postal_code, None);
    }

    const INLINE: CardEntry = CardEntry::Inline;

    #[test]
    fn incomplete_forms_name_their_first_invalid_field() {
        let mut values = card_values();
        values.country = "US".into();
        assert_eq!(
            payment_method_data(MethodKind::Card, &Fields::default(), &values, TODAY, INLINE)
                .unwrap_err(),
            Field::PostalCode
        );
        values.cvc.clear();
        assert_eq!(
            first_invalid(MethodKind::Card, &Fields::default(), &values, TODAY, INLINE),
            Some(Field::Cvc)
        );
        assert_eq!(card_details(&values, TODAY).unwrap_err(), Field::Cvc);
        assert!(!is_complete(
            MethodKind::Card,
            &Fields::default(),
            &values,
            TODAY,
            INLINE
        ));
        assert!(is_empty(MethodKind::Card, &FormValues::default(), INLINE));
    }

    #[test]
    fn with_the_card_frame_its_verdict_stands_for_the_card_details() {
        // The page holds no card details at all; the frame says what is missing.
        let values = FormValues {
            country: "US".into(),
            postal_code: "94103".into(),
            ..FormValues::default()
        };
        let frame = |invalid, complete, empty| {
            CardEntry::Frame(FrameSummary {
                complete,
                empty,
                invalid,
                revision: 3,
            })
        };
        let typing = frame(Some(Field::Expiry), false, false);
        assert_eq!(
            first_invalid(MethodKind::Card, &Fields::default(), &values, TODAY, typing),
            Some(Field::Expiry)
        );
        assert!(!is_empty(MethodKind::Card, &values, typing));
        let done = frame(None, true, false);
        assert!(is_complete(
            MethodKind::Card,
            &Fields::default(),
            &values,
            TODAY,
            done
        ));
        let data = payment_method_data(MethodKind::Card, &Fields::default(), &values, TODAY, done)
            .unwrap();
        assert_eq!(data.card, None);
        // The page's own fields still count: a US card without its ZIP is not complete.
        let no_zip = FormValues {
            postal_code: String::new(),
            ..values
        };
        assert_eq!(
            first_invalid(MethodKind::Card, &Fields::default(), &no_zip, TODAY, done),
            Some(Field::PostalCode)
        );
        assert!(is_empty(
            MethodKind::Card,
            &no_zip,
            frame(None, false, true)
        ));
    }

    #[test]
    fn sepa_and_wallet_data() {
        let values = FormValues {
            name: "Jenny Rosen".into(),
            email: "jenny@example.com".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            ewallet: Some(EwalletChannel::Gcash),
            ..FormValues::default()
        };
        let sepa = payment_method_data(
            MethodKind::SepaDebit,
            &Fields::default(),
            &values,
            TODAY,
            INLINE,
        )
        .unwrap();
        assert_eq!(
            sepa.sepa_debit.unwrap().iban.expose(),
            "DE89370400440532013000"
        );
        assert_eq!(
            sepa.billing_details.unwrap().email.as_deref(),
            Some("jenny@example.com")
        );
        let wallet = payment_method_data(
            MethodKind::Ewallet,
            &Fields::default(),
            &values,
            TODAY,
            INLINE,
        )
        .unwrap();
        assert_eq!(wallet.ewallet.unwrap().channel_code, EwalletChannel::Gcash);
        assert_eq!(wallet.billing_details, None);
        let none_chosen = FormValues {
            ewallet: None,
            ..values
        };
        assert_eq!(
            payment_method_data(
                MethodKind::Ewallet,
                &Fields::default(),
                &none_chosen,
                TODAY,
                INLINE
            )
            .unwrap_err(),
            Field::Ewallet
        );
    }

    #[test]
    fn countries_have_names_and_a_sensible_default() {
        for (code, names) in COUNTRIES {
            assert!(names.iter().all(|n| !n.is_empty()), "{code}");
        }
        assert_eq!(country_name("DE", Locale::De), "Deutschland");
        for locale in Locale::ALL {
            let names: Vec<String> = countries_by_name(locale)
                .map(|code| country_name(code, locale).replace('Ö', "O"))
                .collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted, "{locale:?}");
            assert_eq!(names.len(), COUNTRIES.len());
        }
        assert_eq!(default_country("de-AT"), "AT");
        assert_eq!(default_country("de"), "DE");
        assert_eq!(default_country("en-US"), "US");
        assert_eq!(default_country("fr-FR"), "FR");
        assert_eq!(default_country("ja-JP"), "US");
    }
}
