//! The general RFC 1035 master-file style.
//!
//! The same records as the CZDS style, written the many ways a master
//! file allows, so that a reader is exercised on all of them: `$ORIGIN`
//! (switched for some glue), `$TTL` (changed now and then), names
//! relative to the origin, `@`, omitted owners, omitted or explicit TTL
//! and class in either order, upper and mixed case, parentheses on the
//! SOA and some DS records, comment lines, trailing comments and blank
//! lines. An omitted TTL means the current `$TTL` (RFC 2308), which is
//! always set before the first record. The choices come from their own
//! random stream, so they never change which records are written.

use std::io::{self, Write};

use crate::czds::{self, APEX_HOSTS, APEX_TTL, DS_TTL, SERIAL, SOA_TTL, push_all, push_host};
use crate::hosters::{self, HostStyle};
use crate::out::{self, Out};
use crate::rng::Rng;
use crate::world::{Delegation, NsRef, SlotKind, World};

/// Random stream of the formatting choices.
const STREAM_STYLE: u64 = 0x7374_796c; // "styl"

/// The `$TTL` values the file switches between.
const TTL_A: u32 = 172_800;
const TTL_B: u32 = 86_400;

/// Writes the zone of `world` in master-file style.
pub(crate) fn write<W: Write>(world: &World, inner: W) -> io::Result<u64> {
    let mut out = Out::new(inner);
    let mut writer = Master {
        world,
        rng: Rng::keyed(world.config.seed, STREAM_STYLE, 0),
        default_ttl: TTL_A,
        tld: world.config.tld.as_bytes(),
    };
    writer.apex(&mut out.buf);

    world.for_each_delegation(|d| {
        writer.delegation(&mut out.buf, d);
        out.maybe_flush()
    })?;

    out.finish()
}

struct Master<'w> {
    world: &'w World,
    rng: Rng,
    /// The current `$TTL`.
    default_ttl: u32,
    tld: &'w [u8],
}

impl Master<'_> {
    /// Header comments, directives, the SOA in parentheses, the apex NS
    /// records (owner omitted) and their glue.
    fn apex(&mut self, buf: &mut Vec<u8>) {
        let tld = self.tld;
        push_all(buf, &[b"; synthetic zone for ", tld, b". written by nshunt-testworld\n"]);
        buf.extend_from_slice(b"; the same records as the CZDS style of this seed\n\n");
        push_all(buf, &[b"$ORIGIN ", tld, b".\n$TTL "]);
        out::push_u64(buf, u64::from(TTL_A));

        buf.extend_from_slice(b"\n@\t");
        out::push_u64(buf, SOA_TTL);
        push_all(buf, &[b"\tIN\tSOA\ta.nic hostmaster.nic.", tld, b". (\n\t\t"]);
        out::push_u64(buf, SERIAL);
        buf.extend_from_slice(b"\t; serial\n\t\t1800\t; refresh\n\t\t900\t; retry\n");
        buf.extend_from_slice(b"\t\t604800\t; expire\n\t\t86400 )\t; minimum\n");

        for host in 0..APEX_HOSTS {
            let letter = [b'a' + host];
            match host {
                0 => push_all(buf, &[b"\tIN\tNS\t", &letter, b".nic\n"]),
                1 => push_all(buf, &[b"\tNS\t", &letter, b".NIC.", tld, b".\n"]),
                2 => push_all(buf, &[b"@\tns\t", &letter, b".nic\n"]),
                _ => push_all(buf, &[b"\t172800\tIN\tNS\t", &letter, b".nic.", tld, b".\n"]),
            }
        }

        self.apex_glue(buf);
    }

    fn apex_glue(&mut self, buf: &mut Vec<u8>) {
        let key = czds::apex_key(self.world);

        for host in 0..APEX_HOSTS {
            push_all(buf, &[&[b'a' + host], b".nic\tA\t"]);
            out::push_ipv4(buf, hosters::ipv4(key, host));
            buf.extend_from_slice(b"\n\tAAAA\t");
            out::push_ipv6(buf, hosters::ipv6(key, host));
            buf.push(b'\n');
        }
        debug_assert_eq!(APEX_TTL, u64::from(TTL_A));
    }

    /// One delegation and its records.
    fn delegation(&mut self, buf: &mut Vec<u8>, d: &Delegation) {
        self.interlude(buf, d);

        for (i, &ns) in d.ns().iter().enumerate() {
            if i == 0 {
                self.owner(buf, d);
            }
            self.ttl_class(buf, d.ttl);
            self.rtype(buf, b"NS");
            self.host(buf, d, ns);
            self.line_end(buf);
        }

        if d.ds.is_some() {
            self.ds(buf, d);
        }
        self.glue(buf, d);
    }

    /// Now and then, before a delegation: a comment, a blank line or a
    /// new `$TTL`.
    fn interlude(&mut self, buf: &mut Vec<u8>, d: &Delegation) {
        match self.rng.below(2000) {
            0..10 => {
                buf.extend_from_slice(match d.kind {
                    SlotKind::Hoster(_) => b"; a name-server domain's own delegation\n",
                    SlotKind::Lookalike(_) => b"; registered 2026-11-30\n",
                    SlotKind::Parked(_) => b";; parked\n",
                    SlotKind::Ordinary(_) => b"; --\n",
                });
            }
            10..20 => buf.push(b'\n'),
            20 => {
                self.default_ttl = if self.default_ttl == TTL_A { TTL_B } else { TTL_A };
                buf.extend_from_slice(b"$TTL ");
                out::push_u64(buf, u64::from(self.default_ttl));
                buf.extend_from_slice(b" ; registry default changes here\n");
            }
            _ => {}
        }
    }

    /// The delegation's owner: relative, absolute or in upper case.
    fn owner(&mut self, buf: &mut Vec<u8>, d: &Delegation) {
        let label = d.label.as_bytes();

        match self.rng.below(100) {
            0..80 => buf.extend_from_slice(label),
            80..92 => push_all(buf, &[label, b".", self.tld, b"."]),
            92..96 => buf.extend(label.iter().map(u8::to_ascii_uppercase)),
            _ => {
                buf.push(label[0].to_ascii_uppercase());
                buf.extend_from_slice(&label[1..]);
            }
        }
    }

    /// `\t[ttl\t][class\t]` or `\t[class\t][ttl\t]`; the TTL is written
    /// when it differs from `$TTL` and sometimes when it does not.
    fn ttl_class(&mut self, buf: &mut Vec<u8>, ttl: u32) {
        buf.push(b'\t');
        let show_ttl = ttl != self.default_ttl || self.rng.chance(50);
        let class: &[u8] = match self.rng.below(10) {
            0..6 => b"IN\t",
            6 => b"in\t",
            _ => b"",
        };
        let class_first = self.rng.chance(100);

        if class_first {
            buf.extend_from_slice(class);
        }
        if show_ttl {
            out::push_u64(buf, u64::from(ttl));
            buf.push(b'\t');
        }
        if !class_first {
            buf.extend_from_slice(class);
        }
    }

    /// A type mnemonic in upper, lower or mixed case, and a tab.
    fn rtype(&mut self, buf: &mut Vec<u8>, upper: &[u8]) {
        match self.rng.below(20) {
            0..17 => buf.extend_from_slice(upper),
            17..19 => buf.extend(upper.iter().map(u8::to_ascii_lowercase)),
            _ => {
                buf.push(upper[0]);
                buf.extend(upper[1..].iter().map(u8::to_ascii_lowercase));
            }
        }
        buf.push(b'\t');
    }

    /// An NS host: in-zone hosts mostly relative, some in upper case.
    fn host(&mut self, buf: &mut Vec<u8>, d: &Delegation, ns: NsRef) {
        let relative = czds::host_in_zone(self.world, ns) && self.rng.chance(700);
        let start = buf.len();
        push_host(buf, self.world, d, ns, relative);

        if self.rng.chance(30) {
            buf[start..].make_ascii_uppercase();
        }
    }

    /// A newline, sometimes after a comment.
    fn line_end(&mut self, buf: &mut Vec<u8>) {
        if self.rng.chance(3) {
            buf.extend_from_slice(b"\t; checked");
        }
        buf.push(b'\n');
    }

    /// The DS record, owner omitted, sometimes split in parentheses.
    fn ds(&mut self, buf: &mut Vec<u8>, d: &Delegation) {
        let ds = d.ds.as_ref().expect("caller checked");
        self.ttl_class(buf, DS_TTL as u32);
        self.rtype(buf, b"DS");
        czds::push_ds_head(buf, ds.key_tag, ds.algorithm);

        let upper = self.rng.chance(500);
        let split = self.rng.chance(200);
        if split {
            buf.extend_from_slice(b"(\n\t\t\t");
        }

        for (i, &part) in ds.digest.iter().enumerate() {
            if split && i == 2 {
                buf.extend_from_slice(b"\n\t\t\t");
            }
            out::push_hex64(buf, part, upper);
        }

        if split {
            buf.extend_from_slice(b" )");
        }
        self.line_end(buf);
    }

    /// Glue of the delegation's own hosts or of an in-zone hoster's
    /// hosts; sometimes under a `$ORIGIN` of the delegated domain.
    fn glue(&mut self, buf: &mut Vec<u8>, d: &Delegation) {
        let own = d.own_hosts();
        let hoster = d.owner_hoster.map(|id| self.world.hoster(id));
        let hosts = own.max(hoster.map_or(0, |h| h.hosts));
        if hosts == 0 {
            return;
        }

        let switch = self.rng.chance(400);
        if switch {
            push_all(buf, &[b"$ORIGIN ", d.label.as_bytes(), b".", self.tld, b".\n"]);
        }

        for host in 0..hosts {
            let (style, key, v6) = match hoster {
                Some(h) => (h.style, h.addr_key, h.v6),
                None => (HostStyle::Ns, d.addr_key, d.own_v6),
            };
            self.glue_host(buf, d, style, host, switch);
            self.glue_records(buf, d.ttl, key, host, v6);
        }

        if switch {
            push_all(buf, &[b"$ORIGIN ", self.tld, b".\n"]);
        }
    }

    /// A glue owner relative to the current origin: `ns1` under the
    /// domain's own origin, `ns1.<label>` under the TLD.
    fn glue_host(
        &mut self,
        buf: &mut Vec<u8>,
        d: &Delegation,
        style: HostStyle,
        host: u8,
        own: bool,
    ) {
        style.push_prefix(buf, host);
        buf.pop();

        if !own {
            push_all(buf, &[b".", d.label.as_bytes()]);
        }
    }

    /// The A record (owner already written) and the AAAA record with the
    /// owner omitted.
    fn glue_records(&mut self, buf: &mut Vec<u8>, ttl: u32, key: u64, host: u8, v6: bool) {
        self.ttl_class(buf, ttl);
        self.rtype(buf, b"A");
        out::push_ipv4(buf, hosters::ipv4(key, host));
        self.line_end(buf);

        if v6 {
            self.ttl_class(buf, ttl);
            self.rtype(buf, b"AAAA");
            out::push_ipv6(buf, hosters::ipv6(key, host));
            self.line_end(buf);
        }
    }
}
