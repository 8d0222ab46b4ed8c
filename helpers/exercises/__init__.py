"""Checks for the exercises of every lesson: targeted feedback that teaches.

Every check prints what it found and returns True when everything is right, else False (a
check cell stores it, ``ok = checks.check_x(answer)``, so that the notebook shows the
feedback and no bare ``False``). An exercise the learner has not done yet raises
``NotImplementedError`` with a small hint; the checks catch it and print that hint, so a
notebook with open exercises still runs top to bottom.

What a wrong try is told grows with the tries. The first wrong try gets the bug named where the
check can recognise it and a nudge; the next wrong tries get more, up to the method. The
hint given before any try never gives the answer away. Tries are counted per exercise, in
this module (``tries``, ``reset_tries``).

Per-lesson checks live in submodules (``helpers.exercises.chain_rule`` …). They are built from
the pieces here: ``exercise`` (the decorator every check wears: it counts the tries, prints
the graded hints the check's docstring lists, never lets the learner's code crash or hang
the notebook), ``run`` (call the learner's function within a time limit), ``check_prediction``
(a predict-first answer), and the comparisons ``check_value``, ``check_function`` and
``check_arrays``, which can name the usual bugs (``mistakes``).
"""

from __future__ import annotations

import ast
import decimal
import functools
import inspect
import math
import os
import signal
import textwrap
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

PASS, FAIL, TODO = "✓", "✗", "…"

#: Seconds a learner's function may run before a check stops it and reports an endless loop.
TIME_LIMIT = 3.0

#: A number the learner types (1.5708 for π/2) is right when it is this close, relatively.
TYPED_RTOL = 1e-4


# --------------------------------------------------------------------------------------
# Tries and graded hints
# --------------------------------------------------------------------------------------

#: Wrong tries so far, per exercise number ("2.3"): the hints grow with them.
_tries: dict[str, int] = {}
#: Wrong numbers given to each predict-first exercise: its answer is shown from the second on
#: (a slip of form, such as no number returned, is a try but not a prediction).
_wrong_predictions: dict[str, int] = {}

#: The tries in progress (a check may run inside another one, as engine_for_training does).
_attempts: list[_Attempt] = []


class _Attempt:
    """One run of one check of an exercise: its hint level, and what happened."""

    def __init__(self, exercise: str):
        self.level = _tries.get(exercise, 0) + 1  # 1 on the first wrong try
        self.not_done = False  # the learner's code raised NotImplementedError
        self.hinted = 0  # levels of the hint the check printed for the bug it found


def tries(exercise: str) -> int:
    """How many wrong tries exercise ``exercise`` ("2.3") has had so far."""
    return _tries.get(exercise, 0)


def reset_tries() -> None:
    """Forget every wrong try (a fresh learner): the next wrong try gets the first nudge."""
    _tries.clear()
    _wrong_predictions.clear()


def _show(hints: str | Sequence[str], level: int) -> int:
    """Print the hint of this level (``hints[level - 1]``, the last one beyond); how many
    levels there were."""
    hints = (hints,) if isinstance(hints, str) else tuple(hints)
    if hints:
        print(f"    Hint: {hints[min(level, len(hints)) - 1]}")
    return len(hints)


def hint(hints: str | Sequence[str]) -> None:
    """Print the hint for this try of the exercise being checked: ``hints[0]`` on the first
    wrong try, ``hints[1]`` on the second, …, the last one from then on (one string: always
    that one)."""
    attempt = _attempts[-1] if _attempts else None
    levels = _show(hints, attempt.level if attempt else 1)
    if attempt:
        attempt.hinted = levels


#: What a learner hears whose code sits below the ``raise NotImplementedError`` line.
BELOW_THE_RAISE = (
    "your code is below the `raise NotImplementedError` line. Python stops at that line, "
    "so your code never runs: delete the line."
)


def learner_source(fn) -> tuple[str, ast.Module] | None:
    """The learner's function ``fn`` as text (dedented) and as a syntax tree; None when Python
    cannot give its source (a builtin, code typed at a prompt) or it does not parse."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        return source, ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None


def code_below_raise(fn) -> bool:
    """Whether the function (or code object) ``fn`` has statements after a
    ``raise NotImplementedError`` in its own body: the learner wrote under the line instead
    of in its place."""
    read = learner_source(fn)
    if read is None:
        return False
    tree = read[1]
    body = tree.body[0].body if tree.body and hasattr(tree.body[0], "body") else []
    raises = [i for i, node in enumerate(body) if isinstance(node, ast.Raise)]
    if not raises or "NotImplementedError" not in ast.dump(body[raises[0]]):
        return False
    # a template's own placeholder below the line (03's `return {"Y": (), ...}`) is not code
    return not all(_placeholder(node) for node in body[raises[0] + 1 :])


def _placeholder(node: ast.stmt) -> bool:
    """Whether ``node`` is a template's blanks: ``return`` of a literal holding only empty
    values (03's ``{"Y": (), ...}``; a learner's filled-in ``{"Y": (32, 10), ...}`` is code)."""
    if not isinstance(node, ast.Return) or node.value is None:
        return isinstance(node, ast.Return)
    try:
        value = ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError):
        return False
    return _blank(value)


def _blank(value) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, (tuple, list)) and value:
        return all(_blank(v) for v in value)
    return value in ((), [], None, "")


def _raised_in(err: BaseException):
    """The code object of the learner's function that raised ``err`` (None if none did)."""
    here, code, tb = os.path.dirname(__file__), None, err.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(here):
            code = tb.tb_frame.f_code
        tb = tb.tb_next
    return code


def _not_done(name: str, err: NotImplementedError) -> bool:
    if _attempts:
        _attempts[-1].not_done = True
    raiser = _raised_in(err)
    if raiser is not None and code_below_raise(raiser):
        print(f"{FAIL} {name}: {BELOW_THE_RAISE}")
        return False
    text = str(err) or "replace the `raise NotImplementedError` line with your code"
    print(f"{TODO} {name}: not done yet. Hint: {text}")
    return False


def _learner_line(err: BaseException) -> str:
    """' (in f, line 3)': where in the learner's code ``err`` came from, if it did."""
    here = os.path.dirname(__file__)
    frames = [f for f in traceback.extract_tb(err.__traceback__) if not f.filename.startswith(here)]
    return f" (in {frames[-1].name}, line {frames[-1].lineno})" if frames else ""


def docstring_hints(doc: str | None) -> list[str]:
    """The hints a check's docstring lists under a line starting with "Hints", one ``- ``
    item each (an item may go on over indented lines)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("Hints")), None)
    hints: list[str] = []
    for line in lines[start:] if start is not None else []:
        if line.startswith("- "):
            hints.append(line[2:].strip())
        elif line.startswith(" ") and hints:
            hints[-1] += " " + line.strip()
        else:
            break
    return hints


def exercise(number: str, name: str, *, own: Sequence[str] = (), limited: bool = False):
    """Make a function the check of exercise ``number``, shown as ``name``.

    The check returns True or False and never raises: an exception from the learner's code
    (or one the check did not foresee) is one ✗ line saying where it came from. After a wrong
    try the next of the hints its docstring lists (``docstring_hints``) is printed, unless
    the check printed a hint for the bug it found (``hint``): a one-sentence one is followed
    by the next listed hint from the second wrong try on, a graded one (several sentences)
    stands alone.

    ``limited``: the whole check runs within the time limit (for checks that call the
    learner's code directly rather than through ``run``). ``own``: the names of the functions
    this exercise asks for; a NotImplementedError raised by another function (an earlier
    exercise's) says so instead of showing its hint as this exercise's.
    """

    def wrap(check):
        hints = docstring_hints(check.__doc__)

        @functools.wraps(check)
        def checked(*args, **kwargs):
            attempt = _Attempt(number)
            _attempts.append(attempt)
            try:
                how, result = _call_limited(lambda: check(*args, **kwargs), (), limited=limited)
                _say_why_it_stopped(name, how, result, own, attempt)
            finally:
                _attempts.pop()
            ok = how == "ok" and result is True
            if not ok and not attempt.not_done:
                _tries[number] = attempt.level
                # a named bug is one sentence; from the second try on, the method follows it
                if not attempt.hinted or (attempt.hinted == 1 and attempt.level > 1):
                    _show(hints, attempt.level)
            return ok

        checked.exercise = number
        return checked

    return wrap


def _say_why_it_stopped(name: str, how: str, result, own: Sequence[str], attempt) -> None:
    """A check that timed out or raised, in one line: a NotImplementedError is an exercise
    not done yet (this one's, or an earlier one's named in ``own``'s absence)."""
    if how == "timeout":
        print(_timeout_message(name, "", result))
    elif how == "raised" and isinstance(result, NotImplementedError):
        frames = traceback.extract_tb(result.__traceback__)
        raiser = frames[-1].name if frames else ""
        if own and raiser not in own:
            print(
                f"{TODO} {name}: `{raiser}` is not done yet: do its exercise "
                f"first (its hint: {result})"
            )
            attempt.not_done = True
        else:
            _not_done(name, result)
    elif how == "raised":
        print(
            f"{FAIL} {name}: your code raised {type(result).__name__}: "
            f"{result}{_learner_line(result)}"
        )
        meaning = error_meaning(result, PLAIN_ERRORS)
        if meaning:
            hint(meaning)


# --------------------------------------------------------------------------------------
# Calling the learner's code
# --------------------------------------------------------------------------------------


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


def _call_limited(fn, args, limited=True):
    """``fn(*args)``, stopped after TIME_LIMIT seconds (read now, so that a test can shorten
    it) if ``limited``: ('ok', result), ('raised', exception), ('timeout', stopped) where
    stopped says whether it really ended."""
    limit = TIME_LIMIT if limited else None
    use_alarm = (
        limit is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if limit is None or use_alarm:  # the main thread (a notebook kernel, pytest): stoppable
        previous = signal.signal(signal.SIGALRM, _on_alarm) if use_alarm else None
        try:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                return "ok", fn(*args)
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except _TimeUp:
            return "timeout", True
        except (Exception, SystemExit) as err:  # noqa: BLE001 - the learner's bug, reported
            return "raised", err
        finally:
            if use_alarm:
                signal.signal(signal.SIGALRM, previous)
    box = {}  # elsewhere: a daemon thread (it cannot be stopped, only left)

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


def _timeout_message(name: str, at: str, stopped: bool) -> str:
    still = (
        "it was stopped"
        if stopped
        else "it may still be running: restart the kernel (Kernel > Restart) if the "
        "notebook gets slow"
    )
    return (
        f"{FAIL} {name}: still running after the time limit of {TIME_LIMIT:g} s{at} "
        f"({still}). Hint: look for a loop that never ends, e.g. a `while` whose "
        "condition never becomes false"
    )


def error_meaning(err: BaseException, known) -> str | None:
    """What ``err`` usually means in a learner's code: the ``meaning`` of the first row
    ``(kind, words, meaning)`` of the table ``known`` whose ``kind`` it is and whose message
    contains ``words`` ("" matches any); ``None`` when no row does."""
    for kind, words, meaning in known:
        if isinstance(err, kind) and words in str(err):
            return meaning
    return None


#: What an error means in plain words, for any check when its lesson's own table has no row.
PLAIN_ERRORS = (
    (
        NameError,
        "",
        "a NameError means your code uses a name that no line has given a value: check its "
        "spelling, and that it is an argument of your function or defined in an earlier cell",
    ),
)


def run(name: str, fn, *args, where: str = "", error_hint=None):
    """Call the learner's ``fn(*args)`` within TIME_LIMIT seconds.

    Returns ``(True, result)``, or ``(False, None)`` after printing ONE line that says why:
    not a function, not done yet (its hint), the exception it raised, or that it was still
    running when the time limit was over. ``where`` ("at x = 1.5") goes into the message.
    ``error_hint`` says what an exception usually means: a table of known errors for
    :func:`error_meaning`, or a function of the exception returning a sentence or ``None``.
    """
    at = f" {where}" if where else ""
    if not callable(fn):
        print(f"{FAIL} {name}: expected a function, got {type(fn).__name__} {_fmt(fn)}")
        return False, None
    how, result = _call_limited(fn, args)
    if how == "ok":
        return True, result
    if how == "timeout":
        print(_timeout_message(name, at, result))
        return False, None
    if isinstance(result, NotImplementedError):
        _not_done(name, result)
        return False, None
    print(f"{FAIL} {name}: calling it{at} raised {type(result).__name__}: {result}")
    if error_hint is None:
        meaning = None
    elif callable(error_hint):
        meaning = error_hint(result)
    else:
        meaning = error_meaning(result, error_hint)
    meaning = meaning or error_meaning(result, PLAIN_ERRORS)
    if meaning:
        hint(meaning)
    return False, None


# --------------------------------------------------------------------------------------
# What the learner returned
# --------------------------------------------------------------------------------------


#: What a learner hears whose function returned a function (``return lambda a: 8 * a``):
#: they called nothing, so "calling it raised TypeError" would puzzle them.
RETURNED_A_FUNCTION = "returned a function, not a number: return the number"


def _number(got):
    """``got`` as a Python float, or a sentence saying why it is not one number."""
    if got is None:
        return None, "returned None: is a `return` missing?"
    if isinstance(got, (bool, np.bool_)):
        return None, f"returned {got}: a yes-or-no value, a bool, not a number"
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "iuf":
        got = got.reshape(()).item()
    elif isinstance(got, np.ndarray):
        return None, f"returned an array of shape {got.shape}, not one number"
    if isinstance(got, str):
        return None, (
            f"returned the text {got!r}, not a number: Python reads anything in quotes as "
            "text. Write the number without quotes"
        )
    if callable(got):
        return None, RETURNED_A_FUNCTION
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
    except (ValueError, TypeError) as err:  # ragged lists and the like
        return None, f"is not an array of numbers ({err})"
    if arr.dtype.kind not in "biuf":
        return None, f"is an array of {arr.dtype}, not of numbers"
    return arr.astype(float), ""


def returned(name: str, result) -> bool:
    """False (after one ✗ line saying so) if the learner's function returned None."""
    if result is None:
        print(f"{FAIL} {name}: it returned None: is a `return` missing?")
    return result is not None


def learner_number(name: str, answer, *args, where: str = ""):
    """The learner's number as a float: ``answer`` itself, or what the function ``answer``
    returns for ``args`` (with ``args`` it must be a function). None after printing one ✗
    line saying why it is not one."""
    if callable(answer) or args:
        ok, answer = run(name, answer, *args, where=where)
        if not ok:
            return None
    got, why = _number(answer)
    if got is None:
        print(
            f"{FAIL} {name}: {where + ' ' if where else ''}it {why}"
            if where or callable(answer)
            else f"{FAIL} {name}: expected a number; it {why}"
        )
    return got


def learner_answer(name: str, answer):
    """What the learner gave: ``answer`` itself, or what the function ``answer`` returns
    (called within the time limit, with no arguments), as ``(True, value)``; ``(False, None)``
    after one ✗ line when calling it failed or it returned a function in its turn (a
    predict-first answer is a number, and the learner called nothing)."""
    if not callable(answer):
        return True, answer
    ok, out = run(name, answer)
    if ok and callable(out):
        print(f"{FAIL} {name}: it {RETURNED_A_FUNCTION}")
        return False, None
    return ok, out


def learner_numbers(name: str, got, example: str = "(1.0, 2.0)"):
    """A tuple, list, set or array of numbers as a list of floats, or None after one ✗ line."""
    if isinstance(got, np.ndarray):
        got = got.ravel().tolist()
    numbers = [_number(v)[0] for v in got] if isinstance(got, (tuple, list, set)) else [None]
    if not numbers or None in numbers:
        print(
            f"{FAIL} {name}: expected numbers, such as {example}; got "
            f"{type(got).__name__} {_fmt(got)}"
        )
        return None
    return numbers


def agrees(got: float, want: float) -> bool:
    """Whether a number the learner typed is ``want`` to the digits typed (1.5708 for π/2)."""
    return math.isclose(got, want, rel_tol=TYPED_RTOL, abs_tol=1e-12)


def near_miss(got: float | Iterable[float], want: float | Iterable[float]) -> str:
    """A note for typed numbers close to one of ``want`` but not to enough digits, else ''."""
    got = [got] if isinstance(got, (int, float)) else list(got)
    want = [want] if isinstance(want, (int, float)) else list(want)
    pairs = [
        (g, w) for g in got for w in want if not agrees(g, w) and math.isclose(g, w, rel_tol=1e-2)
    ]
    close = list(dict.fromkeys(_fmt(g) for g, _ in pairs))
    if not close:
        return ""
    verb = "is" if len(close) == 1 else "are"
    how = "e.g. with math.pi" if any(_pi_multiple(w) for w in want) else "e.g. as a fraction"
    if all(_extends_to(g, w) for g, w in pairs):
        return f" ({' and '.join(close)} {verb} close: give more digits, or compute it, {how})"
    mismatch = "close, but the digits typed do not match"
    return f" ({' and '.join(close)} {verb} {mismatch}: compute it, {how})"


def not_whole(got: float, want: float) -> str:
    """A note for a number within 0.1 % of the whole number ``want`` but not it (a finite
    difference's estimate, or a float's round-off), else ''."""
    if got == want or not math.isclose(got, want, rel_tol=1e-3):
        return ""
    return (
        f" ({_fmt_apart(got, want)} is close to {_fmt(want)}, but not it: an estimate, such as "
        "a finite difference gives, or a float's round-off; the answer is the exact number)"
    )


def _fmt_apart(got, want) -> str:
    """``got`` as :func:`_fmt` writes it, or with all its digits where that would read as
    ``want`` (24.00000000335 is not shown as 24)."""
    text = _fmt(got)
    if text == _fmt(want) and got != want and isinstance(got, (float, np.floating)):
        return repr(float(got))
    return text


def _extends_to(got: float, want: float) -> bool:
    """Whether more digits after those typed could reach ``want``: 0.199 or 1.57 for 0.2 or
    π/2 (truncated or rounded), but not 0.2001 for 0.2 (its digits are already past it)."""
    exponent = decimal.Decimal(f"{got:.10g}").normalize().as_tuple().exponent
    unit = 10.0 ** int(exponent) if isinstance(exponent, int) else 0.0
    low, high = (got - unit / 2, got + unit) if got >= 0 else (got - unit, got + unit / 2)
    return low - 1e-12 <= want <= high + 1e-12


def _pi_multiple(x: float) -> bool:
    """Whether ``x`` is a nonzero multiple of π by a simple fraction (k/12 for a whole k)."""
    k = x / math.pi * 12
    return x != 0 and math.isfinite(k) and math.isclose(k, round(k), abs_tol=1e-9)


# --------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------


def check_value(
    name: str, got, expected: float, *, rtol: float = 1e-7, atol: float = 1e-12
) -> bool:
    """Compare one number with the expected one and say how far off it is.

    ``got`` is the number or a function of no arguments returning it (called within
    TIME_LIMIT seconds)."""
    got = learner_number(name, got)
    if got is None:
        return False
    if not math.isfinite(got):
        print(f"{FAIL} {name}: got {got}, expected the finite number {_fmt(expected)}")
        return False
    if math.isclose(got, expected, rel_tol=rtol, abs_tol=atol):
        print(f"{PASS} {name}: {_fmt(got)}")
        return True
    rel = abs(got - expected) / max(abs(expected), 1e-300)
    print(
        f"{FAIL} {name}: got {_fmt(got)}, expected {_fmt(expected)} "
        f"(off by {abs(got - expected):.3g}, relative {rel:.3g})"
    )
    return False


def check_prediction(
    name: str,
    answer,
    expected: float,
    why: str,
    misses: Mapping[float, str] | None = None,
    *,
    hide_first_try_of: str | None = None,
    nudge: str | None = None,
    boundary: bool = False,
) -> bool:
    """A predict-first exercise: the learner's number (or a function returning it) against
    ``expected``. A known wrong guess hears what it is (``misses``: guess → sentence, none of
    which gives the answer). With ``hide_first_try_of`` (an exercise, "2.1"), its first wrong
    try is told only that it is not it, and ``nudge`` if given; the value and ``why`` come from
    the next wrong try on, so one wrong try does not give the prediction away. Without it,
    every try is told the value and ``why``. A whole ``expected`` wants a whole number; any
    other is right to the digits typed (``agrees``). With ``boundary`` (the exercise asks for
    a boundary, 5.1's 0.2), a number just below it is told so, not to give more digits
    (such as 0.199)."""
    got = learner_number(name, answer)
    if got is None:
        return False
    whole = float(expected).is_integer()
    if got == expected if whole else agrees(got, expected):
        print(f"{PASS} {name}: {_fmt(expected)}. {why}")
        return True
    near = not_whole(got, expected) if whole else near_miss(got, expected)
    if boundary and near and got < expected:
        near = " (give the boundary itself, not a value just below it)"
    shown = _fmt_apart(got, expected)
    hide = hide_first_try_of is not None and not _wrong_predictions.get(hide_first_try_of)
    if hide_first_try_of is not None:
        _wrong_predictions[hide_first_try_of] = _wrong_predictions.get(hide_first_try_of, 0) + 1
    if hide:
        print(
            f"{FAIL} {name}: you predicted {shown}; that is not it{near}. Try again: "
            "the next wrong try shows the answer."
        )
    else:
        print(f"{FAIL} {name}: you predicted {shown}; it is {_fmt(expected)}{near}. {why}")
    for guess, meaning in (misses or {}).items():
        if math.isclose(got, guess, rel_tol=TYPED_RTOL):
            print(f"    Your {shown}: {meaning}")
            break
    if hide and nudge:
        hint(nudge)
    return False


def a_function(name: str, answer, function: str) -> bool:
    """Whether ``answer`` is a function, as an exercise asking for the function ``function``
    wants; else one ✗ line saying so. A predict-first check calls it first when its exercise
    asks for a function (else a plain number, such as ``predict = 24``, would pass)."""
    if callable(answer):
        return True
    number = _number(answer)[0] is not None
    kind = "number" if number else "text" if isinstance(answer, str) else type(answer).__name__
    print(
        f"{FAIL} {name}: `{function}` is the {kind} {_fmt(answer)}, not a function. The "
        f"exercise asks for a function: write `def {function}():` and, on the next line, "
        "`return` and your number"
    )
    return False


def learner_values(name: str, fn: Callable, points: Iterable):
    """``fn`` at every point as floats, or None after printing one line saying why not."""
    values = []
    for p in points:
        args = p if isinstance(p, tuple) else (p,)
        shown = ", ".join(_fmt(a) for a in args)
        got = learner_number(name, fn, *args, where=f"at {shown}")
        if got is None:
            return None
        values.append(got)
    return values


def compare_values(
    name: str,
    points: list,
    got: list,
    reference: Callable,
    *,
    rtol: float = 1e-7,
    atol: float = 1e-12,
) -> bool:
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
        print(f"    at {shown}: got {_apart(value, want)}")
    return False


def _apart(got: float, want: float) -> str:
    """'X, expected Y' with enough digits that X and Y read differently (a finite
    difference is off in the 11th digit: 10 digits would print two equal numbers)."""
    for digits in (10, 13, 17):
        a, b = f"{got:.{digits}g}", f"{want:.{digits}g}"
        if a != b:
            break
    return f"{a}, expected {b}"


def check_function(
    name: str,
    fn: Callable,
    reference: Callable,
    points: Iterable,
    *,
    mistakes: Mapping[str | tuple, Callable] | None = None,
    **tolerance,
) -> bool:
    """Call ``fn`` and ``reference`` at every point; report the first points that disagree
    (``tolerance``: ``rtol`` and ``atol`` of :func:`compare_values`).

    ``mistakes`` maps a sentence naming a usual bug (or a tuple of hints growing with the
    tries, ``hint``) to the function that bug computes: when the learner's values are that
    function's at every point, that is the hint."""
    points = list(points)
    got = learner_values(name, fn, points)
    if got is None:
        return False
    if compare_values(name, points, got, reference, **tolerance):
        return True
    for bug, wrong in (mistakes or {}).items():
        if all(
            math.isclose(
                g, wrong(*(p if isinstance(p, tuple) else (p,))), rel_tol=1e-9, abs_tol=1e-12
            )
            for g, p in zip(got, points, strict=True)
        ):
            hint(bug)
            break
    return False


def at_every_point(points: Sequence, check_one: Callable[[object], bool], passed: str) -> bool:
    """True when ``check_one(x)`` passes at every one of ``points`` (it prints what fails, and
    the first failure ends the check); then ``passed`` is printed with a ✓."""
    if not all(check_one(x) for x in points):
        return False
    print(f"{PASS} {passed}")
    return True


def matches(got: np.ndarray, want) -> bool:
    """Same shape and the same numbers (to round-off) as ``want``."""
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-9, atol=1e-12))


def check_arrays(
    arrays: Mapping[str, tuple],
    *,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    mistakes: Mapping[str, Mapping[str | tuple, object]] | None = None,
) -> bool:
    """Compare named arrays (``{name: (got, expected)}``) as backprop-ninja does.

    Each line says ``matches`` (equal within rtol/atol) or ``WRONG`` with the largest
    absolute difference. Whether two correct computations agree to the last bit or only to
    rounding depends on the CPU (SIMD and BLAS kernels), so a pass does not say which.
    Shapes must match exactly: a broadcastable but different shape is a bug, not a pass.
    ``mistakes`` maps an array's name to {sentence naming a usual bug (or a tuple of growing
    hints): what that bug gives}; the first wrong array that is one of them gets it as the
    hint.
    """
    ok = True
    width = max(len(n) for n in arrays) if arrays else 0
    for name, (got, expected) in arrays.items():
        arr = _compare_array(name.ljust(width), got, np.asarray(expected), rtol, atol)
        if arr is True:
            continue
        if ok and arr is not None:  # the first wrong array: the chain broke here
            bug = next(
                (b for b, wrong in (mistakes or {}).get(name, {}).items() if matches(arr, wrong)),
                None,
            )
            if bug:  # a usual bug: name it
                hint(bug)
        ok = False
    return ok


def _compare_array(label: str, got, expected: np.ndarray, rtol: float, atol: float):
    """Print one line of ``check_arrays`` for an array; return True if it matches, else the
    learner's array as numbers (None if it is none or not numbers)."""
    if got is None:
        print(f"{TODO} {label}  not computed yet")
        return None
    arr, why = _array(got)
    if arr is None:
        print(f"{FAIL} {label}  expected numbers, but it {why}")
    elif arr.shape != expected.shape:
        print(f"{FAIL} {label}  shape {arr.shape}, expected {expected.shape}")
    elif not np.all(np.isfinite(arr)):
        print(f"{FAIL} {label}  WRONG  ({int(np.sum(~np.isfinite(arr)))} entries are nan or inf)")
    elif np.allclose(arr, expected, rtol=rtol, atol=atol):
        print(f"{PASS} {label}  matches")
        return True
    else:
        diff = float(np.max(np.abs(arr - expected.astype(float))))
        print(f"{FAIL} {label}  WRONG  (max difference {diff:.2e})")
    return arr
