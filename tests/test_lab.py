"""`make lab` starts a JupyterLab on this computer only, with its login token on."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def lab(tmp_path):
    """`make lab` on a free port, without opening a browser; yields (port, its log file)."""
    port = _free_port()
    log = tmp_path / "lab.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with open(log, "w") as output:
        process = subprocess.Popen(
            ["make", "lab", f"LAB_PORT={port}", "LAB_ARGS=--no-browser --ServerApp.port_retries=0"],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "token=" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "JupyterLab did not start within 90 s"
            time.sleep(0.5)
        yield port, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def test_make_lab_serves_localhost_and_asks_for_the_token(lab):
    port, log = lab
    token = re.search(r"token=([0-9a-f]+)", log.read_text()).group(1)
    base = f"http://127.0.0.1:{port}"
    assert _status(f"{base}/api/contents") == 403  # no token, no access
    assert _status(f"{base}/api/contents?token={token}") == 200
    assert _status(f"{base}/api/contents/00_setup_check.ipynb?token={token}") == 200  # rooted at notebooks/
    assert f"http://127.0.0.1:{port}/" in log.read_text()
