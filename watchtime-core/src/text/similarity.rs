//! "Did you mean": how close two name keys are.

use std::ops::RangeInclusive;

/// The lowest similarity offered as "did you mean".
pub const SUGGESTION_THRESHOLD: f64 = 0.75;

/// Keys shorter than this get no suggestions: one typo in three letters is another word.
pub const MIN_SUGGESTION_LEN: usize = 4;

/// Similarity of two keys in `[0, 1]`: one minus the Damerau–Levenshtein distance over the
/// longer length. Transposed letters ("minecarft") cost one edit.
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_damerau_levenshtein(a, b)
}

/// One key compared with many: [`similarity`] to each, skipping the full comparison of keys
/// that cannot reach a threshold. A search scores tens of thousands of names, nearly all of
/// them far off; a cheap exact bound settles those.
///
/// The bound: every edit (insertion, deletion, substitution, transposition) changes the
/// characters' multiset by at most one on each side, so the distance is at least the larger
/// of the two multiset differences (the "bag distance"), and the similarity at most one minus
/// that over the longer length, computed as [`similarity`] computes it. A key whose bound is
/// below the threshold is below it; every other key gets its exact [`similarity`], so the
/// answers are those of [`similarity`] itself.
#[derive(Clone, Debug)]
pub struct SimilarTo<'a> {
    key: &'a str,
    sorted: Vec<char>,
    other: Vec<char>,
}

impl<'a> SimilarTo<'a> {
    /// Prepares comparisons with `key`.
    pub fn new(key: &'a str) -> SimilarTo<'a> {
        let mut sorted: Vec<char> = key.chars().collect();
        sorted.sort_unstable();
        SimilarTo {
            key,
            sorted,
            other: Vec::new(),
        }
    }

    /// [`similarity`] of the key and `other` if it is at least `threshold`, else `None`.
    pub fn at_least(&mut self, other: &str, threshold: f64) -> Option<f64> {
        self.other.clear();
        self.other.extend(other.chars());
        let longer = self.sorted.len().max(self.other.len());
        if longer > 0 {
            self.other.sort_unstable();
            let bound = 1.0 - (bag_distance(&self.sorted, &self.other) as f64) / (longer as f64);
            if bound < threshold {
                return None;
            }
        }
        let score = similarity(self.key, other);
        (score >= threshold).then_some(score)
    }
}

/// The larger of the two multiset differences of two sorted character lists.
fn bag_distance(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut only_a, mut only_b) = (0, 0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                only_a += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                only_b += 1;
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    (only_a + a.len() - i).max(only_b + b.len() - j)
}

/// The key lengths a name can have and still reach [`SUGGESTION_THRESHOLD`] against a key of
/// `len` characters.
///
/// The distance is at least the difference in length, so a candidate of length `m` can only
/// reach similarity `t` if `|m − len| ≤ (1 − t)·max(m, len)`. Stores use this bound to send only
/// the names that could match; it loses no suggestion.
pub fn candidate_lengths(len: usize) -> RangeInclusive<usize> {
    let t = SUGGESTION_THRESHOLD;
    let min = (t * len as f64).ceil() as usize;
    let max = (len as f64 / t).floor() as usize;
    min..=max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_close_other_names_are_not() {
        assert!(similarity("minecarft", "minecraft") >= SUGGESTION_THRESHOLD);
        assert!(similarity("valorent", "valorant") >= SUGGESTION_THRESHOLD);
        assert!(similarity("fortnite", "minecraft") < SUGGESTION_THRESHOLD);
        assert_eq!(similarity("same", "same"), 1.0);
    }

    #[test]
    fn the_length_bound_loses_nothing() {
        // Every pair above the threshold has lengths inside the window, checked exhaustively on
        // small strings over a small alphabet.
        let words: Vec<String> = (0..3000u32)
            .map(|i| {
                let len = 3 + (i % 9) as usize;
                (0..len)
                    .map(|j| (b'a' + ((i >> j) % 3) as u8) as char)
                    .collect()
            })
            .collect();
        for a in words.iter().step_by(7) {
            for b in &words {
                if similarity(a, b) >= SUGGESTION_THRESHOLD {
                    assert!(candidate_lengths(a.len()).contains(&b.len()), "{a} {b}");
                }
            }
        }
        assert_eq!(candidate_lengths(8), 6..=10);
    }

    #[test]
    fn the_prefilter_agrees_with_similarity_exactly() {
        // Every pair over a small alphabet, with transpositions, non-ASCII and empty keys, at
        // several thresholds: `at_least` answers exactly what `similarity` does.
        let mut words: Vec<String> = (0..600u32)
            .map(|i| {
                let len = (i % 8) as usize;
                (0..len)
                    .map(|j| ['a', 'b', 'é', 'c'][((i >> j) % 4) as usize])
                    .collect()
            })
            .collect();
        words.extend(
            [
                "minecraft",
                "minecarft",
                "mineccraft",
                "craftmine",
                "加藤純一",
                "加藤",
            ]
            .map(String::from),
        );
        let mut passed = 0;
        for a in words.iter().step_by(3) {
            let mut target = SimilarTo::new(a);
            for b in &words {
                for t in [0.0, 0.5, SUGGESTION_THRESHOLD, 0.9, 1.0] {
                    let exact = similarity(a, b);
                    let want = (exact >= t).then_some(exact);
                    assert_eq!(target.at_least(b, t), want, "{a:?} {b:?} at {t}");
                    passed += usize::from(want.is_some());
                }
            }
        }
        assert!(passed > 1000, "too few pairs above a threshold: {passed}");
        assert_eq!(bag_distance(&['a', 'b', 'c'], &['b', 'c', 'd', 'e']), 2);
    }
}
