//! The text of a weekly or monthly recap.
//!
//! What gives way to the limit, in order: names are shortened; then fewer entries are shown
//! (five games and five streamers, then four of each, …) while the biggest climb and the record
//! stay; then those two lines go; then the rank-change markers. Nothing is cut blindly.

use crate::message::fit::{Draft, Part};
use crate::message::hours::format_hours;
use crate::message::labels::range_label;
use crate::message::limit::TextLimit;
use crate::message::posts::{coverage_note, ranking_lines};
use crate::movement::PreviousRanks;
use crate::ranking::RankingEntry;
use crate::recap::{Recap, RecapKind};

/// The text of `recap` fitted to `limit`; `None` when it has no entry to show.
pub fn recap_post(recap: &Recap, limit: &TextLimit) -> Option<String> {
    if recap.games.is_empty() && recap.streamers.is_empty() {
        return None;
    }
    let most = recap.games.len().max(recap.streamers.len());
    let mut tries = Vec::new();
    for shown in (1..=most).rev() {
        tries.push((shown, true, true, true));
    }
    tries.extend([(1, true, false, true), (1, false, false, true)]);
    for shown in (1..=most).rev() {
        tries.push((shown, false, false, false));
    }
    for (shown, mover, record, markers) in tries {
        if let Some(text) = draft(recap, shown, mover, record).fit_whole(limit, markers) {
            return Some(text);
        }
    }
    Some(draft(recap, 1, false, false).fit(limit))
}

/// `Week on Twitch, 30 Nov – 6 Dec` or `Month on Twitch, November 2026`.
fn title(recap: &Recap) -> String {
    match recap.kind {
        RecapKind::Week => format!("Week on Twitch, {}", range_label(&recap.range)),
        RecapKind::Month => format!(
            "Month on Twitch, {}",
            recap.range.from.date().format("%B %Y")
        ),
    }
}

fn draft(recap: &Recap, shown: usize, mover: bool, record: bool) -> Draft {
    let mut lines = Vec::new();
    let mut section = |name: &str, entries: &[RankingEntry], previous: &PreviousRanks| {
        if entries.is_empty() {
            return;
        }
        lines.push(vec![Part::text(name)]);
        let entries = &entries[..shown.min(entries.len())];
        lines.extend(ranking_lines(entries, previous));
    };
    section("Top games", &recap.games, &recap.previous_games);
    section("Top streamers", &recap.streamers, &recap.previous_streamers);
    if mover && let Some(m) = &recap.mover {
        lines.push(vec![
            Part::text("Biggest climb: "),
            Part::name(&m.entry.name),
            Part::text(format!(", #{} → #{}", m.from, m.entry.rank)),
        ]);
    }
    if record && let Some(r) = &recap.record {
        lines.push(vec![
            Part::text("Record: "),
            Part::name(&r.entry.name),
            Part::text(format!(
                ", best {} since tracking began ({})",
                recap.kind.noun(),
                format_hours(r.entry.totals.viewer_minutes)
            )),
        ]);
    }
    Draft {
        head: vec![Part::text(title(recap))],
        lines,
        tail: coverage_note(&recap.coverage, recap.range.len()),
    }
}
