//! `nshunt explore`: domains by any combination of attributes, paged,
//! with facets.

use std::io::{ErrorKind, Write};

use anyhow::{Context as _, Result, bail};
use nshunt_analyze::explore::{Filter, Page, explore};
use nshunt_analyze::index::{self, ExploreIndex, IndexError, query};
use nshunt_analyze::{Settings, State};
use nshunt_brands::Theme;
use nshunt_store::SqliteStore;
use regex::{Regex, RegexBuilder};
use tracing::debug;

use super::{Context, finish};
use crate::args::ExploreArgs;
use crate::output::{self, Format, Table, thousands};
use crate::time::{format_moment, parse_moment};

pub fn run(ctx: &Context, args: &ExploreArgs) -> Result<()> {
    let mut filter = filter(args)?;
    let store = ctx.read_store()?;
    if !filter.brand.is_empty() {
        filter.brand = brand_names(&store, &filter.brand)?;
    }
    let as_of = ctx.as_of(&store)?;
    let (page, limit) = (args.page as usize, args.limit as usize);
    let page = match current_index(ctx, &store, as_of)? {
        Some(index) => query::explore(&index, &filter, page, limit, args.facets),
        None => {
            let facts = nshunt_analyze::load(&store, as_of)?;
            let scored = nshunt_analyze::score_facts(facts, &Settings::default());
            explore(&scored, &filter, page, limit, args.facets)
        }
    };

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => write_text(&mut out, &page, as_of)?,
        Format::Ndjson => write_ndjson(&mut out, &page)?,
        format => output::write_json(&mut out, &output::to_json(&page)?, format)?,
    }
    finish(out)
}

/// The index the last scoring run wrote, when it is of the moment asked
/// and no batch was added to the store since; otherwise explore loads
/// the store (and says why, unless another moment was asked for).
fn current_index(ctx: &Context, store: &SqliteStore, as_of: i64) -> Result<Option<ExploreIndex>> {
    let path = index::path_for(store.path());
    let generation = store.generation()?;
    let stale = || {
        format!(
            "the explore index {} is not current; loading the store instead (slower): \
             `nshunt score` rebuilds it",
            path.display()
        )
    };
    let index = match ExploreIndex::open(&path) {
        Ok(index) => index,
        Err(IndexError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => {
            if store.last_scoring_run()?.is_some() {
                note(ctx, &stale());
            }
            return Ok(None);
        }
        Err(error) => {
            note(ctx, &format!("{error}; {}", stale()));
            return Ok(None);
        }
    };
    let stamp = index.stamp();
    if stamp.generation != generation {
        note(ctx, &stale());
        return Ok(None);
    }
    if stamp.as_of != as_of {
        debug!(index_as_of = stamp.as_of, as_of, "the explore index is of another moment");
        return Ok(None);
    }
    Ok(Some(index))
}

/// `--brand` values as the brands' names: a catalogue id (`paypal`) or
/// a name (`PayPal`) of the shipped or stored catalogue. A value that is
/// neither is an error: a misspelt brand would otherwise look like a
/// brand nobody impersonates.
fn brand_names(store: &SqliteStore, wanted: &[String]) -> Result<Vec<String>> {
    let catalogue = nshunt_analyze::load::brand_catalogue(store)?;
    let mut names = Vec::new();
    for value in wanted {
        let found = catalogue
            .brands()
            .iter()
            .find(|b| b.id.eq_ignore_ascii_case(value) || b.name.eq_ignore_ascii_case(value));
        match found {
            Some(brand) => names.push(brand.name.clone()),
            None => bail!("no brand {value:?} in the catalogue (by id or name, any case)"),
        }
    }
    Ok(names)
}

/// NDJSON: one line per domain, then one per facet value
/// (`{"facet": "asn", "value": …}`).
fn write_ndjson(out: &mut impl Write, page: &Page) -> Result<()> {
    let mut rows = output::to_json(&page.results)?.as_array().cloned().unwrap_or_default();
    for (attribute, values) in &page.facets {
        for value in values {
            let mut row = output::to_json(value)?;
            if let Some(object) = row.as_object_mut() {
                object.insert("facet".into(), attribute.clone().into());
            }
            rows.push(row);
        }
    }
    Ok(output::write_ndjson_rows(out, &rows)?)
}

fn note(ctx: &Context, text: &str) {
    if !ctx.global.quiet {
        crate::diag!("note: {text}");
    }
}

/// The options as a filter, each checked.
fn filter(a: &ExploreArgs) -> Result<Filter> {
    let asn = a
        .asn
        .iter()
        .map(|t| {
            let digits = t.trim().trim_start_matches(['A', 'a']).trim_start_matches(['S', 's']);
            digits.parse::<u32>().with_context(|| format!("bad --asn {t:?}: give 64500 or AS64500"))
        })
        .collect::<Result<Vec<u32>>>()?;
    let cidr = a.cidr.iter().map(|t| parse_cidr(t)).collect::<Result<Vec<_>>>()?;
    let state = a
        .state
        .iter()
        .map(|s| {
            State::parse(s).with_context(|| {
                format!("unknown --state {s:?}: registered, waiting, active, parked, sinkholed or expired")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let name_regex = match (&a.name_regex, &a.name_glob) {
        (Some(re), _) => Some(
            RegexBuilder::new(re)
                .case_insensitive(true)
                .build()
                .with_context(|| format!("bad --name-regex {re:?}"))?,
        ),
        (None, Some(glob)) => Some(glob_regex(&glob.to_lowercase())?),
        (None, None) => None,
    };
    if let Some(min) = a.min_risk
        && !(0.0..=100.0).contains(&min)
    {
        bail!("--min-risk {min:?}: give a number from 0 to 100");
    }
    if a.near.as_deref().is_some_and(|n| n.trim().is_empty()) {
        bail!("--near is empty: give a label to compare with (`paypal`)");
    }
    for ns in &a.nameserver {
        super::cli_name(ns)
            .with_context(|| format!("bad --ns {ns:?}: give a name-server domain or host"))?;
    }
    if let Some(near) = &a.near
        && near.contains('.')
    {
        let label = near.split('.').next().unwrap_or_default();
        bail!(
            "--near {near:?}: it is compared with the first label of each domain: give {label:?}"
        );
    }
    let moment = |t: &Option<String>| t.as_deref().map(parse_moment).transpose();
    let window = |from: &Option<String>, to: &Option<String>, option: &str| {
        let (start, end) = (moment(from)?, moment(to)?);
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            bail!("--{option}-from is after --{option}-to: the window is empty");
        }
        Ok::<_, anyhow::Error>((start, end))
    };
    let first_seen = window(&a.first_seen_from, &a.first_seen_to, "first-seen")?;
    let last_seen = window(&a.last_seen_from, &a.last_seen_to, "last-seen")?;
    let created = window(&a.created_from, &a.created_to, "created")?;
    Ok(Filter {
        nameserver: a.nameserver.iter().map(|n| n.trim_end_matches('.').to_lowercase()).collect(),
        asn,
        holder_prefix: a.holder.clone(),
        cidr,
        ptr_pattern: a.ptr.iter().map(|p| super::network::pattern_of(p)).collect::<Result<_>>()?,
        registrar: a.registrar.clone(),
        org: a.org.clone(),
        address: a.address.clone(),
        country: a.country.clone(),
        brand: a.brand.clone(),
        theme: a
            .theme
            .iter()
            .map(|t| t.to_lowercase().parse::<Theme>().map(|t| t.as_str().to_owned()))
            .collect::<Result<_, String>>()
            .map_err(anyhow::Error::msg)?,
        category: a.category.clone(),
        first_seen,
        last_seen,
        created,
        min_risk: a.min_risk,
        state,
        name_regex,
        near: a.near.as_ref().map(|n| (n.to_lowercase(), a.distance)),
    })
}

/// `address/length`, or an address alone (all its bits).
fn parse_cidr(text: &str) -> Result<(std::net::IpAddr, u8)> {
    let (address, length) = text.split_once('/').unwrap_or((text, ""));
    let ip: std::net::IpAddr = address
        .trim()
        .parse()
        .with_context(|| format!("bad --cidr {text:?}: give 192.0.2.0/24"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let length = if length.is_empty() {
        max
    } else {
        length.parse::<u8>().ok().filter(|&l| l <= max).with_context(|| {
            format!("bad --cidr {text:?}: the prefix length runs from 0 to {max}")
        })?
    };
    Ok((ip, length))
}

/// A glob as an anchored regular expression.
fn glob_regex(glob: &str) -> Result<Regex> {
    let mut pattern = String::from("^");
    for c in glob.chars() {
        match c {
            '*' => pattern.push_str(".*"),
            '?' => pattern.push('.'),
            c => pattern.push_str(&regex::escape(&c.to_string())),
        }
    }
    pattern.push('$');
    Regex::new(&pattern).with_context(|| format!("bad --name-glob {glob:?}"))
}

fn write_text(out: &mut impl Write, page: &Page, as_of: i64) -> Result<()> {
    let first = (page.page - 1) * page.limit + 1;
    let last = first + page.results.len().saturating_sub(1);
    if page.results.is_empty() {
        writeln!(
            out,
            "{} domains match (as of {}); none on page {}",
            thousands(page.total),
            format_moment(as_of),
            page.page
        )?;
        return Ok(());
    } else {
        writeln!(
            out,
            "domains {first}-{last} of {} (as of {})",
            thousands(page.total),
            format_moment(as_of)
        )?;
    }
    let mut table = Table::new(&["domain", "risk", "state", "a", "as", "registrar", "first_seen"])
        .right_align(&[1]);
    for m in &page.results {
        table.row(vec![
            output::name_cell(&m.domain),
            format!("{:.1}", m.risk),
            m.state.into(),
            output::list_cell(&m.addresses),
            output::list_cell(&m.asn),
            m.registrar.clone().unwrap_or_else(|| "-".into()),
            m.first_seen.map_or_else(|| "-".into(), format_moment),
        ]);
    }
    table.write(out, "  ")?;
    for (attribute, values) in &page.facets {
        writeln!(out, "\nfacet {attribute}")?;
        let mut table =
            Table::new(&["value", "results", "overall", "rarity"]).right_align(&[1, 2, 3]);
        for v in values {
            table.row(vec![
                v.value.clone(),
                thousands(v.results),
                thousands(v.overall),
                format!("{:.2}", v.rarity),
            ]);
        }
        table.write(out, "  ")?;
    }
    Ok(())
}
