//! The ports: traits the core needs implemented, and nothing else.

mod forward;
mod images;
mod mentions;
mod publisher;
mod store;
mod twitch;

pub use images::{DynPostImages, PostImages};
pub use mentions::{DynMentionSource, Mention, MentionPage, MentionSource};
pub use publisher::{
    DEFAULT_ALT_TEXT_LIMIT, Delivery, DynPublisher, Image, Post, PublishError, Publisher,
    Redelivery,
};
pub use store::{DynStore, NameStore, OutboxStore, SnapshotStore, Store, TotalsStore};
pub use twitch::{DynTwitchSource, TwitchSource};
