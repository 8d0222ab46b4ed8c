"""The book's PDF (`make book`): every notebook, figure, exercise answer and index entry, in
order, with a table of contents and page numbers.

Building the PDF takes a LaTeX installation and a minute or two, so `make test` does not:
`make book-check` builds the book and runs this file on it (BOOK_PDF names the file), and
`.ci/run` calls `make book-check`. Without BOOK_PDF the tests are skipped.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from tools.build_index import collect  # noqa: E402
from tools.lessons import exercises, heading_text, lesson_paths, sections  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
PDF = os.environ.get("BOOK_PDF")

pytestmark = pytest.mark.skipif(
    not PDF, reason="no BOOK_PDF: `make book-check` builds the PDF and checks it"
)


def poppler(tool: str, *args) -> str:
    if not shutil.which(tool):
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils", pytrace=False)
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pdf() -> Path:
    path = Path(PDF)
    assert path.is_file(), f"BOOK_PDF={PDF}: no such file"
    return path


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return poppler("pdftotext", "-layout", str(pdf), "-")


def title(path: Path) -> str:
    return heading_text([s for s in sections(path) if s.level == 1][0].title)


def flat(s: str) -> str:
    return " ".join(s.split())


def test_contents_list_every_notebook_in_order_with_page_numbers(text):
    contents = text[text.upper().index("CONTENTS") :]  # chapters start their lines
    pages = []
    for nb in COMMITTED:
        t = re.escape(flat(title(nb))[:40])
        m = re.search("^" + t + r"[^\n]*?\s(\d+)\s*$", contents, re.M)
        assert m, f"the contents do not list {nb.name} ({title(nb)!r}) with a page"
        pages.append((int(m.group(1)), nb.name))
    m = re.search(r"^Index of terms\s+(\d+)\s*$", contents, re.M)
    assert m, "the contents do not list the index of terms"
    order = [n for _, n in sorted(pages)]
    lessons = [p.name for p in lesson_paths()]
    assert [n for n in order if n in lessons] == lessons
    assert order[-1] == "answers.ipynb" and int(m.group(1)) > max(p for p, _ in pages)


def test_pages_are_numbered(text, pdf):
    info = poppler("pdfinfo", str(pdf))
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert n > 2 * len(COMMITTED)
    numbered = [
        p
        for p in text.split("\f")
        if re.search(r"^\s*\d+\s+\S|\S\s+\d+\s*$", p.strip().splitlines()[-1] if p.strip() else "")
    ]
    assert len(numbered) > n // 2, f"only {len(numbered)} of {n} pages end with a page number"


def test_every_stored_figure_is_in_the_pdf(pdf):
    listed = poppler("pdfimages", "-list", str(pdf)).splitlines()[2:]
    images = [line for line in listed if line.split()[2] == "image"]
    stored = 0
    for nb in COMMITTED:
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            outs = cell.get("outputs", [])
            if not any(WIDGET in o.get("data", {}) for o in outs):
                stored += sum("image/png" in o.get("data", {}) for o in outs)
    assert len(images) >= stored, f"{stored} stored figures, {len(images)} images in the PDF"


def test_every_exercise_is_answered_and_every_term_indexed(text):
    body = flat(text)
    for lesson in lesson_paths():
        for ex in exercises(lesson):
            t = flat(heading_text(ex.title).split("$")[0])
            assert body.count(t) >= 2, f"the PDF lacks {ex.title!r} in its lesson or the answers"
    terms, _ = collect(lesson_paths())
    index = body[body.rindex("Where each term of the series is defined") :]
    # an entry: "term: its meaning. Defined in lesson 3: 4. Section title (page 65)."
    not_another_entry = r"(?:(?!Defined in).)*?"
    for term in terms:
        entry = re.escape(term.name) + rf"(?::| —) {not_another_entry}Defined in "
        assert re.search(entry + rf"{not_another_entry}\(page \d+\)", index), (
            f"the index of terms in the PDF lacks {term.name!r}, its meaning or its page"
        )
