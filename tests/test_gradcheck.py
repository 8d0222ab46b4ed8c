"""The gradient checker's own tests: it passes correct layers, flags wrong ones (naming the
parameter and the entries), explains kinks, float32 and broadcast shapes, and restores
every perturbed entry."""

import numpy as np
import pytest

from helpers import gradcheck, nn


def model_and_data(seed=0, act=nn.Tanh, batch=4):
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), act(), nn.Linear(4, 2, rng=rng))
    for p in model.parameters():
        p.data += 0.1 * rng.normal(size=p.shape) + 0.05
    return model, rng.normal(size=(batch, 3)) + 0.1, rng


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = gradcheck.numerical_gradient(lambda: float(np.sum(np.sin(x) * x)), x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-8)


def test_numerical_gradient_restores_entries_even_on_exceptions():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f():
        calls.append(x.copy())
        if len(calls) == 2:
            raise ZeroDivisionError("boom")
        return float(x.sum())

    with pytest.raises(ZeroDivisionError):
        gradcheck.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    assert calls[0][0] == 1.0 + 1e-6


def test_correct_model_passes_and_every_array_is_checked():
    model, X, rng = model_and_data()
    y = rng.integers(0, 2, len(X))
    report = gradcheck.check_gradients(model, X, y, loss=nn.SoftmaxCrossEntropy())
    assert report.ok, str(report)
    assert [c.name for c in report.checks] == [
        "Linear0.W",
        "Linear0.b",
        "Linear2.W",
        "Linear2.b",
        "input X",
    ]
    assert all(c.max_error < 1e-6 for c in report.checks)
    assert "all gradients agree" in str(report)


def test_model_is_left_as_at_the_unperturbed_point():
    model, X, _ = model_and_data(1)
    before = [p.data.copy() for p in model.parameters()]
    X0 = X.copy()
    report = gradcheck.check_gradients(model, X)
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, b)
        np.testing.assert_array_equal(p.grad, report[p.name].analytic)
    np.testing.assert_array_equal(X, X0)


class ScaledWGrad(nn.Linear):
    """A deliberately wrong backward: dW is multiplied by `factor`."""

    factor = 1.0

    def backward(self, dY, input_grad=True):
        dX = super().backward(dY, input_grad)
        self.W.grad = self.W.grad * self.factor
        return dX


@pytest.mark.parametrize(
    "factor,words",
    [(-1.0, "sign"), (4.0, "batch size"), (0.25, "1/N"), (2.0, "2"), (3.0, "factor 3")],
)
def test_wrong_backward_is_flagged_and_the_parameter_named(factor, words):
    rng = np.random.default_rng(0)
    layer = ScaledWGrad(3, 2, rng=rng)
    layer.factor = factor
    X = rng.normal(size=(4, 3))
    report = gradcheck.check_gradients(layer, X)
    assert not report.ok
    assert report.failed == ["Linear.W"]  # b and the input are right
    bad = report["Linear.W"]
    assert bad.max_error > 0.1 and bad.entries
    assert words in bad.cause
    text = str(report)
    assert "Linear.W" in text and "WRONG" in text and "likely cause" in text


class BiasSummedToScalar(nn.Linear):
    def backward(self, dY, input_grad=True):
        dX = super().backward(dY, input_grad)
        self.b.grad = dY.sum()  # a scalar: would broadcast in b -= lr * grad
        return dX


class BiasKeepdims(nn.Linear):
    def backward(self, dY, input_grad=True):
        dX = super().backward(dY, input_grad)
        self.b.grad = dY.sum(axis=0, keepdims=True)
        return dX


@pytest.mark.parametrize("cls,shape", [(BiasSummedToScalar, "()"), (BiasKeepdims, "(1, 2)")])
def test_wrong_gradient_shape_is_flagged_as_broadcasting(cls, shape):
    rng = np.random.default_rng(0)
    report = gradcheck.check_gradients(cls(3, 2, rng=rng), rng.normal(size=(5, 3)))
    assert report.failed == ["Linear.b"]
    assert shape in report["Linear.b"].cause and "broadcast" in report["Linear.b"].cause


class ReversedColumns(nn.Module):
    """Identity forward, but backward swaps the columns of dY: invisible with an all-ones
    upstream gradient, visible with a random one."""

    def forward(self, X):
        return X * 1.0

    def backward(self, dY):
        return dY[:, ::-1]


def test_random_upstream_gradient_catches_what_all_ones_would_hide():
    X = np.random.default_rng(0).normal(size=(3, 4))
    G = np.ones((3, 4))
    np.testing.assert_array_equal(ReversedColumns().backward(G), G)  # all ones: hidden
    report = gradcheck.check_gradients(ReversedColumns(), X)
    assert report.failed == ["input X"]


def test_relu_kink_within_h_is_explained():
    X = np.array([[0.5, -1.0, 3e-7], [2.0, -0.3, 1.0]])
    report = gradcheck.check_gradients(nn.ReLU(), X)
    assert not report.ok
    check = report["input X"]
    assert [e[0] for e in check.entries] == [(0, 2)]
    assert "kink" in check.cause
    # away from the kink the same layer passes
    assert gradcheck.check_gradients(nn.ReLU(), X + 0.01).ok


def test_kink_inside_a_model_is_explained():
    model, X, _ = model_and_data(2, act=nn.ReLU)
    Z = X @ model[0].W.data + model[0].b.data
    # move one sample so that hidden unit 1 sits just next to its kink
    X[0] -= (Z[0, 1] - 2e-7) * model[0].W.data[:, 1] / np.sum(model[0].W.data[:, 1] ** 2)
    report = gradcheck.check_gradients(model, X)
    assert not report.ok
    assert all("kink" in report[name].cause for name in report.failed)


def test_float32_input_is_diagnosed():
    model, X, _ = model_and_data(3)
    report = gradcheck.check_gradients(model, X.astype(np.float32))
    assert report.failed == ["input X"]
    assert "float32" in report["input X"].cause
    assert gradcheck.check_gradients(model, X).ok


def test_missing_gradient_and_non_finite_gradient_are_reported():
    class NoInputGrad(nn.Tanh):
        def backward(self, dY):
            super().backward(dY)
            return None

    report = gradcheck.check_gradients(NoInputGrad(), np.ones((2, 2)))
    assert "None" in report["input X"].cause

    class NanGrad(nn.Tanh):
        def backward(self, dY):
            return super().backward(dY) * np.nan

    report = gradcheck.check_gradients(NanGrad(), np.ones((2, 2)))
    assert "inf or NaN" in report["input X"].cause


def test_verbose_prints_and_relative_error_has_a_floor(capsys):
    gradcheck.check_gradients(nn.Tanh(), np.ones((1, 2)), verbose=True)
    assert "input X" in capsys.readouterr().out
    np.testing.assert_array_equal(gradcheck.relative_error([0.0, 1.0], [0.0, 1.0]), [0, 0])
    assert gradcheck.relative_error([1e-12], [0.0])[0] == pytest.approx(1e-4)
    with pytest.raises(KeyError, match="have"):
        gradcheck.check_gradients(nn.Tanh(), np.ones((1, 2)))["W"]


def test_check_gradients_restores_parameters_when_forward_raises():
    class Flaky(nn.Linear):
        calls = 0

        def forward(self, X):
            Flaky.calls += 1
            if Flaky.calls == 4:  # during the numerical pass
                raise FloatingPointError("boom")
            return super().forward(X)

    rng = np.random.default_rng(7)
    layer = Flaky(2, 2, rng=rng)
    before = [p.data.copy() for p in layer.parameters()]
    with pytest.raises(FloatingPointError, match="boom"):
        gradcheck.check_gradients(layer, rng.normal(size=(3, 2)))
    for p, b in zip(layer.parameters(), before):
        np.testing.assert_array_equal(p.data, b)


class _RoundsLikeAnotherCPU(nn.Module):
    """Y = X, plus a few ulps of rounding that depend on the bits of a parameter ``c`` (as the
    rounding of a real kernel depends on the bits of its inputs). Mathematically ``c`` has no
    effect, so its gradient is exactly 0; its central differences are rounding noise of the
    size ε·|Y|/h, and which noise depends on the CPU."""

    def __init__(self, n):
        self.c = nn.Parameter(np.linspace(0.5, 0.9, n), "c")
        self.name = "RoundsLikeAnotherCPU"

    def forward(self, X):
        bits = self.c.data.view(np.uint64)
        ulps = ((bits * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(61)).astype(np.int64) - 3
        return X + ulps * np.spacing(X) * 8  # up to ±32 ulps: a sum of many terms

    def backward(self, dY, input_grad=True):
        self.c.grad = np.zeros_like(self.c.data)
        return dY

    def parameters(self):
        return [self.c]


def test_a_gradient_that_is_zero_passes_although_its_differences_are_rounding_noise():
    X = np.random.default_rng(0).normal(size=(20, 6))
    report = gradcheck.check_gradients(_RoundsLikeAnotherCPU(6), X)
    assert np.any(report["c"].numerical != 0), "the test needs noise to mean anything"
    assert report.ok, str(report)


def test_the_noise_floor_still_catches_a_small_wrong_gradient():
    model, X, rng = model_and_data(2)
    y = rng.integers(0, 2, len(X))

    class Off(nn.Sequential):
        def backward(self, dY, input_grad=True):
            dX = super().backward(dY, input_grad)
            self.layers[0].b.grad = self.layers[0].b.grad + 1e-6  # off by 1e-6 only
            return dX

    bad = Off(*model.layers)
    report = gradcheck.check_gradients(bad, X, y, loss=nn.SoftmaxCrossEntropy())
    assert report.failed == ["Linear0.b"], str(report)
