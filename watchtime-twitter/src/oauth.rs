//! OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), as X requires for user-context calls.
//!
//! Written here rather than pulled in: the whole job is a percent-encoding, a sorted parameter
//! string and one HMAC, and the published examples below pin it down. What is signed: the method,
//! the base URI (scheme, host, non-default port, path), the query parameters and the `oauth_*`
//! parameters. A JSON body is not signed (RFC 5849 §3.4.1.3 signs only form-encoded bodies).
//!
//! Nonce and timestamp are arguments, so tests can reproduce published signatures exactly.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;
use url::Url;

/// RFC 3986 unreserved characters stay as they are; every other byte is `%XX` (upper case).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The four credentials of a user-context request: the app's consumer pair and the bot
/// account's access token pair.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) consumer_key: SecretString,
    pub(crate) consumer_secret: SecretString,
    pub(crate) token: SecretString,
    pub(crate) token_secret: SecretString,
}

/// Percent-encodes `s` as OAuth 1.0a requires (RFC 5849 §3.6).
pub(crate) fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The base string URI of `url` (RFC 5849 §3.4.1.2): scheme and host in lower case, the port only
/// when it is not the scheme's default, the path; no query, no fragment.
pub(crate) fn base_uri(url: &Url) -> String {
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        let _ = write!(out, ":{port}");
    }
    out.push_str(url.path());
    out
}

/// The signature base string (RFC 5849 §3.4.1): `METHOD&uri&params`, where `params` are all
/// signed parameters, encoded, sorted by name then value, and joined with `&`.
pub(crate) fn signature_base_string(
    method: &str,
    base_uri: &str,
    params: &[(&str, &str)],
) -> String {
    let mut encoded: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    encoded.sort();
    let joined = encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(base_uri),
        encode(&joined)
    )
}

/// The HMAC-SHA1 signature of `base_string`, base64-encoded, keyed by both secrets.
pub(crate) fn hmac_sha1_signature(
    base_string: &str,
    consumer_secret: &str,
    token_secret: &str,
) -> String {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    // HMAC takes keys of any length, so this cannot fail; an empty signature would only make
    // the server answer 401.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(base_string.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// The `Authorization` header value for a request to `url` (its query parameters are signed)
/// with `extra` parameters (form body parameters; none for JSON bodies).
pub(crate) fn authorization_header(
    creds: &Credentials,
    method: &str,
    url: &Url,
    extra: &[(&str, &str)],
    nonce: &str,
    timestamp: u64,
) -> String {
    let timestamp = timestamp.to_string();
    let oauth = [
        ("oauth_consumer_key", creds.consumer_key.expose_secret()),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", timestamp.as_str()),
        ("oauth_token", creds.token.expose_secret()),
        ("oauth_version", "1.0"),
    ];
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let mut params: Vec<(&str, &str)> = oauth.to_vec();
    params.extend(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    params.extend_from_slice(extra);
    let base = signature_base_string(method, &base_uri(url), &params);
    let signature = hmac_sha1_signature(
        &base,
        creds.consumer_secret.expose_secret(),
        creds.token_secret.expose_secret(),
    );
    let mut header = String::from("OAuth ");
    let mut fields: Vec<(&str, &str)> = oauth.to_vec();
    fields.push(("oauth_signature", &signature));
    fields.sort();
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            header.push_str(", ");
        }
        let _ = write!(header, "{}=\"{}\"", encode(k), encode(v));
    }
    header
}

/// A fresh nonce: 32 random hex digits, unique per request.
pub(crate) fn nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    /// RFC 5849 §1.2: the final request for the photo, signed with the token credentials.
    /// The example's signature was computed over the `http` URI (the RFC errata note this).
    #[test]
    fn rfc5849_example() {
        let url =
            Url::parse("http://photos.example.net/photos?file=vacation.jpg&size=original").unwrap();
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let mut params = vec![
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131202"),
            ("oauth_nonce", "chapoH"),
        ];
        params.extend(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let base = signature_base_string("GET", &base_uri(&url), &params);
        assert_eq!(
            base,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
             oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26\
             oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26\
             oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
        );
        assert_eq!(
            hmac_sha1_signature(&base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"),
            "MdpQcU8iPSUjWoN/UDMsK2sui9I="
        );
    }

    fn x_example_creds() -> Credentials {
        Credentials {
            consumer_key: secret("xvz1evFS4wEEPTGEFPHBog"),
            consumer_secret: secret("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"),
            token: secret("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
            token_secret: secret("LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"),
        }
    }

    /// X's "Creating a signature" page: a form-encoded status update with a query parameter.
    /// Its published signature holds for the old `api.twitter.com/1.1` URL the page was written
    /// with (the page now shows `api.x.com` but kept the old signature).
    fn x_example_header(url: &str) -> String {
        let url = Url::parse(url).unwrap();
        authorization_header(
            &x_example_creds(),
            "POST",
            &url,
            &[(
                "status",
                "Hello Ladies + Gentlemen, a signed OAuth request!",
            )],
            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
            1318622958,
        )
    }

    fn signature_of(header: &str) -> &str {
        let start = header.find("oauth_signature=\"").unwrap() + "oauth_signature=\"".len();
        let end = start + header[start..].find('"').unwrap();
        &header[start..end]
    }

    #[test]
    fn x_creating_a_signature_example() {
        let header = x_example_header(
            "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
        );
        assert_eq!(signature_of(&header), "hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D");
        assert_eq!(
            header,
            "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", \
             oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
             oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", \
             oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", \
             oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
             oauth_version=\"1.0\""
        );
        // The same request to another host signs differently: the URL is part of the signature.
        let moved =
            x_example_header("https://api.x.com/1.1/statuses/update.json?include_entities=true");
        assert_ne!(signature_of(&moved), signature_of(&header));
    }

    #[test]
    fn encoding_follows_rfc3986() {
        assert_eq!(encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
        assert_eq!(encode("-._~az09"), "-._~az09");
        assert_eq!(encode("☃!*'()"), "%E2%98%83%21%2A%27%28%29");
    }

    #[test]
    fn base_uri_keeps_only_non_default_ports() {
        let u = |s| base_uri(&Url::parse(s).unwrap());
        assert_eq!(
            u("HTTPS://API.X.com:443/2/tweets?a=b#f"),
            "https://api.x.com/2/tweets"
        );
        assert_eq!(
            u("http://127.0.0.1:8080/2/users/me"),
            "http://127.0.0.1:8080/2/users/me"
        );
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(nonce(), nonce());
        assert_eq!(nonce().len(), 32);
    }
}
