//! Snapshots: what was live in one sweep, and the rules that turn one into a slot's record.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{Game, Streamer};
use crate::time::{Slot, SlotLength};

/// The default threshold: streams need more than 50 viewers to count.
pub const DEFAULT_MIN_VIEWERS: u32 = 50;

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
    /// Applies the slot, threshold and identity rules, giving what a store records.
    ///
    /// Keeps streams with `viewers > min_viewers`, drops streams with no `user_id`, and keeps the
    /// first sighting of a streamer who appears twice (Helix pages shift while they are read).
    pub fn into_slot(self, length: SlotLength, min_viewers: u32) -> SlotSnapshot {
        let mut seen = HashSet::with_capacity(self.streams.len());
        let mut report = IngestReport::default();
        let mut streams = Vec::with_capacity(self.streams.len());
        for mut s in self.streams {
            if s.streamer.id.as_str().trim().is_empty() {
                report.without_id += 1;
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
                without_id: 1
            }
        );
    }
}
