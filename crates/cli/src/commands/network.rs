//! `nshunt asn`, `nshunt ip`, `nshunt subnet`, `nshunt ptr`: the
//! network entity views, with the names hosted there.

use std::io::Write;
use std::net::IpAddr;

use anyhow::{Context as _, Result, anyhow};
use nshunt_store::{AsnHitView, HostedName, LabelView, PtrView, ScoredName};

use nshunt_model::ptr::ptr_pattern;

use super::score::{reputation_of, with_reputation, write_reputation_text};
use super::{Context, cli_name, finish};
use crate::args::{AsnArgs, IpArgs, PtrArgs, SubnetArgs};
use crate::output::{self, Format, Table, thousands};
use crate::time::format_moment;
use nshunt_analyze::EntityKind;

pub fn run_asn(ctx: &Context, args: &AsnArgs) -> Result<()> {
    let asn = parse_asn(&args.asn)?;
    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let view = store.asn_view(asn, as_of, args.limit)?.ok_or_else(|| {
        anyhow!("AS{asn} is in no ASN table of the store: ingest one (nshunt ingest asn FILE)")
    })?;
    let reputation =
        reputation_of(&store, EntityKind::Asn, &format!("AS{asn}"), as_of, args.history)?;

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            writeln!(out, "asn         AS{}   (as of {})", view.asn, format_moment(view.as_of))?;
            writeln!(out, "holder      {}", view.holder.as_deref().unwrap_or("-"))?;
            writeln!(out, "tables      {}", view.tables.join(" "))?;
            writeln!(out, "ranges      {}", thousands(view.range_count))?;
            writeln!(out, "addresses   {} hosting names", thousands(view.address_count))?;
            writeln!(out, "names       {}", thousands(view.name_count))?;
            write_labels(&mut out, &view.labels)?;
            write_reputation_text(&mut out, &reputation)?;
            write_hosted(&mut out, &view.hosted, view.name_count)?;
        }
        format => {
            let json = with_reputation(output::to_json(&view)?, &reputation)?;
            output::write_json(&mut out, &json, format)?;
        }
    }
    finish(out)
}

pub fn run_ip(ctx: &Context, args: &IpArgs) -> Result<()> {
    let ip = parse_ip(&args.ip)?;
    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let view = store.ip_view(ip, as_of, args.limit)?;

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            writeln!(out, "ip          {}   (as of {})", view.ip, format_moment(view.as_of))?;
            write_asn(&mut out, view.asn.as_ref())?;
            let count = view.subnet_name_count;
            writeln!(
                out,
                "subnet      {} ({} {})",
                view.subnet,
                thousands(count),
                plural(count, "name")
            )?;
            write_ptr(&mut out, &view.ptr)?;
            write_labels(&mut out, &view.labels)?;
            let names =
                view.names.iter().map(|h| &h.name).collect::<std::collections::BTreeSet<_>>();
            write_hosted(&mut out, &view.names, names.len() as u64)?;
        }
        format => output::write_json(&mut out, &output::to_json(&view)?, format)?,
    }
    finish(out)
}

pub fn run_subnet(ctx: &Context, args: &SubnetArgs) -> Result<()> {
    let (ip, len) = parse_cidr(&args.cidr)?;
    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let view = store.subnet_view(ip, len, as_of, args.limit)?;
    // Scores are kept for /24 (IPv4) and /48 (IPv6) subnets.
    let scored = matches!((ip, len), (std::net::IpAddr::V4(_), 24) | (std::net::IpAddr::V6(_), 48));
    let reputation = if scored {
        let key = nshunt_analyze::load::subnet_of(ip);
        Some(reputation_of(&store, EntityKind::Subnet, &key, as_of, args.history)?)
    } else {
        None
    };

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            writeln!(out, "subnet      {}   (as of {})", view.cidr, format_moment(view.as_of))?;
            write_asn(&mut out, view.asn.as_ref())?;
            writeln!(out, "addresses   {} hosting names", thousands(view.address_count))?;
            writeln!(out, "names       {}", thousands(view.name_count))?;
            if let Some(reputation) = &reputation {
                write_reputation_text(&mut out, reputation)?;
            }
            write_hosted(&mut out, &view.hosted, view.name_count)?;
        }
        format => {
            let json = output::to_json(&view)?;
            let json = match &reputation {
                Some(reputation) => with_reputation(json, reputation)?,
                None => json,
            };
            output::write_json(&mut out, &json, format)?;
        }
    }
    finish(out)
}

pub fn run_ptr(ctx: &Context, args: &PtrArgs) -> Result<()> {
    let pattern = pattern_of(&args.pattern)?;
    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let view = store.ptr_pattern_view(&pattern, as_of, args.limit)?;

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            writeln!(out, "ptr pattern {}   (as of {})", view.pattern, format_moment(view.as_of))?;
            if view.patterns != [view.pattern.clone()] {
                let matched = if view.patterns.is_empty() {
                    "none stored".to_owned()
                } else {
                    view.patterns.join(" ")
                };
                writeln!(out, "matched     {matched}")?;
            }
            writeln!(out, "addresses   {}", thousands(view.address_count))?;
            writeln!(out, "names       {}", thousands(view.name_count))?;
            if !view.addresses.is_empty() {
                writeln!(out)?;
                let mut table = Table::new(&["ip", "ptr", "names"]);
                for a in &view.addresses {
                    table.row(vec![a.ip.to_string(), a.ptr.clone(), scored_names(&a.scores)]);
                }
                table.write(&mut out, "  ")?;
            }
        }
        format => output::write_json(&mut out, &output::to_json(&view)?, format)?,
    }
    finish(out)
}

/// A pattern as given, or the pattern of a PTR name given instead.
pub(crate) fn pattern_of(text: &str) -> Result<String> {
    if text.contains('*') {
        let probe = text.replace('*', "x");
        cli_name(&probe).with_context(|| format!("{text:?} is not a PTR pattern"))?;
        return Ok(text.to_ascii_lowercase().trim_end_matches('.').to_owned());
    }
    let name = cli_name(text)?;
    ptr_pattern(&name).with_context(|| {
        format!(
            "{name} has no address-derived part: give a pattern such as *.static.hoster.example"
        )
    })
}

/// `13335`, `AS13335`, `as13335`, or asdot (`1.5` is 65541); 32-bit
/// numbers.
pub fn parse_asn(text: &str) -> Result<u32> {
    let digits = text.strip_prefix("AS").or_else(|| text.strip_prefix("as")).unwrap_or(text);
    let number = |part: &str| {
        let plain = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if plain { part.parse::<u32>().ok() } else { None }
    };
    let parsed = match digits.split_once('.') {
        Some((high, low)) => number(high)
            .zip(number(low))
            .filter(|&(h, l)| h <= 0xffff && l <= 0xffff)
            .map(|(h, l)| (h << 16) | l),
        None => number(digits),
    };
    parsed.with_context(|| {
        format!("{text:?} is not a 32-bit AS number: give 13335, AS13335 or asdot 1.5")
    })
}

/// An address; an IPv4-mapped IPv6 one (`::ffff:192.0.2.1`) is the
/// IPv4 address it maps.
fn parse_ip(text: &str) -> Result<IpAddr> {
    let ip: IpAddr =
        text.trim().parse().with_context(|| format!("{text:?} is not an IPv4 or IPv6 address"))?;
    Ok(ip.to_canonical())
}

/// `address/length`; the length must fit the family.
fn parse_cidr(text: &str) -> Result<(IpAddr, u8)> {
    let (addr, len) = text
        .split_once('/')
        .with_context(|| format!("{text:?} is not a network: give address/length"))?;
    let given: IpAddr =
        addr.trim().parse().with_context(|| format!("{addr:?} is not an IPv4 or IPv6 address"))?;
    let max = if given.is_ipv4() { 32 } else { 128 };
    let len: u8 = len
        .parse()
        .ok()
        .filter(|&l| l <= max)
        .with_context(|| format!("{text:?}: the length must be 0 to {max}"))?;

    // An IPv4-mapped network inside ::ffff:0:0/96 is the IPv4 one.
    match given.to_canonical() {
        IpAddr::V4(v4) if given.is_ipv6() && len >= 96 => Ok((IpAddr::V4(v4), len - 96)),
        _ => Ok((given, len)),
    }
}

pub fn write_asn(out: &mut impl Write, asn: Option<&AsnHitView>) -> Result<()> {
    let Some(hit) = asn else {
        writeln!(out, "asn         unknown (no ASN table holds it)")?;
        return Ok(());
    };
    let after = if hit.after_as_of { ", a table newer than as-of" } else { "" };
    writeln!(
        out,
        "asn         AS{} {}   ({} from table {}{after})",
        hit.asn,
        hit.holder.as_deref().unwrap_or("-"),
        hit.range,
        hit.source.as_deref().unwrap_or("-"),
    )?;
    Ok(())
}

fn write_ptr(out: &mut impl Write, ptr: &[PtrView]) -> Result<()> {
    if ptr.is_empty() {
        writeln!(out, "ptr         none seen")?;
    }
    for p in ptr {
        let pattern = p.pattern.as_deref().map(|p| format!("   pattern {p}")).unwrap_or_default();
        writeln!(out, "ptr         {}{pattern}", p.name)?;
    }
    Ok(())
}

/// A page of (name, address) rows; `names` is how many distinct names
/// there are in all.
fn write_hosted(out: &mut impl Write, hosted: &[HostedName], names: u64) -> Result<()> {
    if hosted.is_empty() {
        return Ok(());
    }
    let rows = hosted.len() as u64;
    writeln!(
        out,
        "\nhosted names ({} {} shown; {} distinct {} in all)",
        thousands(rows),
        plural(rows, "row"),
        thousands(names),
        plural(names, "name")
    )?;
    let mut table = Table::new(&["name", "ip", "ttl", "risk", "state", "sources", "last_seen"])
        .right_align(&[2, 3]);
    for h in hosted {
        table.row(vec![
            h.name.clone(),
            h.ip.to_string(),
            ttl_range(h.ttl_min, h.ttl_max),
            risk_text(h.risk),
            h.state.clone().unwrap_or_else(|| "-".to_owned()),
            h.sources.join(","),
            format_moment(h.last_seen),
        ]);
    }
    table.write(out, "  ")?;
    Ok(())
}

/// Labels as a table: what matched, on which list, from which source.
pub fn write_labels(out: &mut impl Write, labels: &[LabelView]) -> Result<()> {
    if labels.is_empty() {
        writeln!(out, "labels      none")?;
        return Ok(());
    }

    writeln!(out, "\nlabels")?;
    let mut table = Table::new(&["value", "kind", "list", "category", "source", "listed_on"]);
    for l in labels {
        table.row(vec![
            l.value.clone(),
            l.kind.clone(),
            l.list.clone(),
            l.category.clone().unwrap_or_else(|| "-".to_owned()),
            if l.after_as_of { format!("{}*", l.source) } else { l.source.clone() },
            l.listed_on.clone().unwrap_or_else(|| "-".to_owned()),
        ]);
    }
    table.write(out, "  ")?;
    if labels.iter().any(|l| l.after_as_of) {
        writeln!(out, "  * loaded after the moment asked for: the source has no older batch")?;
    }
    Ok(())
}

/// `300`, `12-300`, or `-` when no source said.
pub fn ttl_range(min: Option<u32>, max: Option<u32>) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min < max => format!("{min}-{max}"),
        (_, Some(max)) => max.to_string(),
        _ => "-".to_owned(),
    }
}

/// A registered domain's risk, `-` when not scored.
fn risk_text(risk: Option<f64>) -> String {
    risk.map_or_else(|| "-".to_owned(), |r| format!("{r:.1}"))
}

/// Names with their domains' risk and state: `shop.example (12.5
/// active)`, the bare name when not scored, `-` for none.
fn scored_names(names: &[ScoredName]) -> String {
    if names.is_empty() {
        return "-".to_owned();
    }
    let shown: Vec<String> = names
        .iter()
        .map(|n| match (n.risk, &n.state) {
            (Some(risk), Some(state)) => format!("{} ({risk:.1} {state})", n.name),
            _ => n.name.clone(),
        })
        .collect();
    shown.join(" ")
}

/// `word` or `words` for a count.
fn plural(count: u64, word: &str) -> String {
    if count == 1 { word.to_owned() } else { format!("{word}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asn_and_cidr_arguments() {
        assert_eq!(parse_asn("AS13335").unwrap(), 13335);
        assert_eq!(parse_asn("4200000000").unwrap(), 4_200_000_000);
        assert_eq!(parse_asn("1.5").unwrap(), 65541);
        for bad in ["", "AS", "AS-1", "13335x", "99999999999", "1.", "70000.1", "1.2.3"] {
            assert!(parse_asn(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_cidr("10.1.2.3/8").unwrap().1, 8);
        let mapped = parse_cidr("::ffff:192.0.2.0/120").unwrap();
        assert_eq!((mapped.0.to_string(), mapped.1), ("192.0.2.0".to_owned(), 24));
        assert_eq!(parse_ip("::ffff:10.0.0.1").unwrap().to_string(), "10.0.0.1");
        for bad in ["10.0.0.0", "10.0.0.0/33", "::/129", "x/8", "10.0.0.0/-1"] {
            assert!(parse_cidr(bad).is_err(), "{bad}");
        }
    }
}
