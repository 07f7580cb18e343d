"""ONNX Runtime int8 peer for bench/cnn (run by run.py in the same run, with the
Python of a venv that has onnxruntime and onnx from PyPI; bench only, never a
run-time dependency of the library).

    ort_bench.py MODEL.onnx CALIB.npy INPUTS.npy CLOCK FORMAT...

Quantizes the float ONNX export of the reference net statically (per-channel
int8 weights, uint8 activations, calibrated on CALIB.npy) in each FORMAT
(qoperator, qdq), runs it single-threaded at batch 1 and 256 on INPUTS.npy and
prints `ort_int8_<format>_b<batch>_seq_per_s VALUE seq/s` lines, plus the float
model as `ort_fp32_b<batch>_seq_per_s`.
"""
import os
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                      quantize_static)
from onnxruntime.quantization.shape_inference import quant_pre_process


class Calib(CalibrationDataReader):
    def __init__(self, name, data):
        self.items = iter([{name: data[i:i + 1]} for i in range(len(data))])

    def get_next(self):
        return next(self.items, None)


def cycling(fn, x, b):
    """fn on batches of b rows of x in turn (at batch 1 the same sequence every
    call would stay hot in cache, which real traffic does not)."""
    parts = [x[i:i + b] for i in range(0, len(x), b)]
    state = {"i": 0}

    def step():
        state["i"] = (state["i"] + 1) % len(parts)
        return fn(parts[state["i"]])
    return step


def timed(fn, n_items, clock, secs=1.5):
    """Best of 5 trials (the machine may be shared), items per second."""
    fn()
    best = 0.0
    for _ in range(5):
        reps, t0 = 0, clock()
        while True:
            fn()
            reps += 1
            t = clock() - t0
            if t >= secs / 5:
                break
        best = max(best, reps * n_items / t)
    return best


def session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def main(model, calib_path, inputs_path, clock_name, formats):
    clock = time.perf_counter if clock_name == "wall" else time.thread_time
    calib = np.load(calib_path).astype(np.int64)
    inputs = np.load(inputs_path).astype(np.int64)
    print(f"# onnxruntime {ort.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        pre = os.path.join(tmp, "pre.onnx")
        quant_pre_process(model, pre)
        name = session(pre).get_inputs()[0].name
        runs = [("fp32", pre)]
        for fmt in formats:
            q = os.path.join(tmp, f"q_{fmt}.onnx")
            quantize_static(pre, q, Calib(name, calib),
                            quant_format=QuantFormat.QOperator if fmt == "qoperator" else QuantFormat.QDQ,
                            per_channel=True, activation_type=QuantType.QUInt8,
                            weight_type=QuantType.QInt8)
            runs.append((f"int8_{fmt}", q))
        for label, path in runs:
            s = session(path)
            ops = sorted({n.op_type for n in __import__("onnx").load(path).graph.node})
            print(f"# ort_{label} ops: {' '.join(ops)}")
            for b in (1, 256):
                v = timed(cycling(lambda x: s.run(None, {name: x}), inputs, b), b, clock)
                print(f"ort_{label}_b{b}_seq_per_s {v:.0f} seq/s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:] or ["qoperator"])
