"""The package's layout (helpers/__init__.py): the maths a learner reads draws nothing.

Three kinds of code in three places: reference maths in the top-level modules of
``helpers`` (NumPy and the standard library only), figures in ``helpers.figures``, machinery
in ``helpers.ui``. Each module says in its docstring which lesson it serves. The layers import
downwards only: ui may import the figures, the figures the maths, and only the maths' public
names.
"""

import ast
import json
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
HELPERS = ROOT / "helpers"
MATHS = sorted(p.stem for p in HELPERS.glob("*.py") if p.stem != "__init__")
EXERCISES = sorted(
    f"exercises.{p.stem}" for p in (HELPERS / "exercises").glob("*.py") if p.stem != "__init__"
)
# The lessons, named as their notebooks are without the number: "chain_rule", ...
LESSONS = tuple(
    re.sub(r"^\d\d[a-z]?_", "", p.stem)
    for p in sorted((ROOT / "notebooks").glob("0[1-9]*_*.ipynb"))
)
DRAWING = ("matplotlib", "ipywidgets", "IPython", "PIL")


@pytest.fixture(scope="module")
def loaded_by_import():
    """For each maths module, what importing it alone in a fresh interpreter loads of
    DRAWING (directly or through other modules). The interpreters run side by side."""
    procs = {}
    for module in MATHS + ["exercises"] + EXERCISES:
        code = (
            f"import sys, json, helpers.{module}; "
            f"print(json.dumps([m for m in {DRAWING!r} if m in sys.modules]))"
        )
        procs[module] = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    results = {}
    for module, proc in procs.items():
        out, err = proc.communicate()
        assert proc.returncode == 0, f"import helpers.{module} failed:\n{err}"
        results[module] = json.loads(out)
    return results


@pytest.mark.parametrize("module", MATHS + ["exercises"] + EXERCISES)
def test_reference_maths_imports_no_plotting_or_widgets(module, loaded_by_import):
    assert loaded_by_import[module] == [], f"helpers.{module} loads {loaded_by_import[module]}"


def test_the_maths_modules_are_the_only_top_level_modules():
    # anything that draws lives in helpers/figures, anything that wires widgets in helpers/ui
    for path in HELPERS.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for name in names:
                    assert not name.startswith(DRAWING), f"{path.name} imports {name}"
                    assert not (
                        isinstance(node, ast.ImportFrom)
                        and node.level
                        and name.startswith(("figures", "ui"))
                    ), f"{path.name} imports .{name}: the maths never calls a figure"


def test_one_figures_module_per_lesson_named_like_its_notebook_and_exercises():
    figures = {p.stem for p in (HELPERS / "figures").glob("*.py")} - {"__init__"}
    exercises = {p.stem for p in (HELPERS / "exercises").glob("*.py")} - {"__init__"}
    assert figures == set(LESSONS) | {"style", "canvas", "alt"}, (
        "helpers/figures/ holds one module per lesson notebook (named like it, without the "
        "number) besides style, canvas and alt"
    )
    assert exercises == set(LESSONS), (
        "helpers/exercises/ holds one module per lesson notebook, named like it"
    )


@pytest.mark.parametrize(
    "path", sorted(HELPERS.rglob("*.py")), ids=lambda p: str(p.relative_to(HELPERS))
)
def test_every_module_docstring_names_the_lesson_it_serves(path):
    doc = ast.get_docstring(ast.parse(path.read_text()))
    assert doc, f"{path} has no docstring"
    names_a_lesson = (
        "lesson" in doc.lower()
        or "notebook" in doc.lower()
        or any(f"0{i}" in doc for i in range(1, 6))
    )
    assert names_a_lesson, f"{path.relative_to(ROOT)}: the docstring names no lesson"


def test_notebooks_import_figures_from_their_own_lesson():
    for nb_path in sorted((ROOT / "notebooks").glob("0[1-9]*_*.ipynb")):
        lesson = re.sub(r"^\d\d[a-z]?_", "", nb_path.stem)
        nb = json.loads(nb_path.read_text())
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        for other in LESSONS:
            if other != lesson:
                assert f"figures.{other}" not in code and f"figures import {other}" not in code, (
                    f"{nb_path.name} draws with the figures of {other}"
                )


def test_nbval_markers_are_cell_tags_not_comments():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            tags = cell.get("metadata", {}).get("tags", [])
            assert "NBVAL_" not in src, f"{nb_path.name} cell {i}: use a cell tag, not a comment"
            if "live(" in src or "playground_panel(" in src:
                assert "nbval-ignore-output" in tags, (
                    f"{nb_path.name} cell {i} shows a live widget: tag it nbval-ignore-output"
                )


# ---- the layers: ui → figures → maths, public names only --------------------------------

#: The maths modules whose private names stay inside the maths (checks is shared machinery).
MATHS_MODULES = {f"helpers.{m}" for m in MATHS} - {"helpers.checks"}
FIGURES = sorted((HELPERS / "figures").glob("*.py"))
FIGURES_AND_UI = FIGURES + sorted((HELPERS / "ui").glob("*.py"))


def _imports(source: str, package: str):
    """(module, name, bound as) for every import in ``source``, a module of ``package``, with
    relative imports made absolute: ``from ..descent import f as g`` in helpers.figures gives
    ("helpers.descent", "f", "g"); ``import a.b`` gives ("a.b", None, "a.b")."""
    parts = package.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, None, a.asname or a.name
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:
                yield module, a.name, a.asname or a.name


def _private_maths_names(source: str, package: str) -> list[str]:
    """The private names of a maths module that ``source`` uses: imported from it
    (``from ..residual import _probe``) or read from it (``residual._probe``)."""
    found, modules = [], {}
    for module, name, bound in _imports(source, package):
        if module in MATHS_MODULES and name and name.startswith("_"):
            found.append(f"{module}.{name}")
        full = f"{module}.{name}" if name else module
        if full in MATHS_MODULES:
            modules[bound] = full
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            owner = modules.get(ast.unparse(node.value))
            if owner:
                found.append(f"{owner}.{node.attr}")
    return found


def _where(path):
    return str(path.relative_to(HELPERS))


def _package(path):
    return ".".join(path.relative_to(ROOT).parent.parts)


@pytest.mark.parametrize("path", FIGURES, ids=_where)
def test_no_figure_module_imports_the_ui(path):
    # ui wires controls to the figures' views, so it imports them; the other way is a cycle
    for module, name, _ in _imports(path.read_text(), _package(path)):
        full = f"{module}.{name}" if name else module
        assert not (module + ".").startswith("helpers.ui.") and full != "helpers.ui", (
            f"{_where(path)} imports {full}: a figure never imports helpers.ui"
        )


@pytest.mark.parametrize("path", FIGURES_AND_UI, ids=_where)
def test_figures_and_ui_use_only_public_names_of_the_maths(path):
    private = _private_maths_names(path.read_text(), _package(path))
    assert not private, f"{_where(path)} uses {private}: make them public maths functions"


def test_the_layer_checks_see_private_names_and_ui_imports():
    source = (
        "from ..descent import Surface, _surface\n"
        "from .. import residual as r, checks\n"
        "from ..ui.canvas import png\n"
        "import helpers.backward_pass\n"
        "r._probe(3); checks._range_text; helpers.backward_pass._names([])\n"
    )
    assert _private_maths_names(source, "helpers.figures") == [
        "helpers.descent._surface",
        "helpers.residual._probe",
        "helpers.backward_pass._names",
    ]
    imported = {m for m, _, _ in _imports(source, "helpers.figures")}
    assert "helpers.ui.canvas" in imported and "helpers" in imported


def _divides_by_twice(node) -> bool:
    """``… / (2 * e)``, ``… / (e * 2)`` or ``… / (e + e)``: the denominator of a central
    difference (also written with d1, step or eps)."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
        return False
    den = node.right
    if isinstance(den, ast.BinOp) and isinstance(den.op, ast.Mult):
        return any(isinstance(s, ast.Constant) and s.value == 2 for s in (den.left, den.right))
    return (
        isinstance(den, ast.BinOp)
        and isinstance(den.op, ast.Add)
        and ast.dump(den.left) == ast.dump(den.right)
    )


def _divisions_by_twice(node, where="<module>"):
    """(innermost function, formula) for each division by twice a step under ``node``."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        where = node.name
    found = [(where, ast.unparse(node))] if _divides_by_twice(node) else []
    for child in ast.iter_child_nodes(node):
        found += _divisions_by_twice(child, where)
    return found


def test_the_central_difference_is_written_once():
    # One formula, calculus.central_difference, which the derivative, the error curves, the
    # gradient checks, the Jacobians and the exercise checks call. The other places are the
    # reference answer of exercise 1.3 (the learner's own formula, written out on purpose) and
    # its table of known mistakes (the formula without its brackets, which a learner writes).
    found = [
        (str(path.relative_to(HELPERS)), where, formula)
        for path in sorted(HELPERS.rglob("*.py"))
        for where, formula in _divisions_by_twice(ast.parse(path.read_text()))
    ]
    assert [f[:2] for f in found] == [
        ("calculus.py", "central_difference"),
        ("exercises/chain_rule.py", "_central"),
        ("exercises/chain_rule.py", "_central_mistake"),
    ], f"a central difference written out again: call calculus.central_difference: {found}"


# Test files that test the series as a whole, or a property across modules, rather than one
# module: they keep a name that says what they check.
CROSS_CUTTING_TESTS = (
    "test_alt",  # alt text of every stored figure and of the book (helpers.figures.alt with them)
    "test_answers",  # the answers notebook against the lessons' exercises
    "test_bad_input_properties",  # every public function's arguments, by property
    "test_book",  # the book (tools/build_book.py) built from every lesson
    "test_book_pdf",
    "test_core_path",  # the core path and going-deeper form of every lesson
    "test_exercise_references",  # the exercises' reference answers against the maths
    "test_exercise_robustness",  # every check of every lesson against wrong learner code
    "test_index",  # the index of terms across the lessons
    "test_layout",  # this file: the package's layout
    "test_lesson_map",  # the lesson map against the lessons' imports
    "test_nbgrader",  # the nbgrader round trip of a lesson
    "test_notebooks",  # every stored notebook
    "test_palette",  # the palette through colour-vision simulations
    "test_repository",  # paths and make targets the repository names
    "test_right_picture",  # every view against a plain drawing, moved at random
    "test_setup",  # requirements, pyproject, Binder
    "test_z2jh",  # the Zero to JupyterHub configuration
)
NAMED_BEFORE_THE_RULE = ()  # every test file is named after what it tests


def modules_a_test_file_may_name() -> set[str]:
    """The names a test file may take after ``test_``: a module of ``helpers`` (``nn``), a
    subpackage (``exercises``) or a module of one (``figures_style``), or a module of
    ``tools`` (``colab``)."""
    names = {p.stem for p in HELPERS.glob("*.py")} - {"__init__"}
    for package in HELPERS.iterdir():
        if (package / "__init__.py").exists():
            names.add(package.name)
            names |= {f"{package.name}_{p.stem}" for p in package.glob("*.py")} - {
                f"{package.name}___init__"
            }
    return names | ({p.stem for p in (ROOT / "tools").glob("*.py")} - {"__init__"})


def test_every_test_file_is_named_after_the_module_it_tests():
    files = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    stale = sorted(set(CROSS_CUTTING_TESTS + NAMED_BEFORE_THE_RULE) - files)
    assert not stale, f"tests/test_layout.py lists test files that are gone: {stale}"
    unnamed = sorted(
        name
        for name in files - set(CROSS_CUTTING_TESTS + NAMED_BEFORE_THE_RULE)
        if name.removeprefix("test_") not in modules_a_test_file_may_name()
    )
    assert not unnamed, (
        f"tests/{unnamed[0]}.py is named after no module: name it test_<module>.py after the "
        "module it tests (helpers/<module>.py, helpers/figures/<lesson>.py as "
        "test_figures_<lesson>.py, tools/<module>.py), merge it into that module's test file, "
        "or, if it tests the series as a whole, add it to CROSS_CUTTING_TESTS"
    )


def public_defs(tree: ast.Module):
    """The public functions and methods of a module: ``(qualified name, def)``; dunder
    methods count as public, names starting with ``_`` otherwise do not."""
    public = lambda name: (
        not name.startswith("_") or (name.startswith("__") and name.endswith("__"))
    )
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and public(node.name):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and public(node.name):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and public(item.name):
                    yield f"{node.name}.{item.name}", item


def missing_annotations(fn: ast.FunctionDef) -> list[str]:
    """The parameters of ``fn`` without an annotation (``self``, ``cls`` and private ``_x``
    parameters need none), and ``return`` if it has no return annotation."""
    a = fn.args
    params = a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]
    missing = [
        p.arg
        for p in params
        if p.annotation is None and p.arg not in ("self", "cls") and not p.arg.startswith("_")
    ]
    return missing + (["return"] if fn.returns is None else [])


@pytest.mark.parametrize("module", MATHS)
def test_the_public_maths_api_has_type_hints(module):
    tree = ast.parse((HELPERS / f"{module}.py").read_text())
    bare = {name: m for name, fn in public_defs(tree) if (m := missing_annotations(fn))}
    assert not bare, (
        f"helpers/{module}.py: annotate the parameters and return of its public functions "
        f"(plain ones: float, int, np.ndarray, list[float], 'Value'): {bare}"
    )


def test_the_type_hint_check_sees_a_bare_parameter_and_a_missing_return():
    tree = ast.parse(
        "def f(x: float, _private=1) -> float: ...\n"
        "def g(x) -> float: ...\n"
        "def _h(x): ...\n"
        "class A:\n"
        "    def m(self, y: int): ...\n"
        "    def __len__(self) -> int: ...\n"
    )
    found = {name: missing_annotations(fn) for name, fn in public_defs(tree)}
    assert found == {"f": [], "g": ["x"], "A.m": ["return"], "A.__len__": []}


def function_lengths(tree: ast.AST, prefix: str = ""):
    """``(qualified name, lines from def to its last line)`` of every function and method."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = prefix + node.name
            if not isinstance(node, ast.ClassDef):
                yield name, node.end_lineno - node.lineno + 1
            yield from function_lengths(node, name + ".")


def test_no_function_in_helpers_is_over_50_lines():
    """Issue 24: "no function in helpers/ over 50 lines"; a function's body is its idea."""
    long = []
    for path in sorted(HELPERS.rglob("*.py")):
        module = ".".join(path.relative_to(HELPERS).with_suffix("").parts)
        module = module.removesuffix("__init__").rstrip(".")
        tree = ast.parse(path.read_text())
        long += [f"{module}.{name} ({n})" for name, n in function_lengths(tree) if n > 50]
    assert not long, f"over 50 lines: split them so that each body is its idea: {long}"
