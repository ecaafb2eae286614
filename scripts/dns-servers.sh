#!/usr/bin/env bash
# Starts or stops the DNS servers the tests talk to, on loopback only:
#   NSD, authoritative for a generated test world (TLD `test`) and for
#   the collection lab under `lab.test` (child zones, reverse zones, a
#   zone that fails to load so that it answers SERVFAIL);
#   a second NSD serving no zone at all (it answers REFUSED), the
#   target of the lab's lame delegations; and
#   Unbound, recursive, with stub zones pointing at NSD, every other
#   name refused and every address outside 127.0.0.0/8 forbidden as a
#   destination, so that nothing leaves the machine.
#
#   scripts/dns-servers.sh start STATE_DIR   # writes STATE_DIR/resolver,
#                                            # authoritative and lame
#   scripts/dns-servers.sh stop STATE_DIR
set -euo pipefail
cd "$(dirname "$0")/.."

action="$1"
state="$(realpath "$2")"
nsd_addr="${NSHUNT_TEST_NSD_ADDR:-127.0.0.2}"
unbound_addr="${NSHUNT_TEST_UNBOUND_ADDR:-127.0.0.3}"
lame_addr="${NSHUNT_TEST_LAME_ADDR:-127.0.0.4}"
port=53
[ "$(id -u)" -eq 0 ] || port=5353

start() {
  mkdir -p "$state/world"
  cargo run -q --release -p nshunt-testworld -- zone --tld test --domains 2000 --seed 7 \
    --style master --out "$state/world/test.zone"
  cargo run -q --release -p nshunt-testworld -- lab --tld test --seed 7 \
    --main "$nsd_addr" --lame "$lame_addr" --out "$state/world/lab"
  cat "$state/world/lab/parent.zone" >>"$state/world/test.zone"

  cat >"$state/nsd.conf" <<CONF
server:
  ip-address: $nsd_addr@$port
  username: ""
  chroot: ""
  zonesdir: "$state"
  database: ""
  pidfile: "$state/nsd.pid"
  logfile: "$state/nsd.log"
  xfrdfile: "$state/xfrd.state"
  zonelistfile: "$state/zone.list"
  rrl-ratelimit: 0
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: "test"
  zonefile: "$state/world/test.zone"
include: "$state/world/lab/nsd.conf"
CONF

  # The lame server: an NSD that serves nothing and refuses everything.
  mkdir -p "$state/nsd-lame"
  cat >"$state/nsd-lame/nsd.conf" <<CONF
server:
  ip-address: $lame_addr@$port
  username: ""
  chroot: ""
  zonesdir: "$state/nsd-lame"
  database: ""
  pidfile: "$state/nsd-lame/nsd.pid"
  logfile: "$state/nsd-lame.log"
  xfrdfile: "$state/nsd-lame/xfrd.state"
  zonelistfile: "$state/nsd-lame/zone.list"
  rrl-ratelimit: 0
  verbosity: 1
remote-control:
  control-enable: no
CONF

  cat >"$state/unbound.conf" <<CONF
server:
  interface: $unbound_addr@$port
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$state"
  pidfile: "$state/unbound.pid"
  use-syslog: no
  logfile: "$state/unbound.log"
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  local-zone: "." refuse
  local-zone: "test." transparent
  # Every IPv4 destination but 127.0.0.0/8 (do-ip6 is off).
  do-not-query-address: 0.0.0.0/2
  do-not-query-address: 64.0.0.0/3
  do-not-query-address: 96.0.0.0/4
  do-not-query-address: 112.0.0.0/5
  do-not-query-address: 120.0.0.0/6
  do-not-query-address: 124.0.0.0/7
  do-not-query-address: 126.0.0.0/8
  do-not-query-address: 128.0.0.0/1
remote-control:
  control-enable: no
stub-zone:
  name: "test"
  stub-addr: $nsd_addr@$port
include: "$state/world/lab/unbound.conf"
CONF

  nsd-checkconf "$state/nsd.conf"
  nsd -d -c "$state/nsd.conf" >>"$state/nsd.log" 2>&1 &
  echo $! >"$state/nsd.daemon.pid"
  nsd-checkconf "$state/nsd-lame/nsd.conf"
  nsd -d -c "$state/nsd-lame/nsd.conf" >>"$state/nsd-lame.log" 2>&1 &
  echo $! >"$state/nsd-lame.daemon.pid"
  unbound-checkconf "$state/unbound.conf" >/dev/null
  unbound -d -c "$state/unbound.conf" >>"$state/unbound.log" 2>&1 &
  echo $! >"$state/unbound.daemon.pid"

  wait_for "$nsd_addr" NSD
  wait_for "$unbound_addr" Unbound
  wait_for "$lame_addr" "the lame NSD" REFUSED
  echo "$unbound_addr:$port" >"$state/resolver"
  echo "$nsd_addr:$port" >"$state/authoritative"
  echo "$lame_addr:$port" >"$state/lame"
}

# Waits until the server answers the SOA of `test` (with NOERROR, or
# the rcode given as $3).
wait_for() {
  for _ in $(seq 1 50); do
    if drill -p "$port" @"$1" test SOA 2>/dev/null | grep -q "rcode: ${3:-NOERROR}"; then
      return 0
    fi
    sleep 0.2
  done
  echo "$2 on $1:$port did not answer; its log:" >&2
  cat "$state"/*.log >&2 || true
  return 1
}

# Whether a process exists and is not a zombie waiting to be reaped.
running() {
  [ -r "/proc/$1/stat" ] || return 1
  [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]
}

stop() {
  local pids=()
  for daemon in nsd nsd-lame unbound; do
    pidfile="$state/$daemon.daemon.pid"
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  # Wait (at most 10 s) until they are gone, so that nothing still
  # writes into the state folder while it is removed.
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do
      running "$pid" && alive=1
    done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.2
  done
  for pid in "${pids[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
}

"$action"
