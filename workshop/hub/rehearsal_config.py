"""The workshop hub's configuration for a rehearsal on one machine: no systemd, no root.

Loaded by rehearsal.py, which sets the environment variables read here. Everything of
jupyterhub_config.py stays (the first-use passwords, the list of participants, nbgitpuller,
the idle culler, progress recording) except what needs a dedicated server:

* every participant's server runs as a process of the user running the rehearsal
  (JupyterHub's SimpleLocalProcessSpawner), with its home in HOMES/<name>; systemd's memory
  limit is not enforced, and neither is its CPU quota, unless PIN_CORES=1: then each
  server is pinned to one core (taskset, the cores dealt out in turn), which gives its
  kernels what the quota gives them, one core and one PyTorch thread;
* the hub keeps its database, cookie secret and passwords in STATE, not in the folder it
  was started from;
* a service called `rehearsal`, with the admin role and the token REHEARSAL_TOKEN, drives
  the hub through its REST API as a facilitator would.
"""

import os
from pathlib import Path

state = Path(os.environ["STATE"])
load_subconfig(str(Path(__file__).with_name("jupyterhub_config.py")))  # noqa: F821 (JupyterHub provides it)
c = get_config()  # noqa: F821

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.environ["HOMES"] + "/{username}"
if os.geteuid() == 0:  # a container or a CI machine: Jupyter Server refuses root unless told
    c.Spawner.args = ["--allow-root"]

if os.environ.get("PIN_CORES") == "1":
    cores = sorted(os.sched_getaffinity(0))
    started = []

    def pin_to_one_core(spawner) -> None:
        """Start this participant's server on one core, taking the cores in turn."""
        if spawner.cmd[0] != "taskset":  # a restarted server keeps its core
            started.append(spawner.user.name)
            spawner.cmd = ["taskset", "-c", str(cores[(len(started) - 1) % len(cores)]), *spawner.cmd]

    c.Spawner.pre_spawn_hook = pin_to_one_core
c.Spawner.environment.update({
    "GANLIB_QUICK": os.environ.get("GANLIB_QUICK", ""),
    "JUPYTERHUB_ACTIVITY_INTERVAL": os.environ.get("ACTIVITY_SECONDS", "300"),
})
c.JupyterHub.last_activity_interval = int(os.environ.get("ACTIVITY_SECONDS", "300"))
c.JupyterHub.hub_port = int(os.environ["HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["PROXY_COMMAND"]]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.FirstUseAuthenticator.dbm_path = str(state / "passwords.dbm")
c.JupyterHub.services.append({"name": "rehearsal", "api_token": os.environ["REHEARSAL_TOKEN"]})
c.JupyterHub.load_roles.append({"name": "admin", "services": ["rehearsal"]})
