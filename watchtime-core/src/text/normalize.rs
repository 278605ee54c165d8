//! Name keys: the form in which names are compared.
//!
//! "Pokémon Scarlet", "POKEMON scarlet" and "pokemon-scarlet" are one name to a person asking the
//! bot. The key is NFKC, case folded, without diacritics, whitespace or punctuation. Stores keep
//! the key beside each name (computed here, at ingest) so lookups are an indexed equality.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The lookup key of a name.
///
/// Letters and digits of every script survive (CJK, Hangul, Cyrillic…); marks, spaces,
/// punctuation and symbols go. A name made only of symbols (an emoji-only display name) keys to
/// its case-folded symbols instead of to nothing, so it can still be found.
pub fn name_key(name: &str) -> String {
    if name.is_ascii() {
        ascii_key(name)
    } else {
        unicode_key(name)
    }
}

/// The general rule, for any text.
fn unicode_key(name: &str) -> String {
    let folded = fold(name);
    let key: String = folded
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .filter(|c| c.is_alphanumeric())
        .nfc()
        .collect();
    if key.is_empty() {
        folded
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect()
    } else {
        key
    }
}

/// [`name_key`] for ASCII text, where NFKC, folding and mark removal change nothing but case:
/// most Twitch logins, so ingest stays cheap.
fn ascii_key(name: &str) -> String {
    let key: String = name
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect();
    if key.is_empty() {
        name.bytes()
            .filter(|b| !b.is_ascii_whitespace() && !b.is_ascii_control())
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect()
    } else {
        key
    }
}

/// NFKC, then full lowercase, then the few case-folding mappings lowercase lacks.
fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfkc().flat_map(char::to_lowercase) {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ſ' => out.push('s'),
            'ς' => out.push('σ'),
            _ => out.push(c),
        }
    }
    out
}

/// The number of characters of a key, the unit of the similarity length bound.
pub fn key_len(key: &str) -> usize {
    key.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let cases = [
            ("Pokémon Scarlet", "pokemonscarlet"),
            ("POKEMON  scarlet", "pokemonscarlet"),
            ("pokemon-scarlet!", "pokemonscarlet"),
            (
                "Tom Clancy’s Rainbow Six Siege",
                "tomclancysrainbowsixsiege",
            ),
            (
                "Tom Clancy's Rainbow Six Siege",
                "tomclancysrainbowsixsiege",
            ),
            ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"), // NFKC
            ("Straße", "strasse"),
            ("ΟΔΥΣΣΕΥΣ", "οδυσσευσ"),
            ("原神", "原神"),
            ("스타크래프트", "스타크래프트"),
            ("Ёлка", "елка"),
            ("Counter-Strike 2", "counterstrike2"),
            ("  ", ""),
            ("🎮🎮", "🎮🎮"),
            ("@xQc", "xqc"),
        ];
        for (name, key) in cases {
            assert_eq!(name_key(name), key, "{name}");
        }
    }

    #[test]
    fn the_ascii_shortcut_agrees_with_the_general_rule() {
        // Every printable ASCII character, alone and in context, keys the same both ways.
        for b in 0u8..128 {
            let c = char::from(b);
            for s in [
                c.to_string(),
                format!("A{c}b 9"),
                format!("{c}{c}"),
                format!(" {c}\t"),
            ] {
                assert_eq!(ascii_key(&s), unicode_key(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn hangul_survives_decomposition() {
        // NFD splits Hangul syllables into jamo, which are letters, and NFC joins them again.
        assert_eq!(name_key("한국어"), "한국어");
        assert_eq!(key_len(&name_key("한국어")), 3);
    }
}
