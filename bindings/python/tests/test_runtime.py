"""The runtime binding: HTTP scoring, captures to sessions, the IOC store, batch
MMDB lookups, typed errors. Exact values come from the C library's own answers
(single calls, the c2d program's output for the sample capture)."""
import math
import pytest

from conftest import ROOT, SHARED_DATA, c_library

SAMPLE = ROOT / "examples" / "sample"
EMOTET = (b"GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1\r\nHost: a.example\r\n"
          b"User-Agent: Mozilla/4.0\r\n\r\n")


@pytest.fixture(autouse=True)
def _needs_library():
    c_library()


# ------------------------------------------------------------------- errors

def test_c2derror_carries_status_and_name():
    import c2detect
    with pytest.raises(c2detect.C2DError) as e:
        c2detect.Model.builtin("no-such-model")
    assert e.value.status == -12
    assert e.value.name == "C2D_ERR_NOT_FOUND"
    assert "no-such-model" in str(e.value)
    assert isinstance(e.value, RuntimeError)
    with pytest.raises(TypeError):
        c2detect.Model.builtin(3)
    with pytest.raises(TypeError):
        c2detect.Model.from_bytes("not bytes")


def test_library_not_found_names_what_was_tried(monkeypatch, tmp_path):
    from c2detect import lib
    monkeypatch.setattr(lib, "_LIB", None)
    monkeypatch.setenv("C2D_LIBRARY", str(tmp_path / "missing.so"))
    with pytest.raises(lib.LibraryNotFound) as e:
        lib.lib()
    assert str(tmp_path / "missing.so") in str(e.value)
    assert "C2D_LIBRARY" in str(e.value)
    assert len(e.value.tried) == 1


# --------------------------------------------------------------------- HTTP

def test_http_single_and_batch_agree():
    from c2detect.http import HttpModel, HttpVerdict
    m = HttpModel.builtin()
    thr = m.threshold
    assert 0 < thr < 1
    v = m.classify(EMOTET)
    assert isinstance(v, HttpVerdict)
    assert v.is_c2 == (v.score >= thr)
    assert m.score(EMOTET) == v.score
    assert m.score(EMOTET.decode()) == v.score  # str is UTF-8 encoded
    blocks = [EMOTET, b"", b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"]
    s = m.scores(blocks)
    assert len(s) == 3
    assert s[0] == v.score
    assert math.isnan(s[1])  # not a request
    assert s[2] == m.score(blocks[2])
    assert m.classify_many(blocks)[1] is None
    with pytest.raises(TypeError):
        m.score(12)


def test_http_not_a_request_is_a_typed_error():
    from c2detect.http import HttpModel
    from c2detect import C2DError
    with pytest.raises(C2DError) as e:
        HttpModel.builtin().score(b"")
    assert e.value.name == "C2D_ERR_HTTP_NOT_REQUEST"


def test_split_requests_skips_bodies():
    from c2detect.http import split_requests
    data = (b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
            b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET /c HTTP/1.0\n\n")
    got = split_requests(data)
    assert got == [b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
                   b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n", b"GET /c HTTP/1.0\n\n"]


# ----------------------------------------------------------------- sessions

@pytest.mark.skipif(not (SAMPLE / "sample.pcap").exists(), reason="no sample capture")
def test_sessions_of_the_sample_capture():
    from c2detect.flow import Session, read_sessions
    s = read_sessions(SAMPLE / "sample.pcap")
    assert len(s) == 222
    assert s.stats.frames == 593 and s.stats.dns_messages == 38 and s.stats.malformed == 0
    first = s[0]
    assert isinstance(first, Session)
    # the first line of `c2d sessions examples/sample/sample.pcap`
    assert (first.orig_h, first.orig_p, first.resp_h, first.resp_p) == ("10.0.0.7", 51000,
                                                                          "198.51.100.80", 80)
    assert (first.orig_bytes, first.resp_bytes, first.orig_pkts, first.resp_pkts) == (343, 6066, 6, 8)
    assert (first.conn_state, first.end_reason, first.session_class) == ("SF", "fin", "download")
    assert first.local_orig and not first.local_resp
    classes = sorted(x.session_class for x in s)
    assert classes.count("c2_candidate") == 19 and classes.count("inbound") == 1
    assert classes.count("not_counted") == 190  # the refused retries (S0/REJ)
    # the same from the bytes, with a callback that keeps nothing
    seen = []
    kept = read_sessions((SAMPLE / "sample.pcap").read_bytes(), callback=seen.append)
    assert len(kept) == 0 and seen == list(s)


@pytest.mark.skipif(not (SAMPLE / "sample.pcap").exists(), reason="no sample capture")
def test_damaged_capture_keeps_partial_results(tmp_path):
    from c2detect.flow import CaptureError, read_sessions
    cut = (SAMPLE / "sample.pcap").read_bytes()[:3000]
    with pytest.raises(CaptureError) as e:
        read_sessions(cut)
    assert e.value.name == "C2D_ERR_TRUNCATED"
    assert e.value.offset == 2942
    assert len(e.value.sessions) == 15
    with pytest.warns(RuntimeWarning, match="C2D_ERR_TRUNCATED"):
        assert len(read_sessions(cut, strict=False)) == 15


def test_sessions_argument_errors(tmp_path):
    from c2detect import C2DError
    from c2detect.flow import read_sessions
    with pytest.raises(TypeError):
        read_sessions(42)
    with pytest.raises(ValueError):
        read_sessions(b"", capacity=0)
    with pytest.raises(TypeError):
        read_sessions(b"", local_nets="10.0.0.0/8")
    with pytest.raises(C2DError) as e:
        read_sessions(tmp_path / "none.pcap")
    assert e.value.name == "C2D_ERR_IO"
    with pytest.raises(C2DError) as e:
        read_sessions(b"not a capture at all, just text")
    assert e.value.name == "C2D_ERR_BAD_MAGIC"


@pytest.mark.skipif(not (SAMPLE / "sample.pcap").exists(), reason="no sample capture")
def test_sessions_to_pandas():
    pd = pytest.importorskip("pandas")
    from c2detect.flow import read_sessions
    df = read_sessions(SAMPLE / "sample.pcap").to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert df.shape[0] == 222
    assert df.iloc[0]["resp_bytes"] == 6066


# ---------------------------------------------------------------------- IOC

def test_ioc_store_add_load_match():
    from c2detect.ioc import NO_MATCH, IocDB
    db = IocDB()
    db.add("203.0.113.7:995", family="QakBot", threat_type="botnet_cc")
    db.add("evil.example", family="X", confidence=90)
    rep = db.load(b"# comment\n198.51.100.9\nnot an indicator!!\n", format="list", family="L")
    assert (rep.format, rep.lines, rep.loaded, rep.rejected, rep.skipped) == ("list", 3, 1, 1, 1)
    assert rep.first_rejected == (3,) and rep.rejects[0][0] == 3
    assert rep.by_type == {"ip": 1}
    db.finalize()
    assert len(db) == 3 and db.count("domain") == 1
    hit = db.match("www.evil.example")
    assert [(h.type, h.value, h.family, h.confidence) for h in hit] == [("domain", "evil.example", "X", 90)]
    assert db.match("192.0.2.1") == []
    best, counts = db.match_ipv4(["203.0.113.7", "198.51.100.9", "192.0.2.1", "203.0.113.7"],
                                 ports=[995, 0, 0, 80])
    best, counts = list(best), list(counts)
    assert db.get(best[0]).family == "QakBot" and db.get(best[1]).family == "L"
    assert best[2:] == [NO_MATCH, NO_MATCH] and counts == [1, 1, 0, 0]
    from c2detect import C2DError
    with pytest.raises(C2DError) as e:
        db.add("1.2.3.4")
    assert e.value.name == "C2D_ERR_STATE"


def test_ioc_match_many_equals_single_matches():
    from c2detect.ioc import NO_MATCH, IocDB
    db = IocDB()
    rep = db.load(b"evil.example\n203.0.113.7\n203.0.113.8:995\n198.51.100.0/24\n"
                  b"http://bad.example/gate.php\n", format="list", family="F")
    assert rep.loaded == 5
    db.finalize()
    values = ["a.evil.example", "203.0.113.8:995", "example.org", "198.51.100.9",
              "http://bad.example/gate.php", "http://[::1", b"203.0.113.7", ""]
    best, counts, sts = db.match_many(values)
    best, counts, sts = list(best), list(counts), list(sts)
    for i, v in enumerate(values):
        if sts[i] == 0:
            hits = db.match(v, limit=64)
            assert counts[i] == len(hits)
            assert best[i] == (hits[0].id if hits else NO_MATCH)
        else:
            assert best[i] == NO_MATCH and counts[i] == 0
    assert [db.get(best[i]).value for i in (0, 3, 6)] == ["evil.example", "198.51.100.0/24",
                                                         "203.0.113.7"]
    assert best[2] == NO_MATCH and sts[5] == -10 and sts[7] == -10
    assert db.match_many([]) is not None
    with pytest.raises(ValueError):
        db.match_many(["a.example\nb.example"])
    with pytest.raises(TypeError):
        db.match_many("a.example")
    with pytest.raises(TypeError):
        db.match_many([3])


def test_ioc_argument_errors():
    from c2detect import C2DError
    from c2detect.ioc import IocDB
    db = IocDB()
    with pytest.raises(ValueError):
        db.add("1.2.3.4", type="hash")
    with pytest.raises(ValueError):
        db.add("1.2.3.4", confidence=101)
    with pytest.raises(C2DError) as e:
        db.add("999.1.1.1", type="ip")
    assert e.value.name == "C2D_ERR_MALFORMED"
    with pytest.raises(TypeError):
        db.load(3)
    with pytest.raises(C2DError) as e:  # a feed that yields nothing is an error, with its report
        db.load(b"# only a comment\nnot an indicator!!\n", format="list")
    assert e.value.name == "C2D_ERR_IOC_EMPTY_FEED"
    assert (e.value.report.lines, e.value.report.rejected, e.value.report.skipped) == (2, 1, 1)
    db.finalize()
    with pytest.raises(ValueError):
        db.match_ipv4(["1.2.3"])
    with pytest.raises(TypeError):
        db.match_ipv4("1.2.3.4")
    with pytest.raises(ValueError):
        db.match_ipv4(["1.2.3.4"], ports=[1, 2])


@pytest.mark.skipif(not (SAMPLE / "iocs.csv").exists(), reason="no sample feed")
def test_ioc_sample_feed_file():
    from c2detect.ioc import IocDB
    db = IocDB()
    rep = db.load(SAMPLE / "iocs.csv")
    assert rep.format == "csv" and rep.loaded == 3 and rep.rejected == 0
    db.finalize()
    assert [h.family for h in db.match("203.0.113.50:8080")] == ["SampleBeacon"]


# ---------------------------------------------------------------------- geo

def test_geo_batch_equals_single_lookups():
    from c2detect.data import mmdb_writer
    from c2detect.geo import NO_RECORD, GeoDB
    nets = [("1.1.1.0/24", {"country": {"iso_code": "AU"}}),
            ("8.8.0.0/16", {"country_code": "US",
                            "autonomous_system_number": mmdb_writer.Uint32(15169)}),
            ("9.9.0.0/16", {"country_code": "USA"})]  # not 2 bytes: no country
    for ipv in (4, 6):
        db = GeoDB(mmdb_writer.write_mmdb(nets, 24, ipv))
        ips = ["1.1.1.1", "8.8.8.8", "10.0.0.1", "8.8.4.4", "9.9.9.9"]
        b = db.lookup_batch(ips)
        assert db.countries(ips) == ["AU", "US", None, "US", None]
        assert [int(x) for x in b.asns] == [0, 15169, 0, 15169, 0]
        assert [int(x) for x in b.prefix_lens] == [db.prefix_len(ip) for ip in ips]
        assert int(b.data_offsets[2]) == NO_RECORD
        assert int(b.data_offsets[1]) == int(b.data_offsets[3])
        assert db.lookup_batch([]).asns.tolist() == [] if hasattr(b.asns, "tolist") else True
        with pytest.raises(ValueError):
            db.countries(["1.1.1"])
        with pytest.raises(TypeError):
            db.countries([1.5])
        with pytest.raises(ValueError):
            db.countries([2 ** 32])
        for bad in (["1.1.1.1", "8.8.8.8\n1.1.1.1"], ["1.1.1.1", ""], ["1.1.1.1 "], ["::1"],
                    ["1.1.1.1", "01.1.1.1"], ["1.1.1.é"]):
            with pytest.raises(ValueError):
                db.countries(bad)
        # text, ints and IPv4Address items give the same answers
        import ipaddress
        mixed = [0x01010101, ipaddress.IPv4Address("8.8.8.8"), "10.0.0.1"]
        assert db.countries(mixed) == ["AU", "US", None]
        assert db.countries(tuple(ips)) == db.countries(ips)


SHARED_GEO = SHARED_DATA / "geo" / "geo-whois-asn-country.mmdb"


@pytest.mark.skipif(not SHARED_GEO.exists(), reason="no shared data")
def test_geo_batch_on_shared_db_equals_single():
    import random
    from c2detect.geo import GeoDB
    rng = random.Random(7)
    ips = [".".join(str(rng.randrange(256)) for _ in range(4)) for _ in range(3000)]
    with GeoDB(str(SHARED_GEO)) as db:
        assert db.countries(ips) == [db.country(ip) for ip in ips]
        np = pytest.importorskip("numpy")
        arr = np.array([int.from_bytes(bytes(map(int, ip.split("."))), "big") for ip in ips],
                       dtype=np.uint32)
        b = db.lookup_batch(arr)
        assert [c.decode() or None for c in b.countries.tolist()] == db.countries(ips)
        assert [int(x) for x in b.prefix_lens[:200]] == [db.prefix_len(ip) for ip in ips[:200]]


# --------------------------------------------------------------------- forest

def test_forest_batch_equals_single_rows():
    np = pytest.importorskip("numpy")
    from c2detect import Model
    m = Model.builtin("test")
    n_in = 4
    for n_in in range(1, 64):  # the built-in test model's row width, found by trying
        try:
            m.forest_predict_one(np.zeros(n_in, dtype=np.float32), 2)
            break
        except Exception:
            continue
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(50, n_in)).astype(np.float32)
    batch = m.forest_predict(rows, 2)
    single = np.stack([m.forest_predict_one(r, 2) for r in rows])
    assert np.array_equal(batch, single)
    assert m.forest_predict(rows.tolist(), 2).tolist() == batch.tolist()
    with pytest.raises(ValueError):
        m.forest_predict(rows[0], 2)


# ------------------------------------------------------- gzip-compressed input

@pytest.mark.skipif(not (SAMPLE / "sample.pcap").exists(), reason="no sample capture")
def test_gzip_inputs_are_read_not_dropped(tmp_path):
    import gzip
    from c2detect.flow import CaptureError, read_sessions
    from c2detect.geo import AsnTable
    from c2detect.ioc import IocDB
    raw = (SAMPLE / "sample.pcap").read_bytes()
    (tmp_path / "s.pcap.gz").write_bytes(gzip.compress(raw))
    assert len(read_sessions(tmp_path / "s.pcap.gz")) == 222
    (tmp_path / "feed.csv.gz").write_bytes(gzip.compress((SAMPLE / "iocs.csv").read_bytes()))
    db = IocDB()
    assert db.load(tmp_path / "feed.csv.gz").loaded == 3
    csv = b'1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n8.8.8.0,8.8.8.255,15169,Google LLC\n'
    (tmp_path / "asn.csv.gz").write_bytes(gzip.compress(csv))
    t = AsnTable(str(tmp_path / "asn.csv.gz"))
    assert t.stats.ranges == 2 and t.lookup("8.8.8.8") == (15169, "Google LLC")
    # a cut .gz is an error naming the file, never an empty result
    (tmp_path / "cut.pcap.gz").write_bytes(gzip.compress(raw)[:200])
    with pytest.raises(CaptureError) as e:
        read_sessions(tmp_path / "cut.pcap.gz")
    assert "cut.pcap.gz" in str(e.value) and "gzip" in str(e.value)
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress(csv * 50)[:30])
    from c2detect import C2DError
    with pytest.raises(C2DError) as e:
        IocDB().load(tmp_path / "cut.csv.gz")
    assert e.value.name == "C2D_ERR_TRUNCATED" and "cut.csv.gz" in str(e.value)
    with pytest.raises(C2DError):
        AsnTable(str(tmp_path / "cut.csv.gz"))
