//! The JSON API: its answers, its contract with `report --json`, and every error case.

mod support;

use axum::http::{Method, StatusCode};
use support::{CHESS, app, day, get, send};
use watchtime_core::DayRange;
use watchtime_core::Settings;
use watchtime_core::prelude::*;
use watchtime_core::report::report;
use watchtime_core::testkit::fixtures::{slotted, stream};

#[tokio::test]
async fn rankings_are_exactly_the_report_json() {
    let (app, store) = app().await;
    let range =
        DayRange::new(day("2026-11-24"), day("2026-11-26")).unwrap_or_else(|e| panic!("{e}"));
    let expected = report(store.as_ref(), range, 3, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let answer = get(&app, "/api/v1/rankings?from=2026-11-24&to=2026-11-26&top=3").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.body,
        serde_json::to_string(&expected).unwrap_or_default()
    );
    let json = answer.json();
    assert_eq!(json["games"][0]["name"], "Pokémon Scarlet and Violet");
    assert_eq!(json["streamers"][0]["name"], "Alpha");
    assert_eq!(json["slots_expected"], 144);
}

#[tokio::test]
async fn every_ranking_entry_has_its_previous_rank() {
    let (app, store) = app().await;
    let json = get(&app, "/api/v1/rankings?from=2026-11-26&to=2026-11-26&top=5")
        .await
        .json();
    // Each entry's rank the day before, from the same rule as `report --json`.
    let before = report(
        store.as_ref(),
        DayRange::single(day("2026-11-25")),
        100,
        None,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut numbers = 0;
    for (list, earlier) in [("games", &before.games), ("streamers", &before.streamers)] {
        let entries = json[list].as_array().cloned().unwrap_or_default();
        assert!(!entries.is_empty(), "{json}");
        for e in entries {
            let want = earlier
                .iter()
                .flatten()
                .find(|b| e["id"] == b.id.as_str())
                .map(|b| b.rank);
            match want {
                Some(rank) => {
                    numbers += 1;
                    assert_eq!(e["previous_rank"], rank, "{e}");
                }
                None => assert!(e["previous_rank"].is_null(), "{e}"),
            }
        }
    }
    assert!(numbers > 0, "{json}");
    // The first day has nothing before it: every previous rank is null.
    let first = get(&app, "/api/v1/rankings?from=2026-11-24&to=2026-11-24")
        .await
        .json();
    let games = first["games"].as_array().cloned().unwrap_or_default();
    assert!(
        !games.is_empty() && games.iter().all(|e| e["previous_rank"].is_null()),
        "{first}"
    );
}

#[tokio::test]
async fn rankings_default_to_the_last_closed_day_and_five_entries() {
    let (app, _) = app().await;
    let json = get(&app, "/api/v1/rankings").await.json();
    assert_eq!(
        (json["from"].as_str(), json["to"].as_str()),
        (Some("2026-11-26"), Some("2026-11-26"))
    );
    assert_eq!(json["streamers"][0]["name"], "Gamma");
    assert_eq!(json["streamers"][0]["viewer_minutes"], 90_000);
}

#[tokio::test]
async fn rankings_of_one_game_or_streamer() {
    let (app, _) = app().await;
    let json = get(
        &app,
        "/api/v1/rankings?from=2026-11-24&to=2026-11-26&game=pokemon%20scarlet%20and%20violet",
    )
    .await
    .json();
    assert_eq!(json["game"]["id"], "1001");
    let names: Vec<&str> = json["streamers"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["Alpha", "Beta"]);
    assert!(json.get("games").is_none());
    let json = get(
        &app,
        "/api/v1/rankings?from=2026-11-24&to=2026-11-26&streamer=alpha",
    )
    .await
    .json();
    assert_eq!(json["streamer"]["id"], "1");
    assert_eq!(json["games"][0]["name"], "Pokémon Scarlet and Violet");
    let miss = get(
        &app,
        "/api/v1/rankings?game=pokemon%20scarlt%20and%20violet",
    )
    .await;
    assert_eq!(miss.status, StatusCode::NOT_FOUND);
    assert_eq!(
        miss.json()["error"],
        "no game named \"pokemon scarlt and violet\"; did you mean \"Pokémon Scarlet and Violet\" (id 1001)?"
    );
}

#[tokio::test]
async fn a_game_and_a_streamer_by_day_with_their_rank() {
    let (app, _) = app().await;
    let json = get(&app, "/api/v1/games/743/days?from=2026-11-24&to=2026-11-27")
        .await
        .json();
    assert_eq!(
        json["game"],
        serde_json::json!({"id": "743", "name": "Chess"})
    );
    assert_eq!(
        json["days"],
        serde_json::json!([
            {"day": "2026-11-24", "viewer_minutes": 12000, "hours": 200.0, "airtime_minutes": 30, "peak_viewers": 400, "rank": 2},
            {"day": "2026-11-25", "viewer_minutes": 15000, "hours": 250.0, "airtime_minutes": 30, "peak_viewers": 500, "rank": 2},
        ])
    );
    let json = get(
        &app,
        "/api/v1/streamers/4/days?from=2026-11-20&to=2026-11-26",
    )
    .await
    .json();
    assert_eq!(json["streamer"]["name"], "Gamma");
    assert_eq!(json["days"][0]["rank"], 1);
    assert_eq!(json["days"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_day_says_whether_it_is_closed() {
    let (app, _) = app().await;
    let json = get(&app, "/api/v1/days/2026-11-26").await.json();
    assert_eq!(
        json,
        serde_json::json!({"day": "2026-11-26", "closed": true, "slots_observed": 1, "slots_expected": 48, "slots_incomplete": 0})
    );
    let json = get(&app, "/api/v1/days/2026-11-27").await.json();
    assert_eq!(json["closed"], false);
    assert_eq!(json["slots_observed"], 1);
    // The spring-forward day has 46 slots.
    assert_eq!(
        get(&app, "/api/v1/days/2026-03-07").await.json()["slots_expected"],
        46
    );
}

#[tokio::test]
async fn search_finds_a_name_or_suggests() {
    let (app, _) = app().await;
    let json = get(&app, "/api/v1/search?q=Pokemon%20Scarlet%20and%20Violet")
        .await
        .json();
    assert_eq!(
        json["match"],
        serde_json::json!({"kind": "game", "id": "1001", "name": "Pokémon Scarlet and Violet"})
    );
    assert_eq!(json["did_you_mean"], serde_json::json!([]));
    let json = get(&app, "/api/v1/search?q=pokemon%20scarlet").await.json();
    assert_eq!(json["match"], serde_json::Value::Null);
    assert_eq!(json["did_you_mean"][0]["id"], "1001");
    let json = get(&app, "/api/v1/search?q=zzzzzzzzzz").await.json();
    assert_eq!(
        (
            json["match"].is_null(),
            json["did_you_mean"].as_array().map(Vec::len)
        ),
        (true, Some(0))
    );
}

/// Every kind of bad input is a 4xx with a JSON error saying what to fix; none is a 5xx.
#[tokio::test]
async fn bad_input_is_a_4xx_that_says_what_to_fix() {
    let (app, _) = app().await;
    let long_q = format!("/api/v1/search?q={}", "a".repeat(10_000));
    let cases: Vec<(&str, u16, &str)> = vec![
        (
            "/api/v1/games/999999/days",
            404,
            "no game has the id \"999999\"",
        ),
        (
            "/api/v1/streamers/743/days",
            404,
            "no streamer has the id \"743\"",
        ),
        (
            "/api/v1/games/%FF%FE/days",
            400,
            "the id in the path is not valid UTF-8",
        ),
        (
            "/api/v1/rankings?from=2026-02-30",
            400,
            "from must be a day written YYYY-MM-DD, not \"2026-02-30\"",
        ),
        (
            "/api/v1/rankings?to=yesterday",
            400,
            "to must be a day written YYYY-MM-DD, not \"yesterday\"",
        ),
        (
            "/api/v1/rankings?from=2026-11-26&to=2026-11-01",
            400,
            "from (2026-11-26) is after to (2026-11-01); swap them",
        ),
        (
            "/api/v1/rankings?from=2025-01-01&to=2026-11-26",
            400,
            "a range holds at most 366 days; 2025-01-01 to 2026-11-26 is 695 days",
        ),
        (
            "/api/v1/games/743/days?from=2020-01-01",
            400,
            "a range holds at most 366 days; 2020-01-01 to 2026-11-26 is 2522 days",
        ),
        (
            "/api/v1/rankings?top=0",
            400,
            "top must be a number from 1 to 100, not \"0\"",
        ),
        (
            "/api/v1/rankings?top=101",
            400,
            "top must be a number from 1 to 100, not \"101\"",
        ),
        (
            "/api/v1/rankings?top=ten",
            400,
            "top must be a number from 1 to 100, not \"ten\"",
        ),
        (
            "/api/v1/rankings?game=chess&streamer=alpha",
            400,
            "give game or streamer, not both",
        ),
        (
            "/api/v1/rankings?game=%00",
            400,
            "the game name must be 1 to 100 characters without control characters",
        ),
        (
            "/api/v1/rankings?streamer=nobody%20at%20all",
            404,
            "no streamer named \"nobody at all\"",
        ),
        (
            "/api/v1/days/26-11-2026",
            400,
            "the day must be a day written YYYY-MM-DD, not \"26-11-2026\"",
        ),
        (
            "/api/v1/search",
            400,
            "q is missing: give a game or streamer name, e.g. ?q=minecraft",
        ),
        (
            "/api/v1/search?q=%01%02",
            400,
            "q holds control characters; give a plain name",
        ),
        (
            "/api/v1/search?q=%E2%80%AEevil",
            400,
            "q holds control characters; give a plain name",
        ),
        (&long_q, 400, "q is longer than 100 characters; shorten it"),
        (
            "/api/v1/search?q=%40%40%40",
            400,
            "q names no game or streamer; give a name",
        ),
        (
            "/api/v1/nothing",
            404,
            "there is no page at /api/v1/nothing; see / or /api/openapi.json",
        ),
    ];
    for (uri, status, message) in cases {
        let answer = get(&app, uri).await;
        assert_eq!(answer.status.as_u16(), status, "{uri}: {}", answer.body);
        assert_eq!(answer.header("content-type"), "application/json", "{uri}");
        assert_eq!(answer.json()["error"], message, "{uri}");
    }
    // SQL in a name is a name like any other.
    let answer = get(
        &app,
        "/api/v1/search?q=%27%29%3B%20DROP%20TABLE%20games%3B--",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn nothing_writes() {
    let (app, _) = app().await;
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        let answer = send(&app, method.clone(), "/api/v1/rankings", &[]).await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(answer.header("allow"), "GET, HEAD");
        assert_eq!(
            answer.json()["error"],
            format!("{method} is not allowed: this site is read only (GET and HEAD)")
        );
    }
    let head = send(&app, Method::HEAD, "/api/v1/rankings", &[]).await;
    assert_eq!((head.status, head.body.as_str()), (StatusCode::OK, ""));
}

#[tokio::test]
async fn closed_days_carry_an_etag_and_answer_304() {
    let (app, _) = app().await;
    let first = get(&app, "/api/v1/rankings?from=2026-11-24&to=2026-11-26").await;
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag:?}");
    assert_eq!(first.header("cache-control"), "public, max-age=300");
    let again = send(
        &app,
        Method::GET,
        "/api/v1/rankings?from=2026-11-24&to=2026-11-26",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(
        (again.status, again.body.as_str()),
        (StatusCode::NOT_MODIFIED, "")
    );
    assert_eq!(again.header("etag"), etag);
    let other = send(
        &app,
        Method::GET,
        "/api/v1/rankings?from=2026-11-24&to=2026-11-25",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    // A range reaching a day still open may change: no ETag, revalidate.
    let open = get(&app, "/api/v1/rankings?from=2026-11-26&to=2026-11-27").await;
    assert_eq!(
        (open.header("etag"), open.header("cache-control")),
        ("", "no-cache")
    );
}

#[tokio::test]
async fn a_kept_answer_gives_way_when_a_day_of_its_range_is_closed_again() {
    let (app, store) = app().await;
    let uris = [
        "/api/v1/rankings?from=2026-11-24&to=2026-11-26",
        "/api/v1/streamers/1/days?from=2026-11-24&to=2026-11-26",
        "/?from=2026-11-24&to=2026-11-26",
        "/streamers/1?from=2026-11-24&to=2026-11-26",
    ];
    let mut before = Vec::new();
    for uri in uris {
        let first = get(&app, uri).await;
        let again = get(&app, uri).await;
        assert_eq!(first.body, again.body, "{uri}: kept as it was");
        assert_ne!(first.header("etag"), "", "{uri}");
        before.push(first);
    }
    // A late snapshot of 2026-11-25, then that day closed again: every answer over it changes.
    let settings = Settings::default();
    store
        .record_snapshot(&slotted(
            "2026-11-25T21:00:00Z",
            vec![stream("1", "Alpha", CHESS, 70_000)],
        ))
        .await
        .unwrap();
    let window = settings.calendar.window(day("2026-11-25"));
    store
        .close_day(
            &window,
            window.slots_expected(settings.slot_length),
            window.end + chrono::Duration::hours(30),
        )
        .await
        .unwrap();
    for (uri, old) in uris.into_iter().zip(before) {
        let now = get(&app, uri).await;
        assert_eq!(now.status, StatusCode::OK, "{uri}");
        assert_ne!(
            now.header("etag"),
            old.header("etag"),
            "{uri}: not the kept answer"
        );
        assert_ne!(now.body, old.body, "{uri}");
    }
}

#[tokio::test]
async fn every_answer_has_the_security_headers() {
    let (app, _) = app().await;
    for uri in ["/api/v1/rankings", "/api/v1/nothing", "/api/openapi.json"] {
        let answer = get(&app, uri).await;
        let csp = answer.header("content-security-policy");
        assert!(
            csp.starts_with("default-src 'none'; style-src 'self' 'sha256-"),
            "{uri}: {csp}"
        );
        assert!(
            !csp.contains("unsafe") && !csp.contains("script-src"),
            "{csp}"
        );
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let (app, _) = app().await;
    let doc = get(&app, "/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v1/days/{day}",
            "/api/v1/games/{id}/days",
            "/api/v1/rankings",
            "/api/v1/search",
            "/api/v1/streamers/{id}/days"
        ]
    );
    let report = &doc["components"]["schemas"]["ReportDoc"]["properties"];
    for field in [
        "from",
        "to",
        "slots_observed",
        "slots_expected",
        "slots_incomplete",
        "days_not_closed",
        "games",
        "streamers",
        "game",
        "streamer",
    ] {
        assert!(report.get(field).is_some(), "{field} missing from {report}");
    }
}
