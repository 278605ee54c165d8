//! # watchtime-chart
//!
//! The charts of `watchtime`, drawn once: a ranking as horizontal bars ([`RankingChart`]) and a
//! game's or streamer's hours per day as bars over days ([`SeriesChart`]). Each becomes an SVG
//! string (pure Rust, for web pages) and, with the `png` feature, a PNG rasterized from that
//! same SVG (for post images), together with its words ([`RankingChart::alt_text`]) for alt
//! text, `aria-label` and screen readers.
//!
//! ```
//! use watchtime_chart::{Options, RankingChart, limits};
//! use watchtime_core::DayRange;
//! # fn demo(entries: &[watchtime_core::ranking::RankingEntry]) {
//! let day = "2026-11-26".parse().unwrap();
//! let chart = RankingChart::new("Most watched games on Twitch", DayRange::single(day), "@watchtime", entries);
//! let svg = chart.to_svg(&Options::web());
//! let alt = chart.alt_text(limits::MASTODON);
//! # }
//! ```
//!
//! Design rules (data first, decoration last): values in the posts' compact hours ("4.71M h"),
//! one accent colour that keeps WCAG AA contrast on light and dark, the date and the bot's name
//! on every image, type sized for a 1200×675 image seen on a phone. Every name is cleaned as in
//! posts, shortened on grapheme boundaries to fit, and XML-escaped.
//!
//! This crate depends on `watchtime-core` only (no runtime, HTTP or SQL); the `png` feature
//! adds resvg and the bundled Noto Sans fonts (SIL Open Font License, `fonts/OFL.txt`).

#![deny(missing_docs)]

mod alt;
mod axis;
mod error;
mod frame;
mod options;
mod palette;
#[cfg(feature = "png")]
mod png;
mod ranking;
mod series;
mod svg;
mod text;

pub use alt::limits;
pub use error::Error;
pub use options::{Options, Scheme};
#[cfg(feature = "png")]
pub use png::{Fonts, SYSTEM_FONT_FILES};
pub use ranking::{Bar, RankingChart};
pub use series::{Point, SeriesChart};

/// The largest PNG this crate returns, in bytes: Bluesky's limit, the smallest of the platforms
/// (X takes 5 MB, Discord 10 MB, Mastodon 16 MB).
pub const MAX_PNG_BYTES: usize = 2_000_000;
