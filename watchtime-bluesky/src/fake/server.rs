//! The fake's state and its answers, one function per XRPC method.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use watchtime_core::message::grapheme_length;
use wiremock::{Request, Respond, ResponseTemplate};

use super::{APP_PASSWORD, DID, Fault, HANDLE, TOKEN_PREFIX};
use crate::record::POST_COLLECTION;

#[derive(Debug)]
pub(super) struct Account {
    handle: String,
    password: String,
}

#[derive(Debug)]
pub(super) struct Token {
    did: String,
    pub(super) expired: bool,
}

#[derive(Debug)]
struct Stored {
    record: Value,
    cid: String,
    indexed_at: String,
}

#[derive(Debug, Default)]
pub(super) struct State {
    accounts: BTreeMap<String, Account>,
    pub(super) access: HashMap<String, Token>,
    pub(super) refresh: HashMap<String, String>,
    /// Posts by AT URI.
    posts: BTreeMap<String, Stored>,
    pub(super) blobs: HashMap<String, Vec<u8>>,
    /// The bot's notifications, oldest first.
    notifications: Vec<Value>,
    pub(super) faults: HashMap<String, VecDeque<Fault>>,
    pub(super) calls: Vec<String>,
    issued: u64,
    clock: u64,
}

type Answer = (u16, Value);

fn error(status: u16, name: &str, message: &str) -> Answer {
    (status, json!({"error": name, "message": message}))
}

impl State {
    pub(super) fn new() -> Self {
        let mut state = State::default();
        state.accounts.insert(
            DID.to_owned(),
            Account {
                handle: HANDLE.to_owned(),
                password: APP_PASSWORD.to_owned(),
            },
        );
        state
    }

    pub(super) fn add_account(&mut self, handle: &str, password: &str) -> String {
        let did = format!("did:plc:{}", handle.replace('.', "").to_lowercase());
        self.accounts.insert(
            did.clone(),
            Account {
                handle: handle.to_owned(),
                password: password.to_owned(),
            },
        );
        did
    }

    pub(super) fn set_password(&mut self, did: &str, password: &str) {
        if let Some(account) = self.accounts.get_mut(did) {
            account.password = password.to_owned();
        }
    }

    fn did_of(&self, handle_or_did: &str) -> Option<String> {
        self.accounts
            .iter()
            .find(|(did, a)| *did == handle_or_did || a.handle.eq_ignore_ascii_case(handle_or_did))
            .map(|(did, _)| did.clone())
    }

    /// A time that grows by a second per event, so orders are strict.
    fn tick(&mut self) -> String {
        self.tick_back(chrono::Duration::zero())
    }

    /// [`Self::tick`], less `back`.
    fn tick_back(&mut self, back: chrono::Duration) -> String {
        self.clock += 1;
        let at =
            Utc::now() + chrono::Duration::seconds(i64::try_from(self.clock).unwrap_or(0)) - back;
        at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    fn session(&mut self, did: &str) -> Answer {
        self.issued += 1;
        let n = self.issued;
        let access = format!("{TOKEN_PREFIX}.access-{n}.c2lnbmF0dXJl");
        let refresh = format!("{TOKEN_PREFIX}.refresh-{n}.c2lnbmF0dXJl");
        self.access.insert(
            access.clone(),
            Token {
                did: did.to_owned(),
                expired: false,
            },
        );
        self.refresh.insert(refresh.clone(), did.to_owned());
        let handle = &self.accounts[did].handle;
        (
            200,
            json!({"did": did, "handle": handle, "accessJwt": access, "refreshJwt": refresh, "active": true}),
        )
    }

    /// `slow_by`: how far the author's clock runs behind, which dates the post's `createdAt`
    /// and so (the AppView takes the earlier of `createdAt` and its indexing time) the
    /// notification's `indexedAt` and its place in the list.
    pub(super) fn post_as(
        &mut self,
        author: &str,
        text: &str,
        parent: Option<&str>,
        slow_by: chrono::Duration,
    ) -> String {
        let did = self.did_of(author).expect("a known author");
        let rkey = crate::tid::record_key(&format!("fake {}", self.posts.len()), Utc::now());
        let uri = format!("at://{did}/{POST_COLLECTION}/{rkey}");
        let mut facets = Vec::new();
        let mut mentioned = Vec::new();
        for (other, account) in &self.accounts {
            let needle = format!("@{}", account.handle);
            for (start, m) in text.match_indices(&needle) {
                facets.push(json!({
                    "index": {"byteStart": start, "byteEnd": start + m.len()},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": other}],
                }));
                mentioned.push(other.clone());
            }
        }
        let now = self.tick_back(slow_by);
        let mut record =
            json!({"$type": POST_COLLECTION, "text": text, "createdAt": now, "langs": ["en"]});
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        if let Some(parent) = parent {
            let parent_ref = json!({"uri": parent, "cid": self.posts[parent].cid});
            let root = self.posts[parent]
                .record
                .pointer("/reply/root")
                .cloned()
                .unwrap_or_else(|| parent_ref.clone());
            record["reply"] = json!({"root": root, "parent": parent_ref});
        }
        let cid = cid_of("bafyrei", record.to_string().as_bytes());
        let reason = if parent.is_some_and(|p| p.starts_with(&format!("at://{DID}/"))) {
            Some("reply")
        } else if mentioned.iter().any(|d| d == DID) {
            Some("mention")
        } else {
            None
        };
        if let Some(reason) = reason {
            let account = &self.accounts[&did];
            self.notifications.push(json!({
                "uri": uri, "cid": cid, "reason": reason, "isRead": false, "indexedAt": now,
                "author": {"did": did, "handle": account.handle},
                "record": record, "labels": [],
            }));
        }
        self.posts.insert(
            uri.clone(),
            Stored {
                record,
                cid,
                indexed_at: now,
            },
        );
        uri
    }

    pub(super) fn delete(&mut self, uri: &str) {
        self.posts.remove(uri);
    }

    pub(super) fn repo_of(&self, did: &str) -> Vec<(String, Value)> {
        let prefix = format!("at://{did}/{POST_COLLECTION}/");
        self.posts
            .iter()
            .filter_map(|(uri, s)| Some((uri.strip_prefix(&prefix)?.to_owned(), s.record.clone())))
            .collect()
    }

    /// The DID of a valid access token in `request`, or the 400 the reference PDS answers.
    fn authed(&self, request: &Request) -> Result<String, Answer> {
        let token = bearer(request)
            .ok_or_else(|| error(401, "AuthenticationRequired", "Authentication Required"))?;
        match self.access.get(&token) {
            Some(t) if t.expired => Err(error(400, "ExpiredToken", "Token has expired")),
            Some(t) => Ok(t.did.clone()),
            None => Err(error(400, "InvalidToken", "Token could not be verified")),
        }
    }

    fn dispatch(&mut self, nsid: &str, request: &Request) -> Answer {
        let body = || serde_json::from_slice::<Value>(&request.body).unwrap_or(Value::Null);
        match nsid {
            "com.atproto.server.createSession" => self.create_session(&body()),
            "com.atproto.server.refreshSession" => self.refresh_session(request),
            "com.atproto.repo.putRecord" => match self.authed(request) {
                Ok(did) => self.put_record(&did, &body()),
                Err(e) => e,
            },
            "com.atproto.repo.uploadBlob" => match self.authed(request) {
                Ok(_) => self.upload_blob(request),
                Err(e) => e,
            },
            "app.bsky.feed.getPosts" => match self.authed(request) {
                Ok(_) => self.get_posts(request),
                Err(e) => e,
            },
            "app.bsky.notification.listNotifications" => match self.authed(request) {
                Ok(did) if did == DID => self.list_notifications(request),
                Ok(_) => (200, json!({"notifications": []})),
                Err(e) => e,
            },
            _ => error(501, "MethodNotImplemented", "Method Not Implemented"),
        }
    }

    fn create_session(&mut self, body: &Value) -> Answer {
        let identifier = body["identifier"].as_str().unwrap_or_default();
        let password = body["password"].as_str().unwrap_or_default();
        match self.did_of(identifier) {
            Some(did) if self.accounts[&did].password == password => self.session(&did),
            _ => error(
                401,
                "AuthenticationRequired",
                "Invalid identifier or password",
            ),
        }
    }

    fn refresh_session(&mut self, request: &Request) -> Answer {
        let token = bearer(request).unwrap_or_default();
        if self.access.contains_key(&token) {
            return error(400, "InvalidToken", "Invalid token type");
        }
        match self.refresh.remove(&token) {
            Some(did) => self.session(&did),
            None => error(400, "ExpiredToken", "Token has been revoked"),
        }
    }

    fn put_record(&mut self, did: &str, body: &Value) -> Answer {
        let repo = body["repo"].as_str().unwrap_or_default();
        if self.did_of(repo).as_deref() != Some(did) {
            return error(400, "InvalidRequest", "Invalid repo");
        }
        if body["collection"] != POST_COLLECTION {
            return error(400, "InvalidRequest", "Unsupported collection");
        }
        let rkey = body["rkey"].as_str().unwrap_or_default();
        if !is_tid(rkey) {
            return error(400, "InvalidRequest", "Invalid TID string");
        }
        let record = &body["record"];
        if let Err(message) = self.check_post(record) {
            return error(400, "InvalidRequest", &message);
        }
        let uri = format!("at://{did}/{POST_COLLECTION}/{rkey}");
        let cid = cid_of("bafyrei", record.to_string().as_bytes());
        if self.posts.get(&uri).is_some_and(|s| s.cid == cid) {
            return (
                200,
                json!({"uri": uri, "cid": cid, "validationStatus": "valid"}),
            );
        }
        let indexed_at = self.tick();
        self.posts.insert(
            uri.clone(),
            Stored {
                record: record.clone(),
                cid: cid.clone(),
                indexed_at,
            },
        );
        let rev = crate::tid::record_key(&format!("rev {}", self.clock), Utc::now());
        (
            200,
            json!({"uri": uri, "cid": cid, "commit": {"cid": cid_of("bafyrei", rev.as_bytes()), "rev": rev}, "validationStatus": "valid"}),
        )
    }

    /// What the PDS's lexicon validation refuses in a post.
    fn check_post(&self, record: &Value) -> Result<(), String> {
        if record["$type"] != POST_COLLECTION {
            return Err("Invalid $type: must be app.bsky.feed.post".into());
        }
        let text = record["text"]
            .as_str()
            .ok_or("Record/text must be a string")?;
        if grapheme_length(text) > 300 || text.len() > 3000 {
            return Err("Record/text must not be longer than 300 graphemes".into());
        }
        let created = record["createdAt"]
            .as_str()
            .ok_or("Record must have the property \"createdAt\"")?;
        chrono::DateTime::parse_from_rfc3339(created)
            .map_err(|_| "Record/createdAt must be an valid atproto datetime")?;
        for image in record
            .pointer("/embed/images")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let link = image.pointer("/image/ref/$link").and_then(Value::as_str);
            if !link.is_some_and(|l| self.blobs.contains_key(l)) {
                return Err("Could not find blob".into());
            }
            if image["alt"].as_str().is_none() {
                return Err("Record/embed/images/0 must have the property \"alt\"".into());
            }
        }
        Ok(())
    }

    fn upload_blob(&mut self, request: &Request) -> Answer {
        let mime = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let cid = cid_of("bafkrei", &request.body);
        self.blobs.insert(cid.clone(), request.body.clone());
        (
            200,
            json!({"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": request.body.len()}}),
        )
    }

    fn get_posts(&self, request: &Request) -> Answer {
        let posts: Vec<Value> = request
            .url
            .query_pairs()
            .filter(|(k, _)| k == "uris")
            .filter_map(|(_, uri)| {
                let stored = self.posts.get(uri.as_ref())?;
                let did = uri.strip_prefix("at://")?.split('/').next()?;
                let handle = &self.accounts.get(did)?.handle;
                Some(json!({
                    "uri": uri, "cid": stored.cid, "record": stored.record,
                    "author": {"did": did, "handle": handle}, "indexedAt": stored.indexed_at,
                }))
            })
            .collect();
        (200, json!({ "posts": posts }))
    }

    /// Newest first, `limit` a page, the cursor an offset.
    fn list_notifications(&self, request: &Request) -> Answer {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let get = |k: &str| {
            query
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        let reasons: Vec<&str> = query
            .iter()
            .filter(|(k, _)| k == "reasons")
            .map(|(_, v)| v.as_str())
            .collect();
        let limit = get("limit").and_then(|l| l.parse().ok()).unwrap_or(50usize);
        let offset = get("cursor").and_then(|c| c.parse().ok()).unwrap_or(0usize);
        // Newest first by `indexedAt` (one format, so as strings), the later-made first on ties.
        let mut all: Vec<&Value> = self
            .notifications
            .iter()
            .rev()
            .filter(|n| reasons.is_empty() || reasons.iter().any(|r| n["reason"] == *r))
            .collect();
        all.sort_by(|a, b| b["indexedAt"].as_str().cmp(&a["indexedAt"].as_str()));
        let page: Vec<&Value> = all.iter().skip(offset).take(limit).copied().collect();
        let mut answer = json!({ "notifications": page });
        if offset + page.len() < all.len() {
            answer["cursor"] = json!((offset + page.len()).to_string());
        }
        (200, answer)
    }
}

fn bearer(request: &Request) -> Option<String> {
    let value = request.headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

/// A content address: a prefix and the SHA-256 in base32-like lowercase hex.
fn cid_of(prefix: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{}", &hex[..52])
}

fn is_tid(s: &str) -> bool {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    s.len() == 13
        && s.bytes().all(|b| ALPHABET.contains(&b))
        && b"234567abcdefghij".contains(&s.as_bytes()[0])
}

/// The responder: faults first, then the method's answer.
pub(super) struct Pds(pub(super) Arc<Mutex<State>>);

impl Respond for Pds {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let nsid = request
            .url
            .path()
            .strip_prefix("/xrpc/")
            .unwrap_or_default()
            .to_owned();
        state.calls.push(nsid.clone());
        let fault = state.faults.get_mut(&nsid).and_then(VecDeque::pop_front);
        let (status, body) = match fault {
            Some(Fault::RateLimited { reset_in }) => {
                let reset = Utc::now().timestamp() + i64::try_from(reset_in).unwrap_or(0);
                return ResponseTemplate::new(429)
                    .insert_header("ratelimit-limit", "3000")
                    .insert_header("ratelimit-remaining", "0")
                    .insert_header("ratelimit-reset", reset.to_string().as_str())
                    .set_body_json(
                        json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}),
                    );
            }
            Some(Fault::ServerError(status)) => {
                error(status, "InternalServerError", "Internal Server Error")
            }
            Some(Fault::ServerErrorAfterWork(status)) => {
                state.dispatch(&nsid, request);
                error(status, "InternalServerError", "Internal Server Error")
            }
            Some(Fault::SlowAfterWork(delay)) => {
                let (status, body) = state.dispatch(&nsid, request);
                return ResponseTemplate::new(status)
                    .set_body_json(body)
                    .set_delay(delay);
            }
            Some(Fault::Malformed) => {
                return ResponseTemplate::new(200).set_body_string("<html>maintenance</html>");
            }
            None => state.dispatch(&nsid, request),
        };
        ResponseTemplate::new(status).set_body_json(body)
    }
}
