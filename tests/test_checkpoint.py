"""Checkpoints: exact resume, atomic writes, safe loading, clear errors."""

from __future__ import annotations

import errno
import os

import pytest
import torch

from ganlib import (
    CheckpointError,
    Checkpointer,
    MLPDiscriminator,
    MLPGenerator,
    ShuffledBatches,
    fit,
    load_checkpoint,
    load_mnist,
    make_gan,
    resume,
    save_checkpoint,
    seed_everything,
)
from ganlib.gan import checkpoint, runs


def build(seed: int = 0, hidden: tuple[int, ...] = (32, 64)):
    seed_everything(seed)
    return make_gan(MLPGenerator(latent_dim=16, hidden=hidden), MLPDiscriminator(hidden=(64, 32)), seed=seed)


@pytest.fixture
def images(tiny_mnist):
    return load_mnist(tiny_mnist)[0]


def test_resuming_gives_the_same_losses_as_never_stopping(images, tmp_path):
    gan, batches = build(), ShuffledBatches(images, 16, seed=1)
    fit(gan, batches, max_steps=9, progress=False)  # stops mid-epoch (6 steps an epoch)
    save_checkpoint(tmp_path / "c.pt", gan, batches)
    fit(gan, batches, max_steps=20, progress=False)

    other, other_batches = build(seed=123), ShuffledBatches(images, 16, seed=55)
    load_checkpoint(tmp_path / "c.pt", other, other_batches)
    assert other.step == 9 and len(other.history) == 9
    fit(other, other_batches, max_steps=20, progress=False)
    assert other.history.d_loss == gan.history.d_loss
    assert other.history.g_loss == gan.history.g_loss


def test_the_generators_moving_average_is_saved_and_resumed(images, tmp_path):
    def build_averaged(seed: int):
        seed_everything(seed)
        return make_gan(MLPGenerator(latent_dim=16, hidden=(32, 64)), MLPDiscriminator(hidden=(64, 32)),
                        seed=seed, ema_decay=0.9)

    gan, batches = build_averaged(0), ShuffledBatches(images, 16, seed=1)
    fit(gan, batches, max_steps=9, progress=False)
    save_checkpoint(tmp_path / "c.pt", gan, batches)
    fit(gan, batches, max_steps=15, progress=False)

    other, other_batches = build_averaged(123), ShuffledBatches(images, 16, seed=55)
    load_checkpoint(tmp_path / "c.pt", other, other_batches)
    fit(other, other_batches, max_steps=15, progress=False)
    for mine, theirs in zip(gan.generator_ema.parameters(), other.generator_ema.parameters()):
        assert torch.equal(mine, theirs)


def test_a_checkpoint_without_an_average_starts_one_from_the_generator(images, tmp_path):
    plain = build()
    fit(plain, ShuffledBatches(images, 16), max_steps=3, progress=False)
    save_checkpoint(tmp_path / "plain.pt", plain)
    seed_everything(5)
    averaged = make_gan(MLPGenerator(latent_dim=16, hidden=(32, 64)), MLPDiscriminator(hidden=(64, 32)), ema_decay=0.99)
    load_checkpoint(tmp_path / "plain.pt", averaged)
    for average, weight in zip(averaged.generator_ema.parameters(), plain.generator.parameters()):
        assert torch.equal(average, weight)


def test_checkpointer_saves_on_its_interval_and_at_the_end(images, tmp_path):
    gan, batches = build(), ShuffledBatches(images, 16)
    saves = []
    real_save = runs.save_checkpoint

    def counting_save(path, gan, batches=None):
        saves.append(gan.step)
        return real_save(path, gan, batches)

    runs.save_checkpoint = counting_save
    try:
        fit(gan, batches, max_steps=14, callbacks=[Checkpointer(tmp_path, every=6, batches=batches)], progress=False)
    finally:
        runs.save_checkpoint = real_save
    assert saves == [6, 12, 14]
    fresh = build(seed=9)
    assert resume(tmp_path, fresh) and fresh.step == 14
    assert not resume(tmp_path / "elsewhere", build())


def test_a_failed_write_leaves_the_previous_checkpoint_intact(images, tmp_path, monkeypatch):
    gan = build()
    fit(gan, ShuffledBatches(images, 16), max_steps=3, progress=False)
    folder = tmp_path / "run"
    path = save_checkpoint(folder / "last.pt", gan)
    fit(gan, ShuffledBatches(images, 16), max_steps=6, progress=False)

    def disk_full(obj, file):
        file.write(b"PK\x03\x04 half a checkpoint")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(torch, "save", disk_full)
    with pytest.raises(CheckpointError, match="No space left on device.*previous file.*is intact.*Free some disk space"):
        save_checkpoint(path, gan)
    monkeypatch.undo()
    assert os.listdir(folder) == ["last.pt"]  # no half-written file left behind
    restored = build()
    load_checkpoint(path, restored)
    assert restored.step == 3


def test_a_checkpoint_from_another_architecture_names_the_difference(tmp_path):
    save_checkpoint(tmp_path / "c.pt", build(hidden=(32, 64)))
    with pytest.raises(CheckpointError, match=r"(?s)different generator.*net\.0\.weight: checkpoint \[32, 16\], your model \[48, 16\]"):
        load_checkpoint(tmp_path / "c.pt", build(hidden=(48, 64)))


def test_a_truncated_checkpoint_is_reported(tmp_path):
    path = save_checkpoint(tmp_path / "c.pt", build())
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="truncated"):
        load_checkpoint(path, build())


def test_a_file_that_is_not_a_checkpoint_is_reported(tmp_path):
    (tmp_path / "notes.pt").write_text("these are my notes")
    with pytest.raises(CheckpointError, match="truncated, damaged or not a PyTorch file"):
        load_checkpoint(tmp_path / "notes.pt", build())
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a ganlib checkpoint"):
        load_checkpoint(tmp_path / "other.pt", build())
    with pytest.raises(CheckpointError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.pt", build())


class _Payload:
    """Unpickling this object creates a file: what a malicious checkpoint could do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_checkpoint_that_runs_code_on_load_is_refused(tmp_path):
    marker = tmp_path / "code-ran"
    evil = tmp_path / "evil.pt"
    torch.save({"format": checkpoint.FORMAT, "generator": _Payload(marker)}, evil)
    torch.load(evil, weights_only=False)  # proof that the payload is live...
    assert marker.exists()
    marker.unlink()
    with pytest.raises(CheckpointError, match="could run code"):
        load_checkpoint(evil, build())
    assert not marker.exists()  # ...and that ganlib does not run it
