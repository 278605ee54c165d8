//! Posting: the three daily posts, each at most once per day and platform.

use chrono::{DateTime, Utc};

use crate::draw::draw_game;
use crate::error::{Error, ErrorChain, Result};
use crate::ids::GameId;
use crate::message::{DayRankings, PostKind, Spotlight, daily_post};
use crate::outbox::{Claim, OutboxItem, OutboxKey, OutboxState, Payload, Purpose, Settlement};
use crate::ports::{Delivery, Post, PublishError, Publisher, Store};
use crate::ranking::{RankingQuery, Subject};
use crate::settings::Settings;
use crate::time::{Day, DayRange};
use crate::totals::Coverage;

/// What happened to one daily post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostOutcome {
    /// Sent now; the platform's id when known.
    Sent(Option<String>),
    /// Sent earlier (the outbox says so); nothing was sent now.
    AlreadySent,
    /// An earlier attempt died mid-send on a platform that would post a duplicate, so it is held
    /// for an operator rather than risk posting twice.
    Held {
        /// Attempts so far.
        attempts: u32,
    },
    /// The send failed and nothing went out; the next run tries again.
    Failed(String),
    /// The send failed and may have gone out; the next run decides by the platform's dedupe.
    Uncertain(String),
    /// There is nothing to post (no data for the day, no game to draw).
    NothingToSay,
}

/// The rankings the daily posts of `day` show.
pub async fn day_rankings<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    day: Day,
) -> Result<DayRankings> {
    let range = DayRange::single(day);
    let statuses = store.day_statuses(range).await?;
    let coverage = Coverage::of(range, &statuses);
    // Every game of the day: the draw needs all weights, and the top games are its head.
    let all_games = store
        .rank(&RankingQuery {
            subject: Subject::TopGames,
            range,
            top: usize::MAX,
        })
        .await?;
    let streamers = store
        .rank(&RankingQuery {
            subject: Subject::TopStreamers,
            range,
            top: settings.top,
        })
        .await?;
    let weights: Vec<(GameId, u64)> = all_games
        .iter()
        .filter_map(|g| Some((g.id.game()?.clone(), g.totals.viewer_minutes)))
        .collect();
    let spotlight = match draw_game(day, &weights) {
        Some(id) => {
            let game = all_games.iter().find(|g| g.id.game() == Some(&id)).cloned();
            let streamers = store
                .rank(&RankingQuery {
                    subject: Subject::StreamersOf(id),
                    range,
                    top: settings.top,
                })
                .await?;
            game.map(|game| Spotlight { game, streamers })
        }
        None => None,
    };
    let mut games = all_games;
    games.truncate(settings.top);
    Ok(DayRankings {
        day,
        coverage,
        games,
        streamers,
        spotlight,
    })
}

/// The texts of the three posts for `publisher`'s limit, without sending anything.
pub fn post_texts(
    rankings: &DayRankings,
    publisher: &dyn Publisher,
) -> Vec<(PostKind, Option<String>)> {
    PostKind::ALL
        .into_iter()
        .map(|kind| (kind, daily_post(kind, rankings, &publisher.text_limit())))
        .collect()
}

/// Sends the daily posts of `day` that have not been sent on `publisher`'s platform.
///
/// Each post is claimed in the outbox before it is sent and settled after, so running this again
/// (after a crash, or by hand) sends only what is missing. A day that is not closed is refused.
pub async fn publish_day<S, P>(
    store: &S,
    publisher: &P,
    settings: &Settings,
    day: Day,
    now: DateTime<Utc>,
) -> Result<Vec<(PostKind, PostOutcome)>>
where
    S: Store + ?Sized,
    P: Publisher + ?Sized,
{
    let rankings = day_rankings(store, settings, day).await?;
    if rankings.coverage.days_not_closed > 0 {
        return Err(Error::invalid(format!(
            "day {day} is not closed yet; close it before posting"
        )));
    }
    let limit = publisher.text_limit();
    let mut outcomes = Vec::new();
    for kind in PostKind::ALL {
        let key = OutboxKey::post(publisher.platform(), day, kind);
        // What goes out is what the first attempt stored, whatever the data says now; the text
        // built here is only offered to a first claim.
        let offered = match daily_post(kind, &rankings, &limit) {
            Some(text) => Some(Payload::text(text, now)),
            None => store.outbox_entry(&key).await?.and_then(|e| e.payload),
        };
        let outcome = match offered {
            None => {
                settle_nothing(store, &key, now).await?;
                PostOutcome::NothingToSay
            }
            Some(payload) => send_once(store, publisher, &key, payload, now).await?,
        };
        outcomes.push((kind, outcome));
    }
    Ok(outcomes)
}

/// Releases the posts of `day` on `platform` that are held (an attempt was left unfinished on a
/// platform that would post a duplicate), so the next [`publish_day`] sends them.
///
/// For an operator who has checked the platform and seen that the post is not there. Returns
/// the kinds released.
pub async fn release_held<S: Store + ?Sized>(
    store: &S,
    platform: &str,
    day: Day,
    now: DateTime<Utc>,
) -> Result<Vec<PostKind>> {
    let mut released = Vec::new();
    for kind in PostKind::ALL {
        let key = OutboxKey::post(platform, day, kind);
        if let Some(entry) = store.outbox_entry(&key).await?
            && entry.state == OutboxState::Pending
        {
            let reason = "released by an operator after checking the platform".to_owned();
            store
                .settle(&key, &Settlement::Failed { reason }, now)
                .await?;
            released.push(kind);
        }
    }
    Ok(released)
}

/// Records that a post has nothing to say, so it is not retried forever.
async fn settle_nothing<S: Store + ?Sized>(
    store: &S,
    key: &OutboxKey,
    now: DateTime<Utc>,
) -> Result<()> {
    let item = OutboxItem {
        key: key.clone(),
        purpose: Purpose::Post,
        author: None,
        payload: Payload::text("", now),
    };
    if let Claim::Settled(_) = store.claim(&item, now).await? {
        return Ok(());
    }
    store
        .settle(
            key,
            &Settlement::Skipped {
                reason: "nothing to post".into(),
            },
            now,
        )
        .await
}

async fn send_once<S, P>(
    store: &S,
    publisher: &P,
    key: &OutboxKey,
    offered: Payload,
    now: DateTime<Utc>,
) -> Result<PostOutcome>
where
    S: Store + ?Sized,
    P: Publisher + ?Sized,
{
    let item = OutboxItem {
        key: key.clone(),
        purpose: Purpose::Post,
        author: None,
        payload: offered,
    };
    let payload = match store.claim(&item, now).await? {
        Claim::Settled(_) => return Ok(PostOutcome::AlreadySent),
        Claim::Unfinished {
            attempts, since, ..
        } if !publisher.redelivery().may_resend(since, now) => {
            return Ok(PostOutcome::Held { attempts });
        }
        Claim::Fresh { payload } | Claim::Unfinished { payload, .. } => payload,
    };
    let post = Post::of(payload, key);
    let result = publisher.post(&post).await;
    settle_delivery(store, key, result, now).await
}

/// Settles an outbox entry from a publisher's answer, mapping it to an outcome.
pub(crate) async fn settle_delivery<S: Store + ?Sized>(
    store: &S,
    key: &OutboxKey,
    result: Result<Delivery, PublishError>,
    now: DateTime<Utc>,
) -> Result<PostOutcome> {
    match result {
        Ok(Delivery::Posted(id)) => {
            store
                .settle(
                    key,
                    &Settlement::Sent {
                        remote_id: Some(id.clone()),
                    },
                    now,
                )
                .await?;
            Ok(PostOutcome::Sent(Some(id)))
        }
        Ok(Delivery::AlreadyPosted(id)) => {
            store
                .settle(key, &Settlement::Sent { remote_id: id }, now)
                .await?;
            Ok(PostOutcome::AlreadySent)
        }
        Err(PublishError::NotSent(e)) => {
            store
                .settle(
                    key,
                    &Settlement::Failed {
                        reason: ErrorChain(&e).to_string(),
                    },
                    now,
                )
                .await?;
            if e.is_retryable() {
                Ok(PostOutcome::Failed(ErrorChain(&e).to_string()))
            } else {
                Err(e)
            }
        }
        // Left pending: the next claim sees it unfinished.
        Err(PublishError::Unknown(e)) => Ok(PostOutcome::Uncertain(ErrorChain(&e).to_string())),
    }
}
