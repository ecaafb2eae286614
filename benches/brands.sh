#!/usr/bin/env bash
# Benchmark: brand scanning of a million real domain names against the
# whole catalogue, side by side with dnstwist in the same run: dnstwist
# builds its permutation sets for the same brands (as a library,
# offline) and the same million names are looked up in them with a
# Python set (benches/brands-dnstwist.py). Prints both times and the
# ratio. nshunt's time is the whole `nshunt brands --file` command
# (building the detector, reading, detecting, writing NDJSON), best of
# three; dnstwist's is building the sets plus the look-ups (reading
# the file is not counted), one run.
#
#   benches/brands.sh                    # every catalogue brand
#   benches/brands.sh 50                 # the first 50 brands only (dnstwist side)
#   NSHUNT_BIN=path/to/nshunt benches/brands.sh
#
# The names are the first 1,000,000 distinct names of the benign lists
# in ../shared/data/domains (.com, .net, .org, .uk, .eu, .fr, .com.br,
# .co, .edu, .gov, Alexa ads.txt). dnstwist comes from
# scripts/install-deps.sh (a venv under ~/.cache/nshunt/venv).
set -euo pipefail
cd "$(dirname "$0")/.."

limit="${1:-0}"
shared="$(realpath ../shared)/data/domains"
[ -d "$shared" ] || { echo "missing $shared: the benchmark needs ../shared/data" >&2; exit 1; }
python="${NSHUNT_DNSTWIST_PYTHON:-$HOME/.cache/nshunt/venv/bin/python}"
"$python" -c 'import dnstwist' 2>/dev/null || {
  echo "dnstwist is missing for $python: scripts/install-deps.sh" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nshunt/target}"
cache="$HOME/.cache/nshunt/bench"
names="$cache/brands-million.txt"
mkdir -p "$cache"

if [ -z "${NSHUNT_BIN:-}" ]; then
  cargo build -q --release -p nshunt
fi
nshunt="${NSHUNT_BIN:-$CARGO_TARGET_DIR/release/nshunt}"

if [ ! -s "$names" ]; then
  python3 - "$shared" "$names" <<'PY'
import lzma, sys
folder, out = sys.argv[1], sys.argv[2]
lists = ["com-domain-names.txt.xz", "net-domain-names.txt", "org-domain-names.txt",
         "uk-domain-names.txt.xz", "eu-domain-names.txt.xz", "fr-domain-names.txt.xz",
         "comdotbr-domain-names.txt.xz", "co-domain-records.txt.xz", "edu-domain-names.txt",
         "gov-domain-names.txt", "adstxt-alexa-domains.txt"]
seen, order = set(), []
for name in lists:
    path = f"{folder}/{name}"
    opener = lzma.open if name.endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0].startswith("#") or "." not in parts[0]:
                continue
            n = parts[0].rstrip(".").lower()
            if n not in seen:
                seen.add(n)
                order.append(n)
with open(out, "w") as f:
    f.write("\n".join(order[:1_000_000]) + "\n")
PY
fi
count=$(wc -l <"$names")
echo "names: $names ($count)"

best=""
for i in 1 2 3; do
  /usr/bin/time -f '%e %M' -o "$cache/time.brands" \
    "$nshunt" brands -q --format ndjson --file "$names" >"$cache/brands.ndjson"
  read -r t m <"$cache/time.brands"
  flagged=$(wc -l <"$cache/brands.ndjson")
  echo "  nshunt run $i: ${t}s, peak ${m} KiB, $flagged names with a brand" >&2
  if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
done

line=$("$python" benches/brands-dnstwist.py crates/brands/data/brands.tsv "$names" "$limit")
echo "  $line" >&2
theirs=$(printf '%s\n' "$line" | sed -n 's/.*total_s=\([0-9.]*\).*/\1/p')
brands=$(printf '%s\n' "$line" | sed -n 's/.*brands=\([0-9]*\).*/\1/p')

echo "nshunt brands: ${best}s for $count names against the whole catalogue"
echo "dnstwist (${brands} brands): ${theirs}s to build the permutation sets and look the names up"
awk "BEGIN{printf \"ratio: nshunt is %.1fx faster\n\", $theirs / $best}"
