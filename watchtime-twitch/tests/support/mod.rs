//! Helpers shared by the integration tests: expected samples written independently of the
//! crate's own mapping, and short forms of the fake's exchange log.

#![allow(dead_code, clippy::unwrap_used)] // test helpers may unwrap

use watchtime_core::{Game, GameId, Snapshot, StreamSample, Streamer, StreamerId};
use watchtime_twitch::HelixSource;
use watchtime_twitch::fake::{Endpoint, Exchange, FakeStream, HelixFake};

/// What a stream served by the fake must become in a snapshot.
pub fn expected(streams: &[FakeStream]) -> Vec<StreamSample> {
    streams
        .iter()
        .map(|s| StreamSample {
            streamer: Streamer {
                id: StreamerId::new(s.user_id.as_str()),
                login: s.user_login.clone(),
                display_name: s.user_name.clone(),
            },
            game: if s.game_id.is_empty() {
                None
            } else {
                Some(Game {
                    id: GameId::new(s.game_id.as_str()),
                    name: s.game_name.clone(),
                })
            },
            viewers: s.viewer_count,
        })
        .collect()
}

/// A stream in category `game` with `viewers`, named after its id.
pub fn stream(id: &str, viewers: u32) -> FakeStream {
    FakeStream::new(
        id,
        format!("login{id}"),
        format!("Name{id}"),
        ("509658", "Just Chatting"),
        viewers,
    )
}

/// The user ids of a snapshot, in order.
pub fn ids(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .streams
        .iter()
        .map(|s| s.streamer.id.to_string())
        .collect()
}

/// A token request answered `status`.
pub fn t(status: u16) -> Exchange {
    Exchange {
        endpoint: Endpoint::Token,
        page: None,
        status,
    }
}

/// A request for page `page` answered `status`.
pub fn p(page: u32, status: u16) -> Exchange {
    Exchange {
        endpoint: Endpoint::Streams,
        page: Some(page),
        status,
    }
}

/// A source configured for `fake` with the fake's defaults.
pub fn source(fake: &HelixFake) -> HelixSource {
    HelixSource::new(fake.config()).unwrap()
}
