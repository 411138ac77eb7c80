//! Checking a received request's `SDK-HMAC-SHA256` signature, the way
//! Huawei's API gateway does: recompute it over the headers the client
//! listed in `SignedHeaders` and compare in constant time.

use chrono::{DateTime, TimeDelta, Utc};
use http::{header, HeaderMap};
use std::time::Duration;
use subtle::ConstantTimeEq;

use super::canonical::{self, CanonicalParts};
use super::{AkSkCredentials, RequestVerifyError, ALGORITHM};

/// How far `X-Sdk-Date` may be from the verifier's clock by default: 15
/// minutes, like the gateway.
pub const SDK_DATE_WINDOW: Duration = Duration::from_secs(15 * 60);

const CONTENT_SHA256: &str = "x-sdk-content-sha256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Verifies AK/SK signatures made with one access key.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use live_record_callbacks::auth::{AkSkCredentials, RequestVerifier, RequestVerifyError};
/// use std::time::Duration;
///
/// let creds = AkSkCredentials::new("AK", "SK")?;
/// let url = url::Url::parse("https://h.example/v1/p/record/callbacks?limit=10")?;
/// let t = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
/// let mut headers = http::HeaderMap::new();
/// creds.sign(&http::Method::GET, &url, &headers, b"", t)?.apply_to(&mut headers);
/// headers.insert("host", http::HeaderValue::from_static("h.example"));
///
/// let verifier = RequestVerifier::new(&creds).with_window(Duration::from_secs(60));
/// verifier.verify("GET", "/v1/p/record/callbacks?limit=10", &headers, b"", t)?;
/// let late = t + chrono::TimeDelta::minutes(2);
/// assert!(matches!(
///     verifier.verify("GET", "/v1/p/record/callbacks?limit=10", &headers, b"", late),
///     Err(RequestVerifyError::DateOutsideWindow { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct RequestVerifier {
    credentials: AkSkCredentials,
    window: Duration,
    allow_unsigned_payload: bool,
}

/// The three fields of an `Authorization` header.
struct Authorization<'a> {
    access: &'a str,
    signed_headers: &'a str,
    signature: [u8; 32],
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, RequestVerifyError> {
    let malformed = RequestVerifyError::MalformedAuthorization;
    let (algorithm, rest) = value.trim().split_once(' ').ok_or(malformed(
        "expected `<algorithm> Access=.., SignedHeaders=.., Signature=..`",
    ))?;
    if algorithm != ALGORITHM {
        return Err(RequestVerifyError::UnknownAlgorithm(algorithm.to_owned()));
    }
    let (mut access, mut signed, mut signature) = (None, None, None);
    for field in rest.split(',') {
        let (key, val) = field
            .trim()
            .split_once('=')
            .ok_or(malformed("a field is not `key=value`"))?;
        let slot = match key {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => {
                return Err(malformed(
                    "unknown field; expected Access, SignedHeaders, Signature",
                ))
            }
        };
        if slot.replace(val).is_some() {
            return Err(malformed("a field appears twice"));
        }
    }
    let access = access
        .filter(|a| !a.is_empty())
        .ok_or(malformed("missing Access"))?;
    let signed_headers = signed
        .filter(|s| !s.is_empty())
        .ok_or(malformed("missing SignedHeaders"))?;
    let hex_sig = signature.ok_or(malformed("missing Signature"))?;
    let mut raw = [0u8; 32];
    if hex_sig.len() != 64 || hex::decode_to_slice(hex_sig, &mut raw).is_err() {
        return Err(malformed("Signature is not 64 hex digits"));
    }
    Ok(Authorization {
        access,
        signed_headers,
        signature: raw,
    })
}

impl RequestVerifier {
    /// A verifier for `credentials`, with the default 15-minute window.
    pub fn new(credentials: &AkSkCredentials) -> Self {
        Self {
            credentials: credentials.clone(),
            window: SDK_DATE_WINDOW,
            allow_unsigned_payload: false,
        }
    }

    /// Sets how far `X-Sdk-Date` may be from `now`, either way.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Accepts requests whose signed `X-Sdk-Content-Sha256` is
    /// `UNSIGNED-PAYLOAD` (Huawei's SDKs send that for non-JSON bodies).
    /// Off by default, because then the body is not protected at all.
    pub fn allow_unsigned_payload(mut self, allow: bool) -> Self {
        self.allow_unsigned_payload = allow;
        self
    }

    /// Verifies a received request.
    ///
    /// `target` is the request target as received: origin form
    /// (`/path?query`) or an absolute URL (whose authority stands in for a
    /// missing `Host` header). `headers` are the received headers and `body`
    /// the exact body bytes.
    ///
    /// Fails on a missing or malformed `Authorization`, an algorithm other
    /// than `SDK-HMAC-SHA256`, another access key, a signed header missing
    /// from the request, `Host` or `X-Sdk-Date` left out of the signature, a
    /// date outside the window, or a signature that does not match.
    pub fn verify(
        &self,
        method: &str,
        target: &str,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), RequestVerifyError> {
        let (path, query, authority) = split_target(target)?;
        let auth_value = headers
            .get(header::AUTHORIZATION)
            .ok_or(RequestVerifyError::MissingAuthorization)?;
        let auth_value = auth_value
            .to_str()
            .map_err(|_| RequestVerifyError::MalformedAuthorization("not visible ASCII"))?;
        let auth = parse_authorization(auth_value)?;
        if auth.access != self.credentials.access_key {
            return Err(RequestVerifyError::WrongAccessKey(auth.access.to_owned()));
        }

        let mut list: Vec<(&str, &str)> = Vec::with_capacity(8);
        for name in auth.signed_headers.split(';') {
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                return Err(RequestVerifyError::MalformedAuthorization(
                    "SignedHeaders must be lowercase header names separated by `;`",
                ));
            }
            if list.iter().any(|(n, _)| *n == name) {
                return Err(RequestVerifyError::MalformedAuthorization(
                    "SignedHeaders lists a header twice",
                ));
            }
            let mut values = headers.get_all(name).iter();
            let value = match (values.next(), name) {
                (Some(v), _) => {
                    if values.next().is_some() {
                        return Err(RequestVerifyError::DuplicateHeader(name.to_owned()));
                    }
                    canonical::header_text(v.as_bytes())
                        .ok_or_else(|| RequestVerifyError::InvalidHeaderValue(name.to_owned()))?
                }
                (None, "host") => authority
                    .ok_or_else(|| RequestVerifyError::MissingSignedHeader(name.to_owned()))?,
                (None, _) => return Err(RequestVerifyError::MissingSignedHeader(name.to_owned())),
            };
            list.push((name, value));
        }
        let signed_value = |name: &str| list.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        // `host` need not be signed: Huawei's Go core SDK (its signer's
        // SignedHeaders never list it) is answered by the real gateway, and
        // an emulator stricter than the service would refuse the official
        // SDK. `x-sdk-date` must be: the window check needs a signed time.
        let date_text = signed_value(super::HEADER_SDK_DATE)
            .ok_or(RequestVerifyError::HeaderNotSigned(super::HEADER_SDK_DATE))?;
        let date = canonical::parse_sdk_date(date_text)
            .ok_or_else(|| RequestVerifyError::MalformedDate(date_text.to_owned()))?;
        let skew = (now - date).abs();
        let window = TimeDelta::from_std(self.window).unwrap_or(TimeDelta::MAX);
        if skew > window {
            return Err(RequestVerifyError::DateOutsideWindow {
                date,
                now,
                skew_seconds: skew.num_seconds(),
                window_seconds: window.num_seconds(),
            });
        }

        let declared = signed_value(CONTENT_SHA256);
        let body_hash = canonical::payload_hash(body);
        let payload: &[u8] = match declared {
            Some(UNSIGNED_PAYLOAD) if !body.is_empty() => {
                if !self.allow_unsigned_payload {
                    return Err(RequestVerifyError::UnsignedPayload);
                }
                // The literal text stands in for the hash, as in the SDKs.
                UNSIGNED_PAYLOAD.as_bytes()
            }
            _ => &body_hash,
        };

        let query = query.map(canonical::canonical_query).unwrap_or_default();
        let parts = CanonicalParts {
            method,
            raw_path: path,
            canonical_query: &query,
            headers: &list,
            signed_headers: auth.signed_headers,
            payload_hash: payload,
        };
        let expected = self.credentials.raw_signature(date_text, &parts.hash());
        if bool::from(expected.ct_eq(&auth.signature)) {
            Ok(())
        } else {
            Err(RequestVerifyError::SignatureMismatch)
        }
    }
}

/// Splits a request target into path, query and (for absolute URLs) the
/// authority.
fn split_target(target: &str) -> Result<(&str, Option<&str>, Option<&str>), RequestVerifyError> {
    let invalid = || RequestVerifyError::InvalidTarget(target.to_owned());
    let (target, authority) = if target.starts_with('/') {
        (target, None)
    } else {
        let (scheme, rest) = target.split_once("://").ok_or_else(invalid)?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(invalid());
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if authority.is_empty() {
            return Err(invalid());
        }
        // An empty path canonicalises to `/`, like the URL it stands for.
        (&rest[end..], Some(authority))
    };
    let target = target.split_once('#').map_or(target, |(t, _)| t);
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    Ok((path, query, authority))
}

impl AkSkCredentials {
    /// Verifies a received request with the default window; see
    /// [`RequestVerifier::verify`].
    pub fn verify(
        &self,
        method: &str,
        target: &str,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), RequestVerifyError> {
        RequestVerifier::new(self).verify(method, target, headers, body, now)
    }
}
