//! Small builders for snapshots in tests.

use chrono::{DateTime, Utc};

use crate::ids::{EntityId, Game, GameId, Kind, Streamer, StreamerId};
use crate::message::{DayRankings, Spotlight};
use crate::ranking::RankingEntry;
use crate::settings::Settings;
use crate::snapshot::{Completeness, SlotSnapshot, Snapshot, StreamSample};
use crate::time::Day;
use crate::totals::{Coverage, Totals};

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

/// A ranking line with round totals.
pub fn ranking_entry(rank: u32, kind: Kind, name: &str, viewer_minutes: u64) -> RankingEntry {
    RankingEntry {
        rank,
        id: EntityId::new(kind, format!("{kind}-{rank}")),
        name: name.to_owned(),
        totals: Totals {
            viewer_minutes,
            airtime_minutes: 1440,
            peak_viewers: 1000,
        },
    }
}

/// A game name of exactly 60 characters starting with `lead`.
pub fn sixty_character_name(lead: &str) -> String {
    let name: String = format!("{lead}: The Extraordinarily Long Subtitle of an Endless Saga IV")
        .chars()
        .chain(std::iter::repeat('!'))
        .take(60)
        .collect();
    name
}

/// The rankings of 2026-05-01 at their hardest to fit: five games with 60-character names,
/// five streamers with long CJK and Hangul names, the third game in the spotlight. For a
/// publisher's tests that its posts fit its limit.
pub fn long_name_rankings(coverage: Coverage) -> DayRankings {
    let games: Vec<RankingEntry> = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
        .iter()
        .enumerate()
        .map(|(i, lead)| {
            ranking_entry(
                i as u32 + 1,
                Kind::Game,
                &sixty_character_name(lead),
                90_000_000 / (i as u64 + 1),
            )
        })
        .collect();
    let names = [
        "加藤純一".repeat(15),
        "釈迦".into(),
        "스트리머".repeat(15),
        "原神配信者".into(),
        "崩壊スターレイル実況".repeat(6),
    ];
    let streamers: Vec<RankingEntry> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            ranking_entry(
                i as u32 + 1,
                Kind::Streamer,
                name,
                7_000_000 / (i as u64 + 1),
            )
        })
        .collect();
    DayRankings {
        previous: Default::default(),
        day: Day::from_ymd(2026, 5, 1).unwrap_or_else(|| Day::from_days_since_epoch(20_574)),
        coverage,
        spotlight: Some(Spotlight {
            game: games[2].clone(),
            streamers: streamers.clone(),
        }),
        games,
        streamers,
    }
}
