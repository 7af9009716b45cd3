"""What a team can expect from a GAN on its own pictures: quality against wall-clock time
on the letterforms collection, with and without DiffAugment, on all of it and on 200 pictures.

Run it by hand, alone on the machine (about an hour with the defaults: four runs of 15
minutes):

    .venv/bin/python -m benchmarks.design_collection
    .venv/bin/python -m benchmarks.design_collection --budgets 60 300 --runs full-augmented few-augmented
    .venv/bin/python -m benchmarks.design_collection --step-times     (32 against 64 pixels)

The four runs:

    full-plain       all 13,026 training letters, recipes.LETTERFORMS (conditional, no augmentation)
    full-augmented   the same with DiffAugment (translation)
    few-plain        200 letters picked at random and no labels: a team's small folder,
                     recipes.for_collection(200) without augmentation
    few-augmented    the same with DiffAugment (colour, translation, cutout): what notebook 08 uses

The clock runs only while training: at each budget the run pauses, 2,600 samples from fixed
noise are scored with the letter classifier's features (Fréchet distance, coverage,
legibility) against the 1,430 letters of the held-out typefaces, and training resumes. The
few-picture runs also report how near their samples are to their 200 pictures (the median
pixel distance to the nearest one, "creating or copying?"); a copy would be near 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import torch

import ganlib
from ganlib.data.letterforms import load_letterforms
from ganlib.evaluate import copies, metrics
from ganlib.evaluate.recipes import LETTERFORMS, Recipe, for_collection

SAMPLES = 2600
FEW = 200
RUNS = ("full-plain", "full-augmented", "few-plain", "few-augmented")


def recipe_and_data(name: str, letters) -> tuple[Recipe, torch.Tensor, torch.Tensor | None]:
    if name.startswith("full"):
        recipe = dataclasses.replace(LETTERFORMS, augment="translation" if name == "full-augmented" else "")
        return recipe, letters.images, letters.letters
    pick = torch.randperm(len(letters), generator=torch.Generator().manual_seed(0))[:FEW]
    recipe = for_collection(FEW)
    return (recipe if name == "few-augmented" else dataclasses.replace(recipe, augment="")), letters.images[pick], None


def few_pictures_context(letters, reference) -> None:
    """What the 200 pictures themselves score, and how near new letters come to them: the
    yardsticks for the few-picture runs."""
    _, pictures, _ = recipe_and_data("few-plain", letters)
    scores = metrics.score(pictures, reference, classifier="letterforms")
    held_out = load_letterforms("test").images
    _, distance = metrics.nearest_training_images(held_out[:500], pictures, k=1, classifier="letterforms")
    print(f"the {FEW} pictures themselves against the held-out letters: Fréchet {scores.frechet:.1f}, coverage "
          f"{scores.coverage:.3f}; their near-copy line {copies.near_copy_line(pictures):.2f}; held-out letters' median "
          f"distance to the nearest of them {distance[:, 0].median():.2f}")


def figures(gan: ganlib.GAN, reference: metrics.Classified, pictures: torch.Tensor, few: bool) -> dict[str, float]:
    samples = metrics.sample_generator(gan.sampler, SAMPLES, seed=7)
    scores = metrics.score(samples, reference, classifier="letterforms")
    result = {"frechet": scores.frechet, "coverage": scores.coverage, "legibility": scores.confidence}
    if few:
        _, distance = metrics.nearest_training_images(samples[:500], pictures, k=1, classifier="letterforms")
        result["nearest"] = distance[:, 0].median().item()
    return result


def run(name: str, budgets: list[float], letters, reference) -> dict[float, dict]:
    recipe, pictures, labels = recipe_and_data(name, letters)
    gan = recipe.build(seed=0)
    batches = ganlib.ShuffledBatches(pictures, recipe.batch_size, seed=0, labels=labels)
    at = {}
    for budget in budgets:
        ganlib.fit(gan, batches, max_seconds=budget - gan.train_seconds, progress=False)
        at[budget] = figures(gan, reference, pictures, labels is None) | {"steps": gan.step}
        extra = f"   nearest picture {at[budget]['nearest']:5.1f}" if "nearest" in at[budget] else ""
        print(f"{name:15} {budget:5.0f} s {gan.step:7,} steps   Fréchet {at[budget]['frechet']:6.1f}   "
              f"coverage {at[budget]['coverage']:.3f}   legibility {at[budget]['legibility']:.3f}{extra}", flush=True)
    return at


def step_times(steps: int = 40) -> None:
    """Milliseconds per training step for 500 colour pictures at 32 and at 64 pixels (the
    settings `for_collection` chooses), side by side: what SIZE = 64 costs."""
    times = {}
    for size in (32, 64):
        recipe = for_collection(500, channels=3, size=size)
        gan = recipe.build(seed=0)
        batch = torch.rand(recipe.batch_size, 3, size, size, generator=torch.Generator().manual_seed(0)) * 2 - 1
        for _ in range(5):  # warm-up
            ganlib.train_step(gan, batch)
        started = time.perf_counter()
        for _ in range(steps):
            ganlib.train_step(gan, batch)
        times[size] = (time.perf_counter() - started) / steps * 1000
        print(f"{size} × {size}, batch {recipe.batch_size}: {times[size]:.0f} ms per step", flush=True)
    print(f"64 pixels cost {times[64] / times[32]:.1f} times as much per step as 32")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[60, 120, 300, 600, 900], help="seconds of training")
    parser.add_argument("--runs", nargs="+", default=list(RUNS), choices=RUNS)
    parser.add_argument("--step-times", action="store_true", help="only time a step at 32 and 64 pixels")
    args = parser.parse_args()
    ganlib.configure_threads()
    if args.step_times:
        step_times()
        return
    letters = load_letterforms("train")
    held_out = load_letterforms("test")
    reference = metrics.classify(held_out.images, "letterforms")
    real = letters.images[torch.randperm(len(letters), generator=torch.Generator().manual_seed(0))[:SAMPLES]]
    floor = metrics.score(real, reference, classifier="letterforms")
    print(f"threads {torch.get_num_threads()}, precision of the recipes: {LETTERFORMS.precision}; "
          f"real training letters against the held-out typefaces: Fréchet {floor.frechet:.1f}")
    if any(name.startswith("few") for name in args.runs):
        few_pictures_context(letters, reference)
    results = {name: run(name, sorted(args.budgets), letters, reference) for name in args.runs}
    print(f"\nFréchet distance in the letter classifier's features (lower is better; real letters: {floor.frechet:.1f}):")
    print(f"{'budget':>8}  " + "  ".join(f"{name:>15}" for name in results))
    for budget in sorted(args.budgets):
        print(f"{budget / 60:6.1f} min  " + "  ".join(f"{results[name][budget]['frechet']:15.1f}" for name in results))
    for name in results:
        if name.startswith("few"):
            nearest = [results[name][budget]["nearest"] for budget in sorted(args.budgets)]
            print(f"{name}: median distance to the nearest of its {FEW} pictures at each budget: "
                  + ", ".join(f"{value:.1f}" for value in nearest) + f" (median over budgets {statistics.median(nearest):.1f})")


if __name__ == "__main__":
    main()
