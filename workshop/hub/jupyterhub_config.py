"""JupyterHub for a workshop of the GAN workbook, on one Linux server.

    sudo /srv/gan-workbook/.venv/bin/jupyterhub -f /srv/gan-workbook/workshop/hub/jupyterhub_config.py

What each participant gets (the facilitator guide's chapter "Running it on our own hub"
walks through the set-up):

* **An account from a list.** `participants.txt` beside this file, one name per line. At
  the first login a participant chooses their password (FirstUseAuthenticator); nobody off
  the list can log in. Names in `facilitators.txt` are admins: they see everyone's
  progress and can stop or start anyone's server.
* **Their own server, with limits.** SystemdSpawner runs each server as a systemd unit
  under a user made for it (DynamicUser), with its own home, a memory limit and a CPU
  quota sized by the workbook's measured peaks (benchmarks/hub_load.py; the guide's
  capacity table).
* **The workbook in their home**, pulled by nbgitpuller on each login: the first time a
  clone, afterwards a merge that never overwrites what the participant changed.
* **Idle servers stopped** by jupyterhub-idle-culler after IDLE_MINUTES without activity;
  the home, and so every notebook and training run, stays.
* **Progress recording on** (GANLIB_PROGRESS=1): exercise outcomes only, for the
  facilitator's `python -m ganlib progress`; notebook 00 tells participants.

Every setting a facilitator may change is a constant below; each can also be given as an
environment variable of the same name (the rehearsal in rehearsal.py uses that).
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKBOOK = HERE.parent.parent  # this clone; its .venv runs the hub and every participant's server


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


# --- what a facilitator sets ------------------------------------------------------------------
REPOSITORY = setting("REPOSITORY", "https://github.com/gan-workbook/gan-creativity-workbook")
"""Where nbgitpuller pulls the workbook from: your published copy, or this clone's path."""
BRANCH = setting("BRANCH", "main")
MEMORY = setting("MEMORY", "2G")
"""Per participant. A notebook's kernel peaks at 1.3 GB at most (notebook 05; README, "How
fast is it"); the server adds about 0.1 GB. Two notebooks left running at once can pass
2 GB: notebook 00's check lists running kernels, and the guide asks to shut them down."""
CPUS = float(setting("CPUS", "1"))
"""Per participant, in cores; the capacity table says how many the server needs in all."""
IDLE_MINUTES = float(setting("IDLE_MINUTES", "60"))
MNIST = setting("MNIST", str(WORKBOOK / "data"))
"""The folder holding MNIST/raw/, read by everyone (`python -m ganlib fetch-mnist --root ...`)."""
PORT = int(setting("PORT", "8000"))
IP = setting("IP", "")


def names(file: Path) -> set[str]:
    """The user names in a list file: one per line, blank lines and # comments skipped."""
    if not file.exists():
        return set()
    lines = (line.split("#")[0].strip() for line in file.read_text(encoding="utf-8").splitlines())
    return {line.lower() for line in lines if line}


c = get_config()  # noqa: F821 (JupyterHub provides it)
c.JupyterHub.ip = IP
c.JupyterHub.port = PORT

# --- who may log in ---------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"
c.FirstUseAuthenticator.create_users = False  # the password is set at first login, by its owner
c.FirstUseAuthenticator.min_password_length = 8
c.Authenticator.admin_users = names(HERE / "facilitators.txt")
c.Authenticator.allowed_users = names(HERE / "participants.txt") | c.Authenticator.admin_users

# --- each participant's server ----------------------------------------------------------------
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.dynamic_users = True  # no system accounts to create; homes in /var/lib/private
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.Spawner.mem_limit = MEMORY
c.Spawner.cpu_limit = CPUS
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]  # the workbook's .venv
c.Spawner.environment = {
    "GANLIB_PROGRESS": "1",
    "GANLIB_DATA": MNIST,
    "GANLIB_RUNS": "~/gan-workbook/runs",  # training runs in the participant's own home
    "REPOSITORY": REPOSITORY,
    "BRANCH": BRANCH,
}
c.Spawner.http_timeout = 120  # a cold start on a busy server takes a while
c.Spawner.start_timeout = 120
# The workbook pulled into the home at every login: cloned the first time, merged afterwards
# (nbgitpuller keeps every change the participant made), then notebook 00 opens.
c.Spawner.default_url = (
    f"/git-pull?repo={REPOSITORY}&branch={BRANCH}&targetpath=gan-workbook"
    "&urlpath=lab/tree/gan-workbook/notebooks/00_setup_check.ipynb"
)

# --- stopping idle servers --------------------------------------------------------------------
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={round(IDLE_MINUTES * 60)}",
                f"--cull-every={round(min(300, IDLE_MINUTES * 15))}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
