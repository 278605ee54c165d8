//! Retry timing shared by every network adapter: bounded attempts, exponential backoff with full
//! jitter, and waits that a server's rate-limit reset overrides.
//!
//! Pure arithmetic: the adapter sleeps, this decides for how long.

use std::time::Duration;

/// When to try again after a transient failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The backoff ceiling before jitter for the first retry; doubled for each later one.
    pub base_delay: Duration,
    /// The largest backoff ceiling.
    pub max_delay: Duration,
    /// The longest rate-limit wait honoured; a server asking for more fails the call instead,
    /// so a step never blocks past its slot.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_rate_limit_wait: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// A policy with no waiting, for tests: same attempts, zero delays.
    pub fn immediate(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            max_rate_limit_wait: Duration::from_secs(120),
        }
    }

    /// Whether attempt number `attempt` (1-based, just failed) may be followed by another.
    pub fn may_retry(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }

    /// The wait after failed attempt `attempt` (1-based): uniform in `[0, ceiling]` where the
    /// ceiling is `base × 2^(attempt−1)` capped at `max_delay` ("full jitter"). `random` is any
    /// random `u64`; the adapter supplies it so this stays deterministic under test.
    pub fn backoff(&self, attempt: u32, random: u64) -> Duration {
        let exp = attempt.saturating_sub(1).min(20);
        let ceiling = self.base_delay.saturating_mul(1 << exp).min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random % (nanos + 1))
    }

    /// The wait a rate limit asks for, if it is one we honour.
    pub fn rate_limit_wait(&self, wait: Duration) -> Option<Duration> {
        (wait <= self.max_rate_limit_wait).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..10 {
            let ceiling = Duration::from_millis(500) * 2u32.pow(attempt - 1);
            for r in [0, 1, 12345, u64::MAX / 3, u64::MAX] {
                let d = p.backoff(attempt, r);
                assert!(d <= ceiling.min(p.max_delay), "{attempt} {d:?}");
            }
        }
        assert!(p.may_retry(3));
        assert!(!p.may_retry(4));
        assert_eq!(RetryPolicy::immediate(3).backoff(2, 99), Duration::ZERO);
        assert_eq!(
            p.rate_limit_wait(Duration::from_secs(5)),
            Some(Duration::from_secs(5))
        );
        assert_eq!(p.rate_limit_wait(Duration::from_secs(600)), None);
    }
}
