"""The set-up learners and Binder rely on: what requirements.txt installs, and for which Python.

Binder (repo2docker) reads requirements.txt and runtime.txt at the repository root when there
is no binder/ folder. `make binder-check` does what Binder does (a fresh venv from
requirements.txt alone, then every notebook executed); these tests keep the files it reads right.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = {
    "torch",
    "tensorflow",
    "jax",
    "graphviz",
    "micrograd",
    "autograd",
    "sympy",
    "hypothesis",
    "pytest",
    "nbval",
    "playwright",
    "nbgrader",
    "scikit-learn",
}


def requirement_lines():
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_requirements_install_helpers_and_say_why():
    assert "-e ." in requirement_lines(), "Binder must install helpers: add `-e .`"
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert "#" in line, f"requirements.txt: say why this package is needed: {line!r}"


def test_requirements_are_ranges_and_light():
    for req in requirement_lines():
        if req.startswith("-"):
            continue
        name = re.split(r"[<>=!~\[ ]", req)[0].lower()
        assert name not in HEAVY, f"{name} is a test or benchmark tool: not for requirements.txt"
        assert "==" not in req, f"exact pin {req!r}: use a version range"


def test_binder_reads_the_root_and_python_311():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"


def test_package_dependencies_are_ranges():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = meta["dependencies"] + [d for ds in meta["optional-dependencies"].values() for d in ds]
    assert not [d for d in deps if "==" in d], "use version ranges, not exact pins"


def test_every_subpackage_is_installed():
    """`pip install .` (a wheel, as opposed to the editable install of requirements.txt)
    must carry every package under helpers/, e.g. helpers.exercises."""
    from setuptools import find_packages

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    find = conf["setuptools"]["packages"]["find"]
    installed = set(find_packages(str(ROOT), include=find["include"]))
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "helpers").rglob("__init__.py")
    }
    assert on_disk <= installed, f"not installed by pip install .: {sorted(on_disk - installed)}"


def test_readme_workflow_and_pyproject_name_the_same_pythons():
    """The README's Python statement is what CI tests: every version it names has a job in
    the GitHub workflow, and pyproject's floor is the lowest of them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = re.search(r"You need Python ((?:3\.\d+(?:, | or )?)+)", readme)
    assert named, "README.md: say which Pythons are supported ('You need Python 3.x, ...')"
    versions = re.findall(r"3\.\d+", named.group(1))
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    matrix = re.search(r"python-version: \[([^\]]*)\]", workflow)
    assert matrix and re.findall(r"3\.\d+", matrix.group(1)) == versions
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["requires-python"] == f">={versions[0]}"


def test_every_floor_is_a_floor_we_test():
    """`make floors` pins each `>=` floor of requirements.txt and pyproject.toml (tools/floors.py);
    a dependency without a floor would float to whatever is newest and prove nothing."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tools.floors import constraints, floor_of, requirements

    pinned = {c.split("==")[0] for c in constraints(["test"])}
    for line in requirements(["test"]):
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            assert floor_of(line), f"{line!r} has no >= floor: `make floors` cannot test it"
            assert floor_of(line)[0] in pinned
    assert floor_of("numpy>=1.26,<3  # why") == ("numpy", "1.26")
