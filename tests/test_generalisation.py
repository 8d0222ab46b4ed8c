"""helpers.generalisation: the split, the training loop with a validation loss and early
stopping, and the claim that L2 = weight decay for SGD but not for an adaptive optimiser."""

import numpy as np
import pytest

from helpers import data, nn, optim
from helpers import generalisation as gen


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


def test_rmsprop_first_step_is_about_three_learning_rates_whatever_the_gradient():
    """No bias correction: v = 0.1·g² after one step, so the step is lr/√0.1 ≈ 3.16·lr."""
    w, v = np.zeros(3), np.zeros(3)
    g = np.array([1e-3, -1.0, 100.0])
    stepped, v = gen.rmsprop_step(w, g, v, lr=0.01, lam=0.0)
    np.testing.assert_allclose(v, 0.1 * g**2, rtol=1e-15)
    np.testing.assert_allclose(stepped, -0.01 / np.sqrt(0.1) * np.sign(g), rtol=1e-4)
    assert abs(stepped[0]) == pytest.approx(0.0316, abs=1e-4)


def test_momentum_makes_weight_decay_shrink_by_one_minus_eta_lambda_over_one_minus_mu():
    """Issue 23: with momentum 0.9 the coupled decay shrinks ten times faster than 1 − ηλ."""
    lr, mu, lam = 0.1, 0.9, 1e-3
    p = nn.Parameter(np.ones(1))
    opt = optim.SGD([p], lr=lr, momentum=mu, weight_decay=lam)
    for _ in range(300):  # p.grad stays 0: only the decay acts
        opt.step()
    before = float(p.data[0])
    opt.step()
    factor = float(p.data[0]) / before
    assert factor == pytest.approx(1 - lr * lam / (1 - mu), abs=2e-5)  # 0.9990
    assert abs(factor - (1 - lr * lam)) > 8e-4  # not 0.99990
    # exactly: the larger root of r² − (1 + μ − ηλ) r + μ = 0
    root = max(np.roots([1.0, -(1 + mu - lr * lam), mu]).real)
    assert factor == pytest.approx(root, abs=1e-7)
    without = optim.SGD([nn.Parameter(np.ones(1))], lr=lr, weight_decay=lam)
    without.step()
    assert float(without.params[0].data[0]) == pytest.approx(1 - lr * lam, rel=1e-15)


def test_standard_error_of_a_45_point_test_set_is_about_five_points():
    assert gen.standard_error(0.8, 45) == pytest.approx(0.0596, abs=1e-4)
    assert 0.044 < gen.standard_error(0.9, 45) < gen.standard_error(0.7, 45) < 0.07
    assert gen.standard_error(1.0, 45) == 0.0
    with pytest.raises(ValueError, match="standard_error"):
        gen.standard_error(1.5, 45)


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


def test_lesson_test_set_comparison_is_about_one_standard_error():
    """Lesson 04 section 4: on 45 test points early stopping beats the overfitted network by
    3 points (40 against 37 of 45), about one standard error (5-6 percentage points)."""
    X, y = data.make_moons(n=120, noise=0.35, seed=3)
    tr, va, te = gen.split(len(y), (0.25, 0.375, 0.375), seed=0)
    model = _wide()
    plain = gen.train_with_validation(model, X[tr], y[tr], X[va], y[va], steps=500, lr=0.1)
    early = _wide()
    gen.restore(early, plain["best_params"])
    last, best = (nn.accuracy(m.forward(X[te]), y[te]) for m in (model, early))
    assert (round(last * 45), round(best * 45)) == (37, 40)
    errors = [gen.standard_error(p, 45) for p in (last, best)]
    assert all(0.045 < e < 0.06 for e in errors)
    assert 1 <= (best - last) / max(errors) < 1.5  # about one standard error
