//! Paging through `ListRecordCallbackConfigs`: the bounded `offset` and
//! `limit` values, and a stream that walks every page.
//!
//! The generated code would take any `i32` for `offset` and any non-zero
//! `u32` for `limit` (typify does not enforce integer ranges), so these two
//! hand-written types stand in for the document's `PageOffset` and
//! `PageLimit` schemas and refuse out-of-range values before anything is
//! sent. `tests/client/paging.rs` checks their bounds against the document.

use std::fmt;

use futures::{Stream, TryStreamExt};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ApiError;
use crate::types::{self, RecordCallbackConfig};
use crate::Client;

/// Why a page offset or limit is out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} must be between {min} and {max}, got {value}")]
pub struct OutOfRange {
    /// `offset` or `limit`.
    pub field: &'static str,
    /// The value given.
    pub value: i64,
    /// The smallest allowed value.
    pub min: i64,
    /// The largest allowed value.
    pub max: i64,
}

macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:literal ..= $max:literal, default $default:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u16);

        impl $name {
            /// The smallest value the contract allows.
            pub const MIN: u16 = $min;
            /// The largest value the contract allows.
            pub const MAX: u16 = $max;
            /// The service's value when the parameter is left out.
            pub const DEFAULT: Self = Self($default);

            /// The value, for arithmetic.
            pub fn get(self) -> u16 {
                self.0
            }

            fn check(value: i64) -> Result<Self, OutOfRange> {
                if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&value) {
                    Ok(Self(value as u16))
                } else {
                    Err(OutOfRange { field: $field, value, min: Self::MIN.into(), max: Self::MAX.into() })
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::DEFAULT
            }
        }

        // One integer type only, so that a literal (`.limit(10)`) infers it.
        bounded!(@from $name: i64);

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let value: i64 = s.trim().parse().map_err(|_| format!("{} must be a whole number, got {s:?}", $field))?;
                Self::check(value).map_err(|e| e.to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u16(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Self::check(i64::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }
            fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
                // The type only: the bounds live in the document.
                schemars::schema::SchemaObject {
                    instance_type: Some(schemars::schema::InstanceType::Integer.into()),
                    ..Default::default()
                }
                .into()
            }
        }
    };
    (@from $name:ident: $($t:ty),*) => {$(
        impl TryFrom<$t> for $name {
            type Error = OutOfRange;
            fn try_from(value: $t) -> Result<Self, OutOfRange> {
                Self::check(value)
            }
        }
    )*};
}

bounded!(
    /// `offset` of a list call: how many matching configs to skip (0–4096).
    ///
    /// ```
    /// use live_record_callbacks::paging::PageOffset;
    /// assert_eq!(PageOffset::try_from(4096).unwrap().get(), 4096);
    /// assert_eq!(
    ///     PageOffset::try_from(-1).unwrap_err().to_string(),
    ///     "offset must be between 0 and 4096, got -1"
    /// );
    /// ```
    PageOffset, "offset", 0..=4096, default 0
);

bounded!(
    /// `limit` of a list call: the most configs on one page (1–100).
    ///
    /// ```
    /// use live_record_callbacks::paging::PageLimit;
    /// assert!(PageLimit::try_from(100).is_ok());
    /// assert_eq!(
    ///     PageLimit::try_from(101).unwrap_err().to_string(),
    ///     "limit must be between 1 and 100, got 101"
    /// );
    /// ```
    PageLimit, "limit", 1..=100, default 10
);

/// Which configs [`Client::list_all_configs`] walks through.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    publish_domain: Option<types::PublishDomain>,
    app: Option<types::AppName>,
    page_size: Option<PageLimit>,
}

impl ListFilter {
    /// Every config of the project.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the configs of this ingest domain.
    pub fn publish_domain(mut self, domain: types::PublishDomain) -> Self {
        self.publish_domain = Some(domain);
        self
    }

    /// Only the configs of this application (`*` for the wildcard ones).
    pub fn app(mut self, app: types::AppName) -> Self {
        self.app = Some(app);
        self
    }

    /// Configs per call; the largest page the service allows by default.
    pub fn page_size(mut self, size: PageLimit) -> Self {
        self.page_size = Some(size);
        self
    }
}

/// Where the walk is.
struct Cursor {
    offset: u32,
    listed: u64,
    done: bool,
}

impl Client {
    /// Every config that matches `filter`, as a stream, one list call per
    /// page.
    ///
    /// The walk stops when `total` configs have been seen, on a short or
    /// empty page, and when `offset` would pass the largest value the
    /// service takes ([`PageOffset::MAX`]): a server that misreports
    /// `total` cannot make it loop forever. If `total` still says more
    /// configs exist at that point, the stream ends with
    /// [`ApiError::Incomplete`].
    ///
    /// ```no_run
    /// # async fn run(client: &live_record_callbacks::Client) -> Result<(), live_record_callbacks::ApiError> {
    /// use futures::TryStreamExt;
    /// use live_record_callbacks::paging::ListFilter;
    ///
    /// let mut configs = std::pin::pin!(client.list_all_configs("0123456789abcdef0123456789abcdef", ListFilter::all()));
    /// while let Some(config) = configs.try_next().await? {
    ///     println!("{} {}/{}", config.id, config.publish_domain, config.app);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all_configs<'a>(
        &'a self,
        project_id: &'a str,
        filter: ListFilter,
    ) -> impl Stream<Item = Result<RecordCallbackConfig, ApiError>> + 'a {
        let page_size = filter.page_size.unwrap_or(PageLimit(PageLimit::MAX));
        let start = Cursor {
            offset: 0,
            listed: 0,
            done: false,
        };
        futures::stream::try_unfold(start, move |cursor| {
            let filter = filter.clone();
            async move {
                if cursor.done {
                    return Ok(None);
                }
                let offset =
                    PageOffset::check(cursor.offset.into()).map_err(|_| ApiError::Incomplete {
                        listed: cursor.listed,
                        total: None,
                    })?;
                let mut call = self
                    .list_record_callback_configs()
                    .project_id(project_id)
                    .offset(offset)
                    .limit(page_size);
                if let Some(d) = filter.publish_domain {
                    call = call.publish_domain(d);
                }
                if let Some(a) = filter.app {
                    call = call.app(a);
                }
                let page = call.send().await?.into_inner();
                let got = page.callback_config.len() as u64;
                let listed = cursor.listed + got;
                // `total` is optional in the contract: without it, a short
                // or empty page is the end.
                let total = page.total.map(|t| u64::try_from(t).unwrap_or(0));
                let next_offset = cursor.offset + got as u32;
                let finished = got == 0
                    || got < u64::from(page_size.get())
                    || total.is_some_and(|t| listed >= t);
                if !finished && next_offset > u32::from(PageOffset::MAX) {
                    // More pages exist than offsets the service takes.
                    return Err(ApiError::Incomplete { listed, total });
                }
                let next = Cursor {
                    offset: next_offset,
                    listed,
                    done: finished,
                };
                Ok(Some((
                    futures::stream::iter(page.callback_config.into_iter().map(Ok)),
                    next,
                )))
            }
        })
        .try_flatten()
    }

    /// Every config that matches `filter`, collected (see
    /// [`Client::list_all_configs`]).
    pub async fn collect_all_configs(
        &self,
        project_id: &str,
        filter: ListFilter,
    ) -> Result<Vec<RecordCallbackConfig>, ApiError> {
        self.list_all_configs(project_id, filter)
            .try_collect()
            .await
    }
}
