//! The JSON X sends and receives, as far as this crate reads it.

use serde::{Deserialize, Serialize};

/// `POST /2/tweets` body: text, the reply target, the uploaded chart. Never polls or links of
/// ours.
#[derive(Debug, Serialize)]
pub(crate) struct CreateTweet<'a> {
    pub(crate) text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reply: Option<ReplyTo<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) media: Option<Media>,
}

/// The images a post shows.
#[derive(Debug, Serialize)]
pub(crate) struct Media {
    pub(crate) media_ids: Vec<String>,
}

/// An uploaded image (`POST /2/media/upload` answers `{"data": {"id", "media_key", …}}`).
#[derive(Debug, Deserialize)]
pub(crate) struct Uploaded {
    pub(crate) id: String,
    /// Present while X still processes the file (not for still images in practice).
    #[serde(default)]
    pub(crate) processing_info: Option<Processing>,
}

/// Where X is with an uploaded file.
#[derive(Debug, Deserialize)]
pub(crate) struct Processing {
    pub(crate) state: String,
}

/// `POST /2/media/metadata` body: the image's alt text.
#[derive(Debug, Serialize)]
pub(crate) struct AltTextBody<'a> {
    pub(crate) id: &'a str,
    pub(crate) metadata: Metadata<'a>,
}

/// The metadata set on an image.
#[derive(Debug, Serialize)]
pub(crate) struct Metadata<'a> {
    pub(crate) alt_text: AltText<'a>,
}

/// Alt text, at most 1000 characters.
#[derive(Debug, Serialize)]
pub(crate) struct AltText<'a> {
    pub(crate) text: &'a str,
}

/// The post a reply answers.
#[derive(Debug, Serialize)]
pub(crate) struct ReplyTo<'a> {
    pub(crate) in_reply_to_tweet_id: &'a str,
}

/// `{"data": …}` around a single object.
#[derive(Debug, Deserialize)]
pub(crate) struct Single<T> {
    pub(crate) data: T,
}

/// The created post (`POST /2/tweets` answers 201 with `{"data": {"id", "text"}}`).
#[derive(Debug, Deserialize)]
pub(crate) struct CreatedTweet {
    pub(crate) id: String,
}

/// The authenticated user (`GET /2/users/me`).
#[derive(Debug, Deserialize)]
pub(crate) struct Me {
    pub(crate) id: String,
}

/// One page of `GET /2/users/:id/mentions`. With no results X sends only `meta`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MentionsPage {
    #[serde(default)]
    pub(crate) data: Vec<Tweet>,
    #[serde(default)]
    pub(crate) includes: Includes,
    #[serde(default)]
    pub(crate) meta: Meta,
}

/// A post as requested with `tweet.fields=author_id,created_at`.
#[derive(Debug, Deserialize)]
pub(crate) struct Tweet {
    pub(crate) id: String,
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) author_id: Option<String>,
    #[serde(default)]
    pub(crate) created_at: Option<String>,
}

/// Expanded objects (`expansions=author_id` puts the authors here).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Includes {
    #[serde(default)]
    pub(crate) users: Vec<User>,
}

/// An author, with `user.fields=username`.
#[derive(Debug, Deserialize)]
pub(crate) struct User {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) username: Option<String>,
}

/// Paging information.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Meta {
    #[serde(default)]
    pub(crate) next_token: Option<String>,
}

/// X's error body: v2 "problem" fields, plus the v1.1-style `errors` list some answers carry.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Problem {
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) detail: Option<String>,
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) reason: Option<String>,
    #[serde(default)]
    pub(crate) errors: Vec<ProblemItem>,
}

/// One entry of a v1.1-style `errors` list.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProblemItem {
    #[serde(default)]
    pub(crate) code: Option<i64>,
    #[serde(default)]
    pub(crate) message: Option<String>,
}

impl Problem {
    /// Reads an error body; anything unreadable is an empty problem.
    pub(crate) fn parse(body: &str) -> Problem {
        serde_json::from_str(body).unwrap_or_default()
    }

    /// The most specific explanation, at most 200 characters, for messages and logs.
    pub(crate) fn summary(&self) -> String {
        let text = self
            .detail
            .clone()
            .or_else(|| self.errors.iter().find_map(|e| e.message.clone()))
            .or_else(|| self.title.clone())
            .unwrap_or_else(|| "no explanation".to_owned());
        let mut short: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
        if text.chars().count() > 200 {
            short.push('…');
        }
        short
    }

    /// Whether X refused the post as a duplicate of a recent one of the same account: v2 says
    /// "You are not allowed to create a Tweet with duplicate content." (403); v1.1 said code 187.
    pub(crate) fn is_duplicate_content(&self) -> bool {
        let says = |s: &Option<String>| {
            s.as_deref()
                .is_some_and(|s| s.to_ascii_lowercase().contains("duplicate content"))
        };
        says(&self.detail)
            || self
                .errors
                .iter()
                .any(|e| e.code == Some(187) || says(&e.message))
    }

    /// Whether X says the app's permissions do not cover the endpoint (a read-only app posting).
    pub(crate) fn is_app_permissions(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.ends_with("/oauth1-permissions"))
    }

    /// Whether X says the app's access level does not include the endpoint (the free tier
    /// reading mentions).
    pub(crate) fn is_access_level(&self) -> bool {
        self.reason.as_deref() == Some("client-not-enrolled")
            || self
                .kind
                .as_deref()
                .is_some_and(|k| k.ends_with("/client-forbidden"))
    }

    /// Whether X refuses a reply because the original author did not mention or engage the bot.
    pub(crate) fn is_reply_restricted(&self) -> bool {
        self.detail
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("reply"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_x_problems() {
        let dup = Problem::parse(
            r#"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#,
        );
        assert!(dup.is_duplicate_content());
        assert!(!dup.is_app_permissions());
        let v1 = Problem::parse(r#"{"errors":[{"code":187,"message":"Status is a duplicate."}]}"#);
        assert!(v1.is_duplicate_content());
        let perms = Problem::parse(
            r#"{"title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}"#,
        );
        assert!(perms.is_app_permissions() && !perms.is_duplicate_content());
        let tier = Problem::parse(
            r#"{"title":"Client Forbidden","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}"#,
        );
        assert!(tier.is_access_level());
        assert_eq!(tier.summary(), "Client Forbidden");
        assert_eq!(Problem::parse("<html>").summary(), "no explanation");
        let long = Problem {
            detail: Some("x".repeat(300)),
            ..Problem::default()
        };
        assert_eq!(long.summary().chars().count(), 201);
    }
}
