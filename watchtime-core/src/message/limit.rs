//! How long a message may be, and how each platform counts.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{EmojiStatus, UnicodeEmoji};
use unicode_segmentation::UnicodeSegmentation;

/// How a platform counts the length of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountRule {
    /// X (Twitter): the twitter-text v3 weighted length. NFC first; most Latin, Greek, Cyrillic,
    /// Hebrew, Arabic and Indic text and some punctuation weigh 1, everything else (CJK, most
    /// symbols) weighs 2; an emoji sequence weighs 2 however many code points it has; a URL
    /// weighs 23.
    XWeighted,
    /// Extended grapheme clusters (Mastodon), with each URL counting 23.
    Graphemes,
    /// Unicode scalar values (Discord counts characters).
    Chars,
}

impl CountRule {
    /// The unit counted, for messages: "X-weighted", "graphemes", "characters".
    pub fn unit_name(&self) -> &'static str {
        match self {
            CountRule::XWeighted => "X-weighted",
            CountRule::Graphemes => "graphemes",
            CountRule::Chars => "characters",
        }
    }
}

/// A platform's limit on one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TextLimit {
    /// The largest length allowed, in the units of `rule`.
    pub max: usize,
    /// How length is counted.
    pub rule: CountRule,
}

impl TextLimit {
    /// X: 280 weighted characters.
    pub const X: TextLimit = TextLimit {
        max: 280,
        rule: CountRule::XWeighted,
    };
    /// Mastodon's default: 500 graphemes (instances may configure more or less).
    pub const MASTODON_DEFAULT: TextLimit = TextLimit {
        max: 500,
        rule: CountRule::Graphemes,
    };
    /// Discord message content: 2000 characters.
    pub const DISCORD: TextLimit = TextLimit {
        max: 2000,
        rule: CountRule::Chars,
    };

    /// The length of `text` under this limit's rule.
    pub fn count(&self, text: &str) -> usize {
        match self.rule {
            CountRule::XWeighted => x_weighted_length(text),
            CountRule::Graphemes => grapheme_length(text),
            CountRule::Chars => text.chars().count(),
        }
    }

    /// Whether `text` fits.
    pub fn fits(&self, text: &str) -> bool {
        self.count(text) <= self.max
    }
}

/// The weight a URL counts for on X and Mastodon, whatever its length.
pub const URL_LENGTH: usize = 23;

/// The twitter-text v3 weighted length of `text` (in units where 280 is the limit).
pub fn x_weighted_length(text: &str) -> usize {
    let nfc: String = text.nfc().collect();
    let mut total = 0;
    for (word, is_url) in split_urls(&nfc) {
        if is_url {
            total += URL_LENGTH;
            continue;
        }
        for cluster in word.graphemes(true) {
            total += if is_emoji_cluster(cluster) {
                2
            } else {
                cluster.chars().map(x_char_weight).sum()
            };
        }
    }
    total
}

/// The Mastodon length of `text`: graphemes, with URLs counting 23.
pub fn grapheme_length(text: &str) -> usize {
    split_urls(text)
        .map(|(part, is_url)| {
            if is_url {
                URL_LENGTH
            } else {
                part.graphemes(true).count()
            }
        })
        .sum()
}

/// Weight of one code point under the twitter-text v3 configuration.
fn x_char_weight(c: char) -> usize {
    match u32::from(c) {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}

/// Whether a grapheme cluster is an emoji (counted once, as 2, on X).
fn is_emoji_cluster(cluster: &str) -> bool {
    let mut chars = cluster.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let presentation = matches!(
        first.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    );
    presentation
        || (first.is_emoji_char_or_emoji_component()
            && cluster.chars().any(|c| c == '\u{FE0F}' || c == '\u{20E3}'))
}

/// Splits text into runs that are URLs and runs that are not, in order.
fn split_urls(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match find_url(rest) {
            Some((0, end)) => {
                let (url, tail) = rest.split_at(end);
                rest = tail;
                Some((url, true))
            }
            Some((start, _)) => {
                let (plain, tail) = rest.split_at(start);
                rest = tail;
                Some((plain, false))
            }
            None => {
                let plain = rest;
                rest = "";
                Some((plain, false))
            }
        }
    })
}

/// The byte span of the first `http://` or `https://` URL, up to the next whitespace.
fn find_url(text: &str) -> Option<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let start = [lower.find("https://"), lower.find("http://")]
        .into_iter()
        .flatten()
        .min()?;
    // Only at the start of a word.
    if start > 0 && !text[..start].ends_with(char::is_whitespace) {
        let next = start + 1;
        return find_url(&text[next..]).map(|(s, e)| (s + next, e + next));
    }
    let len = text[start..]
        .find(char::is_whitespace)
        .unwrap_or(text.len() - start);
    Some((start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_weights() {
        let cases = [
            ("hello", 5),
            ("", 0),
            ("Pokémon", 7),
            ("Poke\u{301}mon", 7), // decomposed é: NFC makes it one code point
            ("原神", 4),
            ("스타", 4),
            ("Привет", 6),
            ("— “quotes” …", 13), // U+2014, U+201C/D weigh 1; U+2026 weighs 2
            ("😀", 2),
            ("👨‍👩‍👧", 2), // one ZWJ sequence
            ("🇯🇵", 2), // one flag
            ("👍🏽", 2), // with a skin tone
            ("1️⃣", 2), // keycap
            ("a https://example.com/very/long/path b", 27),
        ];
        for (text, want) in cases {
            assert_eq!(x_weighted_length(text), want, "{text:?}");
        }
    }

    #[test]
    fn graphemes_and_chars() {
        assert_eq!(grapheme_length("👨‍👩‍👧 e\u{301}"), 3);
        assert_eq!(TextLimit::DISCORD.count("👨‍👩‍👧"), 5);
        assert_eq!(
            grapheme_length("see https://example.com/abc"),
            4 + URL_LENGTH
        );
        assert!(TextLimit::X.fits(&"a".repeat(280)));
        assert!(!TextLimit::X.fits(&"原".repeat(141)));
    }

    #[test]
    fn urls_only_at_word_starts() {
        let parts: Vec<_> = split_urls("xhttps://a b https://c.d").collect();
        assert_eq!(parts, [("xhttps://a b ", false), ("https://c.d", true)]);
    }
}
