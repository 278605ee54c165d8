//! The jobs: collect, close, post, ask and answer, written once against the ports.
//!
//! The binary's commands and its scheduler call these; so can any program embedding the core.

mod answer;
mod ask;
mod close;
mod collect;
mod post;
mod recap;
#[cfg(test)]
mod tests;

pub use answer::{AnswerRound, PlannedReply, answer_mention, answer_round, plan_reply};
pub use ask::{NameSearch, answer_query, answer_text, find_name, search_names};
pub use close::{close_day, close_finished_days, last_closable_day};
pub use collect::{Collected, collect, record};
pub use post::{
    PostOutcome, day_rankings, post_texts, publish_day, publish_day_with_images, release_held,
};
pub use recap::{publish_recap, recap_text};
