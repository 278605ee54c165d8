//! Relative errors against the truth, their summary, and the Markdown table.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::Hash;

use super::Accuracy;

/// The length of a ranking window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// One day.
    Day,
    /// Seven days.
    Week,
    /// Thirty days.
    Month,
}

impl Window {
    fn index(self) -> usize {
        match self {
            Window::Day => 0,
            Window::Week => 1,
            Window::Month => 2,
        }
    }
}

/// Signed relative errors `(estimate - truth) / truth` per window kind, and how often the
/// estimated top 5 was not the true top 5 (same entries in the same order).
#[derive(Debug, Default)]
pub struct Errors {
    relative: [Vec<f64>; 3],
    top5_differs: [usize; 3],
    top5_lists: [usize; 3],
}

/// The ids of `totals` by watch time, most first, ties by id.
fn ranked<K: Ord + Clone>(totals: &HashMap<K, u64>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = totals.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

impl Errors {
    /// Compares the true top `top` of one window with the store's figures for the same ids.
    pub fn compare<K: Ord + Clone + Hash>(
        &mut self,
        kind: Window,
        truth: &HashMap<K, u64>,
        estimate: &HashMap<K, u64>,
        top: usize,
    ) {
        let i = kind.index();
        let true_rank = ranked(truth);
        for (k, t) in true_rank.iter().take(top) {
            let e = estimate.get(k).copied().unwrap_or(0);
            self.relative[i].push((e as f64 - *t as f64) / *t as f64);
        }
        let est_rank = ranked(estimate);
        let five = |r: &[(K, u64)]| r.iter().take(5).map(|(k, _)| k.clone()).collect::<Vec<_>>();
        self.top5_lists[i] += 1;
        self.top5_differs[i] += usize::from(five(&true_rank) != five(&est_rank));
    }

    /// Median and 95th percentile of the absolute error, and the mean signed error, in percent.
    pub fn summary(&self, kind: Window) -> Option<(f64, f64, f64)> {
        let v = &self.relative[kind.index()];
        if v.is_empty() {
            return None;
        }
        let mut abs: Vec<f64> = v.iter().map(|e| e.abs()).collect();
        abs.sort_by(f64::total_cmp);
        let at = |q: f64| abs[((q * abs.len() as f64).ceil() as usize).clamp(1, abs.len()) - 1];
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        Some((100.0 * at(0.5), 100.0 * at(0.95), 100.0 * mean))
    }

    /// In how many percent of the top-5 lists (games and streamers) the order differed.
    pub fn top5_differs(&self, kind: Window) -> Option<f64> {
        let i = kind.index();
        (self.top5_lists[i] > 0)
            .then(|| 100.0 * self.top5_differs[i] as f64 / self.top5_lists[i] as f64)
    }

    /// How many comparisons of `kind` were made.
    pub fn count(&self, kind: Window) -> usize {
        self.relative[kind.index()].len()
    }
}

/// The Markdown table: one row per slot length.
pub fn render(a: &Accuracy) -> String {
    let mut o = String::new();
    let last = a.first.plus_days(a.days.saturating_sub(1));
    let _ = writeln!(
        o,
        "Sampling error of the store's hours against the simulator's minute-by-minute truth, \
         {} to {last} ({} days): for each window, the true top 50 games and top 100 streamers; \
         median and 95th percentile of |estimate - truth| / truth, mean signed error (bias); \
         top 5 differs = share of top-5 lists (games and streamers) whose entries or order differ \
         from the true top 5.\n",
        a.first, a.days
    );
    let _ = writeln!(
        o,
        "| slot (min) | day median | day p95 | day bias | week median | week p95 | week bias | month median | month p95 | month bias | top 5 differs (day / week / month) |"
    );
    let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (minutes, e) in &a.lanes {
        let mut row = format!("| {minutes} |");
        for kind in [Window::Day, Window::Week, Window::Month] {
            match e.summary(kind) {
                Some((med, p95, bias)) => {
                    let _ = write!(row, " {med:.2} % | {p95:.2} % | {bias:+.2} % |");
                }
                None => row.push_str(" — | — | — |"),
            }
        }
        let top5: Vec<String> = [Window::Day, Window::Week, Window::Month]
            .into_iter()
            .map(|k| {
                e.top5_differs(k)
                    .map_or_else(|| "—".to_owned(), |p| format!("{p:.0} %"))
            })
            .collect();
        let _ = writeln!(o, "{row} {} |", top5.join(" / "));
    }
    if let Some((_, e)) = a.lanes.first() {
        let _ = writeln!(
            o,
            "\nComparisons per slot length: {} day, {} week, {} month (entries × windows).",
            e.count(Window::Day),
            e.count(Window::Week),
            e.count(Window::Month)
        );
    }
    o
}
