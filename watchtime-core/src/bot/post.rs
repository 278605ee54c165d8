//! Posting: the three daily posts, each at most once per day and platform, each with its chart
//! where the platform takes images.

use chrono::{DateTime, Utc};

use crate::draw::draw_game;
use crate::error::{Error, ErrorChain, Result};
use crate::ids::GameId;
use crate::message::{DayMovements, DayRankings, PostKind, Spotlight, daily_post};
use crate::movement::previous_ranks;
use crate::outbox::{
    Claim, OutboxEntry, OutboxItem, OutboxKey, OutboxState, Payload, Purpose, Settlement,
};
use crate::ports::{Delivery, Image, Post, PostImages, PublishError, Publisher, Store};
use crate::ranking::{RankingQuery, Subject};
use crate::settings::Settings;
use crate::time::{Day, DayRange};
use crate::totals::Coverage;

/// What happened to one daily post.
///
/// The publisher's answer ([`Publisher::post`]) decides it:
///
/// | answer | outcome | the outbox entry | the next run |
/// |---|---|---|---|
/// | `Ok(Posted(id))` | [`PostOutcome::Sent`] | sent | nothing |
/// | `Ok(AlreadyPosted(_))` | [`PostOutcome::AlreadySent`] | sent | nothing |
/// | `Err(NotSent(e))`, `e` retryable (timeout, 5xx, rate limit) | [`PostOutcome::Failed`] | failed | sends it again |
/// | `Err(NotSent(e))`, `e` unauthorized | [`publish_day`] returns `Err(e)`; the later posts of the day are not tried (they would be refused the same way) | failed | sends it again |
/// | `Err(NotSent(e))`, any other `e` (a refused text, …) | [`PostOutcome::Rejected`]; the other posts carry on | rejected | nothing: a refusal is not repeated |
/// | `Err(Unknown(_))` | [`PostOutcome::Uncertain`] | pending | resends where the platform deduplicates and within its window, else [`PostOutcome::Held`] |
///
/// Every attempt sends the payload stored by the first one, so a retry is the same post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostOutcome {
    /// Sent now; the platform's id when known.
    Sent(Option<String>),
    /// Sent now, but without the image it was to carry (the image could not be drawn, or the
    /// platform refused it before anything was posted); the platform's id when known.
    SentWithoutImage {
        /// The platform's id, when known.
        id: Option<String>,
        /// What happened to the image.
        reason: String,
    },
    /// Sent earlier (the outbox says so); nothing was sent now.
    AlreadySent,
    /// An earlier attempt died mid-send on a platform that would post a duplicate (or after the
    /// window in which it would not), so it is held for an operator rather than risk posting
    /// twice. A held run sends nothing and claims nothing.
    Held {
        /// Sends so far that may have reached the platform: attempts that reached the
        /// publisher, not runs that found the post held.
        sends: u32,
    },
    /// The send failed and nothing went out; the next run tries again.
    Failed(String),
    /// The send failed and may have gone out; the next run decides by the platform's dedupe.
    Uncertain(String),
    /// The platform refused the post for good (now, or on an earlier run): it did not go out and
    /// is not sent again. The reason names the platform and the post.
    Rejected(String),
    /// There is nothing to post (no data for the day, no game to draw).
    NothingToSay,
}

/// The rankings the daily posts of `day` show, with the day before's ranks for their markers.
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
    let previous = DayMovements {
        games: previous_ranks(store, &Subject::TopGames, range).await?,
        streamers: previous_ranks(store, &Subject::TopStreamers, range).await?,
        spotlight: match &spotlight {
            Some(s) => match s.game.id.game() {
                Some(id) => previous_ranks(store, &Subject::StreamersOf(id.clone()), range).await?,
                None => Default::default(),
            },
            None => Default::default(),
        },
    };
    let mut games = all_games;
    games.truncate(settings.top);
    Ok(DayRankings {
        day,
        coverage,
        games,
        streamers,
        spotlight,
        previous,
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

/// Sends the daily posts of `day` that have not been sent on `publisher`'s platform, as text
/// only; [`publish_day_with_images`] adds the charts.
///
/// Each post is claimed in the outbox before it is sent and settled after, so running this again
/// (after a crash, or by hand) sends only what is missing, as the payload the first attempt
/// stored. A day that is not closed is refused ([`Error::NotReady`]).
///
/// The posts go out in [`PostKind::ALL`] order, each on its own: a refused or failed post does
/// not stop the ones after it (see [`PostOutcome`]; only an authorization failure does). A run
/// after a partial failure sends the missing posts in the same order, so a post that failed
/// may appear on the platform after the ones that followed it.
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
    publish_day_with_images(store, publisher, None, settings, day, now).await
}

/// [`publish_day`], each post carrying its chart from `images` when the publisher
/// [takes images](Publisher::takes_images).
///
/// The image is made before the post is claimed, from the same closed day as its text, with alt
/// text fitted to the publisher's [`Publisher::alt_text_limit`]. An image never blocks its post:
/// one that cannot be drawn, or that the platform refuses before anything is posted
/// ([`PublishError::ImageRejected`]), leaves the post to go out without it, under the same
/// outbox entry (so still at most once), reported as [`PostOutcome::SentWithoutImage`].
pub async fn publish_day_with_images<S, P>(
    store: &S,
    publisher: &P,
    images: Option<&dyn PostImages>,
    settings: &Settings,
    day: Day,
    now: DateTime<Utc>,
) -> Result<Vec<(PostKind, PostOutcome)>>
where
    S: Store + ?Sized,
    P: Publisher + ?Sized,
{
    let images = images.filter(|_| publisher.takes_images());
    let rankings = day_rankings(store, settings, day).await?;
    if rankings.coverage.days_not_closed > 0 {
        return Err(Error::not_ready(format!(
            "day {day} is not closed yet; close it before posting"
        )));
    }
    let limit = publisher.text_limit();
    let mut outcomes = Vec::new();
    for kind in PostKind::ALL {
        let key = OutboxKey::post(publisher.platform(), day, kind);
        let existing = store.outbox_entry(&key).await?;
        let outcome = match decided(publisher, existing.as_ref(), now) {
            Some(done) => done,
            None => {
                // What goes out is what the first attempt stored, whatever the data says now;
                // the text and chart built here are only offered to a first claim (a retry
                // attaches the chart only when it is the one the first claim stored).
                let text = daily_post(kind, &rankings, &limit);
                let image = match (images, &text) {
                    (Some(images), Some(_)) => images
                        .daily_image(kind, &rankings, publisher.alt_text_limit())
                        .await
                        .map_err(|e| format!("the chart could not be drawn: {}", ErrorChain(&e))),
                    _ => Ok(None),
                };
                let offered = match existing.and_then(|e| e.payload) {
                    Some(stored) => Some(stored),
                    None => text.map(|text| Payload {
                        image_sha256: image
                            .as_ref()
                            .ok()
                            .and_then(|i| i.as_ref())
                            .map(Image::sha256),
                        ..Payload::text(text, now)
                    }),
                };
                match offered {
                    None => {
                        settle_nothing(store, &key, now).await?;
                        PostOutcome::NothingToSay
                    }
                    Some(payload) => send_once(store, publisher, &key, payload, image, now).await?,
                }
            }
        };
        let outcome = match outcome {
            PostOutcome::Rejected(reason) => PostOutcome::Rejected(format!(
                "{} refused the {kind} post of {day}: {reason}",
                publisher.platform()
            )),
            outcome => outcome,
        };
        outcomes.push((kind, outcome));
    }
    Ok(outcomes)
}

/// The outcome of a post whose entry already decides it, without claiming: settled earlier, or
/// held because an earlier send may have gone out and may not be repeated now. A held post is
/// not claimed, so its attempt count and the time its window runs from stay those of its sends.
pub(super) fn decided<P: Publisher + ?Sized>(
    publisher: &P,
    existing: Option<&OutboxEntry>,
    now: DateTime<Utc>,
) -> Option<PostOutcome> {
    let entry = existing?;
    match entry.state {
        OutboxState::Sent => Some(PostOutcome::AlreadySent),
        OutboxState::Skipped => Some(PostOutcome::NothingToSay),
        OutboxState::Rejected => Some(PostOutcome::Rejected(format!(
            "{} (on an earlier run; not sent again)",
            entry.detail.as_deref().unwrap_or("no reason given")
        ))),
        OutboxState::Pending if !publisher.redelivery().may_resend(entry.updated_at, now) => {
            Some(PostOutcome::Held {
                sends: entry.attempts,
            })
        }
        OutboxState::Pending | OutboxState::Failed => None,
    }
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
pub(super) async fn settle_nothing<S: Store + ?Sized>(
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

/// Claims `key` and sends `text` with `image` (or why there is none), at most once.
pub(super) async fn send_once<S, P>(
    store: &S,
    publisher: &P,
    key: &OutboxKey,
    offered: Payload,
    image: std::result::Result<Option<Image>, String>,
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
    let payload = match claim_post(store, publisher, &item, now).await? {
        Ok(payload) => payload,
        Err(stop) => return Ok(stop),
    };
    let (image, mut dropped) = match image {
        Ok(image) => (image, None),
        Err(reason) => (None, Some(reason)),
    };
    // The image goes only with the payload it was claimed with: a retry whose rebuilt chart is
    // not the first attempt's (the day was closed again) sends the stored text without it.
    let image = match (image, &payload.image_sha256) {
        (Some(image), Some(first)) if image.sha256() == *first => Some(image),
        (Some(_), Some(_)) => {
            dropped = Some(
                "the chart changed since the first attempt, whose text is sent as it was".into(),
            );
            None
        }
        (Some(_), None) => {
            dropped = Some("the first attempt went without an image, so this one does".into());
            None
        }
        (None, _) => None,
    };
    let mut post = Post {
        image,
        ..Post::of(payload, key)
    };
    let mut result = publisher.post(&post).await;
    if post.image.is_some()
        && let Err(PublishError::ImageRejected(e)) = &result
    {
        // Nothing went out. Record that, so a crash from here on retries cleanly, then send
        // the text alone under a new claim of the same entry.
        let reason = format!("the image was not uploaded: {}", ErrorChain(e));
        let failed = Settlement::Failed {
            reason: reason.clone(),
        };
        store.settle(key, &failed, now).await?;
        if let Err(stop) = claim_post(store, publisher, &item, now).await? {
            return Ok(stop);
        }
        post.image = None;
        dropped = Some(reason);
        result = publisher.post(&post).await;
    }
    Ok(
        match (settle_delivery(store, key, result, now).await?, dropped) {
            (PostOutcome::Sent(id), Some(reason)) => PostOutcome::SentWithoutImage { id, reason },
            (outcome, _) => outcome,
        },
    )
}

/// Claims a post: the payload to send, or the outcome when it must not be sent now (sent
/// already, or held).
async fn claim_post<S, P>(
    store: &S,
    publisher: &P,
    item: &OutboxItem,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Payload, PostOutcome>>
where
    S: Store + ?Sized,
    P: Publisher + ?Sized,
{
    Ok(match store.claim(item, now).await? {
        Claim::Settled(entry) => {
            Err(decided(publisher, Some(&entry), now).unwrap_or(PostOutcome::AlreadySent))
        }
        // Another run claimed it since this one looked: it is sending, or died sending.
        Claim::Unfinished {
            attempts, since, ..
        } if !publisher.redelivery().may_resend(since, now) => Err(PostOutcome::Held {
            sends: attempts.saturating_sub(1),
        }),
        Claim::Fresh { payload } | Claim::Unfinished { payload, .. } => Ok(payload),
    })
}

/// Settles an outbox entry from a publisher's answer, mapping it to an outcome (the table on
/// [`PostOutcome`]). `Err` is a store failure, or an authorization failure that stops the job.
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
        // An image failure of a post without an image (a reply) is an ordinary refusal.
        Err(PublishError::NotSent(e) | PublishError::ImageRejected(e)) => {
            let reason = ErrorChain(&e).to_string();
            if e.is_retryable() {
                store
                    .settle(
                        key,
                        &Settlement::Failed {
                            reason: reason.clone(),
                        },
                        now,
                    )
                    .await?;
                Ok(PostOutcome::Failed(reason))
            } else if matches!(e, Error::Unauthorized { .. }) {
                // The account, not this item: everything after it would be refused the same way.
                store
                    .settle(key, &Settlement::Failed { reason }, now)
                    .await?;
                Err(e)
            } else {
                store
                    .settle(
                        key,
                        &Settlement::Rejected {
                            reason: reason.clone(),
                        },
                        now,
                    )
                    .await?;
                Ok(PostOutcome::Rejected(reason))
            }
        }
        // Left pending: the next claim sees it unfinished.
        Err(PublishError::Unknown(e)) => Ok(PostOutcome::Uncertain(ErrorChain(&e).to_string())),
    }
}
