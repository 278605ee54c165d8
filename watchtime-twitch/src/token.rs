//! The app access token: fetched by client credentials, kept until Helix refuses it.
//!
//! App tokens cannot be refreshed; a new one is simply requested. They last about 60 days, so
//! the source keeps one until a 401 says it has expired or been revoked.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use crate::client::HelixSource;
use crate::error::TwitchError;
use crate::exchange::{Bucketed, Failure, Tally};
use crate::helix::TokenResponse;

/// A token and which one it is, so a 401 discards only the token it was answered to.
#[derive(Clone)]
pub(crate) struct Token {
    pub(crate) value: SecretString,
    serial: u64,
}

/// The cached token; the lock is held while fetching, so concurrent sweeps fetch one token.
#[derive(Default)]
pub(crate) struct TokenCache {
    current: Mutex<Option<Token>>,
    issued: AtomicU64,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.current.try_lock() {
            Ok(guard) if guard.is_some() => "cached",
            Ok(_) => "none",
            Err(_) => "busy",
        };
        f.write_str(state)
    }
}

impl HelixSource {
    /// The cached token, or a new one from the OAuth server.
    pub(crate) async fn token(&self, tally: &mut Tally) -> Result<Token, TwitchError> {
        let mut current = self.token.current.lock().await;
        if let Some(token) = current.as_ref() {
            return Ok(token.clone());
        }
        let value = self.fetch_token(tally).await?;
        let serial = self.token.issued.fetch_add(1, Ordering::Relaxed) + 1;
        let token = Token { value, serial };
        *current = Some(token.clone());
        Ok(token)
    }

    /// Drops `token` after Helix refused it, unless another request already replaced it.
    pub(crate) async fn forget_token(&self, token: &Token) {
        let mut current = self.token.current.lock().await;
        if current.as_ref().is_some_and(|t| t.serial == token.serial) {
            *current = None;
        }
    }

    /// `POST {auth_url}/token` with the client credentials, retrying transient failures.
    async fn fetch_token(&self, tally: &mut Tally) -> Result<SecretString, TwitchError> {
        let host = &self.auth_host;
        let mut attempt = 0;
        loop {
            attempt += 1;
            tracing::debug!(host = %host, attempt, "requesting an app access token");
            let request = self.http.post(self.token_url.clone()).form(&[
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose_secret()),
                ("grant_type", "client_credentials"),
            ]);
            let body = match self.exchange(request, Bucketed::Auth, tally).await {
                Ok(body) => body,
                Err(Failure::Unauthorized { status, .. }) => {
                    tracing::warn!(host = %host, status, "the OAuth server refused the client credentials");
                    return Err(TwitchError::TokenRefused {
                        host: host.clone(),
                        status,
                    });
                }
                Err(Failure::Rejected { status, message }) if status == 400 => {
                    // Twitch answers 400 "invalid client" to an unknown client id.
                    tracing::warn!(host = %host, status, message = %message, "the OAuth server refused the client credentials");
                    return Err(TwitchError::TokenRefused {
                        host: host.clone(),
                        status,
                    });
                }
                Err(failure) => {
                    self.after_failure(failure, attempt, host, None).await?;
                    continue;
                }
            };
            let parsed: TokenResponse =
                serde_json::from_slice(&body).map_err(|e| TwitchError::Malformed {
                    host: host.clone(),
                    page: None,
                    // Not the parser's message: it may quote a value, and the value may be the
                    // token.
                    detail: format!(
                        "the token answer is not the documented JSON ({:?} error at line {} column {})",
                        e.classify(),
                        e.line(),
                        e.column()
                    ),
                })?;
            if parsed.access_token.expose_secret().is_empty() {
                return Err(TwitchError::Malformed {
                    host: host.clone(),
                    page: None,
                    detail: "token answer: empty access_token".into(),
                });
            }
            tracing::debug!(
                host = %host,
                expires_in_s = parsed.expires_in.unwrap_or_default(),
                "app access token issued"
            );
            return Ok(parsed.access_token);
        }
    }
}
