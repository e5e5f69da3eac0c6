//! IBAN validation (ISO 13616) for SEPA Direct Debit: one registry table of every
//! country's IBAN length and BBAN structure, a mod-97 check computed digit by digit, and
//! an [`Iban`] type that only exists once all of it passed.
//!
//! The widget and the server both call [`validate_iban`], so a customer sees the same
//! verdict while typing ([`is_potentially_valid`]) as the server gives on submit.
//!
//! An IBAN identifies a bank account, so [`Iban`] treats it as sensitive: its `Debug`
//! shows only the country and the last four characters, it has no `Display`, and no
//! [`IbanError`] message repeats any of its characters beyond the country code.

mod national;

use national::{remainder_97, NationalCheck};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Country code and check digits come before the BBAN in every IBAN.
const PREFIX_LEN: usize = 4;

/// One row of the SWIFT IBAN registry.
struct CountryFormat {
    /// ISO 3166-1 alpha-2 code the IBAN starts with.
    country: &'static str,
    /// Total IBAN length, prefix included.
    length: usize,
    /// BBAN structure in the registry's notation without the `!` (every segment is
    /// fixed-length): `8n10n` is eight digits then ten digits; `n` digits, `a` upper-case
    /// letters, `c` letters or digits.
    bban: &'static str,
    /// Where the bank identifier sits in the BBAN (start, end; zero-based, end exclusive).
    /// Recorded for the SEPA countries whose position is certain; `None` elsewhere.
    bank: Option<(usize, usize)>,
    /// The check digit or key inside the BBAN that the country's banks verify, where
    /// one is implemented.
    national: Option<NationalCheck>,
}

/// Builds a registry row; a function keeps the table one line per country.
const fn row(
    country: &'static str,
    length: usize,
    bban: &'static str,
    bank: Option<(usize, usize)>,
) -> CountryFormat {
    CountryFormat {
        country,
        length,
        bban,
        bank,
        national: None,
    }
}

impl CountryFormat {
    /// The row with the national check its banks verify.
    const fn checked(self, national: NationalCheck) -> CountryFormat {
        CountryFormat {
            national: Some(national),
            ..self
        }
    }
}

/// The SWIFT IBAN registry (ISO 13616), Release 102 (June 2026): every country it
/// lists, with its IBAN length and BBAN structure as printed there, sorted by country
/// code. The territories the registry lists under another country's code are in
/// [`TERRITORIES`].
const REGISTRY: &[CountryFormat] = &[
    row("AD", 24, "4n4n12c", Some((0, 4))),
    row("AE", 23, "3n16n", None),
    row("AL", 28, "8n16c", None),
    row("AT", 20, "5n11n", Some((0, 5))),
    row("AZ", 28, "4a20c", None),
    row("BA", 20, "3n3n8n2n", None).checked(NationalCheck::Mod97),
    row("BE", 16, "3n7n2n", Some((0, 3))).checked(NationalCheck::Belgium),
    row("BG", 22, "4a4n2n8c", Some((0, 4))),
    row("BH", 22, "4a14c", None),
    row("BI", 27, "5n5n11n2n", None),
    row("BR", 29, "8n5n10n1a1c", None),
    row("BY", 28, "4c4n16c", None),
    row("CH", 21, "5n12c", Some((0, 5))),
    row("CR", 22, "4n14n", None),
    row("CY", 28, "3n5n16c", Some((0, 3))),
    row("CZ", 24, "4n16n", Some((0, 4))).checked(NationalCheck::CzechSlovak),
    row("DE", 22, "8n10n", Some((0, 8))),
    row("DJ", 27, "5n5n11n2n", None),
    row("DK", 18, "4n9n1n", Some((0, 4))),
    row("DO", 28, "4c20n", None),
    row("EE", 20, "2n14n", Some((0, 2))).checked(NationalCheck::Estonia),
    row("EG", 29, "4n4n17n", None),
    row("ES", 24, "4n4n1n1n10n", Some((0, 4))).checked(NationalCheck::Spain),
    row("FI", 18, "3n11n", Some((0, 3))),
    row("FK", 18, "2a12n", None),
    row("FO", 18, "4n9n1n", None),
    row("FR", 27, "5n5n11c2n", Some((0, 5))).checked(NationalCheck::RibKey),
    row("GB", 22, "4a6n8n", Some((0, 4))),
    row("GE", 22, "2a16n", None),
    row("GI", 23, "4a15c", Some((0, 4))),
    row("GL", 18, "4n9n1n", None),
    row("GR", 27, "3n4n16c", Some((0, 3))),
    row("GT", 28, "4c20c", None),
    row("HN", 28, "4a20n", None),
    row("HR", 21, "7n10n", Some((0, 7))).checked(NationalCheck::Croatia),
    row("HU", 28, "3n4n1n15n1n", Some((0, 3))).checked(NationalCheck::Hungary),
    row("IE", 22, "4a6n8n", Some((0, 4))),
    row("IL", 23, "3n3n13n", None),
    row("IQ", 23, "4a3n12n", None),
    row("IS", 26, "4n2n6n10n", None),
    row("IT", 27, "1a5n5n12c", Some((1, 6))),
    row("JO", 30, "4a4n18c", None),
    row("KW", 30, "4a22c", None),
    row("KZ", 20, "3n13c", None),
    row("LB", 28, "4n20c", None),
    row("LC", 32, "4a24c", None),
    row("LI", 21, "5n12c", Some((0, 5))),
    row("LT", 20, "5n11n", Some((0, 5))),
    row("LU", 20, "3n13c", Some((0, 3))),
    row("LV", 21, "4a13c", Some((0, 4))),
    row("LY", 25, "3n3n15n", None),
    row("MC", 27, "5n5n11c2n", Some((0, 5))).checked(NationalCheck::RibKey),
    row("MD", 24, "2c18c", None),
    row("ME", 22, "3n13n2n", None).checked(NationalCheck::Mod97),
    row("MK", 19, "3n10c2n", None).checked(NationalCheck::Mod97),
    row("MN", 20, "4n12n", None),
    row("MR", 27, "5n5n11n2n", None),
    row("MT", 31, "4a5n18c", Some((0, 4))),
    row("MU", 30, "4a2n2n12n3n3a", None),
    row("NI", 28, "4a20n", None),
    row("NL", 18, "4a10n", Some((0, 4))),
    row("NO", 15, "4n6n1n", Some((0, 4))).checked(NationalCheck::Norway),
    row("OM", 23, "3n16c", None),
    row("PK", 24, "4a16c", None),
    row("PL", 28, "8n16n", None).checked(NationalCheck::Poland),
    row("PS", 29, "4a21c", None),
    row("PT", 25, "4n4n11n2n", Some((0, 4))).checked(NationalCheck::Mod97),
    row("QA", 29, "4a21c", None),
    row("RO", 24, "4a16c", Some((0, 4))),
    row("RS", 22, "3n13n2n", None).checked(NationalCheck::Mod97),
    row("RU", 33, "9n5n15c", None),
    row("SA", 24, "2n18c", None),
    row("SC", 31, "4a2n2n16n3a", None),
    row("SD", 18, "2n12n", None),
    row("SE", 24, "3n16n1n", Some((0, 3))),
    row("SI", 19, "5n8n2n", Some((0, 5))).checked(NationalCheck::Mod97),
    row("SK", 24, "4n6n10n", Some((0, 4))).checked(NationalCheck::CzechSlovak),
    row("SM", 27, "1a5n5n12c", Some((1, 6))),
    row("SO", 23, "4n3n12n", None),
    row("ST", 25, "4n4n11n2n", None),
    row("SV", 28, "4a20n", None),
    row("TL", 23, "3n14n2n", None),
    row("TN", 24, "2n3n13n2n", None),
    row("TR", 26, "5n1n16c", None),
    row("UA", 29, "6n19c", None),
    row("VA", 22, "3n15n", Some((0, 3))),
    row("VG", 24, "4a16n", None),
    row("XK", 20, "4n10n2n", None),
    row("YE", 30, "4a4n18c", None),
];

/// The territories that Release 102 of the registry lists as included in another
/// country's entry ("Country code includes other countries/territories"), each with
/// that country: their IBANs have its length, structure and national check. Sorted by
/// territory code.
const TERRITORIES: &[(&str, &str)] = &[
    ("AX", "FI"), // Åland
    ("BL", "FR"), // Saint Barthélemy
    ("GF", "FR"), // French Guiana
    ("GG", "GB"), // Guernsey
    ("GP", "FR"), // Guadeloupe
    ("IM", "GB"), // Isle of Man
    ("JE", "GB"), // Jersey
    ("MF", "FR"), // Saint Martin (French part)
    ("MQ", "FR"), // Martinique
    ("NC", "FR"), // New Caledonia
    ("PF", "FR"), // French Polynesia
    ("PM", "FR"), // Saint Pierre and Miquelon
    ("RE", "FR"), // Réunion
    ("TF", "FR"), // French Southern Territories
    ("WF", "FR"), // Wallis and Futuna
    ("YT", "FR"), // Mayotte
];

/// How many characters a BBAN structure string describes, or `None` if it is malformed
/// (a kind other than `n`/`a`/`c`, or a kind without a count).
const fn structure_len(structure: &str) -> Option<usize> {
    let bytes = structure.as_bytes();
    let mut total = 0;
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            count = count * 10 + (b - b'0') as usize;
        } else if (b == b'n' || b == b'a' || b == b'c') && count > 0 {
            total += count;
            count = 0;
        } else {
            return None;
        }
        i += 1;
    }
    if count == 0 {
        Some(total)
    } else {
        None
    }
}

// A typo in the table must not become a country whose IBANs can never validate: check at
// compile time that every structure parses and adds up to the registered length, that
// every bank identifier lies inside its BBAN, and that every national check reads the
// positions of its country's BBAN.
const _: () = {
    let mut i = 0;
    while i < REGISTRY.len() {
        let entry = &REGISTRY[i];
        match structure_len(entry.bban) {
            Some(len) if len + PREFIX_LEN == entry.length => {}
            _ => panic!("IBAN registry: BBAN structure does not match the length"),
        }
        if let Some((start, end)) = entry.bank {
            assert!(
                start < end && end + PREFIX_LEN <= entry.length,
                "IBAN registry: bank identifier outside the BBAN"
            );
        }
        if let Some(national) = entry.national {
            if let Some(len) = national.bban_length() {
                assert!(
                    len + PREFIX_LEN == entry.length,
                    "IBAN registry: national check written for another BBAN length"
                );
            }
        }
        i += 1;
    }
};

/// What one BBAN position admits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CharClass {
    /// `n`: `0-9`.
    Digit,
    /// `a`: `A-Z`.
    Letter,
    /// `c`: `A-Z` or `0-9`.
    Alphanumeric,
}

impl CharClass {
    fn admits(self, byte: u8) -> bool {
        match self {
            CharClass::Digit => byte.is_ascii_digit(),
            CharClass::Letter => byte.is_ascii_uppercase(),
            CharClass::Alphanumeric => byte.is_ascii_digit() || byte.is_ascii_uppercase(),
        }
    }
}

/// The class of each BBAN position, in order.
fn position_classes(structure: &'static str) -> impl Iterator<Item = CharClass> {
    let mut count = 0usize;
    structure.bytes().flat_map(move |b| {
        if b.is_ascii_digit() {
            count = count * 10 + usize::from(b - b'0');
            return std::iter::repeat_n(CharClass::Digit, 0);
        }
        // The compile-time check above guarantees only `n`, `a` and `c` reach here.
        let class = match b {
            b'n' => CharClass::Digit,
            b'a' => CharClass::Letter,
            _ => CharClass::Alphanumeric,
        };
        std::iter::repeat_n(class, std::mem::take(&mut count))
    })
}

/// Whether `bban` (all of it or the start of it) fits the structure.
fn bban_fits(format: &CountryFormat, bban: &str) -> bool {
    bban.len() + PREFIX_LEN <= format.length
        && bban
            .bytes()
            .zip(position_classes(format.bban))
            .all(|(byte, class)| class.admits(byte))
}

/// The format of IBANs starting with `country`: its own registry row, or the row of
/// the country whose entry includes the territory.
fn lookup(country: &str) -> Option<&'static CountryFormat> {
    let parent = TERRITORIES
        .binary_search_by(|(territory, _)| territory.cmp(&country))
        .map_or(country, |index| TERRITORIES[index].1);
    REGISTRY
        .binary_search_by(|entry| entry.country.cmp(parent))
        .ok()
        .map(|index| &REGISTRY[index])
}

/// Strips whitespace (people type and paste IBANs in groups of four) and upper-cases.
/// `None` if anything other than ASCII letters, digits and whitespace is present.
fn normalize(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c.is_whitespace() {
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            return None;
        }
        out.push(c.to_ascii_uppercase());
    }
    Some(out)
}

/// ISO 7064 MOD 97-10 over the IBAN moved so that its first four characters come last,
/// letters counting as 10 (A) to 35 (Z). The remainder is carried after each character,
/// so no number wider than a `u32` is ever formed.
fn mod97(electronic: &str) -> u32 {
    let (head, tail) = electronic.split_at(PREFIX_LEN);
    remainder_97(tail.bytes().chain(head.bytes()))
}

/// Why an input is not a valid IBAN. Each variant names the one rule that failed first.
///
/// Messages never repeat the IBAN's characters beyond its country code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IbanError {
    /// Nothing but whitespace was given.
    Empty,
    /// Fewer than four characters: not even a country code and check digits.
    TooShort,
    /// Something other than letters, digits and spaces.
    InvalidCharacters,
    /// The first two characters are not the code of a country in the IBAN registry.
    UnknownCountry {
        /// The first two characters, upper-cased.
        country: String,
    },
    /// The country's IBANs have another length.
    WrongLength {
        /// The IBAN's country code.
        country: String,
        /// The length the registry gives for the country.
        expected: usize,
        /// The length given, without spaces.
        actual: usize,
    },
    /// The check digits are not two digits, or the rest does not follow the country's
    /// BBAN structure (digits where letters belong, or the reverse).
    BadFormat,
    /// The mod-97 check failed: most likely a mistyped or swapped character.
    Checksum,
    /// Mod 97 passed, but the check digit or key that the country's banks verify
    /// inside the account number did not: a typo mod 97 cannot see, such as digits
    /// swapped far apart, or a wrong account number given fresh IBAN check digits.
    NationalCheckFailed {
        /// The IBAN's country code.
        country: String,
    },
}

impl IbanError {
    /// A stable, machine-readable code, for localised messages and tests.
    pub fn code(&self) -> &'static str {
        match self {
            IbanError::Empty => "iban_empty",
            IbanError::TooShort => "iban_too_short",
            IbanError::InvalidCharacters => "iban_invalid_characters",
            IbanError::UnknownCountry { .. } => "iban_unknown_country",
            IbanError::WrongLength { .. } => "iban_wrong_length",
            IbanError::BadFormat => "iban_bad_format",
            IbanError::Checksum => "iban_checksum",
            IbanError::NationalCheckFailed { .. } => "iban_national_check_failed",
        }
    }

    /// A default English message for the customer.
    pub fn message(&self) -> String {
        match self {
            IbanError::Empty => "Enter your IBAN.".to_owned(),
            IbanError::TooShort => "The IBAN is too short: it starts with a two-letter \
                                    country code and two check digits."
                .to_owned(),
            IbanError::InvalidCharacters => {
                "The IBAN may contain only letters, digits and spaces.".to_owned()
            }
            IbanError::UnknownCountry { country } => format!(
                "The IBAN must start with the code of a country that uses IBANs; \
                 \"{country}\" is not one."
            ),
            IbanError::WrongLength {
                country,
                expected,
                actual,
            } => format!(
                "IBANs from {country} have {expected} characters, but this one has {actual}."
            ),
            IbanError::BadFormat => {
                "The IBAN does not follow the account format of its country.".to_owned()
            }
            IbanError::Checksum => {
                "The IBAN's check digits do not match; check it for a typo.".to_owned()
            }
            IbanError::NationalCheckFailed { country } => format!(
                "The account number in this IBAN fails the check that banks in {country} \
                 use; check it for a typo."
            ),
        }
    }
}

impl fmt::Display for IbanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for IbanError {}

/// A validated IBAN, kept in electronic form (upper case, no spaces).
///
/// It identifies a bank account, so it redacts its `Debug` (`Iban(DE…3000)`) and has no
/// `Display`: reading it takes an explicit [`Iban::electronic`] or [`Iban::formatted`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Iban {
    electronic: String,
}

impl Iban {
    /// The ISO 3166-1 alpha-2 country code, e.g. `"DE"`.
    pub fn country(&self) -> &str {
        &self.electronic[..2]
    }

    /// The two check digits, e.g. `"89"`.
    pub fn check_digits(&self) -> &str {
        &self.electronic[2..PREFIX_LEN]
    }

    /// The national account number after the country code and check digits.
    pub fn bban(&self) -> &str {
        &self.electronic[PREFIX_LEN..]
    }

    /// The electronic form: upper case, no spaces (`DE89370400440532013000`).
    pub fn electronic(&self) -> String {
        self.electronic.clone()
    }

    /// The print form: groups of four separated by one space
    /// (`DE89 3704 0044 0532 0130 00`).
    pub fn formatted(&self) -> String {
        let mut out = String::with_capacity(self.electronic.len() * 5 / 4);
        for (i, c) in self.electronic.chars().enumerate() {
            if i > 0 && i.is_multiple_of(4) {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }

    /// The last four characters, the most of an IBAN a receipt or saved method shows.
    pub fn last4(&self) -> &str {
        // Every registered length is at least 15, so this never underflows.
        &self.electronic[self.electronic.len() - 4..]
    }

    /// The bank identifier (e.g. the German Bankleitzahl `37040044`, the British
    /// `NWBK`, the Italian ABI `05428`).
    ///
    /// Recorded for the SEPA countries (DE, AT, FR, ES, IT, NL, BE, GB, CH, and the rest
    /// of the EU/EEA where the registry's position is certain). Returns `None` for the
    /// other countries: their IBANs still validate fully, only this part is unknown.
    pub fn bank_code(&self) -> Option<String> {
        let (start, end) = lookup(self.country())?.bank?;
        self.bban().get(start..end).map(str::to_owned)
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({}…{})", self.country(), self.last4())
    }
}

impl FromStr for Iban {
    type Err = IbanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        validate_iban(s)
    }
}

/// Serialises the electronic form: the wire to the merchant API needs the whole IBAN.
impl Serialize for Iban {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.electronic)
    }
}

/// Deserialises and validates, so an invalid IBAN cannot enter through the wire either.
impl<'de> Deserialize<'de> for Iban {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IbanVisitor;

        impl serde::de::Visitor<'_> for IbanVisitor {
            type Value = Iban;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an IBAN string")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Iban, E> {
                // The error's message carries no IBAN digits, so it is safe to surface.
                validate_iban(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(IbanVisitor)
    }
}

/// The countries and territories of the SEPA schemes: only their IBANs can be debited
/// by SEPA Direct Debit. A valid Turkish or Brazilian IBAN is still refused.
///
/// The countries the registry (Release 102) marks as SEPA (the EU, the EEA,
/// Switzerland, the United Kingdom, Andorra, Gibraltar, Monaco, San Marino and Vatican
/// City); the territories its "SEPA country also includes" names (Åland, and French
/// Guiana, Guadeloupe, Martinique, Mayotte, Réunion, Saint Pierre and Miquelon, Saint
/// Barthélemy and Saint Martin); and Guernsey, the Isle of Man and Jersey, in the EPC's
/// geographical scope (EPC409-09) since May 2016. New Caledonia, French Polynesia,
/// Wallis and Futuna and the French Southern Territories are outside it.
pub const SEPA_COUNTRIES: [&str; 49] = [
    "AD", "AT", "AX", "BE", "BG", "BL", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB",
    "GF", "GG", "GI", "GP", "GR", "HR", "HU", "IE", "IM", "IS", "IT", "JE", "LI", "LT", "LU", "LV",
    "MC", "MF", "MQ", "MT", "NL", "NO", "PL", "PM", "PT", "RE", "RO", "SE", "SI", "SK", "SM", "VA",
    "YT",
];

/// Whether an IBAN of `country` (its first two letters) can be debited by SEPA.
pub fn is_sepa_country(country: &str) -> bool {
    SEPA_COUNTRIES.contains(&country)
}

/// Whether what was typed is (the start of) an IBAN of a country that has IBANs but is
/// outside SEPA, such as `TR33 0006…`: known as soon as the country code is typed.
pub fn is_outside_sepa(input: &str) -> bool {
    normalize(input).is_some_and(|typed| {
        typed.len() >= 2 && lookup(&typed[..2]).is_some() && !is_sepa_country(&typed[..2])
    })
}

/// Validates an IBAN typed or pasted by a customer: spaces anywhere and lower case are
/// accepted. Rules are checked in this order, and the first failure is returned:
/// characters, minimum length, country, length for that country, BBAN structure, mod 97,
/// and the national check digits of the countries that have them (see
/// [`IbanError::NationalCheckFailed`]).
pub fn validate_iban(input: &str) -> Result<Iban, IbanError> {
    let electronic = normalize(input).ok_or(IbanError::InvalidCharacters)?;
    if electronic.is_empty() {
        return Err(IbanError::Empty);
    }
    if electronic.len() < PREFIX_LEN {
        return Err(IbanError::TooShort);
    }
    let country = &electronic[..2];
    let format = lookup(country).ok_or_else(|| IbanError::UnknownCountry {
        country: country.to_owned(),
    })?;
    if electronic.len() != format.length {
        return Err(IbanError::WrongLength {
            country: country.to_owned(),
            expected: format.length,
            actual: electronic.len(),
        });
    }
    let check_digits = &electronic.as_bytes()[2..PREFIX_LEN];
    if !check_digits.iter().all(u8::is_ascii_digit) || !bban_fits(format, &electronic[PREFIX_LEN..])
    {
        return Err(IbanError::BadFormat);
    }
    // ISO 13616 computes check digits as 98 - remainder, so only 02..=98 can occur; 00,
    // 01 and 99 would pass the remainder test yet no bank issues them.
    let in_range = !matches!(check_digits, b"00" | b"01" | b"99");
    if !in_range || mod97(&electronic) != 1 {
        return Err(IbanError::Checksum);
    }
    if let Some(national) = format.national {
        if !national.passes(&electronic.as_bytes()[PREFIX_LEN..]) {
            return Err(IbanError::NationalCheckFailed {
                country: country.to_owned(),
            });
        }
    }
    Ok(Iban { electronic })
}

/// Whether what has been typed so far could still become a valid IBAN, for showing an
/// error while the customer types rather than only on submit.
///
/// True for the empty string and for any prefix whose characters are allowed where they
/// stand: letters for the country code, a country in the registry, digits for the check
/// digits, the country's BBAN structure, and no more than the country's length. Once the
/// full length is reached the answer is [`validate_iban`]'s, checksum and national check
/// included.
pub fn is_potentially_valid(input: &str) -> bool {
    let Some(typed) = normalize(input) else {
        return false;
    };
    let bytes = typed.as_bytes();
    match bytes.len() {
        0 => return true,
        1 => {
            let starts = |code: &str| code.as_bytes()[0] == bytes[0];
            return bytes[0].is_ascii_uppercase()
                && (REGISTRY.iter().any(|entry| starts(entry.country))
                    || TERRITORIES.iter().any(|(territory, _)| starts(territory)));
        }
        _ => {}
    }
    let Some(format) = lookup(&typed[..2]) else {
        return false;
    };
    if typed.len() > format.length {
        return false;
    }
    if !bytes[2..bytes.len().min(PREFIX_LEN)]
        .iter()
        .all(u8::is_ascii_digit)
    {
        return false;
    }
    if typed.len() == format.length {
        return validate_iban(&typed).is_ok();
    }
    typed.len() <= PREFIX_LEN || bban_fits(format, &typed[PREFIX_LEN..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_unique_so_binary_search_works() {
        for pair in REGISTRY.windows(2) {
            assert!(
                pair[0].country < pair[1].country,
                "{} before {}",
                pair[0].country,
                pair[1].country
            );
        }
    }

    #[test]
    fn territories_are_sorted_and_point_at_registry_rows() {
        for pair in TERRITORIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (territory, parent) in TERRITORIES {
            assert!(
                REGISTRY.iter().all(|entry| entry.country != *territory),
                "{territory} has its own row"
            );
            assert_eq!(lookup(territory).map(|f| f.country), Some(*parent));
        }
    }

    #[test]
    fn sepa_countries_are_sorted_and_known() {
        for pair in SEPA_COUNTRIES.windows(2) {
            assert!(pair[0] < pair[1], "{} before {}", pair[0], pair[1]);
        }
        for country in SEPA_COUNTRIES {
            assert!(lookup(country).is_some(), "{country} has no IBAN format");
        }
    }

    #[test]
    fn registry_covers_the_current_swift_release() {
        assert_eq!(REGISTRY.len(), 89);
        assert_eq!(TERRITORIES.len(), 16);
        for country in [
            "SO", "LY", "SD", "RU", "BI", "DJ", "FK", "MN", "NI", "OM", "YE", "HN",
        ] {
            assert!(lookup(country).is_some(), "{country} missing");
        }
    }

    #[test]
    fn layouts_match_release_102() {
        // The rows checked against the edition cited above, as printed there (BBAN
        // structure without the `!`, IBAN length, bank identifier position).
        let rows = [
            ("IE", 22, "4a6n8n", Some((0, 4))),
            ("TR", 26, "5n1n16c", None),
            ("GE", 22, "2a16n", None),
            ("PK", 24, "4a16c", None),
            ("PS", 29, "4a21c", None),
            ("VG", 24, "4a16n", None),
            ("CZ", 24, "4n16n", Some((0, 4))),
            ("ST", 25, "4n4n11n2n", None),
            ("EE", 20, "2n14n", Some((0, 2))),
        ];
        for (country, length, bban, bank) in rows {
            let entry = lookup(country).unwrap();
            assert_eq!(
                (entry.length, entry.bban, entry.bank),
                (length, bban, bank),
                "{country}"
            );
        }
    }

    #[test]
    fn national_checks_are_where_banks_verify_them() {
        let checked: Vec<&str> = REGISTRY
            .iter()
            .filter(|entry| entry.national.is_some())
            .map(|entry| entry.country)
            .collect();
        assert_eq!(
            checked,
            [
                "BA", "BE", "CZ", "EE", "ES", "FR", "HR", "HU", "MC", "ME", "MK", "NO", "PL", "PT",
                "RS", "SI", "SK"
            ]
        );
    }

    #[test]
    fn country_codes_are_two_upper_case_letters() {
        for entry in REGISTRY {
            assert_eq!(entry.country.len(), 2);
            assert!(entry.country.bytes().all(|b| b.is_ascii_uppercase()));
        }
    }

    #[test]
    fn structure_expands_position_by_position() {
        let classes: Vec<CharClass> = position_classes("2a1n3c").collect();
        assert_eq!(
            classes,
            [
                CharClass::Letter,
                CharClass::Letter,
                CharClass::Digit,
                CharClass::Alphanumeric,
                CharClass::Alphanumeric,
                CharClass::Alphanumeric,
            ]
        );
        // Multi-digit counts.
        assert_eq!(position_classes("12c").count(), 12);
    }

    #[test]
    fn malformed_structures_are_caught() {
        assert_eq!(structure_len("8n10n"), Some(18));
        assert_eq!(structure_len("8x"), None);
        assert_eq!(structure_len("n"), None);
        assert_eq!(structure_len("8n1"), None);
    }

    #[test]
    fn mod97_matches_the_standard_example() {
        assert_eq!(mod97("GB82WEST12345698765432"), 1);
        assert_ne!(mod97("GB82WEST12345698765433"), 1);
    }

    #[test]
    fn error_codes_are_unique() {
        let all = [
            IbanError::Empty,
            IbanError::TooShort,
            IbanError::InvalidCharacters,
            IbanError::UnknownCountry {
                country: "XX".into(),
            },
            IbanError::WrongLength {
                country: "DE".into(),
                expected: 22,
                actual: 21,
            },
            IbanError::BadFormat,
            IbanError::Checksum,
            IbanError::NationalCheckFailed {
                country: "BE".into(),
            },
        ];
        let mut codes: Vec<&str> = all.iter().map(IbanError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
