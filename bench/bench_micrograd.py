"""helpers.autodiff against micrograd on micrograd's own demo, side by side in one process.

Workload (micrograd's demo.ipynb): 100 two-moons points, a 2-16-16-1 ReLU MLP of scalar
Values, SVM max-margin loss + 1e-4·L2, 100 full-batch SGD steps with learning rate
1.0 − 0.9·k/100, CPython's default garbage collector ON (what a notebook gets).

Both engines start from the same weights and see the same points. Three runs per repeat,
interleaved so that a busy machine slows all of them alike:

* micrograd          — micrograd.nn.MLP, micrograd.engine.Value (the reference);
* ours               — the same MLP whose neurons use ``Value.dot`` (one node a neuron);
* ours, plain sums   — the lecture's neuron ``sum((wi*xi for ...), b)`` on our Value (2n nodes).

Prints medians, the ratio micrograd / ours (required: ≥ 10), the final losses (required:
equal to 1e-9), nodes per step and the time of one forward and one backward pass.

    .venv/bin/python bench/bench_micrograd.py [--repeat 3] [--steps 100]
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.autodiff import Value, topological_order  # noqa: E402


def two_moons(n=100, noise=0.1, seed=1):
    """Two interleaved half circles (as sklearn's make_moons), labels -1 / +1, as lists."""
    rng = np.random.default_rng(seed)
    n1 = n // 2
    t1, t2 = np.linspace(0, np.pi, n1), np.linspace(0, np.pi, n - n1)
    X = np.vstack([np.c_[np.cos(t1), np.sin(t1)], np.c_[1 - np.cos(t2), 1 - np.sin(t2) - 0.5]])
    X += rng.normal(scale=noise, size=X.shape)
    y = [-1] * n1 + [1] * (n - n1)
    return X.tolist(), y


def initial_weights(sizes=(2, 16, 16, 1), seed=1337):
    """Weights uniform in [-1, 1] and zero biases, in micrograd's parameter order."""
    rng = random.Random(seed)
    flat = []
    for nin, nout in zip(sizes[:-1], sizes[1:]):
        for _ in range(nout):
            flat += [rng.uniform(-1, 1) for _ in range(nin)] + [0.0]
    return flat


class Neuron:
    def __init__(self, V, nin, nonlin, fused):
        self.w = [V(0.0) for _ in range(nin)]
        self.b = V(0.0)
        self.nonlin, self.dot = nonlin, V.dot if fused else None

    def __call__(self, x):
        if self.dot:
            act = self.dot(self.w, x, self.b)  # the fast path: one node a neuron
        else:
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class MLP:
    """micrograd.nn.MLP's structure and parameter order, for any Value class."""

    def __init__(self, V, sizes=(2, 16, 16, 1), fused=True):
        self.layers = [
            [Neuron(V, nin, i != len(sizes) - 2, fused) for _ in range(nout)]
            for i, (nin, nout) in enumerate(zip(sizes[:-1], sizes[1:]))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = [n(x) for n in layer]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]


def count_nodes(root):
    seen, todo = {id(root)}, [root]
    while todo:
        for p in todo.pop()._prev:
            if id(p) not in seen:
                seen.add(id(p))
                todo.append(p)
    return len(seen)


def train(V, model, X, y, steps):
    """micrograd's demo loop; returns final loss, accuracy, timings, nodes per step."""
    params = model.parameters()
    t_fwd, t_bwd = [], []
    start = time.perf_counter()
    for k in range(steps):
        t0 = time.perf_counter()
        inputs = [list(map(V, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        total = data_loss + reg_loss
        accuracy = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y)
        t1 = time.perf_counter()
        for p in params:
            p.grad = 0.0
        total.backward()
        t2 = time.perf_counter()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        t_fwd.append(t1 - t0)
        t_bwd.append(t2 - t1)
    elapsed = time.perf_counter() - start
    nodes = count_nodes(total) if V is not Value else len(topological_order(total))
    return dict(
        loss=total.data,
        acc=accuracy,
        time=elapsed,
        fwd=statistics.median(t_fwd),
        bwd=statistics.median(t_bwd),
        nodes=nodes,
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per engine (median)")
    ap.add_argument("--steps", type=int, default=100, help="SGD steps per run")
    ap.add_argument("--no-plain", action="store_true", help="skip ours with plain sums")
    args = ap.parse_args()

    import micrograd
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MicroMLP

    assert gc.isenabled(), "the benchmark measures with the default garbage collector on"
    X, y = two_moons()
    w0 = initial_weights()
    engines = {"micrograd": None, "ours": True}
    if not args.no_plain:
        engines["ours, plain sums"] = False
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"micrograd {getattr(micrograd, '__version__', '0.1.0')}, numpy {np.__version__}, "
        f"gc thresholds {gc.get_threshold()}; {args.steps} steps, {args.repeat} repeats"
    )
    results = {name: [] for name in engines}
    for r in range(args.repeat):
        for name, fused in engines.items():
            if fused is None:
                V = MValue
                random.seed(0)
                model = MicroMLP(2, [16, 16, 1])
            else:
                V = Value
                model = MLP(Value, fused=fused)
            for p, w in zip(model.parameters(), w0, strict=True):
                p.data = w
            gc.collect()
            res = train(V, model, X, y, args.steps)
            results[name].append(res)
            print(
                f"  run {r + 1}: {name:<17} {res['time']:8.2f} s   loss {res['loss']:.12f}",
                flush=True,
            )

    print(
        f"\n{'engine':<18}{'median s':>10}{'forward ms':>12}{'backward ms':>13}"
        f"{'nodes/step':>12}{'final loss':>20}{'accuracy':>10}"
    )
    med = {}
    for name, runs in results.items():
        med[name] = statistics.median(r["time"] for r in runs)
        fwd = statistics.median(r["fwd"] for r in runs) * 1e3
        bwd = statistics.median(r["bwd"] for r in runs) * 1e3
        last = runs[-1]
        print(
            f"{name:<18}{med[name]:10.2f}{fwd:12.1f}{bwd:13.1f}{last['nodes']:12d}"
            f"{last['loss']:20.15f}{last['acc']:10.2f}"
        )
    ratio = med["micrograd"] / med["ours"]
    print(f"\nratio micrograd / ours: {ratio:.1f}× (required ≥ 10)")
    if "ours, plain sums" in med:
        print(
            f"ratio micrograd / ours with plain sums: "
            f"{med['micrograd'] / med['ours, plain sums']:.1f}×"
        )
    ok = True
    for name in engines:
        diff = abs(results[name][-1]["loss"] - results["micrograd"][-1]["loss"])
        print(f"|final loss {name} − micrograd| = {diff:.2e} (required ≤ 1e-9)")
        ok &= diff <= 1e-9
    ok &= ratio >= 10
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
