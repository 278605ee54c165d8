//! Streams the fake serves, in Helix's JSON shape.

use serde_json::{Value, json};

/// Categories the generated streams rotate through: real Helix ids and names, plus "no
/// category" (empty id and name), which Helix sends for channels without one.
const GAMES: [(&str, &str); 7] = [
    ("509658", "Just Chatting"),
    ("21779", "League of Legends"),
    ("32982", "Grand Theft Auto V"),
    ("516575", "VALORANT"),
    ("33214", "Fortnite"),
    ("27471", "Minecraft"),
    ("", ""),
];

/// One live stream as Helix describes it. The fields a sweep reads are public; the rest of
/// Helix's object (stream id, title, tags, thumbnail…) is filled in plausibly when served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeStream {
    /// The broadcaster's id (`user_id`).
    pub user_id: String,
    /// The login (`user_login`).
    pub user_login: String,
    /// The display name (`user_name`).
    pub user_name: String,
    /// The category id (`game_id`); empty for no category.
    pub game_id: String,
    /// The category name (`game_name`); empty for no category.
    pub game_name: String,
    /// Concurrent viewers (`viewer_count`).
    pub viewer_count: u32,
}

impl FakeStream {
    /// A stream with these identities and viewers.
    pub fn new(
        user_id: impl Into<String>,
        user_login: impl Into<String>,
        user_name: impl Into<String>,
        game: (&str, &str),
        viewer_count: u32,
    ) -> Self {
        FakeStream {
            user_id: user_id.into(),
            user_login: user_login.into(),
            user_name: user_name.into(),
            game_id: game.0.to_owned(),
            game_name: game.1.to_owned(),
            viewer_count,
        }
    }

    /// Generated stream number `n`: user id `Self::user_id_of(n)`, login `streamer{n}`, a
    /// category from a fixed rotation (every seventh has none).
    pub fn numbered(n: usize, viewer_count: u32) -> Self {
        FakeStream::new(
            Self::user_id_of(n),
            format!("streamer{n}"),
            format!("Streamer{n}"),
            GAMES[n % GAMES.len()],
            viewer_count,
        )
    }

    /// The user id of generated stream number `n`, so tests can name the streams they expect.
    pub fn user_id_of(n: usize) -> String {
        (100_000_000 + n).to_string()
    }

    /// `n` generated streams, viewers strictly descending and all over 50 (the lowest has 60).
    pub fn generate(n: usize) -> Vec<FakeStream> {
        (0..n)
            .map(|i| {
                let rank_from_bottom = u32::try_from(n - 1 - i).unwrap_or(u32::MAX);
                FakeStream::numbered(i, rank_from_bottom.saturating_mul(3).saturating_add(60))
            })
            .collect()
    }

    /// The full Helix object, with the fields a sweep ignores filled in.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": format!("4{}", self.user_id),
            "user_id": self.user_id,
            "user_login": self.user_login,
            "user_name": self.user_name,
            "game_id": self.game_id,
            "game_name": self.game_name,
            "type": "live",
            "title": format!("{} live — !commands", self.user_name),
            "viewer_count": self.viewer_count,
            "started_at": "2026-11-27T14:02:11Z",
            "language": "en",
            "thumbnail_url": format!(
                "https://static-cdn.jtvnw.net/previews-ttv/live_user_{}-{{width}}x{{height}}.jpg",
                self.user_login
            ),
            "tag_ids": [],
            "tags": ["English"],
            "is_mature": false
        })
    }
}
