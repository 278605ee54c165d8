//! OAuth 1.0a signature checking as X does it, written apart from the crate's signer so that a
//! bug in one is not mirrored by the other.

use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use wiremock::Request;

use super::server::unix_now;
use super::{ACCESS_TOKEN, ACCESS_TOKEN_SECRET, CONSUMER_KEY, CONSUMER_SECRET};

/// RFC 3986 percent-encoding, written out byte by byte.
fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks the request's `Authorization: OAuth …` header; the reason when it is refused.
pub(super) fn verify_signature(req: &Request, nonces: &mut HashSet<String>) -> Result<(), String> {
    let header = req
        .headers
        .get("authorization")
        .ok_or("no Authorization header")?
        .to_str()
        .map_err(|_| "Authorization is not ASCII")?;
    let fields = header.strip_prefix("OAuth ").ok_or("not an OAuth header")?;
    let mut oauth: HashMap<String, String> = HashMap::new();
    for field in fields.split(", ") {
        let (k, v) = field.split_once('=').ok_or("field without =")?;
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or("unquoted value")?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        oauth.insert(decode(k), decode(v));
    }
    let get = |k: &str| oauth.get(k).cloned().ok_or(format!("no {k}"));
    if get("oauth_consumer_key")? != CONSUMER_KEY {
        return Err("unknown consumer key".into());
    }
    if get("oauth_token")? != ACCESS_TOKEN {
        return Err("unknown token".into());
    }
    if get("oauth_signature_method")? != "HMAC-SHA1" || get("oauth_version")? != "1.0" {
        return Err("unsupported method or version".into());
    }
    let ts: u64 = get("oauth_timestamp")?
        .parse()
        .map_err(|_| "bad timestamp")?;
    if ts.abs_diff(unix_now()) > 300 {
        return Err("timestamp out of range".into());
    }
    let nonce = get("oauth_nonce")?;
    if nonce.len() < 8 || !nonces.insert(nonce) {
        return Err("nonce reused or too short".into());
    }
    let signature = get("oauth_signature")?;
    let mut params: Vec<(String, String)> = oauth
        .iter()
        .filter(|(k, _)| k.as_str() != "oauth_signature")
        .map(|(k, v)| (pct(k), pct(v)))
        .collect();
    params.extend(req.url.query_pairs().map(|(k, v)| (pct(&k), pct(&v))));
    params.sort();
    let joined: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    // As a server sees it: the Host header names host and port (wiremock's own URL does not).
    let host = req
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .ok_or("no Host header")?;
    let uri = format!("http://{}{}", host.to_ascii_lowercase(), req.url.path());
    let base = format!(
        "{}&{}&{}",
        req.method.as_str(),
        pct(&uri),
        pct(&joined.join("&"))
    );
    let key = format!("{}&{}", pct(CONSUMER_SECRET), pct(ACCESS_TOKEN_SECRET));
    let mut mac =
        Hmac::<Sha1>::new_from_slice(key.as_bytes()).map_err(|e| format!("HMAC key: {e}"))?;
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if expected != signature {
        return Err(format!("signature mismatch for {base}"));
    }
    Ok(())
}
