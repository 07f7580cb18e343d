"""Export a PyTorch text CNN to an int8 .c2dm model (docs/cnn_format.md) and run
the same integer arithmetic in numpy (the reference the C engine must equal).

Supported shape (`TextCNN` builds it; any module with the same attributes and
forward works): `embedding` (nn.Embedding, vocab <= 65536) -> `branches`
(nn.ModuleList of nn.Sequential, each Conv1d [+ ReLU] repeated, kernel 1..7,
stride 1, padding 'same' or 0) -> global max pool over time per branch ->
concatenation -> `head` (nn.Sequential of Linear [+ ReLU] ..., ending in a
Linear with no ReLU) -> logits (1 logit: sigmoid; several: softmax).

Quantisation (TFLite-style, docs/kernels.md): per-output-channel symmetric int8
weights in [-127, 127], int32 biases at scale s_in * s_w, int8 activations with
a zero point (calibrated min/max on `sample_inputs`), fixed-point
requantisation y = ((acc * mult + 2^(shift-1)) >> shift) + zp_out with
32 <= shift <= 62. Only the final logit scaling is float.
"""
from __future__ import annotations

import math
import struct

import numpy as np

from . import c2dm

SEC_CNN_HEADER = 32
SEC_CNN_EMBED = 33
SEC_CNN_LAYERS = 34
SEC_CNN_WEIGHTS = 35
SEC_CNN_PARAMS = 36

SHIFT_MIN, SHIFT_MAX = 32, 62
MAX_ABS_BIAS = 1 << 30


def TextCNN(vocab, seq_len, dim, branches, hidden=(), n_logits=1):
    """Build the reference architecture as a torch module.

    branches: list of branches, each a list of (out_channels, kernel, padding)
    with padding 'same' or 'valid'; hidden: widths of the ReLU dense layers
    before the final Linear(…, n_logits).
    """
    import torch
    from torch import nn

    class _TextCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.seq_len = seq_len
            self.embedding = nn.Embedding(vocab, dim)
            self.branches = nn.ModuleList()
            width = 0
            for spec in branches:
                layers, cin = [], dim
                for cout, k, pad in spec:
                    layers += [nn.Conv1d(cin, cout, k, padding=0 if pad == "valid" else pad),
                               nn.ReLU()]
                    cin = cout
                self.branches.append(nn.Sequential(*layers))
                width += cin
            head, cin = [], width
            for h in hidden:
                head += [nn.Linear(cin, h), nn.ReLU()]
                cin = h
            head.append(nn.Linear(cin, n_logits))
            self.head = nn.Sequential(*head)

        def forward(self, tokens):
            x = self.embedding(tokens).transpose(1, 2)
            pooled = [b(x).amax(dim=2) for b in self.branches]
            return self.head(torch.cat(pooled, 1))

    return _TextCNN()


# ----------------------------------------------------------------- structure
def _structure(model):
    """[(conv, relu, branch)], [(linear, relu)] from the module, or ValueError."""
    from torch import nn

    if not isinstance(getattr(model, "embedding", None), nn.Embedding):
        raise ValueError("model needs an nn.Embedding `embedding`")
    convs = []
    for bi, branch in enumerate(model.branches):
        mods = list(branch)
        i = 0
        if not mods:
            raise ValueError(f"branch {bi} is empty")
        while i < len(mods):
            c = mods[i]
            if not isinstance(c, nn.Conv1d):
                raise ValueError(f"branch {bi}: expected Conv1d, got {type(c).__name__}")
            relu = i + 1 < len(mods) and isinstance(mods[i + 1], nn.ReLU)
            convs.append((c, relu, bi))
            i += 2 if relu else 1
    dense = []
    mods = list(model.head)
    i = 0
    while i < len(mods):
        lin = mods[i]
        if not isinstance(lin, nn.Linear):
            raise ValueError(f"head: expected Linear, got {type(lin).__name__}")
        relu = i + 1 < len(mods) and isinstance(mods[i + 1], nn.ReLU)
        dense.append((lin, relu))
        i += 2 if relu else 1
    if dense[-1][1]:
        raise ValueError("the last Linear must give raw logits (no ReLU)")
    return convs, dense


def _conv_padding(conv):
    k = conv.kernel_size[0]
    if conv.stride[0] != 1 or conv.dilation[0] != 1 or conv.groups != 1:
        raise ValueError("Conv1d must have stride 1, dilation 1, groups 1")
    if not 1 <= k <= 7:
        raise ValueError("Conv1d kernel size must be 1..7")
    if conv.padding_mode != "zeros":
        raise ValueError("Conv1d padding_mode must be 'zeros'")
    p = conv.padding
    if p == "same" or (isinstance(p, tuple) and k % 2 == 1 and p[0] == (k - 1) // 2 and k > 1):
        return 1
    if p == "valid" or (isinstance(p, tuple) and p[0] == 0):
        return 1 if k == 1 else 0
    raise ValueError(f"Conv1d padding {p!r}: only 'same' or 0 are supported")


def _float_forward(model, tokens, convs, dense, batch=256):
    """Float forward of the supported shape in batches: (logits, {layer: (min, max)})
    of every layer's output over all of `tokens`."""
    import torch

    ranges = {}
    outs = []

    def note(i, t):
        lo, hi = float(t.min()), float(t.max())
        if i in ranges:
            lo, hi = min(lo, ranges[i][0]), max(hi, ranges[i][1])
        ranges[i] = (lo, hi)

    with torch.no_grad():
        for b0 in range(0, tokens.shape[0], batch):
            x0 = model.embedding(tokens[b0:b0 + batch]).transpose(1, 2)
            pooled, x, last_branch = [], None, -1
            for li, (c, relu, br) in enumerate(convs):
                if br != last_branch:
                    if x is not None:
                        pooled.append(x.amax(dim=2))
                    x, last_branch = x0, br
                x = c(x)
                if relu:
                    x = torch.relu(x)
                note(li, x)
            pooled.append(x.amax(dim=2))
            v = torch.cat(pooled, 1)
            for di, (lin, relu) in enumerate(dense):
                v = lin(v)
                if relu:
                    v = torch.relu(v)
                note(len(convs) + di, v)
            outs.append(v)
    return torch.cat(outs, 0), ranges


# -------------------------------------------------------------- quantisation
def _act_qparams(lo, hi):
    """Asymmetric int8 (scale, zero point) covering [lo, hi] and 0."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo < 1e-12:
        hi = lo + 1e-6
    scale = (hi - lo) / 255.0
    zp = int(round(-128 - lo / scale))
    return scale, max(-128, min(127, zp))


def _quant_weights(w):
    """Per-output-channel symmetric int8: (q int8 [out, ...], scale float64 [out])."""
    w = np.asarray(w, dtype=np.float64)
    flat = w.reshape(w.shape[0], -1)
    amax = np.abs(flat).max(axis=1)
    scale = np.where(amax > 0, amax / 127.0, 1.0)
    q = np.clip(np.round(flat / scale[:, None]), -127, 127).astype(np.int8)
    return q.reshape(w.shape), scale


def quantize_multiplier(real):
    """(mult, shift) with mult / 2^shift ~= real, 0 <= mult < 2^31, 32 <= shift <= 62."""
    if real <= 0:
        return 0, SHIFT_MIN
    if real >= 0.5:
        raise ValueError("requantisation multiplier must be < 0.5")
    e = math.floor(math.log2(real))
    shift = 30 - e
    if shift > SHIFT_MAX:
        return int(round(real * 2.0 ** SHIFT_MAX)), SHIFT_MAX
    mult = int(round(real * 2.0 ** shift))
    if mult >= 1 << 31:
        mult //= 2
        shift -= 1
    return mult, shift


def from_torch(model, sample_inputs, path=None, schema="test-v1", meta=None):
    """Quantise `model`, calibrating on `sample_inputs` (int tensor/array [N, T]),
    and write the .c2dm to `path` (if given).

    Returns a dict: 'bytes' (the container), 'max_abs_logit_diff' and
    'max_abs_proba_diff' (int8 engine vs float model on the first 1000
    sample_inputs), and 'n_params'. Calibration (activation min/max) uses all of
    sample_inputs, run in batches of 256. `meta` adds metadata entries ('schema' is always `schema`).
    """
    import torch

    model = model.eval()
    tokens = torch.as_tensor(np.asarray(sample_inputs), dtype=torch.long)
    if tokens.dim() != 2:
        raise ValueError("sample_inputs must be [N, seq_len]")
    seq_len = tokens.shape[1]
    convs, dense = _structure(model)
    for c, _relu, _b in convs:
        _conv_padding(c)
    emb = model.embedding.weight.detach().double().numpy()
    vocab, dim = emb.shape
    if vocab > 65536:
        raise ValueError("vocabulary over 65536")
    ref, ranges = _float_forward(model, tokens, convs, dense)
    with torch.no_grad():
        direct = model(tokens[:64])
    if direct.shape != ref[:64].shape or not torch.allclose(direct, ref[:64], rtol=1e-4, atol=1e-4):
        raise ValueError("model forward does not match the supported shape")
    n_logits = ref.shape[1]

    # embedding: one asymmetric scale for the table
    e_scale, e_zp = _act_qparams(emb.min(), emb.max())
    emb_q = np.clip(np.round(emb / e_scale) + e_zp, -128, 127).astype(np.int8)

    layers = []  # dicts with everything needed to write and to run
    n_conv = len(convs)
    wq_all = []
    for li, (c, relu, b) in enumerate(convs):
        wq, sw = _quant_weights(c.weight.detach().double().numpy().transpose(0, 2, 1))
        lo, hi = ranges[li]
        layers.append(dict(dense=False, relu=relu, branch=b, k=c.kernel_size[0],
                           pad=_conv_padding(c), cin=c.in_channels, cout=c.out_channels,
                           w=wq, sw=sw, b=c.bias.detach().double().numpy() if c.bias is not None
                           else np.zeros(c.out_channels), lo=lo, hi=hi))
        wq_all.append(wq)
    for di, (lin, relu) in enumerate(dense):
        wq, sw = _quant_weights(lin.weight.detach().double().numpy())
        lo, hi = ranges[n_conv + di]
        layers.append(dict(dense=True, relu=relu, branch=0, k=1, pad=0, cin=lin.in_features,
                           cout=lin.out_features, w=wq, sw=sw,
                           b=lin.bias.detach().double().numpy() if lin.bias is not None
                           else np.zeros(lin.out_features), lo=lo, hi=hi))

    # scales: activations follow their producer; the last conv of every branch
    # shares one (scale, zero point) because the pooled outputs are concatenated
    def last_in_branch(i):
        return i + 1 == n_conv or convs[i + 1][2] != convs[i][2]

    def out_qparams(L):
        s, z = _act_qparams(L["lo"], L["hi"])
        return max(s, float((L["s_in"] * L["sw"]).max()) * 2.0001), z  # multipliers < 0.5

    for i in range(n_conv):
        L = layers[i]
        if i == 0 or convs[i - 1][2] != convs[i][2]:
            L["s_in"], L["zp_in"] = e_scale, e_zp
        else:
            L["s_in"], L["zp_in"] = layers[i - 1]["s_out"], layers[i - 1]["zp_out"]
        if not last_in_branch(i):
            L["s_out"], L["zp_out"] = out_qparams(L)
    lasts = [i for i in range(n_conv) if last_in_branch(i)]
    cs, cz = _act_qparams(min(layers[i]["lo"] for i in lasts), max(layers[i]["hi"] for i in lasts))
    cs = max([cs] + [float((layers[i]["s_in"] * layers[i]["sw"]).max()) * 2.0001 for i in lasts])
    for i in lasts:
        layers[i]["s_out"], layers[i]["zp_out"] = cs, cz
    for i in range(n_conv, len(layers)):
        L = layers[i]
        L["s_in"], L["zp_in"] = layers[i - 1]["s_out"], layers[i - 1]["zp_out"]
        if i == len(layers) - 1:
            L["s_out"], L["zp_out"] = None, 0
        else:
            L["s_out"], L["zp_out"] = out_qparams(L)

    # integer parameters
    for i, L in enumerate(layers):
        acc_scale = L["s_in"] * L["sw"]
        L["bias_q"] = np.clip(np.round(L["b"] / acc_scale), -MAX_ABS_BIAS, MAX_ABS_BIAS).astype(np.int64)
        if i == len(layers) - 1:
            L["scale"] = acc_scale.astype(np.float32)
        else:
            ms = [quantize_multiplier(r) for r in acc_scale / L["s_out"]]
            L["mult"] = np.array([m for m, _ in ms], dtype=np.int64)
            L["shift"] = np.array([s for _, s in ms], dtype=np.int64)

    sections = _pack_sections(seq_len, vocab, dim, e_zp, emb_q, layers, n_conv,
                              convs[-1][2] + 1, n_logits)
    meta = dict(meta or {})
    meta["schema"] = schema
    sections[c2dm.SEC_META] = c2dm.encode_meta(meta)
    blob = c2dm.pack_container(c2dm.KIND_CNN, sections)
    if path is not None:
        with open(path, "wb") as f:
            f.write(blob)
    # the float-vs-int8 report uses (at most) the first 1000 sample inputs
    qlogits = reference_logits(blob, tokens.numpy()[:1000])
    flog = ref.double().numpy()[:1000]
    report = {
        "bytes": blob,
        "max_abs_logit_diff": float(np.abs(qlogits - flog).max()),
        "max_abs_proba_diff": float(np.abs(_proba(qlogits) - _proba(flog)).max()),
        "n_params": int(emb.size + sum(L["w"].size + L["cout"] for L in layers)),
    }
    return report


def _pack_sections(seq_len, vocab, dim, e_zp, emb_q, layers, n_conv, n_branches, n_logits):
    header = struct.pack("<IIIIIIIIi", 1, seq_len, vocab, dim, n_branches, n_conv,
                         len(layers) - n_conv, n_logits, e_zp).ljust(64, b"\0")
    descs, weights, params = [], bytearray(), bytearray()
    for i, L in enumerate(layers):
        w_off = len(weights)
        weights += L["w"].astype(np.int8).tobytes()  # [out][k][in] / [out][in]
        weights += b"\0" * ((-len(weights)) % 64)
        p_off = len(params)
        params += L["bias_q"].astype("<i4").tobytes()
        if i == len(layers) - 1:
            params += L["scale"].astype("<f4").tobytes()
        else:
            params += L["mult"].astype("<i4").tobytes() + L["shift"].astype("<i4").tobytes()
        descs.append(struct.pack("<BBBBBBBBIIiiII", 1 if not L["dense"] else 2, L["branch"],
                                 L["k"], L["pad"], 1 if L["relu"] else 0, 0, 0, 0, L["cin"],
                                 L["cout"], L["zp_in"], L["zp_out"], w_off, p_off))
    return {SEC_CNN_HEADER: header, SEC_CNN_EMBED: emb_q.tobytes(),
            SEC_CNN_LAYERS: b"".join(descs), SEC_CNN_WEIGHTS: bytes(weights) or b"\0",
            SEC_CNN_PARAMS: bytes(params)}


# ------------------------------------------------------- integer reference
def _proba(logits):
    logits = np.asarray(logits, dtype=np.float64)
    if logits.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
        return np.stack([1 - p, p], axis=1)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def load_model(blob):
    """Parse a CNN .c2dm (bytes) into plain numpy arrays (no validation beyond
    what indexing needs: the C loader is the validator)."""
    kind, sec, meta = c2dm.read_container(blob)
    if kind != c2dm.KIND_CNN:
        raise ValueError("not a CNN model")
    (_v, seq_len, vocab, dim, n_branches, n_conv, n_dense, n_logits, e_zp) = struct.unpack_from(
        "<IIIIIIIIi", sec[SEC_CNN_HEADER])
    emb = np.frombuffer(sec[SEC_CNN_EMBED], dtype=np.int8).reshape(vocab, dim)
    layers = []
    W, P = sec[SEC_CNN_WEIGHTS], sec[SEC_CNN_PARAMS]
    n = n_conv + n_dense
    for i in range(n):
        (t, br, k, pad, relu, _a, _b, _c, cin, cout, zp_in, zp_out, w_off,
         p_off) = struct.unpack_from("<BBBBBBBBIIiiII", sec[SEC_CNN_LAYERS], 32 * i)
        w = np.frombuffer(W, dtype=np.int8, count=cout * k * cin, offset=w_off).reshape(cout, k * cin)
        bias = np.frombuffer(P, dtype="<i4", count=cout, offset=p_off).astype(np.int64)
        L = dict(dense=t == 2, branch=br, k=k, pad=pad, relu=relu, cin=cin, cout=cout,
                 zp_in=zp_in, zp_out=zp_out, w=w.astype(np.int64), bias=bias)
        if i == n - 1:
            L["scale"] = np.frombuffer(P, dtype="<f4", count=cout, offset=p_off + 4 * cout)
        else:
            L["mult"] = np.frombuffer(P, dtype="<i4", count=cout, offset=p_off + 4 * cout).astype(np.int64)
            L["shift"] = np.frombuffer(P, dtype="<i4", count=cout, offset=p_off + 8 * cout).astype(np.int64)
        layers.append(L)
    return dict(seq_len=seq_len, vocab=vocab, dim=dim, n_conv=n_conv, n_logits=n_logits,
                e_zp=e_zp, emb=emb, layers=layers, meta=meta)


def _requant(acc, L):
    """int8 outputs of int64 accumulators [..., cout] (exact C semantics)."""
    v = (acc * L["mult"] + (np.int64(1) << (L["shift"] - 1))) >> L["shift"]
    lo = L["zp_out"] if L["relu"] else -128
    return np.clip(v + L["zp_out"], lo, 127)


def reference_logits(model, tokens):
    """Float32 logits [N, n_logits] of the int8 network, computed exactly as the
    C engine does (numpy int64; float only for the last scaling)."""
    m = model if isinstance(model, dict) else load_model(model)
    tokens = np.asarray(tokens, dtype=np.int64)
    out = np.zeros((tokens.shape[0], m["n_logits"]), dtype=np.float32)
    n_conv, layers = m["n_conv"], m["layers"]
    for q, tok in enumerate(tokens):
        e = m["emb"][tok].astype(np.int64)  # [T, D]
        pooled, x = [], None
        for i in range(n_conv):
            L = layers[i]
            if i == 0 or layers[i - 1]["branch"] != L["branch"]:
                x = e
            k = L["k"]
            xin = x - L["zp_in"]
            if L["pad"]:
                pl = (k - 1) // 2
                xin = np.concatenate([np.zeros((pl, L["cin"]), np.int64), xin,
                                      np.zeros((k - 1 - pl, L["cin"]), np.int64)])
            t_out = xin.shape[0] - k + 1
            win = np.lib.stride_tricks.sliding_window_view(xin, (k, L["cin"])).reshape(
                t_out, k * L["cin"])
            acc = win @ L["w"].T + L["bias"]
            x = _requant(acc, L)
            if i + 1 == n_conv or layers[i + 1]["branch"] != L["branch"]:
                pooled.append(x.max(axis=0))
        v = np.concatenate(pooled)
        for i in range(n_conv, len(layers)):
            L = layers[i]
            acc = L["w"] @ (v - L["zp_in"]) + L["bias"]
            if i == len(layers) - 1:
                out[q] = acc.astype(np.float32) * L["scale"]
            else:
                v = _requant(acc, L)
    return out
