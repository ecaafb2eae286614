//! `nshunt export cof`: observations as COF JSON lines on stdout (each
//! line the JSON form of a `PdnsObservation`, as `write_cof` writes
//! it), the format `nshunt ingest pdns` reads back.
//!
//! Times are the store's first and last sightings, `count` its
//! sightings, `ttl` the TTL when known. Only passive DNS unless
//! `--all-sources`.

use std::io::{self, Write};

use anyhow::Result;
use nshunt_ingest::pdns::PdnsObservation;
use nshunt_model::{DomainName, RrType};
use nshunt_store::{ExportFilter, ExportRow, SOURCE_PDNS};

use super::{Context, cli_name, finish};
use crate::args::ExportCofArgs;

pub fn run(ctx: &Context, args: &ExportCofArgs) -> Result<()> {
    let names = args.name.iter().map(|n| cli_name(n).map(|n| n.as_str().to_owned()));
    let filter = ExportFilter {
        sources: if args.all_sources { Vec::new() } else { vec![SOURCE_PDNS.to_owned()] },
        names: names.collect::<Result<_>>()?,
        subdomains: args.subdomains,
    };
    let store = ctx.read_store()?;

    let mut out = ctx.stdout();
    let mut unreadable = 0u64;
    let written = store.export_observations(&filter, |row| {
        let Some(observation) = to_cof(row) else {
            unreadable += 1;
            return Ok(());
        };
        serde_json::to_writer(&mut out, &observation).map_err(io::Error::from)?;
        out.write_all(b"\n")
    })?;
    // An io::Error as it is, so that a closed stdout ends quietly.
    written?;

    if unreadable > 0 && !ctx.global.quiet {
        crate::diag!(
            "warning: {unreadable} observations with names COF cannot carry were left out"
        );
    }
    out.flush()?;
    finish(out)
}

/// One stored observation as COF; `None` for an owner name that does
/// not parse back (never written by nshunt's own ingest).
fn to_cof(row: ExportRow) -> Option<PdnsObservation> {
    let name = DomainName::parse(&row.name).ok()?;
    let mut observation =
        PdnsObservation::sighting(name, RrType(row.rrtype), row.rdata, row.ttl, row.first_seen);
    observation.time_last = row.last_seen;
    observation.count = row.count;
    Some(observation)
}
