"""The series as a book (tools/build_book.py): the site has every notebook, in order, with its
figures, working links, the index of terms linking to the definitions, the answers, search,
and Binder and source links; it loads nothing from outside the site.

What is expected is read from the committed notebooks themselves (``notebooks/*.ipynb``),
not from the book builder, so a notebook the book leaves out fails here. The site is built
once per session (the ``book_site`` fixture of conftest.py, about 30 s); the browser check of
the same site is tests/browser/test_book_browser.py.
"""

import html
import json
import re
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from tools import build_book as book  # noqa: E402
from tools.build_index import collect  # noqa: E402
from tools.lessons import (  # noqa: E402
    DEEPER_HEADING,
    exercises,
    heading_text,
    lesson_paths,
    sections,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


class Page(HTMLParser):
    """Every element's tag and attributes, the ids, and the text of a page."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.elements: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.text_parts: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if attrs.get("id"):
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def links(self):
        """(tag, attribute, value) of every link and every loaded resource."""
        for tag, attrs in self.elements:
            for attr in ("href", "src"):
                if attrs.get(attr):
                    yield tag, attr, attrs[attr]


def pages(site: Path) -> dict[str, Page]:
    return {p.name: Page(p) for p in sorted(site.glob("*.html"))}


@pytest.fixture(scope="module")
def site(book_site):
    return book_site


@pytest.fixture(scope="module")
def parsed(site):
    return pages(site)


def stored_pngs(path: Path) -> int:
    """How many PNG figures the committed notebook stores, widget cells' outputs aside."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for cell in nb["cells"]:
        outs = cell.get("outputs", [])
        if any(WIDGET in o.get("data", {}) for o in outs):
            continue
        count += sum("image/png" in o.get("data", {}) for o in outs)
    return count


def test_every_committed_notebook_is_a_page_in_the_series_order(parsed):
    names = [p.stem for p in COMMITTED]
    assert names, "no notebooks found"
    for name in names:
        assert f"{name}.html" in parsed, f"the book has no page for notebooks/{name}.ipynb"
    # Reading order, followed by each page's "next" link: the cover, 00_*, the lessons in
    # their numbers' order, the answers, and the index of terms as the last chapter.
    expected = (
        ["index"]
        + sorted(n for n in names if n.startswith("00_"))
        + sorted(n for n in names if re.match(r"\d\d[a-z]?_", n) and not n.startswith("00_"))
        + [n for n in names if n == "answers"]
        + ["terms"]
    )
    assert set(expected) >= set(names), f"notebooks outside the series' order: {names}"
    order, page = ["index"], "index.html"
    while True:
        nxt = [
            a.get("href")
            for tag, a in parsed[page].elements
            if tag == "link" and a.get("rel") == "next"
        ]
        if not nxt:
            break
        page = nxt[0].split("#")[0]
        order.append(Path(page).stem)
        assert len(order) <= len(expected) + 1, f"the 'next' links loop: {order}"
    assert order == expected


def test_each_page_shows_its_text_code_and_stored_figures(site, parsed):
    for nb in COMMITTED:
        page = parsed[f"{nb.stem}.html"]
        first = [s for s in sections(nb) if s.level == 1][0]
        assert heading_text(first.title).split("$")[0].strip() in page.text, nb.name
        figures = [
            a["src"]
            for tag, a in page.elements
            if tag == "img" and a.get("src", "").startswith("_images/")
        ]
        assert len(figures) == stored_pngs(nb), (
            f"{nb.name}: {stored_pngs(nb)} stored figures, {len(figures)} on its page"
        )
        for src in figures:
            data = (site / src).read_bytes()
            assert data.startswith(b"\x89PNG"), f"{nb.name}: {src} is not a PNG"
        if stored_pngs(nb):  # code cells are shown with their outputs
            assert any(a.get("class", "").startswith("cell_output") for _, a in page.elements)


def test_a_widget_cell_moves_over_frames_and_its_static_figure_follows(site, parsed):
    """In a lesson, a widget cell is its panel moving over frames (tests/test_book_frames.py
    checks them); elsewhere (no lesson has widgets outside 01-05) a line says where to move
    it. The stored figure after it stays (test_each_page_shows_its_text_code_and_stored_...)."""
    if not (site / "frames").is_dir():
        pytest.skip("this site was built without frames (make test); make book-check checks them")
    lessons = {p.name for p in lesson_paths()}
    for nb in COMMITTED:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        widgets = sum(any(WIDGET in o.get("data", {}) for o in c.get("outputs", [])) for c in cells)
        page = parsed[f"{nb.stem}.html"]
        blocks = [a for tag, a in page.elements if a.get("class") == "book-frames"]
        moving = widgets if nb.name in lessons else 0
        assert len(blocks) == moving, nb.name
        assert page.text.count("A live widget stands here") == widgets - moving, nb.name
        assert "widget-view+json" not in page.path.read_text(encoding="utf-8")
    scripts = [
        a.get("src", "") for tag, a in parsed["01_chain_rule.html"].elements if tag == "script"
    ]
    assert any(s.split("?")[0] == "_static/frames.js" for s in scripts), scripts


def test_every_link_and_resource_within_the_site_resolves(site, parsed):
    problems = []
    for name, page in parsed.items():
        for tag, attr, value in page.links():
            url = urllib.parse.urlsplit(html.unescape(value))
            if url.scheme or value.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = (site / urllib.parse.unquote(url.path)).resolve() if url.path else page.path
            if not target.exists():
                problems.append(f"{name}: <{tag} {attr}={value}>: no {target.name}")
            elif url.fragment and target.suffix == ".html":
                ids = parsed[target.name].ids if target.name in parsed else set()
                if urllib.parse.unquote(url.fragment) not in ids:
                    problems.append(f"{name}: <{tag} {attr}={value}>: no such id")
    assert not problems, "\n".join(problems[:30])


def test_the_site_loads_nothing_from_outside(parsed):
    """Scripts, styles, images and fonts come from the site itself (links may go out)."""
    outside = [
        f"{name}: <{tag} {attr}={value}>"
        for name, page in parsed.items()
        for tag, attr, value in page.links()
        if urllib.parse.urlsplit(value).scheme in ("http", "https", "")
        and value.startswith(("http:", "https:", "//"))
        and not (tag == "a" or (tag == "link" and page_link_is_navigation(page, value)))
    ]
    assert not outside, "\n".join(outside)


def page_link_is_navigation(page: Page, value: str) -> bool:
    rels = [
        a.get("rel", "") for tag, a in page.elements if tag == "link" and a.get("href") == value
    ]
    return all(r in ("canonical", "next", "prev", "index", "search") for r in rels)


def test_maths_is_bundled(site, parsed):
    lesson = parsed[f"{lesson_paths()[0].stem}.html"]
    scripts = [a["src"] for tag, a in lesson.elements if tag == "script" and a.get("src")]
    mathjax = [s for s in scripts if "mathjax" in s.lower()]
    assert mathjax and all((site / s.split("?")[0]).is_file() for s in mathjax), scripts
    assert lesson.path.read_text(encoding="utf-8").count('class="math') > 10


def test_the_index_of_terms_links_each_term_to_the_sentence_defining_it(site, parsed):
    terms, _ = collect(lesson_paths())
    assert terms, "the lessons mark no terms"
    page = parsed["terms.html"]
    raw = (site / "terms.html").read_text(encoding="utf-8")
    items = re.findall(r"<li>(.*?)</li>", raw, re.S)
    for term in terms:
        item = [i for i in items if f"<strong>{html.escape(term.name, quote=False)}</strong>" in i]
        assert item, f"{term.name!r} is not in the index of terms"
        first = re.search(r'href="([^"#]*)#([^"]+)"', item[0])
        assert first, f"{term.name!r}: no link to its definition"
        doc, anchor = first.group(1) or "terms.html", first.group(2)
        assert doc == f"{Path(term.defined[0].notebook).stem}.html", (term.name, doc)
        target = (site / doc).read_text(encoding="utf-8")
        at = target.find(f'id="{anchor}"')
        assert at >= 0, f"{term.name!r}: {doc} has no id {anchor}"
        # ... and that id lies in the section that defines the term, between its heading and
        # the next one (the headings' ids are the labels the book gives them).
        sec = term.defined[0]
        secs = [s for s in sections(ROOT / "notebooks" / sec.notebook) if s.level]
        labels = list(book.section_labels(secs).values())
        i = [s.title for s in secs].index(sec.title)
        start = target.find(f'id="{labels[i]}"')
        end = target.find(f'id="{labels[i + 1]}"') if i + 1 < len(labels) else len(target)
        assert 0 <= start < at < end, (
            f"{term.name!r}: {doc}#{anchor} is not in the section {sec.title!r}"
        )
    assert len(items) >= len(terms)
    assert page.text.count("Defined in") == len(terms)
    text = page.text  # conf.py: no smart quotes, so the meaning reads as written
    for term in terms:
        if term.meaning:  # the one-line meaning stands beside the term, as written
            assert f"{term.meaning.rstrip('.')}." in text, term.name


def test_going_deeper_sections_are_closed_blocks_with_their_opening_visible(site, parsed):
    """As JupyterLab opens them collapsed, the site shows a deeper section's heading and its
    one-sentence opening, and the rest in a closed <details> block."""
    for lesson in lesson_paths():
        secs = sections(lesson)
        marked = [s for s in secs if DEEPER_HEADING.match("#" * s.level + " " + s.title)]
        raw = (site / f"{lesson.stem}.html").read_text(encoding="utf-8")
        blocks = re.findall(r"<details([^>]*)>\s*<summary>Open this going-deeper section", raw)
        assert len(blocks) == len(marked), (lesson.name, len(blocks), len(marked))
        assert all("open" not in attrs for attrs in blocks), f"{lesson.name}: a block is open"
        labels = book.section_labels([s for s in secs if s.level])
        for sec in marked:
            heading = raw.find(f'id="{labels[id(sec)]}"')
            opening = raw.find("<details", heading)
            assert 0 <= heading < opening, f"{lesson.name}: {sec.title!r} has no closed block"


def test_the_answers_are_there_with_every_exercise(parsed):
    answers = parsed["answers.html"]
    for lesson in lesson_paths():
        for ex in exercises(lesson):
            title = heading_text(ex.title).split("$")[0].strip()
            assert title in answers.text, f"answers: no {ex.title!r}"
            assert title in parsed[f"{lesson.stem}.html"].text


def test_each_notebook_page_opens_on_binder_and_links_to_its_source(parsed):
    for nb in COMMITTED:
        hrefs = [a.get("href", "") for tag, a in parsed[f"{nb.stem}.html"].elements if tag == "a"]
        binder = [h for h in hrefs if h.startswith(f"{book.BINDER}/v2/gh/{book.REPOSITORY}/")]
        assert any(urllib.parse.quote(nb.name) in h or nb.name in h for h in binder), (
            nb.name,
            binder,
        )
        source = f"{book.repository_url()}/blob/{book.BRANCH}/notebooks/{nb.name}"
        assert any(h.split("?")[0] == source for h in hrefs), (
            nb.name,
            [h for h in hrefs if "github" in h],
        )
    # The pages the book writes itself (cover, index of terms) have no source in notebooks/.
    for name in ("index.html", "terms.html"):
        hrefs = [a.get("href", "") for tag, a in parsed[name].elements if tag == "a"]
        assert not [h for h in hrefs if "/notebooks/" in h and not h.endswith(".ipynb")], name


def test_search_covers_every_page(site):
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    assert (site / "search.html").exists()
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    assert set(data["docnames"]) >= {p.stem for p in COMMITTED}
    assert "backpropag" in data["terms"] or "backpropagation" in data["terms"]


def test_links_to_jupyterlab_anchors_become_the_books_labels():
    """A lesson may link to a section as JupyterLab names it; the book points it at the
    section's label (no lesson does yet but the index in 00: checked without a build)."""
    nb = lesson_paths()[0]
    secs = sections(nb)
    labels = book.section_labels(secs)
    anchors = {nb.name: {s.anchor: labels[id(s)] for s in secs if s.level}}
    sec = [s for s in secs if s.level == 2][0]
    text = f"see [there]({nb.name}#{sec.anchor}) and [here](#{sec.anchor}), not [x](#nowhere)"
    linked = book.relink(text, nb.name, anchors)
    assert linked == (
        f"see [there](#{labels[id(sec)]}) and [here](#{labels[id(sec)]}), not [x](#nowhere)"
    )
    assert len(set(labels.values())) == len(labels), "two headings share a label"
