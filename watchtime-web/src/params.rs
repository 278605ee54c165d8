//! The query string, read by hand so every mistake gets a message saying what to fix (a
//! malformed query never reaches a generic rejection).

use watchtime_core::{Day, DayRange};

use crate::error::WebError;

/// The longest range a request may ask for, in days.
pub const MAX_DAYS: u32 = 366;
/// The largest `top`.
pub const MAX_TOP: usize = 100;

/// The decoded pairs of a query string.
#[derive(Debug, Default, Clone)]
pub struct Params {
    pairs: Vec<(String, String)>,
    /// Whether an empty `from`, `to` or `top` is an error (the API) rather than the default (a
    /// page's form sends its empty fields).
    strict: bool,
}

impl Params {
    /// Decodes a page's `query` (the part after `?`); never fails: bad escapes are decoded
    /// lossily, and empty fields mean their default.
    pub fn parse(query: Option<&str>) -> Params {
        Params {
            pairs: url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
            strict: false,
        }
    }

    /// Decodes an API request's `query`: an empty `from`, `to` or `top` is malformed.
    pub fn parse_strict(query: Option<&str>) -> Params {
        Params {
            strict: true,
            ..Params::parse(query)
        }
    }

    /// The value of a typed parameter: empty counts as given only when strict.
    fn typed(&self, name: &str) -> Option<&str> {
        if self.strict {
            self.pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        } else {
            self.get(name)
        }
    }

    /// The first value of `name`, if given and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// `from` and `to` (inclusive); each defaults to `last` (the last closed day). With `days`
    /// (pages only: `days=7` is the week ending `to`), `from` is derived from `to`.
    pub fn range(&self, last: Day, allow_days: bool) -> Result<DayRange, WebError> {
        let to = match self.typed("to") {
            Some(v) => day("to", v)?,
            None => last,
        };
        let days = match self.get("days").filter(|_| allow_days) {
            Some(v) => Some(
                v.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_DAYS).contains(n))
                    .ok_or_else(|| {
                        WebError::BadRequest(format!(
                            "days must be a number from 1 to {MAX_DAYS}, not {:?}",
                            clip(v)
                        ))
                    })?,
            ),
            None => None,
        };
        let from = match (self.typed("from"), days) {
            (Some(v), _) => day("from", v)?,
            (None, Some(n)) => to.minus_days(n - 1),
            (None, None) if self.typed("to").is_some() => to,
            (None, None) => last.min(to),
        };
        if from > to {
            return Err(WebError::BadRequest(format!(
                "from ({from}) is after to ({to}); swap them"
            )));
        }
        let range = DayRange { from, to };
        if range.len() > MAX_DAYS {
            return Err(WebError::BadRequest(format!(
                "a range holds at most {MAX_DAYS} days; {from} to {to} is {} days",
                range.len()
            )));
        }
        Ok(range)
    }

    /// `top`, 1 to 100, or `default`.
    pub fn top(&self, default: usize) -> Result<usize, WebError> {
        match self.typed("top") {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_TOP).contains(n))
                .ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "top must be a number from 1 to {MAX_TOP}, not {:?}",
                        clip(v)
                    ))
                }),
        }
    }
}

/// Parses a `YYYY-MM-DD` day named `what`.
pub fn day(what: &str, value: &str) -> Result<Day, WebError> {
    value.parse::<Day>().map_err(|_| {
        WebError::BadRequest(format!(
            "{what} must be a day written YYYY-MM-DD, not {:?}",
            clip(value)
        ))
    })
}

/// At most 40 characters of what the client sent, for quoting it back.
pub fn clip(value: &str) -> String {
    let mut out: String = value.chars().filter(|c| !c.is_control()).take(40).collect();
    if value.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last() -> Day {
        "2026-11-26".parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn range(q: &str, pages: bool) -> Result<String, String> {
        Params::parse(Some(q))
            .range(last(), pages)
            .map(|r| format!("{}..{}", r.from, r.to))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn ranges_default_to_the_last_closed_day() {
        assert_eq!(range("", false), Ok("2026-11-26..2026-11-26".into()));
        assert_eq!(
            range("to=2026-11-01", false),
            Ok("2026-11-01..2026-11-01".into())
        );
        assert_eq!(
            range("from=2026-11-20", false),
            Ok("2026-11-20..2026-11-26".into())
        );
        assert_eq!(range("days=7", true), Ok("2026-11-20..2026-11-26".into()));
        // `days` is for pages; the API ignores it.
        assert_eq!(range("days=7", false), Ok("2026-11-26..2026-11-26".into()));
        assert_eq!(
            range("from=2025-11-26&to=2026-11-26", false),
            Ok("2025-11-26..2026-11-26".into())
        );
    }

    #[test]
    fn bad_ranges_say_what_to_fix() {
        assert_eq!(
            range("from=2026-13-01", false),
            Err(r#"from must be a day written YYYY-MM-DD, not "2026-13-01""#.into())
        );
        assert_eq!(
            range("from=2026-11-27&to=2026-11-26", false),
            Err("from (2026-11-27) is after to (2026-11-26); swap them".into())
        );
        assert_eq!(
            range("from=2025-11-25&to=2026-11-26", false),
            Err("a range holds at most 366 days; 2025-11-25 to 2026-11-26 is 367 days".into())
        );
        assert!(range("days=0", true).is_err());
        assert!(range("days=367", true).is_err());
        assert!(range("to=%00%ff", false).is_err());
        // A page's form sends empty fields: they mean the default; the API refuses them.
        assert_eq!(
            range("from=&to=", true),
            Ok("2026-11-26..2026-11-26".into())
        );
        assert_eq!(
            Params::parse_strict(Some("to="))
                .range(last(), false)
                .map_err(|e| e.to_string()),
            Err(r#"to must be a day written YYYY-MM-DD, not """#.into())
        );
    }

    #[test]
    fn top_is_one_to_a_hundred() {
        let top = |q: &str| Params::parse(Some(q)).top(5).map_err(|e| e.to_string());
        assert_eq!(top(""), Ok(5));
        assert_eq!(top("top=100"), Ok(100));
        assert_eq!(
            top("top=101"),
            Err(r#"top must be a number from 1 to 100, not "101""#.into())
        );
        assert!(top("top=0").is_err());
        assert!(top("top=-1").is_err());
        assert!(top(&format!("top={}", "9".repeat(100))).is_err());
    }
}
