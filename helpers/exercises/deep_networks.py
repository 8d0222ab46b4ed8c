"""Checks for the exercises of notebook 04 (deep networks: what depth buys)."""

from __future__ import annotations

import numpy as np

from . import FAIL, PASS, _not_done, check_value

__all__ = ["check_zigzag_pieces", "check_count_params", "check_layer_output",
           "check_circles_answer"]


def check_zigzag_pieces(pieces) -> bool:
    """Exercise 4.1: pieces of the width-3, depth-5 zig-zag network on [0, 1]: 3**5."""
    ok = check_value("pieces of zigzag_network(depth=5, width=3)", pieces, 243)
    if not ok and callable(pieces):
        try:
            got = pieces()
        except (NotImplementedError, TypeError):
            return False
        if got in (15, 16):
            print("    Hint: depth multiplies the pieces: each layer folds every piece "
                  "of the previous one 3 times.")
    return ok


def _ref_count(sizes):
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def check_count_params(count_params) -> bool:
    """Exercise 4.2: trainable numbers of an MLP with layer sizes [n0, n1, ..., nL]."""
    cases = [[1, 2, 1], [2, 16, 2], [64, 32, 16, 16, 10], [1, 3, 3, 3, 1], [5, 1]]
    for sizes in cases:
        try:
            got = count_params(list(sizes))
        except NotImplementedError as err:
            return _not_done("count_params", err)
        except Exception as err:  # a learner's bug: report it
            print(f"{FAIL} count_params({sizes}) raised {type(err).__name__}: {err}")
            return False
        want = _ref_count(sizes)
        if got != want:
            no_bias = int(sum(a * b for a, b in zip(sizes[:-1], sizes[1:])))
            hint = " (did you forget the biases?)" if got == no_bias else ""
            print(f"{FAIL} count_params({sizes}): got {got!r}, expected {want}{hint}")
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
        try:
            got = layer_output(model, X, k)
        except NotImplementedError as err:
            return _not_done("layer_output", err)
        except Exception as err:  # a learner's bug: report it
            print(f"{FAIL} layer_output(model, X, {k}) raised {type(err).__name__}: {err}")
            return False
        got = np.asarray(got)
        if got.shape != want[k].shape or not np.allclose(got, want[k], rtol=1e-12, atol=0):
            print(f"{FAIL} layer_output(model, X, {k}): wrong; expected shape "
                  f"{want[k].shape}, got {got.shape}. Hint: apply the layers one by one and "
                  "count an activation layer as the end of a hidden layer.")
            return False
    print(f"{PASS} layer_output: correct for all {len(want) - 1} hidden layers")
    return True


def check_circles_answer(answer) -> bool:
    """Exercise 4.4: can a 2-unit-wide tanh network make the circles linearly separable?"""
    try:
        got = answer() if callable(answer) else answer
    except NotImplementedError as err:
        return _not_done("can_separate_circles", err)
    if got is False:
        print(f"{PASS} no: each layer is a continuous, invertible map of the plane, and "
              "no such map can pull the inner disc out of the ring")
        return True
    if got is True:
        print(f"{FAIL} try it: train narrow_network(depth=6) on the circles and look at the "
              "last layer. What would a continuous, one-to-one map of the plane have to do "
              "to put the inner disc on one side of a line?")
        return False
    print(f"{FAIL} answer True or False, got {got!r}")
    return False
