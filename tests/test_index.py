"""The index of terms in notebooks/00_index.ipynb, generated from the lessons' define markers.

Links are ``notebook.ipynb#Heading-text``, the id JupyterLab 4 gives a heading (its text, spaces
turned into '-'; nbconvert's HTML does the same). In JupyterLab a link's fragment is compared
with that id after the browser has percent-encoded it, so only ASCII fragments can be followed
(checked by hand in JupyterLab 4.6.6 with headless Chromium): links go to the nearest heading
with an ASCII id.
"""

import re
import sys
import urllib.parse
from pathlib import Path

import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tools/, not installed

from tools import build_index as bi  # noqa: E402
from tools.lessons import NOTEBOOKS, anchor, heading_text, lesson_paths, sections  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "09_fixture.ipynb"
LESSONS = lesson_paths()
REQUIRED = [
    "chain rule",
    "backpropagation",
    "computational graph",
    "gradient descent",
    "vanishing gradient",
    "ReLU",
]


def links(markdown: str) -> list[tuple[str, str]]:
    """(notebook, fragment) of every ``[text](notebook.ipynb#fragment)``; balanced parentheses
    may occur in the fragment, as in markdown."""
    found = []
    for m in re.finditer(r"\]\(", markdown):
        depth, i = 1, m.end()
        while depth and i < len(markdown):
            depth += {"(": 1, ")": -1}.get(markdown[i], 0)
            i += 1
        target = markdown[m.end() : i - 1]
        found.append(tuple(target.split("#", 1)) if "#" in target else (target, ""))
    return found


def stored_index() -> str:
    import nbformat

    return bi.source(bi.index_cell(nbformat.read(bi.INDEX, as_version=4)))


def terms_section(text: str) -> str:
    return text.split(bi.BEGIN, 1)[1].split(bi.END, 1)[0]


def test_stored_index_is_up_to_date():
    terms, pages = bi.collect(LESSONS)
    assert terms_section(stored_index()).strip() == bi.render(terms, pages).strip(), (
        "the index of terms in 00_index.ipynb is out of date with the lessons' define "
        "markers: run `make index` (python -m tools.build_index) and commit the result"
    )


def test_every_defined_term_is_in_the_index():
    """Every marker's term has its entry: under its own name, or under the name of the same
    words it is merged with ('width' and 'width (of a layer)', 'ReLU' and 'ReLUs')."""
    listed = re.findall(r"^- \*\*(.+?)\*\*", terms_section(stored_index()), re.M)
    defined = {name for p in LESSONS for s in sections(p) for name in s.defines}

    def in_index(name):
        return any(
            bi.key(t) == bi.key(name)
            or bi.words_pattern(t).fullmatch(name)
            or bi.words_pattern(name).fullmatch(t)
            for t in listed
        )

    missing = sorted(name for name in defined if not in_index(name))
    assert not missing, f"terms missing from the index: {missing}"


def test_required_terms_are_defined_somewhere():
    defined = {bi.key(name) for p in LESSONS for s in sections(p) for name in s.defines}

    def found(term):
        return any(bi.words_pattern(term).fullmatch(d) for d in defined)

    missing = [t for t in REQUIRED if not found(t)]
    assert not missing, (
        f"no lesson defines {missing} yet: mark the defining cell with "
        "<!-- define: term --> (CONTRIBUTING.md)"
    )


def test_every_link_points_to_an_existing_heading():
    found = links(terms_section(stored_index()))
    assert found or not LESSONS, "the index has no links"
    anchors = {}
    for notebook, fragment in found:
        path = NOTEBOOKS / notebook
        assert path.exists(), f"the index links {notebook}, which does not exist"
        if notebook not in anchors:
            anchors[notebook] = {s.anchor for s in sections(path)}
        if fragment:
            assert fragment in anchors[notebook], (
                f"the index links {notebook}#{fragment}, but no heading has that id"
            )
            assert bi.LINK_SAFE.match(fragment), (
                f"{notebook}#{fragment}: JupyterLab cannot follow a non-ASCII fragment"
            )


@pytest.mark.parametrize("path", [FIXTURE, *LESSONS], ids=lambda p: p.name)
def test_heading_ids_match_nbconvert(path):
    """Our ids are nbconvert's (which percent-encodes non-ASCII; JupyterLab keeps it raw)."""
    for sec in sections(path):
        if sec.level == 0 or "$" in sec.title:
            continue
        html = markdown2html_mistune("#" * sec.level + " " + sec.title)
        ids = re.findall(r'id="([^"]*)"', html)
        assert ids and urllib.parse.unquote(ids[0]).replace("&amp;", "&") == sec.anchor, (
            f"{path.name}: heading {sec.title!r}: nbconvert says {ids}, we say {sec.anchor!r}"
        )


# --- the generator on a fixture lesson -------------------------------------------------------


def test_fixture_index_links_definitions_and_uses():
    terms, pages = bi.collect([FIXTURE])
    text = bi.render(terms, pages)
    assert (
        "- **chain rule**. Defined in *lesson 9:* [The chain rule, for f(g(x))]"
        "(09_fixture.ipynb#The-chain-rule,-for-f(g(x))). Used in *lesson 9:* "
        "[Exercise 9.1 — the derivative of sin(x²)](09_fixture.ipynb#Exercises)."
    ) in text
    assert (
        "- **derivative**: the slope of the tangent to a curve at a point. Defined in "
        "*lesson 9:* [The derivative](09_fixture.ipynb#"
        "The-derivative). Used in *lesson 9:* [The chain rule" in text
    )
    assert links(text)[:2] == [
        ("09_fixture.ipynb", "The-chain-rule,-for-f(g(x))"),
        ("09_fixture.ipynb", "Exercises"),
    ]


@pytest.mark.parametrize(
    "markdown, text",
    [
        ("The **chain** rule", "The chain rule"),
        ("`Value.backward()` and [a link](x.ipynb)", "Value.backward() and a link"),
        ("Why *this* is slow <!-- define: x -->", "Why this is slow"),
        ("snake_case_name, 2 * 3", "snake_case_name, 2 * 3"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_heading_text_is_what_the_reader_sees(markdown, text):
    assert heading_text(markdown) == text
    assert anchor(markdown) == text.replace(" ", "-")


@pytest.mark.parametrize(
    "term, prose, hit",
    [
        ("vanishing gradient", "the Vanishing gradients problem", True),
        ("chain rule", "by the chain-rule", True),
        ("ReLU", "a relu unit; ReLUs are cheap", True),
        ("ReLU", "LeakyReLU is different", False),
        ("layer", "multilayer perceptron", False),
        ("divergence (training)", "training can show divergence", True),
    ],
)
def test_term_words_are_found_in_prose(term, prose, hit):
    assert bool(bi.words_pattern(term).search(prose)) is hit


def test_singular_and_plural_definitions_make_one_term():
    secs = sections(FIXTURE)
    secs[1].defines, secs[2].defines = ["vanishing gradients"], ["Vanishing gradient"]
    terms = bi.index_terms({FIXTURE.name: secs})
    assert [(t.name, len(t.defined)) for t in terms] == [("vanishing gradients", 2)]


def test_links_avoid_headings_jupyterlab_cannot_reach():
    secs = sections(FIXTURE)
    exercise = [s for s in secs if s.title.startswith("Exercise 9.1")][0]
    assert bi.reachable(exercise, secs) == "09_fixture.ipynb#Exercises"
