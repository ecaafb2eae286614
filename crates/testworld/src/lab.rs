//! The collection lab: zones a real authoritative server can answer
//! from, so that an active collector can be tested end to end.
//!
//! The generated TLD zone delegates its domains to made-up hosters at
//! made-up public addresses: nothing answers there, and nothing may be
//! sent there. The lab adds a sub-zone, `lab.<tld>`, whose every name
//! server lives on loopback:
//!
//! - `ns1.labdns.lab.<tld>` and `ns2.labdns.lab.<tld>` at the main
//!   server's address (NSD), which holds a child zone for every lab
//!   domain;
//! - `ns1.lamedns.lab.<tld>` at a second server's address that serves
//!   none of them (it answers REFUSED): delegations to it are lame.
//!
//! Its domains copy the populations of the world: crimeware look-alikes
//! with low TTLs, parked domains sharing one address, shared-hosting
//! domains with IPv6 and mail. Special names cover every failure kind:
//! [`Lab::lame_domain`] (delegated only to the refusing server),
//! [`Lab::partly_lame_domain`] (one good and one refusing server),
//! [`Lab::servfail_domain`] (a zone the server is configured for but
//! cannot load, so it answers SERVFAIL) and [`Lab::missing_domain`]
//! (NXDOMAIN). The addresses in the child zones are documentation
//! addresses (RFC 5737, RFC 3849) with reverse zones, so PTR look-ups
//! are answered too; every seventh IPv4 address has no PTR.
//!
//! [`Lab::domains`] and [`Lab::ptrs`] are the ground truth, in the
//! normalised text nshunt stores: names lower case without the final
//! dot, MX `pref name`, SOA fields separated by one space, TXT strings
//! quoted.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

use crate::rng::Rng;

/// Random stream of the lab.
const STREAM_LAB: u64 = 0x006c_6162; // "lab"

/// The SOA serial of every lab zone.
const SERIAL: u32 = 2_026_120_101;

/// TTL of the parent-side delegations in `lab.<tld>`.
pub const LAB_DELEGATION_TTL: u32 = 86_400;

/// TTL of the PTR records.
pub const LAB_PTR_TTL: u32 = 7_200;

/// The address every parked domain points at.
const PARKING_ADDRESS: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 250);

/// The IPv4 reverse zones of the lab's addresses.
const REVERSE_V4: &str = "100.51.198.in-addr.arpa";
const REVERSE_V4_B: &str = "113.0.203.in-addr.arpa";

/// The IPv6 reverse zone of the lab's addresses (`2001:db8:100::/48`).
const REVERSE_V6: &str = "0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa";

/// Every reverse zone the lab serves.
const REVERSE_ZONES: [&str; 3] = [REVERSE_V4, REVERSE_V4_B, REVERSE_V6];

/// What a lab domain imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabKind {
    /// A look-alike on a crimeware name server: TTL 300, one address.
    Crimeware,
    /// A parked domain: TTL 3600, the parking address, an SPF record.
    Parked,
    /// A shared-hosting customer: TTL 14400, IPv4 and IPv6, mail.
    Shared,
}

impl LabKind {
    fn ttl(self) -> u32 {
        match self {
            LabKind::Crimeware => 300,
            LabKind::Parked => 3_600,
            LabKind::Shared => 14_400,
        }
    }
}

/// One record, in nshunt's normalised text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LabRecord {
    /// The owner, lower case, no final dot.
    pub name: String,
    /// The type mnemonic (`A`, `NS`, …).
    pub rtype: &'static str,
    /// The normalised data.
    pub rdata: String,
    /// The TTL the zone gives it.
    pub ttl: u32,
}

/// One lab domain and the records its own zone holds at its apex.
#[derive(Debug, Clone)]
pub struct LabDomain {
    /// `<label>.lab.<tld>`.
    pub name: String,
    /// The population it imitates.
    pub kind: LabKind,
    /// Its apex records (SOA, NS, A, AAAA, MX, TXT).
    pub records: Vec<LabRecord>,
}

/// Where the lab's servers listen (port 53).
#[derive(Debug, Clone, Copy)]
pub struct LabServers {
    /// The authoritative server holding every lab zone.
    pub main: Ipv4Addr,
    /// A server that holds none of them (delegations to it are lame).
    pub lame: Ipv4Addr,
}

/// The lab of one seed and TLD.
#[derive(Debug, Clone)]
pub struct Lab {
    tld: String,
    servers: LabServers,
    domains: Vec<LabDomain>,
}

impl Lab {
    /// The lab with `count` ordinary domains under `lab.<tld>`.
    pub fn new(seed: u64, tld: &str, count: u32, servers: LabServers) -> Lab {
        let mut lab = Lab { tld: tld.to_owned(), servers, domains: Vec::new() };
        lab.domains = (0..count).map(|i| lab.domain(seed, i)).collect();
        lab
    }

    /// The lab's zone, `lab.<tld>`.
    pub fn zone(&self) -> String {
        format!("lab.{}", self.tld)
    }

    /// The ordinary lab domains, each with its own zone.
    pub fn domains(&self) -> &[LabDomain] {
        &self.domains
    }

    /// Delegated only to the refusing server.
    pub fn lame_domain(&self) -> String {
        format!("lame.{}", self.zone())
    }

    /// Delegated to the main server and the refusing one; its zone is
    /// served by the main server. Its records are those of
    /// [`Lab::partly_lame_records`].
    pub fn partly_lame_domain(&self) -> String {
        format!("partlame.{}", self.zone())
    }

    /// Configured on the main server with a zone file it cannot load.
    pub fn servfail_domain(&self) -> String {
        format!("broken.{}", self.zone())
    }

    /// Not delegated at all.
    pub fn missing_domain(&self) -> String {
        format!("missing.{}", self.zone())
    }

    /// The PTR records of the lab's addresses (owners are reverse
    /// names), sorted and without repeats.
    pub fn ptrs(&self) -> Vec<LabRecord> {
        let mut ptrs: Vec<LabRecord> =
            self.all_domains().iter().flat_map(|d| d.records.iter()).filter_map(ptr_of).collect();
        ptrs.sort();
        ptrs.dedup();
        ptrs
    }

    /// The apex records of the partly lame domain.
    pub fn partly_lame_records(&self) -> Vec<LabRecord> {
        self.partly_lame().records
    }

    /// Writes the zone files and the server configuration snippets into
    /// `dir` (see the module docs of `scripts/dns-servers.sh`):
    /// `parent.zone` (to append to the TLD zone), one zone file per
    /// zone, `nsd.conf` (zone clauses) and `unbound.conf` (stub zones).
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        let dir = dir.canonicalize()?;
        let mut nsd = String::new();

        fs::write(dir.join("parent.zone"), self.parent_text())?;
        self.write_zone(&dir, &mut nsd, &self.zone(), self.lab_zone_text())?;
        for domain in self.all_domains() {
            self.write_zone(&dir, &mut nsd, &domain.name, self.child_zone_text(&domain))?;
        }
        let broken = "this line is not a resource record\n".to_owned();
        self.write_zone(&dir, &mut nsd, &self.servfail_domain(), broken)?;
        for zone in REVERSE_ZONES {
            self.write_zone(&dir, &mut nsd, zone, self.reverse_text(zone))?;
        }

        fs::write(dir.join("nsd.conf"), nsd)?;
        fs::write(dir.join("unbound.conf"), self.unbound_text())
    }

    fn write_zone(&self, dir: &Path, nsd: &mut String, zone: &str, text: String) -> io::Result<()> {
        let path = dir.join(format!("{zone}.zone"));
        fs::write(&path, text)?;
        let _ = writeln!(nsd, "zone:\n  name: \"{zone}\"\n  zonefile: \"{}\"", path.display());
        Ok(())
    }

    /// Ordinary domains and the partly lame one: every domain with a
    /// zone of its own.
    fn all_domains(&self) -> Vec<LabDomain> {
        let mut all = self.domains.clone();
        all.push(self.partly_lame());
        all
    }

    fn partly_lame(&self) -> LabDomain {
        let name = self.partly_lame_domain();
        let ns = [self.host("labdns", 1), self.host("lamedns", 1)];
        let records = apex_records(&name, LabKind::Shared, &ns, &[Ipv4Addr::new(203, 0, 113, 9)]);
        LabDomain { name, kind: LabKind::Shared, records }
    }

    /// Lab domain `index`: its kind cycles through the populations.
    fn domain(&self, seed: u64, index: u32) -> LabDomain {
        let mut rng = Rng::keyed(seed, STREAM_LAB, u64::from(index));
        let kind = [LabKind::Crimeware, LabKind::Parked, LabKind::Shared][index as usize % 3];
        let name = format!("{}{index}.{}", label_stem(kind, &mut rng), self.zone());

        let addresses = match kind {
            LabKind::Parked => vec![PARKING_ADDRESS],
            LabKind::Crimeware => vec![address(&mut rng)],
            LabKind::Shared => vec![address(&mut rng), address(&mut rng)],
        };
        let ns = [self.host("labdns", 1), self.host("labdns", 2)];
        let records = apex_records(&name, kind, &ns, &addresses);
        LabDomain { name, kind, records }
    }

    fn host(&self, service: &str, n: u8) -> String {
        format!("ns{n}.{service}.{}", self.zone())
    }

    /// The delegation of the lab zone, to append to the TLD zone.
    fn parent_text(&self) -> String {
        let zone = self.zone();
        let ns = self.host("labdns", 1);
        let main = self.servers.main;
        format!(
            "; the collection lab (nshunt-testworld lab)\n$ORIGIN {tld}.\n\
             {zone}.\t{LAB_DELEGATION_TTL}\tIN\tNS\t{ns}.\n\
             {ns}.\t{LAB_DELEGATION_TTL}\tIN\tA\t{main}\n",
            tld = self.tld
        )
    }

    /// `lab.<tld>`: its name servers and every delegation below it.
    fn lab_zone_text(&self) -> String {
        let zone = self.zone();
        let mut text = soa_text(&zone, &self.host("labdns", 1), 3_600);
        let ttl = LAB_DELEGATION_TTL;
        let _ = writeln!(text, "{zone}.\t{ttl}\tIN\tNS\t{}.", self.host("labdns", 1));
        for n in 1..=2 {
            let _ =
                writeln!(text, "{}.\t{ttl}\tIN\tA\t{}", self.host("labdns", n), self.servers.main);
        }
        let _ = writeln!(text, "{}.\t{ttl}\tIN\tA\t{}", self.host("lamedns", 1), self.servers.lame);

        for domain in self.all_domains() {
            for record in domain.records.iter().filter(|r| r.rtype == "NS") {
                let _ = writeln!(text, "{}.\t{ttl}\tIN\tNS\t{}.", domain.name, record.rdata);
            }
        }
        let lame = [(self.lame_domain(), "lamedns"), (self.servfail_domain(), "labdns")];
        for (name, service) in lame {
            let _ = writeln!(text, "{name}.\t{ttl}\tIN\tNS\t{}.", self.host(service, 1));
        }
        text
    }

    /// A child zone: its apex records in master-file text.
    fn child_zone_text(&self, domain: &LabDomain) -> String {
        let mut text = String::new();
        for r in &domain.records {
            let rdata = zone_rdata(r);
            let _ = writeln!(text, "{}.\t{}\tIN\t{}\t{rdata}", r.name, r.ttl, r.rtype);
        }
        text
    }

    /// A reverse zone with the PTR records under it.
    fn reverse_text(&self, zone: &str) -> String {
        let mut text = soa_text(zone, &self.host("labdns", 1), LAB_PTR_TTL);
        let _ = writeln!(text, "{zone}.\t{LAB_PTR_TTL}\tIN\tNS\t{}.", self.host("labdns", 1));

        for ptr in self.ptrs().iter().filter(|p| p.name.ends_with(zone)) {
            let _ = writeln!(text, "{}.\t{}\tIN\tPTR\t{}.", ptr.name, ptr.ttl, ptr.rdata);
        }
        text
    }

    /// Unbound: stub zones for the reverse zones, which its default
    /// local zones would otherwise answer (documentation addresses).
    fn unbound_text(&self) -> String {
        let mut text = String::from("server:\n");
        for zone in REVERSE_ZONES {
            let _ = writeln!(text, "  local-zone: \"{zone}.\" transparent");
        }
        for zone in REVERSE_ZONES {
            let _ = writeln!(
                text,
                "stub-zone:\n  name: \"{zone}\"\n  stub-addr: {}",
                self.servers.main
            );
        }
        text
    }
}

/// A SOA record line for `zone`.
fn soa_text(zone: &str, mname: &str, ttl: u32) -> String {
    format!("{zone}.\t{ttl}\tIN\tSOA\t{mname}. hostmaster.{zone}. {SERIAL} 3600 900 604800 300\n")
}

/// The first part of a lab domain's label.
fn label_stem(kind: LabKind, rng: &mut Rng) -> String {
    let brands = ["norvabank", "telvora", "quintpay", "maridel"];
    let brand = rng.pick(&brands);
    match kind {
        LabKind::Crimeware => format!("secure-{brand}-login"),
        LabKind::Parked => format!("{brand}-deals"),
        LabKind::Shared => format!("my{brand}shop"),
    }
}

/// A documentation address for a lab domain (never .250, the parking
/// address).
fn address(rng: &mut Rng) -> Ipv4Addr {
    let host = 1 + rng.below(240) as u8;
    if rng.chance(300) {
        Ipv4Addr::new(203, 0, 113, host)
    } else {
        Ipv4Addr::new(198, 51, 100, host)
    }
}

/// The apex records of a domain of `kind`.
fn apex_records(name: &str, kind: LabKind, ns: &[String], v4: &[Ipv4Addr]) -> Vec<LabRecord> {
    let ttl = kind.ttl();
    let record = |rtype, rdata: String| LabRecord { name: name.to_owned(), rtype, rdata, ttl };
    let mut records =
        vec![record("SOA", format!("{} hostmaster.{name} {SERIAL} 3600 900 604800 300", ns[0]))];

    records.extend(ns.iter().map(|host| record("NS", host.clone())));
    records.extend(v4.iter().map(|a| record("A", a.to_string())));

    match kind {
        LabKind::Crimeware => {}
        LabKind::Parked => records.push(record("TXT", "\"v=spf1 -all\"".to_owned())),
        LabKind::Shared => {
            for a in v4 {
                let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, u16::from(a.octets()[3]));
                records.push(record("AAAA", v6.to_string()));
            }
            records.push(record("MX", format!("10 mail.{name}")));
            records.push(record("TXT", "\"v=spf1 mx\" \"-all\"".to_owned()));
        }
    }
    records.sort();
    records.dedup();
    records
}

/// Record data as a zone file writes it: names absolute with a dot.
fn zone_rdata(record: &LabRecord) -> String {
    match record.rtype {
        "NS" => format!("{}.", record.rdata),
        "MX" => format!("{}.", record.rdata),
        "SOA" => {
            let f: Vec<&str> = record.rdata.split(' ').collect();
            format!("{}. {}. {}", f[0], f[1], f[2..].join(" "))
        }
        _ => record.rdata.clone(),
    }
}

/// The PTR record of an A or AAAA record, if its address has one.
fn ptr_of(record: &LabRecord) -> Option<LabRecord> {
    let (reverse, target) = match record.rtype {
        "A" => {
            let a: Ipv4Addr = record.rdata.parse().ok()?;
            let [x, y, z, w] = a.octets();
            if w % 7 == 0 {
                return None;
            }
            let tld = tld_of(&record.name);
            let target = match a == PARKING_ADDRESS {
                true => format!("parked.parkdns.lab.{tld}"),
                false => format!("{x}-{y}-{z}-{w}.static.labhost.{tld}"),
            };
            (format!("{w}.{z}.{y}.{x}.in-addr.arpa"), target)
        }
        "AAAA" => {
            let a: Ipv6Addr = record.rdata.parse().ok()?;
            (
                ip6_reverse(a),
                format!("v6-{:x}.static.labhost.{}", a.segments()[7], tld_of(&record.name)),
            )
        }
        _ => return None,
    };
    Some(LabRecord { name: reverse, rtype: "PTR", rdata: target, ttl: LAB_PTR_TTL })
}

/// The TLD of a lab name (`x.lab.<tld>`).
fn tld_of(name: &str) -> &str {
    name.split_once(".lab.").map_or(name, |(_, tld)| tld)
}

/// The `ip6.arpa` name of an address, nibble by nibble.
fn ip6_reverse(address: Ipv6Addr) -> String {
    let mut name = String::new();
    for byte in address.octets().iter().rev() {
        let _ = write!(name, "{:x}.{:x}.", byte & 0xf, byte >> 4);
    }
    name + "ip6.arpa"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        let servers =
            LabServers { main: Ipv4Addr::new(127, 0, 0, 2), lame: Ipv4Addr::new(127, 0, 0, 4) };
        Lab::new(7, "test", 30, servers)
    }

    #[test]
    fn every_population_and_distinct_names() {
        let lab = lab();
        let mut names: Vec<&str> = lab.domains().iter().map(|d| d.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 30);
        for kind in [LabKind::Crimeware, LabKind::Parked, LabKind::Shared] {
            assert_eq!(lab.domains().iter().filter(|d| d.kind == kind).count(), 10);
        }
    }

    #[test]
    fn ptrs_cover_addresses_except_every_seventh() {
        let lab = lab();
        let ptrs = lab.ptrs();
        assert!(ptrs.iter().any(|p| p.name.ends_with(REVERSE_V6)));
        let v4 = ptrs.iter().filter(|p| p.name.ends_with(REVERSE_V4));
        assert!(v4.clone().all(|p| !p.name.starts_with("7.") && !p.name.starts_with("14.")));
        assert!(v4.count() > 5);
        assert!(ptrs.iter().any(|p| p.name == "250.100.51.198.in-addr.arpa"));
    }

    #[test]
    fn ip6_reverse_is_nibble_reversed() {
        let name = ip6_reverse("2001:db8:100::9".parse().unwrap());
        assert_eq!(
            name,
            "9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }
}
