"""What a run records at every step, for the plots and the checkpoints."""

from __future__ import annotations

from dataclasses import dataclass, field

from ganlib import checks

HISTORY_KEYS = ("d_loss", "g_loss", "d_real", "d_fake")
"""What is recorded at every step: both losses, and D's mean verdict on the real batch and
on the fakes (`ganlib.gan.losses.verdicts`: D(x) and D(G(z)) as probabilities in the 2014
game, raw scores in the others)."""


@dataclass
class History:
    """Per-step records of a run, as plain lists that plot and save easily.

    `seconds` is the training time (wall clock) spent up to and including each step,
    summed over every `fit` call and resume. `loss` names the game the losses come from
    (`ganlib.gan.losses.LOSSES`), so that a plot can mark where D cannot tell real from fake.
    """

    loss: str = "non-saturating"
    step: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)
    d_fake: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.step)

    def append(self, step: int, seconds: float, stats: dict[str, float]) -> None:
        self.step.append(step)
        self.seconds.append(seconds)
        for key in HISTORY_KEYS:
            getattr(self, key).append(stats[key])

    def every(self, n: int) -> History:
        """Every n-th record (the n-th, the 2n-th, ...): a lighter history to keep for plots."""
        n = checks.whole_number(n, "n", 1)
        kept = {name: getattr(self, name)[n - 1 :: n] for name in ("step", "seconds", *HISTORY_KEYS)}
        return History(loss=self.loss, **kept)

    def state_dict(self) -> dict[str, list | str]:
        return {"loss": self.loss} | {name: list(getattr(self, name)) for name in ("step", "seconds", *HISTORY_KEYS)}

    @classmethod
    def from_state_dict(cls, state: dict[str, list | str]) -> History:
        """A History from `state_dict()`'s output (older runs did not record their game: the 2014 one)."""
        records = {name: list(values) for name, values in state.items() if name != "loss"}
        return cls(loss=state.get("loss", "non-saturating"), **records)
