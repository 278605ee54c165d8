//! Answers about closed days, kept in memory: a closed day's totals change only when it is
//! closed again, so a page or API answer over closed days is rendered once and served again
//! until a day of its range is re-closed (its close time is part of the key) or names may have
//! moved on ([`KEEP_FOR`]). Bounded by bytes; the oldest answers go first.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use watchtime_core::Day;
use watchtime_core::totals::DayStatus;

use crate::cache::Answer;

/// How long a kept answer is served: names are the latest seen and change between closes, so a
/// rename shows within this time (clients may keep a closed answer 300 s themselves).
pub const KEEP_FOR: Duration = Duration::from_secs(60);

/// Bytes of answers kept by default: ~100 front pages, so a daemon that has served for a
/// while stays well under its 30 MB (it idles at ~20 MiB with the web on).
pub const DEFAULT_LIMIT: usize = 4 << 20;

/// What an answer was rendered from: the last closed day (pages link to the next day only up to
/// it) and the close of every day in its range.
pub fn stamp(last: Day, statuses: &[DayStatus]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    last.hash(&mut h);
    for s in statuses {
        s.day.hash(&mut h);
        s.closed_at.hash(&mut h);
        (s.slots_expected, s.slots_observed, s.slots_incomplete).hash(&mut h);
    }
    h.finish()
}

struct Kept {
    stamp: u64,
    at: Instant,
    answer: Answer,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Kept>,
    /// Keys by insertion, oldest first (a key appears once per insertion; stale ones skipped).
    order: VecDeque<(String, Instant)>,
    bytes: usize,
}

/// The kept answers, keyed by request path and query.
pub struct Memo {
    limit: usize,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (entries, bytes) = self
            .inner
            .lock()
            .map(|i| (i.entries.len(), i.bytes))
            .unwrap_or_default();
        f.debug_struct("Memo")
            .field("limit", &self.limit)
            .field("entries", &entries)
            .field("bytes", &bytes)
            .finish()
    }
}

impl Memo {
    /// A memo of at most `limit` bytes of answers (0 keeps nothing).
    pub fn new(limit: usize) -> Memo {
        Memo {
            limit,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The answer kept for `key` if it was rendered from `stamp` less than [`KEEP_FOR`] ago.
    pub fn get(&self, key: &str, stamp: u64) -> Option<Answer> {
        let inner = self.inner.lock().ok()?;
        let kept = inner.entries.get(key)?;
        (kept.stamp == stamp && kept.at.elapsed() < KEEP_FOR).then(|| kept.answer.clone())
    }

    /// Keeps `answer` for `key`, dropping the oldest answers beyond the limit.
    pub fn put(&self, key: &str, stamp: u64, answer: Answer) {
        let size = answer.size() + key.len();
        if size > self.limit / 4 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let at = Instant::now();
        if let Some(old) = inner
            .entries
            .insert(key.to_owned(), Kept { stamp, at, answer })
        {
            inner.bytes -= old.answer.size() + key.len();
        }
        inner.bytes += size;
        inner.order.push_back((key.to_owned(), at));
        while inner.bytes > self.limit {
            let Some((oldest, at)) = inner.order.pop_front() else {
                break;
            };
            // Only the latest insertion of a key removes it.
            if inner.entries.get(&oldest).is_some_and(|k| k.at == at)
                && let Some(gone) = inner.entries.remove(&oldest)
            {
                inner.bytes -= gone.answer.size() + oldest.len();
            }
        }
        // Stale order entries of keys inserted again would otherwise pile up.
        if inner.order.len() > inner.entries.len() * 2 + 16 {
            let Inner { entries, order, .. } = &mut *inner;
            order.retain(|(k, at)| entries.get(k).is_some_and(|e| e.at == *at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Freshness;

    fn answer(n: usize) -> Answer {
        Answer::new("text/plain", vec![b'x'; n], Freshness::Closed)
    }

    #[test]
    fn keeps_by_stamp_and_drops_the_oldest_beyond_the_limit() {
        let memo = Memo::new(4_000);
        memo.put("/a", 1, answer(900));
        assert!(memo.get("/a", 1).is_some());
        assert!(
            memo.get("/a", 2).is_none(),
            "a re-closed day is another stamp"
        );
        assert!(memo.get("/b", 1).is_none());
        for k in ["/b", "/c", "/d", "/e"] {
            memo.put(k, 1, answer(900));
        }
        assert!(memo.get("/a", 1).is_none(), "the oldest went first");
        assert!(memo.get("/e", 1).is_some());
        // Inserting one key again and again keeps one copy and stays bounded.
        for i in 0..100 {
            memo.put("/e", i, answer(900));
        }
        let inner = memo.inner.lock().expect("lock");
        assert!(inner.bytes <= 4_000);
        assert!(inner.order.len() <= inner.entries.len() * 2 + 16);
    }

    #[test]
    fn a_zero_limit_keeps_nothing() {
        let memo = Memo::new(0);
        memo.put("/a", 1, answer(10));
        assert!(memo.get("/a", 1).is_none());
    }
}
