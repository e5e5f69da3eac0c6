//! Stripe's two secrets: the API secret key (`sk_…`, or a restricted `rk_…`) that
//! authorises every call, and the webhook endpoint's signing secret (`whsec_…`).
//!
//! Both are newtypes whose `Debug` shows only the kind of key, never a character of it,
//! and neither has `Display`: a log line or a panic message cannot leak them. A missing
//! or malformed variable is a start-up error that names the variable, never its value.

use std::fmt;

/// The environment variable holding the API secret key.
pub const SECRET_KEY_VAR: &str = "STRIPE_SECRET_KEY";

/// The environment variable holding the webhook endpoint's signing secret.
pub const WEBHOOK_SECRET_VAR: &str = "STRIPE_WEBHOOK_SECRET";

/// Stripe's API secret key. `Debug` shows whether it is a test or live key, nothing else.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a key; [`StripeKeys::from_lookup`] is where keys are checked.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw key, for the one place that builds the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A test-mode key (`sk_test_…`, `rk_test_…`): Stripe's test PaymentMethods
    /// (`pm_card_visa`…) work only with these.
    pub fn is_test_mode(&self) -> bool {
        self.0.starts_with("sk_test_") || self.0.starts_with("rk_test_")
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.is_test_mode() { "test" } else { "live" };
        write!(f, "SecretKey({mode}, redacted)")
    }
}

/// The signing secret of a webhook endpoint (`whsec_…`).
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw secret, the HMAC key. Stripe keys the HMAC with the whole string,
    /// `whsec_` prefix included.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(redacted)")
    }
}

/// Why the keys could not be read. Messages name the variable, never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The variable is unset or empty.
    #[error("{variable} is not set; the Stripe processor needs it")]
    Missing {
        /// The environment variable.
        variable: &'static str,
    },
    /// The variable holds some other kind of key (a publishable `pk_…` key where the
    /// secret key belongs is the usual slip).
    #[error("{variable} does not look like a Stripe key of the right kind (expected {expected}…)")]
    WrongKind {
        /// The environment variable.
        variable: &'static str,
        /// The prefixes a valid value starts with.
        expected: &'static str,
    },
}

/// The Stripe adapter's secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeKeys {
    /// The API secret key.
    pub secret_key: SecretKey,
    /// The webhook endpoint's signing secret.
    pub webhook_secret: WebhookSecret,
}

impl StripeKeys {
    /// Reads `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` from the environment.
    pub fn from_env() -> Result<Self, KeyError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the keys through `lookup` (the environment, flags, or a test's map), so
    /// the checks are tested without touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, KeyError> {
        let read = |variable: &'static str, prefixes: &[&str], expected: &'static str| {
            let value = lookup(variable)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
                .ok_or(KeyError::Missing { variable })?;
            if prefixes.iter().any(|prefix| value.starts_with(prefix)) {
                Ok(value)
            } else {
                Err(KeyError::WrongKind { variable, expected })
            }
        };
        let secret_key = read(SECRET_KEY_VAR, &["sk_", "rk_"], "sk_ or rk_")?;
        let webhook_secret = read(WEBHOOK_SECRET_VAR, &["whsec_"], "whsec_")?;
        Ok(Self {
            secret_key: SecretKey(secret_key),
            webhook_secret: WebhookSecret(webhook_secret),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "sk_test_51Hsecretvalue0123456789";
    const WHSEC: &str = "whsec_signingsecret0123456789";

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn both_keys_are_read() {
        let keys = StripeKeys::from_lookup(lookup(&[
            (SECRET_KEY_VAR, SECRET),
            (WEBHOOK_SECRET_VAR, WHSEC),
        ]))
        .unwrap();
        assert_eq!(keys.secret_key.expose(), SECRET);
        assert_eq!(keys.webhook_secret.expose(), WHSEC);
        assert!(keys.secret_key.is_test_mode());
    }

    #[test]
    fn a_missing_key_names_its_variable() {
        let err = StripeKeys::from_lookup(lookup(&[(WEBHOOK_SECRET_VAR, WHSEC)])).unwrap_err();
        assert_eq!(
            err,
            KeyError::Missing {
                variable: "STRIPE_SECRET_KEY"
            }
        );
        assert_eq!(
            err.to_string(),
            "STRIPE_SECRET_KEY is not set; the Stripe processor needs it"
        );
        let err = StripeKeys::from_lookup(lookup(&[
            (SECRET_KEY_VAR, SECRET),
            (WEBHOOK_SECRET_VAR, "  "),
        ]))
        .unwrap_err();
        assert_eq!(
            err,
            KeyError::Missing {
                variable: "STRIPE_WEBHOOK_SECRET"
            }
        );
    }

    #[test]
    fn a_publishable_key_is_refused_without_echoing_it() {
        let err = StripeKeys::from_lookup(lookup(&[
            (SECRET_KEY_VAR, "pk_test_publishable123"),
            (WEBHOOK_SECRET_VAR, WHSEC),
        ]))
        .unwrap_err();
        assert_eq!(
            err,
            KeyError::WrongKind {
                variable: "STRIPE_SECRET_KEY",
                expected: "sk_ or rk_"
            }
        );
        assert!(!err.to_string().contains("publishable123"));
    }

    #[test]
    fn debug_never_shows_either_secret() {
        let keys = StripeKeys {
            secret_key: SecretKey::new(SECRET),
            webhook_secret: WebhookSecret::new(WHSEC),
        };
        let shown = format!("{keys:?} {keys:#?}");
        assert!(!shown.contains("51Hsecretvalue"), "{shown}");
        assert!(!shown.contains("signingsecret"), "{shown}");
        assert!(shown.contains("SecretKey(test, redacted)"), "{shown}");
        assert!(shown.contains("WebhookSecret(redacted)"), "{shown}");
        assert_eq!(
            format!("{:?}", SecretKey::new("sk_live_abc")),
            "SecretKey(live, redacted)"
        );
    }
}
