"""Build the index of terms from the ``<!-- define: term -->`` markers in the lessons.

    python -m tools.build_index          # rewrite the index section of notebooks/00_index.ipynb
    python -m tools.build_index --check  # exit 1 if the stored index is out of date

Each term links to the section that defines it and to every other lesson section (below the
lesson's title) whose markdown uses its words. The index lives in one markdown cell of
``00_index.ipynb``, between ``<!-- BEGIN TERMS -->`` and ``<!-- END TERMS -->``; nothing else
in that notebook is touched.

Links are ``notebook.ipynb#Heading-text``: the heading's text with spaces turned into '-',
which is how JupyterLab 4 and nbconvert name headings. JupyterLab compares a link's fragment
with that id *after* the browser has percent-encoded it, so a heading with non-ASCII text
(``Exercise 1.2 — title``) cannot be reached from another notebook; such a link goes to the
nearest enclosing heading that can be (``Exercises``), or to the top of the notebook.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tools.lessons import (
    NOTEBOOKS,
    Section,
    heading_text,
    lesson_number,
    lesson_paths,
    sections,
    source,
)

INDEX = NOTEBOOKS / "00_index.ipynb"
BEGIN, END = "<!-- BEGIN TERMS -->", "<!-- END TERMS -->"
# What a browser leaves alone in a URL fragment (and markdown in a link destination).
LINK_SAFE = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*$")


@dataclass
class Term:
    name: str
    defined: list[Section] = field(default_factory=list)
    used: list[Section] = field(default_factory=list)

    @property
    def meaning(self) -> str:
        """The one-line meaning given with the term's first definition marker that has one."""
        for sec in self.defined:
            for name, meaning in sec.meanings.items():
                if key(name) == key(self.name) or words_pattern(self.name).fullmatch(name):
                    return meaning
        return ""


def key(term: str) -> str:
    return " ".join(term.lower().split())


def words_pattern(term: str) -> re.Pattern:
    """The term's words as they may appear in prose: any case, '-' or spaces between words,
    an optional plural at the end ('vanishing gradients', 'ReLUs')."""
    words = [re.escape(w) for w in re.sub(r"\(.*?\)", " ", term).split()]
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?:s|es)?(?![\w-])", re.I)


def prose(markdown: str) -> str:
    """The words of a section, without comments (the markers themselves) or link targets."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    return re.sub(r"\]\([^)]*\)", "]", text)


def collect(paths: list[Path]) -> tuple[list[Term], dict[str, list[Section]]]:
    """The defined terms, sorted, and every lesson's sections by notebook name."""
    pages = {Path(p).name: sections(p) for p in paths}
    return index_terms(pages), pages


def index_terms(pages: dict[str, list[Section]]) -> list[Term]:
    """Each defined term with the sections that define it and those that use its words."""
    every = [sec for secs in pages.values() for sec in secs]
    terms: dict[str, Term] = {}
    for sec in every:
        for name in sec.defines:
            same = [
                k
                for k, t in terms.items()
                if words_pattern(t.name).fullmatch(name) or words_pattern(name).fullmatch(t.name)
            ]  # 'ReLU' and 'ReLUs'
            terms.setdefault(same[0] if same else key(name), Term(name)).defined.append(sec)
    for term in terms.values():
        pattern = words_pattern(term.name)
        term.used = [
            sec
            for sec in every
            if sec.level >= 2  # not a lesson's opening
            and sec not in term.defined
            and pattern.search(prose(sec.text))
        ]
    return sorted(terms.values(), key=lambda t: key(t.name))


def reachable(sec: Section, siblings: list[Section]) -> str:
    """A link to the section, or to its nearest ancestor heading a link can reach."""
    i = siblings.index(sec)
    level = sec.level + 1
    for s in reversed(siblings[: i + 1]):
        if 0 < s.level < level:
            if LINK_SAFE.match(s.anchor):
                return s.link
            level = s.level
    return sec.notebook


def link(sec: Section, pages: dict[str, list[Section]]) -> str:
    title = heading_text(sec.title) or "the start"
    return f"[{escape(title)}]({reachable(sec, pages[sec.notebook])})"


def escape(text: str) -> str:
    """Link text as plain text: markdown's special characters escaped."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def by_lesson(found: list[Section], pages: dict[str, list[Section]]) -> str:
    """``*lesson 1:* [A](…), [B](…); *lesson 3:* [C](…)``"""
    groups: dict[str, list[str]] = {}
    for sec in found:
        groups.setdefault(sec.notebook, []).append(link(sec, pages))
    return "; ".join(
        f"*lesson {lesson_number(nb)}:* " + ", ".join(links) for nb, links in sorted(groups.items())
    )


def render(terms: list[Term], pages: dict[str, list[Section]]) -> str:
    lines = [
        "*Generated from the definition markers in the lessons by `tools/build_index.py`"
        " (`make index`): edit the lessons, not this list.*",
        "",
    ]
    for term in terms:
        meaning = f": {escape(term.meaning.rstrip('.'))}." if term.meaning else "."
        entry = f"- **{term.name}**{meaning} Defined in {by_lesson(term.defined, pages)}."
        if term.used:
            entry += f" Used in {by_lesson(term.used, pages)}."
        lines.append(entry)
    if not terms:
        lines.append("*(No terms are marked yet.)*")
    return "\n".join(lines)


def index_cell(nb) -> dict:
    cells = [
        c for c in nb.cells if c.cell_type == "markdown" and BEGIN in source(c) and END in source(c)
    ]
    if len(cells) != 1:
        raise SystemExit(
            f"{INDEX.name}: expected one markdown cell with {BEGIN} … {END}, found {len(cells)}"
        )
    return cells[0]


def updated(text: str, body: str) -> str:
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{body}\n{END}{tail}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the stored index is up to date"
    )
    args = parser.parse_args(argv)
    nb = nbformat.read(INDEX, as_version=4)
    cell = index_cell(nb)
    new = updated(source(cell), render(*collect(lesson_paths())))
    if args.check:
        if new != source(cell):
            print(f"{INDEX.name}: the index of terms is out of date: run `make index`")
            return 1
        print(f"{INDEX.name}: the index of terms is up to date")
        return 0
    if new != source(cell):
        cell.source = new
        nbformat.write(nb, INDEX)
        print(f"{INDEX.name}: index of terms rewritten")
    else:
        print(f"{INDEX.name}: index of terms already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
