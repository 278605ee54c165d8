//! `/games/{id}` and `/streamers/{id}`: hours per day as a chart with the same numbers in a
//! table, totals over the window, and the other side's top entries.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use watchtime_chart::SeriesChart;
use watchtime_core::lookup::NameRecord;
use watchtime_core::message::range_label;
use watchtime_core::report::report;
use watchtime_core::{Day, DayRange, EntityId, GameId, Kind, StreamerId};

use super::{PAGE_TOP, airtime, entity_path, hours, layout, range_query, ranking, window_nav};
use crate::api::{EntityDays, entity_days};
use crate::cache::Answer;
use crate::error::{PageError, WebError};
use crate::params::Params;
use crate::site::Site;

/// Days shown when the URL names none.
const DEFAULT_DAYS: u32 = 30;

/// `GET /games/{id}`.
pub async fn game(
    State(site): State<Site>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let id = EntityId::Game(GameId::new(path_id(path)?));
    entity_page(site, id, query, uri, headers).await
}

/// `GET /streamers/{id}`.
pub async fn streamer(
    State(site): State<Site>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let id = EntityId::Streamer(StreamerId::new(path_id(path)?));
    entity_page(site, id, query, uri, headers).await
}

fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, WebError> {
    path.map(|Path(id)| id)
        .map_err(|_| WebError::BadRequest("the id in the address is not valid UTF-8".to_owned()))
}

async fn entity_page(
    site: Site,
    id: EntityId,
    query: Option<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let params = Params::parse(query.as_deref());
    let last = site.last_day().await?;
    let range = if ["from", "to", "days"]
        .iter()
        .any(|p| params.get(p).is_some())
    {
        params.range(last, true)?
    } else {
        DayRange::ending(last, DEFAULT_DAYS)
    };
    let top = params.top(PAGE_TOP)?;
    let answer = site
        .closed_answer(&super::memo_key(&uri), range, last, || {
            render(&site, id, range, last, top)
        })
        .await?;
    Ok(answer.respond(&headers))
}

async fn render(
    site: &Site,
    id: EntityId,
    range: DayRange,
    last: Day,
    top: usize,
) -> Result<Answer, WebError> {
    let (days, freshness) = entity_days(site, id.clone(), range).await?;
    let record = NameRecord {
        name: days.named().map(|n| n.name.clone()).unwrap_or_default(),
        id: id.clone(),
        keys: Vec::new(),
        last_seen: watchtime_core::Slot::from_unix(0),
    };
    let other = report(site.store.as_ref(), range, top, Some(&record)).await?;
    let (kind_label, others_title, others, other_kind) = match id.kind() {
        Kind::Game => (
            "Game",
            format!("Top streamers of {}", record.name),
            other.streamers.unwrap_or_default(),
            Kind::Streamer,
        ),
        Kind::Streamer => (
            "Streamer",
            format!("Games streamed by {}", record.name),
            other.games.unwrap_or_default(),
            Kind::Game,
        ),
    };
    let link_query = if range.len() > 1 {
        range_query(range)
    } else {
        String::new()
    };
    let body = html! {
        p.sub { (kind_label) " · Twitch id " (id.as_str()) }
        h1 { (record.name) }
        p.sub { (range_label(&range)) " · " (range.to_string()) }
        (window_nav(&entity_path(&id), range, last))
        (facts(&days))
        h2 { "Hours watched per day" }
        (series(site, &record.name, range, &days))
        h2 { (others_title) }
        (ranking(&others_title, other_kind, range, &site.brand, &others, &link_query))
        p { a href=(format!("/{link_query}")) { "← Top games and streamers" } }
    };
    Ok(super::html(layout::page(&record.name, "", body), freshness))
}

/// Totals over the window: watch time, airtime, peak and average viewers, days with data.
fn facts(days: &EntityDays) -> Markup {
    let viewer_minutes: u64 = days.days.iter().map(|d| d.viewer_minutes).sum();
    let minutes: u64 = days.days.iter().map(|d| d.airtime_minutes).sum();
    let peak = days.days.iter().map(|d| d.peak_viewers).max().unwrap_or(0);
    let average = viewer_minutes.checked_div(minutes).unwrap_or(0);
    let best = days.days.iter().map(|d| d.rank).min();
    html! {
        dl.facts {
            div { dt { "Hours watched" } dd { (hours(viewer_minutes)) } }
            div { dt { "Airtime" } dd { (airtime(minutes)) } }
            div { dt { "Peak viewers" } dd { (peak) } }
            div { dt { "Average viewers" } dd { (average) } }
            div { dt { "Days with data" } dd { (days.days.len()) } }
            @if let Some(best) = best {
                div { dt { "Best daily rank" } dd { "#" (best) } }
            }
        }
    }
}

/// The chart of hours per day, and the same days as a table with the rank of each.
fn series(site: &Site, name: &str, range: DayRange, days: &EntityDays) -> Markup {
    let points = days
        .days
        .iter()
        .filter_map(|d| Some((d.day.parse().ok()?, d.viewer_minutes)));
    let chart = SeriesChart::new(name, range, site.brand.as_ref(), points);
    let options = super::chart_options();
    html! {
        @if days.days.is_empty() {
            p.sub { "No watch time on closed days in " (range_label(&range)) "." }
        } @else {
            figure.chart { (PreEscaped(chart.to_svg(&options))) }
            div.table {
                table {
                    caption.sub { "Hours watched per day, and the rank among all of its kind that day" }
                    thead { tr { th { "Rank" } th { "Day" } th { "Watched" } th { "Airtime" } th { "Peak viewers" } } }
                    tbody {
                        @for d in days.days.iter().rev() {
                            tr {
                                td { "#" (d.rank) }
                                td { a href=(format!("/?from={0}&to={0}", d.day)) { (d.day) } }
                                td title=(format!("{} viewer-minutes", d.viewer_minutes)) { (hours(d.viewer_minutes)) }
                                td { (airtime(d.airtime_minutes)) }
                                td { (d.peak_viewers) }
                            }
                        }
                    }
                }
            }
        }
    }
}
