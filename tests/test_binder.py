"""Binder, simulated: the environment mybinder.org builds from binder/, made here with pip.

repo2docker needs Docker, so this test does by hand what it does with the three files:
a fresh virtual environment with the Python of binder/runtime.txt, `pip install -r
binder/requirements.txt`, then binder/postBuild run from the top of a copy of the
workbook (the files git would hand to Binder) with that environment first on PATH.
Notebook 00 then runs there with papermill, in quick mode, and its table must say [OK]
for Python, every package and MNIST.

Where this differs from Binder, and why:

* **PyTorch's index.** requirements.txt adds https://download.pytorch.org/whl/cpu, for the
  small CPU-only build. Where that host cannot be reached (this machine and its CI reach
  only the package registries), pip warns once per package and takes torch from its
  other indexes: a build from PyPI, in the same version range, only larger. Each failed
  lookup would be retried 5 times with back-off (about 7 s a package, minutes in all), so
  the test sets PIP_RETRIES=0 (a host that does not resolve costs nothing more), and
  PIP_TIMEOUT=10 caps the wait on one that does not answer at all.
  Whatever indexes pip is configured with here (pip.conf, PIP_* variables) it uses too.
* **MNIST.** postBuild runs `python -m ganlib fetch-mnist`; on Binder that downloads it,
  here GANLIB_DATA points at the MNIST already on this machine, so it only checks it.

It takes minutes (most of it unpacking PyTorch), so it is marked `binder`: deselect it
with `-m "not binder"`. It also takes disk: PyPI's PyTorch brings NVIDIA's CUDA libraries,
about 6 GB installed, beside the test run's own environment. Where the temporary folder
has less than FREE_GB_NEEDED free, the test is skipped and says how much it found (a pip
run out of space would fail halfway, on a machine that has nothing wrong but its disk).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
PIP_SETTINGS = {"PIP_RETRIES": "0", "PIP_TIMEOUT": "10", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
STEP_TIMEOUT_S = 900
FREE_GB_NEEDED = 10.0  # the image's venv (6 GB with PyPI's PyTorch) and the wheels pip holds while installing (3 GB)


@dataclass(frozen=True)
class BinderEnv:
    """The simulated Binder image: the workbook's copy, its venv, what each step printed."""

    workbook: Path
    venv: Path
    env: dict[str, str]
    logs: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def run(self, *args: str, cwd: Path | None = None) -> str:
        """Run a command in the image (its venv first on PATH); its output, or a failure."""
        return run_step(list(args), cwd or self.workbook, self.env)


def run_step(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT_S)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed after {time.monotonic() - started:.0f} s:\n{output[-5000:]}"
    return output


def runtime_python() -> str:
    """An interpreter with the Python version of binder/runtime.txt; skips if there is none."""
    wanted = re.fullmatch(r"python-(\d+)\.(\d+)", (BINDER / "runtime.txt").read_text().strip())
    assert wanted, "binder/runtime.txt must read python-X.Y"
    major, minor = int(wanted.group(1)), int(wanted.group(2))
    if sys.version_info[:2] == (major, minor):
        return sys.executable
    found = shutil.which(f"python{major}.{minor}")
    if not found:
        pytest.skip(f"binder/runtime.txt asks for Python {major}.{minor}, which this machine does not have")
    return found


def copy_workbook(target: Path) -> Path:
    """The workbook's files that git knows or would add (tracked and new, not ignored), as
    they are in the work tree: what Binder would get from a push of this work."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not pushed either
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def image_env(venv: Path, work: Path, mnist_root: Path) -> dict[str, str]:
    """The environment of the image's commands: its venv first, Jupyter's folders private."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "MPLBACKEND")}
    env.update(PIP_SETTINGS)
    env.update({
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "GANLIB_DATA": str(mnist_root),
        "GANLIB_QUICK": "1",
        "GANLIB_RUNS": str(work / "runs"),
        # No kernel or setting from this user's own Jupyter folders: only the image's.
        "JUPYTER_DATA_DIR": str(work / "jupyter" / "data"),
        "JUPYTER_CONFIG_DIR": str(work / "jupyter" / "config"),
        "JUPYTER_RUNTIME_DIR": str(work / "jupyter" / "runtime"),
    })
    env.pop("JUPYTER_PATH", None)
    return env


@pytest.fixture(scope="module")
def binder(tmp_path_factory: pytest.TempPathFactory, mnist_root: Path) -> Iterator[BinderEnv]:
    """Build the simulated image once: venv, requirements.txt, postBuild. The venv (GBs,
    mostly PyTorch) is deleted afterwards; pytest would otherwise keep it in its tmp folders."""
    work = tmp_path_factory.mktemp("binder")
    free_gb = shutil.disk_usage(work).free / 1e9
    if free_gb < FREE_GB_NEEDED:
        pytest.skip(f"the simulated Binder image needs about {FREE_GB_NEEDED:.0f} GB free in {work.parent} "
                    f"(PyTorch with its CUDA libraries); {free_gb:.1f} GB are free. Free some, or set TMPDIR "
                    "to a folder on a larger disk.")
    workbook = copy_workbook(work / "workbook")
    venv = work / "venv"
    env = image_env(venv, work, mnist_root)
    try:
        logs = {"venv": run_step([runtime_python(), "-m", "venv", str(venv)], work, env)}
        logs["requirements.txt"] = run_step(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-r", "binder/requirements.txt"], workbook, env
        )
        logs["postBuild"] = run_step([str(workbook / "binder" / "postBuild")], workbook, env)
        yield BinderEnv(workbook, venv, env, logs)
    finally:
        shutil.rmtree(venv, ignore_errors=True)


def test_pip_reads_requirements_txt_as_binder_does(binder):
    # The file is used as it is: its extra index (PyTorch's CPU builds) is among pip's indexes.
    assert "https://download.pytorch.org/whl/cpu" in binder.logs["requirements.txt"]
    assert "Successfully installed" in binder.logs["requirements.txt"]


def test_postbuild_installs_ganlib_from_the_workbook_and_finds_mnist(binder):
    assert "MNIST is ready in" in binder.logs["postBuild"]
    location = binder.run(str(binder.python), "-c", "import ganlib; print(ganlib.__file__)").strip()
    assert Path(location).is_relative_to(binder.workbook), location


def test_the_image_has_a_consistent_environment_and_its_own_kernel(binder):
    binder.run(str(binder.python), "-m", "pip", "check")
    specs = json.loads(binder.run(str(binder.venv / "bin" / "jupyter"), "kernelspec", "list", "--json"))["kernelspecs"]
    assert Path(specs["python3"]["resource_dir"]).is_relative_to(binder.venv), specs["python3"]


def test_setup_check_notebook_passes_in_the_image(binder):
    executed = binder.workbook.parent / "00_setup_check.out.ipynb"
    binder.run(
        str(binder.venv / "bin" / "papermill"), "notebooks/00_setup_check.ipynb", str(executed),
        "--cwd", "notebooks", "--kernel", "python3", "--no-progress-bar",
    )
    text = printed_text(nbformat.read(executed, as_version=4))
    statuses = {name: status for status, name in re.findall(r"^(\[OK\]|\[FAIL\]|\[LOOK\])\s+(\S+)", text, re.M)}
    for name in ("Python", *binder_packages(), "MNIST"):
        assert statuses.get(name) == "[OK]", f"{name}: {statuses.get(name)}\n{text}"


def printed_text(notebook: nbformat.NotebookNode) -> str:
    """Every text output of the notebook, joined (the setup check's table among them)."""
    return "\n".join(
        output.get("text", "") + output.get("data", {}).get("text/plain", "")
        for cell in notebook.cells for output in cell.get("outputs", [])
    )


def binder_packages() -> list[str]:
    """The names of the packages binder/requirements.txt asks for."""
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return [re.match(r"[A-Za-z0-9_.\-]+", line.strip()).group(0)
            for line in lines if line.strip() and not line.startswith(("#", "-"))]
