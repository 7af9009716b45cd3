"""How long the metrics take: scoring 10,000 generated samples, as during training.

Run it by hand, alone on the machine:

    .venv/bin/python -m benchmarks.metrics_speed

It times, separately: the one-off real reference (10,000 MNIST test images through the
classifier), then sampling 10,000 images from the pretrained generator and computing every
figure of `ganlib.evaluate.metrics.score` against that reference. Median of 3 repeats.
"""

from __future__ import annotations

import statistics
import time

import ganlib
from ganlib.evaluate import metrics


def main(samples: int = 10_000, repeats: int = 3) -> None:
    threads = ganlib.configure_threads()
    started = time.perf_counter()
    reference = metrics.real_reference(samples)
    reference_seconds = time.perf_counter() - started
    generator = ganlib.pretrained.load_generator("mlp_mnist")
    timings = []
    for repeat in range(repeats):
        started = time.perf_counter()
        metrics.score(metrics.sample_generator(generator, samples, seed=repeat), reference)
        timings.append(time.perf_counter() - started)
    print(f"{threads} threads; real reference of {samples:,} test images: {reference_seconds:.1f} s (once)")
    print(f"sample + score {samples:,} images: median {statistics.median(timings):.1f} s "
          f"(min {min(timings):.1f}, max {max(timings):.1f}) over {repeats} repeats")


if __name__ == "__main__":
    main()
