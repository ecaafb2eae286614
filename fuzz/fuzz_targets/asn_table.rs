//! Arbitrary bytes through the ASN readers and the table: nothing may
//! panic, and every look-up must give what a naive search over the
//! accepted rows gives (the smallest row holding the address, the later
//! one on a tie; no AS when that row has none).

#![no_main]

use std::io::Cursor;
use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::asn::{AsnFormat, AsnReader, AsnRecord, AsnTable, MmdbReader};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };

    if selector % 4 == 3 {
        read_mmdb(body);
        return;
    }
    let format =
        [AsnFormat::RangeCsv, AsnFormat::Iptoasn, AsnFormat::Pfx2as][usize::from(selector % 4)];
    let records = read(body, format);
    check_table(&records);
});

fn read(body: &[u8], format: AsnFormat) -> Vec<AsnRecord> {
    let input = Box::new(Cursor::new(body.to_vec()));
    AsnReader::from_reader("fuzz.txt".into(), input, format).filter_map(Result::ok).collect()
}

fn read_mmdb(body: &[u8]) {
    if let Ok(database) = MmdbReader::from_bytes("fuzz.mmdb".into(), body.to_vec()) {
        let records: Vec<AsnRecord> =
            database.records().take(10_000).filter_map(Result::ok).collect();
        check_table(&records);
    }
}

fn check_table(records: &[AsnRecord]) {
    let mut builder = AsnTable::builder();
    for record in records {
        builder.push(record.clone());
    }
    let table = builder.build();

    for record in records.iter().take(200) {
        for ip in [record.range.start(), record.range.end()] {
            let got = table.lookup(ip).map(|hit| (hit.asn, hit.range));
            assert_eq!(got, naive(records, ip), "{ip}");
        }
    }
}

/// The answer computed the slow way.
fn naive(
    records: &[AsnRecord],
    ip: IpAddr,
) -> Option<(nshunt_ingest::asn::Asn, nshunt_ingest::asn::IpRange)> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    let holding = records.iter().enumerate().filter(|(_, r)| r.range.contains(ip));
    let (_, winner) = holding.min_by_key(|(i, r)| (r.range.span(), usize::MAX - i))?;
    Some((winner.asn.filter(|a| a.get() != 0)?, winner.range))
}
