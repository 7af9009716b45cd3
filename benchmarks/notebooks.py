"""Run notebooks top to bottom on fresh kernels; time each one and measure its peak memory.

`make workbook` runs this with --in-place, so the committed notebooks carry the outputs of
exactly this run and every run is also the memory benchmark:

    .venv/bin/python -m benchmarks.notebooks notebooks/0*.ipynb          # outputs to build/notebook-runs/
    .venv/bin/python -m benchmarks.notebooks --in-place notebooks/03_mnist_gan.ipynb

Peak memory is the kernel's own high-water mark of resident memory (VmHWM in
/proc/<pid>/status on Linux), read every 0.2 s while the notebook runs: the number that
mybinder.org's 2 GB limit is compared against. Elsewhere the script falls back to
sampling the resident size, which can miss a short peak.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

import papermill
import psutil

OUTPUT_DIR = Path("build/notebook-runs")
BINDER_LIMIT_MB = 2048


def _high_water_mb(process: psutil.Process) -> float:
    """Peak resident memory of one process so far, in MiB."""
    try:
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # the line reads "VmHWM:  123456 kB"
    except OSError:
        pass
    return process.memory_info().rss / 2**20


class PeakMemory:
    """Watches this process's children (the notebook's kernel) and keeps their peak."""

    def __init__(self, every: float = 0.2) -> None:
        self.every, self.peak_mb = every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.every):
            for child in me.children(recursive=True):
                try:
                    self.peak_mb = max(self.peak_mb, _high_water_mb(child))
                except psutil.Error:  # the child ended between listing and reading
                    pass

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run(notebook: Path, output: Path) -> dict:
    """Execute `notebook` with its default parameters into `output`; return its figures."""
    started = time.perf_counter()
    with PeakMemory() as memory:
        papermill.execute_notebook(str(notebook), str(output), cwd=str(notebook.parent),
                                   kernel_name="python3", progress_bar=False)
    return {"notebook": notebook.stem, "minutes": (time.perf_counter() - started) / 60,
            "peak_mb": memory.peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--in-place", action="store_true", help="write the outputs back into the notebooks")
    args = parser.parse_args()

    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    rows = []
    for notebook in args.notebooks:
        print(f"== {notebook}", flush=True)
        output = notebook if args.in_place else OUTPUT_DIR / notebook.name
        rows.append(run(notebook, output))
        print(f"   {rows[-1]['minutes']:.1f} min, peak memory {rows[-1]['peak_mb']:,.0f} MiB", flush=True)
    print(f"\n{'notebook':32} {'minutes':>8} {'peak MiB':>9}")
    for row in rows:
        flag = "" if row["peak_mb"] <= 0.75 * BINDER_LIMIT_MB else "   over 1.5 GB"
        print(f"{row['notebook']:32} {row['minutes']:8.1f} {row['peak_mb']:9,.0f}{flag}")
    print(f"(torch {__import__('torch').__version__}, {psutil.cpu_count(logical=False)} physical cores)")
    (OUTPUT_DIR / "figures.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
