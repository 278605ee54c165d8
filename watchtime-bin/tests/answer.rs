//! `watchtime answer` end to end against fakes of X and Mastodon: a backlog over two pages on
//! each, every mention answered exactly once, hostile texts, the bot's own and stale mentions,
//! the per-author limit, and nothing sent by a second round.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use support::{DAY, NOW, Run, Site};
use watchtime_mastodon::fake::{self as mastodon, MastodonFake};
use watchtime_twitter::fake::{self as x, FakeMention, Route, XFake};

const BOTH: &[(&str, &str)] = &[("WATCHTIME_PUBLISHER", "twitter,mastodon")];

/// A mention to seed on both platforms.
struct Ask {
    author: String,
    text: String,
    /// Minutes before [`NOW`] it was posted.
    age_minutes: i64,
    /// Whether the bot's own account posted it.
    own: bool,
}

impl Ask {
    fn new(author: &str, text: &str) -> Ask {
        Ask {
            author: author.into(),
            text: text.into(),
            age_minutes: 90,
            own: false,
        }
    }
}

/// Questions about yesterday's top games and streamers, as `report --json` names them.
async fn questions(site: &Site) -> Vec<String> {
    let report = site
        .run(&[], &["report", DAY, "--json", "--top", "10"])
        .await
        .ok();
    let v: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let names = |list: &str| -> Vec<String> {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut qs: Vec<String> = names("games");
    qs.extend(
        names("streamers")
            .into_iter()
            .map(|s| format!("streamer {s}")),
    );
    assert_eq!(qs.len(), 20);
    qs
}

/// The backlog: `normal` mentions by `normal / 3` authors (three distinct questions each, the
/// per-author limit exactly), an eager author asking five times, three hostile texts, the bot's
/// own post and a stale mention. Oldest first.
fn backlog(qs: &[String], authors: usize, handle: &str) -> Vec<Ask> {
    let mut asks = Vec::new();
    for j in 0..3 {
        for k in 0..authors {
            let q = &qs[(k + 3 * j) % qs.len()];
            asks.push(Ask::new(&format!("viewer{k}"), &format!("{handle} {q}")));
        }
    }
    for q in &qs[..5] {
        asks.push(Ask::new("eager", &format!("{handle} {q} week")));
    }
    asks.push(Ask::new(
        "mallory",
        &format!("{handle} '); DROP TABLE samples;-- \" OR 1=1"),
    ));
    asks.push(Ask::new(
        "trudy",
        &format!("{handle} {}", "minecraft ".repeat(1024)),
    ));
    asks.push(Ask::new(
        "eve",
        &format!("{handle} mine\u{7}craft\u{1b}[2J\u{0}"),
    ));
    let mut own = Ask::new(
        "bot",
        &format!("{handle} thread continued by the bot itself"),
    );
    own.own = true;
    asks.push(own);
    let mut stale = Ask::new("sleepy", &format!("{handle} {}", qs[0]));
    stale.age_minutes = 25 * 60;
    asks.push(stale);
    // Oldest first by id; times follow ids except the stale one, which only has an old date.
    asks
}

fn posted_at(ask: &Ask, i: usize) -> DateTime<Utc> {
    let now: DateTime<Utc> = NOW.parse().unwrap();
    now - Duration::minutes(ask.age_minutes) + Duration::seconds(i as i64)
}

const X_BASE: u64 = 1_862_000_000_000_000_000;

fn x_id(i: usize) -> u64 {
    X_BASE + 10 * i as u64
}

fn x_author_id(author: &str) -> String {
    if author == "bot" {
        return x::BOT_ID.into();
    }
    // A stable id per handle, distinct for distinct handles.
    mastodon::account_id(author)
}

fn x_mentions(asks: &[Ask]) -> Vec<FakeMention> {
    asks.iter()
        .enumerate()
        .map(|(i, a)| {
            let handle = if a.own { x::BOT_HANDLE } else { &a.author };
            FakeMention::new(x_id(i), &x_author_id(&a.author), handle, &a.text).at(posted_at(a, i))
        })
        .collect()
}

fn html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let rest = escaped.strip_prefix("@watchtime ").unwrap_or(&escaped);
    format!(
        "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://example.social/@watchtime\" class=\"u-url mention\">@<span>watchtime</span></a></span> {rest}</p>"
    )
}

fn mastodon_status(i: usize) -> String {
    (113_000_000_000_000_000u64 + i as u64).to_string()
}

fn mastodon_with(mut fake: MastodonFake, asks: &[Ask]) -> MastodonFake {
    for (i, a) in asks.iter().enumerate() {
        let id = (2000 + i).to_string();
        fake = fake.mentions_dated(posted_at(a, i));
        fake = if a.own {
            fake.own_mention(&id, &mastodon_status(i), &html(&a.text))
        } else {
            let acct = format!("{}@other.example", a.author);
            fake.mention(&id, &mastodon_status(i), &acct, &html(&a.text))
        };
    }
    fake
}

/// Who should get an answer, by the rules: not the bot, not stale, at most three per author.
fn expected_replies(asks: &[Ask]) -> BTreeSet<usize> {
    let mut per_author: BTreeMap<&str, u32> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for (i, a) in asks.iter().enumerate() {
        if a.own || a.age_minutes > 24 * 60 {
            continue;
        }
        let n = per_author.entry(&a.author).or_default();
        if *n < 3 {
            *n += 1;
            out.insert(i);
        }
    }
    out
}

fn summary<'a>(run: &'a Run, platform: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.starts_with(&format!("{platform}: ")))
        .unwrap_or_else(|| panic!("no {platform} summary: {run:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mention_is_answered_exactly_once() {
    let mut site = Site::new();
    let qs = questions(&site).await;
    // X: 100 ordinary mentions by 34 authors (over a page of 100); Mastodon: 36 by 12 (over a
    // page of 40). Then the eager, hostile, own and stale ones.
    let x_asks = backlog(&qs, 34, "@watchtime_bot");
    let m_asks = backlog(&qs, 12, "@watchtime");
    assert_eq!((x_asks.len(), m_asks.len()), (112, 46));
    let x = XFake::start().await.with_mentions(x_mentions(&x_asks));
    let m = mastodon_with(MastodonFake::start().await, &m_asks);
    site.x(&x);
    site.mastodon(&m);

    let run = site.run(BOTH, &["answer"]).await.ok();
    assert_eq!(
        summary(&run, "twitter"),
        "twitter: 112 mentions read, 106 answered, 2 how-to replies, 4 skipped, 0 unfinished, 0 refused"
    );
    assert_eq!(
        summary(&run, "mastodon"),
        "mastodon: 46 mentions read, 40 answered, 2 how-to replies, 4 skipped, 0 unfinished, 0 refused"
    );

    // X: two pages of mentions, one reply per answered mention, each naming its asker.
    assert_eq!(x.count(Route::Mentions).await, 2);
    let x_want = expected_replies(&x_asks);
    let x_replies = x.replies();
    assert_eq!(x_replies.len(), x_want.len());
    let got: BTreeSet<String> = x_replies
        .iter()
        .map(|r| r.reply_to.clone().unwrap())
        .collect();
    let want: BTreeSet<String> = x_want.iter().map(|&i| x_id(i).to_string()).collect();
    assert_eq!(got, want);
    let own = x_asks.iter().position(|a| a.own).unwrap();
    assert!(
        !got.contains(&x_id(own).to_string()),
        "the bot answered itself"
    );
    for r in &x_replies {
        let i = x_want
            .iter()
            .copied()
            .find(|&i| x_id(i).to_string() == *r.reply_to.as_ref().unwrap())
            .unwrap();
        assert!(
            r.text.starts_with(&format!("@{} ", x_asks[i].author)),
            "{}",
            r.text
        );
    }
    assert!(x.refusals().is_empty(), "{:?}", x.refusals());
    assert_eq!(x.count(Route::Tweets).await, x_want.len());

    // Mastodon: the same, with the notifications walked over two pages.
    assert_eq!(m.notification_requests().await, 2);
    let m_want = expected_replies(&m_asks);
    let m_replies = m.replies();
    assert_eq!(m_replies.len(), m_want.len());
    let got: BTreeSet<String> = m_replies
        .iter()
        .map(|r| r.in_reply_to().unwrap().to_owned())
        .collect();
    let want: BTreeSet<String> = m_want.iter().map(|&i| mastodon_status(i)).collect();
    assert_eq!(got, want);
    assert!(
        m_replies
            .iter()
            .all(|r| r.key.starts_with("watchtime:mastodon:reply/"))
    );
    assert_eq!(m.status_requests().await, m_want.len());

    // The hostile ones got a short answer, and the store is intact.
    let reply_to = |author: &str| -> String {
        let i = x_asks.iter().position(|a| a.author == author).unwrap();
        x_replies
            .iter()
            .find(|r| r.reply_to.as_deref() == Some(&x_id(i).to_string()))
            .unwrap()
            .text
            .clone()
    };
    insta::assert_snapshot!(reply_to("mallory"), @"@mallory I know no game or streamer by that name. Try the name as Twitch shows it, e.g. “Minecraft” or “streamer shroud week”.");
    insta::assert_snapshot!(reply_to("trudy"), @"@trudy Ask me about a game or a streamer, e.g. “Minecraft”, “game Elden Ring week” or “streamer shroud 30d”. I reply with the top 5 of yesterday, or of today, week, month or Nd if you add it.");
    insta::assert_snapshot!(reply_to("eve"), @"@eve Ask me about a game or a streamer, e.g. “Minecraft”, “game Elden Ring week” or “streamer shroud 30d”. I reply with the top 5 of yesterday, or of today, week, month or Nd if you add it.");
    site.run(&[], &["report", DAY]).await.ok();

    // What an ordinary answer looks like on each platform (the first mention of the backlog).
    insta::assert_snapshot!(x_replies[0].text, @"
    @viewer0 Just Chatting: top streamers, Wed 25 Nov
    Peak 23,325 viewers on one channel
    1. lil_ninja: 157K h
    2. Mistermoon78: 13.6K h
    3. Justgamer: 13.0K h
    4. The_Tv2229: 12.8K h
    5. Emberlive2956: 11.7K h
    ");
    assert_eq!(
        m_replies[0].in_reply_to(),
        Some(mastodon_status(0).as_str())
    );
    assert!(m_replies.iter().all(|r| r.visibility() == "unlisted"));
    insta::assert_snapshot!(m_replies[0].text(), @"
    @viewer0@other.example Just Chatting: top streamers, Wed 25 Nov
    Peak 23,325 viewers on one channel
    1. lil_ninja: 157K h
    2. Mistermoon78: 13.6K h
    3. Justgamer: 13.0K h
    4. The_Tv2229: 12.8K h
    5. Emberlive2956: 11.7K h
    ");

    // A second round reads nothing new and sends nothing.
    let again = site.run(BOTH, &["answer"]).await.ok();
    assert_eq!(
        summary(&again, "twitter"),
        "twitter: 0 mentions read, 0 answered, 0 how-to replies, 0 skipped, 0 unfinished, 0 refused"
    );
    assert_eq!(
        summary(&again, "mastodon"),
        "mastodon: 0 mentions read, 0 answered, 0 how-to replies, 0 skipped, 0 unfinished, 0 refused"
    );
    assert_eq!(x.count(Route::Tweets).await, x_want.len());
    assert_eq!(m.status_requests().await, m_want.len());
    assert_eq!(x.replies().len(), x_want.len());
    assert_eq!(m.created().len(), m_want.len());

    // New mentions within the hour: viewer0 has had three answers already, a newcomer none.
    let newer = |i: usize| posted_at(&Ask::new("", ""), 200 + i);
    x.add_mentions(vec![
        FakeMention::new(
            x_id(200),
            &x_author_id("viewer0"),
            "viewer0",
            "@watchtime_bot Fortnite",
        )
        .at(newer(0)),
        FakeMention::new(
            x_id(201),
            &x_author_id("newcomer"),
            "newcomer",
            "@watchtime_bot Fortnite",
        )
        .at(newer(1)),
    ]);
    for (i, (id, author)) in [("3000", "viewer0"), ("3001", "newcomer")]
        .iter()
        .enumerate()
    {
        let acct = format!("{author}@other.example");
        let status = mastodon_status(200 + i);
        m.add_mention(newer(i), (id, &status), &acct, &html("@watchtime Fortnite"));
    }
    let third = site.run(BOTH, &["answer"]).await.ok();
    for platform in ["twitter", "mastodon"] {
        assert_eq!(
            summary(&third, platform),
            format!(
                "{platform}: 2 mentions read, 1 answered, 0 how-to replies, 1 skipped, 0 unfinished, 0 refused"
            )
        );
    }
    assert_eq!(
        x.replies().last().unwrap().reply_to,
        Some(x_id(201).to_string())
    );
    assert_eq!(
        m.replies().last().unwrap().in_reply_to(),
        Some(mastodon_status(201).as_str())
    );
    assert_eq!(x.count(Route::Tweets).await, x_want.len() + 1);
    assert_eq!(m.status_requests().await, m_want.len() + 1);
}
