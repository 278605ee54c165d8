//! Replies to mentions.

use serde::{Deserialize, Serialize};

use crate::ids::Kind;
use crate::message::fit::{Draft, Part};
use crate::message::hours::format_count;
use crate::message::labels::range_label;
use crate::message::limit::TextLimit;
use crate::message::posts::{coverage_note, ranking_lines};
use crate::movement::PreviousRanks;
use crate::query::Window;
use crate::ranking::RankingEntry;
use crate::time::DayRange;
use crate::totals::{Coverage, Totals};

/// What the bot has to say to one mention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// The ranking of a game's streamers or a streamer's games.
    Ranking {
        /// Whether the subject is a game or a streamer.
        kind: Kind,
        /// Its shown name.
        name: String,
        /// True when the name was not found exactly and this is the closest one.
        suggested: bool,
        /// The window asked for.
        window: Window,
        /// The days it covers.
        range: DayRange,
        /// The ranking (streamers of a game, or games of a streamer).
        entries: Vec<RankingEntry>,
        /// How much of the range was observed.
        coverage: Coverage,
        /// The subject's own totals over the range, when known: a streamer's reply shows its
        /// average viewers and hours streamed, a game's its peak viewers, where they fit.
        #[serde(default)]
        totals: Option<Totals>,
    },
    /// The name is known but has no watch time in the window.
    NoData {
        /// Game or streamer.
        kind: Kind,
        /// Its shown name.
        name: String,
        /// True when this is a "did you mean" guess.
        suggested: bool,
        /// The window asked for.
        window: Window,
        /// The days it covers.
        range: DayRange,
    },
    /// No game or streamer has that name, or one close to it.
    NotFound,
    /// The mention could not be read as a question.
    HowTo,
}

/// The text of a reply, starting with `prefix` (e.g. `@alice ` where a platform needs the
/// author's handle in the text), fitted to `limit`.
///
/// Nothing the asker wrote is echoed back, so a hostile mention cannot make the bot repeat it.
pub fn reply_text(answer: &Answer, prefix: &str, limit: &TextLimit) -> String {
    let draft = match answer {
        Answer::Ranking {
            kind,
            name,
            suggested,
            window,
            range,
            entries,
            coverage,
            totals,
        } => {
            let what = match kind {
                Kind::Game => "top streamers",
                Kind::Streamer => "top games",
            };
            let mut head = vec![Part::text(prefix)];
            if *suggested {
                head.extend([
                    Part::text("Did you mean "),
                    Part::name(name),
                    Part::text(format!(
                        "? {}, {}",
                        capitalize(what),
                        window_label(*window, range)
                    )),
                ]);
            } else {
                head.extend([
                    Part::name(name),
                    Part::text(format!(": {what}, {}", window_label(*window, range))),
                ]);
            }
            head.extend(
                totals
                    .and_then(|t| subject_stats(*kind, &t))
                    .map(Part::Marker),
            );
            Draft {
                head,
                lines: ranking_lines(entries, &PreviousRanks::untracked()),
                tail: coverage_note(coverage, range.len()),
            }
        }
        Answer::NoData {
            name,
            suggested,
            window,
            range,
            ..
        } => {
            let mut head = vec![Part::text(prefix)];
            if *suggested {
                head.extend([
                    Part::text("Did you mean "),
                    Part::name(name),
                    Part::text("? "),
                ]);
            }
            head.extend([
                Part::text("No watch time recorded for "),
                Part::name(name),
                Part::text(format!(", {}.", window_label(*window, range))),
            ]);
            Draft {
                head,
                ..Draft::default()
            }
        }
        Answer::NotFound => Draft {
            head: vec![Part::text(format!(
                "{prefix}I know no game or streamer by that name. Try the name as Twitch shows it, e.g. “Minecraft” or “streamer shroud week”."
            ))],
            ..Draft::default()
        },
        Answer::HowTo => Draft {
            head: vec![Part::text(format!(
                "{prefix}Ask me about a game or a streamer, e.g. “Minecraft”, “game Elden Ring week” or “streamer shroud 30d”. I reply with the top 5 of yesterday, or of today, week, month or Nd if you add it."
            ))],
            ..Draft::default()
        },
    };
    draft.fit(limit)
}

fn window_label(window: Window, range: &DayRange) -> String {
    match window {
        Window::Yesterday => range_label(range),
        Window::Today => format!("today so far ({})", range_label(range)),
        Window::LastDays(n) => format!("last {n} days ({})", range_label(range)),
        Window::LastWeek => format!("last week ({})", range_label(range)),
        Window::LastMonth => format!("last month ({})", range.from.date().format("%B %Y")),
    }
}

/// A line under a reply's head: a streamer's average viewers (watch time over airtime) and
/// hours streamed; a game's peak viewers (the largest audience of one channel in it: what the
/// stores keep). Shown only where it fits, like a rank-change marker.
fn subject_stats(kind: Kind, totals: &Totals) -> Option<String> {
    match kind {
        Kind::Streamer => {
            let average = totals.viewer_minutes.checked_div(totals.airtime_minutes)?;
            let hours = totals.airtime_minutes as f64 / 60.0;
            let hours = format!("{hours:.1}");
            Some(format!(
                "\nAvg {} viewers, {} h streamed",
                format_count(average),
                hours.strip_suffix(".0").unwrap_or(&hours)
            ))
        }
        Kind::Game => (totals.peak_viewers > 0).then(|| {
            format!(
                "\nPeak {} viewers on one channel",
                format_count(u64::from(totals.peak_viewers))
            )
        }),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
