//! The newcomer's path, end to end: `watchtime demo`, then `watchtime serve` on its database,
//! then a real browser (Debian's chromium, headless) clicking from the day's top games to a game,
//! to one of its streamers, and back; the search box; no console error anywhere; screenshots.

#![allow(clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use serde_json::Value;
use support::browser::Browser;
use support::{command, watchtime};

/// `watchtime serve` running until dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `watchtime --database DB serve --listen 127.0.0.1:0` in `dir` and reads the address
/// it prints.
fn serve(dir: &Path, database: &str) -> Server {
    let mut child = command(dir)
        .args(["--database", database, "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .rsplit_once(" on ")
        .map(|(_, url)| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert!(
        line.starts_with(&format!("serving {database} on http://127.0.0.1:")),
        "{line}"
    );
    Server { child, base }
}

/// `report --json` of the last closed day, as the store ranks it.
fn report(dir: &Path, database: &str, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--json", "--top", "25"];
    args.extend_from_slice(extra);
    let out = watchtime(dir, Some(database), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Where screenshots go: `WATCHTIME_SCREENSHOTS` (e.g. `docs/` to refresh the README's), else
/// the test's temporary directory.
fn screenshot_dir() -> PathBuf {
    match std::env::var_os("WATCHTIME_SCREENSHOTS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_then_serve_then_click_through_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let demo = watchtime(
        dir.path(),
        None,
        &["demo", "--days", "2", "--channels", "6000", "--seed", "7"],
    );
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let database = "sqlite://watchtime-demo.db";
    let server = serve(dir.path(), database);
    let api: Value = reqwest::get(format!("{}/api/v1/rankings?top=25", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The site shows the last closed day; ask the store for the same day.
    let day = api["to"].as_str().unwrap().to_owned();
    let range = ["--from", day.as_str(), "--to", day.as_str()];
    let expected = report(dir.path(), database, &range);
    assert_eq!(api, expected, "the API's rankings are report --json");
    let (games, streamers) = (ids(&expected["games"]), ids(&expected["streamers"]));
    assert_eq!(games.len(), 25, "{expected}");

    // Without a browser, the same facts over plain HTTP.
    let home = reqwest::get(format!("{}/", server.base)).await.unwrap();
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    let first = html.find(&format!(r#"data-id="{}""#, games[0])).unwrap();
    let second = html.find(&format!(r#"data-id="{}""#, games[1])).unwrap();
    assert!(first < second);

    let Some(mut browser) = Browser::launch().await else {
        return;
    };
    browser.goto(&format!("{}/", server.base)).await;
    let table_ids = |i: usize| {
        format!(
            "[...document.querySelectorAll('table')[{i}].querySelectorAll('tbody tr')].map(r => r.dataset.id)"
        )
    };
    let dom_games: Vec<String> = serde_json::from_value(browser.eval(&table_ids(0)).await).unwrap();
    let dom_streamers: Vec<String> =
        serde_json::from_value(browser.eval(&table_ids(1)).await).unwrap();
    assert_eq!(
        dom_games, games,
        "top games in the page = the store's ranking"
    );
    assert_eq!(
        dom_streamers, streamers,
        "top streamers in the page = the store's ranking"
    );
    let charts = browser
        .eval("[...document.querySelectorAll('svg[role=img]')].filter(s => s.getAttribute('aria-label') && s.querySelector('title')).length")
        .await;
    assert_eq!(charts, 2, "both charts are labelled");
    let stylesheet = browser
        .eval("getComputedStyle(document.querySelector('table')).borderCollapse")
        .await;
    assert_eq!(stylesheet, "collapse", "the stylesheet applies");
    let dir_shots = screenshot_dir();
    browser
        .screenshot(&dir_shots.join("web.png"), 1100, false)
        .await;
    browser
        .screenshot(&dir_shots.join("web-phone.png"), 390, true)
        .await;

    // Day → game: the first game's link.
    let game_name = expected["games"][0]["name"].as_str().unwrap();
    browser
        .navigate_by("document.querySelector('table tbody tr a').click()")
        .await;
    assert_eq!(
        browser.eval("location.pathname").await,
        format!("/games/{}", games[0])
    );
    assert_eq!(
        browser
            .eval("document.querySelector('h1').textContent")
            .await,
        game_name
    );
    // The game page shows the 30 days ending on the day.
    let month_start = day
        .parse::<watchtime_core::Day>()
        .unwrap()
        .minus_days(29)
        .to_string();
    let of_game = [
        "--from",
        month_start.as_str(),
        "--to",
        day.as_str(),
        "--game",
        game_name,
    ];
    let game_streamers = report(dir.path(), database, &of_game);
    let top_streamer = game_streamers["streamers"][0]["name"].as_str().unwrap();

    // Game → its top streamer.
    let link = "document.querySelector('table a[href^=\"/streamers/\"]')";
    assert_eq!(
        browser.eval(&format!("{link}.textContent")).await,
        top_streamer
    );
    browser.navigate_by(&format!("{link}.click()")).await;
    assert_eq!(
        browser
            .eval("document.querySelector('h1').textContent")
            .await,
        top_streamer
    );
    let games_of = browser
        .eval(
            "[...document.querySelectorAll('table a[href^=\"/games/\"]')].map(a => a.textContent)",
        )
        .await;
    assert!(
        games_of.as_array().unwrap().iter().any(|g| g == game_name),
        "{games_of}"
    );

    // And back.
    browser.navigate_by("history.back()").await;
    assert_eq!(
        browser
            .eval("document.querySelector('h1').textContent")
            .await,
        game_name
    );

    // The search box: "pokemon scarlet" finds "Pokémon Scarlet and Violet".
    browser.goto(&format!("{}/", server.base)).await;
    browser
        .navigate_by(
            "document.querySelector('input[name=q]').value = 'pokemon scarlet'; \
             document.querySelector('form.search').submit()",
        )
        .await;
    assert_eq!(
        browser
            .eval("document.querySelector('h1').textContent")
            .await,
        "Pokémon Scarlet and Violet"
    );
    assert!(
        browser
            .eval("location.pathname")
            .await
            .as_str()
            .unwrap()
            .starts_with("/games/"),
        "a single hit opens its page"
    );

    // Every kind of page with no console error (a CSP violation or a missing resource would be
    // one); error pages log only their own status.
    for path in ["/?days=7", "/?days=30", "/search?q=minecarft", "/search"] {
        browser.goto(&format!("{}{path}", server.base)).await;
    }
    assert_eq!(browser.console_errors(), Vec::<String>::new());
    for path in ["/games/0", "/?from=x"] {
        browser.goto(&format!("{}{path}", server.base)).await;
        assert_eq!(
            browser
                .eval("document.querySelector('p.error') !== null")
                .await,
            true,
            "{path}"
        );
    }
    let errors = browser.console_errors();
    assert!(
        errors
            .iter()
            .all(|e| e.contains("\"source\":\"network\"") && e.contains("status of 4")),
        "{errors:#?}"
    );
}
