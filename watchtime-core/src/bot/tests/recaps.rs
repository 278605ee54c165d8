//! Posting recaps: once per platform, waiting for the period's last day, nothing for a period
//! without data, and an unfinished attempt decided like a daily post's.

use super::*;
use crate::bot::publish_recap;
use crate::recap::RecapKind;

/// A store with the week of 23–29 Nov 2026 closed day by day, as the close job leaves it.
async fn closed_week() -> MemoryStore {
    let store = MemoryStore::new();
    let settings = Settings::default();
    let first: Day = "2026-11-23".parse().unwrap();
    for i in 0..7 {
        let d = first.plus_days(i);
        let snap = slotted(
            &format!("{d}T20:00:00Z"),
            vec![
                stream("1", "Alpha", Some(("743", "Chess")), 900 + i * 10),
                stream("2", "Beta", Some(("1001", "Go")), 300),
            ],
        );
        store.record_snapshot(&snap).await.unwrap();
        close_day(&store, &settings, d, settings.close_time(d))
            .await
            .unwrap();
    }
    store
}

fn week() -> crate::DayRange {
    RecapKind::Week.period_of("2026-11-29".parse().unwrap())
}

#[tokio::test]
async fn a_recap_goes_out_once() {
    let store = closed_week().await;
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post().times(1).returning(|post| {
        assert!(TextLimit::X.fits(&post.text));
        assert!(
            post.text
                .starts_with("Week on Twitch, 23–29 Nov\nTop games\n1. Chess")
        );
        assert_eq!(post.idempotency_key, "watchtime:mock:post/2026-11-23/week");
        Ok(Delivery::Posted("r1".into()))
    });
    let settings = Settings::default();
    let at = at("2026-11-30T22:00:00Z");
    let first = publish_recap(&store, &p, &settings, RecapKind::Week, week(), at)
        .await
        .unwrap();
    assert_eq!(first, PostOutcome::Sent(Some("r1".into())));
    // Again, later: the outbox says it went out; the mock would fail on a second send.
    let again = publish_recap(&store, &p, &settings, RecapKind::Week, week(), at)
        .await
        .unwrap();
    assert_eq!(again, PostOutcome::AlreadySent);
    // The daily posts of the week's last day are other items.
    let key = OutboxKey::post("mock", week().to, PostKind::TopGames);
    assert!(store.outbox_entry(&key).await.unwrap().is_none());
}

#[tokio::test]
async fn a_recap_waits_for_its_last_day_and_skips_an_empty_period() {
    let store = closed_week().await;
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post().times(0);
    let settings = Settings::default();
    let month = RecapKind::Month.period_of(week().to);
    let waits = publish_recap(&store, &p, &settings, RecapKind::Month, month, now()).await;
    assert!(matches!(waits, Err(Error::NotReady { .. })), "{waits:?}");
    // October has no data at all (its days were never closed): nothing to say, settled.
    let october = RecapKind::Month.before(month);
    let empty = publish_recap(&store, &p, &settings, RecapKind::Month, october, now())
        .await
        .unwrap();
    assert_eq!(empty, PostOutcome::NothingToSay);
    let key = OutboxKey::recap("mock", RecapKind::Month, october);
    let entry = store.outbox_entry(&key).await.unwrap().unwrap();
    assert_eq!(entry.state, OutboxState::Skipped);
}

#[tokio::test]
async fn an_unfinished_recap_is_held_where_the_platform_would_duplicate() {
    let store = closed_week().await;
    let mut p = publisher(Redelivery::Duplicates);
    p.expect_post().times(1).returning(|_| {
        Err(PublishError::Unknown(Error::unavailable(
            "mock",
            "timed out after sending",
        )))
    });
    let settings = Settings::default();
    let at = at("2026-11-30T22:00:00Z");
    let first = publish_recap(&store, &p, &settings, RecapKind::Week, week(), at)
        .await
        .unwrap();
    assert!(matches!(first, PostOutcome::Uncertain(_)), "{first:?}");
    let again = publish_recap(&store, &p, &settings, RecapKind::Week, week(), at)
        .await
        .unwrap();
    assert_eq!(again, PostOutcome::Held { sends: 1 });
}
