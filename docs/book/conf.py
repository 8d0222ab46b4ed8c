"""Sphinx configuration of the book (`make book`; `tools/build_book.py` writes the sources).

Nothing here is executed at build time and nothing is downloaded: notebooks show their stored
outputs, MathJax is copied from the `django-static-mathjax` package, the theme ships its
fonts and icons.
"""

import importlib.util
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import build_book as book  # noqa: E402

project = book.TITLE
author = book.AUTHOR
copyright = "the series' authors; code MIT"
root_doc = "index"
language = "en"

extensions = ["myst_nb", "sphinx.ext.githubpages"]   # .nojekyll for GitHub Pages
exclude_patterns = []

# --- the notebooks: stored outputs, never executed -------------------------------------------
nb_execution_mode = "off"
nb_ipywidgets_js = {}               # widget cells carry a note instead (tools/build_book.py)
nb_merge_streams = True
nb_render_markdown_format = "myst"  # the widget note's link
myst_enable_extensions = ["dollarmath", "amsmath", "attrs_inline"]
myst_dmath_double_inline = True
smartquotes = False                 # the lessons' own typography, and code-like text as written
suppress_warnings = ["myst.header"]  # lessons start at '#', and some sections skip a level

# --- maths, offline ---------------------------------------------------------------------------
# MathJax 3 from the `django-static-mathjax` package (MathJax's own build, no dependencies:
# Django is not needed to copy its files). SVG output: no web fonts to load, which a page
# opened from disk (file://) could be refused.
MATHJAX = (Path(importlib.util.find_spec("mathjax").submodule_search_locations[0])
           / "static" / "mathjax" / "es5")
mathjax_path = "mathjax/tex-svg-full.js"
# Not copied: the other combined builds and the CHTML fonts, which tex-svg-full never loads.
MATHJAX_SKIP = shutil.ignore_patterns("tex-chtml*", "tex-mml-*", "mml-*", "tex-svg.js", "chtml*")

# --- the site ---------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = book.TITLE
html_static_path = [str(Path(__file__).parent / "_static")]
html_css_files = ["book.css"]
html_js_files = [("frames.js", {"defer": "defer"})]  # the widgets' frames (tools/book_frames.py)
html_last_updated_fmt = None
html_copy_source = True            # "download .ipynb" gives the notebook
html_show_sourcelink = False
html_show_search_summary = False   # summaries fetch() each page: refused from file://
html_context = {"default_mode": "light"}   # (unset, the theme logs an error on file://)
html_theme_options = {
    "repository_url": book.repository_url(),
    "repository_branch": book.BRANCH,
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_source_button": True,
    "use_download_button": True,
    "launch_buttons": {"binderhub_url": book.BINDER, "notebook_interface": "jupyterlab"},
    "home_page_in_toc": False,      # the cover is the title at the top of the sidebar
    "show_toc_level": 2,
}

# --- the PDF ------------------------------------------------------------------------------------
latex_engine = "xelatex"
latex_use_xindy = False
latex_documents = [("index", "book.tex", book.TITLE, book.AUTHOR, "manual", True)]
latex_show_pagerefs = True         # every link in print also gives its page
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "printindex": "",              # the index of terms is the last chapter (terms.md)
    "preamble": "\n".join([
        r"\setcounter{secnumdepth}{-1}",   # the headings carry the series' own numbers
        r"\setcounter{tocdepth}{1}",       # chapters and their sections
        r"\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}",
    ]),
    "sphinxsetup": "VerbatimColor={rgb}{0.97,0.97,0.97}",
    # FreeMono (Sphinx's default) lacks characters the outputs print (ᵀ, ✗): DejaVu Sans Mono.
    "fontpkg": "\n".join([
        r"\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, ItalicFont=*Italic,"
        r" BoldFont=*Bold, BoldItalicFont=*BoldItalic]",
        r"\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique,"
        r" BoldFont=*Bold, BoldItalicFont=*BoldOblique]",
        r"\setmonofont{DejaVu Sans Mono}[Scale=0.85]",
    ]),
}


class InlineTargets(SphinxPostTransform):
    """In LaTeX, an empty span with an id (a definition marker's ``[]{#define-…}``) becomes a
    target, so that the index of terms can link to it (the LaTeX writer labels targets, not
    spans)."""
    default_priority = 5
    builders = ("latex",)

    def run(self):
        for node in list(self.document.findall(nodes.inline)):
            if node["ids"] and not node.children:
                node.replace_self(nodes.target("", "", ids=list(node["ids"])))


class DeeperBlocks(SphinxPostTransform):
    """A lesson's going-deeper section (heading ``Going deeper: …``) shows its heading and its
    one-sentence opening; the rest is a closed ``<details>`` block the reader can open, as
    JupyterLab shows the section collapsed. The PDF prints everything."""
    default_priority = 5
    formats = ("html",)

    def run(self):
        for section in list(self.document.findall(nodes.section)):
            title = section.next_node(nodes.title)
            if title is None or not title.astext().startswith(book.DEEPER_TITLE):
                continue
            start = 1
            if len(section.children) > 1 and isinstance(section[1], nodes.paragraph):
                start = 2  # the opening sentence stays visible
            section.insert(start, nodes.raw("", book.DEEPER_OPEN, format="html"))
            section.append(nodes.raw("", "</details>", format="html"))


def copy_mathjax(app, exception):
    """Put MathJax into the site's _static/mathjax (only for HTML builders)."""
    if exception is None and app.builder.format == "html":
        shutil.copytree(MATHJAX, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True,
                        ignore=MATHJAX_SKIP)


def no_source_for_generated_pages(app, pagename, templatename, context, doctree):
    """The cover and the index of terms are written by tools/build_book.py: there is no file
    in notebooks/ for a "source" button to show (after the theme's buttons, priority 501)."""
    if (Path(app.srcdir) / f"{pagename}.ipynb").exists():
        return

    def keep(button):
        return button.get("label") not in ("source-file-button", "source-edit-button")

    buttons = [b for b in context.get("header_buttons", []) if keep(b)]
    for group in buttons:
        if "buttons" in group:
            group["buttons"] = [b for b in group["buttons"] if keep(b)]
    context["header_buttons"] = buttons


def setup(app):
    app.connect("html-page-context", no_source_for_generated_pages, priority=502)
    app.connect("build-finished", copy_mathjax)
    app.add_post_transform(InlineTargets)
    app.add_post_transform(DeeperBlocks)
