#!/usr/bin/env python3
"""Reference name-server statistics for a zone file, written without any
of nshunt's code, so that nshunt's figures can be checked against it.

It understands the subset of RFC 1035 the IANA root-zone snapshots use
(one record per line, absolute names, `owner ttl class type rdata`), and
implements the Public Suffix List algorithm (ICANN section only) itself.

    ns_stats_reference.py PSL_FILE ZONE_FILE > expected.tsv

Output: `ns_domain<TAB>hosts<TAB>domains<TAB>records<TAB>ttl_sum`, one
line per name-server domain, sorted by name. NS records owned by the
zone apex (the SOA owner, or the root) are not delegations.
"""
import sys


def load_psl(path):
    rules, wild, exc = set(), set(), set()
    icann = False
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if "===BEGIN ICANN DOMAINS===" in line:
            icann = True
        if "===END ICANN DOMAINS===" in line:
            icann = False
        if not icann or not line or line.startswith("//"):
            continue
        rule = line.split()[0]
        if rule.startswith("!"):
            exc.add(puny(rule[1:]))
        elif rule.startswith("*."):
            wild.add(puny(rule[2:]))
        else:
            rules.add(puny(rule))
    return rules, wild, exc


def puny(name):
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode()
        for label in name.lower().split(".")
    )


def registered_domain(host, psl):
    rules, wild, exc = psl
    labels = host.split(".")
    n = len(labels)
    best = 1
    for k in range(1, n + 1):
        suffix = ".".join(labels[n - k:])
        if suffix in exc:
            best = k - 1
            break
        if suffix in rules:
            best = max(best, k)
        if suffix in wild and k < n:
            best = max(best, k + 1)
    if n <= best:
        return host
    return ".".join(labels[n - best - 1:])


def main():
    psl = load_psl(sys.argv[1])
    apex = {""}
    ns = []
    for line in open(sys.argv[2], encoding="ascii"):
        fields = line.split()
        if len(fields) < 5 or fields[0].startswith(";"):
            continue
        owner, ttl, _cls, rtype, rdata = fields[:5]
        owner = owner.lower().rstrip(".")
        if rtype.upper() == "SOA":
            apex.add(owner)
        elif rtype.upper() == "NS":
            ns.append((owner, int(ttl), rdata.lower().rstrip(".")))

    stats = {}
    for owner, ttl, host in ns:
        if owner in apex:
            continue
        nsd = registered_domain(host, psl)
        s = stats.setdefault(nsd, {"hosts": set(), "domains": set(), "records": 0, "ttl": 0})
        s["hosts"].add(host)
        s["domains"].add(owner)
        s["records"] += 1
        s["ttl"] += ttl

    for nsd in sorted(stats):
        s = stats[nsd]
        print(f"{nsd}\t{len(s['hosts'])}\t{len(s['domains'])}\t{s['records']}\t{s['ttl']}")


if __name__ == "__main__":
    main()
