//! `nshunt store info`: what the store holds.

use std::io::Write;

use anyhow::Result;
use nshunt_store::StoreInfo;

use super::{Context, finish};
use crate::output::{self, Format, Table, thousands};
use crate::time::format_moment;

/// Batches listed in text output: a folder of WHOIS answers is one
/// batch per file, and the list would bury the rest.
const TEXT_BATCHES: usize = 20;

pub fn run(ctx: &Context) -> Result<()> {
    let store = ctx.read_store()?;
    let info = store.info()?;

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => write_text(&mut out, &info)?,
        format => output::write_json(&mut out, &output::to_json(&info)?, format)?,
    }
    finish(out)
}

fn write_text(out: &mut impl Write, info: &StoreInfo) -> Result<()> {
    let mib = |b: u64| format!("{:.1} MiB", b as f64 / 1048576.0);
    writeln!(out, "store         {}", info.path)?;
    writeln!(out, "schema        version {}", info.schema_version)?;
    writeln!(
        out,
        "size          {} (+ {} write-ahead log)",
        mib(info.db_bytes),
        mib(info.wal_bytes)
    )?;
    writeln!(out, "observations  {}", thousands(info.observations))?;

    writeln!(out, "\nsources")?;
    let mut sources =
        Table::new(&["source", "zone", "batches", "observations", "newest"]).right_align(&[2, 3]);
    for s in &info.sources {
        let newest = s.newest_observed_at.map_or_else(|| "-".to_owned(), format_moment);
        sources.row(vec![
            s.source.clone(),
            s.zone.clone().unwrap_or_default(),
            s.batches.to_string(),
            thousands(s.observations),
            newest,
        ]);
    }
    sources.write(out, "  ")?;

    let shown = info.batches.len().min(TEXT_BATCHES);
    if shown < info.batches.len() {
        writeln!(
            out,
            "\nbatches (newest {shown} of {}; --format json lists all)",
            info.batches.len()
        )?;
    } else {
        writeln!(out, "\nbatches")?;
    }
    let mut batches =
        Table::new(&["id", "kind", "zone", "observed_at", "records", "skipped", "file"])
            .right_align(&[0, 4, 5]);
    for b in info.batches.iter().take(shown) {
        batches.row(vec![
            b.id.to_string(),
            b.kind.clone(),
            b.zone.clone().unwrap_or_default(),
            format_moment(b.observed_at),
            thousands(b.records),
            thousands(b.skipped),
            b.file_name.clone(),
        ]);
    }
    batches.write(out, "  ")?;

    writeln!(out, "\nrecord types")?;
    let mut types = Table::new(&["type", "observations"]).right_align(&[1]);
    for t in &info.rrtypes {
        types.row(vec![t.rrtype.to_string(), thousands(t.observations)]);
    }
    types.write(out, "  ")?;

    writeln!(out, "\nregistrations")?;
    let mut registrations =
        Table::new(&["source", "status", "answers", "domains"]).right_align(&[2, 3]);
    for r in &info.registrations {
        registrations.row(vec![
            r.source.clone(),
            r.status.as_str().to_owned(),
            thousands(r.registrations),
            thousands(r.domains),
        ]);
    }
    registrations.write(out, "  ")?;

    writeln!(out, "\nlabels        {}", thousands(info.labels))?;
    let mut labels = Table::new(&["source", "list", "labels"]).right_align(&[2]);
    for l in &info.label_sources {
        labels.row(vec![l.source.clone(), l.list.clone(), thousands(l.labels)]);
    }
    labels.write(out, "  ")?;
    Ok(())
}
