//! Sessions: log in once, then refresh.
//!
//! `createSession` is limited (30 logins per 5 minutes and about 100 a day per account), so the
//! client logs in only when it has no usable session. The refresh token is kept in the store
//! (a platform secret) and every run starts with `refreshSession`; the PDS rotates refresh
//! tokens, so each new one is stored at once. An access token that expires mid-run, or a
//! refresh token that was revoked, leads to one refresh and, failing that, one new login.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tracing::{debug, info};
use watchtime_core::ports::OutboxStore;

use crate::client::PLATFORM;
use crate::error::BlueskyError;
use crate::xrpc::Xrpc;

/// A logged-in session. `Debug` hides the tokens.
pub(crate) struct Session {
    /// The account's DID: the repository posts go to, and the bot's own id.
    pub(crate) did: String,
    /// The account's handle, to recognise `@handle` in mentions.
    pub(crate) handle: String,
    access: SecretString,
    refresh: SecretString,
}

impl Session {
    /// The access token, for the `Authorization` header only.
    pub(crate) fn access(&self) -> &SecretString {
        &self.access
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("did", &self.did)
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

/// `createSession` and `refreshSession` output, as far as the client needs it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionAnswer {
    did: String,
    handle: String,
    access_jwt: String,
    refresh_jwt: String,
}

/// The account's session, shared by every call of one client.
pub(crate) struct Sessions {
    identifier: String,
    password: SecretString,
    store: Arc<dyn OutboxStore>,
    /// The platform secret's name: per service and identifier, so switching accounts never
    /// refreshes the wrong one.
    secret_name: String,
    current: Mutex<Option<Arc<Session>>>,
}

impl Sessions {
    pub(crate) fn new(
        host: &str,
        identifier: &str,
        password: SecretString,
        store: Arc<dyn OutboxStore>,
    ) -> Self {
        Sessions {
            identifier: identifier.to_owned(),
            password,
            store,
            secret_name: format!("refresh-token {host} {}", identifier.to_lowercase()),
            current: Mutex::new(None),
        }
    }

    /// The session in use, resumed from the stored refresh token or made by logging in.
    pub(crate) async fn current(&self, xrpc: &Xrpc) -> Result<Arc<Session>, BlueskyError> {
        let mut slot = self.current.lock().await;
        if let Some(session) = slot.as_ref() {
            return Ok(session.clone());
        }
        let session = self.resume_or_login(xrpc).await?;
        *slot = Some(session.clone());
        Ok(session)
    }

    /// A new session after the server refused `stale`'s access token: refreshed, or made by
    /// logging in again when the refresh token is refused too.
    pub(crate) async fn renew(
        &self,
        xrpc: &Xrpc,
        stale: &Arc<Session>,
    ) -> Result<Arc<Session>, BlueskyError> {
        let mut slot = self.current.lock().await;
        if let Some(session) = slot.as_ref()
            && !Arc::ptr_eq(session, stale)
        {
            return Ok(session.clone()); // renewed by another call meanwhile
        }
        let session = match self.refresh(xrpc, &stale.refresh).await {
            Ok(session) => session,
            Err(e) if refused(&e) => {
                debug!(host = %xrpc.host, error = %e, "refresh refused; logging in again");
                self.login(xrpc).await?
            }
            Err(e) => return Err(e),
        };
        *slot = Some(session.clone());
        Ok(session)
    }

    async fn resume_or_login(&self, xrpc: &Xrpc) -> Result<Arc<Session>, BlueskyError> {
        let stored = self
            .store
            .platform_secret(PLATFORM, &self.secret_name)
            .await
            .map_err(BlueskyError::Store)?;
        let Some(refresh) = stored else {
            return self.login(xrpc).await;
        };
        match self.refresh(xrpc, &refresh).await {
            Ok(session) => {
                debug!(host = %xrpc.host, did = %session.did, "resumed the stored session");
                Ok(session)
            }
            Err(e) if refused(&e) => {
                debug!(host = %xrpc.host, error = %e, "the stored session is no longer accepted; logging in");
                self.login(xrpc).await
            }
            Err(e) => Err(e),
        }
    }

    async fn refresh(
        &self,
        xrpc: &Xrpc,
        refresh: &SecretString,
    ) -> Result<Arc<Session>, BlueskyError> {
        let body = xrpc
            .send("refreshSession", Some(refresh), || {
                xrpc.post("com.atproto.server.refreshSession")
            })
            .await
            .map_err(|f| f.error)?;
        self.keep(xrpc, xrpc.read("session", &body)?).await
    }

    async fn login(&self, xrpc: &Xrpc) -> Result<Arc<Session>, BlueskyError> {
        info!(host = %xrpc.host, identifier = %self.identifier, "logging in to Bluesky");
        let sent = xrpc
            .send("createSession", None, || {
                xrpc.post("com.atproto.server.createSession")
                    .json(&serde_json::json!({
                        "identifier": self.identifier,
                        "password": self.password.expose_secret(),
                    }))
            })
            .await;
        let body = sent.map_err(|f| match f.error {
            BlueskyError::Rejected {
                host,
                status: 400 | 401,
                error,
                ..
            } => BlueskyError::LoginRefused {
                host,
                identifier: self.identifier.clone(),
                reason: error,
            },
            other => other,
        })?;
        self.keep(xrpc, xrpc.read("session", &body)?).await
    }

    /// Stores the new refresh token (the old one stops working soon) and makes the session.
    async fn keep(&self, xrpc: &Xrpc, answer: SessionAnswer) -> Result<Arc<Session>, BlueskyError> {
        let session = Session {
            did: answer.did,
            handle: answer.handle,
            access: answer.access_jwt.into(),
            refresh: answer.refresh_jwt.into(),
        };
        self.store
            .set_platform_secret(PLATFORM, &self.secret_name, &session.refresh)
            .await
            .map_err(BlueskyError::Store)?;
        debug!(host = %xrpc.host, did = %session.did, "session kept");
        Ok(Arc::new(session))
    }
}

/// Whether a refresh failed because the token is no good (rather than the network or server).
fn refused(e: &BlueskyError) -> bool {
    matches!(
        e,
        BlueskyError::SessionExpired { .. }
            | BlueskyError::Rejected {
                status: 400 | 401,
                ..
            }
    )
}
