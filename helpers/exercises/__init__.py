"""Checks for the exercises: targeted feedback, never a bare True/False.

Every check prints what it found and returns True when everything is right. An exercise the
learner has not done yet raises ``NotImplementedError`` (with a hint); the checks catch it and
print the hint instead, so a notebook with open exercises still runs top to bottom.

Per-lesson checks live in submodules (``helpers.exercises.chain_rule`` …) and are built from
the three functions here.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable, Iterable, Mapping

import numpy as np

PASS, FAIL, TODO = "✓", "✗", "…"

#: Seconds a learner's function may run before a check stops it and reports an endless loop.
TIME_LIMIT = 3.0


def _not_done(name: str, err: NotImplementedError) -> bool:
    hint = str(err) or "replace the `raise NotImplementedError` line with your code"
    print(f"{TODO} {name}: not done yet. Hint: {hint}")
    return False


def _fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.10g}"
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


class _TimeUp(BaseException):
    """Raised inside the learner's code when TIME_LIMIT is over (a BaseException, so that a
    learner's ``except Exception`` does not swallow it)."""


def _on_alarm(signum, frame):
    raise _TimeUp


def _call_limited(fn, args, limit):
    """``fn(*args)``, stopped after ``limit`` seconds: ('ok', result), ('raised', exception),
    ('timeout', stopped) where stopped says whether the call really ended."""
    use_alarm = (hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread()
                 and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if use_alarm:       # the main thread (a notebook kernel, pytest): the loop is stopped
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                return "ok", fn(*args)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _TimeUp:
            return "timeout", True
        except (Exception, SystemExit) as err:  # noqa: BLE001 - the learner's bug, reported
            return "raised", err
        finally:
            signal.signal(signal.SIGALRM, previous)
    box = {}                # elsewhere: a daemon thread (it cannot be stopped, only left)

    def target():
        try:
            box["ok"] = fn(*args)
        except (Exception, SystemExit) as err:  # noqa: BLE001
            box["raised"] = err
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        return "timeout", False
    return ("raised", box["raised"]) if "raised" in box else ("ok", box.get("ok"))


def run(name: str, fn, *args, where: str = ""):
    """Call the learner's ``fn(*args)`` within TIME_LIMIT seconds.

    Returns ``(True, result)``, or ``(False, None)`` after printing ONE line that says why:
    not a function, not done yet (its hint), the exception it raised, or that it was still
    running when the time limit was over. ``where`` ("at x = 1.5") goes into the message.
    """
    at = f" {where}" if where else ""
    if not callable(fn):
        print(f"{FAIL} {name}: expected a function, got {type(fn).__name__} {_fmt(fn)}")
        return False, None
    how, result = _call_limited(fn, args, TIME_LIMIT)
    if how == "ok":
        return True, result
    if how == "timeout":
        still = ("it was stopped" if result else
                 "it may still be running: restart the kernel (Kernel > Restart) if the "
                 "notebook gets slow")
        print(f"{FAIL} {name}: still running after the time limit of {TIME_LIMIT:g} s"
              f"{at} ({still}). Hint: look for a loop that never ends, e.g. a `while` "
              "whose condition never becomes false")
        return False, None
    if isinstance(result, NotImplementedError):
        _not_done(name, result)
        return False, None
    print(f"{FAIL} {name}: calling it{at} raised {type(result).__name__}: {result}")
    return False, None


def _number(got):
    """``got`` as a Python float, or a sentence saying why it is not one number."""
    if got is None:
        return None, "returned None: is a `return` missing?"
    if isinstance(got, (bool, np.bool_)):
        return None, f"returned {got}, a bool, not a number"
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "iuf":
        got = got.reshape(()).item()
    elif isinstance(got, np.ndarray):
        return None, f"returned an array of shape {got.shape}, not one number"
    if not isinstance(got, (int, float, np.integer, np.floating)):
        return None, f"returned {type(got).__name__} {_fmt(got)}, not a number"
    return float(got), ""


def _whole(got):
    """``got`` as a Python int if it is a whole number of any numeric type, else None."""
    value, _ = _number(got)
    if value is None or not math.isfinite(value) or not value.is_integer():
        return None
    return int(value)


def _array(got):
    """``got`` as a numeric float ndarray, or (None, why not)."""
    if got is None:
        return None, "is None: is a `return` missing?"
    if isinstance(got, (str, bytes, dict)) or callable(got):
        return None, f"is {type(got).__name__} {_fmt(got)}, not an array"
    try:
        arr = np.asarray(got)
    except (ValueError, TypeError) as err:     # ragged lists and the like
        return None, f"is not an array of numbers ({err})"
    if arr.dtype.kind not in "biuf":
        return None, f"is an array of {arr.dtype}, not of numbers"
    return arr.astype(float), ""


def check_value(name: str, got, expected: float, *, rtol: float = 1e-7,
                atol: float = 1e-12) -> bool:
    """Compare one number with the expected one and say how far off it is.

    ``got`` is the number or a function of no arguments returning it (called within
    TIME_LIMIT seconds)."""
    if callable(got):
        ok, got = run(name, got)
        if not ok:
            return False
    got, why = _number(got)
    if got is None:
        print(f"{FAIL} {name}: expected a number; it {why}")
        return False
    if not math.isfinite(got):
        print(f"{FAIL} {name}: got {got}, expected the finite number {_fmt(expected)}")
        return False
    if math.isclose(got, expected, rel_tol=rtol, abs_tol=atol):
        print(f"{PASS} {name}: {_fmt(got)}")
        return True
    rel = abs(got - expected) / max(abs(expected), 1e-300)
    print(f"{FAIL} {name}: got {_fmt(got)}, expected {_fmt(expected)} "
          f"(off by {abs(got - expected):.3g}, relative {rel:.3g})")
    return False


def learner_values(name: str, fn: Callable, points: Iterable):
    """``fn`` at every point as floats, or None after printing one line saying why not."""
    values = []
    for p in points:
        args = p if isinstance(p, tuple) else (p,)
        shown = ", ".join(_fmt(a) for a in args)
        ok, got = run(name, fn, *args, where=f"at {shown}")
        if not ok:
            return None
        got, why = _number(got)
        if got is None:
            print(f"{FAIL} {name}: at {shown} it {why}")
            return None
        values.append(got)
    return values


def compare_values(name: str, points: list, got: list, reference: Callable, *,
                   rtol: float = 1e-7, atol: float = 1e-12) -> bool:
    """Print ✓ if every ``got`` matches ``reference`` at its point, else the first misses."""
    wrong = []
    for p, value in zip(points, got, strict=True):
        args = p if isinstance(p, tuple) else (p,)
        want = float(reference(*args))
        if not math.isclose(value, want, rel_tol=rtol, abs_tol=atol):
            wrong.append((args, value, want))
    if not wrong:
        print(f"{PASS} {name}: correct at all {len(points)} points")
        return True
    print(f"{FAIL} {name}: wrong at {len(wrong)} of {len(points)} points, for example")
    for args, value, want in wrong[:3]:
        shown = ", ".join(_fmt(a) for a in args)
        print(f"    at {shown}: got {_fmt(value)}, expected {_fmt(want)}")
    return False


def check_function(name: str, fn: Callable, reference: Callable, points: Iterable,
                   *, rtol: float = 1e-7, atol: float = 1e-12) -> bool:
    """Call ``fn`` and ``reference`` at every point; report the first points that disagree."""
    points = list(points)
    got = learner_values(name, fn, points)
    if got is None:
        return False
    return compare_values(name, points, got, reference, rtol=rtol, atol=atol)


def check_arrays(arrays: Mapping[str, tuple], *, rtol: float = 1e-7,
                 atol: float = 1e-10) -> bool:
    """Compare named arrays (``{name: (got, expected)}``) as backprop-ninja does.

    Each line says ``matches`` (equal within rtol/atol) or ``WRONG`` with the largest
    absolute difference. Whether two correct computations agree to the last bit or only to
    rounding depends on the CPU (SIMD and BLAS kernels), so a pass does not say which.
    Shapes must match exactly: a broadcastable but different shape is a bug, not a pass.
    """
    ok = True
    width = max(len(n) for n in arrays) if arrays else 0
    for name, (got, expected) in arrays.items():
        label = name.ljust(width)
        if got is None:
            print(f"{TODO} {label}  not computed yet")
            ok = False
            continue
        expected = np.asarray(expected)
        arr, why = _array(got)
        if arr is None:
            print(f"{FAIL} {label}  expected numbers, but it {why}")
            ok = False
            continue
        if arr.shape != expected.shape:
            print(f"{FAIL} {label}  shape {arr.shape}, expected {expected.shape}")
            ok = False
            continue
        if not np.all(np.isfinite(arr)):
            print(f"{FAIL} {label}  WRONG  ({int(np.sum(~np.isfinite(arr)))} entries are "
                  "nan or inf)")
            ok = False
            continue
        if np.allclose(arr, expected, rtol=rtol, atol=atol):
            print(f"{PASS} {label}  matches")
        else:
            diff = float(np.max(np.abs(arr - expected.astype(float))))
            print(f"{FAIL} {label}  WRONG  (max difference {diff:.2e})")
            ok = False
    return ok
