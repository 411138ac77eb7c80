//! Producing `SDK-HMAC-SHA256` signatures.
//!
//! The signer covers exactly the headers it adds (`X-Sdk-Date`,
//! `X-Project-Id`, `X-Security-Token`) plus `Host` and, when the request has
//! one, `Content-Type`. Other headers (user agent, tracing, …) may change in
//! transit without breaking the signature.
//!
//! Unlike Huawei's Python SDK, the body is always hashed, whatever the
//! content type (the SDK declares `UNSIGNED-PAYLOAD` for non-JSON bodies);
//! the gateway accepts both because it follows the signed-header list.

use chrono::{DateTime, Utc};
use hmac::Mac;
use http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use std::fmt;
use url::{Position, Url};

use super::canonical::{self, CanonicalParts};
use super::{AkSkCredentials, SignError, ALGORITHM};

/// Signed-header lists, indexed by `content-type | project-id << 1 |
/// security-token << 2`; names are already in sorted order.
const SIGNED_HEADERS: [&str; 8] = [
    "host;x-sdk-date",
    "content-type;host;x-sdk-date",
    "host;x-project-id;x-sdk-date",
    "content-type;host;x-project-id;x-sdk-date",
    "host;x-sdk-date;x-security-token",
    "content-type;host;x-sdk-date;x-security-token",
    "host;x-project-id;x-sdk-date;x-security-token",
    "content-type;host;x-project-id;x-sdk-date;x-security-token",
];

/// Why a value the signer writes into a header is always a valid header
/// value: it is made of the algorithm name, the access key (visible ASCII
/// without `,`, checked by [`AkSkCredentials::new`]), header names, digits
/// and hex digits.
const VISIBLE_ASCII: &str = "the signer writes only visible ASCII into headers";

/// The headers a signature adds to a request.
///
/// `Debug` hides the security token.
#[derive(Clone, Debug)]
pub struct AuthHeaders {
    sdk_date: HeaderValue,
    authorization: HeaderValue,
    project_id: Option<HeaderValue>,
    security_token: Option<HeaderValue>,
}

impl AuthHeaders {
    /// The `Authorization` value:
    /// `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<hex>`.
    pub fn authorization(&self) -> &str {
        self.authorization.to_str().expect(VISIBLE_ASCII)
    }

    /// The `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ`.
    pub fn sdk_date(&self) -> &str {
        self.sdk_date.to_str().expect(VISIBLE_ASCII)
    }

    /// Every header to add, as (name, value) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (HeaderName, HeaderValue)> + '_ {
        [
            Some((
                HeaderName::from_static(super::HEADER_SDK_DATE),
                self.sdk_date.clone(),
            )),
            self.project_id
                .clone()
                .map(|v| (HeaderName::from_static(super::HEADER_PROJECT_ID), v)),
            self.security_token
                .clone()
                .map(|v| (HeaderName::from_static(super::HEADER_SECURITY_TOKEN), v)),
            Some((header::AUTHORIZATION, self.authorization.clone())),
        ]
        .into_iter()
        .flatten()
    }

    /// Inserts the headers into `headers`, replacing earlier values.
    pub fn apply_to(self, headers: &mut HeaderMap) {
        headers.insert(super::HEADER_SDK_DATE, self.sdk_date);
        if let Some(v) = self.project_id {
            headers.insert(super::HEADER_PROJECT_ID, v);
        }
        if let Some(v) = self.security_token {
            headers.insert(super::HEADER_SECURITY_TOKEN, v);
        }
        headers.insert(header::AUTHORIZATION, self.authorization);
    }
}

/// The intermediate texts of a signature, for debugging mismatches.
///
/// `Debug` masks the security token inside the canonical request; the
/// fields themselves hold the exact text that was hashed.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningDetails {
    /// `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED_HEADERS\nPAYLOAD_HASH`.
    pub canonical_request: String,
    /// `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256(canonical request)>`.
    pub string_to_sign: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

impl fmt::Debug for SigningDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked: Vec<&str> = self
            .canonical_request
            .split('\n')
            .map(|line| {
                if line.starts_with("x-security-token:") {
                    "x-security-token:<redacted>"
                } else {
                    line
                }
            })
            .collect();
        f.debug_struct("SigningDetails")
            .field("canonical_request", &masked.join("\n"))
            .field("string_to_sign", &self.string_to_sign)
            .field("authorization", &self.authorization)
            .finish()
    }
}

/// Returns the single value of `name`, or `None` when absent.
fn single<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h str>, SignError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(SignError::DuplicateHeader(name.as_str().to_owned()));
    }
    canonical::header_text(first.as_bytes())
        .map(Some)
        .ok_or_else(|| SignError::InvalidHeaderValue(name.as_str().to_owned()))
}

/// What a finished signature computation yields.
struct Computed {
    headers: AuthHeaders,
    canonical_query: Option<String>,
    details: Option<SigningDetails>,
}

impl AkSkCredentials {
    /// Signs a request and returns the headers to add to it.
    ///
    /// `url` is the full request URL (its authority becomes `Host` unless
    /// `headers` already has one), `headers` are the headers that will be
    /// sent (only `Content-Type` and `Host` are read), `body` the exact body
    /// bytes and `now` the signing time.
    ///
    /// Errors instead of panicking on a URL without a host, a header value
    /// that is not visible ASCII, or a time outside years 0–9999.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use live_record_callbacks::auth::AkSkCredentials;
    ///
    /// let creds = AkSkCredentials::new("AK", "SK")?;
    /// let url = url::Url::parse("https://live.cn-north-4.myhuaweicloud.com/v1/p/record/callbacks")?;
    /// let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    /// let signed = creds.sign(&http::Method::GET, &url, &http::HeaderMap::new(), b"", now)?;
    /// assert_eq!(signed.sdk_date(), "20240101T000000Z");
    /// assert!(signed.authorization().contains("SignedHeaders=host;x-sdk-date,"));
    ///
    /// let mut headers = http::HeaderMap::new();
    /// signed.apply_to(&mut headers);
    /// assert!(headers.contains_key("authorization"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign(
        &self,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<AuthHeaders, SignError> {
        self.compute(method.as_str(), url, headers, body, now, false)
            .map(|c| c.headers)
    }

    /// Like [`AkSkCredentials::sign`], but returns the canonical request and
    /// string to sign as well, for comparing against another signer.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use live_record_callbacks::auth::AkSkCredentials;
    ///
    /// let creds = AkSkCredentials::new("AK", "SK")?;
    /// let url = url::Url::parse("https://h.example/a b/?z=1&a=*")?;
    /// let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    /// let d = creds.explain(&http::Method::GET, &url, &http::HeaderMap::new(), b"", now)?;
    /// assert!(d.canonical_request.starts_with("GET\n/a%20b/\na=%2A&z=1\nhost:h.example\n"));
    /// assert!(d.string_to_sign.starts_with("SDK-HMAC-SHA256\n20240101T000000Z\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(
        &self,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<SigningDetails, SignError> {
        Ok(self
            .compute(method.as_str(), url, headers, body, now, true)?
            .details
            .expect("compute(.., explain = true) always returns the details"))
    }

    /// Signs a reqwest request in place: adds `X-Sdk-Date`, `X-Project-Id`,
    /// `X-Security-Token` (when set) and `Authorization`.
    ///
    /// This is meant for a request hook (progenitor's `ClientHooks::pre`).
    /// Like Huawei's SDKs, it rewrites the URL's query into its canonical
    /// form (sorted, `%20` for spaces), so the gateway reads exactly the
    /// pairs that were signed. A streamed body cannot be hashed up front and
    /// is an error.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use live_record_callbacks::auth::AkSkCredentials;
    ///
    /// let creds = AkSkCredentials::new("AK", "SK")?;
    /// let mut req = reqwest::Request::new(
    ///     reqwest::Method::GET,
    ///     "https://live.cn-north-4.myhuaweicloud.com/v1/p/record/callbacks?limit=10&app=a+b".parse()?,
    /// );
    /// creds.sign_reqwest(&mut req, Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap())?;
    /// assert_eq!(req.url().query(), Some("app=a%20b&limit=10"));
    /// assert_eq!(req.headers()["x-sdk-date"], "20240101T000000Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign_reqwest(
        &self,
        req: &mut reqwest::Request,
        now: DateTime<Utc>,
    ) -> Result<(), SignError> {
        let body: &[u8] = match req.body() {
            None => &[],
            Some(b) => b.as_bytes().ok_or(SignError::StreamedBody)?,
        };
        let computed = self.compute(
            req.method().as_str(),
            req.url(),
            req.headers(),
            body,
            now,
            false,
        )?;
        if let Some(q) = computed.canonical_query {
            if req.url().query() != Some(q.as_str()) {
                req.url_mut()
                    .set_query((!q.is_empty()).then_some(q.as_str()));
            }
        }
        computed.headers.apply_to(req.headers_mut());
        Ok(())
    }

    fn compute(
        &self,
        method: &str,
        url: &Url,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
        explain: bool,
    ) -> Result<Computed, SignError> {
        let host = match single(headers, &header::HOST)? {
            Some(h) => h,
            None if url.has_host() => &url[Position::BeforeHost..Position::AfterPort],
            None => return Err(SignError::MissingHost),
        };
        if host.is_empty() {
            return Err(SignError::MissingHost);
        }
        let content_type = single(headers, &header::CONTENT_TYPE)?;
        let date_bytes = canonical::sdk_date(now)?;
        let date = std::str::from_utf8(&date_bytes).expect(VISIBLE_ASCII);
        let canonical_query = url.query().map(canonical::canonical_query);
        // Both were checked to be visible ASCII when the credentials were made.
        let project_id = self
            .project_id
            .as_ref()
            .map(|v| v.to_str().expect(VISIBLE_ASCII));
        let token = self
            .security_token
            .as_ref()
            .map(|v| v.to_str().expect(VISIBLE_ASCII));

        let mut list: [(&str, &str); 5] = [("", ""); 5];
        let mut n = 0;
        let mut push = |name, value| {
            list[n] = (name, value);
            n += 1;
        };
        if let Some(ct) = content_type {
            push("content-type", ct);
        }
        push("host", host);
        if let Some(p) = project_id {
            push(super::HEADER_PROJECT_ID, p);
        }
        push(super::HEADER_SDK_DATE, date);
        if let Some(t) = token {
            push(super::HEADER_SECURITY_TOKEN, t);
        }
        let signed = SIGNED_HEADERS[usize::from(content_type.is_some())
            | usize::from(project_id.is_some()) << 1
            | usize::from(token.is_some()) << 2];

        let payload = canonical::payload_hash(body);
        let parts = CanonicalParts {
            method,
            raw_path: url.path(),
            canonical_query: canonical_query.as_deref().unwrap_or(""),
            headers: &list[..n],
            signed_headers: signed,
            payload_hash: &payload,
        };
        let canonical_hash = parts.hash();
        let signature = canonical::hex32(&self.raw_signature(date, &canonical_hash));

        let mut authorization =
            String::with_capacity(ALGORITHM.len() + self.access_key.len() + signed.len() + 64 + 40);
        for piece in [
            ALGORITHM,
            " Access=",
            &self.access_key,
            ", SignedHeaders=",
            signed,
            ", Signature=",
            std::str::from_utf8(&signature).expect(VISIBLE_ASCII),
        ] {
            authorization.push_str(piece);
        }
        let details = explain.then(|| SigningDetails {
            canonical_request: parts.text(),
            string_to_sign: format!(
                "{ALGORITHM}\n{date}\n{}",
                String::from_utf8_lossy(&canonical_hash)
            ),
            authorization: authorization.clone(),
        });
        Ok(Computed {
            headers: AuthHeaders {
                sdk_date: HeaderValue::from_bytes(&date_bytes).expect(VISIBLE_ASCII),
                authorization: HeaderValue::try_from(authorization).expect(VISIBLE_ASCII),
                project_id: self.project_id.clone(),
                security_token: self.security_token.clone(),
            },
            canonical_query,
            details,
        })
    }

    /// HMAC-SHA256(SK, string to sign), fed piecewise.
    pub(crate) fn raw_signature(&self, date: &str, canonical_hash: &[u8]) -> [u8; 32] {
        let mut mac = (*self.mac).clone();
        mac.update(ALGORITHM.as_bytes());
        mac.update(b"\n");
        mac.update(date.as_bytes());
        mac.update(b"\n");
        mac.update(canonical_hash);
        mac.finalize().into_bytes().into()
    }
}
