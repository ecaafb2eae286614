//! Opening inputs, plain or compressed.
//!
//! [`open`] chooses the decoder by the first bytes of the file, never by
//! its name: gzip (`1f 8b`, every member of a multi-member file), xz
//! (`fd 37 7a 58 5a 00`, every stream of the file) or plain text. The
//! result is one buffered reader over the decoded bytes, the file's size
//! on disk and a counter of the bytes taken from the file so far, so a
//! caller can show progress against the size while it reads.
//!
//! A compressed stream that is corrupt or cut short is an error when it
//! is read, never a quiet end of input.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::bufread::MultiGzDecoder;
use xz2::bufread::XzDecoder;

/// Bytes buffered on each side of a decoder.
const BUFFER_BYTES: usize = 256 * 1024;

/// The first bytes of a gzip member (RFC 1952 §2.3.1).
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// The first bytes of an xz stream (xz file format §2.1.1.1).
const XZ_MAGIC: &[u8] = &[0xfd, b'7', b'z', b'X', b'Z', 0x00];

/// How a file is compressed, as its magic bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip, one member or several.
    Gzip,
    /// xz, one stream or several.
    Xz,
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "plain",
            Self::Gzip => "gzip",
            Self::Xz => "xz",
        })
    }
}

/// Every way opening an input can fail. Each variant carries the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file could not be opened or its size read.
    #[error("cannot open {}: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },

    /// A compressed or archive format nshunt does not decode.
    #[error("{} is {format}, which nshunt does not read: decompress it, or use gzip or xz", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The format its magic bytes show.
        format: &'static str,
    },

    /// The first bytes could not be read to tell the format.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
}

/// An opened input: a buffered reader over the decoded bytes.
///
/// `Input` is itself a [`BufRead`]; [`Input::into_reader`] gives the
/// boxed reader to code that wants to own it.
pub struct Input {
    path: PathBuf,
    size: u64,
    compression: Compression,
    counter: Arc<AtomicU64>,
    /// The decoded, buffered bytes. `Input` reads through it too.
    pub reader: Box<dyn BufRead + Send>,
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("path", &self.path)
            .field("size", &self.size)
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

/// Opens `path`, decoding gzip or xz when its magic bytes say so.
pub fn open(path: &Path) -> Result<Input, InputError> {
    let open_error = |source| InputError::Open { path: path.to_owned(), source };
    let file = File::open(path).map_err(open_error)?;
    let size = file.metadata().map_err(open_error)?.len();

    let counter = Arc::new(AtomicU64::new(0));
    let counting = CountingReader { inner: file, count: Arc::clone(&counter) };
    let mut raw = BufReader::with_capacity(BUFFER_BYTES, counting);

    let read_error = |source| InputError::Read { path: path.to_owned(), source };
    let head = fill(&mut raw).map_err(read_error)?;
    if let Some(format) = unsupported_format(head) {
        return Err(InputError::Unsupported { path: path.to_owned(), format });
    }
    let compression = compression_of(head);
    let reader = decoder(raw, compression);
    Ok(Input { path: path.to_owned(), size, compression, counter, reader })
}

impl Input {
    /// The path the input was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The size of the file on disk, in bytes (compressed size for
    /// compressed files): the total for progress.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The compression the magic bytes showed.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// A shared counter of the bytes read from the file so far (before
    /// decompression), to compare with [`Input::size`] for progress. It
    /// runs ahead of the decoded data by at most a buffer or two.
    pub fn bytes_read_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.counter)
    }

    /// The decoded, buffered reader.
    pub fn into_reader(self) -> Box<dyn BufRead + Send> {
        self.reader
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

impl BufRead for Input {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.reader.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.reader.consume(amount);
    }
}

/// The compression the first bytes of a file show (at least six bytes
/// are needed to tell xz).
pub fn compression_of(head: &[u8]) -> Compression {
    if head.starts_with(GZIP_MAGIC) {
        Compression::Gzip
    } else if head.starts_with(XZ_MAGIC) {
        Compression::Xz
    } else {
        Compression::None
    }
}

/// Formats recognised by their magic bytes but not decoded, so that
/// they are refused rather than read as text.
pub fn unsupported_format(head: &[u8]) -> Option<&'static str> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"BZh", "bzip2"),
        (&[0x28, 0xb5, 0x2f, 0xfd], "zstd"),
        (b"PK\x03\x04", "a zip archive"),
        (&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c], "a 7z archive"),
        (&[0x04, 0x22, 0x4d, 0x18], "lz4"),
        (b"\x89LZO", "lzop"),
        (b"SQLite format 3\0", "an SQLite database"),
    ];
    MAGICS.iter().find(|(magic, _)| head.starts_with(magic)).map(|(_, format)| *format)
}

/// Whether the first bytes of a file show gzip or xz.
pub fn is_compressed(head: &[u8]) -> bool {
    compression_of(head) != Compression::None
}

/// The first buffer of the file, to read the magic bytes without
/// consuming them.
fn fill(raw: &mut BufReader<CountingReader>) -> io::Result<&[u8]> {
    loop {
        match raw.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    raw.fill_buf()
}

/// The reader that undoes `compression`.
fn decoder(raw: BufReader<CountingReader>, compression: Compression) -> Box<dyn BufRead + Send> {
    match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => {
            let decoded = Decoded { inner: MultiGzDecoder::new(raw), format: "gzip" };
            Box::new(BufReader::with_capacity(BUFFER_BYTES, decoded))
        }
        Compression::Xz => {
            let decoded = Decoded { inner: XzDecoder::new_multi_decoder(raw), format: "xz" };
            Box::new(BufReader::with_capacity(BUFFER_BYTES, decoded))
        }
    }
}

/// Counts the bytes read through it into a shared counter.
struct CountingReader {
    inner: File,
    count: Arc<AtomicU64>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A decoder whose errors say which format failed to decode.
struct Decoded<R> {
    inner: R,
    format: &'static str,
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let message = format!("{} data is corrupt or cut short: {e}", self.format);
            io::Error::new(e.kind(), message)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn read_all(path: &Path) -> io::Result<Vec<u8>> {
        let mut input = open(path).map_err(io::Error::other)?;
        let mut out = Vec::new();
        input.read_to_end(&mut out)?;
        Ok(out)
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn xz(data: &[u8]) -> Vec<u8> {
        let mut encoder = xz2::write::XzEncoder::new(Vec::new(), 1);
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn text() -> Vec<u8> {
        (0..20_000).map(|i| format!("line {i}\n")).collect::<String>().into_bytes()
    }

    #[test]
    fn formats_are_told_by_magic_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let data = text();
        let cases = [("a.txt.gz", data.clone()), ("b.gz", gzip(&data)), ("c.txt", xz(&data))];

        for (name, bytes) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(read_all(&path).unwrap(), data, "{name}");
        }
    }

    #[test]
    fn every_gzip_member_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("multi.gz");
        let mut bytes = gzip(b"first\n");
        bytes.extend(gzip(b"second\n"));
        std::fs::write(&path, bytes).unwrap();

        assert_eq!(read_all(&path).unwrap(), b"first\nsecond\n");
    }

    #[test]
    fn cut_short_streams_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let data = text();
        for (name, mut bytes) in [("cut.gz", gzip(&data)), ("cut.xz", xz(&data))] {
            bytes.truncate(bytes.len() / 2);
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();

            let error = read_all(&path).unwrap_err();
            assert!(error.to_string().contains("corrupt or cut short"), "{name}: {error}");
        }
    }

    #[test]
    fn size_and_progress() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.gz");
        let bytes = gzip(&text());
        std::fs::write(&path, &bytes).unwrap();

        let mut input = open(&path).unwrap();
        let counter = input.bytes_read_counter();
        assert_eq!(input.size(), bytes.len() as u64);
        assert_eq!(input.compression(), Compression::Gzip);
        io::copy(&mut input, &mut io::sink()).unwrap();
        assert_eq!(counter.load(Ordering::Relaxed), bytes.len() as u64);
    }

    #[test]
    fn missing_file_names_the_path() {
        let error = open(Path::new("/nonexistent/zone.gz")).unwrap_err();
        assert!(error.to_string().starts_with("cannot open /nonexistent/zone.gz: "));
    }
}
