"""Where the arithmetic runs: a GPU when there is one, else all the CPU's cores.

Everything in the workbook runs on a plain laptop CPU. If PyTorch finds an NVIDIA GPU
(CUDA) or an Apple-silicon GPU (MPS), ganlib uses it, and training simply goes faster.
"""

from __future__ import annotations

import os

import psutil
import torch


def pick_device(preferred: str | torch.device | None = None) -> torch.device:
    """The device to train on: `preferred` if given, else CUDA, else MPS, else the CPU."""
    if preferred is not None:
        return torch.device(preferred)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def physical_cores() -> int:
    """CPU cores this process may use, counting each physical core once.

    Two hyper-threads of one core share its arithmetic units, so for matrix work one
    thread per physical core is the fastest setting; a container may also allow fewer
    cores than the machine has.
    """
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    physical = psutil.cpu_count(logical=False) or allowed
    return max(1, min(allowed or 1, physical))


def configure_threads(threads: int | None = None) -> int:
    """Give PyTorch one thread per physical core (or `threads`); return the number set."""
    threads = threads or physical_cores()
    torch.set_num_threads(threads)
    return threads
