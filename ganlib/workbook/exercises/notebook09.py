"""The exercise checks of notebook 09, after 2014."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from ganlib.evaluate.games import GAMES
from ganlib.evaluate.stability import Shipped
from ganlib.workbook.exercises.feedback import Feedback, exercise, number

if TYPE_CHECKING:  # only for the annotation: the lesson's module imports matplotlib, which `import ganlib` must not
    from ganlib.workbook.lesson09 import Slopes


@exercise(waiting_for="a distance")
def check_09_distance(answer: Any) -> Feedback:
    answer = number(answer)
    if abs(answer - 3) < 1e-9:
        return Feedback(True, "every fake moves 3 to the left and lands exactly on the real bump: the distance is 3, "
                              "and a critic with slope 1 estimates it.")
    if abs(answer - 0.6931) < 0.01:
        return Feedback(False, "log 2 is what the 2014 game measures once the bumps stop overlapping, at any distance.",
                        "The Wasserstein distance asks how far each fake must travel instead.")
    return Feedback(False, f"{answer:g} is not it.", "Both bumps have the same shape: how far must each fake move?")


@exercise(waiting_for="the name of a discriminator of Part 2")
def check_09_gentlest(answer: Any, measured: list[Slopes]) -> Feedback:
    last = {slopes.name: slopes.largest for slopes in measured}  # later checkpoints replace earlier ones
    gentlest = min(last, key=last.get)
    if answer == gentlest:
        return Feedback(True, f"{gentlest!r}: its steepest point is {last[gentlest]:.2f}, everywhere on the map.")
    if answer not in last:
        return Feedback(False, f"{answer!r} is not one of Part 2's discriminators.", f"Choose from {sorted(last)}.")
    return Feedback(False, f"the steepest point of {answer!r} is {last[answer]:.2f}; another one stays gentler.",
                    "Compare the 'steepest' column at the last number of updates.")


@exercise(waiting_for="the name of a game")
def check_09_best_game(answer: Any, shipped: Shipped) -> Feedback:
    medians = {name: statistics.median(shipped.frechet(name)) for name in GAMES}
    best = min(medians, key=medians.get)
    if answer == best:
        return Feedback(True, f"{best!r}: median Fréchet distance {medians[best]:.1f} "
                              f"({shipped.verdict(best)} against the baseline's band), at equal steps.")
    if answer not in medians:
        return Feedback(False, f"{answer!r} is not a row of the table.", f"Choose from {sorted(medians)}.")
    return Feedback(False, f"the median of {answer!r} is {medians[answer]:.1f}; another row's is lower.",
                    "Look down the 'median' column for its smallest value.")
