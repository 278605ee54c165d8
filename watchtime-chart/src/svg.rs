//! A tiny SVG writer: every string that reaches the output goes through [`escape`].

use std::fmt::Write as _;

use unicode_segmentation::UnicodeSegmentation;

use crate::options::{Options, Scheme};
use crate::palette::{Palette, Role, dark_css, palette};
use crate::text::is_emoji_grapheme;

/// The family list: the bundled font first (what the PNG uses), then what browsers have.
pub(crate) const FONT_FAMILY: &str =
    "'Noto Sans', 'Noto Sans CJK JP', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/// The family of emoji runs: a whole emoji sequence (a ZWJ family, a flag) must be shaped by
/// one colour font, or it falls apart into pieces.
const EMOJI_FAMILY: &str =
    "'Noto Color Emoji', 'Apple Color Emoji', 'Segoe UI Emoji', 'Twemoji Mozilla', sans-serif";

/// The canvas width in layout units; see [`Options`].
pub(crate) const UNITS_WIDE: f64 = 1200.0;

/// Appends `s` escaped for XML text and attribute values, dropping the characters XML 1.0 cannot
/// hold at all (NUL and other C0 controls, U+FFFE, U+FFFF).
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Whether XML 1.0 can hold `c` at all.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// `s` escaped; see [`escape_into`].
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// A coordinate: one decimal, no trailing `.0`, so snapshots stay short and stable.
pub(crate) fn num(v: f64) -> String {
    let s = format!("{:.1}", v);
    match s.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => s,
    }
}

/// Which end of the text sits at `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// One `<text>` element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Label<'a> {
    pub x: f64,
    /// The baseline.
    pub y: f64,
    pub size: f64,
    pub bold: bool,
    pub anchor: Anchor,
    pub role: Role,
    pub text: &'a str,
}

/// An SVG document being written.
#[derive(Debug)]
pub(crate) struct Svg {
    out: String,
    palette: Palette,
}

impl Svg {
    /// Opens the document: canvas `UNITS_WIDE × height` units, title and accessible label (its
    /// lines joined by "; "), the style for `Auto`, and the background.
    pub(crate) fn begin(opts: &Options, height: f64, title: &str, label: &str) -> Svg {
        let mut out = String::with_capacity(8 * 1024);
        let size = if opts.responsive {
            r#"width="100%""#.to_owned()
        } else {
            format!(
                r#"width="{}" height="{}""#,
                opts.width,
                pixel_height(opts.width, height)
            )
        };
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" {size} role="img" aria-label="{}" direction="ltr" font-family="{}">"#,
            num(UNITS_WIDE),
            num(height),
            escape(&one_line(label)),
            escape(FONT_FAMILY),
        );
        let _ = write!(out, "<title>{}</title>", escape(title));
        if opts.scheme == Scheme::Auto {
            out.push_str("<style");
            if let Some(nonce) = &opts.style_nonce {
                let _ = write!(out, r#" nonce="{}""#, escape(nonce));
            }
            let _ = write!(out, ">{}</style>", dark_css());
        }
        let mut svg = Svg {
            out,
            palette: palette(opts.scheme),
        };
        svg.rect(0.0, 0.0, UNITS_WIDE, height, 0.0, Role::Background);
        svg
    }

    fn paint(&mut self, role: Role) {
        let _ = write!(
            self.out,
            r#" class="{}" {}="{}""#,
            role.class(),
            role.property(),
            role.colour(&self.palette).hex()
        );
    }

    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, radius: f64, role: Role) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}""#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0))
        );
        if radius > 0.0 {
            let _ = write!(self.out, r#" rx="{}""#, num(radius));
        }
        self.paint(role);
        self.out.push_str("/>");
    }

    /// A horizontal or vertical rule, 2 units thick, stroked in `role`'s colour (a line role:
    /// [`Role::Grid`] or [`Role::Axis`]).
    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, role: Role) {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="2""#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
        self.paint(role);
        self.out.push_str("/>");
    }

    /// A text element. User-supplied text is isolated (`unicode-bidi="isolate"`) so a
    /// right-to-left name reads right to left without moving: the frame stays left-to-right
    /// and the anchor stays where the layout put it.
    pub(crate) fn text(&mut self, l: Label<'_>) {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" font-size="{}""#,
            num(l.x),
            num(l.y),
            num(l.size)
        );
        if l.bold {
            self.out.push_str(r#" font-weight="700""#);
        }
        if l.anchor != Anchor::Start {
            let _ = write!(self.out, r#" text-anchor="{}""#, l.anchor.as_str());
        }
        self.out.push_str(r#" unicode-bidi="isolate""#);
        self.paint(l.role);
        self.out.push('>');
        self.push_runs(l.text);
        self.out.push_str("</text>");
    }

    /// Text with each run of emoji in a `<tspan>` of the emoji family.
    fn push_runs(&mut self, text: &str) {
        let mut in_emoji = false;
        for g in text.graphemes(true) {
            let emoji = is_emoji_grapheme(g);
            if emoji != in_emoji {
                if emoji {
                    let _ = write!(
                        self.out,
                        r#"<tspan font-family="{}">"#,
                        escape(EMOJI_FAMILY)
                    );
                } else {
                    self.out.push_str("</tspan>");
                }
                in_emoji = emoji;
            }
            escape_into(&mut self.out, g);
        }
        if in_emoji {
            self.out.push_str("</tspan>");
        }
    }

    /// Opens a link around what follows when `href` is a site path or an http(s) URL (anything
    /// else, `javascript:` included, is not linked); returns whether it did, for
    /// [`Svg::close_link`].
    pub(crate) fn open_link(&mut self, href: Option<&str>) -> bool {
        let Some(href) = href.filter(|h| safe_href(h)) else {
            return false;
        };
        let _ = write!(self.out, r#"<a href="{}">"#, escape(href));
        true
    }

    pub(crate) fn close_link(&mut self, opened: bool) {
        if opened {
            self.out.push_str("</a>");
        }
    }

    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// Lines joined by "; " (or a space after a full stop), for an attribute.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(if out.ends_with('.') { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

/// The pixel height of a canvas `height` units tall drawn `width` pixels wide.
pub(crate) fn pixel_height(width: u32, height: f64) -> u32 {
    (height * f64::from(width) / UNITS_WIDE).round().max(1.0) as u32
}

fn safe_href(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with("https://")
        || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape("<script>&\"'\u{0}\u{1b}\u{fffe}ok"),
            "&lt;script&gt;&amp;&quot;&apos;ok"
        );
        assert_eq!(escape("a\tb\nc"), "a b c");
        assert_eq!(escape("龍 🇯🇵 שלום"), "龍 🇯🇵 שלום");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
    }

    #[test]
    fn only_site_paths_and_web_urls_are_links() {
        for ok in ["/games/1", "https://example.com/x", "HTTP://a"] {
            assert!(safe_href(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "//evil.example",
            "data:x",
            "",
        ] {
            assert!(!safe_href(bad), "{bad}");
        }
    }
}
