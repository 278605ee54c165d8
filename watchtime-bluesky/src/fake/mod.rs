//! A wiremock model of a PDS with its AppView (feature `fake`), for tests of anything that posts
//! to Bluesky or answers its mentions.
//!
//! It checks what the reference PDS checks on the calls the client makes — app password,
//! bearer tokens (an expired one is a 400 `ExpiredToken`), refresh-token rotation, TID record
//! keys, `createdAt`, the 300-grapheme / 3000-byte text limit, blobs referenced by posts — and
//! behaves as it does: `putRecord` of the identical record answers without a commit; a changed
//! one replaces it. Notifications are listed newest first with a cursor towards older ones. On
//! top, [`Fault`]s the real server cannot be made to produce on demand: rate limits with a
//! reset, 5xx before or after the work, and a malformed page.
//!
//!
//! [`LocalStack`] is the other way to test: the real reference PDS and AppView that
//! `.ci/atproto/` starts, with accounts made on it.
//!
//! ```no_run
//! # async fn demo() {
//! use std::sync::Arc;
//! use watchtime_bluesky::fake::{BlueskyFake, Fault};
//! let fake = BlueskyFake::start().await;
//! fake.fail_next("com.atproto.repo.putRecord", Fault::ServerErrorAfterWork(502));
//! let client = fake.client(Arc::new(watchtime_core::MemoryStore::new()));
//! # }
//! ```

mod local;
mod server;

use std::sync::{Arc, Mutex, MutexGuard};

use watchtime_core::ports::OutboxStore;
use watchtime_core::retry::RetryPolicy;
use wiremock::MockServer;

use crate::{BlueskyClient, BlueskyConfig};
pub use local::{LocalAccount, LocalStack};
use server::{Pds, State};

/// The bot's handle on the fake.
pub const HANDLE: &str = "watchtime.test";
/// The bot's DID on the fake.
pub const DID: &str = "did:plc:watchtimebot0000000000";
/// The bot's app password on the fake.
pub const APP_PASSWORD: &str = "fake-apps-pass-word";
/// What every token the fake issues starts with, to look for in logs.
pub const TOKEN_PREFIX: &str = "eyJfake";

/// A fault the fake answers the next call of one method with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 `RateLimitExceeded` with `ratelimit-reset` this many seconds from now; nothing done.
    RateLimited {
        /// Seconds until the window resets.
        reset_in: u64,
    },
    /// This 5xx before doing anything.
    ServerError(u16),
    /// The work is done, then this 5xx is answered: the client cannot tell it went through.
    ServerErrorAfterWork(u16),
    /// 200 with a body that is not JSON (a proxy's page).
    Malformed,
    /// The work is done, then the answer waits this long: a process killed meanwhile wrote
    /// but never heard back.
    SlowAfterWork(std::time::Duration),
}

/// A running fake PDS with its AppView. Dropping it stops the server.
#[derive(Debug)]
pub struct BlueskyFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl BlueskyFake {
    /// Starts a fake holding the bot's account ([`HANDLE`], [`DID`], [`APP_PASSWORD`]).
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::new()));
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Pds(state.clone()))
            .mount(&server)
            .await;
        BlueskyFake { server, state }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fake's root URL.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Settings for the bot's account on this fake, retrying at once (no waits).
    pub fn config(&self) -> BlueskyConfig {
        BlueskyConfig::new(self.url(), HANDLE, APP_PASSWORD.into())
            .with_retry(RetryPolicy::immediate(3))
    }

    /// A client of the bot's account keeping its session in `store`.
    pub fn client(&self, store: Arc<dyn OutboxStore>) -> BlueskyClient {
        BlueskyClient::new(self.config(), store).expect("the fake's URL is a valid service URL")
    }

    /// Adds another account (`alice.test`…), whose DID is returned.
    pub fn account(&self, handle: &str) -> String {
        self.lock().add_account(handle, "password")
    }

    /// `author` (a handle added with [`BlueskyFake::account`]) posts `text`, optionally as a
    /// reply to the post at `parent`. `@handle`s of known accounts get mention facets (byte
    /// ranges); the bot is notified of a mention of it or a reply to its post. Returns the
    /// post's AT URI.
    pub fn post_as(&self, author: &str, text: &str, parent: Option<&str>) -> String {
        self.lock()
            .post_as(author, text, parent, chrono::Duration::zero())
    }

    /// [`BlueskyFake::post_as`] from a device whose clock runs `slow_by` behind: like the
    /// AppView, the fake dates the notification by the post's earlier `createdAt` and lists it
    /// below notifications that arrived before it.
    pub fn post_from_a_slow_clock(
        &self,
        author: &str,
        text: &str,
        slow_by: std::time::Duration,
    ) -> String {
        let back = chrono::Duration::from_std(slow_by).unwrap_or(chrono::Duration::zero());
        self.lock().post_as(author, text, None, back)
    }

    /// Deletes the post at `uri`. Its notification stays listed, as in the moment between the
    /// AppView's listing and the bot's reply.
    pub fn delete(&self, uri: &str) {
        self.lock().delete(uri);
    }

    /// The bot's post records by record key, as stored.
    pub fn bot_posts(&self) -> Vec<(String, serde_json::Value)> {
        self.lock().repo_of(DID)
    }

    /// The bytes of the uploaded blob with `cid`.
    pub fn blob(&self, cid: &str) -> Option<Vec<u8>> {
        self.lock().blobs.get(cid).cloned()
    }

    /// Answers the next call of `nsid` with `fault`; several queue up in order.
    pub fn fail_next(&self, nsid: &str, fault: Fault) {
        self.lock()
            .faults
            .entry(nsid.to_owned())
            .or_default()
            .push_back(fault);
    }

    /// Expires every access token issued so far: the next call with one gets a 400
    /// `ExpiredToken`, as when a session outlives its token mid-run.
    pub fn expire_access_tokens(&self) {
        self.lock()
            .access
            .values_mut()
            .for_each(|t| t.expired = true);
    }

    /// Revokes every refresh token (the app password was deleted and made again): refreshing
    /// fails, and only a new login helps.
    pub fn revoke_refresh_tokens(&self) {
        self.lock().refresh.clear();
    }

    /// Changes the bot's app password, so logging in with the old one is refused.
    pub fn change_app_password(&self, password: &str) {
        self.lock().set_password(DID, password);
    }

    /// How many calls of `nsid` arrived (faulted ones included).
    pub fn calls(&self, nsid: &str) -> usize {
        self.lock().calls.iter().filter(|c| *c == nsid).count()
    }
}
