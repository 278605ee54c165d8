//! Shortening names on grapheme boundaries, so that names that differ still read differently.
//!
//! A name over its cap keeps its start and ends in "…". When several names of one message would
//! then read the same (ten titles sharing a long prefix all becoming "The Extre…"), each of them
//! shows what tells it apart instead, within the same cap: its end (`The Extr…7`), or, when the
//! names share their end too, the stretch where it differs (`Tale…part B…`). A name for which no
//! such form is free grows past the cap until one is; the fitter then drops a line if the text
//! no longer fits.

use std::collections::{HashMap, HashSet};

use unicode_segmentation::UnicodeSegmentation;

/// `name` cut to at most `cap` graphemes, ending in "…" when cut.
pub fn shorten(name: &str, cap: usize) -> String {
    let graphemes: Vec<&str> = name.graphemes(true).collect();
    if graphemes.len() <= cap {
        return name.to_owned();
    }
    let mut s = head(&graphemes, cap.saturating_sub(1));
    s.push('…');
    s
}

/// Each of `names` shortened to at most `cap` graphemes, keyed by name, such that two different
/// names never get the same text.
pub(crate) fn shorten_distinct<'a>(names: &[&'a str], cap: usize) -> HashMap<&'a str, String> {
    let mut unique: Vec<&'a str> = Vec::with_capacity(names.len());
    for name in names {
        if !unique.contains(name) {
            unique.push(name);
        }
    }
    let plain: Vec<String> = unique.iter().map(|n| shorten(n, cap)).collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for text in &plain {
        *uses.entry(text.as_str()).or_default() += 1;
    }
    // A name shown whole, or cut to a text no other name gets, stays as it is.
    let mut taken: HashSet<String> = HashSet::new();
    let mut out: HashMap<&'a str, String> = HashMap::new();
    let mut clashing: Vec<usize> = Vec::new();
    for (i, (name, text)) in unique.iter().zip(&plain).enumerate() {
        if uses[text.as_str()] == 1 || text == name {
            taken.insert(text.clone());
            out.insert(name, text.clone());
        } else {
            clashing.push(i);
        }
    }
    for &i in &clashing {
        let name: Vec<&str> = unique[i].graphemes(true).collect();
        let rivals: Vec<Vec<&str>> = (0..unique.len())
            .filter(|&j| j != i && plain[j] == plain[i])
            .map(|j| unique[j].graphemes(true).collect())
            .collect();
        let free = (cap..=name.len())
            .flat_map(|c| telling_forms(&name, &rivals, c))
            .find(|form| !taken.contains(form));
        match free {
            Some(form) => {
                taken.insert(form.clone());
                out.insert(unique[i], form);
            }
            // Only when another name was cut to exactly this whole name (one with a "…" of its
            // own): whole names are distinct.
            None => return unique.iter().map(|n| (*n, (*n).to_owned())).collect(),
        }
    }
    out
}

/// The forms of `name` in at most `cap` graphemes that show where it differs from `rivals`, best
/// first: its end, then a stretch of its middle; the whole name when it fits.
fn telling_forms(name: &[&str], rivals: &[Vec<&str>], cap: usize) -> Vec<String> {
    let len = name.len();
    if len <= cap {
        return vec![name.concat()];
    }
    let mut forms = Vec::new();
    // The end: `head…tail`, the tail reaching past the longest end shared with a rival: from the
    // start of the word that differs when there is room for it, else as short as will tell.
    if cap >= 3 {
        let shared_end = rivals
            .iter()
            .map(|r| common_len(name.iter().rev(), r.iter().rev()))
            .max()
            .unwrap_or(0);
        let least = (shared_end + 1).min(len);
        let word = word_start(name, len - least);
        let mut tails: Vec<usize> = Vec::new();
        if len - word <= cap - 2 {
            tails.push(len - word);
        }
        tails.extend(least..=cap - 2);
        for t in tails {
            let tail = name[len - t..].concat();
            let (h, t) = (head(name, cap - 1 - t), tail.trim_start());
            if !h.is_empty() && !t.is_empty() {
                forms.push(format!("{h}…{t}"));
            }
        }
    }
    // The middle: `head…stretch…`, the stretch holding the first grapheme that differs from
    // the rival sharing the longest start.
    if cap >= 4 {
        let differs_at = rivals
            .iter()
            .map(|r| common_len(name.iter(), r.iter()))
            .max()
            .unwrap_or(0);
        let keep = (cap - 2) / 2;
        let width = cap - 2 - keep;
        let word = word_start(name, differs_at);
        let starts = std::iter::once(word)
            .filter(|&w| differs_at - w < width)
            .chain((0..width).filter_map(|back| differs_at.checked_sub(back)));
        for x in starts {
            if x <= keep || x + width >= len {
                continue;
            }
            let stretch = name[x..x + width].concat();
            let (h, s) = (head(name, keep), stretch.trim());
            if !h.is_empty() && !s.is_empty() {
                forms.push(format!("{h}…{s}…"));
            }
        }
    }
    forms
}

/// The first `n` graphemes, without trailing whitespace (it would sit before a "…").
fn head(name: &[&str], n: usize) -> String {
    name[..n.min(name.len())].concat().trim_end().to_owned()
}

/// How many leading items two sequences share.
fn common_len<'a>(
    a: impl Iterator<Item = &'a &'a str>,
    b: impl Iterator<Item = &'a &'a str>,
) -> usize {
    a.zip(b).take_while(|(x, y)| x == y).count()
}

/// The index where the word holding grapheme `i` starts (`i` itself for a space).
fn word_start(name: &[&str], i: usize) -> usize {
    let i = i.min(name.len());
    (0..=i.min(name.len().saturating_sub(1)))
        .rev()
        .find(|&k| name[k].chars().all(char::is_whitespace))
        .map_or(0, |k| if k == i { k } else { k + 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinct(names: &[&str], cap: usize) -> Vec<String> {
        let shown = shorten_distinct(names, cap);
        names.iter().map(|n| shown[n].clone()).collect()
    }

    #[test]
    fn shortening_respects_graphemes() {
        assert_eq!(shorten("👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧", 2), "👨‍👩‍👧…");
        assert_eq!(shorten("Pokémon Scarlet", 9), "Pokémon…");
        assert_eq!(shorten("short", 9), "short");
    }

    /// `(names, cap, shown)`: what each name becomes beside the others.
    #[test]
    fn names_that_would_read_alike_keep_what_differs() {
        let cases: [(&[&str], usize, &[&str]); 8] = [
            // Nothing in common: the start, as before.
            (
                &["Grand Theft Auto V", "League of Legends"],
                10,
                &["Grand The…", "League of…"],
            ),
            // A shared start: each shows its end, from the start of the word that differs.
            (
                &[
                    "Saga of Everything, Volume 1",
                    "Saga of Everything, Volume 10",
                ],
                10,
                &["Saga of…1", "Saga of…10"],
            ),
            (
                &[
                    "Call of Duty: Modern Warfare II",
                    "Call of Duty: Modern Warfare III",
                ],
                14,
                &["Call of Du…II", "Call of Du…III"],
            ),
            (
                &["Minecraft Legends", "Minecraft Dungeons"],
                10,
                &["Mi…Legends", "M…Dungeons"],
            ),
            // A shared start and end: the stretch where they differ.
            (
                &[
                    "The Tale of part A of the long story",
                    "The Tale of part B of the long story",
                ],
                14,
                &["The Ta…A of t…", "The Ta…B of t…"],
            ),
            // Graphemes stay whole: flags, ZWJ sequences, combining marks.
            (
                &["🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵e\u{301}", "🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵👨‍👩‍👧"],
                5,
                &["🇯🇵🇯🇵🇯🇵…e\u{301}", "🇯🇵🇯🇵🇯🇵…👨‍👩‍👧"],
            ),
            // The same name twice is one name.
            (
                &["Minecraft Legends", "Minecraft Legends"],
                10,
                &["Minecraft…", "Minecraft…"],
            ),
            // Names that differ only in how long a run is: one is shown whole.
            (
                &["AAAAAAAAAAAB", "AAAAAAAAAAAAB"],
                10,
                &["AAAAAAAAAAAB", "AAAA…AAAA…"],
            ),
        ];
        for (names, cap, shown) in cases {
            assert_eq!(distinct(names, cap), shown, "{names:?} at {cap}");
        }
    }

    #[test]
    fn a_name_that_looks_cut_is_not_mistaken_for_a_cut_one() {
        let shown = distinct(
            &["Minecraft…", "Minecraft Legends", "Minecraft Dungeons"],
            10,
        );
        assert_eq!(shown[0], "Minecraft…");
        assert_ne!(shown[1], shown[2]);
        assert!(!shown[1..].contains(&shown[0]), "{shown:?}");
    }
}
