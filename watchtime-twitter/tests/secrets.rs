//! No credential reaches a log line, even at trace level, or an error or `Debug` output.

#![allow(clippy::unwrap_used)] // Tests may unwrap: a panic is a failure with its reason.

use std::io::Write;
use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use tracing_subscriber::fmt::MakeWriter;
use watchtime_core::ports::{MentionSource, Post, Publisher};
use watchtime_twitter::TwitterClient;
use watchtime_twitter::fake::{BOT_HANDLE, FakeMention, Route, SECRETS, XFake};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} contains {secret}:\n{text}");
    }
}

/// Every crate's events at trace level (ours, reqwest's, hyper's), captured on this thread;
/// the current-thread runtime runs the HTTP connection tasks here too.
#[tokio::test]
async fn trace_logs_of_a_post_and_a_mentions_read_hold_no_secret() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let x = XFake::start()
        .await
        .with_mentions(vec![FakeMention::new(
            1_861_000_000_000_000_001,
            "42",
            "alice",
            &format!("@{BOT_HANDLE} minecraft"),
        )])
        .failing_once(Route::Mentions, 503);
    let client = x.client();
    let post = Post {
        text: "Most watched games".into(),
        idempotency_key: "k".into(),
        image: None,
    };
    client.post(&post).await.unwrap();
    let page = client.mentions_since(None).await.unwrap();
    assert_eq!(page.mentions.len(), 1);
    // A failure path too: a wrong secret gets a 401 with its message logged and returned.
    let mut config = x.config();
    config.access_token_secret = SecretString::from("wrong".to_owned());
    let err = TwitterClient::new(config.clone())
        .unwrap()
        .post(&post)
        .await
        .unwrap_err();
    tracing::error!(%err, ?config, "reported");

    let logs = capture.text();
    // The capture saw the traffic, so an absence of secrets means something.
    assert!(logs.contains("x request"), "{logs}");
    assert!(
        logs.contains("/2/tweets") && logs.contains("/mentions"),
        "{logs}"
    );
    assert!(logs.contains("TRACE"), "{logs}");
    assert!(logs.contains("status=503"), "{logs}");
    assert_no_secret("trace logs", &logs);
    assert_no_secret("error", &format!("{err} {err:?}"));
    assert_no_secret("config Debug", &format!("{config:?}"));
    assert_no_secret("client Debug", &format!("{client:?}"));
    assert_eq!(x.total_requests().await, 5);
}
