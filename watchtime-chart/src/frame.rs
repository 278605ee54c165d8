//! What every chart has around its data: title, subtitle with the date, and the brand line with
//! the bot's name and the ISO date (an image travels without its post, so it says who and when).

use watchtime_core::DayRange;

use crate::options::Options;
use crate::palette::Role;
use crate::svg::{Anchor, Label, Svg, UNITS_WIDE};
use crate::text::{Font, fit};

/// Margin on every side, in units.
pub(crate) const PAD: f64 = 48.0;
pub(crate) const TITLE: Font = Font {
    size: 46.0,
    bold: true,
};
pub(crate) const SUBTITLE: Font = Font {
    size: 28.0,
    bold: false,
};
pub(crate) const FOOTER: Font = Font {
    size: 22.0,
    bold: false,
};
const BRAND: Font = Font {
    size: FOOTER.size,
    bold: true,
};
const TITLE_BASELINE: f64 = PAD + 38.0;
const SUBTITLE_BASELINE: f64 = TITLE_BASELINE + 46.0;
/// Where the data may start.
pub(crate) const CONTENT_TOP: f64 = SUBTITLE_BASELINE + 34.0;

/// Space below the data: the brand line, or just the margin.
pub(crate) fn bottom_space(opts: &Options) -> f64 {
    if opts.brand_line { PAD + 44.0 } else { PAD }
}

/// The text of a chart's frame.
#[derive(Debug)]
pub(crate) struct Frame<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub brand: &'a str,
    pub range: &'a DayRange,
    /// An extra note at the right of the brand line (e.g. what a gap means).
    pub note: Option<&'a str>,
}

impl Frame<'_> {
    /// Draws the title and subtitle at the top and the brand line at the bottom of a canvas
    /// `height` units tall.
    pub(crate) fn draw(&self, svg: &mut Svg, opts: &Options, height: f64) {
        let inner = UNITS_WIDE - 2.0 * PAD;
        let title = fit(self.title, inner, TITLE);
        svg.text(Label {
            x: PAD,
            y: TITLE_BASELINE,
            size: TITLE.size,
            bold: true,
            anchor: Anchor::Start,
            role: Role::Text,
            text: &title,
        });
        let subtitle = fit(self.subtitle, inner, SUBTITLE);
        svg.text(Label {
            x: PAD,
            y: SUBTITLE_BASELINE,
            size: SUBTITLE.size,
            bold: false,
            anchor: Anchor::Start,
            role: Role::Muted,
            text: &subtitle,
        });
        if !opts.brand_line {
            return;
        }
        let y = height - PAD + 6.0;
        let date = iso_range(self.range);
        let right = match self.note {
            Some(note) => format!("{note} · {date}"),
            None => date,
        };
        let right_width = FOOTER.width(&right);
        svg.text(Label {
            x: UNITS_WIDE - PAD,
            y,
            size: FOOTER.size,
            bold: false,
            anchor: Anchor::End,
            role: Role::Muted,
            text: &right,
        });
        let brand = fit(self.brand, inner - right_width - 32.0, BRAND);
        svg.text(Label {
            x: PAD,
            y,
            size: BRAND.size,
            bold: true,
            anchor: Anchor::Start,
            role: Role::Muted,
            text: &brand,
        });
    }
}

/// `2026-11-26`, or `2026-10-28 – 2026-11-26`: with the year, unlike the subtitle.
fn iso_range(range: &DayRange) -> String {
    if range.from == range.to {
        range.from.to_string()
    } else {
        format!("{} – {}", range.from, range.to)
    }
}
