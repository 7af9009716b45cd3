"""Fetching the four MNIST files, and never getting stuck doing it.

ganlib downloads MNIST through torchvision, with a bounded time-out. Before it starts,
it checks that a mirror (or the configured proxy) accepts a connection at all, in a
background thread, because looking up a host name can block far longer than any socket
time-out. When the download is impossible (no network, a proxy, a server answering
403/503), `download_mnist` says why in one line, and `ganlib.data.mnist` turns that into
one message that names the folder, the four files and how to bring them from another
machine: no hang, no urllib trace.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

DOWNLOAD_TIMEOUT_S = 20.0
"""How long one network operation of the download may stall before ganlib gives up."""


def download_mnist(root: Path) -> str | None:
    """Download MNIST into `root/MNIST/raw` through torchvision; None when it worked, else
    the reason it failed, in a few words."""
    from torchvision.datasets import MNIST  # only here: importing torchvision takes over a second

    unreachable = _first_unreachable_problem(MNIST.mirrors)
    if unreachable:
        return unreachable
    print(f"Downloading MNIST (about 11 MB) into {root / 'MNIST' / 'raw'} ...")
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    messages = io.StringIO()
    try:
        with contextlib.redirect_stdout(messages):  # torchvision prints one line per attempt
            MNIST(str(root), train=True, download=True)
    except Exception as error:  # any failure: urllib, HTTP 403/503, a full disk, a time-out
        return f"the download failed ({_last_line(messages.getvalue()) or type(error).__name__})"
    finally:
        socket.setdefaulttimeout(old_timeout)
    return None


def _first_unreachable_problem(mirrors: list[str]) -> str | None:
    """None if any mirror (or the configured proxy) accepts a connection, else a reason.

    Each check runs in a background thread that we wait for at most DOWNLOAD_TIMEOUT_S,
    because looking up a host name can block far longer than any socket time-out.
    """
    targets = []
    proxies = urllib.request.getproxies()
    for mirror in mirrors:
        url = urllib.parse.urlsplit(proxies.get(urllib.parse.urlsplit(mirror).scheme, mirror))
        targets.append((url.hostname, url.port or (443 if url.scheme == "https" else 80)))
    reached = threading.Event()

    def try_connect(host: str, port: int) -> None:
        with contextlib.suppress(OSError):
            socket.create_connection((host, port), timeout=DOWNLOAD_TIMEOUT_S).close()
            reached.set()

    threads = [threading.Thread(target=try_connect, args=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DOWNLOAD_TIMEOUT_S
    while time.monotonic() < deadline and any(thread.is_alive() for thread in threads):
        if reached.wait(0.05):
            return None
    if reached.is_set():
        return None
    hosts = ", ".join(host for host, _ in targets)
    return f"no connection could be made to {hosts} (offline, or behind a firewall)"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
