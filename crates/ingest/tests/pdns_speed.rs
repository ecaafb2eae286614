//! Throughput of the Zeek readers on the WRCCDC logs, repeated in memory
//! to about a million rows. Ignored by default; run it in release:
//!
//! ```text
//! cargo test -p nshunt-ingest --release --test pdns_speed -- --ignored --nocapture
//! ```
//!
//! The goal for the TSV reader is more than a million rows a second on
//! one core.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use flate2::read::MultiGzDecoder;
use nshunt_ingest::pdns::{PdnsFormat, PdnsReader};

/// Rows to read, about.
const TARGET_ROWS: usize = 1_000_000;

fn shared_file(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/zeek").join(name);
    assert!(path.is_file(), "{} is missing: the shared Zeek sample data is needed", path.display());
    path
}

/// The decompressed file with its data lines repeated to about
/// [`TARGET_ROWS`] rows, keeping the header lines once at the top.
fn repeated(name: &str) -> (Vec<u8>, usize) {
    let mut text = Vec::new();
    let file = std::fs::File::open(shared_file(name)).expect("open");
    MultiGzDecoder::new(file).read_to_end(&mut text).expect("decompress");

    let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
    let (header, rows): (Vec<&[u8]>, Vec<&[u8]>) = lines.iter().partition(|l| l.starts_with(b"#"));
    let copies = TARGET_ROWS.div_ceil(rows.len());

    let mut out: Vec<u8> = header.concat();
    for _ in 0..copies {
        out.extend(rows.concat());
    }
    (out, rows.len() * copies)
}

/// The time this thread has spent on a CPU, in seconds, where Linux
/// tells it: with other work on the machine, wall time overstates.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

fn measure(name: &str, format: PdnsFormat) {
    let (input, rows) = repeated(name);
    let bytes = input.len() as f64;
    let (start, cpu_start) = (Instant::now(), thread_cpu_seconds());

    let mut reader = PdnsReader::from_reader(name.into(), Box::new(Cursor::new(input)), format);
    let observations = reader.by_ref().filter(Result::is_ok).count() as f64;
    let wall = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds().zip(cpu_start).map_or(wall, |(end, start)| end - start);

    assert_eq!(reader.stats().errors, 0);
    println!(
        "{format}: {rows} rows ({:.0} MB), {wall:.3} s wall, {cpu:.3} s on the CPU: \
         {:.2} M rows/s, {:.2} M observations/s, {:.0} MB/s per core",
        bytes / 1e6,
        rows as f64 / cpu / 1e6,
        observations / cpu / 1e6,
        bytes / cpu / 1e6,
    );
}

#[test]
#[ignore = "a benchmark: run it in release with --ignored --nocapture"]
fn bench_zeek_tsv_throughput() {
    measure("dns.log.gz", PdnsFormat::ZeekTsv);
}

#[test]
#[ignore = "a benchmark: run it in release with --ignored --nocapture"]
fn bench_zeek_json_throughput() {
    measure("dns.json.gz", PdnsFormat::ZeekJson);
}
