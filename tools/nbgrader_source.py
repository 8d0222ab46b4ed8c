"""Turn lesson notebooks into nbgrader *source* (instructor) notebooks.

    python -m tools.nbgrader_source notebooks/01_chain_rule.ipynb --course ~/course

writes ``~/course/source/01_chain_rule/01_chain_rule.ipynb`` (and ``nbgrader_config.py`` in
the course folder if it has none). In that notebook

- each exercise cell becomes an autograded *solution* cell: the learner's stub (its function
  raising ``NotImplementedError("hint")``) followed by the answer from the lesson's
  ``<details>`` block between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, which
  ``nbgrader generate_assignment`` removes for the students;
- each check cell becomes a locked, graded *test* cell, ``assert <check call>``, worth
  ``--points`` points: the check returns True for a right answer and False (after printing
  its feedback) for a wrong or missing one;
- the ``<details>`` answer cells are left out, so the students' version holds no answers.

Everything else in the lesson (text, figures, widgets) is kept as it is, outputs cleared.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from tools.lessons import DETAILS, as_assert, exercises, source, tags

# In the students' version a solution region becomes this stub. nbgrader's default stub ends
# with `raise NotImplementedError()`, which would make the cell fail even though the lesson's
# own stub above it already raises, with a hint, when the learner's function is called.
CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
# The lesson's stub (a function raising NotImplementedError with a hint) stays above the
# solution region, so the region only needs to say where the learner's code goes.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE"}}
"""


def nbgrader_metadata(
    grade_id: str, *, solution=False, grade=False, locked=False, points=None
) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return meta


def source_notebook(lesson: Path, points: int = 1) -> nbformat.NotebookNode:
    nb = nbformat.read(lesson, as_version=4)
    found = {ex.code: ex for ex in exercises(lesson)}
    checks = {ex.check: ex for ex in found.values()}
    problems = [f"{ex.title}: {p}" for ex in found.values() for p in ex.problems]
    if problems:
        raise SystemExit(f"{lesson.name}: " + "; ".join(problems))
    cells = []
    for cell in nb.cells:
        src = source(cell)
        if cell.cell_type == "markdown" and DETAILS.search(src):
            continue  # the answer: not for students
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.cell_type == "code" and "exercise" in tags(cell) and src in found:
            ex = found[src]
            cell.source = (
                f"{src.rstrip()}\n\n### BEGIN SOLUTION\n{ex.answer_code}\n### END SOLUTION"
            )
            cell.metadata["nbgrader"] = nbgrader_metadata(f"{ex.slug}-answer", solution=True)
        elif cell.cell_type == "code" and "check" in tags(cell) and src in checks:
            ex = checks[src]
            cell.source = as_assert(
                ex.check, f"Exercise {ex.number} is not solved yet: see the feedback above"
            )
            cell.metadata["nbgrader"] = nbgrader_metadata(
                f"{ex.slug}-check", grade=True, locked=True, points=points
            )
        cells.append(cell)
    nb.cells = cells
    return nb


def write_source(lesson: Path, course: Path, points: int = 1) -> Path:
    """Write the lesson's source notebook into ``course/source/<lesson name>/``."""
    course = Path(course).resolve()
    out = course / "source" / lesson.stem / lesson.name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(lesson, points), out)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(root=str(course)), encoding="utf-8")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", type=Path, help="lesson notebooks")
    parser.add_argument(
        "--course",
        type=Path,
        default=Path("course"),
        help="the nbgrader course folder (default: ./course)",
    )
    parser.add_argument("--points", type=int, default=1, help="points per exercise (default 1)")
    args = parser.parse_args(argv)
    for lesson in args.lessons:
        out = write_source(lesson, args.course, args.points)
        print(f"{lesson} -> {out} ({len(exercises(lesson))} graded exercises)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
