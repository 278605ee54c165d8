//! The real local AT Protocol stack of `.ci/atproto/` (a PDS, and an AppView for
//! notifications): where it is, and accounts on it, for tests that run against the reference
//! implementation rather than the fake.
//!
//! `.ci/run` starts it and exports `WATCHTIME_TEST_PDS_URL` and `WATCHTIME_TEST_APPVIEW_URL`
//! with `WATCHTIME_REQUIRE_ATPROTO=1`: then a missing or unreachable stack fails the test.
//! Elsewhere an unset URL skips the test with a loud message (start the stack with
//! `eval "$(.ci/atproto/start-network.sh)"` to run them).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use watchtime_core::ports::OutboxStore;
use watchtime_core::retry::RetryPolicy;

use crate::{BlueskyClient, BlueskyConfig};

/// The running stack.
#[derive(Debug, Clone)]
pub struct LocalStack {
    /// The PDS's root URL.
    pub pds: String,
    http: reqwest::Client,
}

/// An account made on the stack's PDS.
#[derive(Debug, Clone)]
pub struct LocalAccount {
    /// Its handle (`bot…….test`).
    pub handle: String,
    /// Its DID.
    pub did: String,
    /// An app password made for it, as the bot uses.
    pub app_password: String,
    /// The account's own session token, for acting as a person would.
    pub access: String,
}

fn required() -> bool {
    std::env::var("WATCHTIME_REQUIRE_ATPROTO").is_ok_and(|v| v == "1")
}

impl LocalStack {
    /// The stack, when configured; `needs_appview` for tests that read notifications. `None`
    /// (after a loud message naming `test`) when it is not configured and not required.
    ///
    /// Panics when it is required but not configured, or configured but down.
    pub async fn find(test: &str, needs_appview: bool) -> Option<LocalStack> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let pds = var("WATCHTIME_TEST_PDS_URL");
        let appview = var("WATCHTIME_TEST_APPVIEW_URL");
        let missing = match (&pds, &appview) {
            (None, _) => Some("WATCHTIME_TEST_PDS_URL"),
            (Some(_), None) if needs_appview => Some("WATCHTIME_TEST_APPVIEW_URL"),
            _ => None,
        };
        if let Some(missing) = missing {
            assert!(
                !required(),
                "WATCHTIME_REQUIRE_ATPROTO=1 but {missing} is not set: .ci/atproto/start-network.sh did not run"
            );
            eprintln!(
                "\n*** SKIPPED {test}: {missing} is not set. Start the local AT Protocol stack with\n\
                 ***   eval \"$(.ci/atproto/start-network.sh)\"\n\
                 *** to run the tests against a real PDS and AppView.\n"
            );
            return None;
        }
        let http = reqwest::Client::new();
        for url in pds.iter().chain(appview.iter().filter(|_| needs_appview)) {
            let health = http.get(format!("{url}/xrpc/_health")).send().await;
            assert!(
                health.as_ref().is_ok_and(|r| r.status().is_success()),
                "the AT Protocol stack at {url} is down ({health:?}); start it with .ci/atproto/start-network.sh"
            );
        }
        Some(LocalStack {
            pds: pds.unwrap_or_default(),
            http,
        })
    }

    fn request(
        &self,
        method: reqwest::Method,
        nsid: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}/xrpc/{nsid}", self.pds));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn answer(nsid: &str, request: reqwest::RequestBuilder) -> Value {
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{nsid}: {e}"));
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{nsid}: {status} {body}");
        body
    }

    /// POSTs `body` to `nsid` and answers the JSON; panics on an error status.
    pub async fn post(&self, nsid: &str, token: Option<&str>, body: Value) -> Value {
        let request = self.request(reqwest::Method::POST, nsid, token).json(&body);
        Self::answer(nsid, request).await
    }

    /// GETs `nsid` with `query` and answers the JSON; panics on an error status.
    pub async fn get(&self, nsid: &str, token: Option<&str>, query: &[(&str, &str)]) -> Value {
        let request = self.request(reqwest::Method::GET, nsid, token).query(query);
        Self::answer(nsid, request).await
    }

    /// A new account with a random handle starting with `prefix`, and an app password for it.
    pub async fn account(&self, prefix: &str) -> LocalAccount {
        let tail: String = (0..8)
            .map(|_| char::from(b'a' + (rand::random::<u8>() % 26)))
            .collect();
        let handle = format!("{prefix}{tail}.test");
        let created = self
            .post(
                "com.atproto.server.createAccount",
                None,
                json!({
                    "handle": handle,
                    "email": format!("{prefix}{tail}@example.com"),
                    "password": format!("pw-{tail}"),
                }),
            )
            .await;
        let text = |v: &Value, field: &str| {
            v[field]
                .as_str()
                .unwrap_or_else(|| panic!("no {field} in {v}"))
                .to_owned()
        };
        let access = text(&created, "accessJwt");
        let app = self
            .post(
                "com.atproto.server.createAppPassword",
                Some(&access),
                json!({"name": "watchtime-test"}),
            )
            .await;
        LocalAccount {
            handle,
            did: text(&created, "did"),
            app_password: text(&app, "password"),
            access,
        }
    }

    /// Settings for `account` with its app password, retrying at once.
    pub fn config(&self, account: &LocalAccount) -> BlueskyConfig {
        BlueskyConfig::new(
            &self.pds,
            &account.handle,
            account.app_password.clone().into(),
        )
        .with_retry(RetryPolicy::immediate(3))
    }

    /// A client of `account`, keeping its session in `store`.
    pub fn client(&self, account: &LocalAccount, store: Arc<dyn OutboxStore>) -> BlueskyClient {
        BlueskyClient::new(self.config(account), store).expect("the stack's URL is a service URL")
    }

    /// `author` posts `text`, with a mention facet for each `@handle` of `mentioned`, replying
    /// with `reply` (`{root, parent}`) when given. Answers the post's `{uri, cid}`.
    ///
    /// A reply is posted, as a person in an app would, only once the AppView shows its parent.
    /// The AppView indexes each repository on its own, in parallel: a reply written the instant
    /// its parent reached the PDS can be indexed before the parent, and then it is marked
    /// `invalidReplyRoot` and its author's parent is never notified (the AppView notifies the
    /// parent's author only from the reply's own indexing).
    pub async fn post_as(
        &self,
        author: &LocalAccount,
        text: &str,
        mentioned: &[&LocalAccount],
        reply: Option<Value>,
    ) -> Value {
        self.write_post(author, text, mentioned, reply, chrono::Utc::now())
            .await
    }

    /// [`LocalStack::post_as`], not a reply, from a device whose clock runs `slow_by` behind:
    /// the post's `createdAt` is that much in the past.
    pub async fn post_from_a_slow_clock(
        &self,
        author: &LocalAccount,
        text: &str,
        mentioned: &[&LocalAccount],
        slow_by: Duration,
    ) -> Value {
        let slow = chrono::Duration::from_std(slow_by).unwrap_or(chrono::Duration::zero());
        self.write_post(author, text, mentioned, None, chrono::Utc::now() - slow)
            .await
    }

    async fn write_post(
        &self,
        author: &LocalAccount,
        text: &str,
        mentioned: &[&LocalAccount],
        reply: Option<Value>,
        created_at: chrono::DateTime<chrono::Utc>,
    ) -> Value {
        let mut facets = Vec::new();
        for account in mentioned {
            let needle = format!("@{}", account.handle);
            if let Some(start) = text.find(&needle) {
                facets.push(json!({
                    "index": {"byteStart": start, "byteEnd": start + needle.len()},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": account.did}],
                }));
            }
        }
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "facets": facets,
        });
        if let Some(reply) = reply {
            if let Some(parent) = reply.pointer("/parent/uri").and_then(Value::as_str) {
                self.wait_for_post(author, parent).await;
            }
            record["reply"] = reply;
        }
        let written = self
            .post(
                "com.atproto.repo.createRecord",
                Some(&author.access),
                json!({"repo": author.did, "collection": "app.bsky.feed.post", "record": record}),
            )
            .await;
        json!({"uri": written["uri"], "cid": written["cid"]})
    }

    /// The post records of `did`'s repository (`{uri, cid, value}`), newest first.
    pub async fn records(&self, did: &str) -> Vec<Value> {
        let listed = self
            .get(
                "com.atproto.repo.listRecords",
                None,
                &[
                    ("repo", did),
                    ("collection", "app.bsky.feed.post"),
                    ("limit", "100"),
                ],
            )
            .await;
        listed["records"].as_array().cloned().unwrap_or_default()
    }

    /// The raw bytes of a blob; panics if it is missing.
    pub async fn blob(&self, did: &str, cid: &str) -> Vec<u8> {
        let response = self
            .request(reqwest::Method::GET, "com.atproto.sync.getBlob", None)
            .query(&[("did", did), ("cid", cid)])
            .send()
            .await
            .expect("getBlob is answered");
        assert!(
            response.status().is_success(),
            "getBlob: {}",
            response.status()
        );
        response.bytes().await.expect("the blob's bytes").to_vec()
    }

    /// Waits until the AppView shows the post at `uri` to `viewer` (it indexes in about a second
    /// here); panics after 90 s.
    pub async fn wait_for_post(&self, viewer: &LocalAccount, uri: &str) {
        for _ in 0..450 {
            let posts = self
                .get(
                    "app.bsky.feed.getPosts",
                    Some(&viewer.access),
                    &[("uris", uri)],
                )
                .await;
            if posts["posts"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["uri"] == uri))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the AppView did not show {uri} within 90 s");
    }

    /// Waits until the AppView lists at least `n` notifications for `account` (it indexes in
    /// about a second here); panics after 90 s (the AppView indexes slowly on a loaded machine).
    pub async fn wait_for_notifications(&self, account: &LocalAccount, n: usize) {
        for _ in 0..450 {
            let listed = self
                .get(
                    "app.bsky.notification.listNotifications",
                    Some(&account.access),
                    &[("limit", "100")],
                )
                .await;
            if listed["notifications"]
                .as_array()
                .is_some_and(|a| a.len() >= n)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "the AppView did not list {n} notifications for {} within 90 s",
            account.handle
        );
    }
}
