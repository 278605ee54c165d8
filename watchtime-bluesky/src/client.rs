//! The client: one account on one PDS, and authenticated calls that survive an expired session.

use std::fmt;
use std::sync::{Arc, Mutex};

use reqwest::RequestBuilder;
use tracing::debug;
use watchtime_core::ports::OutboxStore;

use crate::config::BlueskyConfig;
use crate::error::BlueskyError;
use crate::mentions::Handed;
use crate::session::{Session, Sessions};
use crate::xrpc::{Failure, Xrpc};

/// The platform name, which keys the outbox and the stored session.
pub const PLATFORM: &str = "bluesky";

/// A Bluesky account that posts the daily rankings and answers mentions.
///
/// It implements [`watchtime_core::Publisher`] and [`watchtime_core::MentionSource`]. The
/// session's refresh token is kept in `store` (see [`OutboxStore::platform_secret`]), so runs
/// refresh one session instead of logging in each time.
///
/// Delivery: every post and reply is written with `com.atproto.repo.putRecord` under a record
/// key derived from [`Post::idempotency_key`](watchtime_core::ports::Post) ([`record_key`]).
/// Writing the same item again writes the same key: the identical record is a no-op on the PDS
/// (no commit), a changed one replaces it. So a repeat can never make a second post, at any
/// age, and [`Publisher::redelivery`](watchtime_core::Publisher::redelivery) is
/// [`Redelivery::Idempotent`](watchtime_core::ports::Redelivery::Idempotent).
///
/// [`record_key`]: crate::record_key
pub struct BlueskyClient {
    pub(crate) xrpc: Xrpc,
    pub(crate) sessions: Sessions,
    pub(crate) langs: Vec<String>,
    /// The mentions handed over, so the lookback below the cursor repeats none.
    pub(crate) handed: Mutex<Handed>,
}

impl BlueskyClient {
    /// A client for the account in `config`, keeping its session in `store`. Makes no
    /// request: the first call logs in (or resumes the stored session).
    ///
    /// Errors: a service URL that is not an http(s) URL, or that carries credentials.
    pub fn new(config: BlueskyConfig, store: Arc<dyn OutboxStore>) -> Result<Self, BlueskyError> {
        let xrpc = Xrpc::new(&config)?;
        let sessions = Sessions::new(&xrpc.host, &config.identifier, config.app_password, store);
        Ok(BlueskyClient {
            xrpc,
            sessions,
            langs: config.langs,
            handed: Mutex::new(Handed::default()),
        })
    }

    /// The PDS's host, as it appears in logs and errors.
    pub fn host(&self) -> &str {
        &self.xrpc.host
    }

    /// The account's DID, logging in first if needed.
    pub async fn did(&self) -> Result<String, BlueskyError> {
        Ok(self.sessions.current(&self.xrpc).await?.did.clone())
    }

    /// The session in use, logging in first if needed.
    pub(crate) async fn session(&self) -> Result<Arc<Session>, BlueskyError> {
        self.sessions.current(&self.xrpc).await
    }

    /// Sends the authenticated request `make` builds for the session. When the server no longer
    /// accepts the session's token, renews the session (refresh, else a new login) and sends
    /// once more.
    pub(crate) async fn call(
        &self,
        what: &'static str,
        make: impl Fn(&Session) -> RequestBuilder,
    ) -> Result<Vec<u8>, Failure> {
        let session = self.session().await.map_err(Failure::unsent)?;
        let first = self
            .xrpc
            .send(what, Some(session.access()), || make(&session))
            .await;
        match first {
            Err(Failure {
                error: BlueskyError::SessionExpired { reason, .. },
                maybe_sent,
            }) => {
                debug!(host = %self.xrpc.host, what, %reason, "session no longer accepted; renewing it");
                let fresh = self
                    .sessions
                    .renew(&self.xrpc, &session)
                    .await
                    .map_err(|error| Failure { error, maybe_sent })?;
                self.xrpc
                    .send(what, Some(fresh.access()), || make(&fresh))
                    .await
                    .map_err(|mut f| {
                        f.maybe_sent |= maybe_sent;
                        f
                    })
            }
            other => other,
        }
    }
}

impl fmt::Debug for BlueskyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlueskyClient")
            .field("host", &self.xrpc.host)
            .field("langs", &self.langs)
            .finish_non_exhaustive()
    }
}
