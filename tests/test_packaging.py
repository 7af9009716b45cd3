"""The set-up promises: two commands, one package list in three places, CI = `make test`."""

from __future__ import annotations

import importlib.util
import json
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
NOT_IN_BINDER = {"test", "hub"}  # Binder runs the notebooks; it runs neither the test suite nor a hub


def load_tool(name: str):
    """tools/NAME.py as a module (tools/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    extras = tuple(e for e in _pyproject()["optional-dependencies"] if e not in NOT_IN_BINDER)
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


def test_the_chinese_readme_has_a_binder_badge_for_the_chinese_notebooks_and_links_back():
    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    repository = _pyproject()["urls"]["Repository"].removeprefix("https://github.com/")
    badges = re.findall(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/HEAD\?urlpath=lab/tree/(\S+?)\)", readme)
    assert (repository, "notebooks/zh-CN/00_setup_check.ipynb") in badges
    assert all((ROOT / path).is_file() for _, path in badges)
    assert "(README.md)" in readme.split("\n## ")[0] and "(README.zh-CN.md)" in (ROOT / "README.md").read_text().split("\n## ")[0]


def test_the_chinese_readme_opens_with_the_same_two_commands():
    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()] == ["make lab", "make test"]


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", script, re.M)
    assert "GANLIB_DATA" in script and "set -euo pipefail" in script


def test_a_second_make_run_installs_nothing():
    # `make -q` exits 0 when the target is up to date: the environment exists and is current.
    for stamp in (".venv/.installed-lab", ".venv/.installed-test"):
        assert subprocess.run(["make", "-q", stamp], cwd=ROOT).returncode == 0, stamp


def resolved_packages(target: str, folder: Path) -> set[str]:
    """The packages a fresh `tools/install.py TARGET` would install, as pip resolves them."""
    report = folder / f"{target}.json"
    subprocess.run([sys.executable, str(ROOT / "tools" / "install.py"), target, "--report", str(report)], check=True)
    return {item["metadata"]["name"].lower().replace("_", "-") for item in json.loads(report.read_text())["install"]}


def test_make_lab_installs_what_a_participant_needs_and_no_test_tools(tmp_path):
    test_tools = {"pytest", "nbval", "playwright", "torchmetrics"}
    lab = resolved_packages("lab", tmp_path)
    assert {"ganlib", "torch", "torchvision", "jupyterlab", "ipykernel", "ipywidgets"} <= lab
    assert not lab & test_tools, sorted(lab & test_tools)
    assert test_tools <= resolved_packages("test", tmp_path)


def test_cpu_only_pytorch_where_no_gpu_and_a_one_line_fallback(monkeypatch, capsys):
    install = load_tool("install")
    calls = []
    monkeypatch.setattr(install, "pip", lambda *args: calls.append(args))
    monkeypatch.setattr(install.importlib.util, "find_spec", lambda name: None)  # as in a fresh environment
    monkeypatch.setattr(install, "reachable", lambda url, seconds=5.0: True)
    install.install_torch_cpu_only()
    assert calls == [("install", "--quiet", "--extra-index-url", install.CPU_INDEX, *install.TORCH)]
    monkeypatch.setattr(install, "reachable", lambda url, seconds=5.0: False)
    calls.clear()
    install.install_torch_cpu_only()
    notice = capsys.readouterr().out.strip().splitlines()[-1]
    assert calls == [] and "cannot be reached" in notice and "default index" in notice
    assert install.reachable("https://download.pytorch.org.invalid/whl/cpu/torch/", seconds=5) is False


def test_jupyterlab_settings_ship_in_the_repository_and_reach_lab_and_binder():
    overrides = json.loads((ROOT / "jupyter" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(installed.read_text()) == overrides  # make lab put them in this environment
    assert "jupyter/overrides.json" in (ROOT / "binder" / "postBuild").read_text()


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


def test_binder_link_from_a_repositorys_address():
    binder_link = load_tool("binder_link").binder_link
    tail = "HEAD?urlpath=lab/tree/notebooks/00_setup_check.ipynb"
    for remote in ("https://github.com/team/gan-workbook.git", "git@github.com:team/gan-workbook.git",
                   "https://github.com/team/gan-workbook/"):
        assert binder_link(remote) == f"https://mybinder.org/v2/gh/team/gan-workbook/{tail}"
    assert binder_link("git@gitlab.com:group/sub/gan.git") == f"https://mybinder.org/v2/gl/group%2Fsub%2Fgan/{tail}"
    assert binder_link("https://codeberg.org/team/gan.git", ref="main") == (
        "https://mybinder.org/v2/git/https%3A%2F%2Fcodeberg.org%2Fteam%2Fgan/main"
        "?urlpath=lab/tree/notebooks/00_setup_check.ipynb")


def test_binder_link_command_reads_the_git_remote_and_says_what_is_wrong(tmp_path):
    script = str(ROOT / "tools" / "binder_link.py")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    missing = subprocess.run([sys.executable, script], cwd=tmp_path, capture_output=True, text=True)
    assert missing.returncode == 1 and "git remote add origin" in missing.stderr and "Traceback" not in missing.stderr
    subprocess.run(["git", "remote", "add", "origin", "git@github.com:team/gan-workbook.git"], cwd=tmp_path, check=True)
    printed = subprocess.run([sys.executable, script], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    link = "https://mybinder.org/v2/gh/team/gan-workbook/HEAD?urlpath=lab/tree/notebooks/00_setup_check.ipynb"
    assert link in printed and f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({link})" in printed
    chinese = link.replace("notebooks/", "notebooks/zh-CN/")
    assert f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)]({chinese})" in printed
    local = subprocess.run([sys.executable, script, "--url", str(tmp_path)], capture_output=True, text=True)
    assert local.returncode == 1 and "public repository" in local.stderr
