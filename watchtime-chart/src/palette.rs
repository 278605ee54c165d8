//! The colours, and the WCAG contrast arithmetic that holds them to AA.
//!
//! One accent colour for the bars in both schemes (Twitch purple, which keeps 3:1 against white
//! and near-black alike); text never uses the accent, so it can keep 4.5:1 everywhere.

use crate::options::Scheme;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub(crate) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG 2 relative luminance.
    #[cfg(test)]
    pub(crate) fn luminance(self) -> f64 {
        fn channel(c: u8) -> f64 {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// WCAG 2 contrast ratio, 1 to 21.
#[cfg(test)]
pub(crate) fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The accent: bars, in both schemes.
pub(crate) const ACCENT: Rgb = Rgb(0x91, 0x46, 0xff);

/// The colours of one scheme, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Palette {
    pub background: Rgb,
    /// Names, values, titles.
    pub text: Rgb,
    /// Subtitles, ranks, axis labels, the brand line.
    pub muted: Rgb,
    /// Grid lines: decoration, deliberately faint.
    pub grid: Rgb,
    pub bar: Rgb,
}

pub(crate) const LIGHT: Palette = Palette {
    background: Rgb(0xff, 0xff, 0xff),
    text: Rgb(0x18, 0x18, 0x1b),
    muted: Rgb(0x52, 0x52, 0x5b),
    grid: Rgb(0xe4, 0xe4, 0xe7),
    bar: ACCENT,
};

pub(crate) const DARK: Palette = Palette {
    background: Rgb(0x0e, 0x0e, 0x10),
    text: Rgb(0xef, 0xef, 0xf1),
    muted: Rgb(0xad, 0xad, 0xb8),
    grid: Rgb(0x2f, 0x2f, 0x35),
    bar: ACCENT,
};

/// The palette drawn into attributes: dark for [`Scheme::Dark`], light otherwise (`Auto`
/// switches by CSS, see [`dark_css`]).
pub(crate) fn palette(scheme: Scheme) -> Palette {
    match scheme {
        Scheme::Dark => DARK,
        Scheme::Light | Scheme::Auto => LIGHT,
    }
}

/// The roles as CSS classes; elements carry both the class and the light colour as an
/// attribute, so a viewer without CSS still shows a correct light chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Background,
    Text,
    Muted,
    Grid,
    /// The baseline and tick marks: strokes in the muted colour.
    Axis,
    Bar,
}

impl Role {
    pub(crate) fn class(self) -> &'static str {
        match self {
            Role::Background => "wtc-bg",
            Role::Text => "wtc-fg",
            Role::Muted => "wtc-mu",
            Role::Grid => "wtc-gr",
            Role::Axis => "wtc-ax",
            Role::Bar => "wtc-bar",
        }
    }

    pub(crate) fn colour(self, p: &Palette) -> Rgb {
        match self {
            Role::Background => p.background,
            Role::Text => p.text,
            Role::Muted => p.muted,
            Role::Grid => p.grid,
            Role::Axis => p.muted,
            Role::Bar => p.bar,
        }
    }

    /// Lines are strokes; everything else is filled.
    pub(crate) fn property(self) -> &'static str {
        match self {
            Role::Grid | Role::Axis => "stroke",
            _ => "fill",
        }
    }

    const ALL: [Role; 6] = [
        Role::Background,
        Role::Text,
        Role::Muted,
        Role::Grid,
        Role::Axis,
        Role::Bar,
    ];
}

/// The `prefers-color-scheme: dark` rules of an `Auto` chart.
pub(crate) fn dark_css() -> String {
    let mut css = String::from("@media (prefers-color-scheme: dark) {");
    for role in Role::ALL {
        css.push_str(&format!(
            " .{}{{{}:{}}}",
            role.class(),
            role.property(),
            role.colour(&DARK).hex()
        ));
    }
    css.push_str(" }");
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_of_known_pairs() {
        let black = Rgb(0, 0, 0);
        let white = Rgb(255, 255, 255);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1 AA boundary.
        let grey = Rgb(0x76, 0x76, 0x76);
        assert!((contrast(grey, white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn both_schemes_pass_wcag_aa() {
        for (name, p) in [("light", LIGHT), ("dark", DARK)] {
            let text = contrast(p.text, p.background);
            let muted = contrast(p.muted, p.background);
            let bar = contrast(p.bar, p.background);
            assert!(text >= 7.0, "{name}: text {text:.2}");
            assert!(muted >= 4.5, "{name}: muted text {muted:.2}");
            assert!(bar >= 3.0, "{name}: bars {bar:.2}");
        }
    }

    #[test]
    fn one_accent_for_both_schemes() {
        assert_eq!(LIGHT.bar, DARK.bar);
    }

    #[test]
    fn dark_css_overrides_every_role() {
        let css = dark_css();
        for role in Role::ALL {
            assert!(css.contains(role.class()), "{css}");
        }
        assert!(css.contains("fill:#0e0e10"), "{css}");
    }
}
