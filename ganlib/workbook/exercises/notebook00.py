"""The exercise checks of notebook 00, the setup check."""

from __future__ import annotations

from typing import Any

from ganlib.workbook.exercises.feedback import Feedback, Unusable, close, exercise, number


@exercise(waiting_for="the number of steps in one epoch")
def check_00_steps_per_epoch(answer: Any) -> Feedback:
    answer = number(answer)
    if answer == 60_000 // 128:
        return Feedback(True, "60,000 images / 128 per batch = 468 full batches; the 96 left over are dropped.")
    if answer in (469, 468.75):
        return Feedback(False, f"{answer:g} is close.", "ganlib drops the last incomplete batch: round down.")
    return Feedback(False, f"{answer:g} is not it.", "An epoch is one pass over all 60,000 training images, 128 at a time.")


@exercise(waiting_for="your estimate in minutes")
def check_00_minutes(answer: Any, steps_per_second: float) -> Feedback:
    if not number(steps_per_second) > 0:
        raise Unusable(Feedback(False, f"the measured speed is {steps_per_second!r} steps per second.",
                                "Run the speed check above again, then this cell."))
    expected = 3 * (60_000 // 128) / steps_per_second / 60
    if close(answer, expected, 0.1):
        return Feedback(True, f"3 × 468 steps at {steps_per_second:.0f} steps/s ≈ {expected:.1f} minutes.")
    return Feedback(False, f"{number(answer):g} minutes is off; the estimate is about {expected:.1f}.",
                    "Minutes = epochs × steps per epoch ÷ steps per second ÷ 60.")
