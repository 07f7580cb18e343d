"""bench/cnn driver: the issue's reference architecture (seq 256, vocab 256,
embedding 32, Conv1d 32->64 k5, ReLU, Conv1d 64->64 k3, ReLU, global max pool,
Linear 64->1; 'valid' padding: 5.65 M MAC/sequence), exported with
c2detect.torch_export, timed in C per ISA (bench_cnn) and, in the same run,
PyTorch 1.13 fp32 and static int8 (every available quantized engine) and ONNX
Runtime int8 (static quantization of the same net exported to ONNX, QOperator
and QDQ; ort_bench.py, run with the Python given by --ort-python), single
thread, batch 1 and 256. Prints `name value unit` lines and ratios.

    cmake -S . -B build-bench -DC2D_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release
    cmake --build build-bench -j2 --target bench_cnn
    python3 -m venv /tmp/ortvenv && /tmp/ortvenv/bin/pip install onnxruntime onnx
    PYTHONPATH=bindings/python /usr/bin/python3 bench/cnn/run.py build-bench/bench/cnn/bench_cnn \
        [--clock=cpu|wall] [--ort-python=/tmp/ortvenv/bin/python]

--clock=cpu (default) times with the CPU time of the timing thread (PyTorch and
ONNX Runtime are set to one thread, which runs in the caller); --clock=wall
with elapsed time. Without --ort-python (or C2D_ORT_PYTHON) the ONNX Runtime
rows are left out and a comment line says so.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn

from c2detect import torch_export

SEQ, VOCAB, DIM = 256, 256, 32


CLOCK = time.thread_time


def cycling(fn, x, b):
    """fn on batches of b rows of x in turn: at batch 1 the same sequence
    every call would stay hot in cache, which real traffic does not."""
    parts = [x[i:i + b] for i in range(0, len(x), b)]
    state = {"i": 0}

    def step():
        state["i"] = (state["i"] + 1) % len(parts)
        return fn(parts[state["i"]])
    return step


def timed(fn, n_items, secs=1.5):
    """Best of 5 trials (the machine may be shared), items per second."""
    fn()
    best = 0.0
    for _ in range(5):
        reps, t0 = 0, CLOCK()
        while True:
            fn()
            reps += 1
            t = CLOCK() - t0
            if t >= secs / 5:
                break
        best = max(best, reps * n_items / t)
    return best


class QuantRef(nn.Module):
    """Static int8 PyTorch version of the same network (float embedding and
    final Linear, quantized convolutions with fused ReLU)."""

    def __init__(self, f):
        super().__init__()
        self.embedding = f.embedding
        self.quant = torch.ao.quantization.QuantStub()
        self.conv1, self.relu1 = f.branches[0][0], f.branches[0][1]
        self.conv2, self.relu2 = f.branches[0][2], f.branches[0][3]
        self.dequant = torch.ao.quantization.DeQuantStub()
        self.fc = f.head[0]

    def forward(self, tok):
        x = self.quant(self.embedding(tok).transpose(1, 2).contiguous())
        x = self.relu2(self.conv2(self.relu1(self.conv1(x))))
        return self.fc(self.dequant(x).amax(dim=2))


def main(bench_bin, clock, ort_python):
    global CLOCK
    CLOCK = time.perf_counter if clock == "wall" else time.thread_time
    os.environ["C2D_BENCH_CLOCK"] = clock
    print(f"# clock: {clock} ({'elapsed time' if clock == 'wall' else 'CPU time of the timing thread'})")
    print("# load average at start: %.2f %.2f %.2f" % os.getloadavg())
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch_export.TextCNN(VOCAB, SEQ, DIM, [[(64, 5, "valid"), (64, 3, "valid")]], (), 1)
    model.eval()
    rng = np.random.default_rng(0)
    calib = rng.integers(0, VOCAB, size=(64, SEQ))
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ref.c2dm")
        rep = torch_export.from_torch(model, calib, path, schema="bench-v1")
        print(f"export_max_abs_proba_diff {rep['max_abs_proba_diff']:.5f} abs")
        res = subprocess.run([bench_bin, path, "1.5"], check=True, capture_output=True, text=True)
        lines = res.stdout.splitlines()
        if ort_python:
            onnx_path = os.path.join(tmp, "ref.onnx")
            torch.onnx.export(model, torch.as_tensor(calib[:1]), onnx_path, input_names=["tokens"],
                              output_names=["logits"], opset_version=13,
                              dynamic_axes={"tokens": {0: "batch"}, "logits": {0: "batch"}})
            np.save(os.path.join(tmp, "calib.npy"), calib)
            np.save(os.path.join(tmp, "x.npy"), rng.integers(0, VOCAB, size=(256, SEQ)))
            here = os.path.dirname(os.path.abspath(__file__))
            ort = subprocess.run([ort_python, os.path.join(here, "ort_bench.py"), onnx_path,
                                  os.path.join(tmp, "calib.npy"), os.path.join(tmp, "x.npy"), clock,
                                  "qoperator", "qdq"], check=True, capture_output=True, text=True)
            lines += ort.stdout.splitlines()
        else:
            lines.append("# onnxruntime: not run (no --ort-python / C2D_ORT_PYTHON)")
    for line in lines:
        print(line)
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            out[parts[0]] = float(parts[1])
    macs = out["model_macs"]
    x256 = torch.as_tensor(rng.integers(0, VOCAB, size=(256, SEQ)))
    with torch.no_grad():
        for b in (1, 256):
            v = timed(cycling(model, x256, b), b)
            out[f"torch_fp32_b{b}"] = v
            print(f"torch_fp32_b{b}_seq_per_s {v:.0f} seq/s")
            print(f"torch_fp32_b{b}_gmac_per_s {v * macs * 1e-9:.2f} GMAC/s")
        for engine in [e for e in ("fbgemm", "onednn", "qnnpack")
                       if e in torch.backends.quantized.supported_engines]:
            torch.backends.quantized.engine = engine
            q = QuantRef(model).eval()
            q.qconfig = torch.ao.quantization.get_default_qconfig(engine)
            q.embedding.qconfig = None
            q.fc.qconfig = None
            torch.ao.quantization.fuse_modules(q, [["conv1", "relu1"], ["conv2", "relu2"]],
                                               inplace=True)
            torch.ao.quantization.prepare(q, inplace=True)
            q(torch.as_tensor(calib))
            torch.ao.quantization.convert(q, inplace=True)
            for b in (1, 256):
                v = timed(cycling(q, x256, b), b)
                out[f"torch_int8_{engine}_b{b}"] = v
                print(f"torch_int8_{engine}_b{b}_seq_per_s {v:.0f} seq/s")
                print(f"torch_int8_{engine}_b{b}_gmac_per_s {v * macs * 1e-9:.2f} GMAC/s")
    best_torch = {b: max(v for k, v in out.items() if k.startswith("torch_int8") and
                         k.endswith(f"_b{b}")) for b in (1, 256)}
    ort_int8 = sorted({k[len("ort_"):k.index("_b")] for k in out
                       if k.startswith("ort_int8_") and k.endswith("_seq_per_s")})
    for fmt in ort_int8:  # the peer's own batching, and its rate
        b1, b256 = out[f"ort_{fmt}_b1_seq_per_s"], out[f"ort_{fmt}_b256_seq_per_s"]
        print(f"ort_{fmt}_b256_vs_b1 {b256 / b1:.2f} x")
        for b, v in ((1, b1), (256, b256)):
            print(f"ort_{fmt}_b{b}_gmac_per_s {v * macs * 1e-9:.2f} GMAC/s")
            if "peak_vpdpbusd_gmac_per_s" in out:
                print(f"pct_peak_ort_{fmt}_b{b}_of_vpdpbusd "
                      f"{100 * v * macs * 1e-9 / out['peak_vpdpbusd_gmac_per_s']:.1f} %")
    peaks = {"avx2_nofold": "peak_vpmaddwd_gmac_per_s",
             "avxvnni_nofold": "peak_vpdpbusd_ymm_gmac_per_s",
             "avx512vnni_nofold": "peak_vpdpbusd_gmac_per_s"}
    for k in sorted(out):
        if k.startswith("cnn_") and k.endswith("_seq_per_s"):
            b = 1 if "_b1_" in k else 256
            isa = k[len("cnn_"):k.index(f"_b{b}_")]
            print(f"ratio_{isa}_b{b}_vs_torch_fp32 {out[k] / out[f'torch_fp32_b{b}']:.2f} x")
            print(f"ratio_{isa}_b{b}_vs_best_torch_int8 {out[k] / best_torch[b]:.2f} x")
            for fmt in ort_int8:
                print(f"ratio_{isa}_b{b}_vs_ort_{fmt} {out[k] / out[f'ort_{fmt}_b{b}_seq_per_s']:.2f} x")
            if b == 256:
                print(f"ratio_{isa}_b256_vs_b1 {out[k] / out[k.replace('_b256_', '_b1_')]:.2f} x")
            gmac = out[k.replace("seq_per_s", "gmac_per_s")]
            # % of peak only where every multiply-add goes through the kernel
            if isa in peaks and peaks[isa] in out:
                print(f"pct_peak_{isa}_b{b}_of_{peaks[isa][len('peak_'):-len('_gmac_per_s')]} "
                      f"{100 * gmac / out[peaks[isa]]:.1f} %")
            if "peak_vpmaddwd_gmac_per_s" in out and isa == "avx2_nofold":
                print(f"pct_peak_{isa}_b{b}_of_vpmaddubsw {100 * gmac / out['peak_vpmaddubsw_gmac_per_s']:.1f} %")
                print(f"pct_peak_{isa}_b{b}_of_vpmaddubsw_vpmaddwd "
                      f"{100 * gmac / out['peak_vpmaddubsw_vpmaddwd_gmac_per_s']:.1f} %")
    print("# load average at end: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--clock=")]
    args = [a for a in args if not a.startswith("--ort-python=")]
    clk = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--clock=")]
    ortpy = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--ort-python=")]
    main(args[0] if args else "build-bench/bench/cnn/bench_cnn", clk[0] if clk else "cpu",
         ortpy[0] if ortpy else os.environ.get("C2D_ORT_PYTHON"))
