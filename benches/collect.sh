#!/usr/bin/env bash
# Benchmark: nshunt's DNS client against dnsperf (Debian), in the same
# run, over the same query list, against the same servers: Unbound
# (recursive, answers cached after the first pass) and NSD
# (authoritative), both on loopback, started here with
# scripts/dns-servers.sh. Prints each tool's rate (median of three
# runs, alternating), the ratio nshunt/dnsperf (target: at least 0.8)
# and each tool's peak memory (/usr/bin/time).
#
#   benches/collect.sh [PASSES]     # passes over the list, default 200
#   NSHUNT_BIN=path/to/nshunt benches/collect.sh
#
# nshunt runs `nshunt query-list` (hidden): the collector's client
# (rate limiter, query ids, UDP with TCP fallback, answer decoding and
# outcome classification) sending exactly the list's name/type pairs.
# Both keep 100 queries outstanding, with EDNS, a 2 s timeout, no retry
# (dnsperf at most 300 s a run, should a server die under it).
set -euo pipefail
cd "$(dirname "$0")/.."

passes="${1:-200}"
in_flight=100
export NSHUNT_LOOPBACK_ONLY=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nshunt/target}"
for tool in dnsperf nsd unbound /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: scripts/install-deps.sh" >&2; exit 1; }
done

if [ -z "${NSHUNT_BIN:-}" ]; then
  cargo build -q --release -p nshunt
fi
nshunt="${NSHUNT_BIN:-$CARGO_TARGET_DIR/release/nshunt}"

state="$(mktemp -d /tmp/nshunt-bench.XXXXXX)"
cleanup() {
  scripts/dns-servers.sh stop "$state" || true
  rm -rf "$state"
}
trap cleanup EXIT
scripts/dns-servers.sh start "$state" >/dev/null
resolver="$(cat "$state/resolver")"
authoritative="$(cat "$state/authoritative")"

# The query list: every (owner, type) the lab's zones define, the
# lab's child zones and its reverse zones (answers only: no referral,
# no SERVFAIL), in a fixed order.
list="$state/queries.txt"
for zone in "$state"/world/lab/*.zone; do
  case "$(basename "$zone")" in
    lab.test.zone | broken.lab.test.zone) continue ;;
  esac
  awk -F'\t' 'NF >= 4 { print $1, $4 }' "$zone"
done | sort -u >"$list"
echo "query list: $(wc -l <"$list") queries (lab zones), $passes passes"

# run NAME SERVER ...: three timed runs alternating the tools; prints
# "dnsperf_median_qps dnsperf_peak_kib nshunt_median_qps nshunt_peak_kib".
measure() {
  local server=$1 recursion=$2
  local host=${server%:*} port=${server##*:}
  local theirs=() ours=() their_kib=0 our_kib=0 qps kib
  for i in 1 2 3; do
    /usr/bin/time -f '%M' -o "$state/time" \
      dnsperf -s "$host" -p "$port" -d "$list" -n "$passes" -l 300 -q "$in_flight" -e -t 2 \
      >"$state/dnsperf.out" 2>&1
    qps=$(awk '/Queries per second/ { print $4 }' "$state/dnsperf.out")
    kib=$(tail -1 "$state/time")
    lost=$(awk '/Queries lost/ { print $3 }' "$state/dnsperf.out")
    echo "  dnsperf run $i: $qps queries/s, lost $lost, peak $kib KiB" >&2
    theirs+=("$qps"); [ "$kib" -gt "$their_kib" ] && their_kib=$kib

    /usr/bin/time -f '%M' -o "$state/time" \
      "$nshunt" query-list "$list" --server "$server" $recursion --repeat "$passes" \
      --concurrency "$in_flight" --timeout 2s --retries 0 --format json >"$state/nshunt.out"
    qps=$(sed 's/.*"queries_per_second":\([0-9.]*\).*/\1/' "$state/nshunt.out")
    kib=$(tail -1 "$state/time")
    echo "  nshunt  run $i: $qps queries/s, peak $kib KiB: $(cat "$state/nshunt.out")" >&2
    ours+=("$qps"); [ "$kib" -gt "$our_kib" ] && our_kib=$kib
  done
  median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
  echo "$(median "${theirs[@]}") $their_kib $(median "${ours[@]}") $our_kib"
}

report() {
  local name=$1 theirs=$2 their_kib=$3 ours=$4 our_kib=$5
  awk -v n="$name" -v t="$theirs" -v tk="$their_kib" -v o="$ours" -v ok="$our_kib" 'BEGIN {
    printf "%-24s dnsperf %8.0f q/s (%5.1f MiB)  nshunt %8.0f q/s (%5.1f MiB)  ratio %.2f\n",
      n, t, tk / 1024, o, ok / 1024, o / t
  }'
}

echo "Unbound ($resolver), recursion desired:"
read -r a b c d < <(measure "$resolver" --recursion)
unbound_line=$(report "Unbound $resolver" "$a" "$b" "$c" "$d")
echo "NSD ($authoritative), no recursion for nshunt:"
read -r a b c d < <(measure "$authoritative" "")
nsd_line=$(report "NSD $authoritative" "$a" "$b" "$c" "$d")

echo
echo "$unbound_line"
echo "$nsd_line"
