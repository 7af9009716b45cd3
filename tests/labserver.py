"""`make lab` started for a test: on a free port, without a browser, its token read from its log.

Used by test_lab.py (the server's security defaults) and test_browser.py (the workbook
driven in Chromium), so both test the lab exactly as `make lab` starts it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 90


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Lab:
    """A running lab: where it listens, its login token and its log file."""

    port: int
    token: str
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name: str) -> str:
        """The address that opens notebooks/`name` in JupyterLab, logged in with the token,
        alone (`reset`: no tabs restored from an earlier visit)."""
        return f"{self.base_url}/lab/tree/{name}?reset&token={self.token}"


@contextmanager
def running_lab(
    workdir: Path, env: Mapping[str, str | None] | None = None, lab_args: tuple[str, ...] = ()
) -> Iterator[Lab]:
    """`make lab` on a free port until the block ends; the server is stopped afterwards.

    `workdir` receives the log and Jupyter's runtime files. `env` adds variables to the
    lab's environment (which its kernels inherit); a value of None removes one.
    `lab_args` are extra JupyterLab options, after the ones that every test needs.
    """
    port = free_port()
    log = workdir / "lab.log"
    process_env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(workdir / "runtime")}
    for name, value in (env or {}).items():
        if value is None:
            process_env.pop(name, None)
        else:
            process_env[name] = value
    args = " ".join(("--no-browser", "--ServerApp.port_retries=0", *lab_args))
    with open(log, "w") as output:
        process = subprocess.Popen(
            ["make", "lab", f"LAB_PORT={port}", f"LAB_ARGS={args}"],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=process_env, start_new_session=True,
        )
    try:
        token = _wait_for_token(process, log)
        _wait_for_port(process, port, log)
        yield Lab(port, token, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _wait_for_token(process: subprocess.Popen, log: Path) -> str:
    """The login token, once the lab has printed its address; fails if it dies or is slow."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (match := re.search(r"token=([0-9a-f]+)", log.read_text())):
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"JupyterLab did not start within {START_TIMEOUT_S} s"
        time.sleep(0.5)
    return match.group(1)


def _wait_for_port(process: subprocess.Popen, port: int, log: Path) -> None:
    """Returns once the lab accepts connections. Jupyter Server prints its address before
    it binds the port (the bind is queued on its event loop), so the token alone is not
    enough on a busy machine: a request sent in between is refused."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"JupyterLab did not listen on port {port} within {START_TIMEOUT_S} s"
            time.sleep(0.2)
