//! Small builders for snapshots in tests.

use chrono::{DateTime, Utc};

use crate::ids::{Game, GameId, Streamer, StreamerId};
use crate::settings::Settings;
use crate::snapshot::{Completeness, SlotSnapshot, Snapshot, StreamSample};

/// A stream of streamer `id` (login `login`, display name `name`) in game `game` (`None` for no
/// category) with `viewers`.
pub fn stream(id: &str, name: &str, game: Option<(&str, &str)>, viewers: u32) -> StreamSample {
    StreamSample {
        streamer: Streamer {
            id: StreamerId::new(id),
            login: name.to_lowercase(),
            display_name: name.to_owned(),
        },
        game: game.map(|(gid, gname)| Game {
            id: GameId::new(gid),
            name: gname.to_owned(),
        }),
        viewers,
    }
}

/// A complete snapshot taken at `taken_at` (RFC 3339).
pub fn snapshot(taken_at: &str, streams: Vec<StreamSample>) -> Snapshot {
    Snapshot {
        taken_at: at(taken_at),
        completeness: Completeness::Complete,
        streams,
    }
}

/// A snapshot bound to its slot under the default settings.
pub fn slotted(taken_at: &str, streams: Vec<StreamSample>) -> SlotSnapshot {
    let s = Settings::default();
    snapshot(taken_at, streams).into_slot(s.slot_length, s.min_viewers)
}

/// Parses an RFC 3339 instant, panicking on a typo in a test.
pub fn at(t: &str) -> DateTime<Utc> {
    match t.parse() {
        Ok(t) => t,
        Err(e) => panic!("bad instant {t:?} in a test: {e}"),
    }
}
