//! Axes: nice value ticks in hours, and day labels that never collide.

use watchtime_core::Day;
use watchtime_core::message::format_hours;

/// Ticks from 0 to at least `max` hours: about `target` steps of 1, 2, 2.5 or 5 × 10ⁿ hours.
pub(crate) fn hour_ticks(max_hours: f64, target: usize) -> Vec<f64> {
    let max = if max_hours > 0.0 { max_hours } else { 10.0 };
    let raw = max / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    let steps = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=steps).map(|i| i as f64 * step).collect()
}

/// A tick's label: the post's hour format without trailing zeros ("50K h", not "50.0K h").
pub(crate) fn tick_label(hours: f64) -> String {
    let text = format_hours((hours * 60.0).round() as u64);
    let (number, unit) = text.split_at(
        text.find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len()),
    );
    if !number.contains('.') {
        return text;
    }
    let trimmed = number.trim_end_matches('0').trim_end_matches('.');
    format!("{trimmed}{unit}")
}

/// How day labels are spaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DayStep {
    /// Every `n`th day, counted back from the last (so the latest day is always labelled).
    Days(u32),
    /// The first of each month.
    Months,
}

/// The candidate labels of `days` for `step`: (index, text).
pub(crate) fn day_labels(days: &[Day], step: DayStep) -> Vec<(usize, String)> {
    match step {
        DayStep::Days(n) => {
            let last = days.len().saturating_sub(1);
            days.iter()
                .enumerate()
                .filter(|(i, _)| (last - i).is_multiple_of(n as usize))
                .map(|(i, d)| (i, d.date().format("%-d %b").to_string()))
                .collect()
        }
        DayStep::Months => days
            .iter()
            .enumerate()
            .filter(|(_, d)| d.date().format("%d").to_string() == "01")
            .map(|(i, d)| {
                let format = if d.date().format("%m").to_string() == "01" {
                    "%b %Y"
                } else {
                    "%b"
                };
                (i, d.date().format(format).to_string())
            })
            .collect(),
    }
}

/// The steps tried, densest first.
pub(crate) const STEPS: [DayStep; 6] = [
    DayStep::Days(1),
    DayStep::Days(2),
    DayStep::Days(7),
    DayStep::Days(14),
    DayStep::Days(28),
    DayStep::Months,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_cover_the_maximum() {
        let cases: [(f64, &[f64]); 5] = [
            (0.0, &[0.0, 2.5, 5.0, 7.5, 10.0]),
            (9.0, &[0.0, 2.5, 5.0, 7.5, 10.0]),
            (1234.0, &[0.0, 500.0, 1000.0, 1500.0]),
            (4_710_000.0, &[0.0, 2e6, 4e6, 6e6]),
            (100.0, &[0.0, 25.0, 50.0, 75.0, 100.0]),
        ];
        for (max, want) in cases {
            assert_eq!(hour_ticks(max, 4), want, "{max}");
        }
    }

    #[test]
    fn tick_labels_drop_trailing_zeros() {
        let cases = [
            (0.0, "0 h"),
            (2.5, "2.5 h"),
            (500.0, "500 h"),
            (50_000.0, "50K h"),
            (1_500_000.0, "1.5M h"),
            (2_250_000.0, "2.25M h"),
            (2_000_000.0, "2M h"),
        ];
        for (hours, want) in cases {
            assert_eq!(tick_label(hours), want, "{hours}");
        }
    }

    #[test]
    fn day_labels_count_back_from_the_last_day() {
        let first: Day = "2026-10-28".parse().unwrap();
        let days: Vec<Day> = (0..30).map(|i| first.plus_days(i)).collect();
        let labels = day_labels(&days, DayStep::Days(7));
        let last = labels.last().unwrap();
        assert_eq!(last, &(29, "26 Nov".to_owned()));
        assert_eq!(labels.len(), 5);
        assert_eq!(labels[0], (1, "29 Oct".to_owned()));
    }

    #[test]
    fn month_labels_name_the_year_in_january() {
        let first: Day = "2025-11-20".parse().unwrap();
        let days: Vec<Day> = (0..366).map(|i| first.plus_days(i)).collect();
        let labels: Vec<String> = day_labels(&days, DayStep::Months)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(labels[..3], ["Dec", "Jan 2026", "Feb"]);
        assert_eq!(labels.len(), 12);
    }
}
