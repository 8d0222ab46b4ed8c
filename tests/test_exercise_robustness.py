"""Every exercise check against the wrong things a learner's function does.

Whatever the learner's function does (raises, loops, returns None, a string, a wrong shape, a
list, NaN, a bool, mutates its inputs), every check in helpers.exercises prints a clear ✗ line
and returns False, raises nothing, and ends within its time limit. A learner's function that
never ends is stopped after ``helpers.exercises.TIME_LIMIT`` seconds (shortened here).
"""

import importlib
import inspect
import math
import pkgutil
import time

import numpy as np
import pytest
from timing import ends_within

import helpers.exercises as ex
from helpers.exercises import (
    backpropagation,
    chain_rule,
    computational_graphs,
    deep_networks,
    training_deep_networks,
)

LIMIT = 0.15  # seconds: TIME_LIMIT while a test's answer never ends
NEVER_ENDS = {"loops", "loops, swallowing exceptions", "sleeps"}


def _checks():
    found = {}
    for info in pkgutil.iter_modules(ex.__path__):  # every lesson's checks, a new one too
        module = importlib.import_module(f"helpers.exercises.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and hasattr(fn, "exercise"):  # @exercise
                found[f"{module.__name__.rsplit('.', 1)[1]}.{name}"] = fn
    # the building blocks, each with a reference answer
    found["check_value"] = lambda got: ex.check_value("x", got, 2.5)
    found["check_function"] = lambda fn: ex.check_function("f", fn, math.sin, [0.5, 1.0])
    return found


CHECKS = _checks()


def test_every_check_of_every_lesson_is_here():
    assert len(CHECKS) >= 26 + 2


def _raises(*args, **kwargs):
    return 1 / 0


def _loops(*args, **kwargs):
    n = 0
    while True:
        n += 1


def _loops_and_swallows_exceptions(*args, **kwargs):
    while True:
        try:
            time.sleep(0.01)
        except Exception:
            pass


def _mutates(*args, **kwargs):
    for a in args:
        if isinstance(a, np.ndarray):
            a[...] = 0.0
        elif isinstance(a, (list, dict)):
            a.clear()
    return args[0] if args else 0.0


def _nan_like(*args, **kwargs):
    first = args[0] if args else None
    if isinstance(first, np.ndarray):
        return np.full_like(first, np.nan, dtype=float)
    return float("nan")


WRONG = {
    "raises": _raises,
    "loops": _loops,
    "loops, swallowing exceptions": _loops_and_swallows_exceptions,
    "sleeps": lambda *a, **k: time.sleep(60),
    "returns None": lambda *a, **k: None,
    "returns a string": lambda *a, **k: "1000",
    "returns a wrong shape": lambda *a, **k: np.zeros((7, 3)),
    "returns a list": lambda *a, **k: [1.0, 2.0, 3.0],
    "returns a ragged list": lambda *a, **k: [[1.0, 2.0], [3.0]],
    "returns nan": lambda *a, **k: float("nan"),
    "returns nan arrays": _nan_like,
    "returns inf": lambda *a, **k: np.inf,
    "returns a bool": lambda *a, **k: True,
    "returns a dict": lambda *a, **k: {"a": 1},
    "returns a function": lambda *a, **k: lambda: 0,
    "returns an object": lambda *a, **k: object(),
    "returns strings in an array": lambda *a, **k: np.array(["a", "b"]),
    "mutates its inputs": _mutates,
    "exits": lambda *a, **k: exit(),
}
NOT_A_FUNCTION = {"None": None, "a string": "abc", "a number": 7}


def _short_limit(monkeypatch):
    monkeypatch.setattr(ex, "TIME_LIMIT", LIMIT, raising=False)


@pytest.fixture
def short_limit(monkeypatch):
    """TIME_LIMIT shortened to LIMIT, for the tests whose answer never ends. The others keep
    the learner's limit: a busy machine can pause an answer that ends at once for longer
    than LIMIT, and the check would rightly call it a timeout (CI did, once)."""
    _short_limit(monkeypatch)


@pytest.fixture(autouse=True)
def fresh_learner():
    ex.reset_tries()
    yield
    ex.reset_tries()


def _assert_clear_failure(check, answer, capsys):
    with ends_within(10 * LIMIT + 2, "the check"):  # never hangs
        result = check(answer)
    out = capsys.readouterr().out
    lines = out.splitlines()
    fails = [line for line in lines if line.startswith(ex.FAIL)]
    assert result is False, out
    assert "Traceback" not in out
    assert fails, f"no ✗ line in:\n{out}"
    assert all(len(line) > 12 for line in fails), out
    assert not any(line.startswith(ex.PASS) for line in lines), out
    return fails, out


#: Checks that compare several arrays, backprop-ninja style, give each its own line.
ARRAYS = {
    "backpropagation.check_linear_backward": 6,
    "backpropagation.check_softmax_ce_backward": 2,
    "backpropagation.check_mlp_backward": 7,
    "backpropagation.check_gradient_shapes": 5,
}


#: The checks of 02b take the learner's class Value, not a function.
CLASS_CHECKS = {
    f"build_your_own_engine.{name}" for name in ("check_add_mul", "check_tanh", "check_backward")
}


def _engine_with(method):
    """A micrograd-style class Value whose operations and backward all are ``method``."""

    class Broken:
        def __init__(self, data, _children=(), _op=""):
            self.data, self.grad, self._prev, self._op = data, 0.0, tuple(_children), _op
            self._backward = lambda: None

    for name in ("__add__", "__mul__", "tanh", "backward"):
        setattr(Broken, name, lambda self, *args, _method=method: _method(self, *args))
    return Broken


@pytest.mark.parametrize("wrong", WRONG)
@pytest.mark.parametrize("check", CHECKS)
def test_a_wrong_learner_function_gets_one_clear_failure(check, wrong, capsys, monkeypatch):
    if wrong in NEVER_ENDS:
        _short_limit(monkeypatch)
    answer = _engine_with(WRONG[wrong]) if check in CLASS_CHECKS else WRONG[wrong]
    fails, out = _assert_clear_failure(CHECKS[check], answer, capsys)
    assert 1 <= len(fails) <= ARRAYS.get(check, 1), out
    if wrong in NEVER_ENDS:
        assert f"time limit of {LIMIT:g} s" in fails[0]
        assert "stopped" in fails[0]
    if wrong == "raises":
        assert "ZeroDivisionError" in fails[0]


@pytest.mark.parametrize("answer", NOT_A_FUNCTION)
@pytest.mark.parametrize("check", CHECKS)
def test_not_a_function_gets_one_clear_failure(check, answer, capsys):
    value = NOT_A_FUNCTION[answer]
    if check == "check_value" and answer == "a number":
        value = 2.6  # a number is a valid answer there, but a wrong one
    fails, out = _assert_clear_failure(CHECKS[check], value, capsys)
    assert len(fails) == 1, out


def test_the_loop_is_really_stopped(capsys, short_limit):
    calls = []

    def counts_forever():
        while True:
            calls.append(1)
            if len(calls) > 10**8:
                break

    assert ex.check_value("x", counts_forever, 1.0) is False
    n = len(calls)
    time.sleep(0.1)
    assert len(calls) == n  # nothing keeps running in the background
    capsys.readouterr()


def test_a_loop_in_a_thread_is_left_with_a_restart_hint(capsys, short_limit):
    import threading

    stop = threading.Event()

    def loops_until_the_test_ends(*args):
        while not stop.is_set():
            pass

    box = {}
    worker = threading.Thread(
        target=lambda: box.update(r=ex.check_value("x", loops_until_the_test_ends, 1.0))
    )
    try:
        worker.start()
        worker.join(5)
    finally:
        stop.set()  # a thread cannot be stopped from outside: left spinning, it would slow
        # every later test of this process (it did: a 3-s check timed out after it)
    assert box["r"] is False
    out = capsys.readouterr().out
    assert "restart the kernel" in out and out.startswith(ex.FAIL)


# ---- right answers in any reasonable type pass; the known wrong passes fail -------------


@pytest.mark.parametrize(
    "answer",
    [(1000, 1), [1000, 1], (np.int64(1000), np.int32(1)), (1000.0, 1.0), np.array([1000, 1])],
)
def test_pass_counts_accepts_right_answers_of_any_numeric_type(answer, capsys):
    assert computational_graphs.check_pass_counts(lambda: answer) is True


@pytest.mark.parametrize(
    "answer", [(1000.7, 1), ("1000", "1"), (True, 1), (1000,), (1000, 1, 1), "1000, 1"]
)
def test_pass_counts_rejects_near_misses_and_strings(answer, capsys):
    assert computational_graphs.check_pass_counts(lambda: answer) is False
    assert capsys.readouterr().out.startswith(ex.FAIL)


@pytest.mark.parametrize("answer", [False, np.False_, lambda: np.False_])
def test_circles_answer_accepts_numpy_bools(answer, capsys):
    assert deep_networks.check_circles_answer(answer) is True


@pytest.mark.parametrize("answer", [243, np.int64(243), 243.0, np.array(243)])
def test_zigzag_pieces_accepts_numeric_types(answer, capsys):
    assert deep_networks.check_zigzag_pieces(lambda: answer) is True


def test_count_params_accepts_numpy_integers(capsys):
    def count(sizes):
        return np.int64(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))

    assert deep_networks.check_count_params(count) is True
    assert deep_networks.check_count_params(lambda s: np.array([1, 2])) is False


def test_flat_points_accepts_an_array_and_rejects_a_string(capsys):
    assert chain_rule.check_flat_points(lambda: np.array([math.pi, math.pi / 2])) is True
    assert chain_rule.check_flat_points(lambda: "12") is False


def test_momentum_step_accepts_a_list_pair(capsys):
    def step(w, v, g, lr, mu):
        v = mu * v + g
        return [list(w - lr * v), v]

    assert training_deep_networks.check_momentum_step(step) is True


def test_gradient_shapes_accepts_arrays_and_numpy_integers(capsys):
    shapes = {
        "Y": np.array([32, 10]),
        "dY": (np.int64(32), 10),
        "dX": [32, 64],
        "dW": (64, 10),
        "db": (10,),
    }
    assert backpropagation.check_gradient_shapes(shapes) is True
    shapes["dW"] = np.array([[64, 10]])
    assert backpropagation.check_gradient_shapes(shapes) is False


# ---- the graded hints count tries whatever the learner's code does ----------------------


class _Hostile:
    """A return value that breaks whatever touches it (NumPy, float(), comparisons)."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __float__(self):
        raise RuntimeError("no number for you")

    def __eq__(self, other):
        raise RuntimeError("no comparison for you")

    __hash__ = object.__hash__


@pytest.mark.parametrize("check", CHECKS)
def test_a_return_value_that_breaks_the_check_itself_is_one_clear_failure(check, capsys):
    _assert_clear_failure(CHECKS[check], lambda *a, **k: _Hostile(), capsys)


@pytest.mark.parametrize("check", [c for c in CHECKS if hasattr(CHECKS[c], "exercise")])
def test_a_broken_try_counts_and_an_unanswered_one_does_not(check, capsys, monkeypatch):
    fn = CHECKS[check]

    def todo(*args, **kwargs):
        raise NotImplementedError("later")

    answer = _engine_with(todo) if check in CLASS_CHECKS else todo
    assert fn(answer) is False and ex.tries(fn.exercise) == 0
    for n, wrong in enumerate((_raises, lambda *a, **k: None, _loops), start=1):
        if wrong is _loops:
            _short_limit(monkeypatch)
        answer = _engine_with(wrong) if check in CLASS_CHECKS else wrong
        assert fn(answer) is False and ex.tries(fn.exercise) == n
    capsys.readouterr()
