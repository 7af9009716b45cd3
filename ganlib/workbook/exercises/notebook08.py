"""The exercise checks of notebook 08, a creative session on design material."""

from __future__ import annotations

from typing import Any

import torch

from ganlib.evaluate.copies import NEAR_SHARE, nearest
from ganlib.gan.game import generate
from ganlib.workbook.exercises.feedback import Feedback, close, exercise, number


@exercise(waiting_for="your near-copy line, a number")
def check_08_near_copy_line(line: Any, sample: torch.Tensor, pictures: torch.Tensor, used: float) -> Feedback:
    distances = nearest(sample.flatten(1), pictures.flatten(1), k=2)[1]
    expected = torch.quantile(distances[:, 1], NEAR_SHARE).item()
    line = number(line)
    if close(line, expected, 0.001):
        return Feedback(True, f"{line:.2f}: 5% of these {len(sample)} pictures have another picture of the collection "
                        f"nearer than that. The review measured {used:.2f} on 2,000 pictures: close, as two samples "
                        "of one collection should be.")
    if line == 0 or close(line, torch.quantile(distances[:, 0], NEAR_SHARE).item(), 0.001):
        return Feedback(False, "that is 0: each picture's nearest picture in the collection is itself.",
                        "Ask for k=2 neighbours and take the second one's distance: distances[:, 1].")
    return Feedback(False, f"{line:.2f} is not the 5th percentile of the distances to the nearest other picture.",
                    "torch.quantile(distances[:, 1], 0.05) gives it, where distances comes from copies.nearest(..., k=2).")


@exercise(waiting_for="the path of your exported idea")
def check_08_exported(path: Any, board_number: int) -> Feedback:
    from ganlib.creative.provenance import read_label  # here, not at the top: it loads matplotlib

    label = read_label(path)
    if not label:
        return Feedback(False, "the file has no provenance label.",
                        "Save it with provenance.save_labelled_png, which writes the label into the file.")
    if label.get("board number") != board_number:
        return Feedback(False, f"the label records board number {label.get('board number')!r}, not {board_number}.",
                        f'Give details={{"board number": {board_number}, ...}} to save_labelled_png.')
    if not str(label.get("trained on", "")).strip():
        return Feedback(False, "the label does not say what the generator was trained on.",
                        'Add "trained on": material.name to the details.')
    return Feedback(True, f"anyone who opens the file can read that it is generated (by {label['generator']}, "
                    f"seed {label['seed']}, idea {board_number}, trained on {label['trained on']}).")


@exercise(waiting_for="your property and its direction")
def check_08_direction(property_of: Any, direction: Any, generator: torch.nn.Module) -> Feedback:
    if not callable(property_of):
        return Feedback(False, "the first answer should be your function from images to one number each.",
                        "Define it with def, as in the hint above the cell, and pass its name without brackets.")
    if not torch.is_tensor(direction) or tuple(direction.shape) != (generator.latent_dim,):
        shape = tuple(direction.shape) if torch.is_tensor(direction) else type(direction).__name__
        return Feedback(False, f"a direction is one latent vector of shape ({generator.latent_dim},); got {shape}.",
                        "latent.direction_of(generator, your_property) returns it.")
    rng = torch.Generator().manual_seed(1)
    z = torch.randn(200, generator.latent_dim, generator=rng)
    classes = getattr(generator, "classes", None)
    labels = None if classes is None else torch.randint(classes, (200,), generator=rng)
    less, more = (property_of(generate(generator, z + sign * direction, labels)).float().mean().item() for sign in (-1, 1))
    if more > less:
        return Feedback(True, f"over 200 new samples your property is {less:.3f} one step against the direction "
                        f"and {more:.3f} one step along it: the direction adds it.")
    return Feedback(False, f"along your direction the property falls ({less:.3f} → {more:.3f}).",
                    "Check the sign: direction_of gives (mean z of the highest) − (mean z of the lowest).")
