"""Start-up: how long `import ganlib` takes, and how soon notebook 03 trains its first step.

Run it by hand, alone on the machine:

    .venv/bin/python -m benchmarks.startup

`import ganlib` is timed inside fresh interpreters, after one untimed import has warmed
the disk cache ("warm"), as the median of several: the clock starts just before the import
statement and stops just after it. Python's own start (about 0.02 s) is not counted, nor
its exit, where PyTorch spends another few tenths of a second tidying up; the wall time of
the whole command is printed too, and the resident memory after the import.
`from ganlib.evaluate import metrics` with `from ganlib.pictures import images` is what
notebooks 04 and 05 import; torchvision and torchmetrics are timed for comparison, as
ganlib's data loading and metrics do without them. Notebook 03 is timed the way a
participant meets it: the clock starts when its kernel is asked for, its cells run in order with their
default parameters up to the training cell, and the clock stops when one training step
has finished (that cell's own `ganlib.fit`, limited to one step).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK_03 = Path("notebooks/03_mnist_gan.ipynb")
TRAINING_CELL = "ganlib.fit(gan, batches, max_steps=total_steps"


def import_seconds(statement: str, repeats: int = 7) -> tuple[list[float], list[float], float]:
    """Seconds of `statement` (an import) in fresh interpreters, warm cache: the import
    alone, timed inside the interpreter, and the whole command, start to exit; and the
    interpreter's resident memory after the import, in MiB."""
    code = (f"import time; started = time.perf_counter(); {statement}; seconds = time.perf_counter() - started; "
            "import psutil; print(seconds, psutil.Process().memory_info().rss / 2**20)")
    command = [sys.executable, "-c", code]
    subprocess.run(command, check=True, capture_output=True)  # warm the disk cache
    inside, whole = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        seconds, resident_mib = map(float, subprocess.run(command, check=True, capture_output=True, text=True).stdout.split())
        whole.append(time.perf_counter() - started)
        inside.append(seconds)
    return inside, whole, resident_mib


def _summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)"


def seconds_to_first_step() -> float:
    """From asking for a kernel to the end of notebook 03's first training step."""
    notebook = nbformat.read(NOTEBOOK_03, as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    stop = next(i for i, cell in enumerate(cells) if TRAINING_CELL in cell.source)
    probe = nbformat.v4.new_code_cell("ganlib.fit(gan, batches, max_steps=gan.step + 1, progress=False)")
    with tempfile.TemporaryDirectory() as runs:
        os.environ["GANLIB_RUNS"] = runs  # a fresh runs folder: nothing to resume
        client = NotebookClient(notebook, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK_03.parent)}})
        started = time.perf_counter()
        with client.setup_kernel():
            for index, cell in enumerate(cells[:stop] + [probe]):
                client.execute_cell(cell, index)
            return time.perf_counter() - started


def main() -> None:
    # torchvision and torchmetrics: what ganlib's data loading and metrics avoid importing.
    for statement in ("import ganlib", "import torch", "from ganlib.evaluate import metrics; from ganlib.pictures import images",
                      "import torchvision", "import torchmetrics"):
        inside, whole, resident_mib = import_seconds(statement)
        print(f"{statement:32} warm: {_summary(inside)}; whole command {statistics.median(whole):.2f} s; "
              f"resident memory after it {resident_mib:,.0f} MiB")
    print(f"notebook 03, kernel start to first training step done: {seconds_to_first_step():.1f} s")


if __name__ == "__main__":
    main()
