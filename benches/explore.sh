#!/usr/bin/env bash
# Benchmark: `nshunt explore` over the explore index of ten million
# domains, against the reference scan (every filter checked on every
# domain of the same facts, already in memory) in the same run.
#
#   benches/explore.sh [DOMAINS]      # default 10,000,000
#
# The facts are generated (crates/analyze/tests/explore_bench.rs says
# how); the index is written to $HOME/.cache/nshunt/bench and removed
# afterwards. It needs about 12 GB of memory and 2.5 GB of disk at ten
# million. Query mix: AS-holder prefix + registrar + name regex, a
# single name server (the largest, and a mid-sized one), a rare
# registrant address; each timed for its first page and with every
# facet (median of 7), the scan once, and the two checked to agree.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nshunt/target}"
export NSHUNT_BENCH_DOMAINS="${1:-10000000}"
export NSHUNT_BENCH_DIR="$HOME/.cache/nshunt/bench"
mkdir -p "$NSHUNT_BENCH_DIR"

cargo test -q --release --locked -p nshunt-analyze --test explore_bench -- \
  --ignored --nocapture bench_explore
