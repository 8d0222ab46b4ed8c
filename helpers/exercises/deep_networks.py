"""Checks for the exercises of notebook 04 (deep networks: what depth buys)."""

from __future__ import annotations

import numpy as np

from . import FAIL, PASS, _array, _fmt, _whole, exercise, hint, matches, prediction, run

__all__ = [
    "check_zigzag_pieces",
    "check_count_params",
    "check_layer_output",
    "check_circles_answer",
]


#: Exercise 4.1: the pieces of the width-3, depth-5 zig-zag network on [0, 1], 3**5.
check_zigzag_pieces = prediction(
    "4.1",
    "pieces of zigzag_network(depth=5, width=3)",
    243,
    "One layer of width 3 folds [0, 1] into 3 pieces, each mapped onto the whole of "
    "[0, 1]; the next layer folds every one of them 3 times again, so depth multiplies: "
    "3·3·3·3·3 = 3⁵ = 243",
    misses={
        3 * 5: "that is 3 + 3 + 3 + 3 + 3, as if each layer added 3 pieces; stacked, "
        "the folds multiply",
        3 * 5 + 1: "stacked layers multiply the pieces, they do not add them",
        5**3: "that is 5³: each of the 5 layers multiplies by 3, so it is 3⁵",
    },
)


def _ref_count(sizes):
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


@exercise("4.2", "count_params")
def check_count_params(count_params) -> bool:
    """Exercise 4.2: trainable numbers of an MLP with layer sizes [n0, n1, ..., nL].

    Hints, one more for each wrong try:
    - count the numbers of one Linear(a, b) layer first: its weight matrix and its biases
    - a Linear(a, b) layer has a·b weights and b biases; add that over consecutive sizes
    """
    cases = [[1, 2, 1], [2, 16, 2], [64, 32, 16, 16, 10], [1, 3, 3, 3, 1], [5, 1]]
    for sizes in cases:
        ok, got = run("count_params", count_params, list(sizes), where=f"on {sizes}")
        if not ok:
            return False
        want = _ref_count(sizes)
        count = _whole(got)
        if count == want:
            continue
        print(
            f"{FAIL} count_params({sizes}): got {_fmt(got)}, expected {want}"
            + (" (a whole number)" if count is None else "")
        )
        pairs = list(zip(sizes[:-1], sizes[1:]))
        if count == sum(a * b for a, b in pairs):
            hint("only the weights are counted: every output unit also has a bias")
        elif count == sum(a * b + a for a, b in pairs):
            hint("there is one bias per output of a layer, not per input")
        return False
    print(f"{PASS} count_params: correct for all {len(cases)} networks")
    return True


def _layer_names(model, X):
    """What each layer of ``model`` outputs, named as a learner would count it."""
    from ..nn import Linear

    outputs, hidden = [], 0
    H = X
    for i, layer in enumerate(model.layers):
        H = layer.forward(H)
        if isinstance(layer, Linear) and i == len(model.layers) - 1:
            outputs.append(
                (
                    H,
                    f"the output of model.layers[{i}], the read-out: the network's "
                    f"output (its scores), not a hidden layer; the model has {hidden} "
                    "hidden layers",
                )
            )
        elif isinstance(layer, Linear):
            outputs.append(
                (
                    H,
                    f"the output of model.layers[{i}], a Linear layer: the "
                    f"pre-activation of hidden layer {hidden + 1}, before its "
                    "activation",
                )
            )
        else:
            hidden += 1
            outputs.append((H, f"hidden layer {hidden}'s output"))
    return outputs


@exercise("4.3", "layer_output")
def check_layer_output(layer_output) -> bool:
    """Exercise 4.3: the output of hidden layer k (after its activation), checked on a
    4-layer narrow network and random points.

    Hints, one more for each wrong try:
    - a hidden layer is a Linear layer followed by its activation: count the activations
    - H = X; then for each layer in model.layers: H = layer.forward(H), and after the k-th
      activation layer return H
    """
    from ..representations import layer_outputs, narrow_network

    model = narrow_network(depth=4, seed=3)
    X = np.random.default_rng(3).normal(size=(7, 2))
    want = layer_outputs(model, X)
    for k in range(1, len(want)):
        call = f"layer_output(model, X, {k})"
        ok, got = run("layer_output", layer_output, model, X.copy(), k, where=f"as {call}")
        if not ok:
            return False
        arr, why = _array(got)
        if arr is None:
            print(f"{FAIL} {call}: expected an array; it {why}")
            return False
        if matches(arr, want[k]):
            continue
        if arr.shape != want[k].shape:
            print(
                f"{FAIL} {call}: an array of shape {arr.shape}, expected {want[k].shape} "
                "(one row per point of X, one column per unit)"
            )
            return False
        print(f"{FAIL} {call}: the right shape, but the wrong numbers")
        same = [name for out, name in _layer_names(model, X) if matches(arr, out)]
        if same:
            hint(f"that is {same[0]}")
        return False
    print(f"{PASS} layer_output: correct for all {len(want) - 1} hidden layers")
    return True


@exercise("4.4", "can_separate_circles")
def check_circles_answer(answer) -> bool:
    """Exercise 4.4: can a 2-unit-wide tanh network make the circles linearly separable?

    Hints, one more for each wrong try:
    - try it: train representations.narrow_network(depth=6) on the circles and look at the last
      layer
    - each layer is a continuous map of the plane, and with an invertible W one-to-one: what would
      such a map have to do to put the inner disc on one side of a line?
    """
    got = answer
    if callable(answer):
        ok, got = run("can_separate_circles", answer)
        if not ok:
            return False
    if isinstance(got, (bool, np.bool_)) and not got:
        print(
            f"{PASS} no: each layer is a continuous, invertible map of the plane, and "
            "no such map can pull the inner disc out of the ring"
        )
        return True
    if isinstance(got, (bool, np.bool_)):
        print(f"{FAIL} can_separate_circles: not with width 2, whatever the depth")
        return False
    print(
        f"{FAIL} can_separate_circles: answer True or False, got {type(got).__name__} {_fmt(got)}"
    )
    return False
