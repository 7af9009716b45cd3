"""Nothing lost, nothing silently wrong, nothing cryptic, part two: misuse as a curious
participant or a hurried facilitator commits it, one test per case, numbered on from
tests/test_robustness.py (cases 1-34).

Each case is one of three kinds:
  * lost work or data: it must be impossible;
  * silently wrong: it must be right, or a clear refusal;
  * cryptic: the answer is in the workbook's own words and names the fix.
Cases that once crashed the Python process itself run in a child process, so that a
regression fails its test instead of killing the test run.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import ganlib
from ganlib import checks, notebook
from ganlib.creative import evolution, latent
from ganlib.creative.evolution import Evolution
from ganlib.creative.explorer import LatentExplorer
from ganlib.creative.provenance import KEY, read_label, save_labelled_png
from ganlib.data import toy
from ganlib.errors import CheckpointError, DataError, InputError, ParameterError, RunInUse
from ganlib.evaluate import metrics
from ganlib.gan import models
from ganlib.gan.checkpoint import read_checkpoint, save_checkpoint
from ganlib.gan.models import ConditionalMLPGenerator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from ganlib.gan.runs import LAST, Checkpointer, start_or_resume
from ganlib.pictures import images as pictures
from ganlib.pictures import training as training_pictures
from ganlib.workbook import lesson02
from test_robustness import TRAINER, wait_for_steps  # a script that trains into a run folder until killed

ROOT = Path(__file__).resolve().parent.parent


def small_gan(seed: int = 0, **options) -> ganlib.GAN:
    ganlib.seed_everything(seed)
    return ganlib.make_gan(MLPGenerator(latent_dim=16, hidden=(32,)), MLPDiscriminator(hidden=(32,)), seed=seed, **options)


def run_python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh Python, as a participant's kernel would; its output is returned."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


# --- lost work or data ---------------------------------------------------------------------


@pytest.mark.parametrize("case, fake", [
    ("35 one sample", "torch.randn(1, 128)"),
    ("36 a NaN in the samples", "torch.randn(50, 128).index_fill_(1, torch.tensor([0]), float('nan'))"),
])
def test_cases_35_36_the_frechet_distance_refuses_instead_of_crashing_the_kernel(case, fake):
    result = run_python(f"""
        import torch
        from ganlib.errors import InputError
        from ganlib.evaluate import metrics
        try:
            metrics.frechet_distance(torch.randn(50, 128), {fake})
        except InputError as error:
            print("refused:", error)
    """)
    assert result.returncode == 0, f"the process died ({result.returncode}): {result.stderr[-500:]}"
    assert "refused:" in result.stdout and ("at least 2" in result.stdout or "NaN" in result.stdout)


def test_case_36b_nan_images_are_refused_by_every_metric_with_the_reason():
    images = torch.zeros(20, 1, 28, 28)
    images[3, 0, 5, 5] = float("nan")
    for call in (metrics.check_images, metrics.classify):
        with pytest.raises(InputError, match="NaN or infinite.*diverged.*last good checkpoint"):
            call(images)


REMAKE = """
    import os, signal, sys
    from pathlib import Path
    from ganlib.__main__ import main
    from ganlib.evaluate import pretrained, remake
    from ganlib.evaluate.recipes import SHIPPED, Recipe, Shipped
    from ganlib.gan.models import MLPDiscriminator, MLPGenerator

    weights, root, interrupt_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    pretrained.WEIGHTS = remake.WEIGHTS = weights  # the classifier that judges stays the shipped one
    tiny = Recipe(lambda: MLPGenerator(latent_dim=8, hidden=(16,)), lambda: MLPDiscriminator(hidden=(16,)),
                  batch_size=16, lr=1e-3, betas=(0.5, 0.999), ema_decay=0.0, precision="float32")
    SHIPPED["tiny"] = Shipped("a tiny generator for the tests", tiny, epochs=2, snapshot_steps=[0, 3])
    take_snapshot = remake.BestEpochKeeper.on_step

    def on_step(self, gan):
        take_snapshot(self, gan)
        if gan.step == interrupt_at:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the terminal sends it

    remake.BestEpochKeeper.on_step = on_step
    sys.exit(main(["train-pretrained", "tiny", "--root", root]))
"""
SHIPPED = {"tiny.pt": b"the shipped weights", "tiny.json": b'{"epochs": 2}', "tiny_snapshots.npz": b"snapshots"}


@pytest.mark.parametrize("case, interrupt_at", [("37 after the first epoch", 7), ("38 before the first epoch ends", 2)])
def test_cases_37_38_an_interrupted_remake_leaves_the_shipped_files_untouched(case, interrupt_at, tiny_mnist, tmp_path):
    weights = tmp_path / "weights"
    weights.mkdir()
    for name, content in SHIPPED.items():
        (weights / name).write_bytes(content)
    result = run_python(REMAKE, str(weights), str(tiny_mnist), str(interrupt_at))
    assert result.returncode == 130, result.stderr[-2000:]
    assert "Interrupted" in result.stderr and "unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert {path.name: path.read_bytes() for path in weights.iterdir()} == SHIPPED  # nothing replaced, nothing left over


def test_case_37b_a_remake_that_runs_to_its_end_replaces_all_three_files(tiny_mnist, tmp_path):
    weights = tmp_path / "weights"
    weights.mkdir()
    for name, content in SHIPPED.items():
        (weights / name).write_bytes(content)
    result = run_python(REMAKE, str(weights), str(tiny_mnist), "-1", timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(path.name for path in weights.iterdir()) == sorted(SHIPPED)  # no staging folder left
    record = json.loads((weights / "tiny.json").read_text())
    assert record["steps"] == 2 * (96 // 16) and record["epochs"] == 2
    assert sorted(np.load(weights / "tiny_snapshots.npz")) == ["step_0", "step_3"]


@pytest.mark.parametrize("name", ["../notebooks", "", "/tmp/elsewhere", "a/b", "..", ".hidden", "C:\\runs", 7])
def test_case_39_a_run_name_that_is_a_path_is_refused(name, tmp_path, monkeypatch):
    monkeypatch.setenv("GANLIB_RUNS", str(tmp_path / "runs"))
    with pytest.raises(ParameterError, match="RUN_NAME must be a plain folder name"):
        notebook.check_parameters(RUN_NAME=(name, checks.folder_name))
    with pytest.raises(ParameterError, match="RUN_NAME must be a plain folder name"):
        notebook.run_folder(name)
    assert notebook.run_folder("mnist-mlp 2") == tmp_path / "runs" / "mnist-mlp 2"
    assert notebook.run_folder("生成器") == tmp_path / "runs" / "生成器"


def test_case_39b_restart_renames_only_a_runs_own_folder(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "03_mnist_gan.ipynb").write_text("{}")
    with pytest.raises(InputError, match="not a training run's folder"):
        start_or_resume(notebooks, small_gan(), mode="restart")
    assert (notebooks / "03_mnist_gan.ipynb").exists() and sorted(os.listdir(tmp_path)) == ["notebooks"]


def test_case_40_a_second_process_training_into_the_same_run_is_refused_by_name(tiny_mnist, tmp_path):
    run_dir, progress = tmp_path / "run", tmp_path / "progress"
    first = subprocess.Popen([sys.executable, "-c", TRAINER, str(tiny_mnist), str(run_dir), str(progress)])
    try:
        wait_for_steps(first, progress, 5)
        second = small_gan(seed=1)
        batches = ganlib.ShuffledBatches(ganlib.load_mnist(tiny_mnist)[0], 16)
        with pytest.raises(RunInUse, match=rf"Another process is training this run.*process {first.pid}.*another name"):
            ganlib.fit(second, batches, max_steps=50, callbacks=[Checkpointer(run_dir, every=4)], progress=False)
        assert second.step == 0
        with pytest.raises(RunInUse):
            start_or_resume(run_dir, small_gan(), mode="restart")  # nor renamed under its feet
    finally:
        first.kill()
        first.wait(timeout=30)
    saved = read_checkpoint(run_dir / LAST)["step"]
    again = small_gan()
    assert ganlib.resume(run_dir, again) and again.step == saved  # the lock died with its process
    ganlib.fit(again, batches, max_steps=saved + 2, callbacks=[Checkpointer(run_dir, every=4)], progress=False)
    assert read_checkpoint(run_dir / LAST)["step"] == saved + 2


def test_case_41_a_checkpointer_never_saves_over_a_run_that_is_further_along(tiny_mnist, tmp_path):
    batches = ganlib.ShuffledBatches(ganlib.load_mnist(tiny_mnist)[0], 16)
    ahead = small_gan()
    ganlib.fit(ahead, batches, max_steps=8, callbacks=[Checkpointer(tmp_path, every=4)], progress=False)
    behind = small_gan()
    with pytest.raises(CheckpointError, match="step 8, further along than this GAN.*Resume it first"):
        ganlib.fit(behind, batches, max_steps=4, callbacks=[Checkpointer(tmp_path, every=4)], progress=False)
    assert read_checkpoint(tmp_path / LAST)["step"] == 8 and behind.step == 0


# --- silently wrong ----------------------------------------------------------------------


def test_case_42_resuming_applies_the_settings_given_now_and_says_which_changed(tiny_mnist, tmp_path, capsys):
    batches = ganlib.ShuffledBatches(ganlib.load_mnist(tiny_mnist)[0], 16)
    first = small_gan(lr=2e-4, loss="minimax")
    ganlib.fit(first, batches, max_steps=4, callbacks=[Checkpointer(tmp_path, every=4)], progress=False)
    capsys.readouterr()
    again = small_gan(lr=1e-4, betas=(0.0, 0.99), loss="non-saturating")
    assert ganlib.resume(tmp_path, again) and again.step == 4
    assert again.g_optimizer.param_groups[0]["lr"] == 1e-4 and again.d_optimizer.param_groups[0]["lr"] == 1e-4
    assert again.g_optimizer.param_groups[0]["betas"] == (0.0, 0.99) and again.loss == "non-saturating"
    said = capsys.readouterr().out
    assert "settings given now" in said and "lr 0.0002 → 0.0001" in said and "'minimax' → 'non-saturating'" in said
    same = small_gan(lr=1e-4, betas=(0.0, 0.99))
    save_checkpoint(tmp_path / "same.pt", again)
    ganlib.load_checkpoint(tmp_path / "same.pt", same)
    assert "settings" not in capsys.readouterr().out  # nothing to say when nothing changed


def test_case_43_a_zero_is_a_value_not_a_missing_one():
    gan = small_gan(lr=1e-3, d_lr=0.0)
    assert gan.d_optimizer.param_groups[0]["lr"] == 0.0 and gan.g_optimizer.param_groups[0]["lr"] == 1e-3
    with pytest.raises(InputError, match="threads must be a whole number of at least 1; got 0"):
        ganlib.configure_threads(0)
    with pytest.raises(InputError, match="nrow must be a whole number of at least 1; got 0"):
        pictures.image_grid(torch.zeros(4, 1, 28, 28), nrow=0)


@pytest.mark.parametrize("case, scale, advice", [
    ("44a images in [0, 1]", lambda x: (x + 1) / 2, r"look like images in \[0, 1\].*x \* 2 - 1"),
    ("44b bytes 0-255", lambda x: (x + 1) * 127.5, r"must lie in \[-1, 1\].*x / 127\.5 - 1"),
])
def test_case_44_images_in_the_wrong_range_are_refused_where_they_enter_training_and_plots(case, scale, advice, tiny_mnist):
    images = scale(ganlib.load_mnist(tiny_mnist)[0])
    gan = small_gan()
    with pytest.raises(InputError, match=advice):
        ganlib.fit(gan, ganlib.ShuffledBatches(images, 16), max_steps=2, progress=False)
    assert gan.step == 0
    with pytest.raises(InputError, match=advice):
        pictures.show_images(images[:8])
    zero_one = (ganlib.load_mnist(tiny_mnist)[0][:8] + 1) / 2
    drawn = pictures.image_grid(zero_one, value_range=(0, 1))  # said on purpose: drawn as they are
    assert drawn.min() == 0.0 and drawn.max() == 1.0


def test_case_45_latent_tools_stay_finite_and_keep_the_latent_length():
    z = torch.randn(100, generator=torch.Generator().manual_seed(0))
    path = latent.interpolate(torch.zeros(100), z, steps=5)
    assert torch.isfinite(path).all() and torch.allclose(path[-1], z) and torch.allclose(path[0], torch.zeros(100))
    walk = latent.random_walk(z[None], steps=4)  # a batch of one, as board_z[3:4] gives it
    assert walk.shape == (4, 100) and torch.allclose(walk[1:].norm(dim=1), torch.full((3,), 10.0), atol=1e-4)
    generator = MLPGenerator(latent_dim=8, hidden=(16,))
    for options in ({"share": 0.0}, {"n": 1}, {"n": 3, "share": 0.25}):
        with pytest.raises(InputError, match="share|n must be"):
            latent.direction_of(generator, latent.ink, **options)
    assert torch.isfinite(latent.direction_of(generator, latent.ink, n=8, share=0.25)).all()


@pytest.mark.parametrize("case, images, message", [
    ("46a images of the wrong size", np.zeros((5, 32, 32)), "images of 32 × 32 pixels"),
    ("46b no images at all", np.zeros((0, 28, 28)), "no items at all"),
])
def test_case_46_the_setup_check_fails_mnist_files_that_are_not_mnist(case, images, message, tiny_mnist, idx_writer):
    from ganlib.workbook.setup_check import check_mnist

    raw = tiny_mnist / "MNIST" / "raw"
    idx_writer(raw / "t10k-images-idx3-ubyte", images)
    idx_writer(raw / "t10k-labels-idx1-ubyte", np.zeros(len(images)))
    with pytest.raises(DataError, match=message):
        ganlib.load_mnist(tiny_mnist, train=False)
    check = check_mnist(tiny_mnist)
    assert check.ok is False and message in check.details


def test_case_47_quick_mode_reads_yes_and_no_as_people_write_them(monkeypatch):
    for text, expected in {"false": False, "no": False, "OFF": False, "0": False, "": False,
                           "1": True, "true": True, "Yes": True, "on": True}.items():
        monkeypatch.setenv("GANLIB_QUICK", text)
        assert notebook.quick_mode() is expected, text
    monkeypatch.setenv("GANLIB_QUICK", "sometimes")
    with pytest.raises(ParameterError, match="GANLIB_QUICK must be 1 or 0"):
        notebook.quick_mode()


def test_case_48_the_classifier_gives_no_verdict_on_nan_images():
    with pytest.raises(InputError, match="NaN"):
        metrics.classify(torch.full((4, 1, 28, 28), float("nan")))


# --- cryptic ---------------------------------------------------------------------------------


def test_case_49_noise_and_batches_of_the_wrong_kind_get_the_line_that_converts_them():
    generator = ganlib.pretrained.load_generator("mlp_mnist")
    assert ganlib.generate(generator, torch.randn(3, 100, dtype=torch.float64)).dtype == torch.float32
    assert ganlib.generate(generator, torch.randn(100)).shape == (1, 1, 28, 28)  # one vector: a batch of one
    with pytest.raises(InputError, match=r"NumPy ndarray.*torch\.from_numpy"):
        ganlib.generate(generator, np.random.randn(3, 100))
    with pytest.raises(InputError, match=r"floats.*torch\.randn"):
        ganlib.generate(generator, torch.ones(3, 100, dtype=torch.long))
    gan = small_gan()
    batch = torch.rand(8, 1, 28, 28) * 2 - 1
    with pytest.raises(InputError, match=r"NumPy ndarray.*torch\.from_numpy"):
        ganlib.train_step(gan, batch.numpy())
    with pytest.raises(InputError, match=r"expects images of shape \(1, 28, 28\).*\(1, 32, 32\)"):
        ganlib.train_step(gan, torch.zeros(8, 1, 32, 32))
    with pytest.raises(InputError, match=r"floats in \[-1, 1\].*x / 127\.5 - 1"):
        ganlib.train_step(gan, ((batch + 1) * 127.5).to(torch.uint8))
    ganlib.train_step(gan, batch.double())  # float64 is simply converted
    assert gan.step == 1


@pytest.mark.parametrize("budget, message", [
    ({"max_steps": "100"}, "max_steps must be a whole number.*without quotes"),
    ({"max_steps": 2.5}, "max_steps must be a whole number"),
    ({"max_seconds": "30"}, "max_seconds must be a number.*without quotes"),
    ({"max_seconds": 0}, "max_seconds must be a number greater than 0"),
])
def test_case_50_budgets_that_are_not_numbers(budget, message):
    with pytest.raises(InputError, match=message):
        ganlib.fit(small_gan(), iter([]), progress=False, **budget)


def test_case_51_one_callback_need_not_be_in_a_list(tiny_mnist, tmp_path):
    batches = ganlib.ShuffledBatches(ganlib.load_mnist(tiny_mnist)[0], 16)
    gan = small_gan()
    ganlib.fit(gan, batches, max_steps=3, callbacks=Checkpointer(tmp_path, every=2), progress=False)
    assert read_checkpoint(tmp_path / LAST)["step"] == 3
    with pytest.raises(InputError, match="callbacks must be a list of ganlib callbacks"):
        ganlib.fit(gan, batches, max_steps=4, callbacks=[print], progress=False)


def test_case_52_a_dataloader_over_a_tensor_dataset_trains_for_as_many_epochs_as_asked(tiny_mnist):
    images, labels = ganlib.load_mnist(tiny_mnist)
    gan = small_gan()
    loader = DataLoader(TensorDataset(images), batch_size=32, shuffle=True)  # yields [images], 3 per epoch
    ganlib.fit(gan, loader, max_steps=7, progress=False)
    assert gan.step == 7
    with_labels = DataLoader(TensorDataset(images, labels), batch_size=32)  # (images, labels): labels unused here
    ganlib.fit(gan, with_labels, max_steps=9, progress=False)
    assert gan.step == 9
    with pytest.raises(InputError, match="not the images themselves.*ShuffledBatches"):
        ganlib.fit(gan, images, max_steps=10, progress=False)


def test_case_53_batches_that_run_out_or_break_still_leave_the_last_sound_step_saved(tiny_mnist, tmp_path, capsys):
    images = ganlib.load_mnist(tiny_mnist)[0]
    gan = small_gan()
    ganlib.fit(gan, iter(images.split(16)), max_steps=100, callbacks=[Checkpointer(tmp_path, every=50)], progress=False)
    assert gan.step == 6 and read_checkpoint(tmp_path / LAST)["step"] == 6
    assert "ran out at step 6" in capsys.readouterr().out
    broken = iter([images[:16], images[16:32], torch.zeros(16, 3, 28, 28)])
    with pytest.raises(InputError, match="expects images of shape"):
        ganlib.fit(gan, broken, max_steps=100, callbacks=[Checkpointer(tmp_path, every=50)], progress=False)
    assert read_checkpoint(tmp_path / LAST)["step"] == 8  # the two good steps before the error


@pytest.mark.parametrize("labels, message", [
    (torch.tensor([10, 1]), "from 0 to 9; got values from 1 to 10"),
    (torch.tensor([-1, 1]), "from 0 to 9; got values from -1 to 1"),
    (torch.tensor([2.0, 3.0]), r"whole numbers \(torch\.long\).*\.long\(\)"),
    (torch.tensor([1, 2, 3]), r"one class per image: shape \(2,\)"),
    (None, "needs labels"),
])
def test_case_54_a_conditional_generator_asked_for_a_class_it_does_not_have(labels, message):
    generator = ConditionalMLPGenerator(hidden=(16,))
    with pytest.raises(InputError, match=message):
        ganlib.generate(generator, torch.randn(2, 100), labels)
    blend = torch.tensor([[0.5] * 2 + [0.0] * 8, [0.0] * 9 + [1.0]])
    assert ganlib.generate(generator, torch.randn(2, 100), blend).shape == (2, 1, 28, 28)
    with pytest.raises(InputError, match="not conditional"):
        ganlib.generate(MLPGenerator(), torch.randn(2, 100), torch.tensor([1, 2]))


def test_case_55_latent_tools_given_a_batch_where_they_take_a_vector():
    board = torch.randn(12, 100)
    with pytest.raises(InputError, match=r"one latent vector.*got shape \(12, 100\).*a\[0\]"):
        latent.interpolate(board, board[1])
    with pytest.raises(InputError, match=r"one latent vector of shape \(100,\); got shape \(64,\)"):
        latent.interpolate(board[0], torch.randn(64))
    assert latent.interpolate(board[0:1], board[1:2], steps=3).shape == (3, 100)
    with pytest.raises(InputError, match=r"parents must be a batch.*z\[None\]"):
        evolution.breed(board[0], 4)


def test_case_56_an_evolution_pick_that_does_not_exist_is_refused_and_not_recorded():
    evolution = Evolution(100, size=6)
    before = evolution.population.clone()
    for picks, message in (([7], "from 0 to 5; got 7"), ([-1], "from 0 to 5; got -1"), ([1, 1], "at most once"),
                           (["2"], "whole number"), ("0, 1", "list of member numbers")):
        with pytest.raises(InputError, match=message):
            evolution.next_generation(picks)
    assert evolution.picks == [] and evolution.generation == 0 and torch.equal(evolution.population, before)
    evolution.next_generation(torch.tensor([4, 2]))  # the argsort of a score is fine too
    assert evolution.picks == [[4, 2]] and torch.equal(evolution.population[:2], before[[4, 2]])


@pytest.mark.parametrize("generator", [DCGANGenerator(), ConditionalMLPGenerator()], ids=["dcgan", "conditional"])
def test_case_57_the_explorer_says_which_generators_it_explores(generator):
    with pytest.raises(InputError, match=r"works on an MLP generator.*got a (DCGANGenerator|ConditionalMLPGenerator)"):
        LatentExplorer(generator)


def test_case_58_no_images_no_figures():
    empty = torch.empty(0, 1, 28, 28)
    with pytest.raises(InputError, match="at least 1 image; got 0"):
        metrics.classify(empty)
    with pytest.raises(InputError, match="at least 6 images; got 3"):
        metrics.score(torch.zeros(3, 1, 28, 28), metrics.Classified(torch.ones(6, 10) / 10, torch.randn(6, 128)))
    with pytest.raises(InputError, match=r"with N at least 6; got shape \(2, 128\)"):
        metrics.precision_recall_density_coverage(torch.randn(20, 128), torch.randn(2, 128))


def test_case_59_more_neighbours_than_training_images():
    pool = torch.rand(3, 1, 28, 28) * 2 - 1
    with pytest.raises(InputError, match="k must be a whole number from 1 to 3; got 5"):
        metrics.nearest_training_images(pool[:1], pool, k=5)
    assert metrics.nearest_training_images(pool[:1], pool, k=3)[0].shape == (1, 3)


def test_case_60_a_provenance_label_that_is_not_json_and_a_model_that_is_not_a_name(tmp_path):
    import PIL.Image
    import PIL.PngImagePlugin

    info = PIL.PngImagePlugin.PngInfo()
    info.add_text(KEY, "made by hand")
    PIL.Image.new("L", (4, 4)).save(tmp_path / "other.png", pnginfo=info)
    with pytest.raises(InputError, match="not one written by ganlib.*'made by hand'"):
        read_label(tmp_path / "other.png")
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(InputError, match="not an image file"):
        read_label(tmp_path / "notes.png")
    with pytest.raises(InputError, match=r'model names the generator, as text \(such as "mlp_mnist"\)'):
        save_labelled_png(torch.zeros(1, 28, 28), tmp_path / "idea.png", model=MLPGenerator(), seed=0)


def test_case_61_one_image_in_any_shape_or_a_batch_is_saved_labelled(tmp_path):
    for name, image in {"plain": torch.zeros(28, 28), "channel": torch.zeros(1, 28, 28),
                        "batch-of-one": torch.zeros(1, 1, 28, 28)}.items():
        path = save_labelled_png(image, tmp_path / f"{name}.png", model="mlp_mnist", seed=1, scale=1)
        assert read_label(path)["seed"] == 1 and png_size(path) == (28, 28)
    board = save_labelled_png(torch.zeros(4, 1, 28, 28), tmp_path / "board.png", model="mlp_mnist", seed=2, scale=1)
    assert read_label(board)["generated"] and png_size(board) == (62, 62)  # a 2 × 2 grid with 2-pixel gaps
    with pytest.raises(InputError, match=r"\.png"):
        save_labelled_png(torch.zeros(28, 28), tmp_path / "idea.jpg", model="mlp_mnist", seed=1)


def png_size(path: Path) -> tuple[int, int]:
    import PIL.Image

    with PIL.Image.open(path) as picture:
        return picture.size


def test_case_62_a_runs_folder_that_is_a_file_or_read_only(tmp_path, monkeypatch):
    (tmp_path / "runs").write_text("I am a file")
    monkeypatch.setenv("GANLIB_RUNS", str(tmp_path / "runs"))
    with pytest.raises(ParameterError, match="runs folder .* is a file, not a folder.*Set GANLIB_RUNS"):
        notebook.run_folder("mnist-mlp")
    monkeypatch.setenv("GANLIB_RUNS", str(tmp_path / "elsewhere"))

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(checks.tempfile, "TemporaryFile", read_only)
    with pytest.raises(ParameterError, match="Cannot write into the runs folder.*Read-only file system.*GANLIB_RUNS"):
        notebook.runs_folder()


def test_case_62b_a_read_only_checkpoint_folder_does_not_blame_the_disk_space(tmp_path, monkeypatch):
    def read_only(obj, file):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(torch, "save", read_only)
    with pytest.raises(CheckpointError, match="Read-only file system.*folder you can write to"):
        save_checkpoint(tmp_path / LAST, small_gan())


def test_case_63_restarting_twice_within_a_second_keeps_both_earlier_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(time, "strftime", lambda *args: "20261202-101500")  # the same second, three times
    run_dir = tmp_path / "run"
    for step in (1, 2, 3):
        gan = small_gan()
        gan.step = step
        save_checkpoint(run_dir / LAST, gan)
        start_or_resume(run_dir, small_gan(), mode="restart")
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert kept == ["run-before-20261202-101500", "run-before-20261202-101500-2", "run-before-20261202-101500-3"]
    assert [read_checkpoint(tmp_path / name / LAST)["step"] for name in kept] == [1, 2, 3]


def test_case_64_continuing_with_another_batch_size_goes_on_from_the_same_place(tiny_mnist, tmp_path, capsys):
    images = ganlib.load_mnist(tiny_mnist)[0]
    batches = ganlib.ShuffledBatches(images, 8)
    gan = small_gan()
    ganlib.fit(gan, batches, max_steps=9, callbacks=[Checkpointer(tmp_path, every=100, batches=batches)], progress=False)
    larger = ganlib.ShuffledBatches(images, 32)
    again = small_gan()
    ganlib.resume(tmp_path, again, larger)
    assert "batch size changed from 8 to 32" in capsys.readouterr().out
    ganlib.fit(again, larger, max_steps=15, progress=False)  # was: empty batches, then a reshape error
    assert again.step == 15 and larger.epoch >= 1


def test_case_65_checkpoints_and_pictures_every_zero_steps():
    with pytest.raises(InputError, match="every must be a whole number of at least 1; got 0"):
        Checkpointer("run", every=0)
    with pytest.raises(InputError, match="every must be a whole number of at least 1; got 0"):
        training_pictures.Dashboard(torch.randn(4, 100), every=0)


def test_case_66_an_empty_film_file_is_set_aside_and_the_film_starts_again(tmp_path, capsys):
    (tmp_path / "film.pt").write_bytes(b"")
    film = training_pictures.SampleFilm(torch.randn(4, 16), [0, 2], path=tmp_path / "film.pt")
    assert film.frames == {} and "could not be read" in capsys.readouterr().out
    assert [path.name.startswith("film.pt.unreadable-") for path in tmp_path.iterdir()] == [True]
    ganlib.fit(small_gan(), iter(torch.rand(4, 8, 1, 28, 28) * 2 - 1), max_steps=3, callbacks=[film], progress=False)
    assert sorted(training_pictures.SampleFilm(torch.randn(4, 16), [0], path=tmp_path / "film.pt").frames) == [0, 2, 3]


def test_case_67_make_lab_refuses_a_foreign_host_header(tmp_path):
    import http.client
    import re

    from labserver import running_lab

    with running_lab(tmp_path) as lab:
        def status(host: str) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=10)
            connection.request("GET", f"/api/contents?token={lab.token}", headers={"Host": host})
            return connection.getresponse().status

        assert status(f"127.0.0.1:{lab.port}") == 200
        assert status(f"localhost:{lab.port}") == 200
        assert status("evil.example.com") == 403  # DNS rebinding: a page elsewhere cannot reach the lab
        assert re.search(r"Blocking request with non-local 'Host' evil\.example\.com", lab.log.read_text())


# --- the rest of the same kinds, found by probing every public function ---------------------


def test_case_68_a_film_pointed_at_the_run_folder_or_its_checkpoint_moves_nothing(tmp_path):
    run_dir = tmp_path / "run"
    save_checkpoint(run_dir / LAST, small_gan())
    for path, message in ((run_dir, "is a folder"), (run_dir / LAST, "something other than a film")):
        with pytest.raises(InputError, match=message):
            training_pictures.SampleFilm(torch.randn(4, 16), [0], path=path)
    assert sorted(os.listdir(tmp_path)) == ["run"] and sorted(os.listdir(run_dir)) == [LAST]
    assert ganlib.resume(run_dir, small_gan())


def test_case_69_a_checkpointer_never_saves_over_another_models_run(tiny_mnist, tmp_path):
    other = ganlib.make_gan(MLPGenerator(latent_dim=16, hidden=(8,)), MLPDiscriminator(hidden=(8,)))
    save_checkpoint(tmp_path / LAST, other)
    before = (tmp_path / LAST).read_bytes()
    with pytest.raises(CheckpointError, match="saved from a different generator"):
        ganlib.fit(small_gan(), iter([torch.rand(8, 1, 28, 28) * 2 - 1] * 3), max_steps=3,
                   callbacks=[Checkpointer(tmp_path, every=1)], progress=False)
    assert (tmp_path / LAST).read_bytes() == before


@pytest.mark.parametrize("content", [b"half a checkpo", None], ids=["damaged", "someone else's torch file"])
def test_case_70_an_unreadable_checkpoint_is_set_aside_not_overwritten(content, tmp_path, capsys):
    if content is None:
        torch.save({"my": "notes"}, tmp_path / LAST)
    else:
        (tmp_path / LAST).write_bytes(content)
    before = (tmp_path / LAST).read_bytes()
    ganlib.fit(small_gan(), iter([torch.rand(8, 1, 28, 28) * 2 - 1] * 2), max_steps=2,
               callbacks=[Checkpointer(tmp_path, every=1)], progress=False)
    kept = [path for path in tmp_path.iterdir() if path.name.startswith(f"{LAST}.unreadable-")]
    assert len(kept) == 1 and kept[0].read_bytes() == before and "It is kept as" in capsys.readouterr().out
    assert read_checkpoint(tmp_path / LAST)["step"] == 2


def test_case_71_restart_checks_the_gan_before_renaming_anything(tmp_path):
    save_checkpoint(tmp_path / "run" / LAST, small_gan())
    with pytest.raises(InputError, match="needs the GAN that ganlib.make_gan"):
        start_or_resume(tmp_path / "run", "not a gan", mode="restart")
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_case_72_a_nan_fake_never_reaches_the_discriminators_weights():
    gan = small_gan()
    before = [p.detach().clone() for p in gan.discriminator.parameters()]
    real = torch.rand(4, 1, 28, 28) * 2 - 1
    stats = ganlib.discriminator_step(gan, real, torch.full((4, 1, 28, 28), float("nan")))
    assert not np.isfinite(stats["d_loss"])
    assert all(torch.equal(a, b) for a, b in zip(before, gan.discriminator.parameters()))
    with pytest.raises(InputError, match=r"must lie in \[-1, 1\]"):
        ganlib.discriminator_step(gan, (real + 1) * 127.5, real)


@pytest.mark.parametrize("call, message", [
    (lambda gan: ganlib.discriminator_step(gan, torch.rand(4, 1, 28, 28) * 2 - 1, torch.randn(4, 16)), "fakes must be"),
    (lambda gan: ganlib.discriminator_step(gan.generator, torch.rand(4, 1, 28, 28), torch.rand(4, 1, 28, 28)), "needs the GAN"),
    (lambda gan: ganlib.update_ema(gan.generator), "update_ema needs the GAN"),
    (lambda gan: ganlib.generator_step(gan, ganlib.generate(gan.generator, torch.randn(4, 16))), "carry no gradient"),
    (lambda gan: ganlib.sample_noise(gan, -1), "n must be a whole number of at least 0; got -1"),
    (lambda gan: ganlib.sample_noise(gan, "4"), "without quotes"),
    (lambda gan: ganlib.sample_noise(gan.generator, 4), "sample_noise needs the GAN"),
    (lambda gan: ganlib.generate(gan.discriminator, torch.randn(4, 16)), "is it the discriminator"),
    (lambda gan: ganlib.train_step(gan.generator, torch.rand(4, 1, 28, 28)), "needs the GAN"),
])
def test_case_73_the_step_functions_say_what_they_were_given_instead(call, message):
    with pytest.raises(InputError, match=message):
        call(small_gan())


def test_case_74_exercise_checks_read_any_kind_of_number_and_never_blame_the_learner_for_their_own_arguments():
    from ganlib import exercises

    right = 0.5 * (-np.log(0.9) - np.log(0.8))
    for answer in (torch.tensor(right), np.float32(right), right):
        assert exercises.check_01_discriminator_loss(answer).passed
    assert exercises.check_05_frechet_1d(torch.tensor(2.0)).passed
    said = repr(exercises.check_00_steps_per_epoch("468"))
    assert "without quotes" in said and "raised" not in said
    assert "without quotes" in repr(exercises.check_04_upsampling_layers("2"))
    assert "not a number" in repr(exercises.check_00_steps_per_epoch(np.array([468, 1])))
    assert "speed" in repr(exercises.check_00_minutes(5, 0))
    assert "0 or 1" in repr(exercises.check_07_which_is_copied(5, torch.zeros(2, 1, 28, 28), torch.zeros(3, 1, 28, 28)))
    assert "the GAN of the short 1-D game" in repr(exercises.check_01_bumps(2, small_gan()))
    assert "2-D GAN" in repr(exercises.check_02_no_collapse(small_gan()))
    assert "MNIST generator" in repr(exercises.check_03_layer_parameters(5, MLPGenerator(hidden=(8,))))

    def d_only(gan, real):
        ganlib.discriminator_step(gan, real, gan.generator(ganlib.sample_noise(gan, len(real))))

    assert "never changes the generator" in repr(exercises.check_02_train_step(d_only))


@pytest.mark.parametrize("call", [
    lambda: ganlib.seed_everything(-1), lambda: ganlib.seed_everything(2**40), lambda: ganlib.seed_everything(1.5),
    lambda: metrics.sample_generator(MLPGenerator(latent_dim=8, hidden=(8,)), 10, seed="a"),
    lambda: toy.ToyBatches(toy.ring(), 4, seed="a"),
    lambda: LatentExplorer(MLPGenerator(latent_dim=8, hidden=(8,)), seed=-1),
])
def test_case_75_a_seed_is_checked_wherever_one_is_taken(call):
    with pytest.raises(InputError, match="seed must be a whole number from 0 to 4294967295"):
        call()


def test_case_75b_a_bad_seed_in_a_notebook_is_a_parameter_error_at_its_first_cell():
    with pytest.raises(ParameterError, match="SEED must be a whole number"):
        notebook.setup(-1)


def test_case_76_notebook_06_refuses_an_idea_board_smaller_than_the_samples_it_uses(tmp_path, monkeypatch):
    import papermill

    monkeypatch.setenv("GANLIB_RUNS", str(tmp_path))
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(str(ROOT / "notebooks" / "06_creative_exploration.ipynb"), str(tmp_path / "out.ipynb"),
                                   parameters={"BOARD_SIZE": 2}, cwd=str(ROOT / "notebooks"), kernel_name="python3",
                                   progress_bar=False)
    assert caught.value.ename == "ParameterError" and "BOARD_SIZE must be a whole number from 6" in caught.value.evalue


@pytest.mark.parametrize("networks, message", [
    (lambda: (MLPGenerator(latent_dim=8, out_shape=(2,), tanh=False), MLPDiscriminator()), r"makes samples of shape \(2,\)"),
    (lambda: (MLPGenerator(), models.ConditionalMLPDiscriminator()), "Only one of the two networks is conditional"),
    (lambda: (MLPGenerator(), MLPGenerator()), "is it a generator"),
])
def test_case_77_make_gan_refuses_networks_that_cannot_play_together(networks, message):
    with pytest.raises(InputError, match=message):
        ganlib.make_gan(*networks())


def test_case_77b_a_batch_of_one_for_batch_normalised_networks():
    gan = ganlib.make_gan(DCGANGenerator(width=4), models.DCGANDiscriminator(width=4))
    with pytest.raises(InputError, match="batch of one cannot be normalised"):
        ganlib.train_step(gan, torch.rand(1, 1, 28, 28) * 2 - 1)


def test_case_78_a_gan_a_generator_and_a_history_are_told_apart():
    gan = small_gan()
    assert training_pictures.plot_history(gan) is not None  # a GAN stands for its history
    for call, message in (
        (lambda: save_checkpoint("x.pt", gan.generator), "save_checkpoint"),
        (lambda: ganlib.count_parameters(gan), "one network's numbers"),
        (lambda: training_pictures.plot_history(None), r"a run's history \(gan.history\)"),
        (lambda: training_pictures.compare_histories([gan.history]), "named runs"),
        (lambda: metrics.sample_generator("mlp_mnist", 10), "draws with a generator network"),
        (lambda: training_pictures.Dashboard(torch.randn(4, 16)).figure(gan.generator), "needs the GAN"),
    ):
        with pytest.raises(InputError, match=message):
            call()
    assert metrics.class_histogram(metrics.Classified(torch.eye(10), torch.zeros(10, 128))).tolist() == [1] * 10


def test_case_79_a_budget_the_run_has_passed_already_is_said_not_silently_skipped(capsys):
    gan = small_gan()
    gan.step = 5
    ganlib.fit(gan, iter([]), max_steps=3, progress=False)
    said = capsys.readouterr().out
    assert "at step 5 already" in said and "max_steps=gan.step + 200" in said


def test_case_80_reference_counts_and_the_neighbour_figures_check_their_inputs():
    with pytest.raises(InputError, match="n must be a whole number from 6 to 10"):
        metrics.real_floor(50, training_images=torch.zeros(10, 1, 28, 28))
    features = torch.randn(20, 128)
    for fake, message in ((torch.full((10, 128), float("nan")), "NaN"), (torch.randn(10, 64), "differ in size"),
                          (np.zeros((10, 128)), "NumPy"), (torch.randn(128), r"\(N, D\)")):
        with pytest.raises(InputError, match=message):
            metrics.precision_recall_density_coverage(features, fake)


@pytest.mark.parametrize("call, message", [
    (lambda: toy.modes_covered(torch.zeros(0, 2), toy.ring()), r"\(N, 2\) with N at least 1"),
    (lambda: toy.modes_covered(torch.zeros(5, 2), toy.ring(), share=0), "share must be a number greater than 0"),
    (lambda: toy.gaussian(0, 0), "std must be a number greater than 0"),
    (lambda: toy.ring(std=-1), "std must be a number greater than 0"),
    (lambda: toy.square(side=0), "side must be a whole number of at least 1"),
    (lambda: lesson02.check_optimal_discriminator(toy.ring(), toy.ring()), "works on the line"),
    (lambda: toy.ToyBatches("ring", 4), "toy distribution"),
])
def test_case_81_toy_data_refuses_what_has_no_meaning(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_case_82_creative_tools_never_return_nan():
    assert torch.isfinite(evolution.breed(torch.zeros(1, 100), 3, mutation=0.0)).all()
    with pytest.raises(InputError, match="NaN"):
        evolution.breed(torch.full((2, 100), float("nan")), 3)
    explorer = LatentExplorer(MLPGenerator(latent_dim=8, hidden=(16,)), components=2, samples=50)
    with pytest.raises(InputError, match="NaN"):
        explorer.render(torch.randn(1, 8), torch.full((1, 2), float("nan")))
    with pytest.raises(InputError, match="step_size must be a number from 0.0 to 100.0"):
        latent.random_walk(torch.randn(8), step_size=1e308)
    assert latent.slerp(torch.randn(8), torch.randn(8), 0.5).shape == (1, 8)
    with pytest.raises(InputError, match="property_of must be a function"):
        latent.direction_of(MLPGenerator(latent_dim=8, hidden=(8,)), "ink")


def test_case_83_labelled_pngs_check_range_paths_and_damage(tmp_path):
    with pytest.raises(InputError, match=r"look like images in \[0, 1\]"):
        save_labelled_png(torch.rand(1, 28, 28), tmp_path / "a.png", model="mlp_mnist", seed=0)
    for path, message in ((None, "must be a file or folder path"), (tmp_path / "missing" / "a.png", "there is no folder")):
        with pytest.raises(InputError, match=message):
            save_labelled_png(torch.zeros(1, 28, 28), path, model="mlp_mnist", seed=0)
    good = save_labelled_png(torch.zeros(1, 28, 28), tmp_path / "b.png", model="mlp_mnist", seed=0)
    (tmp_path / "cut.png").write_bytes(good.read_bytes()[:60])
    with pytest.raises(InputError, match="damaged image|not an image file"):
        read_label(tmp_path / "cut.png")
    with pytest.raises(InputError, match="must be a file or folder path"):
        ganlib.resume(None, small_gan())
    (tmp_path / "a-file").write_text("")
    with pytest.raises(CheckpointError, match="Could not write"):
        save_checkpoint(tmp_path / "a-file" / "x.pt", small_gan())


def test_case_84_load_mnist_flags_and_a_blank_runs_setting(tiny_mnist, monkeypatch, tmp_path):
    with pytest.raises(InputError, match="train must be True or False; got 'no'"):
        ganlib.load_mnist(tiny_mnist, train="no")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GANLIB_RUNS", "   ")  # blank: the default runs/ of the workbook, not a folder named "   "
    assert notebook.runs_folder() == (ROOT / "runs").resolve() and not (tmp_path / "   ").exists()
    monkeypatch.setenv("GANLIB_RUNS", "~no-such-user-here/runs")
    with pytest.raises(ParameterError, match="no such home folder"):
        notebook.runs_folder()


def test_case_85_settings_of_the_playground_experiments_setup_check_and_plots():
    from ganlib.evaluate import recipes
    from ganlib.workbook import playground, setup_check

    ground = playground.Playground(shown=10)
    for name, value, message in (("g_lr", -1, "g_lr must be a number from 0.0 to 1.0"), ("d_lr", "1e-3", "without quotes")):
        with pytest.raises(InputError, match=message):
            ground.set_option(name, value)
    assert ground.gan.g_optimizer.param_groups[0]["lr"] == 1e-3
    for options, message in (({"real_label": 2.0}, "real_label must be a number greater than 0"),
                             ({"instance_noise": -0.5}, "instance_noise must be a number of at least 0"),
                             ({"generator": MLPGenerator()}, "the class, without brackets")):
        with pytest.raises(InputError, match=message):
            recipes.Recipe(**options)
    for speed in (-5, 0, float("nan")):
        with pytest.raises(InputError, match="steps_per_second must be a number greater than 0"):
            setup_check.predict_notebook_03(speed)
    history = small_gan().history
    for call, message in ((lambda: training_pictures.plot_history(history, smooth=-5), "smooth must be a whole number of at least 1"),
                          (lambda: training_pictures.plot_film({0: torch.zeros(2, 1, 28, 28)}, per_frame=-1), "per_frame"),
                          (lambda: pictures.show_images(torch.zeros(2, 1, 28, 28), value_range=(0, 0)), "from low to high"),
                          (lambda: pictures.show_images(torch.zeros(2, 1, 28, 28), value_range=0.5), "a pair")):
        with pytest.raises(InputError, match=message):
            call()


def test_case_86_resume_refuses_the_wrong_batches_before_changing_anything(tiny_mnist, tmp_path):
    images = ganlib.load_mnist(tiny_mnist)[0]
    batches = ganlib.ShuffledBatches(images, 16)
    trained = small_gan()
    ganlib.fit(trained, batches, max_steps=3, progress=False)
    save_checkpoint(tmp_path / LAST, trained, batches)
    fresh = small_gan(seed=4)
    weights = [p.detach().clone() for p in fresh.generator.parameters()]
    for wrong, message in (([images[:16]], "stream you train on"), (toy.ToyBatches(toy.ring(), 4), "ToyBatches")):
        with pytest.raises(InputError, match=message):
            ganlib.load_checkpoint(tmp_path / LAST, fresh, wrong)
        assert fresh.step == 0 and all(torch.equal(a, b) for a, b in zip(weights, fresh.generator.parameters()))
    state = torch.load(tmp_path / LAST, weights_only=True)
    del state["history"]
    torch.save(state, tmp_path / "cut.pt")
    with pytest.raises(CheckpointError, match="incomplete ganlib checkpoint .*history"):
        ganlib.load_checkpoint(tmp_path / "cut.pt", fresh)


def test_case_87_pretrained_names_devices_snapshots_and_single_values():
    with pytest.raises(CheckpointError, match="dcgan_mnist ships without a snapshot series; mlp_mnist has one"):
        ganlib.pretrained.load_snapshots("dcgan_mnist")
    with pytest.raises(CheckpointError, match="choose one of"):
        ganlib.pretrained.load_generator(["mlp_mnist"])
    with pytest.raises(InputError, match='device must be "cpu", "cuda" or "mps"'):
        ganlib.pretrained.load_generator("mlp_mnist", device="gpu")
    with pytest.raises(InputError, match=r"one label per image \(4\); got shape \(\)"):
        ganlib.ShuffledBatches(torch.zeros(4, 1, 28, 28), 2, labels=torch.tensor(3))
    film = training_pictures.SampleFilm(torch.randn(2, 16), 5)
    assert film.at_steps == {5}
    samples = torch.rand(12, 1, 28, 28) * 2 - 1
    assert len(metrics.only_digits(samples, 3)) <= 12


@pytest.mark.parametrize("build, message", [
    (lambda: MLPGenerator(latent_dim=0), "latent_dim must be a whole number of at least 1; got 0"),
    (lambda: MLPGenerator(latent_dim=8.0), "latent_dim must be a whole number"),
    (lambda: MLPGenerator(hidden="256"), "hidden must be a tuple of sizes"),
    (lambda: models.DCGANGenerator(width=0), "width must be a whole number of at least 1"),
])
def test_case_88_network_sizes_are_whole_numbers_of_at_least_one(build, message):
    with pytest.raises(InputError, match=message):
        build()
    assert MLPGenerator(latent_dim=8, hidden=16).net[0].out_features == 16  # one size will do


def test_case_89_plots_widgets_and_parameter_rules_given_nothing_or_the_wrong_shape():
    from ganlib.pictures import scores
    from ganlib.workbook import widgets

    for call, message in ((lambda: scores.plot_class_histograms({}), "Expected"),
                          (lambda: scores.plot_class_histograms({"a": [1, 2]}), "ten counts"),
                          (lambda: scores.ScoreTable({"a": 5}), "Expected"),
                          (lambda: scores.plot_quality_over_steps({}), "Expected"),
                          (lambda: widgets.frame_slider([], []), "at least one frame"),
                          (lambda: widgets.evolution_board(MLPGenerator(), Evolution(100, size=4), columns=0), "columns")):
        with pytest.raises(InputError, match=message):
            call()
    for rule in (5, (5,), ("auto", "auto")):
        with pytest.raises(TypeError, match="the rule for P must be"):
            notebook.check_parameters(P=rule)
