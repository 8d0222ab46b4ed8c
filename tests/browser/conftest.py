"""One JupyterLab server and one headless Chromium for the whole browser test session.

Without /usr/bin/chromium (or without Playwright) every browser test is skipped with a reason
that says how to enable them, and the terminal summary repeats it in a loud line; with
``CI=true`` in the environment a missing browser fails the tests instead.
"""

from __future__ import annotations

import os

import pytest
from lab_harness import (
    Lab,
    LabWindow,
    Notebook7,
    NotebookPage,
    browser_missing_reason,
    launch_browser,
    port_is_free,
)

MISSING = browser_missing_reason()
ON_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in headless Chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/test_widgets_browser.py" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def record_report(request):
    """Keep a notebook's report for the terminal summary (what was exercised), as it stands
    when the test ends. The lines go into the test's user_properties, which pytest-xdist
    carries from its workers; tests/conftest.py prints them."""
    reports = []
    yield reports.append
    for r in reports:
        controls = [c for p in r.panels for c in p["controls"]]
        kinds = {}
        for c in controls:
            kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
        what = ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in sorted(kinds.items()))
        lines = [
            f"{r.notebook}: {len(r.panels)} widget panel(s), {len(controls)} controls "
            f"({what or 'none'}), {len(r.moves)} moves, {len(r.problems)} problem(s)"
        ] + [f"    note: {note}" for note in r.notes]
        request.node.user_properties.append(("browser_summary", lines))


def _server(kind, name):
    """A started server of class ``kind`` for the session (``name`` in its messages); it must
    leave its port free when it stops."""
    if MISSING:
        if ON_CI:
            pytest.fail(
                f"browser tests FAILED (CI=true, a browser is required): {MISSING}", pytrace=False
            )
        pytest.skip(f"browser tests SKIPPED: {MISSING}")
    server = kind().start()
    try:
        yield server
    finally:
        port = server.port
        server.cleanup()
        assert port_is_free(port), f"the {name} server left port {port} bound"


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    yield from _server(Lab, "JupyterLab")


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory):
    """A Jupyter Notebook 7 server (the same venv's ``notebook`` package), started only for
    the tests that ask for it."""
    yield from _server(Notebook7, "Notebook 7")


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright for the whole run. Its sync API keeps an event loop running in this
    thread, so a second one cannot start while the first lives: every browser test shares
    this one (under pytest-xdist the files come in any order)."""
    if MISSING:
        pytest.skip(f"browser tests SKIPPED: {MISSING}")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def browser_context(lab, playwright_session):
    browser = launch_browser(playwright_session)
    try:
        yield browser.new_context(viewport={"width": 1280, "height": 900})
    finally:
        browser.close()


@pytest.fixture(scope="session")
def lab_window(lab, browser_context):
    """One JupyterLab page for the session (per pytest-xdist worker), booted once, in which
    the tests open their notebooks one after another (lab_harness.LabWindow: each as a fresh
    page would open it)."""
    window = LabWindow(lab, browser_context)
    try:
        yield window
    finally:
        window.discard()


@pytest.fixture
def open_page(lab, browser_context, lab_window):
    """Open a notebook (path relative to the server root) in the session's JupyterLab page,
    fresh (a new kernel, its headings as stored, no state of the notebook before it; a second
    notebook of the same test gets a page of its own); closed afterwards together with its
    kernel, whatever the test's outcome."""
    pages = []

    def _open(relpath: str) -> NotebookPage:
        shared = lab_window if lab_window.holder is None else None
        page = NotebookPage(lab, browser_context, relpath, window=shared)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()
    lab.shutdown_kernels()


@pytest.fixture(scope="module")
def offline_page(book_site, request):
    """The book's site (the ``book_site`` fixture of tests/conftest.py) in a new page, one per
    test module, whose every request outside the site's folder is refused (and recorded), with
    the console's messages and the page's errors recorded too."""
    if MISSING:
        if ON_CI:
            pytest.fail(f"book browser test FAILED (CI=true): {MISSING}", pytrace=False)
        pytest.skip(f"book browser test SKIPPED: {MISSING}")
    site = book_site.resolve().as_uri() + "/"
    browser = launch_browser(request.getfixturevalue("playwright_session"))
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        refused, messages = [], []

        def route(r):
            if r.request.url.startswith(site):
                r.continue_()
            else:
                refused.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: messages.append((m.type, m.text)))
        page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
        page.on("requestfailed", lambda r: messages.append(("requestfailed", r.url)))
        yield page, site, refused, messages
    finally:
        browser.close()
