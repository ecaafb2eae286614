"""Writes geolite2-asn-sample.mmdb, the MaxMind fixture of the ASN tests.

Made once with the PyPI package mmdb-writer 0.2.7 (netaddr 1.3.0):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install mmdb-writer==0.2.7
    /tmp/venv/bin/python make_mmdb.py

The networks and holders are real rows of `@ip-location-db/asn`
(CC-BY-4.0, see LICENSE-ASN-DATA), laid out like GeoLite2-ASN: an IPv6
tree with IPv4 under ::/96, and the fields autonomous_system_number and
autonomous_system_organization. 8.8.8.0/24 sits inside 8.0.0.0/9 to test
that the most specific network wins; 192.0.2.0/24 has a record without
an AS number.
"""

from mmdb_writer import MMDBWriter, MmdbU32
from netaddr import IPSet

ROWS = [
    ("1.0.0.0/24", 13335, "Cloudflare, Inc."),
    ("1.1.1.0/24", 13335, "Cloudflare, Inc."),
    ("8.0.0.0/9", 3356, "Level 3 Parent, LLC"),
    ("8.8.8.0/24", 15169, "Google LLC"),
    ("2001:4860::/32", 15169, "Google LLC"),
    ("2606:4700::/32", 13335, "Cloudflare, Inc."),
    ("2001:200::/37", 2500, "WIDE Project"),
]

writer = MMDBWriter(
    ip_version=6,
    ipv4_compatible=True,
    database_type="GeoLite2-ASN",
    languages=["en"],
    description="nshunt test sample in the GeoLite2-ASN layout",
)
for network, asn, org in ROWS:
    record = {
        "autonomous_system_number": MmdbU32(asn),
        "autonomous_system_organization": org,
    }
    writer.insert_network(IPSet([network]), record)
writer.insert_network(IPSet(["192.0.2.0/24"]), {"autonomous_system_organization": "no number"})
writer.to_db_file("geolite2-asn-sample.mmdb")
