//! Xendit's two secrets: the API secret key (`xnd_development_…` or
//! `xnd_production_…`) that authorises every call as the Basic-auth username, and the
//! webhook verification token Xendit sends back in every delivery's `x-callback-token`.
//!
//! Both are newtypes whose `Debug` shows only the kind of key, never a character of it,
//! and neither has `Display`: a log line or a panic message cannot leak them. A missing
//! or malformed variable is a start-up error that names the variable, never its value.

use std::fmt;

/// The environment variable holding the API secret key.
pub const SECRET_KEY_VAR: &str = "XENDIT_SECRET_KEY";

/// The environment variable holding the webhook verification token.
pub const CALLBACK_TOKEN_VAR: &str = "XENDIT_CALLBACK_TOKEN";

/// The prefix of a test-mode secret key (Xendit's "development" environment).
const DEVELOPMENT_PREFIX: &str = "xnd_development_";

/// The prefix of a live secret key.
const PRODUCTION_PREFIX: &str = "xnd_production_";

/// Xendit's API secret key. `Debug` shows whether it is a development or production
/// key, nothing else.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps a key; [`XenditKeys::from_lookup`] is where keys are checked.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw key, for the one place that builds the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A development (test-mode) key: payments are simulated, nothing moves.
    pub fn is_test_mode(&self) -> bool {
        self.0.starts_with(DEVELOPMENT_PREFIX)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.is_test_mode() {
            "development"
        } else {
            "production"
        };
        write!(f, "SecretKey({mode}, redacted)")
    }
}

/// The webhook verification token from the Dashboard's webhook settings. Xendit sends
/// it verbatim in `x-callback-token`; it has no documented format.
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackToken(String);

impl CallbackToken {
    /// Wraps a token.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw token, for the constant-time comparison in `webhook.rs`.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CallbackToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackToken(redacted)")
    }
}

/// Why the keys could not be read. Messages name the variable, never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The variable is unset or empty.
    #[error("{variable} is not set; the Xendit processor needs it")]
    Missing {
        /// The environment variable.
        variable: &'static str,
    },
    /// The variable holds something else (a public `xnd_public_…` key where the secret
    /// key belongs is the usual slip), or a bare prefix with no key after it.
    #[error("{variable} does not look like a Xendit key of the right kind (expected {expected}…)")]
    WrongKind {
        /// The environment variable.
        variable: &'static str,
        /// The prefixes a valid value starts with.
        expected: &'static str,
    },
}

/// The Xendit adapter's secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XenditKeys {
    /// The API secret key.
    pub secret_key: SecretKey,
    /// The webhook verification token.
    pub callback_token: CallbackToken,
}

impl XenditKeys {
    /// Reads `XENDIT_SECRET_KEY` and `XENDIT_CALLBACK_TOKEN` from the environment.
    pub fn from_env() -> Result<Self, KeyError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the keys through `lookup` (the environment, flags, or a test's map), so
    /// the checks are tested without touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, KeyError> {
        let read = |variable: &'static str| {
            lookup(variable)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
                .ok_or(KeyError::Missing { variable })
        };
        let secret_key = read(SECRET_KEY_VAR)?;
        let has_key_after = |prefix: &str| {
            secret_key
                .strip_prefix(prefix)
                .is_some_and(|rest| !rest.is_empty())
        };
        if !(has_key_after(DEVELOPMENT_PREFIX) || has_key_after(PRODUCTION_PREFIX)) {
            return Err(KeyError::WrongKind {
                variable: SECRET_KEY_VAR,
                expected: "xnd_development_ or xnd_production_",
            });
        }
        let callback_token = read(CALLBACK_TOKEN_VAR)?;
        Ok(Self {
            secret_key: SecretKey(secret_key),
            callback_token: CallbackToken(callback_token),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "xnd_development_P4qDfOss0OCpl8RtKrROHjaQYNCk9dN5lSfk";
    const TOKEN: &str = "Kx7callbacktoken0123456789";

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn both_keys_are_read() {
        let keys = XenditKeys::from_lookup(lookup(&[
            (SECRET_KEY_VAR, SECRET),
            (CALLBACK_TOKEN_VAR, TOKEN),
        ]))
        .unwrap();
        assert_eq!(keys.secret_key.expose(), SECRET);
        assert_eq!(keys.callback_token.expose(), TOKEN);
        assert!(keys.secret_key.is_test_mode());
        let live = XenditKeys::from_lookup(lookup(&[
            (SECRET_KEY_VAR, " xnd_production_abc "),
            (CALLBACK_TOKEN_VAR, TOKEN),
        ]))
        .unwrap();
        assert_eq!(live.secret_key.expose(), "xnd_production_abc");
        assert!(!live.secret_key.is_test_mode());
    }

    #[test]
    fn a_missing_key_names_its_variable() {
        let err = XenditKeys::from_lookup(lookup(&[(CALLBACK_TOKEN_VAR, TOKEN)])).unwrap_err();
        assert_eq!(
            err,
            KeyError::Missing {
                variable: "XENDIT_SECRET_KEY"
            }
        );
        assert_eq!(
            err.to_string(),
            "XENDIT_SECRET_KEY is not set; the Xendit processor needs it"
        );
        let err = XenditKeys::from_lookup(lookup(&[
            (SECRET_KEY_VAR, SECRET),
            (CALLBACK_TOKEN_VAR, " "),
        ]))
        .unwrap_err();
        assert_eq!(
            err,
            KeyError::Missing {
                variable: "XENDIT_CALLBACK_TOKEN"
            }
        );
    }

    #[test]
    fn a_public_key_or_a_bare_prefix_is_refused_without_echoing_it() {
        for wrong in [
            "xnd_public_development_publishable123",
            "xnd_development_",
            "sk_test_123",
        ] {
            let err = XenditKeys::from_lookup(lookup(&[
                (SECRET_KEY_VAR, wrong),
                (CALLBACK_TOKEN_VAR, TOKEN),
            ]))
            .unwrap_err();
            assert_eq!(
                err,
                KeyError::WrongKind {
                    variable: "XENDIT_SECRET_KEY",
                    expected: "xnd_development_ or xnd_production_"
                },
                "{wrong}"
            );
            assert!(!err.to_string().contains("publishable123"));
        }
    }

    #[test]
    fn debug_never_shows_either_secret() {
        let keys = XenditKeys {
            secret_key: SecretKey::new(SECRET),
            callback_token: CallbackToken::new(TOKEN),
        };
        let shown = format!("{keys:?} {keys:#?}");
        assert!(!shown.contains("P4qDfOss"), "{shown}");
        assert!(!shown.contains("callbacktoken"), "{shown}");
        assert!(
            shown.contains("SecretKey(development, redacted)"),
            "{shown}"
        );
        assert!(shown.contains("CallbackToken(redacted)"), "{shown}");
        assert_eq!(
            format!("{:?}", SecretKey::new("xnd_production_abc")),
            "SecretKey(production, redacted)"
        );
    }
}
