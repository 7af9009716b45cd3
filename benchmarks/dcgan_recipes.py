"""Which recipe the shipped DCGAN trains with: candidates compared on MNIST, several seeds.

Run it by hand, alone on the machine (38 minutes with the defaults on a 2-core CPU without
bfloat16 instructions: four recipes, three seeds, 2,340 steps each):

    .venv/bin/python -m benchmarks.dcgan_recipes
    .venv/bin/python -m benchmarks.dcgan_recipes --steps 600 --seeds 0 --recipes baseline hinge

Every candidate trains notebook 04's convolutional pair (`DCGANGenerator`,
`DCGANDiscriminator`) and is judged as the stability experiments judge theirs
(`ganlib.evaluate.stability`): the same steps and seeds for every recipe, the Fréchet
distance of 2,000 samples against 2,000 MNIST test digits, and the spread of the
baseline's seeds as the noise band a change must leave to count. The candidates:

    baseline        notebook 03's recipe (lr 1e-3, Adam betas (0, 0.99), a moving average of G)
    source settings the recipe the DCGAN shipped with before: lr 5e-4, betas (0.5, 0.999), no average
    hinge           the baseline with the hinge loss
    spectral norm   the baseline with spectral normalisation on the discriminator
    hinge, width 64 the hinge loss with both networks twice as wide (not run unless asked for):
                    what the shipped DCGAN's width costs it

        .venv/bin/python -m benchmarks.dcgan_recipes --seeds 0 --recipes baseline hinge "hinge, width 64"

The Wasserstein critic is left out: on the MLP it was no better than the baseline
(`python -m ganlib game-experiments`) at four times the cost of a step.
"""

from __future__ import annotations

import argparse
from functools import partial

import ganlib
from ganlib.evaluate import metrics, stability
from ganlib.evaluate.recipes import Recipe
from ganlib.gan.models import DCGANDiscriminator, DCGANGenerator

CANDIDATES: dict[str, Recipe] = {
    "baseline": Recipe(DCGANGenerator, DCGANDiscriminator),
    "source settings": Recipe(DCGANGenerator, DCGANDiscriminator, lr=5e-4, betas=(0.5, 0.999), ema_decay=0.0),
    "hinge": Recipe(DCGANGenerator, DCGANDiscriminator, loss="hinge"),
    "spectral norm": Recipe(DCGANGenerator, partial(DCGANDiscriminator, spectral_norm=True)),
    "hinge, width 64": Recipe(partial(DCGANGenerator, width=64), partial(DCGANDiscriminator, width=64), loss="hinge"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=2340, help="generator steps of every run (2,340: 5 epochs)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--samples", type=int, default=stability.SAMPLES)
    parser.add_argument("--recipes", nargs="+", default=[name for name in CANDIDATES if "width" not in name],
                        choices=list(CANDIDATES))
    args = parser.parse_args()
    if "baseline" not in args.recipes:
        parser.error("the baseline is what every other recipe is judged against: keep it in --recipes")

    images, _ = ganlib.load_mnist()
    recipes = {name: CANDIDATES[name] for name in args.recipes}
    shipped = stability.run_all(images, metrics.real_reference(args.samples), recipes=recipes,
                                command="python -m benchmarks.dcgan_recipes", steps=args.steps,
                                seeds=tuple(args.seeds), samples=args.samples)
    print(f"{args.steps:,} steps, seeds {args.seeds}, {args.samples:,} samples, "
          f"{shipped.record['minutes']} min, {shipped.record['precision']}, {shipped.record['machine']}")
    print(stability.table(shipped, list(recipes), recipes))
    for name, outcome in shipped.outcomes.items():
        print(f"{name:16} {1000 * outcome.seconds / outcome.steps:5.0f} ms per step (seed {args.seeds[0]})")


if __name__ == "__main__":
    main()
