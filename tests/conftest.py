"""Shared fixtures: a view's figure as pixels (tests/pixels.py), the book's site."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest
from pixels import plain_pixels, png_pixels, saved_pixels


def assert_draws_like_plain_matplotlib(fig):
    """The view's cached drawing, through both PNG paths, equals an uncached one.

    The widget's pictures are taken first: a full draw applies every axes's aspect and
    layout, and so would repair a figure whose cached drawing missed a change (the
    playground's grid of unit maps drawn into its previous box went unnoticed that way).
    tests/test_right_picture.py compares with a fresh view instead."""
    saved, printed = saved_pixels(fig), png_pixels(fig)
    plain = plain_pixels(fig)
    np.testing.assert_array_equal(saved, plain, err_msg="savefig (as live)")
    np.testing.assert_array_equal(printed, plain, err_msg="print_png")


# --- what the browser tests exercised (tests/browser/conftest.py records it) ----------------------

_BROWSER_SUMMARY = []
_BROWSER_TESTS_RAN = []


def pytest_runtest_logreport(report):
    """Collect the browser tests' summaries; under pytest-xdist the workers' reports come here."""
    if report.nodeid.replace(os.sep, "/").startswith("tests/browser/"):
        _BROWSER_TESTS_RAN.append(report.nodeid)
    if report.when == "teardown":  # user_properties as the test's fixtures left them
        _BROWSER_SUMMARY.extend(v for k, v in report.user_properties if k == "browser_summary")


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    if _BROWSER_SUMMARY:
        tr.write_sep("-", "widgets exercised in the browser")
        for lines in sorted(_BROWSER_SUMMARY):
            for line in lines:
                tr.write_line(line)
    missing = _browser_missing() if _BROWSER_TESTS_RAN else ""
    if missing:  # loud: a run without a browser tested no widget
        on_ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
        what = "FAILED (CI=true)" if on_ci else "SKIPPED"
        loud = {"red": on_ci, "yellow": not on_ci, "bold": True}
        tr.write_sep("!", f"BROWSER TESTS {what.split()[0]}", **loud)
        tr.write_line(f"WARNING: browser tests {what}: {missing}.", **loud)
        tr.write_line("The widgets of the notebooks were NOT tested in a browser.", **loud)


def _browser_missing() -> str:
    """Why the browser tests cannot run here ('' when they can): tests/browser/lab_harness."""
    sys.path.insert(0, str(Path(__file__).parent / "browser"))
    try:
        from lab_harness import browser_missing_reason
    finally:
        sys.path.pop(0)
    return browser_missing_reason()


@pytest.fixture
def pixels():
    """``pixels(fig)``: the figure's PNG as the widgets write it (``png``), as an array."""
    return png_pixels


@pytest.fixture
def draws_like_plain():
    """``draws_like_plain(fig)`` asserts that a view's fast drawing is a plain full draw."""
    return assert_draws_like_plain_matplotlib


# --- the book (tools/build_book.py): its site, built once for the session ----------------------


@pytest.fixture(scope="session")
def book_site(tmp_path_factory):
    """The series' static site, built as `make book` builds it but without the PDF and, unless
    BOOK_FRAMES=1, without the widgets' frames (some 4 CPU-minutes: `make book-check` builds
    and checks them); or the site in $BOOK_SITE, built already (book-check's). The folder with
    index.html. Without the `book` extra the book tests are skipped (CI=true: they fail)."""
    import importlib.util
    import os
    import subprocess
    import sys
    from pathlib import Path

    missing = [
        m
        for m in ("sphinx", "myst_nb", "sphinx_book_theme", "mathjax")
        if importlib.util.find_spec(m) is None
    ]
    if missing:
        why = (
            f"the book's tools are not installed ({', '.join(missing)}): "
            "`.venv/bin/pip install -e '.[book]'`"
        )
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"book tests FAILED (CI=true): {why}", pytrace=False)
        pytest.skip(why)
    if os.environ.get("BOOK_SITE"):
        return Path(os.environ["BOOK_SITE"]).resolve()
    out = tmp_path_factory.mktemp("book")
    root = Path(__file__).resolve().parents[1]
    frames = [] if os.environ.get("BOOK_FRAMES") == "1" else ["--no-frames"]
    done = subprocess.run(
        [sys.executable, "-m", "tools.build_book", "--html", *frames, "--out", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.fail(f"the book did not build:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return out / "html"
