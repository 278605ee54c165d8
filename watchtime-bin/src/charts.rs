//! The charts: the core's image port ([`PostImages`]) drawn by `watchtime-chart`, which the
//! daily posts, `post --dry-run` and `watchtime chart` share.

use std::sync::Arc;

use async_trait::async_trait;
use watchtime_chart::{Fonts, Options, RankingChart};
use watchtime_core::message::{DayRankings, PostKind};
use watchtime_core::ports::{Image, PostImages};
use watchtime_core::{DynPostImages, Error};

use crate::config::Config;

/// Draws each daily post's ranking as a 1200×675 PNG with the bundled fonts and, when
/// installed, Debian's CJK and emoji fonts.
#[derive(Clone, Debug)]
pub struct ChartImages {
    fonts: Fonts,
    brand: String,
}

impl ChartImages {
    /// Loads the fonts (tens of milliseconds: build once per process).
    pub fn new(brand: &str) -> Self {
        let fonts = Fonts::with_system();
        tracing::debug!(system_fonts = ?fonts.loaded_files(), "chart fonts loaded");
        ChartImages {
            fonts,
            brand: brand.to_owned(),
        }
    }

    /// The chart of `kind`'s post, or `None` when that post has nothing to show.
    pub fn chart(&self, kind: PostKind, rankings: &DayRankings) -> Option<RankingChart> {
        RankingChart::daily(kind, rankings, &self.brand)
    }

    /// `chart` as a post's PNG.
    pub fn png(&self, chart: &RankingChart) -> Result<Vec<u8>, watchtime_chart::Error> {
        chart.to_png(&Options::post(), &self.fonts)
    }
}

#[async_trait]
impl PostImages for ChartImages {
    async fn daily_image(
        &self,
        kind: PostKind,
        rankings: &DayRankings,
        alt_max_chars: usize,
    ) -> watchtime_core::Result<Option<Image>> {
        let Some(chart) = self.chart(kind, rankings) else {
            return Ok(None);
        };
        let alt = chart.alt_text(alt_max_chars);
        // Rasterizing takes tens of milliseconds of CPU: off the async workers.
        let this = self.clone();
        let png = tokio::task::spawn_blocking(move || this.png(&chart))
            .await
            .map_err(|e| Error::backend("chart", e))?
            .map_err(|e| Error::backend("chart", e))?;
        Ok(Some(Image { png, alt }))
    }
}

/// The image maker the configuration asks for: none with `WATCHTIME_IMAGES=false`.
pub fn post_images(config: &Config) -> Option<DynPostImages> {
    config
        .images
        .then(|| Arc::new(ChartImages::new(&config.brand)) as DynPostImages)
}
