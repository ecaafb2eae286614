//! `nshunt nameserver`: the profile of a name-server domain.

use std::io::Write;

use anyhow::{Result, anyhow};
use nshunt_model::Section;
use nshunt_store::NameserverProfile;

use super::ingest_zone::ns_domain_of;
use super::score::{reputation_of, with_reputation, write_reputation_text};
use super::{Context, cli_name, finish};
use crate::args::NameserverArgs;
use crate::output::{self, Format, Table, thousands};
use crate::time::format_moment;
use nshunt_analyze::EntityKind;

pub fn run(ctx: &Context, args: &NameserverArgs) -> Result<()> {
    if args.name.parse::<std::net::IpAddr>().is_ok() {
        anyhow::bail!("{} is an IP address: give a name-server domain or an NS host", args.name);
    }
    let name = cli_name(&args.name)?;
    let ns_domain = ns_domain_of(name.as_str(), Section::Icann).unwrap_or_else(|| name.to_string());

    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let limit = args.limit as usize;
    let offset = (args.page as usize - 1).saturating_mul(limit);
    let profile = store.nameserver_profile(&ns_domain, as_of, limit, offset)?.ok_or_else(|| {
        anyhow!("no delegations to {ns_domain} in the store as of {}", format_moment(as_of))
    })?;

    let host = name.as_str();
    if host != ns_domain && !profile.hosts.iter().any(|h| h.host == host) {
        crate::diag!("note: {host} is not among the NS hosts of {ns_domain} as of that moment");
    }

    let reputation = reputation_of(&store, EntityKind::NsDomain, &ns_domain, as_of, args.history)?;

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            write_text(&mut out, &profile)?;
            writeln!(out)?;
            write_reputation_text(&mut out, &reputation)?;
        }
        format => {
            let json = with_reputation(output::to_json(&profile)?, &reputation)?;
            output::write_json(&mut out, &json, format)?;
        }
    }
    finish(out)
}

fn write_text(out: &mut impl Write, p: &NameserverProfile) -> Result<()> {
    writeln!(out, "ns_domain     {}   (as of {})", p.ns_domain, format_moment(p.as_of))?;
    writeln!(out, "num_domains   {}", thousands(p.num_domains))?;
    match (p.ns_avg_ttl, &p.ns_avg_ttl_reason) {
        (Some(ttl), _) => {
            writeln!(out, "ns_avg_ttl    {ttl:.1} ({} domains)", p.ns_avg_ttl_domains)?
        }
        (None, reason) => writeln!(out, "ns_avg_ttl    n/a: {}", reason.as_deref().unwrap_or("-"))?,
    }
    if let Some(t) = &p.delegation_ttl {
        writeln!(
            out,
            "delegation    mean TTL {:.1}, min {}, max {} ({} NS records)",
            t.mean,
            t.min,
            t.max,
            thousands(t.records)
        )?;
    }
    writeln!(out, "first_seen    {}", format_moment(p.first_seen))?;
    writeln!(out, "last_seen     {}", format_moment(p.last_seen))?;
    let zones: Vec<String> =
        p.zones.iter().map(|z| format!("{} ({})", z.zone, thousands(z.num_domains))).collect();
    writeln!(out, "zones         {}", zones.join(", "))?;

    writeln!(out, "\nhosts")?;
    let mut hosts = Table::new(&["host", "domains", "addresses"]).right_align(&[1]);
    for h in &p.hosts {
        let addresses: Vec<&str> = h.addresses.iter().map(|a| a.address.as_str()).collect();
        hosts.row(vec![h.host.clone(), thousands(h.num_domains), addresses.join(" ")]);
    }
    hosts.write(out, "  ")?;

    let first = p.domains_offset + 1;
    let last = p.domains_offset + p.domains.len() as u64;
    if p.domains.is_empty() {
        writeln!(out, "\ndomains: none from {first} on ({} in all)", thousands(p.num_domains))?;
        return Ok(());
    }
    writeln!(out, "\ndomains {first}-{last} of {}", thousands(p.num_domains))?;
    let mut domains =
        Table::new(&["domain", "risk", "state", "first_seen", "last_seen"]).right_align(&[1]);
    for d in &p.domains {
        domains.row(vec![
            d.name.clone(),
            d.risk.map_or_else(|| "-".into(), |r| format!("{r:.1}")),
            d.state.clone().unwrap_or_else(|| "-".into()),
            format_moment(d.first_seen),
            format_moment(d.last_seen),
        ]);
    }
    domains.write(out, "  ")?;
    Ok(())
}
