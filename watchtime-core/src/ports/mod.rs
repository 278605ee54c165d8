//! The ports: traits the core needs implemented, and nothing else.

mod forward;
mod mentions;
mod publisher;
mod store;
mod twitch;

pub use mentions::{DynMentionSource, Mention, MentionPage, MentionSource};
pub use publisher::{Delivery, DynPublisher, Image, Post, PublishError, Publisher, Redelivery};
pub use store::{DynStore, NameStore, OutboxStore, SnapshotStore, Store, TotalsStore};
pub use twitch::{DynTwitchSource, TwitchSource};
