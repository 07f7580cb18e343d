"""Probe: would a bigger character CNN lift the 0.1 % point? Trains a float
TextCNN of the given architecture on the split of c2detect.train_dga (the same
names as the built-in dga-cnn) and prints held-out TPR; nothing is exported or
shipped. An accuracy ceiling check for docs/models/dga-ensemble.md, not a recipe.

    PYTHONPATH=bindings/python /usr/bin/python3 bench/dga/cnn_arch_probe.py \\
        --kernels 2,3,4,5,6,7 --filters 128 --hidden 128 --epochs 10 --train-cap 20000

(about 40 min on 2 threads). The built-in is --kernels 2,3,4,5 --filters 64
--hidden 64 --train-cap 16000.
"""
import argparse
import sys
import time

import numpy as np


def main(argv=None):
    from c2detect import dga_chars, train_dga, train_dga_cnn
    from c2detect.torch_export import TextCNN
    import torch

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/dga")
    ap.add_argument("--kernels", default="2,3,4,5")
    ap.add_argument("--filters", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--decay", type=float, default=0.7)
    ap.add_argument("--train-cap", type=int, default=16000)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    kernels = [int(k) for k in args.kernels.split(",")]

    def build(arch=None):
        return TextCNN(dga_chars.VOCAB_SIZE, dga_chars.SEQ_LEN, args.dim,
                       [[(args.filters, k, "valid")] for k in kernels], (args.hidden,))

    train_dga_cnn.build_model = build  # train_model builds through this name
    set_threads = torch.set_num_threads
    torch.set_num_threads = lambda n: set_threads(args.threads)

    fam, benign = train_dga.load(args.data)
    s = train_dga.split(fam, benign, args.train_cap)[0]
    sets = {}
    for k, pairs in s.items():
        X, kept = dga_chars.tokenize_many([n for n, _ in pairs])
        sets[k] = (X, [pairs[i] for i in kept])
    X = np.vstack([sets["benign_train"][0], sets["train"][0]])
    y = np.r_[np.zeros(len(sets["benign_train"][0]), np.int64),
              np.ones(len(sets["train"][0]), np.int64)]
    t0 = time.time()
    model = train_dga_cnn.train_model(X, y, args.epochs, decay=args.decay)
    n_params = sum(p.numel() for p in model.parameters())
    def logits(X, bs=4096):
        # logits, not probabilities: float32 sigmoids of an overconfident model
        # reach 1.0 for many names and would tie at the 0.1 % threshold
        with torch.no_grad():
            return np.concatenate([model(torch.as_tensor(X[i:i + bs].astype(np.int64)))[:, 0]
                                   .numpy() for i in range(0, len(X), bs)]).astype(np.float64)

    sc = {k: logits(sets[k][0]) for k in ("seen_test", "unseen_test", "benign_tune", "benign_test")}
    thr = train_dga.threshold_for_fpr(sc["benign_tune"], 0.001)
    b = sc["benign_test"]
    lists = [lab for _, lab in sets["benign_test"][1]]
    alexa = np.array([lab == "alexa" for lab in lists])
    no_top = np.array([lab != "opendns_top" for lab in lists])
    print(f"train_seconds {time.time() - t0:.0f}\nparameters {n_params}")
    print(f"stored_threshold_seen_tpr {np.mean(sc['seen_test'] >= thr):.4f}\n"
          f"stored_threshold_unseen_tpr {np.mean(sc['unseen_test'] >= thr):.4f}\n"
          f"stored_threshold_benign_fpr {np.mean(b >= thr):.5f}")
    for f in (0.01, 0.001):
        for k in ("seen", "unseen"):
            print(f"{k}_tpr_at_fpr_{f} {train_dga.tpr_at_fpr(b, sc[k + '_test'], f)[0]:.4f}")
    for name, m in (("alexa", alexa), ("no_opendns_top", no_top)):
        print(f"seen_tpr_at_fpr_0.001_{name} "
              f"{train_dga.tpr_at_fpr(b[m], sc['seen_test'], 0.001)[0]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
