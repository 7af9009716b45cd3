"""Where the arithmetic runs: a GPU when there is one, else all the CPU's cores, and the
fastest way each of them offers for the same arithmetic (bfloat16, Adam in one kernel).

Everything in the workbook runs on a plain laptop CPU. If PyTorch finds an NVIDIA GPU
(CUDA) or an Apple-silicon GPU (MPS), ganlib uses it, and training simply goes faster.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import psutil
import torch
from torch import nn

from ganlib import checks
from ganlib.errors import InputError


def pick_device(preferred: str | torch.device | None = None) -> torch.device:
    """The device to train on: `preferred` if given, else CUDA, else MPS, else the CPU."""
    if preferred is not None:
        return _available(preferred)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _available(preferred: str | torch.device) -> torch.device:
    """`preferred` as a device, if this machine has it."""
    try:
        device = torch.device(preferred)
    except (RuntimeError, TypeError):
        raise InputError(f'device must be "cpu", "cuda" or "mps" (or left out, to choose the best one here); '
                         f"got {preferred!r}.") from None
    present = {"cpu": True, "cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    if not present.get(device.type, False):
        raise InputError(f"This machine has no {device.type} device for PyTorch. Leave device out: "
                         "ganlib then uses the best one there is (here, the CPU).")
    return device


def cpu_quota(path: str = "/sys/fs/cgroup/cpu.max") -> int | None:
    """Whole cores allowed by a container's CPU limit (cgroup v2 `cpu.max`), or None.

    A JupyterHub or Docker limit of "2 CPUs" leaves every core visible but lets the
    process use only two cores' worth of time: more threads than that just queue.
    """
    try:
        quota, period = open(path).read().split()
    except (OSError, ValueError):
        return None
    return None if quota == "max" else max(1, int(quota) // int(period))


def physical_cores() -> int:
    """CPU cores this process may use, counting each physical core once.

    Two hyper-threads of one core share its arithmetic units, so for matrix work one
    thread per physical core is the fastest setting; a container may also allow fewer
    cores than the machine has, by affinity or by a CPU-time quota.
    """
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    physical = psutil.cpu_count(logical=False) or allowed
    return max(1, min(allowed or 1, physical, cpu_quota() or physical))


def configure_threads(threads: int | None = None) -> int:
    """Give PyTorch one thread per physical core (or `threads`); return the number set."""
    threads = physical_cores() if threads is None else checks.whole_number(threads, "threads", 1)
    torch.set_num_threads(threads)
    return threads


def fast_bfloat16(device: torch.device) -> bool:
    """Whether `device` does matrix products in bfloat16 faster than in float32.

    bfloat16 keeps float32's range with fewer digits (about 3 significant decimals), which
    is plenty for a GAN's forward and backward passes. Recent Intel and AMD CPUs have
    instructions for it (AVX512-BF16, AMX), as do recent NVIDIA GPUs; elsewhere it would be
    emulated, and slower than float32.
    """
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu" and torch.backends.mkldnn.is_available():
        checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")  # private: absent in some versions
        return any(getattr(torch.cpu, name, lambda: False)() for name in checks)
    return False


def make_adam(params: Iterable[nn.Parameter], lr: float, betas: tuple[float, float], device: torch.device) -> torch.optim.Adam:
    """Adam, in its fused form where PyTorch has one for `device`.

    The fused form updates every parameter tensor in one kernel instead of a dozen small
    operations per tensor; for a small model on a CPU that makes the whole training step
    markedly faster, with the same arithmetic.
    """
    params = list(params)
    if device.type in ("cpu", "cuda"):
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    return torch.optim.Adam(params, lr=lr, betas=betas)
