//! The ICANN CZDS style: one record per line, tab-separated, absolute
//! lower-case names, every field present.

use std::io::{self, Write};

use crate::hosters::{self, HostStyle};
use crate::out::{self, Out};
use crate::rng;
use crate::world::{Delegation, NsRef, World};

/// The SOA serial of every world.
pub(crate) const SERIAL: u64 = 2_026_120_100;

/// TTL of the SOA record and of DS records.
pub(crate) const SOA_TTL: u64 = 900;
pub(crate) const DS_TTL: u64 = 86_400;

/// TTL of the apex NS records and their glue.
pub(crate) const APEX_TTL: u64 = 172_800;

/// The apex's name servers, `a.nic.<tld>` to `d.nic.<tld>`.
pub(crate) const APEX_HOSTS: u8 = 4;

/// Random stream of the apex glue addresses.
const STREAM_APEX: u64 = 0x6170_6578; // "apex"

/// Writes the zone of `world` in CZDS style.
pub(crate) fn write<W: Write>(world: &World, inner: W) -> io::Result<u64> {
    let mut out = Out::new(inner);
    let tld = world.config.tld.as_bytes();
    apex(&mut out.buf, world);

    world.for_each_delegation(|d| {
        delegation(&mut out.buf, world, tld, d);
        out.maybe_flush()
    })?;

    out.finish()
}

/// The SOA, the apex NS records and their glue.
fn apex(buf: &mut Vec<u8>, world: &World) {
    let tld = world.config.tld.as_bytes();
    push_line_start(buf, &[tld, b"."], SOA_TTL, b"soa");
    push_all(buf, &[b"a.nic.", tld, b". hostmaster.nic.", tld, b". "]);
    out::push_u64(buf, SERIAL);
    buf.extend_from_slice(b" 1800 900 604800 86400\n");

    for host in 0..APEX_HOSTS {
        push_line_start(buf, &[tld, b"."], APEX_TTL, b"ns");
        push_all(buf, &[&[b'a' + host], b".nic.", tld, b".\n"]);
    }

    for host in 0..APEX_HOSTS {
        let owner: &[&[u8]] = &[&[b'a' + host], b".nic.", tld, b"."];
        push_line_start(buf, owner, APEX_TTL, b"a");
        out::push_ipv4(buf, hosters::ipv4(apex_key(world), host));
        buf.push(b'\n');
        push_line_start(buf, owner, APEX_TTL, b"aaaa");
        out::push_ipv6(buf, hosters::ipv6(apex_key(world), host));
        buf.push(b'\n');
    }
}

/// The key the apex glue addresses derive from.
pub(crate) fn apex_key(world: &World) -> u64 {
    rng::hash(world.config.seed, STREAM_APEX, 0)
}

/// One delegation: NS records, DS, glue.
fn delegation(buf: &mut Vec<u8>, world: &World, tld: &[u8], d: &Delegation) {
    let owner: &[&[u8]] = &[d.label.as_bytes(), b".", tld, b"."];
    let ttl = u64::from(d.ttl);

    for &ns in d.ns() {
        push_line_start(buf, owner, ttl, b"ns");
        push_host(buf, world, d, ns, false);
        buf.push(b'\n');
    }

    if let Some(ds) = &d.ds {
        push_line_start(buf, owner, DS_TTL, b"ds");
        push_ds_head(buf, ds.key_tag, ds.algorithm);
        for part in ds.digest {
            out::push_hex64(buf, part, false);
        }
        buf.push(b'\n');
    }

    glue(buf, world, tld, d);
}

/// Glue of a self-hosted domain's hosts or of an in-zone hoster's hosts.
fn glue(buf: &mut Vec<u8>, world: &World, tld: &[u8], d: &Delegation) {
    for host in 0..d.own_hosts() {
        let owner = |buf: &mut Vec<u8>| {
            HostStyle::Ns.push_prefix(buf, host);
            push_all(buf, &[d.label.as_bytes(), b".", tld, b"."]);
        };
        push_glue(buf, owner, d.ttl, d.addr_key, host, d.own_v6);
    }

    if let Some(id) = d.owner_hoster {
        let hoster = world.hoster(id);

        for host in 0..hoster.hosts {
            let owner = |buf: &mut Vec<u8>| {
                hoster.style.push_prefix(buf, host);
                push_all(buf, &[hoster.name.as_bytes(), b"."]);
            };
            push_glue(buf, owner, d.ttl, hoster.addr_key, host, hoster.v6);
        }
    }
}

/// An A record and, when `v6`, an AAAA record for one host.
fn push_glue(
    buf: &mut Vec<u8>,
    owner: impl Fn(&mut Vec<u8>),
    ttl: u32,
    key: u64,
    host: u8,
    v6: bool,
) {
    owner(buf);
    push_line_rest(buf, u64::from(ttl), b"a");
    out::push_ipv4(buf, hosters::ipv4(key, host));
    buf.push(b'\n');

    if v6 {
        owner(buf);
        push_line_rest(buf, u64::from(ttl), b"aaaa");
        out::push_ipv6(buf, hosters::ipv6(key, host));
        buf.push(b'\n');
    }
}

/// `owner\tttl\tin\ttype\t`.
fn push_line_start(buf: &mut Vec<u8>, owner: &[&[u8]], ttl: u64, rtype: &[u8]) {
    push_all(buf, owner);
    push_line_rest(buf, ttl, rtype);
}

/// `\tttl\tin\ttype\t`, after the owner.
fn push_line_rest(buf: &mut Vec<u8>, ttl: u64, rtype: &[u8]) {
    buf.push(b'\t');
    out::push_u64(buf, ttl);
    buf.extend_from_slice(b"\tin\t");
    buf.extend_from_slice(rtype);
    buf.push(b'\t');
}

/// `key_tag algorithm 2 ` (digest type 2 is SHA-256).
pub(crate) fn push_ds_head(buf: &mut Vec<u8>, key_tag: u16, algorithm: u8) {
    out::push_u64(buf, u64::from(key_tag));
    buf.push(b' ');
    out::push_u64(buf, u64::from(algorithm));
    buf.extend_from_slice(b" 2 ");
}

pub(crate) fn push_all(buf: &mut Vec<u8>, parts: &[&[u8]]) {
    for part in parts {
        buf.extend_from_slice(part);
    }
}

/// Appends an NS host: absolute with a final dot, or, when `relative`,
/// relative to the zone's TLD (only valid for hosts inside the zone).
pub(crate) fn push_host(
    buf: &mut Vec<u8>,
    world: &World,
    d: &Delegation,
    ns: NsRef,
    relative: bool,
) {
    match ns {
        NsRef::Hoster { id, host } => {
            let hoster = world.hoster(id);
            hoster.style.push_prefix(buf, host);
            if relative {
                buf.extend_from_slice(&hoster.name.as_bytes()[..hoster.label_len]);
            } else {
                push_all(buf, &[hoster.name.as_bytes(), b"."]);
            }
        }
        NsRef::Own { host } => {
            HostStyle::Ns.push_prefix(buf, host);
            buf.extend_from_slice(d.label.as_bytes());
            if !relative {
                push_all(buf, &[b".", world.config.tld.as_bytes(), b"."]);
            }
        }
    }
}

/// Whether an NS host lies inside the zone (so it may be written relative).
pub(crate) fn host_in_zone(world: &World, ns: NsRef) -> bool {
    match ns {
        NsRef::Hoster { id, .. } => world.hoster(id).in_zone,
        NsRef::Own { .. } => true,
    }
}
