//! Hours for display: compact, three significant digits.

/// Formats viewer-minutes as hours watched: `789 h`, `45.6K h`, `1.23M h`.
///
/// Below 10 hours one decimal is kept (`2.5 h`) so small numbers do not all read `0 h`.
pub fn format_hours(viewer_minutes: u64) -> String {
    let hours = viewer_minutes as f64 / 60.0;
    if hours < 9.95 {
        let s = format!("{hours:.1}");
        return format!("{} h", s.strip_suffix(".0").unwrap_or(&s));
    }
    if hours < 999.5 {
        return format!("{hours:.0} h");
    }
    const UNITS: [(f64, &str); 4] = [(1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T")];
    for (i, (scale, unit)) in UNITS.iter().enumerate() {
        let v = hours / scale;
        let text = three_significant(v);
        // Rounding can carry into the next unit (999.96K is 1.00M).
        if text.parse::<f64>().unwrap_or(0.0) < 1000.0 || i == UNITS.len() - 1 {
            return format!("{text}{unit} h");
        }
    }
    unreachable!("the last unit always returns")
}

/// Formats a viewer count with thousands grouped: `950`, `12,345`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn three_significant(v: f64) -> String {
    if v < 9.995 {
        format!("{v:.2}")
    } else if v < 99.95 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let got: Vec<String> = [0, 950, 1_000, 12_345, 1_234_567]
            .into_iter()
            .map(format_count)
            .collect();
        assert_eq!(got, ["0", "950", "1,000", "12,345", "1,234,567"]);
    }

    #[test]
    fn table() {
        let h = |hours: f64| (hours * 60.0).round() as u64;
        let cases = [
            (0, "0 h"),
            (h(0.5), "0.5 h"),
            (h(2.0), "2 h"),
            (h(9.96), "10 h"),
            (h(789.0), "789 h"),
            (h(999.4), "999 h"),
            (h(999.6), "1.00K h"),
            (h(1234.0), "1.23K h"),
            (h(45_600.0), "45.6K h"),
            (h(99_960.0), "100K h"),
            (h(789_000.0), "789K h"),
            (h(999_990.0), "1.00M h"),
            (h(1_230_000.0), "1.23M h"),
            (h(2.5e9), "2.50B h"),
            (u64::MAX, "307446T h"),
        ];
        for (vm, want) in cases {
            assert_eq!(format_hours(vm), want, "{vm}");
        }
    }
}
