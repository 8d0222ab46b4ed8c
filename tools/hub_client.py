"""Start a class hub (hub/jupyterhub_config.py) and act as its students, without a browser.

Used by the hub test (tests/hub/test_hub.py) and the capacity benchmark (bench/bench_hub.py):

* ``Hub``: a JupyterHub on 127.0.0.1 at a free port, the dummy authenticator, its own state,
  homes and nbgrader exchange under a temporary folder, and an API token with the admin role.
  ``stop()`` ends the hub's process group, then every process still owned by the accounts it
  made, and deletes those accounts: nothing outlives it, even after a failed test.
* ``Student``: one hub user: log in through the login form, start the server, open a
  notebook's kernel through the proxy (the same REST and websocket calls JupyterLab makes).
* ``Kernel``: run a lesson's code cells top to bottom, find its sliders (the ``comm_open``
  messages ipywidgets sends) and move one the way the browser does (a ``comm_msg`` with the
  new value), timing the kernel's answer until the new picture (an ``image/png`` output, or
  new bytes for an Image widget) arrives.

Only the standard library and tornado (which JupyterHub and Jupyter Server depend on).
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "hub" / "jupyterhub_config.py"
PROXY = ROOT / "build" / "hub" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def account_pids(uids: set[int]) -> list[int]:
    """The processes owned by these uids (read from /proc)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid in uids:
                    pids.append(int(d.name))
            except FileNotFoundError:
                pass
    return pids


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid``, at any depth (the proxy and the culler run in
    sessions of their own, so the hub's process group does not hold them)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def uid_of(name: str) -> int | None:
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _stop_group(proc: subprocess.Popen) -> None:
    """End the process group of ``proc``: SIGTERM (the hub stops every server, the culler
    and the proxy, then exits; 40 servers on a busy machine take a while), SIGKILL if it
    does not, then SIGKILL for anything left in the group."""
    if proc.poll() is None:
        for sig, wait in ((signal.SIGTERM, 90), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    try:  # anything left in the group
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _kill(pids) -> None:
    """SIGKILL each of ``pids`` that still runs."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Hub:
    """A class hub for one test session or one benchmark run (must run as root)."""

    def __init__(self, prefix: str, idle_timeout: int = 3600, extra_env=None):
        if os.geteuid() != 0:
            raise RuntimeError("the hub makes a unix account per student: run it as root")
        if not PROXY.exists():
            raise RuntimeError(
                f"no proxy at {PROXY}: `make build/hub/node/...` (make test-hub)"
                " installs configurable-http-proxy from npm"
            )
        # The accounts' names: unique to this run, so they never meet a real account.
        self.prefix = prefix
        self.tmp = Path(tempfile.mkdtemp(prefix=f"hub-{prefix}-"))
        os.chmod(self.tmp, 0o755)
        self.homes = self.tmp / "home"
        self.exchange = self.tmp / "exchange"
        self.state = self.tmp / "state"
        self.token = uuid.uuid4().hex
        self.port = None
        self.proc = None
        self.log_path = self.tmp / "hub.log"
        self.idle_timeout = idle_timeout
        self.extra_env = dict(extra_env or {})
        self._http = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def http(self) -> AsyncHTTPClient:
        """One HTTP client, made in the event loop that uses it."""
        if self._http is None:
            # tornado's client queues requests past 10 at once (counting the wait against
            # the timeout): a class of 40 polling their servers' start needs more.
            self._http = AsyncHTTPClient(
                force_instance=True, max_clients=256, defaults={"request_timeout": 120}
            )
        return self._http

    def name(self, who: str) -> str:
        return f"{self.prefix}-{who}"

    @property
    def instructor(self) -> str:
        return self.name("instructor")

    def start(self, timeout: float = 120) -> Hub:
        self.port = free_port()
        env = dict(
            os.environ,
            HUB_IP="127.0.0.1",
            HUB_PORT=str(self.port),
            HUB_AUTH="dummy",
            HUB_INSTRUCTOR=self.instructor,
            HUB_EXCHANGE=str(self.exchange),
            HUB_HOMES=str(self.homes),
            HUB_STATE=str(self.state),
            HUB_IDLE_TIMEOUT=str(self.idle_timeout),
            HUB_API_TOKEN=self.token,
        )
        env.update(self.extra_env)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)],
            cwd=self.tmp,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the hub exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=3):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the hub did not answer in {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    async def api(self, path: str, method: str = "GET", body=None, token=None):
        req = HTTPRequest(
            f"{self.url}/hub/api{path}",
            method=method,
            headers={"Authorization": f"token {token or self.token}"},
            body=None
            if body is None and method == "GET"
            else json.dumps(body if body is not None else {}),
        )
        r = await self.http.fetch(req)
        return json.loads(r.body) if r.body else None

    def accounts(self) -> list[str]:
        """The unix accounts this hub made (named with its prefix)."""
        return [p.pw_name for p in pwd.getpwall() if p.pw_name.startswith(self.prefix + "-")]

    def stop(self):
        """Stop the hub (its process group: proxy, culler, servers), then whatever the
        students' accounts still run, then delete the accounts and the temporary folder."""
        proc, self.proc = self.proc, None
        started = descendants(proc.pid) if proc is not None else []
        if proc is not None:
            _stop_group(proc)
        _kill(started)  # whatever the hub left running
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None
        uids = {uid_of(n) for n in self.accounts()} - {None}
        for _ in range(20):  # servers started in their own sessions
            pids = account_pids(uids)
            if not pids:
                break
            _kill(pids)
            time.sleep(0.2)
        for name in self.accounts():
            subprocess.run(["userdel", "--force", name], capture_output=True)
        if self._http is not None:
            self._http.close()
            self._http = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Student:
    """One hub user, acting through the hub's public port as a browser would."""

    def __init__(self, hub: Hub, name: str):
        self.hub, self.name = hub, name
        self.token = None
        self.base = f"{hub.url}/user/{name}"

    async def login_form(self, password: str = "any") -> dict:
        """Log in through /hub/login (the form, its XSRF cookie and all); returns the cookies."""
        http = self.hub.http
        cookies = SimpleCookie()

        def jar():
            return "; ".join(f"{k}={v.value}" for k, v in cookies.items())

        r = await http.fetch(f"{self.hub.url}/hub/login")
        for h in r.headers.get_list("Set-Cookie"):
            cookies.load(h)
        m = re.search(r'name="_xsrf"\s+value="([^"]+)"', r.body.decode())
        form = {"username": self.name, "password": password}
        if m:
            form["_xsrf"] = m.group(1)
        r = await http.fetch(
            f"{self.hub.url}/hub/login?next=",
            method="POST",
            body=urlencode(form),
            headers={"Cookie": jar()},
            follow_redirects=False,
            raise_error=False,
        )
        if r.code != 302:
            raise RuntimeError(f"login of {self.name}: HTTP {r.code}: {r.body[:300]!r}")
        for h in r.headers.get_list("Set-Cookie"):
            cookies.load(h)
        return {k: v.value for k, v in cookies.items()}

    async def get_token(self):
        """An API token of the student's own (the hub's admin token asks for it)."""
        await self.ensure_user()
        r = await self.hub.api(
            f"/users/{self.name}/tokens", "POST", {"note": "tests", "expires_in": 7200}
        )
        self.token = r["token"]

    async def ensure_user(self):
        try:
            await self.hub.api(f"/users/{self.name}")
        except HTTPClientError as e:
            if e.code != 404:
                raise
            await self.hub.api(f"/users/{self.name}", "POST")

    async def start_server(self, timeout: float = 300) -> float:
        """Ask the hub for the student's server and wait until it is ready; seconds taken."""
        t0 = time.monotonic()
        try:
            await self.hub.api(f"/users/{self.name}/server", "POST")
        except HTTPClientError as e:
            if e.code != 400:  # 400: already running
                raise
        while time.monotonic() - t0 < timeout:
            info = await self.hub.api(f"/users/{self.name}")
            server = info.get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - t0
            if not info.get("pending") and not server:
                raise RuntimeError(
                    f"{self.name}'s server failed to start:\n{self.hub.log_tail(30)}"
                )
            await asyncio.sleep(0.5)
        raise RuntimeError(f"{self.name}'s server not ready after {timeout:.0f} s")

    async def server_api(
        self, path: str, method: str = "GET", body=None, query=None, raw=False, timeout: float = 120
    ):
        url = f"{self.base}{path}" + (f"?{urlencode(query)}" if query else "")
        req = HTTPRequest(
            url,
            method=method,
            request_timeout=timeout,
            headers={"Authorization": f"token {self.token}"},
            body=None
            if body is None and method in ("GET", "DELETE")
            else (body if isinstance(body, (str, bytes)) else json.dumps(body or {})),
        )
        r = await self.hub.http.fetch(req)
        if raw:
            return r
        return json.loads(r.body) if r.body else None

    async def open_notebook(self, path: str) -> Kernel:
        """A session for the notebook (as JupyterLab makes one) and its kernel's channels."""
        s = await self.server_api(
            "/api/sessions",
            "POST",
            {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
        )
        k = Kernel(self, s["kernel"]["id"], s["id"])
        await k.connect()
        return k


def _decode(msg) -> dict:
    """A websocket frame of Jupyter Server's default protocol: JSON text, or binary with
    buffers (a count, offsets, then the JSON and the buffers)."""
    if isinstance(msg, str):
        return json.loads(msg)
    (n,) = struct.unpack("!I", msg[:4])
    offsets = struct.unpack("!" + "I" * n, msg[4 : 4 * (n + 1)])
    end = offsets[1] if n > 1 else len(msg)
    return json.loads(msg[offsets[0] : end])


@dataclass
class Reply:
    """What the kernel sent for one request."""

    started: float
    first_image: float | None = None  # monotonic time of the first PNG
    done: float | None = None  # the kernel idle again
    errors: list = field(default_factory=list)
    stdout: str = ""
    reply: dict | None = None
    event: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def image_ms(self):
        return None if self.first_image is None else 1000 * (self.first_image - self.started)


SLIDERS = ("FloatSliderModel", "IntSliderModel", "FloatLogSliderModel", "SelectionSliderModel")


def _note(r: Reply, kind: str, content: dict, now: float) -> None:
    """What a message answering a request tells its reply ``r``: an error, output, the
    execute_reply, or (the kernel idle again) that it is done."""
    if kind == "error":
        r.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
    elif kind == "stream" and content.get("name") == "stderr":
        r.errors.append(f"stderr: {content.get('text', '')[:300]}")
    elif kind == "stream":
        r.stdout += content.get("text", "")
    elif kind == "execute_reply":
        r.reply = content
    elif kind == "status" and content.get("execution_state") == "idle":
        r.done = now
        r.event.set()


class Kernel:
    """One kernel's websocket, as JupyterLab's notebook panel uses it."""

    def __init__(self, student: Student, kernel_id: str, session_id: str):
        self.student, self.id, self.session_id = student, kernel_id, session_id
        self.session = uuid.uuid4().hex
        self.ws = None
        self.pending: dict[str, Reply] = {}
        self.models: dict[str, dict] = {}  # comm id -> widget state
        self.stderr: list[str] = []
        self.closed = None
        self._reader = None
        self.reconnects = 0

    async def connect(self, attempts: int = 3):
        """Open the kernel's channels and wait for its first answer. A connection the server
        closes before that (a kernel too slow to start on a busy machine) is opened again,
        as JupyterLab does; ``reconnects`` counts those."""
        s = self.student
        url = (
            s.base.replace("http://", "ws://")
            + f"/api/kernels/{self.id}/channels?"
            + urlencode({"session_id": self.session})
        )
        for attempt in range(attempts):
            req = HTTPRequest(
                url, headers={"Authorization": f"token {s.token}"}, request_timeout=120
            )
            self.closed = None
            self.ws = await websocket_connect(req, max_message_size=256 * 2**20)
            self._reader = asyncio.ensure_future(self._read())
            r = await self.execute("pass", timeout=180)  # the kernel is up and answering
            if not r.errors:
                return
            if not self.closed or attempt == attempts - 1:
                raise RuntimeError(f"kernel of {s.name}: {'; '.join(r.errors)}")
            self.reconnects += 1
            await asyncio.sleep(2)

    async def _read(self):
        while True:
            frame = await self.ws.read_message()
            if frame is None:
                self.closed = (
                    f"the websocket closed (code {self.ws.close_code}, {self.ws.close_reason!r})"
                )
                for r in self.pending.values():
                    r.errors.append(self.closed)
                    r.event.set()
                return
            self._handle(_decode(frame))

    def _handle(self, m: dict):
        kind = m.get("msg_type") or m["header"]["msg_type"]
        content = m.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
        elif kind == "comm_msg" and content.get("comm_id") in self.models:
            state = content.get("data", {}).get("state") or {}
            self.models[content["comm_id"]].update(state)
        parent = (m.get("parent_header") or {}).get("msg_id")
        r = self.pending.get(parent)
        if r is None:
            if kind == "stream" and content.get("name") == "stderr":
                self.stderr.append(content.get("text", ""))
            return
        now = time.monotonic()
        if r.first_image is None and self._brings_a_picture(kind, content):
            r.first_image = now
        _note(r, kind, content, now)

    def _brings_a_picture(self, kind: str, content: dict) -> bool:
        """Whether the message shows a picture: an ``image/png`` output, a picture in an
        Output widget, or new PNG bytes for an Image widget (helpers.ui's live and
        playground: the bytes travel as a buffer, named in buffer_paths)."""
        if kind in ("display_data", "execute_result", "update_display_data"):
            return "image/png" in content.get("data", {})
        if kind != "comm_msg":
            return False
        data = content.get("data", {})
        outputs = (data.get("state") or {}).get("outputs") or []
        image = self.models.get(content.get("comm_id"), {}).get("_model_name") == "ImageModel"
        new_bytes = image and ["value"] in (data.get("buffer_paths") or [])
        return bool(new_bytes or any("image/png" in o.get("data", {}) for o in outputs))

    def _send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        msg = {
            "header": {
                "msg_id": msg_id,
                "msg_type": msg_type,
                "session": self.session,
                "username": self.student.name,
                "version": "5.3",
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
        self.pending[msg_id] = Reply(started=time.monotonic())
        self.ws.write_message(json.dumps(msg))
        return msg_id

    async def _wait(self, msg_id: str, timeout: float) -> Reply:
        r = self.pending[msg_id]
        try:
            await asyncio.wait_for(r.event.wait(), timeout)
        except asyncio.TimeoutError:
            r.errors.append(f"no answer within {timeout:.0f} s")
        finally:
            self.pending.pop(msg_id, None)
        return r

    async def execute(self, code: str, timeout: float = 300) -> Reply:
        if self.closed:
            raise RuntimeError(self.closed)
        msg_id = self._send(
            "shell",
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        r = await self._wait(msg_id, timeout)
        if r.reply and r.reply.get("status") == "error" and not r.errors:
            r.errors.append(f"{r.reply.get('ename')}: {r.reply.get('evalue')}")
        return r

    async def run_notebook(self, nb_path: Path, timeout: float = 300) -> list[str]:
        """Run every code cell in order, as "Run All" does; the problems found."""
        nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
        problems = []
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            r = await self.execute(src, timeout)
            if r.errors:
                problems.append(f"cell {i}: {'; '.join(r.errors)[:400]}")
                break
        return problems

    def sliders(self) -> list[str]:
        return [
            cid
            for cid, st in self.models.items()
            if st.get("_model_name") in SLIDERS and not st.get("disabled")
        ]

    def next_value(self, comm_id: str, rng: random.Random) -> dict:
        """A new value for a slider, different from its current one, on its steps."""
        st = self.models[comm_id]
        if st["_model_name"] == "SelectionSliderModel":
            n = len(st.get("_options_labels", []))
            choices = [i for i in range(n) if i != st.get("index")]
            return {"index": rng.choice(choices)}
        lo, hi, step = st["min"], st["max"], st.get("step") or 1
        count = int(round((hi - lo) / step))
        now = round((st["value"] - lo) / step)
        k = rng.choice([j for j in range(count + 1) if j != now] or [now])
        v = lo + k * step
        if st["_model_name"] == "IntSliderModel":
            v = int(v)
        else:
            v = round(v, 12)
        return {"value": v}

    async def move(self, comm_id: str, state: dict, timeout: float = 30) -> Reply:
        """Change a widget as the browser does; returns when the kernel is idle again."""
        if self.closed:
            raise RuntimeError(self.closed)
        self.models[comm_id].update(state)
        msg_id = self._send(
            "shell",
            "comm_msg",
            {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}},
        )
        return await self._wait(msg_id, timeout)

    async def close(self, shutdown: bool = True):
        if self._reader:
            self._reader.cancel()
        if self.ws:
            self.ws.close()
        if shutdown:
            try:
                await self.student.server_api(f"/api/sessions/{self.session_id}", "DELETE")
            except (HTTPClientError, OSError):
                pass


def quoted(s: str) -> str:
    return quote(s, safe="")
