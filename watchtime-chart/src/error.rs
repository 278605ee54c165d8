//! What can go wrong when a chart becomes a PNG (an SVG string cannot fail).

/// A chart could not be rasterized.
///
/// Every variant means the image is unusable; a caller posting it should post without the image
/// and say so, never block the post.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The drawing did not parse as SVG: a bug in this crate, never caused by names or numbers
    /// (they are escaped).
    #[error("the chart's SVG did not parse: {0}")]
    Svg(String),
    /// The canvas could not be allocated (zero or absurd size in [`crate::Options`]).
    #[error("a {width}×{height} canvas cannot be drawn; use a size between 1 and 8192 pixels")]
    Canvas {
        /// Requested width in pixels.
        width: u32,
        /// Requested height in pixels.
        height: u32,
    },
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Encode(String),
    /// The PNG came out larger than every platform accepts; smaller sizes in
    /// [`crate::Options`] make smaller files.
    #[error("the PNG is {bytes} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// The encoded size.
        bytes: usize,
        /// [`crate::MAX_PNG_BYTES`].
        limit: usize,
    },
}
