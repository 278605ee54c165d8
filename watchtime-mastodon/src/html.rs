//! Mastodon status HTML to plain text.
//!
//! A status `content` is sanitised HTML (`<p>`, `<br>`, `<a>`, `<span>`, and from some servers
//! lists, quotes and code). The bot only needs the words: tags are dropped, line and paragraph
//! breaks become newlines, entities are decoded. `<script>` and `<style>` lose their content too,
//! in case a server does not sanitise. The scan is linear and never panics on any input.

/// How far to look for an entity's `;`: past any valid entity, so an overlong number still
/// decodes (to U+FFFD), yet bounded so a stray `&` costs constant time.
const MAX_ENTITY_LEN: usize = 32;

/// The plain text of a status's HTML `content`, trimmed.
pub fn html_to_text(html: &str) -> String {
    let mut text = Text::default();
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = if rest.starts_with('&') {
            let (decoded, used) = decode_entity(rest);
            text.push_char(decoded);
            &rest[used..]
        } else {
            tag(rest, &mut text)
        };
    }
    text.push_str(rest);
    text.out.trim().to_owned()
}

/// Output with pending breaks: a break is written only once text follows it, so leading and
/// repeated block tags do not pile up newlines.
#[derive(Default)]
struct Text {
    out: String,
    pending_newlines: usize,
}

impl Text {
    fn flush_breaks(&mut self) {
        if self.out.is_empty() {
            self.pending_newlines = 0;
            return;
        }
        let have = self.out.len() - self.out.trim_end_matches('\n').len();
        for _ in have..self.pending_newlines {
            self.out.push('\n');
        }
        self.pending_newlines = 0;
    }

    fn push_str(&mut self, s: &str) {
        if !s.is_empty() {
            self.flush_breaks();
            self.out.push_str(s);
        }
    }

    fn push_char(&mut self, c: char) {
        self.flush_breaks();
        self.out.push(c);
    }

    /// A `<br>`: always one more newline, so `<br><br>` is a blank line.
    fn line_break(&mut self) {
        self.flush_breaks();
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    /// Ask for at least `n` newlines before the next text.
    fn block_break(&mut self, n: usize) {
        self.pending_newlines = self.pending_newlines.max(n);
    }
}

/// Handles the markup at the start of `rest` (which starts with `<`) and returns what follows.
fn tag<'a>(rest: &'a str, text: &mut Text) -> &'a str {
    let after = &rest[1..];
    if let Some(comment) = after.strip_prefix("!--") {
        return comment.find("-->").map_or("", |end| &comment[end + 3..]);
    }
    let starts_tag = after
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
    if !starts_tag {
        // A bare `<` (only unsanitised input has one): keep it as text.
        text.push_char('<');
        return after;
    }
    let Some(end) = tag_end(after) else {
        // An unterminated tag swallows the rest, as a browser would.
        return "";
    };
    let inside = &after[..end];
    let remainder = &after[end + 1..];
    let closing = inside.starts_with('/');
    let name: String = inside
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match name.as_str() {
        "br" => text.line_break(),
        "p" | "div" | "blockquote" | "pre" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5"
        | "h6" => text.block_break(2),
        "li" => text.block_break(1),
        "script" | "style" if !closing => return skip_element(remainder, &name),
        _ => {}
    }
    remainder
}

/// The byte offset of the `>` closing a tag, skipping `>` inside quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

/// Skips past the closing tag of a raw-text element (`</script>`), or to the end.
fn skip_element<'a>(s: &'a str, name: &str) -> &'a str {
    let closing = format!("</{name}");
    let lower = s.to_ascii_lowercase();
    match lower.find(&closing) {
        Some(at) => {
            let tail = &s[at..];
            tail.find('>').map_or("", |end| &tail[end + 1..])
        }
        None => "",
    }
}

/// Decodes the entity at the start of `s` (which starts with `&`): the character and the bytes
/// used. An unknown or malformed entity is a literal `&`.
fn decode_entity(s: &str) -> (char, usize) {
    const LITERAL: (char, usize) = ('&', 1);
    let window = &s.as_bytes()[..s.len().min(MAX_ENTITY_LEN)];
    let Some(semi) = window.iter().position(|&b| b == b';') else {
        return LITERAL;
    };
    // Only ASCII bytes precede `;` in a valid entity, so this slice is on char boundaries.
    let body = &window[1..semi];
    if !body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'#') {
        return LITERAL;
    }
    let body = String::from_utf8_lossy(body);
    let decoded = match body.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        numeric => numeric.strip_prefix('#').and_then(decode_numeric),
    };
    decoded.map_or(LITERAL, |c| (c, semi + 1))
}

/// `39` → `'`, `x27` → `'` (the part after `#`). Not a number at all: `None` (a literal `&`). A
/// number that is no character (0, a surrogate, too large): U+FFFD, as HTML decodes it.
fn decode_numeric(reference: &str) -> Option<char> {
    let (digits, radix) = match reference.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (reference, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let c = u32::from_str_radix(digits, radix)
        .ok()
        .filter(|&v| v != 0)
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_typical_mention() {
        let html = r#"<p><span class="h-card" translate="no"><a href="https://example.social/@watchtime" class="u-url mention">@<span>watchtime</span></a></span> top games week</p>"#;
        assert_eq!(html_to_text(html), "@watchtime top games week");
    }

    #[test]
    fn cases() {
        let cases = [
            ("<p>one</p><p>two</p>", "one\n\ntwo"),
            ("<p>line<br>next<br />last</p>", "line\nnext\nlast"),
            ("<p>a<br><br>b</p>", "a\n\nb"),
            ("<p></p><p>only</p>", "only"),
            ("<ul><li>x</li><li>y</li></ul><p>z</p>", "x\ny\n\nz"),
            ("Tom &amp; Jerry", "Tom & Jerry"),
            (
                "&lt;b&gt; &quot;q&quot; &#39;s&#39; &apos;a&apos;",
                "<b> \"q\" 's' 'a'",
            ),
            ("&#233;t&#xE9; &#X1F600;", "été 😀"),
            ("a&nbsp;b", "a\u{a0}b"),
            ("&#0; &#xD800; &#99999999999;", "\u{fffd} \u{fffd} \u{fffd}"),
            (
                "&unknown; & &amp &#; &#x; &#xZZ;",
                "&unknown; & &amp &#; &#x; &#xZZ;",
            ),
            ("&amp;lt;", "&lt;"),
            ("x < y", "x < y"),
            ("5 <3", "5 <3"),
            ("a <!-- hidden --> b", "a  b"),
            ("a <!-- never closed", "a"),
            (r#"<a title="x > y">link</a>"#, "link"),
            ("<b>bold", "bold"),
            ("cut <span class", "cut"),
            ("<script>alert(1)</script>safe", "safe"),
            ("<SCRIPT type=x>alert('<p>')</SCRIPT >ok", "ok"),
            ("<style>p{}</style>", ""),
            ("<script>never closed", ""),
            (
                r#"<a href="https://ex.com/a"><span class="invisible">https://</span><span class="ellipsis">ex.com/a</span></a>"#,
                "https://ex.com/a",
            ),
            ("  <p>  padded  </p>  ", "padded"),
            ("Pokémon 原神 &amp; 스타", "Pokémon 原神 & 스타"),
            ("&原神;", "&原神;"),
        ];
        for (html, want) in cases {
            assert_eq!(html_to_text(html), want, "{html:?}");
        }
    }

    #[test]
    fn hostile_input_is_linear_and_safe() {
        let chunk = "<p><script>x</script><a href='\"'>&#x10FFFF;&amp;<<br/>&#9999999999;";
        let html = chunk.repeat(10 * 1024 / chunk.len() + 1);
        assert!(html.len() >= 10 * 1024);
        let text = html_to_text(&html);
        assert!(!text.contains("script"));
        assert!(text.len() < html.len());
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = html_to_text(&s);
        }

        #[test]
        fn plain_text_passes_through(s in "[^<&]*") {
            prop_assert_eq!(html_to_text(&s), s.trim());
        }

        #[test]
        fn escaped_text_round_trips(s in "[a-z<>&\"' ]{0,40}") {
            let escaped = s
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;");
            prop_assert_eq!(html_to_text(&format!("<p>{escaped}</p>")), s.trim());
        }
    }
}
