"""The exercise checks of notebook 03, training on MNIST."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import torch

from ganlib.gan.checkpoint import read_checkpoint
from ganlib.gan.game import GAN
from ganlib.gan.models import count_parameters
from ganlib.gan.runs import LAST
from ganlib.workbook.exercises.feedback import Feedback, Unusable, Waiting, exercise, number


@exercise(waiting_for="your function")
def check_03_to_gan_range(to_gan_range: Callable) -> Feedback:
    pixels = torch.tensor([[0, 51, 127, 255]], dtype=torch.uint8)
    result = to_gan_range(pixels)
    if result is None:
        return Waiting("the body of your function (it returns nothing yet)")
    expected = pixels.float() / 127.5 - 1
    if not torch.is_tensor(result) or not result.is_floating_point():
        return Feedback(False, "the result should be a float tensor.", "Convert first: pixels.float().")
    if torch.allclose(result, expected, atol=1e-5):
        return Feedback(True, "0 → −1, 255 → +1, in steps of 1/127.5: the range of the generator's Tanh.")
    if torch.allclose(result, pixels.float() / 255, atol=1e-5):
        return Feedback(False, "that maps to [0, 1].", "Stretch to [0, 2] and shift by −1.")
    return Feedback(False, f"0 became {result.flatten()[0].item():.3f} and 255 became {result.flatten()[-1].item():.3f}.",
                    "You want 0 → −1 and 255 → +1: x / 127.5 − 1.")


@exercise(waiting_for="the number of parameters of the 512 → 1024 layer")
def check_03_layer_parameters(answer: Any, generator: torch.nn.Module) -> Feedback:
    answer = number(answer)
    linear = [m for m in generator.modules() if isinstance(m, torch.nn.Linear)]
    if len(linear) < 3 or (linear[2].in_features, linear[2].out_features) != (512, 1024):
        raise Unusable(Feedback(False, "this check needs the MNIST generator of this notebook (100 → 256 → 512 → 1024 → 784).",
                                "Pass gan.generator."))
    layer = linear[2]
    expected = count_parameters(layer)
    if answer == expected:
        return Feedback(True, f"512 × 1024 weights + 1024 biases = {expected:,}; over a third of the generator's "
                        f"{count_parameters(generator):,}.")
    if answer == 512 * 1024:
        return Feedback(False, "those are the weights only.", "Each of the 1024 outputs also has a bias.")
    return Feedback(False, f"{answer:g} is not it.", "A Linear layer from n to m numbers has n × m weights and m biases.")


@exercise()
def check_03_more_steps(gan: GAN, steps_before: int, run_dir) -> Feedback:
    if gan.step < steps_before + 200:
        return Feedback(False, f"the run went from step {steps_before:,} to {gan.step:,}, fewer than 200 more.",
                        "fit's max_steps counts the whole run: pass max_steps=gan.step + 200.")
    saved = read_checkpoint(Path(run_dir) / LAST)["step"]
    if saved != gan.step:
        return Feedback(False, f"the run is at step {gan.step:,} but its checkpoint holds step {saved:,}.",
                        "Pass the Checkpointer in callbacks=[...] so the new steps are saved too.")
    return Feedback(True, f"{gan.step - steps_before:,} more steps, and the checkpoint is at step {saved:,}.")
