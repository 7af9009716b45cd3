"""The workshop hub under load: N participants running notebooks at the same moment.

Run it by hand, alone on the machine (it takes about 15 minutes):

    .venv/bin/python -m benchmarks.hub_load                 N = 1, 2, 4, 8
    .venv/bin/python -m benchmarks.hub_load --participants 1 4
    .venv/bin/python -m benchmarks.hub_load --no-limits     without the one-core limit

For each N, a fresh rehearsal hub (workshop/hub/rehearsal.py: the workshop configuration,
JupyterHub, configurable-http-proxy, nbgitpuller, the idle culler) gets N participants. Their
servers start and pull the workbook; then all N at once run notebook 00 in full and then
notebook 03 with EPOCHS = 1 and no time limit (468 training steps of the reference model,
its dashboard, checkpoint and film included), each through papermill in a kernel of their
own server, as a room does when everyone presses Run All together. Each participant's
server is held to one core, as the real hub's CPU quota holds it (the rehearsal pins it
with taskset; ganlib then gives PyTorch one thread); `--no-limits` lets every kernel use
every core, as a hub without CPU limits would.

Reported per N: each participant's wall time for notebook 00 and for notebook 03 (median
and slowest), the peak resident memory of one participant's processes (server, kernels,
papermill's kernel; sampled every half second), and the hub's own overhead: the resident
memory and CPU time of JupyterHub, the proxy and the culler while the room worked. The
facilitator guide's capacity table is computed from these figures; its assumptions are
printed with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workshop" / "hub"))
import rehearsal  # noqa: E402  (workshop/hub/ is a folder of files, not a package)

NOTEBOOK_03_PARAMETERS = {"EPOCHS": 1, "MAX_MINUTES": 60.0, "RUN_NAME": "load-test", "RESUME": "restart"}


@dataclass
class Room:
    """What one load step measured."""

    participants: int
    seconds_00: list[float]
    seconds_03: list[float]
    peak_mib_per_participant: float
    hub_mib: float
    hub_cpu_seconds: float


class MemorySampler(threading.Thread):
    """Peak resident memory per home (participant), and the hub's processes, sampled."""

    def __init__(self, homes: Path, hub_pids: set[int]) -> None:
        super().__init__(daemon=True)
        self.homes, self.hub_pids = homes, hub_pids
        self.peaks: dict[str, float] = {}
        self.hub_peak = 0.0
        self.running = True

    def run(self) -> None:
        while self.running:
            per_home: dict[str, float] = {}
            hub = 0.0
            for process in psutil.process_iter():
                try:
                    rss = process.memory_info().rss / 2**20
                    home = process.environ().get("HOME", "")
                except (psutil.Error, OSError):
                    continue
                if process.pid in self.hub_pids:
                    hub += rss
                elif home.startswith(str(self.homes)):
                    name = Path(home).name
                    per_home[name] = per_home.get(name, 0.0) + rss
            for name, mib in per_home.items():
                self.peaks[name] = max(self.peaks.get(name, 0.0), mib)
            self.hub_peak = max(self.hub_peak, hub)
            time.sleep(0.5)


def hub_processes(hub: rehearsal.Hub) -> list[psutil.Process]:
    """JupyterHub (from its pid file), and its children that are not participants' servers."""
    pid = int((hub.homes.parent / "state" / "jupyterhub.pid").read_text())
    main = psutil.Process(pid)
    others = [child for child in main.children(recursive=True)
              if "jupyterhub-singleuser" not in " ".join(child.cmdline())]
    proxy_pid = int((hub.homes.parent / "state" / "proxy.pid").read_text())
    return [main, *others, psutil.Process(proxy_pid)]


def measure(participants: int, repository: str, branch: str, mnist: str, limits: bool) -> Room:
    names = [f"p{number:02d}" for number in range(1, participants + 1)]
    with tempfile.TemporaryDirectory(prefix="hub-load-") as folder, \
            rehearsal.running_hub(Path(folder), pin_cores=limits,
                                  environment={"MNIST": mnist, "REPOSITORY": repository, "BRANCH": branch}) as hub:
        tokens = hub.add_participants(names)
        for name in names:
            hub.start_server(name)
            hub.pull_workbook(name, tokens[name], repository, branch)
        overhead = hub_processes(hub)
        cpu_before = sum(sum(process.cpu_times()[:2]) for process in overhead)
        sampler = MemorySampler(hub.homes, {process.pid for process in overhead})
        sampler.start()

        def day(name: str) -> tuple[float, float]:
            return (hub.run_notebook(name, tokens[name], "00_setup_check"),
                    hub.run_notebook(name, tokens[name], "03_mnist_gan", NOTEBOOK_03_PARAMETERS))

        with ThreadPoolExecutor(participants) as pool:
            results = list(pool.map(day, names))
        sampler.running = False
        sampler.join()
        cpu_after = sum(sum(process.cpu_times()[:2]) for process in overhead if process.is_running())
        return Room(participants, [r[0] for r in results], [r[1] for r in results],
                    max(sampler.peaks.values()), sampler.hub_peak, cpu_after - cpu_before)


def capacity_table(rooms: list[Room], limits: bool) -> str:
    """Cores and memory for 10, 30 and 50 participants, from the measured figures: each
    measured room gave every participant a share of this machine's cores, and says how long
    notebook 03's 468 steps took with that share."""
    cores = psutil.cpu_count()
    most = 1 if limits else cores  # a participant's server may use one core, or all of them
    by_share = {}  # each share of cores once, from the fullest room that had it (the slowest)
    for room in sorted(rooms, key=lambda room: room.participants):
        by_share[min(most, cores / room.participants)] = statistics.median(room.seconds_03)
    shares = sorted(by_share.items(), reverse=True)
    peak_gb = max(room.peak_mib_per_participant for room in rooms) / 1024
    hub_gb = max(room.hub_mib for room in rooms) / 1024
    header = " | ".join(f"{share:g} core each: notebook 03 in {seconds:.0f} s" for share, seconds in shares)
    lines = [
        f"Measured on {cores} cores. Memory: {peak_gb:.2f} GB at most per participant running one notebook,",
        f"plus {hub_gb:.2f} GB for the hub, the proxy and the culler.",
        "",
        f"| participants | {header} | memory (GB) |",
        "|---" * (len(shares) + 2) + "|",
    ]
    for count in (10, 30, 50):
        cells = " | ".join(f"{count * share:g} cores" for share, _ in shares)
        lines.append(f"| {count} | {cells} | {count * peak_gb + hub_gb:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--no-limits", action="store_true", help="let every participant's kernels use every core")
    args = parser.parse_args(argv)
    if rehearsal.proxy_command() is None:
        print("configurable-http-proxy is not installed: run `make hub-proxy` first.", file=sys.stderr)
        return 1
    mnist = str(Path(os.environ.get("GANLIB_DATA", ROOT / "data")).resolve())
    with tempfile.TemporaryDirectory(prefix="hub-upstream-") as upstream:
        repository = str(Path(upstream) / "gan-workbook.git")
        subprocess.run(["git", "clone", "-q", "--bare", str(ROOT), repository], check=True)
        branch = subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=repository, capture_output=True,
                                text=True, check=True).stdout.strip()
        rooms = []
        print("| participants | notebook 00, s (median / slowest) | notebook 03, 468 steps, s (median / slowest) "
              "| peak MiB per participant | hub + proxy + culler: MiB, CPU s |")
        print("|---|---|---|---|---|")
        for count in args.participants:
            room = measure(count, repository, branch, mnist, limits=not args.no_limits)
            rooms.append(room)
            print(f"| {count} | {statistics.median(room.seconds_00):.0f} / {max(room.seconds_00):.0f} "
                  f"| {statistics.median(room.seconds_03):.0f} / {max(room.seconds_03):.0f} "
                  f"| {room.peak_mib_per_participant:,.0f} | {room.hub_mib:,.0f}, {room.hub_cpu_seconds:.1f} |",
                  flush=True)
    print()
    print(capacity_table(rooms, limits=not args.no_limits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
