//! Tests for `payment_core::money`: exponents, currency parsing, locale formatting,
//! checked arithmetic and the wire format.

use payment_core::money::{Currency, MinorUnit, Money, MoneyError};

const NBSP: char = '\u{a0}';

fn money(amount: i64, code: &str) -> Money {
    Money::new(amount, Currency::new(code).unwrap())
}

#[test]
fn exponents_follow_iso_and_stripe() {
    for code in [
        "jpy", "krw", "vnd", "clp", "xof", "xaf", "isk", "ugx", "bif", "pyg",
    ] {
        assert_eq!(Currency::new(code).unwrap().exponent(), 0, "{code}");
    }
    for code in ["kwd", "bhd", "jod", "omr", "tnd"] {
        assert_eq!(Currency::new(code).unwrap().exponent(), 3, "{code}");
    }
    for code in ["eur", "usd", "gbp", "php", "chf", "sgd"] {
        assert_eq!(Currency::new(code).unwrap().exponent(), 2, "{code}");
    }
    // Stripe's convention: rupiah amounts are in hundredths (sen).
    assert_eq!(Currency::IDR.exponent(), 2);
    assert_eq!(Currency::JPY.exponent(), 0);
    assert_eq!(Currency::EUR.exponent(), 2);
    assert_eq!(Currency::KWD.exponent(), 3);
}

#[test]
fn currency_codes_parse_in_any_case() {
    let eur = Currency::new("eur").unwrap();
    assert_eq!(eur, Currency::EUR);
    assert_eq!(Currency::new("EUR").unwrap(), Currency::EUR);
    assert_eq!(Currency::new("Eur").unwrap(), Currency::EUR);
    assert_eq!(eur.code(), "eur");
    assert_eq!(eur.as_upper(), "EUR");
    assert_eq!(eur.to_string(), "EUR");
    assert_eq!(format!("{eur:?}"), "Currency(EUR)");
    assert_eq!("php".parse::<Currency>().unwrap(), Currency::PHP);
}

#[test]
fn unknown_but_well_formed_codes_default_to_two_decimals() {
    let xyz = Currency::new("xyz").unwrap();
    assert_eq!(xyz.code(), "xyz");
    assert_eq!(xyz.exponent(), 2);
    assert_eq!(
        Money::new(1050, xyz).format("en"),
        format!("XYZ{NBSP}10.50")
    );
}

#[test]
fn malformed_codes_are_refused() {
    for code in ["", "eu", "euro", "e1r", "€ur", " eur", "eür"] {
        assert_eq!(
            Currency::new(code),
            Err(MoneyError::InvalidCurrency),
            "{code:?}"
        );
    }
    assert_eq!(MoneyError::InvalidCurrency.code(), "money_invalid_currency");
}

#[test]
fn english_format() {
    assert_eq!(money(5400, "eur").format("en"), "€54.00");
    assert_eq!(money(123456, "usd").format("en-US"), "$1,234.56");
    assert_eq!(money(99, "gbp").format("en-GB"), "£0.99");
    assert_eq!(money(5400, "jpy").format("en"), "¥5,400");
    assert_eq!(money(1234, "kwd").format("en"), format!("KWD{NBSP}1.234"));
    assert_eq!(money(5, "kwd").format("en"), format!("KWD{NBSP}0.005"));
    assert_eq!(
        money(5400000, "idr").format("en"),
        format!("Rp{NBSP}54,000.00")
    );
    assert_eq!(money(250000, "php").format("en"), "₱2,500.00");
    assert_eq!(money(100000000, "usd").format("en"), "$1,000,000.00");
}

#[test]
fn german_format_puts_the_symbol_after_a_no_break_space() {
    assert_eq!(money(5400, "eur").format("de"), format!("54,00{NBSP}€"));
    assert_eq!(
        money(123456, "usd").format("de-DE"),
        format!("1.234,56{NBSP}$")
    );
    assert_eq!(money(5400, "jpy").format("de"), format!("5.400{NBSP}¥"));
    assert_eq!(
        money(1234, "kwd").format("de-AT"),
        format!("1,234{NBSP}KWD")
    );
    assert_eq!(
        money(123456789, "eur").format("de"),
        format!("1.234.567,89{NBSP}€")
    );
}

#[test]
fn indonesian_format() {
    assert_eq!(
        money(5400000, "idr").format("id"),
        format!("Rp{NBSP}54.000,00")
    );
    assert_eq!(
        money(123456789, "idr").format("id-ID"),
        format!("Rp{NBSP}1.234.567,89")
    );
    assert_eq!(money(5400, "eur").format("id"), "€54,00");
    assert_eq!(money(5400, "jpy").format("id"), "¥5.400");
}

#[test]
fn negative_amounts() {
    assert_eq!(money(-5400, "eur").format("en"), "-€54.00");
    assert_eq!(money(-123456, "usd").format("en"), "-$1,234.56");
    assert_eq!(money(-5400, "eur").format("de"), format!("-54,00{NBSP}€"));
    assert_eq!(
        money(-5400000, "idr").format("id"),
        format!("-Rp{NBSP}54.000,00")
    );
    assert_eq!(money(-5, "eur").format("en"), "-€0.05");
    assert_eq!(money(-1, "jpy").format("en"), "-¥1");
}

#[test]
fn zero_and_extremes_format_without_panicking() {
    assert_eq!(Money::zero(Currency::EUR).format("en"), "€0.00");
    assert_eq!(Money::zero(Currency::JPY).format("de"), format!("0{NBSP}¥"));
    assert_eq!(
        money(i64::MIN, "usd").format("en"),
        "-$92,233,720,368,547,758.08"
    );
    assert_eq!(
        money(i64::MAX, "jpy").format("en"),
        "¥9,223,372,036,854,775,807"
    );
}

#[test]
fn unknown_locales_fall_back_to_english() {
    assert_eq!(money(123456, "eur").format("fr-FR"), "€1,234.56");
    assert_eq!(money(123456, "eur").format(""), "€1,234.56");
    assert_eq!(money(123456, "eur").format("xx"), "€1,234.56");
}

#[test]
fn checked_arithmetic_in_one_currency() {
    let a = money(5400, "eur");
    let b = money(1250, "eur");
    assert_eq!(a.checked_add(b), Ok(money(6650, "eur")));
    assert_eq!(b.checked_sub(a), Ok(money(-4150, "eur")));
    assert_eq!(b.checked_mul(3), Ok(money(3750, "eur")));
    assert!(b.checked_sub(a).unwrap().is_negative());
    assert!(a.checked_sub(a).unwrap().is_zero());
}

#[test]
fn mixing_currencies_is_an_error() {
    let err = money(5400, "eur")
        .checked_add(money(5400, "usd"))
        .unwrap_err();
    assert_eq!(
        err,
        MoneyError::CurrencyMismatch {
            expected: Currency::EUR,
            found: Currency::USD
        }
    );
    assert_eq!(err.code(), "money_currency_mismatch");
    assert!(err.to_string().contains("EUR") && err.to_string().contains("USD"));
    assert!(money(1, "jpy").checked_sub(money(1, "krw")).is_err());
}

#[test]
fn overflow_is_an_error_not_a_wrap() {
    let max = money(i64::MAX, "eur");
    assert_eq!(max.checked_add(money(1, "eur")), Err(MoneyError::Overflow));
    assert_eq!(
        money(i64::MIN, "eur").checked_sub(money(1, "eur")),
        Err(MoneyError::Overflow)
    );
    assert_eq!(max.checked_mul(2), Err(MoneyError::Overflow));
    assert_eq!(MoneyError::Overflow.code(), "money_overflow");
    assert_eq!(MinorUnit(i64::MAX).checked_add(MinorUnit(1)), None);
    assert_eq!(MinorUnit(1).checked_sub(MinorUnit(3)), Some(MinorUnit(-2)));
    assert_eq!(MinorUnit::new(7).get(), 7);
}

#[test]
fn serde_matches_stripe() {
    let m = money(5400, "eur");
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(json, r#"{"amount":5400,"currency":"eur"}"#);
    let back: Money = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);

    // Upper case from a lenient sender is accepted and normalised.
    let back: Money = serde_json::from_str(r#"{"amount":5400,"currency":"EUR"}"#).unwrap();
    assert_eq!(back.currency, Currency::EUR);

    assert_eq!(serde_json::to_string(&MinorUnit(-42)).unwrap(), "-42");
    assert_eq!(
        serde_json::from_str::<MinorUnit>("42").unwrap(),
        MinorUnit(42)
    );
    assert_eq!(serde_json::to_string(&Currency::JPY).unwrap(), "\"jpy\"");
}

#[test]
fn serde_refuses_bad_currencies_and_fractional_amounts() {
    assert!(serde_json::from_str::<Currency>("\"euro\"").is_err());
    assert!(serde_json::from_str::<Currency>("42").is_err());
    // Floats never become money.
    assert!(serde_json::from_str::<Money>(r#"{"amount":54.0,"currency":"eur"}"#).is_err());
}
