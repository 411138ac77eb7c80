//! Error types. Every message names the thing that is wrong, so a failed
//! request or a misconfigured environment can be fixed from the message
//! alone; none of them ever contains a secret.

use chrono::{DateTime, Utc};

/// Invalid or missing credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// A required environment variable is not set.
    #[error("environment variable {0} is not set")]
    MissingVar(&'static str),
    /// A required environment variable is set but empty.
    #[error("environment variable {0} is empty")]
    EmptyVar(&'static str),
    /// A value given directly is empty.
    #[error("the {0} is empty")]
    Empty(&'static str),
    /// Two environment variables that choose different credentials are
    /// both set (an IAM token and AK/SK): which to use is not guessed.
    #[error("both {0} and {1} are set; unset one to choose how to authenticate")]
    Conflict(&'static str, &'static str),
    /// A value (or environment variable) cannot be used.
    #[error("{what} is invalid: {reason}")]
    Invalid {
        /// The field or environment variable at fault.
        what: &'static str,
        /// Why it is rejected.
        reason: &'static str,
    },
}

/// A request that cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The URL has no host, so there is no `Host` header to sign.
    #[error("the request URL has no host; AK/SK signing needs one for the Host header")]
    MissingHost,
    /// A header that must be signed holds bytes other than visible ASCII,
    /// spaces and tabs.
    #[error("header `{0}` has a value that is not visible ASCII")]
    InvalidHeaderValue(String),
    /// A header that must be signed appears more than once.
    #[error("header `{0}` appears more than once; it must have a single value to be signed")]
    DuplicateHeader(String),
    /// The body is a stream, which cannot be hashed before it is sent.
    #[error(
        "the request body is a stream; AK/SK signing needs the whole body in memory to hash it"
    )]
    StreamedBody,
    /// The signing time does not fit the four-digit year of `X-Sdk-Date`.
    #[error("the signing time {0} cannot be written as YYYYMMDDTHHMMSSZ")]
    DateOutOfRange(DateTime<Utc>),
}

/// Why a received request's signature is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestVerifyError {
    /// There is no `Authorization` header.
    #[error("the request has no Authorization header")]
    MissingAuthorization,
    /// The `Authorization` header does not follow
    /// `<algorithm> Access=.., SignedHeaders=.., Signature=..`.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(&'static str),
    /// The algorithm is not `SDK-HMAC-SHA256`.
    #[error("unknown signing algorithm `{0}`; expected SDK-HMAC-SHA256")]
    UnknownAlgorithm(String),
    /// The access key is not the one this verifier knows.
    #[error("unknown access key `{0}`")]
    WrongAccessKey(String),
    /// A header listed in `SignedHeaders` is absent from the request.
    #[error("signed header `{0}` is missing from the request")]
    MissingSignedHeader(String),
    /// A header that must be covered by the signature is not listed in
    /// `SignedHeaders`.
    #[error("header `{0}` must be listed in SignedHeaders")]
    HeaderNotSigned(&'static str),
    /// A signed header appears more than once.
    #[error("signed header `{0}` appears more than once")]
    DuplicateHeader(String),
    /// A signed header's value is not visible ASCII.
    #[error("signed header `{0}` has a value that is not visible ASCII")]
    InvalidHeaderValue(String),
    /// `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("X-Sdk-Date `{0}` is not a UTC time in the form YYYYMMDDTHHMMSSZ")]
    MalformedDate(String),
    /// `X-Sdk-Date` is too far from the verifier's clock.
    #[error("X-Sdk-Date {date} is {skew_seconds} s away from the server time {now}, more than the allowed {window_seconds} s")]
    DateOutsideWindow {
        /// The request's signing time.
        date: DateTime<Utc>,
        /// The verifier's time.
        now: DateTime<Utc>,
        /// Absolute difference, in seconds.
        skew_seconds: i64,
        /// The allowed difference, in seconds.
        window_seconds: i64,
    },
    /// The request target is neither `/path?query` nor an absolute URL.
    #[error("request target `{0}` is neither an origin-form path nor an absolute URL")]
    InvalidTarget(String),
    /// The client declared `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` and the
    /// verifier does not accept unsigned bodies.
    #[error("the body is declared UNSIGNED-PAYLOAD, which this verifier does not accept")]
    UnsignedPayload,
    /// Everything parsed, but the recomputed signature differs.
    #[error("signature mismatch: the request was altered or signed with another secret key")]
    SignatureMismatch,
}
