//! `nshunt zone stats`: name-server statistics without a store.

use std::io::Write;

use anyhow::Result;
use nshunt_ingest::stats::{self, NsDomainStats, StatsOptions, StatsReport};
use nshunt_ingest::zone::ZoneOptions;
use serde::Serialize;

use super::{Context, finish, origin, section};
use crate::args::ZoneStatsArgs;
use crate::output::{self, Format, Table, thousands};

/// One row as JSON prints it (a stable contract).
#[derive(Serialize)]
struct Row<'a> {
    ns_domain: &'a str,
    hosts: u64,
    domains: u64,
    records: u64,
    mean_ttl: f64,
}

/// The whole JSON document.
#[derive(Serialize)]
struct Document<'a> {
    records: u64,
    delegations: u64,
    skipped: u64,
    ns_domains: usize,
    rows: Vec<Row<'a>>,
}

pub fn run(ctx: &Context, args: &ZoneStatsArgs) -> Result<()> {
    let options = StatsOptions {
        section: section(&args.input),
        threads: usize::from(args.threads),
        zone: ZoneOptions {
            origin: origin(&args.input)?,
            allow_include: args.input.allow_include,
            ..ZoneOptions::default()
        },
        strict: args.input.strict,
    };

    let report = stats::zone_stats(&args.input.files, &options)?;
    if !ctx.global.quiet {
        for error in &report.errors {
            crate::diag!("warning: skipped {error}");
        }
        let unshown = report.skipped.saturating_sub(report.errors.len() as u64);
        if unshown > 0 {
            crate::diag!("warning: {unshown} more bad records skipped, not shown");
        }
    }

    let shown = args.top.unwrap_or(report.rows.len()).min(report.rows.len());
    let rows: Vec<Row> = report.rows[..shown].iter().map(row).collect();
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => write_text(&mut out, &report, &rows)?,
        Format::Ndjson => output::write_ndjson_rows(&mut out, &rows)?,
        Format::Json => {
            let doc = Document {
                records: report.records,
                delegations: report.delegations,
                skipped: report.skipped,
                ns_domains: report.rows.len(),
                rows,
            };
            output::write_json(&mut out, &doc, Format::Json)?;
        }
    }
    finish(out)
}

fn row(stats: &NsDomainStats) -> Row<'_> {
    let mean_ttl = (stats.mean_ttl() * 10.0).round() / 10.0;
    Row {
        ns_domain: &stats.ns_domain,
        hosts: stats.hosts,
        domains: stats.domains,
        records: stats.records,
        mean_ttl,
    }
}

fn write_text(out: &mut impl Write, report: &StatsReport, rows: &[Row]) -> Result<()> {
    let mut table = Table::new(&["ns_domain", "hosts", "domains", "records", "mean_ttl"])
        .right_align(&[1, 2, 3, 4]);
    for r in rows {
        table.row(vec![
            r.ns_domain.to_owned(),
            thousands(r.hosts),
            thousands(r.domains),
            thousands(r.records),
            format!("{:.1}", r.mean_ttl),
        ]);
    }
    table.write(out, "")?;

    crate::diag!(
        "{} records, {} delegating NS records to {} name-server domains, {} skipped",
        thousands(report.records),
        thousands(report.delegations),
        thousands(report.rows.len() as u64),
        thousands(report.skipped),
    );
    Ok(())
}
