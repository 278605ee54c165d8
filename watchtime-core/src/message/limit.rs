//! How long a message may be, and how each platform counts.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{EmojiStatus, UnicodeEmoji};
use unicode_segmentation::UnicodeSegmentation;

/// How a platform counts the length of a text.
///
/// Non-exhaustive: each new platform may bring its own way of counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CountRule {
    /// X (Twitter): the twitter-text v3 weighted length. NFC first; most Latin, Greek, Cyrillic,
    /// Hebrew, Arabic and Indic text and some punctuation weigh 1, everything else (CJK, most
    /// symbols) weighs 2; an emoji sequence weighs 2 however many code points it has; a URL
    /// weighs 23.
    XWeighted,
    /// Extended grapheme clusters of the whole text, URLs counted as written: what a reader sees
    /// as characters (Bluesky counts this way).
    Graphemes,
    /// Mastodon: extended grapheme clusters, with each URL counting [`URL_LENGTH`] however long
    /// or short it is.
    MastodonGraphemes,
    /// Unicode scalar values (Discord counts characters).
    Chars,
    /// Bluesky: extended grapheme clusters of the whole text (URLs as written), within
    /// [`BYTES_PER_GRAPHEME`] UTF-8 bytes per allowed grapheme (a post holds at most 300
    /// graphemes *and* 3000 bytes). The length is the larger of the grapheme count and the byte
    /// count divided by 10, rounded up, so a text fits exactly when it keeps both limits: 300
    /// family emoji of 18 bytes each are 300 graphemes but 5400 bytes, and do not fit.
    GraphemesWithinBytes,
}

impl CountRule {
    /// The unit counted, for messages: "X-weighted", "graphemes", "characters".
    pub fn unit_name(&self) -> &'static str {
        match self {
            CountRule::XWeighted => "X-weighted",
            CountRule::Graphemes
            | CountRule::MastodonGraphemes
            | CountRule::GraphemesWithinBytes => "graphemes",
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
    /// Mastodon's default: 500 graphemes, URLs 23 (instances may configure more or less).
    pub const MASTODON_DEFAULT: TextLimit = TextLimit::mastodon(500);
    /// Bluesky: 300 graphemes of the whole text, and 3000 UTF-8 bytes.
    pub const BLUESKY: TextLimit = TextLimit::graphemes_within_bytes(300);
    /// Discord message content: 2000 characters.
    pub const DISCORD: TextLimit = TextLimit::chars(2000);

    /// At most `max` graphemes of the whole text, URLs counted as written ([`CountRule::Graphemes`]).
    pub const fn graphemes(max: usize) -> Self {
        TextLimit {
            max,
            rule: CountRule::Graphemes,
        }
    }

    /// At most `max` graphemes and `max` × [`BYTES_PER_GRAPHEME`] UTF-8 bytes
    /// ([`CountRule::GraphemesWithinBytes`], Bluesky's rule).
    pub const fn graphemes_within_bytes(max: usize) -> Self {
        TextLimit {
            max,
            rule: CountRule::GraphemesWithinBytes,
        }
    }

    /// At most `max` graphemes with each URL counting 23: a Mastodon instance's configured limit
    /// ([`CountRule::MastodonGraphemes`]).
    pub const fn mastodon(max: usize) -> Self {
        TextLimit {
            max,
            rule: CountRule::MastodonGraphemes,
        }
    }

    /// At most `max` Unicode scalar values ([`CountRule::Chars`]).
    pub const fn chars(max: usize) -> Self {
        TextLimit {
            max,
            rule: CountRule::Chars,
        }
    }

    /// The length of `text` under this limit's rule.
    pub fn count(&self, text: &str) -> usize {
        match self.rule {
            CountRule::XWeighted => x_weighted_length(text),
            CountRule::Graphemes => grapheme_length(text),
            CountRule::MastodonGraphemes => mastodon_length(text),
            CountRule::Chars => text.chars().count(),
            CountRule::GraphemesWithinBytes => {
                grapheme_length(text).max(text.len().div_ceil(BYTES_PER_GRAPHEME))
            }
        }
    }

    /// Whether `text` fits.
    pub fn fits(&self, text: &str) -> bool {
        self.count(text) <= self.max
    }
}

/// UTF-8 bytes allowed per grapheme of the limit under [`CountRule::GraphemesWithinBytes`]:
/// Bluesky's 3000 bytes for 300 graphemes.
pub const BYTES_PER_GRAPHEME: usize = 10;

/// The weight a URL counts for on X and Mastodon, whatever its length.
pub const URL_LENGTH: usize = 23;

/// The twitter-text v3 weighted length of `text` (in units where 280 is the limit).
///
/// NFC first; each URL counts [`URL_LENGTH`]; each emoji sequence (a keycap, a flag, a tag
/// sequence, an emoji with its selector or skin tone, or such joined by U+200D) counts 2; every other code point counts by its range. What follows an
/// emoji without belonging to it (a combining mark, a dangling joiner, a selector the emoji does
/// not take) counts on its own, as twitter-text counts it.
pub fn x_weighted_length(text: &str) -> usize {
    let nfc: String = text.nfc().collect();
    let mut total = 0;
    for (word, is_url) in split_urls(&nfc) {
        if is_url {
            total += URL_LENGTH;
            continue;
        }
        let chars: Vec<char> = word.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match emoji_sequence_len(&chars[i..]) {
                Some(n) => {
                    total += 2;
                    i += n;
                }
                None => {
                    total += x_char_weight(chars[i]);
                    i += 1;
                }
            }
        }
    }
    total
}

/// The extended grapheme clusters of `text`, URLs included as written: Bluesky's length.
pub fn grapheme_length(text: &str) -> usize {
    text.graphemes(true).count()
}

/// The Mastodon length of `text`: graphemes, with URLs counting 23.
pub fn mastodon_length(text: &str) -> usize {
    split_urls(text)
        .map(|(part, is_url)| {
            if is_url {
                URL_LENGTH
            } else {
                grapheme_length(part)
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

const ZWJ: char = '\u{200D}';
const VS15: char = '\u{FE0E}';
const VS16: char = '\u{FE0F}';
const KEYCAP: char = '\u{20E3}';
const CANCEL_TAG: char = '\u{E007F}';

/// The number of code points of the emoji sequence at the start of `chars`, if one starts there:
/// the grammar of Unicode emoji sequences (UTS #51), as twitter-text recognises them.
///
/// - a keycap: `#`, `*` or a digit, an optional U+FE0F, U+20E3 (a bare digit is no emoji);
/// - a flag: two regional indicators, paired from the left;
/// - a tag sequence: an emoji, tag characters, and the cancel tag (subdivision flags);
/// - an emoji character, with U+FE0F when it defaults to text style, or with one skin tone when
///   it takes one; a text-style emoji (`©`, `®`, `™`, `☺`…) counts as emoji unless U+FE0E asks
///   for text;
/// - any of these joined by U+200D into a ZWJ sequence.
///
/// Not checked: whether a ZWJ sequence is one of the recommended ones (that takes the emoji
/// data files); X counts an unknown join of two emoji as its parts, this counts it once.
fn emoji_sequence_len(chars: &[char]) -> Option<usize> {
    let mut len = emoji_element_len(chars)?;
    while chars.get(len) == Some(&ZWJ) {
        match emoji_element_len(&chars[len + 1..]) {
            Some(next) => len += 1 + next,
            None => break,
        }
    }
    Some(len)
}

/// One emoji without joiners: see `emoji_sequence_len`.
fn emoji_element_len(chars: &[char]) -> Option<usize> {
    let first = *chars.first()?;
    let second = chars.get(1).copied();
    if matches!(first, '#' | '*' | '0'..='9') {
        return match (second, chars.get(2).copied()) {
            (Some(KEYCAP), _) => Some(2),
            (Some(VS16), Some(KEYCAP)) => Some(3),
            _ => None,
        };
    }
    if is_regional_indicator(first) {
        return Some(if second.is_some_and(is_regional_indicator) {
            2
        } else {
            1
        });
    }
    if !first.is_emoji_char() {
        return None;
    }
    let tags = chars[1..]
        .iter()
        .take_while(|c| ('\u{E0020}'..='\u{E007E}').contains(*c))
        .count();
    if tags > 0 && chars.get(1 + tags) == Some(&CANCEL_TAG) {
        return Some(tags + 2);
    }
    let status = first.emoji_status();
    let presentation = matches!(
        status,
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    );
    let modifier_base = matches!(
        status,
        EmojiStatus::EmojiModifierBase | EmojiStatus::EmojiPresentationAndModifierBase
    );
    match second {
        Some(VS15) => None,
        Some(VS16) if !presentation => Some(2),
        Some(c) if modifier_base && is_skin_tone(c) => Some(2),
        _ => Some(1),
    }
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

fn is_skin_tone(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
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

    /// What twitter-text counts apart from an emoji, and what it counts as one.
    #[test]
    fn x_emoji_sequences() {
        let cases = [
            ("😀\u{300}", 3),  // a combining mark after an emoji counts on its own
            ("1️⃣\u{5BC}", 3),  // also after a keycap
            ("🐱\u{200D}", 3), // a joiner with nothing to join weighs 1
            ("😀\u{FE0F}", 4), // 😀 is already emoji style: the selector weighs 2
            ("🏽🏽", 4),       // a second skin tone is a swatch of its own
            ("☝🏽", 2),         // a text-style modifier base takes a skin tone
            ("©", 2),          // a text-style emoji is an emoji…
            ("®\u{FE0E}", 3),  // …unless U+FE0E asks for text: 1 + 2
            ("©\u{FE0F}", 2),
            ("1\u{FE0F}", 3), // a digit is an emoji only as a keycap
            ("1⃣", 2),
            ("🇯🇵🇺🇸", 4),        // flags pair from the left
            ("🇯🇵🇯", 4),         // a lone regional indicator weighs 2
            ("🏴\u{E0067}", 4), // a tag sequence needs its cancel tag
            ("🏴󠁧󠁢󠁥󠁮󠁧󠁿", 2),
            ("❤‍🔥", 2), // unqualified heart in a ZWJ sequence
            ("🧑🏽‍💻", 2),
            ("\u{FE0F}\u{5BC}", 3), // a selector alone is no emoji
        ];
        for (text, want) in cases {
            assert_eq!(x_weighted_length(text), want, "{text:?}");
        }
    }

    /// Graphemes of the whole text (Bluesky) against graphemes with URLs as 23 (Mastodon) and
    /// code points (Discord): `(text, graphemes, mastodon, chars)`.
    #[test]
    fn grapheme_rules() {
        let long_url = "https://example.com/a/very/long/path";
        let cases = [
            ("", 0, 0, 0),
            ("Minecraft", 9, 9, 9),
            ("原神インパクト", 7, 7, 7), // CJK: one each, not two as on X
            ("스타크래프트", 6, 6, 6),   // precomposed Hangul syllables
            ("\u{1100}\u{1161}\u{11A8}", 1, 1, 3), // conjoining jamo make one syllable
            ("Poke\u{301}mon", 7, 7, 8), // a combining accent joins its letter
            ("ก้า", 2, 2, 3),             // Thai: a tone mark joins its consonant
            ("👨‍👩‍👧", 1, 1, 5),             // a ZWJ family is one
            ("🧑🏽‍💻", 1, 1, 4),             // skin tone and ZWJ
            ("❤️‍🔥", 1, 1, 4),
            ("🇯🇵🇺🇸", 2, 2, 4), // flags pair from the left…
            ("🇯🇵🇯", 2, 2, 3),  // …and a lone indicator is one
            ("🏴󠁧󠁢󠁥󠁮󠁧󠁿", 1, 1, 7),   // a subdivision flag (tag sequence)
            ("1️⃣", 1, 1, 3),
            ("a\r\nb", 3, 3, 4), // CR LF is one
            ("see ", 4, 4, 4),
            // URLs: as written, where Mastodon counts 23 for any length.
            ("https://t.co/x", 14, 23, 14),
            ("see https://example.com/a/very/long/path", 40, 27, 40),
            ("https://例え.jp/😀 ok", 18, 26, 18),
            ("xhttps://a.b", 12, 12, 12), // not a URL inside a word, for Mastodon either
        ];
        for (text, graphemes, mastodon, chars) in cases {
            let got = (
                TextLimit::graphemes(300).count(text),
                TextLimit::mastodon(500).count(text),
                TextLimit::chars(2000).count(text),
            );
            assert_eq!(got, (graphemes, mastodon, chars), "{text:?}");
        }
        assert_eq!(TextLimit::BLUESKY, TextLimit::graphemes_within_bytes(300));
        assert!(TextLimit::graphemes(300).fits(&"👨‍👩‍👧".repeat(300)));
        // 300 graphemes but 5400 bytes: over Bluesky's 3000.
        assert_eq!(TextLimit::BLUESKY.count(&"👨‍👩‍👧".repeat(300)), 540);
        assert!(TextLimit::BLUESKY.fits(&"👨‍👩‍👧".repeat(166))); // 2988 bytes
        assert!(!TextLimit::BLUESKY.fits(&"👨‍👩‍👧".repeat(167))); // 3006 bytes
        assert!(TextLimit::BLUESKY.fits(&"原".repeat(300))); // 900 bytes
        assert!(!TextLimit::BLUESKY.fits(&"a".repeat(301)));
        // 307 graphemes with a long link: 294 for Mastodon, over Bluesky's 300.
        let text = format!("{} {long_url}", "a".repeat(270));
        assert!(TextLimit::mastodon(300).fits(&text));
        assert!(!TextLimit::graphemes(300).fits(&text));
    }

    #[test]
    fn graphemes_and_chars() {
        assert_eq!(grapheme_length("👨‍👩‍👧 e\u{301}"), 3);
        assert_eq!(TextLimit::DISCORD.count("👨‍👩‍👧"), 5);
        assert_eq!(
            mastodon_length("see https://example.com/abc"),
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
