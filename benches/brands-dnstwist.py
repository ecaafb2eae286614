#!/usr/bin/env python3
"""The dnstwist side of benches/brands.sh.

For every brand of nshunt's catalogue (its first legitimate domain),
builds dnstwist's permutation set with dnstwist as a library
(Fuzzer(domain).generate(), offline), then looks every name of a file
up in the union of the sets: a Python set look-up of the name and of
its registered-domain guess (last two labels). Prints one line of
timings.

    python benches/brands-dnstwist.py CATALOGUE NAMES [LIMIT]
"""
import sys
import time

import dnstwist


def brand_domains(path, limit):
    out = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        domains = [d for d in cols[4].split(",") if d]
        if domains:
            out.append(domains[0])
    return out[:limit] if limit else out


def main():
    catalogue, names_path = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    domains = brand_domains(catalogue, limit)

    start = time.perf_counter()
    squats = {}
    for domain in domains:
        fuzzer = dnstwist.Fuzzer(domain)
        fuzzer.generate()
        for p in fuzzer.domains:
            if p["fuzzer"] != "*original":
                squats[p["domain"]] = domain
    built = time.perf_counter()

    names = [n.strip() for n in open(names_path, encoding="utf-8") if n.strip()]
    loaded = time.perf_counter()
    flagged = 0
    for name in names:
        if name in squats or ".".join(name.rsplit(".", 2)[-2:]) in squats:
            flagged += 1
    looked = time.perf_counter()

    print(
        f"dnstwist brands={len(domains)} permutations={len(squats)} "
        f"build_s={built - start:.2f} names={len(names)} lookup_s={looked - loaded:.2f} "
        f"flagged={flagged} total_s={built - start + looked - loaded:.2f}"
    )


if __name__ == "__main__":
    main()
