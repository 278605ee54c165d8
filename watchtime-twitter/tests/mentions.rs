//! Reading mentions against `XFake`: paging, order, cursor, own posts, hostile text, access.

#![allow(clippy::unwrap_used)] // Tests may unwrap: a panic is a failure with its reason.

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use watchtime_core::Error;
use watchtime_core::ports::MentionSource;
use watchtime_twitter::TwitterClient;
use watchtime_twitter::fake::{
    BOT_HANDLE, BOT_ID, FakeMention, Route, XFake, client_forbidden_body,
};

const BASE: u64 = 1_861_000_000_000_000_000;

fn backlog(n: u64) -> Vec<FakeMention> {
    (1..=n)
        .map(|i| {
            FakeMention::new(
                BASE + i * 10,
                &format!("{}", 500 + i % 3),
                &format!("viewer{}", i % 3),
                &format!("@{BOT_HANDLE} game {i}"),
            )
        })
        .collect()
}

fn small_pages(x: &XFake) -> TwitterClient {
    let mut config = x.config();
    config.mentions_page_size = 5;
    TwitterClient::new(config).unwrap()
}

fn query(r: &wiremock::Request) -> HashMap<String, String> {
    r.url.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn own_account_id_is_read_once() {
    let x = XFake::start().await;
    let client = x.client();
    assert_eq!(client.own_account_id().await.unwrap(), BOT_ID);
    assert_eq!(client.own_account_id().await.unwrap(), BOT_ID);
    assert_eq!(MentionSource::platform(&client), "twitter");
    assert_eq!(x.count(Route::Me).await, 1);
    assert_eq!(x.total_requests().await, 1);
}

#[tokio::test]
async fn backlog_over_two_pages_comes_oldest_first_with_the_newest_as_cursor() {
    let x = XFake::start().await.with_mentions(backlog(8));
    let page = small_pages(&x).mentions_since(None).await.unwrap();
    let ids: Vec<u64> = page
        .mentions
        .iter()
        .map(|m| m.id.parse().unwrap())
        .collect();
    let want: Vec<u64> = (1..=8).map(|i| BASE + i * 10).collect();
    assert_eq!(ids, want);
    assert_eq!(page.cursor, Some((BASE + 80).to_string()));
    assert!(!page.more);
    let first = &page.mentions[0];
    assert_eq!(first.author_id, "501");
    assert_eq!(first.author_handle, "viewer1");
    assert_eq!(first.text, format!("@{BOT_HANDLE} game 1"));
    assert_eq!(first.reply_prefix, "@viewer1 ");
    assert_eq!(first.created_at, backlog(1)[0].created_at);
    // One users/me, then exactly two pages: the second asks for the first page's token.
    assert_eq!(x.count(Route::Me).await, 1);
    let pages = x.requests(Route::Mentions).await;
    assert_eq!(pages.len(), 2);
    let (q1, q2) = (query(&pages[0]), query(&pages[1]));
    assert_eq!(q1.get("max_results").map(String::as_str), Some("5"));
    assert_eq!(
        q1.get("tweet.fields").map(String::as_str),
        Some("author_id,created_at")
    );
    assert_eq!(q1.get("expansions").map(String::as_str), Some("author_id"));
    assert_eq!(q1.get("user.fields").map(String::as_str), Some("username"));
    assert!(!q1.contains_key("since_id") && !q1.contains_key("pagination_token"));
    assert_eq!(
        q2.get("pagination_token").map(String::as_str),
        Some("7140dibdnow9c7btw45")
    );
    assert!(x.refusals().is_empty(), "{:?}", x.refusals());
}

#[tokio::test]
async fn cursor_reads_only_newer_mentions_and_empty_keeps_the_cursor() {
    let x = XFake::start().await.with_mentions(backlog(8));
    let client = small_pages(&x);
    let page = client
        .mentions_since(Some(&(BASE + 60).to_string()))
        .await
        .unwrap();
    let ids: Vec<String> = page.mentions.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids, [(BASE + 70).to_string(), (BASE + 80).to_string()]);
    assert_eq!(page.cursor, Some((BASE + 80).to_string()));
    let nothing = client.mentions_since(page.cursor.as_deref()).await.unwrap();
    assert!(nothing.mentions.is_empty());
    assert_eq!(nothing.cursor, None, "no mention: the stored cursor stays");
    let pages = x.requests(Route::Mentions).await;
    assert_eq!(pages.len(), 2);
    assert_eq!(
        query(&pages[1]).get("since_id").map(String::as_str),
        Some((BASE + 80).to_string().as_str())
    );
    assert_eq!(x.count(Route::Me).await, 1);
}

#[tokio::test]
async fn own_posts_are_returned_and_recognisable() {
    let x = XFake::start().await.with_mentions(vec![
        FakeMention::new(BASE + 1, "77", "alice", "@watchtime_bot fortnite"),
        FakeMention::new(
            BASE + 2,
            BOT_ID,
            BOT_HANDLE,
            "@watchtime_bot thread reply by the bot",
        ),
    ]);
    let client = x.client();
    let page = client.mentions_since(None).await.unwrap();
    let own = client.own_account_id().await.unwrap();
    let authors: Vec<&str> = page.mentions.iter().map(|m| m.author_id.as_str()).collect();
    assert_eq!(authors, ["77", BOT_ID]);
    assert_eq!(page.mentions[1].author_id, own);
    assert_eq!(page.mentions[1].author_handle, BOT_HANDLE);
    assert_eq!(x.count(Route::Me).await, 1);
    assert_eq!(x.count(Route::Mentions).await, 1);
}

#[tokio::test]
async fn hostile_text_passes_through_untouched() {
    let hostile = "@watchtime_bot </script><script>alert(1)</script> &amp; ' OR 1=1; -- \u{202E}evil\u{200B} @everyone https://t.co/x 原神 👨‍👩‍👧 \n\t";
    let x = XFake::start().await.with_mentions(vec![FakeMention::new(
        BASE + 5,
        "66",
        "mallory",
        hostile,
    )]);
    let page = x.client().mentions_since(None).await.unwrap();
    assert_eq!(page.mentions.len(), 1);
    assert_eq!(page.mentions[0].text, hostile);
    assert_eq!(page.mentions[0].author_handle, "mallory");
}

#[tokio::test]
async fn free_tier_is_told_it_cannot_read_mentions() {
    let x = XFake::start()
        .await
        .with_mentions(backlog(2))
        .refusing_once(Route::Mentions, 403, client_forbidden_body());
    let err = x.client().mentions_since(None).await.unwrap_err();
    let Error::Unauthorized { message, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("(403)"), "{message}");
    assert!(message.contains("free tier"), "{message}");
    assert!(message.contains("cannot read mentions"), "{message}");
    assert!(message.contains("paid access"), "{message}");
    assert_eq!(x.count(Route::Mentions).await, 1, "403 is not retried");
}

#[tokio::test]
async fn transient_failures_of_reads_are_retried() {
    let x = XFake::start()
        .await
        .with_mentions(backlog(3))
        .failing_once(Route::Me, 503)
        .failing_once(Route::Mentions, 500)
        .slow_once(Route::Mentions, Duration::from_secs(5));
    let page = x.client().mentions_since(None).await.unwrap();
    assert_eq!(page.mentions.len(), 3);
    assert_eq!(x.count(Route::Me).await, 2);
    // 500, a timeout, then the page: three attempts, the policy's limit.
    assert_eq!(x.count(Route::Mentions).await, 3);
}

#[tokio::test]
async fn rate_limited_read_waits_for_the_reset() {
    let x = XFake::start()
        .await
        .with_mentions(backlog(2))
        .rate_limited_once(Route::Mentions, 1);
    let page = x.client().mentions_since(None).await.unwrap();
    assert_eq!(page.mentions.len(), 2);
    let [reset] = x.resets_sent()[..] else {
        panic!()
    };
    let arrivals = x.arrivals(Route::Mentions);
    assert_eq!(arrivals.len(), 2);
    assert!(
        arrivals[1] >= UNIX_EPOCH + Duration::from_secs(reset),
        "{arrivals:?} {reset}"
    );
}

#[tokio::test]
async fn reads_give_up_after_the_last_attempt() {
    let x = XFake::start()
        .await
        .failing_once(Route::Me, 502)
        .failing_once(Route::Me, 503)
        .failing_once(Route::Me, 504);
    let err = x.client().own_account_id().await.unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    let chain = watchtime_core::ErrorChain(&err).to_string();
    assert!(chain.contains("answered 504"), "{chain}");
    assert_eq!(x.count(Route::Me).await, 3);
}
