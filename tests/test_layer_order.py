"""helpers.layer_order: backprop through layers (last first), with and without stored values.

Both ways give the gradient of finite differences and of the scalar engine; their counts of
multiplications match the closed form; recomputing costs more, and more so the deeper the net.
"""

import numpy as np
import pytest

from helpers import layer_order as lo
from helpers.autodiff import Value


def problem(sizes, n=5, seed=1):
    rng = np.random.default_rng(seed)
    return (
        lo.init(sizes, seed=seed),
        rng.normal(size=(n, sizes[0])),
        rng.normal(size=(n, sizes[-1])),
    )


def loss(params, X, Y):
    return float(np.sum((lo.forward(params, X)[-1] - Y) ** 2) / (2 * len(Y)))


def test_layers_receive_their_gradients_last_first():
    params, X, Y = problem([3, 4, 5, 4, 2])
    for way in (lo.backprop, lo.backprop_recomputing):
        _, order, _ = way(params, X, Y)
        assert order == [4, 3, 2, 1]


def test_gradients_agree_with_finite_differences():
    params, X, Y = problem([3, 4, 4, 2])
    grads, _, _ = lo.backprop(params, X, Y)
    h = 1e-6
    for (W, b), (dW, db) in zip(params, grads):
        for P, dP in ((W, dW), (b, db)):
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + h
                up = loss(params, X, Y)
                P[idx] = old - h
                down = loss(params, X, Y)
                P[idx] = old
                assert abs((up - down) / (2 * h) - dP[idx]) < 1e-7 * max(1.0, abs(dP[idx]))


def test_gradients_agree_with_the_scalar_engine():
    params, X, Y = problem([2, 3, 1], n=3)
    grads, _, _ = lo.backprop(params, X, Y)
    W = [[[Value(float(w)) for w in row] for row in Wk] for Wk, _ in params]
    B = [[Value(float(v)) for v in bk] for _, bk in params]
    total = Value(0.0)
    for x, y in zip(X, Y):
        a = [Value(float(v)) for v in x]
        for k in range(len(params)):
            z = [sum((a[i] * W[k][i][j] for i in range(len(a))), B[k][j]) for j in range(len(B[k]))]
            a = z if k == len(params) - 1 else [v.tanh() for v in z]
        total = total + sum(((o - float(t)) ** 2 for o, t in zip(a, y)), Value(0.0))
    (total / (2 * len(Y))).backward()
    for k, (dW, db) in enumerate(grads):
        np.testing.assert_allclose([[w.grad for w in row] for row in W[k]], dW, rtol=1e-10)
        np.testing.assert_allclose([v.grad for v in B[k]], db, rtol=1e-10, atol=1e-15)


def test_recomputing_gives_the_same_gradients_bit_for_bit_and_costs_more():
    params, X, Y = problem([3, 8, 8, 8, 2])
    stored, _, n_stored = lo.backprop(params, X, Y)
    again, _, n_again = lo.backprop_recomputing(params, X, Y)
    for (dW, db), (dW2, db2) in zip(stored, again):
        assert np.array_equal(dW, dW2) and np.array_equal(db, db2)
    assert n_again > n_stored


@pytest.mark.parametrize(
    "sizes, batch", [([3, 2], 4), ([2, 16, 16, 1], 32), ([5, 7, 3, 9, 2, 4], 6)]
)
def test_counts_match_the_closed_form(sizes, batch):
    params, X, Y = problem(sizes, n=batch)
    want = lo.multiplications(sizes, batch)
    _, _, n_stored = lo.backprop(params, X, Y)
    _, _, n_again = lo.backprop_recomputing(params, X, Y)
    assert n_stored == want["forward"] + want["backward_stored"]
    assert n_again == want["forward"] + want["backward_recomputing"]


def test_the_saving_grows_with_depth():
    ratios = []
    for depth in (2, 4, 8, 16):
        c = lo.multiplications([16] * (depth + 1), 32)
        ratios.append(c["backward_recomputing"] / c["backward_stored"])
    assert ratios == sorted(ratios) and ratios[-1] > 3 * ratios[0]


def test_the_lesson_network_backward_pass_is_about_twice_the_forward_pass():
    """Issue 23: the backward pass alone costs about 2x a forward pass; the whole gradient
    (forward + backward) about 3x, for lesson 03's network and batch."""
    c = lo.multiplications([2, 16, 16, 16, 16, 2], 64)
    assert (c["forward"], c["backward_stored"]) == (53_248, 112_640)
    assert round(c["backward_stored"] / c["forward"], 2) == 2.12
    assert round((c["forward"] + c["backward_stored"]) / c["forward"], 2) == 3.12


@pytest.mark.parametrize(
    "depth, every, store, recompute, checkpoints",
    [
        (5, 2, (4, 5), (1, 15), (3, 7)),
        (16, 4, (15, 16), (1, 136), (6, 28)),
        (64, 8, (63, 64), (1, 2080), (14, 120)),
    ],
)
def test_memory_and_work_of_the_three_ways(depth, every, store, recompute, checkpoints):
    got = lo.memory_and_work(depth)
    assert got["every"] == every
    for way, (kept, evaluations) in [
        ("store all", store),
        ("recompute all", recompute),
        ("checkpoints", checkpoints),
    ]:
        assert (got[way]["kept"], got[way]["evaluations"]) == (kept, evaluations), way


@pytest.mark.parametrize("depth", [4, 9, 25, 100, 400])
def test_checkpoints_cost_one_extra_forward_pass_and_about_two_root_depth_memory(depth):
    got = lo.memory_and_work(depth)
    root = depth**0.5
    assert depth < got["checkpoints"]["evaluations"] < 2 * depth
    assert got["checkpoints"]["kept"] <= 2 * root
    assert got["recompute all"]["evaluations"] == depth + depth * (depth - 1) // 2
    assert got["store all"] == {"kept": depth - 1, "evaluations": depth}


def test_checkpointing_every_layer_is_storing_all():
    got = lo.memory_and_work(10, every=1)
    assert got["checkpoints"] == got["store all"]


@pytest.mark.parametrize(
    "call, says",
    [
        (lambda: lo.init([3]), "sizes must list at least two"),
        (lambda: lo.memory_and_work(0), "depth must be"),
        (lambda: lo.memory_and_work(5, every=6), "every must be"),
        (lambda: lo.init([3, 0, 2]), "sizes must list at least two positive"),
        (
            lambda: lo.backprop(lo.init([3, 2]), np.zeros((4, 2)), np.zeros((4, 2))),
            r"X must have shape \(N, 3\), got \(4, 2\)",
        ),
        (
            lambda: lo.backprop(lo.init([3, 2]), np.zeros((4, 3)), np.zeros((4,))),
            r"Y must have shape \(4, 2\), got \(4,\)",
        ),
    ],
)
def test_bad_input_is_named(call, says):
    with pytest.raises(ValueError, match=says):
        call()


def test_reference_maths_imports_no_plotting():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(lo))
    names = {
        a.name.split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import,))
        for a in n.names
    }
    names |= {
        n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    }
    assert names <= {"numpy", "__future__"}, names
