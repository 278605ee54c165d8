//! Names of generated channels and games: ASCII logins, some CJK or emoji display names, a few
//! well-known and CJK game titles, invented ones after.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use watchtime_core::{Game, GameId, Streamer, StreamerId};

const LOGIN_HEADS: &[&str] = &[
    "shadow", "pixel", "nova", "luna", "kai", "zen", "frost", "byte", "echo", "ember", "vex",
    "ryu", "mika", "sol", "raven", "tiny", "king", "queen", "captain", "lil", "big", "dr",
];
const LOGIN_TAILS: &[&str] = &[
    "wolf", "gamer", "plays", "tv", "live", "gg", "fox", "bear", "ninja", "sensei", "cat", "hawk",
    "blade", "storm", "panda", "ghost", "chef", "dragon", "viper", "moon", "clutch", "aim",
];
const CJK_NAMES: &[&str] = &[
    "加藤純一",
    "もこう",
    "스트리머",
    "우왁굳",
    "小明",
    "天才少年",
    "ゆっくり実況",
    "主播",
];
const EMOJI: &[&str] = &["✨", "🎮", "🔥", "🐺", "🌙", "💜"];
const GAME_NAMES: &[&str] = &[
    "Just Chatting",
    "Grand Theft Auto V",
    "League of Legends",
    "Counter-Strike",
    "Valorant",
    "Fortnite",
    "Minecraft",
    "World of Warcraft",
    "Dota 2",
    "Pokémon Scarlet and Violet",
    "東方Project",
    "ドラゴンクエストX オンライン",
    "메이플스토리",
];
const GAME_WORDS: &[&str] = &[
    "Iron", "Echo", "Hollow", "Crimson", "Star", "Void", "Neon", "Ancient", "Silent", "Frontier",
    "Shadow", "Legends", "Tactics", "Odyssey", "Protocol", "Kingdoms", "Arena", "Saga",
];

/// Streamer `i`: an ASCII login; a display name that is the login capitalised, or for a few
/// percent CJK or decorated with emoji.
pub(super) fn streamer(i: usize, rng: &mut ChaCha8Rng) -> Streamer {
    let head = LOGIN_HEADS[rng.random_range(0..LOGIN_HEADS.len())];
    let tail = LOGIN_TAILS[rng.random_range(0..LOGIN_TAILS.len())];
    let login = format!("{head}_{tail}{i}");
    let display_name = match rng.random_range(0..100) {
        0..3 => format!("{}{i}", CJK_NAMES[rng.random_range(0..CJK_NAMES.len())]),
        3..5 => {
            let e = EMOJI[rng.random_range(0..EMOJI.len())];
            format!("{e}{head}{tail}{i}{e}")
        }
        _ => {
            let mut name = login.clone();
            if let Some(first) = name.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            name
        }
    };
    Streamer {
        id: StreamerId::new((10_000_000 + i as u64 * 13).to_string()),
        login,
        display_name,
    }
}

/// Game `i`: a well-known title for the first few, invented ones after.
pub(super) fn game(i: usize, rng: &mut ChaCha8Rng) -> Game {
    let name = match GAME_NAMES.get(i) {
        Some(name) => (*name).to_owned(),
        None => {
            let a = GAME_WORDS[rng.random_range(0..GAME_WORDS.len())];
            let b = GAME_WORDS[rng.random_range(0..GAME_WORDS.len())];
            format!("{a} {b} {i}")
        }
    };
    Game {
        id: GameId::new((500_000 + i as u64 * 7).to_string()),
        name,
    }
}
