"""Open every notebook in Colab or on Binder, and run it there: a line of links under each
notebook's title, and a first code cell that installs the series' package where it is missing.

    python -m tools.colab          # add or update both in every notebook
    python -m tools.colab --check  # exit 1 if a notebook lacks them or they are out of date

The links are plain text (no badge images: the notebooks and the book load nothing from
outside). The install cell does nothing where ``helpers`` is installed (``make lab``, Binder,
CI); on Colab it installs the package alone, from the repository, with ``--no-deps``, so the
runtime's numpy, matplotlib, ipywidgets and ipykernel stay as Colab ships them and no restart
is needed. Where the links point is set in one place, ``tools/build_book.py``'s REPOSITORY
(the ``BOOK_REPOSITORY`` environment variable); the README's Binder badge follows it too.
When the series is published, run it once with the repository's GitHub path:

    BOOK_REPOSITORY=owner/name python -m tools.colab

The book is built with the links of the repository it is built for (``book_notebook``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import nbformat

from tools import build_book
from tools.lessons import NOTEBOOKS, ROOT, load, source

COLAB_BRANCH = os.environ.get("COLAB_BRANCH", "main")  # Colab opens a branch by name
LINKS = "<!-- launch links -->"
INSTALL_TAG = "install"
README = ROOT / "README.md"
BADGE = re.compile(r"(https://mybinder\.org/v2/gh/)[^/\s)]+/[^/\s)]+(/)")


def colab_url(notebook: str) -> str:
    return (
        f"https://colab.research.google.com/github/{build_book.REPOSITORY}/blob/{COLAB_BRANCH}"
        f"/notebooks/{notebook}"
    )


def links_line(notebook: str) -> str:
    return (
        f"*Run it live:* [open in Colab]({colab_url(notebook)}) · "
        f"[open on Binder]({build_book.binder_url(notebook)}) {LINKS}"
    )


def install_code() -> str:
    return "\n".join(
        [
            "# extra code: you need not understand it. On Colab, or wherever the series'",
            "# package `helpers` is missing, it installs `helpers` alone (numpy, matplotlib",
            "# and ipywidgets stay as they are). Elsewhere it does nothing.",
            "import importlib.util",
            "import subprocess",
            "import sys",
            "",
            'if importlib.util.find_spec("helpers") is None:',
            f'    url = "git+https://github.com/{build_book.REPOSITORY}"',
            '    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", url]',
            "    subprocess.run(pip, check=True)",
            "    importlib.invalidate_caches()",
        ]
    )


def with_links(markdown: str, notebook: str) -> str:
    lines = [line for line in markdown.split("\n") if not line.endswith(LINKS)]
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[title + 1 : title + 1] = ["", links_line(notebook)]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def updated(nb: dict, notebook: str) -> dict:
    """The notebook with its links line and install cell as they should be."""
    cells = nb["cells"]
    first = next(c for c in cells if c["cell_type"] == "markdown")
    first["source"] = with_links(source(first), notebook)
    install = [c for c in cells if INSTALL_TAG in c.get("metadata", {}).get("tags", [])]
    if not install:
        cell = nbformat.v4.new_code_cell("", id="install-helpers", metadata={"tags": [INSTALL_TAG]})
        cells.insert(cells.index(first) + 1, cell)
        install = [cell]
    install[0]["source"] = install_code()
    return nb


def readme_with_badge(text: str) -> str:
    """The README's text with its Binder badge pointing to the repository."""
    return BADGE.sub(lambda m: f"{m[1]}{build_book.REPOSITORY}{m[2]}", text)


def normalised(nb: dict) -> str:
    """A notebook's cells' sources, as text, for comparing two versions."""
    return json.dumps([source(c) for c in nb["cells"]], ensure_ascii=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted(Path(NOTEBOOKS).glob("*.ipynb")):
        nb = load(path)
        before = normalised(nb)
        nb = updated(nb, path.name)
        if normalised(nb) == before:
            continue
        stale.append(path.name)
        if not args.check:
            for cell in nb["cells"]:  # stored as JupyterLab stores them: a list of lines
                if isinstance(cell["source"], str):
                    cell["source"] = cell["source"].splitlines(keepends=True)
            text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
            path.write_text(text, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    if readme_with_badge(readme) != readme:
        stale.append(README.name)
        if not args.check:
            README.write_text(readme_with_badge(readme), encoding="utf-8")
    if args.check and stale:
        print(
            f"no or stale Colab links / install cell for {build_book.REPOSITORY}: "
            + ", ".join(stale)
        )
        print("run `python -m tools.colab` (and `make execute` for a new install cell)")
        return 1
    print("updated: " + ", ".join(stale) if stale else "every notebook is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
