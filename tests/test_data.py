"""MNIST: where it is looked for, how it fails, and the in-memory batches."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest
import torch
from torchvision.datasets import MNIST

from ganlib.data import download
from ganlib.data.batches import ShuffledBatches
from ganlib.data.mnist import MNIST_FILES, REPO_ROOT, data_root, ensure_mnist, load_mnist
from ganlib.errors import DataError


def test_data_root_prefers_argument_then_environment_then_repository(monkeypatch, tmp_path):
    monkeypatch.setenv("GANLIB_DATA", str(tmp_path / "from-env"))
    assert data_root(tmp_path / "given") == tmp_path / "given"
    assert data_root() == tmp_path / "from-env"
    monkeypatch.delenv("GANLIB_DATA")
    assert data_root() == REPO_ROOT / "data"


def test_tiny_mnist_loads_in_minus_one_to_one(tiny_mnist):
    images, labels = load_mnist(tiny_mnist, train=True)
    assert images.shape == (96, 1, 28, 28) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1
    assert labels.shape == (96,) and labels.dtype == torch.int64
    test_images, _ = load_mnist(tiny_mnist, train=False)
    assert test_images.shape == (32, 1, 28, 28)


def test_pixel_scaling_maps_black_to_minus_one_and_white_to_one(tiny_mnist):
    raw = tiny_mnist / "MNIST" / "raw" / "train-images-idx3-ubyte"
    content = bytearray(raw.read_bytes())
    content[16], content[17] = 0, 255  # first two pixels of the first image
    raw.write_bytes(bytes(content))
    images, _ = load_mnist(tiny_mnist)
    assert images[0, 0, 0, 0] == -1.0 and images[0, 0, 0, 1] == 1.0


def _assert_one_clear_missing_message(error: DataError, folder: Path) -> None:
    message = str(error)
    assert str(folder) in message
    for name in MNIST_FILES:
        assert name in message
    assert "fetch-mnist" in message and "GANLIB_DATA" in message
    assert "Traceback" not in message and "urlopen" not in message
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__  # no chained trace


def test_offline_missing_mnist_fails_fast_with_one_clear_message(tmp_path):
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        load_mnist(tmp_path)
    assert time.monotonic() - started < 30
    _assert_one_clear_missing_message(caught.value, tmp_path / "MNIST" / "raw")
    assert "no connection" in str(caught.value)


def test_download_false_reports_missing_files(tmp_path):
    with pytest.raises(DataError, match="download=False"):
        ensure_mnist(tmp_path, download=False)


class _Forbidden(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server expects)
        self.send_error(403, "Forbidden")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_mirror(monkeypatch):
    """Point torchvision's MNIST mirrors at a server on this machine that answers 403."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Forbidden)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(MNIST, "mirrors", [f"http://127.0.0.1:{server.server_port}/"])
    yield
    server.shutdown()


def test_http_403_from_the_mirror_gives_the_clear_message(local_mirror, tmp_path, capsys):
    with pytest.raises(DataError) as caught:
        load_mnist(tmp_path)
    _assert_one_clear_missing_message(caught.value, tmp_path / "MNIST" / "raw")
    assert "403" in str(caught.value)
    assert "Traceback" not in capsys.readouterr().out


def test_a_mirror_that_never_answers_times_out(monkeypatch, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts connections, never sends a byte
    monkeypatch.setattr(MNIST, "mirrors", [f"http://127.0.0.1:{listener.getsockname()[1]}/"])
    monkeypatch.setattr(download, "DOWNLOAD_TIMEOUT_S", 1.0)
    started = time.monotonic()
    with pytest.raises(DataError):
        load_mnist(tmp_path)
    assert time.monotonic() - started < 15
    listener.close()


def test_truncated_idx_file_is_reported_with_its_name(tiny_mnist):
    path = tiny_mnist / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(DataError, match="incomplete or damaged") as caught:
        load_mnist(tiny_mnist)
    assert str(path) in str(caught.value)


def test_wrong_magic_number_is_reported(tiny_mnist):
    path = tiny_mnist / "MNIST" / "raw" / "t10k-labels-idx1-ubyte"
    path.write_bytes(b"<html>403 Forbidden</html>" + b"\0" * 100)
    with pytest.raises(DataError, match="wrong magic number"):
        load_mnist(tiny_mnist)


def test_images_and_labels_of_different_lengths_are_reported(tiny_mnist, idx_writer):
    idx_writer(tiny_mnist / "MNIST" / "raw" / "train-labels-idx1-ubyte", torch.zeros(95, dtype=torch.uint8).numpy())
    with pytest.raises(DataError, match="96 train images but 95 labels"):
        load_mnist(tiny_mnist)


@pytest.mark.mnist
def test_real_mnist_loads_whole(mnist_root):
    images, labels = load_mnist(mnist_root)
    assert images.shape == (60_000, 1, 28, 28)
    assert images.min() == -1.0 and images.max() == 1.0
    assert sorted(labels.unique().tolist()) == list(range(10))
    test_images, test_labels = load_mnist(mnist_root, train=False)
    assert test_images.shape == (10_000, 1, 28, 28) and len(test_labels) == 10_000


# --- ShuffledBatches ------------------------------------------------------------------


def _numbered(n: int) -> torch.Tensor:
    """n one-pixel 'images' whose value is their index, to see which ones a batch holds."""
    return torch.arange(n, dtype=torch.float32).view(n, 1, 1, 1)


def test_an_epoch_serves_every_example_once_in_full_batches():
    batches = ShuffledBatches(_numbered(100), batch_size=8, seed=0)
    assert batches.steps_per_epoch == 12  # 100 // 8: the last 4 are dropped this epoch
    seen = torch.cat([next(batches).flatten() for _ in range(12)])
    assert len(seen.unique()) == 96 and batches.epoch == 0
    next(batches)
    assert batches.epoch == 1


def test_same_seed_same_batches_other_seed_other_batches():
    a, b, c = (ShuffledBatches(_numbered(50), 5, seed=s) for s in (1, 1, 2))
    first_a = [next(a) for _ in range(20)]
    assert all(torch.equal(x, next(b)) for x in first_a)
    assert not all(torch.equal(x, next(c)) for x in first_a)


def test_state_dict_resumes_mid_epoch_with_the_same_batches():
    batches = ShuffledBatches(_numbered(50), 4, seed=3)
    for _ in range(17):  # into the second epoch
        next(batches)
    state = batches.state_dict()
    expected = [next(batches) for _ in range(10)]
    resumed = ShuffledBatches(_numbered(50), 4, seed=99)
    resumed.load_state_dict(state)
    assert all(torch.equal(x, next(resumed)) for x in expected)
    assert resumed.epoch == batches.epoch


def test_labels_stay_paired_with_their_images():
    images = _numbered(30)
    batches = ShuffledBatches(images, 6, seed=0, labels=torch.arange(30) * 10)
    x, y = next(batches)
    assert torch.equal(x.flatten().long() * 10, y)


@pytest.mark.parametrize("batch_size", [0, -1, 31])
def test_impossible_batch_sizes_are_rejected(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        ShuffledBatches(_numbered(30), batch_size)
