//! The snapshot JSON Lines format: a stable contract for `collect --save` and `import`.
//!
//! One snapshot a line:
//! `{"taken_at": "<RFC 3339>", "complete": true, "streams": [<stream>, …]}`, each stream with at
//! least Helix's own field names (`user_id`, `user_login`, `user_name`, `game_id`, `game_name`,
//! `viewer_count`). Other fields are ignored, so raw Helix objects can be pasted in. The slot is
//! derived from `taken_at` when the line is imported.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{Game, GameId, Streamer, StreamerId};
use crate::snapshot::{Completeness, Snapshot, StreamSample};

#[derive(Serialize, Deserialize)]
struct Line {
    taken_at: DateTime<Utc>,
    complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    incomplete_reason: Option<String>,
    streams: Vec<Stream>,
}

#[derive(Serialize, Deserialize)]
struct Stream {
    user_id: String,
    user_login: String,
    user_name: String,
    #[serde(default)]
    game_id: String,
    #[serde(default)]
    game_name: String,
    viewer_count: u32,
}

/// Parses one line of the format. Blank lines are not snapshots: callers skip them.
pub fn parse_line(line: &str) -> Result<Snapshot> {
    let parsed: Line = serde_json::from_str(line).map_err(|e| Error::invalid(describe(&e)))?;
    let completeness = if parsed.complete {
        Completeness::Complete
    } else {
        Completeness::Incomplete {
            reason: parsed
                .incomplete_reason
                .unwrap_or_else(|| "marked incomplete in the imported file".into()),
        }
    };
    Ok(Snapshot {
        taken_at: parsed.taken_at,
        completeness,
        streams: parsed.streams.into_iter().map(into_sample).collect(),
    })
}

/// Writes a snapshot as one line (no trailing newline).
pub fn to_line(snapshot: &Snapshot) -> String {
    let line = Line {
        taken_at: snapshot.taken_at,
        complete: snapshot.completeness.is_complete(),
        incomplete_reason: snapshot.completeness.reason().map(str::to_owned),
        streams: snapshot.streams.iter().map(from_sample).collect(),
    };
    // A struct of strings and numbers always serializes.
    serde_json::to_string(&line).unwrap_or_default()
}

fn into_sample(s: Stream) -> StreamSample {
    StreamSample {
        streamer: Streamer {
            id: StreamerId::new(s.user_id),
            login: s.user_login,
            display_name: s.user_name,
        },
        game: (!s.game_id.is_empty()).then(|| Game {
            id: GameId::new(s.game_id),
            name: s.game_name,
        }),
        viewers: s.viewer_count,
    }
}

fn from_sample(s: &StreamSample) -> Stream {
    Stream {
        user_id: s.streamer.id.to_string(),
        user_login: s.streamer.login.clone(),
        user_name: s.streamer.display_name.clone(),
        game_id: s
            .game
            .as_ref()
            .map(|g| g.id.to_string())
            .unwrap_or_default(),
        game_name: s.game.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
        viewer_count: s.viewers,
    }
}

/// A serde error without echoing the input back (a line may be megabytes).
fn describe(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "not a snapshot",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    let mut reason = e.to_string();
    if let Some(cut) = reason.find(" at line ") {
        reason.truncate(cut);
    }
    reason.truncate(200);
    format!("{what} at column {}: {reason}", e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_extra_fields() {
        let line = r#"{"taken_at":"2026-11-27T16:00:05Z","complete":true,"streams":[
            {"id":"4001","user_id":"1","user_login":"ninja","user_name":"Ninja","game_id":"33214","game_name":"Fortnite","type":"live","viewer_count":1234,"language":"en","tags":["x"]},
            {"user_id":"2","user_login":"nocat","user_name":"NoCat","game_id":"","game_name":"","viewer_count":77}]}"#
            .replace('\n', "");
        let snap = parse_line(&line).unwrap();
        assert_eq!(snap.streams.len(), 2);
        assert_eq!(snap.streams[0].game.as_ref().unwrap().name, "Fortnite");
        assert_eq!(snap.streams[1].game, None);
        let again = parse_line(&to_line(&snap)).unwrap();
        assert_eq!(again, snap);
    }

    #[test]
    fn incomplete_snapshots_keep_their_reason() {
        let snap = Snapshot {
            taken_at: "2026-11-27T16:00:05Z".parse().unwrap(),
            completeness: Completeness::Incomplete {
                reason: "page 7: invalid cursor".into(),
            },
            streams: vec![],
        };
        assert_eq!(parse_line(&to_line(&snap)).unwrap(), snap);
        let bare =
            parse_line(r#"{"taken_at":"2026-11-27T16:00:05Z","complete":false,"streams":[]}"#)
                .unwrap();
        assert!(!bare.completeness.is_complete());
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let cases = [
            ("{", "truncated JSON"),
            ("hello", "not valid JSON"),
            (
                r#"{"taken_at":"yesterday","complete":true,"streams":[]}"#,
                "not a snapshot",
            ),
            (
                r#"{"taken_at":"2026-11-27T16:00:05Z","complete":true,"streams":[{"user_id":"1","viewer_count":-4}]}"#,
                "not a snapshot",
            ),
        ];
        for (line, want) in cases {
            let err = parse_line(line).unwrap_err().to_string();
            assert!(err.contains(want), "{line}: {err}");
        }
    }
}
