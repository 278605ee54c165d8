//! `/`: a day or range, top games and top streamers, and its coverage.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::html;
use watchtime_core::message::range_label;
use watchtime_core::report::{Report, report};
use watchtime_core::{Day, DayRange, Kind};

use super::{PAGE_TOP, layout, range_query, ranking, window_nav};
use crate::cache::{Answer, Freshness};
use crate::error::{PageError, WebError};
use crate::params::Params;
use crate::site::Site;

/// `GET /?from=&to=&days=&top=`.
pub async fn home(
    State(site): State<Site>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let params = Params::parse(query.as_deref());
    let last = site.last_day().await?;
    let range = params.range(last, true)?;
    let top = params.top(PAGE_TOP)?;
    let answer = site
        .closed_answer(&super::memo_key(&uri), range, last, || {
            render(&site, range, last, top)
        })
        .await?;
    Ok(answer.respond(&headers))
}

async fn render(site: &Site, range: DayRange, last: Day, top: usize) -> Result<Answer, WebError> {
    let report = report(site.store.as_ref(), range, top, None).await?;
    let link_query = if range.len() > 1 {
        range_query(range)
    } else {
        String::new()
    };
    let label = range_label(&range);
    let body = html! {
        h1 { "Most watched on Twitch" }
        p.sub { (label) " · " (range.to_string()) }
        p.coverage { (coverage(&report, range.len())) }
        (window_nav("/", range, last))
        h2 { "Top games" }
        (ranking("Most watched games", Kind::Game, range, &site.brand,
                 report.games.as_deref().unwrap_or_default(), &link_query))
        h2 { "Top streamers" }
        (ranking("Most watched streamers", Kind::Streamer, range, &site.brand,
                 report.streamers.as_deref().unwrap_or_default(), &link_query))
    };
    let freshness = if report.days_not_closed == 0 {
        Freshness::Closed
    } else {
        Freshness::Live
    };
    Ok(super::html(
        layout::page(&format!("Most watched, {label}"), "", body),
        freshness,
    ))
}

/// "47 of 48 snapshots", with what is incomplete or not closed.
pub(crate) fn coverage(report: &Report, days: u32) -> String {
    if report.days_not_closed >= days {
        return if days == 1 {
            "This day is not closed yet: no totals until 08:05 Los Angeles time the day after."
                .to_owned()
        } else {
            "None of these days is closed yet.".to_owned()
        };
    }
    let mut text = format!(
        "Coverage: {} of {} snapshots",
        report.slots_observed, report.slots_expected
    );
    if report.slots_incomplete > 0 {
        text.push_str(&format!(", {} incomplete", report.slots_incomplete));
    }
    if report.days_not_closed > 0 {
        text.push_str(&format!(
            "; {} of {days} days not closed yet",
            report.days_not_closed
        ));
    }
    text.push('.');
    text
}
