//! The pages: what they show, that every name is escaped, and their error pages.

mod support;

use axum::http::StatusCode;
use support::{app, get};

/// The rows of the table that follows `caption` (a page has one table per ranking or series):
/// the text of each row's cells, tags removed.
fn table_after(html: &str, caption: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find(caption) else {
        panic!("no table {caption:?} in {html}")
    };
    let body = &html[start..];
    let body = &body[..body.find("</table>").unwrap_or(body.len())];
    body.split("<tr")
        .skip(2)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = &cell[cell.find('>').map_or(0, |i| i + 1)..];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in inner.split("</td>").next().unwrap_or("").chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_front_page_shows_the_last_closed_day() {
    let (app, _) = app().await;
    let page = get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    let games = table_after(&page.body, "Most watched games, Thu 26 Nov");
    assert_eq!(
        games,
        [[
            "1",
            "Pokémon Scarlet and Violet",
            "1.00K h",
            "0.5 h",
            "2000"
        ]]
    );
    let streamers = table_after(&page.body, "Most watched streamers, Thu 26 Nov");
    let names: Vec<&str> = streamers.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["Gamma", "Alpha"]);
    // The chart carries the same names, and is labelled for screen readers.
    assert!(page.body.contains(r#"role="img" aria-label="#));
    assert!(
        page.body.contains(r#"<a href="/games/1001""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Coverage: 1 of 48 snapshots."));
    // The day before is one click away; there is no day after the last closed one.
    assert!(
        page.body
            .contains(r#"<a rel="prev" href="/?from=2026-11-25&amp;to=2026-11-25">"#)
    );
    assert!(!page.body.contains(r#"rel="next""#));
    assert!(
        page.body
            .contains(r#"<link rel="stylesheet" href="/static/style.css">"#)
    );
    assert!(!page.body.contains("<script"));
}

#[tokio::test]
async fn names_are_escaped_everywhere() {
    let (app, _) = app().await;
    for uri in [
        "/?from=2026-11-24&to=2026-11-24",
        "/games/666?days=7",
        "/streamers/3?days=7",
    ] {
        let page = get(&app, uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(!page.body.contains("<script>alert"), "{uri}: {}", page.body);
        assert!(!page.body.contains("Evil</td>"), "{uri}");
        assert!(
            page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_game_page_has_its_days_ranks_and_streamers() {
    let (app, _) = app().await;
    let page = get(&app, "/games/743?from=2026-11-24&to=2026-11-26").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>Chess</h1>"));
    let days = table_after(&page.body, "Hours watched per day, and the rank");
    assert_eq!(
        days,
        [
            ["#2", "2026-11-25", "250 h", "0.5 h", "500"],
            ["#2", "2026-11-24", "200 h", "0.5 h", "400"],
        ]
    );
    let streamers = table_after(&page.body, "Top streamers of Chess, 24–26 Nov");
    let names: Vec<&str> = streamers.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["Alpha", "Beta"]);
    assert!(
        page.body
            .contains(r#"href="/streamers/1?from=2026-11-24&amp;to=2026-11-26""#)
    );
    let streamer = get(&app, "/streamers/1").await;
    assert!(streamer.body.contains("Games streamed by Alpha"));
    assert!(streamer.body.contains("<dt>Peak viewers</dt><dd>2000</dd>"));
}

#[tokio::test]
async fn search_redirects_a_single_hit_and_offers_the_closest() {
    let (app, _) = app().await;
    let exact = get(&app, "/search?q=pok%C3%A9mon+SCARLET+and+violet").await;
    assert_eq!(exact.status, StatusCode::SEE_OTHER);
    assert_eq!(exact.header("location"), "/games/1001");
    let page = get(&app, "/search?q=alpah").await;
    assert_eq!(page.status, StatusCode::OK);
    let main =
        &page.body[page.body.find("<main>").unwrap_or(0)..page.body.find("</main>").unwrap_or(0)];
    insta::assert_snapshot!(main, @r#"<main><h1>No exact match</h1><p>Nothing is named exactly “alpah”. Did you mean:</p><ul class="results"><li><a href="/streamers/1">Alpha</a> <span class="sub">(streamer)</span></li></ul>"#);
}

#[tokio::test]
async fn bad_requests_get_an_html_page_that_says_what_to_fix() {
    let (app, _) = app().await;
    let cases = [
        ("/games/999", 404, "no game has the id &quot;999&quot;"),
        (
            "/streamers/743",
            404,
            "no streamer has the id &quot;743&quot;",
        ),
        (
            "/?from=2026-11-30&to=2026-11-01",
            400,
            "from (2026-11-30) is after to (2026-11-01); swap them",
        ),
        (
            "/?days=400",
            400,
            "days must be a number from 1 to 366, not &quot;400&quot;",
        ),
        (
            "/?top=1000",
            400,
            "top must be a number from 1 to 100, not &quot;1000&quot;",
        ),
        (
            "/games/743?from=nope",
            400,
            "from must be a day written YYYY-MM-DD, not &quot;nope&quot;",
        ),
        (
            "/search?q=%00%3Cscript%3E",
            400,
            "q holds control characters; give a plain name",
        ),
        (
            "/nowhere",
            404,
            "there is no page at /nowhere; see / or /api/openapi.json",
        ),
    ];
    for (uri, status, message) in cases {
        let page = get(&app, uri).await;
        assert_eq!(page.status.as_u16(), status, "{uri}");
        assert_eq!(
            page.header("content-type"),
            "text/html; charset=utf-8",
            "{uri}"
        );
        assert!(
            page.body
                .contains(&format!(r#"<p class="error">{message}</p>"#)),
            "{uri}: {}",
            page.body
        );
        assert!(
            page.header("content-security-policy")
                .starts_with("default-src 'none'")
        );
    }
}

#[tokio::test]
async fn the_stylesheet_is_served_and_switches_to_dark() {
    let (app, _) = app().await;
    let css = get(&app, "/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert!(css.body.contains("@media (prefers-color-scheme: dark)"));
}
