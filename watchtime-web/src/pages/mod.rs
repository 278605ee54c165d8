//! Server-rendered pages (maud: checked at compile time, every value escaped). They work
//! without JavaScript; every chart comes from `watchtime-chart` with a table of the same numbers.

pub(crate) mod entity;
pub(crate) mod home;
pub(crate) mod layout;
pub(crate) mod search;
pub(crate) mod style;

use axum::http::Uri;
use maud::{Markup, PreEscaped, html};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use watchtime_chart::{Options, RankingChart};
use watchtime_core::message::{format_hours, range_label};
use watchtime_core::report::ReportEntry;
use watchtime_core::{Day, DayRange, EntityId, Kind};

use crate::cache::{Answer, Freshness};

/// Pages rank this many entries unless `?top=` says otherwise.
pub const PAGE_TOP: usize = 25;

/// The page of a game or streamer: ids in the URL, so renames never break a link.
pub fn entity_path(id: &EntityId) -> String {
    let segment = utf8_percent_encode(id.as_str(), NON_ALPHANUMERIC);
    match id.kind() {
        Kind::Game => format!("/games/{segment}"),
        Kind::Streamer => format!("/streamers/{segment}"),
    }
}

/// `?from=&to=` for `range`, or nothing for a single day (each page's default shows it).
fn range_query(range: DayRange) -> String {
    format!("?from={}&to={}", range.from, range.to)
}

/// A rendered page, with an `ETag` when it shows only closed days.
pub(crate) fn html(markup: Markup, freshness: Freshness) -> Answer {
    Answer::new(
        "text/html; charset=utf-8",
        markup.into_string().into_bytes(),
        freshness,
    )
}

/// What a kept answer is filed under: the request's path and query, as sent.
pub(crate) fn memo_key(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}

/// The pages' charts: scaled to the page by the stylesheet, without the brand line (the page
/// around it names the site and the days).
pub(crate) fn chart_options() -> Options {
    let mut options = Options::web();
    options.brand_line = false;
    options
}

/// Watch time in hours, as posts show it.
fn hours(viewer_minutes: u64) -> String {
    format_hours(viewer_minutes)
}

/// Minutes as hours with one decimal.
fn airtime(minutes: u64) -> String {
    format!("{:.1} h", minutes as f64 / 60.0)
}

/// A ranking: its chart (bars linking to each page) and the same numbers as a table.
fn ranking(
    title: &str,
    kind: Kind,
    range: DayRange,
    brand: &str,
    entries: &[ReportEntry],
    link_query: &str,
) -> Markup {
    let link = |e: &ReportEntry| {
        format!(
            "{}{link_query}",
            entity_path(&EntityId::new(kind, e.id.as_str()))
        )
    };
    let mut chart = RankingChart::new(title, range, brand, &[]);
    chart.bars = entries
        .iter()
        .map(|e| watchtime_chart::Bar {
            label: e.name.clone(),
            viewer_minutes: e.viewer_minutes,
            href: Some(link(e)),
        })
        .collect();
    let options = chart_options();
    let label = match kind {
        Kind::Game => "Game",
        Kind::Streamer => "Streamer",
    };
    html! {
        @if entries.is_empty() {
            p.sub { "No data for " (range_label(&range)) "." }
        } @else {
            figure.chart { (PreEscaped(chart.to_svg(&options))) }
            div.table {
                table {
                    caption.sub { (title) ", " (range_label(&range)) }
                    thead { tr { th { "#" } th { (label) } th { "Watched" } th { "Airtime" } th { "Peak viewers" } } }
                    tbody {
                        @for e in entries {
                            tr data-id=(e.id) {
                                td { (e.rank) }
                                td { a href=(link(e)) { (e.name) } }
                                td title=(format!("{} viewer-minutes", e.viewer_minutes)) { (hours(e.viewer_minutes)) }
                                td { (airtime(e.airtime_minutes)) }
                                td { (e.peak_viewers) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Links to the day before and after (single days) and to the 1-, 7- and 30-day windows ending
/// on the range's last day, and a form for any range; `base` is the page's path.
fn window_nav(base: &str, range: DayRange, last: Day) -> Markup {
    let days = range.len();
    let single = |d: Day| format!("{base}?from={d}&to={d}");
    let window = |n: u32| format!("{base}?to={}&days={n}", range.to);
    html! {
        nav.window aria-label="Days shown" {
            @if days == 1 {
                a rel="prev" href=(single(range.from.previous())) { "← " (range.from.previous()) }
                @if range.to < last {
                    a rel="next" href=(single(range.to.next())) { (range.to.next()) " →" }
                }
            }
            @for (n, label) in [(1u32, "Day"), (7, "7 days"), (30, "30 days")] {
                @if n == days {
                    span.current aria-current="page" { (label) }
                } @else {
                    a href=(window(n)) { (label) }
                }
            }
            form.range action=(base) method="get" {
                label { "From " input type="date" name="from" value=(range.from.to_string()); }
                label { "to " input type="date" name="to" value=(range.to.to_string()); }
                button type="submit" { "Show" }
            }
        }
    }
}
