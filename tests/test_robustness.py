"""Nothing lost, nothing cryptic: faults, bad input and security, one test per case.

Cases covered here: 19 (each test below names its case). Related cases live beside the
code they test and are counted in this list too:
  - a full disk during a checkpoint write, a truncated checkpoint, a file that is not a
    checkpoint, a checkpoint from another architecture, a checkpoint that runs code on
    load: tests/test_checkpoint.py (5);
  - MNIST missing offline, HTTP 403, a mirror that never answers, a truncated IDX file, an
    IDX file with a wrong magic number, images and labels of different lengths:
    tests/test_data.py (6);
  - a NaN loss stops training with advice; Ctrl-C keeps the run: tests/test_train.py (2);
  - re-running notebook 03 continues the previous run: tests/test_notebooks.py (1);
  - make lab on localhost with its token: tests/test_lab.py (1).
In all: 34 cases. Part two, cases 35 to 89, is tests/test_misuse.py.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import papermill
import pytest
import torch

import ganlib
from ganlib import Checkpointer, ShuffledBatches, TrainingDiverged, fit, load_mnist, resume
from ganlib.errors import CheckpointError, DataError, InputError, ParameterError
from ganlib.evaluate import metrics
from ganlib.gan.checkpoint import read_checkpoint
from ganlib.gan.models import MLPDiscriminator, MLPGenerator
from ganlib.gan.runs import LAST
from ganlib.workbook.notebook import check_parameters

ROOT = Path(__file__).resolve().parent.parent


def small_gan(seed: int = 0) -> ganlib.GAN:
    ganlib.seed_everything(seed)
    return ganlib.make_gan(MLPGenerator(latent_dim=16, hidden=(32,)), MLPDiscriminator(hidden=(32,)), seed=seed)


# --- faults -------------------------------------------------------------------------------

TRAINER = textwrap.dedent("""
    import os, sys, torch, ganlib
    from ganlib.gan.models import MLPDiscriminator, MLPGenerator
    root, run_dir, progress = sys.argv[1:4]
    torch.set_num_threads(1)
    ganlib.seed_everything(0)
    gan = ganlib.make_gan(MLPGenerator(latent_dim=16, hidden=(32,)), MLPDiscriminator(hidden=(32,)), seed=0)
    images, _ = ganlib.load_mnist(root)
    batches = ganlib.ShuffledBatches(images, 16, seed=0)

    class Progress(ganlib.Callback):
        # Written whole (a rename) and before the checkpoint of the same step, so that a
        # kill at any moment leaves a progress file at or past the last checkpoint.
        def on_step(self, gan):
            with open(progress + ".tmp", "w") as file:
                file.write(str(gan.step))
            os.replace(progress + ".tmp", progress)

    ganlib.fit(gan, batches, max_steps=10**9, progress=False,
               callbacks=[Progress(), ganlib.Checkpointer(run_dir, every=4, batches=batches)])
""")


def wait_for_steps(process: subprocess.Popen, progress: Path, steps: int, timeout: float = 60) -> None:
    """Wait until TRAINER, running as `process`, has written that it reached `steps`."""
    deadline = time.monotonic() + timeout
    while not (progress.exists() and int(progress.read_text()) >= steps):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)


def test_case_01_sigkill_mid_epoch_resumes_losing_at_most_one_interval(tiny_mnist, tmp_path):
    run_dir, progress = tmp_path / "run", tmp_path / "progress"
    process = subprocess.Popen([sys.executable, "-c", TRAINER, str(tiny_mnist), str(run_dir), str(progress)])
    try:
        wait_for_steps(process, progress, 15)
        os.kill(process.pid, signal.SIGKILL)  # mid-epoch: 6 steps an epoch, checkpoints every 4
    finally:
        process.wait(timeout=30)
    reached = int(progress.read_text())
    gan, batches = small_gan(seed=9), ShuffledBatches(load_mnist(tiny_mnist)[0], 16, seed=5)
    assert resume(run_dir, gan, batches)  # the one call
    assert reached - 4 <= gan.step <= reached and gan.step % 4 == 0
    fit(gan, batches, max_steps=gan.step + 8, progress=False)
    again, again_batches = small_gan(seed=3), ShuffledBatches(load_mnist(tiny_mnist)[0], 16, seed=1)
    resume(run_dir, again, again_batches)
    fit(again, again_batches, max_steps=again.step + 8, progress=False)
    assert again.history.d_loss == gan.history.d_loss and again.history.g_loss == gan.history.g_loss


def test_case_02_a_leftover_temporary_file_from_a_killed_save_is_harmless(tiny_mnist, tmp_path):
    gan = small_gan()
    ganlib.save_checkpoint(tmp_path / LAST, gan)
    (tmp_path / f"{LAST}.tmp-99999").write_bytes(b"half a checkpoint")
    assert resume(tmp_path, small_gan()) and read_checkpoint(tmp_path / LAST)["step"] == 0


def test_case_03_a_nan_keeps_the_last_good_checkpoint(tiny_mnist, tmp_path):
    gan, batches = small_gan(), ShuffledBatches(load_mnist(tiny_mnist)[0], 16)
    saver = Checkpointer(tmp_path, every=3, batches=batches)
    fit(gan, batches, max_steps=6, callbacks=[saver], progress=False)
    with torch.no_grad():
        next(gan.discriminator.parameters()).fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match="learning rate"):
        fit(gan, batches, max_steps=12, callbacks=[saver], progress=False)
    state = read_checkpoint(tmp_path / LAST)
    assert state["step"] == 6
    assert all(torch.isfinite(t).all() for t in state["discriminator"].values())


# --- bad input ----------------------------------------------------------------------------


def test_case_04_mnist_files_in_the_wrong_folder_say_where_to_move_them(tiny_mnist):
    raw = tiny_mnist / "MNIST" / "raw"
    for path in raw.iterdir():
        path.rename(tiny_mnist / path.name)  # copied straight into the data root
    with pytest.raises(DataError, match=r"looks for them in .*MNIST/raw.*Move the four files there"):
        load_mnist(tiny_mnist)


def test_case_05_packed_mnist_files_ask_to_be_unpacked(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b")
    with pytest.raises(DataError, match="gunzip"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("case, rules, message", [
    ("06 negative epochs", {"EPOCHS": (-3, 1, 1000)}, "EPOCHS must be a whole number from 1 to 1000; got -3"),
    ("07 batch size 0", {"BATCH_SIZE": (0, 1, 60000)}, "BATCH_SIZE must be a whole number from 1 to 60000; got 0"),
    ("08 a string for a number", {"LR": ("2e-4", 1e-7, 1.0)}, "write the number without quotes"),
    ("09 a float where a whole number belongs", {"EPOCHS": (2.5, 1, 1000)}, "EPOCHS must be a whole number"),
    ("10 an unknown choice", {"RESUME": ("again", ["continue", "restart"])}, "RESUME must be one of"),
])
def test_cases_06_to_10_parameters_are_rejected_with_name_and_range(case, rules, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        check_parameters(**rules)


def test_case_11_a_bad_parameter_stops_the_notebook_at_its_start(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLIB_RUNS", str(tmp_path))
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(str(ROOT / "notebooks" / "03_mnist_gan.ipynb"), str(tmp_path / "out.ipynb"),
                                   parameters={"EPOCHS": -1, "BATCH_SIZE": 0}, cwd=str(ROOT / "notebooks"),
                                   kernel_name="python3", progress_bar=False)
    error = caught.value
    assert error.ename == "ParameterError" and "EPOCHS must be" in error.evalue and "BATCH_SIZE must be" in error.evalue
    assert error.exec_count <= 4  # stopped in the cell right after the parameters
    traceback = "\n".join(error.traceback)
    assert "site-packages" not in traceback and len(error.traceback) == 1  # the message, no stack


def test_case_12_noise_of_the_wrong_size_for_a_pretrained_generator():
    generator = ganlib.pretrained.load_generator("mlp_mnist")
    with pytest.raises(InputError, match=r"takes noise of shape \(N, 100\).*got shape \(4, 64\)"):
        ganlib.generate(generator, torch.randn(4, 64))


def test_case_13_batches_of_the_wrong_shape_or_type_are_refused_before_training():
    gan = small_gan()
    with pytest.raises(InputError, match=r"expects images of shape \(1, 28, 28\).*\(3, 32, 32\)"):
        fit(gan, iter([torch.zeros(8, 3, 32, 32)]), max_steps=1, progress=False)
    with pytest.raises(InputError, match="floats in"):
        fit(gan, iter([torch.zeros(8, 1, 28, 28, dtype=torch.uint8)]), max_steps=1, progress=False)
    assert gan.step == 0


def test_case_14_images_out_of_range_for_the_metrics():
    with pytest.raises(InputError, match=r"x / 127\.5 - 1"):
        metrics.classify(torch.full((2, 1, 28, 28), 200.0))


def test_case_15_an_unknown_pretrained_name_lists_the_choices():
    with pytest.raises(CheckpointError, match="choose one of"):
        ganlib.pretrained.load_generator("stylegan")


def test_case_16_ctrl_c_during_a_checkpoint_write_keeps_the_previous_one(tmp_path, monkeypatch):
    gan = small_gan()
    ganlib.save_checkpoint(tmp_path / LAST, gan)
    gan.step = 99

    def interrupted(obj, file):
        file.write(b"PK partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ganlib.save_checkpoint(tmp_path / LAST, gan)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == [LAST] and read_checkpoint(tmp_path / LAST)["step"] == 0


# --- security ----------------------------------------------------------------------------


def test_case_17_every_load_in_ganlib_refuses_code():
    sources = {path: path.read_text() for path in (ROOT / "ganlib").glob("*.py")}
    for path, text in sources.items():
        for call in re.findall(r"torch\.load\([^)]*\)", text):
            assert "weights_only=True" in call, f"{path.name}: {call}"
        for call in re.findall(r"np\.load\([^)]*\)", text):
            assert "allow_pickle=False" in call, f"{path.name}: {call}"
    assert "pickle.load" not in "".join(sources.values())


def _readable_text(notebook: dict) -> str:
    """Everything a reader of the notebook can see as text: sources, text outputs, metadata."""
    parts = [json.dumps(notebook["metadata"])]
    for cell in notebook["cells"]:
        parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")) + "\n".join(output.get("traceback", [])))
            data = output.get("data", {})
            parts += ["".join(data.get(kind, "")) for kind in ("text/plain", "text/html")]
    return "\n".join(parts)


def test_case_18_committed_notebooks_hold_no_home_paths_hostnames_or_tokens():
    hostname = re.compile(rf"\b{re.escape(socket.gethostname())}\b")
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        text = _readable_text(json.loads(path.read_text()))
        assert not re.search(r"/(home|Users|root)/|[A-Z]:\\\\Users", text), f"{path.name} holds a home path"
        assert len(socket.gethostname()) < 4 or not hostname.search(text), f"{path.name} holds this machine's name"
        assert not re.search(r"token=[0-9a-f]{16,}", text), f"{path.name} holds a token"
        assert "/tmp/" not in text, f"{path.name} shows a temporary path"


def test_case_19_no_secrets_or_personal_paths_in_tracked_files():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    pattern = re.compile(r"(api[_-]?key|secret[_-]?key|password)\s*[:=]\s*['\"][^'\"]{8,}|BEGIN (RSA|OPENSSH) PRIVATE KEY|/home/[a-z]")
    for name in tracked:
        path = ROOT / name
        if path.suffix in (".py", ".md", ".yml", ".toml", ".txt", ".cfg", "") and path.is_file():
            assert not pattern.search(path.read_text(errors="ignore")), name
