//! Input files as every ingest command treats them: how a path is
//! shown, the content hash that keys the batch ledger, and the file's
//! own date.

use std::io::BufRead;
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

/// Opens a list of names, one a line (plain, gzip or xz). Folders and
/// devices are refused: `/dev/zero` would be read for ever.
pub fn open_names(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .file_type();
    if kind.is_dir() || kind.is_block_device() || kind.is_char_device() {
        anyhow::bail!("{}: not a file or a pipe", path.display());
    }
    Ok(input::open(path)?.into_reader())
}

/// Lines longer than this are skipped whole (a name is at most 253
/// bytes; room is left for comments).
pub const MAX_LINE: usize = 4096;

/// What [`read_capped_line`] read.
pub enum LineRead {
    /// A line, in the buffer.
    Line,
    /// A line longer than [`MAX_LINE`], read through and dropped.
    TooLong,
    /// The end of the input.
    End,
}

/// Reads one line into `line` (without its newline), keeping at most
/// [`MAX_LINE`] bytes in memory: a longer line is read through and
/// reported, not held.
pub fn read_capped_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> std::io::Result<LineRead> {
    line.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(if !any {
                LineRead::End
            } else if too_long {
                LineRead::TooLong
            } else {
                LineRead::Line
            });
        }
        any = true;
        let (part, found) = match memchr_newline(buffer) {
            Some(i) => (&buffer[..i], Some(i)),
            None => (buffer, None),
        };
        if !too_long && line.len() + part.len() <= MAX_LINE {
            line.extend_from_slice(part);
        } else {
            too_long = true;
            line.clear();
        }
        let consumed = found.map_or(buffer.len(), |i| i + 1);
        reader.consume(consumed);
        if found.is_some() {
            return Ok(if too_long { LineRead::TooLong } else { LineRead::Line });
        }
    }
}

fn memchr_newline(buffer: &[u8]) -> Option<usize> {
    buffer.iter().position(|&b| b == b'\n')
}
