"""Checks for the exercises of notebook 05 (training deep networks)."""

from __future__ import annotations

import math

import numpy as np

from . import FAIL, PASS, _array, _number, check_function, check_value, run

__all__ = ["check_max_lr", "check_momentum_step", "check_he_std", "check_residual_grad"]


def check_max_lr(max_lr) -> bool:
    """Exercise 5.1: the largest stable learning rate on the ravine (curvatures 1 and 10)."""
    name = "largest learning rate that still converges"
    got = max_lr
    if callable(max_lr):
        ok, got = run(name, max_lr)
        if not ok:
            return False
    ok = check_value(name, got, 0.2) if not callable(got) else check_value(name, None, 0.2)
    if not ok:
        got = _number(got)[0]
        if got is None:
            pass
        elif math.isclose(got, 2.0):
            print("    Hint: the *steepest* direction (curvature 10) limits the step, "
                  "not the flattest.")
        elif math.isclose(got, 0.1):
            print("    Hint: 1/λ is where the zig-zag starts; the iteration still converges "
                  "while |1 − ηλ| < 1.")
    return ok


def _ref_momentum(w, v, grad, lr, mu):
    v = mu * v + grad
    return w - lr * v, v


def check_momentum_step(momentum_step) -> bool:
    """Exercise 5.2: one step of SGD with momentum, v ← μv + g, w ← w − ηv."""
    rng = np.random.default_rng(5)
    for k in range(5):
        w, v, g = rng.normal(size=(3, 4))
        lr, mu = [0.1, 0.03, 0.5, 0.2, 0.01][k], [0.9, 0.5, 0.0, 0.99, 0.7][k]
        ok, got = run("momentum_step", momentum_step, w.copy(), v.copy(), g.copy(), lr, mu,
                      where=f"at lr={lr}, mu={mu}")
        if not ok:
            return False
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            print(f"{FAIL} momentum_step: return the pair (new_w, new_v), got "
                  f"{type(got).__name__}")
            return False
        want = _ref_momentum(w, v, g, lr, mu)
        for name, a, b in zip(("new w", "new v"), got, want):
            a, why = _array(a)
            if a is None:
                print(f"{FAIL} momentum_step: {name} should be an array; it {why}")
                return False
            if a.shape != b.shape or not np.allclose(a, b, rtol=1e-12, atol=1e-12):
                print(f"{FAIL} momentum_step: {name} is wrong at lr={lr}, mu={mu}")
                if a.shape != b.shape:
                    print(f"    its shape is {a.shape}, expected {b.shape}")
                elif name == "new w" and np.allclose(a, w - lr * v):
                    print("    Hint: update v first, then use the *new* v in the step of w.")
                elif name == "new w" and np.allclose(a, w - lr * g):
                    print("    Hint: that is plain gradient descent: the step must use v.")
                return False
    print(f"{PASS} momentum_step: correct on 5 random cases")
    return True


def check_he_std(he_std) -> bool:
    """Exercise 5.3: the standard deviation of He initialisation, √(2/fan_in)."""
    return check_function("he_std", he_std, lambda n: math.sqrt(2.0 / n),
                          [1, 2, 16, 64, 100, 1000], rtol=1e-12)


def _ref_residual_grad(x, W, dy):
    h = np.tanh(x @ W)
    return dy + (dy * (1 - h ** 2)) @ W.T


def check_residual_grad(residual_grad) -> bool:
    """Exercise 5.4: dL/dx for y = x + tanh(x·W), given dL/dy."""
    rng = np.random.default_rng(7)
    for _ in range(3):
        x, dy = rng.normal(size=(2, 5, 4))
        W = rng.normal(size=(4, 4))
        ok, got = run("residual_grad", residual_grad, x.copy(), W.copy(), dy.copy())
        if not ok:
            return False
        got, why = _array(got)
        if got is None:
            print(f"{FAIL} residual_grad: expected an array; it {why}")
            return False
        want = _ref_residual_grad(x, W, dy)
        if got.shape != want.shape:
            print(f"{FAIL} residual_grad: shape {got.shape}, expected {want.shape}")
            return False
        if not np.allclose(got, want, rtol=1e-10, atol=1e-12):
            if np.allclose(got, want - dy):
                print(f"{FAIL} residual_grad: you returned only the branch's gradient. "
                      "Hint: the skip adds dy itself (d(x)/dx = I).")
            else:
                print(f"{FAIL} residual_grad: wrong (max difference "
                      f"{float(np.max(np.abs(got - want))):.2e})")
            return False
    print(f"{PASS} residual_grad: matches the chain rule on 3 random cases")
    return True
