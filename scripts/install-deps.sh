#!/usr/bin/env bash
# Installs what the tests and benchmarks need, from Debian's packages and
# crates.io, when it is not there yet. Safe to run again.
set -euo pipefail

# chromium-headless-shell: the browser that renders the investigate
# report in crates/cli/tests/investigate.rs (without the full chromium
# and its desktop dependencies).
packages=(nsd unbound ldnsutils dnsperf mawk python3 chromium-headless-shell)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The packages start their daemons on the public ports; the tests run
# their own on loopback, so the system ones are stopped. Only those:
# daemons started with a configuration outside /etc (another test run's,
# a benchmark's) are left alone.
for svc in nsd unbound; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
  { pgrep -a -x "$svc" 2>/dev/null || true; } | while read -r pid args; do
    config=$(printf '%s\n' "$args" | sed -n 's/.*-c[[:space:]]*\([^[:space:]]*\).*/\1/p')
    case "$config" in
      "" | /etc/*) kill "$pid" 2>/dev/null || true ;;
    esac
  done
done

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi

# dnstwist, for the brand tests (crates/brands/tests/dnstwist_grade.rs)
# and benches/brands.sh: in a virtual environment of its own, found
# there by both.
venv="$HOME/.cache/nshunt/venv"
if ! "$venv/bin/python" -c 'import dnstwist' >/dev/null 2>&1; then
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q dnstwist==20250130
fi
