//! Helix's JSON, as far as a sweep needs it, and its mapping to core samples.

use secrecy::SecretString;
use serde::Deserialize;
use watchtime_core::{Game, GameId, StreamSample, Streamer, StreamerId};

/// One page of `GET /helix/streams`.
#[derive(Debug, Deserialize)]
pub(crate) struct StreamsPage {
    pub(crate) data: Vec<HelixStream>,
    #[serde(default)]
    pub(crate) pagination: Pagination,
}

/// The page's cursor; Helix sends `{}` on the last page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Pagination {
    #[serde(default)]
    pub(crate) cursor: Option<String>,
}

/// One stream. Identity and viewers are required; a missing category is no category. The other
/// documented fields (id, type, title, started_at, language, thumbnail_url, tag_ids, tags,
/// is_mature) are not needed for watch time and are ignored, so a change to them never fails a
/// sweep.
#[derive(Debug, Deserialize)]
pub(crate) struct HelixStream {
    user_id: String,
    user_login: String,
    user_name: String,
    #[serde(default)]
    game_id: String,
    #[serde(default)]
    game_name: String,
    pub(crate) viewer_count: u32,
}

impl HelixStream {
    pub(crate) fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The core sample; an empty `game_id` means the stream has no category.
    pub(crate) fn into_sample(self) -> StreamSample {
        StreamSample {
            streamer: Streamer {
                id: StreamerId::new(self.user_id),
                login: self.user_login,
                display_name: self.user_name,
            },
            game: (!self.game_id.is_empty()).then(|| Game {
                id: GameId::new(self.game_id),
                name: self.game_name,
            }),
            viewers: self.viewer_count,
        }
    }
}

/// The answer of `POST /oauth2/token` with `grant_type=client_credentials`.
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: SecretString,
    #[serde(default)]
    pub(crate) expires_in: Option<u64>,
}

/// The error body of Helix and of the OAuth server: `{"error", "status", "message"}`.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    error: String,
}

/// The server's explanation from an error body, shortened for a log line; the body itself when
/// it is not Twitch's JSON. Twitch's messages never echo credentials.
pub(crate) fn error_message(body: &str) -> String {
    let parsed: ErrorBody = serde_json::from_str(body).unwrap_or_default();
    let text = if !parsed.message.is_empty() {
        parsed.message
    } else if !parsed.error.is_empty() {
        parsed.error
    } else {
        body.trim().to_owned()
    };
    shorten(&text, 120)
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_helix_stream_maps_and_extra_fields_are_ignored() {
        let page: StreamsPage = serde_json::from_str(
            r#"{"data":[{"id":"4000","user_id":"41","user_login":"shirokuma","user_name":"しろくま🐻‍❄️",
            "game_id":"","game_name":"","type":"live","title":"雑談 💬","viewer_count":77,
            "started_at":"2026-11-27T08:00:00Z","language":"ja","thumbnail_url":"https://x/{width}x{height}.jpg",
            "tag_ids":[],"tags":["日本語"],"is_mature":false,"new_field":{"x":1}}],
            "pagination":{}}"#,
        )
        .unwrap();
        assert!(page.pagination.cursor.is_none());
        let sample = page.data.into_iter().next().unwrap().into_sample();
        assert_eq!(sample.streamer.display_name, "しろくま🐻‍❄️");
        assert_eq!(sample.game, None);
        assert_eq!(sample.viewers, 77);
    }

    #[test]
    fn error_messages_are_taken_from_the_body_and_shortened() {
        assert_eq!(
            error_message(r#"{"error":"Bad Request","status":400,"message":"invalid cursor"}"#),
            "invalid cursor"
        );
        assert_eq!(
            error_message(r#"{"error":"Unauthorized","status":401}"#),
            "Unauthorized"
        );
        assert_eq!(
            error_message(" <html>bad gateway</html>\n"),
            "<html>bad gateway</html>"
        );
        assert_eq!(error_message(&"é".repeat(200)).chars().count(), 121);
    }
}
