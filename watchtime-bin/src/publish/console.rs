//! The console publisher: prints posts and replies instead of sending them.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use watchtime_core::message::{TextLimit, display_name, shorten};
use watchtime_core::ports::{Delivery, Mention, Post, PublishError, Publisher, Redelivery};

/// Prints each post to standard output, framed with its kind and length.
///
/// Counts like X (280 weighted characters) so a dry run shows what X would get. Takes images as
/// X does (alt text up to 1000 characters) and prints a line about each: its size and alt text.
#[derive(Debug)]
pub struct ConsolePublisher {
    limit: TextLimit,
    next_id: AtomicU64,
}

impl ConsolePublisher {
    /// A console publisher fitting text to `limit`.
    pub fn new(limit: TextLimit) -> Self {
        ConsolePublisher {
            limit,
            next_id: AtomicU64::new(1),
        }
    }

    /// Prints one post. A closed pipe ends the process here, as it would a Unix tool (see
    /// [`crate::output`]); the outbox then holds the claim, and the next run prints it again.
    fn print(&self, heading: &str, text: &str) -> Result<Delivery, PublishError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let length = self.limit.count(text);
        let frame = format!(
            "── {heading} ({length}/{} {}) ",
            self.limit.max,
            self.limit.rule.unit_name()
        );
        outln!("{frame:─<72}\n{text}\n");
        Ok(Delivery::Posted(format!("console-{id}")))
    }
}

#[async_trait]
impl Publisher for ConsolePublisher {
    fn platform(&self) -> &str {
        "console"
    }

    fn text_limit(&self) -> TextLimit {
        self.limit
    }

    fn redelivery(&self) -> Redelivery {
        // Printing again is harmless.
        Redelivery::Deduplicated {
            within: std::time::Duration::MAX,
        }
    }

    fn takes_images(&self) -> bool {
        true
    }

    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        let heading = post.idempotency_key.rsplit(':').next().unwrap_or("post");
        let delivery = self.print(heading, &post.text);
        if let Some(image) = &post.image {
            outln!(
                "[image: PNG, {} bytes; alt text: {}]\n",
                image.png.len(),
                image.alt
            );
        }
        delivery
    }

    async fn reply(&self, mention: &Mention, post: &Post) -> Result<Delivery, PublishError> {
        let question = shorten(&display_name(&mention.text), 60);
        self.print(
            &format!("reply to @{} “{question}”", mention.author_handle),
            &post.text,
        )
    }
}
