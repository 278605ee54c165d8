//! The chart in words: alt text for post images and the `aria-label` of the SVG.
//!
//! Built with the posts' own fitting rule ([`Draft::fit`]): names are shortened on grapheme
//! boundaries first, then lines are dropped from the bottom, so the words never exceed the
//! platform's limit and never come out empty.

use watchtime_core::message::{CountRule, Draft, Part, TextLimit};

/// The smallest limit honoured: a shorter one still gets "X…" rather than nothing.
const MIN_CHARS: usize = 2;

/// Alt-text limits, in characters (Unicode scalar values, the strictest way to count).
pub mod limits {
    /// Mastodon's media description.
    pub const MASTODON: usize = 1500;
    /// X's image description.
    pub const X: usize = 1000;
    /// Bluesky's image `alt`.
    pub const BLUESKY: usize = 1000;
}

/// `draft` fitted to `max_chars` characters.
pub(crate) fn fit_words(draft: &Draft, max_chars: usize) -> String {
    draft.fit(&TextLimit {
        max: max_chars.max(MIN_CHARS),
        rule: CountRule::Chars,
    })
}

/// `prefix name value` as one line of the draft, the name being user-controlled.
pub(crate) fn name_line(prefix: String, name: &str, value: String) -> Vec<Part> {
    let mut line = vec![Part::text(prefix)];
    line.extend(name_parts(name));
    line.push(Part::text(value));
    line
}

/// Whether `name` holds right-to-left letters, whose neighbours (": 4.71M h") would otherwise
/// be pulled into their run and read in the wrong place.
fn has_rtl(name: &str) -> bool {
    use unicode_bidi::{BidiClass, bidi_class};
    name.chars()
        .any(|c| matches!(bidi_class(c), BidiClass::R | BidiClass::AL))
}

/// A name as parts of a line: isolated (U+2068 … U+2069) when it is right-to-left.
pub(crate) fn name_parts(name: &str) -> Vec<Part> {
    if has_rtl(name) {
        vec![
            Part::text("\u{2068}"),
            Part::name(name),
            Part::text("\u{2069}"),
        ]
    } else {
        vec![Part::name(name)]
    }
}
