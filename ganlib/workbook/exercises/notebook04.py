"""The exercise checks of notebook 04, DCGAN and stability."""

from __future__ import annotations

from typing import Any

from ganlib.evaluate.stability import TRICKS, Shipped
from ganlib.workbook.exercises.feedback import Feedback, exercise, number


@exercise(waiting_for="the number of layers")
def check_04_upsampling_layers(answer: Any) -> Feedback:
    answer = number(answer)
    if answer == 2:
        return Feedback(True, "7 → 14 → 28: two doublings, exactly the generator's two transposed convolutions.")
    if answer == 4:
        return Feedback(False, "28 / 7 = 4, but each layer doubles the size, it does not add 7.", "Doubling twice multiplies by 4.")
    return Feedback(False, f"{answer:g} is not it.", "Each layer doubles the size: 7 → 14 → ... how many times to 28?")


@exercise(waiting_for="the name of a recipe")
def check_04_worst_trick(answer: Any, shipped: Shipped) -> Feedback:
    best_run = {name: min(shipped.frechet(name)) for name in TRICKS if name != "baseline"}
    worst = max(best_run, key=best_run.get)
    if not isinstance(answer, str):
        return Feedback(False, f"{answer!r} is not a recipe's name.", f"Choose one of {sorted(best_run)}, in quotes.")
    if answer == worst:
        return Feedback(True, f"even the best of the three runs of {worst!r} scores {best_run[worst]:.0f}, "
                              f"the worst best run of all.")
    if answer not in best_run:
        return Feedback(False, f"{answer!r} is not one of the changes of Part 3.", f"Choose from {sorted(best_run)}.")
    return Feedback(False, f"the best run of {answer!r} scores {best_run[answer]:.0f}; another change's best run is worse.",
                    "For each recipe, find the lowest of its three Fréchet distances; the answer has the highest such value.")


@exercise(waiting_for="one of the four failure names")
def check_04_diagnosis(answer: Any) -> Feedback:
    name = str(answer).strip().lower()
    if name == "d too strong":
        return Feedback(True, "a discriminator that wins every round, for thousands of steps, while G stands still.")
    if name == "learning rate too high":
        return Feedback(False, "close: that also sends D(x) to 1 and D(G(z)) to 0.",
                        "But it also makes G's loss explode and the samples turn to noise; here they barely change.")
    return Feedback(False, f"{answer!r} does not fit.", "Which failure lets one network win steadily while the other hardly learns?")
