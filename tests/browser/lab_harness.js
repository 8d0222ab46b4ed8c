// Page-side helpers for the browser tests and the latency benchmark (tests/browser/lab_harness.py).
// Installed once per page as window.__nbh. Everything here reads JupyterLab's own objects
// (exposed by `--expose-app-in-browser`) or the DOM; nothing changes the notebook.
(() => {
  if (window.__nbh) return;

  // A short fingerprint of a (possibly 100 kB) data URL: FNV-1a over every character + length.
  const fnv = (s) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(16) + ':' + s.length;
  };

  // The figures inside an element: <img>s, ipympl figures (several canvases = one figure),
  // and any other <canvas>.
  const figuresIn = (el) => {
    const figs = [...el.querySelectorAll('.jupyter-matplotlib-figure')];
    for (const x of el.querySelectorAll('img, canvas')) {
      if (!x.closest('.jupyter-matplotlib-figure')) figs.push(x);
    }
    return figs;
  };
  // An ipywidgets.Image shows a new blob: URL on every update, even for the same bytes:
  // fingerprint its pixels instead (once per URL), "loading" until it is decoded.
  const pixelSigs = new WeakMap();
  const pixelSig = (img) => {
    const src = img.getAttribute('src');
    const cached = pixelSigs.get(img);
    if (cached && cached.src === src) return cached.sig;
    if (!img.complete || !img.naturalWidth || img.currentSrc !== img.src) return 'loading';
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < d.length; i++) { h ^= d[i]; h = Math.imul(h, 0x01000193); }
    const sig = `px${(h >>> 0).toString(16)}:${c.width}x${c.height}`;
    pixelSigs.set(img, {src, sig});
    return sig;
  };

  const figSig = (fig) => {
    if (fig.tagName === 'IMG') {
      const src = fig.getAttribute('src') || '';
      return src.startsWith('blob:') ? pixelSig(fig) : fnv(src);
    }
    const canvases = fig.tagName === 'CANVAS' ? [fig] : [...fig.querySelectorAll('canvas')];
    return canvases.map((c) => { try { return fnv(c.toDataURL()); } catch (e) { return 'x'; } })
      .join('+');
  };

  // A cell's output areas that show a widget view (not the areas inside an Output widget).
  const widgetOutputs = (cellNode) => [...cellNode.querySelectorAll(
    '.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')]
    .filter((o) => o.querySelector(':scope > .jupyter-widgets') ||
      o.getAttribute('data-mime-type') === 'application/vnd.jupyter.widget-view+json');

  const CONTROLS = [
    // [kind, selector of the widget element, selector of what to act on inside it]
    ['slider', '.widget-slider, .widget-hslider, .widget-vslider', '.noUi-handle'],
    ['dropdown', '.widget-dropdown', 'select'],
    ['checkbox', '.widget-checkbox', 'input[type=checkbox]'],
    ['toggle', '.widget-toggle-button', null],
    ['togglebuttons', '.widget-toggle-buttons', 'button'],
    ['radio', '.widget-radio', 'input[type=radio]'],
    ['button', 'button.widget-button:not(.widget-toggle-button)', null],
    ['play', '.widget-play', 'button'],   // acted on: its first button (play), then pause
  ];

  // ipympl draws each new frame onto a <canvas> with drawImage: no DOM change to observe.
  // Note the draw when it lands on a canvas of the panel being probed or watched.
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const r = drawImage.apply(this, args);
    const hh = window.__nbh;
    if (hh && this.canvas && this.canvas.isConnected) hh.canvasDrawn(this.canvas);
    return r;
  };

  const h = window.__nbh = {
    idle: 0,
    lastIdle: 0,
    sent: 0,
    pending: new Set(),
    kernelErrors: [],
    hooked: false,
    armed: null,       // latency probe state (see arm / probe)

    nb() { return window.jupyterapp.shell.currentWidget; },

    isOpen(path) {
      const w = window.jupyterapp && window.jupyterapp.shell && window.jupyterapp.shell.currentWidget;
      return !!(w && w.context && w.context.path === path && w.sessionContext);
    },

    kernelStatus() {
      const k = h.nb().sessionContext.session && h.nb().sessionContext.session.kernel;
      return k ? k.status : 'none';
    },

    // Listen to every iopub message of the notebook's kernel: count "idle" statuses (each
    // request the frontend sends ends with one) and keep errors and stderr text, wherever
    // JupyterLab routes them (a widget callback's traceback may not land in any cell).
    async hook() {
      const w = h.nb();
      await w.context.ready;
      await w.sessionContext.ready;
      if (h.hooked) return;
      h.hooked = true;
      // Every comm message the page sends (a widget's new value, a click) is pending until
      // the kernel reports "idle" for it: then its outputs have all arrived.
      const sentSlot = (_, args) => {
        if (args.direction === 'send' && args.msg.header.msg_type === 'comm_msg') {
          h.sent += 1;
          h.pending.add(args.msg.header.msg_id);
        }
      };
      const iopubSlot = (_, msg) => {
        const t = msg.header.msg_type;
        if (t === 'status' && msg.content.execution_state === 'idle') {
          h.idle += 1;
          h.lastIdle = performance.now();
          if (msg.parent_header) h.pending.delete(msg.parent_header.msg_id);
        }
        else if (t === 'error') {
          h.kernelErrors.push(`${msg.content.ename}: ${msg.content.evalue}`);
        } else if (t === 'stream' && msg.content.name === 'stderr') {
          h.kernelErrors.push(`stderr: ${msg.content.text}`);
        }
      };
      h.hooks = [[w.sessionContext.session.kernel.anyMessage, sentSlot],
                 [w.sessionContext.iopubMessage, iopubSlot]];
      for (const [signal, slot] of h.hooks) signal.connect(slot);
    },

    // Forget the notebook hooked before: its signals, counters, errors and probes (a page that
    // opens one notebook after another starts each as a fresh page would).
    reset() {
      for (const [signal, slot] of h.hooks || []) signal.disconnect(slot);
      h.hooks = [];
      h.hooked = false;
      h.idle = 0;
      h.lastIdle = 0;
      h.sent = 0;
      h.pending.clear();
      h.kernelErrors = [];
      h.disarm();
      h.unwatch();
    },

    async runAll() {
      await window.jupyterapp.commands.execute('notebook:run-all-cells');
    },

    // Cells that did not run (execution count still empty) after run-all.
    unexecuted() {
      const out = [];
      h.nb().content.widgets.forEach((c, i) => {
        if (c.model.type === 'code' && c.model.sharedModel.getSource().trim() &&
            c.model.executionCount === null) out.push(i);
      });
      return out;
    },

    // Error and stderr outputs shown anywhere in the notebook (JupyterLab renders tracebacks
    // with the stderr mime type too), and the errors and warnings helpers.ui.live shows in a
    // panel (.live-error).
    // Each one is returned once (then marked), so a move reports only what it caused.
    errorOutputs() {
      const sel = '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error, .live-error';
      const found = [...h.nb().node.querySelectorAll(sel)]
        .filter((e) => !e.hasAttribute('data-nbh-seen') && !e.parentElement.closest('[data-nbh-seen]'));
      found.forEach((e) => e.setAttribute('data-nbh-seen', ''));
      return found.map((e) => e.textContent.slice(0, 400));
    },

    // Cells (by index) that show a widget view, and whether it has rendered yet.
    widgetCells() {
      const res = [];
      h.nb().content.widgets.forEach((c, i) => {
        const outs = widgetOutputs(c.node);
        if (outs.length) {
          res.push({cell: i, rendered: outs.every((o) => o.querySelector('.jupyter-widgets'))});
        }
      });
      return res;
    },

    // Label each widget panel and each control with data-nbh attributes and describe them.
    discover() {
      const panels = [];
      h.nb().content.widgets.forEach((cell, ci) => {
        widgetOutputs(cell.node).forEach((o) => {
          const root = o.querySelector('.jupyter-widgets');
          if (!root) return;
          const p = panels.length;
          o.setAttribute('data-nbh-panel', String(p));
          const controls = [];
          for (const [kind, wsel, tsel] of CONTROLS) {
            for (const wel of o.querySelectorAll(wsel)) {
              if (wel.closest('.widget-output')) continue;   // a widget shown inside the figure area
              const targets = tsel ? [...wel.querySelectorAll(tsel)] : [wel];
              if (kind === 'play') {
                if (targets[1]) targets[1].setAttribute('data-nbh-pause', `p${p}c${controls.length}`);
                targets.splice(1);
              }
              const clean = (x) => (x || '').replace(/[\u200b\s]+/g, ' ').trim();
              const label = clean((wel.querySelector('.widget-label') || {}).textContent) ||
                clean((wel.querySelector('span[title]') || {}).textContent) ||
                clean(wel.textContent) || kind;
              targets.forEach((t, k) => {
                const id = `p${p}c${controls.length}`;
                t.setAttribute('data-nbh', id);
                // a disabled slider marks its track (noUi-target), not its handle
                const disabled = !!t.disabled || !!t.closest('[disabled]');
                const c = {id, kind, label: label.trim().slice(0, 60), disabled};
                if (kind === 'slider') {
                  c.vertical = !!wel.querySelector('.noUi-vertical') || wel.matches('.widget-vslider');
                  if (targets.length > 1) c.label += ` (handle ${k + 1})`;
                }
                if (kind === 'dropdown') c.options = [...t.options].map((x) => x.value);
                if (kind === 'togglebuttons' || kind === 'radio') {
                  c.label += ` [${(t.textContent || t.value || k).toString().trim()}]`;
                }
                controls.push(c);
              });
            }
          }
          const outputs = [...o.querySelectorAll('.widget-output')];
          panels.push({
            panel: p, cell: ci, controls,
            outputs: outputs.length,
            figures: outputs.map((x) => figuresIn(x).length),
          });
        });
      });
      return panels;
    },

    // Has the panel been still (no DOM change, every image decoded) for `quiet` ms since the
    // kernel last went idle? Then a figure that has not changed will not change.
    settled(p, quiet) {
      const el = h.panelEl(p);
      if (!el.__nbhObs) {
        el.__nbhLast = performance.now();
        el.__nbhObs = new MutationObserver(() => { el.__nbhLast = performance.now(); });
        el.__nbhObs.observe(el, {subtree: true, childList: true, attributes: true,
          characterData: true});
        return false;
      }
      if (![...el.querySelectorAll('img')].every((i) => i.complete)) return false;
      return performance.now() - Math.max(el.__nbhLast, h.lastIdle || 0) > quiet;
    },

    panelEl(p) { return h.nb().node.querySelector(`[data-nbh-panel="${p}"]`); },

    // Is a chunked run (helpers.ui.live: a view's ``updates``) still being shown in the panel?
    // live() marks its picture with this class until its last chunk is shown.
    running(p) { return !!h.panelEl(p).querySelector('.live-running'); },

    // The state of a panel: fingerprint of all its figures, figures per Output widget, and
    // the text of its HTML widgets (a status line, a caption).
    state(p) {
      const el = h.panelEl(p);
      const outs = [...el.querySelectorAll('.widget-output')];
      const figs = figuresIn(el);
      const texts = [...el.querySelectorAll('.widget-html')]
        .filter((x) => !x.closest('.widget-output')).map((x) => x.textContent);
      return {
        sig: figs.map(figSig).join(','),
        perOutput: outs.map((x) => figuresIn(x).length),
        total: figs.length,
        text: texts.join('\n'),
      };
    },

    // Every control of a panel a keyboard or a screen reader reaches (helpers.ui.a11y's
    // hidden repair widget aside), labelled data-a11y="p<panel>a<k>": its kind, the label a
    // sighted learner sees for it, and whether it is disabled or hidden.
    a11yControls(p) {
      const el = h.panelEl(p);
      const clean = (x) => (x || '').replace(/[\u200b\s]+/g, ' ').trim();
      const sel = 'button, select, input, textarea, [role=slider], [contenteditable=true], [tabindex]';
      const label = (c) => {
        if (c.tagName === 'BUTTON') return clean(c.innerText);
        const chk = c.closest('.widget-checkbox');
        if (chk) return clean(chk.innerText);
        const w = c.closest('.widget-slider, .widget-hslider, .widget-vslider, .widget-dropdown,' +
          ' .widget-inline-hbox, .widget-inline-vbox');
        const l = w && w.querySelector(':scope > .widget-label');
        return l && l.style.display !== 'none' ? clean(l.textContent) : '';
      };
      return [...el.querySelectorAll(sel)]
        .filter((c) => !c.closest('.helpers-a11y'))
        .filter((c) => c.matches('button, select, input, textarea, [role=slider], [contenteditable=true]') ||
          c.tabIndex >= 0)
        .map((c, k) => {
          const id = `p${p}a${k}`;
          c.setAttribute('data-a11y', id);
          return {
            id,
            kind: c.getAttribute('role') || (c.isContentEditable ? 'readout' : c.tagName.toLowerCase()),
            label: label(c),
            disabled: !!c.disabled || !!c.closest('[disabled]') || c.getAttribute('aria-disabled') === 'true',
            hidden: c.getClientRects().length === 0,
          };
        });
    },

    // The alt text of every picture of a panel (helpers.ui.a11y copies it from the view).
    pictureAlts(p) {
      return [...h.panelEl(p).querySelectorAll('img.widget-image, .widget-image img')]
        .map((i) => (i.getAttribute('alt') || '').trim());
    },

    focusedA11y() {
      const a = document.activeElement;
      return a ? a.getAttribute('data-a11y') : null;
    },

    sliderValue(id) {
      const t = document.querySelector(`[data-nbh="${id}"]`);
      return {
        now: parseFloat(t.getAttribute('aria-valuenow')),
        min: parseFloat(t.getAttribute('aria-valuemin')),
        max: parseFloat(t.getAttribute('aria-valuemax')),
      };
    },

    // Latency probe: arm() before an action; the first input event on the page after it is
    // t0 (its event timestamp), and the first time the panel's figure fingerprint differs from
    // the armed one, after the new image is decoded and the next frame is painted, is t1.
    // Watch a panel's figure: the time of every change of its fingerprint (or of every image
    // drawn onto one of its canvases, for ipympl) and of the last pointer release.
    watch(p) {
      const el = h.panelEl(p);
      const w = {p, changes: [], up: null, base: h.state(p).sig};
      h.watching = w;
      w.onUp = (ev) => { w.up = ev.timeStamp; };
      document.addEventListener('pointerup', w.onUp, {capture: true});
      w.obs = new MutationObserver(() => {
        const now = h.state(p).sig;
        if (now !== w.base) { w.base = now; w.changes.push(performance.now()); }
      });
      w.obs.observe(el, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
      return true;
    },

    unwatch() {
      const w = h.watching;
      if (!w) return null;
      w.obs.disconnect();
      document.removeEventListener('pointerup', w.onUp, {capture: true});
      h.watching = null;
      return {changes: w.changes, up: w.up, now: performance.now()};
    },

    arm(p) {
      const el = h.panelEl(p);
      const now0 = h.state(p);
      const st = {p, base: now0.sig, text: now0.text, t0: null, t1: null, tText: null, seen: 0};
      h.armed = st;
      const mark = (ev) => { if (st.t0 === null) st.t0 = ev.timeStamp; };
      for (const t of ['keydown', 'change', 'mousedown', 'pointerdown']) {
        document.addEventListener(t, mark, {capture: true, once: true});
      }
      st.obs = new MutationObserver(async () => {
        if (st.tText === null && !st.textPending && h.state(p).text !== st.text) {
          st.textPending = true;   // the panel's text answered (a status line): painted when
          requestAnimationFrame(() => requestAnimationFrame(() => {   // two frames later
            st.tText = performance.now();
          }));
        }
        if (st.t1 !== null || st.pending) return;
        const now = h.state(p).sig;
        if (now === st.base) return;
        st.pending = true;
        st.seen += 1;
        const imgs = [...el.querySelectorAll('img')];
        try { await Promise.all(imgs.map((i) => i.decode())); } catch (e) { /* not an image */ }
        requestAnimationFrame(() => requestAnimationFrame(() => {
          st.t1 = performance.now();
          st.obs.disconnect();
        }));
      });
      st.obs.observe(el, {subtree: true, childList: true, attributes: true,
        attributeFilter: ['src']});
      return st.base;
    },

    canvasDrawn(canvas) {
      const st = h.armed;
      if (st && st.t1 === null && !st.pending && h.panelEl(st.p).contains(canvas)) {
        st.pending = true;
        st.seen += 1;
        requestAnimationFrame(() => requestAnimationFrame(() => { st.t1 = performance.now(); }));
      }
      const w = h.watching;
      if (w && h.panelEl(w.p).contains(canvas)) w.changes.push(performance.now());
    },

    probe() {
      const st = h.armed;
      if (!st) return null;
      const since = (t) => (t !== null && st.t0 !== null ? t - st.t0 : null);
      return {t0: st.t0, t1: st.t1, ms: since(st.t1), textMs: since(st.tText)};
    },

    disarm() {
      if (h.armed && h.armed.obs) h.armed.obs.disconnect();
      h.armed = null;
    },
  };
})();
