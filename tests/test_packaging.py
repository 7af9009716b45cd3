"""The set-up promises: two commands, one package list in three places, CI = `make test`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch-cpu": "torch", "playwright-python": "playwright"}  # conda-forge's names for them
NOT_IN_BINDER = "test"  # Binder runs the notebooks; it does not run the test suite


def _requirement(line: str) -> tuple[str, str]:
    """('name', 'specifier') of a requirement such as 'torch>=2.4,<3'."""
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*([^;#]*)", line.strip())
    name = match.group(1).lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), match.group(2).strip()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pyproject_requirements(extras: tuple[str, ...]) -> dict[str, str]:
    project = _pyproject()
    lines = project["dependencies"] + [r for extra in extras for r in project["optional-dependencies"][extra]]
    return dict(_requirement(line) for line in lines if "python_version" not in line)


def conda_requirements() -> dict[str, str]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    lines = [d for d in spec["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    return dict(_requirement(line) for line in lines)


def binder_requirements() -> dict[str, str]:
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    return dict(_requirement(line) for line in lines if line.strip() and not line.startswith(("#", "-")))


def test_conda_environment_names_the_same_packages_and_ranges_as_pyproject():
    assert conda_requirements() == pyproject_requirements(("lab", "test"))


def test_binder_names_the_same_packages_and_ranges_as_pyproject():
    extras = tuple(e for e in _pyproject()["optional-dependencies"] if e != NOT_IN_BINDER)
    assert binder_requirements() == pyproject_requirements(extras)


def test_binder_uses_cpu_only_pytorch_and_prefetches_mnist():
    requirements = (ROOT / "binder" / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in requirements
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build and "ganlib fetch-mnist" in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111


def test_no_exact_torch_pin():
    for spec in (pyproject_requirements(()), conda_requirements(), binder_requirements()):
        assert "==" not in spec["torch"] and "==" not in spec["torchvision"]


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make lab", "make test"]
    assert readme.index("make lab") < readme.index("Binder")


def test_readme_binder_badge_opens_the_setup_check_in_this_repository():
    readme = (ROOT / "README.md").read_text()
    repository = _pyproject()["urls"]["Repository"].removeprefix("https://github.com/")
    badge = re.search(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/HEAD\?urlpath=lab/tree/(\S+?)\)", readme)
    assert badge, "the README has no Binder badge"
    assert badge.group(1) == repository
    assert badge.group(2) == "notebooks/00_setup_check.ipynb"
    assert (ROOT / badge.group(2)).is_file()


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", script, re.M)
    assert "GANLIB_DATA" in script and "set -euo pipefail" in script


def test_a_second_make_run_installs_nothing():
    # `make -q` exits 0 when the target is up to date: the environment exists and is current.
    result = subprocess.run(["make", "-q", ".venv/.installed"], cwd=ROOT)
    assert result.returncode == 0


def test_loading_mnist_and_scoring_need_neither_torchvision_nor_torchmetrics(tiny_mnist):
    # Each would add a second or more to a notebook's start and about 180 MB to its memory.
    code = (
        "import sys, ganlib; from ganlib.evaluate import metrics\n"
        f"images, labels = ganlib.load_mnist({str(tiny_mnist)!r})\n"
        "metrics.frechet_distance(metrics.classify(images).features, metrics.classify(images.flip(3)).features)\n"
        "print(sorted(m for m in ('torchvision', 'torchmetrics') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_importing_ganlib_stays_light():
    code = "import sys, ganlib; print(sorted(m for m in ('torchvision', 'matplotlib', 'IPython') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
