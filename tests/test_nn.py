"""helpers.nn and helpers.optim: every backward against HIPS autograd on the same NumPy
functions (an oracle independent of our code) and against central differences, for random
shapes and batch sizes including 1; plus shapes, errors, initialisations and SGD."""

import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import data, gradcheck, nn, optim

BATCHES = [1, 2, 5, 17]


def rand(rng, *shape):
    """Random, non-special values (no zeros, no symmetric entries)."""
    return rng.normal(size=shape) + 0.1


def grads_of(f, args, G):
    """autograd gradients of sum(G * f(*args)) with respect to every argument."""
    scalar = lambda *a: anp.sum(G * f(*a))
    return [autograd.grad(scalar, i)(*args) for i in range(len(args))]


def assert_same(got, want, name="", rtol=1e-12, atol=1e-14):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{name}: shape {got.shape} != {want.shape}"  # exact
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=name)


# ---------------------------------------------------------------- layers vs autograd


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("n_in,n_out", [(1, 1), (3, 4), (7, 2)])
def test_linear_backward_matches_autograd(batch, n_in, n_out):
    rng = np.random.default_rng(batch * 100 + n_in * 10 + n_out)
    lin = nn.Linear(n_in, n_out, rng=rng)
    lin.b.data[...] = rand(rng, n_out)  # non-zero bias
    X, G = rand(rng, batch, n_in), rand(rng, batch, n_out)
    Y = lin.forward(X)
    assert_same(Y, X @ lin.W.data + lin.b.data, "Y")
    dX = lin.backward(G)
    want_X, want_W, want_b = grads_of(
        lambda X, W, b: anp.dot(X, W) + b, (X, lin.W.data, lin.b.data), G
    )
    assert_same(dX, want_X, "dX")
    assert_same(lin.W.grad, want_W, "dW")
    assert_same(lin.b.grad, want_b, "db")  # shape (n_out,), not (1, n_out) or ()


ACTIVATIONS = {
    "ReLU": (nn.ReLU, lambda x: anp.maximum(x, 0.0)),
    "Sigmoid": (nn.Sigmoid, lambda x: 1.0 / (1.0 + anp.exp(-x))),
    "Tanh": (nn.Tanh, anp.tanh),
}


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_autograd(name, batch):
    layer_cls, f = ACTIVATIONS[name]
    rng = np.random.default_rng(batch)
    X, G = 3 * rand(rng, batch, 6), rand(rng, batch, 6)
    layer = layer_cls()
    assert_same(layer.forward(X), f(X), "forward", rtol=1e-15)
    (want,) = grads_of(f, (X,), G)
    assert_same(layer.backward(G), want, "dX", rtol=1e-12)


def test_sigmoid_is_stable_for_large_inputs():
    s = nn.Sigmoid()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        Y = s.forward(np.array([[-800.0, -30.0, 0.0, 30.0, 800.0]]))
    assert Y[0, 0] == 0.0 and Y[0, 2] == 0.5 and Y[0, 4] == 1.0
    assert np.all(np.isfinite(s.backward(np.ones((1, 5)))))


def test_relu_derivative_at_the_kink_is_zero():
    r = nn.ReLU()
    r.forward(np.array([[-1.0, 0.0, 2.0]]))
    assert_same(r.backward(np.array([[5.0, 5.0, 5.0]])), [[0.0, 0.0, 5.0]])


@pytest.mark.parametrize("batch", BATCHES)
def test_mse_matches_autograd(batch):
    rng = np.random.default_rng(batch)
    P, T = rand(rng, batch, 3), rand(rng, batch, 3)
    f = lambda P: anp.mean((P - T) ** 2)
    loss = nn.MSE()
    assert loss.forward(P, T) == pytest.approx(f(P), rel=1e-14)
    assert_same(loss.backward(), autograd.grad(f)(P), "dP")


def softmax_ce_composed(Z, y):
    """Softmax, then log, then pick the label's entry, then mean: the unfused composition."""
    E = anp.exp(Z - anp.max(Z, axis=1, keepdims=True))
    P = E / anp.sum(E, axis=1, keepdims=True)
    onehot = np.eye(Z.shape[1])[y]
    return -anp.mean(anp.sum(onehot * anp.log(P), axis=1))


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("classes", [2, 3, 10])
def test_fused_softmax_cross_entropy_matches_composition(batch, classes):
    rng = np.random.default_rng(batch * classes)
    Z, y = 2 * rand(rng, batch, classes), rng.integers(0, classes, batch)
    loss = nn.SoftmaxCrossEntropy()
    assert loss.forward(Z, y) == pytest.approx(softmax_ce_composed(Z, y), rel=1e-13)
    assert_same(loss.backward(), autograd.grad(softmax_ce_composed)(Z, y), "dZ", rtol=1e-11)
    # p - y over N, written out
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert_same(loss.backward(), (P - np.eye(classes)[y]) / batch, "p - y", rtol=1e-11)


def test_softmax_cross_entropy_handles_huge_logits():
    loss = nn.SoftmaxCrossEntropy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = loss.forward(np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([0, 0]))
    assert value == pytest.approx(500.0)
    assert_same(loss.backward(), [[0.0, 0.0], [-0.5, 0.5]])


def mlp_functional(X, params, acts):
    h = X
    for i, (W, b) in enumerate(zip(params[::2], params[1::2])):
        h = anp.dot(h, W) + b
        if i < len(acts):
            h = acts[i](h)
    return h


@pytest.mark.parametrize("batch", BATCHES)
def test_sequential_every_parameter_matches_autograd(batch):
    rng = np.random.default_rng(batch)
    sizes = [4, 6, 5, 3, 3]
    layers = [
        nn.Linear(4, 6, "he", rng),
        nn.ReLU(),
        nn.Linear(6, 5, "xavier", rng),
        nn.Tanh(),
        nn.Linear(5, 3, "uniform", rng),
        nn.Sigmoid(),
        nn.Linear(3, 3, "he", rng),
    ]
    model = nn.Sequential(*layers)
    for p in model.parameters():
        p.data += 0.1 * rand(rng, *p.shape)  # biases non-zero too
    X, y = rand(rng, batch, sizes[0]), rng.integers(0, 3, batch)
    loss = nn.SoftmaxCrossEntropy()
    loss.forward(model.forward(X), y)
    dX = model.backward(loss.backward())

    acts = [lambda h: anp.maximum(h, 0.0), anp.tanh, lambda h: 1 / (1 + anp.exp(-h))]
    values = [p.data for p in model.parameters()]
    f = lambda X, *ps: softmax_ce_composed(mlp_functional(X, ps, acts), y)
    want = [autograd.grad(f, i)(X, *values) for i in range(len(values) + 1)]
    assert_same(dX, want[0], "dX", rtol=1e-10, atol=1e-13)
    for p, w in zip(model.parameters(), want[1:]):  # every array, biases included
        assert_same(p.grad, w, p.name, rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------- finite differences


@pytest.mark.parametrize("seed", range(4))
def test_random_models_pass_finite_differences(seed):
    rng = np.random.default_rng(seed)
    batch = [1, 3, 8, 2][seed]
    n_in, hidden, n_out = rng.integers(1, 5, size=3)
    act = [nn.Tanh, nn.Sigmoid, nn.ReLU, nn.Tanh][seed]
    model = nn.Sequential(
        nn.Linear(n_in, hidden, rng=rng), act(), nn.Linear(hidden, n_out, rng=rng)
    )
    for p in model.parameters():
        p.data += 0.1 * rand(rng, *p.shape)
    X = rand(rng, batch, n_in)
    report = gradcheck.check_gradients(model, X)  # random upstream G
    assert report.ok, str(report)
    assert len(report.checks) == 5  # 4 arrays + input
    y = rng.integers(0, n_out, batch)
    report = gradcheck.check_gradients(model, X, y, loss=nn.SoftmaxCrossEntropy())
    assert report.ok, str(report)
    T = rand(rng, batch, n_out)
    assert gradcheck.check_gradients(model, X, T, loss=nn.MSE()).ok


# ---------------------------------------------------------------- dtype, state, semantics


def test_float32_input_gives_float64_gradients():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, 2, rng=rng))
    X = rand(rng, 5, 3)
    G = rand(rng, 5, 2)
    model.forward(X)
    model.backward(G)
    ref = [p.grad.copy() for p in model.parameters()]
    model.forward(X.astype(np.float32))
    model.backward(G)
    for p, r in zip(model.parameters(), ref):
        assert p.grad.dtype == np.float64
        np.testing.assert_allclose(p.grad, r, rtol=1e-6, atol=1e-7)  # only X was rounded


def test_backward_writes_gradients_and_a_second_backward_gives_the_same():
    rng = np.random.default_rng(1)
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.Sigmoid(), nn.Linear(4, 2, rng=rng))
    X, G = rand(rng, 5, 3), rand(rng, 5, 2)
    model.forward(X)
    dX1 = model.backward(G)
    first = [p.grad.copy() for p in model.parameters()]
    dX2 = model.backward(G)  # stored forward values were not mutated
    assert_same(dX1, dX2)
    for p, g in zip(model.parameters(), first):
        assert_same(p.grad, g, p.name)
    model.zero_grad()  # reaches every parameter
    assert all(not p.grad.any() for p in model.parameters())
    assert len(model.parameters()) == 4


def test_input_grad_false_skips_only_the_input_gradient():
    rng = np.random.default_rng(2)
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.ReLU(), nn.Linear(4, 2, rng=rng))
    X, G = rand(rng, 5, 3), rand(rng, 5, 2)
    model.forward(X)
    model.backward(G)
    ref = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    assert model.backward(G, input_grad=False) is None
    for p, r in zip(model.parameters(), ref):
        assert_same(p.grad, r, p.name)


def test_sequential_names_indexing_and_parameters():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))
    assert len(model) == 3 and model[1] is model.layers[1]
    assert [p.name for p in model.parameters()] == [
        "Linear0.W",
        "Linear0.b",
        "Linear2.W",
        "Linear2.b",
    ]
    assert [p.shape for p in model.parameters()] == [(2, 3), (3,), (3, 2), (2,)]
    assert "Linear(2, 3" in repr(model)
    with pytest.raises(TypeError, match="layer 1"):
        nn.Sequential(nn.Linear(2, 3), "relu")


def test_nested_sequential_has_unique_names_and_matches_the_flat_one():
    rng = np.random.default_rng(5)
    inner = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.Tanh())
    outer = nn.Sequential(inner, nn.Linear(4, 2, rng=rng))
    assert [p.name for p in outer.parameters()] == [
        "Sequential0.Linear0.W",
        "Sequential0.Linear0.b",
        "Linear1.W",
        "Linear1.b",
    ]
    flat = nn.Sequential(*inner.layers, outer[1])
    X, G = rand(rng, 4, 3), rand(rng, 4, 2)
    assert_same(outer.forward(X), flat.forward(X))
    outer.forward(X)
    dX = outer.backward(G)
    grads = [p.grad.copy() for p in outer.parameters()]
    assert outer.backward(G, input_grad=False) is None
    flat.forward(X)
    assert_same(flat.backward(G), dX)
    for p, g in zip(flat.parameters(), grads):
        assert_same(p.grad, g)
    starts_with_tanh = nn.Sequential(nn.Tanh(), nn.Linear(3, 1, rng=rng))
    starts_with_tanh.forward(X)
    assert starts_with_tanh.backward(np.ones((4, 1)), input_grad=False) is None


# ---------------------------------------------------------------- shapes and errors


def test_wrong_input_shape_names_layer_expected_and_received():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 2))
    with pytest.raises(nn.ShapeError, match=r"Linear2.*\(N, 4\).*\(5, 3\)"):
        model.forward(np.ones((5, 2)))
    with pytest.raises(nn.ShapeError, match=r"Linear0.*\(N, 2\).*\(2,\)"):
        model.forward(np.ones(2))  # a single sample needs shape (1, 2)


def test_wrong_upstream_gradient_shape_is_reported():
    lin = nn.Linear(2, 3)
    lin.forward(np.ones((4, 2)))
    with pytest.raises(nn.ShapeError, match=r"Linear.*\(4, 3\).*\(4, 1\)"):
        lin.backward(np.ones((4, 1)))  # would broadcast silently in dY.sum(axis=0)
    r = nn.ReLU()
    r.forward(np.ones((4, 3)))
    with pytest.raises(nn.ShapeError, match="ReLU"):
        r.backward(np.ones((4, 1)))


def test_mse_refuses_a_target_that_would_broadcast():
    with pytest.raises(nn.ShapeError, match=r"MSE.*\(5, 1\).*\(5,\)"):
        nn.MSE().forward(np.ones((5, 1)), np.ones(5))


def test_cross_entropy_label_errors():
    loss = nn.SoftmaxCrossEntropy()
    with pytest.raises(nn.ShapeError, match="labels"):
        loss.forward(np.ones((3, 2)), np.ones((3, 2), dtype=int))
    with pytest.raises(ValueError, match="0..1"):
        loss.forward(np.ones((3, 2)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="0..1"):
        loss.forward(np.ones((3, 2)), np.array([0, -1, 1]))
    with pytest.raises(ValueError, match="integer"):
        loss.forward(np.ones((3, 2)), np.array([0.0, 0.5, 1.0]))
    assert loss.forward(np.zeros((2, 2)), np.array([0.0, 1.0])) == pytest.approx(np.log(2))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64])
def test_cross_entropy_finds_a_label_out_of_range_in_every_integer_type(dtype):
    # the range check reads signed labels as unsigned (one pass): -1 must still be caught
    loss = nn.SoftmaxCrossEntropy()
    Z = np.zeros((3, 4))
    assert loss.forward(Z, np.array([0, 3, 1], dtype=dtype)) == pytest.approx(np.log(4))
    with pytest.raises(ValueError, match=r"0\.\.3, got values from 0 to 4"):
        loss.forward(Z, np.array([0, 4, 1], dtype=dtype))
    if np.issubdtype(dtype, np.signedinteger):
        with pytest.raises(ValueError, match=r"0\.\.3, got values from -1 to 1"):
            loss.forward(Z, np.array([0, -1, 1], dtype=dtype))


def test_cross_entropy_of_an_empty_batch_is_an_error_not_nan():
    with pytest.raises(ValueError, match="SoftmaxCrossEntropy: the batch is empty"):
        nn.SoftmaxCrossEntropy().forward(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_backward_before_forward_is_explained():
    with pytest.raises(RuntimeError, match="before forward"):
        nn.Linear(2, 2).backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="before forward"):
        nn.Tanh().backward(np.ones((1, 2)))


def test_non_finite_loss_raises_with_step_and_cause():
    loss = nn.MSE()
    loss.forward(np.ones((2, 1)), np.zeros((2, 1)))
    with pytest.raises(nn.NonFiniteError, match=r"step 2.*learning rate") as info:
        loss.forward(np.array([[np.nan], [1.0]]), np.zeros((2, 1)))
    assert info.value.step == 2 and "loss" in info.value.what


def test_sgd_refuses_non_finite_gradients_before_changing_anything():
    lin = nn.Linear(2, 2, rng=0)
    before = [p.data.copy() for p in lin.parameters()]
    lin.W.grad[0, 1] = np.inf
    opt = optim.SGD(lin.parameters(), lr=0.1)
    with pytest.raises(nn.NonFiniteError, match=r"Linear.W.*step 1.*1 of 4") as info:
        opt.step()
    assert info.value.step == 1
    for p, b in zip(lin.parameters(), before):
        assert_same(p.data, b)


@pytest.mark.parametrize("lr", [1e3, 1e99, 1e150, 1e300])
def test_an_enormous_step_prints_no_numpy_warning(lr):
    # below lr 1e100 the step skips np.errstate (a checked gradient cannot overflow the
    # update); above it the update runs under errstate: no RuntimeWarning either way
    lin = nn.Linear(2, 2, rng=0)
    lin.W.grad[...] = 1e150
    lin.b.grad[...] = 1.0
    opt = optim.SGD(lin.parameters(), lr=lr, momentum=0.5, weight_decay=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
    assert np.isfinite(lin.W.data).all() == (lr * 1e150 < 1e308)  # inf only if lr·g overflows


def test_divergence_with_a_huge_learning_rate_raises_not_nan():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2))
    T = X @ np.array([[2.0], [-1.0]])
    model = nn.Sequential(nn.Linear(2, 8, rng=rng), nn.Tanh(), nn.Linear(8, 1, rng=rng))
    loss, opt = nn.MSE(), optim.SGD(model.parameters(), lr=50.0)
    with pytest.raises(nn.NonFiniteError, match="learning rate"):
        for _ in range(2000):
            loss.forward(model.forward(X), T)
            model.backward(loss.backward())
            opt.step()


# ---------------------------------------------------------------- initialisation


@pytest.mark.parametrize("init", nn.INITS)
def test_initialisations_shape_scale_and_determinism(init):
    W = nn.init_weights(200, 300, init, np.random.default_rng(0))
    assert W.shape == (200, 300)
    want_std = {
        "uniform": 1 / np.sqrt(200) / np.sqrt(3),
        "xavier": np.sqrt(2 / 500),
        "he": np.sqrt(2 / 200),
    }[init]
    assert W.std() == pytest.approx(want_std, rel=0.02)
    assert_same(W, nn.init_weights(200, 300, init, 0))
    assert not np.array_equal(W, nn.init_weights(200, 300, init, 1))


def test_bad_init_and_sizes():
    with pytest.raises(ValueError, match="init must be one of"):
        nn.Linear(2, 2, init="zeros")
    with pytest.raises(ValueError, match="n_in"):
        nn.Linear(0, 2)
    with pytest.raises(TypeError, match="rng"):
        nn.Linear(2, 2, rng="seed")


# ---------------------------------------------------------------- SGD


def test_sgd_plain_momentum_and_weight_decay_follow_the_formulas():
    rng = np.random.default_rng(3)
    p = nn.Parameter(rand(rng, 3, 2), "p")
    grads = [rand(rng, 3, 2) for _ in range(3)]
    lr, mu, wd = 0.1, 0.9, 0.01
    opt = optim.SGD([p], lr=lr, momentum=mu, weight_decay=wd)
    x, v = p.data.copy(), np.zeros((3, 2))
    for g in grads:
        p.grad = g.copy()
        opt.step()
        v = mu * v + (g + wd * x)
        x = x - lr * v
        np.testing.assert_allclose(p.data, x, rtol=1e-14)
    q = nn.Parameter(np.ones(2), "q")
    q.grad = np.array([1.0, -2.0])
    optim.SGD([q], lr=0.5).step()
    assert_same(q.data, [0.5, 2.0])
    opt.zero_grad()
    assert not p.grad.any()


def test_sgd_validates_its_arguments():
    p = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="lr"):
        optim.SGD([p], lr=0)
    with pytest.raises(ValueError, match="momentum"):
        optim.SGD([p], momentum=1.0)
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([])
    with pytest.raises(TypeError, match="parameters"):
        optim.SGD([np.ones(2)])


# ---------------------------------------------------------------- it learns


def test_two_moons_are_learned():
    X, y = data.make_moons(n=200, noise=0.1, seed=0)
    rng = np.random.default_rng(0)
    model = nn.Sequential(
        nn.Linear(2, 16, init="he", rng=rng), nn.ReLU(), nn.Linear(16, 2, init="xavier", rng=rng)
    )
    loss_fn, opt = nn.SoftmaxCrossEntropy(), optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    for _ in range(300):
        opt.zero_grad()
        loss = loss_fn.forward(model.forward(X), y)
        model.backward(loss_fn.backward())
        opt.step()
    assert loss < 0.05
    assert nn.accuracy(model.forward(X), y) == 1.0


# ---------------------------------------------------------------- random shapes (hypothesis)


@settings(max_examples=40, deadline=None)
@given(
    batch=st.integers(1, 9),
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4),
    act=st.sampled_from(sorted(ACTIVATIONS)),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_mlps_match_autograd(batch, sizes, act, seed):
    rng = np.random.default_rng(seed)
    layer_cls, f = ACTIVATIONS[act]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b, init=nn.INITS[i % 3], rng=rng))
        if i < len(sizes) - 2:
            layers.append(layer_cls())
    model = nn.Sequential(*layers)
    for p in model.parameters():
        p.data += 0.1 * rand(rng, *p.shape)
    X, G = rand(rng, batch, sizes[0]), rand(rng, batch, sizes[-1])
    model.forward(X)
    dX = model.backward(G)
    values = [p.data for p in model.parameters()]
    acts = [f] * (len(sizes) - 2)
    want = grads_of(lambda X, *ps: mlp_functional(X, ps, acts), (X, *values), G)
    assert_same(dX, want[0], "dX", rtol=1e-10, atol=1e-12)
    for p, w in zip(model.parameters(), want[1:]):
        assert_same(p.grad, w, p.name, rtol=1e-10, atol=1e-12)
