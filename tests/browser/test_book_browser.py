"""The book's site read offline: its first lesson, opened from disk in headless Chromium with
every request outside the site refused, shows rendered maths and its figures, and logs no
error; its search finds a lesson.

The site is the one tests/test_book.py checks (the ``book_site`` fixture of tests/conftest.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from lab_harness import AXE_FAILS, axe_audit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for tools/, not installed

from tools.lessons import lesson_paths  # noqa: E402


def test_first_lesson_offline_has_rendered_maths_figures_and_no_errors(offline_page):
    page, site, refused, messages = offline_page
    refused.clear(), messages.clear()
    first = lesson_paths()[0].stem
    page.goto(site + f"{first}.html", wait_until="load")
    # MathJax 3 resolves this promise once it has typeset the page.
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000
    )
    page.evaluate("() => MathJax.startup.promise")
    maths = page.evaluate("""() => ({
        sources: document.querySelectorAll('.math').length,
        rendered: document.querySelectorAll('mjx-container svg').length,
        errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
        raw: [...document.querySelectorAll('.math')].filter(
            e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60)),
    })""")
    assert maths["sources"] > 10, maths
    assert maths["rendered"] >= maths["sources"], maths
    assert not maths["raw"], f"maths left as TeX: {maths['raw'][:5]}"
    assert maths["errors"] == 0, maths
    images = page.evaluate("""() => [...document.querySelectorAll('img')].map(
        i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}))""")
    figures = [i for i in images if i["src"].startswith("_images/")]
    assert figures and all(i["ok"] for i in figures), images
    assert not refused, f"the page asked for what is outside the site: {refused}"
    errors = [m for m in messages if m[0] in ("error", "pageerror", "requestfailed")]
    assert not errors, errors


def test_search_works_offline(offline_page):
    page, site, refused, messages = offline_page
    refused.clear(), messages.clear()
    page.goto(site + "search.html?q=backpropagation", wait_until="load")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li').length > 0", timeout=30_000
    )
    found = page.evaluate("""() => [...document.querySelectorAll('#search-results li a')]
                                     .map(a => a.getAttribute('href'))""")
    lessons = {p.stem for p in lesson_paths()}
    assert any(Path((h or "").split("?")[0].split("#")[0]).stem in lessons for h in found), found
    assert not refused, refused
    errors = [m for m in messages if m[0] in ("error", "pageerror", "requestfailed")]
    assert not errors, errors


def test_every_lesson_page_passes_axe_and_its_figures_say_what_they_show(offline_page):
    """axe-core on each lesson's content (the theme's own chrome aside: its sidebar region and
    search button are the theme's): no serious or critical violation. axe cannot tell a file
    name from a description, so the figures' ``alt`` is checked too: words, not the image's
    path (MyST-NB's default), from the stored figure's alt text (helpers/figures/alt.py)."""
    page, site, refused, messages = offline_page
    refused.clear(), messages.clear()
    problems = []
    for path in lesson_paths():
        page.goto(site + f"{path.stem}.html", wait_until="load")
        for v in axe_audit(page, ["article"]):
            if v["impact"] in AXE_FAILS:
                problems.append(f"{path.stem}: axe {v['impact']} {v['id']}: {v['targets']}")
        images = page.evaluate("""() => [...document.querySelectorAll('article img')]
            .map((i) => [i.getAttribute('src') || '', (i.getAttribute('alt') || '').trim()])""")
        for src, alt in images:
            if len(alt.split()) < 3 or Path(src).name in alt or alt.endswith((".png", ".webp")):
                problems.append(f"{path.stem}: image {src} has alt {alt!r}, not a description")
    assert not problems, "\n".join(problems)
    assert not refused, refused
