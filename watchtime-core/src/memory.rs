//! `MemoryStore`: the reference store.
//!
//! Plain maps behind a lock, computing everything with the core's own rules. It defines what the
//! SQL stores must do: the conformance suite runs the same cases against all of them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::ids::{EntityId, Game, GameId, Streamer, StreamerId};
use crate::lookup::{NameLookup, NameRecord, streamer_keys};
use crate::outbox::{
    AuthorActivity, Claim, OutboxEntry, OutboxItem, OutboxKey, OutboxState, Purpose, Settlement,
};
use crate::ports::{NameStore, OutboxStore, SnapshotStore, TotalsStore};
use crate::ranking::{RankingEntry, RankingQuery, rank};
use crate::snapshot::{SlotSnapshot, SnapshotInfo};
use crate::text::{key_len, name_key};
use crate::time::{Day, DayRange, DayWindow, Slot};
use crate::totals::{DailyTotal, DayStatus, NamedTotal, rollup};

/// The in-memory reference store. Cheap to create; holds everything until dropped.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    snapshots: BTreeMap<Slot, (SnapshotInfo, SlotSnapshot)>,
    pruned_before: Option<Slot>,
    streamers: HashMap<StreamerId, (Streamer, Slot)>,
    games: HashMap<GameId, (Game, Slot)>,
    totals: BTreeMap<Day, Vec<DailyTotal>>,
    statuses: BTreeMap<Day, DayStatus>,
    outbox: HashMap<OutboxKey, OutboxEntry>,
    cursors: HashMap<String, String>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every mutation below completes before it can panic, so a poisoned lock holds whole data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    fn named(&self, t: &DailyTotal) -> NamedTotal {
        let streamer = self
            .streamers
            .get(&t.streamer)
            .map(|(s, _)| s.clone())
            .unwrap_or_else(|| Streamer {
                id: t.streamer.clone(),
                login: String::new(),
                display_name: String::new(),
            });
        let game = t.game.as_ref().map(|g| {
            self.games
                .get(g)
                .map(|(g, _)| g.clone())
                .unwrap_or_else(|| Game {
                    id: g.clone(),
                    name: String::new(),
                })
        });
        NamedTotal {
            streamer,
            game,
            totals: t.totals,
        }
    }

    fn window_snapshots<'a>(
        &'a self,
        window: &'a DayWindow,
    ) -> impl Iterator<Item = &'a SlotSnapshot> {
        self.snapshots
            .range(Slot::from_unix(window.start.timestamp())..)
            .take_while(move |(slot, _)| slot.start() < window.end)
            .map(|(_, (_, s))| s)
    }
}

#[async_trait]
impl SnapshotStore for MemoryStore {
    async fn record_snapshot(&self, snapshot: &SlotSnapshot) -> Result<()> {
        let mut state = self.lock();
        let slot = snapshot.slot();
        for s in snapshot.streams() {
            let entry = state
                .streamers
                .entry(s.streamer.id.clone())
                .or_insert_with(|| (s.streamer.clone(), slot));
            if slot >= entry.1 {
                *entry = (s.streamer.clone(), slot);
            }
            if let Some(g) = &s.game {
                let entry = state
                    .games
                    .entry(g.id.clone())
                    .or_insert_with(|| (g.clone(), slot));
                if slot >= entry.1 {
                    *entry = (g.clone(), slot);
                }
            }
        }
        state
            .snapshots
            .insert(slot, (SnapshotInfo::of(snapshot), snapshot.clone()));
        Ok(())
    }

    async fn snapshots(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<SnapshotInfo>> {
        let state = self.lock();
        Ok(state
            .snapshots
            .values()
            .filter(|(info, _)| from <= info.slot.start() && info.slot.start() < to)
            .map(|(info, _)| info.clone())
            .collect())
    }

    async fn prune_samples(&self, before: Slot) -> Result<u64> {
        let mut state = self.lock();
        let mut removed = 0;
        for (_, (_, snap)) in state.snapshots.range_mut(..before) {
            removed += snap.drop_samples() as u64;
        }
        state.pruned_before = Some(state.pruned_before.map_or(before, |p| p.max(before)));
        Ok(removed)
    }
}

#[async_trait]
impl TotalsStore for MemoryStore {
    async fn close_day(
        &self,
        window: &DayWindow,
        slots_expected: u32,
        now: DateTime<Utc>,
    ) -> Result<DayStatus> {
        let mut state = self.lock();
        if state
            .pruned_before
            .is_some_and(|p| window.start < p.start())
        {
            return Err(Error::invalid(format!(
                "the raw samples of day {} were pruned; its stored totals are kept as they are",
                window.day
            )));
        }
        let snaps: Vec<&SlotSnapshot> = state.window_snapshots(window).collect();
        let totals = rollup(window.day, snaps.iter().copied());
        let status = DayStatus {
            day: window.day,
            slots_expected,
            slots_observed: snaps.len() as u32,
            slots_incomplete: snaps
                .iter()
                .filter(|s| !s.completeness().is_complete())
                .count() as u32,
            closed_at: now,
        };
        state.totals.insert(window.day, totals);
        state.statuses.insert(window.day, status.clone());
        Ok(status)
    }

    async fn preview_day(&self, window: &DayWindow) -> Result<Vec<NamedTotal>> {
        let state = self.lock();
        let totals = rollup(window.day, state.window_snapshots(window));
        Ok(totals.iter().map(|t| state.named(t)).collect())
    }

    async fn day_totals(&self, day: Day) -> Result<Vec<DailyTotal>> {
        Ok(self.lock().totals.get(&day).cloned().unwrap_or_default())
    }

    async fn day_statuses(&self, range: DayRange) -> Result<Vec<DayStatus>> {
        let state = self.lock();
        Ok(state
            .statuses
            .range(range.from..=range.to)
            .map(|(_, s)| s.clone())
            .collect())
    }

    async fn last_closed_day(&self) -> Result<Option<Day>> {
        Ok(self.lock().statuses.keys().next_back().copied())
    }

    async fn rank(&self, query: &RankingQuery) -> Result<Vec<RankingEntry>> {
        let state = self.lock();
        let rows: Vec<NamedTotal> = state
            .totals
            .range(query.range.from..=query.range.to)
            .flat_map(|(_, totals)| totals.iter().map(|t| state.named(t)))
            .collect();
        Ok(rank(&rows, &query.subject, query.top))
    }
}

#[async_trait]
impl NameStore for MemoryStore {
    async fn find_names(&self, lookup: &NameLookup) -> Result<Vec<NameRecord>> {
        let state = self.lock();
        let matches = |keys: &[String]| match lookup {
            NameLookup::Exact(key) => keys.iter().any(|k| k == key),
            NameLookup::KeyLength { min, max } => {
                keys.iter().any(|k| (*min..=*max).contains(&key_len(k)))
            }
        };
        let mut out = Vec::new();
        for (g, seen) in state.games.values() {
            let keys = vec![name_key(&g.name)];
            if matches(&keys) {
                out.push(NameRecord {
                    id: EntityId::Game(g.id.clone()),
                    name: g.name.clone(),
                    keys,
                    last_seen: *seen,
                });
            }
        }
        for (s, seen) in state.streamers.values() {
            let keys = streamer_keys(s);
            if matches(&keys) {
                out.push(NameRecord {
                    id: EntityId::Streamer(s.id.clone()),
                    name: s.shown_name().to_owned(),
                    keys,
                    last_seen: *seen,
                });
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl OutboxStore for MemoryStore {
    async fn claim(&self, item: &OutboxItem, now: DateTime<Utc>) -> Result<Claim> {
        let mut state = self.lock();
        let Some(e) = state.outbox.get_mut(&item.key) else {
            state.outbox.insert(
                item.key.clone(),
                OutboxEntry {
                    key: item.key.clone(),
                    purpose: item.purpose,
                    author: item.author.clone(),
                    state: OutboxState::Pending,
                    attempts: 1,
                    remote_id: None,
                    detail: None,
                    payload: Some(item.payload.clone()),
                    created_at: now,
                    updated_at: now,
                },
            );
            return Ok(Claim::Fresh {
                payload: item.payload.clone(),
            });
        };
        let claim = e.clone().reclaim(&item.payload);
        if let Some(payload) = claim.payload() {
            e.state = OutboxState::Pending;
            e.attempts += 1;
            e.updated_at = now;
            e.payload = Some(payload.clone());
        }
        Ok(claim)
    }

    async fn settle(
        &self,
        key: &OutboxKey,
        settlement: &Settlement,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut state = self.lock();
        let entry = state.outbox.get_mut(key).ok_or_else(|| Error::NotFound {
            what: format!("outbox entry {key:?}"),
        })?;
        if entry.state.is_settled() {
            return Ok(());
        }
        entry.state = settlement.state();
        entry.remote_id = settlement.remote_id().map(str::to_owned);
        entry.detail = settlement.detail().map(str::to_owned);
        entry.updated_at = now;
        Ok(())
    }

    async fn outbox_entry(&self, key: &OutboxKey) -> Result<Option<OutboxEntry>> {
        Ok(self.lock().outbox.get(key).cloned())
    }

    async fn author_activity(
        &self,
        platform: &str,
        author: &str,
        since: DateTime<Utc>,
    ) -> Result<AuthorActivity> {
        let state = self.lock();
        let mut activity = AuthorActivity::default();
        for e in state.outbox.values() {
            if e.key.platform != platform
                || e.author.as_deref() != Some(author)
                || e.created_at < since
                || !matches!(e.state, OutboxState::Pending | OutboxState::Sent)
            {
                continue;
            }
            match e.purpose {
                Purpose::Answer => activity.answers += 1,
                Purpose::HowTo => activity.how_tos += 1,
                Purpose::Post => {}
            }
        }
        Ok(activity)
    }

    async fn mention_cursor(&self, platform: &str) -> Result<Option<String>> {
        Ok(self.lock().cursors.get(platform).cloned())
    }

    async fn set_mention_cursor(&self, platform: &str, cursor: &str) -> Result<()> {
        self.lock()
            .cursors
            .insert(platform.to_owned(), cursor.to_owned());
        Ok(())
    }
}
