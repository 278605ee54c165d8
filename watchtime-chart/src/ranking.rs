//! A ranking as a horizontal bar chart: names on the left, largest on top, the hours at each
//! bar's end.

use watchtime_core::DayRange;
use watchtime_core::message::{DayRankings, Draft, Part, PostKind, format_hours, range_label};
use watchtime_core::ranking::RankingEntry;

use crate::alt::{fit_words, name_line};
use crate::frame::{CONTENT_TOP, Frame, PAD, bottom_space};
use crate::options::Options;
use crate::palette::Role;
use crate::svg::{Anchor, Label, Svg, UNITS_WIDE};
use crate::text::{Font, clean_name, fit_all};

/// One bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// The game's or streamer's name as stored (cleaned and shortened when drawn).
    pub label: String,
    /// The value; drawn in hours.
    pub viewer_minutes: u64,
    /// Where the bar's name links to on a web page (a site path like `/games/123`, or an
    /// `http(s)` URL; anything else is not linked). Ignored in PNGs.
    pub href: Option<String>,
}

/// A ranking to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankingChart {
    /// What is ranked, e.g. "Most watched games on Twitch".
    pub title: String,
    /// The day or days ranked: the brand line says it, with the year.
    pub range: DayRange,
    /// The line under the title; [`RankingChart::new`] makes it the date and the unit
    /// ("Thu 26 Nov · hours watched").
    pub subtitle: String,
    /// The bot's (or site's) name for the brand line, e.g. "@watchtime".
    pub brand: String,
    /// The bars; drawn largest first whatever their order here.
    pub bars: Vec<Bar>,
}

/// Rows are never thinner than this (units) on a fixed-height canvas; bars that would need
/// thinner rows are left out of the image (the alt text still lists them).
const MIN_ROW: f64 = 40.0;
/// Rows are never taller than this, so five bars do not become slabs.
const MAX_ROW: f64 = 84.0;
/// The row height of a canvas that grows with its bars (`Options::height == None`).
const AUTO_ROW: f64 = 56.0;
/// The label column never takes more than this share of the inner width.
const LABEL_SHARE: f64 = 0.38;

impl RankingChart {
    /// A chart of `entries` (a ranking from the store), using only their names, ranks and
    /// totals.
    pub fn new(
        title: impl Into<String>,
        range: DayRange,
        brand: impl Into<String>,
        entries: &[RankingEntry],
    ) -> RankingChart {
        let mut sorted: Vec<&RankingEntry> = entries.iter().collect();
        sorted.sort_by_key(|e| e.rank);
        RankingChart {
            title: title.into(),
            subtitle: format!("{} · hours watched", range_label(&range)),
            range,
            brand: brand.into(),
            bars: sorted
                .into_iter()
                .map(|e| Bar {
                    label: e.name.clone(),
                    viewer_minutes: e.totals.viewer_minutes,
                    href: None,
                })
                .collect(),
        }
    }

    /// The chart of one daily post, or `None` when that post has nothing to say (the same
    /// cases as [`watchtime_core::message::daily_post`]). The spotlight's title names its game.
    pub fn daily(kind: PostKind, day: &DayRankings, brand: &str) -> Option<RankingChart> {
        let range = DayRange::single(day.day);
        match kind {
            PostKind::TopGames => (!day.games.is_empty()).then(|| {
                RankingChart::new("Most watched games on Twitch", range, brand, &day.games)
            }),
            PostKind::TopStreamers => (!day.streamers.is_empty()).then(|| {
                RankingChart::new(
                    "Most watched streamers on Twitch",
                    range,
                    brand,
                    &day.streamers,
                )
            }),
            PostKind::Spotlight => {
                let s = day.spotlight.as_ref().filter(|s| !s.streamers.is_empty())?;
                let title = format!("Game of the day: {}", clean_name(&s.game.name));
                let mut chart = RankingChart::new(title, range, brand, &s.streamers);
                chart.subtitle = format!(
                    "{} · {} watched in all · its top streamers",
                    range_label(&range),
                    format_hours(s.game.totals.viewer_minutes)
                );
                Some(chart)
            }
        }
    }

    /// The bars largest first (stable, so equal values keep the caller's order).
    fn ordered(&self) -> Vec<&Bar> {
        let mut bars: Vec<&Bar> = self.bars.iter().collect();
        bars.sort_by_key(|b| std::cmp::Reverse(b.viewer_minutes));
        bars
    }

    /// The ranking in words, at most `max_chars` characters (see [`crate::limits`]), never
    /// empty: names are shortened, then entries dropped from the bottom, to fit.
    pub fn alt_text(&self, max_chars: usize) -> String {
        let head = format!(
            "Bar chart: {}, {}, by {}.",
            self.title, self.subtitle, self.brand
        );
        let mut head_parts = vec![Part::text(head)];
        if self.bars.is_empty() {
            head_parts.push(Part::text(" No data."));
        }
        let draft = Draft {
            head: head_parts,
            lines: self
                .ordered()
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    name_line(
                        format!("{}. ", i + 1),
                        &b.label,
                        format!(": {}", format_hours(b.viewer_minutes)),
                    )
                })
                .collect(),
            tail: Vec::new(),
        };
        fit_words(&draft, max_chars)
    }

    /// The chart as an SVG document.
    pub fn to_svg(&self, opts: &Options) -> String {
        let bars = self.ordered();
        let bottom = bottom_space(opts);
        let (height, row, shown) = match opts.height {
            Some(h) => {
                let height = f64::from(h) * UNITS_WIDE / f64::from(opts.width.max(1));
                let available = (height - CONTENT_TOP - bottom).max(0.0);
                let fit = ((available / MIN_ROW).floor() as usize).min(bars.len());
                let row = if fit == 0 {
                    0.0
                } else {
                    (available / fit as f64).min(MAX_ROW)
                };
                (height, row, fit)
            }
            None => {
                let n = bars.len().max(1) as f64;
                (CONTENT_TOP + n * AUTO_ROW + bottom, AUTO_ROW, bars.len())
            }
        };
        let mut svg = Svg::begin(opts, height, &self.title, &self.alt_text(1000));
        Frame {
            title: &self.title,
            subtitle: &self.subtitle,
            brand: &self.brand,
            range: &self.range,
            note: None,
        }
        .draw(&mut svg, opts, height);
        draw_bars(&mut svg, &bars[..shown], row);
        svg.finish()
    }
}

fn draw_bars(svg: &mut Svg, bars: &[&Bar], row: f64) {
    if bars.is_empty() {
        return;
    }
    let size = (row * 0.46).clamp(18.0, 34.0);
    let name_font = Font { size, bold: false };
    let value_font = Font { size, bold: true };
    let inner = UNITS_WIDE - 2.0 * PAD;
    let rank_width = name_font.width(&bars.len().to_string());
    let names: Vec<String> = bars.iter().map(|b| clean_name(&b.label)).collect();
    let values: Vec<String> = bars
        .iter()
        .map(|b| format_hours(b.viewer_minutes))
        .collect();
    let widest_name = names.iter().map(|n| name_font.width(n)).fold(0.0, f64::max);
    let label_width = widest_name.min(inner * LABEL_SHARE);
    let names = fit_all(&names, label_width, name_font);
    let value_width = values
        .iter()
        .map(|v| value_font.width(v))
        .fold(0.0, f64::max);
    let label_right = PAD + rank_width + 16.0 + label_width;
    let bar_x = label_right + 20.0;
    let bar_max = (UNITS_WIDE - PAD - bar_x - value_width - 14.0).max(1.0);
    let top = bars.first().map_or(1, |b| b.viewer_minutes).max(1) as f64;
    let thickness = (row * 0.64).round();
    for (i, bar) in bars.iter().enumerate() {
        let mid = CONTENT_TOP + (i as f64 + 0.5) * row;
        let baseline = mid + size * 0.36;
        svg.text(Label {
            x: PAD + rank_width,
            y: baseline,
            size,
            bold: false,
            anchor: Anchor::End,
            role: Role::Muted,
            text: &(i + 1).to_string(),
        });
        let linked = svg.open_link(bar.href.as_deref());
        svg.text(Label {
            x: label_right,
            y: baseline,
            size,
            bold: false,
            anchor: Anchor::End,
            role: Role::Text,
            text: &names[i],
        });
        let length = if bar.viewer_minutes == 0 {
            0.0
        } else {
            (bar_max * bar.viewer_minutes as f64 / top).max(3.0)
        };
        svg.rect(
            bar_x,
            mid - thickness / 2.0,
            length,
            thickness,
            4.0,
            Role::Bar,
        );
        svg.close_link(linked);
        svg.text(Label {
            x: bar_x + length + 12.0,
            y: baseline,
            size,
            bold: true,
            anchor: Anchor::Start,
            role: Role::Text,
            text: &values[i],
        });
    }
}
