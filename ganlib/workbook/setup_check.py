"""The pre-flight check of notebook 00: is this machine ready for the workbook?

Each check gives one row of a table: a status, what was found, and, for a problem, what
to do about it. Statuses are [OK], [FAIL] (fix this before the workshop starts) and
[LOOK] (only your eyes can tell: the widget check, since the kernel cannot see the
screen).
"""

from __future__ import annotations

import html
import platform
import sys
import time
from dataclasses import dataclass
from importlib import metadata

import psutil
import torch
from packaging.requirements import Requirement

from ganlib import checks
from ganlib.data.mnist import display_path, ensure_mnist
from ganlib.errors import DataError
from ganlib.evaluate import stability
from ganlib.evaluate.recipes import NOTEBOOK_03, NOTEBOOK_03_LENGTH, NOTEBOOK_04_LENGTH, Recipe
from ganlib.gan.device import physical_cores, pick_device
from ganlib.gan.steps import train_step

MNIST_TRAIN_SIZE = 60_000
MIN_FREE_MEMORY_GB = 1.5


@dataclass
class Check:
    """One row of the table. `ok` is True, False, or None for "look for yourself"."""

    name: str
    ok: bool | None
    found: str
    fix: str = ""
    details: str = ""  # a longer explanation, printed below the table

    @property
    def status(self) -> str:
        return {True: "[OK]", False: "[FAIL]", None: "[LOOK]"}[self.ok]


class CheckTable:
    """The checks as a table: HTML in JupyterLab, aligned text everywhere else."""

    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks

    @property
    def all_ok(self) -> bool:
        return all(check.ok is not False for check in self.checks)

    def __repr__(self) -> str:
        width = max(len(check.name) for check in self.checks)
        lines = []
        for check in self.checks:
            lines.append(f"{check.status:7} {check.name:{width}}  {check.found}")
            if check.fix:
                lines.append(f"{'':7} {'':{width}}  fix: {check.fix}")
        lines += [f"\n{check.name}:\n{check.details}" for check in self.checks if check.details]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colours = {True: "#1a7f37", False: "#cf222e", None: "#9a6700"}
        rows = "".join(
            f"<tr><td style='color:{colours[c.ok]};font-weight:bold'>{c.status}</td>"
            f"<td style='text-align:left'>{html.escape(c.name)}</td>"
            f"<td style='text-align:left'>{html.escape(c.found)}</td>"
            f"<td style='text-align:left'>{html.escape(c.fix)}</td></tr>"
            for c in self.checks
        )
        head = "<tr><th></th><th>check</th><th>found</th><th>what to do</th></tr>"
        details = "".join(f"<p><b>{html.escape(c.name)}</b></p><pre>{html.escape(c.details)}</pre>" for c in self.checks if c.details)
        return f"<table>{head}{rows}</table>{details}"


def check_python() -> Check:
    version = platform.python_version()
    ok = sys.version_info >= (3, 10)
    return Check("Python", ok, version, "" if ok else "Install Python 3.10 or newer, then run `make lab` again.")


def check_packages() -> list[Check]:
    """Every package the workbook needs (ganlib's requirements, lab extras included)."""
    checks = []
    for line in metadata.requires("ganlib") or []:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate({"extra": "lab"}):
            continue  # test-only packages, or packages for another Python version
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            checks.append(Check(requirement.name, False, "not installed", "Run `make lab` (it installs everything)."))
            continue
        ok = requirement.specifier.contains(version, prereleases=True)
        fix = "" if ok else f"Needs {requirement.name}{requirement.specifier}; run `make clean-venv lab`."
        checks.append(Check(requirement.name, ok, version, fix))
    return checks


def check_cpu() -> Check:
    cores = physical_cores()
    found = f"{cores} core{'s' if cores > 1 else ''} for PyTorch ({psutil.cpu_count()} logical)"
    if cores >= 2:
        return Check("CPU", True, found)
    return Check("CPU", True, found, "One core works, at about half speed: use the pretrained fallback in notebook 03.")


def check_memory() -> Check:
    memory = psutil.virtual_memory()
    free = memory.available / 2**30
    found = f"{free:.1f} GB free of {memory.total / 2**30:.1f} GB"
    ok = free >= MIN_FREE_MEMORY_GB
    fix = "" if ok else f"The notebooks need about {MIN_FREE_MEMORY_GB} GB: close other programs or browser tabs."
    return Check("memory", ok, found, fix)


def check_gpu() -> Check:
    device = pick_device()
    if device.type == "cuda":
        return Check("GPU", True, f"CUDA: {torch.cuda.get_device_name(0)} (training will be faster)")
    if device.type == "mps":
        return Check("GPU", True, "Apple GPU (MPS) (training will be faster)")
    return Check("GPU", True, "none; the CPU is all the workbook needs")


def check_mnist(root=None) -> Check:
    """MNIST present and intact, downloading it if it is missing."""
    try:
        folder = ensure_mnist(root)
    except DataError as error:
        first_line = str(error).splitlines()[0]
        return Check("MNIST", False, first_line, "See the full message below the table.", details=str(error))
    return Check("MNIST", True, f"all 4 files, intact, in {display_path(folder)}")


def widget_probe():
    """A slider that reports back when a browser draws it (ipywidgets' view count)."""
    import ipywidgets as widgets

    probe = widgets.IntSlider(value=5, min=0, max=10, description="widgets?")
    probe._view_count = 0  # 0 switches counting on; the browser adds 1 per view it draws
    return probe


def check_widget(probe) -> Check:
    if probe is not None and (probe._view_count or 0) > 0:
        return Check("widgets", True, "the slider above was drawn by your browser")
    return Check(
        "widgets", None, "the kernel cannot tell whether a slider was drawn above",
        "If you see no slider above: run `make lab` again and reload the page; in VS Code, install the Jupyter extension.",
    )


def measure_training_speed(steps: int = 40, warmup: int = 10, recipe: Recipe = NOTEBOOK_03) -> float:
    """Training steps per second of notebook 03's model and settings on this machine
    (on random images: the speed does not depend on what the pixels show)."""
    steps, warmup = checks.whole_number(steps, "steps", 1), checks.whole_number(warmup, "warmup", 0)
    gan = recipe.build(seed=0)
    images = torch.rand(recipe.batch_size, 1, 28, 28, device=gan.device) * 2 - 1
    for _ in range(warmup):
        train_step(gan, images)
    started = time.perf_counter()
    for _ in range(steps):
        train_step(gan, images)
    return steps / (time.perf_counter() - started)


def notebook_03_length(steps_per_second: float) -> tuple[int, float]:
    """The steps notebook 03 trains here at its defaults, and the minutes that takes: all its
    epochs, or as many steps as fit in its time limit."""
    epochs, max_minutes = NOTEBOOK_03_LENGTH["EPOCHS"], NOTEBOOK_03_LENGTH["MAX_MINUTES"]
    all_steps = epochs * (MNIST_TRAIN_SIZE // NOTEBOOK_03.batch_size)
    minutes = min(all_steps / steps_per_second / 60, max_minutes)
    return min(all_steps, int(minutes * 60 * steps_per_second)), minutes


def predict_notebook_03(steps_per_second: float) -> Check:
    """How long notebook 03's training takes here, and whether it fits its time limit."""
    steps_per_second = checks.number(steps_per_second, "steps_per_second", above=0.0)
    epochs, max_minutes = NOTEBOOK_03_LENGTH["EPOCHS"], NOTEBOOK_03_LENGTH["MAX_MINUTES"]
    steps_per_epoch = MNIST_TRAIN_SIZE // NOTEBOOK_03.batch_size
    minutes = epochs * steps_per_epoch / steps_per_second / 60
    found = f"{steps_per_second:.0f} steps/s: {epochs} epochs ({epochs * steps_per_epoch:,} steps) take about {minutes:.1f} min"
    if minutes <= max_minutes:
        return Check("training speed", True, found)
    steps, _ = notebook_03_length(steps_per_second)
    return Check(
        "training speed", False, found,
        f"Notebook 03 stops after {max_minutes:g} min, at about epoch {steps / steps_per_epoch:.1f}: "
        "the advice below the table says what that means here.",
    )


def running_kernels() -> int:
    """How many Jupyter kernels (this one included) this user runs on this machine."""
    me = psutil.Process().username()
    count = 0
    for process in psutil.process_iter(["cmdline", "username"]):
        cmdline = process.info["cmdline"] or []
        if process.info["username"] == me and any("ipykernel" in part for part in cmdline[:3]):
            count += 1
    return count


def check_kernels(count: int | None = None) -> Check:
    """Each workbook kernel holds 0.7 to 1.3 GB; Binder stops a server at 2 GB."""
    count = running_kernels() if count is None else count
    if count <= 1:
        return Check("kernels", True, "this notebook's kernel is the only one running")
    return Check(
        "kernels", False, f"{count} Jupyter kernels are running, each holding up to 1.3 GB",
        "Shut down the kernels of notebooks you have finished: the Running panel (the circle with a square, "
        "left edge of JupyterLab) > Shut Down. On Binder two or three kernels fill its 2 GB and the server stops.",
    )


DCGAN_STEP_COST = 3.0
"""A DCGAN step takes about this many times as long as an MLP step on a CPU: notebook 04
prints the ratio it measured, and a test keeps this figure close to its committed one."""

NOTEBOOK_04_OTHER_SECONDS = 50
"""Notebook 04's time at its defaults besides training: loading MNIST and the shipped runs,
scoring and drawing (in its committed run, the total time minus the training times it
prints; a test keeps the two in step)."""


NOTEBOOK_04_STATED_MINUTES = 11
"""The run time notebook 04 states near its top (a test keeps the two equal). Where the
estimate here is longer, the advice says which cells to skip."""


def notebook_04_minutes(steps_per_second: float) -> tuple[float, float]:
    """Notebook 04's run time here at its defaults, and the part of it that is your own two
    runs of Parts 3 and 4 (each one cell, which a slow machine can skip)."""
    length = NOTEBOOK_04_LENGTH
    race = (length["MLP_STEPS"] + DCGAN_STEP_COST * length["DCGAN_STEPS"]) / steps_per_second
    own = 2 * length["STEPS"] / steps_per_second
    return (race + own + NOTEBOOK_04_OTHER_SECONDS) / 60, own / 60


def plan_for_this_machine(steps_per_second: float) -> str:
    """What notebooks 03 and 04 will do on this machine, and what to choose where they would
    not fit their time: a few lines of advice for the participant, from the measured speed."""
    speed = checks.number(steps_per_second, "steps_per_second", above=0.0)
    steps_03, minutes_03 = notebook_03_length(speed)
    steps_03 = round(steps_03, -2)  # an estimate: hundreds are precise enough
    clear = stability.STEPS  # notebook 04's baseline runs end here with clear digits (Fréchet distance 26 to 34)
    minutes_04, own_minutes = notebook_04_minutes(speed)
    lines = [f"On this machine ({speed:.0f} training steps per second):"]
    if steps_03 >= clear:
        lines.append(f"- Notebook 03 trains about {steps_03:,} steps in its {minutes_03:.0f} minutes: "
                     f"clear digits (they appear by step {clear:,}).")
    else:
        lines.append(f"- Notebook 03 trains only about {steps_03:,} steps in its {minutes_03:.0f} minutes; its digits "
                     f"become clear by step {clear:,}. Watch the first minutes, then load its pretrained generator "
                     f"(its last part).")
    if minutes_04 <= NOTEBOOK_04_STATED_MINUTES:
        lines.append(f"- Notebook 04 takes about {minutes_04:.0f} minutes.")
    else:
        lines.append(f"- Notebook 04 would take about {minutes_04:.0f} minutes, {own_minutes:.0f} of them your own two runs of "
                     f"{NOTEBOOK_04_LENGTH['STEPS']:,} steps. Run it cell by cell and skip the cells under 'Run one "
                     f"yourself' and 'Trigger one yourself': the shipped results of the same experiments (three seeds "
                     f"each) are right above them, and the rest takes about {minutes_04 - own_minutes:.0f} minutes.")
    return "\n".join(lines)


def run_checks(probe=None, steps_per_second: float | None = None, root=None) -> CheckTable:
    """Every check, in the order of the table. `steps_per_second` is measured if not given."""
    rows = [check_python(), *check_packages(), check_cpu(), check_memory(), check_kernels(), check_gpu(),
            check_mnist(root)]
    rows.append(check_widget(probe))
    measured = measure_training_speed() if steps_per_second is None else steps_per_second
    rows.append(predict_notebook_03(measured))
    return CheckTable(rows)
