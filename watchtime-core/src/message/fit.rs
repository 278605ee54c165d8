//! Fitting a message to a limit without cutting it blindly.
//!
//! A message is a head, ranking lines and a tail, some of whose parts are names. When it is too
//! long, names are shortened with "…" on grapheme boundaries (as little as needed, the same cap
//! for every name, each keeping what tells it apart from the others: see [`super::shorten`]); if
//! even short names do not fit, the rank-change markers are dropped, and only then ranking lines
//! from the bottom.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

use crate::message::limit::TextLimit;
use crate::message::shorten::shorten_distinct;

/// Names are never shortened below this many graphemes (the "…" included) before lines are
/// dropped instead.
pub const MIN_NAME_GRAPHEMES: usize = 10;

/// A piece of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Fixed text.
    Text(String),
    /// A game or streamer name: sanitized for display, and shortened first when space runs out.
    Name(String),
    /// Extra detail that is shown only where it fits (a rank-change marker ` ↑3`, a reply's
    /// average viewers): dropped from the whole message before any line is dropped.
    Marker(String),
}

impl Part {
    /// Fixed text.
    pub fn text(s: impl Into<String>) -> Part {
        Part::Text(s.into())
    }

    /// A name, sanitized for display.
    pub fn name(s: &str) -> Part {
        Part::Name(display_name(s))
    }

    /// The marker of `movement`, after a space.
    pub fn marker(movement: crate::movement::Movement) -> Part {
        Part::Marker(format!(" {movement}"))
    }
}

/// A message before fitting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// The first line(s).
    pub head: Vec<Part>,
    /// Ranking lines, best first; dropped from the bottom when needed.
    pub lines: Vec<Vec<Part>>,
    /// A closing line (a coverage note), kept whenever the head is.
    pub tail: Vec<Part>,
}

impl Draft {
    /// The longest rendering of the draft that fits `limit`: names shortened first, then the
    /// markers dropped (from every line at once), then lines dropped from the bottom.
    pub fn fit(&self, limit: &TextLimit) -> String {
        let has_markers = self.parts().any(|p| matches!(p, Part::Marker(_)));
        let all = self.lines.len();
        // Every line with markers, every line without them, then fewer lines without them.
        let tries = has_markers
            .then_some((all, true))
            .into_iter()
            .chain((0..=all).rev().map(|keep| (keep, false)));
        for (keep, markers) in tries {
            if let Some(text) = self.fit_names(keep, markers, limit) {
                return text;
            }
        }
        let min_cap = MIN_NAME_GRAPHEMES.min(self.longest_name().max(1));
        truncate_to_fit(&self.render(0, min_cap, false), limit)
    }

    /// The draft with every line, names shortened as needed and the markers when `markers`, if
    /// that fits `limit`: for messages that choose themselves what to leave out.
    pub fn fit_whole(&self, limit: &TextLimit, markers: bool) -> Option<String> {
        self.fit_names(self.lines.len(), markers, limit)
    }

    fn longest_name(&self) -> usize {
        self.parts()
            .filter_map(|p| match p {
                Part::Name(n) => Some(n.graphemes(true).count()),
                Part::Text(_) | Part::Marker(_) => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// The first `keep` lines with the longest names that fit, if any do.
    fn fit_names(&self, keep: usize, markers: bool, limit: &TextLimit) -> Option<String> {
        let longest = self.longest_name();
        let min_cap = MIN_NAME_GRAPHEMES.min(longest.max(1));
        let render = |cap| self.render(keep, cap, markers);
        if !limit.fits(&render(min_cap)) {
            return None;
        }
        // Shorter caps give shorter text: find the largest cap that fits.
        let (mut lo, mut hi) = (min_cap, longest.max(min_cap));
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if limit.fits(&render(mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Some(render(lo))
    }

    fn parts(&self) -> impl Iterator<Item = &Part> {
        self.head
            .iter()
            .chain(self.lines.iter().flatten())
            .chain(self.tail.iter())
    }

    /// The text with the first `keep_lines` lines, names shortened to `cap` graphemes (told
    /// apart from the other names shown), and the markers when `markers`.
    fn render(&self, keep_lines: usize, cap: usize, markers: bool) -> String {
        let lines = &self.lines[..keep_lines.min(self.lines.len())];
        let names: Vec<&str> = self
            .head
            .iter()
            .chain(lines.iter().flatten())
            .chain(self.tail.iter())
            .filter_map(|p| match p {
                Part::Name(n) => Some(n.as_str()),
                Part::Text(_) | Part::Marker(_) => None,
            })
            .collect();
        let shown = shorten_distinct(&names, cap);
        let mut out = String::new();
        render_parts(&mut out, &self.head, &shown, markers);
        for line in lines {
            out.push('\n');
            render_parts(&mut out, line, &shown, markers);
        }
        if !self.tail.is_empty() {
            out.push('\n');
            render_parts(&mut out, &self.tail, &shown, markers);
        }
        out
    }
}

fn render_parts(out: &mut String, parts: &[Part], shown: &HashMap<&str, String>, markers: bool) {
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Name(n) => out.push_str(shown.get(n.as_str()).map_or(n, String::as_str)),
            Part::Marker(m) if markers => out.push_str(m),
            Part::Marker(_) => {}
        }
    }
}

/// The last resort: text whose head alone is too long is cut on a grapheme boundary.
fn truncate_to_fit(text: &str, limit: &TextLimit) -> String {
    let graphemes: Vec<&str> = text.graphemes(true).collect();
    let (mut lo, mut hi) = (0, graphemes.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate = format!("{}…", graphemes[..mid].concat());
        if limit.fits(&candidate) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return String::new();
    }
    format!("{}…", graphemes[..lo].concat())
}

/// A name made safe to put in a post.
///
/// Drops control, bidirectional-override and zero-width characters (which can make a post read
/// differently than it counts), collapses whitespace, and defuses what platforms would turn into
/// links or pings: `@` becomes a full-width `＠`, and a dot between letters (`Agar.io`) becomes a
/// one-dot leader so it is not auto-linked.
pub fn display_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}'))
        .map(|c| if c == '@' { '＠' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let collapsed = words.join(" ");
    let chars: Vec<char> = collapsed.chars().collect();
    let mut out = String::with_capacity(collapsed.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_letters = c == '.'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        out.push(if between_letters { '\u{2024}' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(names: &[&str]) -> Draft {
        Draft {
            head: vec![Part::text("Top games")],
            lines: names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    vec![
                        Part::text(format!("{}. ", i + 1)),
                        Part::name(n),
                        Part::text(" 1.23M h"),
                    ]
                })
                .collect(),
            tail: vec![Part::text("(partial)")],
        }
    }

    #[test]
    fn fits_untouched_when_short() {
        let d = ranking(&["Chess", "Go"]);
        assert_eq!(
            d.fit(&TextLimit::X),
            "Top games\n1. Chess 1.23M h\n2. Go 1.23M h\n(partial)"
        );
    }

    #[test]
    fn shortens_names_before_dropping_lines() {
        let long = "A".repeat(60);
        let d = ranking(&[&long, &long, &long, &long, &long]);
        let limit = TextLimit {
            max: 200,
            rule: crate::message::limit::CountRule::Chars,
        };
        let text = d.fit(&limit);
        assert!(limit.fits(&text), "{text}");
        assert_eq!(text.lines().count(), 7, "all five lines kept:\n{text}");
        assert!(text.contains('…'));
        // A tighter limit drops lines from the bottom once names are at their shortest.
        let tight = TextLimit { max: 60, ..limit };
        let text = d.fit(&tight);
        assert!(tight.fits(&text));
        assert!(
            text.contains("1. AAAAAAAAA") && text.contains('…'),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3, "one line kept:\n{text}");
        assert!(!text.contains("5. "), "{text}");
    }

    #[test]
    fn drops_markers_before_lines() {
        use crate::movement::Movement;
        let mut d = ranking(&["Chess", "Go", "Poker"]);
        for (line, m) in d
            .lines
            .iter_mut()
            .zip([Movement::Up(3), Movement::Down(1), Movement::New])
        {
            line.push(Part::marker(m));
        }
        let chars = |max| TextLimit {
            max,
            rule: crate::message::limit::CountRule::Chars,
        };
        let full = d.fit(&chars(500));
        assert_eq!(
            full,
            "Top games\n1. Chess 1.23M h ↑3\n2. Go 1.23M h ↓1\n3. Poker 1.23M h new\n(partial)"
        );
        // One character short of the full text: every marker goes, every line stays.
        let len = full.chars().count();
        let text = d.fit(&chars(len - 1));
        assert_eq!(
            text,
            "Top games\n1. Chess 1.23M h\n2. Go 1.23M h\n3. Poker 1.23M h\n(partial)"
        );
        // Shorter still: lines go, and the markers do not come back.
        let text = d.fit(&chars(text.chars().count() - 1));
        assert_eq!(
            text,
            "Top games\n1. Chess 1.23M h\n2. Go 1.23M h\n(partial)"
        );
    }

    #[test]
    fn never_exceeds_even_when_the_head_is_too_long() {
        let d = Draft {
            head: vec![Part::name(&"原".repeat(300))],
            lines: vec![],
            tail: vec![],
        };
        let text = d.fit(&TextLimit::X);
        assert!(TextLimit::X.fits(&text));
        assert!(text.ends_with('…'));
    }

    #[test]
    fn display_names_are_defused() {
        assert_eq!(display_name("Agar.io"), "Agar\u{2024}io");
        assert_eq!(display_name("Dr. Disrespect"), "Dr. Disrespect");
        assert_eq!(display_name("@everyone hi"), "＠everyone hi");
        assert_eq!(display_name("evil\u{202E}txt.exe"), "eviltxt\u{2024}exe");
        assert_eq!(display_name("two\n lines\t"), "two lines");
    }
}
