"""Shared test fixtures: a tiny MNIST written on the fly, the real MNIST, and no network."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import numpy as np
import pytest
import torch

import ganlib
from ganlib.data.mnist import MNIST_FILES, data_root

torch.set_num_threads(ganlib.gan.device.physical_cores())


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array in the IDX format: magic number, one size per dimension, bytes."""
    magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def idx_writer():
    """The `write_idx` function, for tests that write their own IDX files."""
    return write_idx


@pytest.fixture
def tiny_mnist(tmp_path: Path) -> Path:
    """A data root holding a 96-image training set and a 32-image test set of random pixels."""
    rng = np.random.default_rng(0)
    raw = tmp_path / "MNIST" / "raw"
    for split, count in (("train", 96), ("t10k", 32)):
        write_idx(raw / f"{split}-images-idx3-ubyte", rng.integers(0, 256, (count, 28, 28)))
        write_idx(raw / f"{split}-labels-idx1-ubyte", rng.integers(0, 10, (count,)))
    return tmp_path


@pytest.fixture(scope="session")
def mnist_root() -> Path:
    """The real MNIST's data root. Missing MNIST fails the test in CI and skips it elsewhere."""
    root = data_root()
    if all((root / "MNIST" / "raw" / name).is_file() for name in MNIST_FILES):
        return root
    message = f"the real MNIST is not in {root}/MNIST/raw (set GANLIB_DATA)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to this machine (loopback) only; anything else fails at once."""
    original = socket.socket.connect

    def guarded(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                local = ipaddress.ip_address(host).is_loopback
            except ValueError:
                local = host == "localhost"
            if not local:
                raise OSError(f"tests may not use the network (tried {host})")
        return original(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    real_getaddrinfo = socket.getaddrinfo

    def local_getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost") and not _is_ip_literal(host):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_getaddrinfo)


def _is_ip_literal(host) -> bool:
    try:
        ipaddress.ip_address(host if isinstance(host, str) else host.decode())
        return True
    except ValueError:
        return False


def draw_shapes(folder: Path, count: int = 60, seed: int = 0) -> Path:
    """A team's folder in miniature: `count` PNGs of a light ellipse or box on a dark
    ground, each a different size, place and colour (and one file that is not an image)."""
    import PIL.Image
    import PIL.ImageDraw

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        picture = PIL.Image.new("RGB", (48, 40), tuple(int(v) for v in rng.integers(0, 60, 3)))
        left, top = rng.integers(2, 16, 2)
        right, bottom = left + rng.integers(12, 30), top + rng.integers(10, 22)
        shape = PIL.ImageDraw.Draw(picture).ellipse if i % 2 else PIL.ImageDraw.Draw(picture).rectangle
        shape((int(left), int(top), int(right), int(bottom)), fill=tuple(int(v) for v in rng.integers(150, 256, 3)))
        picture.save(folder / f"design-{i:03}.png")
    (folder / "notes.txt").write_text("not a picture")
    return folder


@pytest.fixture
def shapes_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of 60 small design pictures (`draw_shapes`), with its own cache folder."""
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))
    return draw_shapes(tmp_path / "our designs")


@pytest.fixture
def shapes_drawer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`draw_shapes`, for tests that need a folder of another size (with their own cache folder)."""
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path / "cache"))
    return draw_shapes
