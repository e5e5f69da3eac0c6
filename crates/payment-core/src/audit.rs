//! Finding card data where it must never be: the documented test card numbers (in any
//! grouping) and a CVC written beside its name. The server's test mode audits every
//! storefront request body and database row with it, and the end-to-end suite every log
//! line, so a change that lets a card through to the storefront fails the suite.
//!
//! Only the test numbers, not any number that passes Luhn: random ids and hex
//! fingerprints hold digit runs that pass it by chance, and the suite must not fail on
//! luck (nor pass on it).

/// Every card number DESIGN.md documents for the test-mode processor, and Stripe's
/// other test numbers the suite types (the 14-digit Diners card, two debit cards).
pub const TEST_CARD_NUMBERS: &[&str] = &[
    "4242424242424242",
    "5555555555554444",
    "378282246310005",
    "6011111111111117",
    "3056930009020004",
    "30569309020004",
    "4000056655665556",
    "5200828282828210",
    "3566002020360505",
    "6200000000000005",
    "4000002500003155",
    "4000002760003184",
    "4000000000003220",
    "4000008400001629",
    "4000000000000002",
    "4000000000009995",
    "4000000000009987",
    "4000000000009979",
    "4000000000000069",
    "4000000000000127",
    "4000000000000119",
    "4000000000006975",
    "4242424242424241",
];

/// What card data `text` holds, described without repeating it (`None`: none).
pub fn card_data_in(text: &str) -> Option<String> {
    // Separators between digits go, so `4242 4242 4242 4242` and `4242-…` are found.
    let bytes = text.as_bytes();
    let mut squeezed = String::with_capacity(text.len());
    for (i, &b) in bytes.iter().enumerate() {
        let between_digits = (b == b' ' || b == b'-')
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !between_digits {
            squeezed.push(b as char);
        }
    }
    if let Some(pan) = TEST_CARD_NUMBERS.iter().find(|pan| squeezed.contains(*pan)) {
        return Some(["the card number …", &pan[pan.len() - 4..]].concat());
    }
    cvc_with_value(text).then(|| "a CVC beside its name".to_owned())
}

/// `cvc` (any case) followed by `"`, `:`, `=` or spaces and then 3 or 4 digits and no
/// more: `"cvc":"123"`, `cvc=123`, `CVC: 1234`.
fn cvc_with_value(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(at) = lower[from..].find("cvc") {
        let mut i = from + at + 3;
        let start = i;
        while i < bytes.len() && matches!(bytes[i], b'"' | b':' | b'=' | b' ' | b'\'') {
            i += 1;
        }
        let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if i > start && (3..=4).contains(&digits) {
            return true;
        }
        from = from + at + 3;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_numbers_are_found_in_any_grouping_and_not_repeated() {
        for text in [
            r#"{"number":"4242424242424242"}"#,
            "card 4242 4242 4242 4242 typed",
            "3782-822463-10005",
            "number=4000000000003220&x=1",
            // DESIGN.md's Diners Club card, 16 digits.
            "3056 9300 0902 0004",
        ] {
            let found = card_data_in(text).unwrap();
            assert!(found.starts_with("the card number …"), "{text}");
            assert!(!found.contains("42424242"), "{found}");
        }
        assert_eq!(card_data_in(r#"{"token":"card_tok_4242"}"#), None);
        // Ids, timestamps and fingerprints are not card numbers.
        assert_eq!(
            card_data_in("pi_3MtwBw 1795000000 9f86d081884c7d65 last4=4242 exp 12/2034"),
            None
        );
    }

    #[test]
    fn a_cvc_is_found_beside_its_name_only() {
        for text in [
            r#"{"cvc":"123"}"#,
            r#"{"cvc": "1234"}"#,
            "cvc=999",
            "CVC: 123",
        ] {
            assert!(card_data_in(text).is_some(), "{text}");
        }
        for text in [
            r#"{"cvc_token":"cvc_tok_123"}"#,
            "cvc_check=pass",
            "cvc=12345",
            "the cvc field",
            "millis=123",
        ] {
            assert_eq!(card_data_in(text), None, "{text}");
        }
    }
}
