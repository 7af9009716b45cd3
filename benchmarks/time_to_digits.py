"""Time to digits: how good a generator gets in a fixed wall-clock budget.

Run it by hand, alone on the machine (it takes budgets × configurations, plus the seed's
loop for up to --seed-minutes):

    .venv/bin/python -m benchmarks.time_to_digits                      # the full table
    .venv/bin/python -m benchmarks.time_to_digits --budgets 60 120 --configs seed-settings bs256-lr8e-4 bs128-lr7e-4-fp32

Every configuration trains the seed's MLP architecture on real MNIST. The clock runs only
while training: at each budget the run pauses, 5,000 samples from fixed noise are scored
with `ganlib.metrics` (Fréchet distance in classifier space, coverage, confidence) against
5,000 MNIST test images, and training resumes. The seed's loop (benchmarks/seed_loop.py)
is scored the same way at the budgets and every --seed-every seconds, up to --seed-minutes,
to find how long it needs to reach ganlib's figures. 'seed-settings' (ganlib's loop with the
seed's batch 64, lr 2e-4, float32) separates the loop's speed from the lesson's tuning.
"""

from __future__ import annotations

import argparse
import re
import time

import torch

import ganlib
from benchmarks.seed_loop import SeedTrainer
from ganlib import metrics
from ganlib.data import data_root

SAMPLES = 5000
NOTEBOOK_03 = "bs128-lr7e-4"  # what notebook 03 uses by default (ganlib.setup_check.NOTEBOOK_03)


def parse_config(name: str) -> tuple[int, dict]:
    """'bs256-lr8e-4' -> batch 256, lr 8e-4, bfloat16 where fast; a '-fp32' suffix forces float32.
    'seed-settings' is the seed's batch 64 and lr 2e-4 in float32, with ganlib's loop."""
    if name == "seed-settings":
        return 64, {"lr": 2e-4, "precision": "float32"}
    match = re.fullmatch(r"bs(\d+)-lr([0-9.]+(?:e-?[0-9]+)?)(-fp32)?", name)
    if not match:
        raise SystemExit(f"unknown configuration {name!r}: use seed-settings, bsN-lrX or bsN-lrX-fp32")
    precision = "float32" if match.group(3) else "auto"
    return int(match.group(1)), {"lr": float(match.group(2)), "precision": precision}


def figures(generator: torch.nn.Module, reference: metrics.Seen) -> dict[str, float]:
    samples = metrics.sample_generator(generator, SAMPLES, seed=7)
    scores = metrics.score(samples, reference)
    return {"frechet": scores.frechet, "coverage": scores.coverage, "confidence": scores.confidence}


def run_ganlib(name: str, budgets: list[float], images: torch.Tensor, reference) -> list[tuple]:
    batch_size, options = parse_config(name)
    ganlib.seed_everything(0)
    gan = ganlib.make_gan(ganlib.MLPGenerator(), ganlib.MLPDiscriminator(), seed=0, **options)
    batches = ganlib.ShuffledBatches(images, batch_size, seed=0)
    rows = []
    for budget in budgets:
        ganlib.fit(gan, batches, max_seconds=budget - gan.train_seconds, progress=False)
        gan.generator.eval()
        rows.append((name, budget, gan.step, figures(gan.generator, reference)))
        print(_line(*rows[-1]), flush=True)
    return rows


def run_seed(budgets: list[float], every: float, minutes: float, reference, targets: dict[float, float]) -> list[tuple]:
    """The seed's loop, scored at `budgets` and every `every` s; stops once it has matched
    every target Fréchet distance, or after `minutes`."""
    trainer = SeedTrainer(data_root())
    marks = sorted(set(budgets) | {every * k for k in range(1, int(minutes * 60 / every) + 1)})
    trained, rows, reached = 0.0, [], {}
    for mark in marks:
        started = time.perf_counter()
        while trained + (time.perf_counter() - started) < mark:
            trainer.step()
        trained += time.perf_counter() - started
        scores = figures(trainer.generator.eval(), reference)
        trainer.generator.train()
        for target, value in targets.items():
            if target not in reached and scores["frechet"] <= value:
                reached[target] = mark
        rows.append(("seed loop", mark, trainer.steps, scores))
        print(_line(*rows[-1]), flush=True)
        if len(reached) == len(targets) and mark >= max(budgets):
            break
    for target, value in targets.items():
        when = f"after {reached[target]:.0f} s" if target in reached else f"not within {minutes:.0f} min"
        print(f"seed loop reaches ganlib's {target:.0f}-s Fréchet distance ({value:.1f}) {when}")
    return rows


def _line(name: str, budget: float, steps: int, scores: dict[str, float]) -> str:
    return (f"{name:18} {budget:5.0f} s {steps:7,} steps   Fréchet {scores['frechet']:7.1f}   "
            f"coverage {scores['coverage']:.3f}   confidence {scores['confidence']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[30, 60, 120, 300])
    parser.add_argument("--configs", nargs="+", default=[NOTEBOOK_03],
                        help="seed-settings, or bsN-lrX (bfloat16 where fast) / bsN-lrX-fp32")
    parser.add_argument("--seed-minutes", type=float, default=30.0, help="0 skips the seed's loop")
    parser.add_argument("--seed-every", type=float, default=60.0)
    args = parser.parse_args()

    threads = ganlib.configure_threads()
    images, _ = ganlib.load_mnist()
    reference = metrics.real_reference(SAMPLES)
    print(f"torch {torch.__version__}, {threads} threads, bfloat16 fast here: "
          f"{ganlib.device.fast_bfloat16(torch.device('cpu'))}; {SAMPLES:,} samples scored per point")
    results = []
    for name in args.configs:
        results += run_ganlib(name, args.budgets, images, reference)
    if args.seed_minutes > 0:
        targets = {budget: scores["frechet"] for name, budget, _, scores in results if name == NOTEBOOK_03}
        run_seed(args.budgets, args.seed_every, args.seed_minutes, reference, targets)


if __name__ == "__main__":
    main()
