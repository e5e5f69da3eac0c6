//! Random ids and secrets: `pi_…`, `ctoken_…`, and `pi_…_secret_…` client secrets.

use rand::distributions::Alphanumeric;
use rand::Rng;

/// A new id with Stripe's prefix style: `pi_3MtwBwLkdIwHu7ix28a3tqPa`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random(24))
}

/// A client secret for an object: `<id>_secret_<random>`.
pub fn new_secret(id: &str) -> String {
    format!("{id}_secret_{}", random(24))
}

fn random(len: usize) -> String {
    // thread_rng is a CSPRNG seeded from the OS.
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
