//! The `app.bsky.feed.post` record, and the lexicon outputs the client reads.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// The collection of posts.
pub(crate) const POST_COLLECTION: &str = "app.bsky.feed.post";

/// A post record as written with `putRecord`.
#[derive(Debug, Serialize)]
pub(crate) struct PostRecord<'a> {
    #[serde(rename = "$type")]
    pub(crate) kind: &'static str,
    pub(crate) text: &'a str,
    /// RFC 3339 with milliseconds and `Z`, as the official clients write it.
    #[serde(rename = "createdAt")]
    pub(crate) created_at: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub(crate) langs: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reply: Option<ReplyRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) embed: Option<ImagesEmbed>,
}

impl<'a> PostRecord<'a> {
    pub(crate) fn new(text: &'a str, created_at: DateTime<Utc>, langs: &'a [String]) -> Self {
        PostRecord {
            kind: POST_COLLECTION,
            text,
            created_at: created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            langs,
            reply: None,
            embed: None,
        }
    }
}

/// A reference to one version of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StrongRef {
    pub(crate) uri: String,
    pub(crate) cid: String,
}

/// Where a reply sits: the thread's first post and the post it answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReplyRef {
    pub(crate) root: StrongRef,
    pub(crate) parent: StrongRef,
}

/// `app.bsky.embed.images` with one image.
#[derive(Debug, Serialize)]
pub(crate) struct ImagesEmbed {
    #[serde(rename = "$type")]
    pub(crate) kind: &'static str,
    pub(crate) images: Vec<EmbeddedImage>,
}

/// One image of an embed: the uploaded blob, its alt text and its shape.
#[derive(Debug, Serialize)]
pub(crate) struct EmbeddedImage {
    /// The blob object exactly as `uploadBlob` answered it.
    pub(crate) image: serde_json::Value,
    pub(crate) alt: String,
    #[serde(rename = "aspectRatio", skip_serializing_if = "Option::is_none")]
    pub(crate) aspect_ratio: Option<AspectRatio>,
}

/// Width and height, so clients lay the image out before loading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct AspectRatio {
    pub(crate) width: u32,
    pub(crate) height: u32,
}

impl ImagesEmbed {
    pub(crate) fn one(blob: serde_json::Value, alt: &str, png: &[u8]) -> Self {
        ImagesEmbed {
            kind: "app.bsky.embed.images",
            images: vec![EmbeddedImage {
                image: blob,
                alt: alt.to_owned(),
                aspect_ratio: png_size(png),
            }],
        }
    }
}

/// The width and height in a PNG's header (the IHDR chunk, which must come first), or `None`
/// for bytes that are not a PNG or a zero size.
pub(crate) fn png_size(png: &[u8]) -> Option<AspectRatio> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if png.len() < 24 || !png.starts_with(SIGNATURE) || &png[12..16] != b"IHDR" {
        return None;
    }
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    let (width, height) = (be(16), be(20));
    (width > 0 && height > 0).then_some(AspectRatio { width, height })
}

/// `putRecord` output.
#[derive(Debug, Deserialize)]
pub(crate) struct PutAnswer {
    pub(crate) uri: String,
    /// The commit that wrote it; absent when the identical record was already there.
    #[serde(default)]
    pub(crate) commit: Option<serde_json::Value>,
}

/// `uploadBlob` output.
#[derive(Debug, Deserialize)]
pub(crate) struct BlobAnswer {
    pub(crate) blob: serde_json::Value,
}

/// `app.bsky.feed.getPosts` output, as far as replies need it.
#[derive(Debug, Deserialize)]
pub(crate) struct PostsAnswer {
    pub(crate) posts: Vec<PostView>,
}

/// A post as the AppView shows it.
#[derive(Debug, Deserialize)]
pub(crate) struct PostView {
    pub(crate) uri: String,
    pub(crate) cid: String,
    #[serde(default)]
    pub(crate) record: serde_json::Value,
}

impl PostView {
    /// The thread root this post names, if it is a reply.
    pub(crate) fn reply_root(&self) -> Option<StrongRef> {
        let root = self.record.get("reply")?.get("root")?;
        serde_json::from_value(root.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_sizes() {
        // The 1×1 PNG the field notes upload, and a 1200×675 header.
        let tiny = [
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0,
            0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
        ];
        assert_eq!(
            png_size(&tiny),
            Some(AspectRatio {
                width: 1,
                height: 1
            })
        );
        let mut wide = tiny;
        wide[16..20].copy_from_slice(&1200u32.to_be_bytes());
        wide[20..24].copy_from_slice(&675u32.to_be_bytes());
        assert_eq!(
            png_size(&wide),
            Some(AspectRatio {
                width: 1200,
                height: 675
            })
        );
        assert_eq!(png_size(b"GIF89a not a png at all....."), None);
        assert_eq!(png_size(&tiny[..20]), None);
        let mut zero = tiny;
        zero[16..20].copy_from_slice(&[0; 4]);
        assert_eq!(png_size(&zero), None);
    }

    #[test]
    fn a_record_as_written() {
        let langs = vec!["en".to_owned()];
        let created = DateTime::parse_from_rfc3339("2026-11-27T22:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut record = PostRecord::new("Top games ✨", created, &langs);
        record.reply = Some(ReplyRef {
            root: StrongRef {
                uri: "at://did:plc:a/app.bsky.feed.post/3k1".into(),
                cid: "bafyroot".into(),
            },
            parent: StrongRef {
                uri: "at://did:plc:b/app.bsky.feed.post/3k2".into(),
                cid: "bafyparent".into(),
            },
        });
        insta::assert_snapshot!(serde_json::to_string(&record).unwrap(), @r#"{"$type":"app.bsky.feed.post","text":"Top games ✨","createdAt":"2026-11-27T22:00:00.123Z","langs":["en"],"reply":{"root":{"uri":"at://did:plc:a/app.bsky.feed.post/3k1","cid":"bafyroot"},"parent":{"uri":"at://did:plc:b/app.bsky.feed.post/3k2","cid":"bafyparent"}}}"#);
    }
}
