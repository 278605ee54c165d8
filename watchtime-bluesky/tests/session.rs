//! Sessions against the fake: one login, then refreshes; an expired or revoked session logs in
//! again once; a wrong password names the variable to fix.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod support;

use support::{post, store};
use watchtime_bluesky::fake::{BlueskyFake, DID, TOKEN_PREFIX};
use watchtime_core::ports::{OutboxStore, PublishError, Publisher};
use watchtime_core::secrecy::ExposeSecret;
use watchtime_core::{Error, MentionSource};

const LOGIN: &str = "com.atproto.server.createSession";
const REFRESH: &str = "com.atproto.server.refreshSession";

/// The refresh token the store holds for the fake's bot account.
async fn stored_refresh(store: &dyn OutboxStore, fake: &BlueskyFake) -> Option<String> {
    let host = fake.url().trim_start_matches("http://").to_owned();
    store
        .platform_secret("bluesky", &format!("refresh-token {host} watchtime.test"))
        .await
        .unwrap()
        .map(|s| s.expose_secret().to_owned())
}

#[tokio::test]
async fn later_runs_refresh_the_stored_session_instead_of_logging_in() {
    let fake = BlueskyFake::start().await;
    let store = store();
    let first = fake.client(store.clone());
    assert_eq!(first.own_account_id().await.unwrap(), DID);
    first.post(&post("one", "k1")).await.unwrap();
    assert_eq!((fake.calls(LOGIN), fake.calls(REFRESH)), (1, 0));
    let kept = stored_refresh(store.as_ref(), &fake).await.unwrap();
    assert!(kept.starts_with(TOKEN_PREFIX), "{kept}");

    // The next run (a new client on the same store) refreshes; the rotated token is stored.
    let second = fake.client(store.clone());
    second.post(&post("two", "k2")).await.unwrap();
    assert_eq!((fake.calls(LOGIN), fake.calls(REFRESH)), (1, 1));
    let rotated = stored_refresh(store.as_ref(), &fake).await.unwrap();
    assert_ne!(rotated, kept);

    // And the one after that refreshes with the rotated token (the old one is spent).
    let third = fake.client(store.clone());
    third.post(&post("three", "k3")).await.unwrap();
    assert_eq!((fake.calls(LOGIN), fake.calls(REFRESH)), (1, 2));
    assert_eq!(fake.bot_posts().len(), 3);
}

#[tokio::test]
async fn an_access_token_expiring_mid_run_is_refreshed_and_the_call_repeated() {
    let fake = BlueskyFake::start().await;
    let client = fake.client(store());
    client.post(&post("one", "k1")).await.unwrap();
    fake.expire_access_tokens();
    client.post(&post("two", "k2")).await.unwrap();
    assert_eq!((fake.calls(LOGIN), fake.calls(REFRESH)), (1, 1));
    assert_eq!(fake.calls("com.atproto.repo.putRecord"), 3);
    assert_eq!(fake.bot_posts().len(), 2);
}

#[tokio::test]
async fn a_revoked_session_logs_in_again_once() {
    let fake = BlueskyFake::start().await;
    let store = store();
    fake.client(store.clone())
        .post(&post("one", "k1"))
        .await
        .unwrap();
    fake.revoke_refresh_tokens();

    // A new run: the stored refresh token is refused, so it logs in.
    let client = fake.client(store.clone());
    client.post(&post("two", "k2")).await.unwrap();
    assert_eq!((fake.calls(LOGIN), fake.calls(REFRESH)), (2, 1));

    // Mid-run: the access token expires and the refresh token was revoked meanwhile.
    fake.revoke_refresh_tokens();
    fake.expire_access_tokens();
    client.post(&post("three", "k3")).await.unwrap();
    assert_eq!((fake.calls(LOGIN), fake.calls(REFRESH)), (3, 2));
    assert_eq!(fake.bot_posts().len(), 3);
}

#[tokio::test]
async fn a_wrong_app_password_names_the_variable_and_sends_nothing() {
    let fake = BlueskyFake::start().await;
    fake.change_app_password("a-new-app-password");
    let client = fake.client(store());
    let err = client.post(&post("x", "k")).await.unwrap_err();
    let PublishError::NotSent(Error::Unauthorized { message, .. }) = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("BLUESKY_APP_PASSWORD"), "{message}");
    assert!(message.contains("BLUESKY_IDENTIFIER"), "{message}");
    assert!(!message.contains("fake-apps-pass-word"), "{message}");
    assert_eq!(fake.calls(LOGIN), 1, "a refused login is not retried");
    assert_eq!(fake.calls("com.atproto.repo.putRecord"), 0);
    let err = client.own_account_id().await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
}
