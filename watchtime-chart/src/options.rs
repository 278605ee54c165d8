//! How a chart is drawn: size, colours, and what surrounds the data.

/// Light, dark, or following the reader's system setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Dark text on white: the default for post images, which platforms show on either theme.
    #[default]
    Light,
    /// Light text on near-black.
    Dark,
    /// Light, switched to dark by CSS `prefers-color-scheme` inside the SVG's `<style>`: for web
    /// pages. A PNG of an `Auto` chart is light (the rasterizer has no reader to ask).
    Auto,
}

/// How to draw a chart.
///
/// Layout happens on a canvas 1200 units wide whatever `width` is, so type keeps its size
/// relative to the image: an image shown 400 px wide on a phone still reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Width in pixels of the PNG and of the SVG (unless `responsive`).
    pub width: u32,
    /// Height in pixels; `None` makes a ranking as tall as its bars need (for web pages, where
    /// 25 bars must stay readable) and a series 16:9.
    pub height: Option<u32>,
    /// Colours.
    pub scheme: Scheme,
    /// `width="100%"` with the `viewBox` only, so the SVG scales with the page.
    pub responsive: bool,
    /// The footer with the bot's name and the date. Post images need it (an image travels
    /// without its post); a web page that shows both around the chart can drop it.
    pub brand_line: bool,
    /// A CSP nonce for the SVG's `<style>` element, for pages whose Content-Security-Policy
    /// forbids inline styles (only [`Scheme::Auto`] emits one).
    pub style_nonce: Option<String>,
}

impl Options {
    /// A post image: 1200×675 (16:9, shown uncropped on X, Mastodon, Discord and Bluesky),
    /// light, with the brand line.
    pub fn post() -> Options {
        Options {
            width: 1200,
            height: Some(675),
            scheme: Scheme::Light,
            responsive: false,
            brand_line: true,
            style_nonce: None,
        }
    }

    /// A web page: responsive, light or dark as the reader prefers, as tall as the data needs.
    pub fn web() -> Options {
        Options {
            width: 1200,
            height: None,
            scheme: Scheme::Auto,
            responsive: true,
            brand_line: true,
            style_nonce: None,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::post()
    }
}
