//! The OpenAPI document, generated from the handlers' annotations and the schemas below.
//!
//! `rankings` answers the core's `Report` (shared with `watchtime report --json`), which knows
//! nothing of OpenAPI; [`ReportDoc`] describes it field for field, and a test holds the two
//! together (`tests/api.rs` checks every answer against this document's schemas).

use utoipa::{OpenApi, ToSchema};

use super::model::{Day, DayStatusDoc, NameMatch, Named, SearchResult};

/// `{"error": "<what to fix>"}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDoc {
    /// What was wrong with the request, and how to fix it.
    error: String,
}

/// One line of a ranking.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReportEntryDoc {
    /// 1-based position.
    #[schema(minimum = 1)]
    rank: u32,
    /// The Twitch id.
    id: String,
    /// The latest name.
    name: String,
    /// Watch time, exact.
    viewer_minutes: u64,
    /// Watch time in hours, two decimals.
    hours: f64,
    /// Minutes on air.
    airtime_minutes: u64,
    /// Largest viewer count seen.
    peak_viewers: u32,
    /// The rank in the same ranking over the period before (the day, 7 days or calendar
    /// month before; otherwise as many days, ending the day before), or `null` when it was
    /// not in that period's top 100 or that period has no data.
    #[schema(minimum = 1, required = true)]
    previous_rank: Option<u32>,
}

/// The `watchtime report --json` object.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReportDoc {
    /// First day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    from: String,
    /// Last day, inclusive.
    #[schema(format = Date)]
    to: String,
    /// Snapshots stored over the closed days of the range.
    slots_observed: u32,
    /// Snapshots the closed days should have.
    slots_expected: u32,
    /// Of the stored snapshots, those that lost pages.
    slots_incomplete: u32,
    /// Days of the range not closed (not in the rankings).
    days_not_closed: u32,
    /// The game whose streamers are ranked (with `?game=`).
    #[schema(required = false)]
    game: Option<Named>,
    /// The streamer whose games are ranked (with `?streamer=`).
    #[schema(required = false)]
    streamer: Option<Named>,
    /// Games ranked: top games, or the streamer's games.
    #[schema(required = false)]
    games: Option<Vec<ReportEntryDoc>>,
    /// Streamers ranked: top streamers, or the game's streamers.
    #[schema(required = false)]
    streamers: Option<Vec<ReportEntryDoc>>,
}

/// A game's days.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GameDaysDoc {
    /// The game.
    game: Named,
    /// First day of the range.
    #[schema(format = Date)]
    from: String,
    /// Last day of the range.
    #[schema(format = Date)]
    to: String,
    /// One entry per closed day with watch time.
    days: Vec<Day>,
}

/// A streamer's days.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StreamerDaysDoc {
    /// The streamer.
    streamer: Named,
    /// First day of the range.
    #[schema(format = Date)]
    from: String,
    /// Last day of the range.
    #[schema(format = Date)]
    to: String,
    /// One entry per closed day with watch time.
    days: Vec<Day>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "watchtime",
        description = "Hours watched on Twitch per game and per streamer, by Los Angeles day (08:00 to 08:00). Read only.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        super::rankings,
        super::game_days,
        super::streamer_days,
        super::day_status,
        super::search,
    ),
    components(schemas(
        ErrorDoc,
        ReportDoc,
        ReportEntryDoc,
        GameDaysDoc,
        StreamerDaysDoc,
        Day,
        Named,
        DayStatusDoc,
        NameMatch,
        SearchResult
    ))
)]
struct ApiDoc;

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
