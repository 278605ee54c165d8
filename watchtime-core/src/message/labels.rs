//! Short labels for days and ranges, as they appear in posts.

use crate::time::DayRange;

/// `Thu 26 Nov` for one day; `20–26 Nov` or `28 Oct – 26 Nov` for a range.
pub fn range_label(range: &DayRange) -> String {
    let (from, to) = (range.from.date(), range.to.date());
    if from == to {
        return from.format("%a %-d %b").to_string();
    }
    if from.format("%Y-%m").to_string() == to.format("%Y-%m").to_string() {
        format!("{}–{}", from.format("%-d"), to.format("%-d %b"))
    } else if from.format("%Y").to_string() == to.format("%Y").to_string() {
        format!("{} – {}", from.format("%-d %b"), to.format("%-d %b"))
    } else {
        format!("{} – {}", from.format("%-d %b %Y"), to.format("%-d %b %Y"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        let d = |s: &str| s.parse().unwrap();
        let r = |a, b| DayRange::new(d(a), d(b)).unwrap();
        assert_eq!(
            range_label(&DayRange::single(d("2026-11-26"))),
            "Thu 26 Nov"
        );
        assert_eq!(range_label(&r("2026-11-20", "2026-11-26")), "20–26 Nov");
        assert_eq!(
            range_label(&r("2026-10-28", "2026-11-26")),
            "28 Oct – 26 Nov"
        );
        assert_eq!(
            range_label(&r("2025-12-28", "2026-01-03")),
            "28 Dec 2025 – 3 Jan 2026"
        );
    }
}
