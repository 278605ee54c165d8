//! The real local AT Protocol stack (`.ci/atproto/`): where it is, and accounts on it.
//!
//! `.ci/run` starts it and exports `WATCHTIME_TEST_PDS_URL` and `WATCHTIME_TEST_APPVIEW_URL`
//! with `WATCHTIME_REQUIRE_ATPROTO=1`: then a missing or unreachable stack fails the test.
//! Elsewhere an unset URL skips the test with a loud message (start the stack with
//! `eval "$(.ci/atproto/start-network.sh)"` to run them).

use std::sync::Arc;

use serde_json::{Value, json};
use watchtime_bluesky::{BlueskyClient, BlueskyConfig};
use watchtime_core::ports::OutboxStore;
use watchtime_core::retry::RetryPolicy;

/// The running stack.
#[derive(Debug, Clone)]
pub struct Stack {
    /// The PDS's root URL.
    pub pds: String,
    http: reqwest::Client,
}

/// An account made on the stack's PDS.
#[derive(Debug, Clone)]
pub struct Account {
    pub handle: String,
    pub did: String,
    /// An app password made for it, as the bot uses.
    pub app_password: String,
    /// The account's own session token, for acting as a person would.
    pub access: String,
}

fn required() -> bool {
    std::env::var("WATCHTIME_REQUIRE_ATPROTO").is_ok_and(|v| v == "1")
}

/// The stack, when configured; `needs_appview` for tests that read notifications. `None`
/// (after a loud message) when it is not configured and not required.
pub async fn stack(test: &str, needs_appview: bool) -> Option<Stack> {
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
             ***   eval \"$(.ci/atproto/start-network.sh)\"\n*** to run the tests against a real PDS and AppView.\n"
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
    Some(Stack {
        pds: pds.unwrap_or_default(),
        http,
    })
}

impl Stack {
    async fn xrpc(
        &self,
        method: reqwest::Method,
        nsid: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(method, format!("{}/xrpc/{nsid}", self.pds));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// POSTs `body` to `nsid` and answers the JSON, panicking on an error status.
    pub async fn post(&self, nsid: &str, token: Option<&str>, body: Value) -> Value {
        let response = self
            .xrpc(reqwest::Method::POST, nsid, token)
            .await
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{nsid}: {status} {body}");
        body
    }

    /// GETs `nsid` with `query` and answers the JSON, panicking on an error status.
    pub async fn get(&self, nsid: &str, token: Option<&str>, query: &[(&str, &str)]) -> Value {
        let response = self
            .xrpc(reqwest::Method::GET, nsid, token)
            .await
            .query(query)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{nsid}: {status} {body}");
        body
    }

    /// A new account with a random handle, and an app password for it.
    pub async fn account(&self, prefix: &str) -> Account {
        let tail: String = (0..8)
            .map(|_| char::from(b'a' + (rand::random::<u8>() % 26)))
            .collect();
        let handle = format!("{prefix}{tail}.test");
        let created = self
            .post(
                "com.atproto.server.createAccount",
                None,
                json!({"handle": handle, "email": format!("{prefix}{tail}@example.com"), "password": format!("pw-{tail}")}),
            )
            .await;
        let access = created["accessJwt"].as_str().unwrap().to_owned();
        let app = self
            .post(
                "com.atproto.server.createAppPassword",
                Some(&access),
                json!({"name": "watchtime-test"}),
            )
            .await;
        Account {
            handle,
            did: created["did"].as_str().unwrap().to_owned(),
            app_password: app["password"].as_str().unwrap().to_owned(),
            access,
        }
    }

    /// A client of `account` with its app password, keeping its session in `store`.
    pub fn client(&self, account: &Account, store: Arc<dyn OutboxStore>) -> BlueskyClient {
        let config = BlueskyConfig::new(
            &self.pds,
            &account.handle,
            account.app_password.clone().into(),
        )
        .with_retry(RetryPolicy::immediate(3));
        BlueskyClient::new(config, store).unwrap()
    }

    /// `author` posts `text`, with a mention facet for each `@handle` of `mentioned`, replying
    /// to `reply` (`{root, parent}`) when given. Answers `{uri, cid}`.
    pub async fn post_as(
        &self,
        author: &Account,
        text: &str,
        mentioned: &[&Account],
        reply: Option<Value>,
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
            "createdAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "facets": facets,
        });
        if let Some(reply) = reply {
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

    /// The post records of `did`'s repository, newest first.
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

    /// The raw bytes of a blob.
    pub async fn blob(&self, did: &str, cid: &str) -> Vec<u8> {
        let response = self
            .xrpc(reqwest::Method::GET, "com.atproto.sync.getBlob", None)
            .await
            .query(&[("did", did), ("cid", cid)])
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "getBlob: {}",
            response.status()
        );
        response.bytes().await.unwrap().to_vec()
    }

    /// Waits until `account` has at least `n` notifications listed by the AppView (it indexes
    /// within about a second here); panics after 30 s.
    pub async fn wait_for_notifications(&self, account: &Account, n: usize) {
        for _ in 0..150 {
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
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!(
            "the AppView did not list {n} notifications for {} within 30 s",
            account.handle
        );
    }
}
