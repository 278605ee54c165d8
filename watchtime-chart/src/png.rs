//! PNG output: the SVG rasterized by resvg with fonts loaded on purpose.
//!
//! No font discovery (resvg's `system-fonts` is off): the bundled Noto Sans, Noto Sans Arabic
//! and Noto Sans Hebrew always, then, with [`Fonts::with_system`], the files of
//! [`SYSTEM_FONT_FILES`] that exist. A character missing from the text's font is looked up in
//! that order, so the fallback is: Noto Sans → Arabic → Hebrew → Noto Color Emoji → Noto
//! Sans CJK.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use crate::error::Error;
use crate::options::Options;
use crate::{MAX_PNG_BYTES, RankingChart, SeriesChart};

const BUNDLED: [&[u8]; 4] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../fonts/NotoSansHebrew-Regular.ttf"),
];

/// The system fonts [`Fonts::with_system`] loads when present, in fallback order: Debian's
/// `fonts-noto-color-emoji` and `fonts-noto-cjk` (what the Dockerfile installs). Emoji come
/// before CJK so a symbol that both have is drawn as an emoji.
pub const SYSTEM_FONT_FILES: &[&str] = &[
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
];

/// The fonts a PNG is drawn with. Build once and reuse: loading is the slow part.
#[derive(Clone, Debug)]
pub struct Fonts {
    db: Arc<usvg::fontdb::Database>,
    system: Vec<PathBuf>,
}

impl Fonts {
    /// The bundled fonts only: the same pixels on every machine (what the reference test uses).
    /// CJK and emoji names render as empty boxes or nothing.
    pub fn bundled() -> Fonts {
        let mut db = usvg::fontdb::Database::new();
        for data in BUNDLED {
            db.load_font_data(data.to_vec());
        }
        Fonts {
            db: Arc::new(db),
            system: Vec::new(),
        }
    }

    /// The bundled fonts, then those of [`SYSTEM_FONT_FILES`] that exist, memory-mapped.
    pub fn with_system() -> Fonts {
        Fonts::bundled().and_files(SYSTEM_FONT_FILES.iter().map(Path::new))
    }

    /// These fonts plus the readable font files among `paths`, after the ones already loaded
    /// (later in the fallback order). Missing or unreadable files are skipped.
    pub fn and_files<'p>(mut self, paths: impl IntoIterator<Item = &'p Path>) -> Fonts {
        let db = Arc::make_mut(&mut self.db);
        for path in paths {
            if db.load_font_file(path).is_ok() {
                self.system.push(path.to_path_buf());
            }
        }
        self
    }

    /// The font files loaded besides the bundled fonts, for logs ("CJK names will render").
    pub fn loaded_files(&self) -> &[PathBuf] {
        &self.system
    }
}

/// The font for a character the text's font lacks: the first loaded face that has it (usvg's
/// own search), then the face of that family with the text's weight and style, so a bold title
/// with a CJK name stays bold.
fn fallback() -> usvg::FallbackSelectionFn<'static> {
    let first_with_char = usvg::FontResolver::default_fallback_selector();
    Box::new(move |c, used, db| {
        let found = first_with_char(c, used, db)?;
        let db: &usvg::fontdb::Database = db;
        let (base, face) = (db.face(*used.first()?)?, db.face(found)?);
        let family = &face.families.first()?.0;
        let same_weight = db.query(&usvg::fontdb::Query {
            families: &[usvg::fontdb::Family::Name(family)],
            weight: base.weight,
            stretch: face.stretch,
            style: base.style,
        });
        Some(same_weight.filter(|id| !used.contains(id)).unwrap_or(found))
    })
}

/// Rasterizes `svg`, drawn by this crate with a fixed pixel size.
fn rasterize(svg: &str, fonts: &Fonts) -> Result<Vec<u8>, Error> {
    let options = usvg::Options {
        fontdb: Arc::clone(&fonts.db),
        font_resolver: usvg::FontResolver {
            select_fallback: fallback(),
            ..usvg::FontResolver::default()
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| Error::Svg(e.to_string()))?;
    // The tree is already scaled from the viewBox to the SVG's pixel size.
    let size = tree.size().to_int_size();
    let (width, height) = (size.width(), size.height());
    let canvas_error = Error::Canvas { width, height };
    if width > 8192 || height > 8192 {
        return Err(canvas_error);
    }
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(canvas_error)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    encode(&pixmap)
}

/// RGB (the background is opaque, so alpha carries nothing), best compression, adaptive
/// filters: flat colours and anti-aliased edges compress to tens of kilobytes.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, Error> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Balanced);
        encoder.set_filter(png::Filter::Adaptive);
        let mut writer = encoder
            .write_header()
            .map_err(|e| Error::Encode(e.to_string()))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| Error::Encode(e.to_string()))?;
    }
    if out.len() > MAX_PNG_BYTES {
        return Err(Error::TooLarge {
            bytes: out.len(),
            limit: MAX_PNG_BYTES,
        });
    }
    Ok(out)
}

/// `opts` with a pixel size even if the web asked for a responsive SVG.
fn fixed_size(opts: &Options) -> Options {
    Options {
        responsive: false,
        ..opts.clone()
    }
}

impl RankingChart {
    /// The chart as a PNG of `opts.width` pixels (1200×675 with [`Options::post`]), at most
    /// [`MAX_PNG_BYTES`]. An [`crate::Scheme::Auto`] chart comes out light.
    pub fn to_png(&self, opts: &Options, fonts: &Fonts) -> Result<Vec<u8>, Error> {
        rasterize(&self.to_svg(&fixed_size(opts)), fonts)
    }
}

impl SeriesChart {
    /// The chart as a PNG; see [`RankingChart::to_png`].
    pub fn to_png(&self, opts: &Options, fonts: &Fonts) -> Result<Vec<u8>, Error> {
        rasterize(&self.to_svg(&fixed_size(opts)), fonts)
    }
}
