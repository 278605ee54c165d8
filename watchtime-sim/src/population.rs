//! A seeded population of channels and games with Twitch-like shape: a few hundred games with a
//! steep head, thousands of channels with heavy-tailed audiences, schedules by region.

use std::collections::HashSet;

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use watchtime_core::{Game, GameId, Streamer, StreamerId};

use crate::names::{FOREIGN_DISPLAY, GAME_WORDS, KNOWN_GAMES, LOGIN_HEADS, LOGIN_TAILS};

/// How many categories the demo's Twitch has.
pub const GAME_COUNT: usize = 300;

/// One simulated channel.
#[derive(Clone, Debug)]
pub struct Channel {
    /// Who.
    pub streamer: Streamer,
    /// Typical viewers at prime time (Pareto-distributed).
    pub popularity: f64,
    /// Index of the usual game in [`Population::games`]; `None` streams with no category.
    pub main_game: Option<usize>,
    /// Another game played on some days.
    pub alt_game: Option<usize>,
    /// Offset of the channel's region from UTC, in hours.
    pub utc_offset_hours: i64,
    /// Local hour the stream usually starts.
    pub start_hour: f64,
    /// Usual stream length in hours.
    pub hours: f64,
    /// Chance the channel streams on a given day.
    pub active: f64,
}

/// Every channel and game of the simulation.
#[derive(Clone, Debug)]
pub struct Population {
    /// The categories, heaviest first.
    pub games: Vec<Game>,
    /// The channels.
    pub channels: Vec<Channel>,
}

impl Population {
    /// Generates `channels` channels playing `games` categories (at least the well-known ones)
    /// from `seed`; the same inputs give the same population.
    pub fn generate(seed: u64, channels: u32, games: usize) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let games = make_games(&mut rng, games);
        let weights: Vec<f64> = (0..games.len())
            .map(|r| 1.0 / (r as f64 + 1.5).powf(1.15))
            .collect();
        let total: f64 = weights.iter().sum();
        let mut logins = HashSet::new();
        let channels = (0..channels)
            .map(|i| {
                let pick_game = |rng: &mut ChaCha8Rng| {
                    let mut x = rng.random::<f64>() * total;
                    for (g, w) in weights.iter().enumerate() {
                        if x < *w {
                            return g;
                        }
                        x -= w;
                    }
                    weights.len() - 1
                };
                let streamer = streamer(&mut rng, i, &mut logins);
                // Pareto audience: most channels are tiny, a few are huge.
                let u: f64 = rng.random_range(1e-6..1.0);
                let popularity = (30.0 / u.powf(1.0 / 1.1)).min(250_000.0);
                let main = pick_game(&mut rng);
                let alt = pick_game(&mut rng);
                let (utc_offset_hours, start_hour) = match rng.random_range(0..100) {
                    0..45 => (-7, rng.random_range(10.0..19.0)),
                    45..75 => (1, rng.random_range(14.0..20.0)),
                    75..85 => (-3, rng.random_range(13.0..20.0)),
                    _ => (9, rng.random_range(16.0..21.0)),
                };
                Channel {
                    streamer,
                    popularity,
                    // A couple of channels stream with no category at all.
                    main_game: (i % 5_000 != 17).then_some(main),
                    alt_game: (alt != main).then_some(alt),
                    utc_offset_hours,
                    start_hour,
                    hours: rng.random_range(3.0..10.0),
                    active: rng.random_range(0.6..0.95),
                }
            })
            .collect();
        Population { games, channels }
    }
}

fn make_games(rng: &mut ChaCha8Rng, count: usize) -> Vec<Game> {
    let mut names: Vec<String> = KNOWN_GAMES.iter().map(|s| (*s).to_owned()).collect();
    let mut seen: HashSet<String> = names.iter().cloned().collect();
    while names.len() < count {
        let a = GAME_WORDS[rng.random_range(0..GAME_WORDS.len())];
        let b = GAME_WORDS[rng.random_range(0..GAME_WORDS.len())];
        let name = match rng.random_range(0..4) {
            0 => format!("{a} {b}"),
            1 => format!("{a} {b} {}", rng.random_range(2..5)),
            2 => format!("{a}: {b}"),
            _ => format!("The {a} {b}"),
        };
        // Past the combinations of two words, a number keeps names distinct.
        let name = if seen.len() > 2_000 {
            format!("{name} {}", names.len())
        } else {
            name
        };
        if a != b && seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| Game {
            id: GameId::new(format!("{}", 500_000 + i * 7)),
            name,
        })
        .collect()
}

fn streamer(rng: &mut ChaCha8Rng, i: u32, logins: &mut HashSet<String>) -> Streamer {
    let head = LOGIN_HEADS[rng.random_range(0..LOGIN_HEADS.len())];
    let tail = LOGIN_TAILS[rng.random_range(0..LOGIN_TAILS.len())];
    let mut login = match rng.random_range(0..10) {
        0..4 => format!("{head}{tail}"),
        4..7 => format!("{head}_{tail}"),
        7..9 => format!("{head}{tail}{}", rng.random_range(1..999)),
        // Twitch logins go up to 25 characters.
        _ => format!("{head}_{tail}_{head}_{tail}")
            .chars()
            .take(25)
            .collect(),
    };
    if !logins.insert(login.clone()) {
        login = format!("{login}{i}");
        logins.insert(login.clone());
    }
    let display_name = if rng.random_range(0..100) < 5 {
        FOREIGN_DISPLAY[rng.random_range(0..FOREIGN_DISPLAY.len())].to_owned()
    } else {
        capitalized(&login, rng.next_u32())
    };
    Streamer {
        id: StreamerId::new(format!("{}", 10_000_000 + u64::from(i) * 13)),
        login,
        display_name,
    }
}

/// The login with some words capitalised, as display names often are (`Shadow_Wolf`).
fn capitalized(login: &str, bits: u32) -> String {
    login
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) if !bits.is_multiple_of(3) => {
                    first.to_uppercase().chain(chars).collect()
                }
                Some(first) => std::iter::once(first).chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("_")
}
