//! The command line's integration tests in one test binary (one link
//! instead of one per file): `trigger` and `verify`, the `configs`
//! commands, their retries, `proxy`, and the snapshot of the generated
//! commands.

mod cli;
mod configs;
mod proxy;
mod retries;
mod snapshot;
