//! Huawei Cloud regions that offer the Live API, and their endpoints.
//!
//! The endpoint follows one pattern, `https://live.{region}.myhuaweicloud.com`;
//! [`Region::Custom`] covers anything else (a proxy, an emulator, a region
//! added after this list was written).

use std::fmt;
use std::str::FromStr;
use url::Url;

/// Environment variable naming the region (same name as Huawei's SDKs).
pub const ENV_REGION: &str = "HUAWEICLOUD_SDK_REGION";
/// Environment variable holding a base URL to call instead of a region's
/// endpoint (an emulator, a proxy).
pub const ENV_ENDPOINT: &str = "LIVE_ENDPOINT";

/// A Live region, or a custom endpoint.
///
/// ```
/// use live_record_callbacks::region::Region;
///
/// let r: Region = "cn-north-4".parse()?;
/// assert_eq!(r, Region::CnNorth4);
/// assert_eq!(r.endpoint(), "https://live.cn-north-4.myhuaweicloud.com");
/// assert_eq!(r.to_string(), "cn-north-4");
///
/// let local: Region = "http://127.0.0.1:8080".parse()?;
/// assert_eq!(local.endpoint(), "http://127.0.0.1:8080");
///
/// let err = "mars-1".parse::<Region>().unwrap_err();
/// assert!(err.to_string().contains("cn-north-4, cn-north-1, cn-east-3, ap-southeast-2, ap-southeast-3"));
/// # Ok::<(), live_record_callbacks::region::ParseRegionError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `cn-north-4` (Beijing 4).
    CnNorth4,
    /// `cn-north-1` (Beijing 1).
    CnNorth1,
    /// `cn-east-3` (Shanghai 1).
    CnEast3,
    /// `ap-southeast-2` (Bangkok).
    ApSoutheast2,
    /// `ap-southeast-3` (Singapore).
    ApSoutheast3,
    /// Any other base URL, used as is.
    Custom(Url),
}

impl Region {
    /// The five known regions, in documentation order.
    pub const KNOWN: [Region; 5] = [
        Region::CnNorth4,
        Region::CnNorth1,
        Region::CnEast3,
        Region::ApSoutheast2,
        Region::ApSoutheast3,
    ];

    /// The region id (`cn-north-4`, …), or `None` for a custom endpoint.
    pub fn id(&self) -> Option<&'static str> {
        Some(match self {
            Region::CnNorth4 => "cn-north-4",
            Region::CnNorth1 => "cn-north-1",
            Region::CnEast3 => "cn-east-3",
            Region::ApSoutheast2 => "ap-southeast-2",
            Region::ApSoutheast3 => "ap-southeast-3",
            Region::Custom(_) => return None,
        })
    }

    /// The base URL, without a trailing slash so that API paths can be
    /// appended directly.
    ///
    /// ```
    /// use live_record_callbacks::region::Region;
    ///
    /// assert_eq!(Region::ApSoutheast3.endpoint(), "https://live.ap-southeast-3.myhuaweicloud.com");
    /// ```
    pub fn endpoint(&self) -> String {
        match (self.id(), self) {
            (Some(id), _) => format!("https://live.{id}.myhuaweicloud.com"),
            (None, Region::Custom(url)) => url.as_str().trim_end_matches('/').to_owned(),
            (None, _) => String::new(),
        }
    }

    /// Where to send requests, from the process environment; see
    /// [`Region::from_env_with`] for the rule.
    pub fn from_env() -> Result<Self, RegionEnvError> {
        Self::from_env_with(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// Like [`Region::from_env`], reading variables through `lookup`.
    ///
    /// The rule: `LIVE_ENDPOINT` (an `http(s)://` URL) or
    /// `HUAWEICLOUD_SDK_REGION` (a region id), not both; neither gives
    /// [`Region::CnNorth4`]. Empty variables count as unset; an error names
    /// the variable at fault.
    ///
    /// ```
    /// use live_record_callbacks::region::{Region, RegionEnvError};
    ///
    /// let none = |_: &str| None;
    /// assert_eq!(Region::from_env_with(none)?, Region::CnNorth4);
    ///
    /// let region = |name: &str| (name == "HUAWEICLOUD_SDK_REGION").then(|| "ap-southeast-3".to_string());
    /// assert_eq!(Region::from_env_with(region)?, Region::ApSoutheast3);
    ///
    /// let local = |name: &str| (name == "LIVE_ENDPOINT").then(|| "http://127.0.0.1:8080".to_string());
    /// assert_eq!(Region::from_env_with(local)?.endpoint(), "http://127.0.0.1:8080");
    ///
    /// let both = |_: &str| Some("cn-north-4".to_string());
    /// let err = Region::from_env_with(both).unwrap_err();
    /// assert_eq!(err, RegionEnvError::Both);
    /// assert!(err.to_string().contains("HUAWEICLOUD_SDK_REGION and LIVE_ENDPOINT"));
    /// # Ok::<(), RegionEnvError>(())
    /// ```
    pub fn from_env_with<F>(mut lookup: F) -> Result<Self, RegionEnvError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        let mut set = |name: &str| lookup(name).filter(|v| !v.is_empty());
        match (set(ENV_REGION), set(ENV_ENDPOINT)) {
            (Some(_), Some(_)) => Err(RegionEnvError::Both),
            (None, Some(url)) => Region::custom(&url).map_err(|_| RegionEnvError::Endpoint(url)),
            (Some(id), None) => id.parse().map_err(RegionEnvError::Region),
            (None, None) => Ok(Region::CnNorth4),
        }
    }

    /// A custom endpoint from an `http` or `https` URL.
    ///
    /// ```
    /// use live_record_callbacks::region::Region;
    ///
    /// assert!(Region::custom("https://live.example.test/").is_ok());
    /// assert!(Region::custom("ftp://example.test").is_err());
    /// ```
    pub fn custom(url: &str) -> Result<Self, ParseRegionError> {
        let parsed = Url::parse(url).map_err(|_| ParseRegionError(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
            return Err(ParseRegionError(url.to_owned()));
        }
        Ok(Region::Custom(parsed))
    }
}

impl fmt::Display for Region {
    /// The region id, or the custom endpoint's URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id() {
            Some(id) => f.write_str(id),
            None => f.write_str(&self.endpoint()),
        }
    }
}

impl FromStr for Region {
    type Err = ParseRegionError;

    /// Accepts a region id or an `http(s)://` URL (a custom endpoint).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(r) = Region::KNOWN.iter().find(|r| r.id() == Some(s)) {
            return Ok(r.clone());
        }
        if s.starts_with("http://") || s.starts_with("https://") {
            return Region::custom(s);
        }
        Err(ParseRegionError(s.to_owned()))
    }
}

/// A string that is neither a known region id nor an `http(s)` URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown region `{0}`; expected one of cn-north-4, cn-north-1, cn-east-3, \
     ap-southeast-2, ap-southeast-3, or an http(s):// endpoint URL"
)]
pub struct ParseRegionError(pub String);

/// Why the environment names no usable region or endpoint
/// ([`Region::from_env`]); each message names the variable at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegionEnvError {
    /// Both variables are set.
    #[error("both {ENV_REGION} and {ENV_ENDPOINT} are set; set a region id or an endpoint URL, not both")]
    Both,
    /// `HUAWEICLOUD_SDK_REGION` is not a known region id.
    #[error("{ENV_REGION}: {0}")]
    Region(ParseRegionError),
    /// `LIVE_ENDPOINT` is not an `http(s)://` URL with a host.
    #[error("{ENV_ENDPOINT}: `{0}` is not an http:// or https:// URL with a host")]
    Endpoint(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for r in Region::KNOWN {
            assert_eq!(r.to_string().parse::<Region>().ok(), Some(r.clone()));
            assert!(r.endpoint().starts_with("https://live."));
        }
        let custom = Region::custom("http://127.0.0.1:9/base").ok();
        let shown = custom.as_ref().map(ToString::to_string);
        assert_eq!(shown.as_deref(), Some("http://127.0.0.1:9/base"));
        assert_eq!(shown.and_then(|s| s.parse().ok()), custom);
        assert!("".parse::<Region>().is_err());
        assert!("https://".parse::<Region>().is_err());
    }
}
