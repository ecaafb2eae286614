//! Collecting one domain:
//!
//! 1. the delegation: the domain's NS set through a resolver; when the
//!    resolver fails, the referral from a server of the parent zone
//!    (so that a lame delegation is seen as lame, not only as the
//!    resolver's SERVFAIL);
//! 2. the addresses of those name servers: glue, else the resolver;
//! 3. each server is asked NS without recursion: an authoritative
//!    answer makes it healthy, anything else is recorded (a referral or
//!    REFUSED is `lame`); SOA, A, AAAA, MX, TXT and CNAME then go to the
//!    healthy servers in turn until one answers, so the TTLs are the
//!    child's own;
//! 4. PTR for every address found, from the reverse zone's own servers
//!    (found through the resolver), or from the resolver when those
//!    cannot be found.
//!
//! Name-server addresses and zone servers are cached (hosts such as
//! `ns1.bigprovider.example` serve millions of domains); the caches are
//! emptied when they grow past a bound, so memory stays flat.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use hickory_proto::op::Message;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use nshunt_model::{DomainName, Section, psl, ptr};

use crate::net::{DnsClient, Exchange};
use crate::outcome::Outcome;
use crate::report::{DomainReport, Observed, now};
use crate::wire::{self, Role};

/// The types asked of the authoritative servers after NS.
const TYPES: [RecordType; 6] = [
    RecordType::SOA,
    RecordType::A,
    RecordType::AAAA,
    RecordType::MX,
    RecordType::TXT,
    RecordType::CNAME,
];

/// Entries a cache holds before it is emptied.
const CACHE_LIMIT: usize = 100_000;

/// A name server host and the addresses its glue gave.
#[derive(Debug, Clone)]
struct Host {
    name: Name,
    glue: Vec<IpAddr>,
}

/// Collects domains; shared by every task of a run.
#[derive(Debug)]
pub struct Collector {
    client: DnsClient,
    resolvers: Vec<SocketAddr>,
    next_resolver: AtomicUsize,
    /// Whether name servers' IPv6 addresses are asked and used.
    ipv6: bool,
    hosts: Cache<String, Arc<[IpAddr]>>,
    zones: Cache<String, Arc<[SocketAddr]>>,
    reverse_zones: Cache<String, Option<Name>>,
}

impl Collector {
    /// A collector asking `resolvers` (at least one) through `client`.
    pub fn new(client: DnsClient, resolvers: Vec<SocketAddr>, ipv6: bool) -> Collector {
        Collector {
            client,
            resolvers,
            next_resolver: AtomicUsize::new(0),
            ipv6,
            hosts: Cache::default(),
            zones: Cache::default(),
            reverse_zones: Cache::default(),
        }
    }

    /// The client (for its counters).
    pub fn client(&self) -> &DnsClient {
        &self.client
    }

    /// Collects `domain`. Never fails: every failure is an outcome in
    /// the report.
    pub async fn collect(&self, domain: DomainName) -> DomainReport {
        let mut report = DomainReport::new(domain);
        let Some(qname) = to_name(&report.domain) else {
            return report;
        };

        let mut resolved = Vec::new();
        let Some(hosts) = self.delegation(&mut report, &qname, &mut resolved).await else {
            return report;
        };
        let servers = self.servers(&hosts).await;
        if servers.is_empty() {
            tracing::debug!(domain = %report.domain, "no name server address");
        }
        self.authoritative(&mut report, &qname, &servers).await;
        // The resolver's NS set is kept when no server of the domain
        // gave its own (its TTL may have counted down in a cache).
        let domain = name_of(&qname);
        if !report.records.iter().any(|r| r.rtype == 2 && r.name == domain) {
            add_records(&mut report, &qname, resolved.iter(), false);
        }
        self.ptrs(&mut report).await;
        report
    }

    /// Step 1: the NS hosts, from the resolver or the parent's referral.
    /// The resolver's NS records for the domain go to `resolved`.
    async fn delegation(
        &self,
        report: &mut DomainReport,
        qname: &Name,
        resolved: &mut Vec<Record>,
    ) -> Option<Vec<Host>> {
        let (exchange, outcome) = self.resolve(qname, RecordType::NS).await;
        report.domain_result(2, exchange.server, outcome, exchange.attempts);

        match (outcome, exchange.answer.as_ref()) {
            (Outcome::Answer, Ok(message)) => {
                let own = owned_ns(message.answers(), qname);
                resolved.extend(own.into_iter().cloned());
                Some(hosts_in(message, message.answers(), qname))
            }
            (Outcome::NxDomain | Outcome::NoData, _) => None,
            _ => self.parent_referral(report, qname).await,
        }
    }

    /// The delegation as the parent zone's servers give it.
    async fn parent_referral(&self, report: &mut DomainReport, qname: &Name) -> Option<Vec<Host>> {
        let parent = qname.base_name();
        if parent.is_root() {
            return None;
        }

        for server in self.zone_servers(&parent).await.iter() {
            let exchange = self.client.query(*server, qname, RecordType::NS, false).await;
            let outcome = wire::outcome(Role::Parent, &exchange.answer);
            report.domain_result(2, *server, outcome, exchange.attempts);

            if let (Outcome::Answer, Ok(message)) = (outcome, &exchange.answer) {
                let section = match message.answers().is_empty() {
                    true => message.name_servers(),
                    false => message.answers(),
                };
                // Only the domain's own NS records: a referral's other
                // records (and its glue) are not stored.
                let referral = message.answers().is_empty();
                add_records(report, qname, owned_ns(section, qname), referral);
                return Some(hosts_in(message, section, qname));
            }
        }
        None
    }

    /// Step 2: the addresses of the hosts, without repeats.
    async fn servers(&self, hosts: &[Host]) -> Vec<SocketAddr> {
        let mut servers = Vec::new();
        for host in hosts {
            for ip in self.host_addresses(host).await.iter() {
                let server = SocketAddr::new(*ip, 53);
                if !servers.contains(&server) {
                    servers.push(server);
                }
            }
        }
        servers
    }

    /// Glue if the delegation had it, else the resolver's A (and AAAA).
    async fn host_addresses(&self, host: &Host) -> Arc<[IpAddr]> {
        let glue: Vec<IpAddr> = host.glue.iter().copied().filter(|ip| self.usable(*ip)).collect();
        if !glue.is_empty() {
            return glue.into();
        }
        let key = host.name.to_ascii().to_ascii_lowercase();
        if let Some(found) = self.hosts.get(&key) {
            return found;
        }

        let mut found = Vec::new();
        let types: &[RecordType] = match self.ipv6 {
            true => &[RecordType::A, RecordType::AAAA],
            false => &[RecordType::A],
        };
        for &qtype in types {
            let (exchange, _) = self.resolve(&host.name, qtype).await;
            if let Ok(message) = &exchange.answer {
                found.extend(addresses_of(message.answers(), &host.name));
            }
        }
        let found: Arc<[IpAddr]> = found.into();
        self.hosts.put(key, found.clone());
        found
    }

    /// The name servers' addresses of `zone`, through the resolver.
    async fn zone_servers(&self, zone: &Name) -> Arc<[SocketAddr]> {
        let key = zone.to_ascii().to_ascii_lowercase();
        if let Some(found) = self.zones.get(&key) {
            return found;
        }

        let (exchange, outcome) = self.resolve(zone, RecordType::NS).await;
        let hosts = match (outcome, &exchange.answer) {
            (Outcome::Answer, Ok(message)) => hosts_in(message, message.answers(), zone),
            _ => Vec::new(),
        };
        let servers: Arc<[SocketAddr]> = self.servers(&hosts).await.into();
        self.zones.put(key, servers.clone());
        servers
    }

    /// Step 3: the domain's own records from its own servers.
    async fn authoritative(&self, report: &mut DomainReport, qname: &Name, servers: &[SocketAddr]) {
        let mut healthy = Vec::new();
        for &server in servers {
            let outcome = self.ask(report, server, qname, RecordType::NS).await;
            if !outcome.is_failure() {
                healthy.push(server);
            }
        }

        for qtype in TYPES {
            for &server in &healthy {
                if !self.ask(report, server, qname, qtype).await.is_failure() {
                    break;
                }
            }
        }
    }

    /// Asks one authoritative server; records the outcome and the
    /// answer's records.
    async fn ask(
        &self,
        report: &mut DomainReport,
        server: SocketAddr,
        qname: &Name,
        qtype: RecordType,
    ) -> Outcome {
        let exchange = self.client.query(server, qname, qtype, false).await;
        let outcome = wire::outcome(Role::Authoritative, &exchange.answer);
        let name = name_of(qname);
        report.result(&name, u16::from(qtype), server, outcome, exchange.attempts);

        if let (Outcome::Answer, Ok(message)) = (outcome, &exchange.answer) {
            add_records(report, qname, answer_for(message.answers(), qname), false);
        }
        outcome
    }

    /// Step 4: PTR for every address found.
    async fn ptrs(&self, report: &mut DomainReport) {
        let mut addresses: Vec<IpAddr> = report
            .records
            .iter()
            .filter(|r| r.rtype == 1 || r.rtype == 28)
            .filter_map(|r| r.rdata.parse().ok())
            .collect();
        addresses.sort();
        addresses.dedup();

        for address in addresses {
            self.ptr(report, address).await;
        }
    }

    async fn ptr(&self, report: &mut DomainReport, address: IpAddr) {
        let reverse = ptr::reverse_name(address);
        let Some(qname) = to_name(&reverse) else { return };

        let servers = match self.reverse_zone(&qname).await {
            Some(zone) => self.zone_servers(&zone).await,
            None => Arc::from(Vec::new()),
        };
        for &server in servers.iter() {
            if !self.ask(report, server, &qname, RecordType::PTR).await.is_failure() {
                return;
            }
        }

        // No reverse zone server answered: the resolver's answer (its
        // TTL may have counted down in its cache) is better than none.
        let (exchange, outcome) = self.resolve(&qname, RecordType::PTR).await;
        report.result(reverse.as_str(), 12, exchange.server, outcome, exchange.attempts);
        if let (Outcome::Answer, Ok(message)) = (outcome, &exchange.answer) {
            add_records(report, &qname, answer_for(message.answers(), &qname), false);
        }
    }

    /// The zone a reverse name is in: the owner of the SOA the resolver
    /// gives for it. Cached by the name's parent (one /24 or /64 zone
    /// usually serves many addresses).
    async fn reverse_zone(&self, qname: &Name) -> Option<Name> {
        let key = qname.base_name().to_ascii().to_ascii_lowercase();
        if let Some(zone) = self.reverse_zones.get(&key) {
            return zone;
        }

        let (exchange, _) = self.resolve(qname, RecordType::SOA).await;
        let zone = exchange.answer.ok().and_then(|message| soa_owner(&message));
        self.reverse_zones.put(key, zone.clone());
        zone
    }

    /// Asks the next resolver (round robin) with recursion.
    async fn resolve(&self, qname: &Name, qtype: RecordType) -> (Exchange, Outcome) {
        let i = self.next_resolver.fetch_add(1, Ordering::Relaxed) % self.resolvers.len();
        let exchange = self.client.query(self.resolvers[i], qname, qtype, true).await;
        let outcome = wire::outcome(Role::Resolver, &exchange.answer);
        (exchange, outcome)
    }

    fn usable(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() || self.ipv6
    }
}

/// The NS hosts for `owner` in `section`, with their glue from the
/// additional section.
fn hosts_in(message: &Message, section: &[Record], owner: &Name) -> Vec<Host> {
    let mut hosts: Vec<Host> = Vec::new();
    for record in section.iter().filter(|r| r.name().eq_ignore_root(owner)) {
        if let RData::NS(ns) = record.data() {
            let glue = addresses_of(message.additionals(), &ns.0);
            hosts.push(Host { name: ns.0.clone(), glue });
        }
    }
    hosts
}

/// The A and AAAA addresses of `owner` in `records`.
fn addresses_of(records: &[Record], owner: &Name) -> Vec<IpAddr> {
    records
        .iter()
        .filter(|r| r.name().eq_ignore_root(owner))
        .filter_map(|r| match r.data() {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect()
}

/// The owner of the SOA in the answer or the authority section.
fn soa_owner(message: &Message) -> Option<Name> {
    let all = message.answers().iter().chain(message.name_servers());
    all.filter(|r| r.record_type() == RecordType::SOA).map(|r| r.name().clone()).next()
}

/// The records of an answer to `qname`: those owned by `qname` or by a
/// name its CNAME chain in the same answer leads to. The rest is
/// dropped, so that a server cannot plant records about other names.
fn answer_for<'a>(answers: &'a [Record], qname: &Name) -> Vec<&'a Record> {
    let mut owners = vec![qname.clone()];
    let mut i = 0;
    // Each CNAME adds at most one owner, so the chain ends.
    while i < owners.len() {
        let owner = owners[i].clone();
        for record in answers.iter().filter(|r| r.name().eq_ignore_root(&owner)) {
            if let RData::CNAME(target) = record.data()
                && !owners.iter().any(|o| o.eq_ignore_root(&target.0))
            {
                owners.push(target.0.clone());
            }
        }
        i += 1;
    }
    let owned = |r: &&Record| owners.iter().any(|o| r.name().eq_ignore_root(o));
    answers.iter().filter(owned).collect()
}

/// The NS records of `section` owned by `owner`.
fn owned_ns<'a>(section: &'a [Record], owner: &Name) -> Vec<&'a Record> {
    let own = |r: &&Record| r.record_type() == RecordType::NS && r.name().eq_ignore_root(owner);
    section.iter().filter(own).collect()
}

/// Adds `records` to the report of the domain `qname` was asked for.
/// An NS record owned by the domain is a delegation when it comes from
/// a `referral` or when the domain lies below a public suffix (as
/// `ingest pdns` counts an NS set).
fn add_records<'a>(
    report: &mut DomainReport,
    qname: &Name,
    records: impl IntoIterator<Item = &'a Record>,
    referral: bool,
) {
    let at = now();
    let domain = report.domain.clone();
    let below_suffix = psl::embedded().registered_domain(&domain, Section::Icann).is_some();
    let apex = qname.eq_ignore_root(&to_name(&domain).unwrap_or_else(Name::root));
    for record in records {
        let Some(rdata) = wire::rdata_text(record) else { continue };
        let name = name_of(record.name());
        let (rtype, ttl) = (u16::from(record.record_type()), record.ttl());
        let own_ns = rtype == 2 && apex && record.name().eq_ignore_root(qname);
        let delegation = own_ns && (referral || below_suffix);
        report.record(Observed { name, rtype, rdata, ttl, delegation, at });
    }
}

/// A domain name as a hickory name (absolute).
fn to_name(name: &DomainName) -> Option<Name> {
    wire::query_name(name)
}

fn name_of(name: &Name) -> String {
    wire::name_text(name)
}

/// A map emptied when it grows past [`CACHE_LIMIT`].
#[derive(Debug)]
struct Cache<K, V> {
    map: Mutex<HashMap<K, V>>,
}

impl<K, V> Default for Cache<K, V> {
    fn default() -> Self {
        Cache { map: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    fn get(&self, key: &K) -> Option<V> {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    fn put(&self, key: K, value: V) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        map.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use hickory_proto::op::MessageType;
    use hickory_proto::rr::rdata::{A, CNAME, NS};
    use tokio::net::UdpSocket;

    use super::*;
    use crate::net::{ClientConfig, Guard};

    fn name(text: &str) -> Name {
        Name::from_ascii(text).unwrap()
    }

    fn record(owner: &str, data: RData) -> Record {
        Record::from_rdata(name(owner), 300, data)
    }

    fn a(owner: &str, ip: [u8; 4]) -> Record {
        record(owner, RData::A(A::from(std::net::Ipv4Addr::from(ip))))
    }

    fn ns(owner: &str, host: &str) -> Record {
        record(owner, RData::NS(NS(name(host))))
    }

    /// A server on a loopback port that answers every query with
    /// `answers`, `authority` and `additional`, authoritatively.
    async fn hostile(
        answers: Vec<Record>,
        authority: Vec<Record>,
        additional: Vec<Record>,
    ) -> SocketAddr {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buf = vec![0; 4096];
            while let Ok((n, from)) = socket.recv_from(&mut buf).await {
                let Ok(query) = Message::from_vec(&buf[..n]) else { continue };
                let mut reply = Message::new();
                reply.set_id(query.id()).set_message_type(MessageType::Response);
                reply.set_authoritative(true).add_queries(query.queries().to_vec());
                reply.add_answers(answers.clone()).add_name_servers(authority.clone());
                reply.add_additionals(additional.clone());
                let _ = socket.send_to(&reply.to_vec().unwrap(), from).await;
            }
        });
        addr
    }

    fn collector() -> Collector {
        let config = ClientConfig {
            guard: Guard::loopback_only(),
            timeout: Duration::from_secs(2),
            retries: 0,
            ..ClientConfig::default()
        };
        let resolver = "127.0.0.1:9".parse().unwrap();
        Collector::new(DnsClient::new(config), vec![resolver], false)
    }

    fn owners(report: &DomainReport) -> Vec<(String, u16, bool)> {
        report.records.iter().map(|r| (r.name.clone(), r.rtype, r.delegation)).collect()
    }

    #[tokio::test]
    async fn an_answer_cannot_plant_records_about_other_names() {
        let server = hostile(
            vec![
                a("www.victim.test.", [6, 6, 6, 6]),
                record("ok.lab.test.", RData::CNAME(CNAME(name("host.elsewhere.test.")))),
                a("host.elsewhere.test.", [192, 0, 2, 1]),
                ns("victim.test.", "ns.evil.test."),
            ],
            Vec::new(),
            Vec::new(),
        )
        .await;
        let collector = collector();
        let mut report = DomainReport::new(DomainName::parse("ok.lab.test").unwrap());
        let qname = name("ok.lab.test.");
        let outcome = collector.ask(&mut report, server, &qname, RecordType::A).await;

        assert_eq!(outcome, Outcome::Answer);
        let kept = owners(&report);
        assert_eq!(
            kept,
            [("ok.lab.test".to_owned(), 5, false), ("host.elsewhere.test".to_owned(), 1, false)]
        );
    }

    #[tokio::test]
    async fn the_domains_own_ns_records_are_delegations() {
        let server = hostile(
            vec![ns("ok.lab.test.", "ns1.lab.test."), ns("victim.test.", "ns.evil.test.")],
            Vec::new(),
            Vec::new(),
        )
        .await;
        let collector = collector();
        let mut report = DomainReport::new(DomainName::parse("ok.lab.test").unwrap());
        let qname = name("ok.lab.test.");
        collector.ask(&mut report, server, &qname, RecordType::NS).await;

        assert_eq!(owners(&report), [("ok.lab.test".to_owned(), 2, true)]);
    }

    #[test]
    fn a_referral_keeps_only_the_domains_ns_records() {
        let qname = name("ok.lab.test.");
        let mut message = Message::new();
        message.add_name_servers(vec![
            ns("ok.lab.test.", "ns1.ok.lab.test."),
            ns("victim.test.", "ns.evil.test."),
        ]);
        message.add_additionals(vec![
            a("ns1.ok.lab.test.", [127, 0, 0, 53]),
            a("www.victim.test.", [6, 6, 6, 6]),
        ]);

        let mut report = DomainReport::new(DomainName::parse("ok.lab.test").unwrap());
        add_records(&mut report, &qname, owned_ns(message.name_servers(), &qname), true);
        assert_eq!(owners(&report), [("ok.lab.test".to_owned(), 2, true)]);

        let hosts = hosts_in(&message, message.name_servers(), &qname);
        assert_eq!(hosts.len(), 1);
        assert_eq!(hosts[0].glue, [IpAddr::from([127, 0, 0, 53])]);
    }
}
