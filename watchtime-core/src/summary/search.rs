//! The exact top-k search over blocks: a threshold algorithm.
//!
//! Read the best `n` entries of every block. Anything not among them scores at most the
//! `(n+1)`-th value of each block, so at most the sum of those values (the bound) over the range.
//! Sum the candidates exactly; if the `k`-th candidate beats the bound, no other entry can reach
//! the top `k`, and the answer is exact. Otherwise read deeper and try again. Watch time is heavy
//! tailed, so the first or second round settles nearly every query; a round that has read every
//! block to its end settles by construction.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::error::Result;
use crate::ranking::{RankingEntry, RankingQuery, Subject, ranking_order};
use crate::summary::blocks::{Block, cover};

/// The head of one block: its best entries for a subject, by viewer-minutes descending.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockHead {
    /// `(id, viewer-minutes)` of up to `n + 1` entries, best first (ties in any order).
    pub rows: Vec<(String, u64)>,
}

/// What a store provides for [`top_k`].
#[async_trait]
pub trait SummaryReader: Send + Sync {
    /// For every block, the up to `n + 1` best entries ranked by `subject` in that block alone,
    /// by viewer-minutes descending; one [`BlockHead`] per block, in the order given.
    async fn block_heads(
        &self,
        blocks: &[Block],
        subject: &Subject,
        n: usize,
    ) -> Result<Vec<BlockHead>>;

    /// The entries `ids` of `subject` summed over `blocks`, with their current names; `rank` may
    /// be left 0. Ids with no total in those blocks are left out.
    async fn sums(
        &self,
        blocks: &[Block],
        subject: &Subject,
        ids: &[String],
    ) -> Result<Vec<RankingEntry>>;
}

/// How deep the first round reads each block, for a ranking of `top`.
fn first_depth(top: usize) -> usize {
    top.saturating_mul(4).max(16)
}

/// The ranking of `query`, exactly as [`crate::ranking::rank`] computes it from the range's
/// daily totals, read from block summaries.
pub async fn top_k<R: SummaryReader + ?Sized>(
    reader: &R,
    query: &RankingQuery,
) -> Result<Vec<RankingEntry>> {
    if query.top == 0 {
        return Ok(Vec::new());
    }
    let blocks = cover(query.range);
    let mut depth = first_depth(query.top);
    loop {
        let heads = reader.block_heads(&blocks, &query.subject, depth).await?;
        let (ids, bound, exhausted) = candidates(&heads, depth, query.top);
        let mut entries = reader.sums(&blocks, &query.subject, &ids).await?;
        entries.sort_by(ranking_order);
        let settled = exhausted
            || entries
                .get(query.top - 1)
                .is_some_and(|kth| kth.totals.viewer_minutes > bound);
        if settled {
            entries.truncate(query.top);
            for (i, e) in entries.iter_mut().enumerate() {
                e.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
            }
            return Ok(entries);
        }
        depth = depth.saturating_mul(4);
    }
}

/// The ids read in the first `depth` rows of the heads that may still be among the best `top`,
/// with the bound (the most any id not read can score) and whether every block was read to its
/// end.
///
/// An id read in some heads scores at least the sum of what was read of it (its floor) and at
/// most that plus, for each block whose head it is not in, the `(depth+1)`-th value there (its
/// ceiling). When `top` ids have floors of at least `f`, an id whose ceiling is below `f` has
/// `top` ids strictly above it: it is left out, and its exact sum never read.
fn candidates(heads: &[BlockHead], depth: usize, top: usize) -> (Vec<String>, u64, bool) {
    let mut bound: u64 = 0;
    let mut exhausted = true;
    let mut read: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for head in heads {
        let next = head.rows.get(depth).map_or(0, |(_, v)| *v);
        if head.rows.len() > depth {
            exhausted = false;
        }
        bound = bound.saturating_add(next);
        for (id, v) in head.rows.iter().take(depth) {
            // (floor, the part of the bound this id is known to be under instead).
            let e = read.entry(id.as_str()).or_default();
            e.0 = e.0.saturating_add(*v);
            e.1 = e.1.saturating_add(next);
        }
    }
    let ceiling = |(floor, known): (u64, u64)| floor.saturating_add(bound - known.min(bound));
    let mut floors: Vec<u64> = read.values().map(|e| e.0).collect();
    let cut = if floors.len() >= top && top > 0 {
        let (_, kth, _) = floors.select_nth_unstable_by(top - 1, |a, b| b.cmp(a));
        *kth
    } else {
        0
    };
    let ids = read
        .into_iter()
        .filter(|(_, e)| ceiling(*e) >= cut)
        .map(|(id, _)| id.to_owned())
        .collect();
    (ids, bound, exhausted)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;
    use crate::ids::{EntityId, Kind};
    use crate::time::{Day, DayRange};
    use crate::totals::Totals;

    /// Per-day values of each id; blocks are summed on demand. Counts the rows it hands out.
    #[derive(Default)]
    struct Fake {
        days: HashMap<i32, Vec<(String, u64)>>,
        rows_read: Mutex<usize>,
        ids_summed: Mutex<usize>,
        rounds: Mutex<usize>,
        blocks: Mutex<HashMap<Block, HashMap<String, u64>>>,
    }

    impl Fake {
        /// The sums of block `b`, as a store keeps them.
        fn block(&self, b: Block) -> HashMap<String, u64> {
            let mut cache = self.blocks.lock().expect("lock");
            cache
                .entry(b)
                .or_insert_with(|| {
                    let mut sums = HashMap::new();
                    for d in b.days().days() {
                        for (id, v) in self.days.get(&d.days_since_epoch()).into_iter().flatten() {
                            *sums.entry(id.clone()).or_default() += v;
                        }
                    }
                    sums
                })
                .clone()
        }
    }

    #[async_trait]
    impl SummaryReader for Fake {
        async fn block_heads(
            &self,
            blocks: &[Block],
            _: &Subject,
            n: usize,
        ) -> Result<Vec<BlockHead>> {
            *self.rounds.lock().expect("lock") += 1;
            Ok(blocks
                .iter()
                .map(|b| {
                    let mut rows: Vec<_> = self.block(*b).into_iter().collect();
                    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
                    rows.truncate(n + 1);
                    *self.rows_read.lock().expect("lock") += rows.len();
                    BlockHead { rows }
                })
                .collect())
        }

        async fn sums(
            &self,
            blocks: &[Block],
            _: &Subject,
            ids: &[String],
        ) -> Result<Vec<RankingEntry>> {
            *self.ids_summed.lock().expect("lock") += ids.len();
            let mut out = Vec::new();
            for id in ids {
                let vm: u64 = blocks
                    .iter()
                    .filter_map(|b| self.block(*b).get(id).copied())
                    .sum();
                if vm > 0 {
                    out.push(RankingEntry {
                        rank: 0,
                        id: EntityId::new(Kind::Streamer, id.clone()),
                        name: format!("name {id}"),
                        totals: Totals {
                            viewer_minutes: vm,
                            airtime_minutes: 0,
                            peak_viewers: 0,
                        },
                    });
                }
            }
            Ok(out)
        }
    }

    fn naive(fake: &Fake, range: DayRange, top: usize) -> Vec<(String, u64)> {
        let mut sums: HashMap<String, u64> = HashMap::new();
        for d in range.days() {
            for (id, v) in fake.days.get(&d.days_since_epoch()).into_iter().flatten() {
                *sums.entry(id.clone()).or_default() += v;
            }
        }
        let mut rows: Vec<_> = sums.into_iter().collect();
        rows.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| format!("name {}", a.0).cmp(&format!("name {}", b.0)))
        });
        rows.truncate(top);
        rows
    }

    fn query(range: DayRange, top: usize) -> RankingQuery {
        RankingQuery {
            subject: Subject::TopStreamers,
            range,
            top,
        }
    }

    async fn run(fake: &Fake, range: DayRange, top: usize) -> Vec<(String, u64)> {
        top_k(fake, &query(range, top))
            .await
            .expect("a ranking")
            .into_iter()
            .map(|e| (e.id.to_string(), e.totals.viewer_minutes))
            .collect()
    }

    /// A heavy-tailed year: 1,000 ids a day drawn from 8,000, values falling as a power law,
    /// with daily noise so block heads differ.
    fn heavy_tailed_year() -> Fake {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut fake = Fake::default();
        for d in 0..365 {
            let rows = (0..1000)
                .map(|_| {
                    let rank = rng.random_range(1..8_000u32);
                    let v = (5_000_000.0 / f64::from(rank).powf(1.1) * rng.random_range(0.5..1.5))
                        as u64;
                    (format!("s{rank}"), v.max(1))
                })
                .collect();
            fake.days.insert(20_000 + d, rows);
        }
        fake
    }

    #[tokio::test]
    async fn equals_the_naive_sum_and_reads_little() {
        let fake = heavy_tailed_year();
        let year = DayRange::new(
            Day::from_days_since_epoch(20_000),
            Day::from_days_since_epoch(20_364),
        )
        .expect("a range");
        assert_eq!(run(&fake, year, 5).await, naive(&fake, year, 5));
        let read = *fake.rows_read.lock().expect("lock");
        assert!(read < 5_000, "read {read} rows of a 365,000-row year");
        // Only the ids that may still be in the top 5 are summed, not every id read.
        let summed = *fake.ids_summed.lock().expect("lock");
        assert!(summed < 40, "summed {summed} ids for a top 5");
        for (from, len) in [(20_003, 1), (20_010, 7), (20_100, 30), (20_001, 200)] {
            let range = DayRange::ending(Day::from_days_since_epoch(from + len - 1), len as u32);
            assert_eq!(
                run(&fake, range, 5).await,
                naive(&fake, range, 5),
                "{range}"
            );
        }
    }

    #[tokio::test]
    async fn flat_data_reads_deeper_until_exact() {
        // Every id scores the same every day except a tiny edge: the first round cannot settle.
        let mut fake = Fake::default();
        for d in 0..16 {
            let rows = (0..200u64)
                .map(|i| (format!("s{i:03}"), 1_000 + u64::from(i == 199 && d == 15)))
                .collect();
            fake.days.insert(d, rows);
        }
        let range = DayRange::new(
            Day::from_days_since_epoch(0),
            Day::from_days_since_epoch(15),
        )
        .expect("a range");
        let got = run(&fake, range, 3).await;
        assert_eq!(got, naive(&fake, range, 3));
        assert_eq!(got[0], ("s199".to_owned(), 16_001));
        assert!(*fake.rounds.lock().expect("lock") > 1);
    }

    #[tokio::test]
    async fn fewer_entries_than_asked_and_top_zero() {
        let mut fake = Fake::default();
        fake.days
            .insert(5, vec![("a".into(), 10), ("b".into(), 20)]);
        let range = DayRange::single(Day::from_days_since_epoch(5));
        assert_eq!(
            run(&fake, range, 5).await,
            vec![("b".into(), 20), ("a".into(), 10)]
        );
        assert!(run(&fake, range, 0).await.is_empty());
        let empty = DayRange::single(Day::from_days_since_epoch(6));
        assert!(run(&fake, empty, 5).await.is_empty());
    }
}
