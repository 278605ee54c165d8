//! Faults: rate limits, expired tokens, 5xx, timeouts, rejected cursors, malformed pages.

mod support;

use std::time::{Duration, Instant};

use support::{expected, p, source, t};
use watchtime_core::retry::RetryPolicy;
use watchtime_core::{Completeness, Error as CoreError, TwitchSource};
use watchtime_twitch::fake::{FakeStream, HelixFake};
use watchtime_twitch::{HelixSource, TwitchError};

fn incomplete(reason: &str) -> Completeness {
    Completeness::Incomplete {
        reason: reason.to_owned(),
    }
}

#[tokio::test]
async fn a_429_waits_for_the_reset_then_succeeds() {
    let fake = HelixFake::start()
        .await
        .with_streams(150, 100)
        .rate_limited_once(Duration::from_secs(1));
    let started = Instant::now();
    let sweep = source(&fake).sweep(50).await.unwrap();
    let waited = started.elapsed();

    assert_eq!(sweep.snapshot.streams, expected(&FakeStream::generate(150)));
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (2, 4));
    // One 429 only: the retry went out after the reset, not before.
    assert_eq!(fake.exchanges(), [t(200), p(1, 429), p(1, 200), p(2, 200)]);
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn a_reset_beyond_the_longest_honoured_wait_fails_the_first_page_as_rate_limited() {
    let fake = HelixFake::start()
        .await
        .with_streams(150, 100)
        .rate_limited_once(Duration::from_secs(600));
    let err = source(&fake).snapshot(50).await.unwrap_err();

    let CoreError::RateLimited { retry_after, .. } = err else {
        panic!("expected RateLimited, got {err:?}");
    };
    let wait = retry_after.unwrap();
    assert!(
        wait > Duration::from_secs(590) && wait <= Duration::from_secs(601),
        "{wait:?}"
    );
    assert_eq!(fake.exchanges(), [t(200), p(1, 429)]);
}

#[tokio::test]
async fn a_nearly_empty_bucket_paces_requests_instead_of_hitting_429() {
    // Three points a second: without pacing the fourth page would be refused.
    let fake = HelixFake::start()
        .await
        .with_streams(500, 100)
        .bucket(3, Duration::from_secs(1));
    let sweep = source(&fake).sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&FakeStream::generate(500)));
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (5, 6));
    assert_eq!(
        fake.exchanges(),
        [
            t(200),
            p(1, 200),
            p(2, 200),
            p(3, 200),
            p(4, 200),
            p(5, 200)
        ]
    );
}

#[tokio::test]
async fn an_expired_token_mid_sweep_is_replaced_once_and_the_page_retried() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .expire_token_on_page(2);
    let sweep = source(&fake).sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&FakeStream::generate(300)));
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (3, 6));
    assert_eq!(
        fake.exchanges(),
        [t(200), p(1, 200), p(2, 401), t(200), p(2, 200), p(3, 200)]
    );
    assert_eq!(fake.issued_tokens().len(), 2);
}

#[tokio::test]
async fn a_500_is_retried_and_the_sweep_completes() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .server_error_once_on_page(2);
    let sweep = source(&fake).sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&FakeStream::generate(300)));
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (3, 5));
    assert_eq!(
        fake.exchanges(),
        [t(200), p(1, 200), p(2, 500), p(2, 200), p(3, 200)]
    );
}

#[tokio::test]
async fn a_page_slower_than_the_timeout_is_retried() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .delay_page_once(2, Duration::from_secs(3));
    let config = fake.config().timeout(Duration::from_millis(400));
    let sweep = HelixSource::new(config).unwrap().sweep(50).await.unwrap();

    assert_eq!(sweep.snapshot.streams, expected(&FakeStream::generate(300)));
    assert_eq!(sweep.snapshot.completeness, Completeness::Complete);
    assert_eq!((sweep.pages, sweep.requests), (3, 5));
    assert_eq!(
        fake.exchanges(),
        [t(200), p(1, 200), p(2, 200), p(2, 200), p(3, 200)],
        "the first answer to page 2 came too late"
    );
}

#[tokio::test]
async fn a_page_that_always_times_out_leaves_an_incomplete_snapshot() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .delay_page(2, Duration::from_secs(3));
    let config = fake
        .config()
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::immediate(2));
    let sweep = HelixSource::new(config).unwrap().sweep(50).await.unwrap();

    assert_eq!(
        sweep.snapshot.streams,
        expected(&FakeStream::generate(300)[..100])
    );
    let reason = sweep.snapshot.completeness.reason().unwrap();
    let host = fake.api_url().replace("http://", "").replace("/helix", "");
    assert!(
        reason.starts_with(&format!(
            "read 1 pages, then {host} unavailable on page 2: timed out"
        )),
        "{reason}"
    );
    assert!(reason.ends_with("(attempt 2 of 2)"), "{reason}");
    assert_eq!((sweep.pages, sweep.requests), (1, 4));
    assert_eq!(fake.requests().streams, 3);
}

#[tokio::test]
async fn a_first_page_that_always_times_out_is_an_unavailable_error() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .delay_page(1, Duration::from_secs(3));
    let config = fake
        .config()
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::immediate(2));
    let source = HelixSource::new(config).unwrap();
    let err = source.sweep(50).await.unwrap_err();

    assert!(
        matches!(&err, TwitchError::Unavailable { page: Some(1), .. }),
        "{err:?}"
    );
    assert!(CoreError::from(err).is_retryable());
    assert_eq!(fake.exchanges(), [t(200), p(1, 200), p(1, 200)]);
}

#[tokio::test]
async fn an_invalid_cursor_mid_sweep_leaves_an_incomplete_snapshot_with_the_reason() {
    let fake = HelixFake::start()
        .await
        .with_streams(500, 100)
        .invalid_cursor_on_page(3);
    let sweep = source(&fake).sweep(50).await.unwrap();
    let host = fake.api_url().replace("http://", "").replace("/helix", "");

    assert_eq!(
        sweep.snapshot.streams,
        expected(&FakeStream::generate(500)[..200])
    );
    assert_eq!(
        sweep.snapshot.completeness,
        incomplete(&format!(
            "read 2 pages, then {host} rejected the request on page 3 (HTTP 400: invalid cursor)"
        ))
    );
    assert_eq!((sweep.pages, sweep.requests), (2, 4));
    assert_eq!(fake.exchanges(), [t(200), p(1, 200), p(2, 200), p(3, 400)]);
}

#[tokio::test]
async fn malformed_json_on_the_first_page_is_an_error_naming_the_page() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .malformed_page(1);
    let source = source(&fake);
    let err = source.sweep(50).await.unwrap_err();

    assert!(
        matches!(&err, TwitchError::Malformed { page: Some(1), .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("on page 1: EOF while parsing"),
        "{message}"
    );
    assert!(matches!(
        CoreError::from(err),
        CoreError::InvalidInput { .. }
    ));
    assert_eq!(
        fake.exchanges(),
        [t(200), p(1, 200)],
        "malformed JSON is not retried"
    );
}

#[tokio::test]
async fn malformed_json_mid_sweep_leaves_an_incomplete_snapshot() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .malformed_page(2);
    let sweep = source(&fake).sweep(50).await.unwrap();
    let host = fake.api_url().replace("http://", "").replace("/helix", "");

    assert_eq!(
        sweep.snapshot.streams,
        expected(&FakeStream::generate(300)[..100])
    );
    let reason = sweep.snapshot.completeness.reason().unwrap();
    let prefix =
        format!("read 1 pages, then malformed answer from {host} on page 2: EOF while parsing");
    assert!(reason.starts_with(&prefix), "{reason}");
    assert_eq!((sweep.pages, sweep.requests), (1, 3));
    assert_eq!(fake.exchanges(), [t(200), p(1, 200), p(2, 200)]);
}

#[tokio::test]
async fn a_missing_required_field_mid_sweep_leaves_an_incomplete_snapshot() {
    let fake = HelixFake::start()
        .await
        .with_streams(300, 100)
        .missing_field_on_page(3, "user_id");
    let sweep = source(&fake).sweep(50).await.unwrap();
    let host = fake.api_url().replace("http://", "").replace("/helix", "");

    assert_eq!(
        sweep.snapshot.streams,
        expected(&FakeStream::generate(300)[..200])
    );
    let reason = sweep.snapshot.completeness.reason().unwrap();
    let prefix = format!(
        "read 2 pages, then malformed answer from {host} on page 3: missing field `user_id`"
    );
    assert!(reason.starts_with(&prefix), "{reason}");
    assert_eq!((sweep.pages, sweep.requests), (2, 4));
}
