"""The reference answers the exercise checks compare with, each against an independent oracle.

A check is only as right as its reference. These references are short formulas written for
the checks; here each is compared with code written separately for the lessons (the layers
of ``helpers.nn`` and ``helpers.optim``, themselves checked with the gradient checker, and
``helpers.residual.Residual``) and with central differences of the forward pass, never with
a copy of itself.
"""

import numpy as np
import pytest

from helpers import gradcheck, nn, optim
from helpers.exercises import backpropagation as bp
from helpers.exercises import training_deep_networks as tdn
from helpers.residual import Residual


def central_differences(f, x, h=1e-6):
    """d f / d x for a scalar function of an array, entry by entry (float64)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f(x)
        x[i] = saved - h
        down = f(x)
        x[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


def layers_of(cache):
    """The network of exercise 3.5 built from helpers.nn, with the case's weights."""
    first, second = nn.Linear(*cache["W1"].shape), nn.Linear(*cache["W2"].shape)
    first.W.data[...], first.b.data[...] = cache["W1"], cache["b1"]
    second.W.data[...], second.b.data[...] = cache["W2"], cache["b2"]
    return nn.Sequential(first, nn.ReLU(), second)


@pytest.mark.parametrize("seed", [36, 1, 2])
def test_reference_mlp_backward_against_the_layers_and_the_gradient_checker(seed):
    cache, loss = bp.mlp_case(seed=seed)
    want = bp.reference_mlp_backward(cache)
    model, loss_fn = layers_of(cache), nn.SoftmaxCrossEntropy()
    assert np.isclose(loss_fn.forward(model.forward(cache["X"]), cache["y"]), loss)
    dZ2 = loss_fn.backward()
    first, relu, second = model.layers
    dH = second.backward(dZ2)
    dZ1 = relu.backward(dH)
    first.backward(dZ1)
    got = dict(
        dZ2=dZ2,
        dW2=second.W.grad,
        db2=second.b.grad,
        dH=dH,
        dZ1=dZ1,
        dW1=first.W.grad,
        db1=first.b.grad,
    )
    for name, value in want.items():
        np.testing.assert_allclose(value, got[name], rtol=1e-12, atol=1e-15, err_msg=name)
    # and the layers' backward passes agree with finite differences
    report = gradcheck.check_gradients(model, cache["X"], cache["y"], loss=loss_fn)
    assert report.ok, str(report)


def test_reference_mlp_backward_against_finite_differences_of_the_loss():
    cache, _ = bp.mlp_case()
    want = bp.reference_mlp_backward(cache)
    names = ("X", "y", "W1", "b1", "W2", "b2")
    for key, grad_key in (("W1", "dW1"), ("b1", "db1"), ("W2", "dW2"), ("b2", "db2")):

        def loss_of(value, key=key):
            args = {k: cache[k] for k in names}
            args[key] = value
            return bp.mlp_forward(*(args[k] for k in names))[1]

        numeric = central_differences(loss_of, cache[key])
        np.testing.assert_allclose(want[grad_key], numeric, rtol=1e-6, atol=1e-9, err_msg=grad_key)


@pytest.mark.parametrize("seed", range(3))
def test_reference_residual_grad_against_the_residual_block(seed):
    rng = np.random.default_rng(seed)
    x, dy = rng.normal(size=(2, 5, 4))
    W = rng.normal(size=(4, 4))
    linear = nn.Linear(4, 4)
    linear.W.data[...], linear.b.data[...] = W, 0.0
    block = Residual(nn.Sequential(linear, nn.Tanh()))
    np.testing.assert_allclose(block.forward(x), x + np.tanh(x @ W), rtol=1e-14)
    np.testing.assert_allclose(
        tdn._ref_residual_grad(x, W, dy), block.backward(dy), rtol=1e-12, atol=1e-14
    )
    numeric = central_differences(lambda v: float(np.sum(dy * (v + np.tanh(v @ W)))), x)
    np.testing.assert_allclose(tdn._ref_residual_grad(x, W, dy), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("lr, mu", [(0.1, 0.9), (0.03, 0.5), (0.5, 0.0), (0.2, 0.99)])
def test_reference_momentum_step_against_optim_sgd(lr, mu):
    rng = np.random.default_rng(5)
    w, v, g = rng.normal(size=(3, 4))
    p = nn.Parameter(w.copy(), name="w")
    opt = optim.SGD([p], lr=lr, momentum=mu) if mu else optim.SGD([p], lr=lr)
    if mu:
        opt.velocity[0][...] = v
    p.grad = g.copy()
    opt.step()
    new_w, new_v = tdn._ref_momentum(w, v, g, lr, mu)
    np.testing.assert_allclose(new_w, p.data, rtol=1e-14, atol=1e-15)
    if mu:
        np.testing.assert_allclose(new_v, opt.velocity[0], rtol=1e-14, atol=1e-15)
    else:  # plain SGD keeps no velocity: the reference's v is then just the gradient
        np.testing.assert_allclose(new_v, g, rtol=0, atol=0)
