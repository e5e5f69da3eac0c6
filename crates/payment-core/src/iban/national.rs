//! The national check digits and keys that banks verify inside a BBAN, on top of the
//! IBAN's own mod 97. Mod 97 catches every single wrong character and every swap of
//! neighbours, but not all of the typos that reach a checkout: digits swapped further
//! apart, or a mistyped account number that a calculator then turned into an IBAN with
//! fresh check digits. The bank's national rule refuses those.
//!
//! Each rule is checked against the registry's example IBAN of its countries (all of
//! them nationally valid) in this crate's tests.

/// A national rule, named after it. Positions are BBAN positions; the country's BBAN
/// structure guarantees digits there, except where a rule says how it reads letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NationalCheck {
    /// Belgium: the last two digits are the first ten mod 97, or 97 when that is 0.
    Belgium,
    /// France and Monaco: the RIB key ("clé RIB") in the last two digits is
    /// 97 − (89 × bank + 15 × branch + 3 × account) mod 97, with the letters of the
    /// account read as the RIB table does: A, J → 1; B, K, S → 2; … I, R, Z → 9.
    RibKey,
    /// Spain: the CCC's two control digits ("dígitos de control") after bank and
    /// branch. Each is 11 − (sum mod 11) with the weights 1, 2, 4, 8, 5, 10, 9, 7, 3, 6
    /// (11 counts as 0, 10 as 1): the first over `00`, bank and branch, the second over
    /// the ten-digit account.
    Spain,
    /// Norway: the last digit is 11 − (sum mod 11) over the ten before it, weights
    /// 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 ("MOD11"); 11 counts as 0, and an account that
    /// would need a 10 is never issued.
    Norway,
    /// Poland: the eighth digit of the sort code ("numer rozliczeniowy") checks the
    /// seven before it: (10 − sum mod 10) mod 10 with the weights 3, 9, 7, 1 repeating.
    Poland,
    /// Czechia and Slovakia: the prefix ("předčíslí", six digits) and the account number
    /// (ten digits) each sum to 0 mod 11 with the weights 6, 3, 7, 9, 10, 5, 8, 4, 2, 1
    /// (the prefix takes the last six).
    CzechSlovak,
    /// Estonia: the 7-3-1 method. The last digit of the account is (10 − sum mod 10)
    /// mod 10 over the digits before it, weighted 7, 3, 1 repeating from the right.
    Estonia,
    /// Hungary: bank and branch (seven digits) and the account (fifteen) each end in a
    /// check digit, so that the sum with the weights 9, 7, 3, 1 repeating, check digit
    /// included, is 0 mod 10.
    Hungary,
    /// Croatia: ISO 7064 MOD 11,10 on the seven-digit bank code and on the ten-digit
    /// account number, each ending in its check digit.
    Croatia,
    /// Portugal's NIB, and the BBANs of Slovenia, Bosnia and Herzegovina, Montenegro,
    /// North Macedonia and Serbia: ISO 7064 MOD 97-10 over the BBAN, whose last two
    /// digits are 98 − (the rest × 100 mod 97). Letters (possible in North Macedonia's
    /// account) count as 10 (A) to 35 (Z), as in the IBAN's own check.
    Mod97,
}

impl NationalCheck {
    /// The BBAN length the rule's positions are written for, or `None` for a rule that
    /// reads the whole BBAN whatever its length.
    pub(super) const fn bban_length(self) -> Option<usize> {
        match self {
            NationalCheck::Belgium => Some(12),
            NationalCheck::RibKey => Some(23),
            NationalCheck::Spain => Some(20),
            NationalCheck::Norway => Some(11),
            NationalCheck::Poland | NationalCheck::Hungary => Some(24),
            NationalCheck::CzechSlovak => Some(20),
            NationalCheck::Estonia => Some(16),
            NationalCheck::Croatia => Some(17),
            NationalCheck::Mod97 => None,
        }
    }

    /// Whether `bban` (upper case, already of the country's structure) passes.
    pub(super) fn passes(self, bban: &[u8]) -> bool {
        let digit = |i: usize| u32::from(bban[i] - b'0');
        match self {
            NationalCheck::Belgium => {
                let rest = remainder_97(bban[..10].iter().copied());
                (if rest == 0 { 97 } else { rest }) == number(&bban[10..])
            }
            NationalCheck::RibKey => {
                let bank = remainder_97(bban[..5].iter().copied());
                let branch = remainder_97(bban[5..10].iter().copied());
                let account = remainder_97(bban[10..21].iter().map(|&b| rib_digit(b)));
                97 - (89 * bank + 15 * branch + 3 * account) % 97 == number(&bban[21..])
            }
            NationalCheck::Spain => {
                const WEIGHTS: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
                let control = |sum: u32| match 11 - sum % 11 {
                    11 => 0,
                    10 => 1,
                    d => d,
                };
                // The leading `00` weigh nothing, so bank and branch take weights 3..10.
                control(weighted(bban[..8].iter(), &WEIGHTS[2..])) == digit(8)
                    && control(weighted(bban[10..].iter(), &WEIGHTS)) == digit(9)
            }
            NationalCheck::Norway => {
                let rest = weighted(bban[..10].iter(), &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
                rest != 1 && (11 - rest) % 11 == digit(10)
            }
            NationalCheck::Poland => {
                (10 - weighted(bban[..7].iter(), &[3, 9, 7, 1]) % 10) % 10 == digit(7)
            }
            NationalCheck::CzechSlovak => {
                const WEIGHTS: [u32; 10] = [6, 3, 7, 9, 10, 5, 8, 4, 2, 1];
                weighted(bban[4..10].iter(), &WEIGHTS[4..]) % 11 == 0
                    && weighted(bban[10..].iter(), &WEIGHTS) % 11 == 0
            }
            NationalCheck::Estonia => {
                (10 - weighted(bban[2..15].iter().rev(), &[7, 3, 1]) % 10) % 10 == digit(15)
            }
            NationalCheck::Hungary => {
                const WEIGHTS: [u32; 4] = [9, 7, 3, 1];
                weighted(bban[..8].iter(), &WEIGHTS) % 10 == 0
                    && weighted(bban[8..].iter(), &WEIGHTS) % 10 == 0
            }
            NationalCheck::Croatia => mod_11_10(&bban[..7]) && mod_11_10(&bban[7..]),
            NationalCheck::Mod97 => {
                let (body, check) = bban.split_at(bban.len() - 2);
                98 - remainder_97(body.iter().copied().chain(*b"00")) == number(check)
            }
        }
    }
}

/// The remainder mod 97 of the digits read as one number, letters counting as the two
/// digits 10 (A) to 35 (Z) as ISO 7064 reads them. The remainder is carried after each
/// character, so no number wider than a `u32` is formed.
pub(super) fn remainder_97(bytes: impl Iterator<Item = u8>) -> u32 {
    bytes.fold(0, |rest, byte| {
        if byte.is_ascii_digit() {
            (rest * 10 + u32::from(byte - b'0')) % 97
        } else {
            (rest * 100 + u32::from(byte - b'A') + 10) % 97
        }
    })
}

/// A digit, or the digit the RIB table gives a letter: the letters in rows of nine
/// from A, with S (not R) starting the third row at 2.
fn rib_digit(byte: u8) -> u8 {
    match byte {
        b'A'..=b'R' => b'1' + (byte - b'A') % 9,
        b'S'..=b'Z' => b'2' + (byte - b'S'),
        _ => byte,
    }
}

/// The sum of the digits times the weights, repeated as often as needed.
fn weighted<'a>(digits: impl Iterator<Item = &'a u8>, weights: &[u32]) -> u32 {
    digits
        .zip(weights.iter().cycle())
        .map(|(&d, w)| u32::from(d - b'0') * w)
        .sum()
}

/// The value of a short run of digits.
fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |value, &d| value * 10 + u32::from(d - b'0'))
}

/// ISO 7064 MOD 11,10 over `digits`, the last of which is the check digit.
fn mod_11_10(digits: &[u8]) -> bool {
    let mut product = 10;
    let mut sum = 0;
    for &d in digits {
        sum = (product + u32::from(d - b'0')) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = sum * 2 % 11;
    }
    sum == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rib_table_reads_letters_in_rows_of_nine() {
        let read: String = (b'A'..=b'Z').map(|b| char::from(rib_digit(b))).collect();
        assert_eq!(read, "12345678912345678923456789");
        assert_eq!(rib_digit(b'7'), b'7');
    }

    #[test]
    fn mod_11_10_matches_croatian_bank_codes() {
        // 2340009 and 2360000 are bank codes in use; their last digit is the check.
        assert!(mod_11_10(b"2340009"));
        assert!(mod_11_10(b"2360000"));
        assert!(!mod_11_10(b"2340008"));
    }

    #[test]
    fn weights_repeat() {
        assert_eq!(weighted(b"1111".iter(), &[9, 7]), 32);
        assert_eq!(number(b"097"), 97);
    }
}
