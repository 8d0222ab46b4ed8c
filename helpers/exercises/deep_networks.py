"""Checks for the exercises of notebook 04 (deep networks: what depth buys)."""

from __future__ import annotations

import numpy as np

from . import FAIL, PASS, _array, _fmt, _number, _whole, check_value, run

__all__ = ["check_zigzag_pieces", "check_count_params", "check_layer_output",
           "check_circles_answer"]


def check_zigzag_pieces(pieces) -> bool:
    """Exercise 4.1: pieces of the width-3, depth-5 zig-zag network on [0, 1]: 3**5."""
    name = "pieces of zigzag_network(depth=5, width=3)"
    got = pieces
    if callable(pieces):
        ok, got = run(name, pieces)
        if not ok:
            return False
    ok = check_value(name, got, 243) if not callable(got) else check_value(name, None, 243)
    if not ok:
        if _number(got)[0] in (15.0, 16.0):
            print("    Hint: depth multiplies the pieces: each layer folds every piece "
                  "of the previous one 3 times.")
    return ok


def _ref_count(sizes):
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def check_count_params(count_params) -> bool:
    """Exercise 4.2: trainable numbers of an MLP with layer sizes [n0, n1, ..., nL]."""
    cases = [[1, 2, 1], [2, 16, 2], [64, 32, 16, 16, 10], [1, 3, 3, 3, 1], [5, 1]]
    for sizes in cases:
        ok, got = run("count_params", count_params, list(sizes), where=f"on {sizes}")
        if not ok:
            return False
        want = _ref_count(sizes)
        if _whole(got) != want:
            no_bias = int(sum(a * b for a, b in zip(sizes[:-1], sizes[1:])))
            hint = " (did you forget the biases?)" if _whole(got) == no_bias else ""
            if _whole(got) is None:
                hint = " (expected a whole number)"
            print(f"{FAIL} count_params({sizes}): got {_fmt(got)}, expected {want}{hint}")
            return False
    print(f"{PASS} count_params: correct for all {len(cases)} networks")
    return True


def check_layer_output(layer_output) -> bool:
    """Exercise 4.3: the output of hidden layer k (after its activation), checked on a
    4-layer narrow network and random points."""
    from ..representations import layer_outputs, narrow_network
    model = narrow_network(depth=4, seed=3)
    X = np.random.default_rng(3).normal(size=(7, 2))
    want = layer_outputs(model, X)
    for k in range(1, len(want)):
        ok, got = run("layer_output", layer_output, model, X.copy(), k,
                      where=f"as layer_output(model, X, {k})")
        if not ok:
            return False
        arr, why = _array(got)
        if arr is None:
            print(f"{FAIL} layer_output(model, X, {k}): expected an array; it {why}")
            return False
        if arr.shape != want[k].shape or not np.allclose(arr, want[k], rtol=1e-12, atol=0):
            print(f"{FAIL} layer_output(model, X, {k}): wrong; expected shape "
                  f"{want[k].shape}, got {arr.shape}. Hint: apply the layers one by one and "
                  "count an activation layer as the end of a hidden layer.")
            return False
    print(f"{PASS} layer_output: correct for all {len(want) - 1} hidden layers")
    return True


def check_circles_answer(answer) -> bool:
    """Exercise 4.4: can a 2-unit-wide tanh network make the circles linearly separable?"""
    got = answer
    if callable(answer):
        ok, got = run("can_separate_circles", answer)
        if not ok:
            return False
    if isinstance(got, (bool, np.bool_)) and not got:
        print(f"{PASS} no: each layer is a continuous, invertible map of the plane, and "
              "no such map can pull the inner disc out of the ring")
        return True
    if isinstance(got, (bool, np.bool_)):
        print(f"{FAIL} try it: train narrow_network(depth=6) on the circles and look at the "
              "last layer. What would a continuous, one-to-one map of the plane have to do "
              "to put the inner disc on one side of a line?")
        return False
    print(f"{FAIL} can_separate_circles: answer True or False, got {type(got).__name__} "
          f"{_fmt(got)}")
    return False
