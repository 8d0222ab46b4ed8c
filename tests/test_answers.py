"""notebooks/answers.ipynb: generated from the lessons, complete, and every answer passes its check.

The notebook itself is executed and compared strictly by nbval (``make test``); its assert
cells are the exercises' own checks. These tests add that it is up to date with the lessons,
that it holds every exercise, and (in this process, independent of stored outputs) that every
answer passes its check.
"""

import json
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from tools import lessons  # noqa: E402
from tools.build_answers import ANSWERS, build, same_cells  # noqa: E402
from tools.lessons import answer_prelude, exercises, lesson_paths, run_check, source  # noqa: E402

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "09_fixture.ipynb"
LESSONS = lesson_paths()


def stored():
    return json.loads(ANSWERS.read_text(encoding="utf-8"))


def test_answers_notebook_is_up_to_date_with_the_lessons():
    new, old = build(LESSONS), stored()
    differ = [
        n.get("id")
        for n, o in zip(new["cells"], old["cells"])
        if not same_cells({"cells": [n]}, {"cells": [o]})
    ] or [f"{len(old['cells'])} → {len(new['cells'])} cells"]
    up_to_date = same_cells(new, old)
    assert up_to_date, (
        "notebooks/answers.ipynb is out of date with the lessons' exercises (first difference: "
        f"{differ[0]}): run `make answers` (python -m tools.build_answers) and commit it"
    )


def test_every_exercise_is_answered_and_followed_by_its_check():
    cells = {c.get("id"): c for c in stored()["cells"]}
    ids = [c.get("id") for c in stored()["cells"]]
    for path in LESSONS:
        for ex in exercises(path):
            assert f"{ex.slug}-task" in cells, f"answers.ipynb lacks {path.name}, {ex.title}"
            check = ids.index(f"{ex.slug}-check")
            assert ids.index(f"{ex.slug}-task") < check
            assert source(cells[ids[check]]).splitlines()[-1].startswith("assert ")
            assert cells[ids[check - 1]]["cell_type"] == "code" or ids[check - 1].endswith(
                "text-end"
            ), f"{ex.title}: the assert must follow the answer's code"


def test_stored_answers_ran_every_check():
    code = [c for c in stored()["cells"] if c["cell_type"] == "code"]
    for cell in code:
        assert cell.get("execution_count"), "answers.ipynb is stored unexecuted: `make answers`"
        if cell["id"].endswith("-check"):
            text = "".join("".join(o.get("text", "")) for o in cell["outputs"])
            assert "✓" in text and "✗" not in text, f"{cell['id']}: {text!r}"


@pytest.mark.parametrize(
    "path, ex",
    [
        pytest.param(p, ex, id=f"{p.name}::{ex.number}")
        for p in [FIXTURE, *LESSONS]
        for ex in exercises(p)
    ],
)
def test_answer_passes_its_own_check(path, ex):
    """The answer, run as the learner had it (the lesson's imports, its setup cells, the answers
    of its earlier exercises), makes the exercise's check return True."""
    namespace: dict = {}
    exec(answer_prelude(path, ex), namespace)
    try:
        exec(ex.answer_code, namespace)
        result, printed = run_check(ex.check, namespace)
    except NameError as err:
        pytest.fail(
            f"{path.name}, {ex.title}: {err}: the answer's ```python block must be "
            "complete, defining (or importing) everything its check uses"
        )
    assert result is True, f"{path.name}, {ex.title}: the answer fails its check:\n{printed}"


def test_answers_built_from_a_lesson_show_task_worked_answer_and_assert():
    nb = build([FIXTURE])
    kinds = [(c["cell_type"], c["id"]) for c in nb.cells]
    assert kinds == [
        ("markdown", "intro"),
        ("code", "install-helpers"),  # tools/colab.py: helpers installed where it is missing
        ("markdown", "lesson-9"),
        ("code", "lesson-9-imports"),
        ("markdown", "ex9-1-task"),
        ("markdown", "ex9-1-text-0"),
        ("code", "ex9-1-code-0"),
        ("code", "ex9-1-check"),
        ("markdown", "ex9-2-task"),
        ("markdown", "ex9-2-text-0"),
        ("code", "ex9-2-code-0"),
        ("markdown", "ex9-2-text-1"),
        ("code", "ex9-2-code-1"),
        ("code", "ex9-2-check"),
    ]
    check = nb.cells[7].source
    assert check == (
        'assert check_function("dfdx", dfdx, lambda x: 2 * x * np.cos(x**2), '
        '[-1.5, 0.3, 2.0]), "Exercise 9.1: the answer fails its own check"'
    )
    assert "<details>" not in "".join(c.source for c in nb.cells)
    assert same_cells(nb, build([FIXTURE])), "building twice must give the same notebook"


def test_answers_pass_ruff(tmp_path):
    """`make lint` covers answers.ipynb: each answer's code must pass ruff as it is in the
    lesson's <details> block (fix it there, e.g. two blank lines after the imports)."""
    import nbformat

    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("ruff is not installed next to this Python")
    nb = build(LESSONS)
    nbformat.write(nb, tmp_path / "answers.ipynb")
    run = subprocess.run(
        [
            str(ruff),
            "check",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--output-format",
            "json",
            str(tmp_path / "answers.ipynb"),
        ],
        capture_output=True,
        text=True,
    )
    found = json.loads(run.stdout or "[]")
    ids = [c.get("id") for c in nb.cells]
    where = {i + 1: ids[i] for i in range(len(ids))}
    problems = [
        f"{where.get(p.get('cell'), p.get('cell'))}: {p['code']} {p['message']}" for p in found
    ]
    assert not problems, "ruff on the answers (cell ids name the exercise):\n" + "\n".join(problems)


def _bound_at_top_level(code: str, imports: bool = True) -> set[str]:
    """The names code binds at its top level (by def, class, =, and import unless not
    ``imports``)."""
    import ast

    names = set()
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and imports:
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_an_answer_pasted_into_its_lesson_replaces_nothing_the_learner_built(path):
    """An answer never defines again what the lesson's setup cells built (02b's Value) or what
    an earlier exercise asked the learner to write: pasted into the lesson, it would wipe it."""
    # what the learner built: defined, not imported (importing a module again replaces nothing)
    built = _bound_at_top_level(lessons.setup_code(path), imports=False)
    for ex in exercises(path):
        again = _bound_at_top_level(ex.answer_code) & built
        assert not again, (
            f"{path.name}, {ex.title}: the answer defines {sorted(again)} again, which the "
            "learner already has; tag the lesson cell that builds it 'answers-setup' instead"
        )
        built |= _bound_at_top_level(ex.code or "", imports=False)


def test_the_setup_of_02b_is_its_bare_value_and_comes_first_in_the_answers():
    path = next(p for p in LESSONS if p.name.startswith("02b_"))
    assert _bound_at_top_level(lessons.setup_code(path)) == {"Value"}
    ids = [c["id"] for c in stored()["cells"]]
    assert ids.index("lesson-2b-setup") < ids.index("ex2b-1-task")
