"""The lesson map in helpers/__init__.py is derived from the lessons' imports, not written.

**The rule.** A *maths module* is a top-level module of ``helpers`` (``helpers/<name>.py``)
other than ``checks`` (argument checks, used everywhere); ``figures``, ``exercises`` and ``ui``
are packages, not maths modules. A lesson *uses* a maths module when one of its own three
files imports it directly:

* its notebook: any code cell, going-deeper sections included (``import helpers.x``,
  ``from helpers.x import ...``, ``from helpers import x``);
* its figures, ``helpers/figures/<lesson>.py``: a figure the lesson shows computes with it;
* its exercise checks, ``helpers/exercises/<lesson>.py``: a check runs it.

Imports between maths modules (``training`` imports ``nn``) and the shared machinery of
``helpers.ui`` do not count: a learner meets a module where their lesson's own code names it.

**The map** lists every maths module under the *first* lesson that uses it (column "first")
and under every later lesson that uses it again (column "again"). A module that no lesson
uses goes in a row ``no lesson``, with its reason in parentheses after its name, or the test
fails naming it.

**The docs** (README.md, CONTRIBUTING.md) do not repeat the map: they point to it, name a
module only as ``helpers.<name>`` or ``helpers/<name>.py`` (which must exist), and name only
the lesson notebooks that the map lists (the README lists them all).
"""

import ast
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tools/, not installed

from tools.lessons import lesson_paths  # noqa: E402

HELPERS = ROOT / "helpers"
MAP_FILE = "helpers/__init__.py"
MATHS = sorted(p.stem for p in HELPERS.glob("*.py") if p.stem not in {"__init__", "checks"})
NOTEBOOKS = {p.stem.split("_")[0]: p for p in lesson_paths()}  # "02b" -> its notebook
LESSONS = list(NOTEBOOKS)  # in the order of the series
DOCS = ("README.md", "CONTRIBUTING.md")


# --- what the lessons import -------------------------------------------------------------


def absolute(node: ast.ImportFrom, package: str) -> str:
    """The module a ``from ... import`` reads (``from ..nn`` in helpers.figures: helpers.nn)."""
    if not node.level:
        return node.module or ""
    base = package.rsplit(".", node.level - 1)[0]
    return ".".join(filter(None, [base, node.module]))


def helpers_imports(tree: ast.AST, package: str = "") -> set[str]:
    """The top-level modules of ``helpers`` that the code imports (``package``: the package of
    the file, for its relative imports)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("helpers.")}
        elif isinstance(node, ast.ImportFrom):
            module = absolute(node, package).split(".")
            if module[0] == "helpers":  # from helpers.x import y, or from helpers import x
                found |= {module[1]} if len(module) > 1 else {a.name for a in node.names}
    return found


def notebook_imports(path: Path) -> set[str]:
    found = set()
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            python = re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.M)  # IPython lines
            try:
                found |= helpers_imports(ast.parse(python))
            except SyntaxError as error:
                pytest.fail(f"{path.name}, cell {i}: not Python this test can read ({error})")
    return found


def module_imports(path: Path) -> set[str]:
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    return helpers_imports(ast.parse(path.read_text(encoding="utf-8")), package)


def uses(lesson: str) -> set[str]:
    """The maths modules that a lesson uses (the rule of the module docstring)."""
    name = NOTEBOOKS[lesson].stem.split("_", 1)[1]
    found = notebook_imports(NOTEBOOKS[lesson])
    for module in (HELPERS / "figures" / f"{name}.py", HELPERS / "exercises" / f"{name}.py"):
        found |= module_imports(module) if module.exists() else set()
    return found & set(MATHS)


@pytest.fixture(scope="module")
def derived():
    """lesson -> {"first": modules first used there, "again": modules used there again}."""
    seen, derived = set(), {}
    for lesson in LESSONS:
        used = uses(lesson)
        derived[lesson] = {"first": used - seen, "again": used & seen}
        seen |= used
    return derived


# --- what the table in helpers/__init__.py says ------------------------------------------


def table_rows() -> dict[str, list[str]]:
    """The rows of the docstring's simple table: first word of the lesson cell -> its cells."""
    doc = ast.get_docstring(ast.parse((ROOT / MAP_FILE).read_text(encoding="utf-8")))
    lines = doc.splitlines()
    rules = [i for i, line in enumerate(lines) if re.fullmatch(r"\s*=+( +=+)+\s*", line)]
    assert len(rules) == 3, f"{MAP_FILE}: expected one simple table (3 lines of ===)"
    starts = [m.start() for m in re.finditer(r"=+", lines[rules[0]])]
    header = lines[rules[0] + 1].split()
    assert header == ["lesson", "first", "again"], (
        f"{MAP_FILE}: the table's columns are {header}; make them lesson, first, again"
    )
    rows = {}
    for line in lines[rules[1] + 1 : rules[2]]:
        cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [None])]
        if cells[0]:  # a new row; otherwise the row goes on
            key = cells[0].split()[0] if cells[0] != "no lesson" else "no lesson"
            rows[key] = cells
        else:
            rows[key] = [f"{old} {new}".strip() for old, new in zip(rows[key], cells)]
    return rows


def names(cell: str) -> set[str]:
    return set(re.findall(r"``(\w+)``", cell))


def column(lesson: str, which: str) -> set[str]:
    rows = table_rows()
    assert lesson in rows, f"{MAP_FILE}: the table has no row for lesson {lesson}: add one"
    return names(rows[lesson][{"first": 1, "again": 2}[which]])


def no_lesson() -> dict[str, str]:
    """The modules of the ``no lesson`` row -> their reason ("" when none is given)."""
    row = " ".join(table_rows().get("no lesson", [""])[1:])
    return {name: reason for name, reason in re.findall(r"``(\w+)``\s*(?:\(([^)]*)\))?", row)}


def what_to_change(lesson: str, which: str, table: set[str], wanted: set[str]) -> str:
    change = [f"add ``{m}``" for m in sorted(wanted - table)]
    change += [f"remove ``{m}``" for m in sorted(table - wanted)]
    return (
        f"{MAP_FILE}, row {lesson}, column {which!r}: {', '.join(change)} "
        f"(derived from the imports: {sorted(wanted) or 'none'})"
    )


# --- (1) the table against the imports ---------------------------------------------------


def test_the_table_has_a_row_for_every_lesson_in_order():
    rows = [key for key in table_rows() if key != "no lesson"]
    assert rows == LESSONS, f"{MAP_FILE}: the table's lessons are {rows}; make them {LESSONS}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_module_is_listed_under_the_first_lesson_that_uses_it(lesson, derived):
    table, wanted = column(lesson, "first"), derived[lesson]["first"]
    assert table == wanted, what_to_change(lesson, "first", table, wanted)


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_lists_the_earlier_modules_it_uses_again(lesson, derived):
    table, wanted = column(lesson, "again"), derived[lesson]["again"]
    assert table == wanted, what_to_change(lesson, "again", table, wanted)


@pytest.mark.parametrize("module", MATHS)
def test_every_maths_module_is_used_by_a_lesson_or_says_why_not(module, derived):
    used_by = [lesson for lesson in LESSONS if module in derived[lesson]["first"]]
    if module in no_lesson():
        assert not used_by, (
            f"{MAP_FILE}: ``{module}`` is in the row 'no lesson' but lesson {used_by[0]} "
            "uses it: move it to that lesson's row"
        )
        assert no_lesson()[module].strip(), (
            f"{MAP_FILE}: give the reason ``{module}`` serves no lesson, in parentheses"
        )
    else:
        assert used_by, (
            f"helpers/{module}.py is used by no lesson: import it in the lesson that teaches "
            f"it, delete it, or list it in a 'no lesson' row of the table in {MAP_FILE} "
            f"(``{module}`` (the reason))"
        )


def test_the_no_lesson_row_names_only_maths_modules():
    unknown = sorted(set(no_lesson()) - set(MATHS))
    assert not unknown, f"{MAP_FILE}, row 'no lesson': no module helpers/{unknown[0]}.py"


# --- (2) the docs point to the map and agree with it --------------------------------------


@pytest.mark.parametrize("doc", DOCS)
def test_the_docs_point_to_the_map_instead_of_repeating_it(doc):
    points_to_the_map = MAP_FILE in (ROOT / doc).read_text(encoding="utf-8")
    assert points_to_the_map, f"{doc}: say that the table in {MAP_FILE} maps lessons to modules"


@pytest.mark.parametrize("doc", DOCS)
def test_the_docs_name_only_modules_that_exist(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    named = set(re.findall(r"\bhelpers[./](\w+)", text)) - {"__init__"}
    exists = set(MATHS) | {"checks"} | {p.name for p in HELPERS.iterdir() if p.is_dir()}
    missing = sorted(named - exists)
    assert not missing, f"{doc} names helpers.{missing[0]}, which is not in {MAP_FILE}'s map"


@pytest.mark.parametrize("doc", DOCS)
def test_the_docs_name_only_the_lessons_of_the_map(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    named = set(re.findall(r"\b(\d\d[a-z]?)_\w+\.ipynb", text)) - {"00"}
    assert named <= set(LESSONS), f"{doc} names lessons {sorted(named - set(LESSONS))}: no such"
    if doc == "README.md":  # the list of the notebooks
        assert named == set(LESSONS), f"README.md: list the lessons {sorted(set(LESSONS) - named)}"
