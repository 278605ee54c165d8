//! Asking: from a question's text to an [`Answer`].

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::ids::{EntityId, Kind};
use crate::lookup::{
    NameLookup, NameRecord, Resolution, lookups_for, preference, resolve, suggestions,
};
use crate::message::Answer;
use crate::ports::Store;
use crate::query::{Query, Window, parse_query};
use crate::ranking::{RankingEntry, RankingQuery, Subject, rank};
use crate::settings::Settings;
use crate::text::{MIN_SUGGESTION_LEN, key_len};
use crate::totals::{Coverage, Totals};

/// Answers the question in `text` (a mention's text, or `watchtime ask`) as of `now`.
///
/// Never fails on the text itself: unreadable questions get [`Answer::HowTo`], unknown names
/// [`Answer::NotFound`]. Errors come only from the store.
pub async fn answer_text<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Answer> {
    match parse_query(text) {
        Ok(query) => answer_query(store, settings, &query, now).await,
        Err(_) => Ok(Answer::HowTo),
    }
}

/// Looks up a parsed query's name and ranks its window.
pub async fn answer_query<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<Answer> {
    let (record, suggested) = match find_name(store, &query.name, query.kind).await? {
        Resolution::Found(r) => (r, false),
        Resolution::DidYouMean(r, _) => (r, true),
        Resolution::NotFound => return Ok(Answer::NotFound),
    };
    let subject = Subject::of(&record.id);
    let today = settings.calendar.day_of(now);
    let range = query.window.range(today);
    let (entries, coverage, totals) = if query.window == Window::Today {
        today_so_far(store, settings, &record.id, now).await?
    } else {
        let ranking = RankingQuery {
            subject,
            range,
            top: settings.top,
        };
        let entries = store.rank(&ranking).await?;
        let coverage = Coverage::of(range, &store.day_statuses(range).await?);
        let mut totals: Option<Totals> = None;
        for day in store.entity_days(&record.id, range).await? {
            *totals.get_or_insert_with(Totals::default) += day.totals;
        }
        (entries, coverage, totals)
    };
    let NameRecord { id, name, .. } = record;
    let kind = id.kind();
    if entries.is_empty() {
        return Ok(Answer::NoData {
            kind,
            name,
            suggested,
            window: query.window,
            range,
        });
    }
    Ok(Answer::Ranking {
        kind,
        name,
        suggested,
        window: query.window,
        range,
        entries,
        coverage,
        totals,
    })
}

/// Looks `name` up in the store by the lookup rule ([`resolve`]): exact names first, then the
/// closest of those of similar length. `kind` forces games or streamers.
pub async fn find_name<S: Store + ?Sized>(
    store: &S,
    name: &str,
    kind: Option<Kind>,
) -> Result<Resolution> {
    let (key, fuzzy) = lookups_for(name);
    let exact = store.find_names(&NameLookup::Exact(key.clone())).await?;
    let found = resolve(&key, kind, &exact, &[]);
    if !matches!(found, Resolution::NotFound) {
        return Ok(found);
    }
    let Some(fuzzy) = fuzzy else {
        return Ok(Resolution::NotFound);
    };
    let candidates = store.find_names(&fuzzy).await?;
    Ok(resolve(&key, kind, &exact, &candidates))
}

/// What a search box finds for a text: the name it means, or else the closest names.
#[derive(Clone, Debug, PartialEq)]
pub struct NameSearch {
    /// The exact match (by [`resolve`]'s order), if any.
    pub found: Option<NameRecord>,
    /// Without an exact match, the names that start with the text, then the most similar names
    /// (the best of those is the "did you mean" of a reply); empty when there is an exact match.
    pub did_you_mean: Vec<NameRecord>,
    /// How many of `did_you_mean` (the first ones) start with the text: when just one does, it
    /// is the one completion of what was typed.
    pub completions: usize,
}

/// Searches names as a mention's lookup does, but without an exact match lists up to `limit`
/// names: those whose key starts with the text's key, then the most similar ones. `kind` forces
/// games or streamers.
pub async fn search_names<S: Store + ?Sized>(
    store: &S,
    name: &str,
    kind: Option<Kind>,
    limit: usize,
) -> Result<NameSearch> {
    let (key, fuzzy) = lookups_for(name);
    let exact = store.find_names(&NameLookup::Exact(key.clone())).await?;
    if let Resolution::Found(r) = resolve(&key, kind, &exact, &[]) {
        return Ok(NameSearch {
            found: Some(r),
            did_you_mean: Vec::new(),
            completions: 0,
        });
    }
    if key_len(&key) < MIN_SUGGESTION_LEN {
        return Ok(NameSearch {
            found: None,
            did_you_mean: Vec::new(),
            completions: 0,
        });
    }
    // Names that start with what was typed come first (games first, the most recently seen
    // first), then the most similar names.
    let mut prefixed: Vec<NameRecord> = store
        .find_names(&NameLookup::Prefix(key.clone()))
        .await?
        .into_iter()
        .filter(|r| kind.is_none_or(|k| r.id.kind() == k))
        .collect();
    prefixed.sort_by(preference);
    let candidates = match fuzzy {
        Some(fuzzy) => store.find_names(&fuzzy).await?,
        None => Vec::new(),
    };
    let completions = prefixed.len();
    let mut did_you_mean = prefixed;
    for (r, _) in suggestions(&key, kind, &candidates, limit) {
        if !did_you_mean.iter().any(|d| d.id == r.id) {
            did_you_mean.push(r);
        }
    }
    did_you_mean.truncate(limit);
    Ok(NameSearch {
        found: None,
        completions: completions.min(did_you_mean.len()),
        did_you_mean,
    })
}

/// The ranking of the day in progress for a question about `id`, from raw samples, with
/// coverage so far and `id`'s own totals.
async fn today_so_far<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    id: &EntityId,
    now: DateTime<Utc>,
) -> Result<(Vec<RankingEntry>, Coverage, Option<Totals>)> {
    let window = settings.calendar.window(settings.calendar.day_of(now));
    let rows = store.preview_day(&window).await?;
    let snapshots = store.snapshots(window.start, now).await?;
    let coverage = Coverage {
        slots_observed: snapshots.len() as u32,
        slots_expected: settings.slot_length.slots_between(window.start, now),
        slots_incomplete: snapshots
            .iter()
            .filter(|s| !s.completeness.is_complete())
            .count() as u32,
        days_not_closed: 0,
    };
    let own = match id {
        EntityId::Game(_) => Subject::TopGames,
        EntityId::Streamer(_) => Subject::TopStreamers,
    };
    let totals = rank(&rows, &own, usize::MAX)
        .into_iter()
        .find(|e| e.id == *id)
        .map(|e| e.totals);
    Ok((
        rank(&rows, &Subject::of(id), settings.top),
        coverage,
        totals,
    ))
}
