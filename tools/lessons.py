"""Read the lesson notebooks: their headings, defined terms and exercises.

The build scripts in this folder (index of terms, answers notebook, nbgrader source) all start
from what this module finds, so the lessons stay the single source of truth.

A lesson's exercise, as CONTRIBUTING.md describes it:

1. a markdown cell ``### Exercise N.k — title`` with the task (more markdown may follow);
2. a code cell tagged ``exercise`` whose body raises ``NotImplementedError("hint")``;
3. a code cell tagged ``check`` that ends with a call to a check returning True/False;
4. a markdown cell ``<details><summary>Answer</summary> … ```python … ``` … </details>``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
# 01_chain_rule.ipynb …, and 02b_build_your_own_engine.ipynb for a lesson between 02 and 03
# (its number is "2b", its exercises 2b.1, 2b.2, …); 00_index is not a lesson
LESSON_NAME = re.compile(r"^(\d\d)([a-z]?)_.+\.ipynb$")

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
# ``<!-- define: term | what it means, in one line -->`` next to the sentence that defines it
DEFINE = re.compile(r"<!--\s*define:\s*([^|]+?)\s*(?:\|\s*(.*?)\s*)?-->", re.S)
EXERCISE_TITLE = re.compile(r"^###[ \t]+(Exercise[ \t]+(\d+[a-z]?)\.(\d+)\b.*?)[ \t]*$", re.M)
DETAILS = re.compile(r"<details>\s*<summary>\s*Answer\s*</summary>(.*?)</details>", re.S | re.I)
PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def lesson_paths(folder: Path = NOTEBOOKS) -> list[Path]:
    """The lesson notebooks, in order (``00_index`` and ``answers`` are not lessons)."""
    return sorted(
        p
        for p in Path(folder).glob("*.ipynb")
        if LESSON_NAME.match(p.name) and not p.name.startswith("00_")
    )


def lesson_number(path) -> str:
    """A lesson's number as the reader sees it: "1" for 01_chain_rule, "2b" for 02b_…"""
    m = LESSON_NAME.match(Path(path).name)
    if not m:
        raise ValueError(
            f"lesson_number: {Path(path).name!r} is not a lesson notebook name "
            "(expected NN_name.ipynb or NNx_name.ipynb, e.g. 02b_engine.ipynb)"
        )
    return f"{int(m.group(1))}{m.group(2)}"


# --- headings and their anchors -------------------------------------------------------------


def heading_text(markdown: str) -> str:
    """The text a reader sees in a heading written in markdown (what the browser renders)."""
    text = re.sub(r"<!--.*?-->", "", markdown)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [words](url) -> words
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags
    text = re.sub(r"(`+)(.+?)\1", lambda m: m.group(2).strip(), text)  # `code` -> code
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)  # **strong**
    text = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", text)  # *emphasis*
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)  # backslash escapes
    return html.unescape(text).strip()


def anchor(markdown_heading: str) -> str:
    """The id JupyterLab 4 (and nbconvert's HTML) gives a heading: its text, spaces → '-'.

    JupyterLab's ``createHeaderId`` is ``header.textContent.replace(/ /g, '-')``: nothing is
    lower-cased and punctuation is kept, so ``## The chain rule, again`` becomes
    ``The-chain-rule,-again``.
    """
    return heading_text(markdown_heading).replace(" ", "-")


@dataclass(eq=False)  # sections compare by identity: two may have the same heading
class Section:
    notebook: str  # file name, e.g. "01_chain_rule.ipynb"
    level: int  # 1 for '#', 2 for '##', …
    title: str  # the heading as written in markdown
    text: str = ""  # the markdown of the section (headings included)
    defines: list[str] = field(default_factory=list)
    meanings: dict[str, str] = field(default_factory=dict)  # term -> its one-line meaning

    @property
    def anchor(self) -> str:
        return anchor(self.title)

    @property
    def link(self) -> str:
        return f"{self.notebook}#{self.anchor}"


def sections(path: Path) -> list[Section]:
    """Split a notebook's markdown at every heading; a section runs to the next heading.

    Markdown before the first heading belongs to a section with level 0 and no title.
    Fenced code blocks inside markdown are skipped when looking for headings.
    """
    name = Path(path).name
    found = [Section(name, 0, "")]
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = source(cell)
        fenced = [m.span() for m in re.finditer(r"^```.*?^```", src, re.S | re.M)]
        last = 0
        for m in HEADING.finditer(src):
            if any(a <= m.start() < b for a, b in fenced):
                continue
            found[-1].text += src[last : m.start()]
            found.append(Section(name, len(m.group(1)), m.group(2)))
            last = m.start()
        found[-1].text += src[last:] + "\n\n"
    for sec in found:
        for term, meaning in DEFINE.findall(sec.text):
            sec.defines.append(term.strip())
            if meaning.strip():
                sec.meanings.setdefault(term.strip(), " ".join(meaning.split()))
    return found if found[0].text.strip() else found[1:]


# --- exercises ------------------------------------------------------------------------------


@dataclass
class Exercise:
    notebook: str
    number: str  # "1.2"
    title: str  # "Exercise 1.2 — title"
    task: list[str]  # markdown of the task, cell by cell
    code: str | None = None  # the learner's cell (tagged "exercise")
    check: str | None = None  # the check cell (tagged "check")
    answer: str | None = None  # the markdown inside <details>…</details>
    problems: list[str] = field(default_factory=list)

    @property
    def answer_code(self) -> str:
        """Every ```python block of the answer, in order: the complete runnable answer."""
        blocks = PYTHON_BLOCK.findall(self.answer or "")
        return "\n".join(b.rstrip("\n") + "\n" for b in blocks).rstrip("\n")

    @property
    def slug(self) -> str:
        return "ex" + self.number.replace(".", "-")


def exercises(path: Path) -> list[Exercise]:
    """The exercises of a lesson in order, with what is missing from each noted in ``problems``."""
    name = Path(path).name
    found: list[Exercise] = []
    for cell in load(path)["cells"]:
        src = source(cell)
        title = EXERCISE_TITLE.search(src) if cell["cell_type"] == "markdown" else None
        if title:
            found.append(
                Exercise(name, f"{title.group(2)}.{title.group(3)}", title.group(1), [src.strip()])
            )
        elif found:
            _add_cell(found[-1], cell, src)
    for ex in found:
        ex.problems += _missing(ex)
    return found


def _add_cell(ex: Exercise, cell: dict, src: str) -> None:
    """A cell after the exercise's title, in its place: its code or check cell (tagged), its
    answer (a <details> block), or, before the code, more of its task."""
    code, markdown = cell["cell_type"] == "code", cell["cell_type"] == "markdown"
    if code and "exercise" in tags(cell):
        if ex.code is not None:
            ex.problems.append("more than one cell tagged 'exercise'")
        ex.code = src
    elif code and "check" in tags(cell):
        if ex.check is not None:
            ex.problems.append("more than one cell tagged 'check'")
        ex.check = src
    elif markdown and DETAILS.search(src):
        ex.answer = DETAILS.search(src).group(1).strip()
    elif markdown and ex.code is None:
        ex.task.append(src.strip())


def _missing(ex: Exercise) -> list[str]:
    """What the exercise lacks: its code cell, its check cell, its answer, or the answer's
    code."""
    missing = []
    if ex.code is None:
        missing.append("no code cell tagged 'exercise'")
    if ex.check is None:
        missing.append("no code cell tagged 'check'")
    if ex.answer is None:
        missing.append("no <details><summary>Answer</summary> markdown cell")
    elif not ex.answer_code.strip():
        missing.append("the answer has no ```python block")
    return missing


#: A lesson's code cell with this tag builds what its exercises and their answers add to
#: (02b's ``Value`` of section 1): the answers notebook runs it before the lesson's answers,
#: and an answer tested on its own runs after it, so an answer never has to define it again
#: (which, pasted into the lesson, would replace what the learner built).
SETUP_TAG = "answers-setup"


def setup_code(path: Path) -> str:
    """The code of the lesson's cells tagged ``answers-setup``, magics commented out."""
    return "\n\n\n".join(
        code_without_magics(source(c)).strip("\n")
        for c in load(path)["cells"]
        if c["cell_type"] == "code" and SETUP_TAG in tags(c)
    )


def answer_prelude(path: Path, ex: Exercise) -> str:
    """What runs before an answer tested on its own, as the learner had it when meeting the
    exercise: the lesson's imports, its setup code, then the answers of its earlier exercises."""
    parts = [lesson_imports(path), setup_code(path)]
    for earlier in exercises(path):
        if earlier.number == ex.number:
            break
        parts.append(earlier.answer_code)
    return "\n\n".join(p for p in parts if p)


def code_without_magics(code: str) -> str:
    """Python source with IPython magics and shell lines (``%…``, ``!…``) commented out."""
    return re.sub(r"^(\s*)([%!])", r"\1# \2", code, flags=re.M)


def lesson_imports(path: Path, needed: str | None = None) -> str:
    """The lesson's top-level import statements, without repeats, sorted as ruff (isort) wants.

    With ``needed`` (some code), only the imports that bind a name this code uses. The answers
    run after these, as in the lesson where the learner met the exercise.
    """
    import ast
    import sys

    used = None
    if needed is not None:
        used = {
            n.id
            for n in ast.walk(ast.parse(code_without_magics(needed)))
            if isinstance(n, ast.Name)
        }
    found: dict[str, ast.stmt] = {}
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "code" or {"exercise", "check"} & set(tags(cell)):
            continue
        code = code_without_magics(source(cell))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import) or (
                isinstance(node, ast.ImportFrom) and node.level == 0
            ):
                bound = {(a.asname or a.name).split(".")[0] for a in node.names}
                if used is None or bound & used:
                    found.setdefault(ast.get_source_segment(code, node), node)

    def order(item):
        line, node = item
        module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
        root = module.split(".")[0]
        section = 0 if root in sys.stdlib_module_names else 2 if root == "helpers" else 1
        return section, isinstance(node, ast.ImportFrom), module.lower(), line

    blocks: dict[int, list[str]] = {}
    for line, node in sorted(found.items(), key=order):
        blocks.setdefault(order((line, node))[0], []).append(line)
    return "\n\n".join("\n".join(lines) for lines in blocks.values())


def final_call(code: str):
    """The syntax tree of a check cell and the call its last statement makes.

    A check cell ends with ``check_x(...)`` or ``ok = check_x(...)`` (which keeps the notebook
    from displaying ``True``/``False`` under the check's own feedback).
    """
    import ast

    tree = ast.parse(code)
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        return tree, last.value
    if (
        isinstance(last, ast.Assign)
        and len(last.targets) == 1
        and isinstance(last.targets[0], ast.Name)
        and isinstance(last.value, ast.Call)
    ):
        return tree, last.value
    raise ValueError(
        "a check cell must end with the call of a check, `check_x(...)` or "
        f"`ok = check_x(...)`; got:\n{code}"
    )


def as_assert(check: str, message: str) -> str:
    """A check cell with its final call turned into ``assert <call>, message``.

    ``ok = checks.check_slope(f)`` becomes ``assert checks.check_slope(f), "…"``; the lines
    before the call (imports) stay as they are.
    """
    import ast

    code = code_without_magics(check).rstrip()
    tree, call = final_call(code)
    last = tree.body[-1]
    lines = code.splitlines()
    before = "\n".join(lines[: last.lineno - 1] + [lines[last.lineno - 1][: last.col_offset]])
    return f'{before}assert {ast.get_source_segment(code, call)}, "{message}"'.strip("\n")


def run_check(check: str, namespace: dict):
    """Run a check cell in ``namespace``; return what its final call returned and printed."""
    import ast
    import contextlib
    import io

    tree, call = final_call(code_without_magics(check))
    tree.body.pop()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(tree, "<check>", "exec"), namespace)
        result = eval(compile(ast.Expression(call), "<check>", "eval"), namespace)
    return result, printed.getvalue()


def hints(exercise_code: str) -> list[str]:
    """The messages of the ``raise NotImplementedError("…")`` statements in a learner's cell."""
    import ast

    found = []
    for node in ast.walk(ast.parse(code_without_magics(exercise_code))):
        if (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and getattr(node.exc.func, "id", None) == "NotImplementedError"
        ):
            args = node.exc.args
            found.append(args[0].value if args and isinstance(args[0], ast.Constant) else "")
    return found


# --- the core path and its going-deeper sections -------------------------------------------
#
# A lesson's core path is what a learner with the series' stated background reads; depth lives
# in sections whose heading reads ``## Going deeper: …`` (any level from ## down), opened by
# one italic sentence that says what the section adds and that the next lesson does not need
# it. Such a section runs to the next heading of the same or a higher level, and JupyterLab
# shows it collapsed (``jp-MarkdownHeadingCollapsed`` in its heading cell's metadata). An
# exercise is marked in its title: ``### Exercise 1.2 (core): …`` or ``(going deeper)``; a
# deeper exercise runs to the next heading of level 3 or higher.

DEEPER_PREFIX = "Going deeper:"
DEEPER_HEADING = re.compile(r"^(#{2,6})[ \t]+" + DEEPER_PREFIX + r" \S")
EXERCISE_KIND = re.compile(r"^###[ \t]+Exercise[ \t]+\d+[a-z]?\.\d+[ \t]+\((core|going deeper)\):")
COLLAPSED = "jp-MarkdownHeadingCollapsed"


def headings(markdown: str) -> list[re.Match]:
    """The headings of a markdown cell, outside fenced code blocks."""
    fenced = [m.span() for m in re.finditer(r"^```.*?^```", markdown, re.S | re.M)]
    return [m for m in HEADING.finditer(markdown) if not any(a <= m.start() < b for a, b in fenced)]


def deeper_cells(path: Path, exercises: bool = True) -> list[bool]:
    """For every cell of a lesson, whether it belongs to a going-deeper section (or, with
    ``exercises``, to a deeper exercise) rather than to the core path."""
    flags, deeper_level = [], None
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            for m in headings(source(cell)):
                level, line = len(m.group(1)), m.group(0)
                if deeper_level is not None and level <= deeper_level:
                    deeper_level = None
                kind = EXERCISE_KIND.match(line)
                if deeper_level is None and (
                    DEEPER_HEADING.match(line)
                    or (exercises and kind and kind.group(1) == "going deeper")
                ):
                    deeper_level = level
        flags.append(deeper_level is not None)
    return flags


def prose_sentences(markdown: str) -> list[str]:
    """The sentences a reader reads in a markdown cell: no headings, code, tables, comments or
    display maths; an inline formula or inline code counts as one word; every list item and
    every paragraph ends a sentence."""
    text = re.sub(r"^```.*?^```", "\n\n", markdown, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "\n\n", text, flags=re.S)
    text = re.sub(r"\\\[.*?\\\]", "\n\n", text, flags=re.S)
    text = re.sub(r"(?<!\\)\$[^$\n]+\$", "F", text)
    text = re.sub(r"`[^`\n]+`", "C", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>\n]+>", " ", text)
    blocks, current = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if (
            not stripped
            or HEADING.match(stripped)
            or stripped.startswith("|")
            or re.match(r"^([-*+]|\d+[.)])\s", stripped)
        ):
            if current:
                blocks.append(" ".join(current))
            current = []
            if stripped and not HEADING.match(stripped) and not stripped.startswith("|"):
                current = [re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped)]
            continue
        current.append(stripped)
    if current:
        blocks.append(" ".join(current))
    found = []
    for block in blocks:
        for s in re.split(r"(?<=[.!?])[*_)\"”’]*\s+(?=[*_(\"“‘]*[A-Z0-9])", block):
            if re.search(r"[A-Za-z]", s):
                found.append(s.strip())
    return found


def words(sentence: str) -> int:
    return len([w for w in sentence.split() if re.search(r"[A-Za-z0-9]", w)])
