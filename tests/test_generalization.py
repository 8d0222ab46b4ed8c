"""helpers.generalization: the split, the training loop with a validation loss and early
stopping, and the claim that L2 = weight decay for SGD but not for an adaptive optimiser."""

import numpy as np
import pytest

from helpers import data, nn, optim
from helpers import generalization as gen


def test_split_is_a_partition_with_the_given_sizes():
    tr, va, te = gen.split(100, (0.5, 0.3, 0.2), seed=1)
    assert (len(tr), len(va), len(te)) == (50, 30, 20)
    assert sorted(np.concatenate([tr, va, te]).tolist()) == list(range(100))
    with pytest.raises(ValueError, match="split: fractions must be three positive"):
        gen.split(10, (0.5, 0.5))
    with pytest.raises(ValueError, match="split: n must be a whole number >= 3"):
        gen.split(2)


def test_l2_in_the_gradient_equals_weight_decay_for_sgd():
    rng = np.random.default_rng(0)
    w, g = rng.normal(size=5), rng.normal(size=5)
    np.testing.assert_allclose(
        gen.sgd_step_with_l2(w, g, 0.1, 0.01),
        gen.sgd_step_with_l2(w, g, 0.1, 0.01, decoupled=True),
        rtol=1e-15,
        atol=1e-16,
    )


def test_sgd_weight_decay_is_the_gradient_of_the_l2_term():
    # helpers.optim.SGD(weight_decay=λ) makes the same step as plain SGD on L + λ/2·‖w‖²,
    # for every parameter it is given, biases included
    lin = nn.Linear(3, 2, rng=0)
    lin.b.data[...] = [0.5, -1.0]  # biases start at 0: make them not
    X = np.random.default_rng(1).normal(size=(4, 3))
    lin.forward(X)
    lin.backward(np.ones((4, 2)))
    grads = [p.grad.copy() for p in lin.parameters()]
    before = [p.data.copy() for p in lin.parameters()]
    optim.SGD(lin.parameters(), lr=0.1, weight_decay=0.05).step()
    for p, w, g in zip(lin.parameters(), before, grads):
        np.testing.assert_allclose(p.data, w - 0.1 * (g + 0.05 * w), rtol=1e-14)
        assert not np.allclose(p.data, w - 0.1 * g)  # the decay did act (biases too)


def test_l2_and_decoupled_decay_differ_for_rmsprop():
    w, g, v = np.array([2.0, -0.1]), np.array([0.5, 0.01]), np.zeros(2)
    coupled, _ = gen.rmsprop_step(w, g, v, lr=0.01, lam=0.1)
    decoupled, _ = gen.rmsprop_step(w, g, v, lr=0.01, lam=0.1, decoupled=True)
    assert not np.allclose(coupled, decoupled)
    # decoupled: the decay is lr·lam·w on top of the adaptive step of the data gradient alone
    adaptive, _ = gen.rmsprop_step(w, g, v, lr=0.01, lam=0.0)
    np.testing.assert_allclose(decoupled, adaptive - 0.01 * 0.1 * w, rtol=1e-14)


def _wide(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(
        nn.Linear(2, 64, "he", rng),
        nn.ReLU(),
        nn.Linear(64, 64, "he", rng),
        nn.ReLU(),
        nn.Linear(64, 2, "xavier", rng),
    )


def test_wide_network_on_few_noisy_points_overfits_and_l2_helps():
    X, y = data.make_moons(n=120, noise=0.35, seed=3)
    tr, va, _ = gen.split(len(y), (0.25, 0.375, 0.375), seed=0)
    plain = gen.train_with_validation(_wide(), X[tr], y[tr], X[va], y[va], steps=500)
    l2 = gen.train_with_validation(
        _wide(), X[tr], y[tr], X[va], y[va], steps=500, weight_decay=1e-2
    )
    assert plain["train"][-1] < 0.01 and plain["val"][-1] > 2 * plain["best_val"]
    assert l2["val"][-1] < 1.1 * l2["best_val"] < plain["val"][-1]
    assert plain["best_step"] < 200


def test_best_params_are_those_of_the_best_step():
    X, y = data.make_moons(n=60, noise=0.3, seed=1)
    tr, va, _ = gen.split(len(y), seed=0)
    model = _wide()
    r = gen.train_with_validation(model, X[tr], y[tr], X[va], y[va], steps=300)
    gen.restore(model, r["best_params"])
    val = nn.SoftmaxCrossEntropy().forward(model.forward(X[va]), y[va])
    assert val == pytest.approx(r["best_val"], rel=1e-12)
    with pytest.raises(ValueError, match="restore: params must match"):
        gen.restore(model, r["best_params"][:-1])
