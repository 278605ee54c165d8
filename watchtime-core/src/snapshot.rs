//! Snapshots: what was live in one sweep, and the rules that turn one into a slot's record.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{Game, Streamer};
use crate::time::{Slot, SlotLength, Span};

/// The default threshold: streams need more than 50 viewers to count.
pub const DEFAULT_MIN_VIEWERS: u32 = 50;

/// The earliest `taken_at` accepted, 2011-01-01T00:00:00Z in Unix seconds: Twitch began that
/// year, so an older snapshot comes from a broken clock or a bad file (a year 0001 or 1969 date
/// would otherwise be stored, and its day closed).
pub const EARLIEST_TAKEN_AT_UNIX: i64 = 1_293_840_000;

/// How far after "now" a `taken_at` may lie: clocks disagree by seconds, not by a day.
pub fn max_ahead() -> TimeDelta {
    TimeDelta::days(1)
}

/// Whether `id` can be a Helix `user_id` or `game_id`: ASCII digits only, as Twitch issues them.
/// Anything else (letters, spaces, NUL, control characters, bidirectional overrides) is not an
/// id Twitch sent.
pub fn is_helix_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// One live stream as seen in a sweep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSample {
    /// Who is broadcasting.
    pub streamer: Streamer,
    /// The category, or `None` for a stream with no category (empty `game_id`).
    pub game: Option<Game>,
    /// Concurrent viewers when seen.
    pub viewers: u32,
}

/// Whether a sweep read every page it meant to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Completeness {
    /// Every page down to the threshold was read.
    Complete,
    /// Some pages were lost; the streams are those read before the failure.
    Incomplete {
        /// Why, for coverage reports and logs.
        reason: String,
    },
}

impl Completeness {
    /// Whether the sweep was complete.
    pub fn is_complete(&self) -> bool {
        matches!(self, Completeness::Complete)
    }

    /// The reason the sweep was cut short, if it was.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Completeness::Complete => None,
            Completeness::Incomplete { reason } => Some(reason),
        }
    }
}

/// One sweep of live streams, as a source returns it: not yet thresholded or deduplicated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When the sweep started; it decides the slot.
    pub taken_at: DateTime<Utc>,
    /// Whether every page was read.
    pub completeness: Completeness,
    /// The streams in the order the source saw them (Helix: viewers, descending).
    pub streams: Vec<StreamSample>,
}

impl Snapshot {
    /// Refuses a snapshot that no sweep can have taken: one dated before 2011
    /// ([`EARLIEST_TAKEN_AT_UNIX`]) or more than a day ([`max_ahead`]) after `now`. Imports report
    /// it as a bad line; collecting refuses it (the machine's clock is wrong).
    pub fn check_taken_at(&self, now: DateTime<Utc>) -> Result<()> {
        let t = self.taken_at;
        if t.timestamp() < EARLIEST_TAKEN_AT_UNIX {
            return Err(Error::invalid(format!(
                "taken_at {} is before 2011, when Twitch began",
                t.to_rfc3339()
            )));
        }
        if t > now + max_ahead() {
            return Err(Error::invalid(format!(
                "taken_at {} is more than a day after now ({})",
                t.to_rfc3339(),
                now.to_rfc3339()
            )));
        }
        Ok(())
    }

    /// Applies the slot, threshold and identity rules, giving what a store records.
    ///
    /// Keeps streams with `viewers > min_viewers`, and the first sighting of a streamer who
    /// appears twice (Helix pages shift while they are read). Drops a stream with no `user_id`,
    /// and one whose `user_id` or `game_id` is not a Helix id ([`is_helix_id`]): the stream is
    /// dropped and counted, the rest of the snapshot is kept, so one garbled stream does not
    /// cost a slot. An empty `game_id` is no category.
    pub fn into_slot(self, length: SlotLength, min_viewers: u32) -> SlotSnapshot {
        let mut seen = HashSet::with_capacity(self.streams.len());
        let mut report = IngestReport::default();
        let mut streams = Vec::with_capacity(self.streams.len());
        for mut s in self.streams {
            if s.streamer.id.as_str().trim().is_empty() {
                report.without_id += 1;
                continue;
            }
            if !is_helix_id(s.streamer.id.as_str())
                || s.game.as_ref().is_some_and(|g| {
                    !g.id.as_str().trim().is_empty() && !is_helix_id(g.id.as_str())
                })
            {
                report.malformed_ids += 1;
                continue;
            }
            if s.viewers <= min_viewers {
                report.below_threshold += 1;
                continue;
            }
            if !seen.insert(s.streamer.id.clone()) {
                report.duplicates += 1;
                continue;
            }
            if s.game
                .as_ref()
                .is_some_and(|g| g.id.as_str().trim().is_empty())
            {
                s.game = None;
            }
            clean_name(&mut s.streamer.login);
            clean_name(&mut s.streamer.display_name);
            if let Some(g) = &mut s.game {
                clean_name(&mut g.name);
            }
            streams.push(s);
        }
        report.kept = streams.len();
        SlotSnapshot {
            slot: length.slot_of(self.taken_at),
            length,
            taken_at: self.taken_at,
            completeness: self.completeness,
            streams,
            report,
        }
    }
}

/// Removes control characters (NUL included, which PostgreSQL text cannot hold) from a name.
fn clean_name(name: &mut String) {
    if name.chars().any(char::is_control) {
        name.retain(|c| !c.is_control());
    }
}

/// What [`Snapshot::into_slot`] kept and dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Streams kept.
    pub kept: usize,
    /// Streams at or under the threshold.
    pub below_threshold: usize,
    /// Later sightings of a streamer already kept.
    pub duplicates: usize,
    /// Streams with an empty `user_id`.
    pub without_id: usize,
    /// Streams whose `user_id` or `game_id` is not a Helix id (ASCII digits).
    pub malformed_ids: usize,
}

/// A snapshot bound to its slot, thresholded and deduplicated: what a [`crate::Store`] records.
///
/// Only [`Snapshot::into_slot`] makes one, so a store can rely on one sample per streamer and
/// every sample above the threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotSnapshot {
    slot: Slot,
    length: SlotLength,
    taken_at: DateTime<Utc>,
    completeness: Completeness,
    streams: Vec<StreamSample>,
    report: IngestReport,
}

impl SlotSnapshot {
    /// The slot the snapshot counts for.
    pub fn slot(&self) -> Slot {
        self.slot
    }

    /// The slot length, which is the credit multiplier of every sample.
    pub fn length(&self) -> SlotLength {
        self.length
    }

    /// The span of time it counts for; see [`Span`] for how spans of other lengths may mix.
    pub fn span(&self) -> Span {
        Span {
            slot: self.slot,
            length: self.length,
        }
    }

    /// When the sweep started.
    pub fn taken_at(&self) -> DateTime<Utc> {
        self.taken_at
    }

    /// Whether the sweep was complete.
    pub fn completeness(&self) -> &Completeness {
        &self.completeness
    }

    /// The kept streams, one per streamer.
    pub fn streams(&self) -> &[StreamSample] {
        &self.streams
    }

    /// What the rules kept and dropped.
    pub fn report(&self) -> IngestReport {
        self.report
    }

    /// Drops the samples (for a store pruning raw data), returning how many there were.
    pub(crate) fn drop_samples(&mut self) -> usize {
        std::mem::take(&mut self.streams).len()
    }
}

/// The record of one stored snapshot, without its samples.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// The slot.
    pub slot: Slot,
    /// The slot length the samples were credited with.
    pub length: SlotLength,
    /// When the sweep started.
    pub taken_at: DateTime<Utc>,
    /// How many samples were kept.
    pub streams: u32,
    /// Whether the sweep was complete, and why not.
    pub completeness: Completeness,
}

impl SnapshotInfo {
    /// The span of time the snapshot counts for.
    pub fn span(&self) -> Span {
        Span {
            slot: self.slot,
            length: self.length,
        }
    }

    /// The summary of a snapshot about to be recorded.
    pub fn of(snapshot: &SlotSnapshot) -> Self {
        SnapshotInfo {
            slot: snapshot.slot,
            length: snapshot.length,
            taken_at: snapshot.taken_at,
            streams: u32::try_from(snapshot.streams.len()).unwrap_or(u32::MAX),
            completeness: snapshot.completeness.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{GameId, StreamerId};

    fn stream(id: &str, game: &str, viewers: u32) -> StreamSample {
        StreamSample {
            streamer: Streamer {
                id: StreamerId::new(id),
                login: format!("login{id}"),
                display_name: format!("Name{id}"),
            },
            game: Some(Game {
                id: GameId::new(game),
                name: format!("Game {game}"),
            }),
            viewers,
        }
    }

    #[test]
    fn threshold_dedupe_and_empty_category() {
        let snap = Snapshot {
            taken_at: "2026-11-27T16:07:00Z".parse().unwrap(),
            completeness: Completeness::Complete,
            streams: vec![
                stream("1", "10", 900),
                stream("2", "", 300),
                stream("1", "11", 880), // seen again on a later page: first sighting wins
                stream("", "10", 500),
                stream("3", "10", 51),
                stream("4", "10", 50), // at the threshold: not "over 50"
            ],
        };
        let s = snap.into_slot(SlotLength::THIRTY_MINUTES, DEFAULT_MIN_VIEWERS);
        assert_eq!(
            s.slot().start(),
            "2026-11-27T16:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let kept: Vec<_> = s
            .streams()
            .iter()
            .map(|s| (s.streamer.id.as_str(), s.viewers))
            .collect();
        assert_eq!(kept, [("1", 900), ("2", 300), ("3", 51)]);
        assert_eq!(s.streams()[0].game.as_ref().unwrap().id.as_str(), "10");
        assert_eq!(s.streams()[1].game, None);
        assert_eq!(
            s.report(),
            IngestReport {
                kept: 3,
                below_threshold: 1,
                duplicates: 1,
                without_id: 1,
                malformed_ids: 0,
            }
        );
    }

    /// Ids Twitch never sends drop their stream, and only it.
    #[test]
    fn ids_that_are_not_helix_ids_drop_their_stream() {
        let cases = [
            ("7", "10", true),
            ("7", "", true), // no category
            ("7\u{202E}", "10", false),
            ("7\u{0}", "10", false),
            ("7\u{7}", "10", false),
            ("abc", "10", false),
            (" 7", "10", false),
            ("٣", "10", false), // an Arabic-Indic digit is not ASCII
            ("7", "10\u{2066}", false),
            ("7", "x10", false),
            ("7", "\u{0}", false),
        ];
        for (user_id, game_id, kept) in cases {
            let snap = Snapshot {
                taken_at: "2026-11-27T16:07:00Z".parse().unwrap(),
                completeness: Completeness::Complete,
                streams: vec![stream(user_id, game_id, 900), stream("8", "10", 800)],
            };
            let s = snap.into_slot(SlotLength::THIRTY_MINUTES, DEFAULT_MIN_VIEWERS);
            let ids: Vec<_> = s.streams().iter().map(|s| s.streamer.id.as_str()).collect();
            let want: &[&str] = if kept { &["7", "8"] } else { &["8"] };
            assert_eq!(ids, want, "{user_id:?} / {game_id:?}");
            assert_eq!(
                s.report().malformed_ids,
                usize::from(!kept),
                "{user_id:?} / {game_id:?}"
            );
        }
    }

    #[test]
    fn taken_at_must_be_a_time_a_sweep_can_have() {
        let now: DateTime<Utc> = "2026-11-27T12:00:00Z".parse().unwrap();
        let cases = [
            ("0001-01-01T00:00:00Z", Some("before 2011")),
            ("1969-12-31T23:59:59Z", Some("before 2011")),
            ("2010-12-31T23:59:59Z", Some("before 2011")),
            ("2011-01-01T00:00:00Z", None),
            ("2026-11-27T12:00:00Z", None),
            ("2026-11-28T12:00:00Z", None),
            ("2026-11-28T12:00:01Z", Some("more than a day after now")),
            ("9999-12-31T23:59:59Z", Some("more than a day after now")),
        ];
        for (taken_at, refused) in cases {
            let snap = Snapshot {
                taken_at: taken_at.parse().unwrap(),
                completeness: Completeness::Complete,
                streams: vec![],
            };
            match (snap.check_taken_at(now), refused) {
                (Ok(()), None) => {}
                (Err(e), Some(why)) => {
                    let text = e.to_string();
                    assert!(
                        text.contains(why) && text.contains(&taken_at[..4]),
                        "{text}"
                    );
                }
                (got, want) => panic!("{taken_at}: got {got:?}, want refused: {want:?}"),
            }
        }
    }
}
