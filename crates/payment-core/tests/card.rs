//! Behaviour of `payment_core::card` through its public paths: brand detection from
//! real test numbers and partial input, the number, expiry and CVC verdicts (valid and
//! potentially valid, every rejection), and the number field's formatting and caret.

use payment_core::card::{
    candidate_brands, check_cvc, check_number, digits, format_number, format_with_caret,
    luhn_valid, parse_expiry, CardBrand, ExpiryCheck, FieldCheck, NumberCheck, YearMonth,
    EXPIRY_YEARS_AHEAD,
};
use CardBrand::*;

/// Stripe's (and Braintree's) test numbers with the brand each must be detected as.
const TEST_NUMBERS: &[(&str, CardBrand)] = &[
    ("4242424242424242", Visa),
    ("4000056655665556", Visa),
    ("4242424242424242428", Visa),
    ("5555555555554444", Mastercard),
    ("5200828282828210", Mastercard),
    ("2223003122003222", Mastercard),
    ("378282246310005", Amex),
    ("371449635398431", Amex),
    ("6011111111111117", Discover),
    ("6011000990139424", Discover),
    ("3056930009020004", Diners),
    ("36227206271667", Diners),
    ("3566002020360505", Jcb),
    ("6200000000000005", UnionPay),
    ("6200000000000047", UnionPay),
    ("6205500000000000004", UnionPay),
    ("6759649826438453", Maestro),
    ("675964982648", Maestro),
    ("6362970000457013", Elo),
    ("2200000000000004", Mir),
    ("6370950000000005", Hiper),
    ("6062826786276634", Hipercard),
];

fn number(brand: Option<CardBrand>, potentially: bool, valid: bool) -> NumberCheck {
    NumberCheck {
        brand,
        is_potentially_valid: potentially,
        is_valid: valid,
    }
}

/// A valid number of `brand`.
fn number_check(brand: Option<CardBrand>) -> NumberCheck {
    number(brand, true, true)
}

fn field(potentially: bool, valid: bool) -> FieldCheck {
    FieldCheck {
        is_potentially_valid: potentially,
        is_valid: valid,
    }
}

// ---- brands ---------------------------------------------------------------------

#[test]
fn test_numbers_are_detected_and_valid() {
    for &(n, brand) in TEST_NUMBERS {
        assert_eq!(candidate_brands(n).first(), Some(&brand), "{n}");
        assert_eq!(check_number(n), number(Some(brand), true, true), "{n}");
        assert!(luhn_valid(n), "{n}");
    }
}

#[test]
fn every_brand_has_a_test_number() {
    for brand in CardBrand::ALL {
        assert!(
            TEST_NUMBERS.iter().any(|&(_, b)| b == brand),
            "no test number for {brand:?}"
        );
    }
}

#[test]
fn brand_names_are_stripes() {
    let names: Vec<&str> = CardBrand::ALL.iter().map(|b| b.as_str()).collect();
    assert_eq!(
        names,
        [
            "visa",
            "mastercard",
            "amex",
            "discover",
            "diners",
            "jcb",
            "unionpay",
            "maestro",
            "elo",
            "mir",
            "hiper",
            "hipercard"
        ]
    );
    for brand in CardBrand::ALL {
        assert_eq!(CardBrand::from_str_name(brand.as_str()), Some(brand));
        assert_eq!(brand.to_string(), brand.as_str());
    }
    assert_eq!(CardBrand::from_str_name("unknown"), None);
    assert_eq!(CardBrand::from_str_name("Visa"), None);
    assert_eq!(CardBrand::from_str_name("american_express"), None);
    assert_eq!(CardBrand::from_str_name(""), None);
}

#[test]
fn brands_serialize_as_stripe_names() {
    for brand in CardBrand::ALL {
        let json = serde_json::to_string(&brand).unwrap();
        assert_eq!(json, format!("\"{}\"", brand.as_str()));
        assert_eq!(serde_json::from_str::<CardBrand>(&json).unwrap(), brand);
    }
    assert!(serde_json::from_str::<CardBrand>("\"union_pay\"").is_err());
    assert!(serde_json::from_str::<CardBrand>("\"Visa\"").is_err());
}

#[test]
fn brand_table_matches_the_networks() {
    assert_eq!(Visa.lengths(), &[16, 18, 19]);
    assert_eq!(Mastercard.lengths(), &[16]);
    assert_eq!(Amex.lengths(), &[15]);
    assert_eq!(Diners.lengths(), &[14, 16, 19]);
    assert_eq!(Discover.lengths(), &[16, 19]);
    assert_eq!(Jcb.lengths(), &[16, 17, 18, 19]);
    assert_eq!(UnionPay.lengths(), &[14, 15, 16, 17, 18, 19]);
    assert_eq!(Maestro.lengths(), &[12, 13, 14, 15, 16, 17, 18, 19]);
    assert_eq!(Mir.lengths(), &[16, 17, 18, 19]);
    for brand in [Elo, Hiper, Hipercard] {
        assert_eq!(brand.lengths(), &[16]);
    }
    assert_eq!(Visa.max_length(), 19);
    assert_eq!(Amex.max_length(), 15);

    for brand in CardBrand::ALL {
        let expected: &[u8] = if matches!(brand, Amex | Diners) {
            &[4, 10]
        } else {
            &[4, 8, 12]
        };
        assert_eq!(brand.gaps(), expected, "{brand:?}");
        assert_eq!(brand.cvc_length(), if brand == Amex { 4 } else { 3 });
        assert_eq!(brand.luhn_required(), brand != UnionPay);
    }

    assert_eq!(Visa.cvc_label(), "CVV");
    assert_eq!(Mastercard.cvc_label(), "CVC");
    assert_eq!(Amex.cvc_label(), "CID");
    assert_eq!(Discover.cvc_label(), "CID");
    assert_eq!(UnionPay.cvc_label(), "CVN");
    assert_eq!(Elo.cvc_label(), "CVE");
    assert_eq!(Mir.cvc_label(), "CVP2");
    assert_eq!(Amex.display_name(), "American Express");
}

#[test]
fn all_lists_each_brand_once() {
    let mut seen = CardBrand::ALL.to_vec();
    seen.sort_by_key(|b| b.as_str());
    seen.dedup();
    assert_eq!(seen.len(), 12);
}

// ---- candidate brands -----------------------------------------------------------

#[test]
fn empty_input_can_be_any_brand() {
    assert_eq!(candidate_brands(""), CardBrand::ALL.to_vec());
    assert_eq!(candidate_brands(" - "), CardBrand::ALL.to_vec());
}

#[test]
fn partial_numbers_list_what_they_can_become() {
    let cases: &[(&str, &[CardBrand])] = &[
        ("4", &[Visa, Maestro, Elo]),
        ("42", &[Visa]),
        ("3", &[Amex, Diners, Jcb]),
        ("34", &[Amex]),
        ("37", &[Amex]),
        ("30", &[Diners]),
        ("305", &[Diners]),
        ("36", &[Diners]),
        ("35", &[Jcb]),
        ("1", &[Jcb]),
        ("2", &[Mastercard, Jcb, Mir]),
        ("22", &[Mastercard, Mir]),
        ("220", &[Mir]),
        ("2204", &[Mir]),
        ("222", &[Mastercard]),
        ("2720", &[Mastercard]),
        ("21", &[Jcb]),
        ("5", &[Mastercard, Maestro, Elo]),
        ("51", &[Mastercard]),
        ("50", &[Maestro, Elo]),
        ("56", &[Maestro]),
        ("6", &[Discover, UnionPay, Maestro, Elo, Hiper, Hipercard]),
        ("60", &[Discover, Maestro, Hipercard]),
        ("8", &[UnionPay]),
        ("8171", &[UnionPay]),
        ("504175", &[Elo]),
        ("504176", &[Maestro]),
    ];
    for &(input, expected) in cases {
        assert_eq!(candidate_brands(input), expected, "{input:?}");
    }
}

/// Every pair of brands whose ranges overlap (the unit tests in card.rs find the pairs
/// from the table), typed digit by digit: the widely carried brand leads while the
/// narrower range is still being typed, the narrower range's brand once it is typed in
/// full, and both stay listed.
#[test]
fn overlapping_ranges_list_both_brands_most_likely_first() {
    let cases: &[(&str, &[CardBrand])] = &[
        // Visa's 4 holds Elo's BINs. Regression: "40" listed Elo before Visa.
        ("40", &[Visa, Elo]),
        ("4011", &[Visa, Elo]),
        ("40117", &[Visa, Elo]),
        ("401178", &[Elo, Visa]),
        ("401179", &[Elo, Visa]),
        ("4312", &[Visa, Elo]),
        ("431274", &[Elo, Visa]),
        ("438935", &[Elo, Visa]),
        ("451416", &[Elo, Visa]),
        ("457393", &[Elo, Visa]),
        ("45763", &[Visa, Elo]),
        ("457631", &[Elo, Visa]),
        ("457632", &[Elo, Visa]),
        // Visa's 4 holds Maestro's 493698.
        ("49", &[Visa, Maestro]),
        ("49369", &[Visa, Maestro]),
        ("493698", &[Maestro, Visa]),
        // Maestro's 6 holds Discover's 6011, 644-649 and 65.
        ("601", &[Discover, Maestro]),
        ("6011", &[Discover, Maestro]),
        ("64", &[Discover, Maestro]),
        ("644", &[Discover, Maestro]),
        ("649", &[Discover, Maestro]),
        ("6510", &[Discover, Maestro]),
        ("6587", &[Discover, Maestro]),
        // Discover's 65 and Maestro's 6 hold Elo's 650031-655058.
        ("65", &[Discover, Maestro, Elo]),
        ("6500", &[Discover, Maestro, Elo]),
        ("650031", &[Elo, Discover, Maestro]),
        ("650598", &[Elo, Discover, Maestro]),
        ("6516", &[Discover, Maestro, Elo]),
        ("651652", &[Elo, Discover, Maestro]),
        ("651679", &[Elo, Discover, Maestro]),
        ("655000", &[Elo, Discover, Maestro]),
        ("655058", &[Elo, Discover, Maestro]),
        ("655020", &[Discover, Maestro]),
        // Maestro's 6 holds UnionPay's 62 and 81 is UnionPay's alone.
        ("62", &[UnionPay, Maestro, Elo]),
        ("620", &[UnionPay, Maestro]),
        ("6212", &[UnionPay, Maestro]),
        ("6277", &[UnionPay, Maestro, Elo]),
        ("627700", &[UnionPay, Maestro]),
        ("6289", &[UnionPay, Maestro]),
        ("6292", &[UnionPay, Maestro]),
        ("810", &[UnionPay]),
        // Maestro's 6 holds Elo's 627780; UnionPay's 6277 ranges leave it out.
        ("627780", &[Elo, Maestro]),
        // Maestro's 63 holds Elo's 636297 and 636368 and Hiper's BINs.
        ("63", &[Maestro, Elo, Hiper]),
        ("6362", &[Maestro, Elo]),
        ("636297", &[Elo, Maestro]),
        ("636368", &[Elo, Maestro]),
        ("6370", &[Maestro, Hiper]),
        ("637095", &[Hiper, Maestro]),
        ("6373742", &[Maestro, Hiper]),
        ("63737423", &[Hiper, Maestro]),
        ("63743358", &[Hiper, Maestro]),
        ("637568", &[Hiper, Maestro]),
        ("637599", &[Hiper, Maestro]),
        ("637609", &[Hiper, Maestro]),
        ("637612", &[Hiper, Maestro]),
        // Maestro's 6 holds Hipercard's 606282.
        ("6062", &[Maestro, Hipercard]),
        ("606282", &[Hipercard, Maestro]),
    ];
    for &(input, expected) in cases {
        assert_eq!(candidate_brands(input), expected, "{input:?}");
    }
}

#[test]
fn a_final_order_gives_the_number_its_brand() {
    // Regression: "6587" listed Discover alone, as if Maestro's 6 no longer held it.
    for (number, brand) in [
        ("6587000000000008", Discover),
        ("4011780000000006", Elo),
        ("4936980000000004", Maestro),
        ("6277800000000006", Elo),
        ("6516520000000001", Elo),
        ("6011111111111117", Discover),
    ] {
        assert_eq!(candidate_brands(number)[0], brand, "{number}");
        assert_eq!(check_number(number), number_check(Some(brand)), "{number}");
        assert_eq!(
            check_number(&number[..6]).brand,
            Some(brand),
            "{number}: final after six digits"
        );
    }
    // Still open: no brand yet, though the likeliest leads the list.
    assert_eq!(check_number("40").brand, None);
    assert_eq!(check_number("6500").brand, None);
}

#[test]
fn separators_are_ignored_and_other_characters_match_nothing() {
    assert_eq!(candidate_brands("4242 4242-4"), vec![Visa]);
    assert_eq!(candidate_brands(" 37 "), vec![Amex]);
    assert!(candidate_brands("4a").is_empty());
    assert!(candidate_brands("4.2").is_empty());
    assert!(
        candidate_brands("٤٢").is_empty(),
        "non-ASCII digits are not digits"
    );
}

#[test]
fn unknown_prefixes_match_nothing() {
    for input in ["0", "7", "9", "19", "306", "33", "2100", "2721", "82"] {
        assert!(candidate_brands(input).is_empty(), "{input}");
    }
}

// ---- Luhn -----------------------------------------------------------------------

#[test]
fn luhn_checks_the_check_digit() {
    assert!(luhn_valid("79927398713"));
    assert!(!luhn_valid("79927398710"));
    assert!(luhn_valid("4242-4242 4242-4242"));
    assert!(!luhn_valid("4242424242424241"));
    assert!(!luhn_valid("4242424242424243"));
    assert!(luhn_valid("0"));
    // Doubling 9 gives 18, which counts as 9.
    assert!(luhn_valid("91"));
    assert!(!luhn_valid("90"));
}

#[test]
fn luhn_rejects_empty_and_non_digit_input() {
    assert!(!luhn_valid(""));
    assert!(!luhn_valid("  "));
    assert!(!luhn_valid("4242424242424242x"));
    assert!(!luhn_valid("+4242424242424242"));
}

// ---- check_number ---------------------------------------------------------------

#[test]
fn numbers_may_carry_spaces_and_dashes() {
    let v = number(Some(Visa), true, true);
    assert_eq!(check_number("4242 4242 4242 4242"), v);
    assert_eq!(check_number("4242-4242-4242-4242"), v);
    assert_eq!(check_number(" 4242-4242 4242\t4242 "), v);
    assert_eq!(
        check_number("3782 822463 10005"),
        number(Some(Amex), true, true)
    );
}

#[test]
fn empty_and_ambiguous_numbers_are_only_potentially_valid() {
    assert_eq!(check_number(""), number(None, true, false));
    assert_eq!(check_number("4"), number(None, true, false));
    assert_eq!(check_number("6"), number(None, true, false));
    assert_eq!(check_number("62"), number(None, true, false));
}

#[test]
fn partial_numbers_of_one_brand_have_it() {
    assert_eq!(check_number("42"), number(Some(Visa), true, false));
    assert_eq!(check_number("4242 4242"), number(Some(Visa), true, false));
    assert_eq!(
        check_number("37828224631000"),
        number(Some(Amex), true, false)
    );
    assert_eq!(check_number("1"), number(Some(Jcb), true, false));
}

#[test]
fn non_digits_are_rejected() {
    assert_eq!(check_number("4242x"), number(None, false, false));
    assert_eq!(check_number("4242.4242"), number(None, false, false));
    assert_eq!(check_number("abc"), number(None, false, false));
    assert_eq!(check_number("4242_4242"), number(None, false, false));
}

#[test]
fn unknown_prefixes_are_rejected() {
    assert_eq!(check_number("9"), number(None, false, false));
    assert_eq!(check_number("0000000000000000"), number(None, false, false));
    assert_eq!(check_number("3069300090200"), number(None, false, false));
}

#[test]
fn luhn_failures_may_grow_until_the_longest_length() {
    // Visa: 16 of up to 19 digits.
    assert_eq!(
        check_number("4242424242424241"),
        number(Some(Visa), true, false)
    );
    // Visa at 19 digits: nothing more can be typed.
    assert_eq!(
        check_number("4242424242424242424"),
        number(Some(Visa), false, false)
    );
    // Amex's only length is 15.
    assert_eq!(
        check_number("378282246310006"),
        number(Some(Amex), false, false)
    );
    // Mastercard's only length is 16.
    assert_eq!(
        check_number("5555555555554445"),
        number(Some(Mastercard), false, false)
    );
    // Diners at 14 of up to 19 digits.
    assert_eq!(
        check_number("36227206271668"),
        number(Some(Diners), true, false)
    );
}

#[test]
fn lengths_between_the_allowed_ones_are_incomplete() {
    // Visa: 17 digits is neither 16 nor 18.
    assert_eq!(
        check_number("42424242424242424"),
        number(Some(Visa), true, false)
    );
    // Diners: 15 digits, even with a correct check digit.
    assert_eq!(
        check_number("305693000902001"),
        number(Some(Diners), true, false)
    );
}

#[test]
fn too_long_numbers_are_rejected() {
    assert_eq!(
        check_number("42424242424242424242"),
        number(Some(Visa), false, false)
    );
    assert_eq!(
        check_number("3782822463100050"),
        number(Some(Amex), false, false)
    );
    assert_eq!(
        check_number("55555555555544440"),
        number(Some(Mastercard), false, false)
    );
    assert_eq!(
        check_number("63629700004570130"),
        number(Some(Elo), false, false)
    );
}

#[test]
fn unionpay_does_not_need_luhn() {
    assert!(!luhn_valid("6200000000000006"));
    assert_eq!(
        check_number("6200000000000006"),
        number(Some(UnionPay), true, true)
    );
    assert_eq!(
        check_number("62000000000000"),
        number(Some(UnionPay), true, true)
    );
    assert_eq!(
        check_number("62000000000000000000"),
        number(Some(UnionPay), false, false)
    );
}

#[test]
fn maestro_accepts_its_short_lengths() {
    assert_eq!(
        check_number("675964982648"),
        number(Some(Maestro), true, true)
    );
    assert_eq!(
        check_number("67596498264"),
        number(Some(Maestro), true, false)
    );
}

// ---- formatting -----------------------------------------------------------------

#[test]
fn numbers_are_grouped_by_the_brands_gaps() {
    let cases = [
        ("4242-4242 4242 4242", "4242 4242 4242 4242"),
        ("4242424242424242", "4242 4242 4242 4242"),
        ("378282246310005", "3782 822463 10005"),
        ("36227206271667", "3622 720627 1667"),
        ("3056930009020004", "3056 930009 020004"),
        ("4242424242424242428", "4242 4242 4242 4242428"),
        ("6205500000000000004", "6205 5000 0000 0000004"),
        ("", ""),
        ("4", "4"),
        ("4242", "4242"),
        ("42424", "4242 4"),
        ("37828", "3782 8"),
        ("3782822463", "3782 822463"),
        ("37828224631", "3782 822463 1"),
        ("abc4242 x42", "4242 42"),
    ];
    for (input, expected) in cases {
        assert_eq!(format_number(input), expected, "{input:?}");
    }
}

#[test]
fn formatting_cuts_at_the_brands_longest_length() {
    assert_eq!(format_number("3782822463100051111"), "3782 822463 10005");
    assert_eq!(
        format_number("42424242424242424242"),
        "4242 4242 4242 4242424"
    );
    assert_eq!(format_number("55555555555544441"), "5555 5555 5555 4444");
}

#[test]
fn numbers_of_no_brand_are_grouped_in_fours() {
    assert_eq!(
        format_number("9999999999999999999999"),
        "9999 9999 9999 9999999"
    );
    assert_eq!(format_number("99999"), "9999 9");
}

#[test]
fn digits_keeps_only_ascii_digits() {
    assert_eq!(digits("4242-4242 42"), "4242424242");
    assert_eq!(digits("a1b2c3"), "123");
    assert_eq!(digits("٤٢"), "");
    assert_eq!(digits(""), "");
}

#[test]
fn the_caret_stays_after_the_same_digit() {
    // Typing the fifth digit inserts a space before it.
    assert_eq!(format_with_caret("42424", 5), ("4242 4".to_string(), 6));
    // Typing in the middle shifts the later digits into the next group.
    assert_eq!(
        format_with_caret("4242 41242", 7),
        ("4242 4124 2".to_string(), 7)
    );
    // Deleting the first digit of a group removes its space.
    assert_eq!(format_with_caret("4242 ", 5), ("4242".to_string(), 4));
    // Before a space, the caret stays before it.
    assert_eq!(
        format_with_caret("4242 4242", 4),
        ("4242 4242".to_string(), 4)
    );
    // Pasting a dashed number.
    assert_eq!(
        format_with_caret("4242-4242-4242-4242", 19),
        ("4242 4242 4242 4242".to_string(), 19)
    );
    assert_eq!(
        format_with_caret("4242-4242-4242-4242", 10),
        ("4242 4242 4242 4242".to_string(), 9)
    );
    // Amex's groups.
    assert_eq!(
        format_with_caret("3782822463", 10),
        ("3782 822463".to_string(), 11)
    );
}

#[test]
fn the_caret_at_the_edges() {
    assert_eq!(format_with_caret("4242", 0), ("4242".to_string(), 0));
    assert_eq!(format_with_caret("", 0), (String::new(), 0));
    assert_eq!(format_with_caret(" 4242", 1), ("4242".to_string(), 0));
    assert_eq!(format_with_caret("4242", 100), ("4242".to_string(), 4));
    // Digits cut off as too many leave the caret at the end.
    assert_eq!(
        format_with_caret("3782822463100059", 16),
        ("3782 822463 10005".to_string(), 17)
    );
}

#[test]
fn the_caret_counts_utf16_units() {
    // "é" is one UTF-16 unit (two bytes), "😀" two units (four bytes).
    assert_eq!(format_with_caret("é4242", 5), ("4242".to_string(), 4));
    assert_eq!(format_with_caret("😀42424", 4), ("4242 4".to_string(), 2));
    assert_eq!(format_with_caret("😀42424", 1), ("4242 4".to_string(), 0));
}

// ---- expiry ---------------------------------------------------------------------

const JUNE_2026: YearMonth = YearMonth {
    year: 2026,
    month: 6,
};
const DEC_2026: YearMonth = YearMonth {
    year: 2026,
    month: 12,
};
const JAN_2027: YearMonth = YearMonth {
    year: 2027,
    month: 1,
};

fn valid(month: u8, year: u16) -> ExpiryCheck {
    ExpiryCheck {
        month: Some(month),
        year: Some(year),
        is_potentially_valid: true,
        is_valid: true,
    }
}

const PARTIAL: ExpiryCheck = ExpiryCheck {
    month: None,
    year: None,
    is_potentially_valid: true,
    is_valid: false,
};

const INVALID: ExpiryCheck = ExpiryCheck {
    month: None,
    year: None,
    is_potentially_valid: false,
    is_valid: false,
};

#[test]
fn year_month_orders_chronologically() {
    assert!(YearMonth::new(2026, 12) < YearMonth::new(2027, 1));
    assert!(YearMonth::new(2027, 2) > YearMonth::new(2027, 1));
    assert_eq!(YearMonth::new(2026, 6), JUNE_2026);
}

#[test]
fn every_expiry_format_is_accepted() {
    let cases = [
        "12/30",
        "12 / 30",
        "12/2030",
        "12 / 2030",
        "1230",
        "122030",
        "12-30",
        "12-2030",
        "12 - 2030",
        "2030-12",
        "12 30",
        "12 2030",
        " 12/30 ",
    ];
    for input in cases {
        assert_eq!(parse_expiry(input, JUNE_2026), valid(12, 2030), "{input:?}");
    }
}

#[test]
fn one_digit_and_zero_padded_months() {
    for input in [
        "1/30", "01/30", "1 / 2030", "0130", "012030", "2030-1", "2030-01",
    ] {
        assert_eq!(parse_expiry(input, JUNE_2026), valid(1, 2030), "{input:?}");
    }
    assert_eq!(parse_expiry("230", JUNE_2026), valid(2, 2030));
    assert_eq!(parse_expiry("9/2031", JUNE_2026), valid(9, 2031));
    // `12030` can only be January 2030: `12/030` is no year.
    assert_eq!(parse_expiry("12030", JUNE_2026), valid(1, 2030));
}

#[test]
fn partial_expiry_input_is_potentially_valid() {
    let cases = [
        "", " ", "0", "1", "2", "9", "12", "12/", "12 /", "12 / ", "12 / 2", "12/2", "12/20",
        "12/203", "122", "1220", "12203", "1/", "2030-", "2030", "20", "01/2",
    ];
    for input in cases {
        assert_eq!(parse_expiry(input, JUNE_2026), PARTIAL, "{input:?}");
    }
}

#[test]
fn impossible_months_are_rejected() {
    for input in [
        "00", "19", "00/30", "13/30", "0/30", "1330", "123/30", "/30", "14/3", "14 3",
    ] {
        assert_eq!(parse_expiry(input, JUNE_2026), INVALID, "{input:?}");
    }
}

#[test]
fn three_digits_read_as_january_when_nothing_else_fits() {
    // Regression: "143" was refused, where common card forms read 1/43.
    assert_eq!(parse_expiry("143", JUNE_2026), valid(1, 2043));
    assert_eq!(parse_expiry("130", JUNE_2026), valid(1, 2030));
    assert_eq!(parse_expiry("127", JUNE_2026), valid(1, 2027));
    // The other readings keep their meaning.
    assert_eq!(parse_expiry("1 43", JUNE_2026), valid(1, 2043));
    assert_eq!(parse_expiry("0143", JUNE_2026), valid(1, 2043));
    assert_eq!(parse_expiry("01/43", JUNE_2026), valid(1, 2043));
    assert_eq!(parse_expiry("1230", JUNE_2026), valid(12, 2030));
    // A valid two-digit month still in progress wins over a past January: "122" may
    // become 12/26-12/29, while 1/22 is over.
    assert_eq!(parse_expiry("122", JUNE_2026), PARTIAL);
    // On the way to 1/43, "14" is unfinished, not wrong.
    assert_eq!(parse_expiry("14", JUNE_2026), PARTIAL);
    assert_eq!(parse_expiry("13", JUNE_2026), PARTIAL);
    // January outside the window is still refused.
    for input in ["125", "146", "150", "19"] {
        assert_eq!(parse_expiry(input, JUNE_2026), INVALID, "{input:?}");
    }
    assert_eq!(parse_expiry("143", YearMonth::new(2044, 1)), INVALID);
}

#[test]
fn impossible_years_are_rejected() {
    let cases = [
        "12/25",   // past, two digits
        "12/2025", // past, four digits
        "12/1",    // neither 201x (past) nor 1xxx
        "12/46",   // more than 19 years ahead
        "12/2046", "12/21", "12/20301", "2025-12", "2046-01", "1225",
    ];
    for input in cases {
        assert_eq!(parse_expiry(input, JUNE_2026), INVALID, "{input:?}");
    }
}

#[test]
fn malformed_expiry_input_is_rejected() {
    for input in [
        "ab/cd",
        "12/3a",
        "12/30/1",
        "12//30",
        "1 2/30",
        "12.30",
        "x",
        "１２/30",
    ] {
        assert_eq!(parse_expiry(input, JUNE_2026), INVALID, "{input:?}");
    }
}

#[test]
fn expiry_is_valid_from_the_current_month() {
    assert_eq!(parse_expiry("06/26", JUNE_2026), valid(6, 2026));
    assert_eq!(parse_expiry("05/26", JUNE_2026), INVALID);
    assert_eq!(parse_expiry("5/2026", JUNE_2026), INVALID);
    assert_eq!(parse_expiry("07/26", JUNE_2026), valid(7, 2026));
}

#[test]
fn expiry_at_the_turn_of_the_year() {
    assert_eq!(parse_expiry("12/26", DEC_2026), valid(12, 2026));
    assert_eq!(parse_expiry("11/26", DEC_2026), INVALID);
    assert_eq!(parse_expiry("01/27", DEC_2026), valid(1, 2027));
    assert_eq!(parse_expiry("1/27", DEC_2026), valid(1, 2027));

    assert_eq!(parse_expiry("12/26", JAN_2027), INVALID);
    assert_eq!(parse_expiry("12/2026", JAN_2027), INVALID);
    assert_eq!(parse_expiry("01/27", JAN_2027), valid(1, 2027));
    assert_eq!(parse_expiry("12/27", JAN_2027), valid(12, 2027));
    // "2" can no longer become 2026 but can become 2027.
    assert_eq!(parse_expiry("12/2", JAN_2027), PARTIAL);
}

#[test]
fn expiry_up_to_nineteen_years_ahead() {
    assert_eq!(EXPIRY_YEARS_AHEAD, 19);
    assert_eq!(parse_expiry("12/45", JUNE_2026), valid(12, 2045));
    assert_eq!(parse_expiry("12/2045", JUNE_2026), valid(12, 2045));
    assert_eq!(parse_expiry("01/2046", JUNE_2026), INVALID);
    assert_eq!(parse_expiry("01/46", JAN_2027), valid(1, 2046));
    // "4" can still become 2040-2045, "5" cannot.
    assert_eq!(parse_expiry("12/4", JUNE_2026), PARTIAL);
    assert_eq!(parse_expiry("12/5", JUNE_2026), INVALID);
}

#[test]
fn twenty_may_still_become_a_four_digit_year() {
    // In 2026, "20" as a two-digit year is past, but 2026-2045 all start with it.
    assert_eq!(parse_expiry("12/20", JUNE_2026), PARTIAL);
    // In 2010, "20" is 2020, which is in range.
    assert_eq!(
        parse_expiry("12/20", YearMonth::new(2010, 1)),
        valid(12, 2020)
    );
}

// ---- CVC ------------------------------------------------------------------------

#[test]
fn cvc_without_a_brand_takes_three_or_four_digits() {
    assert_eq!(check_cvc("", None), field(true, false));
    assert_eq!(check_cvc("1", None), field(true, false));
    assert_eq!(check_cvc("12", None), field(true, false));
    assert_eq!(check_cvc("123", None), field(true, true));
    assert_eq!(check_cvc("1234", None), field(true, true));
    assert_eq!(check_cvc("12345", None), field(false, false));
}

#[test]
fn cvc_follows_the_brand() {
    assert_eq!(check_cvc("123", Some(Amex)), field(true, false));
    assert_eq!(check_cvc("1234", Some(Amex)), field(true, true));
    assert_eq!(check_cvc("12345", Some(Amex)), field(false, false));
    assert_eq!(check_cvc("123", Some(Visa)), field(true, true));
    assert_eq!(check_cvc("1234", Some(Visa)), field(false, false));
    for brand in CardBrand::ALL {
        let len = usize::from(brand.cvc_length());
        assert_eq!(check_cvc(&"7".repeat(len), Some(brand)), field(true, true));
        assert_eq!(
            check_cvc(&"7".repeat(len - 1), Some(brand)),
            field(true, false)
        );
        assert_eq!(
            check_cvc(&"7".repeat(len + 1), Some(brand)),
            field(false, false)
        );
    }
}

#[test]
fn cvc_must_be_digits() {
    for input in ["12a", "a", " 123", "123 ", "1-23", "١٢٣"] {
        assert_eq!(check_cvc(input, None), field(false, false), "{input:?}");
        assert_eq!(
            check_cvc(input, Some(Visa)),
            field(false, false),
            "{input:?}"
        );
    }
}
