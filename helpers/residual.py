"""Training many layers (lesson 05, ``notebooks/05_training_deep_networks.ipynb``).

* deep plain networks: the signal and the gradient of every layer, as the initialisation
  scale changes (vanishing and exploding gradients): ``plain_network``, ``gradient_norms``,
  ``signal_stds``, ``init_table``;
* :class:`Residual`, ``y = x + f(x)``, and the same 100-layer network with and without skips
  (``deep_network``, ``compare_residual``).

Built from the layers of :mod:`helpers.nn`; the figures of the lesson are in
:mod:`helpers.figures.training_deep_networks`.
"""

from __future__ import annotations

import math

import numpy as np

from . import checks, nn
from .regions import n_params
from .representations import layer_outputs
from .training import train


class Residual(nn.Module):
    """A skip connection around ``block``: ``y = x + scale · block(x)``.

    The chain rule through a sum: ``dx = dy + scale · block.backward(dy)`` — the gradient
    reaches ``x`` directly (the ``dy`` term) *and* through the block. However small the
    block's own gradient, the identity path passes ``dy`` on unchanged.

    ``scale`` is a fixed multiplier of the branch (1 by default). Without normalisation
    layers, each block adds its branch's variance to the signal's; a stack of L blocks
    with ``scale = 1/√L`` lets the variance grow at most by a factor of about e instead of
    exponentially (as in "SkipInit", De & Smith 2020).
    """

    def __init__(self, block: nn.Module, scale: float = 1.0):
        if not isinstance(block, nn.Module):
            raise TypeError(
                f"Residual: block must be a helpers.nn layer, got {type(block).__name__}"
            )
        self.scale = checks.number("Residual", "scale", scale, low=0, low_open=True)
        self.block = block
        self.name = "Residual"

    def _set_name(self, name: str) -> None:
        self.name = name
        self.block._set_name(f"{name}.block")
        if isinstance(self.block, nn.Sequential):  # keep unique parameter names
            for i, layer in enumerate(self.block.layers):
                layer._set_name(f"{name}.{type(layer).__name__}{i}")

    def forward(self, X):
        Y = self.block.forward(X)
        if Y.shape != np.shape(X):
            raise nn.ShapeError(
                f"{self.name}: the block maps shape {np.shape(X)} to "
                f"{Y.shape}; a skip connection needs them equal"
            )
        return X + self.scale * Y if self.scale != 1.0 else X + Y

    def backward(self, dY, input_grad: bool = True):
        if self.scale != 1.0:
            return dY + self.block.backward(self.scale * dY)
        return dY + self.block.backward(dY)

    def parameters(self):
        return self.block.parameters()

    def __repr__(self):
        extra = f", scale={self.scale:g}" if self.scale != 1.0 else ""
        return f"Residual({self.block!r}{extra})"


def plain_network(
    depth: int,
    width: int = 32,
    activation: str = "tanh",
    scale: float = 1.0,
    n_in: int = 32,
    n_out: int = 1,
    seed: int = 0,
) -> nn.Sequential:
    """``depth`` layers Linear → activation, weights N(0, scale² / fan_in), biases 0.

    ``scale`` is the *gain*: 1 is LeCun/Xavier-like, √2 is He's choice for ReLU.
    """
    where = "plain_network"
    checks.choice(where, "activation", activation, sorted(nn.ACTIVATIONS))
    depth, width, n_in, n_out, seed = checks.network_sizes(
        where, depth, width, seed, n_in=n_in, n_out=n_out
    )
    scale = checks.number(where, "scale", scale, low=0, low_open=True)
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        fan_in = n_in if d == 0 else width
        lin = nn.Linear(fan_in, width, rng=rng)
        lin.W.data[...] = rng.normal(0.0, scale / math.sqrt(fan_in), size=(fan_in, width))
        layers += [lin, nn.ACTIVATIONS[activation]()]
    out = nn.Linear(width, n_out, init="xavier", rng=rng)
    return nn.Sequential(*layers, out)


def _probe(n_in=32, n=32, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n_in)), rng.standard_normal((n, 1))


def gradient_norms(model, X=None, target=None) -> np.ndarray:
    """The norm ‖∂L/∂W‖ of every hidden Linear layer's weights (input side first), for the
    mean squared error on a random batch (fixed seed) — one backward pass, no training."""
    if X is None:
        X, target = _probe(model.layers[0].W.data.shape[0])
    loss = nn.MSE()
    model.zero_grad()
    loss.forward(model.forward(X), target)
    model.backward(loss.backward(), input_grad=False)
    return np.array([float(np.linalg.norm(layer.W.grad)) for layer in _hidden_linears(model)])


def _hidden_linears(model):
    found = []
    for layer in model.layers[:-1]:
        if isinstance(layer, nn.Linear):
            found.append(layer)
        elif isinstance(layer, Residual):
            found += [m for m in layer.block.layers if isinstance(m, nn.Linear)]
    return found


def signal_stds(model, X=None) -> np.ndarray:
    """The standard deviation of every hidden layer's output (after its activation)."""
    if X is None:
        X, _ = _probe(model.layers[0].W.data.shape[0])
    return np.array([float(np.std(h)) for h in layer_outputs(model, X)[1:]])


def init_table(depth: int = 50, width: int = 64, seed: int = 0):
    """Signal std after the last of ``depth`` layers, for each activation × initialisation.

    Rows ``(activation, init, std_first_layer, std_last_layer)`` with the library's inits.
    """
    depth, width, seed = checks.network_sizes("init_table", depth, width, seed)
    rows = []
    X = np.random.default_rng(seed + 1).standard_normal((256, width))
    for act in ("tanh", "relu"):
        for init in nn.INITS:
            rng = np.random.default_rng(seed)
            layers = []
            for _ in range(depth):
                layers += [nn.Linear(width, width, init=init, rng=rng), nn.ACTIVATIONS[act]()]
            sig = signal_stds(nn.Sequential(*layers), X)
            rows.append((act, init, float(sig[0]), float(sig[-1])))
    return rows


def deep_network(
    depth: int = 100,
    width: int = 16,
    residual: bool = False,
    n_in: int = 2,
    n_out: int = 2,
    init: str = "he",
    seed: int = 0,
) -> nn.Sequential:
    """An input layer, ``depth`` hidden units ReLU → Linear(width, width), a ReLU and an output
    layer. With ``residual=True`` each hidden unit is wrapped as
    ``x + relu_then_linear(x) / √depth`` (see :class:`Residual`).

    The same seed gives the same weights with or without the skips: only the wiring differs.
    (ReLU *before* the Linear keeps each branch's output centred, so that the skips add
    variance slowly: by a factor of about ``(1 + 1/depth)`` per block.)
    """
    where = "deep_network"
    depth, width, n_in, n_out, seed = checks.network_sizes(
        where, depth, width, seed, depth_low=0, n_in=n_in, n_out=n_out
    )
    checks.choice(where, "init", init, tuple(nn.INITS))
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(n_in, width, init="he", rng=rng)]
    for _ in range(depth):
        block = nn.Sequential(nn.ReLU(), nn.Linear(width, width, init=init, rng=rng))
        layers += [Residual(block, 1 / math.sqrt(depth))] if residual else block.layers
    layers += [nn.ReLU(), nn.Linear(width, n_out, init="xavier", rng=rng)]
    return nn.Sequential(*layers)


def compare_residual(
    depth: int = 100,
    width: int = 16,
    steps: int = 150,
    lr: float = 0.05,
    momentum: float = 0.9,
    n: int = 200,
    seed: int = 0,
) -> dict:
    """Train the plain and the residual ``depth``-layer networks (same weights) on the moons.

    Returns ``{"plain": {...}, "residual": {...}}``, each with ``grad_norms`` (per hidden
    Linear layer, at initialisation), ``losses`` (per step), ``accuracy`` (after training)
    and ``params``.
    """
    where = "compare_residual"
    depth, width, seed = checks.network_sizes(where, depth, width, seed)
    steps = checks.integer(where, "steps", steps, low=0, high=10**4)
    n = checks.integer(where, "n", n, low=2, high=10**4)
    lr = checks.number(where, "lr", lr, low=0, low_open=True)
    momentum = checks.number(where, "momentum", momentum, low=0, high=1, high_open=True)
    # two networks of about depth·width² weights each
    checks.training_work(where, max(steps, 1), n, 2 * depth * width**2)
    X, y = _moons(n, seed)
    out = {}
    for kind in ("plain", "residual"):
        net = deep_network(depth, width, residual=(kind == "residual"), seed=seed)
        g = _ce_gradient_norms(net, X, y)
        losses = train(net, X, y, steps=steps, lr=lr, momentum=momentum)
        out[kind] = {
            "grad_norms": g,
            "losses": np.array(losses),
            "params": n_params(net),
            "accuracy": nn.accuracy(net.forward(X), y),
        }
    return out


def _moons(n, seed):
    from .data import make_moons

    return make_moons(n=n, noise=0.1, seed=seed)


def _ce_gradient_norms(model, X, y) -> np.ndarray:
    """‖∂L/∂W‖ per hidden Linear layer for the cross-entropy on (X, y), one backward pass."""
    loss = nn.SoftmaxCrossEntropy()
    model.zero_grad()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward(), input_grad=False)
    norms = [float(np.linalg.norm(m.W.grad)) for m in _hidden_linears(model)]
    model.zero_grad()
    return np.array(norms)
