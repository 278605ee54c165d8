//! A trace-level capture of whole sweeps, the HTTP client's own logs included, holds neither a
//! token nor the client secret. Its own test binary: the subscriber is process-wide.

#![allow(clippy::unwrap_used)] // the capture writer is test code

mod support;

use std::time::Duration;

use support::{p, source, t};
use watchtime_core::testkit::logs::LogCapture;
use watchtime_twitch::fake::HelixFake;
use watchtime_twitch::{HelixConfig, HelixSource};

#[tokio::test]
async fn a_traced_sweep_logs_neither_the_token_nor_the_secret() {
    // Global (and bridging the `log` crate) so reqwest's and hyper's records are caught too;
    // the fake server's own records are left out: they describe the server, not this client.
    let capture = LogCapture::install("trace,wiremock=off");

    // Every path that touches a credential: first token, 401 and a second token, 500, 429.
    let fake = HelixFake::start()
        .await
        .with_streams(400, 100)
        .rate_limited_once(Duration::from_millis(10))
        .expire_token_on_page(2)
        .server_error_once_on_page(3);
    let sweep = source(&fake).sweep(50).await.unwrap();
    assert_eq!(sweep.snapshot.streams.len(), 400);
    assert_eq!(
        fake.exchanges(),
        [
            t(200),
            p(1, 429),
            p(1, 200),
            p(2, 401),
            t(200),
            p(2, 200),
            p(3, 500),
            p(3, 200),
            p(4, 200)
        ]
    );
    // And a refused secret.
    let wrong = "wrong-secret-0d1e2f";
    let refused = HelixSource::new(
        HelixConfig::new(HelixFake::CLIENT_ID, wrong.to_owned()).auth_url(fake.auth_url()),
    )
    .unwrap()
    .sweep(50)
    .await;
    assert!(refused.is_err());

    let logs = capture.text();
    assert!(logs.contains("page read"), "the capture works: {logs}");
    assert!(logs.contains("token refused, requesting a new one"));
    let tokens = fake.issued_tokens();
    assert_eq!(tokens.len(), 2);
    let secrets: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .chain([HelixFake::CLIENT_SECRET, wrong])
        .collect();
    capture.assert_free_of(&secrets);
    assert!(
        !logs.to_lowercase().contains("bearer "),
        "no Authorization header in the logs"
    );
    println!("{} bytes of trace logs, no secret in them", logs.len());
}
