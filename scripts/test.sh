#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need,
# starts the servers they talk to on loopback, runs formatting, lints,
# unit and integration tests and the fuzz targets, and stops everything.
#
#   scripts/test.sh            # everything
#   FUZZ_SECONDS=10 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export NSHUNT_LOOPBACK_ONLY=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nshunt/target}"
export CARGO_TERM_COLOR=never
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
STATE="$(mktemp -d /tmp/nshunt-test.XXXXXX)"

step() { printf '\n== %s\n' "$*"; }

step "installing test dependencies"
scripts/install-deps.sh

step "starting NSD and Unbound on loopback"
scripts/dns-servers.sh start "$STATE"
# Stops the servers and removes their files, keeping the suite's status.
cleanup() {
  local status=$?
  scripts/dns-servers.sh stop "$STATE" || true
  rm -rf "$STATE" 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT
export NSHUNT_TEST_RESOLVER="$(cat "$STATE/resolver")"
export NSHUNT_TEST_AUTHORITATIVE="$(cat "$STATE/authoritative")"
export NSHUNT_TEST_LAME="$(cat "$STATE/lame")"
export NSHUNT_TEST_WORLD="$STATE/world"

step "rustfmt"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests"
# Ignored tests need the servers started above; benchmarks (bench_*) are
# not tests and run from benches/ and BENCHMARKS.md instead.
cargo test --workspace --locked -- --include-ignored --skip bench_

step "fuzzing (${FUZZ_SECONDS}s a target)"
scripts/fuzz.sh "$FUZZ_SECONDS"

step "all green"
