//! Posting recaps: each weekly and monthly recap at most once per platform, through the same
//! outbox claim, send and settle as the daily posts.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::message::recap_post;
use crate::outbox::{OutboxKey, Payload};
use crate::ports::{Publisher, Store};
use crate::recap::{RecapKind, build_recap};
use crate::settings::Settings;
use crate::time::DayRange;

use super::post::{PostOutcome, decided, send_once, settle_nothing};

/// The text of the recap of `kind` over `period` for `publisher`'s limit, without sending
/// anything; `None` when the period has no data. Waits ([`crate::Error::NotReady`]) like
/// [`publish_recap`].
pub async fn recap_text<S, P>(
    store: &S,
    publisher: &P,
    settings: &Settings,
    kind: RecapKind,
    period: DayRange,
) -> Result<Option<String>>
where
    S: Store + ?Sized,
    P: Publisher + ?Sized,
{
    let recap = build_recap(store, settings, kind, period).await?;
    Ok(recap.and_then(|r| recap_post(&r, &publisher.text_limit())))
}

/// Sends the recap of `kind` over `period` (a [`RecapKind::period_of`] period) on
/// `publisher`'s platform unless it went out already: claimed in the outbox under
/// [`OutboxKey::recap`] before it is sent and settled after, so a run after a crash sends it
/// at most once, as the payload the first attempt stored; the outcomes are those of the daily
/// posts ([`PostOutcome`]).
///
/// A period whose last day is not closed is refused ([`crate::Error::NotReady`]); one with
/// days missing says so in the text, and one without any data is settled as nothing to say.
pub async fn publish_recap<S, P>(
    store: &S,
    publisher: &P,
    settings: &Settings,
    kind: RecapKind,
    period: DayRange,
    now: DateTime<Utc>,
) -> Result<PostOutcome>
where
    S: Store + ?Sized,
    P: Publisher + ?Sized,
{
    let key = OutboxKey::recap(publisher.platform(), kind, period);
    let existing = store.outbox_entry(&key).await?;
    if let Some(done) = decided(publisher, existing.as_ref(), now) {
        return Ok(done);
    }
    // What goes out is what the first attempt stored; the recap is built only for a first one.
    let offered = match existing.and_then(|e| e.payload) {
        Some(stored) => Some(stored),
        None => recap_text(store, publisher, settings, kind, period)
            .await?
            .map(|text| Payload::text(text, now)),
    };
    let outcome = match offered {
        None => {
            settle_nothing(store, &key, now).await?;
            PostOutcome::NothingToSay
        }
        Some(payload) => send_once(store, publisher, &key, payload, Ok(None), now).await?,
    };
    Ok(match outcome {
        PostOutcome::Rejected(reason) => PostOutcome::Rejected(format!(
            "{} refused the {kind} recap of {period}: {reason}",
            publisher.platform()
        )),
        outcome => outcome,
    })
}
