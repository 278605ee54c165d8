//! The JSON API under `/api/v1/`, and its OpenAPI document at `/api/openapi.json`.
//!
//! The shapes are contracts (DESIGN.md, "Web and charts"): `rankings` is exactly the
//! `watchtime report --json` object, built by the same [`watchtime_core::report::report`].

mod docs;
mod model;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use watchtime_core::bot::{find_name, search_names};
use watchtime_core::lookup::{NameLookup, NameRecord, Resolution};
use watchtime_core::query::{Refusal, parse_query};
use watchtime_core::report::report;
use watchtime_core::{DayRange, EntityId, GameId, Kind, StreamerId};

pub use docs::openapi;
pub use model::{Day as DayEntry, DayStatusDoc, EntityDays, NameMatch, Named, SearchResult};

use crate::cache::{Answer, Freshness};
use crate::error::{ApiError, WebError};
use crate::params::{self, Params};
use crate::site::Site;

/// How many "did you mean" names a search lists.
pub const SUGGESTIONS: usize = 5;
/// Ids longer than this are not Twitch ids: unknown without asking the store.
const MAX_ID_LEN: usize = 64;

/// The API's routes.
pub(crate) fn routes() -> Router<Site> {
    Router::new()
        .route("/api/v1/rankings", get(rankings))
        .route("/api/v1/games/{id}/days", get(game_days))
        .route("/api/v1/streamers/{id}/days", get(streamer_days))
        .route("/api/v1/days/{day}", get(day_status))
        .route("/api/v1/search", get(search))
        .route("/api/openapi.json", get(openapi_json))
}

fn json<T: Serialize>(request: &HeaderMap, value: &T, freshness: Freshness) -> Response {
    match json_answer(value, freshness) {
        Ok(answer) => answer.respond(request),
        Err(e) => ApiError(e).into_response(),
    }
}

fn json_answer<T: Serialize>(value: &T, freshness: Freshness) -> Result<Answer, WebError> {
    serde_json::to_vec(value)
        .map(|body| Answer::new("application/json", body, freshness))
        .map_err(|e| WebError::BadRequest(format!("cannot encode the answer: {e}")))
}

/// Rankings of a day or range, exactly as `watchtime report --json` prints them.
#[utoipa::path(
    get,
    path = "/api/v1/rankings",
    tag = "rankings",
    params(
        ("from" = Option<String>, Query, format = Date, description = "First day, YYYY-MM-DD (default: the last closed day)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day, inclusive, YYYY-MM-DD (default: the last closed day); at most 366 days after from"),
        ("top" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Entries per ranking (default 5)"),
        ("game" = Option<String>, Query, description = "Rank the streamers of the game of this name instead"),
        ("streamer" = Option<String>, Query, description = "Rank the games of the streamer of this name instead"),
    ),
    responses(
        (status = 200, description = "The report", body = docs::ReportDoc),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A parameter is malformed", body = docs::ErrorDoc),
        (status = 404, description = "No game or streamer of that name", body = docs::ErrorDoc),
    )
)]
pub async fn rankings(
    State(site): State<Site>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::parse_strict(query.as_deref());
    let last = site.last_day().await?;
    let range = params.range(last, false)?;
    let top = params.top(watchtime_core::ranking::DEFAULT_TOP)?;
    let (game, streamer) = (params.get("game"), params.get("streamer"));
    if game.is_some() && streamer.is_some() {
        return Err(WebError::BadRequest("give game or streamer, not both".to_owned()).into());
    }
    let render = || async {
        let of = match (game, streamer) {
            (Some(name), _) => Some(named(&site, Kind::Game, name).await?),
            (None, Some(name)) => Some(named(&site, Kind::Streamer, name).await?),
            (None, None) => None,
        };
        let report = report(site.store.as_ref(), range, top, of.as_ref()).await?;
        let freshness = if report.days_not_closed == 0 {
            Freshness::Closed
        } else {
            Freshness::Live
        };
        json_answer(&report, freshness)
    };
    let answer = site
        .closed_answer(&crate::pages::memo_key(&uri), range, last, render)
        .await?;
    Ok(answer.respond(&headers))
}

/// Finds the game or streamer named `name`, or says what it may have meant.
async fn named(site: &Site, kind: Kind, name: &str) -> Result<NameRecord, WebError> {
    if parse_query(name).is_err() {
        return Err(WebError::BadRequest(format!(
            "the {kind} name must be 1 to 100 characters without control characters"
        )));
    }
    match find_name(site.store.as_ref(), name, Some(kind)).await? {
        Resolution::Found(r) => Ok(r),
        Resolution::DidYouMean(r, _) => Err(WebError::NotFound(format!(
            "no {kind} named {:?}; did you mean {:?} (id {})?",
            params::clip(name),
            r.name,
            r.id
        ))),
        Resolution::NotFound => Err(WebError::NotFound(format!(
            "no {kind} named {:?}",
            params::clip(name)
        ))),
    }
}

/// The record of `id`, or a 404 that says so.
pub(crate) async fn record_of(site: &Site, id: EntityId) -> Result<NameRecord, WebError> {
    let unknown = || {
        WebError::NotFound(format!(
            "no {} has the id {:?}",
            id.kind(),
            params::clip(id.as_str())
        ))
    };
    if id.as_str().is_empty() || id.as_str().len() > MAX_ID_LEN {
        return Err(unknown());
    }
    site.store
        .find_names(&NameLookup::Id(id.clone()))
        .await?
        .into_iter()
        .next()
        .ok_or_else(unknown)
}

/// A game's or streamer's closed days in `range`, as the API and the pages show them.
pub(crate) async fn entity_days(
    site: &Site,
    id: EntityId,
    range: DayRange,
) -> Result<(EntityDays, Freshness), WebError> {
    let record = record_of(site, id).await?;
    let days = site.store.entity_days(&record.id, range).await?;
    let closed = site.store.day_statuses(range).await?.len() as u32;
    let freshness = if closed >= range.len() {
        Freshness::Closed
    } else {
        Freshness::Live
    };
    Ok((EntityDays::new(&record, range, &days), freshness))
}

fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, WebError> {
    path.map(|Path(id)| id)
        .map_err(|_| WebError::BadRequest("the id in the path is not valid UTF-8".to_owned()))
}

/// A game's watch time per closed day, with its rank among games each day.
#[utoipa::path(
    get,
    path = "/api/v1/games/{id}/days",
    tag = "series",
    params(
        ("id" = String, Path, description = "The Twitch game id"),
        ("from" = Option<String>, Query, format = Date, description = "First day, YYYY-MM-DD (default: the last closed day)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day, inclusive (default: the last closed day); at most 366 days after from"),
    ),
    responses(
        (status = 200, description = "One entry per closed day the game has watch time on", body = docs::GameDaysDoc),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A parameter is malformed", body = docs::ErrorDoc),
        (status = 404, description = "No game has this id", body = docs::ErrorDoc),
    )
)]
pub async fn game_days(
    State(site): State<Site>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = EntityId::Game(GameId::new(path_id(path)?));
    days_of(site, id, query, uri, headers).await
}

/// A streamer's watch time per closed day, with its rank among streamers each day.
#[utoipa::path(
    get,
    path = "/api/v1/streamers/{id}/days",
    tag = "series",
    params(
        ("id" = String, Path, description = "The Twitch user id"),
        ("from" = Option<String>, Query, format = Date, description = "First day, YYYY-MM-DD (default: the last closed day)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day, inclusive (default: the last closed day); at most 366 days after from"),
    ),
    responses(
        (status = 200, description = "One entry per closed day the streamer has watch time on", body = docs::StreamerDaysDoc),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "A parameter is malformed", body = docs::ErrorDoc),
        (status = 404, description = "No streamer has this id", body = docs::ErrorDoc),
    )
)]
pub async fn streamer_days(
    State(site): State<Site>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = EntityId::Streamer(StreamerId::new(path_id(path)?));
    days_of(site, id, query, uri, headers).await
}

async fn days_of(
    site: Site,
    id: EntityId,
    query: Option<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let last = site.last_day().await?;
    let range = Params::parse_strict(query.as_deref()).range(last, false)?;
    let answer = site
        .closed_answer(&crate::pages::memo_key(&uri), range, last, || async {
            let (days, freshness) = entity_days(&site, id, range).await?;
            json_answer(&days, freshness)
        })
        .await?;
    Ok(answer.respond(&headers))
}

/// Whether a day is closed, and its coverage (so far, for a day still open).
#[utoipa::path(
    get,
    path = "/api/v1/days/{day}",
    tag = "days",
    params(("day" = String, Path, format = Date, description = "The day, YYYY-MM-DD")),
    responses(
        (status = 200, description = "The day's status", body = DayStatusDoc),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "The day is malformed", body = docs::ErrorDoc),
    )
)]
pub async fn day_status(
    State(site): State<Site>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let day = params::day("the day", &path_id(path)?)?;
    let status = site
        .store
        .day_statuses(DayRange::single(day))
        .await?
        .into_iter()
        .next();
    let doc = match status {
        Some(s) => DayStatusDoc {
            day: day.to_string(),
            closed: true,
            slots_observed: s.slots_observed,
            slots_expected: s.slots_expected,
            slots_incomplete: s.slots_incomplete,
        },
        None => {
            let window = site.settings.calendar.window(day);
            let snapshots = site.store.snapshots(window.start, window.end).await?;
            DayStatusDoc {
                day: day.to_string(),
                closed: false,
                slots_observed: snapshots.len() as u32,
                slots_expected: window.slots_expected(site.settings.slot_length),
                slots_incomplete: snapshots
                    .iter()
                    .filter(|s| !s.completeness.is_complete())
                    .count() as u32,
            }
        }
    };
    let freshness = if doc.closed {
        Freshness::Closed
    } else {
        Freshness::Live
    };
    Ok(json(&headers, &doc, freshness))
}

/// Finds a game or streamer by name, as a mention is answered: exact names first (a leading
/// `game` or `streamer` word forces the kind), else the closest names as "did you mean".
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(("q" = String, Query, min_length = 1, max_length = 100, description = "A game or streamer name, as typed")),
    responses(
        (status = 200, description = "The match, or suggestions", body = SearchResult),
        (status = 400, description = "q is missing, too long or holds control characters", body = docs::ErrorDoc),
    )
)]
pub async fn search(
    State(site): State<Site>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::parse_strict(query.as_deref());
    let result = search_for(&site, params.get("q")).await?;
    Ok(json(&headers, &result, Freshness::Live))
}

/// What the search box and the search API find for `q`.
pub(crate) async fn search_for(site: &Site, q: Option<&str>) -> Result<SearchResult, WebError> {
    let Some(q) = q else {
        return Err(WebError::BadRequest(
            "q is missing: give a game or streamer name, e.g. ?q=minecraft".to_owned(),
        ));
    };
    let parsed = parse_query(q).map_err(|refusal| {
        WebError::BadRequest(match refusal {
            Refusal::Empty => "q names no game or streamer; give a name".to_owned(),
            Refusal::TooLong => "q is longer than 100 characters; shorten it".to_owned(),
            Refusal::ControlCharacters => {
                "q holds control characters; give a plain name".to_owned()
            }
        })
    })?;
    let found = search_names(site.store.as_ref(), &parsed.name, parsed.kind, SUGGESTIONS).await?;
    Ok(SearchResult {
        query: q.to_owned(),
        found: found.found.as_ref().map(NameMatch::from),
        did_you_mean: found.did_you_mean.iter().map(NameMatch::from).collect(),
        completions: found.completions,
    })
}

async fn openapi_json(headers: HeaderMap) -> Response {
    json(&headers, &openapi(), Freshness::Closed)
}
