//! The notification stream against a hand-written streaming host: where it connects and how it
//! authenticates, the events it reads and passes over, and every way a stream fails (cut
//! mid-event, a payload that is not JSON, silence, refusals). A streamed mention answered
//! through the core is answered once, even when the next REST round reads it again.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use watchtime_core::{MemoryStore, Settings, bot};
use watchtime_mastodon::fake::{MastodonFake, StreamFake, TOKEN};
use watchtime_mastodon::{MastodonError, MentionStream, NOTIFICATION_STREAM_PATH};

const IDLE: Duration = Duration::from_secs(5);

/// A REST fake naming `stream` as its streaming host, with one mention (notification 1).
async fn instance(stream: &StreamFake) -> MastodonFake {
    MastodonFake::start()
        .await
        .streaming_url(&stream.address())
        .mentions_dated(Utc::now())
        .mention(
            "1",
            "9001",
            "alice@example.social",
            "<p>@watchtime minecraft</p>",
        )
}

/// Opens the stream while the fake accepts it.
async fn open<'a>(
    client: &'a watchtime_mastodon::MastodonClient,
    stream: &StreamFake,
    idle: Duration,
) -> (
    MentionStream<'a>,
    watchtime_mastodon::fake::StreamConnection,
) {
    let (opened, connection) = tokio::join!(client.mention_stream(idle), stream.connection());
    (opened.unwrap(), connection)
}

#[tokio::test]
async fn mentions_stream_from_the_host_the_instance_names() {
    let stream = StreamFake::start().await;
    let fake = instance(&stream).await;
    let first = fake.add_mention(
        Utc::now(),
        ("2", "9002"),
        "bob@example.social",
        "<p>@watchtime <b>chess</b> week</p>",
    );
    let second = fake.add_mention(Utc::now(), ("3", "9003"), "carol", "<p>@watchtime go</p>");
    let third = fake.add_mention(
        Utc::now(),
        ("4", "9004"),
        "dave",
        "<p>@watchtime tetris</p>",
    );
    let client = fake.client().await;
    let (mut mentions, connection) = open(&client, &stream, IDLE).await;
    assert_eq!(
        mentions.host(),
        stream.address().trim_start_matches("ws://")
    );

    connection.send(&StreamFake::notification(&first));
    // Passed over: a heartbeat, a status update, a follow, a payload that is not JSON.
    connection.heartbeat();
    connection.send("event: update\ndata: {\"id\":\"77\",\"content\":\"hi\"}\n\n");
    connection.send(&StreamFake::notification(&json!({
        "id": "5", "type": "follow", "account": {"id": "8", "acct": "erin"}
    })));
    connection.send("event: notification\ndata: {\"id\": \"6\", \"type\": \"ment\n\n");
    connection.send("event: notification\ndata: <html>502 Bad Gateway</html>\n\n");
    // The WebSocket framing: the payload as a JSON string.
    connection.send(&StreamFake::notification_as_string(&second));
    // An event split across writes.
    let third = StreamFake::notification(&third);
    let (a, b) = third.split_at(17);
    connection.send(a);
    connection.send(b);

    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(mentions.next_mention().await.unwrap().unwrap());
    }
    let read: Vec<(&str, &str, &str)> = got
        .iter()
        .map(|m| (m.id.as_str(), m.author_handle.as_str(), m.text.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            ("9002", "bob@example.social", "@watchtime chess week"),
            ("9003", "carol", "@watchtime go"),
            ("9004", "dave", "@watchtime tetris"),
        ]
    );
    assert_eq!(got[0].reply_prefix, "@bob@example.social ");

    // The token went in the header, never in the URL.
    let requests = stream.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].target, NOTIFICATION_STREAM_PATH);
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(requests[0].accept.as_deref(), Some("text/event-stream"));

    connection.close();
    assert!(mentions.next_mention().await.unwrap().is_none());
}

#[tokio::test]
async fn an_event_cut_off_by_a_drop_is_never_delivered() {
    let stream = StreamFake::start().await;
    let fake = instance(&stream).await;
    let cut = fake.add_mention(Utc::now(), ("2", "9002"), "bob", "<p>@watchtime chess</p>");
    let client = fake.client().await;
    let (mut mentions, connection) = open(&client, &stream, IDLE).await;
    let event = StreamFake::notification(&cut);
    connection.send(&event[..event.len() - 30]);
    connection.close();
    assert!(mentions.next_mention().await.unwrap().is_none());
}

#[tokio::test]
async fn heartbeats_keep_a_quiet_stream_open_and_silence_ends_it() {
    let stream = StreamFake::start().await;
    let fake = instance(&stream).await;
    let late = fake.add_mention(Utc::now(), ("2", "9002"), "bob", "<p>@watchtime chess</p>");
    let client = fake.client().await;
    let idle = Duration::from_millis(400);
    let (mut mentions, connection) = open(&client, &stream, idle).await;
    let writer = tokio::spawn(async move {
        // Quiet for three times the idle timeout, but for heartbeats.
        for _ in 0..12 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            connection.heartbeat();
        }
        connection.send(&StreamFake::notification(&late));
        connection
    });
    let mention = mentions.next_mention().await.unwrap().unwrap();
    assert_eq!(mention.id, "9002");
    let connection = writer.await.unwrap();
    // Now nothing at all: the connection is open but dead.
    let err = mentions.next_mention().await.unwrap_err();
    assert!(
        matches!(err, MastodonError::Silent { after, .. } if after == idle),
        "{err:?}"
    );
    assert!(watchtime_core::Error::from(err).is_retryable());
    drop(connection);
}

#[tokio::test]
async fn refusals_say_what_to_do() {
    let stream = StreamFake::start().await;
    let fake = instance(&stream).await;
    let client = fake.client().await;
    stream.refuse_next([401, 404, 503]);
    let err = client.mention_stream(IDLE).await.unwrap_err();
    assert!(
        matches!(err, MastodonError::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("MASTODON_ACCESS_TOKEN"), "{err}");
    let err = client.mention_stream(IDLE).await.unwrap_err();
    assert!(
        matches!(err, MastodonError::Rejected { status: 404, .. }),
        "{err:?}"
    );
    let err = client.mention_stream(IDLE).await.unwrap_err();
    assert!(
        matches!(err, MastodonError::Server { status: 503, .. }),
        "{err:?}"
    );
    // Nothing listening: a network error naming the streaming host, not the instance.
    let gone = StreamFake::start().await;
    let address = gone.address();
    drop(gone);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fake = MastodonFake::start().await.streaming_url(&address);
    let client = fake.client().await;
    let err = client.mention_stream(IDLE).await.unwrap_err();
    assert!(matches!(err, MastodonError::Network { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(address.trim_start_matches("ws://")),
        "{err}"
    );
}

#[tokio::test]
async fn an_instance_that_names_no_streaming_host_streams_from_itself() {
    let fake = MastodonFake::start().await.instance_missing();
    let client = fake.client().await;
    let err = client.mention_stream(IDLE).await.unwrap_err();
    // The REST fake has no stream; what matters is where the client went and how.
    assert!(
        matches!(err, MastodonError::Rejected { status: 404, .. }),
        "{err:?}"
    );
    let asked = fake.requests_to("GET", NOTIFICATION_STREAM_PATH).await;
    assert_eq!(asked.len(), 1);
    assert_eq!(
        asked[0].headers["authorization"].to_str().unwrap(),
        format!("Bearer {TOKEN}")
    );
    assert!(asked[0].url.query().is_none());
}

#[tokio::test]
async fn a_streamed_mention_is_answered_once_and_privately_when_asked_privately() {
    let stream = StreamFake::start().await;
    let fake = instance(&stream).await;
    let mut direct = fake.add_mention(Utc::now(), ("2", "9002"), "bob", "<p>@watchtime chess</p>");
    direct["status"]["visibility"] = json!("direct");
    let client = fake.client().await;
    let store = MemoryStore::new();
    let settings = Settings::default();
    let (mut mentions, connection) = open(&client, &stream, IDLE).await;
    connection.send(&StreamFake::notification(&direct));
    // Streamed twice (a replay after a reconnect).
    connection.send(&StreamFake::notification(&direct));
    for _ in 0..2 {
        let mention = mentions.next_mention().await.unwrap().unwrap();
        bot::answer_mention(&client, &client, &store, &settings, &mention, Utc::now())
            .await
            .unwrap();
    }
    assert_eq!(fake.replies().len(), 1);
    assert_eq!(fake.replies()[0].in_reply_to(), Some("9002"));
    assert_eq!(fake.replies()[0].visibility(), "direct");
    // The REST round reads notification 1 (never streamed) and this one (skipped as handled).
    let round = bot::answer_round(&client, &client, &store, &settings, Utc::now())
        .await
        .unwrap();
    assert_eq!((round.seen, round.answered, round.skipped), (2, 1, 1));
    let replied: Vec<_> = fake
        .replies()
        .iter()
        .map(|r| r.in_reply_to().unwrap().to_owned())
        .collect();
    assert_eq!(replied, ["9002", "9001"]);
}
