#!/usr/bin/env bash
# The main job on the real sample data in examples/data, with the
# embedded store: ingest three root-zone snapshots and 80 real CZDS lines
# of look-alike domains, then show the seed view of one look-alike and
# the profile of its name server, an analyst's verdict and the risk it
# spreads; then a real Zeek dns.log as passive DNS
# with an IP-to-ASN table, and the seed view of a name seen in it.
#
#   scripts/demo.sh [STORE]     # default: a fresh store in a temp folder
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nshunt/target}"
cargo build -q --release -p nshunt
nshunt="$CARGO_TARGET_DIR/release/nshunt"

work="$(mktemp -d /tmp/nshunt-demo.XXXXXX)"
export NSHUNT_STORE="${1:-$work/demo.sqlite}"

# The look-alike sample is CZDS lines glued to three brand columns.
cut -d, -f4- examples/data/czds_com_idn_lookalikes_sample.tsv >"$work/com-lookalikes.zone"

say() { printf '\n$ %s\n' "$*"; "$@"; }

say "$nshunt" ingest zone examples/data/root.zone.2018-03-12 examples/data/root.zone.2019-11-02 \
  examples/data/root.zone.2020-09-13
say "$nshunt" ingest zone --origin com --date 2021-06-01 "$work/com-lookalikes.zone"
say "$nshunt" store info
say "$nshunt" domain xn--microsoftonlne-hgc.com
say "$nshunt" nameserver guzelhosting.com
say "$nshunt" nameserver nic.fr --as-of 2019-11-02 --limit 5

# An analyst's verdict on one look-alike: its name server's other
# domains inherit some of the risk, smoothed (three domains, one bad).
say "$nshunt" verdict xn--microsoftonlne-hgc.com --malicious --note "phishing kit seen by our proxy"
say "$nshunt" domain xn--seslyoutube-2zb.com
say "$nshunt" score --top 5
say "$nshunt" zone stats --top 10 examples/data/root.zone.2020-09-13

# Passive DNS from a real Zeek log, with AS holders from a real table.
work_pdns="$work/pdns.sqlite"
say "$nshunt" --store "$work_pdns" ingest pdns examples/data/zeek-dns.log.gz
say "$nshunt" --store "$work_pdns" ingest asn --source asn-sample examples/data/asn-sample.csv
say "$nshunt" --store "$work_pdns" domain www.google.com
say "$nshunt" --store "$work_pdns" asn AS15169 --limit 5

# The analyst's path in one command: from the look-alike with the
# verdict to the domains on its name server, clustered, with an HTML
# report that loads nothing from the network.
say "$nshunt" investigate xn--microsoftonlne-hgc.com --html "$work/investigation.html"
echo
echo "store: $NSHUNT_STORE"
echo "report: $work/investigation.html"
