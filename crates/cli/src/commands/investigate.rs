//! `nshunt investigate DOMAIN`: the seed's profile and reputations, the
//! domains related through its rare infrastructure, their clusters with
//! commonalities, as text, JSON or a self-contained HTML report.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use nshunt_analyze::investigate::{Cluster, EntityRef, Investigation, Options, Pivot, investigate};
use nshunt_analyze::{Settings, load::registered_domain};

use super::{Context, cli_name, finish};
use crate::args::InvestigateArgs;
use crate::output::{self, Format, Table, counted, list_cell, thousands};
use crate::time::format_moment;

mod html;

pub fn run(ctx: &Context, args: &InvestigateArgs) -> Result<()> {
    if args.domain.trim().parse::<std::net::IpAddr>().is_ok() {
        bail!(
            "{:?} is an address: investigate takes a domain (`nshunt ip` shows an address)",
            args.domain
        );
    }
    let name = cli_name(&args.domain)?;
    let domain = registered_domain(name.as_str())
        .with_context(|| format!("{name} is a public suffix, not a domain to investigate"))?;
    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;

    let facts = nshunt_analyze::load(&store, as_of)?;
    let Some(seed) = facts.domains.iter().position(|d| d.name == domain) else {
        bail!(
            "{domain} is not in the store as of {}: ingest its zone, passive DNS or registration",
            format_moment(as_of)
        );
    };
    let scored = nshunt_analyze::score_facts(facts, &Settings::default());
    let options = Options {
        depth: args.depth,
        max_domains: args.max_domains as usize,
        max_pivot: args.max_pivot,
        ..Options::default()
    };
    let found = investigate(&scored, seed, &options);

    if let Some(path) = &args.html {
        write_html(path, &found, as_of)?;
        if !ctx.global.quiet {
            crate::diag!("report written to {}", path.display());
        }
    }
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => write_text(&mut out, &found, as_of)?,
        format => output::write_json(&mut out, &output::to_json(&found)?, format)?,
    }
    finish(out)
}

fn write_html(path: &Path, found: &Investigation, as_of: i64) -> Result<()> {
    let page = html::report(found, as_of);
    std::fs::write(path, page).with_context(|| format!("cannot write {}", path.display()))
}

fn write_text(out: &mut impl Write, f: &Investigation, as_of: i64) -> Result<()> {
    let s = &f.seed;
    writeln!(out, "seed          {}   (as of {})", s.domain, format_moment(as_of))?;
    writeln!(out, "risk          {:.1} / 100, {}", s.risk, s.state)?;
    writeln!(out, "\nseed infrastructure (rarest first)")?;
    let mut table =
        Table::new(&["kind", "value", "domains", "score", "followed"]).right_align(&[2, 3]);
    for seed in &f.seed_entities {
        let e = &seed.entity;
        table.row(vec![
            kind(e),
            e.value.clone(),
            thousands(e.domains),
            format!("{:.1}", e.score),
            followed(seed.reason, &f.options),
        ]);
    }
    table.write(out, "  ")?;

    let more = if f.truncated { " (cut at --max-domains)" } else { "" };
    let related = counted(f.related.saturating_sub(1) as u64, "related domain");
    let clusters = counted(f.clusters.len() as u64, "cluster");
    writeln!(out, "\n{related} and the seed{more}, {clusters}")?;
    for c in &f.clusters {
        write_cluster(out, c)?;
    }
    Ok(())
}

fn write_cluster(out: &mut impl Write, c: &Cluster) -> Result<()> {
    writeln!(out, "\ncluster {} ({})", c.id, counted(c.members.len() as u64, "domain"))?;
    let common: Vec<String> = c.commonalities.iter().map(commonality).collect();
    writeln!(
        out,
        "  shared by all: {}",
        if common.is_empty() { "-".into() } else { common.join("; ") }
    )?;
    if !c.targets.is_empty() {
        writeln!(out, "  targets: {}", c.targets.join(", "))?;
    }
    let mut table = Table::new(&[
        "domain",
        "a",
        "ptr",
        "as",
        "target",
        "registrar",
        "first_seen",
        "risk",
        "state",
    ])
    .right_align(&[7]);
    for m in &c.members {
        table.row(vec![
            m.domain.clone(),
            list_cell(&m.addresses),
            list_cell(&m.ptr),
            list_cell(&m.asn),
            m.target.clone().unwrap_or_else(|| "-".into()),
            m.registrar.clone().unwrap_or_else(|| "-".into()),
            m.first_seen.map_or_else(|| "-".into(), format_moment),
            format!("{:.1}", m.risk),
            m.state.into(),
        ]);
    }
    table.write(out, "  ")?;
    Ok(())
}

fn commonality(e: &EntityRef) -> String {
    format!("{} {} ({})", kind(e), e.value, counted(e.domains, "domain"))
}

/// Whether, and why not, the search went through a seed entity.
pub(super) fn followed(reason: Pivot, options: &Options) -> String {
    match reason {
        Pivot::Followed => "yes".into(),
        Pivot::Theme => "no: a theme, not infrastructure".into(),
        Pivot::SharedInfrastructure => {
            "no: shared infrastructure (CDN, dynamic DNS, popular or allow-listed)".into()
        }
        Pivot::OverMaxPivot => {
            format!("no: more than {} domains (--max-pivot)", thousands(options.max_pivot))
        }
        Pivot::OverPivotShare => {
            format!("no: more than {}% of the store's domains", options.max_pivot_share * 100.0)
        }
    }
}

fn kind(e: &EntityRef) -> String {
    e.kind.as_str().to_owned()
}
