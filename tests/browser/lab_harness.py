"""Drive the notebooks' widgets in a real JupyterLab and a real (headless) Chromium.

Used by the browser tests (tests/browser/test_widgets_browser.py) and by the latency
benchmark (bench/bench_latency.py). Three pieces:

* ``Lab``: a JupyterLab server on 127.0.0.1, a free port and a token of its own, with
  throw-away settings, workspaces, config and runtime dirs (no news toast, no autosave, every
  cell rendered), serving a temporary copy of the notebooks so the committed files are never
  touched. ``stop()`` shuts the kernels and the server down and checks the port is free.
* ``launch_browser``: a headless Chromium driven by Playwright: Debian's /usr/bin/chromium
  where it exists (our machines, which cannot download Playwright's browser), otherwise the
  one ``python -m playwright install chromium`` downloads (GitHub's Ubuntu runners, whose
  ``apt-get install chromium`` gives only a snap stub that does not run there).
* ``NotebookPage``: one page per notebook: open, wait for the kernel, run all cells, find
  every widget panel and control, move each control and check what a learner would see.

Everything waits on JupyterLab's own promises and on kernel "idle" messages, not on sleeps.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEBIAN_CHROMIUM = "/usr/bin/chromium"


def find_chromium() -> str:
    """The browser to drive: $BROWSER_TESTS_CHROMIUM (tests set it), Debian's, or Playwright's
    own download; the Debian path (for the message) when there is none."""
    if os.environ.get("BROWSER_TESTS_CHROMIUM"):
        return os.environ["BROWSER_TESTS_CHROMIUM"]
    if os.path.exists(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            path = pw.chromium.executable_path
        if os.path.exists(path):
            return path
    except Exception:  # no Playwright, or no driver: browser_missing_reason says so
        pass
    return DEBIAN_CHROMIUM


CHROMIUM = find_chromium()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_JS = (HERE / "lab_harness.js").read_text(encoding="utf-8")

# JupyterLab settings for the test server (an overrides.json in a temporary app-settings
# dir): no news or update toast, no autosave (the server's copy of a notebook is never
# written), every cell kept in the DOM (no windowing), no extension manager (no network).
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": False,
    },
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}

# Kernel stderr that is not the series' doing: when JupyterLab connects to a fresh kernel its
# widget manager asks for the widgets' state over a "jupyter.widget.control" comm before the
# notebook has imported ipywidgets; ipykernel logs that it knows no such comm target. It is
# shown in no cell (a learner never sees it). Matched exactly, nothing else is forgiven.
BENIGN_KERNEL = (
    re.compile(r"stderr: No such comm target registered: jupyter\.widget\.control\s*"),
    re.compile(r"stderr: No such comm: [0-9a-f-]+\s*"),
)

# Browser console messages that are not errors of the series (matched as substrings).
BENIGN_CONSOLE = ("favicon.ico",)


# After the kernel has answered a move, a figure that has not changed once the panel has been
# still this long (no DOM change, images decoded) is taken as unchanged.
QUIET_MS = 500


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True when nothing listens on the port (closed connections in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not os.path.exists(CHROMIUM):
        return (
            f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(as root, Debian) or `python -m playwright install --with-deps chromium` "
            "(elsewhere) to run the browser tests"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "Python Playwright is not installed: `.venv/bin/pip install -e '.[test]'` installs it"
        )
    return None


class Lab:
    """A JupyterLab server for one test session, serving a temporary copy of ``notebooks``."""

    module = "jupyterlab"  # python -m <module>
    app = "LabApp"  # the application class that takes the settings and workspaces dirs
    app_options = (
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
    )

    def __init__(self, notebooks_dir: Path = ROOT / "notebooks", extra_env=None):
        self.tmp = Path(tempfile.mkdtemp(prefix="nb-browser-"))
        self.root = self.tmp / "root"
        self.root.mkdir()
        if notebooks_dir is not None and Path(notebooks_dir).is_dir():
            shutil.copytree(
                notebooks_dir,
                self.root / "notebooks",
                ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
            )
        else:
            (self.root / "notebooks").mkdir()
        self.token = os.urandom(16).hex()
        self.extra_env = dict(extra_env or {})
        self.proc = None
        self.port = None
        self.log_path = self.tmp / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page_url(self, relpath: str) -> str:
        """The address a learner opens a notebook at (JupyterLab: /lab/tree/<path>)."""
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"

    def command(self, dirs: dict) -> list[str]:
        """The server's command line (``dirs``: its throw-away settings and runtime dirs)."""
        return [
            sys.executable,
            "-m",
            self.module,
            "--no-browser",
            "--allow-root",
            "--expose-app-in-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root}",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.terminals_enabled=False",
            f"--{self.app}.app_settings_dir={dirs['app-settings']}",
            f"--{self.app}.user_settings_dir={dirs['user-settings']}",
            f"--{self.app}.workspaces_dir={dirs['workspaces']}",
            *self.app_options,
        ]

    def start(self, timeout: float = 90) -> Lab:
        dirs = {
            name: self.tmp / name
            for name in ("app-settings", "user-settings", "workspaces", "config", "runtime")
        }
        for d in dirs.values():
            d.mkdir(exist_ok=True)
        (dirs["app-settings"] / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=1))
        env = dict(os.environ)
        env.update(
            {
                "JUPYTERLAB_SETTINGS_DIR": str(dirs["user-settings"]),
                "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
                "JUPYTER_CONFIG_DIR": str(dirs["config"]),
                "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
                "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1",
                "PYTHONHASHSEED": "0",
            }
        )
        env.pop("MPLBACKEND", None)  # the kernel picks the inline backend itself
        env.update(self.extra_env)
        last_error = None
        for _attempt in range(3):  # a port taken between choosing and binding: retry
            self.port = free_port()
            self.launch(self.command(dirs), env)
            try:
                self._wait_ready(timeout)
                return self
            except RuntimeError as err:
                last_error = err
                self.stop()
        raise RuntimeError(f"JupyterLab did not start: {last_error}")

    def launch(self, cmd: list[str], env: dict):
        """Start the server's process in a session of its own (stop() ends the whole group),
        in the served folder, its output appended to the log."""
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _api(self, path: str, method: str = "GET", timeout: float = 10):
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def _wait_ready(self, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self._api("/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError(
            f"no answer on port {self.port} after {timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def shutdown_kernels(self):
        """Delete every session (and so its kernel): one notebook's kernel does not outlive it."""
        try:
            for s in self._api("/api/sessions") or []:
                self._api(f"/api/sessions/{s['id']}", method="DELETE")
        except (urllib.error.URLError, OSError):
            pass

    def stop(self):
        """Stop the kernels and the server (gracefully, then by force); free the port."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                self._api("/api/shutdown", method="POST", timeout=5)  # also stops the kernels
            except (urllib.error.URLError, OSError):
                pass
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    try:
                        os.killpg(proc.pid, sig)  # the group this class started
                    except ProcessLookupError:
                        break
                    try:
                        proc.wait(timeout=10)
                        break
                    except subprocess.TimeoutExpired:
                        continue
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None
        if self.port is not None:
            deadline = time.monotonic() + 10
            while not port_is_free(self.port) and time.monotonic() < deadline:
                time.sleep(0.1)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Notebook7(Lab):
    """A Jupyter Notebook 7 server (``python -m notebook``) from the same venv: the same
    JupyterLab components in Notebook's one-document shell, a notebook at /notebooks/<path>.
    Same throw-away settings and the same ``window.jupyterapp`` as :class:`Lab`, so
    :class:`NotebookPage` drives it unchanged."""

    module = "notebook"
    app = "JupyterNotebookApp"
    app_options = ()

    def page_url(self, relpath: str) -> str:
        return f"{self.url}/notebooks/{relpath}?token={self.token}"


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@dataclass
class Move:
    """One action on one control and what followed it."""

    panel: int
    control: str
    action: str
    changed: bool = False
    text_changed: bool = False  # the panel's text (a status line, a caption) changed
    text_only: bool = False  # ms is the time to that text (the figure did not change)
    problems: list = field(default_factory=list)
    ms: float | None = None  # input to pixels, when measured


@dataclass
class Report:
    notebook: str
    panels: list = field(default_factory=list)
    moves: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, msg: str):
        self.problems.append(f"{self.notebook}: {msg}")


def console_error(msg) -> str | None:
    """A browser console message as the tests report it, or None when it is no error of
    ours (not an error, or one of ``BENIGN_CONSOLE``)."""
    if msg.type != "error":
        return None
    text = msg.text
    where = (msg.location or {}).get("url", "")
    if any(b in text or b in where for b in BENIGN_CONSOLE):
        return None
    return f"console error: {text[:300]}"


class LabWindow:
    """One JupyterLab page, booted once, in which notebook after notebook is opened (with
    JupyterLab's ``docmanager:open``) and closed again, for the tests of one session: a boot
    of JupyterLab costs seconds, and every test would otherwise pay it.

    Each notebook is opened as a fresh page would open it: the page holds no notebook panel,
    no widget view, no harness mark, no dialog and no session or kernel (``claim`` boots a new
    page otherwise, ``open`` checks it again), and ``open`` checks that the notebook's kernel
    is one the page never saw (a fresh kernel, not the session of the one before). Its
    collapsed headings come from the notebook's file (the model is read anew: the previous
    panel's context is disposed, nothing was saved, the test server never autosaves), and the
    page-side helpers start with no counts, errors or signals (``window.__nbh.reset``). The
    console errors a test sees are those of the boot (each test sees them, as each saw those
    of its own boot) and those logged while it holds the page. When a notebook cannot be
    closed cleanly (a dialog, a panel left over, a timeout), the page is thrown away and the
    next notebook gets a freshly booted one.
    """

    def __init__(self, lab: Lab, context):
        self.lab = lab
        self.context = context
        self.page = None
        self.holder: NotebookPage | None = None  # the notebook page that holds the window
        self.boot_errors: list[str] = []
        self.booting = False
        self.kernels_seen: set[str] = set()

    def _record(self, text: str):
        """A console error goes to the notebook page that holds the window, or to the boot's;
        one logged between two notebooks (the closed one's last words) is dropped, as a closed
        page's would be."""
        if self.holder is not None:
            self.holder.console_errors.append(text)
        elif self.booting:
            self.boot_errors.append(text)

    def _on_console(self, page, msg):
        text = console_error(msg)
        if text and page is self.page:
            self._record(text)

    def _on_page_error(self, page, err):
        if page is self.page:
            self._record(f"page error: {err}")

    def boot(self, timeout_ms: int = 90_000):
        """A new page with JupyterLab and nothing open in it (``?reset``: no workspace)."""
        self.discard()
        self.boot_errors = []
        self.booting = True
        page = self.page = self.context.new_page()
        page.on("console", lambda m: self._on_console(page, m))
        page.on("pageerror", lambda e: self._on_page_error(page, e))
        try:
            page.goto(
                f"{self.lab.url}/lab?reset&token={self.lab.token}",
                wait_until="domcontentloaded",
                timeout=timeout_ms,
            )
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout_ms
            )
            page.evaluate("() => window.jupyterapp.restored")
            page.evaluate(PAGE_JS)
        except Exception:
            self.discard()
            raise
        finally:
            self.booting = False

    def claim(self, holder: NotebookPage):
        """Give the page to ``holder`` (booting one when there is none): clean, with the
        boot's console errors as the holder's first."""
        if self.holder is not None:
            raise RuntimeError(f"the JupyterLab page is held by {self.holder.relpath}")
        if self.page is None or self.page.is_closed() or any(self.leftovers().values()):
            self.boot()
        self.holder = holder
        holder.console_errors.extend(self.boot_errors)
        return self.page

    CLEAN = """() => ({
        panels: document.querySelectorAll('.jp-NotebookPanel').length,
        widgets: document.querySelectorAll('.jupyter-widgets').length,
        marks: document.querySelectorAll('[data-nbh], [data-nbh-panel], [data-a11y]').length,
        dialogs: document.querySelectorAll('.jp-Dialog').length,
        sessions: [...window.jupyterapp.serviceManager.sessions.running()].length,
        kernels: [...window.jupyterapp.serviceManager.kernels.running()].length,
    })"""

    def leftovers(self) -> dict:
        """What the page holds of notebooks opened before: all zero when it is clean."""
        try:
            return self.page.evaluate(self.CLEAN)
        except Exception:  # noqa: BLE001 - a page that cannot answer is not clean
            return {"unanswered": 1}

    def open(self, holder: NotebookPage, timeout_ms: int):
        """Open ``holder``'s notebook in the page (which it holds), as a learner's click in
        the file browser would, and check that it starts afresh."""
        page = self.page
        clean = self.leftovers()
        if any(clean.values()):
            raise RuntimeError(f"the JupyterLab page is not clean before an open: {clean}")
        page.evaluate("() => window.__nbh.reset()")
        page.evaluate(
            "(p) => { window.jupyterapp.commands.execute("
            "'docmanager:open', {path: p, factory: 'Notebook'}); }",
            holder.relpath,
        )
        holder.wait_open(timeout_ms)
        kernel = page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id"
        )
        if kernel in self.kernels_seen:
            raise RuntimeError(f"{holder.relpath} was given a kernel used before ({kernel})")
        self.kernels_seen.add(kernel)

    def release(self, holder: NotebookPage):
        """Close the holder's notebook without saving, shut its kernel down, and leave the page
        clean for the next; throw the page away when that fails."""
        if self.holder is not holder:
            return
        try:
            self.page.evaluate(
                """async () => {
                    const app = window.jupyterapp;
                    for (const w of [...app.shell.widgets('main')]) w.dispose();
                    window.__nbh.reset();
                    const sessions = app.serviceManager.sessions;
                    await sessions.refreshRunning();
                    for (const s of [...sessions.running()]) await sessions.shutdown(s.id);
                }"""
            )
            self.lab.shutdown_kernels()
            self.page.evaluate(
                """async () => {
                    const m = window.jupyterapp.serviceManager;
                    await m.sessions.refreshRunning();
                    await m.kernels.refreshRunning();
                }"""
            )
            clean = self.leftovers()
            if any(clean.values()) or self.lab._api("/api/sessions"):
                raise RuntimeError(f"not clean after closing {holder.relpath}: {clean}")
        except Exception:  # noqa: BLE001 - a page in doubt is not reused
            self.discard()
        finally:
            self.holder = None

    def discard(self):
        """Close the page (at the end of the session too); the next claim boots a new one."""
        page, self.page = self.page, None
        if page is not None:
            try:
                page.close(run_before_unload=False)
            except Exception:  # noqa: BLE001 - the page may already be gone
                pass


class NotebookPage:
    """One notebook open in one browser page: a new page of its own, or the page of a
    :class:`LabWindow` (``window``), which it holds until ``close``."""

    def __init__(self, lab: Lab, context, relpath: str, window: LabWindow | None = None):
        self.lab = lab
        self.relpath = relpath
        self.window = window
        self.console_errors: list[str] = []
        if window is not None:
            self.page = window.claim(self)
            return
        self.page = context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.console_errors.append(f"page error: {e}"))

    def _on_console(self, msg):
        text = console_error(msg)
        if text:
            self.console_errors.append(text)

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def open(self, timeout_ms: int = 90_000):
        if self.window is not None:
            self.window.open(self, timeout_ms)
            return
        url = self.lab.page_url(self.relpath)
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        self.wait_open(timeout_ms)

    def wait_open(self, timeout_ms: int):
        """Wait until the notebook is the current widget, hook the page-side helpers to its
        kernel and wait for the kernel to be idle."""
        self.page.wait_for_function(
            "(p) => window.jupyterapp && window.jupyterapp.shell"
            " && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.context"
            " && window.jupyterapp.shell.currentWidget.context.path === p",
            arg=self.relpath,
            timeout=timeout_ms,
        )
        self.page.evaluate(PAGE_JS)
        self.js("() => window.__nbh.hook()")
        self.page.wait_for_function(
            "() => window.__nbh.kernelStatus() === 'idle'", timeout=timeout_ms
        )

    def expand_all_headings(self):
        """Open every collapsed heading (the going-deeper sections open collapsed), as a
        learner who clicks a section's heading to use what it holds."""
        self.js("() => window.jupyterapp.commands.execute('notebook:expand-all-headings')")
        self.page.wait_for_timeout(300)

    def run_all(self, timeout_ms: int = 180_000):
        self.js("() => window.__nbh.runAll()")
        self.page.wait_for_function(
            "() => window.__nbh.kernelStatus() === 'idle'", timeout=timeout_ms
        )

    def wait_widgets_rendered(self, expected_cells=(), timeout_ms: int = 30_000) -> list:
        """Wait until every widget view is drawn and every Output widget shows something."""
        js = """(expected) => {
            const cells = window.__nbh.widgetCells();
            if (!cells.every((c) => c.rendered)) return false;
            const shown = new Set(cells.map((c) => c.cell));
            if (!expected.every((i) => shown.has(i))) return false;
            const outs = [...window.__nbh.nb().node.querySelectorAll('.widget-output')];
            return outs.every((o) => o.querySelector('img, canvas, .jp-OutputArea-output'));
        }"""
        try:
            self.page.wait_for_function(js, arg=list(expected_cells), timeout=timeout_ms)
        except Exception:  # noqa: BLE001 - reported by the checks that follow
            pass
        return self.js("() => window.__nbh.widgetCells()")

    def discover(self) -> list:
        return self.js("() => window.__nbh.discover()")

    def state(self, panel: int) -> dict:
        return self.js("(p) => window.__nbh.state(p)", panel)

    def idle_count(self) -> int:
        return self.js("() => window.__nbh.idle")

    def kernel_errors(self) -> list:
        errs = self.js("() => window.__nbh.kernelErrors.splice(0)")
        return [e for e in errs if not any(b.fullmatch(e) for b in BENIGN_KERNEL)]

    def error_outputs(self) -> list:
        return self.js("() => window.__nbh.errorOutputs()")

    def sent_count(self) -> int:
        return self.js("() => window.__nbh.sent")

    def wait_round_trip(self, sent_before: int, timeout_ms: int = 60_000) -> str | None:
        """Wait until the page has sent the kernel a message since ``sent_before`` and the
        kernel has answered every message sent (reported idle for it). None when done, else
        what went wrong."""
        try:
            self.page.wait_for_function(
                "(n) => window.__nbh.sent > n", arg=sent_before, timeout=5_000
            )
        except Exception:  # noqa: BLE001 - playwright TimeoutError
            return "the move sent nothing to the kernel within 5 s"
        try:
            self.page.wait_for_function("() => window.__nbh.pending.size === 0", timeout=timeout_ms)
        except Exception:  # noqa: BLE001
            return f"the kernel did not answer within {timeout_ms / 1000:.0f} s"
        return None

    def wait_figure_change(
        self, panel: int, before: str, timeout_ms: int, settle: bool = True
    ) -> bool:
        """True as soon as the panel's figure differs from ``before``; False once the panel
        has been still for ``QUIET_MS`` after the kernel's answer (or after the timeout)."""
        js = """([p, s, quiet]) => {
            const now = window.__nbh.state(p).sig;
            if (now !== s && !now.includes('loading')) return 'changed';
            return quiet > 0 && window.__nbh.settled(p, quiet) ? 'same' : false;
        }"""
        try:
            handle = self.page.wait_for_function(
                js, arg=[panel, before, QUIET_MS if settle else 0], timeout=timeout_ms
            )
            return handle.json_value() == "changed"
        except Exception:  # noqa: BLE001 - playwright TimeoutError: no change
            return False

    def wait_run_done(self, panel: int, timeout_ms: int = 60_000) -> str | None:
        """Wait until the panel shows no chunked run any more (``helpers.ui.live`` marks its
        output area while the chunks after the first are still coming) and the kernel has
        answered everything. None when done, else what went wrong."""
        try:
            self.page.wait_for_function(
                "(p) => !window.__nbh.running(p) && window.__nbh.pending.size === 0",
                arg=panel,
                timeout=timeout_ms,
            )
        except Exception:  # noqa: BLE001 - playwright TimeoutError
            return f"its chunked run did not end within {timeout_ms / 1000:.0f} s"
        return None

    def close(self):
        if self.window is not None:
            self.window.release(self)
            return
        try:
            self.page.close(run_before_unload=False)
        except Exception:  # noqa: BLE001 - the page may already be gone
            pass


# -- the actions a learner takes on each kind of control ----------------------------------


def plan(page: NotebookPage, control: dict) -> list[tuple[str, str]]:
    """The actions to take on one control: (description, action) pairs.

    Sliders: Home (minimum), one step right, End (maximum), one step left; a move that would
    not change the value (already at the minimum) is left out. Dropdowns: every option, or
    the first two, a middle one and the last when there are more than six; the current one
    is left out. Checkboxes and toggles: twice (on and back). Buttons: one click.
    """
    kind, cid = control["kind"], control["id"]
    if control.get("disabled"):
        return []
    if kind == "slider":
        v = page.js("(id) => window.__nbh.sliderValue(id)", cid)
        vertical = control.get("vertical")
        inc, dec = ("ArrowUp", "ArrowDown") if vertical else ("ArrowRight", "ArrowLeft")
        acts = []
        if v["now"] != v["min"]:
            acts.append(("key", "Home"))
        if v["max"] > v["min"]:
            acts += [("key", inc), ("key", "End"), ("key", dec)]
        return acts
    if kind == "dropdown":
        opts = control["options"]
        current = page.page.locator(f'[data-nbh="{cid}"]').input_value()
        pick = opts if len(opts) <= 6 else [opts[0], opts[1], opts[len(opts) // 2], opts[-1]]
        seq = [o for o in pick if o != current]
        if seq and current in opts:
            seq.append(current)  # and back to where it was
        return [("select", o) for o in seq]
    if kind in ("checkbox", "toggle"):
        return [("click", "on/off"), ("click", "back")]
    if kind in ("togglebuttons", "radio"):
        checked = page.js(
            '(id) => { const t = document.querySelector(`[data-nbh="${id}"]`);'
            " return t.checked || t.classList.contains('mod-active'); }",
            cid,
        )
        return [] if checked else [("click", "select")]
    if kind == "button":
        return [("click", "click")]
    if kind == "play":
        return [("play", "play, then pause")]
    return []


def perform(page: NotebookPage, control: dict, action: tuple[str, str]):
    how, what = action
    loc = page.page.locator(f'[data-nbh="{control["id"]}"]')
    if how == "key":
        loc.press(what)
    elif how == "play":
        loc.click()
    elif how == "select":
        loc.select_option(what)
    else:
        loc.click()


def exercise(
    page: NotebookPage, report: Report, *, measure: bool = False, change_timeout_ms: int = 5_000
):
    """Move every control of every widget panel and check what follows each move.

    After each move: the kernel answers, the figure in the panel changes, no error or stderr
    appears (in any output area, in the kernel's messages or in the browser console) and each
    Output widget holds exactly one figure. A button whose click leaves the figure as it is
    (a "reset" with nothing to reset) is clicked again after another control of its panel
    moved; then it must change the figure.
    """
    panels = page.discover()
    report.panels = panels
    for p in panels:
        pid = p["panel"]
        where = f"cell {p['cell']}, widget panel {pid}"
        has_figure = bool(p["outputs"]) or page.state(pid)["total"] > 0
        if p["outputs"] and p["figures"] != [1] * p["outputs"]:
            report.add(
                f"{where}: after run-all its Output widgets hold {p['figures']} "
                "figures, expected exactly one each"
            )
        for control in p["controls"]:
            name = f"{where}, {control['kind']} '{control['label']}'"
            moves = []
            for action in plan(page, control):
                mv = _one_move(page, report, p, control, action, measure, change_timeout_ms)
                if control["kind"] == "button" and not mv.changed and not mv.problems:
                    mv = _button_after_other_move(
                        page, report, p, control, measure, change_timeout_ms
                    )
                moves.append((action, mv))
            unchanged = [(a, mv) for a, mv in moves if not mv.changed and not mv.problems]
            if control["kind"] == "toggle" and len(unchanged) < len(moves):
                unchanged = []  # a toggle may start on one click and stop on the other
            if unchanged and all(mv.text_changed for _a, mv in unchanged):
                # a setting for the next training step that says so in the panel's text
                report.notes.append(
                    f"{name}: answers in the panel's text (the figure changes on the next step)"
                )
                unchanged = []
            if has_figure and unchanged and len(unchanged) == len(moves):
                # A setting that takes effect on the next training step (a learning rate
                # while nothing is trained yet) leaves the figure as it is by design: accepted
                # when a button of the panel then changes the figure.
                button = _next_step_shows(page, report, p, control, change_timeout_ms)
                if button:
                    report.notes.append(
                        f"{name}: the figure changes only after "
                        f"'{button}' is clicked (a setting for the next step)"
                    )
                    unchanged = []
            for action, mv in moves:
                if has_figure and (action, mv) in unchanged:
                    mv.problems.append("the figure did not change")
                for msg in mv.problems:
                    report.add(f"{name}, {action[0]} {action[1]}: {msg}")


def _one_move(page, report, p, control, action, measure, change_timeout_ms) -> Move:
    pid = p["panel"]
    mv = Move(pid, control["id"], f"{action[0]} {action[1]}")
    before = page.state(pid)
    sent0 = page.sent_count()
    if measure:
        page.js("(p) => window.__nbh.arm(p)", pid)
    perform(page, control, action)
    trouble = page.wait_round_trip(sent0)
    if trouble:
        mv.problems.append(trouble)
    if action[0] == "play":
        # the animation's first frame comes one interval later: wait for it, then pause
        mv.changed = page.wait_figure_change(pid, before["sig"], 15_000, settle=False)
        page.page.locator(f'[data-nbh-pause="{control["id"]}"]').click()
        sent = page.sent_count()
        page.wait_round_trip(sent - 1)
    elif p["outputs"] or page.state(pid)["total"]:
        mv.changed = page.wait_figure_change(pid, before["sig"], change_timeout_ms)
    if measure:
        if mv.changed:
            try:
                page.page.wait_for_function("() => window.__nbh.probe().t1 !== null", timeout=5_000)
            except Exception:  # noqa: BLE001 - the probe missed it: no time for this move
                pass
        probe = page.js("() => window.__nbh.probe()")
        page.js("() => window.__nbh.disarm()")
        mv.ms = probe["ms"] if probe else None
        if probe and mv.ms is None and not mv.changed:  # answered in the panel's text only
            mv.ms, mv.text_only = probe["textMs"], probe["textMs"] is not None
    # a view that trains in chunks goes on after its first picture: the next move (and its
    # timing) starts when the run has ended
    trouble = page.wait_run_done(pid)
    if trouble:
        mv.problems.append(trouble)
    after = page.state(pid)
    mv.text_changed = after["text"] != before["text"]
    if p["outputs"] and after["perOutput"] != [1] * len(after["perOutput"]):
        mv.problems.append(
            f"its Output widgets hold {after['perOutput']} figures, expected exactly one each"
        )
    for e in page.kernel_errors():
        mv.problems.append(f"kernel error: {e.strip()[:300]}")
    for e in page.error_outputs():
        mv.problems.append(f"error shown in an output area: {e.strip()[:300]}")
    while page.console_errors:
        mv.problems.append(page.console_errors.pop(0))
    report.moves.append(mv)
    return mv


def _button_after_other_move(page, report, p, button, measure, change_timeout_ms) -> Move:
    others = [c for c in p["controls"] if c["id"] != button["id"] and c["kind"] != "button"]
    for other in others:
        acts = plan(page, other)
        if acts:
            _one_move(page, report, p, other, acts[0], False, change_timeout_ms)
            break
    return _one_move(
        page, report, p, button, ("click", "click after another move"), measure, change_timeout_ms
    )


def _next_step_shows(page, report, p, control, change_timeout_ms) -> str | None:
    """Click the panel's plain buttons in turn; the label of the first that changes the
    figure, or None."""
    for b in p["controls"]:
        if b["kind"] == "button" and b["id"] != control["id"]:
            mv = _one_move(
                page, report, p, b, ("click", "after a setting"), False, change_timeout_ms
            )
            for msg in mv.problems:
                report.add(
                    f"cell {p['cell']}, widget panel {p['panel']}, button "
                    f"'{b['label']}', clicked after a setting: {msg}"
                )
            if mv.changed and not mv.problems:
                return b["label"]
    return None


# Unicode's private-use areas: where icon fonts put their glyphs (a name with one is read as
# noise or skipped, and it is not the word a learner sees).
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
# A name for a control that shows no text (an icon-only button): plain words.
WORDS = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()×-]*")


def accessible_names(page: NotebookPage, ids: list[str]) -> dict[str, dict]:
    """Chromium's own accessibility tree for the elements marked ``data-a11y``: {id: {"name",
    "role"}} (the name as a screen reader gets it, computed by the browser, not by us)."""
    cdp = page.page.context.new_cdp_session(page.page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-a11y]"})
        out = {}
        for node in found["nodeIds"]:
            attrs = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
            aid = dict(zip(attrs[::2], attrs[1::2])).get("data-a11y")
            if aid not in ids:
                continue
            ax = cdp.send(
                "Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False}
            )
            first = ax["nodes"][0] if ax["nodes"] else {}
            out[aid] = {
                "name": (first.get("name") or {}).get("value", ""),
                "role": (first.get("role") or {}).get("value", ""),
            }
        return out
    finally:
        cdp.detach()


def check_accessibility(page: NotebookPage, report: Report):
    """Every control of every panel, as a keyboard and a screen reader meet it.

    * Its accessible name (Chromium's accessibility tree) is not empty, holds no private-use
      glyph (an icon font's), and is the label a learner sees beside it (a slider's or a
      dropdown's description, a button's text); a control that shows no text is named in
      plain words.
    * Tab, from the panel's first control, visits every enabled visible control in turn and
      no disabled one.
    * Every picture has alt text (the view's own description, helpers/figures/alt.py).
    """
    for p in page.discover():
        pid = p["panel"]
        where = f"cell {p['cell']}, widget panel {pid}"
        for k, alt in enumerate(page.js("(p) => window.__nbh.pictureAlts(p)", pid)):
            if not alt:
                report.add(f"{where}: accessibility: picture {k} has no alt text")
        controls = page.js("(p) => window.__nbh.a11yControls(p)", pid)
        shown = [c for c in controls if not c["hidden"]]
        names = accessible_names(page, [c["id"] for c in shown])
        for c in shown:
            what = f"{where}: accessibility: {c['kind']} {c['label']!r}"
            ax = names.get(c["id"], {"name": "", "role": "?"})
            name = " ".join(ax["name"].split())
            if not name:
                report.add(f"{what} has an empty accessible name (role {ax['role']})")
            elif PRIVATE_USE.search(name):
                report.add(f"{what} has an icon glyph in its accessible name {name!r}")
            elif c["label"] and name != c["label"]:
                report.add(f"{what}: its accessible name {name!r} is not its visible label")
            elif not c["label"] and not WORDS.fullmatch(name):
                report.add(f"{what}: shows no text and its accessible name {name!r} is not words")
        enabled = [c["id"] for c in shown if not c["disabled"]]
        if not enabled:
            continue
        page.page.locator(f'[data-a11y="{enabled[0]}"]').focus()
        visited = [page.js("() => window.__nbh.focusedA11y()")]
        for _ in range(len(controls) + 2):
            page.page.keyboard.press("Tab")
            now = page.js("() => window.__nbh.focusedA11y()")
            if not now or not now.startswith(f"p{pid}a"):
                break
            visited.append(now)
        kinds = {c["id"]: f"{c['kind']} {c['label']!r}" for c in controls}
        disabled = [kinds[i] for i in visited if i not in enabled]
        if disabled:
            report.add(f"{where}: accessibility: Tab stops at disabled controls {disabled}")
        missed = [kinds[i] for i in enabled if i not in visited]
        if missed:
            report.add(f"{where}: accessibility: Tab never reaches {missed}")
        if not disabled and not missed and visited != enabled:
            report.add(f"{where}: accessibility: Tab visits the controls out of order {visited}")


# axe-core's impacts that fail an audit (issue 26: no serious or critical violation in the
# series' own content); "moderate" and "minor" ones are reported by the audit's caller only.
AXE_FAILS = ("serious", "critical")


@functools.cache
def axe_source() -> str:
    """axe-core (Deque, MPL-2.0) as the PyPI package axe-playwright-python ships it: one
    script, no network (npm's axe-core is the same file; PyPI keeps `make test` npm-free)."""
    from importlib.resources import files

    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_audit(page, include: list[str]) -> list[dict]:
    """axe-core's violations (every impact) in the parts of ``page`` (a Playwright page) that
    the CSS selectors ``include`` pick: [{"id", "impact", "help", "count", "targets"}]."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async (include) => {
            const present = include.filter((s) => document.querySelector(s));
            if (!present.length) return [];
            const r = await axe.run({include: present.map((s) => [s])},
                                    {resultTypes: ['violations']});
            return r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
            }));
        }""",
        include,
    )


def check_axe(page: NotebookPage, report: Report):
    """axe-core on what the series puts in the notebook (rendered markdown, outputs, widget
    panels), not on the front end's own chrome: no serious or critical violation."""
    found = axe_audit(page.page, [".jp-RenderedMarkdown", ".jp-OutputArea-output"])
    for v in found:
        if v["impact"] in AXE_FAILS:
            report.add(
                f"accessibility: axe-core {v['impact']} '{v['id']}' ({v['help']}) at "
                f"{v['count']} elements, e.g. {v['targets']}"
            )


def check_notebook(
    page: NotebookPage, report: Report, *, measure: bool = False, accessibility: bool = True
):
    """Open, run all, check the run, check every control's name and the Tab order
    (``accessibility``), exercise every widget. Problems land in ``report``."""
    page.open()
    page.run_all()
    source = json.loads((page.lab.root / page.relpath).read_text(encoding="utf-8"))
    left = page.js("() => window.__nbh.unexecuted()")
    if left:
        report.add(f"run-all left code cells {left} unexecuted (an error stopped it?)")
    expected = [i for i, c in enumerate(source["cells"]) if _makes_widget(c)]
    cells = page.wait_widgets_rendered(expected)
    for e in page.kernel_errors():
        report.add(f"kernel error during run-all: {e.strip()[:300]}")
    for e in page.error_outputs():
        report.add(f"error shown in an output area after run-all: {e.strip()[:300]}")
    while page.console_errors:
        report.add(f"during run-all: {page.console_errors.pop(0)}")
    shown = {c["cell"] for c in cells if c["rendered"]}
    missing = [i for i in expected if i not in shown]
    if missing:
        report.add(f"cells {missing} call live(...) but show no rendered widget in the browser")
    if accessibility:
        check_accessibility(page, report)
        check_axe(page, report)
    page.expand_all_headings()  # a panel in a going-deeper section: the learner opens it first
    exercise(page, report, measure=measure)


def _makes_widget(cell) -> bool:
    if cell["cell_type"] != "code":
        return False
    src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    for line in src.splitlines():
        s = line.strip()
        if s.startswith("#") or s.startswith("def ") or "import" in s:
            continue
        if "live(" in s:
            return True
    return False
