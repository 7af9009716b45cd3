"""Training throughput: the source example's own loop against ganlib's fit loop, same model, same batch.

Run it by hand, alone on the machine (two programs that both use every core slow each
other down many times over):

    .venv/bin/python -m benchmarks.throughput            # 5 rounds of 300 steps each

Each round times the source example's loop, then ganlib, on the real MNIST training set at batch 64
(they alternate, A B A B ..., so a slow phase of the machine hits both). Where the CPU
has fast bfloat16 matrix instructions, ganlib with autocast to bfloat16 joins each round
as a third loop. It prints images per second for each, the ratios, and the share of the
CPU's float32 matrix-product peak that ganlib's float32 loop reaches. Last, it profiles
ganlib's steps and shows where their time goes: matrix products, precision casts, the
optimiser, and everything else, in milliseconds per step.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

import ganlib
from benchmarks.source_loop import SourceExampleTrainer
from ganlib.data.mnist import data_root

# Multiply-adds per image of one ganlib step (see the note in `flops_per_image`).
G_MACS = 100 * 256 + 256 * 512 + 512 * 1024 + 1024 * 784
D_MACS = 784 * 512 + 512 * 256 + 256 * 1


def flops_per_image() -> int:
    """Floating-point operations per image in one ganlib training step (2 per multiply-add).

    G forward 1×G; G backward 2×G (weight and input gradients); D on the real and the fake
    batch, forward and backward: 2×(1×D + 2×D); the G step's D pass: forward 1×D and the
    input gradients 1×D (D's weights are frozen). The first layers' input gradients are
    not needed and not computed; the small difference is ignored here.
    """
    return 2 * (3 * G_MACS + 8 * D_MACS)


def peak_matmul_flops(size: int = 2048, repeats: int = 10) -> float:
    """The CPU's float32 matrix-product speed on a large, efficient product (FLOP/s)."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - started)


def where_the_time_goes(gan: ganlib.GAN, batches: ganlib.ShuffledBatches, steps: int = 100) -> dict[str, float]:
    """Milliseconds per ganlib step in each kind of operation, from PyTorch's profiler."""
    kinds = {"aten::mm": "matrix products", "aten::addmm": "matrix products", "aten::copy_": "precision casts",
             "aten::_fused_adam_": "optimiser", "Optimizer.step#Adam.step": "optimiser"}
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
        started = time.perf_counter()
        ganlib.fit(gan, batches, max_steps=gan.step + steps, progress=False)
        total_ms = (time.perf_counter() - started) * 1e3 / steps
    shares = dict.fromkeys(["matrix products", "precision casts", "optimiser"], 0.0)
    for event in profile.key_averages():
        if event.key in kinds:
            shares[kinds[event.key]] += event.self_cpu_time_total / 1e3 / steps
    shares["everything else"] = total_ms - sum(shares.values())
    shares["whole step (profiled)"] = total_ms
    return shares


def time_source(trainer: SourceExampleTrainer, steps: int) -> float:
    started = time.perf_counter()
    for _ in range(steps):
        trainer.step()
    return steps * 64 / (time.perf_counter() - started)


def time_ganlib(gan: ganlib.GAN, batches: ganlib.ShuffledBatches, steps: int) -> float:
    started = time.perf_counter()
    ganlib.fit(gan, batches, max_steps=gan.step + steps, progress=False)
    return steps * 64 / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=300, help="training steps per round and loop")
    args = parser.parse_args()

    threads = ganlib.configure_threads()
    root = data_root()
    source = SourceExampleTrainer(root)
    images, _ = ganlib.load_mnist(root)
    ganlib.seed_everything(0)
    gan = ganlib.make_gan(ganlib.MLPGenerator(), ganlib.MLPDiscriminator(), precision="float32")
    batches = ganlib.ShuffledBatches(images, batch_size=64)
    bf16 = None
    if ganlib.gan.device.fast_bfloat16(torch.device("cpu")):
        bf16 = ganlib.make_gan(ganlib.MLPGenerator(), ganlib.MLPDiscriminator(), precision="bfloat16")
        time_ganlib(bf16, batches, 30)
    time_source(source, 30)  # warm-up: first calls allocate memory and pick kernels
    time_ganlib(gan, batches, 30)

    source_rates, ganlib_rates, bf16_rates = [], [], []
    for round_ in range(1, args.rounds + 1):
        source_rates.append(time_source(source, args.steps))
        ganlib_rates.append(time_ganlib(gan, batches, args.steps))
        line = f"round {round_}: source {source_rates[-1]:7.0f} img/s   ganlib {ganlib_rates[-1]:7.0f} img/s"
        if bf16 is not None:
            bf16_rates.append(time_ganlib(bf16, batches, args.steps))
            line += f"   ganlib bfloat16 {bf16_rates[-1]:7.0f} img/s"
        print(line, flush=True)

    ratios = [g / s for g, s in zip(ganlib_rates, source_rates)]
    peak = peak_matmul_flops()
    achieved = statistics.median(ganlib_rates) * flops_per_image()
    print(f"\ntorch {torch.__version__}, {threads} threads, batch 64, float32, {args.rounds} rounds of {args.steps} steps")
    print(f"source loop median {statistics.median(source_rates):7.0f} img/s  (min {min(source_rates):.0f}, max {max(source_rates):.0f})")
    print(f"ganlib fit  median {statistics.median(ganlib_rates):7.0f} img/s  (min {min(ganlib_rates):.0f}, max {max(ganlib_rates):.0f})")
    print(f"ratio       median {statistics.median(ratios):.2f}x  (min {min(ratios):.2f}, max {max(ratios):.2f})")
    if bf16_rates:
        bf16_ratios = [b / s for b, s in zip(bf16_rates, source_rates)]
        print(f"bfloat16    median {statistics.median(bf16_rates):7.0f} img/s  (min {min(bf16_rates):.0f}, max {max(bf16_rates):.0f})")
        print(f"ratio       median {statistics.median(bf16_ratios):.2f}x  (min {min(bf16_ratios):.2f}, max {max(bf16_ratios):.2f})")
    else:
        print("bfloat16: this CPU has no fast bfloat16 matrix instructions; not measured")
    print(f"ganlib reaches {achieved / 1e9:.0f} GFLOP/s of a {peak / 1e9:.0f} GFLOP/s float32 matmul peak ({achieved / peak:.0%})")

    loops = {"float32": gan} | ({"bfloat16": bf16} if bf16 is not None else {})
    breakdown = {name: where_the_time_goes(loop, batches) for name, loop in loops.items()}
    print("\nwhere a step's time goes, ms per step at batch 64 (self time in PyTorch's profiler):")
    print(f"{'':24}" + "".join(f"{name:>10}" for name in breakdown))
    for kind in next(iter(breakdown.values())):
        print(f"{kind:24}" + "".join(f"{shares[kind]:10.2f}" for shares in breakdown.values()))


if __name__ == "__main__":
    main()
