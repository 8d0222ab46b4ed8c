"""The training loop (lessons 03-05 and the playground of 04).

``train_steps`` is the loop every lesson uses: a forward pass, the loss, the backward pass and
one optimiser step, repeated; ``train`` wraps it with its defaults (SGD with momentum on
softmax cross-entropy) for lessons 04 and 05; ``train_moons`` trains the small two-moons
network of lesson 03 (``notebooks/03_backpropagation.ipynb``) and says in words how it went.
``confusion_matrix`` counts what a classifier gets wrong.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from . import checks, data, nn, optim
from .checks import array_like, checked, decay_rate, non_negative, optional, positive, whole

STEPS = whole(0, 10**5)


def _one_label_per_row(where: str, a: dict) -> None:
    if len(a["y"]) != len(a["X"]):
        raise ValueError(
            f"{where}: y must have one entry per row of X ({len(a['X'])}), got {len(a['y'])}"
        )


def _rng_for_batches(where: str, a: dict) -> None:
    if a["batch"] is not None and not isinstance(a["rng"], np.random.Generator):
        raise TypeError(
            f"{where}: rng must be a numpy Generator when batch is set, got {checks.got(a['rng'])}"
        )


# ---------------------------------------------------------------- the training loop


@checked(
    _one_label_per_row,
    _rng_for_batches,
    steps=STEPS,
    X=array_like(ndim=2, dtype=None, nonempty=True),
    batch=optional(whole(1, checks.rows_of("X"))),
)
def train_steps(
    model: nn.Module,
    loss_fn: nn.MSE | nn.SoftmaxCrossEntropy,
    opt: optim.SGD | optim.AdamW,
    X: np.ndarray,
    y: np.ndarray,
    steps: int,
    *,
    batch: int | None = None,
    rng: np.random.Generator | None = None,
    losses: list | None = None,
) -> list:
    """The training loop: ``steps`` times forward, loss, backward, one optimiser step.

    ``batch=None`` trains on all of ``X`` every step; otherwise each step draws ``batch``
    rows without replacement with ``rng`` (a ``numpy.random.Generator``). Each completed
    step's loss (computed before its update) is appended to ``losses``, which is returned.
    A loss or a gradient that is inf or NaN raises :class:`helpers.nn.NonFiniteError`;
    ``losses`` then holds the steps completed before it.
    """
    losses = [] if losses is None else losses
    for _ in range(steps):
        idx = slice(None) if batch is None else rng.choice(len(X), batch, replace=False)
        loss = loss_fn.forward(model.forward(X[idx]), y[idx])  # forward pass and loss
        model.backward(loss_fn.backward(), input_grad=False)  # every p.grad (written)
        opt.step()  # p.data -= lr * p.grad
        losses.append(loss)
    return losses


#: what the two-moons trainings accept: the training's settings, then the data's
MOONS = dict(lr=positive, steps=whole(1, 10**5), hidden=whole(1, 1000))
MOONS_DATA = dict(n=whole(2, data.MAX_POINTS), noise=non_negative, seed=whole(0))


def _moons_work(where: str, a: dict) -> None:  # 2 → hidden → hidden → 2
    n = a["n"] if "n" in a else a["options"]["n"]
    checks.training_work(where, a["steps"], n, a["hidden"] ** 2 + 5 * a["hidden"])


def _moons_data(where: str, name: str, value: object, _: dict) -> dict:
    """A rule: the keywords of the data (n, noise, seed), checked, with their defaults."""
    unknown = sorted(set(value) - set(MOONS_DATA))
    if unknown:
        raise TypeError(f"{where}: unknown keyword {unknown[0]!r}; the data's are n, noise, seed")
    return checks.conform(where, MOONS_DATA, dict(dict(n=200, noise=0.15, seed=0), **value))


@checked(_moons_work, **MOONS, options=_moons_data)
def train_moons(lr: float = 0.5, steps: int = 300, hidden: int = 16, **options: float) -> dict:
    """Full-batch gradient descent on two moons with a 2-hidden-layer ReLU network.

    Returns a dict: ``model``, ``X``, ``y``, ``losses`` (one per step taken), ``accuracy``,
    ``dead`` (fraction of hidden ReLU units silent on every point), ``error`` (the message
    of a :class:`helpers.nn.NonFiniteError`, or ``""``) and ``message`` (what happened, in
    words, with the likely cause when training went wrong). ``options`` are the keywords
    ``seed``, ``n`` and ``noise`` of :func:`train_moons_in_chunks`: the data.
    """
    *_, result = train_moons_in_chunks(lr, steps, hidden, **options)
    return result


@checked(_moons_work, **MOONS, chunk=optional(whole(1)), **MOONS_DATA)
def train_moons_in_chunks(
    lr: float = 0.5,
    steps: int = 300,
    hidden: int = 16,
    *,
    chunk: int | None = None,
    seed: int = 0,
    n: int = 200,
    noise: float = 0.15,
) -> Iterator[dict]:
    """``train_moons`` a chunk of steps at a time: yields the result so far (the same dict,
    with ``done`` False and a progress message) after every ``chunk`` steps, and the final
    result (``done`` True, the same as ``train_moons``) last."""
    X, y = data.make_moons(n=n, noise=noise, seed=seed)
    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Linear(2, hidden, "he", rng),
        nn.ReLU(),
        nn.Linear(hidden, hidden, "he", rng),
        nn.ReLU(),
        nn.Linear(hidden, 2, "xavier", rng),
    )
    loss_fn, opt = nn.SoftmaxCrossEntropy(), optim.SGD(model.parameters(), lr=lr)
    losses, error, done = [], "", 0
    while True:
        todo = min(chunk or steps, steps - done)
        with np.errstate(all="ignore"):  # a diverging run ends in NonFiniteError, not warnings
            try:
                train_steps(model, loss_fn, opt, X, y, todo, losses=losses)
                done += todo
                if done == steps:  # the loss after the last step
                    losses.append(loss_fn.forward(model.forward(X), y))
            except nn.NonFiniteError as err:
                error = str(err)
        if error or done == steps:
            break
        yield _result(model, X, y, losses, "", lr, steps, hidden, done=False)
    yield _result(model, X, y, losses, error, lr, steps, hidden, done=True)


def _result(model, X, y, losses, error, lr, steps, hidden, done):
    with np.errstate(all="ignore"):
        logits = model.forward(X)
    acc = float(np.mean(np.argmax(logits, axis=1) == y)) if np.all(np.isfinite(logits)) else 0.0
    masks = [layer.mask for layer in model.layers if isinstance(layer, nn.ReLU)]
    dead = float(np.mean(np.concatenate([~m.any(axis=0) for m in masks])))
    result = dict(
        model=model,
        X=X,
        y=y,
        losses=np.array(losses),
        accuracy=acc,
        dead=dead,
        error=error,
        lr=lr,
        steps=steps,
        hidden=hidden,
        done=done,
    )
    result["message"] = (
        _explain(result)
        if done
        else f"training: step {len(losses)} of {steps}, loss {losses[-1]:.3f} …"
    )
    return result


def _explain(r) -> str:
    losses = r["losses"]
    if r["error"]:
        return (
            f"Diverged after {len(losses)} steps: the loss became inf/NaN.\n"
            f"The learning rate {r['lr']:.3g} is far too high: every step overshoots and the\n"
            "weights grow without bound. Try a learning rate 10x smaller."
        )
    first, last = losses[0], losses[-1]
    if last > first:
        return (
            f"Diverged: the loss went UP, {first:.3f} → {last:.3f} "
            f"(accuracy {100 * r['accuracy']:.0f} %).\n"
            f"The learning rate {r['lr']:.3g} is too high: steps overshoot, the weights jump "
            "far away\n"
            f"and {100 * r['dead']:.0f} % of the ReLU units went silent on every point "
            "(dead), so their gradient is 0."
        )
    return (
        f"loss {first:.3f} → {last:.3f} after {r['steps']} steps, "
        f"training accuracy {100 * r['accuracy']:.1f} %"
    )


def _labels(where: str, name: str, value: object, a: dict) -> np.ndarray:
    n_classes = a["n_classes"]
    try:
        return checks.labels(where, name, value, n_classes=n_classes)
    except ValueError as err:  # a label out of range may be an n_classes too small
        raise ValueError(f"{err} (with n_classes = {n_classes}: is n_classes too small?)") from None


def _same_shape(where: str, a: dict) -> None:
    if a["y_true"].shape != a["y_pred"].shape:
        raise ValueError(
            f"{where}: y_true has shape {a['y_true'].shape} but y_pred "
            f"has shape {a['y_pred'].shape}; expected the same"
        )


@checked(_same_shape, n_classes=whole(1, 10**4), y_true=_labels, y_pred=_labels)
def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """``C[i, j]`` = how many examples of class i were predicted as class j."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def _train_work(where: str, a: dict) -> None:
    checks.training_work(where, a["steps"], a["batch"] or len(a["X"]), nn.n_params(a["model"]))


@checked(
    _train_work,
    X=array_like(ndim=2, nonempty=True),
    batch=optional(whole(1, checks.rows_of("X"))),
    steps=STEPS,
    seed=whole(0),
    lr=positive,
    momentum=decay_rate,
    weight_decay=non_negative,
)
def train(
    model: nn.Module,
    X: np.ndarray | list,
    y: np.ndarray,
    steps: int = 200,
    lr: float = 0.1,
    momentum: float = 0.9,
    batch: int | None = None,
    seed: int = 0,
    loss_fn: nn.MSE | nn.SoftmaxCrossEntropy | None = None,
    weight_decay: float = 0.0,
) -> list[float]:
    """Train with SGD on softmax cross-entropy; return the list of losses (one per step).

    Stops early, returning the losses so far, if the loss or a gradient stops being finite.
    """
    loss_fn = loss_fn or nn.SoftmaxCrossEntropy()
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):  # NonFiniteError says it
        try:
            train_steps(
                model,
                loss_fn,
                opt,
                X,
                y,
                steps,
                batch=batch,
                rng=np.random.default_rng(seed),
                losses=losses,
            )
        except nn.NonFiniteError:
            pass
    return losses
