//! Helix's rate-limit bucket, as its headers describe it.
//!
//! Every Helix answer carries `Ratelimit-Remaining` (points left) and `Ratelimit-Reset` (Unix
//! seconds when the bucket is full again). The source pauses before the bucket runs dry, and on
//! a 429 waits for the reset.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// Points kept in reserve: with this many left, the next request waits for the reset. One point
/// is left for whoever else shares the app token (a second process, a manual `collect`).
pub(crate) const PACE_RESERVE: u32 = 1;

/// The bucket as the last answer described it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bucket {
    pub(crate) remaining: u32,
    pub(crate) reset: SystemTime,
}

impl Bucket {
    /// Reads the bucket from an answer's headers; `None` when either header is absent or
    /// unreadable (the OAuth server sends none).
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Bucket> {
        let number =
            |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let remaining = u32::try_from(number("ratelimit-remaining")?).unwrap_or(u32::MAX);
        let reset = UNIX_EPOCH.checked_add(Duration::from_secs(number("ratelimit-reset")?))?;
        Some(Bucket { remaining, reset })
    }

    /// How long until the bucket refills, from `now`; zero if it already has.
    pub(crate) fn until_reset(&self, now: SystemTime) -> Duration {
        self.reset.duration_since(now).unwrap_or(Duration::ZERO)
    }

    /// The pause before the next request: until the reset when the bucket is at the reserve.
    pub(crate) fn pause(&self, now: SystemTime) -> Option<Duration> {
        let wait = self.until_reset(now);
        (self.remaining <= PACE_RESERVE && !wait.is_zero()).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(remaining: &str, reset: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("Ratelimit-Limit", HeaderValue::from_static("800"));
        h.insert(
            "Ratelimit-Remaining",
            HeaderValue::from_str(remaining).unwrap(),
        );
        h.insert("Ratelimit-Reset", HeaderValue::from_str(reset).unwrap());
        h
    }

    #[test]
    fn reads_headers_and_paces_at_the_reserve() {
        let now = UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        let b = Bucket::from_headers(&headers("1", "1700000003")).unwrap();
        assert_eq!(b.remaining, 1);
        assert_eq!(b.until_reset(now), Duration::from_millis(2_750));
        assert_eq!(b.pause(now), Some(Duration::from_millis(2_750)));

        let plenty = Bucket::from_headers(&headers("799", "1700000003")).unwrap();
        assert_eq!(plenty.pause(now), None);
        let past = Bucket::from_headers(&headers("0", "1699999999")).unwrap();
        assert_eq!(past.pause(now), None, "a reset in the past needs no wait");

        assert_eq!(Bucket::from_headers(&headers("x", "1700000003")), None);
        assert_eq!(Bucket::from_headers(&HeaderMap::new()), None);
    }
}
