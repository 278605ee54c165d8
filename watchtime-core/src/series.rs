//! A game's or streamer's day by day: its totals and its rank among its kind on each closed day,
//! for charts of one entity over time.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::{EntityId, Kind};
use crate::ports::TotalsStore;
use crate::ranking::{RankingQuery, Subject};
use crate::time::{Day, DayRange};
use crate::totals::{DailyTotal, Totals};

/// One closed day of a game or streamer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityDay {
    /// The day.
    pub day: Day,
    /// Its sums that day (a game's over all its streamers, a streamer's over all its games).
    pub totals: Totals,
    /// Its position among all games (or all streamers) that day, by the ranking rule
    /// ([`crate::ranking::ranking_order`]); 1 is the most watched.
    pub rank: u32,
}

/// Where one entity stands among its kind in one day's totals, before ties are broken by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Its sums that day.
    pub totals: Totals,
    /// How many of its kind watched strictly more.
    pub above: u32,
    /// Those with exactly its viewer-minutes: the name (then the id) decides between them.
    pub tied: Vec<EntityId>,
}

/// Where `id` stands in `totals` (one day's rows), or `None` if it has no row that day. Time with
/// no category counts for its streamer but never for a game, as in rankings.
pub fn standing(id: &EntityId, totals: &[DailyTotal]) -> Option<Standing> {
    let kind = id.kind();
    let mut sums: HashMap<&str, Totals> = HashMap::new();
    for row in totals {
        let key = match kind {
            Kind::Game => match &row.game {
                Some(g) => g.as_str(),
                None => continue,
            },
            Kind::Streamer => row.streamer.as_str(),
        };
        *sums.entry(key).or_default() += row.totals;
    }
    let mine = *sums.get(id.as_str())?;
    let mut above = 0u32;
    let mut tied = Vec::new();
    for (other, t) in &sums {
        if *other == id.as_str() {
            continue;
        }
        if t.viewer_minutes > mine.viewer_minutes {
            above += 1;
        } else if t.viewer_minutes == mine.viewer_minutes {
            tied.push(EntityId::new(kind, *other));
        }
    }
    tied.sort();
    Some(Standing {
        totals: mine,
        above,
        tied,
    })
}

/// The rank of `id` on `day`, given how many of its kind watched more that day (`above`) and
/// how many exactly as much (`tied`): `above + 1` without a tie; a tie is settled by the ranking
/// rule (name, then id) through the store's own ranking of the day. Stores that count `above`
/// and `tied` in SQL finish with this, so ties are broken in one place.
pub async fn settle_rank<S: TotalsStore + ?Sized>(
    store: &S,
    id: &EntityId,
    day: Day,
    above: u32,
    tied: usize,
) -> Result<u32> {
    if tied == 0 {
        return Ok(above + 1);
    }
    let subject = match id.kind() {
        Kind::Game => Subject::TopGames,
        Kind::Streamer => Subject::TopStreamers,
    };
    let ranking = store
        .rank(&RankingQuery {
            subject,
            range: DayRange::single(day),
            top: above as usize + tied + 1,
        })
        .await?;
    Ok(ranking
        .iter()
        .find(|e| e.id == *id)
        .map_or(above + 1, |e| e.rank))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{GameId, StreamerId};

    fn row(streamer: &str, game: Option<&str>, vm: u64) -> DailyTotal {
        DailyTotal {
            day: Day::from_ymd(2026, 11, 26).unwrap_or_else(|| panic!("a day")),
            streamer: StreamerId::new(streamer),
            game: game.map(GameId::new),
            totals: Totals {
                viewer_minutes: vm,
                airtime_minutes: 30,
                peak_viewers: (vm / 30) as u32,
            },
        }
    }

    #[test]
    fn sums_its_rows_and_counts_who_is_above_and_level() {
        let rows = [
            row("1", Some("chess"), 900),
            row("1", Some("go"), 600),
            row("2", Some("chess"), 300),
            row("3", None, 5_000),
            row("4", Some("go"), 600),
            row("5", Some("poker"), 1_200),
        ];
        let chess = standing(&EntityId::Game("chess".into()), &rows).unwrap_or_else(|| panic!());
        assert_eq!(
            (chess.totals.viewer_minutes, chess.totals.airtime_minutes),
            (1_200, 60)
        );
        assert_eq!(chess.above, 0);
        assert_eq!(
            chess.tied,
            [EntityId::Game("go".into()), EntityId::Game("poker".into())]
        );
        // Uncategorised time counts for streamer 3, who tops the streamers.
        let s3 = standing(&EntityId::Streamer("3".into()), &rows).unwrap_or_else(|| panic!());
        assert_eq!((s3.above, s3.tied.len()), (0, 0));
        let s2 = standing(&EntityId::Streamer("2".into()), &rows).unwrap_or_else(|| panic!());
        assert_eq!((s2.above, s2.totals.peak_viewers), (4, 10));
        assert_eq!(standing(&EntityId::Game("none".into()), &rows), None);
    }
}
