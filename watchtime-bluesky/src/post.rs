//! Posting and replying ([`Publisher`]): one `putRecord` per item, under its derived key.

use async_trait::async_trait;
use reqwest::header::CONTENT_TYPE;
use tracing::{debug, warn};
use watchtime_core::message::{TextLimit, grapheme_length};
use watchtime_core::ports::{Delivery, Image, Mention, Post, PublishError, Publisher, Redelivery};

use crate::client::{BlueskyClient, PLATFORM};
use crate::error::BlueskyError;
use crate::record::{
    BlobAnswer, ImagesEmbed, POST_COLLECTION, PostRecord, PostsAnswer, PutAnswer, ReplyRef,
    StrongRef,
};
use crate::tid::record_key;
use crate::xrpc::Failure;

/// The largest image Bluesky takes, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2_000_000;

#[async_trait]
impl Publisher for BlueskyClient {
    fn platform(&self) -> &str {
        PLATFORM
    }

    /// 300 graphemes and 3000 bytes ([`TextLimit::BLUESKY`]).
    fn text_limit(&self) -> TextLimit {
        TextLimit::BLUESKY
    }

    /// Every write lands under the item's own record key, so a repeat is always safe.
    fn redelivery(&self) -> Redelivery {
        Redelivery::Idempotent
    }

    fn takes_images(&self) -> bool {
        true
    }

    async fn post(&self, post: &Post) -> Result<Delivery, PublishError> {
        self.write(post, None).await
    }

    /// A reply in the mention's thread: `parent` is the mention, `root` the thread's first post
    /// (the mention's own root when it is itself a reply). The mention is read again first, so
    /// a deleted one is refused ([`BlueskyError::Gone`]) rather than answered into the void.
    async fn reply(&self, mention: &Mention, post: &Post) -> Result<Delivery, PublishError> {
        let thread = self
            .thread_of(&mention.id)
            .await
            .map_err(|e| PublishError::NotSent(e.into()))?;
        self.write(post, Some(thread)).await
    }
}

impl BlueskyClient {
    async fn write(&self, post: &Post, reply: Option<ReplyRef>) -> Result<Delivery, PublishError> {
        let not_sent = |e: BlueskyError| PublishError::NotSent(e.into());
        if !TextLimit::BLUESKY.fits(&post.text) {
            return Err(not_sent(BlueskyError::TooLong {
                graphemes: grapheme_length(&post.text),
                bytes: post.text.len(),
            }));
        }
        // Both from the time the outbox fixed for the item: every attempt writes the same record.
        let rkey = record_key(&post.idempotency_key, post.created_at);
        let mut record = PostRecord::new(&post.text, post.created_at, &self.langs);
        record.reply = reply;
        if let Some(image) = &post.image {
            record.embed = self.upload(image).await;
        }
        let sent = self
            .call("putRecord", |session| {
                self.xrpc
                    .post("com.atproto.repo.putRecord")
                    .json(&serde_json::json!({
                        "repo": session.did,
                        "collection": POST_COLLECTION,
                        "rkey": rkey,
                        "record": record,
                    }))
            })
            .await;
        let body = match sent {
            Ok(body) => body,
            Err(Failure {
                error,
                maybe_sent: true,
            }) => return Err(PublishError::Unknown(error.into())),
            Err(Failure { error, .. }) => return Err(not_sent(error)),
        };
        match self.xrpc.read::<PutAnswer>("putRecord answer", &body) {
            Ok(answer) if answer.commit.is_none() => {
                debug!(host = %self.xrpc.host, uri = %answer.uri, "the identical record was already there");
                Ok(Delivery::AlreadyPosted(Some(answer.uri)))
            }
            Ok(answer) => {
                debug!(host = %self.xrpc.host, uri = %answer.uri, "record written");
                Ok(Delivery::Posted(answer.uri))
            }
            Err(e) => {
                // Written; only the answer is unreadable. Its address is known anyway.
                warn!(host = %self.xrpc.host, error = %e, "record written, but the answer could not be read");
                let did = self.session().await.map(|s| s.did.clone()).ok();
                Ok(Delivery::AlreadyPosted(
                    did.map(|did| format!("at://{did}/{POST_COLLECTION}/{rkey}")),
                ))
            }
        }
    }

    /// Uploads `image` and makes its embed. An image that cannot be uploaded never blocks the
    /// post: it goes out without it, and a warning says so. Every attempt uploads again (blobs
    /// are content-addressed, so the record stays identical, and an unreferenced blob is
    /// dropped by the PDS after a while).
    async fn upload(&self, image: &Image) -> Option<ImagesEmbed> {
        if image.png.len() > MAX_IMAGE_BYTES {
            warn!(
                bytes = image.png.len(),
                max = MAX_IMAGE_BYTES,
                "the image is over Bluesky's size limit; posting without it"
            );
            return None;
        }
        let sent = self
            .call("uploadBlob", |_| {
                self.xrpc
                    .post("com.atproto.repo.uploadBlob")
                    .header(CONTENT_TYPE, "image/png")
                    .body(image.png.clone())
            })
            .await;
        let read = sent
            .map_err(|f| f.error)
            .and_then(|body| self.xrpc.read::<BlobAnswer>("uploadBlob answer", &body));
        match read {
            Ok(answer) => Some(ImagesEmbed::one(answer.blob, &image.alt, &image.png)),
            Err(e) => {
                warn!(host = %self.xrpc.host, error = %e, "the image could not be uploaded; posting without it");
                None
            }
        }
    }

    /// The references a reply to the post at `uri` carries.
    async fn thread_of(&self, uri: &str) -> Result<ReplyRef, BlueskyError> {
        let body = self
            .call("getPosts", |_| {
                self.xrpc
                    .get("app.bsky.feed.getPosts")
                    .query(&[("uris", uri)])
            })
            .await
            .map_err(|f| f.error)?;
        let answer: PostsAnswer = self.xrpc.read("getPosts answer", &body)?;
        let Some(post) = answer.posts.into_iter().find(|p| p.uri == uri) else {
            return Err(BlueskyError::Gone {
                uri: uri.to_owned(),
            });
        };
        let parent = StrongRef {
            uri: post.uri.clone(),
            cid: post.cid.clone(),
        };
        let root = post.reply_root().unwrap_or_else(|| parent.clone());
        Ok(ReplyRef { root, parent })
    }
}
