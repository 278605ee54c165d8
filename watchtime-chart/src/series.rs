//! A daily series as bars over days, the y axis in hours.

use watchtime_core::message::{Draft, Part, format_hours, range_label};
use watchtime_core::{Day, DayRange};

use crate::alt::fit_words;
use crate::axis::{STEPS, day_labels, hour_ticks, tick_label};
use crate::frame::{CONTENT_TOP, Frame, PAD, bottom_space};
use crate::options::Options;
use crate::palette::Role;
use crate::svg::{Anchor, Label, Svg, UNITS_WIDE};
use crate::text::{Font, clean_name};

/// One day of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    /// The day.
    pub day: Day,
    /// Its value; `None` when the day has no data (not closed, or not observed), drawn as a
    /// gap, never as zero. A closed day with no watch time is `Some(0)`.
    pub viewer_minutes: Option<u64>,
}

/// A game's or streamer's hours per day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesChart {
    /// Whose hours: the game's or streamer's name (cleaned when drawn), the chart's title.
    pub subject: String,
    /// The days shown.
    pub range: DayRange,
    /// The bot's (or site's) name for the brand line.
    pub brand: String,
    /// One point per day of `range`, in order.
    pub points: Vec<Point>,
}

const AXIS: Font = Font {
    size: 22.0,
    bold: false,
};
const PEAK: Font = Font {
    size: 22.0,
    bold: true,
};
/// Room under the plot for the day labels.
const DAY_LABEL_SPACE: f64 = 40.0;
/// Day labels keep at least this much space between them.
const LABEL_GAP: f64 = 18.0;
/// The note in the brand line when some days have no data.
const GAP_NOTE: &str = "gaps: no data";

impl SeriesChart {
    /// A series over every day of `range`: days in `days` get their value, days missing from it
    /// are gaps (no data); values outside `range` are ignored.
    pub fn new(
        subject: impl Into<String>,
        range: DayRange,
        brand: impl Into<String>,
        days: impl IntoIterator<Item = (Day, u64)>,
    ) -> SeriesChart {
        let mut points: Vec<Point> = range
            .days()
            .map(|day| Point {
                day,
                viewer_minutes: None,
            })
            .collect();
        for (day, minutes) in days {
            if range.contains(day) {
                let i = (day.days_since_epoch() - range.from.days_since_epoch()) as usize;
                points[i].viewer_minutes = Some(minutes);
            }
        }
        SeriesChart {
            subject: subject.into(),
            range,
            brand: brand.into(),
            points,
        }
    }

    fn title(&self) -> String {
        clean_name(&self.subject)
    }

    fn subtitle(&self) -> String {
        format!("{} · hours watched per day", range_label(&self.range))
    }

    fn peak(&self) -> Option<(usize, u64)> {
        self.points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.viewer_minutes.map(|v| (i, v)))
            .fold(None, |best, (i, v)| match best {
                Some((_, b)) if b >= v => best,
                _ => Some((i, v)),
            })
    }

    /// The series in words, at most `max_chars` characters (see [`crate::limits`]), never
    /// empty: a summary (total, highest day, days without data), then day by day as far as
    /// it fits.
    pub fn alt_text(&self, max_chars: usize) -> String {
        let with_data: Vec<(Day, u64)> = self
            .points
            .iter()
            .filter_map(|p| p.viewer_minutes.map(|v| (p.day, v)))
            .collect();
        let mut head = vec![
            Part::text("Bar chart: "),
            Part::name(&self.subject),
            Part::text(format!(", {}, by {}.", self.subtitle(), self.brand)),
        ];
        let summary = match self.peak() {
            None => " No data.".to_owned(),
            Some((i, peak)) => {
                let total: u64 = with_data.iter().map(|(_, v)| v).sum();
                let mut s = format!(
                    " Total {} over {} days; highest {} on {}.",
                    format_hours(total),
                    with_data.len(),
                    format_hours(peak),
                    range_label(&DayRange::single(self.points[i].day))
                );
                let gaps = self.points.len() - with_data.len();
                match gaps {
                    0 => {}
                    1 => s.push_str(" No data for 1 day."),
                    n => s.push_str(&format!(" No data for {n} days.")),
                }
                s
            }
        };
        head.push(Part::text(summary));
        let draft = Draft {
            head,
            lines: with_data
                .iter()
                .map(|(day, v)| {
                    vec![Part::text(format!(
                        "{}: {}",
                        range_label(&DayRange::single(*day)),
                        format_hours(*v)
                    ))]
                })
                .collect(),
            tail: Vec::new(),
        };
        fit_words(&draft, max_chars)
    }

    /// The chart as an SVG document.
    pub fn to_svg(&self, opts: &Options) -> String {
        let height = match opts.height {
            Some(h) => f64::from(h) * UNITS_WIDE / f64::from(opts.width.max(1)),
            None => UNITS_WIDE * 9.0 / 16.0,
        };
        let title = self.title();
        let subtitle = self.subtitle();
        let has_gaps = self.points.iter().any(|p| p.viewer_minutes.is_none());
        let mut svg = Svg::begin(opts, height, &title, &self.alt_text(1000));
        Frame {
            title: &title,
            subtitle: &subtitle,
            brand: &self.brand,
            range: &self.range,
            note: has_gaps.then_some(GAP_NOTE),
        }
        .draw(&mut svg, opts, height);

        let peak_minutes = self.peak().map_or(0, |(_, v)| v);
        let ticks = hour_ticks(peak_minutes as f64 / 60.0, 4);
        let top_hours = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
        let labels: Vec<String> = ticks.iter().map(|t| tick_label(*t)).collect();
        let axis_width = labels.iter().map(|l| AXIS.width(l)).fold(0.0, f64::max);
        let plot = Plot {
            left: PAD + axis_width + 14.0,
            right: UNITS_WIDE - PAD,
            top: CONTENT_TOP + 16.0,
            bottom: height - bottom_space(opts) - DAY_LABEL_SPACE,
        };
        let y_of = |hours: f64| plot.bottom - (plot.bottom - plot.top) * hours / top_hours;
        for (t, label) in ticks.iter().zip(&labels) {
            let y = y_of(*t);
            svg.line(plot.left, y, plot.right, y, Role::Grid);
            svg.text(Label {
                x: plot.left - 14.0,
                y: y + AXIS.size * 0.36,
                size: AXIS.size,
                bold: false,
                anchor: Anchor::End,
                role: Role::Muted,
                text: label,
            });
        }

        let n = self.points.len().max(1);
        let slot = (plot.right - plot.left) / n as f64;
        let bar_width = if slot >= 6.0 { slot * 0.72 } else { slot };
        let centre = |i: usize| plot.left + (i as f64 + 0.5) * slot;
        for (i, p) in self.points.iter().enumerate() {
            let Some(v) = p.viewer_minutes.filter(|v| *v > 0) else {
                continue;
            };
            let y = y_of(v as f64 / 60.0);
            let radius = if bar_width >= 10.0 { 3.0 } else { 0.0 };
            svg.rect(
                centre(i) - bar_width / 2.0,
                y,
                bar_width,
                plot.bottom - y,
                radius,
                Role::Bar,
            );
        }
        if let Some((i, v)) = self.peak().filter(|(_, v)| *v > 0) {
            let text = format_hours(v);
            let half = PEAK.width(&text) / 2.0;
            let x = centre(i).clamp(plot.left + half, plot.right - half);
            svg.text(Label {
                x,
                y: y_of(v as f64 / 60.0) - 10.0,
                size: PEAK.size,
                bold: true,
                anchor: Anchor::Middle,
                role: Role::Text,
                text: &text,
            });
        }
        svg.line(plot.left, plot.bottom, plot.right, plot.bottom, Role::Axis);
        self.draw_day_labels(&mut svg, &plot, slot);
        svg.finish()
    }

    /// The densest labelling whose labels do not overlap and stay on the canvas.
    fn draw_day_labels(&self, svg: &mut Svg, plot: &Plot, slot: f64) {
        let days: Vec<Day> = self.points.iter().map(|p| p.day).collect();
        let centre = |i: usize| plot.left + (i as f64 + 0.5) * slot;
        let placed = STEPS
            .iter()
            .map(|step| day_labels(&days, *step))
            .find(|labels| fits(labels, &centre))
            .unwrap_or_default();
        let y = plot.bottom + 12.0 + AXIS.size;
        for (i, text) in placed {
            let half = AXIS.width(&text) / 2.0;
            let x = centre(i).clamp(half + 4.0, UNITS_WIDE - half - 4.0);
            svg.line(
                centre(i),
                plot.bottom,
                centre(i),
                plot.bottom + 8.0,
                Role::Axis,
            );
            svg.text(Label {
                x,
                y,
                size: AXIS.size,
                bold: false,
                anchor: Anchor::Middle,
                role: Role::Muted,
                text: &text,
            });
        }
    }
}

/// Whether `labels`, centred under their days, keep [`LABEL_GAP`] between each other.
fn fits(labels: &[(usize, String)], centre: &impl Fn(usize) -> f64) -> bool {
    let mut right_edge = f64::NEG_INFINITY;
    for (i, text) in labels {
        let half = AXIS.width(text) / 2.0;
        let x = centre(*i).clamp(half + 4.0, UNITS_WIDE - half - 4.0);
        if x - half < right_edge + LABEL_GAP {
            return false;
        }
        right_edge = x + half;
    }
    true
}

/// The plot area, in units.
#[derive(Clone, Copy, Debug)]
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}
