//! What a mention asks: the name, the kind it is forced to, and the window of days.
//!
//! `@bot @friend game Pokémon Scarlet week https://t.co/x` asks for the game "Pokémon Scarlet"
//! over the last seven days. Leading @handles (a reply chain), URLs and `#` are dropped; a
//! leading `game`/`streamer` word forces the kind; a trailing window word sets the range.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::Kind;
use crate::recap::RecapKind;
use crate::time::{Day, DayRange};

/// The longest query answered, in characters, after handles and URLs are removed.
pub const MAX_QUERY_CHARS: usize = 100;

/// Which days a query covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Window {
    /// The day in progress, from raw samples (provisional).
    Today,
    /// The last finished day (the default).
    Yesterday,
    /// The last `n` finished days (1 to 365).
    LastDays(u32),
    /// The previous calendar week, Monday to Sunday (`last week`), as the weekly recap counts it.
    LastWeek,
    /// The previous calendar month (`last month`), as the monthly recap counts it.
    LastMonth,
}

impl Window {
    /// The longest window a query may ask for.
    pub const MAX_DAYS: u32 = 365;

    /// The days covered, given the day in progress.
    pub fn range(self, today: Day) -> DayRange {
        match self {
            Window::Today => DayRange::single(today),
            Window::Yesterday => DayRange::single(today.previous()),
            Window::LastDays(n) => DayRange::ending(today.previous(), n),
            Window::LastWeek => RecapKind::Week.before(RecapKind::Week.period_of(today)),
            Window::LastMonth => RecapKind::Month.before(RecapKind::Month.period_of(today)),
        }
    }

    /// Parses the two-word windows, `last week` and `last month`.
    pub fn parse_two(first: &str, second: &str) -> Option<Window> {
        if !first.eq_ignore_ascii_case("last") {
            return None;
        }
        match second.to_lowercase().as_str() {
            "week" => Some(Window::LastWeek),
            "month" => Some(Window::LastMonth),
            _ => None,
        }
    }

    /// Parses a window word: `today`, `yesterday`, `week`/`7d`, `month`/`30d`, `Nd`.
    pub fn parse(word: &str) -> Option<Window> {
        let w = word.to_lowercase();
        match w.as_str() {
            "today" => Some(Window::Today),
            "yesterday" | "1d" => Some(Window::Yesterday),
            "week" => Some(Window::LastDays(7)),
            "month" => Some(Window::LastDays(30)),
            "year" => Some(Window::LastDays(365)),
            _ => {
                let n: u32 = w.strip_suffix('d')?.parse().ok()?;
                (1..=Window::MAX_DAYS).contains(&n).then_some(if n == 1 {
                    Window::Yesterday
                } else {
                    Window::LastDays(n)
                })
            }
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Today => f.write_str("today so far"),
            Window::Yesterday => f.write_str("yesterday"),
            Window::LastDays(n) => write!(f, "last {n} days"),
            Window::LastWeek => f.write_str("last week"),
            Window::LastMonth => f.write_str("last month"),
        }
    }
}

/// A parsed question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// The kind forced by a leading `game`/`streamer` word.
    pub kind: Option<Kind>,
    /// The name as written (not yet a key).
    pub name: String,
    /// The days asked about.
    pub window: Window,
}

/// Why a mention gets the "how to ask" reply instead of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    /// Nothing is left once handles, URLs and window words are removed.
    #[error("the mention names no game or streamer")]
    Empty,
    /// More than [`MAX_QUERY_CHARS`] characters are left.
    #[error("the mention is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    /// Control characters other than tab, line feed and carriage return (VT, FF, NEL and NUL
    /// included), or bidirectional overrides, are present.
    #[error("the mention contains control characters")]
    ControlCharacters,
}

/// Parses the text of a mention (or of `watchtime ask`) into a query.
pub fn parse_query(text: &str) -> Result<Query, Refusal> {
    // Cheap bound first, so a 10 KB mention costs nothing: even after removing handles and URLs,
    // a text this long cannot hold a short query plus a few dozen handles.
    if text.len() > 16 * MAX_QUERY_CHARS * 4 {
        return Err(Refusal::TooLong);
    }
    // Checked on the whole text, before `split_whitespace` turns VT, FF and NEL into spaces.
    if text.chars().any(is_forbidden_control) {
        return Err(Refusal::ControlCharacters);
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    // The leading handles of a reply chain; a handle later in the text is part of the question.
    let handles = words.iter().take_while(|w| w.starts_with('@')).count();
    words.drain(..handles);
    words.retain(|w| !is_url(w));
    let mut cleaned: Vec<String> = words
        .iter()
        .map(|w| w.replace('#', ""))
        .filter(|w| !w.is_empty())
        .collect();

    let joined = cleaned.join(" ");
    if joined.chars().count() > MAX_QUERY_CHARS {
        return Err(Refusal::TooLong);
    }

    let mut window = Window::Yesterday;
    let n = cleaned.len();
    if n > 2
        && let Some(w) = Window::parse_two(&cleaned[n - 2], &cleaned[n - 1])
    {
        window = w;
        cleaned.truncate(n - 2);
    } else if n > 1
        && let Some(w) = cleaned.last().and_then(|w| Window::parse(w))
    {
        window = w;
        cleaned.pop();
    }
    let mut kind = None;
    if cleaned.len() > 1 {
        let first = cleaned[0].trim_end_matches(':').to_lowercase();
        kind = match first.as_str() {
            "game" | "category" => Some(Kind::Game),
            "streamer" | "channel" | "user" => Some(Kind::Streamer),
            _ => None,
        };
        if kind.is_some() {
            cleaned.remove(0);
        }
    }
    let name = cleaned.join(" ");
    if name.trim().is_empty() {
        return Err(Refusal::Empty);
    }
    Ok(Query { kind, name, window })
}

fn is_url(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.")
}

/// Control characters other than tab, line feed and carriage return (the layout of a typed
/// mention, CRLF included), plus the bidirectional overrides that make text display differently
/// than it reads. VT, FF and NEL count as whitespace to Unicode but no one types them.
fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(kind: Option<Kind>, name: &str, window: Window) -> Result<Query, Refusal> {
        Ok(Query {
            kind,
            name: name.into(),
            window,
        })
    }

    #[test]
    fn table() {
        use Window::*;
        let cases: &[(&str, Result<Query, Refusal>)] = &[
            ("@watchtime Minecraft", q(None, "Minecraft", Yesterday)),
            (
                "@watchtime @alice @bob Pokémon Scarlet week",
                q(None, "Pokémon Scarlet", LastDays(7)),
            ),
            (
                "@watchtime game Elden Ring 30d",
                q(Some(Kind::Game), "Elden Ring", LastDays(30)),
            ),
            (
                "@watchtime streamer: xQc month",
                q(Some(Kind::Streamer), "xQc", LastDays(30)),
            ),
            (
                "@watchtime #Valorant today https://t.co/abc",
                q(None, "Valorant", Today),
            ),
            (
                "@watchtime\nJust Chatting\n7d",
                q(None, "Just Chatting", LastDays(7)),
            ),
            ("@watchtime 90d", q(None, "90d", Yesterday)),
            ("@watchtime game", q(None, "game", Yesterday)),
            (
                "@watchtime Fortnite 400d",
                q(None, "Fortnite 400d", Yesterday),
            ),
            (
                "@watchtime talk to @bob about chess",
                q(None, "talk to @bob about chess", Yesterday),
            ),
            ("@watchtime", Err(Refusal::Empty)),
            ("@watchtime https://example.com #", Err(Refusal::Empty)),
            ("@watchtime game week", q(None, "game", LastDays(7))),
            (
                "@watchtime bad\u{0007}bell",
                Err(Refusal::ControlCharacters),
            ),
            (
                "@watchtime evil\u{202E}name",
                Err(Refusal::ControlCharacters),
            ),
            // Tab, LF and CR (as in CRLF line endings) are layout; every other control
            // character gets the how-to reply, even where Unicode counts it as whitespace.
            (
                "@watchtime\r\nJust Chatting\r\n7d",
                q(None, "Just Chatting", LastDays(7)),
            ),
            (
                "@watchtime Just\tChatting",
                q(None, "Just Chatting", Yesterday),
            ),
            (
                "@watchtime Just\rChatting",
                q(None, "Just Chatting", Yesterday),
            ),
            (
                "@watchtime Just\u{000B}Chatting",
                Err(Refusal::ControlCharacters),
            ),
            (
                "@watchtime Just\u{000C}Chatting",
                Err(Refusal::ControlCharacters),
            ),
            (
                "@watchtime Just\u{0085}Chatting",
                Err(Refusal::ControlCharacters),
            ),
            (
                "@watchtime\u{0085}Minecraft",
                Err(Refusal::ControlCharacters),
            ),
            (
                "@watchtime Mine\u{0000}craft",
                Err(Refusal::ControlCharacters),
            ),
            (
                "@watchtime Minecraft https://x.example/\u{0007}",
                Err(Refusal::ControlCharacters),
            ),
            // Line and paragraph separators are not control characters: whitespace.
            (
                "@watchtime Just\u{2028}Chatting",
                q(None, "Just Chatting", Yesterday),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(&parse_query(text), want, "{text:?}");
        }
    }

    #[test]
    fn long_and_hostile_input() {
        assert_eq!(parse_query(&"a".repeat(101)), Err(Refusal::TooLong));
        assert!(parse_query(&"a".repeat(100)).is_ok());
        assert_eq!(parse_query(&"x".repeat(10 * 1024)), Err(Refusal::TooLong));
        assert_eq!(parse_query(&"@a ".repeat(3000)), Err(Refusal::TooLong));
        let sql = "@watchtime Robert'); DROP TABLE samples;--";
        assert_eq!(
            parse_query(sql).unwrap().name,
            "Robert'); DROP TABLE samples;--"
        );
    }

    #[test]
    fn windows() {
        let today: Day = "2026-11-28".parse().unwrap();
        assert_eq!(
            Window::Yesterday.range(today),
            DayRange::single("2026-11-27".parse().unwrap())
        );
        assert_eq!(
            Window::LastDays(7).range(today).from,
            "2026-11-21".parse().unwrap()
        );
        assert_eq!(Window::parse("365d"), Some(Window::LastDays(365)));
        assert_eq!(Window::parse("0d"), None);
        assert_eq!(Window::parse("WEEK"), Some(Window::LastDays(7)));
        // Saturday 28 Nov: last week is Monday 16 to Sunday 22; last month is October.
        assert_eq!(
            Window::LastWeek.range(today).to_string(),
            "2026-11-16 to 2026-11-22"
        );
        assert_eq!(
            Window::LastMonth.range(today).to_string(),
            "2026-10-01 to 2026-10-31"
        );
        let monday: Day = "2026-11-30".parse().unwrap();
        assert_eq!(
            Window::LastWeek.range(monday).to_string(),
            "2026-11-23 to 2026-11-29"
        );
        let leap: Day = "2028-03-01".parse().unwrap();
        assert_eq!(
            Window::LastMonth.range(leap).to_string(),
            "2028-02-01 to 2028-02-29"
        );
    }

    #[test]
    fn last_week_and_last_month() {
        let q = |text| parse_query(text).map(|q| (q.kind, q.name, q.window));
        assert_eq!(
            q("@bot Elden Ring last week"),
            Ok((None, "Elden Ring".into(), Window::LastWeek))
        );
        assert_eq!(
            q("@bot streamer xQc LAST MONTH"),
            Ok((Some(Kind::Streamer), "xQc".into(), Window::LastMonth))
        );
        // "last" alone is part of the name; so is a name that is only the two words.
        assert_eq!(
            q("@bot The Last week"),
            Ok((None, "The".into(), Window::LastWeek))
        );
        assert_eq!(
            q("@bot last week"),
            Ok((None, "last".into(), Window::LastDays(7)))
        );
        assert_eq!(
            q("@bot The Last of Us"),
            Ok((None, "The Last of Us".into(), Window::Yesterday))
        );
    }
}
