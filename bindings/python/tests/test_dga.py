"""The Python feature twin (c2detect.dga) against the C library, name by name.

Needs the shared library (C2D_LIBRARY or a build tree) and, for the bulk check,
../shared/data/dga (skipped when absent).
"""
import csv
import ctypes
import gzip
import os
import random

import pytest

from conftest import SHARED_DATA, c_library
from c2detect import dga

DATA = SHARED_DATA / "dga"


@pytest.fixture(scope="module")
def clib():
    h = c_library()
    h.c2d_dga_features.argtypes = [ctypes.c_char_p, ctypes.c_size_t,
                                   ctypes.POINTER(ctypes.c_float), ctypes.c_size_t]
    h.c2d_dga_features.restype = ctypes.c_int
    for fn in (h.c2d_dga_features_v2, h.c2d_dga_features_v3):
        fn.argtypes = h.c2d_dga_features.argtypes
        fn.restype = ctypes.c_int
    return h


# schema version -> (feature names, C function name, Python function)
SCHEMAS = {1: (dga.FEATURE_NAMES, "c2d_dga_features", dga.features),
           2: (dga.V2_FEATURE_NAMES, "c2d_dga_features_v2", dga.features_v2),
           3: (dga.V3_FEATURE_NAMES, "c2d_dga_features_v3", dga.features_v3)}


def c_features(h, name: bytes, version=1):
    n = len(SCHEMAS[version][0])
    buf = (ctypes.c_float * n)()
    st = getattr(h, SCHEMAS[version][1])(name, len(name), buf, n)
    return st, list(buf)


def py_features(name: bytes, version=1):
    try:
        return 0, SCHEMAS[version][2](name)
    except dga.NameError_ as e:
        return e.status, None


def compare(h, names):
    """Names where C and Python differ, for each schema (v1, v2 and v3 rows)."""
    bad = []
    for version, (names_, _, _) in SCHEMAS.items():
        for n in names:
            cs, cf = c_features(h, n, version)
            ps, pf = py_features(n, version)
            if cs != ps or (cs == 0 and cf != pf):
                diff = [(names_[i], a, b) for i, (a, b) in
                        enumerate(zip(cf, pf or [0.0] * len(names_))) if a != b]
                bad.append((n, version, cs, ps, diff[:3]))
    return bad


EDGE = [b"www.example.co.uk", b"qxwcretkhuvchx.co.uk", b"freeonlinebusinessdirectory.net",
        b"a1b2c3.d-e_f.com", b"zzzzzzzzzzzzzzzzzzzz.info", b"WWW.Example.CO.UK.", b"192.168.1.1", b"xn--bcher-kva.de",
        b"a" * 63 + b".com", b"a" * 64 + b".com", b"", b".", b"a..b", b".com", b"ex!.com",
        b"a\x00b.com", b"co.uk", b"a.b.ck", b"x.www.ck", b"foo.city.kawasaki.jp",
        b"ec2-54-1-2-3.compute-1.amazonaws.com", b"_sip._tcp.example.com", b"abcabc.abcabc.com",
        b"com.evil-site.net", b"1.2.3.4.5", b"-.-", b"_", b"a" * 254]


def test_edge_cases_agree(clib):
    assert compare(clib, EDGE) == []


def test_random_strings_agree(clib):
    rng = random.Random(7)
    alphabet = b"abcXYZ019-_.."
    names = [bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    assert compare(clib, names) == []


def test_structured_names_agree(clib):
    """Names built to reach the C code's shortcuts: whole-name repetitions (the
    prefix-repetition test is skipped when a byte occurs once), dashed and dotted
    IP quads in subdomain and suffix labels (the quad scan is skipped for labels
    without '-' or under 7 bytes), few-symbol alphabets (repeated 2- and 3-grams,
    all-distinct shortcuts), every symbol, long labels and names."""
    rng = random.Random(20261122)
    pools = [b"abcdefghijklmnopqrstuvwxyz0123456789-_", b"ab", b"a", b"abc-", b"0123456789",
             b"0123456789abcdef", b"aeiou", b"qxzk", b"-_0a"]
    suffixes = [b"", b".com", b".co.uk", b".bazar", b".city.kawasaki.jp", b".appspot.com",
                b".ck", b".1-2-3-4", b".10-0-0-1x", b".uk", b".a"]
    names = []
    for _ in range(3000):
        pool = rng.choice(pools)
        labels = [bytes(rng.choice(pool) for _ in range(rng.choice([1, 2, 3, 7, 12, 30, 63])))
                  for _ in range(rng.choice([1, 1, 2, 3, 5]))]
        r = rng.random()
        if r < 0.15:
            unit = bytes(rng.choice(pool) for _ in range(rng.randint(1, 5)))
            labels = [unit * rng.randint(1, 12)]
            if rng.random() < 0.5:
                labels.append(unit * rng.randint(1, 3))
        elif r < 0.25:
            quad = b"-".join(str(rng.randint(0, 300)).encode() for _ in range(rng.randint(3, 5)))
            labels.insert(rng.randint(0, len(labels)), rng.choice([b"", b"ip-", b"ec2-"]) + quad)
        elif r < 0.3:
            labels = [str(rng.randint(0, 300)).encode() for _ in range(rng.randint(3, 5))]
        name = b".".join(l[:63] for l in labels if l) + rng.choice(suffixes)
        names.append(name[:253].strip(b"."))
    assert compare(clib, names) == []


def test_vocabulary_names_agree(clib):
    """Names glued from vocabulary words, word pieces and other letters, so the
    cover search meets whole words, overlapping candidates, prefixes that are
    not words and runs cut by digits, hyphens and dots."""
    from c2detect.dga_vocab_table import WORDS
    words = sorted(WORDS)
    rng = random.Random(20261202)
    names = []
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 7)):
            w = rng.choice(words)
            r = rng.random()
            if r < 0.2:
                w = w[:rng.randint(1, len(w))]
            elif r < 0.3:
                w = w + rng.choice("sqxe")
            elif r < 0.4:
                w = rng.choice(["0", "-", "7x", "_"]) + w
            parts.append(w)
        label = "".join(parts).strip("-")[:63] or "a"
        sub = rng.choice(["", "www.", "mail.", "ab12."])
        names.append((sub + label + rng.choice([".com", ".net", ".co.uk", ".ru"])).encode())
    assert compare(clib, names) == []


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/dga absent")
def test_shared_data_agree(clib):
    names = []
    for fn, skip_header in (("dga_baderj_50families.csv.gz", 1),
                            ("dga_andrewaeva_10families.csv.gz", 1),
                            ("benign_alexa_top100k.csv.gz", 0),
                            ("benign_opendns_top10k_random10k.csv.gz", 1)):
        with gzip.open(DATA / fn, "rt", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))[skip_header:]
        rng = random.Random(fn)
        names += [r[1].encode() for r in rng.sample(rows, 2500)]
    assert len(names) == 10000
    bad = compare(clib, names)
    assert bad == [], bad[:5]


def test_feature_names_match(clib):
    clib.c2d_dga_feature_name.restype = ctypes.c_char_p
    clib.c2d_dga_feature_name.argtypes = [ctypes.c_size_t]
    assert [clib.c2d_dga_feature_name(i).decode() for i in range(dga.V3_N_FEATURES)] == \
        list(dga.V3_FEATURE_NAMES)
    assert clib.c2d_dga_feature_name(dga.V3_N_FEATURES) is None


def test_ngram_table_matches_c_source():
    """The Python table module holds the same bytes as lib/dga/ngram_table.c."""
    import pathlib
    import re
    from c2detect import dga_ngram_table as t
    src = pathlib.Path(__file__).resolve().parents[3] / "lib" / "dga" / "ngram_table.c"
    if not src.exists():
        pytest.skip("not in a source tree")
    text = src.read_text()
    arrays = re.findall(r"\] = \{([^}]*)\}", text)
    assert len(arrays) == 2
    vals = [bytes(int(v) for v in a.replace("\n", " ").split(",") if v.strip()) for a in arrays]
    assert vals[0] == t.BIGRAM_Q and len(t.BIGRAM_Q) == 27 * 27
    assert vals[1] == t.TRIGRAM_Q and len(t.TRIGRAM_Q) == 27 ** 3


def test_vocab_table_matches_c_source():
    """The words of the C trie (lib/dga/vocab_table.c) are the Python twin's
    WORDS, and every child index stays inside the node array."""
    import pathlib
    import re
    from c2detect.dga_vocab_table import WORDS
    src = pathlib.Path(__file__).resolve().parents[3] / "lib" / "dga" / "vocab_table.c"
    if not src.exists():
        pytest.skip("not in a source tree")
    nodes = [(int(m, 16), int(c)) for m, c in
             re.findall(r"\{0x([0-9a-f]{8})u, (\d+)u\}", src.read_text())]
    n_decl = int(re.search(r"c2d__dga_vocab_n_nodes = (\d+);", src.read_text()).group(1))
    assert len(nodes) == n_decl
    words, stack = set(), [(0, "")]
    while stack:
        i, prefix = stack.pop()
        mask, first = nodes[i]
        if mask & (1 << 31):
            words.add(prefix)
        k = 0
        for c in range(26):
            if mask & (1 << c):
                assert first + k < len(nodes)
                stack.append((first + k, prefix + chr(97 + c)))
                k += 1
    assert words == set(WORDS)
    assert min(len(w) for w in words) >= dga.VOCAB_MIN_WORD
    # the start tables the C walk uses: node after two letters, three-letter filter
    text = src.read_text()
    pair = [int(v) for v in re.search(r"c2d__dga_vocab_pair\[26 \* 26\] = \{([^}]*)\}",
                                      text).group(1).replace(",", " ").split()]
    triple = [int(v, 16) for v in re.findall(
        r"0x([0-9a-f]{8})u", re.search(r"c2d__dga_vocab_triple\[\d+\] = \{([^}]*)\}",
                                       text).group(1))]
    assert len(pair) == 26 * 26 and len(triple) == (26 ** 3 + 31) // 32

    def child(i, c):
        mask, first = nodes[i]
        return first + bin(mask & ((1 << c) - 1)).count("1") if mask & (1 << c) else None

    for x in range(26):
        a = child(0, x)
        for y in range(26):
            b = child(a, y) if a is not None else None
            assert pair[26 * x + y] == (b or 0)
            for z in range(26):
                i = (26 * x + y) * 26 + z
                starts = any(w[:3] == chr(97 + x) + chr(97 + y) + chr(97 + z) for w in words)
                assert bool(triple[i >> 5] >> (i & 31) & 1) == starts


def _load(h, data: bytes):
    """A c2d_model* over `data` (kept alive by the returned tuple)."""
    buf = ctypes.create_string_buffer(data, len(data))
    m = ctypes.c_void_p()
    h.c2d_model_load_memory.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                        ctypes.POINTER(ctypes.c_void_p)]
    h.c2d_model_load_memory.restype = ctypes.c_int
    assert h.c2d_model_load_memory(buf, len(data), None, ctypes.byref(m)) == 0
    return m, buf


def _score(h, m, name: bytes):
    h.c2d_dga_score.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                ctypes.POINTER(ctypes.c_float)]
    h.c2d_dga_score.restype = ctypes.c_int
    s = ctypes.c_float(-1.0)
    st = h.c2d_dga_score(m, name, len(name), ctypes.byref(s))
    return st, s.value


def test_scoring_follows_model_schema(clib):
    """A v1 model gets 41-feature rows and a v2 model 47; a schema whose input
    count does not match is refused. One-split trees make the row visible:
    v1 splits on length (index 0) <= 10, v2 on common_trigram_coverage (46) <= 0.5."""
    from c2detect.c2dm import Tree, write_forest
    h = clib
    h.c2d_model_free.argtypes = [ctypes.c_void_p]
    h.c2d_dga_model_check.argtypes = [ctypes.c_void_p]
    h.c2d_dga_model_check.restype = ctypes.c_int

    def forest(n, feat, thr, schema):
        t = Tree([(feat, thr, 1), (None, [0.0]), (None, [1.0])])
        return write_forest(n, 2, [t], {"schema": schema, "threshold": 0.5})

    v1, b1 = _load(h, forest(41, 0, 10.0, dga.SCHEMA))
    v2, b2 = _load(h, forest(47, 46, 0.5, dga.SCHEMA_V2))
    bad, b3 = _load(h, forest(41, 0, 10.0, dga.SCHEMA_V2))
    bad2, b4 = _load(h, forest(47, 0, 10.0, dga.SCHEMA))
    # v3 splits on vocab_words (48) <= 2.5; a 47-input forest is no v3 model
    v3, b5 = _load(h, forest(49, 48, 2.5, dga.SCHEMA_V3))
    bad3, b6 = _load(h, forest(47, 46, 0.5, dga.SCHEMA_V3))
    try:
        assert h.c2d_dga_model_check(v1) == 0
        assert h.c2d_dga_model_check(v2) == 0
        schema_mismatch = -8  # C2D_ERR_SCHEMA_MISMATCH
        assert h.c2d_dga_model_check(bad) == schema_mismatch
        assert h.c2d_dga_model_check(bad2) == schema_mismatch
        assert _score(h, bad, b"a.com")[0] == schema_mismatch
        assert _score(h, bad2, b"a.com")[0] == schema_mismatch
        # length 17 > 10: class 1 for v1; coverage 0.9 > 0.5: class 1 for v2.
        assert _score(h, v1, b"www.example.co.uk") == (0, 1.0)
        assert _score(h, v2, b"www.example.co.uk") == (0, 1.0)
        # "a.com": length 5 -> 0 for v1; "qxwcretkhuvchx.co.uk": length 20 -> 1 for v1,
        # coverage 5/14 -> 0 for v2.
        assert _score(h, v1, b"a.com") == (0, 0.0)
        assert _score(h, v1, b"qxwcretkhuvchx.co.uk") == (0, 1.0)
        assert _score(h, v2, b"qxwcretkhuvchx.co.uk") == (0, 0.0)
        assert dga.features_v2(b"qxwcretkhuvchx.co.uk")[46] < 0.5
        assert h.c2d_dga_model_check(v3) == 0
        assert h.c2d_dga_model_check(bad3) == schema_mismatch
        assert _score(h, bad3, b"a.com")[0] == schema_mismatch
        # four vocabulary words cover every letter -> class 1; a brand name -> 0
        assert dga.features_v3(b"abilitybasedealfiledoubt.com")[47:] == [1.0, 5.0]
        assert _score(h, v3, b"abilitybasedealfiledoubt.com") == (0, 1.0)
        assert _score(h, v3, b"www.example.co.uk") == (0, 0.0)
    finally:
        for m in (v1, v2, bad, bad2, v3, bad3):
            h.c2d_model_free(m)
