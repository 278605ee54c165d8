//! The image port: where the charts of the daily posts come from.
//!
//! The core draws nothing (it depends on no image crate), so the binary implements this with
//! `watchtime-chart`. [`crate::bot::publish_day_with_images`] asks for each post's image before
//! the post is claimed, from the same closed day as the text, so a retry rebuilds the same
//! bytes.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::message::{DayRankings, PostKind};
use crate::ports::Image;

/// Draws the image of a daily post.
#[async_trait]
pub trait PostImages: Send + Sync + Debug {
    /// The chart of `kind`'s post about `rankings` as a PNG, with its alt text (the ranking in
    /// words, never empty) of at most `alt_max_chars` characters; `None` when that post has
    /// nothing to chart. The same rankings must give the same bytes: a retried post is checked
    /// against the first attempt's image by its hash.
    async fn daily_image(
        &self,
        kind: PostKind,
        rankings: &DayRankings,
        alt_max_chars: usize,
    ) -> Result<Option<Image>>;
}

/// A shared, type-erased image maker.
pub type DynPostImages = Arc<dyn PostImages>;
