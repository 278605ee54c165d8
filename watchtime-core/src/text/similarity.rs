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
}
