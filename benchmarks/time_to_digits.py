"""Time to digits: how good a generator gets in a fixed wall-clock budget.

Run it by hand, alone on the machine (about an hour with the defaults: three seeds of
notebook 03's settings for 5 minutes each, then the source example's own loop for up to 30 minutes):

    .venv/bin/python -m benchmarks.time_to_digits
    .venv/bin/python -m benchmarks.time_to_digits --budgets 30 60 --source-minutes 0 \\
        --configs notebook-03 notebook-03,ema_decay=0 notebook-03,beta1=0.5,beta2=0.999

Every configuration trains the source example's MLP architecture on real MNIST. The clock runs only
while training: at each budget the run pauses, 5,000 samples from fixed noise are scored
with `ganlib.evaluate.metrics` (Fréchet distance in classifier space, coverage, confidence) against
5,000 MNIST test images, and training resumes. Each ganlib configuration runs once per
--seeds (GAN runs vary from seed to seed, early on by a factor of two), and the summary
gives the median and the range. The source example's loop (benchmarks/source_loop.py) runs once, is
scored the same way at the budgets and every --source-every seconds, up to --source-minutes,
to find how long it needs to reach notebook 03's figures.

A configuration is a preset, optionally followed by changes:

    notebook-03       notebook 03's settings (ganlib.evaluate.recipes.NOTEBOOK_03)
    source-example    ganlib's loop with the source example's settings: batch 64, lr 2e-4, betas
                      (0.5, 0.999), float32, no moving average; this separates the loop's
                      speed from the lesson's tuning
    PRESET,key=value,...   keys: batch_size, lr, beta1, beta2, ema_decay, precision
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

import ganlib
from benchmarks.source_loop import SourceExampleTrainer
from ganlib.data.mnist import data_root
from ganlib.evaluate import metrics
from ganlib.evaluate.recipes import NOTEBOOK_03, SOURCE_EXAMPLE, Recipe

SAMPLES = 5000
TARGETS = {30: 600}  # ganlib's figure after 30 s against the source example's loop's after 600 s
PRESETS = {
    name: {"batch_size": recipe.batch_size, "lr": recipe.lr, "beta1": recipe.betas[0], "beta2": recipe.betas[1],
           "ema_decay": recipe.ema_decay, "precision": recipe.precision}
    for name, recipe in (("notebook-03", NOTEBOOK_03), ("source-example", SOURCE_EXAMPLE))
}


def parse_config(name: str) -> dict:
    """'notebook-03,lr=1.5e-3,ema_decay=0' -> notebook 03's settings with those two changed."""
    preset, *changes = name.split(",")
    if preset not in PRESETS:
        raise SystemExit(f"unknown preset {preset!r}: use one of {sorted(PRESETS)}")
    settings = dict(PRESETS[preset])
    for change in changes:
        key, _, value = change.partition("=")
        if key not in settings:
            raise SystemExit(f"unknown setting {key!r} in {name!r}: use one of {sorted(settings)}")
        settings[key] = value if key == "precision" else type(settings[key])(float(value))
    return settings


def figures(generator: torch.nn.Module, reference: metrics.Classified) -> dict[str, float]:
    samples = metrics.sample_generator(generator, SAMPLES, seed=7)
    scores = metrics.score(samples, reference)
    return {"frechet": scores.frechet, "coverage": scores.coverage, "confidence": scores.confidence}


def run_ganlib(name: str, seed: int, budgets: list[float], images: torch.Tensor, reference) -> dict[float, dict]:
    """Train configuration `name` with `seed`; its figures at every budget."""
    settings = parse_config(name)
    recipe = Recipe(batch_size=settings["batch_size"], lr=settings["lr"], betas=(settings["beta1"], settings["beta2"]),
                    ema_decay=settings["ema_decay"], precision=settings["precision"])
    gan = recipe.build(seed)
    batches = ganlib.ShuffledBatches(images, settings["batch_size"], seed=seed)
    at = {}
    for budget in budgets:
        ganlib.fit(gan, batches, max_seconds=budget - gan.train_seconds, progress=False)
        at[budget] = figures(gan.sampler, reference) | {"steps": gan.step}
        print(_line(f"{name} (seed {seed})", budget, gan.step, at[budget]), flush=True)
    return at


def run_source_loop(marks: list[float], reference, targets: dict[float, float]) -> dict[float, dict]:
    """The source example's loop, scored at every mark (seconds of training); it stops early once it
    has matched every target Fréchet distance and passed the last of `TARGETS`'s marks."""
    trainer = SourceExampleTrainer(data_root())
    trained, at, reached = 0.0, {}, {}
    for mark in marks:
        started = time.perf_counter()
        while trained + (time.perf_counter() - started) < mark:
            trainer.step()
        trained += time.perf_counter() - started
        at[mark] = figures(trainer.generator.eval(), reference)
        trainer.generator.train()
        print(_line("source loop", mark, trainer.steps, at[mark]), flush=True)
        for budget, target in targets.items():
            if budget not in reached and at[mark]["frechet"] <= target:
                reached[budget] = mark
        if len(reached) == len(targets) and mark >= max(TARGETS.values()):
            break
    for budget, target in targets.items():
        when = f"after {reached[budget]:.0f} s" if budget in reached else f"not within {max(at):.0f} s"
        print(f"the source example's loop reaches notebook 03's {budget:.0f}-s median Fréchet distance ({target:.1f}) {when}")
    return at


def _line(name: str, budget: float, steps: int, scores: dict[str, float]) -> str:
    return (f"{name:34} {budget:5.0f} s {steps:7,} steps   Fréchet {scores['frechet']:7.1f}   "
            f"coverage {scores['coverage']:.3f}   confidence {scores['confidence']:.3f}")


def summarise(results: dict[str, list[dict[float, dict]]], source_loop: dict[float, dict], budgets: list[float]) -> None:
    """The table of medians and ranges, and the two comparisons with the source example's loop."""
    print(f"\nFréchet distance after each budget ({SAMPLES:,} samples; median of the seeds, with min-max):")
    print(f"{'budget':>8}  " + "  ".join(f"{name:>30}" for name in results) + f"  {'source loop':>11}")
    for budget in budgets:
        cells = []
        for runs in results.values():
            values = [run[budget]["frechet"] for run in runs]
            cells.append(f"{statistics.median(values):8.1f} ({min(values):.1f}-{max(values):.1f})")
        source = f"{source_loop[budget]['frechet']:11.1f}" if budget in source_loop else f"{'-':>11}"
        print(f"{budget:6.0f} s  " + "  ".join(f"{cell:>30}" for cell in cells) + f"  {source}")
    if "notebook-03" not in results or not source_loop:
        return
    runs = results["notebook-03"]
    for ours, theirs in TARGETS.items():
        if ours in budgets and theirs in source_loop:
            worst = max(run[ours]["frechet"] for run in runs)
            verdict = "yes" if worst <= source_loop[theirs]["frechet"] else "no"
            print(f"notebook-03 after {ours} s, worst seed {worst:.1f}; source example's loop after {theirs} s "
                  f"{source_loop[theirs]['frechet']:.1f}: matched by every seed: {verdict}")
    last = max(budgets)
    worst = max(run[last]["frechet"] for run in runs)
    best_mark = min(source_loop, key=lambda mark: source_loop[mark]["frechet"])
    print(f"notebook-03 after {last:.0f} s, worst seed {worst:.1f}; the source example's loop's best in "
          f"{max(source_loop):.0f} s: {source_loop[best_mark]['frechet']:.1f} (at {best_mark:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[30, 60, 120, 300])
    parser.add_argument("--configs", nargs="+", default=["notebook-03"], help="see the module's docstring")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--source-minutes", type=float, default=30.0, help="0 skips the source example's loop")
    parser.add_argument("--source-every", type=float, default=60.0)
    parser.add_argument("--json", type=Path, help="also write every configuration's figures here")
    args = parser.parse_args()

    for name in args.configs:
        parse_config(name)  # fail on a typo now, not after an hour
    threads = ganlib.configure_threads()
    images, _ = ganlib.load_mnist()
    reference = metrics.real_reference(SAMPLES)
    print(f"torch {torch.__version__}, {threads} threads, bfloat16 fast here: "
          f"{ganlib.gan.device.fast_bfloat16(torch.device('cpu'))}; {SAMPLES:,} samples scored per point")
    results = {name: [run_ganlib(name, seed, args.budgets, images, reference) for seed in args.seeds]
               for name in args.configs}
    source_loop = {}
    if args.source_minutes > 0:
        every = [args.source_every * k for k in range(1, int(args.source_minutes * 60 / args.source_every) + 1)]
        marks = sorted(set(args.budgets) | set(TARGETS.values()) | set(every))
        targets = {budget: statistics.median(run[budget]["frechet"] for run in results["notebook-03"])
                   for budget in args.budgets} if "notebook-03" in results else {}
        source_loop = run_source_loop(marks, reference, targets)
    summarise(results, source_loop, args.budgets)
    if args.json:
        args.json.write_text(json.dumps({"threads": threads, "results": results}))


if __name__ == "__main__":
    main()
