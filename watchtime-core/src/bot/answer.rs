//! Answering: rounds of reading mentions from the cursor, and single mentions a platform pushes;
//! each mention replied to at most once.

use chrono::{DateTime, Duration, Utc};

use crate::bot::ask::answer_text;
use crate::bot::post::{PostOutcome, settle_delivery};
use crate::error::{Error, Result};
use crate::message::{Answer, reply_text};
use crate::outbox::{
    Claim, OutboxEntry, OutboxItem, OutboxKey, OutboxState, Payload, Purpose, Settlement,
};
use crate::ports::{Mention, MentionSource, Post, Publisher, Store};
use crate::settings::Settings;

/// What a round of answering did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnswerRound {
    /// Mentions read.
    pub seen: u32,
    /// Replies sent with an answer.
    pub answered: u32,
    /// "How to ask" replies sent.
    pub how_tos: u32,
    /// Mentions deliberately not answered (the bot's own, an author over the limit, handled
    /// before).
    pub skipped: u32,
    /// Replies that failed or whose outcome is unknown; retried or held by the next round.
    pub unfinished: u32,
    /// Replies the platform refused for good (the post was deleted, the author blocks the
    /// bot): recorded, and not tried again.
    pub rejected: u32,
}

/// One reply's text and why it is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedReply {
    /// The answer.
    pub answer: Answer,
    /// The text, fitted to the publisher.
    pub text: String,
}

/// Reads the mentions after the stored cursor and replies to each one not handled before.
///
/// The cursor advances after each page is handled. A mention is claimed in the outbox before its
/// reply is sent, so a crash or a re-read page never answers twice; a platform that would post a
/// duplicate is never sent an unfinished reply again, and a retry sends the stored reply, word
/// for word.
///
/// A platform's refusal of one reply is that mention's outcome ([`AnswerRound::rejected`],
/// recorded so it is not repeated); the round goes on. An authorization failure, or any store
/// failure (a claim or a result that cannot be recorded), stops the round with `Err`: replies
/// whose results cannot be recorded must not be sent. The cursor then stays before the page, so
/// the next round reads it again and the outbox skips what was handled.
///
/// A publisher that takes no replies ([`Publisher::takes_replies`]) is skipped: nothing is read
/// or claimed and its cursor does not move, so its mentions are answered once it takes replies.
pub async fn answer_round<M, P, S>(
    source: &M,
    publisher: &P,
    store: &S,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<AnswerRound>
where
    M: MentionSource + ?Sized,
    P: Publisher + ?Sized,
    S: Store + ?Sized,
{
    if !publisher.takes_replies() {
        return Ok(AnswerRound::default());
    }
    let platform = same_platform(source, publisher)?;
    let own_id = source.own_account_id().await?;
    let mut cursor = store.mention_cursor(&platform).await?;
    let mut round = AnswerRound::default();
    loop {
        let page = source.mentions_since(cursor.as_deref()).await?;
        for mention in &page.mentions {
            round.seen += 1;
            handle(
                mention, &own_id, publisher, store, settings, now, &mut round,
            )
            .await?;
        }
        if let Some(next) = page.cursor {
            store.set_mention_cursor(&platform, &next).await?;
            cursor = Some(next);
        }
        if !page.more || page.mentions.is_empty() {
            break;
        }
    }
    Ok(round)
}

/// Answers one mention that arrived outside a round (pushed by a platform that streams
/// mentions), through exactly the path a round takes: the bot's own posts and stale mentions
/// skipped, the per-author limit, the outbox claim, the reply.
///
/// The stored cursor is left alone: a pushed mention can arrive ahead of older ones the cursor
/// has not reached yet (a stream promises nothing across a reconnect), so the next round still
/// reads from the cursor, meets this mention again and skips it as handled. Calls for the same
/// platform must not overlap with each other or with [`answer_round`] (the daemon runs them one
/// at a time); the outbox keeps even an overlap from answering twice on a platform that
/// deduplicates.
pub async fn answer_mention<M, P, S>(
    source: &M,
    publisher: &P,
    store: &S,
    settings: &Settings,
    mention: &Mention,
    now: DateTime<Utc>,
) -> Result<AnswerRound>
where
    M: MentionSource + ?Sized,
    P: Publisher + ?Sized,
    S: Store + ?Sized,
{
    if !publisher.takes_replies() {
        return Ok(AnswerRound::default());
    }
    same_platform(source, publisher)?;
    let own_id = source.own_account_id().await?;
    let mut round = AnswerRound {
        seen: 1,
        ..AnswerRound::default()
    };
    handle(
        mention, &own_id, publisher, store, settings, now, &mut round,
    )
    .await?;
    Ok(round)
}

/// The platform's name, when mentions and replies are on the same one.
fn same_platform<M, P>(source: &M, publisher: &P) -> Result<String>
where
    M: MentionSource + ?Sized,
    P: Publisher + ?Sized,
{
    let platform = publisher.platform().to_owned();
    if source.platform() != platform {
        return Err(Error::invalid(format!(
            "mentions come from {} but replies would go to {platform}",
            source.platform()
        )));
    }
    Ok(platform)
}

async fn handle<P, S>(
    mention: &Mention,
    own_id: &str,
    publisher: &P,
    store: &S,
    settings: &Settings,
    now: DateTime<Utc>,
    round: &mut AnswerRound,
) -> Result<()>
where
    P: Publisher + ?Sized,
    S: Store + ?Sized,
{
    let key = OutboxKey::reply(publisher.platform(), &mention.id);
    let existing = store.outbox_entry(&key).await?;
    if existing.as_ref().is_some_and(|e| e.state.is_settled()) {
        round.skipped += 1;
        return Ok(());
    }
    if let Some(e) = existing
        .as_ref()
        .filter(|e| e.state == OutboxState::Pending)
        && !publisher.redelivery().may_resend(e.updated_at, now)
    {
        // It may already have been answered; answering again could double it. Settled without
        // a claim: no send happened now.
        return skip_unfinished(store, &key, now, round).await;
    }
    // A reply an earlier attempt stored goes out as it was, whatever the data says now; a fresh
    // one is planned from the data of this moment.
    let (purpose, offered) = match existing
        .as_ref()
        .and_then(|e| e.payload.clone().map(|p| (e.purpose, p)))
    {
        Some(stored) => stored,
        None => {
            let planned = plan_reply(store, settings, mention, publisher, now).await?;
            let purpose = match planned.answer {
                Answer::HowTo => Purpose::HowTo,
                _ => Purpose::Answer,
            };
            (purpose, Payload::text(planned.text, now))
        }
    };
    let item = OutboxItem {
        key: key.clone(),
        purpose,
        author: Some(mention.author_id.clone()),
        payload: offered,
    };
    let max_age = Duration::hours(i64::from(settings.max_mention_age_hours));
    let skip = if mention.author_id == own_id {
        Some("the bot's own post".to_owned())
    } else if now - mention.created_at > max_age {
        Some(format!(
            "older than {} hours",
            settings.max_mention_age_hours
        ))
    } else {
        over_limit(
            store,
            settings,
            publisher.platform(),
            mention,
            purpose,
            existing.as_ref(),
            now,
        )
        .await?
    };
    let payload = match store.claim(&item, now).await? {
        Claim::Settled(_) => {
            round.skipped += 1;
            return Ok(());
        }
        // Another round claimed it since this one looked.
        Claim::Unfinished { since, .. } if !publisher.redelivery().may_resend(since, now) => {
            return skip_unfinished(store, &key, now, round).await;
        }
        Claim::Fresh { payload } | Claim::Unfinished { payload, .. } => payload,
    };
    if let Some(reason) = skip {
        store
            .settle(&key, &Settlement::Skipped { reason }, now)
            .await?;
        round.skipped += 1;
        return Ok(());
    }
    let post = Post::of(payload, &key);
    let result = publisher.reply(mention, &post).await;
    // A store error here returns: the round stops rather than send what it cannot record.
    match settle_delivery(store, &key, result, now).await? {
        PostOutcome::Sent(_) | PostOutcome::AlreadySent => match purpose {
            Purpose::HowTo => round.how_tos += 1,
            _ => round.answered += 1,
        },
        // A refusal for this one mention (deleted post, blocked author) must not stop the round.
        PostOutcome::Rejected(_) => round.rejected += 1,
        _ => round.unfinished += 1,
    }
    Ok(())
}

/// Marks a mention whose earlier reply may have gone out as skipped, rather than risk a second.
async fn skip_unfinished<S: Store + ?Sized>(
    store: &S,
    key: &OutboxKey,
    now: DateTime<Utc>,
    round: &mut AnswerRound,
) -> Result<()> {
    store
        .settle(
            key,
            &Settlement::Skipped {
                reason: "an earlier reply attempt may have gone out".into(),
            },
            now,
        )
        .await?;
    round.skipped += 1;
    Ok(())
}

/// The reply a mention would get, without sending it.
pub async fn plan_reply<S, P>(
    store: &S,
    settings: &Settings,
    mention: &Mention,
    publisher: &P,
    now: DateTime<Utc>,
) -> Result<PlannedReply>
where
    S: Store + ?Sized,
    P: Publisher + ?Sized,
{
    let answer = answer_text(store, settings, &mention.text, now).await?;
    let text = reply_text(&answer, &mention.reply_prefix, &publisher.text_limit());
    Ok(PlannedReply { answer, text })
}

/// Why this author gets no reply now, if they are over their hourly allowance.
///
/// `own` is this mention's own outbox entry, left pending by an attempt that died mid-send: it
/// counts in the author's activity but is not another reply, so it is discounted.
async fn over_limit<S: Store + ?Sized>(
    store: &S,
    settings: &Settings,
    platform: &str,
    mention: &Mention,
    purpose: Purpose,
    own: Option<&OutboxEntry>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let since = now - Duration::hours(1);
    let mut activity = store
        .author_activity(platform, &mention.author_id, since)
        .await?;
    if let Some(e) = own.filter(|e| e.state == OutboxState::Pending && e.created_at >= since) {
        match e.purpose {
            Purpose::HowTo => activity.how_tos = activity.how_tos.saturating_sub(1),
            Purpose::Answer => activity.answers = activity.answers.saturating_sub(1),
            Purpose::Post => {}
        }
    }
    Ok(match purpose {
        Purpose::HowTo if activity.how_tos >= 1 => {
            Some("a how-to reply went to this author within the hour".into())
        }
        Purpose::Answer if activity.answers >= settings.replies_per_author_per_hour => {
            Some(format!(
                "this author had {} replies within the hour",
                activity.answers
            ))
        }
        _ => None,
    })
}
