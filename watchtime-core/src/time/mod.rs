//! Time rules: slots, days and the clock.

mod clock;
mod day;
mod expected;
mod slot;

pub use clock::{Clock, ManualClock, SystemClock};
pub use day::{Day, DayCalendar, DayRange, DayWindow};
pub use slot::{Slot, SlotLength, Span};
