"""The exercise checks of notebook 04, DCGAN and stability."""

from __future__ import annotations

from typing import Any

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
def check_04_worst_trick(answer: Any, outcomes: dict) -> Feedback:
    worst = max(outcomes, key=lambda name: outcomes[name].scores.frechet)
    if not isinstance(answer, str):
        return Feedback(False, f"{answer!r} is not a recipe's name.", f"Choose one of {sorted(outcomes)}, in quotes.")
    if answer == worst:
        return Feedback(True, f"{worst!r} has the worst Fréchet distance ({outcomes[worst].scores.frechet:.0f}).")
    if answer not in outcomes:
        return Feedback(False, f"{answer!r} is not one of the recipes.", f"Choose from {sorted(outcomes)}.")
    return Feedback(False, f"{answer!r} is at {outcomes[answer].scores.frechet:.0f}, not the worst.",
                    "Look for the highest Fréchet distance in the printed list.")


@exercise(waiting_for="one of the four failure names")
def check_04_diagnosis(answer: Any) -> Feedback:
    name = str(answer).strip().lower()
    if name == "d too strong":
        return Feedback(True, "a discriminator that wins every round, for thousands of steps, while G stands still.")
    if name == "learning rate too high":
        return Feedback(False, "close: that also sends D(x) to 1 and D(G(z)) to 0.",
                        "But it also makes G's loss explode and the samples turn to noise; here they barely change.")
    return Feedback(False, f"{answer!r} does not fit.", "Which failure lets one network win steadily while the other hardly learns?")
