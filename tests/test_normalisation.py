"""helpers.normalisation: layer norm's forward (mean 0, variance 1 per row), its backward
against central differences for every array, and its errors; RMSNorm, and lesson 05's
pre-norm and post-norm gradient ratios."""

import math

import numpy as np
import pytest

from helpers import data, gradcheck, jacobians, nn, normalisation, residual
from helpers.normalisation import LayerNorm, RMSNorm, layer_norm


def test_layer_norm_rows_have_mean_0_and_variance_1():
    X = np.random.default_rng(0).normal(5.0, 3.0, size=(7, 6))
    Y = layer_norm(X, eps=0.0)
    np.testing.assert_allclose(Y.mean(axis=1), 0, atol=1e-13)
    np.testing.assert_allclose(Y.var(axis=1), 1, rtol=1e-12)


def test_layer_norm_is_independent_of_the_row_s_shift_and_scale():
    x = np.array([[0.3, -1.0, 2.5, 0.1]])
    np.testing.assert_allclose(
        layer_norm(10 + 4 * x, eps=0.0), layer_norm(x, eps=0.0), rtol=1e-12, atol=1e-14
    )


def test_module_with_unit_gain_equals_the_function():
    X = np.random.default_rng(1).normal(size=(3, 5))
    np.testing.assert_allclose(LayerNorm(5).forward(X), layer_norm(X), rtol=1e-14)


def _layer(seed=2):
    rng = np.random.default_rng(seed)
    ln = LayerNorm(5)
    ln.gamma.data[...] = rng.normal(1.0, 0.5, 5)
    ln.beta.data[...] = rng.normal(0.0, 0.5, 5)
    return ln, rng.normal(size=(4, 5))


def test_backward_matches_central_differences_for_input_gain_and_shift():
    ln, X = _layer()
    report = gradcheck.check_gradients(ln, X)
    assert report.ok, report


def test_backward_is_a_vector_jacobian_product():
    ln, X = _layer(3)
    J = jacobians.numerical_jacobian(lambda v: ln.forward(v[None, :])[0], X[0])
    u = np.random.default_rng(4).normal(size=(1, 5))
    ln.forward(X[:1])
    np.testing.assert_allclose(ln.backward(u), u @ J, rtol=1e-7, atol=1e-10)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"layer_norm: X must have shape \(N, n\)"):
        layer_norm(np.ones(4))
    with pytest.raises(ValueError, match="LayerNorm: n must be a whole number >= 2"):
        LayerNorm(1)
    with pytest.raises(ValueError, match=r"LayerNorm.forward: X must have shape \(N, 3\)"):
        LayerNorm(3).forward(np.ones((2, 4)))


def test_rms_norm_divides_by_the_root_mean_square_without_centring():
    X = np.array([[3.0, 4.0], [1.0, 1.0]])
    Y = normalisation.rms_norm(X, eps=0.0)
    np.testing.assert_allclose(Y, [[3 / math.sqrt(12.5), 4 / math.sqrt(12.5)], [1.0, 1.0]])
    assert normalisation.RMSNorm(2).forward(X).mean() > 0  # no mean subtracted


def test_rmsnorm_backward_passes_a_gradient_check():
    rng = np.random.default_rng(11)
    layer = normalisation.RMSNorm(6)
    layer.gamma.data[...] = rng.normal(1.0, 0.3, 6)
    X, dY = rng.normal(0.5, 2.0, size=(4, 6)), rng.normal(size=(4, 6))
    layer.forward(X)
    dX = layer.backward(dY)
    numeric, h = np.zeros_like(X), 1e-6
    for idx in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += h
        Xm[idx] -= h
        numeric[idx] = np.sum((layer.forward(Xp) - layer.forward(Xm)) * dY) / (2 * h)
    np.testing.assert_allclose(dX, numeric, rtol=1e-6, atol=1e-8)
    layer.forward(X)
    layer.backward(dY)
    np.testing.assert_allclose(layer.gamma.grad, np.sum(dY * normalisation.rms_norm(X), axis=0))


def _lesson_norm_stack(pre, depth=100, width=16, seed=0):
    """Lesson 05's ``norm_stack`` (going deeper: RMSNorm and pre-norm): ``depth`` blocks
    ReLU → Linear with RMSNorm at the start of each branch (pre-norm) or after each sum
    (post-norm), between a He input layer and a Xavier read-out."""
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(2, width, init="he", rng=rng)]
    for _ in range(depth):
        branch = [nn.ReLU(), nn.Linear(width, width, init="he", rng=rng)]
        if pre:
            layers.append(residual.Residual(nn.Sequential(RMSNorm(width), *branch), 1.0))
        else:
            layers += [residual.Residual(nn.Sequential(*branch), 1.0), RMSNorm(width)]
    return nn.Sequential(*layers, nn.ReLU(), nn.Linear(width, 2, init="xavier", rng=rng))


def test_lesson_claim_pre_norm_gradient_grows_18_fold_post_norm_keeps_it_at_0_83():
    """Lesson 05 prints ‖∂L/∂h‖ entering block 1 over entering block 100, at initialisation
    on two moons: 18 with pre-norm (it grows towards the input), 0.83 with post-norm (about
    the same size)."""
    X, y = data.make_moons(n=200, noise=0.1, seed=0)
    ratio = {}
    for pre in (True, False):
        net = _lesson_norm_stack(pre)
        loss = nn.SoftmaxCrossEntropy()
        loss.forward(net.forward(X), y)
        dh, sizes = loss.backward(), []
        for layer in reversed(net.layers):
            dh = layer.backward(dh)
            if isinstance(layer, residual.Residual):
                sizes.append(float(np.linalg.norm(dh)))  # entering the block
        assert len(sizes) == 100
        ratio[pre] = sizes[-1] / sizes[0]  # block 1 over block 100
    assert f"{ratio[True]:.2g}" == "18", ratio
    assert f"{ratio[False]:.2g}" == "0.83", ratio
