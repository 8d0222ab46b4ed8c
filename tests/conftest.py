"""Shared fixtures: a view's figure as pixels (tests/pixels.py), the book's site."""

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


@pytest.fixture
def pixels():
    """``pixels(fig)``: the figure's PNG (``print_png``) as an array."""
    return png_pixels


@pytest.fixture
def draws_like_plain():
    """``draws_like_plain(fig)`` asserts that a view's fast drawing is a plain full draw."""
    return assert_draws_like_plain_matplotlib


# --- the book (tools/build_book.py): its site, built once for the session ----------------------


@pytest.fixture(scope="session")
def book_site(tmp_path_factory):
    """The series' static site, built as `make book` builds it but without the PDF; the folder
    with index.html. Without the `book` extra the book tests are skipped (CI=true: they fail)."""
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
    out = tmp_path_factory.mktemp("book")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "tools.build_book", "--html", "--out", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.fail(f"the book did not build:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return out / "html"
