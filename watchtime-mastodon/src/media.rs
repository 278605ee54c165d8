//! Images on statuses: `POST /api/v2/media` (multipart `file` and `description`), then, when the
//! instance answers 202, `GET /api/v1/media/:id` until the attachment is processed (206 while
//! it is not), bounded by [`MastodonConfig::media_wait`](crate::MastodonConfig).
//!
//! An upload creates only an unattached attachment (the instance deletes those after a day), so
//! repeating it is harmless and every failure here means the status was not sent.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use tracing::debug;
use watchtime_core::ports::Image;

use crate::error::MastodonError;
use crate::http::{Failure, Http};

/// The alt-text limit of a Mastodon media description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1500;

/// How long to wait for an instance to process an upload: polls, and the pause between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaWait {
    /// `GET /api/v1/media/:id` at most this many times.
    pub polls: u32,
    /// The pause before each poll.
    pub interval: Duration,
}

impl Default for MediaWait {
    /// 30 polls a second apart: a PNG chart takes the instance well under a second, a busy
    /// instance's queue a few.
    fn default() -> Self {
        MediaWait {
            polls: 30,
            interval: Duration::from_secs(1),
        }
    }
}

/// A media attachment, as far as the client needs it.
#[derive(Debug, Deserialize)]
struct Attachment {
    id: String,
    /// `null` until the instance has processed the file.
    #[serde(default)]
    url: Option<String>,
}

/// Uploads `image` with its alt text and waits until the instance has processed it; returns the
/// attachment id for the status's `media_ids`.
pub(crate) async fn upload(
    http: &Http,
    image: &Image,
    wait: MediaWait,
) -> Result<String, MastodonError> {
    let url = http.url("/api/v2/media");
    let client = http.client();
    let answer = http
        .send("media upload", || {
            let file = Part::bytes(image.png.clone())
                .file_name("chart.png")
                .mime_str("image/png")
                .unwrap_or_else(|_| Part::bytes(image.png.clone()).file_name("chart.png"));
            let form = Form::new()
                .part("file", file)
                .text("description", image.alt.clone());
            client.post(&url).multipart(form)
        })
        .await
        .map_err(|Failure { error, .. }| error)?;
    let attachment = read(http, answer.body.as_deref(), "media attachment")?;
    if answer.status == 200 && attachment.url.is_some() {
        debug!(host = %http.host, id = %attachment.id, "image uploaded");
        return Ok(attachment.id);
    }
    // 202: the instance processes the file in the background.
    let url = http.url(&format!("/api/v1/media/{}", attachment.id));
    for poll in 1..=wait.polls {
        tokio::time::sleep(wait.interval).await;
        let answer = http
            .send("media status", || client.get(&url))
            .await
            .map_err(|Failure { error, .. }| error)?;
        if answer.status == 200 {
            let done = read(http, answer.body.as_deref(), "media attachment")?;
            if done.url.is_some() {
                debug!(host = %http.host, id = %attachment.id, poll, "image processed");
                return Ok(attachment.id);
            }
        }
    }
    Err(MastodonError::MediaNotReady {
        host: http.host.clone(),
        waited: wait.interval.saturating_mul(wait.polls),
    })
}

fn read(http: &Http, body: Option<&[u8]>, what: &'static str) -> Result<Attachment, MastodonError> {
    let malformed = |reason: String| MastodonError::Malformed {
        host: http.host.clone(),
        what,
        reason,
    };
    let body = body.ok_or_else(|| malformed("the answer was cut off".into()))?;
    serde_json::from_slice(body).map_err(|e| malformed(e.to_string()))
}
