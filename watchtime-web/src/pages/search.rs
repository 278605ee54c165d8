//! `/search?q=`: the mention lookup as a search box. One exact hit redirects to its page.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::layout;
use crate::api::search_for;
use crate::cache::Freshness;
use crate::error::PageError;
use crate::params::Params;
use crate::site::Site;

/// `GET /search?q=`.
pub async fn search(
    State(site): State<Site>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let params = Params::parse(query.as_deref());
    let Some(q) = params.get("q") else {
        let body = html! {
            h1 { "Search" }
            p { "Type a game or a streamer in the box above: “Minecraft”, “game Just Chatting”, “streamer shroud”. Accents, case and spaces do not matter." }
        };
        return Ok(
            super::html(layout::page("Search", "", body), Freshness::Live).respond(&headers),
        );
    };
    let result = search_for(&site, Some(q)).await?;
    // One hit opens its page: the exact name, or the one name that starts with what was typed.
    let single = match (&result.found, result.completions) {
        (Some(found), _) => Some(found),
        (None, 1) => result.did_you_mean.first(),
        _ => None,
    };
    if let Some(hit) = single {
        return Ok(Redirect::to(&hit.path()).into_response());
    }
    let body = html! {
        h1 { "No exact match" }
        @if result.did_you_mean.is_empty() {
            p { "Nothing is named “" (q) "”, and no name is close. Check the spelling, or try the login of a streamer." }
        } @else {
            p { "Nothing is named exactly “" (q) "”. Did you mean:" }
            ul.results {
                @for m in &result.did_you_mean {
                    li { a href=(m.path()) { (m.name) } " " span.sub { "(" (m.kind) ")" } }
                }
            }
        }
    };
    Ok(super::html(layout::page("Search", q, body), Freshness::Live).respond(&headers))
}
