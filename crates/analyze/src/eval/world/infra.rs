//! The shared infrastructure: hosters, CDNs, dynamic DNS, parking,
//! registrars and registrant addresses.

use super::{BIG_HOSTERS, Dns, Generator, Hoster, Infra, PRIVACY_ADDRESS, Size};
use crate::eval::names;
use crate::eval::rng::Table;
use crate::facts::EntityKind;

const CDN: &[&str] = &["cdn"];
const DDNS: &[&str] = &["dynamic_dns"];
const PARKING: &[&str] = &["parking"];

impl Generator {
    /// Builds the infrastructure, scaled to `size`: networks grow with
    /// the number of domains so that a /24 carries about as many
    /// domains at every size.
    pub(super) fn infrastructure(&mut self, size: Size) -> Infra {
        let scale = (size.benign() / 10_000).max(1);
        let small_count = 100 * scale;
        let (registrars, registrar_dns) = self.registrars();
        let orgs: Vec<u32> = (0..25 * scale).map(|i| self.org(i)).collect();
        Infra {
            big: self.hosters(&BIG_HOSTERS, 6, 16_500, 12 * scale),
            small: (0..small_count).map(|i| self.small_hoster(i)).collect(),
            small_table: Table::zipf(small_count, 1.1),
            vps: self.hosters(&["vpsnode.net", "cloudvps-dns.io"], 3, 24_900, 16 * scale),
            offshore: self.hoster("offshore-srv.cc", 1, 48_666, 4),
            cdn: self.flagged(&["edgecdn-dns.net", "fastedge.com"], 20, 13_300, 8 * scale, CDN),
            ddns: self.dns("dyn-free.org", 2, DDNS),
            residential: (0..3).map(|i| self.net(7_900 + i, 20 * scale, &[])).collect(),
            parking: self.flagged(&["parkingcrew-ns.net", "domainpark.com"], 1, 47_800, 2, PARKING),
            cheap_registrar: registrars[7],
            registrar_table: Table::zipf(registrars.len(), 1.0),
            registrars,
            registrar_dns,
            privacy: self.entity(EntityKind::Registrant, PRIVACY_ADDRESS.to_owned(), &[]),
            org_table: Table::zipf(orgs.len(), 1.0),
            orgs,
        }
    }

    fn hosters(&mut self, ns: &[&str], pairs: usize, asn: u32, subnets: usize) -> Vec<Hoster> {
        let mut out = Vec::new();
        for (i, ns) in ns.iter().enumerate() {
            out.push(self.hoster(ns, pairs, asn + i as u32, subnets));
        }
        out
    }

    fn small_hoster(&mut self, i: usize) -> Hoster {
        let label = format!("{}host", names::word(&mut self.rng, 2));
        let ns = self.unique(&label, "net");
        let subnets = 1 + self.rng.below(4);
        self.hoster(&ns, 1, 30_000 + i as u32, subnets)
    }

    /// Hosters whose name servers and networks a list names (CDN
    /// ranges, parking services).
    fn flagged(
        &mut self,
        ns: &[&str],
        pairs: usize,
        asn: u32,
        subnets: usize,
        lists: &'static [&'static str],
    ) -> Vec<Hoster> {
        let mut out = Vec::new();
        for (i, ns) in ns.iter().enumerate() {
            let dns = self.dns(ns, pairs, lists);
            let net = self.net(asn + i as u32, subnets, lists);
            let ttl = if lists == CDN { 300 } else { 3600 };
            out.push(Hoster { dns, net, ttl });
        }
        out
    }

    /// Twenty registrars; the top four run DNS services.
    fn registrars(&mut self) -> (Vec<u32>, Vec<Dns>) {
        let registrars = (0..20)
            .map(|_| {
                // Through `unique` so that no two registrars share a name.
                let word = names::word(&mut self.rng, 2);
                let unique = self.unique(&word, "registrar");
                let label = unique.split('.').next().unwrap_or_default();
                self.entity(EntityKind::Registrar, format!("{label} registrar, inc."), &[])
            })
            .collect();
        let dns = (0..4)
            .map(|_| {
                let label = format!("{}-dns", names::word(&mut self.rng, 2));
                let ns = self.unique(&label, "com");
                self.dns(&ns, 4, &[])
            })
            .collect();
        (registrars, dns)
    }

    /// An organisation's postal address, shared by its domains.
    fn org(&mut self, i: usize) -> u32 {
        let street = names::word(&mut self.rng, 2);
        let address = format!("{} {street} street, suite {i}, springfield, us", 1 + i * 7);
        self.entity(EntityKind::Registrant, address, &[])
    }
}
