//! What every handler reads: the store, the rules, the clock, the site's name.

use std::sync::Arc;

use watchtime_core::{Clock, Day, DynStore, Settings};

use crate::error::WebError;

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
}

impl Site {
    /// A site named "watchtime".
    pub fn new(store: DynStore, settings: Settings, clock: Arc<dyn Clock>) -> Site {
        Site {
            store,
            settings,
            clock,
            brand: Arc::from("watchtime"),
        }
    }

    /// The day requests default to: the last closed day, or the last finished one if none is
    /// closed yet.
    pub async fn last_day(&self) -> Result<Day, WebError> {
        Ok(match self.store.last_closed_day().await? {
            Some(day) => day,
            None => self.settings.calendar.last_finished_day(self.clock.now()),
        })
    }
}
