#!/usr/bin/env bash
# Benchmark: `nshunt zone stats` against the mawk baseline
# (../shared/bench/ns-stats-baseline.sh) on the same generated CZDS-style
# zone of at least 1 GB, page cache warm for both, median of three runs
# each, peak memory from /usr/bin/time. Also checks that both report the
# same distinct-domain counts wherever the baseline's last-two-labels
# rule and the Public Suffix List agree.
#
#   benches/zone-stats.sh [DOMAINS]      # default 8,000,000 (~1.07 GB)
#   NSHUNT_BIN=path/to/nshunt benches/zone-stats.sh   # an already built binary
set -euo pipefail
cd "$(dirname "$0")/.."

shared="$(realpath ../shared)"
baseline="$shared/bench/ns-stats-baseline.sh"
generator="$shared/bench/gen-zone.py"
for f in "$baseline" "$generator"; do
  [ -f "$f" ] || { echo "missing $f: the benchmark needs ../shared/bench" >&2; exit 1; }
done
command -v mawk >/dev/null || { echo "mawk is missing: scripts/install-deps.sh" >&2; exit 1; }

domains="${1:-8000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nshunt/target}"
cache="$HOME/.cache/nshunt/bench"
zone="$cache/gen-zone-$domains.zone"
mkdir -p "$cache"

if [ -z "${NSHUNT_BIN:-}" ]; then
  cargo build -q --release -p nshunt
fi
nshunt="${NSHUNT_BIN:-$CARGO_TARGET_DIR/release/nshunt}"

if [ ! -s "$zone" ]; then
  echo "generating $zone with gen-zone.py (--domains $domains --seed 1)"
  python3 "$generator" --domains "$domains" --seed 1 >"$zone.tmp"
  mv "$zone.tmp" "$zone"
fi
bytes=$(stat -c %s "$zone")
echo "zone: $zone, $bytes bytes"
cat "$zone" >/dev/null   # warm the page cache

# run NAME OUTFILE CMD...: three timed runs, prints "median_s peak_kib".
run() {
  local name=$1 out=$2; shift 2
  local times=() peak=0
  for i in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$cache/time.$name" "$@" >"$out"
    read -r t m <"$cache/time.$name"
    times+=("$t"); [ "$m" -gt "$peak" ] && peak=$m
    echo "  $name run $i: ${t}s, peak ${m} KiB" >&2
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  echo "$median $peak"
}

echo "nshunt zone stats:"
read -r ours ours_kib < <(run nshunt "$cache/ours.ndjson" "$nshunt" zone stats --format ndjson "$zone")
echo "mawk baseline:"
read -r theirs theirs_kib < <(run mawk "$cache/theirs.tsv" bash "$baseline" "$zone")

python3 - "$cache/ours.ndjson" "$cache/theirs.tsv" "$zone" <<'PY'
import json, subprocess, sys
ours = {}
for line in open(sys.argv[1]):
    row = json.loads(line)
    ours[row["ns_domain"]] = row["domains"]
theirs = {}
for line in open(sys.argv[2]):
    nsd, records, domains, ttl = line.rstrip("\n").split("\t")
    theirs[nsd] = int(domains)

def exact(nsd):
    """Distinct owners delegated below nsd, counted with a set."""
    awk = ('$4 == "ns" { h = tolower($5); '
           'if (substr(h, length(h) - length(s) + 1) == s) print $1 }')
    owners = subprocess.run(["mawk", "-v", f"s=.{nsd}.", awk, sys.argv[3]],
                            capture_output=True, text=True, check=True).stdout.split()
    return len(set(owners))

common = set(ours) & set(theirs)
same = sum(1 for k in common if ours[k] == theirs[k])
print(f"name-server domains: nshunt {len(ours)}, baseline {len(theirs)}, "
      f"both {len(common)}, equal distinct-domain counts {same}/{len(common)}")
unexplained = []
for k in sorted(k for k in common if ours[k] != theirs[k]):
    truth = exact(k)
    print(f"differ: {k}: nshunt {ours[k]}, baseline {theirs[k]}, exact count {truth}"
          + (" (the baseline counts a domain twice when its records are not adjacent)"
             if truth == ours[k] else ""))
    if truth != ours[k]:
        unexplained.append(k)
only_theirs = sorted(set(theirs) - set(ours))
if only_theirs:
    print("baseline only (the apex's own NS records, or a PSL disagreement):",
          ", ".join(only_theirs[:10]))
sys.exit(1 if unexplained else 0)
PY

python3 - "$ours" "$theirs" "$ours_kib" "$theirs_kib" "$bytes" <<'PY'
import sys
ours, theirs, ours_kib, theirs_kib, size = map(float, sys.argv[1:])
print(f"nshunt: median {ours:.2f}s ({size / ours / 1e6:.0f} MB/s), peak {ours_kib / 1024:.0f} MiB")
print(f"mawk:   median {theirs:.2f}s ({size / theirs / 1e6:.0f} MB/s), peak {theirs_kib / 1024:.0f} MiB")
print(f"ratio: nshunt is {theirs / ours:.1f}x faster than the baseline")
com = 25e9
print(f"extrapolated to a 25 GB .com zone: nshunt {ours * com / size:.0f}s, "
      f"baseline {theirs * com / size:.0f}s")
PY
