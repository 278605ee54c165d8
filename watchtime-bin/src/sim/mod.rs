//! The demo's stand-ins: the simulated Twitch comes from `watchtime-sim` (shared with the
//! bench); the scripted mentions live here.

mod mentions;

pub use mentions::ScriptedMentions;
pub use watchtime_sim::{SimulatedTwitch, World};
