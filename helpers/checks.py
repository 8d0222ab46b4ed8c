"""Checks of the arguments of the public functions (lessons 01-05: one rule for all of them).

An argument that cannot work raises :class:`ValueError` or :class:`TypeError` whose message
names the function, the argument, what it got and what was expected, before any state
changes::

    SGD: lr must be a finite number > 0, got nan
    Linear: n_in must be a whole number >= 1, got float 2.7

NumPy scalars are accepted wherever Python numbers are; ``"0.1"`` (a number in quotes) is
text, not a number, and is refused with that said. Work too large for a laptop is refused up
front with the limit named (:func:`at_most`). NumPy and the standard library only.

What a public function accepts is declared once, above it, with :func:`checked`; its body is
then the maths::

    @checked(lr=positive, steps=whole(0, 10**4))
    def train(..., lr=0.1, steps=200): ...
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Collection
from numbers import Integral, Real

import numpy as np

__all__ = [
    "checked",
    "conform",
    "real",
    "positive",
    "whole",
    "non_negative",
    "decay_rate",
    "size",
    "interval_ends",
    "optional",
    "array_like",
    "callable_",
    "rows_of",
    "one_of",
    "instance",
    "weights",
    "number",
    "integer",
    "choice",
    "array",
    "labels",
    "function",
    "at_most",
    "sizes",
    "network_sizes",
    "interval",
    "training_work",
    "got",
]

#: The most weights a network built by a lesson's helper may have (some 80 MB).
MAX_WEIGHTS = 10**7

#: The most work a training may ask for, in multiply-adds of its forward and backward
#: passes (about 3 per weight and example): some ten seconds on a laptop.
MAX_WORK = 10**10


def got(value: object) -> str:
    """How an argument is shown in a message: its type and a short repr."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {text}"
    if isinstance(value, str):
        return f"the text {text}" + (
            " (a number in quotes is text: drop the quotes)" if _looks_numeric(value) else ""
        )
    if isinstance(value, (int, float, np.integer, np.floating)):
        return text
    return f"{type(value).__name__} {text}"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _range_text(low, high, low_open, high_open, names=(None, None)) -> str:
    def shown(v, name):  # a whole-number bound in full (100000000), any other as %g
        text = str(v) if isinstance(v, (Integral, np.integer)) else f"{v:g}"
        return f"{name} = {text}" if name else text  # a bound that is another argument

    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {shown(low, names[0])}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {shown(high, names[1])}")
    return " and ".join(parts)


def number(
    where: str,
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
    names: tuple[str | None, str | None] = (None, None),
) -> float:
    """``value`` as a Python float: a real number (int, float, NumPy scalar or 0-d array),
    finite unless ``finite=False``, within ``low``/``high`` (open ends if ``*_open``);
    ``names`` names the bounds that are other arguments, for the message."""
    if type(value) is float and math.isfinite(value) and low is None and high is None:
        return value  # the common case, without the message's cost (a loss's dL = 1.0)
    kind = "a finite number" if finite else "a number"
    bounds = _range_text(low, high, low_open, high_open, names)
    expected = f"{kind} {bounds}".strip()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (Real, np.number))
        or isinstance(value, np.complexfloating)
    ):
        raise TypeError(f"{where}: {name} must be {expected}, got {got(value)}")
    x = float(value)
    if finite and not math.isfinite(x):
        raise ValueError(f"{where}: {name} must be {expected}, got {x}")
    if (
        math.isnan(x)
        or (low is not None and (x < low or (low_open and x == low)))
        or (high is not None and (x > high or (high_open and x == high)))
    ):
        raise ValueError(f"{where}: {name} must be {expected}, got {got(value)}")
    return x


def integer(
    where: str,
    name: str,
    value: object,
    *,
    names: tuple[str | None, str | None] = (None, None),
    low: int | None = None,
    high: int | None = None,
) -> int:
    """``value`` as a Python int: an int, a NumPy integer, or a float that is a whole number
    (``3.0``), within ``low``..``high`` (inclusive; ``names`` as in :func:`number`)."""
    expected = f"a whole number {_range_text(low, high, False, False, names)}".strip()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.number)):
        raise TypeError(f"{where}: {name} must be {expected}, got {got(value)}")
    if not isinstance(value, (Integral, np.integer)):
        x = float(value)
        if not (math.isfinite(x) and x.is_integer()):
            raise ValueError(
                f"{where}: {name} must be {expected}, got {type(value).__name__} {value!r}"
            )
    n = int(value)
    if (low is not None and n < low) or (high is not None and n > high):
        raise ValueError(f"{where}: {name} must be {expected}, got {n}")
    return n


def choice(where: str, name: str, value: object, options: Collection) -> object:
    """``value`` if it is one of ``options`` (compared with ==), else a ValueError listing
    them."""
    options = tuple(options)
    try:
        ok = any(isinstance(value, type(o)) and bool(value == o) for o in options)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{where}: {name} must be one of {listed}, got {got(value)}")
    return value


def array(
    where: str,
    name: str,
    value: object,
    *,
    ndim: int | None = None,
    finite: bool = True,
    dtype: type | None = np.float64,
    shape: tuple | None = None,
    nonempty: bool = False,
) -> np.ndarray:
    """``value`` as a NumPy array of numbers (converted to ``dtype``): ``ndim`` dimensions
    (an int or a tuple of allowed ones), ``shape`` (``None`` entries match any length),
    every entry finite unless ``finite=False``, at least one row if ``nonempty``."""
    arr = _numbers(where, name, value)
    _shaped(where, name, arr, ndim, shape)
    if nonempty and (arr.size == 0 or (arr.ndim and arr.shape[0] == 0)):
        raise ValueError(f"{where}: {name} must not be empty, got shape {arr.shape}")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    if finite and arr.dtype.kind == "f" and arr.size and not np.isfinite(arr).all():
        bad = int(arr.size - np.isfinite(arr).sum())
        first = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(
            f"{where}: {name} must be finite, got {bad} entries that are inf "
            f"or nan (the first at index {first}: {arr[first]})"
        )
    return arr


def _numbers(where: str, name: str, value: object) -> np.ndarray:
    """``value`` as a NumPy array of bools, integers or floats (else a TypeError)."""
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise TypeError(f"{where}: {name} must be an array of numbers, got {got(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"{where}: {name} must be an array of numbers, got "
            f"{type(value).__name__} that is not one ({err})"
        ) from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{where}: {name} must be an array of numbers, got an array of dtype {arr.dtype}"
        )
    return arr


def _shaped(where: str, name: str, arr: np.ndarray, ndim: object, shape: tuple | None) -> None:
    """Refuse ``arr`` unless it has ``ndim`` dimensions and the ``shape`` of :func:`array`."""
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(
                f"{where}: {name} must have {want} dimension(s), got shape {arr.shape}"
            )
    if shape is not None and (
        arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape))
    ):
        want = (
            "("
            + ", ".join("N" if s is None else str(s) for s in shape)
            + ("," if len(shape) == 1 else "")
            + ")"
        )
        raise ValueError(f"{where}: {name} must have shape {want}, got shape {arr.shape}")


def labels(
    where: str, name: str, value: object, *, n: int | None = None, n_classes: int | None = None
) -> np.ndarray:
    """Integer class labels of shape ``(n,)`` (any n if None), each in 0..n_classes−1."""
    arr = array(
        where,
        name,
        value,
        ndim=1 if n is None else None,
        dtype=None,
        shape=None if n is None else (n,),
    )
    if arr.dtype.kind == "b":
        raise TypeError(f"{where}: {name} must be integer class labels, got an array of bool")
    if arr.dtype.kind == "f":
        if not (np.isfinite(arr).all() and np.all(np.mod(arr, 1) == 0)):
            raise ValueError(
                f"{where}: {name} must be integer class labels, got an array "
                f"of {arr.dtype} with values that are not whole numbers"
            )
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(
            f"{where}: {name} must be class labels >= 0, got the label {int(arr.min())}"
        )
    if n_classes is not None and arr.size and arr.max() >= n_classes:
        raise ValueError(
            f"{where}: {name} must be class labels from 0 to {n_classes - 1}, "
            f"got the label {int(arr.max())}"
        )
    return arr


def function(where: str, name: str, value: object) -> Callable:
    """``value`` if it is callable."""
    if not callable(value):
        raise TypeError(f"{where}: {name} must be a function (a callable), got {got(value)}")
    return value


def training_work(where: str, steps: int, rows: int, weights: int) -> None:
    """Refuse a training of ``steps`` steps on ``rows`` examples each, for a model with
    ``weights`` weights, that would take more than MAX_WORK multiply-adds."""
    at_most(
        where,
        "the work 3·steps·examples·weights",
        3 * steps * rows * weights,
        MAX_WORK,
        "fewer steps, a smaller batch or a smaller network",
    )


def at_most(where: str, what: str, amount: float, limit: float, advice: str = "") -> None:
    """Refuse work beyond ``limit`` (too slow or too much memory for a laptop), naming it."""
    if amount > limit:
        tail = f"; {advice}" if advice else ""
        raise ValueError(
            f"{where}: {what} would be {amount:.3g}, above the limit of {limit:.3g}{tail}"
        )


def sizes(where: str, *, low: int = 1, high: int = 1000, **values: int) -> tuple[int, ...]:
    """Whole numbers such as depth, width, n_in, each in ``low``..``high``, in the order given."""
    return tuple(integer(where, name, v, low=low, high=high) for name, v in values.items())


def network_sizes(
    where: str, depth: int, width: int, seed: int, depth_low: int = 1, **more: int
) -> tuple[int, ...]:
    """A network builder's sizes, checked: ``(depth, width, *more, seed)``, with at most
    MAX_WEIGHTS weights."""
    (depth,) = sizes(where, low=depth_low, depth=depth)
    width, *more = sizes(where, width=width, **more)
    at_most(where, "the number of weights depth·width²", depth * width**2, MAX_WEIGHTS)
    return depth, width, *more, integer(where, "seed", seed, low=0)


def interval(where: str, a: float, b: float) -> tuple[float, float]:
    """The ends of an interval [a, b], checked: finite numbers with a < b."""
    a, b = number(where, "a", a), number(where, "b", b)
    if not a < b:
        raise ValueError(f"{where}: the interval needs a < b, got a = {a:g}, b = {b:g}")
    return a, b


# --- declared checks: a rule per argument, written once above the function --------------------

#: A rule takes ``(where, name, value, arguments)`` and returns the value the body gets (a
#: float for a number, an int for a whole number) or raises the error that names the function,
#: the argument, what it got and what was expected. ``arguments`` holds the call's arguments,
#: those before this one already checked.
Rule = Callable[[str, str, object, dict], object]


def checked(
    *together: Callable[[str, dict], None], where: str | None = None, **rules: Rule
) -> Callable:
    """Run the rules of the arguments named (in the order given), then each check of
    ``together`` (``check(where, arguments)``, for a limit on several arguments at once),
    before the function's body. ``where``, the name the messages give, is the function's
    name, or its class's for ``__init__``, unless given (``where="layer_order.init"`` for a
    name that alone says too little). Arguments without a rule pass unchanged."""
    given = where

    def wrap(fn: Callable) -> Callable:
        signature = inspect.signature(fn)
        where = given or (
            fn.__qualname__.split(".")[-2] if fn.__name__ == "__init__" else fn.__name__
        )

        @functools.wraps(fn)
        def with_checks(*args: object, **kwargs: object) -> object:
            try:
                call = signature.bind(*args, **kwargs)
            except TypeError as err:  # a missing or unknown argument: say whose
                raise TypeError(f"{where}: {err}") from None
            call.apply_defaults()
            call.arguments.update(conform(where, rules, call.arguments))
            for check in together:
                check(where, call.arguments)
            return fn(*call.args, **call.kwargs)

        return with_checks

    return wrap


def _at(bound: object, arguments: dict) -> object:
    """A rule's bound: a number, the name of an earlier argument, or a function of the
    arguments (:func:`rows_of`)."""
    if isinstance(bound, str):
        return arguments[bound]
    return bound(arguments) if callable(bound) else bound


def _names(*bounds: object) -> tuple:
    """The bounds that name another argument, by name (the message shows ``<= lr_max = 1``)."""
    return tuple(b if isinstance(b, str) else None for b in bounds)


def rows_of(name: str) -> Callable[[dict], int]:
    """A bound: the number of rows of the earlier argument ``name`` (``whole(1, rows_of("X"))``)."""
    return lambda arguments: len(arguments[name])


def conform(where: str, rules: dict[str, Rule], values: dict) -> dict:
    """A copy of ``values`` with each value that has a rule through it, in the rules' order (a
    rule sees the values before it checked): what :func:`checked` does to a call's
    arguments, here for a table of settings."""
    values = dict(values)
    for name, rule in rules.items():
        values[name] = rule(where, name, values[name], values)
    return values


def real(low: object = None, high: object = None, **bounds: object) -> Rule:
    """A rule: a number within the bounds of :func:`number`; a bound may name an earlier
    argument (``high=real(low="low", low_open=True)``)."""

    def rule(where: str, name: str, value: object, arguments: dict) -> float:
        low_, high_ = _at(low, arguments), _at(high, arguments)
        return number(where, name, value, low=low_, high=high_, names=_names(low, high), **bounds)

    return rule


positive = real(low=0, low_open=True)
non_negative = real(low=0)
#: a momentum or the decay of a running average (β): from 0 up to, not including, 1
decay_rate = real(low=0, high=1, high_open=True)


def whole(low: object = None, high: object = None) -> Rule:
    """A rule: a whole number in ``low``..``high`` (a bound may name an earlier argument)."""
    return lambda where, name, value, a: integer(
        where, name, value, low=_at(low, a), high=_at(high, a), names=_names(low, high)
    )


#: a network's depth, width, inputs or outputs
size = whole(1, 1000)
#: the ends of an interval [a, b]: finite numbers with a < b
interval_ends = dict(a=real(), b=real(low="a", low_open=True))


def optional(rule: Rule) -> Rule:
    """A rule: ``None``, or what ``rule`` accepts."""
    return lambda where, name, value, a: None if value is None else rule(where, name, value, a)


def array_like(**options: object) -> Rule:
    """A rule: an array of numbers as :func:`array` checks it (``ndim``, ``shape``, ...)."""
    return lambda where, name, value, _: array(where, name, value, **options)


def callable_(where: str, name: str, value: object, _: dict) -> Callable:
    """A rule: a function (anything callable)."""
    return function(where, name, value)


def one_of(options: Collection) -> Rule:
    """A rule: one of ``options``."""
    return lambda where, name, value, _: choice(where, name, value, options)


def instance(kind: type, what: str) -> Rule:
    """A rule: an instance of ``kind``, described to the learner as ``what``."""

    def rule(where: str, name: str, value: object, _: dict) -> object:
        if not isinstance(value, kind):
            raise TypeError(f"{where}: {name} must be {what}, got {type(value).__name__}")
        return value

    return rule


def weights(where: str, arguments: dict) -> None:
    """A network of ``depth`` layers of ``width`` units has at most MAX_WEIGHTS weights."""
    depth, width = arguments["depth"], arguments["width"]
    at_most(where, "the number of weights depth·width²", depth * width**2, MAX_WEIGHTS)
