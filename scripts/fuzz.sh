#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), on the stable
# toolchain (`-s none`: no sanitizer, so no nightly is needed), with a
# fixed seed so that a run can be repeated exactly.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/nshunt/fuzz-target}"

for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  echo "fuzzing $target for ${seconds}s"
  log="$(mktemp)"
  if ! cargo fuzz run "$target" -s none "corpus/$target" "${seeds[@]}" -- \
    -seed=1 -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz target $target failed; the crashing input is in fuzz/artifacts/$target" >&2
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || tail -n 5 "$log"
  rm -f "$log"
done
