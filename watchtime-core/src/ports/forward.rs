//! Every port for `Arc<T>`, `Box<T>` and `&T`, so a shared or borrowed implementation is one too.
//!
//! The binary wires a [`DynStore`](super::DynStore) (an `Arc<dyn Store>`); with these impls it
//! can be handed to code generic over `S: Store`, and a wrapper generic over its inner store (one
//! that counts, caches or logs calls) can hold one. Each method forwards to the inner value, the
//! default methods included, so an implementation that overrides a default (a publisher that
//! takes no replies) behaves the same behind a pointer.
//!
//! A new trait method is one line in the list of its trait below.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::error::Result;
use crate::ids::EntityId;
use crate::lookup::{NameLookup, NameRecord};
use crate::message::{DayRankings, PostKind, TextLimit};
use crate::outbox::{AuthorActivity, Claim, OutboxEntry, OutboxItem, OutboxKey, Settlement};
use crate::ports::{
    Delivery, Image, Mention, MentionPage, MentionSource, NameStore, OutboxStore, Post, PostImages,
    PublishError, Publisher, Redelivery, SnapshotStore, TotalsStore, TwitchSource,
};
use crate::ranking::{RankingEntry, RankingQuery};
use crate::series::EntityDay;
use crate::snapshot::{SlotSnapshot, Snapshot, SnapshotInfo};
use crate::time::{Clock, Day, DayRange, DayWindow, Slot};
use crate::totals::{DailyTotal, DayStatus, NamedTotal};

/// Implements `$trait` for `Arc<T>`, `Box<T>` and `&T` by forwarding each listed method to `T`.
/// Plain methods are listed first, then async ones.
macro_rules! forward {
    ($trait:ident $methods:tt) => {
        forward!(@impl $trait [T] Arc<T>, $methods);
        forward!(@impl $trait [T] Box<T>, $methods);
        forward!(@impl $trait ['a, T] &'a T, $methods);
    };
    (@impl $trait:ident [$($generics:tt)*] $wrapper:ty, {
        $(fn $sfn:ident(&self $(, $sarg:ident: $sty:ty)*) -> $sret:ty;)*
        $(async fn $afn:ident(&self $(, $aarg:ident: $aty:ty)*) -> $aret:ty;)*
    }) => {
        #[async_trait]
        impl<$($generics)*: $trait + ?Sized> $trait for $wrapper {
            $(fn $sfn(&self $(, $sarg: $sty)*) -> $sret {
                (**self).$sfn($($sarg),*)
            })*
            $(async fn $afn(&self $(, $aarg: $aty)*) -> $aret {
                (**self).$afn($($aarg),*).await
            })*
        }
    };
}

forward!(SnapshotStore {
    async fn record_snapshot(&self, snapshot: &SlotSnapshot) -> Result<()>;
    async fn snapshots(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<SnapshotInfo>>;
    async fn prune_samples(&self, before: Slot) -> Result<u64>;
});

forward!(TotalsStore {
    async fn close_day(&self, window: &DayWindow, slots_expected: u32, now: DateTime<Utc>) -> Result<DayStatus>;
    async fn preview_day(&self, window: &DayWindow) -> Result<Vec<NamedTotal>>;
    async fn day_totals(&self, day: Day) -> Result<Vec<DailyTotal>>;
    async fn day_statuses(&self, range: DayRange) -> Result<Vec<DayStatus>>;
    async fn last_closed_day(&self) -> Result<Option<Day>>;
    async fn rank(&self, query: &RankingQuery) -> Result<Vec<RankingEntry>>;
    async fn entity_days(&self, id: &EntityId, range: DayRange) -> Result<Vec<EntityDay>>;
});

forward!(NameStore {
    async fn find_names(&self, lookup: &NameLookup) -> Result<Vec<NameRecord>>;
});

forward!(OutboxStore {
    async fn claim(&self, item: &OutboxItem, now: DateTime<Utc>) -> Result<Claim>;
    async fn settle(&self, key: &OutboxKey, settlement: &Settlement, now: DateTime<Utc>) -> Result<()>;
    async fn outbox_entry(&self, key: &OutboxKey) -> Result<Option<OutboxEntry>>;
    async fn author_activity(&self, platform: &str, author: &str, since: DateTime<Utc>) -> Result<AuthorActivity>;
    async fn mention_cursor(&self, platform: &str) -> Result<Option<String>>;
    async fn set_mention_cursor(&self, platform: &str, cursor: &str) -> Result<()>;
    async fn platform_secret(&self, platform: &str, name: &str) -> Result<Option<SecretString>>;
    async fn set_platform_secret(&self, platform: &str, name: &str, value: &SecretString) -> Result<()>;
});

forward!(Publisher {
    fn platform(&self) -> &str;
    fn text_limit(&self) -> TextLimit;
    fn redelivery(&self) -> Redelivery;
    fn takes_replies(&self) -> bool;
    fn takes_images(&self) -> bool;
    fn alt_text_limit(&self) -> usize;
    async fn post(&self, post: &Post) -> std::result::Result<Delivery, PublishError>;
    async fn reply(&self, mention: &Mention, post: &Post) -> std::result::Result<Delivery, PublishError>;
});

forward!(PostImages {
    async fn daily_image(&self, kind: PostKind, rankings: &DayRankings, alt_max_chars: usize) -> Result<Option<Image>>;
});

forward!(TwitchSource {
    async fn snapshot(&self, min_viewers: u32) -> Result<Snapshot>;
});

forward!(MentionSource {
    fn platform(&self) -> &str;
    async fn own_account_id(&self) -> Result<String>;
    async fn mentions_since(&self, cursor: Option<&str>) -> Result<MentionPage>;
});

forward!(Clock {
    fn now(&self) -> DateTime<Utc>;
});
