"""Step 6 of the algorithm: repeat the training step, with a budget and helpers along.

`fit(gan, batches, max_steps=...)` calls `train_step` until the run reaches `max_steps`
or `max_seconds` run out, shows a progress bar, and calls its callbacks as it starts,
after every step and when it stops: the live dashboard, the film, the checkpoints
(`ganlib.pictures.training`, `ganlib.gan.runs`). However training stops (its budget,
Jupyter's stop button, a NaN, an error), every callback's `on_end` runs, so the last
sound step can be saved.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator

import torch
from tqdm.auto import tqdm

from ganlib import checks
from ganlib.errors import InputError, TrainingDiverged
from ganlib.gan.game import GAN, check_gan
from ganlib.gan.history import History
from ganlib.gan.steps import train_step


class Callback:
    """Something `fit` calls as it starts (`on_start`), after every step (`on_step`) and
    when it stops (`on_end`)."""

    def on_start(self, gan: GAN) -> None:
        """Called once before the first step of a `fit` call."""

    def on_step(self, gan: GAN) -> None:
        """Called after every training step."""

    def on_end(self, gan: GAN) -> None:
        """Called once when `fit` stops, however it stops: its budget, an interruption, an
        error, or a NaN loss (then the last entries of `gan.history` are not finite, and a
        callback that saves should not save that state)."""


def fit(
    gan: GAN,
    batches: Iterable,
    *,
    max_steps: int | None = None,
    max_seconds: float | None = None,
    callbacks: Callback | list[Callback] = (),
    progress: bool = True,
) -> History:
    """Step 6: repeat `train_step` until `gan.step` reaches `max_steps` or the time is up.

    `batches` yields image batches, or (images, labels) pairs for a conditional GAN:
    `ShuffledBatches`, or a PyTorch `DataLoader` (started again whenever it has gone once
    through the data). An iterator that runs out ends training there, like a time limit.

    `max_steps` counts all steps of the run, so after a resume `fit` trains only the
    steps still missing. A GAN whose D takes several updates per step (`critic_steps`)
    gets that many batches per step. `max_seconds` is a wall-clock budget for this call. However
    training stops (its budget, Jupyter's stop button or Ctrl-C, a NaN, an error), the
    callbacks' `on_end` runs, so a checkpoint callback can save the last sound step. A
    loss that becomes NaN or infinite stops training with `TrainingDiverged`.
    """
    check_gan(gan, "fit")
    if max_steps is None and max_seconds is None:
        raise InputError("Give fit a budget: max_steps, max_seconds, or both.")
    target = math.inf if max_steps is None else checks.whole_number(max_steps, "max_steps", 0)
    seconds = math.inf if max_seconds is None else checks.number(max_seconds, "max_seconds", above=0)
    if target <= gan.step:
        print(f"The GAN is at step {gan.step:,} already, and max_steps={max_steps:,} counts the whole run: nothing "
              f"to train. For 200 more steps, pass max_steps=gan.step + 200.")
    callbacks = _callback_list(callbacks)
    stream = _batch_stream(_checked_source(batches), conditional=hasattr(gan.generator, "classes"))
    deadline = time.perf_counter() + seconds
    bar = tqdm(
        total=max_steps, initial=min(gan.step, max_steps or 0), unit="step",
        disable=not progress, dynamic_ncols=True,
    )
    gan.generator.train()
    gan.discriminator.train()
    started: list[Callback] = []
    try:
        for callback in callbacks:
            callback.on_start(gan)
            started.append(callback)
        while gan.step < target and time.perf_counter() < deadline:
            batch = _next_batches(stream, gan.critic_steps)
            if batch is None:
                print(f"The batches ran out at step {gan.step:,}; training stopped there. "
                      "For endless batches, use ganlib.ShuffledBatches (or a DataLoader).")
                break
            stats = train_step(gan, *batch)
            if not all(math.isfinite(value) for value in stats.values()):
                raise TrainingDiverged(_diverged_message(gan, stats))
            bar.update(1)
            bar.set_postfix(D_x=f"{stats['d_real']:.2f}", D_G_z=f"{stats['d_fake']:.2f}", refresh=False)
            for callback in callbacks:
                callback.on_step(gan)
    except KeyboardInterrupt:
        print(f"Interrupted at step {gan.step}; the run so far is kept.")
    finally:
        bar.close()
        for callback in started:
            callback.on_end(gan)
    return gan.history


def _callback_list(callbacks) -> list[Callback]:
    """`callbacks` as a list: one callback on its own is accepted as a list of one."""
    callbacks = [callbacks] if isinstance(callbacks, Callback) else callbacks
    if not isinstance(callbacks, (list, tuple)) or not all(isinstance(c, Callback) for c in callbacks):
        raise InputError(
            "callbacks must be a list of ganlib callbacks, such as [ganlib.Checkpointer(run_dir, every=500)]; "
            f"got {callbacks!r}."
        )
    return list(callbacks)


def _checked_source(batches):
    """`batches`, if it can give batches at all (checked before training starts)."""
    if torch.is_tensor(batches):
        raise InputError("fit needs a stream of batches, not the images themselves: "
                         "pass ganlib.ShuffledBatches(images, batch_size=128).")
    if not isinstance(batches, Iterable):
        raise InputError(f"batches must yield batches of images, as ganlib.ShuffledBatches does; got {type(batches).__name__}.")
    return batches


def _batch_stream(batches, conditional: bool) -> Iterator[tuple]:
    """`batches` as an iterator of (images,) or (images, labels) tuples.

    A DataLoader (or any other re-iterable collection of batches) is started again each
    time it has gone through the data, as epochs; a one-way iterator simply ends. Lists
    of one tensor, as `DataLoader(TensorDataset(x))` yields them, are taken as tuples.
    Labels that come with the images are dropped for a GAN that is not conditional.
    """
    for batch in batches if isinstance(batches, Iterator) else _epochs(batches):
        batch = tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)
        if not 1 <= len(batch) <= 2:
            raise InputError(f"Each batch must be images, or (images, labels); got {len(batch)} items.")
        yield batch if conditional else batch[:1]


def _next_batches(stream: Iterator[tuple], count: int) -> tuple | None:
    """The next `count` batches as one, one after the other (D's batches for one step of a
    GAN with `critic_steps` = count); None if the stream runs out first."""
    batches = [next(stream, None) for _ in range(count)]
    if any(batch is None for batch in batches):
        return None
    if count == 1:
        return batches[0]
    if len({len(batch[0]) for batch in batches}) > 1:
        raise InputError(f"D takes {count} updates per step, each on a batch of its own, and these batches differ in "
                         f"size ({', '.join(str(len(batch[0])) for batch in batches)}): make every batch the same size "
                         "(a DataLoader with drop_last=True, or ganlib.ShuffledBatches).")
    return tuple(torch.cat(parts) for parts in zip(*batches))


def _epochs(collection: Iterable) -> Iterator:
    """The items of `collection`, over and over (a DataLoader reshuffles on every pass)."""
    while True:
        empty = True
        for item in collection:
            empty = False
            yield item
        if empty:
            raise InputError("The batches are empty: the data loader yields no batch at all "
                             "(is its batch size larger than the data set, with drop_last=True?).")


def _diverged_message(gan: GAN, stats: dict[str, float]) -> str:
    values = ", ".join(f"{key} = {value}" for key, value in stats.items())
    return (
        f"Training diverged at step {gan.step}: {values}.\n"
        "A loss that is NaN or infinite means the weights blew up. Try a lower learning "
        "rate (for example half of it); in the 2014 game, the non-saturating loss "
        "(loss='non-saturating'). The last checkpoint, if you saved one, is intact: "
        "resume from it with the new settings (ganlib.resume: the settings you give "
        "make_gan now apply from there on)."
    )
