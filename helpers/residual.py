"""Training many layers (lesson 05, ``notebooks/05_training_deep_networks.ipynb``).

* deep plain networks: the signal and the gradient of every layer, as the initialisation
  scale changes (vanishing and exploding gradients): ``plain_network``, ``gradient_norms``,
  ``signal_stds``, ``init_table``;
* :class:`Residual`, ``y = x + f(x)``, and the same 100-layer network with and without skips
  (``deep_network``, ``compare_residual``);
* infinite width (the lesson's going-deeper sections): the gradient factor per layer and the
  critical gain (``gradient_factor``, ``critical_gain``, against ``measured_critical_gain``),
  and ReLU's correlation map (``relu_correlation_map``, against ``relu_cosines``).

Built from the layers of :mod:`helpers.nn`; the figures of the lesson are in
:mod:`helpers.figures.training_deep_networks`.
"""

from __future__ import annotations

import math

import numpy as np

from . import checks, nn
from .checks import checked, one_of, positive, real, whole
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
    exponentially. A fixed 1/√L is in the spirit of SkipInit (De & Smith 2020), which
    instead multiplies each branch by a *learnable* scalar that starts at 0; it is closer to
    GPT-2's scaling of the residual branches' weights by 1/√(number of residual layers).
    """

    @checked(block=checks.instance(nn.Module, "a helpers.nn layer"), scale=positive)
    def __init__(self, block: nn.Module, scale: float = 1.0) -> None:
        self.scale = scale
        self.block = block
        self.name = "Residual"

    def _set_name(self, name: str) -> None:
        self.name = name
        self.block._set_name(f"{name}.block")
        if isinstance(self.block, nn.Sequential):  # keep unique parameter names
            for i, layer in enumerate(self.block.layers):
                layer._set_name(f"{name}.{type(layer).__name__}{i}")

    def forward(self, X: np.ndarray) -> np.ndarray:
        Y = self.block.forward(X)
        if Y.shape != np.shape(X):
            raise nn.ShapeError(
                f"{self.name}: the block maps shape {np.shape(X)} to "
                f"{Y.shape}; a skip connection needs them equal"
            )
        return X + self.scale * Y if self.scale != 1.0 else X + Y

    def backward(self, dY: np.ndarray, input_grad: bool = True) -> np.ndarray:
        if self.scale != 1.0:
            return dY + self.block.backward(self.scale * dY)
        return dY + self.block.backward(dY)

    def parameters(self) -> list[nn.Parameter]:
        return self.block.parameters()

    def __repr__(self) -> str:
        extra = f", scale={self.scale:g}" if self.scale != 1.0 else ""
        return f"Residual({self.block!r}{extra})"


SIZE = checks.size


@checked(
    checks.weights,
    activation=one_of(sorted(nn.ACTIVATIONS)),
    depth=SIZE,
    width=SIZE,
    n_in=SIZE,
    n_out=SIZE,
    seed=whole(0),
    scale=positive,
)
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
    rng = np.random.default_rng(seed)
    layers = []
    for d in range(depth):
        fan_in = n_in if d == 0 else width
        lin = nn.Linear(fan_in, width, rng=rng)
        lin.W.data[...] = rng.normal(0.0, scale / math.sqrt(fan_in), size=(fan_in, width))
        layers += [lin, nn.ACTIVATIONS[activation]()]
    out = nn.Linear(width, n_out, init="xavier", rng=rng)
    return nn.Sequential(*layers, out)


@checked(n_in=whole(1, 10**4), n=whole(1, 10**4), seed=whole(0))
def probe_batch(n_in: int = 32, n: int = 32, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The fixed random batch the measurements below probe a network with: ``n`` inputs of
    ``n_in`` standard normal numbers and ``n`` standard normal targets, as ``(X, target)``
    of shapes (n, n_in) and (n, 1)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n_in)), rng.standard_normal((n, 1))


def gradient_norms(
    model: nn.Sequential, X: np.ndarray | None = None, target: np.ndarray | None = None
) -> np.ndarray:
    """The norm ‖∂L/∂W‖ of every hidden Linear layer's weights (input side first), for the
    mean squared error on a random batch (fixed seed) — one backward pass, no training."""
    if X is None:
        X, target = probe_batch(model.layers[0].W.data.shape[0])
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


def signal_stds(model: nn.Sequential, X: np.ndarray | None = None) -> np.ndarray:
    """The standard deviation of every hidden layer's output (after its activation)."""
    if X is None:
        X, _ = probe_batch(model.layers[0].W.data.shape[0])
    return np.array([float(np.std(h)) for h in layer_outputs(model, X)[1:]])


@checked(checks.weights, depth=SIZE, width=SIZE, seed=whole(0))
def init_table(
    depth: int = 50, width: int = 64, seed: int = 0
) -> list[tuple[str, str, float, float]]:
    """Signal std after the last of ``depth`` layers, for each activation × initialisation.

    Rows ``(activation, init, std_first_layer, std_last_layer)`` with the library's inits.
    """
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


@checked(
    checks.weights,
    depth=whole(0, 1000),
    width=SIZE,
    n_in=SIZE,
    n_out=SIZE,
    seed=whole(0),
    init=one_of(tuple(nn.INITS)),
)
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
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(n_in, width, init="he", rng=rng)]
    for _ in range(depth):
        block = nn.Sequential(nn.ReLU(), nn.Linear(width, width, init=init, rng=rng))
        layers += [Residual(block, 1 / math.sqrt(depth))] if residual else block.layers
    layers += [nn.ReLU(), nn.Linear(width, n_out, init="xavier", rng=rng)]
    return nn.Sequential(*layers)


def _training_work(where: str, a: dict) -> None:  # two networks of about depth·width² weights
    checks.training_work(where, max(a["steps"], 1), a["n"], 2 * a["depth"] * a["width"] ** 2)


@checked(
    checks.weights,
    _training_work,
    depth=SIZE,
    width=SIZE,
    seed=whole(0),
    steps=whole(0, 10**4),
    n=whole(2, 10**4),
    lr=positive,
    momentum=real(low=0, high=1, high_open=True),
)
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
    X, y = _moons(n, seed)
    out = {}
    for kind in ("plain", "residual"):
        net = deep_network(depth, width, residual=(kind == "residual"), seed=seed)
        g = _ce_gradient_norms(net, X, y)
        losses = train(net, X, y, steps=steps, lr=lr, momentum=momentum)
        out[kind] = {
            "grad_norms": g,
            "losses": np.array(losses),
            "params": nn.n_params(net),
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


# ---------------------------------------------------------------- infinite width (mean field)
#
# With weights N(0, gain²/fan_in) and no biases, a very wide layer's pre-activations z are
# normal with a variance q that the previous layer sets: q ← gain² · E[f(z)²]. Two facts of
# lesson 05 follow from this "mean-field" recursion, computed here as averages over
# z = √q·x, x ~ N(0, 1), on a fine, even grid of x (fine enough for the sigmoid's narrow
# slope when q is large; no grid point at 0, where ReLU's slope jumps).

_NODES = np.linspace(-9.0, 9.0, 4500)
_WEIGHTS = np.exp(-0.5 * _NODES**2)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()  # averages over a standard normal x

_MEAN_FIELD = {
    "sigmoid": (
        lambda z: 0.5 * (1.0 + np.tanh(z / 2)),
        lambda z: 0.25 * (1.0 - np.tanh(z / 2) ** 2),
    ),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
}


@checked(activation=one_of(sorted(_MEAN_FIELD)), gain=real(low=0, low_open=True, high=1e3))
def gradient_factor(activation: str, gain: float) -> float:
    """Infinite width: the factor by which each layer multiplies the gradient's squared size,
    ``gain² · E[f'(z)²]`` with ``z ~ N(0, q*)``, where ``q*`` is the variance that the forward
    pass settles at (the fixed point of ``q ← gain² · E[f(z)²]``, iterated from q = 1).

    Above 1 the gradient explodes towards the input, below 1 it vanishes. For ReLU it is
    ``gain²/2`` (1 at He's √2); for the sigmoid the outputs' mean ½ keeps q* at least
    gain²/4, which pushes z out of the steep centre as the gain grows.
    """
    f, slope = _MEAN_FIELD[activation]
    q = 1.0
    for _ in range(3000):
        q_next = gain**2 * float(np.sum(_WEIGHTS * f(math.sqrt(q) * _NODES) ** 2))
        if not math.isfinite(q_next) or q_next > 1e12:  # ReLU above √2: no fixed point
            break
        done = abs(q_next - q) <= 1e-13 * max(q, 1e-300)
        q = q_next
        if done or q < 1e-300:
            break
    return gain**2 * float(np.sum(_WEIGHTS * slope(math.sqrt(q) * _NODES) ** 2))


@checked(
    activation=one_of(sorted(_MEAN_FIELD)),
    low=real(low=0, low_open=True, high=1e3),
    high=real(low="low", low_open=True, high=1e3),
)
def critical_gain(activation: str, low: float = 0.5, high: float = 50.0) -> float:
    """Infinite width: the gain at which :func:`gradient_factor` is 1 (bisection in
    ``[low, high]``): the edge between vanishing and exploding gradients. About 10.2 for
    the sigmoid; √2 for ReLU; 1 for tanh (approached from below: at gain 1 the signal
    shrinks slowly towards 0, where tanh's slope is 1)."""
    f_low, f_high = gradient_factor(activation, low) - 1, gradient_factor(activation, high) - 1
    if f_low * f_high > 0:
        raise ValueError(
            f"critical_gain: the gradient factor of {activation} does not cross 1 between "
            f"low = {low:g} and high = {high:g}"
        )
    for _ in range(40):
        mid = 0.5 * (low + high)
        if (gradient_factor(activation, mid) - 1) * f_low > 0:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


@checked(c=real(low=-1, high=1))
def relu_correlation_map(c: float) -> float:
    """Infinite width: the cosine similarity of two inputs' activations after one more
    He-initialised ReLU layer, given their cosine similarity ``c`` before it — the
    normalised arc-cosine kernel (Cho & Saul 2009)::

        c ↦ (√(1 − c²) + (π − arccos c) · c) / π

    Its only fixed point in [−1, 1] is c = 1, and it attracts: every pair of inputs ends up
    pointing the same way, however wide the layers.
    """
    return (math.sqrt(max(0.0, 1 - c * c)) + (math.pi - math.acos(c)) * c) / math.pi


@checked(checks.weights, depth=SIZE, width=SIZE, seed=whole(0), c0=real(low=-1, high=1))
def relu_cosines(depth: int = 50, width: int = 256, c0: float = 0.0, seed: int = 0) -> np.ndarray:
    """Measured: the cosine similarity of two inputs' activations after each of ``depth``
    layers Linear (weights N(0, 2/width), He, no bias) → ReLU, for two inputs of cosine
    similarity ``c0``. Entry ℓ − 1 is the value after layer ℓ; compare with ℓ steps of
    :func:`relu_correlation_map` from ``c0``."""
    if width < 2:
        raise ValueError(
            f"relu_cosines: width must be at least 2 (two input directions), got {width}"
        )
    rng = np.random.default_rng(seed)
    H = np.zeros((2, width))
    H[0, 0], H[1, 0], H[1, 1] = 1.0, c0, math.sqrt(max(0.0, 1 - c0 * c0))
    cosines = []
    for _ in range(depth):
        H = np.maximum(H @ rng.normal(0.0, math.sqrt(2.0 / width), size=(width, width)), 0.0)
        norms = np.linalg.norm(H, axis=1)
        cosines.append(float(H[0] @ H[1] / (norms[0] * norms[1])) if norms.all() else 1.0)
    return np.array(cosines)


@checked(
    checks.weights,
    activation=one_of(sorted(_MEAN_FIELD)),
    depth=SIZE,
    width=SIZE,
    seeds=whole(1, 20),
)
def measured_critical_gain(
    activation: str = "sigmoid", width: int = 32, depth: int = 100, seeds: int = 3
) -> float:
    """Measured in finite networks (:func:`plain_network`): the gain at which the first
    layer's weight gradient is as large as the last one's (the median over ``seeds``
    networks of log₁₀ of their ratio, on a grid of gains 0.5 apart, interpolated where it
    crosses 0). Compare with the infinite-width :func:`critical_gain`."""
    # the sigmoid's grid starts at 10: the infinite-width value is about 10.1, and narrower
    # networks need more (this keeps the lesson's measurement quick)
    gains = {"sigmoid": np.arange(10.0, 30.01, 0.5), "tanh": np.arange(0.5, 3.01, 0.05)}.get(
        activation, np.arange(0.8, 3.01, 0.05)
    )
    previous = None
    for g in gains:
        ratios = []
        for seed in range(seeds):
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                norms = gradient_norms(plain_network(depth, width, activation, float(g), seed=seed))
            ratios.append(math.log10(norms[0] / norms[-1]) if norms[0] > 0 else -math.inf)
        r = float(np.median(ratios))
        if r >= 0:
            if previous is None or not math.isfinite(previous[1]):
                return float(g)
            g0, r0 = previous
            return float(g0 + (g - g0) * (0 - r0) / (r - r0))
        previous = (g, r)
    raise ValueError(f"measured_critical_gain: no gain up to {gains[-1]:g} balances the gradients")
