//! Secrets from the environment: `VAR`, or a file named by `VAR_FILE` (Docker and systemd
//! credentials). Values are `SecretString`, so they never print.

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

/// Reads the secret `var` from `var` or from the file named by `{var}_FILE`; `None` if neither
/// is set. Setting both is refused as ambiguous. The file's trailing newline is dropped.
pub fn optional(var: &str) -> Result<Option<SecretString>> {
    let file_var = format!("{var}_FILE");
    let direct = std::env::var(var).ok().filter(|v| !v.is_empty());
    let file = std::env::var(&file_var).ok().filter(|v| !v.is_empty());
    match (direct, file) {
        (Some(_), Some(_)) => bail!("both {var} and {file_var} are set; set only one"),
        (Some(value), None) => Ok(Some(SecretString::from(value))),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {file_var} ({path})"))?;
            let value = text.trim_end_matches(['\n', '\r']).to_owned();
            if value.is_empty() {
                bail!("{file_var} ({path}) is empty");
            }
            Ok(Some(SecretString::from(value)))
        }
        (None, None) => Ok(None),
    }
}

/// Like [`optional`], but a missing secret is an error naming both ways to provide it.
pub fn required(var: &str, purpose: &str) -> Result<SecretString> {
    optional(var)?.with_context(|| {
        format!("{purpose} needs {var} (or {var}_FILE naming a file that holds it)")
    })
}
