"""Checks of the notebooks as files: how they were executed, and that the README lists them.

nbval (run by ``make test`` on every notebook) compares the outputs themselves; these tests
check what nbval cannot see: that the stored outputs come from one top-to-bottom run in a
fresh kernel, that nothing stored is an error, and that the README and the index stay in step
with ``notebooks/``.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:2] == ["00_index.ipynb", "01_chain_rule.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_once_top_to_bottom(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: execution counts {counts} are not 1, 2, 3, ...: "
        "run `make execute` (a fresh kernel, top to bottom) and commit the result"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_error_outputs(path):
    for i, cell in enumerate(load(path)["cells"]):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", (
                f"{path.name}, cell {i}: stored error {out.get('ename')}: {out.get('evalue')}"
            )
            if out["output_type"] == "stream":
                assert out["name"] != "stderr", (
                    f"{path.name}, cell {i}: stored stderr output (a warning?): "
                    f"{''.join(out['text'])[:200]!r}"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_is_python3(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


def linked_notebooks(text):
    return sorted(set(re.findall(r"\(notebooks/([\w-]+\.ipynb)\)", text)))


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert linked_notebooks(readme) == sorted(p.name for p in NOTEBOOKS)


def test_index_links_every_notebook():
    nb = load(ROOT / "notebooks" / "00_index.ipynb")
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    linked = set(re.findall(r"\]\(([\w-]+\.ipynb)[#)]", text))
    missing = {p.name for p in NOTEBOOKS} - {"00_index.ipynb"} - linked
    assert not missing, f"00_index.ipynb does not link {sorted(missing)}"


def sanitize(text):
    """Apply tests/nbval_sanitize.cfg as nbval does (each regex/replace pair, in order)."""
    lines = (ROOT / "tests" / "nbval_sanitize.cfg").read_text(encoding="utf-8").splitlines()
    pairs = [
        (a.split(":", 1)[1].strip(), b.split(":", 1)[1].strip())
        for a, b in zip(lines, lines[1:])
        if a.startswith("regex:")
    ]
    assert pairs, "no regex/replace pairs in the sanitize file"
    for regex, replace in pairs:
        text = re.sub(regex, replace, text)
    return text


def test_sanitize_hides_only_what_is_volatile():
    assert sanitize("forward 0.018 s, backward 0.007 s") == "forward <TIME>, backward <TIME>"
    assert sanitize("NumPy is 670× faster") == "NumPy is <RATIO>× faster"
    assert sanitize("<Value at 0x7f3a12>") == "<Value at <ADDRESS>>"
    for kept in [
        "f'(g(x))·g'(x) = 0.958851 × 0.877583 = 0.841471",  # the chain rule itself
        "dy/dx = 1.817016 × 0.802096 × 1.600000 = 2.331873",
        "after 300 steps",
        "<Figure size 1200x400 with 3 Axes>",
    ]:
        assert sanitize(kept) == kept


def test_sanitize_hides_a_whole_embedded_png_even_where_it_looks_like_a_timing():
    """A described figure's <img> embeds its PNG as base64 text; a "3s" or "+0x1f" inside it
    must not be rewritten first (it was: the ulp variant of tools.portability then compared
    the rest of the PNG, whose bytes differ between machines)."""
    for png in ["iVBORw0KGgo3s+fj/D", "iVBORw0KGgo+0x1fAB", "iVBORw0KGgo12ms9Q=="]:
        tag = f'<img src="data:image/png;base64,{png}" alt="A curve."/>'
        assert sanitize(tag) == '<img src="data:image/png;base64,<PNG>" alt="A curve."/>'
