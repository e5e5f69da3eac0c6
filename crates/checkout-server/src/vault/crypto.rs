//! The vault's key and what it does: AES-256-GCM sealing of a card's PAN and expiry (a
//! random 96-bit nonce per record, the record's id as associated data, so a ciphertext
//! moved to another row does not open), and the keyed fingerprint of a PAN.
//!
//! One 32-byte key lives in the key file (`--vault-key-file`); the encryption key, the
//! fingerprint key and the check value the database keeps are each derived from it with
//! HMAC-SHA256 under their own label, so none of them reveals another.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The length of a nonce, in bytes (96 bits, as GCM wants).
pub const NONCE_LEN: usize = 12;

/// The vault's key, with the keys derived from it. `Debug` shows none of them.
#[derive(Clone)]
pub struct VaultKey {
    cipher: Aes256Gcm,
    fingerprint_key: [u8; 32],
    check: String,
}

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey(…)")
    }
}

fn derive(key: &[u8], label: &str) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

/// A sealed record: the nonce and the ciphertext (with its 16-byte tag).
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Random, one per record.
    pub nonce: Vec<u8>,
    /// AES-256-GCM output.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealed(…)")
    }
}

/// What a card record seals: the PAN (digits only) and its expiry. `Debug` redacts.
#[derive(Clone, PartialEq, Eq)]
pub struct CardSecret {
    /// The PAN, digits only.
    pub pan: String,
    /// 1–12.
    pub exp_month: u8,
    /// Four digits.
    pub exp_year: u16,
}

impl std::fmt::Debug for CardSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardSecret(…)")
    }
}

impl CardSecret {
    /// The sealed form's plaintext: `pan:MM:YYYY`.
    fn to_bytes(&self) -> Vec<u8> {
        format!("{}:{:02}:{}", self.pan, self.exp_month, self.exp_year).into_bytes()
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut parts = text.split(':');
        let pan = parts.next()?.to_owned();
        let exp_month = parts.next()?.parse().ok()?;
        let exp_year = parts.next()?.parse().ok()?;
        if parts.next().is_some() || pan.is_empty() || !pan.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Self {
            pan,
            exp_month,
            exp_year,
        })
    }
}

impl VaultKey {
    /// The key from the key file's bytes.
    pub fn from_bytes(key: &[u8]) -> Self {
        let encryption = derive(key, "card encryption v1");
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&encryption)),
            fingerprint_key: derive(key, "card fingerprint v1"),
            check: hex::encode(&derive(key, "vault key check v1")[..16]),
        }
    }

    /// A value the database keeps to recognise its key: a key file holding another key
    /// is refused rather than used (it would open none of the records). It tells nothing
    /// about the key.
    pub fn check_value(&self) -> &str {
        &self.check
    }

    /// Seals bytes for the record `record_id`.
    pub fn seal(&self, record_id: &str, plaintext: &[u8]) -> Sealed {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: record_id.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any message this size");
        Sealed {
            nonce: nonce.to_vec(),
            ciphertext,
        }
    }

    /// Opens what [`Self::seal`] sealed for `record_id`; `None` with another key, another
    /// record id or altered bytes.
    pub fn open(&self, record_id: &str, sealed: &Sealed) -> Option<Vec<u8>> {
        if sealed.nonce.len() != NONCE_LEN {
            return None;
        }
        self.cipher
            .decrypt(
                Nonce::from_slice(&sealed.nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: record_id.as_bytes(),
                },
            )
            .ok()
    }

    /// Seals a card's PAN and expiry for the record `record_id`.
    pub fn seal_card(&self, record_id: &str, card: &CardSecret) -> Sealed {
        self.seal(record_id, &card.to_bytes())
    }

    /// Opens a card record.
    pub fn open_card(&self, record_id: &str, sealed: &Sealed) -> Option<CardSecret> {
        CardSecret::from_bytes(&self.open(record_id, sealed)?)
    }

    /// The card's fingerprint: the same PAN gives the same value under one key, and
    /// without the key it cannot be tested against guesses.
    pub fn fingerprint(&self, pan_digits: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.fingerprint_key)
            .expect("HMAC takes keys of any length");
        mac.update(b"card:");
        mac.update(pan_digits.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> CardSecret {
        CardSecret {
            pan: "4242424242424242".to_owned(),
            exp_month: 3,
            exp_year: 2031,
        }
    }

    #[test]
    fn a_sealed_card_opens_with_its_key_and_record_only() {
        let key = VaultKey::from_bytes(&[7; 32]);
        let sealed = key.seal_card("vc_1", &card());
        assert_eq!(sealed.nonce.len(), NONCE_LEN);
        assert_eq!(key.open_card("vc_1", &sealed), Some(card()));
        assert_eq!(key.open_card("vc_2", &sealed), None, "another record");
        let other = VaultKey::from_bytes(&[8; 32]);
        assert_eq!(other.open_card("vc_1", &sealed), None, "another key");
        let mut altered = sealed.clone();
        altered.ciphertext[0] ^= 1;
        assert_eq!(key.open_card("vc_1", &altered), None, "altered bytes");
    }

    #[test]
    fn every_record_gets_its_own_nonce() {
        let key = VaultKey::from_bytes(&[7; 32]);
        let first = key.seal_card("vc_1", &card());
        let second = key.seal_card("vc_1", &card());
        assert_ne!(first.nonce, second.nonce);
        assert_ne!(first.ciphertext, second.ciphertext);
    }

    #[test]
    fn fingerprints_depend_on_the_key_and_debug_shows_nothing() {
        let key = VaultKey::from_bytes(&[7; 32]);
        let again = VaultKey::from_bytes(&[7; 32]);
        let other = VaultKey::from_bytes(&[8; 32]);
        assert_eq!(
            key.fingerprint("4242424242424242"),
            again.fingerprint("4242424242424242")
        );
        assert_ne!(
            key.fingerprint("4242424242424242"),
            other.fingerprint("4242424242424242")
        );
        assert_ne!(key.check_value(), other.check_value());
        assert_eq!(format!("{:?}", card()), "CardSecret(…)");
        assert_eq!(format!("{key:?}"), "VaultKey(…)");
    }
}
