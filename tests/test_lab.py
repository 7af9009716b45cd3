"""`make lab` starts a JupyterLab on this computer only, with its login token on."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
from labserver import running_lab


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def lab(tmp_path):
    """`make lab` on a free port, without opening a browser; yields (port, its log file)."""
    with running_lab(tmp_path) as server:
        yield server.port, server.log


def test_make_lab_serves_localhost_and_asks_for_the_token(lab):
    port, log = lab
    token = re.search(r"token=([0-9a-f]+)", log.read_text()).group(1)
    base = f"http://127.0.0.1:{port}"
    assert _status(f"{base}/api/contents") == 403  # no token, no access
    assert _status(f"{base}/api/contents?token={token}") == 200
    assert _status(f"{base}/api/contents/00_setup_check.ipynb?token={token}") == 200  # rooted at notebooks/
    assert f"http://127.0.0.1:{port}/" in log.read_text()


def test_make_lab_asks_no_first_run_questions(lab):
    # jupyter/overrides.json, installed by `make lab`: JupyterLab does not ask whether to fetch
    # Jupyter news (the first-run prompt) and does not check for updates over the network.
    port, log = lab
    token = re.search(r"token=([0-9a-f]+)", log.read_text()).group(1)
    url = f"http://127.0.0.1:{port}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}"
    with urllib.request.urlopen(url, timeout=10) as response:
        defaults = json.load(response)["schema"]["properties"]  # overrides.json replaces the schema's defaults
    assert defaults["fetchNews"]["default"] == "false" and defaults["checkForUpdates"]["default"] is False
