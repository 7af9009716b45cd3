"""The workshop hub, rehearsed: JupyterHub with its proxy, nbgitpuller and the idle culler.

One rehearsal hub (workshop/hub/rehearsal.py: the real jupyterhub_config.py with a spawner
that needs no systemd) serves the module. Through the Hub's REST API, as a facilitator
and as participants would, the tests add three participants and a fourth who never does
anything, pull the workbook into each home from a clone of this repository, run notebook
00 in every participant's server at once, and check the promises of the facilitator
guide: everyone sees only their own files; a request without a token or with someone
else's is refused; a participant's work survives a re-pull; an idle server is stopped and
its home stays; the facilitator's progress table shows who passed what.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARTICIPANTS = ["ada", "bo", "cy"]
IDLE = "dee"  # starts a server and never touches it
IDLE_MINUTES = 1.5


def _load_rehearsal():
    path = ROOT / "workshop" / "hub" / "rehearsal.py"
    spec = importlib.util.spec_from_file_location("rehearsal", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


rehearsal = _load_rehearsal()


def skip_without_the_hubs_parts() -> None:
    missing = [name for name in ("jupyterhub", "nbgitpuller", "jupyterhub_idle_culler", "firstuseauthenticator")
               if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"the hub's packages are not installed ({', '.join(missing)}): make test installs the hub extra")
    if rehearsal.proxy_command() is None:
        pytest.skip("configurable-http-proxy is not installed: make test installs it with npm (make hub-proxy); "
                    "this machine has no npm")


@pytest.fixture(scope="module")
def workbook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A clone of this repository that nbgitpuller pulls from, and its branch: what the hub
    would pull from GitHub, without the network."""
    folder = tmp_path_factory.mktemp("upstream") / "gan-workbook.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(ROOT), str(folder)], check=True)
    branch = subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=folder, capture_output=True,
                            text=True, check=True).stdout.strip()
    return str(folder), branch


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, mnist_root: Path, workbook_repository):
    skip_without_the_hubs_parts()
    repository, branch = workbook_repository
    work = tmp_path_factory.mktemp("hub")
    environment = {"GANLIB_QUICK": "1", "MNIST": str(mnist_root), "REPOSITORY": repository, "BRANCH": branch}
    with rehearsal.running_hub(work, idle_minutes=IDLE_MINUTES, activity_seconds=10, environment=environment) as hub:
        yield hub


@pytest.fixture(scope="module")
def tokens(hub, workbook_repository) -> dict[str, str]:
    """Three participants and an idle one, servers started and the workbook pulled into every home."""
    tokens = hub.add_participants([*PARTICIPANTS, IDLE])
    for name in tokens:
        hub.start_server(name)
    hub.request("PUT", hub.user_path(IDLE, "/api/contents/notes.txt"),
                {"type": "file", "format": "text", "content": "my notes"}, tokens[IDLE])
    for name in PARTICIPANTS:
        hub.pull_workbook(name, tokens[name], *workbook_repository)
    return tokens


def contents(hub, name: str, token: str | None, path: str = "") -> tuple[int, object]:
    return hub.request("GET", hub.user_path(name, f"/api/contents/{path}"), token=token)


@pytest.mark.hub
def test_every_participant_runs_notebook_00_at_the_same_time(hub, tokens):
    with ThreadPoolExecutor(len(PARTICIPANTS)) as pool:
        seconds = list(pool.map(lambda name: hub.run_notebook(name, tokens[name], "00_setup_check"), PARTICIPANTS))
    assert all(spent > 0 for spent in seconds)  # run_notebook raises if a cell fails
    for name in PARTICIPANTS:
        status, listing = contents(hub, name, tokens[name])
        assert status == 200 and "00_setup_check.run.ipynb" in {item["name"] for item in listing["content"]}
        run = (hub.homes / name / "00_setup_check.run.ipynb").read_text(encoding="utf-8")
        assert "Progress recording is ON" in run  # notebook 00 tells the participant, on the hub


@pytest.mark.hub
def test_each_participant_sees_only_their_own_files(hub, tokens):
    for name in PARTICIPANTS:
        hub.request("PUT", hub.user_path(name, f"/api/contents/mine-{name}.txt"),
                    {"type": "file", "format": "text", "content": name}, tokens[name])
    for name in PARTICIPANTS:
        status, listing = contents(hub, name, tokens[name])
        names = {item["name"] for item in listing["content"]}
        assert status == 200 and f"mine-{name}.txt" in names and "gan-workbook" in names
        assert not any(f"mine-{other}.txt" in names for other in PARTICIPANTS if other != name)


@pytest.mark.hub
def test_requests_without_a_token_or_with_someone_elses_are_refused(hub, tokens):
    ada, bo = PARTICIPANTS[:2]
    assert contents(hub, bo, tokens[bo])[0] == 200
    assert contents(hub, bo, tokens[ada])[0] in (403, 404)  # ada's token opens ada's server only
    assert contents(hub, bo, None)[0] in (302, 401, 403)
    assert contents(hub, bo, "not-a-token")[0] in (302, 401, 403)
    assert hub.request("GET", "/hub/api/users", token=tokens[ada])[0] == 403  # participants are no admins


@pytest.mark.hub
def test_a_participants_work_survives_a_re_pull_of_the_workbook(hub, tokens, workbook_repository):
    repository, branch = workbook_repository
    name = PARTICIPANTS[0]
    mine = hub.homes / name / "gan-workbook" / "notebooks" / "01_what_is_a_gan.ipynb"
    edited = mine.read_text(encoding="utf-8").replace("What is a GAN?", "What is a GAN? (my notes)", 1)
    mine.write_text(edited, encoding="utf-8")
    (hub.homes / name / "gan-workbook" / "my-ideas.md").write_text("keep me", encoding="utf-8")
    # Upstream moves on meanwhile: the facilitator fixes a file.
    with_fix = Path(repository).parent / "with-fix"
    subprocess.run(["git", "clone", "-q", repository, str(with_fix)], check=True)
    (with_fix / "workshop" / "FIX.md").write_text("a fix from upstream\n", encoding="utf-8")
    subprocess.run(["git", "add", "workshop/FIX.md"], cwd=with_fix, check=True)
    subprocess.run(["git", "-c", "user.name=f", "-c", "user.email=f@f", "commit", "-qm", "fix"], cwd=with_fix, check=True)
    subprocess.run(["git", "push", "-q", "origin", f"HEAD:{branch}"], cwd=with_fix, check=True)

    hub.pull_workbook(name, tokens[name], repository, branch)
    assert mine.read_text(encoding="utf-8") == edited
    assert (hub.homes / name / "gan-workbook" / "my-ideas.md").read_text(encoding="utf-8") == "keep me"
    assert (hub.homes / name / "gan-workbook" / "workshop" / "FIX.md").exists()


@pytest.mark.hub
def test_the_facilitator_sees_who_passed_which_exercise(hub, tokens):
    answers = {"ada": (468, 468), "bo": (500, 468), "cy": (500, 470)}  # steps per epoch, tried twice
    for name, tries in answers.items():
        code = "import ganlib\n" + "".join(f"print(ganlib.exercises.check_00_steps_per_epoch({answer}))\n"
                                           for answer in tries)
        printed = hub.run_code(name, tokens[name], code)
        assert printed.count("Right!") == tries.count(468)
    result = subprocess.run([sys.executable, "-m", "ganlib", "progress", "--hub", hub.url, "--token", hub.token],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert re.search(r"00·steps_per_epoch", result.stdout.splitlines()[0])
    assert "✓" in rows["ada"] and "✓" in rows["bo"] and "✗2" in rows["cy"]
    print(result.stdout)


@pytest.mark.hub
def test_an_idle_server_is_stopped_and_its_home_stays(hub, tokens):
    deadline = time.monotonic() + IDLE_MINUTES * 60 + 120
    while hub.server_ready(IDLE):
        assert time.monotonic() < deadline, f"the idle culler did not stop {IDLE}'s server; see {hub.log}"
        time.sleep(5)
    assert (hub.homes / IDLE / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert "idle-culler" in hub.log.read_text()


def hub_config():
    """jupyterhub_config.py as JupyterHub reads it: a traitlets Config (JupyterHub itself not needed)."""
    from traitlets.config import Config

    config, path = Config(), ROOT / "workshop" / "hub" / "jupyterhub_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    return config


def test_the_kubernetes_values_promise_what_the_one_server_hub_does():
    import yaml

    values = yaml.safe_load((ROOT / "workshop" / "hub" / "z2jh-values.yaml").read_text())
    config = hub_config()
    user = values["singleuser"]
    assert user["memory"]["limit"] == config.Spawner.mem_limit
    assert user["cpu"]["limit"] == config.Spawner.cpu_limit
    assert user["extraEnv"]["GANLIB_PROGRESS"] == config.Spawner.environment["GANLIB_PROGRESS"] == "1"
    culler = next(service["command"] for service in config.JupyterHub.services if service["name"] == "idle-culler")
    assert f"--timeout={values['cull']['timeout']}" in culler and values["cull"]["enabled"]
    auth = values["hub"]["config"]
    assert auth["JupyterHub"]["authenticator_class"] == config.JupyterHub.authenticator_class
    assert auth["FirstUseAuthenticator"]["create_users"] is config.FirstUseAuthenticator.create_users is False
    pull = user["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert pull[0] == "gitpuller" and pull[-1] == "gan-workbook" and "targetpath=gan-workbook" in config.Spawner.default_url
    assert values["prePuller"]["hook"]["enabled"]
