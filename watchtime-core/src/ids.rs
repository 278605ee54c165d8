//! Who and what is watched: streamers and games, identified by Twitch ids.
//!
//! Identity is the id, never the name: logins are renamed and games are retitled, and a ranking
//! must not split one streamer in two. Names are attributes; the latest seen is the one shown.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a Twitch id as given by the API.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as Twitch spells it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self::new(id)
            }
        }
    };
}

id_type!(
    /// A streamer: the Twitch `user_id` of the broadcaster.
    StreamerId
);
id_type!(
    /// A game or category: the Twitch `game_id`.
    GameId
);

/// A streamer with the names last seen for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Streamer {
    /// The stable identity.
    pub id: StreamerId,
    /// The login (`user_login`), lowercase ASCII on Twitch.
    pub login: String,
    /// The display name (`user_name`), which may differ from the login in case or script.
    pub display_name: String,
}

impl Streamer {
    /// The name to show: the display name, or the login when the display name is blank.
    pub fn shown_name(&self) -> &str {
        if self.display_name.trim().is_empty() {
            &self.login
        } else {
            &self.display_name
        }
    }
}

/// A game (Twitch category) with the name last seen for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Game {
    /// The stable identity.
    pub id: GameId,
    /// The category name (`game_name`).
    pub name: String,
}

/// Which kind of thing a name or ranking is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A game (category).
    Game,
    /// A streamer (channel).
    Streamer,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Game => "game",
            Kind::Streamer => "streamer",
        })
    }
}
