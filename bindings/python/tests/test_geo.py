"""c2detect.geo (ctypes) over databases written by c2detect.mmdb_writer, and
the shared data when present."""
import os
import struct

import pytest

from c2detect import mmdb_writer
from c2detect.geo import AsnTable, GeoDB, GeoError



@pytest.fixture(autouse=True)
def _needs_library():
    from conftest import c_library
    c_library()

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "data", "geo")


@pytest.mark.parametrize("record_size", [24, 28, 32])
@pytest.mark.parametrize("ip_version", [4, 6])
def test_round_trip_every_type(record_size, ip_version):
    nets = mmdb_writer.NETWORKS if ip_version == 4 else mmdb_writer.NETWORKS6
    with GeoDB(mmdb_writer.write_mmdb(nets, record_size, ip_version)) as db:
        rec = db.lookup("1.1.1.200")
        want = dict(mmdb_writer.ALL_TYPES)
        want["float"] = struct.unpack(">f", struct.pack(">f", 1.1))[0]
        assert rec == want
        assert db.prefix_len("1.1.1.200") == 24
        assert db.get("1.1.1.1", "array", 2, "deep", -1) == "x"
        assert db.get("1.1.1.1", "nope") is None
        assert db.country("1.1.1.1") == "GB"
        assert db.country("2.2.200.1") == "JP"
        assert db.asn("8.8.8.8") == 15169
        assert db.lookup("9.9.9.9") is None
        meta = db.metadata()
        assert meta["record_size"] == record_size and meta["ip_version"] == ip_version
        assert meta["description"] == {"en": "libc2detect test database"}
        if ip_version == 6:
            assert db.country("2001:db8:ffff::1") == "DE"
        else:
            with pytest.raises(GeoError):
                db.lookup("2001:db8::1")


def test_corrupt_files_rejected():
    good = mmdb_writer.write_mmdb(mmdb_writer.NETWORKS, 24, 4)
    with pytest.raises(GeoError) as e:
        GeoDB(good.replace(mmdb_writer.MARKER, b"\0" * 14))
    assert "BAD_MAGIC" in str(e.value)
    with pytest.raises(GeoError):
        GeoDB(good[: len(good) // 3])


def test_asn_table_text():
    t = AsnTable(text='1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\nbad line\n1.0.4.0,1.0.7.255,38803,Gtelecom\n')
    assert t.lookup("1.0.0.7") == (13335, "Cloudflare, Inc.")
    assert t.lookup("1.0.5.1") == (38803, "Gtelecom")
    assert t.lookup("1.0.3.1") is None
    assert t.stats.malformed == 1 and t.bad_lines == [2]


@pytest.mark.skipif(not os.path.exists(os.path.join(SHARED, "geo-whois-asn-country.mmdb")), reason="no shared data")
def test_shared_country_db():
    with GeoDB(os.path.join(SHARED, "geo-whois-asn-country.mmdb")) as db:
        assert db.country("1.1.1.1") == "AU"
        assert db.lookup("2001:4860:4860::8888") == {"country_code": "US"}
        assert db.prefix_len("2001:4860:4860::8888") == 32


@pytest.mark.skipif(not os.path.exists(os.path.join(SHARED, "asn-ipv4.csv.gz")), reason="no shared data")
def test_shared_asn_table_against_bisect(tmp_path):
    import bisect
    import csv
    import gzip
    import ipaddress
    import random

    text = gzip.open(os.path.join(SHARED, "asn-ipv4.csv.gz"), "rt", encoding="utf-8").read()
    plain = tmp_path / "asn.csv"
    plain.write_text(text, encoding="utf-8")
    table = AsnTable(str(plain))
    rows = sorted((int(ipaddress.IPv4Address(a)), int(ipaddress.IPv4Address(b)), int(n), o)
                  for a, b, n, o in csv.reader(text.splitlines()))
    ranges = []  # the documented overlap rule: the earlier range wins
    for s, e, n, o in rows:
        if ranges and s <= ranges[-1][1]:
            if e <= ranges[-1][1]:
                continue
            s = ranges[-1][1] + 1
        ranges.append((s, e, n, o))
    starts = [r[0] for r in ranges]
    rnd = random.Random(7)
    for _ in range(30000):
        a = rnd.getrandbits(32)
        i = bisect.bisect_right(starts, a) - 1
        want = (ranges[i][2], ranges[i][3]) if i >= 0 and ranges[i][1] >= a else None
        assert table.lookup(str(ipaddress.IPv4Address(a))) == want
    assert table.stats.ranges == len(ranges)
