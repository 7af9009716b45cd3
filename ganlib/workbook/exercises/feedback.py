"""What every exercise check shares: feedback that reads like a teacher's, never a traceback.

A check looks at an answer and returns a `Feedback`: right, or not yet with a hint for
the next try. `@exercise(waiting_for=...)` gives every check the same three manners:

* an answer that is still `...` (Python's "fill me in" value) gets "waiting for your
  answer", naming what is expected;
* an answer that cannot be checked at all (text where a number belongs, say) gets a hint
  (the check raises `Unusable` with it);
* an error raised by the learner's own code is reported as feedback, never raised.

On a workshop hub each outcome (passed or not, never the answer) is also recorded for the
facilitator's view (`ganlib.workbook.progress`); elsewhere nothing is recorded.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from typing import Any, Callable

import torch

from ganlib.gan.game import GAN
from ganlib.workbook import progress

RIGHT, NOT_YET, WAITING = "✅ Right!", "❌ Not yet.", "✏️ Waiting for your answer:"


class Feedback:
    """What a check found. Shows as plain text in any notebook viewer."""

    def __init__(self, passed: bool, message: str, hint: str = "") -> None:
        self.passed = passed
        self.message = message
        self.hint = hint

    def __repr__(self) -> str:
        text = f"{RIGHT if self.passed else NOT_YET} {self.message[:1].upper()}{self.message[1:]}"
        return text + (f"\nHint: {self.hint}" if self.hint else "")


class Waiting(Feedback):
    """The answer is still the `...` placeholder."""

    def __init__(self, what: str) -> None:
        super().__init__(False, f"replace the ... with {what}, then run this cell again.")

    def __repr__(self) -> str:
        return f"{WAITING} {self.message[:1].upper()}{self.message[1:]}"


class Unusable(Exception):
    """Raised inside a check when the answer cannot be checked at all (text where a number
    belongs, say); `friendly` turns it into its feedback."""

    def __init__(self, feedback: Feedback) -> None:
        super().__init__(feedback.message)
        self.feedback = feedback


def exercise(waiting_for: str | None = None) -> Callable[[Callable[..., Feedback]], Callable[..., Feedback]]:
    """Give a check the manners of the module's docstring. `waiting_for` names what the
    learner should put in place of `...`; it may name the check's arguments in braces,
    such as "the snapshot at step {step}"."""

    def decorate(check: Callable[..., Feedback]) -> Callable[..., Feedback]:
        @functools.wraps(check)
        def checked(*args: Any, **kwargs: Any) -> Feedback:
            if waiting_for is not None and any(value is ... for value in (*args, *kwargs.values())):
                given = inspect.signature(check).bind(*args, **kwargs).arguments
                return Waiting(waiting_for.format(**given))
            try:
                feedback = check(*args, **kwargs)
            except Unusable as unusable:
                feedback = unusable.feedback
            except Exception as error:  # the learner's code may fail in any way
                feedback = Feedback(False, f"your code raised {type(error).__name__}: {error}",
                                    "Read the message above, fix that line, and run both cells again.")
            progress.record(check.__name__, feedback.passed)  # only on a workshop hub
            return feedback

        return checked

    return decorate


def number(answer: Any) -> float:
    """`answer` as a float, whatever kind of number it is (int, float, a NumPy number, a
    one-element tensor); anything else ends the check with a hint."""
    if torch.is_tensor(answer) and answer.numel() == 1:
        return float(answer.item())
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
        return float(answer)
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            pass
        else:
            raise Unusable(Feedback(False, f"{answer!r} is text, in quotes.", "Write the number without quotes."))
    raise Unusable(Feedback(False, f"{answer!r} is not a number.", "The answer is one number, such as 0.5."))


def gan_of(gan: Any, dim: int, what: str) -> GAN:
    """`gan`, if it is a GAN whose samples have `dim` numbers each; else a hint naming `what`."""
    out_shape = getattr(getattr(gan, "generator", None), "out_shape", None)
    if not isinstance(gan, GAN) or out_shape != (dim,):
        raise Unusable(Feedback(False, f"this check needs {what}; got {type(gan).__name__}.",
                                "Pass the GAN that the cell above trains."))
    return gan


def close(value: Any, expected: float, rel: float) -> bool:
    return math.isclose(number(value), expected, rel_tol=rel)
