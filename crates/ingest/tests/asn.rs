//! ASN readers and the look-up table, on the fixtures in `data/asn` and
//! on the real `@ip-location-db/asn` tables in `shared/data/asn`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use nshunt_ingest::asn::{
    Asn, AsnError, AsnFormat, AsnReader, AsnRecord, AsnTable, IpRange, MmdbReader, subnet_of,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/asn").join(name)
}

/// A file of the shared real data; the test fails, saying so, when it
/// is missing.
fn shared(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/asn").join(name);
    assert!(path.exists(), "real data missing: {} (see shared/data/README.md)", path.display());
    path
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn load(path: &Path, format: AsnFormat) -> (AsnTable, Vec<String>) {
    let mut errors = Vec::new();
    let (table, summary) =
        AsnTable::load(path, format, |e| errors.push(e.to_string())).expect("readable input");
    assert_eq!(summary.errors as usize, errors.len());
    (table, errors)
}

/// `(asn, org, range)` of a look-up, for short assertions.
fn look(table: &AsnTable, address: &str) -> Option<(u32, Option<String>, String)> {
    let hit = table.lookup(ip(address))?;
    Some((hit.asn.get(), hit.org.map(str::to_owned), hit.range.to_string()))
}

#[test]
fn range_csv_sample() {
    let (table, errors) = load(&fixture("range-sample.csv"), AsnFormat::RangeCsv);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(table.len(), 29);

    let cloudflare = look(&table, "1.0.0.7").unwrap();
    assert_eq!(cloudflare, (13335, Some("Cloudflare, Inc.".into()), "1.0.0.0/24".into()));
    assert_eq!(look(&table, "2.27.57.9").unwrap().1.unwrap(), "LLC \"HOSTOFF CSL\"");
    assert_eq!(look(&table, "1.0.8.1"), None);
    assert_eq!(look(&table, "2001:200:1ba::53").unwrap().0, 24047);
    assert_eq!(look(&table, "::ffff:1.1.1.1").unwrap().0, 13335);
}

#[test]
fn wrong_rows_are_counted() {
    let (table, _) = load(&fixture("range-sample.csv"), AsnFormat::RangeCsv);
    let stats = table.stats();
    assert_eq!((stats.overlapping, stats.nested, stats.duplicates), (1, 0, 0));
    assert_eq!((stats.reserved_asn, stats.unnamed), (2, 2));
    assert_eq!(look(&table, "23.26.105.1").unwrap().1, None);

    // The overlap goes to the smaller row where both claim an address.
    assert_eq!(look(&table, "215.0.0.1").unwrap().0, 721);
    assert_eq!(look(&table, "214.255.0.1").unwrap().0, 749);
}

#[test]
fn longest_prefix_wins_in_pfx2as() {
    let (table, errors) = load(&fixture("pfx2as-sample.txt"), AsnFormat::Pfx2as);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(table.stats().nested, 3);

    assert_eq!(look(&table, "8.8.8.8").unwrap(), (15169, None, "8.8.8.8/32".into()));
    assert_eq!(look(&table, "8.8.8.9").unwrap().2, "8.8.8.0/24");
    assert_eq!(look(&table, "8.8.9.1").unwrap(), (3356, None, "8.8.0.0/16".into()));
    assert_eq!(look(&table, "8.9.0.1").unwrap().2, "8.0.0.0/9");
    assert_eq!(look(&table, "8.128.0.0"), None);
    assert_eq!(look(&table, "9.9.9.9").unwrap().0, 19281);
    assert_eq!(look(&table, "2001:4860:4860::8888").unwrap().0, 15169);
}

#[test]
fn pfx2as_keeps_the_other_origins() {
    let reader = AsnReader::open(&fixture("pfx2as-sample.txt"), AsnFormat::Pfx2as).unwrap();
    let rows: Vec<AsnRecord> = reader.map(Result::unwrap).collect();
    assert_eq!(rows[2].other_origins, [Asn(15169)]);
    assert_eq!(rows[5].other_origins, [Asn(42)]);
}

#[test]
fn iptoasn_not_routed_hides_nothing_and_has_no_as() {
    let (table, errors) = load(&fixture("iptoasn-sample.tsv"), AsnFormat::Iptoasn);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(table.stats().not_routed, 1);
    assert_eq!(look(&table, "1.0.2.0"), None);
    assert_eq!(look(&table, "1.0.5.5").unwrap().1.unwrap(), "GTELECOM-AUSTRALIA Gtelecom Pty Ltd");
}

#[test]
fn mmdb_geolite2_asn_layout() {
    let database = MmdbReader::open(&fixture("geolite2-asn-sample.mmdb")).unwrap();
    assert_eq!(database.database_type(), "GeoLite2-ASN");
    let records: Vec<AsnRecord> = database.records().map(Result::unwrap).collect();
    assert!(records.iter().any(|r| r.range.to_string() == "8.8.8.0/24"));
    assert!(records.iter().all(|r| !r.range.to_string().starts_with("::ffff")));

    let (table, errors) = load(&fixture("geolite2-asn-sample.mmdb"), AsnFormat::Mmdb);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        look(&table, "8.8.8.8").unwrap(),
        (15169, Some("Google LLC".into()), "8.8.8.0/24".into())
    );
    assert_eq!(look(&table, "8.100.0.1").unwrap().0, 3356);
    assert_eq!(look(&table, "1.1.1.1").unwrap().1.unwrap(), "Cloudflare, Inc.");
    assert_eq!(look(&table, "2606:4700::1111").unwrap().0, 13335);
    assert_eq!(look(&table, "192.0.2.1"), None);
    assert_eq!(look(&table, "9.9.9.9"), None);
}

#[test]
fn mmdb_garbage_is_fatal() {
    let error = MmdbReader::open(&fixture("range-sample.csv")).unwrap_err();
    assert!(error.is_fatal());
    assert!(
        error.to_string().contains("range-sample.csv: not a usable MaxMind database"),
        "{error}"
    );
}

fn errors_of(path: &Path, format: AsnFormat) -> (Vec<AsnRecord>, Vec<AsnError>) {
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for item in AsnReader::open(path, format).unwrap() {
        match item {
            Ok(record) => good.push(record),
            Err(error) => bad.push(error),
        }
    }
    (good, bad)
}

#[test]
fn bad_range_csv_rows() {
    let (good, bad) = errors_of(&fixture("bad-range.csv"), AsnFormat::RangeCsv);
    let lines: Vec<u64> = good.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4, 7, 11, 13]);

    let messages: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
    let expect = [
        ":3: truncated row: missing the asn column",
        ":5: bad end address \"1.0.64.999\": not an IP address",
        ":6: quoted field not closed before the end of the row",
        ":8: range start 1.2.0.0 is after its end 1.1.255.255",
        ":9: bad AS number \"AS99999999999\"",
        ":10: row is not valid UTF-8",
        ":12: range mixes IPv4 and IPv6",
    ];
    assert_eq!(messages.len(), expect.len(), "{messages:#?}");
    for (message, expect) in messages.iter().zip(expect) {
        assert!(message.contains(&format!("bad-range.csv{expect}")), "{message}");
    }
    assert!(bad.iter().all(|e| !e.is_fatal()));
}

#[test]
fn bad_pfx2as_and_iptoasn_rows() {
    let (good, bad) = errors_of(&fixture("bad-pfx2as.txt"), AsnFormat::Pfx2as);
    assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 6]);
    let messages: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
    assert!(messages[0].ends_with(":2: prefix length /33 is longer than the address 8.8.8.0"));
    assert!(messages[1].ends_with(":3: truncated row: missing the asn column"));
    assert!(messages[2].contains(":4: bad AS number \"x\""));
    assert!(messages[3].contains(":5: bad prefix \"300.1.1.0\""));

    let (good, bad) = errors_of(&fixture("bad-iptoasn.tsv"), AsnFormat::Iptoasn);
    assert_eq!(good.len(), 1);
    assert!(bad[0].to_string().ends_with(":1: truncated row: missing the AS_description column"));
}

#[test]
fn missing_file_is_fatal() {
    let error =
        AsnReader::open(Path::new("/nonexistent/asn.csv"), AsnFormat::RangeCsv).unwrap_err();
    assert!(error.is_fatal());
    assert!(error.to_string().starts_with("/nonexistent/asn.csv: cannot open"), "{error}");
}

#[test]
fn subnets_group_addresses() {
    assert_eq!(subnet_of(ip("198.51.100.77")).to_string(), "198.51.100.0/24");
    assert_eq!(subnet_of(ip("2001:db8:aa:bb::1")).to_string(), "2001:db8:aa::/48");
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The most specific of `rows` holding `ip`, the later on a tie: what the
/// table must answer, computed the slow way.
fn naive(rows: &[(u32, u32, u32)], ip: u32) -> Option<u32> {
    let holding = rows.iter().enumerate().filter(|(_, r)| r.0 <= ip && ip <= r.1);
    holding.min_by_key(|(i, r)| (r.1 - r.0, usize::MAX - i)).map(|(_, r)| r.2)
}

#[test]
fn random_nested_prefixes_match_a_naive_search() {
    let mut rng = Rng(7);
    for round in 0..20 {
        let mut rows = Vec::new();
        let mut builder = AsnTable::builder();
        for n in 0..200u32 {
            let len = 8 + (rng.next() % 25) as u8;
            let addr = (rng.next() as u32) & 0x0fff_ffff;
            let range = IpRange::from_prefix(IpAddr::V4(addr.into()), len).unwrap();
            let IpRange::V4 { start, end } = range else { unreachable!() };
            rows.push((start, end, n + 1));
            builder.push(AsnRecord {
                range,
                asn: Some(Asn(n + 1)),
                org: None,
                country: None,
                other_origins: vec![],
                line: 0,
            });
        }

        let table = builder.build();
        for _ in 0..2000 {
            let probe = if rng.next() % 2 == 0 {
                let row = rows[(rng.next() % 200) as usize];
                row.0 + (rng.next() as u32) % (row.1 - row.0).saturating_add(1).max(1)
            } else {
                (rng.next() as u32) & 0x0fff_ffff
            };
            let got = table.lookup(IpAddr::V4(probe.into())).map(|h| h.asn.get());
            assert_eq!(got, naive(&rows, probe), "round {round}, probe {probe:#x}");
        }
    }
}

#[test]
fn real_tables_load_and_agree_with_their_rows() {
    let rows: Vec<AsnRecord> = AsnReader::open(&shared("asn-ipv4.csv"), AsnFormat::RangeCsv)
        .unwrap()
        .collect::<Result<_, _>>()
        .expect("no bad rows in asn-ipv4.csv");
    let mut builder = AsnTable::builder();
    rows.iter().cloned().for_each(|row| builder.push(row));
    let table = builder.build();

    let stats = table.stats().clone();
    eprintln!("asn-ipv4.csv: {stats:?}");
    assert_eq!(stats.rows, 411_961);
    assert_eq!(stats.overlapping, 1);
    assert_eq!((stats.reserved_asn, stats.unnamed), (24, 269));

    for row in rows.iter().step_by(97) {
        let start = table.lookup(row.range.start()).unwrap();
        let end = table.lookup(row.range.end()).unwrap();
        // Only the one overlapping pair disagrees with its own rows.
        if row.range.to_string() != "214.95.0.0-215.0.255.255" {
            assert_eq!((start.asn, end.asn), (row.asn.unwrap(), row.asn.unwrap()), "{row:?}");
            assert_eq!(start.range, row.range);
        }
    }

    let (v6, errors) = load(&shared("asn-ipv6.csv"), AsnFormat::RangeCsv);
    assert!(errors.is_empty());
    eprintln!("asn-ipv6.csv: {:?}", v6.stats());
    let v6_stats = v6.stats();
    assert_eq!((v6_stats.rows, v6_stats.overlapping, v6_stats.unnamed), (103_197, 0, 250));
    assert_eq!(look(&v6, "2001:4:112::1").unwrap().1.unwrap(), "DNS-OARC");
}
