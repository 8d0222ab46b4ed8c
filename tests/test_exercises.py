"""The exercise checks (helpers.exercises) and the exercise pattern of every lesson.

Every exercise is: a ``### Exercise N.k — title`` markdown cell, a code cell tagged
``exercise`` whose function raises ``NotImplementedError("hint")``, a code cell tagged
``check``, and a ``<details><summary>Answer</summary>`` cell with a runnable ```python block.
Run on the learner's unanswered code, a check prints the hint and returns False without
raising, so the notebook still executes headless. (That each answer passes its check is
tested in test_answers.py.)
"""

import ast
import math
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from helpers.exercises import (
    _not_done,
    check_arrays,
    check_function,
    check_prediction,
    check_value,
    docstring_hints,
    run,
)
from tools.lessons import (  # noqa: E402
    answer_prelude,
    exercises,
    final_call,
    hints,
    lesson_number,
    lesson_paths,
    load,
    run_check,
    sections,
    source,
    tags,
)

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "09_fixture.ipynb"
LESSONS = lesson_paths()


# --- the core checks --------------------------------------------------------------------------


def todo():
    raise NotImplementedError("multiply the outer slope by the inner one")


def test_check_value_passes_and_fails_with_the_numbers(capsys):
    assert check_value("slope", 2.0000000001, 2.0) is True
    assert "✓ slope: 2" in capsys.readouterr().out
    assert check_value("slope", 2.5, 2.0) is False
    assert "got 2.5, expected 2 (off by 0.5, relative 0.25)" in capsys.readouterr().out


def test_check_value_accepts_callables_numpy_scalars_and_one_element_arrays(capsys):
    assert check_value("x", lambda: np.float64(3.0), 3.0)
    assert check_value("x", np.array(3.0), 3.0)
    assert check_value("x", np.array([3]), 3.0)
    assert check_value("x", np.int64(3), 3.0)


@pytest.mark.parametrize(
    "got, says",
    [
        (None, "is a `return` missing?"),
        (True, "a bool, not a number"),
        ("3", "returned the text '3', not a number: Python reads anything in quotes"),
        (np.zeros(3), "an array of shape (3,), not one number"),
        (math.nan, "got nan, expected the finite number 3"),
    ],
)
def test_check_value_explains_what_is_not_a_number(capsys, got, says):
    assert check_value("x", got, 3.0) is False
    assert says in capsys.readouterr().out


def test_checks_print_the_hint_of_an_unanswered_exercise(capsys):
    assert check_value("slope", todo, 1.0) is False
    assert check_function("slope", lambda x: todo(), math.cos, [0.0]) is False
    try:
        todo()
    except NotImplementedError as err:
        assert _not_done("slope", err) is False
    out = capsys.readouterr().out
    assert out.count("not done yet. Hint: multiply the outer slope by the inner one") == 3


def test_checks_report_a_learners_exception_instead_of_raising(capsys):
    assert check_value("x", lambda: 1 / 0, 1.0) is False
    assert "calling it raised ZeroDivisionError" in capsys.readouterr().out
    assert check_function("f", lambda x: [][1], math.sin, [0.5]) is False
    assert "raised IndexError" in capsys.readouterr().out


def test_check_function_lists_the_wrong_points(capsys):
    assert check_function("cos", np.cos, math.cos, [0.1, 0.2, (0.3,)]) is True
    assert "correct at all 3 points" in capsys.readouterr().out
    assert check_function("cos", np.sin, math.cos, [0.0, 1.0]) is False
    out = capsys.readouterr().out
    assert "wrong at 2 of 2 points" in out and "at 0: got 0, expected 1" in out
    assert check_function("cos", lambda x: None, math.cos, [0.0]) is False
    assert "at 0 it returned None: is a `return` missing?" in capsys.readouterr().out
    assert check_function("cos", lambda x: np.ones(2), math.cos, [0.0]) is False
    assert "array of shape (2,)" in capsys.readouterr().out
    assert check_function("cos", 3.0, math.cos, [0.0]) is False


def test_check_arrays_says_matches_wrong_shape_and_nan(capsys):
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from nan or inf either
        ok = check_arrays(
            {
                "dW": (a.copy(), a),
                "db": (a + 1e-12, a),
                "dx": (a.T + 1, a),
                "dh": (a[0], a),
                "dz": (a * np.nan, a),
                "dy": (None, a),
                "dm": (a > 2, a > 2),
            }
        )
    assert ok is False
    out = capsys.readouterr().out
    for line in [
        "✓ dW  matches",
        "✓ db  matches",
        "✗ dx  WRONG  (max difference",
        "✗ dh  shape (2,), expected (2, 2)",
        "4 entries are nan or inf",
        "… dy  not computed yet",
        "✓ dm  matches",
    ]:
        assert line in out
    assert "exact" not in out and "close" not in out  # last bits are the CPU's, not a claim
    assert check_arrays({"dW": (a, a)}) is True


# --- the exercise pattern in every lesson ---------------------------------------------------------


def all_exercises():
    found = [(p, ex) for p in [FIXTURE, *LESSONS] for ex in exercises(p)]
    return [pytest.param(p, ex, id=f"{p.name}::{ex.number}") for p, ex in found]


@pytest.mark.parametrize("path", [FIXTURE, *LESSONS], ids=lambda p: p.name)
def test_lesson_ends_with_three_to_five_exercises_numbered_in_order(path):
    found = exercises(path)
    lesson = lesson_number(path)
    assert 3 <= len(found) <= 5 or path == FIXTURE, (
        f"{path.name}: {len(found)} exercises; each lesson has 3 to 5 (CONTRIBUTING.md)"
    )
    assert [ex.number for ex in found] == [f"{lesson}.{k}" for k in range(1, len(found) + 1)], (
        f"{path.name}: exercises must be numbered {lesson}.1, {lesson}.2, … in order"
    )
    assert any(s.level == 2 and s.title == "Exercises" for s in sections(path)), (
        f"{path.name}: no `## Exercises` section (the index and answers link to it)"
    )


@pytest.mark.parametrize("path, ex", all_exercises())
def test_exercise_has_the_full_pattern(path, ex):
    assert not ex.problems, f"{path.name}, {ex.title}: " + "; ".join(ex.problems)
    tree = ast.parse(ex.code)
    assert not [n for n in tree.body if isinstance(n, ast.Raise)], (
        f"{path.name}, {ex.title}: the exercise cell raises at top level, so the notebook "
        "stops there; raise NotImplementedError inside the learner's function instead"
    )
    found = hints(ex.code)
    assert found and all(h.strip() for h in found), (
        f"{path.name}, {ex.title}: the exercise cell must raise NotImplementedError with a "
        f'hint, e.g. raise NotImplementedError("try …"); found {found}'
    )
    try:
        final_call(ex.check)  # its True/False becomes an assert in answers and nbgrader
    except ValueError as err:
        pytest.fail(f"{path.name}, {ex.title}: {err}")


@pytest.mark.parametrize("path, ex", all_exercises())
def test_unanswered_check_prints_the_hint_and_returns_false(path, ex):
    """Run as in a fresh notebook: what the learner had (the lesson's imports, its setup cells,
    the earlier answers), then the answer (which defines anything else the check needs), then
    the learner's unanswered cell on top, then the check."""
    namespace: dict = {}
    exec(answer_prelude(path, ex), namespace)
    exec(ex.answer_code, namespace)
    exec(ex.code, namespace)
    result, printed = run_check(ex.check, namespace)
    assert result is False, f"{path.name}, {ex.title}: unanswered, the check returned {result!r}"
    assert any(h in printed for h in hints(ex.code)), (
        f"{path.name}, {ex.title}: unanswered, the check should print the exercise's hint "
        f"{hints(ex.code)}; it printed {printed!r}"
    )


@pytest.mark.parametrize("path, ex", [p for p in all_exercises() if p.values[0] != FIXTURE])
def test_stored_lesson_shows_the_unanswered_check(path, ex):
    """The committed lesson is the learner's version: its check cells show the hints."""
    for cell in load(path)["cells"]:
        if "check" in tags(cell) and source(cell) == ex.check:
            assert cell.get("execution_count"), (
                f"{path.name} is stored unexecuted: run `make execute` and commit the result"
            )
            text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
            assert any(h in text for h in hints(ex.code)), (
                f"{path.name}, {ex.title}: the stored check output {text!r} does not show "
                "the hint: was the notebook saved with an answer in the exercise cell?"
            )


def _answer_expressions(answer_code: str) -> set[str]:
    """Every expression the answer computes (returns, assigns, augments), as code, normalised;
    a plain name or attribute (`x = v.data`) computes nothing."""
    found = set()

    def plain(e):
        return isinstance(e, (ast.Name, ast.Constant)) or (
            isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name)
        )

    for node in ast.walk(ast.parse(answer_code)):
        if (
            isinstance(node, (ast.Return, ast.Assign, ast.AugAssign))
            and node.value is not None
            and not plain(node.value)
        ):
            found.add(ast.unparse(node.value))
            if isinstance(node, ast.Assign):
                found.add(ast.unparse(node))
    return {"".join(e.split()) for e in found if len("".join(e.split())) >= 8}


@pytest.mark.parametrize("path, ex", [p for p in all_exercises() if p.values[0] != FIXTURE])
def test_no_hint_before_a_try_gives_the_answer_away(path, ex):
    """The hint an unanswered exercise shows is a nudge: none of the answer's expressions
    (`f(Dual(x, 1.0)).der`, `v = mu * v + grad`) is in it. The method comes after a wrong try."""
    for hint in hints(ex.code):
        flat = "".join(hint.split())
        given = [e for e in _answer_expressions(ex.answer_code) if e in flat]
        assert not given, f"{path.name}, {ex.title}: the hint {hint!r} gives away {given}"


def test_docstring_hints_are_the_items_under_the_hints_line():
    doc = """What the check checks.

    Hints, one more for each wrong try:
    - a nudge
    - the method, on a line
      and its continuation
    Not a hint any more.
    """
    assert docstring_hints(doc) == ["a nudge", "the method, on a line and its continuation"]
    assert docstring_hints("No hints here.") == [] and docstring_hints(None) == []


def test_every_check_of_a_lesson_has_graded_hints_or_tells_the_answer():
    """After a wrong try a learner gets a nudge, then more: every check lists two or more
    hints, except the predict-first ones (a wrong guess is told the value and why) and the
    checks of 02b, whose hints are graded per bug."""
    import inspect

    from helpers.exercises import (
        backpropagation,
        chain_rule,
        computational_graphs,
        deep_networks,
        training_deep_networks,
    )

    predictions = {"2.1", "2.4", "4.1", "4.4", "5.1"}
    for module in (
        chain_rule,
        computational_graphs,
        backpropagation,
        deep_networks,
        training_deep_networks,
    ):
        for name, fn in inspect.getmembers(module, lambda f: hasattr(f, "exercise")):
            if fn.exercise not in predictions:
                assert len(docstring_hints(fn.__doc__)) >= 2, f"{module.__name__}.{name}"


def test_a_value_off_in_the_11th_digit_is_printed_with_digits_that_differ(capsys):
    """A finite difference answer once read "got 0.0432702796, expected 0.0432702796": two
    equal-looking numbers marked wrong, which leaves a learner nothing to fix."""
    from helpers.exercises import compare_values

    assert (
        compare_values(
            "f", [1.0], [0.0432702796 * (1 + 1e-11)], lambda x: 0.0432702796, rtol=1e-12, atol=0
        )
        is False
    )
    line = capsys.readouterr().out.splitlines()[-1]
    got, expected = line.split(": got ")[1].split(", expected ")
    assert got != expected and float(got) != float(expected), line


def test_a_name_error_is_said_in_plain_words_by_every_check(capsys):
    """'raised NameError: name 'v' is not defined' uses a word lesson 01 never teaches, so a
    learner cannot act on it: every check that reports an exception from the learner's code
    says what a NameError means, unless the lesson's own table says more."""
    import helpers.exercises as ex

    def uses_an_unknown_name(x):
        return v * x  # noqa: F821 (the learner's typo)

    ex.reset_tries()
    assert ex.run("f", uses_an_unknown_name, 1.0)[0] is False
    out = capsys.readouterr().out
    assert "raised NameError" in out and "no line has given it a value" not in out
    assert "a NameError means your code uses a name that no line has given a value" in out

    @ex.exercise("0.0", "demo")
    def check(f):
        return f(1.0) == 1.0

    assert check(uses_an_unknown_name) is False
    out = capsys.readouterr().out
    assert "your code raised NameError" in out
    assert "a NameError means your code uses a name" in out
    assert out.count("Hint:") == 1, out


# A central difference 24.00000000335 was told "you predicted 24; that is not it": the right
# value printed, and called wrong. Every predict-first check must show the digits, not only 2.1.
@pytest.mark.parametrize("got", [24.00000000335, 23.9999999, 24.000000000000004])
def test_a_prediction_close_to_a_whole_answer_is_shown_with_its_digits_and_called_an_estimate(
    got, capsys
):
    assert check_prediction("dc/da", got, 24, "why") is False
    out = capsys.readouterr().out
    assert "predicted 24;" not in out and repr(got) in out
    assert "close to 24, but not it" in out and "estimate" in out


def test_a_prediction_far_from_the_answer_gets_no_estimate_note(capsys):
    assert check_prediction("dc/da", 25, 24, "why") is False
    out = capsys.readouterr().out
    assert "predicted 25;" in out and "estimate" not in out


# Code written under the `raise NotImplementedError` line (not in its place) used to hear only
# "not done yet": every check that runs the learner's function says to delete the line.
def test_code_below_the_raise_line_is_told_to_delete_the_line(capsys):
    def slope(x):
        raise NotImplementedError("write the slope")
        return 2 * x

    ok, _ = run("slope", slope, 3.0)
    out = capsys.readouterr().out
    assert not ok
    assert "below the `raise NotImplementedError` line" in out and "delete the line" in out
    assert "not done yet" not in out


def test_the_raise_line_alone_is_still_not_done_yet(capsys):
    def slope(x):
        raise NotImplementedError("write the slope")

    ok, _ = run("slope", slope, 3.0)
    out = capsys.readouterr().out
    assert not ok and "not done yet. Hint: write the slope" in out


def test_a_templates_placeholder_below_the_raise_line_is_still_not_done_yet(capsys):
    # 03's exercise 3.1 gives `return {"Y": (), ...}` below its raise line, to fill in.
    def gradient_shapes():
        raise NotImplementedError("a gradient has the shape of the array it belongs to")
        return {"Y": (), "dY": ()}

    ok, _ = run("gradient_shapes", gradient_shapes)
    out = capsys.readouterr().out
    assert not ok and "not done yet. Hint: a gradient has the shape" in out
