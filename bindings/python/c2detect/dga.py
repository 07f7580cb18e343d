"""DGA features (schemas dga-fanci-v1, -v2 and -v3): the Python twin of lib/dga/.

Pure standard library; gives the same float32 values as c2d_dga_features()
for every name (bindings/python/tests/test_dga.py checks thousands). docs/features.md,
"DGA features", is the definition both follow. The Public Suffix List is read
from the same Debian file the C build compiles (C2D_PSL_FILE overrides).
"""
from __future__ import annotations

import math
import os
import struct

SCHEMA = "dga-fanci-v1"
SCHEMA_V2 = "dga-fanci-v2"
SCHEMA_V3 = "dga-fanci-v3"
MAX_NAME = 253
MAX_LABEL = 63

FEATURE_NAMES = (
    "length", "n_subdomains", "subdomain_len_mean", "has_www_prefix", "valid_tld",
    "has_single_char_subdomain", "is_exclusive_prefix_repetition", "has_tld_as_subdomain",
    "digit_subdomain_ratio", "hex_subdomain_ratio", "underscore_ratio", "has_ip",
    "has_digits", "vowel_ratio", "digit_ratio", "alphabet_size", "repeated_char_ratio",
    "consecutive_consonant_ratio", "consecutive_digit_ratio",
) + tuple(f"gram{n}_{s}" for n in (1, 2, 3)
          for s in ("mean", "std", "median", "min", "max", "p25", "p75")) + ("entropy",)
N_FEATURES = len(FEATURE_NAMES)
assert N_FEATURES == 41
# dga-fanci-v2 = the 41 v1 features, then these (docs/features.md, "Language").
V2_EXTRA_NAMES = (
    "bigram_surprisal_mean", "bigram_surprisal_max", "trigram_surprisal_mean",
    "trigram_surprisal_max", "unlikely_bigram_run", "common_trigram_coverage",
)
V2_FEATURE_NAMES = FEATURE_NAMES + V2_EXTRA_NAMES
V2_N_FEATURES = len(V2_FEATURE_NAMES)
assert V2_N_FEATURES == 47
# Surprisal units: the tables hold round(8 * -log2 p), 0..255 (1/8 bit steps).
Q_PER_BIT = 8
UNLIKELY_BIGRAM_Q = 56   # a bigram with p(next | prev) <= 2^-7 is "unlikely"
COMMON_TRIGRAM_Q = 24    # a trigram with p(next | two prev) >= 2^-3 is "common"
# dga-fanci-v3 = the 47 v2 features, then these (docs/features.md, "Vocabulary").
V3_EXTRA_NAMES = ("vocab_coverage", "vocab_words")
V3_FEATURE_NAMES = V2_FEATURE_NAMES + V3_EXTRA_NAMES
V3_N_FEATURES = len(V3_FEATURE_NAMES)
assert V3_N_FEATURES == 49
VOCAB_MIN_WORD = 3       # every vocabulary word has at least 3 letters

# Status values from include/c2detect/common.h.
ERR_NAME_EMPTY = -50
ERR_NAME_EMPTY_LABEL = -51
ERR_NAME_LABEL_TOO_LONG = -52
ERR_NAME_TOO_LONG = -53
ERR_NAME_BAD_CHAR = -54

PSL_DEFAULT = "/usr/share/publicsuffix/public_suffix_list.dat"


class NameError_(ValueError):
    """A malformed name; `.status` is the C status value."""

    def __init__(self, status: int, msg: str):
        super().__init__(msg)
        self.status = status


_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def normalize(name) -> str:
    """Lower-cased name without its trailing dot; raises NameError_ as the C code fails."""
    b = name.encode("latin-1") if isinstance(name, str) else bytes(name)
    if b.endswith(b"."):
        b = b[:-1]
    if not b:
        raise NameError_(ERR_NAME_EMPTY, "empty name")
    if len(b) > MAX_NAME:
        raise NameError_(ERR_NAME_TOO_LONG, "name too long")
    start = 0
    for i in range(len(b) + 1):
        if i == len(b) or b[i] == 0x2E:
            n = i - start
            if n == 0:
                raise NameError_(ERR_NAME_EMPTY_LABEL, "empty label")
            if n > MAX_LABEL:
                raise NameError_(ERR_NAME_LABEL_TOO_LONG, "label too long")
            start = i + 1
        elif b[i] not in _NAME_BYTES:
            raise NameError_(ERR_NAME_BAD_CHAR, "bad byte")
    return b.decode("ascii").lower()


class PublicSuffixList:
    """Rules of the list (ASCII only, like lib/dga/generate.cmake)."""

    def __init__(self, path: str | None = None):
        path = path or os.environ.get("C2D_PSL_FILE") or PSL_DEFAULT
        self.rules, self.wild, self.exc = set(), set(), set()
        self.tlds = set()
        ok = set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
        with open(path, encoding="utf-8") as f:
            for line in f:
                tok = line.split()
                if not tok or tok[0].startswith("//"):
                    continue
                rule = tok[0].split("/")[0]
                if not rule:
                    continue
                body = rule[1:] if rule.startswith("!") else rule[2:] if rule.startswith("*.") else rule
                if not body or not set(body) <= ok or ".." in body or body.startswith(".") \
                        or body.endswith("."):
                    continue
                if rule.startswith("!"):
                    self.exc.add(body)
                elif rule.startswith("*."):
                    self.wild.add(body)
                else:
                    self.rules.add(body)
                    if "." not in body:
                        self.tlds.add(body)

    def suffix_labels(self, labels: list[str]) -> tuple[int, bool]:
        """(labels in the public suffix, decided by a listed rule)."""
        n = len(labels)
        best = 0
        for k in range(1, n + 1):
            cand = ".".join(labels[n - k:])
            parent = ".".join(labels[n - k + 1:]) if k > 1 else None
            if parent is not None and parent in self.wild:
                if cand in self.exc:
                    return (k - 1, True) if k - 1 > 0 else (1, False)
                best = max(best, k)
            if cand in self.rules:
                best = max(best, k)
            if not self._has_prefix(cand):
                break
        return (best, True) if best else (1, False)

    def _has_prefix(self, cand: str) -> bool:
        # Whether any rule lies below `cand` (the trie walk continues only then).
        if not hasattr(self, "_nodes"):
            nodes = set()
            for r in self.rules | self.wild | self.exc:
                parts = r.split(".")
                for i in range(len(parts)):
                    nodes.add(".".join(parts[i:]))
            self._nodes = nodes
        return cand in self._nodes


_PSL = None


def psl() -> PublicSuffixList:
    global _PSL
    if _PSL is None:
        _PSL = PublicSuffixList()
    return _PSL


def _is_octet(s: str) -> bool:
    return 1 <= len(s) <= 3 and s.isdigit() and s.isascii() and int(s) <= 255


def _has_quad(parts: list[str]) -> bool:
    run = 0
    for p in parts:
        run = run + 1 if _is_octet(p) else 0
        if run >= 4:
            return True
    return False


def _f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def _quantile(a: list[int], p: float) -> float:
    m = len(a)
    pos = p * float(m - 1)
    lo = int(pos)
    hi = lo + 1 if lo + 1 < m else m - 1
    frac = pos - float(lo)
    return float(a[lo]) + (float(a[hi]) - float(a[lo])) * frac


def _ngram_stats(d: str, n: int) -> list[float]:
    if len(d) < n:
        return [0.0] * 7
    counts: dict[str, int] = {}
    total = len(d) - n + 1
    for i in range(total):
        g = d[i:i + n]
        counts[g] = counts.get(g, 0) + 1
    c = sorted(counts.values())
    m = len(c)
    mean = float(total) / float(m)
    ss = 0.0
    for v in c:
        dl = float(v) - mean
        ss += dl * dl
    return [mean, math.sqrt(ss / float(m)), _quantile(c, 0.5), float(c[0]), float(c[-1]),
            _quantile(c, 0.25), _quantile(c, 0.75)]


def _prefix_repetition(s: str) -> bool:
    n = len(s)
    if n < 2:
        return False
    pi = [0] * n
    for i in range(1, n):
        k = pi[i - 1]
        while k > 0 and s[i] != s[k]:
            k = pi[k - 1]
        if s[i] == s[k]:
            k += 1
        pi[i] = k
    p = n - pi[-1]
    return p < n and n % p == 0


_VOWELS = frozenset("aeiou")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdef")


def subdomain_labels(name) -> list[str]:
    """S: the labels of the normalised name left of its public suffix."""
    labels = normalize(name).split(".")
    n_suffix, _ = psl().suffix_labels(labels)
    return labels[:len(labels) - n_suffix]


def letter_runs(sub: list[str]) -> list[str]:
    """W: the maximal runs of letters a-z inside the labels of S, in order
    (digits, '-', '_' and label ends cut runs)."""
    out = []
    for lab in sub:
        cur = []
        for ch in lab:
            if "a" <= ch <= "z":
                cur.append(ch)
            elif cur:
                out.append("".join(cur))
                cur = []
        if cur:
            out.append("".join(cur))
    return out


def symbols(run: str) -> list[int]:
    """The framed symbol sequence of a run: 0 (boundary), letters as 1..26, 0."""
    return [0] + [ord(c) - 96 for c in run] + [0]


def language_features(sub: list[str]) -> list[float]:
    """The 6 dga-fanci-v2 language features of S (before float32 rounding)."""
    from .dga_ngram_table import BIGRAM_Q, TRIGRAM_Q
    s2 = n2 = m2 = s3 = n3 = m3 = 0
    longest = letters = covered = 0
    for w in letter_runs(sub):
        x = symbols(w)
        L = len(w)
        letters += L
        cur = 0
        cov_end = 0
        for k in range(1, L + 2):
            q = BIGRAM_Q[x[k - 1] * 27 + x[k]]
            s2 += q
            n2 += 1
            m2 = max(m2, q)
            cur = cur + 1 if q >= UNLIKELY_BIGRAM_Q else 0
            longest = max(longest, cur)
            if k >= 2:
                q3 = TRIGRAM_Q[(x[k - 2] * 27 + x[k - 1]) * 27 + x[k]]
                s3 += q3
                n3 += 1
                m3 = max(m3, q3)
                if q3 <= COMMON_TRIGRAM_Q:
                    # letters of the trigram: run indexes k-3 .. k-1 inside [0, L)
                    lo, hi = max(k - 3, cov_end), min(k - 1, L - 1)
                    if hi >= lo:
                        covered += hi - lo + 1
                        cov_end = hi + 1
    qb = float(Q_PER_BIT)
    return [
        float(s2) / (qb * float(n2)) if n2 else 0.0,
        float(m2) / qb,
        float(s3) / (qb * float(n3)) if n3 else 0.0,
        float(m3) / qb,
        float(longest),
        float(covered) / float(letters) if letters else 0.0,
    ]


def features_v2(name) -> list[float]:
    """The 47 dga-fanci-v2 features of `name` as float32-rounded Python floats."""
    f = features(name)
    return f + [_f32(x) for x in language_features(subdomain_labels(name))]


def vocab_features(sub: list[str], words=None) -> list[float]:
    """The 2 dga-fanci-v3 vocabulary features of S: per letter run, the
    non-overlapping vocabulary words that cover the most letters (then the
    fewest words); coverage = covered letters / letters, words = their number
    when every letter is covered, else 0."""
    if words is None:
        from .dga_vocab_table import WORDS as words
    letters = covered = n_words = 0
    for w in letter_runs(sub):
        n = len(w)
        letters += n
        best = [(0, 0)] * (n + 1)  # (covered, -words): larger is better
        for p in range(n):
            if best[p] > best[p + 1]:
                best[p + 1] = best[p]
            for q in range(p + VOCAB_MIN_WORD, n + 1):
                if w[p:q] in words:
                    c = (best[p][0] + q - p, best[p][1] - 1)
                    if c > best[q]:
                        best[q] = c
        covered += best[n][0]
        n_words -= best[n][1]
    return [float(covered) / float(letters) if letters else 0.0,
            float(n_words) if letters and covered == letters else 0.0]


def features_v3(name) -> list[float]:
    """The 49 dga-fanci-v3 features of `name` as float32-rounded Python floats."""
    sub = subdomain_labels(name)
    return features_v2(name) + [_f32(x) for x in vocab_features(sub)]


def features_for(schema: str, name) -> list[float]:
    if schema == SCHEMA:
        return features(name)
    if schema == SCHEMA_V2:
        return features_v2(name)
    if schema == SCHEMA_V3:
        return features_v3(name)
    raise ValueError(f"unknown DGA schema {schema!r}")


def features(name) -> list[float]:
    """The 41 dga-fanci-v1 features of `name` as float32-rounded Python floats."""
    t = normalize(name)
    labels = t.split(".")
    n_suffix, listed = psl().suffix_labels(labels)
    sub = labels[:len(labels) - n_suffix]
    n_sub = len(sub)
    d = "".join(sub)
    dl = len(d)

    digits = sum(ch in _DIGITS for ch in d)
    letters = sum(ch in _LETTERS for ch in d)
    vowels = sum(ch in _VOWELS for ch in d)
    cons_run = digit_run = 0
    i = 0
    while i < dl:
        j = i
        if d[i] in _LETTERS and d[i] not in _VOWELS:
            while j < dl and d[j] in _LETTERS and d[j] not in _VOWELS:
                j += 1
            if j - i >= 2:
                cons_run += j - i
        elif d[i] in _DIGITS:
            while j < dl and d[j] in _DIGITS:
                j += 1
            if j - i >= 2:
                digit_run += j - i
        else:
            j += 1
        i = j
    hist: dict[str, int] = {}
    for ch in d:
        hist[ch] = hist.get(ch, 0) + 1
    alphabet = len(hist)
    repeated = sum(1 for v in hist.values() if v > 1)
    clog = 0.0
    for ch in sorted(hist):
        clog += float(hist[ch]) * math.log2(hist[ch])
    entropy = math.log2(dl) - clog / float(dl) if dl else 0.0
    entropy = max(entropy, 0.0)

    has_ip = False
    run = 0
    for lab in labels:
        run = run + 1 if _is_octet(lab) else 0
        if run >= 4 or _has_quad(lab.split("-")):
            has_ip = True
            break

    ddl = float(dl)
    f = [
        float(len(t)),
        float(n_sub),
        float(sum(len(x) for x in sub)) / float(n_sub) if n_sub else 0.0,
        1.0 if labels[0] == "www" and len(labels) > 1 else 0.0,
        1.0 if listed else 0.0,
        1.0 if any(len(x) == 1 for x in sub) else 0.0,
        1.0 if _prefix_repetition(d) else 0.0,
        1.0 if any(x in psl().tlds for x in sub) else 0.0,
        float(sum(all(c in _DIGITS for c in x) for x in sub)) / float(n_sub) if n_sub else 0.0,
        float(sum(all(c in _HEX for c in x) for x in sub)) / float(n_sub) if n_sub else 0.0,
        float(d.count("_")) / ddl if dl else 0.0,
        1.0 if has_ip else 0.0,
        1.0 if digits else 0.0,
        float(vowels) / float(letters) if letters else 0.0,
        float(digits) / ddl if dl else 0.0,
        float(alphabet),
        float(repeated) / float(alphabet) if alphabet else 0.0,
        float(cons_run) / ddl if dl else 0.0,
        float(digit_run) / ddl if dl else 0.0,
    ]
    for n in (1, 2, 3):
        f.extend(_ngram_stats(d, n))
    f.append(entropy)
    return [_f32(x) for x in f]


def features_matrix(names, schema: str = SCHEMA):
    """numpy float32 matrix (len(names), 41, 47 or 49 per `schema`) and a list
    of the row indexes kept (malformed names are skipped)."""
    import numpy as np
    rows, kept = [], []
    width = {SCHEMA_V2: V2_N_FEATURES, SCHEMA_V3: V3_N_FEATURES}.get(schema, N_FEATURES)
    for i, nm in enumerate(names):
        try:
            rows.append(features_for(schema, nm))
        except NameError_:
            continue
        kept.append(i)
    return np.asarray(rows, dtype=np.float32).reshape(-1, width), kept
