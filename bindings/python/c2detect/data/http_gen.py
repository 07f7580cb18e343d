"""Seeded generators of HTTP request header blocks for the HTTP C2 model.

malicious_samples(): parses Cobalt Strike Malleable C2 profiles (shared/data/http/
malleable_profiles) and renders the requests a beacon with that profile sends: the
profile's URIs, client headers in profile order, metadata/id/output encoded by the
profile's transform chain (base64, base64url, netbios(u), mask, prepend, append) into
a header, parameter, URI or body, then the headers WinINet adds (User-Agent, Host,
Content-Length, Connection, Cache-Control). Every profile is malicious, including the
"normal"-looking ones (Amazon, Bing, Gmail, OCSP, ...): they are beacons in disguise.

benign_samples(): browsers (Chrome, Edge, Firefox, Safari, IE11 with their real header
orders and fetch-metadata), OS updaters and certificate checks (Windows Update Agent,
BITS, CryptoAPI OCSP/CRL, Delivery Optimization, apt), API clients (curl, wget,
python-requests, Go, okhttp, axios, Java, PowerShell) and the wire-order header lists of
the ClickSecurity Bro log, with host names from the benign Alexa list.

Everything is reproducible from `seed`; nothing generated is stored in the repository.
"""
from __future__ import annotations

import base64
import gzip
import pathlib
import random
import re
import string
from dataclasses import dataclass

from . import http_data


@dataclass
class Sample:
    block: bytes
    label: int
    family: str
    source: str


# ------------------------------------------------------------------ profiles
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};"]+)', re.S)


def _unescape(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x" and i + 3 < len(s):
                try:
                    out.append(chr(int(s[i + 2:i + 4], 16)))
                    i += 4
                    continue
                except ValueError:
                    pass
            out.append({"n": "\n", "r": "\r", "t": "\t"}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _parse_block(toks, i):
    """-> (list of items, next index). Item: ('stmt', [words]) or ('block', [words], items)."""
    items, cur = [], []
    while i < len(toks):
        kind, val = toks[i]
        i += 1
        if kind == "sym" and val == ";":
            if cur:
                items.append(("stmt", cur))
            cur = []
        elif kind == "sym" and val == "{":
            sub, i = _parse_block(toks, i)
            items.append(("block", cur, sub))
            cur = []
        elif kind == "sym" and val == "}":
            if cur:
                items.append(("stmt", cur))
            return items, i
        else:
            cur.append(val)
    if cur:
        items.append(("stmt", cur))
    return items, i


def parse_profile(text: str):
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    toks = []
    for m in _TOKEN.finditer(text):
        if m.group(1) is not None:
            toks.append(("str", _unescape(m.group(1))))
        elif m.group(2):
            toks.append(("sym", m.group(2)))
        else:
            toks.append(("word", m.group(3)))
    items, _ = _parse_block(toks, 0)
    return items


@dataclass
class Transaction:
    verb: str
    uris: list
    headers: list        # [(name, value)] in profile order
    params: list         # [(name, value)]
    metadata: list       # transform statements, terminal last
    ident: list
    output: list


@dataclass
class Profile:
    name: str
    family: str
    useragent: str | None
    transactions: list


def _transaction(kind, items):
    verb = "GET" if kind == "http-get" else "POST"
    uris, headers, params, meta, ident, output = [], [], [], [], [], []
    for it in items:
        if it[0] == "stmt" and it[1][:2] == ["set", "uri"] and len(it[1]) > 2:
            uris = it[1][2].split()
        elif it[0] == "stmt" and it[1][:2] == ["set", "verb"] and len(it[1]) > 2:
            verb = it[1][2]
        elif it[0] == "block" and it[1][:1] == ["client"]:
            for c in it[2]:
                if c[0] == "stmt" and c[1][0] == "header" and len(c[1]) >= 3:
                    headers.append((c[1][1], c[1][2]))
                elif c[0] == "stmt" and c[1][0] == "parameter" and len(c[1]) >= 3:
                    params.append((c[1][1], c[1][2]))
                elif c[0] == "block" and c[1][:1] in (["metadata"], ["id"], ["output"]):
                    chain = [s[1] for s in c[2] if s[0] == "stmt"]
                    {"metadata": meta, "id": ident, "output": output}[c[1][0]].extend(chain)
    if not uris:
        return None
    return Transaction(verb, uris, headers, params, meta, ident, output)


def load_profile(path: pathlib.Path) -> Profile:
    items = parse_profile(path.read_text(encoding="utf-8", errors="replace"))
    ua = None
    txs = []
    for it in items:
        if it[0] == "stmt" and it[1][:2] == ["set", "useragent"] and len(it[1]) > 2:
            ua = it[1][2]
        elif it[0] == "block" and it[1][:1] in (["http-get"], ["http-post"]):
            t = _transaction(it[1][0], it[2])
            if t:
                txs.append(t)
    return Profile(path.stem, family_of(path), ua, txs)


def family_of(path: pathlib.Path) -> str:
    stem = path.stem.lower()
    for pat, fam in (("trick", "trickbot"), ("fiesta", "fiesta"), ("webbug", "webbug"),
                     ("jquery", "jquery"), ("ursnif", "ursnif")):
        if pat in stem:
            return fam
    return re.sub(r"(_getonly|_apt\d+|_rat)$", "", stem)


# Whole families held out of training: they give the per-family generalisation figures.
HOLDOUT_FAMILIES = {"zeus", "qakbot", "trickbot", "dukes", "havex", "slack", "gmail",
                    "ocsp", "bing_maps", "rigek"}


def profile_paths(data_dir) -> list:
    d = pathlib.Path(data_dir) / "http" / "malleable_profiles"
    out = []
    for p in sorted(d.rglob("*.profile")):
        if p.stem in ("template", "clean_template", "reference", "randomized", "rtmp"):
            continue  # documentation templates, not a family's traffic
        out.append(p)
    return out


# ---------------------------------------------------------------- transforms
def _apply(chain, data: bytes, rng):
    """Run a transform chain; returns (terminal statement words, encoded text)."""
    v = data
    for st in chain:
        op = st[0]
        if op == "base64":
            v = base64.b64encode(v)
        elif op == "base64url":
            v = base64.urlsafe_b64encode(v).rstrip(b"=")
        elif op == "netbios":
            v = bytes(c for b in v for c in (0x61 + (b >> 4), 0x61 + (b & 15)))
        elif op == "netbiosu":
            v = bytes(c for b in v for c in (0x41 + (b >> 4), 0x41 + (b & 15)))
        elif op == "mask":
            key = bytes(rng.randrange(256) for _ in range(4))
            v = key + bytes(b ^ key[i % 4] for i, b in enumerate(v))
        elif op == "prepend" and len(st) > 1:
            v = st[1].encode("latin-1", "replace") + v
        elif op == "append" and len(st) > 1:
            v = v + st[1].encode("latin-1", "replace")
        elif op in ("header", "parameter", "uri-append", "print"):
            return st, v
    return ["print"], v


def _clean(v: bytes) -> str:
    return v.decode("latin-1").replace("\r", "").replace("\n", "")


_DOMAIN_CACHE = {}


def alexa_domains(data_dir) -> list:
    key = str(data_dir)
    if key not in _DOMAIN_CACHE:
        p = pathlib.Path(data_dir) / "dga" / "benign_alexa_top100k.csv.gz"
        doms = []
        if p.exists():
            with gzip.open(p, "rt") as f:
                for line in f:
                    parts = line.strip().split(",")
                    if len(parts) == 2:
                        doms.append(parts[1])
        _DOMAIN_CACHE[key] = doms or ["example.com", "example.org", "example.net"]
    return _DOMAIN_CACHE[key]


def _rand_ip(rng):
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


def _c2_host(rng, domains):
    r = rng.random()
    if r < 0.35:
        h = _rand_ip(rng)
    elif r < 0.6:
        h = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 14))) + \
            rng.choice([".com", ".net", ".org", ".info", ".top", ".xyz", ".ru", ".biz"])
    else:
        h = rng.choice(domains)
        if rng.random() < 0.4:
            h = rng.choice(["www.", "cdn.", "api.", "update.", "static."]) + h
    if rng.random() < 0.15:
        h += ":" + str(rng.choice([8080, 443, 8443, 7080, 8000, 4444, 81, 8888]))
    return h


_CS_DEFAULT_UAS = [
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)",
    "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)",
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1)",
]


def render(profile: Profile, tx: Transaction, rng, domains, ua_pool) -> bytes:
    uri = rng.choice(tx.uris)
    params = list(tx.params)
    headers = [(k, v) for k, v in tx.headers]
    body = b""
    meta = bytes(rng.randrange(256) for _ in range(rng.choice([64, 96, 117, 128, 144])))
    sess = str(rng.randrange(10 ** 8, 10 ** 10)).encode()
    out_data = bytes(rng.randrange(256) for _ in range(rng.randint(16, 400)))
    for chain, data in ((tx.metadata, meta), (tx.ident, sess), (tx.output, out_data)):
        if not chain:
            continue
        term, v = _apply(chain, data, rng)
        if term[0] == "header" and len(term) > 1:
            headers.append((term[1], _clean(v)))
        elif term[0] == "parameter" and len(term) > 1:
            params.append((term[1], _clean(v)))
        elif term[0] == "uri-append":
            uri += _clean(v)
        else:
            body = v
    if params:
        uri += ("&" if "?" in uri else "?") + "&".join(f"{k}={v}" for k, v in params)
    uri = uri.replace(" ", "%20")
    names = {k.lower() for k, _ in headers}
    ua = profile.useragent if (profile.useragent and rng.random() < 0.85) else rng.choice(ua_pool)
    host = _c2_host(rng, domains)
    if "host" in names and rng.random() < 0.3:
        headers = [(k, v) for k, v in headers if k.lower() != "host"]
        names.discard("host")
    lines = [f"{tx.verb} {uri} HTTP/1.1"]
    lines += [f"{k}: {v}" for k, v in headers]
    if "user-agent" not in names:
        lines.append(f"User-Agent: {ua}")
    if "host" not in names:
        lines.append(f"Host: {host}")
    if tx.verb == "POST" and "content-length" not in names:
        lines.append(f"Content-Length: {len(body)}")
    if "connection" not in names and rng.random() < 0.9:
        lines.append("Connection: Keep-Alive")
    if "cache-control" not in names and rng.random() < 0.85:
        lines.append("Cache-Control: no-cache")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


# The seed's four Unit 42 headers (Emotet x2, Sality x2) and their variants are test
# cases only: any generated block that resembles them is dropped.
_SEED_MARKERS = (b"sobaka", b"nobata", b"padrup", b"r1s4dvgwanu1ov8qku", b"kl4or/ok48hg",
                 b"90.160.138.175", b"184.66.18.83", b"12db3cf", b"24c1882")


def _seed_like(block: bytes) -> bool:
    low = block.lower()
    return any(m in low for m in _SEED_MARKERS)


def load_profiles(data_dir) -> list:
    return [p for p in (load_profile(path) for path in profile_paths(data_dir)) if p.transactions]


def malicious_samples(data_dir, seed: int, per_profile: int = 400, families=None) -> list:
    rng = random.Random(seed)
    domains = alexa_domains(data_dir)
    out = []
    for prof in load_profiles(data_dir):
        if families is not None and prof.family not in families:
            continue
        for _ in range(per_profile):
            tx = rng.choice(prof.transactions)
            b = render(prof, tx, rng, domains, _CS_DEFAULT_UAS)
            if not _seed_like(b):
                out.append(Sample(b, 1, prof.family, "malleable:" + prof.name))
    return out


# ------------------------------------------------------------------ benign
def _chrome_ver(rng):
    return f"{rng.randint(100, 131)}.0.{rng.randint(4000, 6800)}.{rng.randint(0, 250)}"


def _ua_pool(rng, bro_uas):
    """A user agent and the client family it belongs to."""
    r = rng.random()
    cv = _chrome_ver(rng)
    major = cv.split(".")[0]
    win = rng.choice(["Windows NT 10.0; Win64; x64", "Windows NT 6.1; Win64; x64", "Windows NT 10.0; WOW64"])
    mac = f"Macintosh; Intel Mac OS X 10_15_{rng.randint(1, 7)}"
    lin = rng.choice(["X11; Linux x86_64", "X11; Ubuntu; Linux x86_64"])
    if r < 0.38:
        plat = rng.choice([win, win, mac, lin])
        return "chrome", f"Mozilla/5.0 ({plat}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv} Safari/537.36"
    if r < 0.55:
        return "edge", (f"Mozilla/5.0 ({win}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv} "
                        f"Safari/537.36 Edg/{major}.0.{rng.randint(1000, 2500)}.{rng.randint(0, 99)}")
    if r < 0.72:
        fv = rng.randint(100, 133)
        plat = rng.choice([win, mac.replace("_", "."), lin])
        return "firefox", f"Mozilla/5.0 ({plat}; rv:{fv}.0) Gecko/20100101 Firefox/{fv}.0"
    if r < 0.80:
        sv = rng.choice(["16.6", "17.1", "17.4", "15.6.1", "18.0"])
        if rng.random() < 0.5:
            return "safari", (f"Mozilla/5.0 (iPhone; CPU iPhone OS {sv.replace('.', '_')} like Mac OS X) "
                              f"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{sv} Mobile/15E148 Safari/604.1")
        return "safari", f"Mozilla/5.0 ({mac}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{sv} Safari/605.1.15"
    if r < 0.86:
        av = rng.randint(9, 14)
        return "chrome", (f"Mozilla/5.0 (Linux; Android {av}; SM-G{rng.randint(900, 999)}{rng.choice('BFUW')}) "
                          f"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv} Mobile Safari/537.36")
    if r < 0.92 or not bro_uas:
        return "ie", rng.choice([
            "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
            "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
            "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727)",
            "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0)"])
    return "ie", rng.choice(bro_uas)


_WORDS = ("news world sport article story video watch search product item category blog post "
          "about contact help support account login signin cart checkout images static assets css js "
          "fonts media uploads wp-content themes plugins api v1 v2 v3 users orders feed rss sitemap "
          "docs download files library player embed comments tags archive 2023 2024 index home").split()


def _slug(rng):
    return "-".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 6)))


def _hexs(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _b62(rng, n):
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def _benign_path(rng):
    r = rng.random()
    if r < 0.15:
        return "/"
    if r < 0.35:
        return "/" + "/".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3))) + "/" + _slug(rng) + \
            rng.choice(["", ".html", "/", f"-{rng.randint(1000, 99999999)}"])
    if r < 0.55:
        ext = rng.choice(["js", "css", "png", "jpg", "gif", "svg", "woff2", "webp", "ico", "json"])
        name = rng.choice(_WORDS) + rng.choice(["", "." + _hexs(rng, 8), "-" + _hexs(rng, 20), ".min", "_" + _b62(rng, 10)])
        return "/" + "/".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 3))) + ("/" if rng.random() < 0.9 else "") + f"{name}.{ext}"
    if r < 0.75:
        q = "&".join(f"{rng.choice(['q', 'id', 'page', 'lang', 'v', 'ref', 'utm_source', 'sort', 'cb', 't', 'sid', 'token'])}="
                     f"{rng.choice([_slug(rng), str(rng.randint(0, 10 ** rng.randint(1, 12))), _hexs(rng, rng.choice([8, 16, 32])), _b62(rng, rng.randint(6, 40)), 'en-US', 'true'])}"
                     for _ in range(rng.randint(1, 5)))
        return "/" + "/".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 3))) + rng.choice(["", ".php", ".aspx", "/"]) + "?" + q
    if r < 0.88:
        return f"/api/v{rng.randint(1, 3)}/" + "/".join(rng.choice([rng.choice(_WORDS), str(rng.randint(1, 10 ** 7)), _hexs(rng, 24), _b62(rng, 22)]) for _ in range(rng.randint(1, 4)))
    return "/" + _b62(rng, rng.randint(4, 12)) + "/" + _hexs(rng, rng.choice([16, 32, 40])) + rng.choice(["", ".js", ".png", "/"])


def _cookie(rng):
    if rng.random() < 0.5:
        return None
    parts = []
    for _ in range(rng.randint(1, 6)):
        k = rng.choice(["_ga", "_gid", "sessionid", "PHPSESSID", "JSESSIONID", "NID", "csrftoken", "lang", "consent", "_fbp", "uid", "SID", "__cf_bm"])
        v = rng.choice([f"GA1.2.{rng.randint(10 ** 8, 10 ** 10)}.{rng.randint(10 ** 9, 2 * 10 ** 9)}", _hexs(rng, 32), _b62(rng, rng.randint(10, 60)), "en", "yes", str(rng.randint(1, 10 ** 6))])
        parts.append(f"{k}={v}")
    return "; ".join(parts)


def _browser_block(rng, fam, ua, host, path, method):
    accept_doc = {
        "chrome": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
        "edge": "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.9",
        "firefox": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "safari": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "ie": "text/html, application/xhtml+xml, image/jxr, */*",
    }[fam]
    kind = rng.choice(["doc", "doc", "img", "script", "xhr"])
    if kind == "img":
        accept = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8" if fam != "ie" else "image/png, image/svg+xml, image/*;q=0.8, */*;q=0.5"
    elif kind == "script":
        accept = "*/*"
    elif kind == "xhr":
        accept = rng.choice(["application/json, text/plain, */*", "*/*", "application/json"])
    else:
        accept = accept_doc
    lang = rng.choice(["en-US,en;q=0.9", "en-GB,en;q=0.9", "ja,en-US;q=0.9,en;q=0.8", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9", "en-US,en;q=0.5", "en-US"])
    ref = f"http://{rng.choice([host, host, 'www.google.com'])}/{rng.choice(['', _slug(rng)])}" if (kind != "doc" or rng.random() < 0.5) else None
    cookie = _cookie(rng)
    h = []
    if fam in ("chrome", "edge"):
        major = re.search(r"Chrome/(\d+)", ua)
        major = major.group(1) if major else "120"
        h.append(("Host", host))
        h.append(("Connection", "keep-alive"))
        if method == "POST":
            h.append(("Content-Length", str(rng.randint(10, 5000))))
        if rng.random() < 0.6 and kind != "doc":
            h.append(("sec-ch-ua", f'"Chromium";v="{major}", "Not_A Brand";v="24", "Google Chrome";v="{major}"'))
            h.append(("sec-ch-ua-mobile", "?0"))
            h.append(("sec-ch-ua-platform", rng.choice(['"Windows"', '"macOS"', '"Linux"'])))
        if kind == "doc":
            h.append(("Upgrade-Insecure-Requests", "1"))
        if method == "POST":
            h.append(("Origin", f"http://{host}"))
            h.append(("Content-Type", rng.choice(["application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=----WebKitFormBoundary" + _b62(rng, 16)])))
        h.append(("User-Agent", ua))
        h.append(("Accept", accept))
        if ref:
            h.append(("Referer", ref))
        h.append(("Accept-Encoding", "gzip, deflate"))
        h.append(("Accept-Language", lang))
        if cookie:
            h.append(("Cookie", cookie))
    elif fam == "firefox":
        h += [("Host", host), ("User-Agent", ua), ("Accept", accept), ("Accept-Language", lang), ("Accept-Encoding", "gzip, deflate")]
        if method == "POST":
            h += [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", str(rng.randint(10, 5000))), ("Origin", f"http://{host}")]
        h.append(("Connection", "keep-alive"))
        if ref:
            h.append(("Referer", ref))
        if cookie:
            h.append(("Cookie", cookie))
        if kind == "doc":
            h.append(("Upgrade-Insecure-Requests", "1"))
        if rng.random() < 0.3:
            h.append(("Priority", "u=0, i" if kind == "doc" else "u=4"))
    elif fam == "safari":
        h += [("Host", host), ("Accept", accept), ("Accept-Language", lang.split(",")[0]), ("Connection", "keep-alive"),
              ("Accept-Encoding", "gzip, deflate"), ("User-Agent", ua)]
        if ref:
            h.append(("Referer", ref))
        if cookie:
            h.append(("Cookie", cookie))
    else:  # IE / old Windows clients: the order WinINet uses
        h.append(("Accept", accept))
        if ref:
            h.append(("Referer", ref))
        h.append(("Accept-Language", lang.split(",")[0]))
        h.append(("User-Agent", ua))
        if method == "POST":
            h.append(("Content-Type", "application/x-www-form-urlencoded"))
        h.append(("Accept-Encoding", "gzip, deflate"))
        h.append(("Host", host))
        if method == "POST":
            h.append(("Content-Length", str(rng.randint(10, 5000))))
        h.append(("Connection", "Keep-Alive"))
        if rng.random() < 0.3:
            h.append(("DNT", "1"))
        if cookie:
            h.append(("Cookie", cookie))
    return h


def _client_block(rng, host, domains):
    """API clients, updaters and certificate checks: (headers, method, path)."""
    r = rng.random()
    path = _benign_path(rng)
    if r < 0.12:
        return [("Host", host), ("User-Agent", f"curl/{rng.choice(['7.68.0', '7.81.0', '7.88.1', '8.5.0', '8.7.1'])}"), ("Accept", "*/*")], "GET", path
    if r < 0.22:
        return [("Host", host), ("User-Agent", f"python-requests/2.{rng.randint(20, 32)}.{rng.randint(0, 3)}"),
                ("Accept-Encoding", "gzip, deflate"), ("Accept", "*/*"), ("Connection", "keep-alive")], rng.choice(["GET", "POST"]), path
    if r < 0.30:
        h = [("Host", host), ("User-Agent", "Go-http-client/1.1")]
        m = rng.choice(["GET", "POST"])
        if m == "POST":
            h += [("Content-Length", str(rng.randint(2, 900))), ("Content-Type", "application/json")]
        return h + [("Accept-Encoding", "gzip")], m, path
    if r < 0.37:
        return [("Host", host), ("Connection", "Keep-Alive"), ("Accept-Encoding", "gzip"),
                ("User-Agent", f"okhttp/{rng.choice(['3.12.1', '4.9.0', '4.12.0'])}")], "GET", path
    if r < 0.43:
        return [("Accept", "application/json, text/plain, */*"), ("User-Agent", f"axios/{rng.choice(['0.27.2', '1.6.2', '1.7.4'])}"),
                ("Accept-Encoding", "gzip, compress, deflate, br"), ("Host", host), ("Connection", "close")], "GET", path
    if r < 0.48:
        return [("User-Agent", f"Wget/{rng.choice(['1.20.3', '1.21.2', '1.21.4'])}"), ("Accept", "*/*"), ("Accept-Encoding", "identity"),
                ("Host", host), ("Connection", "Keep-Alive")], "GET", path
    if r < 0.52:
        return [("User-Agent", f"Java/{rng.choice(['1.8.0_281', '11.0.12', '17.0.2'])}"), ("Host", host),
                ("Accept", "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"), ("Connection", "keep-alive")], "GET", path
    if r < 0.60:
        ms = rng.choice(["ctldl.windowsupdate.com", "download.windowsupdate.com", "au.download.windowsupdate.com", "fe2.update.microsoft.com"])
        p = rng.choice([f"/msdownload/update/v3/static/trustedr/en/authrootstl.cab?{_hexs(rng, 16)}",
                        f"/c/msdownload/update/software/secu/{rng.randint(2016, 2024)}/{rng.randint(1, 12):02d}/windows10.0-kb{rng.randint(4000000, 5099999)}-x64_{_hexs(rng, 40)}.cab",
                        f"/d/msdownload/update/others/{rng.randint(2016, 2024)}/{rng.randint(1, 12):02d}/{rng.randint(10 ** 7, 10 ** 8)}_{_hexs(rng, 40)}.cab"])
        h = [("Connection", "Keep-Alive"), ("Accept", "*/*")]
        if rng.random() < 0.5:
            h += [("If-Modified-Since", "Tue, 14 May 2024 21:02:11 GMT"), ("If-None-Match", f'"{_hexs(rng, 16)}:0"')]
        h += [("User-Agent", rng.choice(["Microsoft-CryptoAPI/10.0", "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50", "Microsoft BITS/7.8"])),
              ("Host", ms)]
        return h, "GET", p
    if r < 0.68:
        ca = rng.choice(["ocsp.digicert.com", "ocsp.pki.goog", "r3.o.lencr.org", "ocsp.sectigo.com", "ocsp.globalsign.com", "ocsp.msocsp.com"])
        if rng.random() < 0.5:
            return [("Host", ca), ("User-Agent", rng.choice(["Microsoft-CryptoAPI/10.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"])),
                    ("Accept", "*/*"), ("Content-Type", "application/ocsp-request"), ("Content-Length", str(rng.choice([83, 84, 85]))), ("Connection", "keep-alive")], "POST", "/"
        b64 = base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.choice([75, 83]))) ).decode()
        return [("Cache-Control", "max-age = 2592000"), ("Connection", "Keep-Alive"), ("Accept", "*/*"),
                ("User-Agent", "Microsoft-CryptoAPI/10.0"), ("Host", ca)], "GET", "/" + b64.replace("/", "%2F")
    if r < 0.74:
        return [("Cache-Control", "no-cache"), ("Connection", "Keep-Alive"), ("Pragma", "no-cache"), ("Accept", "*/*"),
                ("User-Agent", "Microsoft-Delivery-Optimization/10.0"), ("MS-CV", _b62(rng, 22) + ".0"),
                ("Content-Length", "0"), ("Host", rng.choice(["tlu.dl.delivery.mp.microsoft.com", "dl.delivery.mp.microsoft.com"]))], "GET", \
            f"/filestreamingservice/files/{_hexs(rng, 8)}-{_hexs(rng, 4)}-{_hexs(rng, 4)}-{_hexs(rng, 4)}-{_hexs(rng, 12)}?P1={rng.randint(10 ** 9, 2 * 10 ** 9)}&P2=404&P3=2&P4={_b62(rng, 40)}%3d%3d"
    if r < 0.80:
        mirror = rng.choice(["deb.debian.org", "archive.ubuntu.com", "security.ubuntu.com", "ftp.us.debian.org"])
        pkg = rng.choice(["libssl3", "curl", "openssl", "python3.11", "linux-image-amd64", "tzdata", "vim"])
        return [("Host", mirror), ("User-Agent", f"Debian APT-HTTP/1.3 ({rng.choice(['2.6.1', '2.4.11', '2.2.4'])})")], "GET", \
            rng.choice([f"/debian/pool/main/{pkg[0]}/{pkg}/{pkg}_{rng.randint(1, 9)}.{rng.randint(0, 20)}-{rng.randint(1, 9)}_amd64.deb",
                        "/debian/dists/bookworm/InRelease", f"/ubuntu/dists/jammy-updates/main/binary-amd64/by-hash/SHA256/{_hexs(rng, 64)}"])
    if r < 0.86:
        return [("User-Agent", f"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.{rng.randint(17000, 22621)}.{rng.randint(1, 3000)}"),
                ("Host", host), ("Connection", "Keep-Alive")], "GET", path
    if r < 0.92:
        return [("Host", host), ("User-Agent", rng.choice(["Microsoft-WNS/10.0", "Dropbox-Client/190.4.6383", "Spotify/1.2.31 Win32_x86_64/0 (PC desktop)", "Steam/1.0", "Zoom/5.17.1 (Windows)"])),
                ("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate"), ("Connection", "keep-alive")], rng.choice(["GET", "POST"]), path
    return [("Host", host), ("Accept", "*/*"), ("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
            ("Content-Type", "application/json"), ("Content-Length", str(rng.randint(20, 3000))), ("X-Requested-With", "XMLHttpRequest"),
            ("Authorization", "Bearer " + _b62(rng, 36) + "." + _b62(rng, 60))], "POST", f"/api/v{rng.randint(1, 3)}/{rng.choice(_WORDS)}"


def _bro_block(rng, fields, domains):
    host = rng.choice(domains)
    h = []
    for k, v in fields:
        if k == "Host":
            v = host if rng.random() < 0.5 else v
        if v == "-":
            v = _cookie(rng) or f"id={_hexs(rng, 16)}"
        h.append((k, v))
    method = "POST" if any(k == "Content-Length" for k, _ in h) else "GET"
    return h, method, _benign_path(rng)


def benign_samples(data_dir, seed: int, n: int = 20000) -> list:
    rng = random.Random(seed)
    domains = alexa_domains(data_dir)
    bro = http_data.bro_header_lists(data_dir)
    bro_uas = sorted({v for f in bro for k, v in f if k == "User-Agent" and v != "-"})
    out = []
    while len(out) < n:
        host = rng.choice(domains)
        if rng.random() < 0.5:
            host = "www." + host
        r = rng.random()
        if r < 0.55:
            fam, ua = _ua_pool(rng, bro_uas)
            method = "POST" if rng.random() < 0.08 else "GET"
            headers = _browser_block(rng, fam, ua, host, _benign_path(rng), method)
            path, src = _benign_path(rng), "gen:browser:" + fam
        elif r < 0.85:
            headers, method, path = _client_block(rng, host, domains)
            src = "gen:client"
        elif bro:
            headers, method, path = _bro_block(rng, rng.choice(bro), domains)
            src = "gen:bro"
        else:
            continue
        block = (f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode("latin-1", "replace")
        if not _seed_like(block):
            out.append(Sample(block, 0, "benign", src))
    return out
