//! MaxMind `.mmdb` databases in the GeoLite2-ASN layout.
//!
//! Each network with data becomes one [`AsnRecord`]: its prefix, the
//! `autonomous_system_number` (absent or 0: no AS) and the
//! `autonomous_system_organization`. IPv4 networks of an IPv6 database
//! come out once, as IPv4 (the `::ffff:0:0/96` and `2002::/16` aliases
//! are skipped).
//!
//! # Limitations
//!
//! - The whole database is read into memory (GeoLite2-ASN is ~10 MB).
//! - Other layouts (City, ISP) are read only for these two fields.

use std::io::Read;
use std::path::{Path, PathBuf};

use maxminddb::{Reader, Within, WithinOptions, geoip2};

use crate::asn::error::{AsnError, AsnErrorKind};
use crate::asn::number::Asn;
use crate::asn::range::IpRange;
use crate::asn::reader::AsnRecord;

/// An opened MaxMind database.
pub struct MmdbReader {
    file: PathBuf,
    reader: Reader<Vec<u8>>,
}

impl std::fmt::Debug for MmdbReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MmdbReader")
            .field("file", &self.file)
            .field("database_type", &self.database_type())
            .finish_non_exhaustive()
    }
}

impl MmdbReader {
    /// Reads the database at `path` (plain, gzip or xz) into memory and
    /// checks its metadata.
    pub fn open(path: &Path) -> Result<Self, AsnError> {
        let fail = |kind| AsnError { file: path.to_owned(), line: 0, kind };
        let mut input = crate::input::open(path).map_err(|e| fail(e.into()))?;

        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes).map_err(|e| fail(AsnErrorKind::Read(e)))?;
        Self::from_bytes(path.to_owned(), bytes)
    }

    /// Uses the database in `bytes`; `file` names it in errors.
    pub fn from_bytes(file: PathBuf, bytes: Vec<u8>) -> Result<Self, AsnError> {
        match Reader::from_source(bytes) {
            Ok(reader) => Ok(Self { file, reader }),
            Err(e) => Err(AsnError { file, line: 0, kind: AsnErrorKind::Database(e.to_string()) }),
        }
    }

    /// The `database_type` of the metadata, e.g. `GeoLite2-ASN`.
    pub fn database_type(&self) -> &str {
        &self.reader.metadata().database_type
    }

    /// Every network with data, in the database's tree order.
    pub fn records(&self) -> MmdbRecords<'_> {
        let networks = self.reader.networks(WithinOptions::default());
        let (within, pending) = match networks {
            Ok(within) => (Some(within), None),
            Err(e) => (None, Some(self.error(0, AsnErrorKind::Database(e.to_string())))),
        };
        MmdbRecords { file: &self.file, within, pending, count: 0 }
    }

    fn error(&self, line: u64, kind: AsnErrorKind) -> AsnError {
        AsnError { file: self.file.clone(), line, kind }
    }
}

/// The records of a [`MmdbReader`]; a corrupt tree ends the iteration
/// with a fatal error, a record that does not decode is a non-fatal one.
pub struct MmdbRecords<'a> {
    file: &'a Path,
    within: Option<Within<'a, Vec<u8>>>,
    pending: Option<AsnError>,
    count: u64,
}

impl Iterator for MmdbRecords<'_> {
    type Item = Result<AsnRecord, AsnError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(error) = self.pending.take() {
            return Some(Err(error));
        }

        let item = self.within.as_mut()?.next()?;
        self.count += 1;
        let result = match item {
            Ok(found) => record(&found, self.count),
            Err(e) => {
                self.within = None;
                Err(AsnErrorKind::Database(e.to_string()))
            }
        };
        Some(result.map_err(|kind| AsnError { file: self.file.to_owned(), line: self.count, kind }))
    }
}

/// One network and its ASN data.
fn record(
    found: &maxminddb::LookupResult<'_, Vec<u8>>,
    count: u64,
) -> Result<AsnRecord, AsnErrorKind> {
    let bad = |e: maxminddb::MaxMindDbError| AsnErrorKind::BadRecord(e.to_string());
    let network = found.network().map_err(bad)?;
    let range = IpRange::from_prefix(network.network(), network.prefix())?;

    let data: Option<geoip2::Asn<'_>> = found.decode().map_err(bad)?;
    let (number, org) = data
        .map(|d| (d.autonomous_system_number, d.autonomous_system_organization))
        .unwrap_or_default();

    Ok(AsnRecord {
        range,
        asn: number.filter(|&n| n != 0).map(Asn),
        org: org.map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned),
        country: None,
        other_origins: Vec::new(),
        line: count,
    })
}
