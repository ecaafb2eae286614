//! Zone-reader cases whose inputs are generated rather than committed:
//! a 1 MB line, compressed streams (whole and cut short), and properties
//! over every record of the real root zones and the feature corpus.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use nshunt_ingest::zone::{ZoneErrorKind, ZoneOptions, ZoneReader, presentation_line};
use nshunt_model::{DomainName, Record};

fn root_zone(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/root-zone").join(name)
}

/// The feature cases that read on their own (no `$INCLUDE`, no options).
fn feature_cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/zone");
    let mut cases: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zone"))
        .filter(|p| !fs::read_to_string(p).unwrap_or_default().contains("; option:"))
        .collect();
    cases.sort();
    cases
}

/// Every item of a zone given as bytes, errors as `LINE: message`.
fn read_bytes(bytes: Vec<u8>, options: ZoneOptions) -> Vec<Result<Record, String>> {
    let reader = ZoneReader::from_reader("mem.zone".into(), Box::new(Cursor::new(bytes)), options);
    reader.map(|item| item.map_err(|e| format!("{}: {}", e.line, e.kind))).collect()
}

/// Every item of a zone file, errors as `LINE: message` (no path).
fn read_file(path: &Path) -> Vec<Result<Record, String>> {
    let reader = ZoneReader::open(path, ZoneOptions::default()).unwrap();
    reader.map(|item| item.map_err(|e| format!("{}: {}", e.line, e.kind))).collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut encoder = xz2::write::XzEncoder::new(Vec::new(), 6);
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn a_one_megabyte_line_is_skipped_in_bounded_memory() {
    let zone = format!(
        "$TTL 60\nbefore.example. A 192.0.2.1\nhuge.example. TXT \"{}\"\nafter.example. A 192.0.2.2\n",
        "x".repeat(1 << 20)
    );
    let items = read_bytes(zone.into_bytes(), ZoneOptions::default());

    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().owner.as_str(), "before.example");
    assert_eq!(
        items[1].as_ref().unwrap_err(),
        "3: record longer than 262144 bytes (max_record_bytes), skipped"
    );
    assert_eq!(items[2].as_ref().unwrap().owner.as_str(), "after.example");
}

#[test]
fn a_long_record_over_many_lines_is_skipped_to_its_end() {
    let middle = "  \"0123456789012345678901234567890123456789\"\n".repeat(10_000);
    let zone = format!("$TTL 60\nlong.example. TXT (\n{middle} )\nafter.example. A 192.0.2.2\n");
    let items = read_bytes(zone.into_bytes(), ZoneOptions::default());

    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].as_ref().unwrap_err(),
        "2: record longer than 262144 bytes (max_record_bytes), skipped"
    );
    assert_eq!(items[1].as_ref().unwrap().owner.as_str(), "after.example");
}

#[test]
fn compressed_files_read_like_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = feature_cases();
    inputs.push(root_zone("root.zone.2019-11-02"));

    for plain in inputs {
        let data = fs::read(&plain).unwrap();
        let expected = read_file(&plain);
        for (suffix, bytes) in [("gz", gzip(&data)), ("xz", xz(&data))] {
            let path = dir.path().join(format!("zone.{suffix}"));
            fs::write(&path, bytes).unwrap();
            assert_eq!(read_file(&path), expected, "{} as {suffix}", plain.display());
        }
    }
}

/// The bytes a decoder gives before it fails on cut-short data.
fn decodable_prefix(mut decoder: impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    let error = decoder.read_to_end(&mut out).expect_err("the stream is cut short");
    assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof, "{error}");
    out
}

#[test]
fn cut_short_streams_are_fatal_after_the_records_before_the_cut() {
    let data = fs::read(root_zone("root.zone.2018-03-12")).unwrap();
    let dir = tempfile::tempdir().unwrap();

    for (suffix, mut bytes) in [("gz", gzip(&data)), ("xz", xz(&data))] {
        bytes.truncate(bytes.len() / 2);
        let prefix = match suffix {
            "gz" => decodable_prefix(flate2::read::MultiGzDecoder::new(&bytes[..])),
            _ => decodable_prefix(xz2::read::XzDecoder::new_multi_decoder(&bytes[..])),
        };
        let whole_lines = prefix.iter().filter(|&&b| b == b'\n').count();
        assert!(whole_lines > 1000, "{suffix}: cut too early for the test");

        let path = dir.path().join(format!("cut.{suffix}"));
        fs::write(&path, &bytes).unwrap();
        let mut reader = ZoneReader::open(&path, ZoneOptions::default()).unwrap();
        let records = reader.by_ref().take_while(Result::is_ok).count();
        assert_eq!(records, whole_lines, "{suffix}: one record a line before the cut");

        let error =
            ZoneReader::open(&path, ZoneOptions::default()).unwrap().find_map(Result::err).unwrap();
        assert!(error.is_fatal(), "{suffix}: {error}");
        assert_eq!(error.line, whole_lines as u64 + 1, "{suffix}");
        assert!(matches!(error.kind, ZoneErrorKind::Read(_)), "{suffix}");
        assert!(error.to_string().contains("data is corrupt or cut short"), "{error}");
        assert!(reader.next().is_none(), "{suffix}: nothing after a fatal error");
    }
}

#[test]
fn empty_inputs_give_nothing() {
    assert!(read_bytes(Vec::new(), ZoneOptions::default()).is_empty());

    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("empty", Vec::new()), ("empty.gz", gzip(b"")), ("empty.xz", xz(b""))] {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        assert!(read_file(&path).is_empty(), "{name}");
    }
}

#[test]
fn every_record_reads_back_from_its_presentation_line() {
    let mut inputs = feature_cases();
    inputs.extend(["root.zone.2018-03-12", "root.zone.2019-11-02"].map(root_zone));
    let mut checked = 0;

    for path in inputs {
        for record in read_file(&path).into_iter().flatten() {
            let line = presentation_line(&record);
            let again = read_bytes(format!("{line}\n").into_bytes(), ZoneOptions::default());
            assert_eq!(again, [Ok(record)], "{}: {line}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 40_000, "only {checked} records");
}

#[test]
fn the_fast_path_and_the_general_path_agree() {
    let simple = "example.com.\t172800\tin\tns\tNS1.Example.NET.\n\
                  example.com. 86400 IN DS 370 13 2 BE74359954660069D5C63D200C39F560\n\
                  ns1.example.com. 172800 in a 192.0.2.53\n\
                  ns1.example.com. 172800 in aaaa 2001:DB8:0::53\n\
                  bad.example.com. 172800 in a 192.0.2.300\n\
                  big.example.com. 4294967296 in a 192.0.2.1\n\
                  odd.example.com. 1 in bogus x\n";
    let commented: String = simple.lines().map(|l| format!("{l} ; general path\n")).collect();

    let fast = read_bytes(simple.as_bytes().to_vec(), ZoneOptions::default());
    let general = read_bytes(commented.into_bytes(), ZoneOptions::default());
    assert_eq!(fast, general);
    assert_eq!(fast.iter().filter(|r| r.is_ok()).count(), 4);
}

#[test]
fn apex_origin_and_line_are_reported() {
    let zone = "$ORIGIN example.com.\n$TTL 60\n@ SOA ns1 host 1 2 3 4 5\nwww A 192.0.2.1\n";
    let mut reader = ZoneReader::from_reader(
        "mem.zone".into(),
        Box::new(Cursor::new(zone.as_bytes().to_vec())),
        ZoneOptions {
            origin: Some(DomainName::parse("example.org").unwrap()),
            ..Default::default()
        },
    );

    assert_eq!((reader.origin().as_str(), reader.apex(), reader.line()), ("example.org", None, 0));
    reader.next().unwrap().unwrap();
    assert_eq!(reader.apex().unwrap().as_str(), "example.com");
    assert_eq!((reader.origin().as_str(), reader.line()), ("example.com", 3));
    reader.next().unwrap().unwrap();
    assert_eq!(reader.line(), 4);
    assert!(reader.next().is_none());
}

#[test]
fn include_needs_a_real_directory_and_stays_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let zone_dir = dir.path().join("zones");
    fs::create_dir(&zone_dir).unwrap();
    fs::write(dir.path().join("secret.zone"), "secret. 60 A 192.0.2.1\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.zone"), zone_dir.join("link.zone")).unwrap();
    fs::write(zone_dir.join("main.zone"), "$INCLUDE link.zone\n").unwrap();

    let options = ZoneOptions { allow_include: true, ..Default::default() };
    let items: Vec<_> = ZoneReader::open(&zone_dir.join("main.zone"), options).unwrap().collect();
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().unwrap_err();
    assert!(matches!(error.kind, ZoneErrorKind::IncludeOutside { .. }), "{error}");
    assert_eq!((error.line, error.file.file_name().unwrap()), (1, "main.zone".as_ref()));
}
