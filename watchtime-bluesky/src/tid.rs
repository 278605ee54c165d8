//! Record keys: a TID derived from the outbox item, so every attempt at one item writes the same
//! record.
//!
//! A TID is 64 bits written as 13 characters of base32-sortable
//! (`234567abcdefghijklmnopqrstuvwxyz`): a zero top bit, 53 bits of microseconds since the epoch
//! and a 10-bit clock id. `app.bsky.feed.post` keys must be TIDs (the PDS refuses others with
//! "Invalid TID string"), and their time must not lie in the future: the reference AppView
//! indexes such a post but sends no notification for replies to it (seen on the local stack).
//!
//! So the key's time is taken from the item's creation time ([`Post::created_at`], fixed when
//! its outbox entry is made, so every attempt has the same): the second before it, plus a
//! microsecond offset picked by the hash of the idempotency key, never later than the creation
//! time itself. The clock id is picked by the hash too. The same item always gets the same key. Items made in the same second
//! (the three daily posts are claimed at one instant, the replies of a round too) differ by
//! about 30 bits of hash: two of a round of 100 share a key with a chance of about 1 in 200,000.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The base32-sortable alphabet of TIDs.
const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The record key of the item with `idempotency_key`, first made at `created_at`.
///
/// [`Post::created_at`]: watchtime_core::ports::Post::created_at
pub fn record_key(idempotency_key: &str, created_at: DateTime<Utc>) -> String {
    let digest = Sha256::digest(idempotency_key.as_bytes());
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    let hash = u64::from_be_bytes(head);
    let second_before = u64::try_from(created_at.timestamp() - 1).unwrap_or(0) * 1_000_000;
    let micros = second_before + (hash >> 10) % 1_000_000;
    encode(((micros & ((1 << 53) - 1)) << 10) | (hash & 0x3ff))
}

/// The 13-character TID of `value` (whose top bit must be zero).
fn encode(value: u64) -> String {
    (0..13)
        .rev()
        .map(|i| char::from(ALPHABET[((value >> (5 * i)) & 31) as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The syntax the PDS checks: 13 characters of the alphabet, the first one of its first 16
    /// (the top bit zero).
    fn is_tid(s: &str) -> bool {
        s.len() == 13
            && s.bytes().all(|b| ALPHABET.contains(&b))
            && b"234567abcdefghij".contains(&s.as_bytes()[0])
    }

    #[test]
    fn known_tids() {
        // From the TID spec's examples: 0 is all '2', and a real TID decodes back.
        assert_eq!(encode(0), "2222222222222");
        assert_eq!(encode((1 << 63) - 1), "bzzzzzzzzzzzz");
        // 1724171495793000 µs with clock id 512 is "3l25zusnsfck2".
        assert_eq!(encode((1_724_171_495_793_000 << 10) | 512), "3l25zusnsfck2");
    }

    #[test]
    fn keys_are_stable_valid_and_distinct() {
        let key = "watchtime:bluesky:post/2026-11-26/top_games";
        let created = DateTime::parse_from_rfc3339("2026-11-27T22:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let a = record_key(key, created);
        assert_eq!(a, record_key(key, created));
        insta::assert_snapshot!(a, @"3n3d6raxu6x3u");
        // The time is within the second before the creation time: never after it, and keys of
        // items made in later seconds sort later.
        let at = |t: DateTime<Utc>| encode(u64::try_from(t.timestamp_micros()).unwrap() << 10);
        assert!(
            a < at(created) && a >= at(created - chrono::Duration::seconds(1)),
            "{a}"
        );
        let later = record_key(key, created + chrono::Duration::seconds(2));
        assert!(later > a, "{later} > {a}");
        let mut seen = std::collections::HashSet::new();
        for day in 1..=28 {
            for kind in ["top_games", "top_streamers", "spotlight"] {
                let item = format!("watchtime:bluesky:post/2026-02-{day:02}/{kind}");
                // All made at the same instant, as the three daily posts of a day are.
                let key = record_key(&item, created);
                assert!(is_tid(&key), "{key}");
                assert!(seen.insert(key));
            }
        }
        assert!(is_tid(&record_key("", DateTime::UNIX_EPOCH)));
    }
}
