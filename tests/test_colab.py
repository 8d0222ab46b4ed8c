"""Every notebook opens in Colab or on Binder from a link under its title, and its first code
cell installs the series' package where it is missing, and nothing else (tools/colab.py)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import build_book, colab
from tools.build_book import binder_url
from tools.lessons import load, source, tags

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_links_and_install_cells_are_up_to_date():
    assert colab.main(["--check"]) == 0, "run `python -m tools.colab`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_links_to_colab_and_binder_under_its_title(path):
    cells = load(path)["cells"]
    first = source(cells[0])
    assert first.startswith("# "), f"{path.name}: the first cell is not the title"
    line = first.split("\n")[2]
    assert f"[open in Colab]({colab.colab_url(path.name)})" in line
    assert f"[open on Binder]({binder_url(path.name)})" in line
    assert colab.colab_url(path.name).endswith(f"/notebooks/{path.name}")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert colab.INSTALL_TAG in tags(code[0]), f"{path.name}: the install cell is not first"
    assert not code[0]["outputs"], f"{path.name}: the install cell printed something here"


def run_install_cell(monkeypatch, installed: bool) -> list:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append(cmd))
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: real(name, *a) if installed or name != "helpers" else None,
    )
    exec(colab.install_code(), {})
    return calls


def test_where_helpers_is_installed_the_install_cell_does_nothing(monkeypatch):
    assert run_install_cell(monkeypatch, installed=True) == []


def test_where_helpers_is_missing_it_installs_the_package_alone(monkeypatch):
    (cmd,) = run_install_cell(monkeypatch, installed=False)
    assert cmd[:4] == [sys.executable, "-m", "pip", "install"]
    assert "--no-deps" in cmd, "numpy, matplotlib and ipywidgets must stay as Colab ships them"
    assert cmd[-1] == f"git+https://github.com/{build_book.REPOSITORY}"


COLAB_VENV = os.environ.get("COLAB_VENV")


@pytest.mark.skipif(
    not COLAB_VENV,
    reason="needs Colab's versions: `make test` builds build/colab-venv and names it in COLAB_VENV",
)
@pytest.mark.parametrize("deps", ["as the cell runs it (--no-deps)", "even with dependencies"])
def test_the_install_cell_upgrades_nothing_colab_ships(monkeypatch, tmp_path, deps):
    """The install cell's own pip command, run (as a dry run) in a venv of the versions Colab
    ships (tests/colab-constraints.txt), with this checkout in place of the repository's URL:
    it would install `helpers` and nothing else. Even without --no-deps nothing else: every
    version Colab ships is one pyproject.toml admits."""
    (cmd,) = run_install_cell(monkeypatch, installed=False)
    monkeypatch.undo()
    cmd = [str(Path(COLAB_VENV) / "bin" / "python"), *cmd[1:-1], str(ROOT)]
    if deps != "as the cell runs it (--no-deps)":
        cmd.remove("--no-deps")
    report = tmp_path / "report.json"
    subprocess.run([*cmd, "--dry-run", "--report", str(report)], check=True, timeout=300)
    would_install = [i["metadata"]["name"] for i in json.loads(report.read_text())["install"]]
    assert would_install == ["helpers"], f"the install cell would also install {would_install}"


def test_one_setting_points_the_badge_links_and_install_cell_at_the_published_repository(
    monkeypatch,
):

    monkeypatch.setattr(build_book, "REPOSITORY", "someone/deep-nets")
    readme = colab.readme_with_badge(colab.README.read_text(encoding="utf-8"))
    assert "https://mybinder.org/v2/gh/someone/deep-nets/HEAD?labpath=" in readme
    assert "OWNER/REPO/HEAD" not in readme
    nb = colab.updated(load(NOTEBOOKS[1]), NOTEBOOKS[1].name)
    assert "github/someone/deep-nets/blob/" in source(nb["cells"][0])
    assert "mybinder.org/v2/gh/someone/deep-nets/" in source(nb["cells"][0])
    assert 'url = "git+https://github.com/someone/deep-nets"' in source(nb["cells"][1])


def test_the_book_built_for_a_repository_launches_and_installs_from_it(monkeypatch):
    """The stored notebooks may still hold the placeholder; the book's pages (built by CI with
    BOOK_REPOSITORY set) must not."""

    monkeypatch.setattr(build_book, "REPOSITORY", "someone/deep-nets")
    path = NOTEBOOKS[1]
    secs = build_book.sections(path)
    labels = build_book.section_labels(secs)
    nb = build_book.book_notebook(path, labels, {}, secs)
    text = json.dumps(nb)
    assert "OWNER/REPO" not in text
    assert "colab.research.google.com/github/someone/deep-nets/blob/" in text
    assert "git+https://github.com/someone/deep-nets" in text
