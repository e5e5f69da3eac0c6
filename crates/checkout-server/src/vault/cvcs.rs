//! The CVCs the vault holds: in memory only, never at rest (PCI DSS 3.3.1), each under
//! the token it came with (`card_tok_…` or `cvc_tok_…`), until its first use or its
//! expiry (15 minutes), whichever comes first. A used or expired entry keeps no CVC;
//! its id stays until the expiry so that a second use is told apart from a wrong id.
//! Nothing here is logged, and `Debug` shows only how many CVCs are held.

use payment_core::secret::Cvc;
use std::collections::HashMap;
use std::sync::Mutex;

struct Held {
    /// `None` once used.
    cvc: Option<Cvc>,
    expires_at: i64,
}

/// What taking a CVC found.
#[derive(Debug)]
pub enum Taken {
    /// The CVC, now gone from memory.
    Cvc(Cvc),
    /// It was taken before.
    Used,
    /// It expired (and is gone).
    Expired,
    /// No such token (or one forgotten after its expiry).
    Unknown,
}

/// CVCs by token id.
#[derive(Default)]
pub struct CvcMemory {
    held: Mutex<HashMap<String, Held>>,
}

impl std::fmt::Debug for CvcMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CvcMemory")
            .field("held", &self.held())
            .finish()
    }
}

impl CvcMemory {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Holds `cvc` for `token` until `expires_at` (Unix seconds).
    pub fn hold(&self, token: &str, cvc: Cvc, expires_at: i64) {
        self.lock().insert(
            token.to_owned(),
            Held {
                cvc: Some(cvc),
                expires_at,
            },
        );
    }

    /// Takes the CVC of `token`: it is gone from memory afterwards, whatever the answer.
    pub fn take(&self, token: &str, now: i64) -> Taken {
        let mut held = self.lock();
        let Some(entry) = held.get_mut(token) else {
            return Taken::Unknown;
        };
        let cvc = entry.cvc.take();
        if now >= entry.expires_at {
            held.remove(token);
            return Taken::Expired;
        }
        cvc.map_or(Taken::Used, Taken::Cvc)
    }

    /// Drops every entry whose time is up (the background pass); returns how many CVCs
    /// were dropped.
    pub fn purge(&self, now: i64) -> usize {
        let mut held = self.lock();
        let before = held.values().filter(|h| h.cvc.is_some()).count();
        held.retain(|_, h| now < h.expires_at);
        before - held.values().filter(|h| h.cvc.is_some()).count()
    }

    /// How many CVCs are in memory now.
    pub fn held(&self) -> usize {
        self.lock().values().filter(|h| h.cvc.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cvc_is_taken_once_and_expires() {
        let memory = CvcMemory::default();
        memory.hold("cvc_tok_a", Cvc::new("123"), 100);
        memory.hold("cvc_tok_b", Cvc::new("456"), 100);
        assert_eq!(memory.held(), 2);
        assert!(matches!(memory.take("cvc_tok_a", 50), Taken::Cvc(c) if c.expose() == "123"));
        assert!(matches!(memory.take("cvc_tok_a", 51), Taken::Used));
        assert!(matches!(memory.take("cvc_tok_x", 51), Taken::Unknown));
        assert_eq!(memory.held(), 1);
        assert!(matches!(memory.take("cvc_tok_b", 100), Taken::Expired));
        assert_eq!(memory.held(), 0);
        assert!(!format!("{memory:?}").contains("456"));
    }

    #[test]
    fn the_background_pass_drops_what_expired() {
        let memory = CvcMemory::default();
        memory.hold("card_tok_a", Cvc::new("123"), 100);
        memory.hold("card_tok_b", Cvc::new("456"), 200);
        assert_eq!(memory.purge(99), 0);
        assert_eq!(memory.purge(100), 1);
        assert_eq!(memory.held(), 1);
        assert!(matches!(memory.take("card_tok_a", 101), Taken::Unknown));
    }
}
