"""Evaluation of the HTTP C2 model for its model card: TPR at fixed FPRs (with the
number of benign samples each rests on), per held-out family and per real capture,
ROC/PR plots, and the Unit 42 Tables 1-3 variants of the seed's four headers."""
from __future__ import annotations

import collections
import json
import pathlib

import numpy as np

# The four C2 headers of the Unit 42 study (seed 000), defanging removed.
SEED_HEADERS = {
    "emotet1": ("POST /r1s4dvgwanu1ov8qku/e6qj08nos8kh/o7rhpr2xi05tkkp/ HTTP/1.1",
                [("DNT", "0"),
                 ("Referer", "90.160.138.175/r1s4dvgwanu1ov8qku/e6qj08nos8kh/o7rhpr2xi05tkkp/"),
                 ("Content-Type", "multipart/form-data; boundary=----------------------1BetPUScZnIzXogZ6qQcQ8"),
                 ("User-Agent", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/4.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0; .NET CLR 1.1.4322; .NET4.0C; .NET4.0E; InfoPath.3)"),
                 ("Host", "90.160.138.175"), ("Content-Length", "5556"), ("Connection", "Keep-Alive"),
                 ("Cache-Control", "no-cache")]),
    "emotet2": ("POST /kl4or/ok48hg/a5msy52s4i4uuac7dm/pzudacb2/a51azs1nbhzmu5m/p0f6wimb1tcqvn0/ HTTP/1.1",
                [("DNT", "0"),
                 ("Referer", "184.66.18.83/kl4or/ok48hg/a5msy52s4i4uuac7dm/pzudacb2/a51azs1nbhzmu5m/p0f6wimb1tcqvn0/"),
                 ("Content-Type", "multipart/form-data; boundary=---------O8dHD39IM"),
                 ("User-Agent", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/4.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0; .NET CLR 1.1.4322; .NET4.0C; .NET4.0E; InfoPath.3)"),
                 ("Host", "184.66.18.83"), ("Content-Length", "6916"), ("Connection", "Keep-Alive"),
                 ("Cache-Control", "no-cache")]),
    "sality1": ("GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1",
                [("User-Agent", "Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)"), ("Host", "padrup.com"),
                 ("Cache-Control", "no-cache"), ("Cookie", "jsessionid=85b50d8fab658ecb9f79aa4de6039c87")]),
    "sality2": ("GET /sobaka.aspx?24c1882=115624326 HTTP/1.1",
                [("User-Agent", "Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)"), ("Host", "padrup.com"),
                 ("Cache-Control", "no-cache"), ("Cookie", "jsessionid=a2b0f43b9876d289325c3f13a7f8f95b")]),
}

# Table 2's changed values (the study gives the Sality URI; the others are ours, of the same kind).
CHANGED = {
    "emotet1": dict(uri="/q8zk2mw0rtb7/x3p1nv9c/l0d5yh6e2af/", host="41.77.134.9",
                    ua="Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0)",
                    referer="41.77.134.9/q8zk2mw0rtb7/x3p1nv9c/l0d5yh6e2af/"),
    "emotet2": dict(uri="/b7tq1/mm20ze/h6xpl0d4k2w/", host="103.12.201.77",
                    ua="Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
                    referer="103.12.201.77/b7tq1/mm20ze/h6xpl0d4k2w/"),
    "sality1": dict(uri="/nobata2.gif?52ad3pf=77952613", host="kuzlomet.com",
                    ua="Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)"),
    "sality2": dict(uri="/nobata.aspx?37fa092=904411287", host="tresmal.net",
                    ua="Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)"),
}


def _render(req, fields):
    return ("\r\n".join([req] + [f"{k}: {v}" for k, v in fields]) + "\r\n\r\n").encode()


def table_variants():
    """{(header, table, column): block}. Columns follow Unit 42's Tables 1-3."""
    out = {}
    for name, (req, fields) in SEED_HEADERS.items():
        method, uri, ver = req.split(" ")
        out[(name, "whole", "whole")] = _render(req, fields)
        # Table 1: one context field removed at a time (uri-path: the target becomes "/")
        out[(name, "removed", "uri-path")] = _render(f"{method} / {ver}", fields)
        for col, fname in (("host", "Host"), ("user-agent", "User-Agent"), ("referer", "Referer")):
            if any(k == fname for k, _ in fields):
                out[(name, "removed", col)] = _render(req, [(k, v) for k, v in fields if k != fname])
        # Table 2: one value changed at a time
        ch = CHANGED[name]
        out[(name, "changed", "uri-path")] = _render(f"{method} {ch['uri']} {ver}", fields)
        for col, fname, key in (("host", "Host", "host"), ("user-agent", "User-Agent", "ua"),
                                ("referer", "Referer", "referer")):
            if key in ch and any(k == fname for k, _ in fields):
                out[(name, "changed", col)] = _render(req, [(k, ch[key] if k == fname else v) for k, v in fields])
        # Table 3: H, R (Emotet) / C (Sality), UA in the study's three orders; the
        # other fields keep their places after them.
        rc = "Referer" if name.startswith("emotet") else "Cache-Control"
        for col, order in (("UP|H|R/C|UA", ["Host", rc, "User-Agent"]),
                           ("UP|H|UA|R/C", ["Host", "User-Agent", rc]),
                           ("UP|UA|H|R/C", ["User-Agent", "Host", rc])):
            d = dict(fields)
            moved = [(k, d[k]) for k in order]
            rest = [(k, v) for k, v in fields if k not in order]
            out[(name, "reordered", col)] = _render(req, moved + rest)
    return out


def tpr_at(scores_pos, scores_neg, fpr):
    """(TPR, threshold, allowed FPs) at FPR <= fpr on these negatives."""
    s = np.sort(np.asarray(scores_neg))[::-1]
    k = int(np.floor(fpr * len(s)))
    thr = float(np.nextafter(s[k], np.inf)) if k < len(s) else float(s[-1])
    return float(np.mean(np.asarray(scores_pos) >= thr)), thr, k


def evaluate(blob, D, threshold, card_dir: pathlib.Path, score_fn, tok_fn):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    card_dir.mkdir(parents=True, exist_ok=True)

    def sc(samples):
        return score_fn(blob, tok_fn([s.block for s in samples])) if samples else np.zeros(0)

    ben = sc(D["ben_test"])
    mal_in = sc(D["mal_test_in"])
    mal_out = sc(D["mal_test_out"])
    real = D["real_test"]
    real_s = sc(real)
    real_lab = np.array([s.label for s in real])
    res = dict(threshold=threshold, n_benign_test=len(ben))
    rows = []
    neg = np.concatenate([ben, real_s[real_lab == 0]])
    res["n_benign_eval"] = int(len(neg))
    for fpr in (0.001, 0.00025, 0.0001):
        row = dict(fpr=fpr, n_benign=int(len(neg)), allowed_fp=int(np.floor(fpr * len(neg))))
        for key, pos in (("heldout_families", mal_out), ("train_families", mal_in),
                         ("real_c2", real_s[real_lab == 1])):
            row[key] = tpr_at(pos, neg, fpr)[0]
        rows.append(row)
    res["tpr_at_fpr"] = rows
    # at the shipped threshold
    res["at_threshold"] = dict(
        fpr_generated_benign=float(np.mean(ben >= threshold)),
        fpr_real_benign=float(np.mean(real_s[real_lab == 0] >= threshold)) if (real_lab == 0).any() else None,
        n_real_benign=int((real_lab == 0).sum()),
        tpr_heldout_families=float(np.mean(mal_out >= threshold)),
        tpr_train_families=float(np.mean(mal_in >= threshold)),
        tpr_real_c2=float(np.mean(real_s[real_lab == 1] >= threshold)) if (real_lab == 1).any() else None)
    fam = collections.defaultdict(list)
    for s, v in zip(D["mal_test_out"], mal_out):
        fam[s.family].append(v)
    res["heldout_family_tpr"] = {f: dict(n=len(v), tpr=float(np.mean(np.array(v) >= threshold)),
                                         median=float(np.median(v))) for f, v in sorted(fam.items())}
    cap = collections.defaultdict(list)
    for s, v in zip(real, real_s):
        cap[(s.source.split("/")[-1], int(s.label))].append(v)
    res["real_captures"] = [dict(capture=c, label=l, n=len(v), flagged=int(np.sum(np.array(v) >= threshold)))
                            for (c, l), v in sorted(cap.items())]
    # Unit 42 tables
    var = table_variants()
    keys = list(var)
    vs = score_fn(blob, tok_fn([var[k] for k in keys]))
    res["unit42"] = [dict(header=k[0], table=k[1], column=k[2], score=float(v)) for k, v in zip(keys, vs)]
    # plots
    y = np.concatenate([np.zeros(len(neg)), np.ones(len(mal_out) + len(mal_in))])
    s = np.concatenate([neg, mal_out, mal_in])
    order = np.argsort(-s, kind="stable")
    ys = y[order]
    tp = np.cumsum(ys)
    fp = np.cumsum(1 - ys)
    tpr = tp / max(ys.sum(), 1)
    fprs = fp / max((1 - ys).sum(), 1)
    prec = tp / np.maximum(tp + fp, 1)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.semilogx(np.maximum(fprs, 1e-6), tpr)
    for f in (0.001, 0.00025, 0.0001):
        ax.axvline(f, ls=":", c="grey")
    ax.set_xlabel("false-positive rate (benign: generated test + real held-out)")
    ax.set_ylabel("true-positive rate (generated C2)")
    ax.set_title("HTTP C2 model: ROC (int8 engine)")
    fig.tight_layout()
    fig.savefig(card_dir / "http_roc.png", dpi=90)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(tpr, prec)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title("HTTP C2 model: precision-recall")
    fig.tight_layout()
    fig.savefig(card_dir / "http_pr.png", dpi=90)
    plt.close(fig)
    (card_dir / "http_results.json").write_text(json.dumps(res, indent=1))
    print(json.dumps({k: res[k] for k in ("threshold", "tpr_at_fpr", "at_threshold")}, indent=1))
    return res
