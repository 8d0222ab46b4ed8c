"""Keyboard and screen-reader repairs for the widget panels (machinery for lessons 01-05).

Two things ipywidgets cannot say from Python, and what :func:`keyboard_and_names` does
about them from inside the panel:

* **The arrow keys.** JupyterLab and Notebook 7 bind the arrow keys, in command mode, to
  notebook commands ("notebook:move-cursor-down" and friends, selector
  ``.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus``) and that selector matches
  a focused slider handle or ``<select>``, which are not "read-write". JupyterLab handles
  keys in the bubbling phase, after the slider (which calls ``preventDefault``), so only a
  dropdown loses ArrowUp/ArrowDown there (the cell moves and the focus goes with it);
  Notebook 7 starts its application without ``bubblingKeydown`` (app/index.template.js:
  ``app.start()``), so it handles them in the capture phase, before the widget, and every
  arrow key on a slider moves the cell instead (Home and End are not bound, so they work).
  Upstream: jupyter-widgets/ipywidgets#3912 (a dropdown's keys taken by JupyterLab),
  jupyter-widgets/ipywidgets#3926 (Notebook 7 takes keys typed in a widget),
  jupyterlab/lumino#635 and jupyterlab/jupyterlab#14115 (keys at the bubbling phase).
  JupyterLab 4.1+ and Notebook 7 skip their shortcuts for a key pressed inside an element
  with ``data-lm-suppress-shortcuts``
  (https://jupyterlab.readthedocs.io/en/latest/extension/notebook.html#keyboard-interaction-model);
  Lumino looks for it from the focused element up and stops at the first element a
  binding's selector matches, which for ``... :focus`` is the focused element itself: the
  attribute must be on the slider handle or ``<select>``, not on a box around them.
  ipywidgets sets it nowhere, so the panel sets it on each of its focusable elements.
* **Names and the Tab order.** A slider's handle (noUiSlider, ``role="slider"``) is not tied
  to its label, so its accessible name is empty; a disabled slider keeps its handle a Tab
  stop (ipywidgets marks only the track ``disabled``; ``tabbable`` acts on the outer element,
  not the handle); a Play widget's buttons hold only an icon, whose name is the icon font's
  private-use glyph. The panel names each handle (and the editable number beside it, a
  ``textbox``) by its visible label (``aria-labelledby``), takes a disabled handle out of
  the Tab order, hides icons from screen readers and names icon-only buttons in words.
  No upstream issue found for these in jupyter-widgets/ipywidgets (a reproduction to file is
  in issue 26's report); noUiSlider's ``handleAttributes`` option (leongersen/noUiSlider#1223)
  is where ipywidgets could pass the label.
* **A picture's alt text.** ``ipywidgets.Image`` has no ``alt``. A panel puts a hidden
  :func:`picture_alt` right after its picture and sets its value to what the figure shows
  now (:mod:`helpers.figures.alt`); the repair copies it into the image's ``alt`` whenever
  it changes.

Python cannot set an attribute on a widget's element, so the repair travels as a tiny
script in a hidden ``ipywidgets.HTML``: an empty ``<style>`` whose ``load`` event (fired once
the panel is in the page) runs it. It finds the outermost widget box around itself (the
whole output, so widgets the lesson adds around a panel are covered too) and re-applies
itself when a control is enabled or disabled. Where it cannot run (a front end that
sanitises widget HTML) it is an empty hidden element and the panel works as before.
ipywidgets 7 (Colab's) builds it the same; its jQuery UI slider handles
(``.ui-slider-handle``) are covered by the same rules, but no widgets-7 front end renders
widgets on the test machine, so that path is untested in a browser.
"""

from __future__ import annotations

import html

import ipywidgets as W

#: The CSS class of the hidden widget that carries the repair.
SHIM_CLASS = "helpers-a11y"
#: The CSS class of the hidden widget that carries a picture's alt text (``picture_alt``).
ALT_CLASS = "helpers-alt"

# What takes the keyboard's focus in a widget: Lumino checks the attribute on the focused
# element itself before its ancestors, and the notebook's selectors end in ``:focus``, so the
# attribute must sit on each of these (on the box around them it is never reached).
FOCUSABLE = "select, button, input, textarea, [tabindex], [contenteditable]"

# Icon-only buttons (ipywidgets' Play: Font Awesome 4 names) and the word each one says.
_ICON_WORDS = {
    "play": "play",
    "pause": "pause",
    "stop": "stop",
    "retweet": "repeat",
    "repeat": "repeat",
    "step-forward": "step",
    "undo": "reset",
}

_SCRIPT = """
(function (me, tries) {
  if (!me.isConnected) {
    if (tries > 0) setTimeout(function () { go(me, tries - 1); }, 50);
    return;
  }
  var root = null;
  for (var el = me.parentElement; el; el = el.parentElement) {
    if (el.classList.contains('widget-box')) root = el;
  }
  if (!root) return;
  if (root.__helpersA11y) { root.__helpersA11y(); return; }
  var words = WORDS, n = 0, queued = false;
  function fix() {
    queued = false;
    root.querySelectorAll(FOCUSABLE).forEach(function (f) {
      f.setAttribute('data-lm-suppress-shortcuts', 'true');
    });
    root.querySelectorAll('.widget-slider, .widget-hslider, .widget-vslider').forEach(function (w) {
      var label = w.querySelector(':scope > .widget-label');
      var off = !!w.querySelector('[disabled], .ui-slider-disabled, .ui-state-disabled');
      w.querySelectorAll('.noUi-handle, .ui-slider-handle, .widget-readout').forEach(function (h) {
        if (label && label.textContent.trim()) {
          if (!label.id) label.id = 'helpers-label-' + Date.now().toString(36) + '-' + (n++);
          h.setAttribute('aria-labelledby', label.id);
        }
        if (h.classList.contains('widget-readout')) {
          if (h.isContentEditable) h.setAttribute('role', 'textbox');
          return;
        }
        h.tabIndex = off ? -1 : 0;
        if (off) h.setAttribute('aria-disabled', 'true'); else h.removeAttribute('aria-disabled');
      });
    });
    root.querySelectorAll('.' + ALT).forEach(function (c) {
      var img = c.previousElementSibling;
      if (img && img.tagName !== 'IMG') img = img.querySelector('img');
      var text = (c.querySelector('.widget-html-content') || c).textContent.trim();
      if (img && text && img.getAttribute('alt') !== text) img.setAttribute('alt', text);
    });
    root.querySelectorAll('button').forEach(function (b) {
      var icons = b.querySelectorAll('i');
      icons.forEach(function (i) { i.setAttribute('aria-hidden', 'true'); });
      if (b.textContent.trim() || !icons.length) return;
      var m = /(?:^|\\s)fa-([a-z-]+)/.exec(icons[0].className);
      if (m && words[m[1]]) b.setAttribute('aria-label', words[m[1]]);
    });
  }
  root.__helpersA11y = fix;
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(fix); }
  }).observe(root, {subtree: true, childList: true, attributes: true,
                    attributeFilter: ['disabled', 'class']});
  fix();
})(this, 100)
"""


def _script() -> str:
    import json

    body = _SCRIPT.replace("WORDS", json.dumps(_ICON_WORDS, separators=(",", ":")))
    body = body.replace("FOCUSABLE", json.dumps(FOCUSABLE))
    body = body.replace("'.' + ALT", json.dumps("." + ALT_CLASS))
    # a named function expression, so the retry above can call itself
    body = body.replace("(function (me, tries) {", "(function go(me, tries) {", 1)
    return " ".join(line.strip() for line in body.strip().splitlines())


class KeyboardAndNames(W.HTML):
    """The hidden widget of :func:`keyboard_and_names`. Its repr is its name, not its script:
    a notebook opened without a kernel shows a panel's text form, which lists its children."""

    def __repr__(self) -> str:
        return "KeyboardAndNames()"


def keyboard_and_names():
    """A hidden widget that, put in a panel, repairs the keyboard and the accessible names of
    every control of the output it is shown in (see the module's docstring)."""
    shim = KeyboardAndNames(
        value=f'<style onload="{html.escape(_script(), quote=True)}"></style>',
        layout=W.Layout(display="none"),
    )
    shim.add_class(SHIM_CLASS)
    return shim


def picture_alt():
    """A hidden widget whose text the repair copies into the ``alt`` of the picture just
    before it in the panel; set its ``value`` (HTML-escaped) with every new picture."""
    carrier = W.HTML(layout=W.Layout(display="none"))
    carrier.add_class(ALT_CLASS)
    return carrier


class Panel(W.VBox):
    """A widget panel. Its text form (what a notebook shows where no widget can be drawn: a
    notebook read without a running kernel, exported as text, or the book) says in words
    what it is, not the list of its widgets."""

    def __repr__(self) -> str:
        return "A widget panel: run this cell in Jupyter to move its controls."
