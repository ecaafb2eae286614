//! The facts scoring works from: every domain with the infrastructure
//! it uses and what the lists say of it, as of one moment.
//!
//! [`Facts`] is plain data: [`crate::load`] fills it from the store,
//! and the evaluation fills it from a generated world, so that both
//! score through the same code.

use std::net::IpAddr;

use hashbrown::HashMap;
use serde::Serialize;

/// The kinds of infrastructure a domain shares with others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// The registered domain of a domain's NS hosts.
    NsDomain,
    /// One NS host name.
    NsHost,
    /// The autonomous system of an address.
    Asn,
    /// An IPv4 /24 or IPv6 /48.
    Subnet,
    /// The registrar, as the registration names it (lower case).
    Registrar,
    /// The registrant's postal address (one normalised line).
    Registrant,
    /// The naming pattern of the PTR names of its addresses
    /// (`*-host.hoster.example`).
    PtrPattern,
    /// A keyword family its name belongs to (`finance-payments`,
    /// `delivery`, …), from the brand detector.
    Theme,
}

impl EntityKind {
    /// How many kinds there are.
    pub const COUNT: usize = 8;

    /// Every kind, in the order reports list them.
    pub const ALL: [EntityKind; Self::COUNT] = [
        Self::NsDomain,
        Self::NsHost,
        Self::Asn,
        Self::Subnet,
        Self::Registrar,
        Self::Registrant,
        Self::PtrPattern,
        Self::Theme,
    ];

    /// The name used in JSON, the store and options.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NsDomain => "ns_domain",
            Self::NsHost => "ns_host",
            Self::Asn => "asn",
            Self::Subnet => "subnet",
            Self::Registrar => "registrar",
            Self::Registrant => "registrant",
            Self::PtrPattern => "ptr_pattern",
            Self::Theme => "theme",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// How bad a listing says a domain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A list of low severity (maltrail's `suspicious`).
    Low,
    /// No severity given, or medium.
    Medium,
    /// High (maltrail's `malware`), or an analyst's malicious verdict.
    High,
}

impl Severity {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// The weight of one listing of this severity in a reputation.
    pub fn weight(self) -> f64 {
        match self {
            Self::Low => 0.5,
            Self::Medium => 0.8,
            Self::High => 1.0,
        }
    }
}

/// A block-list entry covering a domain (on the name or a parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    /// How bad.
    pub severity: Severity,
    /// Family or category (`zeus`, `phishing`), empty when none.
    pub category: String,
    /// The list's source (`maltrail`, `analyst`, …).
    pub source: String,
    /// When the store first had it.
    pub listed_at: i64,
}

/// Kinds of infrastructure that explain a domain away, or tell what
/// it is, from allow lists and known-infrastructure lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    /// On an allow list (or an analyst's benign verdict).
    pub allowed: bool,
    /// On a popular-domains list.
    pub popular: bool,
    /// Parking infrastructure.
    pub parking: bool,
    /// A sinkhole.
    pub sinkhole: bool,
    /// A content delivery network.
    pub cdn: bool,
    /// A dynamic DNS provider.
    pub dynamic_dns: bool,
}

impl Flags {
    /// Both sets of flags.
    pub fn union(self, other: Flags) -> Flags {
        Flags {
            allowed: self.allowed || other.allowed,
            popular: self.popular || other.popular,
            parking: self.parking || other.parking,
            sinkhole: self.sinkhole || other.sinkhole,
            cdn: self.cdn || other.cdn,
            dynamic_dns: self.dynamic_dns || other.dynamic_dns,
        }
    }

    /// Whether the flag for a list kind (`allow`, `popular`,
    /// `parking`, `sinkhole`, `cdn`, `dynamic_dns`) is set; unknown
    /// kinds are not flags.
    pub fn set_list(&mut self, list: &str) -> bool {
        let flag = match list {
            "allow" => &mut self.allowed,
            "popular" => &mut self.popular,
            "parking" => &mut self.parking,
            "sinkhole" => &mut self.sinkhole,
            "cdn" => &mut self.cdn,
            "dynamic_dns" => &mut self.dynamic_dns,
            _ => return false,
        };
        *flag = true;
        true
    }

    /// Shared infrastructure that carries much of the internet: its
    /// domains' listings say little about the rest.
    pub fn is_shared_infrastructure(self) -> bool {
        self.cdn || self.dynamic_dns || self.popular || self.allowed
    }
}

/// One domain as scoring sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DomainFacts {
    /// The registered domain.
    pub name: String,
    /// The entities it uses, by kind, as ids into [`Facts::entities`].
    pub entities: Vec<(EntityKind, u32)>,
    /// Addresses (A/AAAA), current.
    pub addresses: Vec<IpAddr>,
    /// Mail (MX), current.
    pub has_mx: bool,
    /// Delegated (NS seen), current.
    pub delegated: bool,
    /// Seen in traffic (passive DNS or logs) within the window.
    pub in_traffic: bool,
    /// Sum and count of the child-side TTLs of its current records.
    pub ttl_sum: u64,
    /// How many TTLs [`ttl_sum`](Self::ttl_sum) adds up.
    pub ttl_count: u32,
    /// First sighting of any of its records.
    pub first_seen: Option<i64>,
    /// Last sighting of any of its records, up to the moment.
    pub last_seen: Option<i64>,
    /// Name-server and address changes within the window.
    pub changes: u32,
    /// Registration: creation date.
    pub created: Option<i64>,
    /// Registration: expiry date.
    pub expires: Option<i64>,
    /// The registrant is a privacy or proxy service.
    pub privacy: bool,
    /// The registrant's organisation.
    pub org: Option<String>,
    /// The registrant's country (upper case).
    pub country: Option<String>,
    /// The strongest block-list entry known at the moment.
    pub listing: Option<Listing>,
    /// Allow-list and infrastructure flags of the name, its addresses
    /// and its name servers.
    pub flags: Flags,
    /// The brand it impersonates, when brand detection said so.
    pub brand: Option<String>,
}

impl DomainFacts {
    /// Whether the domain is in use: addresses or mail, or seen in
    /// traffic.
    pub fn is_active(&self) -> bool {
        !self.addresses.is_empty() || self.has_mx || self.in_traffic
    }

    /// Average child-side TTL, when known.
    pub fn avg_ttl(&self) -> Option<f64> {
        (self.ttl_count > 0).then(|| self.ttl_sum as f64 / f64::from(self.ttl_count))
    }

    /// The ids of its entities of `kind`.
    pub fn entities_of(&self, kind: EntityKind) -> impl Iterator<Item = u32> + '_ {
        self.entities.iter().filter(move |(k, _)| *k == kind).map(|(_, id)| *id)
    }
}

/// Entity names, interned per kind: domains refer to entities by id.
#[derive(Debug, Default, Clone)]
pub struct Entities {
    ids: [HashMap<String, u32, foldhash::fast::RandomState>; EntityKind::COUNT],
    names: [Vec<String>; EntityKind::COUNT],
    /// Flags known of each entity from lists (parking name servers,
    /// CDN networks, …), by kind and id.
    flags: [Vec<Flags>; EntityKind::COUNT],
    /// Creation date of name-server domains, by id.
    created: HashMap<u32, i64>,
    /// AS holders, by AS entity id.
    holders: HashMap<u32, String>,
}

impl Entities {
    /// The id of `name` of `kind`, added when new.
    pub fn intern(&mut self, kind: EntityKind, name: &str) -> u32 {
        let k = kind.index();
        if let Some(&id) = self.ids[k].get(name) {
            return id;
        }
        let id = u32::try_from(self.names[k].len()).unwrap_or(u32::MAX);
        self.ids[k].insert(name.to_owned(), id);
        self.names[k].push(name.to_owned());
        self.flags[k].push(Flags::default());
        id
    }

    /// The id of `name`, when known.
    pub fn id(&self, kind: EntityKind, name: &str) -> Option<u32> {
        self.ids[kind.index()].get(name).copied()
    }

    /// The name of an id.
    pub fn name(&self, kind: EntityKind, id: u32) -> &str {
        self.names[kind.index()].get(id as usize).map_or("", String::as_str)
    }

    /// How many entities of `kind` there are.
    pub fn count(&self, kind: EntityKind) -> usize {
        self.names[kind.index()].len()
    }

    /// The flags of an entity.
    pub fn flags(&self, kind: EntityKind, id: u32) -> Flags {
        self.flags[kind.index()].get(id as usize).copied().unwrap_or_default()
    }

    /// Marks an entity with a list's flag.
    pub fn flag(&mut self, kind: EntityKind, id: u32, list: &str) {
        if let Some(flags) = self.flags[kind.index()].get_mut(id as usize) {
            flags.set_list(list);
        }
    }

    /// Records when a name-server domain was registered.
    pub fn set_created(&mut self, ns_domain: u32, created: i64) {
        self.created.insert(ns_domain, created);
    }

    /// Records the holder of an AS.
    pub fn set_holder(&mut self, asn: u32, holder: &str) {
        if !self.holders.contains_key(&asn) {
            self.holders.insert(asn, holder.to_owned());
        }
    }

    /// The holder of an AS, when an ASN table named it.
    pub fn holder(&self, asn: u32) -> Option<&str> {
        self.holders.get(&asn).map(String::as_str)
    }

    /// When a name-server domain was registered, when known.
    pub fn created(&self, ns_domain: u32) -> Option<i64> {
        self.created.get(&ns_domain).copied()
    }
}

/// Everything scoring needs, as of one moment.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// The moment.
    pub as_of: i64,
    /// Every domain.
    pub domains: Vec<DomainFacts>,
    /// The entities the domains refer to.
    pub entities: Entities,
}

impl Facts {
    /// An empty set of facts as of `as_of`.
    pub fn new(as_of: i64) -> Self {
        Facts { as_of, ..Facts::default() }
    }
}
