//! Time as the server sees it. Everything that expires or settles later (tokens,
//! sessions, idempotency keys, SEPA debits, webhook retries, signature tolerance) reads
//! this clock, so tests move time forward instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in seconds.
pub trait Clock: Send + Sync + 'static {
    /// Seconds since the Unix epoch.
    fn now(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// A clock that only moves when told to: for tests.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// Starts at `now`.
    pub fn new(now: i64) -> Self {
        Self(AtomicI64::new(now))
    }

    /// Moves forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    /// Jumps to `now`.
    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The calendar (year, month) of a Unix time, in UTC: card expiry is judged by month.
pub fn year_month(unix: i64) -> (i64, u8) {
    // Days to civil date, after Howard Hinnant's public-domain `civil_from_days`.
    let days = unix.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_matches_known_dates() {
        assert_eq!(year_month(0), (1970, 1));
        // 2026-11-28T12:00:00Z
        assert_eq!(year_month(1_795_867_200), (2026, 11));
        // 2024-02-29T23:59:59Z, a leap day
        assert_eq!(year_month(1_709_251_199), (2024, 2));
        assert_eq!(year_month(1_709_251_200), (2024, 3));
    }
}
