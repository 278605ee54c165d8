//! Building a recap from a store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::movement::{PreviousRanks, previous_ranks};
use crate::ports::Store;
use crate::ranking::{RankingEntry, RankingQuery, Subject};
use crate::recap::RecapKind;
use crate::settings::Settings;
use crate::time::{Day, DayRange};
use crate::totals::Coverage;

/// How far down the biggest climb is looked for: into the top 10.
const MOVER_TOP: u32 = 10;

/// How far back a record looks for the first tracked day (ten years).
const RECORD_LOOKBACK_DAYS: u32 = 3_660;

/// Everything a recap says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recap {
    /// Week or month.
    pub kind: RecapKind,
    /// The period's days.
    pub range: DayRange,
    /// How much of the period was observed; days before tracking began count as not closed.
    pub coverage: Coverage,
    /// Top games.
    pub games: Vec<RankingEntry>,
    /// Top streamers.
    pub streamers: Vec<RankingEntry>,
    /// Top games of the period before.
    #[serde(skip)]
    pub previous_games: PreviousRanks,
    /// Top streamers of the period before.
    #[serde(skip)]
    pub previous_streamers: PreviousRanks,
    /// The largest climb into the top 10, games and streamers alike.
    pub mover: Option<Mover>,
    /// The top game, or else the top streamer, when its total beats all its earlier periods.
    pub record: Option<RecordEntry>,
}

/// The biggest climb into the top 10.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mover {
    /// The entry, ranked in this period.
    pub entry: RankingEntry,
    /// Its rank in the period before (below 10).
    pub from: u32,
}

/// An entry that had its best period since tracking began.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEntry {
    /// The entry, ranked in this period.
    pub entry: RankingEntry,
    /// Its best total of an earlier period, in viewer-minutes.
    pub previous_best: u64,
}

/// The recap of `kind` over `period` (a [`RecapKind::period_of`] period), or `None` when no day
/// of it has data.
///
/// Waits ([`Error::NotReady`]) while the period's last day is not closed: days close in order,
/// so once it is, the period's only unclosed days are those before tracking began, which the
/// coverage counts as missing.
pub async fn build_recap<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    kind: RecapKind,
    period: DayRange,
) -> Result<Option<Recap>> {
    if store.last_closed_day().await?.is_none_or(|d| d < period.to) {
        return Err(Error::not_ready(format!(
            "the {kind} of {period} is not over or its last day {} is not closed yet",
            period.to
        )));
    }
    let statuses = store.day_statuses(period).await?;
    if statuses.is_empty() {
        return Ok(None);
    }
    let coverage = Coverage::of(period, &statuses);
    let deep = settings.top.max(MOVER_TOP as usize);
    let games = ranked(store, Subject::TopGames, period, deep).await?;
    let streamers = ranked(store, Subject::TopStreamers, period, deep).await?;
    let previous_games = previous_ranks(store, &Subject::TopGames, period).await?;
    let previous_streamers = previous_ranks(store, &Subject::TopStreamers, period).await?;
    let mover = biggest_climb(&[(&games, &previous_games), (&streamers, &previous_streamers)]);
    let mut games = games;
    let mut streamers = streamers;
    games.truncate(settings.top);
    streamers.truncate(settings.top);
    let record = first_record(store, kind, period, &games, &streamers).await?;
    Ok(Some(Recap {
        kind,
        range: period,
        coverage,
        games,
        streamers,
        previous_games,
        previous_streamers,
        mover,
        record,
    }))
}

/// `subject`'s top `top` over `range`.
async fn ranked<S: Store + ?Sized>(
    store: &S,
    subject: Subject,
    range: DayRange,
    top: usize,
) -> Result<Vec<RankingEntry>> {
    store
        .rank(&RankingQuery {
            subject,
            range,
            top,
        })
        .await
}

/// The largest climb into the top 10 among `lists` (each a ranking and its previous ranks);
/// ties go to the better rank now, then to the earlier list.
fn biggest_climb(lists: &[(&Vec<RankingEntry>, &PreviousRanks)]) -> Option<Mover> {
    let mut best: Option<(u32, Mover)> = None;
    for (entries, previous) in lists {
        for e in entries.iter().filter(|e| e.rank <= MOVER_TOP) {
            let Some(from) = previous.rank_of(&e.id).filter(|&p| p > MOVER_TOP) else {
                continue;
            };
            let climb = from - e.rank;
            let better = match &best {
                None => true,
                Some((c, m)) => climb > *c || (climb == *c && e.rank < m.entry.rank),
            };
            if better {
                best = Some((
                    climb,
                    Mover {
                        entry: e.clone(),
                        from,
                    },
                ));
            }
        }
    }
    best.map(|(_, m)| m)
}

/// The top game or, failing that, the top streamer, if its total beats every earlier period
/// of `kind` in which it had watch time since tracking began. An entry never seen before has no
/// record to beat: it is new, not a record. Only the two leaders are searched: each search
/// reads the entry's days since tracking began, the dearest part of a recap.
async fn first_record<S: Store + ?Sized>(
    store: &S,
    kind: RecapKind,
    period: DayRange,
    games: &[RankingEntry],
    streamers: &[RankingEntry],
) -> Result<Option<RecordEntry>> {
    let before = DayRange::ending(period.from.previous(), RECORD_LOOKBACK_DAYS);
    let Some(first) = store.day_statuses(before).await?.first().map(|s| s.day) else {
        return Ok(None);
    };
    let earlier = DayRange {
        from: first,
        to: period.from.previous(),
    };
    let candidates = [games.first(), streamers.first()];
    for entry in candidates.into_iter().flatten() {
        let mut per_period: BTreeMap<Day, u64> = BTreeMap::new();
        for d in store.entity_days(&entry.id, earlier).await? {
            *per_period.entry(kind.period_of(d.day).from).or_default() += d.totals.viewer_minutes;
        }
        if let Some(best) = per_period.values().max()
            && entry.totals.viewer_minutes > *best
        {
            return Ok(Some(RecordEntry {
                entry: entry.clone(),
                previous_best: *best,
            }));
        }
    }
    Ok(None)
}
