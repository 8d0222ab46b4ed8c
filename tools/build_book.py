"""Build the series as a book: a static website and one PDF, from the committed notebooks.

    python -m tools.build_book            # the site, build/book/html, and build/book/*.pdf
    python -m tools.build_book --html     # the site only (what `make test` builds)
    python -m tools.build_book --out DIR  # somewhere else than build/book

Nothing is executed: every page shows the outputs stored in the notebook (`make execute`
stores them), the static figure after each widget included. The builder is Sphinx with
MyST-NB (the notebook reader of Jupyter Book 1) and sphinx-book-theme; the PDF is Sphinx's
LaTeX builder run through xelatex. Both run offline: MathJax comes from the
`django-static-mathjax` package (MathJax 3) and is copied into the site.

The notebooks are first copied to ``<out>/src`` with what the book needs and a notebook does
not (the lessons stay as they are):

* every heading gets a label (``(01_chain_rule-summary)=``), and links written the way
  JupyterLab names headings (``02_computational_graphs.ipynb#3.-The-algorithm``) point to
  those labels, so they work in the site and in the PDF;
* every ``<!-- define: term -->`` marker gets a target at that very place, and the index of
  terms (``tools/build_index.py``'s, from the same markers) becomes the book's last chapter,
  ``terms.md``, whose "defined in" links go to those targets;
* the output of a widget cell (a live widget needs a kernel) is replaced, in the site, by the
  same panel moving over frames drawn at build time (``tools/book_frames.py``: its controls,
  its pictures, ``docs/book/_static/frames.js`` to swap them), and in the PDF by a line
  saying so, with a link to open the notebook on Binder; the static figure in the next cell
  stays in both;
* a cover page, ``index.md``, lists the chapters in the series' order: ``00_*``, the lessons,
  the answers, the index of terms.

Where the site links to (the repository for "source", Binder and Colab for "open live", and the
install cell's package) is set in one place, ``REPOSITORY`` below (or the ``BOOK_REPOSITORY``
environment variable, which the GitHub Pages job sets to the repository it runs in): the
book's copy of each notebook gets its launch links and install cell for it (``tools/colab.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from tools import book_frames
from tools.build_index import BEGIN, END, collect, escape, key, words_pattern
from tools.lessons import (
    DEEPER_PREFIX,
    DEFINE,
    HEADING,
    NOTEBOOKS,
    ROOT,
    Section,
    heading_text,
    lesson_paths,
    sections,
    source,
)

# --- where the site links to: the one place to change ----------------------------------------
REPOSITORY = os.environ.get("BOOK_REPOSITORY", "OWNER/REPO")  # GitHub owner/name
BRANCH = os.environ.get("BOOK_BRANCH", "HEAD")  # what Binder and "source" show
BINDER = "https://mybinder.org"

TITLE = "Deep networks, the chain rule and backpropagation"
AUTHOR = "The series' authors"
PDF_NAME = "deep-networks-backpropagation.pdf"
CONF = ROOT / "docs" / "book"  # conf.py and the site's CSS
OUT = ROOT / "build" / "book"
ANSWERS = "answers.ipynb"
FRAMES = "frames"  # the site's folder of the widgets' frames: frames/<lesson>/
TERMS = "terms"  # the index of terms, the last chapter (terms.md)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# A going-deeper section (tools/lessons.py) is a closed block in the site (docs/book/conf.py).
DEEPER_TITLE = DEEPER_PREFIX
DEEPER_OPEN = '<details class="deeper"><summary>Open this going-deeper section</summary>\n'


def repository_url() -> str:
    return f"https://github.com/{REPOSITORY}"


def binder_url(notebook: str) -> str:
    """Open ``notebooks/<notebook>`` live in JupyterLab on Binder (the README's badge pattern)."""
    return f"{BINDER}/v2/gh/{REPOSITORY}/{BRANCH}?labpath=" + quote(
        f"notebooks/{notebook}", safe=""
    )


def source_url(notebook: str) -> str:
    return f"{repository_url()}/blob/{BRANCH}/notebooks/{notebook}"


# --- which notebooks, in which order ----------------------------------------------------------


def chapters(folder: Path = NOTEBOOKS) -> list[Path]:
    """The series in reading order: ``00_*`` (the start), the lessons, then the answers.

    Found by name, so a new lesson ``06_*.ipynb`` joins the book by being there.
    """
    front = sorted(Path(folder).glob("00_*.ipynb"))
    back = [Path(folder) / ANSWERS] if (Path(folder) / ANSWERS).exists() else []
    return front + lesson_paths(folder) + back


# --- labels -----------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits, anything else a single '-'."""
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-") or "x"


def section_labels(secs: list[Section]) -> dict[int, str]:
    """A label for every heading of a notebook (by ``id`` of its Section): sec-stem-heading,
    numbered when a notebook has the same heading twice. It starts with a letter, so the
    HTML id is the label itself (docutils drops leading digits from ids)."""
    labels: dict[int, str] = {}
    seen: dict[str, int] = {}
    for sec in secs:
        if not sec.level:
            continue
        base = f"sec-{slug(Path(sec.notebook).stem)}-{slug(heading_text(sec.title))}"
        seen[base] = seen.get(base, 0) + 1
        labels[id(sec)] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return labels


def definition_label(notebook: str, term: str, n: int = 1) -> str:
    """The target at the n-th ``<!-- define: term -->`` marker of a notebook."""
    base = f"define-{slug(Path(notebook).stem)}-{slug(term)}"
    return base if n == 1 else f"{base}-{n}"


# --- the notebooks, as the book needs them -----------------------------------------------------


def fenced_spans(markdown: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"^```.*?^```", markdown, re.S | re.M)]


def label_headings(markdown: str, labels: list[str]) -> str:
    """Put ``(label)=`` on the line before each heading (not those inside fenced code)."""
    fenced = fenced_spans(markdown)
    out, last = [], 0
    for m in HEADING.finditer(markdown):
        if any(a <= m.start() < b for a, b in fenced) or not labels:
            continue
        out.append(markdown[last : m.start()])
        out.append(f"({labels.pop(0)})=\n")
        last = m.start()
    out.append(markdown[last:])
    return "".join(out)


def mark_definitions(markdown: str, notebook: str, count: dict[str, int]) -> str:
    """An empty span with an id (MyST's ``[]{#id}``) right after each definition marker."""

    def target(m):
        name = key(m.group(1))
        count[name] = count.get(name, 0) + 1
        # before the marker: a line that starts with "<!--" would make it all raw HTML
        return f"[]{{#{definition_label(notebook, name, count[name])}}}{m.group(0)}"

    return _sub_outside(DEFINE, target, markdown, fenced_spans(markdown))


def _sub_outside(pattern: re.Pattern, repl, text: str, spans) -> str:
    def guarded(m):
        return m.group(0) if any(a <= m.start() < b for a, b in spans) else repl(m)

    return pattern.sub(guarded, text)


# A fragment may hold balanced parentheses, as markdown allows: "#6.-How-small-(really)?".
LINK = re.compile(r"\]\((?P<nb>[^()\s#]*\.ipynb)?#(?P<frag>(?:[^()\s]|\([^()\s]*\))+)\)")


def relink(markdown: str, here: str, anchors: dict[str, dict[str, str]]) -> str:
    """``[x](nb.ipynb#JupyterLab-anchor)`` and ``[x](#anchor)`` -> ``[x](#label)``."""

    def repl(m):
        target = anchors.get(m.group("nb") or here, {})
        label = target.get(m.group("frag"))
        return f"](#{label})" if label else m.group(0)

    return LINK.sub(repl, markdown)


def widget_note(notebook: str, panels: list[dict] = ()) -> dict:
    """A widget cell's output in the book: its panels moving over their frames in the site
    (raw HTML), a line with the Binder link in the PDF (which takes markdown, not HTML)."""
    text = (
        f"*A live widget stands here: [open this notebook on Binder]({binder_url(notebook)})"
        " to move its controls. The figure below is its starting view.*"
    )
    data = {"text/markdown": text, "text/plain": text}
    if panels:
        stem = Path(notebook).stem
        data["text/html"] = "\n".join(
            book_frames.block_html(
                p, f"{FRAMES}/{stem}", f"frames-{p['index']}", binder_url(notebook)
            )
            for p in panels
        )
    return {"output_type": "display_data", "metadata": {}, "data": data}


def book_notebook(
    path: Path, labels: dict[int, str], anchors, secs: list[Section], panels: list[dict] = ()
) -> dict:
    """The notebook as the book shows it (see the module's docstring); ``panels``: its widget
    panels with their frames (``tools/book_frames.py``)."""
    from tools import colab  # (it imports this module)

    nb = json.loads(path.read_text(encoding="utf-8"))
    nb = colab.updated(nb, path.name)  # launch links and install cell for REPOSITORY
    nb["metadata"].pop("widgets", None)  # no widget state: nothing to load from a CDN
    heading_labels = [labels[id(s)] for s in secs if s.level]
    count: dict[str, int] = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = source(cell)
            if BEGIN in text and END in text:  # the index of terms moves to the back
                head, rest = text.split(BEGIN, 1)
                text = (
                    head + f"In the book, the index of terms is its last chapter: "
                    f"[Index of terms]({TERMS}.md)." + rest.split(END, 1)[1]
                )
            n_heads = sum(
                1
                for m in HEADING.finditer(text)
                if not any(a <= m.start() < b for a, b in fenced_spans(text))
            )
            mine, heading_labels = heading_labels[:n_heads], heading_labels[n_heads:]
            text = label_headings(text, mine)
            text = mark_definitions(text, path.name, count)
            cell["source"] = relink(text, path.name, anchors)
        elif cell["cell_type"] == "code":
            outputs = cell.get("outputs", [])
            if any(WIDGET_MIME in o.get("data", {}) for o in outputs):
                mine = [p for p in panels if p["cell"] == cell.get("id")]
                cell["outputs"] = [widget_note(path.name, mine)]
            else:
                give_figures_alt(cell)
    return nb


def give_figures_alt(cell: dict) -> None:
    """A described figure (helpers/figures/alt.py) reaches MyST-NB as its PNG, whose ``alt``
    MyST-NB takes only from the cell's ``mystnb.image.alt``: put the alt text there, and drop
    the figure's HTML form (an ``<img>`` with the PNG inline), so the page links the PNG file."""
    texts = []
    for out in cell.get("outputs", []):
        alt = out.get("metadata", {}).get("image/png", {}).get("alt")
        if alt and "image/png" in out.get("data", {}):
            out["data"].pop("text/html", None)
            texts.append(alt)
    if texts:
        cell["metadata"].setdefault("mystnb", {}).setdefault("image", {})["alt"] = " ".join(texts)


# --- the generated pages -----------------------------------------------------------------------


def terms_page(paths: list[Path]) -> str:
    """The index of terms as the book's last chapter: each term links to the sentence that
    defines it, then to the sections that use it (as ``tools/build_index.py`` finds them)."""
    terms, pages = collect(paths)
    labels = {k: lab for secs in pages.values() for k, lab in section_labels(secs).items()}
    counts: dict[tuple[str, str], int] = {}
    marker_label: dict[tuple[int, str], str] = {}
    for secs in pages.values():
        for sec in secs:
            for name in sec.defines:
                k = (sec.notebook, key(name))
                counts[k] = counts.get(k, 0) + 1
                marker_label.setdefault(
                    (id(sec), key(name)), definition_label(sec.notebook, key(name), counts[k])
                )

    def lesson(sec):
        return f"lesson {int(sec.notebook[:2])}"

    def title(sec):
        return escape(heading_text(sec.title) or "the start")

    lines = [
        "# Index of terms",
        "",
        "Where each term of the series is defined — the link goes to the sentence that "
        "defines it — and the sections that use it again. Generated from the lessons' "
        "definition markers, like the index in the notebooks (`tools/build_index.py`).",
        "",
    ]
    for term in terms:
        defined = []
        for sec in term.defined:
            names = [
                n
                for n in sec.defines
                if key(n) == key(term.name)  # 'ReLU', 'ReLUs'
                or words_pattern(term.name).fullmatch(n)
                or words_pattern(n).fullmatch(term.name)
            ]
            label = marker_label[(id(sec), key(names[0]))]
            defined.append(f"[{lesson(sec)}: {title(sec)}](#{label})")
        meaning = f": {escape(term.meaning.rstrip('.'))}." if term.meaning else "."
        entry = f"- **{escape(term.name)}**{meaning} Defined in " + "; ".join(defined) + "."
        if term.used:
            used = [
                f"[{lesson(s)}: {title(s)}](#{labels[id(s)]})"
                if id(s) in labels
                else f"[{lesson(s)}]({s.notebook})"
                for s in term.used
            ]
            entry += " Used in " + ", ".join(used) + "."
        lines.append(entry)
    if not terms:
        lines.append("*(No terms are marked yet.)*")
    return "\n".join(lines) + "\n"


def cover_page(paths: list[Path], pdf: bool) -> str:
    names = [p.stem for p in paths]
    front = [n for n in names if n.startswith("00_")]
    back = [n for n in names if n == Path(ANSWERS).stem]
    lessons = [n for n in names if n not in front + back]

    def toc(caption, docs):
        return (
            "\n".join(
                ["```{toctree}", f":caption: {caption}", ":maxdepth: 1", "", *docs, "```", ""]
            )
            if docs
            else ""
        )

    # Raw HTML: the site links to the PDF, the PDF (which leaves HTML out) does not.
    pdf_link = (
        f"<p>The whole book is also one PDF, for printing and offline reading: "
        f'<a href="{PDF_NAME}">{PDF_NAME}</a>.</p>\n'
        if pdf
        else ""
    )
    return "\n".join(
        [
            f"# {TITLE}",
            "",
            "A hands-on series of Jupyter notebooks that builds backpropagation from the chain "
            "rule up: every idea gets words, the maths, a few lines of code, a picture and a "
            "numeric check.",
            "",
            pdf_link,
            "Every page has a button (the rocket, top right) that opens it live on "
            f"[Binder]({binder_url(paths[0].name)}), where the sliders move and the code runs, "
            f"and a link to its source in [the repository]({repository_url()}).",
            "",
            toc("Start here", front),
            toc("Lessons", lessons),
            toc("Back matter", back + [TERMS]),
        ]
    )


# --- building ----------------------------------------------------------------------------------


def prepare(out: Path, pdf: bool, frames: bool = True) -> Path:
    """Write the book's sources to ``out/src``; return that folder."""
    src = out / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    paths = chapters()
    if not paths:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}")
    secs = {p.name: sections(p) for p in paths}
    labels = {name: section_labels(s) for name, s in secs.items()}
    anchors = {
        name: {sec.anchor: labels[name][id(sec)] for sec in s if sec.level}
        for name, s in secs.items()
    }
    # the frames (some 4 CPU-minutes, then cached): the site's moving panels; without them a
    # widget cell shows the line with the Binder link, as the PDF does
    frames = book_frames.render_all(lesson_paths()) if frames else {}
    for p in paths:
        panels = (
            json.loads((frames[p.name] / "panels.json").read_text()) if p.name in frames else []
        )
        for i, panel in enumerate(panels):
            panel["index"] = i
        nb = book_notebook(p, labels[p.name], anchors, secs[p.name], panels)
        (src / p.name).write_text(
            json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    (src / f"{TERMS}.md").write_text(terms_page(lesson_paths()), encoding="utf-8")
    (src / "index.md").write_text(cover_page(paths, pdf), encoding="utf-8")
    (src.parent / "frames.json").write_text(
        json.dumps({name: str(folder) for name, folder in frames.items()}), encoding="utf-8"
    )
    return src


def copy_frames(out: Path, html: Path) -> None:
    """Put each lesson's frames into the site: ``html/frames/<lesson>/``."""
    target = html / FRAMES
    if target.exists():
        shutil.rmtree(target)
    for name, folder in json.loads((out / "frames.json").read_text()).items():
        shutil.copytree(folder, target / Path(name).stem, ignore=shutil.ignore_patterns("*.json"))


def sphinx(builder: str, src: Path, dest: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        builder,
        "-c",
        str(CONF),
        "-q",
        "--fail-on-warning",
        "--keep-going",
        "-d",
        str(src.parent / "doctrees"),
        str(src),
        str(dest),
    ]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    print(f"sphinx -b {builder}: {time.perf_counter() - start:.1f} s -> {dest}")


def build_pdf(src: Path, out: Path) -> Path:
    latex = out / "latex"
    sphinx("latex", src, latex)
    start = time.perf_counter()
    tex = [p for p in latex.glob("*.tex")]
    if len(tex) != 1:
        raise SystemExit(f"expected one .tex file in {latex}, found {tex}")
    log = latex / "latexmk.log"
    with open(log, "w") as fh:
        done = subprocess.run(
            ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", tex[0].name],
            cwd=latex,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    if done.returncode:
        raise SystemExit(f"latexmk failed: see {log}")
    pdf = out / PDF_NAME
    shutil.copy(tex[0].with_suffix(".pdf"), pdf)
    print(f"latexmk -xelatex: {time.perf_counter() - start:.1f} s -> {pdf}")
    return pdf


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (build/book)")
    parser.add_argument("--html", action="store_true", help="the site only, no PDF")
    parser.add_argument(
        "--no-frames",
        action="store_true",
        help="widget panels as a line with the Binder link, no frames (make test's site)",
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    pdf = not args.html
    if pdf and not shutil.which("latexmk"):
        raise SystemExit(
            "the PDF needs latexmk and xelatex: apt-get install latexmk "
            "texlive-xetex texlive-latex-extra texlive-fonts-recommended "
            "fonts-freefont-otf (or build the site alone: --html)"
        )
    src = prepare(out, pdf, frames=not args.no_frames)
    html = out / "html"
    sphinx("html", src, html)
    copy_frames(out, html)
    if pdf:
        shutil.copy(build_pdf(src, out), html / PDF_NAME)
    print(f"the book: {html / 'index.html'}" + (f" and {out / PDF_NAME}" if pdf else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
