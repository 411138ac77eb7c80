//! The reviewed snapshot of the generated client.

use anyhow::{Context, Result};

/// Where insta keeps the snapshot that `tests/snapshot.rs` asserts.
pub const PATH: &str = "tests/snapshots/snapshot__generated_client.snap";

/// The command that records a new snapshot after the change is reviewed.
pub const UPDATE: &str = "INSTA_UPDATE=always cargo test --test snapshot";

/// `Ok(None)` when the snapshot holds exactly `generated`; otherwise the
/// first line that differs.
pub fn stale(generated: &str) -> Result<Option<String>> {
    let path = crate::root().join(PATH);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {PATH} (create it with `{UPDATE}`)"))?;
    let body = snapshot_body(&text).with_context(|| format!("{PATH} is not an insta snapshot"))?;
    if body.trim_end() == generated.trim_end() {
        return Ok(None);
    }
    let mut old = body.lines();
    let mut new = generated.lines();
    for n in 1.. {
        match (old.next(), new.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (a, b) => {
                return Ok(Some(format!(
                    "line {n}: snapshot has {:?}, build.rs generated {:?}",
                    a.unwrap_or("<end>"),
                    b.unwrap_or("<end>")
                )))
            }
        }
    }
    unreachable!()
}

/// The contents after insta's `---` metadata header.
fn snapshot_body(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[end + 5..])
}
