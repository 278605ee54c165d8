//! Reading mentions: walking a backlog forward, HTML to text, odd entries, and a full answer
//! round through the core.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::time::Duration;

use chrono::TimeZone;
use serde_json::json;
use watchtime_core::ports::OutboxStore;
use watchtime_core::{MemoryStore, MentionSource, Settings, bot};
use watchtime_mastodon::fake::{BOT_ID, Fault, MastodonFake};

const NOTIFICATIONS: &str = "/api/v1/notifications";

#[tokio::test]
async fn a_backlog_of_two_pages_is_walked_forward_with_min_id() {
    let fake = MastodonFake::start().await.backlog(45); // ids 95..=139
    let client = fake.client().await;

    let first = client.mentions_since(None).await.unwrap();
    let ids: Vec<&str> = first.mentions.iter().map(|m| m.id.as_str()).collect();
    let want: Vec<String> = (95..135).map(|i| (9000 + i).to_string()).collect();
    assert_eq!(ids, want, "oldest first, numeric order across 99 → 100");
    assert_eq!(first.cursor.as_deref(), Some("134"));
    assert!(first.more);

    let second = client
        .mentions_since(first.cursor.as_deref())
        .await
        .unwrap();
    let ids: Vec<&str> = second.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["9135", "9136", "9137", "9138", "9139"]);
    assert_eq!(second.cursor.as_deref(), Some("139"));
    assert!(!second.more);

    let requests = fake.requests_to("GET", NOTIFICATIONS).await;
    assert_eq!(requests.len(), 2);
    let min_ids: Vec<String> = requests
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "min_id")
                .map(|(_, v)| v.into_owned())
                .unwrap()
        })
        .collect();
    assert_eq!(min_ids, ["0", "134"]);
    let limit = requests[0].url.query_pairs().find(|(k, _)| k == "limit");
    assert_eq!(limit.unwrap().1, "40");
}

#[tokio::test]
async fn nothing_new_keeps_the_cursor() {
    let fake = MastodonFake::start().await.backlog(3);
    let client = fake.client().await;
    let page = client.mentions_since(Some("97")).await.unwrap();
    assert!(page.mentions.is_empty());
    assert_eq!(page.cursor, None);
    assert!(!page.more);
    assert_eq!(fake.requests_to("GET", NOTIFICATIONS).await.len(), 1);
}

#[tokio::test]
async fn a_mention_becomes_plain_text_with_author_and_reply_prefix() {
    let html = concat!(
        r#"<p><span class="h-card" translate="no"><a href="https://example.social/@watchtime" class="u-url mention">@<span>watchtime</span></a></span> "#,
        r#"streamer Tom &amp; Jerry&#39;s &lt;3 week</p><p>second&nbsp;line<br />third &#x1F600;</p>"#
    );
    let fake = MastodonFake::start()
        .await
        .mention("7", "9007", "alice@other.example", html);
    let client = fake.client().await;

    let page = client.mentions_since(None).await.unwrap();

    assert_eq!(page.mentions.len(), 1);
    let m = &page.mentions[0];
    assert_eq!(
        m.text,
        "@watchtime streamer Tom & Jerry's <3 week\n\nsecond\u{a0}line\nthird 😀"
    );
    assert_eq!(m.id, "9007");
    assert_eq!(m.author_handle, "alice@other.example");
    assert_eq!(m.reply_prefix, "@alice@other.example ");
    assert!(!m.author_id.is_empty() && m.author_id != BOT_ID);
    assert_eq!(
        m.created_at,
        chrono::Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap()
    );
}

#[tokio::test]
async fn a_hostile_mention_is_read_without_harm() {
    let hostile = format!(
        "<p><script>alert('x')</script>{}<a href=\"javascript:alert(1)\" title='>'>click</a>&#99999999;&#0;<unclosed",
        "<b>&amp;&lt;&gt;</b><img src=x onerror=alert(1)>".repeat(250)
    );
    assert!(hostile.len() > 10 * 1024);
    let fake = MastodonFake::start()
        .await
        .mention("1", "9001", "mallory", &hostile);
    let client = fake.client().await;

    let page = client.mentions_since(None).await.unwrap();

    let text = &page.mentions[0].text;
    assert!(!text.contains("alert('x')"));
    assert!(!text.contains("<b>") && !text.contains("<img"));
    assert!(text.starts_with("&<>&<>"), "{text:?}");
    assert!(text.ends_with("click\u{fffd}\u{fffd}"), "{text:?}");
}

#[tokio::test]
async fn entries_without_a_usable_mention_are_passed_over() {
    let fake = MastodonFake::start()
        .await
        .mention("10", "9010", "a", "<p>one</p>")
        .raw_notification(json!({"id": "11", "type": "mention", "account": {"id": "5", "acct": "b"}, "status": null}))
        .raw_notification(json!({"id": "12", "type": "follow", "account": {"id": "6", "acct": "c"}}))
        .raw_notification(json!({"id": "13", "type": "mention", "garbage": true}));
    let client = fake.client().await;

    let page = client.mentions_since(None).await.unwrap();

    let ids: Vec<&str> = page.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["9010"]);
    assert_eq!(
        page.cursor.as_deref(),
        Some("13"),
        "skipped entries still advance"
    );
}

#[tokio::test]
async fn reading_waits_out_a_rate_limit_and_a_5xx() {
    let fake = MastodonFake::start().await.backlog(2);
    let client = fake.client().await;
    fake.queue_get_faults([
        Fault::RateLimited(Duration::from_millis(300)),
        Fault::ServerError(502),
    ]);

    let page = client.mentions_since(None).await.unwrap();

    assert_eq!(page.mentions.len(), 2);
    assert_eq!(fake.requests_to("GET", NOTIFICATIONS).await.len(), 3);
}

#[tokio::test]
async fn own_account_id_is_asked_once() {
    let fake = MastodonFake::start().await;
    let client = fake.client().await;
    assert_eq!(client.own_account_id().await.unwrap(), BOT_ID);
    assert_eq!(client.own_account_id().await.unwrap(), BOT_ID);
    assert_eq!(
        fake.requests_to("GET", "/api/v1/accounts/verify_credentials")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn an_answer_round_replies_once_to_each_mention_and_stores_the_cursor() {
    let fake = MastodonFake::start().await.backlog(45);
    let client = fake.client().await;
    let store = MemoryStore::new();
    let settings = Settings::default();
    let now = chrono::Utc.with_ymd_and_hms(2026, 5, 2, 12, 0, 0).unwrap();

    let round = bot::answer_round(&client, &client, &store, &settings, now)
        .await
        .unwrap();

    assert_eq!(round.seen, 45);
    assert_eq!(round.answered + round.how_tos, 45, "{round:?}");
    let created = fake.created();
    assert_eq!(created.len(), 45);
    for (i, c) in created.iter().enumerate() {
        let status = 9000 + 95 + i as u64;
        assert_eq!(c.body["in_reply_to_id"], status.to_string());
        assert_eq!(c.key, format!("watchtime:mastodon:reply/{status}"));
        let text = c.body["status"].as_str().unwrap();
        assert!(
            text.starts_with(&format!("@fan{i}@other.example ")),
            "{text}"
        );
    }
    assert_eq!(
        store.mention_cursor("mastodon").await.unwrap().as_deref(),
        Some("139")
    );
    assert_eq!(fake.requests_to("GET", NOTIFICATIONS).await.len(), 2);

    // A second round finds nothing new and sends nothing.
    let again = bot::answer_round(&client, &client, &store, &settings, now)
        .await
        .unwrap();
    assert_eq!(again.seen, 0);
    assert_eq!(fake.created().len(), 45);
    assert_eq!(fake.requests_to("GET", NOTIFICATIONS).await.len(), 3);
    assert_eq!(fake.requests_to("POST", "/api/v1/statuses").await.len(), 45);
}

#[tokio::test]
async fn a_refused_token_on_notifications_names_the_scope() {
    let fake = MastodonFake::start().await;
    let mut config = fake.config();
    config.access_token = "nope".into();
    let client = watchtime_mastodon::MastodonClient::connect(config)
        .await
        .unwrap();
    let err = client.mentions_since(None).await.unwrap_err();
    assert!(
        matches!(&err, watchtime_core::Error::Unauthorized { message, .. } if message.contains("read:notifications")),
        "{err:?}"
    );
    assert_eq!(fake.requests_to("GET", NOTIFICATIONS).await.len(), 1);
}
