//! Credentials: missing, refused, and never shown.

mod support;

use secrecy::SecretString;
use support::{p, source, t};
use watchtime_core::{Error as CoreError, TwitchSource};
use watchtime_twitch::fake::HelixFake;
use watchtime_twitch::{HelixConfig, HelixSource, TwitchError};

#[test]
fn missing_credentials_are_unauthorized_and_name_the_variables() {
    let messages: Vec<String> = [("", "a-secret-value"), ("someclientid", ""), ("  ", "  ")]
        .into_iter()
        .map(|(id, secret)| {
            let err =
                HelixSource::new(HelixConfig::new(id, SecretString::from(secret))).unwrap_err();
            assert!(matches!(err, TwitchError::MissingCredentials), "{err:?}");
            let core = CoreError::from(err);
            assert!(matches!(core, CoreError::Unauthorized { .. }));
            core.to_string()
        })
        .collect();
    assert!(messages.iter().all(|m| m == &messages[0]));
    assert!(!messages[0].contains("a-secret-value"));
    insta::assert_snapshot!(messages[0], @"twitch refused our credentials: no Twitch client credentials: set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET (or TWITCH_CLIENT_ID_FILE and TWITCH_CLIENT_SECRET_FILE) to the credentials of an application registered at https://dev.twitch.tv/console");
}

#[tokio::test]
async fn a_wrong_secret_is_a_refused_token_without_the_secret_in_the_message() {
    let fake = HelixFake::start().await.with_streams(10, 100);
    let wrong = "not-the-secret-4f9a2c";
    let config = HelixConfig::new(HelixFake::CLIENT_ID, SecretString::from(wrong))
        .api_url(fake.api_url())
        .auth_url(fake.auth_url());
    let err = HelixSource::new(config)
        .unwrap()
        .snapshot(50)
        .await
        .unwrap_err();

    let CoreError::Unauthorized { service, message } = &err else {
        panic!("expected Unauthorized, got {err:?}");
    };
    assert_eq!(*service, "twitch");
    let host = fake
        .auth_url()
        .replace("http://", "")
        .replace("/oauth2", "");
    assert_eq!(
        message.replace(&host, "HOST"),
        "HOST refused the client credentials (HTTP 403): set TWITCH_CLIENT_ID and \
         TWITCH_CLIENT_SECRET (or TWITCH_CLIENT_ID_FILE and TWITCH_CLIENT_SECRET_FILE) to the \
         credentials of an application registered at https://dev.twitch.tv/console"
    );
    assert!(!format!("{err:?}").contains(wrong));
    assert!(!err.to_string().contains(wrong));
    assert_eq!(fake.exchanges(), [t(403)], "a refused token is not retried");
}

#[tokio::test]
async fn an_unknown_client_id_is_a_refused_token() {
    let fake = HelixFake::start().await.with_streams(10, 100);
    let config = HelixConfig::new(
        "unknownclient",
        SecretString::from(HelixFake::CLIENT_SECRET),
    )
    .api_url(fake.api_url())
    .auth_url(fake.auth_url());
    let err = HelixSource::new(config)
        .unwrap()
        .sweep(50)
        .await
        .unwrap_err();

    assert!(
        matches!(err, TwitchError::TokenRefused { status: 400, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains(HelixFake::CLIENT_SECRET));
    assert_eq!(fake.exchanges(), [t(400)]);
}

#[tokio::test]
async fn a_token_refused_after_a_401_mid_sweep_leaves_an_incomplete_snapshot() {
    // The secret was rotated while the bot ran: the old token stops working and no new one is
    // given. What was read stays usable, marked incomplete, and the reason says what to fix.
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .expire_token_on_page(2)
        .refuse_tokens_after(1);
    let sweep = source(&fake).sweep(50).await.unwrap();
    let host = fake
        .auth_url()
        .replace("http://", "")
        .replace("/oauth2", "");

    assert_eq!(sweep.snapshot.streams.len(), 100);
    let reason = sweep.snapshot.completeness.reason().unwrap();
    assert_eq!(
        reason.replace(&host, "HOST"),
        "read 1 pages, then HOST refused the client credentials (HTTP 403): set TWITCH_CLIENT_ID \
         and TWITCH_CLIENT_SECRET (or TWITCH_CLIENT_ID_FILE and TWITCH_CLIENT_SECRET_FILE) to the \
         credentials of an application registered at https://dev.twitch.tv/console"
    );
    assert_eq!((sweep.pages, sweep.requests), (1, 4));
    assert_eq!(fake.exchanges(), [t(200), p(1, 200), p(2, 401), t(403)]);
}

#[tokio::test]
async fn a_token_refused_from_the_start_is_an_error() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .refuse_tokens_after(0);
    let err = source(&fake).sweep(50).await.unwrap_err();
    assert!(
        matches!(err, TwitchError::TokenRefused { status: 403, .. }),
        "{err:?}"
    );
    assert_eq!(fake.exchanges(), [t(403)]);
}

#[tokio::test]
async fn debug_output_shows_no_secret_and_no_token() {
    let fake = HelixFake::start().await.with_streams(10, 100);
    let config = fake.config();
    let config_debug = format!("{config:?}");
    assert!(!config_debug.contains(HelixFake::CLIENT_SECRET));
    assert!(
        !config_debug.contains(HelixFake::CLIENT_ID),
        "only a prefix of the id is shown"
    );
    let port = fake
        .api_url()
        .rsplit(':')
        .next()
        .unwrap()
        .replace("/helix", "");
    insta::assert_snapshot!(config_debug.replace(&port, "PORT"), @r#"HelixConfig { client_id: "wtfa…", client_secret: "[redacted]", api_url: "http://127.0.0.1:PORT/helix", auth_url: "http://127.0.0.1:PORT/oauth2", page_cap: 300, timeout: 2s, retry: RetryPolicy { max_attempts: 3, base_delay: 0ns, max_delay: 0ns, max_rate_limit_wait: 120s } }"#);

    let source = HelixSource::new(config).unwrap();
    source.sweep(50).await.unwrap();
    let source_debug = format!("{source:?}");
    let tokens = fake.issued_tokens();
    assert_eq!(tokens.len(), 1);
    assert!(!source_debug.contains(&tokens[0]));
    assert!(!source_debug.contains(HelixFake::CLIENT_SECRET));
    insta::assert_snapshot!(source_debug.replace(&port, "PORT"), @r#"HelixSource { api_host: "127.0.0.1:PORT", auth_host: "127.0.0.1:PORT", client_secret: "[redacted]", token: cached, page_cap: 300, retry: RetryPolicy { max_attempts: 3, base_delay: 0ns, max_delay: 0ns, max_rate_limit_wait: 120s }, .. }"#);
    assert_eq!(fake.exchanges(), [t(200), p(1, 200)]);
}

#[tokio::test]
async fn a_token_server_outage_is_retried() {
    let fake = HelixFake::start()
        .await
        .with_streams(10, 100)
        .token_server_error_once();
    let sweep = source(&fake).sweep(50).await.unwrap();
    assert_eq!(sweep.snapshot.streams.len(), 10);
    assert_eq!((sweep.pages, sweep.requests), (1, 3));
    assert_eq!(fake.exchanges(), [t(503), t(200), p(1, 200)]);
}

#[tokio::test]
async fn a_fresh_token_refused_by_helix_is_unauthorized_after_one_renewal() {
    let fake = HelixFake::start()
        .await
        .with_streams(10, 100)
        .refuse_every_token();
    let err = source(&fake).sweep(50).await.unwrap_err();

    let host = fake.api_url().replace("http://", "").replace("/helix", "");
    assert_eq!(
        err.to_string().replace(&host, "HOST"),
        "HOST refused a fresh app token (HTTP 401: Invalid OAuth token): set TWITCH_CLIENT_ID and \
         TWITCH_CLIENT_SECRET (or TWITCH_CLIENT_ID_FILE and TWITCH_CLIENT_SECRET_FILE) to the \
         credentials of an application registered at https://dev.twitch.tv/console"
    );
    assert!(matches!(
        CoreError::from(err),
        CoreError::Unauthorized { .. }
    ));
    assert_eq!(fake.exchanges(), [t(200), p(1, 401), t(200), p(1, 401)]);
}
