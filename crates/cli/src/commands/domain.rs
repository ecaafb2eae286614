//! `nshunt domain`: the seed view of one domain.

use std::io::Write;

use anyhow::{Result, bail};
use nshunt_model::DomainName;
use nshunt_store::{DomainView, RecordView, SIGHTING_WINDOW_SECS, SqliteStore};

use super::score::DomainRisk;
use super::{Context, cli_name, finish, network};
use crate::args::DomainArgs;
use crate::output::{self, Format, Table, thousands};
use crate::time::format_moment;

pub fn run(ctx: &Context, args: &DomainArgs) -> Result<()> {
    let name = cli_name(&args.domain)?;

    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let Some(view) = store.domain_view(name.as_str(), as_of)? else {
        bail!("{}", not_found(&store, &name, as_of)?);
    };

    let risk = DomainRisk::of(&store, &view, as_of)?;

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            write_text(&mut out, &name, &view)?;
            match &risk {
                Some(risk) => risk.write_text(&mut out)?,
                None => writeln!(
                    out,
                    "risk          none: not in the newest scoring run (scores are rebuilt after each \
                     ingest as of the newest observation; `nshunt score --as-of TIME` scores another moment)"
                )?,
            }
        }
        format => {
            let mut json = output::to_json(&view)?;
            if let serde_json::Value::Object(map) = &mut json {
                map.insert("risk".to_owned(), output::to_json(&risk)?);
            }
            output::write_json(&mut out, &json, format)?;
        }
    }
    finish(out)
}

/// Why a name has no view: never seen, or not by `as_of`.
fn not_found(store: &SqliteStore, name: &DomainName, as_of: i64) -> Result<String> {
    let when = format_moment(as_of);
    Ok(match store.name_seen(name.as_str())? {
        Some((first, _)) => format!(
            "{name} is first seen {}, after the moment asked for ({when}): pass a later --as-of",
            format_moment(first)
        ),
        None if store.domain_score(name.as_str())?.is_some() => format!(
            "{name} itself has no record in the store, but names under it do (it is scored as \
             their registered domain): `nshunt explore --name-glob {name}` and `nshunt risk \
             {name}` show it; view one of its names"
        ),
        None => format!(
            "{name} is not in the store: no zone, passive DNS, collection or registration \
             answer names it (passive DNS keeps only answered queries)"
        ),
    })
}

fn write_text(out: &mut impl Write, name: &DomainName, v: &DomainView) -> Result<()> {
    let unicode = name.to_unicode();
    let shown =
        if unicode == v.domain { v.domain.clone() } else { format!("{} ({unicode})", v.domain) };
    writeln!(out, "domain        {shown}   (as of {})", format_moment(v.as_of))?;
    let moment = |t: Option<i64>| t.map_or_else(|| "-".to_owned(), format_moment);
    writeln!(out, "first_seen    {}", moment(v.first_seen))?;
    writeln!(out, "last_seen     {}", moment(v.last_seen))?;
    if let Some(note) = stale_note(v) {
        writeln!(out, "note          {note}")?;
    }
    if v.nameservers.is_empty() {
        writeln!(out, "nameservers   none seen at that moment")?;
    } else {
        writeln!(out, "nameservers   {}", v.nameservers.join(" "))?;
    }

    if !v.nsdomaininfo.is_empty() {
        write_ns_domains(out, v)?;
    }
    write_records(out, v)?;
    write_addresses(out, v)?;
    write_registration(out, v)?;
    write_labels(out, v)
}

fn write_registration(out: &mut impl Write, v: &DomainView) -> Result<()> {
    let Some(r) = &v.registration else {
        return Ok(writeln!(out, "\nregistration  none ingested")?);
    };
    let date = |t: Option<i64>| t.map_or_else(|| "-".to_owned(), format_moment);

    let later = if r.after_as_of { ", observed after as-of: no older answer" } else { "" };
    let when = format_moment(r.observed_at);
    writeln!(out, "\nregistration  {} ({}, {when}{later})", r.domain, r.source)?;
    writeln!(out, "  status      {}", serde_json::to_value(r.status)?.as_str().unwrap_or("-"))?;
    let iana = r.registrar_iana_id.map(|id| format!(" (IANA {id})")).unwrap_or_default();
    let registrar = r.registrar.as_deref().map_or_else(|| "-".to_owned(), output::sanitize);
    writeln!(out, "  registrar   {registrar}{iana}")?;
    writeln!(out, "  created     {}   expires {}", date(r.created), date(r.expires))?;
    if let Some(who) = &r.registrant {
        let mut parts: Vec<String> = who.organization.iter().cloned().collect();
        parts.extend(who.street.iter().cloned());
        parts.extend(
            [&who.city, &who.state, &who.postcode, &who.country].into_iter().flatten().cloned(),
        );
        let privacy = if r.privacy { "   (privacy service)" } else { "" };
        writeln!(out, "  registrant  {}{privacy}", output::sanitize(&parts.join(", ")))?;
    }
    Ok(())
}

fn write_labels(out: &mut impl Write, v: &DomainView) -> Result<()> {
    if v.labels.is_empty() {
        return Ok(writeln!(out, "\nlabels        none")?);
    }
    network::write_labels(out, &v.labels)
}

fn write_ns_domains(out: &mut impl Write, v: &DomainView) -> Result<()> {
    writeln!(out, "\nname-server domains")?;
    let mut table = Table::new(&["ns_domain", "num_domains", "ns_avg_ttl", "delegation_avg_ttl"])
        .right_align(&[1, 3]);
    let mut reasons = Vec::new();
    for i in &v.nsdomaininfo {
        let avg = i.ns_avg_ttl.map_or_else(|| "n/a".to_owned(), |t| format!("{t:.1}"));
        let delegation = i.delegation_avg_ttl.map_or_else(|| "-".to_owned(), |t| format!("{t:.1}"));
        table.row(vec![i.ns_domain.clone(), thousands(i.num_domains), avg, delegation]);
        reasons.extend(i.ns_avg_ttl_reason.clone());
    }
    table.write(out, "  ")?;
    reasons.dedup();
    for reason in reasons {
        writeln!(out, "  ns_avg_ttl n/a: {reason}")?;
    }
    Ok(())
}

fn write_records(out: &mut impl Write, v: &DomainView) -> Result<()> {
    if !v.records.is_empty() {
        writeln!(out, "\nrecords")?;
        let mut table = Table::new(&["type", "ttl", "data", "source"]).right_align(&[1]);
        for group in v.records.chunk_by(same_record) {
            let r = &group[0];
            let source =
                r.zone.as_ref().map_or_else(|| r.source.clone(), |z| format!("{} {z}", r.source));
            table.row(vec![r.rrtype.to_string(), group_ttls(group), r.rdata.clone(), source]);
        }
        table.write(out, "  ")?;
    }
    Ok(())
}

fn write_addresses(out: &mut impl Write, v: &DomainView) -> Result<()> {
    if !v.addresses.is_empty() {
        writeln!(out, "\naddresses")?;
        let header = ["ip", "via", "ttl", "asn", "as holder", "subnet", "ptr", "ptr pattern"];
        let mut table = Table::new(&header).right_align(&[2]);
        for a in &v.addresses {
            let ttl = network::ttl_range(a.ttl_min, a.ttl_max);
            let asn = a.asn.as_ref();
            let ptr = a.ptr.first();
            table.row(vec![
                a.ip.to_string(),
                a.via.clone().unwrap_or_else(|| "-".to_owned()),
                ttl,
                asn.map_or_else(|| "-".to_owned(), |h| format!("AS{}", h.asn)),
                asn.and_then(|h| h.holder.clone()).unwrap_or_else(|| "-".to_owned()),
                a.subnet.clone(),
                ptr.map_or_else(|| "-".to_owned(), |p| p.name.clone()),
                ptr.and_then(|p| p.pattern.clone()).unwrap_or_else(|| "-".to_owned()),
            ]);
        }
        table.write(out, "  ")?;
    }
    Ok(())
}

/// Says why a name seen before shows nothing now: passive DNS and
/// collection stay current for a window after their last sighting.
fn stale_note(v: &DomainView) -> Option<String> {
    let quiet = v.records.is_empty() && v.nameservers.is_empty();
    let last = v.last_seen.filter(|_| quiet)?;
    let days = SIGHTING_WINDOW_SECS / 86_400;
    Some(format!(
        "nothing current: last seen {}; passive DNS and collection stay current {days} days \
         after a sighting (pass --as-of {})",
        format_moment(last),
        format_moment(last)
    ))
}

/// One record seen with several TTLs (a resolver's cache counts them
/// down) is one line of text; JSON keeps every observation.
fn same_record(a: &RecordView, b: &RecordView) -> bool {
    (a.rrtype, &a.rdata, &a.source, &a.zone) == (b.rrtype, &b.rdata, &b.source, &b.zone)
}

/// The TTL range of a group of records.
fn group_ttls(group: &[RecordView]) -> String {
    let ttls = group.iter().filter_map(|r| r.ttl);
    network::ttl_range(ttls.clone().min(), ttls.max())
}
