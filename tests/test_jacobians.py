"""helpers.jacobians: Jacobians by central differences and by vector–Jacobian products, against
closed forms; the backward signals of a network against its own backward pass."""

import math

import numpy as np
import pytest

from helpers import jacobians, nn, residual


def test_numerical_jacobian_of_a_linear_map_is_its_matrix():
    A = np.random.default_rng(0).normal(size=(3, 4))
    J = jacobians.numerical_jacobian(lambda x: A @ x, np.arange(4.0))
    np.testing.assert_allclose(J, A, rtol=1e-8, atol=1e-9)


def test_numerical_jacobian_of_an_elementwise_map_is_diagonal():
    x = np.array([0.3, -1.2, 2.0])
    J = jacobians.numerical_jacobian(np.tanh, x)
    np.testing.assert_allclose(J, np.diag(1 - np.tanh(x) ** 2), rtol=1e-8, atol=1e-10)


def test_linear_layer_jacobian_by_vjps_is_w_transposed():
    # a row x of shape (1, n_in) goes to x W + b: dy_i/dx_j = W[j, i]
    lin = nn.Linear(4, 3, rng=1)
    x = np.random.default_rng(2).normal(size=4)
    J = jacobians.jacobian_by_vjps(lin, x)
    assert J.shape == (3, 4)
    np.testing.assert_array_equal(J, lin.W.data.T)


@pytest.mark.parametrize("layer", [nn.Tanh(), nn.Sigmoid(), nn.ReLU()])
def test_activation_jacobian_by_vjps_matches_central_differences(layer):
    x = np.array([0.7, -0.4, 1.3, -2.1])  # no entry near ReLU's kink
    J = jacobians.jacobian_by_vjps(layer, x)
    Jn = jacobians.numerical_jacobian(lambda v: layer.forward(v[None, :])[0], x)
    np.testing.assert_allclose(J, Jn, rtol=1e-7, atol=1e-10)
    np.testing.assert_array_equal(J, np.diag(np.diag(J)))  # elementwise: diagonal


def test_chain_rule_is_a_product_of_jacobians():
    rng = np.random.default_rng(3)
    net = nn.Sequential(nn.Linear(3, 5, rng=rng), nn.Tanh(), nn.Linear(5, 2, rng=rng))
    x = rng.normal(size=3)
    h = net.layers[1].forward(net.layers[0].forward(x[None, :]))[0]
    product = (
        jacobians.jacobian_by_vjps(net.layers[2], h)
        @ jacobians.jacobian_by_vjps(net.layers[1], net.layers[0].forward(x[None, :])[0])
        @ jacobians.jacobian_by_vjps(net.layers[0], x)
    )
    whole = jacobians.numerical_jacobian(lambda v: net.forward(v[None, :])[0], x)
    np.testing.assert_allclose(product, whole, rtol=1e-7, atol=1e-10)


def test_bad_inputs_name_the_function_and_what_was_expected():
    with pytest.raises(ValueError, match="numerical_jacobian: x must be a non-empty 1-D"):
        jacobians.numerical_jacobian(np.tanh, np.ones((2, 2)))
    with pytest.raises(ValueError, match="numerical_jacobian: h must be a finite number > 0"):
        jacobians.numerical_jacobian(np.tanh, np.ones(2), h=0.0)
    with pytest.raises(TypeError, match="backward_signals: model must be"):
        jacobians.backward_signals(nn.ReLU(), np.ones((2, 2)), np.array([0, 1]))


def test_backward_signals_are_the_norms_of_the_backward_pass():
    rng = np.random.default_rng(4)
    net = nn.Sequential(nn.Linear(2, 6, rng=rng), nn.ReLU(), nn.Linear(6, 2, rng=rng))
    X, y = rng.normal(size=(10, 2)), rng.integers(0, 2, 10)
    fwd, bwd = jacobians.backward_signals(net, X, y)
    assert all(np.all(p.grad == 0) for p in net.parameters())  # left at zero
    assert fwd.shape == bwd.shape == (3,)
    H1 = net.layers[0].forward(X)
    assert fwd[0] == pytest.approx(float(np.std(H1)))
    loss = nn.SoftmaxCrossEntropy()
    loss.forward(net.forward(X), y)
    dX = net.backward(loss.backward())
    assert bwd[0] == pytest.approx(float(np.linalg.norm(dX)), rel=1e-12)


def test_plain_deep_relu_network_vanishes_layer_by_layer_and_residual_does_not():
    # the claim of notebook 05 §5, at initialisation: the backward signal of the plain
    # network shrinks by orders of magnitude from the top to the first block
    from helpers.data import make_moons

    X, y = make_moons(n=200, noise=0.1, seed=0)
    _, plain = jacobians.backward_signals(residual.deep_network(100, 16, seed=0), X, y)
    _, res = jacobians.backward_signals(residual.deep_network(100, 16, residual=True, seed=0), X, y)
    assert plain[1] < 1e-2 * plain[201]  # block 1 input vs block 100 output
    assert 1 / 3 < res[1] / res[101] < 3
    assert math.isfinite(res.sum())


def test_untrained_networks_of_section_5_start_as_the_text_says():
    # notebook 05 §5: before training the plain network's signal shrinks from about 0.7 to
    # about 9e-5 and it scores 50 %; the residual one already scores 70 % (loss below ln 2)
    from helpers.data import make_moons

    X, y = make_moons(n=200, noise=0.1, seed=0)
    plain = residual.deep_network(100, 16, residual=False, seed=0)
    skip = residual.deep_network(100, 16, residual=True, seed=0)
    stds, _ = jacobians.backward_signals(plain, X, y)
    assert f"{stds[2]:.0e}" == "7e-01" and f"{stds[200]:.0e}" == "9e-05"
    assert nn.accuracy(plain.forward(X), y) == pytest.approx(0.5)
    assert nn.accuracy(skip.forward(X), y) == pytest.approx(0.7)
    loss = nn.SoftmaxCrossEntropy()
    assert loss.forward(skip.forward(X), y) < math.log(2) - 0.1
