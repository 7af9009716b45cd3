"""The slow-machine profile beside this machine: what a participant on a laptop or on Binder sees.

Run it by hand, alone on the machine (about 12 minutes per seed with the defaults):

    .venv/bin/python -m benchmarks.slow_machine
    .venv/bin/python -m benchmarks.slow_machine --seeds 0 1 2 --budgets 30 60 120 300

Workshop laptops often lack the bfloat16 instructions of a server CPU, and mybinder.org
gives about one core. The slow-machine profile approximates both: one core (this process's
first allowed core, as `taskset -c 0` would) and float32. Both profiles train notebook 03's
settings (`ganlib.evaluate.recipes.NOTEBOOK_03`) in turn, in one run, each in a fresh
process of `benchmarks.time_to_digits`, and are scored the same way (the Fréchet distance
of 5,000 samples of the moving average in ganlib's classifier space, lower is better)
after each budget of training seconds. The table prints both side by side, with the
steps each reached, and how many times more steps the default profile trained.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROFILES = {
    "this machine": ("notebook-03", None),  # all cores, bfloat16 where it is fast
    "slow profile": ("notebook-03,precision=float32", 1),  # one core, float32
}


def run_profile(config: str, cores: int | None, seeds: list[int], budgets: list[float]) -> dict:
    """Train `config` in a child process restricted to its first `cores` allowed cores."""
    allowed = sorted(os.sched_getaffinity(0))
    pinned = set(allowed[:cores]) if cores else set(allowed)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "figures.json"
        command = [sys.executable, "-m", "benchmarks.time_to_digits", "--configs", config, "--source-minutes", "0",
                   "--seeds", *map(str, seeds), "--budgets", *map(str, budgets), "--json", str(output)]
        subprocess.run(command, check=True, preexec_fn=lambda: os.sched_setaffinity(0, pinned))
        found = json.loads(output.read_text())
    return {"threads": found["threads"], "runs": found["results"][config]}


def median_at(runs: list[dict], budget: float, key: str) -> float:
    return statistics.median(run[str(float(budget))][key] for run in runs)  # JSON keys are strings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[30.0, 60.0, 120.0, 300.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    measured = {name: run_profile(config, cores, args.seeds, args.budgets)
                for name, (config, cores) in PROFILES.items()}

    print(f"\nNotebook 03's settings, Fréchet distance after each budget (median of seeds {args.seeds}; "
          "the steps trained in brackets):")
    headings = [f"{name} ({m['threads']} thread{'s' if m['threads'] > 1 else ''})" for name, m in measured.items()]
    print(f"{'seconds':>8}" + "".join(f"{heading:>30}" for heading in headings) + f"{'steps ratio':>14}")
    fast, slow = (measured[name]["runs"] for name in PROFILES)
    for budget in args.budgets:
        cells = [f"{median_at(m['runs'], budget, 'frechet'):.1f} ({median_at(m['runs'], budget, 'steps'):,.0f})"
                 for m in measured.values()]
        ratio = median_at(fast, budget, "steps") / median_at(slow, budget, "steps")
        print(f"{budget:8.0f}" + "".join(f"{cell:>30}" for cell in cells) + f"{ratio:13.1f}×")


if __name__ == "__main__":
    main()
