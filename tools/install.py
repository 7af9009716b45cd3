"""Install the workbook into the Python that runs this script (`make lab` and `make test` call it).

    python tools/install.py lab            what a participant needs: ganlib, PyTorch, JupyterLab
    python tools/install.py hub            that, and a workshop hub's parts (JupyterHub, nbgitpuller, ...)
    python tools/install.py test           all of that, and the test suite's tools (pytest, nbval, Playwright, torchmetrics)
    python tools/install.py lab --report FILE
                                           install nothing: write pip's JSON report of what a fresh
                                           install would resolve to (tests/test_packaging.py reads it)

Two things keep the download small on venue Wi-Fi:

* **Only what the target needs.** `lab` installs the `lab` extra of pyproject.toml and
  nothing of the `test` extra.
* **PyTorch's CPU-only build where a GPU could not be used anyway.** On Linux PyPI's
  PyTorch is the CUDA build, which brings 2.4 GB of NVIDIA libraries (measured for torch
  2.14). On a Linux machine without an NVIDIA GPU, PyTorch and torchvision come from
  PyTorch's CPU-only index instead, without them. When that index cannot be reached (a firewall, a mirror that
  only serves PyPI), the script says so in one line and takes them from the default index.
  macOS and Windows get small CPU builds from PyPI already.

The JupyterLab settings in `jupyter/overrides.json` (no "get Jupyter news?" prompt, no
update check) are copied into this Python's JupyterLab, so that they apply to this
environment only and not to the user's own JupyterLab settings.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH = ["torch>=2.4,<3", "torchvision>=0.19,<1"]  # the ranges of pyproject.toml's dependencies
EXTRAS = {"lab": "lab", "hub": "lab,hub", "test": "lab,hub,test"}
LAB_SETTINGS = ROOT / "jupyter" / "overrides.json"


def has_nvidia_gpu() -> bool:
    """Whether an NVIDIA driver is loaded (it creates /proc/driver/nvidia) or its tool is installed."""
    return Path("/proc/driver/nvidia").exists() or shutil.which("nvidia-smi") is not None


def wants_cpu_only_torch() -> bool:
    """Linux without an NVIDIA GPU: the only case where PyPI's PyTorch carries GPU libraries for nothing."""
    return platform.system() == "Linux" and not has_nvidia_gpu()


def reachable(url: str, seconds: float = 5.0) -> bool:
    """Whether `url` answers within `seconds` (an offline or blocked host fails fast or times out)."""
    try:
        with urllib.request.urlopen(url, timeout=seconds):
            return True
    except (urllib.error.URLError, OSError):
        return False


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def install_torch_cpu_only() -> None:
    """PyTorch and torchvision from the CPU-only index, or from the default one with a notice."""
    if importlib.util.find_spec("torch") is not None:
        return  # already there: never swap a working PyTorch behind the user's back
    if not reachable(f"{CPU_INDEX}/torch/"):
        print(f"PyTorch's CPU-only index ({CPU_INDEX}) cannot be reached: installing PyTorch from the "
              "default index instead (the same versions, with GPU libraries this machine will not use).", flush=True)
        return
    print("Linux without an NVIDIA GPU: PyTorch's CPU-only build, without GB of NVIDIA libraries.", flush=True)
    # An extra index, not a replacement: numpy and the rest still come from the user's usual index, and
    # pip prefers the CPU build's version ("2.x.y+cpu" sorts after "2.x.y").
    pip("install", "--quiet", "--extra-index-url", CPU_INDEX, *TORCH)


def install_lab_settings() -> None:
    """Copy jupyter/overrides.json to where this Python's JupyterLab reads its default settings."""
    target = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LAB_SETTINGS, target / "overrides.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(EXTRAS))
    parser.add_argument("--report", type=Path, help="resolve only, and write pip's JSON report here")
    args = parser.parse_args()
    workbook = f"{ROOT}[{EXTRAS[args.target]}]"
    if args.report:
        pip("install", "--quiet", "--dry-run", "--ignore-installed", "--report", str(args.report), "-e", workbook)
        return
    if wants_cpu_only_torch():
        install_torch_cpu_only()
    pip("install", "--quiet", "-e", workbook)
    install_lab_settings()


if __name__ == "__main__":
    main()
