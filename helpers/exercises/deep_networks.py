"""Checks for the exercises of notebook 04 (deep networks: what depth buys)."""

from __future__ import annotations

import ast
import math

import numpy as np

from . import (
    FAIL,
    PASS,
    _array,
    _fmt,
    _number,
    _whole,
    a_function,
    check_prediction,
    exercise,
    hint,
    learner_number,
    learner_source,
    matches,
    run,
)

__all__ = [
    "check_zigzag_pieces",
    "check_count_params",
    "check_layer_output",
    "check_circles_answer",
]


#: Exercise 4.1: the pieces of the width-3, depth-5 zig-zag network on [0, 1], 3**5.
ZIGZAG_PIECES = 3**5
_ZIGZAG_WHY = (
    "One layer of width 3 folds the interval from 0 to 1 into 3 pieces, each mapped onto "
    "the whole interval; the next layer folds every one of them 3 times again, so depth "
    "multiplies: "
    "3·3·3·3·3 = 3⁵ = 243"
)
#: Known wrong predictions and what they are; none of these sentences gives the answer away.
_ZIGZAG_MISSES = {
    3 * 5: "that is 3 + 3 + 3 + 3 + 3, as if each layer added 3 pieces; stacked, "
    "the folds multiply",
    3 * 5 + 1: "that is one layer's w + 1 rule with 15 units; stacked layers multiply "
    "the pieces, they do not add them",
    # plainer than "adds the + 1 of one layer's w + 1 pieces", which is hard to read
    3**5 + 1: 'it looks like the + 1 of the rule "w units make w + 1 pieces". That + 1 is '
    "the flat piece left of 0, on the whole line. From 0 to 1 there is no such piece: one "
    "zig-zag layer of width 3 has exactly 3 pieces, and the layers multiply that",
    4**5: "that is (3 + 1)⁵: one zig-zag layer of width 3 has 3 pieces from 0 to 1, not 4",
    3**4: "that is 3⁴: count again how many layers multiply the pieces, the first one included",
    2**5: "that is 2⁵: each layer multiplies the pieces by its width; what is the width here?",
    5**3: "that is 5³ = 5 · 5 · 5: the two numbers are swapped. There are 5 layers, "
    "and each layer multiplies the pieces by the width",
    3 + 5: "that is 3 + 5, the width plus the depth; each layer multiplies the pieces by the width",
    3**5 - 1: "that counts the kinks inside the interval, not the pieces: 2 kinks inside "
    "cut it into 3 pieces, one more than the kinks",
    3 ^ 5: "if you typed 3^5: in Python `^` is not the power (`3 ^ 5` is 6). Write the "
    "power with `**`, as in `2 ** 3`",
}


#: A count is a whole number. A float within round-off of a whole count (243.00000000000017,
#: from a float formula) is told so, with all its digits: a right value, printed
#: rounded and called wrong ("you predicted 24; that is not it"), would puzzle.
NEAR_WHOLE_RTOL = 1e-6
NOT_WHOLE = (
    "a count is a whole number, and yours has a round-off error from a calculation with "
    "floats. Return the exact whole number: compute it with whole numbers only (`+`, `*` "
    "and `**` on whole numbers are exact; `/` and math functions such as math.exp give floats)"
)


def _digits(x) -> str:
    """A number with every digit that tells it from its neighbours (243.00000000000017, not 243)."""
    value, _ = _number(x)
    if value is None or value.is_integer():
        return _fmt(x)
    return repr(value)


def _near_whole(got, want) -> bool:
    """True if ``got`` is a number within round-off of the whole number ``want``, but not it."""
    value, _ = _number(got)
    return (
        value is not None and value != want and math.isclose(value, want, rel_tol=NEAR_WHOLE_RTOL)
    )


@exercise("4.1", "pieces of zigzag_network(depth=5, width=3)")
def check_zigzag_pieces(pieces) -> bool:
    """Exercise 4.1, predict first: the pieces of zigzag_network(depth=5, width=3) on [0, 1].

    The first wrong try is told what it is (where the check knows the mistake) and a hint,
    not the answer; the second wrong try is told the answer and why.

    Hints, one more for each wrong try:
    - count the pieces for depth 1 and depth 2 first: what does each new layer do to every
      piece?
    - depth 1 has 3 pieces; a second layer folds each of them 3 times, 3·3 = 9; go on
    """
    name = "pieces of zigzag_network(depth=5, width=3)"
    if not a_function(name, pieces, "pieces"):  # `pieces = 3 ** 5`: not a cell left unrun
        return False
    got = learner_number(name, pieces)
    if got is None:
        return False
    if _near_whole(got, ZIGZAG_PIECES):
        print(f"{FAIL} {name}: you returned {_digits(got)}: close to {ZIGZAG_PIECES}, but not it")
        hint(NOT_WHOLE)
        return False
    return check_prediction(
        name, got, ZIGZAG_PIECES, _ZIGZAG_WHY, _ZIGZAG_MISSES, hide_first_try_of="4.1"
    )


def _ref_count(sizes):
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


#: The last layer only: `total = ...` where `total += ...` belongs, or
#: a `+=` whose `total = 0` is inside the loop, told by _reset_in_loop.
KEPT_LAST = (
    "you kept only the last layer: each pass of the loop replaced the total. Write "
    "`total += ...` (add to it), not `total = ...`"
)
RESET_IN_LOOP = (
    "you kept only the last layer: {reset} is inside the loop, so each pass starts the "
    "count again. Start the count once, before the loop"
)


def _reset_in_loop(fn) -> str | None:
    """The statement of ``fn`` that sets a count back inside a loop which also adds to it
    (`total = 0` before `total += ...`, both in the loop), in backquotes; None if there is
    none or the source cannot be read."""
    read = learner_source(fn)
    if read is None:
        return None
    for loop in ast.walk(read[1]):
        if not isinstance(loop, (ast.For, ast.While)):
            continue
        inside = [node for stmt in loop.body for node in ast.walk(stmt)]
        added = {
            n.target.id
            for n in inside
            if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)
        }
        sets = []  # (statement, names it sets, names its value uses)
        for n in inside:
            if isinstance(n, ast.Assign):
                names = {t.id for t in n.targets if isinstance(t, ast.Name)}
                uses = {m.id for m in ast.walk(n.value) if isinstance(m, ast.Name)}
                added |= names & uses  # `total = total + ...` adds too
                sets.append((n, names, uses))
        for n, names, uses in sets:
            if (names & added) - uses:
                return f"`{ast.unparse(n)}`"
    return None


#: Usual wrong counts of exercise 4.2, each the function it computes and what it is.
_COUNT_MISTAKES = [
    (
        lambda pairs: pairs[0][0] + sum(b for _, b in pairs),
        "the sizes are added up: a Linear(a, b) layer has a·b weights (one for every input "
        "and output pair) and b biases",
    ),
    (
        lambda pairs: sum(a * b for a, b in pairs) + pairs[0][0] + sum(b for _, b in pairs),
        "you counted a bias for each input too (sizes[0] of them): only the outputs of a layer "
        "have biases, so sizes[0] adds none",
    ),
    (
        lambda pairs: sum(a * b for a, b in pairs),
        "you counted only the weights: every output unit also has a bias",
    ),
    (
        lambda pairs: sum(a * b + 1 for a, b in pairs),
        "you counted one bias per layer: each output unit of a layer has its own bias, so a "
        "Linear(a, b) layer has b biases",
    ),
    (
        # sum(a + b), which the general hint does not name
        lambda pairs: sum(a + b for a, b in pairs),
        "you added the two sizes of each layer, a + b. A Linear(a, b) layer has a·b weights "
        "(one for every pair of an input and an output), plus b biases: (a + 1)·b in all",
    ),
    (
        lambda pairs: sum(a * b + a for a, b in pairs),
        "there is one bias per output of a layer, not per input",
    ),
    (
        lambda pairs: sum((a + 1) * b for a, b in pairs[:-1]),
        "the last layer (the read-out) is not counted: the loop stops one layer early. "
        "A list of n sizes gives n - 1 layers, one per pair of consecutive sizes",
    ),
    (
        lambda pairs: sum((a + 1) * b for a, b in pairs[1:]),
        "the first layer is not counted: it starts at the pair (sizes[1], sizes[2]). The "
        "first layer takes the inputs, (sizes[0], sizes[1])",
    ),
    (
        lambda pairs: sum((a + 1) * (b + 1) for a, b in pairs),
        "(a + 1)·(b + 1) adds 1 to the outputs too, as if there were one more output unit: "
        "a layer has a·b weights and b biases, (a + 1)·b in all",
    ),
    (
        lambda pairs: (pairs[0][0] + 1) * pairs[0][1],
        "you counted only the first layer: add (a + 1)·b for every pair of consecutive "
        "sizes. (If `return` is inside the loop, the function stops after its first pass.)",
    ),
    (
        # `total = ...` instead of `total += ...`
        lambda pairs: (pairs[-1][0] + 1) * pairs[-1][1],
        KEPT_LAST,
    ),
    (
        lambda pairs: sum(s * s + s for s in [pairs[0][0]] + [b for _, b in pairs]),
        "you counted s·s + s for each size s on its own: a layer joins two sizes, so "
        "Linear(a, b) has a·b weights and b biases; loop over consecutive pairs",
    ),
    (
        lambda pairs: sum(a * b for a, b in pairs) + pairs[-1][1],
        "you counted biases only for the last layer: every layer, hidden ones included, has "
        "one bias per output",
    ),
    (
        lambda pairs: sum(a * b for a, b in pairs) + sum(b for _, b in pairs[:-1]),
        "you counted biases only for the hidden layers: the last layer (the read-out) has "
        "one bias per output too",
    ),
]


# What an exception of a count_params usually means (a loop over range(len(sizes))
# reads sizes[i + 1] past the end, and a bare IndexError does not say why).
ONE_STEP_TOO_FAR = (
    "your loop goes one step too far: sizes[i + 1] does not exist for the last i. A list of "
    "n sizes has only n - 1 layers (pairs of consecutive sizes): stop one step earlier"
)
# `total == 0` for `total = 0` raises UnboundLocalError, and the general hint speaks of a
# NameError, not of the `==`.
NO_VALUE_YET = (
    "an UnboundLocalError means a line uses a name before any line of your function has "
    "given it a value. Did you write `==` (which compares) where you meant `=` (which gives "
    "a value), as in `total = 0`?"
)
COUNT_ERRORS = [(IndexError, "", ONE_STEP_TOO_FAR), (UnboundLocalError, "", NO_VALUE_YET)]
# A loop of sizes.pop(0) counts right but empties the caller's list.
CHANGED_SIZES = (
    "count_params changed the list you gave it (for example with sizes.pop): read the sizes "
    "as sizes[i] and sizes[i + 1] without removing any, so that the list is still whole after "
    "the call"
)


NO_RETURN = (
    "None is Python's word for 'no value': your function gave nothing back. "
    "End it with `return` and the name of your count (`return total` if you called it "
    "total); `print` only shows the number."
)


@exercise("4.2", "count_params")
def check_count_params(count_params) -> bool:
    """Exercise 4.2: trainable numbers of an MLP with layer sizes [n0, n1, ..., nL].

    Hints, one more for each wrong try:
    - count the numbers of one Linear(a, b) layer first: its weight matrix and its biases
    - a Linear(a, b) layer has a·b weights and b biases; add that over consecutive sizes
    """
    cases = [[1, 2, 1], [2, 16, 2], [64, 32, 16, 16, 10], [1, 3, 3, 3, 1], [5, 1], [3, 4, 5]]
    counts = []
    for sizes in cases:
        given = list(sizes)
        ok, got = run(
            "count_params", count_params, given, where=f"on {sizes}", error_hint=COUNT_ERRORS
        )
        if not ok:
            return False
        if given != sizes:
            print(f"{FAIL} count_params({sizes}) changed the list it was given: it is now {given}")
            hint(CHANGED_SIZES)
            return False
        counts.append(_whole(got))
        if counts[-1] is None:
            _not_whole(sizes, got)
            return False
    wrong = [(s, c) for s, c in zip(cases, counts) if c != _ref_count(s)]
    if not wrong:
        print(f"{PASS} count_params: correct for all {len(cases)} networks")
        return True
    sizes, count = wrong[0]
    print(f"{FAIL} count_params({sizes}): got {count}, expected {_ref_count(sizes)}")
    # name a mistake only when it gives the learner's count on every network
    for mistake, why in _COUNT_MISTAKES:
        made = [mistake(list(zip(s[:-1], s[1:]))) for s in cases]
        if made == counts:
            reset = why is KEPT_LAST and _reset_in_loop(count_params)
            hint(RESET_IN_LOOP.format(reset=reset) if reset else why)
            break
    return False


def _not_whole(sizes, got) -> None:
    """Say why count_params(sizes) gave ``got``, which is not a whole number."""
    want = _ref_count(sizes)
    print(f"{FAIL} count_params({sizes}): got {_digits(got)}, expected a whole number")
    if got is None:
        hint(NO_RETURN)
    elif _near_whole(got, want):
        hint(
            f"{_digits(got)} is close to {want}, the right count, but it is not {want}: {NOT_WHOLE}"
        )
    else:
        hint("return one whole number: the count.")


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
                    f"the output of model.layers[{i}], a Linear layer: what goes into "
                    f"the activation of hidden layer {hidden + 1}, before that "
                    "activation has run",
                )
            )
        else:
            hidden += 1
            outputs.append((H, f"hidden layer {hidden}'s output"))
    return outputs


def _layers(n: int) -> str:
    """'1 layer', '2 layers'."""
    return f"{n} layer" if n == 1 else f"{n} layers"


class _Counted:
    """Wraps the ``forward`` of every layer of ``model`` to record each call's input."""

    def __init__(self, model):
        self.inputs = [[] for _ in model.layers]
        for i, layer in enumerate(model.layers):
            layer.forward = self._recording(i, layer.forward)

    def _recording(self, i, forward):
        def recorded(H, *args, **kwargs):
            self.inputs[i].append(np.array(H, dtype=float, copy=True))
            return forward(H, *args, **kwargs)

        return recorded

    def reset(self):
        for calls in self.inputs:
            calls.clear()


# Usual wrong ways to run the layers of exercise 4.3. Each gets the hidden layer k, whether the
# numbers are right, the indices of the layers that ran, every layer's recorded inputs and X;
# it returns (what went wrong, the hint) when it recognises the mistake, else None.
def _only_one_ran(k, right, ran, inputs, X):
    if not right and len(ran) == 1 and ran != [0]:
        return (
            f"only one layer ran, model.layers[{ran[0]}]; model.layers[0] was never run",
            f"only one layer ran: hidden layer {k} needs model.layers[0] to "
            f"model.layers[{2 * k - 1}], each run on the output of the one before",
        )


def _first_never_ran(k, right, ran, inputs, X):
    if not right and ran and 0 not in ran:
        return (
            "model.layers[0] was never run",
            "model.layers[0] was never run: the first Linear layer is model.layers[0] "
            "(Python counts from 0), so start there",
        )


def _given_x(k, right, ran, inputs, X):
    given_x = [i for i in ran if i > 0 and any(matches(H, X) for H in inputs[i])]
    if given_x:
        return (
            f"model.layers[{given_x[0]}] was given X",
            "every layer was given X instead of the previous layer's output: "
            "keep the output in H and give H to the next layer, H = layer.forward(H)",
        )


def _ran_too_far(k, right, ran, inputs, X):
    if right and max(ran, default=0) >= 2 * k:
        return (
            f"the right numbers, but it ran model.layers[{max(ran)}] too, "
            f"beyond hidden layer {k} (which ends with model.layers[{2 * k - 1}])",
            "run the layers yourself, one forward each, and stop after hidden layer k: "
            "representations.layer_outputs and model.forward run the whole network",
        )


_LAYER_MISTAKES = (_only_one_ran, _first_never_ran, _given_x, _ran_too_far)


def _which_output(k, i, name):
    """The hint for a learner's array that equals ``name``, the output of model.layers[i]."""
    last = 2 * k - 1  # hidden layer k ends with model.layers[2 * k - 1]
    if i == last:
        return f"that is {name}"
    # it ran past hidden layer k, or stopped before its end: say which, and where
    off = (
        f"It ran {_layers(i - last)} too many"
        if i > last
        else f"It stopped {_layers(last - i)} too early"
    )
    return [
        f"that is {name}",
        f"that is {name}. {off}: hidden layer {k} ends with "
        f"model.layers[{last}], so stop after that layer",
        f"that is {name}. range(2 * k) gives i = 0, 1, ..., 2 * k - 1: for "
        f"k = {k} the last layer run is model.layers[{last}]",
    ]


def _wrong_output(call, k, arr, want, names):
    """Say why ``arr`` is not hidden layer k's output ``want``: its shape, or whose output it is."""
    if arr.shape != want.shape:
        print(
            f"{FAIL} {call}: an array of shape {arr.shape}, expected {want.shape} "
            "(one row per point of X, one column per unit)"
        )
        return
    print(f"{FAIL} {call}: the right shape, but the wrong numbers")
    same = [(i, name) for i, (out, name) in enumerate(names) if matches(arr, out)]
    if same:
        hint(_which_output(k, *same[0]))


@exercise("4.3", "layer_output")
def check_layer_output(layer_output) -> bool:
    """Exercise 4.3: the output of hidden layer k (after its activation), checked on a
    4-layer narrow network and random points; only model.layers[0] to model.layers[2 * k - 1]
    may run, once each (so representations.layer_outputs and model.forward are refused).

    Hints, one more for each wrong try:
    - the layers alternate, Linear then activation: hidden layer k ends with model.layers[2 * k - 1]
    - start at model.layers[0] and run every layer up to model.layers[2 * k - 1], in order
    - keep the latest output in one variable: start with H = X, and give H to the next layer
      (H = layer.forward(H))
    - a loop over i in range(2 * k) runs model.layers[0] to model.layers[2 * k - 1]
    """
    from .. import representations

    model = representations.narrow_network(depth=4, seed=3)
    X = np.random.default_rng(3).normal(size=(7, 2))
    want = representations.layer_outputs(model, X)
    names = _layer_names(model, X)
    counted = _Counted(model)
    for k in range(1, len(want)):
        call = f"layer_output(model, X, {k})"
        counted.reset()
        ok, got = run("layer_output", layer_output, model, X.copy(), k, where=f"as {call}")
        if not ok:
            return False
        arr, why = _array(got)
        if arr is None:
            print(f"{FAIL} {call}: expected an array; it {why}")
            return False
        right = matches(arr, want[k])
        ran = [i for i, calls in enumerate(counted.inputs) if calls]
        for mistake in _LAYER_MISTAKES:
            found = mistake(k, right, ran, counted.inputs, X)
            if found:
                print(f"{FAIL} {call}: {found[0]}")
                hint(found[1])
                return False
        if not right:
            _wrong_output(call, k, arr, want[k], names)
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
