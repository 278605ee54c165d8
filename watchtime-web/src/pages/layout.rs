//! The frame of every page: head, header with the search box, footer.

use maud::{DOCTYPE, Markup, html};

/// A whole page titled `title`; `query` fills the search box.
pub fn page(title: &str, query: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · watchtime" }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="data:,";
            }
            body {
                header {
                    a.brand href="/" { "watchtime" }
                    form.search action="/search" method="get" role="search" {
                        input type="search" name="q" value=(query) maxlength="100"
                            placeholder="Game or streamer" aria-label="Game or streamer name";
                        button type="submit" { "Search" }
                    }
                }
                main { (body) }
                footer {
                    "Hours watched on Twitch by Los Angeles day (08:00 to 08:00), from snapshots of every stream over 50 viewers. "
                    a href="/api/openapi.json" { "JSON API" }
                }
            }
        }
    }
}
