"""Digits MLP 64-128-64-10: the helpers layers vs a hand-written NumPy loop vs PyTorch (CPU).

Workload: ReLU, softmax cross entropy, plain SGD (batch 64, lr 0.1), 20 epochs over the
1,347 training digits of ``helpers.data.load_digits()``. Every implementation starts from the
same initial weights and visits the same batches in the same order. Each is run several
times in this one process, alternating; the script prints the median wall-clock and CPU time
per run, the ratio to the hand-written loop (the median over repeats of each run's time
divided by the hand-written run's time in the same repeat) and the test accuracy. The verdict
uses CPU time, which other processes on a shared machine disturb far less.

The hand-written loop computes the loss value of every batch, as every training loop that
reports progress does, and as ``nn.SoftmaxCrossEntropy.forward`` returns it; it skips the
gradient with respect to the input images, which ``model.backward(..., input_grad=False)``
skips too.

    .venv/bin/python bench/bench_mlp.py [--repeats 21]

BLAS threads are left as the environment sets them (``make bench`` exports
OPENBLAS_NUM_THREADS=1); the thread pools in use are printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import data, nn, optim  # noqa: E402

SIZES = (64, 128, 64, 10)
BATCH, LR, EPOCHS = 64, 0.1, 20


def setup(seed=0):
    Xtr, ytr, Xte, yte = data.load_digits(seed=seed)
    rng = np.random.default_rng(seed)
    weights = [
        (nn.init_weights(a, b, "he", rng), np.zeros(b)) for a, b in zip(SIZES[:-1], SIZES[1:])
    ]
    order = [rng.permutation(len(ytr)) for _ in range(EPOCHS)]
    batches = [
        (Xtr[idx], ytr[idx])
        for perm in order
        for idx in (perm[i : i + BATCH] for i in range(0, len(perm), BATCH))
    ]
    return weights, batches, (Xte, yte)


# ---------------------------------------------------------------- the helpers layers


def run_helpers(weights, batches):
    layers = []
    for i, (W, b) in enumerate(weights):
        lin = nn.Linear(*W.shape)
        lin.W.data[...] = W
        lin.b.data[...] = b
        layers += [lin, nn.ReLU()] if i < len(weights) - 1 else [lin]
    model = nn.Sequential(*layers)
    loss_fn = nn.SoftmaxCrossEntropy()
    opt = optim.SGD(model.parameters(), lr=LR)
    for X, y in batches:
        loss_fn.forward(model.forward(X), y)  # backward writes (not adds) the gradients
        model.backward(loss_fn.backward(), input_grad=False)
        opt.step()
    return lambda X: model.forward(X)


# ---------------------------------------------------------------- hand-written NumPy


def run_numpy(weights, batches):
    (W1, b1), (W2, b2), (W3, b3) = [(W.copy(), b.copy()) for W, b in weights]
    for X, y in batches:
        n = len(y)
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ W3 + b3
        s = z3 - z3.max(axis=1, keepdims=True)
        e = np.exp(s)
        S = e.sum(axis=1, keepdims=True)
        p = e / S
        rows = np.arange(n)
        loss = float(np.mean(np.log(S[:, 0]) - s[rows, y]))  # every loop reports its loss
        if not np.isfinite(loss):
            raise FloatingPointError("loss is not finite")
        d3 = p / n
        d3[rows, y] -= 1 / n
        dW3 = h2.T @ d3
        db3 = d3.sum(axis=0)
        d2 = (d3 @ W3.T) * (z2 > 0)
        dW2 = h1.T @ d2
        db2 = d2.sum(axis=0)
        d1 = (d2 @ W2.T) * (z1 > 0)
        dW1 = X.T @ d1
        db1 = d1.sum(axis=0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
        W3 -= LR * dW3
        b3 -= LR * db3

    def predict(X):
        h1 = np.maximum(X @ W1 + b1, 0)
        h2 = np.maximum(h1 @ W2 + b2, 0)
        return h2 @ W3 + b3

    return predict


# ---------------------------------------------------------------- PyTorch


def make_torch_runner():
    try:
        import torch
    except ImportError:
        return None, None

    def run_torch(weights, batches):
        mods = []
        for i, (W, b) in enumerate(weights):
            lin = torch.nn.Linear(*W.shape, dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(W.T))
                lin.bias.copy_(torch.from_numpy(b))
            mods += [lin, torch.nn.ReLU()] if i < len(weights) - 1 else [lin]
        model = torch.nn.Sequential(*mods)
        loss_fn = torch.nn.CrossEntropyLoss()
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        tb = [(torch.from_numpy(X), torch.from_numpy(y)) for X, y in batches]
        for X, y in tb:
            opt.zero_grad()
            loss_fn(model(X), y).backward()
            opt.step()

        def predict(X):
            with torch.no_grad():
                return model(torch.from_numpy(X)).numpy()

        return predict

    return run_torch, torch


def threadpools():
    try:
        from threadpoolctl import threadpool_info

        return [
            (d.get("internal_api"), d.get("num_threads"), d.get("version"))
            for d in threadpool_info()
        ]
    except ImportError:
        cfg = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
        blas = cfg.get("Build Dependencies", {}).get("blas", {}) if cfg else {}
        return [
            (
                "numpy blas: " + str(blas.get("name")),
                "threadpoolctl not installed",
                blas.get("version"),
            )
        ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=21)
    args = ap.parse_args()

    weights, batches, (Xte, yte) = setup()
    runners = {"hand-written NumPy": run_numpy, "helpers.nn": run_helpers}
    run_torch, torch = make_torch_runner()
    if run_torch is not None:
        torch.set_num_threads(max(1, int(os.environ.get("OMP_NUM_THREADS", "1"))))
        runners["PyTorch CPU"] = run_torch

    print(
        f"digits MLP {'-'.join(map(str, SIZES))}, ReLU, softmax CE, SGD batch {BATCH}, "
        f"lr {LR}, {EPOCHS} epochs = {len(batches)} steps, float64"
    )
    print(
        f"python {platform.python_version()}, numpy {np.__version__}"
        + (
            f", torch {torch.__version__} ({torch.get_num_threads()} threads)"
            if torch
            else ", torch not installed"
        )
    )
    print(
        "OPENBLAS_NUM_THREADS =",
        os.environ.get("OPENBLAS_NUM_THREADS"),
        " OMP_NUM_THREADS =",
        os.environ.get("OMP_NUM_THREADS"),
    )
    print("thread pools:", threadpools())

    times = {name: [] for name in runners}
    cpu = {name: [] for name in runners}
    acc = {}
    for name, run in runners.items():  # warm-up, and the accuracy
        predict = run(weights, batches)
        acc[name] = float(np.mean(np.argmax(predict(Xte), axis=1) == yte))
    for _ in range(args.repeats):  # alternate, so load changes hit all
        for name, run in runners.items():
            c0, t0 = time.process_time(), time.perf_counter()
            run(weights, batches)
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)

    # ratios per repeat: each implementation ran right after the others, so a change of load
    # hits all of them alike. Wall-clock time is what a learner waits; CPU time (this
    # process only, all single-threaded) is far less disturbed by other processes on a
    # shared machine, so the verdict uses the median of the paired CPU-time ratios.
    def paired(t, name):
        return statistics.median(a / b for a, b in zip(t[name], t["hand-written NumPy"]))

    print(
        f"\n{'implementation':<20} {'wall median s':>13} {'wall min s':>10} "
        f"{'wall ratio':>10} {'CPU median s':>12} {'CPU ratio':>9} {'test acc':>9}"
    )
    for name in runners:
        print(
            f"{name:<20} {statistics.median(times[name]):13.3f} {min(times[name]):10.3f} "
            f"{paired(times, name):9.2f}x {statistics.median(cpu[name]):12.3f} "
            f"{paired(cpu, name):8.2f}x {acc[name]:9.4f}"
        )
    ratio, same = paired(cpu, "helpers.nn"), acc["helpers.nn"] == acc["hand-written NumPy"]
    ok = ratio <= 1.15 and same
    print(
        f"\nhelpers.nn / hand-written = {ratio:.3f} (median of paired CPU-time ratios, "
        f"target <= 1.15; wall clock {paired(times, 'helpers.nn'):.3f}), "
        f"same test accuracy: {same} -> {'OK' if ok else 'NOT MET'}"
    )
    if "PyTorch CPU" in runners:
        print(
            f"PyTorch CPU / helpers.nn = {paired(cpu, 'PyTorch CPU') / ratio:.2f} (CPU time), "
            f"{paired(times, 'PyTorch CPU') / paired(times, 'helpers.nn'):.2f} (wall clock)"
        )


if __name__ == "__main__":
    main()
