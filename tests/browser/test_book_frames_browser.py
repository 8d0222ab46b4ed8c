"""The book's moving figures in headless Chromium (issue 25): each lesson page opened from disk,
every request outside the site refused. Every control of every panel changes the picture (its
file and its pixels) and its alt text; Tab reaches every control and the arrow keys move it;
every control has an accessible name; and from the key press to the paint that shows the new
frame the median is at most 50 ms.

The site is the one tests/test_book.py checks (the ``book_site`` fixture of tests/conftest.py);
the frames themselves are checked against the views in tests/test_book_frames.py.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for tools/, not installed

from tools import book_frames  # noqa: E402
from tools.lessons import lesson_paths  # noqa: E402

LATENCY_MS = 50
LESSONS = [p for p in lesson_paths() if book_frames.has_widgets(p)]

# Latency, measured in the page: from the key's keydown (captured before anything else) to the
# paint that shows the new picture, as Chromium reports it (Element Timing: an element's
# renderTime is the time of the paint that first shows its image, once per new src).
PROBE = """() => {
  window.__latency = [];
  let t0 = null;
  window.addEventListener('keydown', () => { t0 = performance.now(); }, true);
  const timed = n => n.nodeType === 1 && n.matches('img.book-frames-picture')
    && n.setAttribute('elementtiming', 'frame');
  document.querySelectorAll('img.book-frames-picture').forEach(timed);
  new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(timed)))
    .observe(document.body, {subtree: true, childList: true});
  new PerformanceObserver(list => list.getEntries().forEach(e => {
    if (t0 !== null && e.renderTime >= t0) {
      window.__latency.push(e.renderTime - t0);
      t0 = null;
    }
  })).observe({type: 'element'});
}"""


def ready(page, url: str) -> None:
    """Open a page and wait until MathJax has typeset it (its work would delay the first
    moves), then start the latency probe."""
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000
    )
    page.evaluate("() => MathJax.startup.promise")
    # A panel in a going-deeper section (03's training sliders) sits in a closed <details>:
    # open them all, as a reader opens the section to use what it holds.
    page.evaluate("() => document.querySelectorAll('details.deeper').forEach(d => d.open = true)")
    page.evaluate(PROBE)


def picture(page, block: str) -> dict:
    img = page.locator(f"#{block} img.book-frames-picture")
    img.evaluate("i => i.decode()")
    return {
        "src": img.get_attribute("src"),
        "alt": img.get_attribute("alt"),
        "pixels": img.screenshot(animations="disabled"),
    }


def move_key(control) -> str:
    """An arrow key that moves the control (back when it stands at its end)."""
    at_end = control.evaluate(
        "c => c.tagName === 'SELECT' ? c.selectedIndex === c.options.length - 1"
        " : Number(c.value) === Number(c.max)"
    )
    return (
        ("ArrowUp" if at_end else "ArrowDown")
        if control.evaluate("c => c.tagName === 'SELECT'")
        else ("ArrowLeft" if at_end else "ArrowRight")
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_control_moves_the_picture_by_keyboard_offline(offline_page, lesson):
    page, site, refused, messages = offline_page
    refused.clear(), messages.clear()
    ready(page, site + f"{lesson.stem}.html")
    blocks = page.eval_on_selector_all(".book-frames", "bs => bs.map(b => b.id)")
    assert blocks, f"{lesson.name}: no moving figure"
    for block in blocks:
        ids = page.eval_on_selector_all(
            f"#{block} input, #{block} select", "cs => cs.map(c => c.id)"
        )
        assert ids, block
        # Tab from the first control reaches each of the others, in order
        page.focus(f"#{ids[0]}")
        for cid in ids[1:]:
            page.keyboard.press("Tab")
            assert page.evaluate("() => document.activeElement.id") == cid, (block, cid)
        for cid in ids:
            control = page.locator(f"#{cid}")
            label = control.evaluate("c => [...c.labels].map(l => l.textContent.trim()).join(' ')")
            role = "combobox" if control.evaluate("c => c.tagName") == "SELECT" else "slider"
            assert label and page.get_by_role(role, name=label, exact=True).count() >= 1, cid
            before = picture(page, block)
            assert before["alt"].strip(), (cid, before["alt"])
            control.focus()
            page.keyboard.press(move_key(control))
            page.wait_for_function(
                f"() => document.querySelector('#{block} img.book-frames-picture')"
                f".getAttribute('src') !== {before['src']!r}",
                timeout=5_000,
            )
            after = picture(page, block)
            assert after["src"] != before["src"], cid
            assert after["pixels"] != before["pixels"], f"{cid}: the picture did not change"
            assert after["alt"].strip() and after["alt"] != before["alt"], cid
    assert not refused, f"the page asked for what is outside the site: {refused}"
    errors = [m for m in messages if m[0] in ("error", "pageerror")]
    assert not errors, errors


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_a_move_shows_its_frame_within_50_ms(offline_page, lesson):
    page, site, refused, messages = offline_page
    ready(page, site + f"{lesson.stem}.html")
    sliders = page.eval_on_selector_all(".book-frames input[type=range]", "cs => cs.map(c => c.id)")
    for cid in sliders:
        control = page.locator(f"#{cid}")
        control.focus()
        for _ in range(6):  # a few moves, as a reader tries a slider
            key = move_key(control)
            count = page.evaluate("() => window.__latency.length")
            page.keyboard.press(key)
            page.wait_for_function(f"() => window.__latency.length > {count}", timeout=5_000)
    latency = page.evaluate("() => window.__latency")
    assert len(latency) >= 6 * len(sliders)
    median = statistics.median(latency)
    print(f"{lesson.stem}: median {median:.1f} ms over {len(latency)} moves")
    assert median <= LATENCY_MS, f"{lesson.name}: median {median:.1f} ms ({latency})"
    assert not refused, refused


def test_the_play_button_steps_its_slider_and_pauses(offline_page):
    """02's step-through: the notebook's play button, on the page, steps the slider by itself
    at the notebook's interval; pressed again (by keyboard) it pauses; at the end it stops."""
    page, site, refused, messages = offline_page
    ready(page, site + "02_computational_graphs.html")
    assert page.get_by_role("button", name="Play", exact=True).count() == 1
    button = page.locator("button.book-frames-play")  # its name changes to "Pause"
    cid = button.get_attribute("aria-controls")
    slider = page.locator(f"#{cid}")
    start = int(slider.input_value())
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => Number(document.querySelector('#{cid}').value) >= {start + 2}", timeout=10_000
    )
    assert button.text_content() == "Pause"
    page.keyboard.press("Enter")  # pause
    assert button.text_content() == "Play"
    paused = int(slider.input_value())
    page.wait_for_timeout(1_500)  # longer than the interval: a paused button does not step
    assert int(slider.input_value()) == paused
    assert page.locator(".book-frames img.book-frames-picture").first.get_attribute("alt")
    last = int(slider.get_attribute("max"))
    slider.evaluate(f"s => {{ s.value = {last - 1}; s.dispatchEvent(new Event('input')); }}")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => Number(document.querySelector('#{cid}').value) === {last}")
    page.wait_for_function(
        "() => document.querySelector('button.book-frames-play').textContent === 'Play'",
        timeout=5_000,
    )
    assert not refused, refused
