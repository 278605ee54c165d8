//! Text without a font: cleaning names, estimating their width, shortening them to fit.
//!
//! The SVG is built without font metrics (the browser picks the font), so widths are estimated
//! from the bundled Noto Sans: exact advances for ASCII, and deliberately generous widths for
//! everything else (a CJK ideograph 1 em, an emoji 1.25 em as in Noto Color Emoji). The PNG
//! tests lay the text out with the real fonts and check nothing leaves the canvas.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;
use watchtime_core::message::display_name;

use crate::svg::is_xml_char;

/// Shown for a name that is empty once cleaned (all control or zero-width characters).
const NO_NAME: &str = "(no name)";

/// A game or streamer name made safe to show: the same cleaning as in posts
/// ([`display_name`]), so the image and the post say the same thing, less what XML cannot hold.
pub(crate) fn clean_name(raw: &str) -> String {
    let name: String = display_name(raw)
        .chars()
        .filter(|c| is_xml_char(*c))
        .collect();
    if name.is_empty() {
        NO_NAME.to_owned()
    } else {
        name
    }
}

/// Advance widths of ASCII 0x20..=0x7E in Noto Sans Regular, per mille of the font size (read
/// from the bundled font's `hmtx` table).
const REGULAR: [u16; 95] = [
    260, 269, 408, 646, 572, 831, 732, 225, 300, 300, 551, 572, 268, 322, 268, 372, 572, 572, 572,
    572, 572, 572, 572, 572, 572, 572, 268, 268, 572, 572, 572, 434, 899, 639, 650, 632, 730, 556,
    519, 728, 741, 339, 273, 619, 524, 907, 760, 781, 605, 781, 622, 549, 556, 731, 600, 930, 586,
    566, 572, 329, 372, 329, 572, 444, 281, 561, 615, 480, 615, 564, 344, 615, 618, 258, 258, 534,
    258, 935, 618, 605, 615, 615, 413, 479, 361, 618, 508, 786, 529, 510, 470, 380, 551, 380, 572,
];

/// The same for Noto Sans Bold.
const BOLD: [u16; 95] = [
    260, 286, 472, 646, 572, 901, 750, 266, 339, 339, 545, 572, 285, 322, 285, 413, 572, 572, 572,
    572, 572, 572, 572, 572, 572, 572, 285, 285, 572, 572, 572, 477, 897, 690, 672, 637, 740, 560,
    549, 724, 765, 389, 331, 664, 565, 943, 813, 796, 628, 796, 660, 551, 579, 756, 650, 967, 667,
    624, 579, 331, 413, 331, 572, 411, 362, 604, 633, 514, 633, 591, 387, 633, 657, 305, 305, 620,
    305, 982, 657, 619, 633, 633, 454, 497, 434, 657, 569, 856, 578, 569, 488, 394, 551, 394, 572,
];

/// Whether a grapheme is drawn from the colour emoji font.
pub(crate) fn is_emoji_grapheme(g: &str) -> bool {
    g.chars().any(is_emoji)
}

/// The estimated width in em of one grapheme.
fn grapheme_em(g: &str, bold: bool) -> f64 {
    if is_emoji_grapheme(g) {
        // One colour glyph of 1.25 em, or, where no emoji font is installed, a missing-glyph
        // box per pictograph of the sequence: whichever is wider.
        let pieces = g
            .chars()
            .filter(|c| !matches!(c, '\u{200D}' | '\u{FE0F}' | '\u{20E3}'))
            .count();
        return (0.65 * pieces as f64).max(1.25);
    }
    let table = if bold { &BOLD } else { &REGULAR };
    g.chars()
        .map(|c| match c {
            ' '..='~' => f64::from(table[c as usize - 0x20]) / 1000.0,
            // Hebrew: Noto Sans Hebrew's widest letters are 0.73 em.
            '\u{0590}'..='\u{05FF}' | '\u{FB1D}'..='\u{FB4F}' => 0.75,
            // Arabic and the other right-to-left blocks: joined forms are narrower than
            // isolated ones, ligatures vary.
            '\u{0600}'..='\u{08FF}' | '\u{FB50}'..='\u{FEFC}' => 0.65,
            _ => match c.width() {
                Some(0) => 0.0,
                Some(2) => 1.0,
                _ => 0.7,
            },
        })
        .sum()
}

/// Pictographs and flags, which fall back to the (wide) colour emoji font.
fn is_emoji(c: char) -> bool {
    matches!(c,
        // Pictographs (flags' regional indicators included), dingbats, arrows and stars,
        // the emoji variation selector and the keycap.
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}'
        | '\u{FE0F}' | '\u{20E3}')
}

/// The estimated width of `text` at `size` units.
pub(crate) fn width(text: &str, size: f64, bold: bool) -> f64 {
    text.graphemes(true)
        .map(|g| grapheme_em(g, bold))
        .sum::<f64>()
        * size
}

/// A font's style for measuring: size in units and weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Font {
    pub size: f64,
    pub bold: bool,
}

impl Font {
    pub(crate) fn width(self, text: &str) -> f64 {
        width(text, self.size, self.bold)
    }
}

/// `text` cut on a grapheme boundary, with "…", to fit `max` units; unchanged if it fits.
pub(crate) fn fit(text: &str, max: f64, font: Font) -> String {
    if font.width(text) <= max {
        return text.to_owned();
    }
    let graphemes: Vec<&str> = text.graphemes(true).collect();
    let head = longest_head(&graphemes, max - font.width("…"), font);
    format!("{head}…")
}

/// The longest prefix of `graphemes` (trailing spaces trimmed) no wider than `max`.
fn longest_head(graphemes: &[&str], max: f64, font: Font) -> String {
    let mut used = 0.0;
    let mut head = String::new();
    for g in graphemes {
        let w = font.width(g);
        if used + w > max {
            break;
        }
        used += w;
        head.push_str(g);
    }
    head.truncate(head.trim_end().len());
    head
}

/// Every name fitted to `max` units; names that would come out the same although they differ
/// (a long shared prefix) keep their endings instead: "Counter-Strike: Glob…nt A" and
/// "…nt B" rather than two identical "Counter-Strike: Global Offe…".
pub(crate) fn fit_all(names: &[String], max: f64, font: Font) -> Vec<String> {
    let mut out: Vec<String> = names.iter().map(|n| fit(n, max, font)).collect();
    for i in 0..out.len() {
        let clash: Vec<usize> = (0..out.len())
            .filter(|&j| out[j] == out[i] && names[j] != names[i])
            .chain(std::iter::once(i))
            .collect();
        if clash.len() < 2 {
            continue;
        }
        let split: Vec<Vec<&str>> = clash
            .iter()
            .map(|&j| names[j].graphemes(true).collect())
            .collect();
        let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
        for tail_len in 1..shortest {
            let candidates: Vec<String> = split
                .iter()
                .map(|g| middle_cut(g, tail_len, max, font))
                .collect();
            let distinct = candidates
                .iter()
                .enumerate()
                .all(|(a, x)| candidates.iter().skip(a + 1).all(|y| x != y));
            if distinct {
                for (&j, c) in clash.iter().zip(candidates) {
                    out[j] = c;
                }
                break;
            }
        }
    }
    out
}

/// `head…tail` with the last `tail_len` graphemes kept, fitting `max`.
fn middle_cut(graphemes: &[&str], tail_len: usize, max: f64, font: Font) -> String {
    let tail = graphemes[graphemes.len() - tail_len..].concat();
    let tail = tail.trim_start();
    let room = max - font.width("…") - font.width(tail);
    let head = longest_head(&graphemes[..graphemes.len() - tail_len], room, font);
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Font = Font {
        size: 20.0,
        bold: false,
    };

    #[test]
    fn ascii_widths_come_from_the_font_table() {
        // "M" is 907/1000 em, "i" 258/1000.
        assert!((width("Mi", 10.0, false) - 11.65).abs() < 1e-9);
        assert!(width("Mi", 10.0, true) > width("Mi", 10.0, false));
    }

    #[test]
    fn wide_scripts_count_wider() {
        assert_eq!(width("龍", 10.0, false), 10.0);
        // An emoji is one colour glyph; a flag or a family may be two or three missing-glyph
        // boxes where no emoji font is installed.
        assert_eq!(width("😀", 10.0, false), 12.5);
        assert_eq!(width("🇯🇵", 10.0, false), 13.0);
        assert_eq!(width("👨‍👩‍👧", 10.0, false), 19.5);
        assert_eq!(width("e\u{301}", 10.0, false), width("e", 10.0, false));
    }

    #[test]
    fn fit_cuts_on_graphemes_and_keeps_short_names() {
        assert_eq!(fit("Chess", 200.0, F), "Chess");
        let cut = fit("Grand Theft Auto V Roleplay Server", 150.0, F);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(F.width(&cut) <= 150.0, "{cut}");
        let flags = fit("🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵🇯🇵", 70.0, F);
        assert_eq!(flags, "🇯🇵🇯🇵…");
    }

    #[test]
    fn names_sharing_a_long_prefix_stay_distinct() {
        let names = [
            "Counter-Strike: Global Offensive Tournament A".to_owned(),
            "Counter-Strike: Global Offensive Tournament B".to_owned(),
            "Chess".to_owned(),
        ];
        let out = fit_all(&names, 240.0, F);
        assert_ne!(out[0], out[1], "{out:?}");
        assert!(out[0].ends_with(" A") || out[0].ends_with('A'), "{out:?}");
        assert_eq!(out[2], "Chess");
        for o in &out {
            assert!(F.width(o) <= 240.0, "{o}");
        }
    }

    #[test]
    fn empty_names_get_a_placeholder() {
        assert_eq!(clean_name("\u{200B}\u{202E}"), NO_NAME);
        assert_eq!(clean_name("a\u{0}b"), "ab");
    }
}
