//! Input files as every ingest command treats them: how a path is
//! shown, the content hash that keys the batch ledger, and the file's
//! own date.

use std::path::Path;

use anyhow::{Context as _, Result};
use nshunt_ingest::input;

/// The path as the ledger records it: absolute when it can be.
pub fn display_path(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()).display().to_string()
}

/// BLAKE3 of a file's decoded content (plain, gzip or xz alike), the
/// batch ledger's key.
///
/// The hasher reads through its own small buffer: a label folder holds
/// thousands of small files, and a fresh megabyte each would cost more
/// than the hashing.
pub fn hash_content(path: &Path) -> Result<String> {
    let input = input::open(path)?;
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(input).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// The file's modification time, unix seconds: the date of last resort
/// for an input that carries none.
pub fn modified_time(path: &Path) -> Result<i64> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified());
    let modified =
        modified.with_context(|| format!("no date for {}: pass --date", path.display()))?;
    let seconds = modified.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Ok(i64::try_from(seconds).unwrap_or(i64::MAX))
}
