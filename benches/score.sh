#!/usr/bin/env bash
# Benchmark: `nshunt score` (load the store as of a moment, profile every
# entity, score reputations and every domain's risk, write them all)
# against the same core computation written as plain SQL over the same
# store (python3's sqlite3: per name-server domain and NS host, domains
# and listed domains, the smoothed score; per domain, the worst of its
# name servers' scores and its own listing), in the same run.
#
#   benches/score.sh [DOMAINS]      # default 10,000,000
#   NSHUNT_BIN=path/to/nshunt benches/score.sh
#
# The store is built once and cached ($HOME/.cache/nshunt/bench): the
# zone from ../shared/bench/gen-zone.py, and one delegated name in 200
# on a block list. Time and peak memory come from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

shared="$(realpath ../shared)"
generator="$shared/bench/gen-zone.py"
[ -f "$generator" ] || { echo "missing $generator: the benchmark needs ../shared/bench" >&2; exit 1; }

domains="${1:-10000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nshunt/target}"
cache="$HOME/.cache/nshunt/bench"
zone="$cache/gen-zone-$domains.zone"
store="$cache/score-$domains.sqlite"
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

if [ ! -s "$store" ]; then
  echo "building $store (not timed)"
  rm -f "$store" "$store-wal" "$store-shm"
  /usr/bin/time -f '  zone ingest: %e s, peak %M KiB' \
    "$nshunt" --store "$store" --no-score -q ingest zone --date 2026-12-01 "$zone" >/dev/null
  awk -F'\t' 'tolower($4) == "ns" && !seen[$1]++ && ++n % 200 == 0 { sub(/\.$/, "", $1); print $1 }' \
    "$zone" >"$cache/score-$domains.blocklist"
  "$nshunt" --store "$store" --no-score -q ingest labels "$cache/score-$domains.blocklist" \
    --source bench --date 2026-11-01 >/dev/null
fi

echo "nshunt score:"
/usr/bin/time -f '%e %M' -o "$cache/time.score" \
  "$nshunt" --store "$store" --format json score --top 0 >"$cache/score.json"
read -r ours ours_kib <"$cache/time.score"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  domains %s, entities %s, flagged %s" % (d["domains"], d["entities"], d["flagged"]))' "$cache/score.json"
echo "  ${ours}s, peak ${ours_kib} KiB"

echo "plain SQL (python3 sqlite3, same store, results in temporary tables):"
/usr/bin/time -f '%e %M' -o "$cache/time.sql" python3 - "$store" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA temp_store = MEMORY")
db.execute("PRAGMA cache_size = -524288")
as_of = db.execute("SELECT max(observed_at) FROM batches WHERE kind = 'zone'").fetchone()[0]
script = f"""
CREATE TEMP TABLE listed (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO listed
  SELECT l.value FROM labels AS l JOIN label_groups AS g ON g.id = l.group_id
  WHERE g.list = 'block' AND g.kind = 'domain' AND l.first_seen <= {as_of};
CREATE TEMP TABLE delegations AS
  SELECT DISTINCT name, ns_domain, rtrim(rdata, '.') AS host, name IN listed AS is_listed
  FROM observations
  WHERE rrtype = 2 AND first_seen <= {as_of} AND last_seen >= {as_of};
CREATE TEMP TABLE base AS
  SELECT max(0.001, min(0.05, (SELECT count(*) FROM listed) * 1.0
         / (SELECT count(DISTINCT name) FROM delegations))) AS p0;
CREATE TEMP TABLE counts AS
  SELECT 'ns_domain' AS kind, ns_domain AS entity, count(*) AS domains, sum(is_listed) AS listed
  FROM (SELECT DISTINCT name, ns_domain, is_listed FROM delegations) GROUP BY ns_domain
  UNION ALL
  SELECT 'ns_host', host, count(*), sum(is_listed)
  FROM (SELECT DISTINCT name, host, is_listed FROM delegations) GROUP BY host;
CREATE TEMP TABLE ns_rep (kind TEXT, entity TEXT, domains INTEGER, listed INTEGER, score REAL,
                          PRIMARY KEY (kind, entity)) WITHOUT ROWID;
INSERT INTO ns_rep
  SELECT kind, entity, domains, listed,
         100.0 * ((listed + 20 * p0) / (domains + 20.0))
               / ((listed + 20 * p0) / (domains + 20.0) + 0.1)
  FROM counts, base;
CREATE TEMP TABLE risk AS
  SELECT name, max(score) AS risk FROM (
    SELECT d.name, r.score FROM delegations AS d
      JOIN ns_rep AS r ON r.kind = 'ns_domain' AND r.entity = d.ns_domain
    UNION ALL
    SELECT d.name, r.score FROM delegations AS d
      JOIN ns_rep AS r ON r.kind = 'ns_host' AND r.entity = d.host
    UNION ALL
    SELECT name, 90.0 FROM listed)
  GROUP BY name;
"""
db.executescript(script)
n, flagged = db.execute("SELECT count(*), sum(risk >= 50) FROM risk").fetchone()
entities = db.execute("SELECT count(*) FROM ns_rep").fetchone()[0]
print(f"  domains {n}, entities {entities}, flagged {flagged}")
PY
read -r theirs theirs_kib <"$cache/time.sql"
echo "  ${theirs}s, peak ${theirs_kib} KiB"

python3 -c "import sys; o,t=map(float,sys.argv[1:]); print(f'ratio: nshunt {o:.1f}s vs plain SQL {t:.1f}s = {t/o:.2f}x (higher is faster for nshunt)')" "$ours" "$theirs"
