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

/// The id of a game or of a streamer: what a ranking line or a name record is about.
///
/// One value instead of a kind and a bare string, so a streamer's id can never be passed where a
/// game's is meant: `match` on it to get the [`GameId`] or [`StreamerId`] a
/// [`crate::ranking::Subject`] needs. It orders games before streamers, then by id.
///
/// In JSON it is two fields, `"kind"` (`"game"` or `"streamer"`) and `"id"` (the Twitch id as a
/// string), which the structs holding it flatten into their own fields.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum EntityId {
    /// A game (category).
    Game(GameId),
    /// A streamer (channel).
    Streamer(StreamerId),
}

impl EntityId {
    /// The id of `kind` spelled `id`, for stores that read the kind and the id apart.
    pub fn new(kind: Kind, id: impl Into<String>) -> Self {
        match kind {
            Kind::Game => EntityId::Game(GameId::new(id)),
            Kind::Streamer => EntityId::Streamer(StreamerId::new(id)),
        }
    }

    /// Whether it names a game or a streamer.
    pub fn kind(&self) -> Kind {
        match self {
            EntityId::Game(_) => Kind::Game,
            EntityId::Streamer(_) => Kind::Streamer,
        }
    }

    /// The Twitch id as Twitch spells it, whatever the kind.
    pub fn as_str(&self) -> &str {
        match self {
            EntityId::Game(id) => id.as_str(),
            EntityId::Streamer(id) => id.as_str(),
        }
    }

    /// The game's id, or `None` for a streamer.
    pub fn game(&self) -> Option<&GameId> {
        match self {
            EntityId::Game(id) => Some(id),
            EntityId::Streamer(_) => None,
        }
    }

    /// The streamer's id, or `None` for a game.
    pub fn streamer(&self) -> Option<&StreamerId> {
        match self {
            EntityId::Streamer(id) => Some(id),
            EntityId::Game(_) => None,
        }
    }
}

/// The bare Twitch id, as `report --json` and the pages print it.
impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<GameId> for EntityId {
    fn from(id: GameId) -> Self {
        EntityId::Game(id)
    }
}

impl From<StreamerId> for EntityId {
    fn from(id: StreamerId) -> Self {
        EntityId::Streamer(id)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_id_keeps_its_kind_and_orders_games_first() {
        let game = EntityId::new(Kind::Game, "27471");
        let streamer = EntityId::new(Kind::Streamer, "12");
        assert_eq!(game, EntityId::Game(GameId::new("27471")));
        assert_eq!(
            (game.kind(), game.as_str(), game.game(), game.streamer()),
            (Kind::Game, "27471", Some(&GameId::new("27471")), None)
        );
        assert_eq!(
            (streamer.kind(), streamer.to_string(), streamer.streamer()),
            (
                Kind::Streamer,
                "12".to_owned(),
                Some(&StreamerId::new("12"))
            )
        );
        // The same digits name different things in each kind.
        assert_ne!(EntityId::new(Kind::Game, "12"), streamer);
        let mut ids = vec![
            streamer.clone(),
            EntityId::new(Kind::Game, "9"),
            game.clone(),
        ];
        ids.sort();
        assert_eq!(ids, [game, EntityId::new(Kind::Game, "9"), streamer]);
    }

    #[test]
    fn an_entity_id_is_a_kind_and_an_id_in_json() {
        let id = EntityId::from(StreamerId::new("71092938"));
        let json = serde_json::to_string(&id).unwrap_or_default();
        assert_eq!(json, r#"{"kind":"streamer","id":"71092938"}"#);
        let back: EntityId = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, id);
    }
}
