//! Name lookup: which game or streamer a query means.
//!
//! Order: an exact game, then an exact streamer login or display name, then the most similar name
//! above the threshold, offered as "did you mean". A forced kind (`game …`, `streamer …`) only
//! looks at that kind. Names compare by [`name_key`].

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::ids::{EntityId, Kind, Streamer};
use crate::text::{
    MIN_SUGGESTION_LEN, SUGGESTION_THRESHOLD, SimilarTo, candidate_lengths, key_len, name_key,
};
use crate::time::Slot;

/// A known name, as a store returns it for lookup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameRecord {
    /// The game or streamer named; in JSON its `"kind"` and `"id"` fields.
    #[serde(flatten)]
    pub id: EntityId,
    /// The name to show (a streamer's display name).
    pub name: String,
    /// The keys it answers to: a game's name; a streamer's login and display name.
    pub keys: Vec<String>,
    /// The slot it was last seen in: among equal names, the most recent wins.
    pub last_seen: Slot,
}

/// The keys a streamer answers to: its login and its display name (once if they are equal).
pub fn streamer_keys(s: &Streamer) -> Vec<String> {
    streamer_keys_of(name_key(&s.login), name_key(&s.display_name))
}

/// The keys a streamer answers to, from its login's and display name's keys as a store keeps
/// them (each [`name_key`] of the name): a store reading tens of thousands of candidates takes
/// its stored keys instead of normalizing every name again.
pub fn streamer_keys_of(login_key: String, display_key: String) -> Vec<String> {
    let mut keys = vec![login_key, display_key];
    keys.dedup();
    keys.retain(|k| !k.is_empty());
    keys
}

/// What a store is asked for when looking up names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameLookup {
    /// Names with a key equal to this one.
    Exact(String),
    /// Names with a key whose length in characters is in `min..=max`: the only ones that can be
    /// similar enough to a key of a given length (see [`candidate_lengths`]).
    KeyLength {
        /// Shortest key length.
        min: usize,
        /// Longest key length.
        max: usize,
    },
    /// The name of this game or streamer, whatever its keys: for pages addressed by id.
    Id(EntityId),
    /// Names with a key that starts with this (non-empty) key: a search box's "pokemon scarlet"
    /// finds "Pokémon Scarlet and Violet", too long for a similarity match.
    Prefix(String),
}

impl NameLookup {
    /// The smallest string above every key that starts with `prefix` (in code point order), for
    /// stores that answer [`NameLookup::Prefix`] with a range `key >= prefix AND key < bound`
    /// over an ordered index.
    pub fn prefix_bound(prefix: &str) -> String {
        format!("{prefix}{}", char::MAX)
    }
}

/// The outcome of a lookup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Resolution {
    /// The name was found exactly.
    Found(NameRecord),
    /// No exact match; this is the closest name, with its similarity.
    DidYouMean(NameRecord, f64),
    /// Nothing close.
    NotFound,
}

/// The two store reads a lookup needs, in the order it needs them.
///
/// [`resolve`] takes the store's answers through these closures so the rule stays here while the
/// I/O stays in the store.
pub fn lookups_for(name: &str) -> (String, Option<NameLookup>) {
    let key = name_key(name);
    let len = key_len(&key);
    let fuzzy = (len >= MIN_SUGGESTION_LEN).then(|| {
        let r = candidate_lengths(len);
        NameLookup::KeyLength {
            min: *r.start(),
            max: *r.end(),
        }
    });
    (key, fuzzy)
}

/// Picks the answer among exact hits, or else among candidates.
///
/// `exact` are the records whose key equals `key`; `candidates` are those of similar length (only
/// consulted when nothing matched exactly).
pub fn resolve(
    key: &str,
    kind: Option<Kind>,
    exact: &[NameRecord],
    candidates: &[NameRecord],
) -> Resolution {
    let wanted = |r: &&NameRecord| kind.is_none_or(|k| r.id.kind() == k);
    if let Some(best) = exact
        .iter()
        .filter(wanted)
        .filter(|r| r.keys.iter().any(|k| k == key))
        .min_by(|a, b| preference(a, b))
    {
        return Resolution::Found(best.clone());
    }
    match suggestions(key, kind, candidates, 1).into_iter().next() {
        Some((r, score)) => Resolution::DidYouMean(r, score),
        None => Resolution::NotFound,
    }
}

/// The names most similar to `key` among `candidates` (of `kind`, if given), best first, at most
/// `limit`: those scoring at least the suggestion threshold, ties broken as exact matches are
/// (games first, then the most recently seen). Empty for keys too short to guess from. The first
/// is the "did you mean" of [`resolve`]; a search page lists them all.
pub fn suggestions(
    key: &str,
    kind: Option<Kind>,
    candidates: &[NameRecord],
    limit: usize,
) -> Vec<(NameRecord, f64)> {
    if key_len(key) < MIN_SUGGESTION_LEN {
        return Vec::new();
    }
    let mut target = SimilarTo::new(key);
    let mut scored: Vec<(&NameRecord, f64)> = candidates
        .iter()
        .filter(|r| kind.is_none_or(|k| r.id.kind() == k))
        .filter_map(|r| {
            let score = r
                .keys
                .iter()
                .filter_map(|k| target.at_least(k, SUGGESTION_THRESHOLD))
                .fold(0.0, f64::max);
            (score >= SUGGESTION_THRESHOLD).then_some((r, score))
        })
        .collect();
    scored.sort_by(|(a, sa), (b, sb)| sb.total_cmp(sa).then_with(|| preference(a, b)));
    scored.dedup_by(|(a, _), (b, _)| a.id == b.id);
    scored
        .into_iter()
        .take(limit)
        .map(|(r, s)| (r.clone(), s))
        .collect()
}

/// Games before streamers, then the most recently seen, then the smallest id: the order among
/// equally good matches.
pub fn preference(a: &NameRecord, b: &NameRecord) -> Ordering {
    a.id.kind()
        .cmp(&b.id.kind())
        .then_with(|| b.last_seen.cmp(&a.last_seen))
        .then_with(|| a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: Kind, id: &str, names: &[&str], seen: i64) -> NameRecord {
        NameRecord {
            id: EntityId::new(kind, id),
            name: names[names.len() - 1].into(),
            keys: names.iter().map(|n| name_key(n)).collect(),
            last_seen: Slot::from_unix(seen),
        }
    }

    fn all() -> Vec<NameRecord> {
        vec![
            rec(Kind::Game, "27471", &["Minecraft"], 100),
            rec(Kind::Game, "1", &["Pokémon Scarlet"], 100),
            rec(Kind::Game, "21779", &["League of Legends"], 100),
            rec(Kind::Streamer, "71092938", &["xqc", "xQc"], 100),
            rec(Kind::Streamer, "5", &["minecraft", "Minecraft"], 100),
            rec(Kind::Streamer, "6", &["shroud", "shroud"], 50),
            rec(Kind::Streamer, "7", &["old_shroud", "shroud"], 90),
            rec(Kind::Streamer, "8", &["kato_junichi0817", "加藤純一"], 100),
            rec(Kind::Game, "9", &["Tom Clancy’s Rainbow Six Siege"], 100),
        ]
    }

    fn lookup(text: &str, kind: Option<Kind>) -> Resolution {
        let records = all();
        let (key, fuzzy) = lookups_for(text);
        let exact: Vec<_> = records
            .iter()
            .filter(|r| r.keys.contains(&key))
            .cloned()
            .collect();
        let candidates: Vec<_> = match fuzzy {
            Some(NameLookup::KeyLength { min, max }) => records
                .iter()
                .filter(|r| r.keys.iter().any(|k| (min..=max).contains(&key_len(k))))
                .cloned()
                .collect(),
            _ => vec![],
        };
        resolve(&key, kind, &exact, &candidates)
    }

    fn found(r: Resolution) -> (Kind, String) {
        match r {
            Resolution::Found(r) => (r.id.kind(), r.id.to_string()),
            other => panic!("not found: {other:?}"),
        }
    }

    #[test]
    fn exact_matches_in_order() {
        assert_eq!(
            found(lookup("MINECRAFT", None)),
            (Kind::Game, "27471".into())
        );
        assert_eq!(
            found(lookup("minecraft", Some(Kind::Streamer))),
            (Kind::Streamer, "5".into())
        );
        assert_eq!(
            found(lookup("pokemon scarlet", None)),
            (Kind::Game, "1".into())
        );
        assert_eq!(
            found(lookup("XQC", None)),
            (Kind::Streamer, "71092938".into())
        );
        assert_eq!(
            found(lookup("加藤純一", None)),
            (Kind::Streamer, "8".into())
        );
        assert_eq!(
            found(lookup("Tom Clancy's Rainbow Six Siege", None)),
            (Kind::Game, "9".into())
        );
        // Two streamers display as "shroud": the one seen last wins.
        assert_eq!(found(lookup("shroud", None)), (Kind::Streamer, "7".into()));
        assert_eq!(lookup("shroud", Some(Kind::Game)), Resolution::NotFound);
    }

    #[test]
    fn suggestions() {
        match lookup("minecarft", None) {
            Resolution::DidYouMean(r, score) => {
                assert_eq!(r.id, EntityId::Game("27471".into()));
                assert!(score >= SUGGESTION_THRESHOLD);
            }
            other => panic!("{other:?}"),
        }
        match lookup("league of legend", None) {
            Resolution::DidYouMean(r, _) => assert_eq!(r.id.as_str(), "21779"),
            other => panic!("{other:?}"),
        }
        assert_eq!(lookup("zzzzzzzz", None), Resolution::NotFound);
        assert_eq!(lookup("xqq", None), Resolution::NotFound); // too short to guess
        assert_eq!(
            lookup("'); DROP TABLE games;--", None),
            Resolution::NotFound
        );
        assert_eq!(lookup(&"é".repeat(5000), None), Resolution::NotFound);
    }

    #[test]
    fn suggestions_are_best_first_and_the_first_is_the_did_you_mean() {
        let records = all();
        let (key, _) = lookups_for("shrod");
        let got: Vec<(String, bool)> = super::suggestions(&key, None, &records, 5)
            .into_iter()
            .map(|(r, score)| (r.id.to_string(), score >= SUGGESTION_THRESHOLD))
            .collect();
        // Both "shroud"s score the same; the one seen last comes first, as in `resolve`.
        assert_eq!(got, [("7".to_owned(), true), ("6".to_owned(), true)]);
        match resolve(&key, None, &[], &records) {
            Resolution::DidYouMean(r, _) => assert_eq!(r.id.as_str(), "7"),
            other => panic!("{other:?}"),
        }
        assert_eq!(super::suggestions(&key, None, &records, 1).len(), 1);
        assert!(super::suggestions(&key, Some(Kind::Game), &records, 5).is_empty());
        assert!(super::suggestions("xq", None, &records, 5).is_empty());
    }
}
