"""A rehearsal of the workshop hub on this machine, driven through JupyterHub's REST API.

The real hub (jupyterhub_config.py) needs a Linux server with systemd and root. The
rehearsal runs the same configuration (rehearsal_config.py says what differs) as the user
you are, on 127.0.0.1, with configurable-http-proxy in front, so that you can try the
whole day on a laptop: add participants, start their servers, pull the workbook into each
home, run notebooks in their kernels, read the facilitator's progress table.
tests/test_hub.py and benchmarks/hub_load.py use it.

    .venv/bin/python workshop/hub/rehearsal.py ada bo cy     start it with three participants,
                                                             print their links, stop at Ctrl-C

configurable-http-proxy is a Node.js program: `make hub-proxy` installs it into
.venv/node_modules with npm (or have it on your PATH).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROXY = "configurable-http-proxy"
START_TIMEOUT_S = 120
RUN_NOTEBOOK = """
import os, time, papermill
home = os.path.expanduser("~")
start = time.monotonic()
papermill.execute_notebook(f"{{home}}/gan-workbook/notebooks/{notebook}.ipynb", f"{{home}}/{notebook}.run.ipynb",
                           cwd=f"{{home}}/gan-workbook/notebooks", parameters={parameters}, progress_bar=False)
print(f"seconds {{time.monotonic() - start:.1f}}")
"""


class RehearsalError(RuntimeError):
    """The rehearsal hub could not do what was asked; the message says what and where to look."""


def proxy_command() -> str | None:
    """configurable-http-proxy: on the PATH, or where `make hub-proxy` puts it."""
    local = ROOT / ".venv" / "node_modules" / ".bin" / PROXY
    return shutil.which(PROXY) or (str(local) if local.exists() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect (to the login page, say) as it is, instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


_WITHOUT_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


@dataclass
class Hub:
    """A running rehearsal hub: its address, the admin token of the `rehearsal` service, its log."""

    url: str
    token: str
    homes: Path
    log: Path

    # --- the hub's REST API, as an admin ------------------------------------------------------

    def api(self, method: str, path: str, body: object = None, token: str | None = None) -> object:
        """Call the hub's REST API (`path` after /hub/api) and return its JSON answer."""
        return self.request(method, f"/hub/api{path}", body, token or self.token)[1]

    def request(self, method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, object]:
        """Any request through the proxy: (status, JSON or text). Never raises for an HTTP
        status, and never follows a redirect: a 302 to the login page comes back as 302."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"token {token}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with _WITHOUT_REDIRECTS.open(request, timeout=120) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def add_participants(self, names: list[str]) -> dict[str, str]:
        """Create the users and an API token for each: {name: token}, as each would have after logging in."""
        self.api("POST", "/users", {"usernames": names})
        return {name: self.api("POST", f"/users/{name}/tokens", {"note": "rehearsal", "expires_in": 86400})["token"]
                for name in names}

    def start_server(self, name: str) -> None:
        """Start `name`'s server and wait until it answers."""
        self.api("POST", f"/users/{name}/server")
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server_ready(name):
            if time.monotonic() > deadline:
                raise RehearsalError(f"{name}'s server did not start within {START_TIMEOUT_S} s; see {self.log}")
            time.sleep(0.5)

    def server_ready(self, name: str) -> bool:
        return bool(self.api("GET", f"/users/{name}").get("servers", {}).get("", {}).get("ready"))

    # --- a participant's own server, with the participant's token ---------------------------

    def user_path(self, name: str, path: str) -> str:
        return f"/user/{urllib.parse.quote(name)}{path}"

    def pull_workbook(self, name: str, token: str, repository: str, branch: str) -> list[str]:
        """What nbgitpuller does at each login: clone or merge the workbook into the home's
        gan-workbook/. Returns its progress lines; raises if it reports an error."""
        query = urllib.parse.urlencode({"repo": repository, "branch": branch, "targetpath": "gan-workbook"})
        request = urllib.request.Request(self.url + self.user_path(name, f"/git-pull/api?{query}"),
                                         headers={"Authorization": f"token {token}"})
        events = []
        with urllib.request.urlopen(request, timeout=300) as stream:
            for raw in stream:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    events.append(json.loads(line[5:]))
        if not events or events[-1].get("phase") != "finished":
            raise RehearsalError(f"nbgitpuller failed for {name}: {events[-1] if events else 'no answer'}")
        return [event.get("output", "") for event in events]

    def run_notebook(self, name: str, token: str, notebook: str, parameters: dict | None = None,
                     timeout_s: float = 3600) -> float:
        """Run gan-workbook/notebooks/`notebook`.ipynb of `name`'s home top to bottom, as Run
        All would, with papermill in a kernel of their server; the executed copy is saved as
        ~/`notebook`.run.ipynb. Returns the seconds it took; raises if a cell fails."""
        code = RUN_NOTEBOOK.format(notebook=notebook, parameters=parameters or {})
        return float(self.run_code(name, token, code, timeout_s).rsplit("seconds", 1)[-1])

    def run_code(self, name: str, token: str, code: str, timeout_s: float = 600) -> str:
        """Run `code` in a new kernel of `name`'s server, through the hub, and return what it
        printed; raises with the error if the code fails. The kernel is shut down after."""
        status, kernel = self.request("POST", self.user_path(name, "/api/kernels"), {"name": "python3"}, token)
        if status != 201:
            raise RehearsalError(f"{name}'s server refused a kernel ({status}): {kernel}")
        try:
            url = self.url.replace("http", "ws", 1) + self.user_path(name, f"/api/kernels/{kernel['id']}/channels")
            return asyncio.run(_execute(url, token, code, timeout_s))
        finally:
            self.request("DELETE", self.user_path(name, f"/api/kernels/{kernel['id']}"), None, token)


async def _execute(url: str, token: str, code: str, timeout_s: float) -> str:
    """One execute_request over the kernel's websocket (Jupyter's messaging protocol, v5)."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    msg_id = uuid.uuid4().hex
    connection.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": uuid.uuid4().hex,
                   "username": "rehearsal", "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    printed, error, idle, replied = [], None, False, False
    try:
        while not (idle and replied):
            raw = await asyncio.wait_for(connection.read_message(), timeout_s)
            if raw is None:
                raise RehearsalError("the kernel's connection closed while the code ran")
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                printed.append(content["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
    finally:
        connection.close()
    if error:
        raise RehearsalError(f"the code failed: {error}\n{''.join(printed)}")
    return "".join(printed)


@contextmanager
def running_hub(workdir: Path, idle_minutes: float = 60, activity_seconds: int = 300, pin_cores: bool = False,
                environment: Mapping[str, str] | None = None) -> Iterator[Hub]:
    """The rehearsal hub, from the start of the block to its end; `workdir` receives the
    participants' homes (homes/), the hub's state and its log. `pin_cores` gives each
    server one core, as the real hub's CPU quota does (rehearsal_config.py)."""
    proxy = proxy_command()
    if proxy is None:
        raise RehearsalError(f"{PROXY} is not installed: `make hub-proxy` installs it with npm (Node.js)")
    state, homes = workdir / "state", workdir / "homes"
    state.mkdir(parents=True, exist_ok=True)
    homes.mkdir(exist_ok=True)
    port, token, log = free_port(), secrets.token_hex(16), workdir / "hub.log"
    env = {**os.environ, **(environment or {}),
           "STATE": str(state), "HOMES": str(homes), "REHEARSAL_TOKEN": token, "PROXY_COMMAND": proxy,
           "PORT": str(port), "IP": "127.0.0.1", "HUB_PORT": str(free_port()), "PROXY_API_PORT": str(free_port()),
           "IDLE_MINUTES": str(idle_minutes), "ACTIVITY_SECONDS": str(activity_seconds),
           "PIN_CORES": "1" if pin_cores else ""}
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(HERE / "rehearsal_config.py")],
            cwd=state, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", token, homes, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if hub.request("GET", "/hub/api/", token=token)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RehearsalError(f"the rehearsal hub did not start; its log, {log}:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield hub
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the hub stops its servers and its proxy
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def main(argv: list[str]) -> int:
    names = argv or ["participant1", "participant2"]
    workdir = ROOT / "build" / "hub-rehearsal"
    try:
        with running_hub(workdir) as hub:
            tokens = hub.add_participants(names)
            print(f"The rehearsal hub is at {hub.url}; homes in {hub.homes}; log {hub.log}.")
            for name, token in tokens.items():
                print(f"  {name}: {hub.url}/hub/login (choose a password at the first login), "
                      f"or {hub.url}/user/{name}/lab?token={token}")
            print(f"Facilitator's view: .venv/bin/python -m ganlib progress --hub {hub.url} --token {hub.token}")
            print("Ctrl-C stops the hub; the homes stay.")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    except RehearsalError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
