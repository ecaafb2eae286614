//! `nshunt investigate DOMAIN`: the seed's profile and reputations, the
//! domains related through its rare infrastructure, their clusters with
//! commonalities, as text, JSON or a self-contained HTML report.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use nshunt_analyze::investigate::{Cluster, EntityRef, Investigation, Options, Pivot, investigate};
use nshunt_analyze::{EntityKind, Settings, load::registered_domain};

use super::{Context, cli_name, finish};
use crate::args::InvestigateArgs;
use crate::output::{self, Format, Table, counted, list_cell, name_cell, thousands};
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
    if let Some(path) = &args.html {
        refuse_to_replace(path, store.path())?;
    }
    let as_of = ctx.as_of(&store)?;

    let facts = nshunt_analyze::load(&store, as_of)?;
    let Some(seed) = facts.domains.iter().position(|d| d.name == domain) else {
        let serves = facts.entities.id(EntityKind::NsDomain, &domain).is_some();
        let hint = if serves {
            format!(": it is a name-server domain, `nshunt nameserver {domain}` shows its domains")
        } else {
            ": ingest its zone, passive DNS or registration".to_owned()
        };
        bail!("{domain} is not in the store as of {}{hint}", format_moment(as_of));
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
        write_html(path, store.path(), &found, as_of)?;
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

/// Writes the report beside its final path, then renames it there: an
/// interrupted write leaves no half page. Only a new file, an empty one
/// or an earlier report is ever replaced: a slip of `--html` onto the
/// store, its journal or any other file must not destroy it, and a FIFO
/// would block.
fn write_html(path: &Path, store: &Path, found: &Investigation, as_of: i64) -> Result<()> {
    refuse_to_replace(path, store)?;
    let page = html::report(found, as_of);
    let name =
        path.file_name().with_context(|| format!("--html {}: not a file", path.display()))?;
    let mut temp_name = name.to_os_string();
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = path.with_file_name(temp_name);

    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .with_context(|| format!("cannot write {}", temp.display()))?;
    // From here the temporary file is ours to remove on failure.
    let written = file.write_all(page.as_bytes()).and_then(|()| std::fs::rename(&temp, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(error).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// Refuses a report path that is the store or one of its files (as
/// given or through links), or an existing file other than an empty
/// one or an earlier report.
fn refuse_to_replace(path: &Path, store: &Path) -> Result<()> {
    let mut stores = vec![store.to_path_buf()];
    stores.extend(std::fs::canonicalize(store));
    for store in stores {
        for suffix in ["", "-wal", "-shm", "-journal", "-explore"] {
            let mut name = store.as_os_str().to_os_string();
            name.push(suffix);
            if same_place(path, Path::new(&name)) {
                bail!(
                    "--html {} is the store or one of its files: not overwritten",
                    path.display()
                );
            }
        }
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else { return Ok(()) };
    if !meta.is_file() {
        bail!("--html {}: not a regular file, not overwritten", path.display());
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 15), &mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    if !head.is_empty() && head != b"<!DOCTYPE html>" {
        bail!(
            "--html {} exists and is not an earlier report: not overwritten (remove it or pick \
             another name)",
            path.display()
        );
    }
    Ok(())
}

fn write_text(out: &mut impl Write, f: &Investigation, as_of: i64) -> Result<()> {
    let s = &f.seed;
    writeln!(out, "seed          {}   (as of {})", name_cell(&s.domain), format_moment(as_of))?;
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
    // The rarest few: JSON and the HTML report have them all.
    const SHOWN: usize = 6;
    let mut common: Vec<String> = c.commonalities.iter().take(SHOWN).map(commonality).collect();
    if c.commonalities.len() > SHOWN {
        common.push(format!("(+{} more)", c.commonalities.len() - SHOWN));
    }
    writeln!(
        out,
        "  {}: {}",
        commonality_label(c),
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
            name_cell(&m.domain),
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

/// What a cluster's commonalities are: a domain alone shares them with
/// no other (it was linked to none strongly enough).
pub(super) fn commonality_label(c: &Cluster) -> &'static str {
    if c.members.len() == 1 { "alone, its own values" } else { "shared by all" }
}

fn commonality(e: &EntityRef) -> String {
    format!("{} {} ({})", kind(e), e.value, counted(e.domains, "domain"))
}

/// Whether two paths name the same place, whether or not a file is
/// there: the same file, or the same name in the same folder.
fn same_place(a: &Path, b: &Path) -> bool {
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        return a == b;
    }
    let folder = |p: &Path| {
        let parent = p.parent().filter(|f| !f.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::canonicalize(parent).ok()
    };
    a.file_name() == b.file_name() && folder(a).is_some() && folder(a) == folder(b)
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
        Pivot::OverPivotShare => format!(
            "no: more than {}% of the store's domains and more than {}",
            options.max_pivot_share * 100.0,
            options.pivot_min
        ),
    }
}

fn kind(e: &EntityRef) -> String {
    e.kind.as_str().to_owned()
}
