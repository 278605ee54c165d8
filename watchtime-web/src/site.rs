//! What every handler reads: the store, the rules, the clock, the site's name, and the answers
//! about closed days already rendered.

use std::sync::Arc;

use watchtime_core::{Clock, Day, DayRange, DynStore, Settings};

use crate::cache::Answer;
use crate::error::WebError;
use crate::memo::{self, Memo};

/// The state of the web routes.
#[derive(Clone, Debug)]
pub struct Site {
    /// The store, read only.
    pub store: DynStore,
    /// Day boundaries and the default ranking length.
    pub settings: Settings,
    /// "Now", for the default day when nothing is closed yet.
    pub clock: Arc<dyn Clock>,
    /// The name shown in the header and the charts' brand line.
    pub brand: Arc<str>,
    memo: Arc<Memo>,
}

impl Site {
    /// A site named "watchtime", keeping up to 4 MiB of rendered answers about closed days.
    pub fn new(store: DynStore, settings: Settings, clock: Arc<dyn Clock>) -> Site {
        Site {
            store,
            settings,
            clock,
            brand: Arc::from("watchtime"),
            memo: Arc::new(Memo::new(memo::DEFAULT_LIMIT)),
        }
    }

    /// Keeps at most `bytes` of rendered answers about closed days (0: render every request,
    /// as the benchmark does to measure the store and the rendering).
    pub fn with_memo_limit(mut self, bytes: usize) -> Site {
        self.memo = Arc::new(Memo::new(bytes));
        self
    }

    /// The day requests default to: the last closed day, or the last finished one if none is
    /// closed yet.
    pub async fn last_day(&self) -> Result<Day, WebError> {
        Ok(match self.store.last_closed_day().await? {
            Some(day) => day,
            None => self.settings.calendar.last_finished_day(self.clock.now()),
        })
    }

    /// The answer to the request `key` (its path and query) over `range`: kept from an earlier
    /// request if every day of the range is closed and none was closed again since, else
    /// rendered by `render` (and kept if it is about closed days only).
    pub(crate) async fn closed_answer<F, Fut>(
        &self,
        key: &str,
        range: DayRange,
        last: Day,
        render: F,
    ) -> Result<Answer, WebError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Answer, WebError>>,
    {
        let statuses = self.store.day_statuses(range).await?;
        if statuses.len() < range.len() as usize {
            return render().await;
        }
        let stamp = memo::stamp(last, &statuses);
        if let Some(answer) = self.memo.get(key, stamp) {
            return Ok(answer);
        }
        let answer = render().await?;
        if answer.is_closed() {
            self.memo.put(key, stamp, answer.clone());
        }
        Ok(answer)
    }
}
