//! The canonical request of `SDK-HMAC-SHA256`, written straight into a
//! hasher so that signing does not build the text in memory.
//!
//! Encoding rules follow Huawei's Python SDK (`huaweicloudsdkcore` 3.1.219,
//! `signer.py`), which the differential test checks byte for byte:
//!
//! * path: percent-decode (invalid UTF-8 becomes U+FFFD, a `%` not followed
//!   by two hex digits stays literal, `+` stays `+`), then percent-encode
//!   everything except `A-Z a-z 0-9 - . _ ~` and `/`; end with `/`.
//! * query: decode `application/x-www-form-urlencoded` pairs (`+` is a space,
//!   a key without `=` has an empty value), sort the *decoded* pairs by key
//!   then value, encode both like path segments, join with `&`.
//!
//! The Python SDK never parses a query: it gets the decoded pairs from its
//! caller and puts the canonical string on the wire. Decoding `+` as a space
//! is what Huawei's Go signer does (`url.Query()`), and it is what reqwest
//! (serde_urlencoded) means when it writes a space as `+`.

use chrono::{DateTime, Datelike, Timelike, Utc};
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

use super::SignError;

/// SHA-256 of the empty string, used for requests without a body.
pub(crate) const EMPTY_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Something the canonical request can be written to: a hasher when
/// signing, a buffer when explaining.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes `input`, leaving unreserved bytes (and `/` when
/// `keep_slash`) as they are. Runs of plain bytes go out in one call.
pub(crate) fn encode_into<S: Sink + ?Sized>(sink: &mut S, input: &[u8], keep_slash: bool) {
    let mut start = 0;
    for (i, &b) in input.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        if start < i {
            sink.put(&input[start..i]);
        }
        sink.put(&[
            b'%',
            HEX_UPPER[usize::from(b >> 4)],
            HEX_UPPER[usize::from(b & 0x0f)],
        ]);
        start = i + 1;
    }
    if start < input.len() {
        sink.put(&input[start..]);
    }
}

/// Writes the canonical URI of a raw (as sent) path.
pub(crate) fn write_canonical_uri<S: Sink + ?Sized>(sink: &mut S, raw_path: &str) {
    let decoded = percent_decode_str(raw_path).decode_utf8_lossy();
    encode_into(sink, decoded.as_bytes(), true);
    if !decoded.ends_with('/') {
        sink.put(b"/");
    }
}

/// The canonical query string of a raw query (without `?`); empty when
/// there are no pairs.
pub(crate) fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
        url::form_urlencoded::parse(raw_query.as_bytes()).collect();
    pairs.sort_unstable();
    let mut out = Vec::with_capacity(raw_query.len() + 16);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        encode_into(&mut out, k.as_bytes(), false);
        out.push(b'=');
        encode_into(&mut out, v.as_bytes(), false);
    }
    String::from_utf8(out).expect("only ASCII was written")
}

/// Checks that a header value is visible ASCII (spaces and tabs allowed
/// inside) and returns it without surrounding whitespace.
pub(crate) fn header_text(value: &[u8]) -> Option<&str> {
    if !value
        .iter()
        .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    std::str::from_utf8(value)
        .ok()
        .map(|s| s.trim_matches([' ', '\t']))
}

/// Formats `t` as `YYYYMMDDTHHMMSSZ` without going through `format!`.
pub(crate) fn sdk_date(t: DateTime<Utc>) -> Result<[u8; 16], SignError> {
    let year = u32::try_from(t.year())
        .ok()
        .filter(|y| *y <= 9999)
        .ok_or(SignError::DateOutOfRange(t))?;
    let mut out = *b"00000000T000000Z";
    let mut put = |pos: usize, width: usize, mut v: u32| {
        for i in (pos..pos + width).rev() {
            // v % 10 < 10, so the cast cannot truncate.
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year);
    put(4, 2, t.month());
    put(6, 2, t.day());
    put(9, 2, t.hour());
    put(11, 2, t.minute());
    put(13, 2, t.second().min(59));
    Ok(out)
}

/// Parses a strict `YYYYMMDDTHHMMSSZ` value.
pub(crate) fn parse_sdk_date(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !digits(0..8) || !digits(9..15) {
        return None;
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|n| n.and_utc())
}

/// Lowercase hex of a 32-byte digest, on the stack.
pub(crate) fn hex32(digest: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    hex::encode_to_slice(digest, &mut out).expect("only 32-byte digests are passed");
    out
}

/// Lowercase hex SHA-256 of `body` (the fixed empty hash when empty).
pub(crate) fn payload_hash(body: &[u8]) -> [u8; 64] {
    if body.is_empty() {
        let mut out = [0u8; 64];
        out.copy_from_slice(EMPTY_HASH.as_bytes());
        return out;
    }
    hex32(&Sha256::digest(body))
}

/// Everything that goes into a canonical request, borrowed.
pub(crate) struct CanonicalParts<'a> {
    pub method: &'a str,
    pub raw_path: &'a str,
    pub canonical_query: &'a str,
    /// `(lowercase name, trimmed value)` in signed-header order.
    pub headers: &'a [(&'a str, &'a str)],
    pub signed_headers: &'a str,
    pub payload_hash: &'a [u8],
}

impl CanonicalParts<'_> {
    /// Writes `METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nHASH`.
    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        let method = self.method.as_bytes();
        if method.iter().any(u8::is_ascii_lowercase) {
            for b in method {
                sink.put(&[b.to_ascii_uppercase()]);
            }
        } else {
            sink.put(method);
        }
        sink.put(b"\n");
        write_canonical_uri(sink, self.raw_path);
        sink.put(b"\n");
        sink.put(self.canonical_query.as_bytes());
        sink.put(b"\n");
        for (name, value) in self.headers {
            sink.put(name.as_bytes());
            sink.put(b":");
            sink.put(value.as_bytes());
            sink.put(b"\n");
        }
        sink.put(b"\n");
        sink.put(self.signed_headers.as_bytes());
        sink.put(b"\n");
        sink.put(self.payload_hash);
    }

    /// Lowercase hex SHA-256 of the canonical request.
    pub(crate) fn hash(&self) -> [u8; 64] {
        let mut hasher = Sha256::new();
        self.write(&mut hasher);
        hex32(&hasher.finalize())
    }

    /// The canonical request as text, for debugging.
    pub(crate) fn text(&self) -> String {
        let mut buf = Vec::with_capacity(512);
        self.write(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(p: &str) -> String {
        let mut v = Vec::new();
        write_canonical_uri(&mut v, p);
        String::from_utf8(v).unwrap_or_default()
    }

    #[test]
    fn uri_rules() {
        assert_eq!(uri("/a b/%7e/*"), "/a%20b/~/%2A/");
        assert_eq!(uri("/x/"), "/x/");
        assert_eq!(uri("/a%2Fb"), "/a/b/");
        assert_eq!(uri("/%zz+"), "/%25zz%2B/");
        assert_eq!(uri("/%FF"), "/%EF%BF%BD/");
        assert_eq!(uri(""), "/");
    }

    #[test]
    fn query_rules() {
        assert_eq!(
            canonical_query("b=2&a=*&a=1&flag&c=a+b%2B"),
            "a=%2A&a=1&b=2&c=a%20b%2B&flag="
        );
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn dates() {
        use chrono::TimeZone;
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).single();
        let t = t.unwrap_or_default();
        assert_eq!(&sdk_date(t).unwrap_or_default(), b"20240102T030405Z");
        assert_eq!(parse_sdk_date("20240102T030405Z"), Some(t));
        assert_eq!(parse_sdk_date("2024-01-02T03:04:05Z"), None);
        assert_eq!(parse_sdk_date("20241302T030405Z"), None);
    }
}
