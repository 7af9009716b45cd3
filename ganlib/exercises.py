"""Friendly checks for the notebooks' exercises.

Each `check_...` function looks at your answer and prints what is right, what is off and
a hint for the next try. It never raises: a mistake in your code is reported as feedback,
not as a stack trace. Exercise cells start with `...` (Python's "fill me in" value); a
check run on `...` says that the exercise is still waiting for you.

Functions are named after the notebook they belong to: `check_02_...` is in notebook 02.
"""

from __future__ import annotations

import functools
import math
import numbers
from pathlib import Path
from typing import Any, Callable

import torch

from ganlib.checkpoint import LAST, read_checkpoint
from ganlib.losses import discriminator_loss
from ganlib.models import count_parameters
from ganlib.toy import ToyBatches, make_toy_gan, mixture_1d, modes_covered, ring
from ganlib.train import GAN, sample_noise, train_step

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


def friendly(check: Callable[..., Feedback]) -> Callable[..., Feedback]:
    """Make `check` report an error in the participant's code as feedback, never raise."""

    @functools.wraps(check)
    def wrapper(*args: Any, **kwargs: Any) -> Feedback:
        try:
            return check(*args, **kwargs)
        except Unusable as unusable:
            return unusable.feedback
        except Exception as error:  # the participant's code may fail in any way
            return Feedback(False, f"your code raised {type(error).__name__}: {error}",
                            "Read the message above, fix that line, and run both cells again.")

    return wrapper


def _number(answer: Any) -> float:
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


def _gan_of(gan: Any, dim: int, what: str) -> GAN:
    """`gan`, if it is a GAN whose samples have `dim` numbers each; else a hint naming `what`."""
    out_shape = getattr(getattr(gan, "generator", None), "out_shape", None)
    if not isinstance(gan, GAN) or out_shape != (dim,):
        raise Unusable(Feedback(False, f"this check needs {what}; got {type(gan).__name__}.",
                                "Pass the GAN that the cell above trains."))
    return gan


def _close(value: Any, expected: float, rel: float) -> bool:
    return math.isclose(_number(value), expected, rel_tol=rel)


# --- 00 setup check -------------------------------------------------------------------


@friendly
def check_00_steps_per_epoch(answer: Any) -> Feedback:
    if answer is ...:
        return Waiting("the number of steps in one epoch")
    answer = _number(answer)
    if answer == 60_000 // 128:
        return Feedback(True, "60,000 images / 128 per batch = 468 full batches; the 96 left over are dropped.")
    if answer in (469, 468.75):
        return Feedback(False, f"{answer:g} is close.", "ganlib drops the last incomplete batch: round down.")
    return Feedback(False, f"{answer:g} is not it.", "An epoch is one pass over all 60,000 training images, 128 at a time.")


@friendly
def check_00_minutes(answer: Any, steps_per_second: float) -> Feedback:
    if answer is ...:
        return Waiting("your estimate in minutes")
    if not _number(steps_per_second) > 0:
        raise Unusable(Feedback(False, f"the measured speed is {steps_per_second!r} steps per second.",
                                "Run the speed check above again, then this cell."))
    expected = 3 * (60_000 // 128) / steps_per_second / 60
    if _close(answer, expected, 0.1):
        return Feedback(True, f"3 × 468 steps at {steps_per_second:.0f} steps/s ≈ {expected:.1f} minutes.")
    return Feedback(False, f"{_number(answer):g} minutes is off; the estimate is about {expected:.1f}.",
                    "Minutes = epochs × steps per epoch ÷ steps per second ÷ 60.")


# --- 01 what is a GAN -------------------------------------------------------------------


@friendly
def check_01_who_sees_real_data(answer: Any) -> Feedback:
    if answer is ...:
        return Waiting('"generator" or "discriminator"')
    if str(answer).strip().lower() in ("discriminator", "d", "the discriminator"):
        return Feedback(True, "Only D ever sees real data. G learns about it solely through D's gradients.")
    return Feedback(False, f"{answer!r} is not it.",
                    "The generator's input is random noise. Which network is shown the training images?")


@friendly
def check_01_discriminator_loss(answer: Any) -> Feedback:
    if answer is ...:
        return Waiting("the loss as a number")
    expected = 0.5 * (-math.log(0.9) - math.log(1 - 0.2))
    if _close(answer, expected, 0.01):
        return Feedback(True, f"0.5 · (−ln 0.9 − ln 0.8) = {expected:.4f}. D is doing well, so its loss is small.")
    if _close(answer, 2 * expected, 0.01):
        return Feedback(False, "That is the sum of the two terms.", "The seed's loss averages them: multiply by 0.5.")
    if _close(answer, 0.5 * (-math.log(0.9) - math.log(0.2)), 0.01):
        return Feedback(False, "You used ln 0.2 for the fake.", "For a fake the target is 0, so the term is −ln(1 − D(G(z))).")
    return Feedback(False, f"{_number(answer):g} is not it.", "Real term: −ln D(x). Fake term: −ln(1 − D(G(z))). Average them.")


@friendly
def check_01_bumps(answer: Any, gan: GAN) -> Feedback:
    if answer is ...:
        return Waiting("how many of the three bumps your short game covers")
    answer = _number(answer)
    gan = _gan_of(gan, 1, "the GAN of the short 1-D game")
    with torch.no_grad():
        samples = gan.generator(sample_noise(gan, 4000))
    covered = modes_covered(samples, mixture_1d(), share=0.05)
    if answer == covered:
        return Feedback(True, f"after {gan.step} steps the generator covers {covered} of 3 bumps. "
                        "Compare with the full game above: more steps, more bumps.")
    return Feedback(False, f"the samples say {covered} bump(s) hold at least 5% of them, not {answer:g}.",
                    "Look at the orange histogram again: count the grey bumps with orange on them.")


# --- 02 the algorithm -------------------------------------------------------------------


@friendly
def check_02_discriminator_loss(my_loss: Callable) -> Feedback:
    if my_loss is ...:
        return Waiting("your function")
    rng = torch.Generator().manual_seed(0)
    for _ in range(3):
        real, fake = torch.randn(16, generator=rng) * 3, torch.randn(16, generator=rng) * 3
        theirs, ours = my_loss(real, fake), discriminator_loss(real, fake)
        if theirs is None:
            return Waiting("the body of your function (it returns nothing yet)")
        if not torch.is_tensor(theirs) or theirs.shape != ():
            return Feedback(False, "your function should return one number (a 0-dimensional tensor).",
                            "binary_cross_entropy_with_logits averages over the batch by default.")
        if torch.isclose(theirs, 2 * ours, rtol=1e-4):
            return Feedback(False, "your loss is twice ganlib's.", "Average the real and the fake terms (× 0.5).")
        if torch.isclose(theirs, discriminator_loss(fake, real), rtol=1e-4):
            return Feedback(False, "the labels are swapped.", "Real logits get target 1, fake logits target 0.")
        if not torch.isclose(theirs, ours, rtol=1e-4):
            return Feedback(False, f"got {theirs.item():.4f}, expected {ours.item():.4f}.",
                            "Use F.binary_cross_entropy_with_logits(logits, targets) for each half.")
    return Feedback(True, "your loss equals ganlib's discriminator_loss on random logits.")


@friendly
def check_02_train_step(my_train_step: Callable) -> Feedback:
    if my_train_step is ...:
        return Waiting("your function")
    data = ring()
    fresh = make_toy_gan(2, seed=3)
    untrained = [p.detach().clone() for p in (*fresh.generator.parameters(), *fresh.discriminator.parameters())]
    results = []
    for step_function in (my_train_step, train_step):
        gan = make_toy_gan(2, seed=3)
        batches = ToyBatches(data, 64, seed=3)
        for _ in range(3):
            step_function(gan, next(batches))
        results.append([p.detach().clone() for p in (*gan.generator.parameters(), *gan.discriminator.parameters())])
    n = len(untrained) - len(list(fresh.discriminator.parameters()))  # G's tensors come first
    mine, reference = results
    if all(torch.equal(a, b) for a, b in zip(mine, untrained)):
        return Waiting("the body of your function (it does not train the GAN yet)")
    for network, now, before in (("generator", mine[:n], untrained[:n]), ("discriminator", mine[n:], untrained[n:])):
        if all(torch.equal(a, b) for a, b in zip(now, before)):
            return Feedback(False, f"your step never changes the {network}.",
                            "A training step updates both: discriminator_step(gan, real, fake), then generator_step(gan, fake).")
    g_same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(mine[:n], reference[:n]))
    d_same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(mine[n:], reference[n:]))
    if g_same and d_same:
        return Feedback(True, "three of your steps leave both networks exactly where ganlib's train_step leaves them.")
    if not d_same and not g_same:
        return Feedback(False, "both networks end up different from ganlib's.",
                        "Order matters: noise → fakes → discriminator_step(gan, real, fake) → generator_step(gan, fake).")
    return Feedback(False, f"the {'generator' if not g_same else 'discriminator'} ends up different from ganlib's.",
                    "Make the fakes once per step and pass the same fakes to both step functions.")


@friendly
def check_02_no_collapse(gan: GAN) -> Feedback:
    if gan is ...:
        return Waiting("your trained GAN")
    gan = _gan_of(gan, 2, "the 2-D GAN you trained on the ring")
    covered = modes_covered(gan.generator(sample_noise(gan, 2000)).detach(), ring())
    if covered == 8:
        return Feedback(True, f"all 8 modes covered after {gan.step:,} steps. No collapse.")
    return Feedback(False, f"{covered} of 8 modes covered after {gan.step:,} steps.",
                    "Give D the same learning rate as G (d_lr=None), and train a few thousand steps.")


# --- 03 MNIST ---------------------------------------------------------------------------


@friendly
def check_03_to_gan_range(to_gan_range: Callable) -> Feedback:
    if to_gan_range is ...:
        return Waiting("your function")
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


@friendly
def check_03_layer_parameters(answer: Any, generator: torch.nn.Module) -> Feedback:
    if answer is ...:
        return Waiting("the number of parameters of the 512 → 1024 layer")
    answer = _number(answer)
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


@friendly
def check_03_more_steps(gan: GAN, steps_before: int, run_dir) -> Feedback:
    if gan.step < steps_before + 200:
        return Feedback(False, f"the run went from step {steps_before:,} to {gan.step:,}, fewer than 200 more.",
                        "fit's max_steps counts the whole run: pass max_steps=gan.step + 200.")
    saved = read_checkpoint(Path(run_dir) / LAST)["step"]
    if saved != gan.step:
        return Feedback(False, f"the run is at step {gan.step:,} but its checkpoint holds step {saved:,}.",
                        "Pass the Checkpointer in callbacks=[...] so the new steps are saved too.")
    return Feedback(True, f"{gan.step - steps_before:,} more steps, and the checkpoint is at step {saved:,}.")



# --- 05 evaluating GANs -------------------------------------------------------------------


@friendly
def check_05_frechet_1d(answer: Any) -> Feedback:
    if answer is ...:
        return Waiting("the Fréchet distance as a number")
    if _close(answer, 2.0, 0.01):
        return Feedback(True, "(0 − 1)² + (1 − 2)² = 2: one unit from the means, one from the spreads.")
    if _close(answer, 1.0, 0.01):
        return Feedback(False, "that counts only one of the two differences.", "Add the squared gap of the means and of the standard deviations.")
    if _close(answer, 4.0, 0.01):
        return Feedback(False, "that looks like the variances (σ²) were used.", "In 1-D the formula uses the standard deviations: (σ1 − σ2)².")
    return Feedback(False, f"{_number(answer):g} is not it.", "Distance = (μ1 − μ2)² + (σ1 − σ2)² for two 1-D Gaussians.")


@friendly
def check_05_collapse_signal(answer: Any) -> Feedback:
    if answer is ...:
        return Waiting('the name of a figure, such as "confidence"')
    name = str(answer).strip().lower().replace(" ", "_")
    if name in ("coverage", "recall", "entropy_bits", "entropy", "class_entropy"):
        return Feedback(True, f"{answer} drops sharply for the collapsed generator, while confidence stays high.")
    if name in ("confidence", "precision", "density"):
        return Feedback(False, f"{answer} stays high for the collapsed generator: its few digits are well drawn.",
                        "Look for a figure about *how many kinds* of digits appear, not how good each one is.")
    return Feedback(False, f"{answer!r} is not one of the figures in the table.",
                    "Choose from: entropy_bits, confidence, frechet, precision, recall, density, coverage.")


@friendly
def check_05_snapshot_frechet(answer: Any, step: int, reference) -> Feedback:
    from ganlib import metrics
    from ganlib.pretrained import load_snapshots

    if answer is ...:
        return Waiting(f"the Fréchet distance of the snapshot at step {step}")
    snapshots = load_snapshots("mlp_mnist")
    if step not in snapshots:
        raise Unusable(Feedback(False, f"there is no snapshot at step {step!r}.", f"The snapshots are at steps {sorted(snapshots)}."))
    expected = metrics.frechet_distance(reference.features, metrics.look_at(snapshots[step]).features)
    if _close(answer, expected, 0.02):
        return Feedback(True, f"the snapshot at step {step:,} is at {expected:.1f}.")
    return Feedback(False, f"got {_number(answer):g}, but the snapshot at step {step:,} measures {expected:.1f}.",
                    "metrics.frechet_distance(reference.features, metrics.look_at(snapshots[step]).features)")


# --- 04 DCGAN and stability -------------------------------------------------------------------


@friendly
def check_04_upsampling_layers(answer: Any) -> Feedback:
    if answer is ...:
        return Waiting("the number of layers")
    answer = _number(answer)
    if answer == 2:
        return Feedback(True, "7 → 14 → 28: two doublings, exactly the generator's two transposed convolutions.")
    if answer == 4:
        return Feedback(False, "28 / 7 = 4, but each layer doubles the size, it does not add 7.", "Doubling twice multiplies by 4.")
    return Feedback(False, f"{answer:g} is not it.", "Each layer doubles the size: 7 → 14 → ... how many times to 28?")


@friendly
def check_04_worst_trick(answer: Any, outcomes: dict) -> Feedback:
    if answer is ...:
        return Waiting("the name of a recipe")
    worst = max(outcomes, key=lambda name: outcomes[name].scores.frechet)
    if not isinstance(answer, str):
        return Feedback(False, f"{answer!r} is not a recipe's name.", f"Choose one of {sorted(outcomes)}, in quotes.")
    if answer == worst:
        return Feedback(True, f"{worst!r} has the worst Fréchet distance ({outcomes[worst].scores.frechet:.0f}).")
    if answer not in outcomes:
        return Feedback(False, f"{answer!r} is not one of the recipes.", f"Choose from {sorted(outcomes)}.")
    return Feedback(False, f"{answer!r} is at {outcomes[answer].scores.frechet:.0f}, not the worst.",
                    "Look for the highest Fréchet distance in the printed list.")


@friendly
def check_04_diagnosis(answer: Any) -> Feedback:
    if answer is ...:
        return Waiting("one of the four failure names")
    name = str(answer).strip().lower()
    if name == "d too strong":
        return Feedback(True, "a discriminator that wins every round, for thousands of steps, while G stands still.")
    if name == "learning rate too high":
        return Feedback(False, "close: that also sends D(x) to 1 and D(G(z)) to 0.",
                        "But it also makes G's loss explode and the samples turn to noise; here they barely change.")
    return Feedback(False, f"{answer!r} does not fit.", "Which failure lets one network win steadily while the other hardly learns?")


# --- 06 creative exploration --------------------------------------------------------------------


@friendly
def check_06_midpoint_lengths(straight: Any, spherical: Any, a: torch.Tensor, b: torch.Tensor) -> Feedback:
    if straight is ... or spherical is ...:
        return Waiting("both lengths")
    from ganlib.latent import slerp

    expected_straight = ((a + b) / 2).norm().item()
    expected_spherical = slerp(a, b, torch.tensor([0.5]))[0].norm().item()
    straight, spherical = _number(straight), _number(spherical)
    if _close(straight, expected_straight, 0.01) and _close(spherical, expected_spherical, 0.01):
        return Feedback(True, f"the straight midpoint is {expected_straight:.1f} long, the spherical one "
                        f"{expected_spherical:.1f}, like the ends ({a.norm():.1f} and {b.norm():.1f}).")
    if _close(straight, expected_spherical, 0.01) and _close(spherical, expected_straight, 0.01):
        return Feedback(False, "the two values are swapped.", "The straight midpoint is (a + b) / 2.")
    return Feedback(False, f"expected about {expected_straight:.1f} and {expected_spherical:.1f}.",
                    "Use .norm() on each midpoint, and .item() to get a number.")


@friendly
def check_06_asked_for(images: Any, digit: int) -> Feedback:
    from ganlib import metrics

    if images is ...:
        return Waiting(f"your 16 samples of the digit {digit}")
    if not torch.is_tensor(images) or tuple(images.shape) != (16, 1, 28, 28):
        shape = tuple(images.shape) if torch.is_tensor(images) else type(images).__name__
        return Feedback(False, f"expected 16 images of shape (16, 1, 28, 28), got {shape}.",
                        "Pass 16 noise vectors and 16 labels to ganlib.generate.")
    read = metrics.look_at(images.float()).probabilities.argmax(dim=1)
    share = (read == digit).float().mean().item()
    if share >= 0.75:
        return Feedback(True, f"the classifier reads {share:.0%} of your samples as a {digit}.")
    return Feedback(False, f"only {share:.0%} read as a {digit}.",
                    f"Use the conditional generator, with labels torch.full((16,), {digit}).")


@friendly
def check_06_evolved_zeros(evolution: Any, generator: torch.nn.Module) -> Feedback:
    from ganlib import metrics
    from ganlib.train import generate

    if evolution is ...:
        return Waiting("your Evolution after three generations")
    if not hasattr(evolution, "generation"):
        return Feedback(False, f"this check needs your Evolution; got {type(evolution).__name__}.",
                        "Pass the Evolution whose next_generation you called.")
    if evolution.generation < 3:
        return Feedback(False, f"your evolution is at generation {evolution.generation}.", "Call next_generation three times.")
    zeros = (metrics.look_at(generate(generator, evolution.population)).probabilities.argmax(1) == 0).sum().item()
    if zeros > evolution.size // 2:
        return Feedback(True, f"{zeros} of {evolution.size} samples are now zeros: three rounds of picking steered the population.")
    return Feedback(False, f"{zeros} of {evolution.size} are zeros.",
                    "Pick the indices where the classifier reads 0: torch.nonzero(read == 0).flatten().tolist().")


# --- 07 challenges, ethics, next ------------------------------------------------------------------


@friendly
def check_07_labelled(path: Any) -> Feedback:
    from ganlib.provenance import read_label

    if path is ...:
        return Waiting("the path of your labelled PNG")
    if not Path(path).is_file():
        return Feedback(False, f"there is no file at {path}.", "save_labelled_png returns the path it wrote: keep it.")
    label = read_label(path)
    if not label:
        return Feedback(False, "the file has no provenance label.", "Save it with ganlib.provenance.save_labelled_png.")
    return Feedback(True, f"the file says it was generated by {label['generator']} with seed {label['seed']}.")


@friendly
def check_07_which_is_copied(answer: Any, candidates: torch.Tensor, training_images: torch.Tensor) -> Feedback:
    from ganlib.metrics import nearest_training_images

    if answer is ...:
        return Waiting("0 or 1")
    if _number(answer) not in (0, 1):
        return Feedback(False, f"{answer!r} is not one of the candidates.", "Answer 0 or 1: the number of the candidate.")
    answer = int(_number(answer))
    _, distances = nearest_training_images(candidates, training_images, k=1)
    copied = int(distances[:, 0].argmin())
    if answer == copied:
        return Feedback(True, f"candidate {copied} is {distances[copied, 0]:.2f} from a training image; the other is "
                        f"{distances[1 - copied, 0]:.2f} away, as far as new digits usually are.")
    return Feedback(False, f"candidate {answer} is {distances[answer, 0]:.2f} from its nearest training image.",
                    "Compute metrics.nearest_training_images(candidates, train_images, k=1) and compare the distances.")


SESSION_PLAN_KEYS = ("goal", "material", "tools", "who_judges", "disclosure", "timing")


@friendly
def check_07_session_plan(plan: Any) -> Feedback:
    if plan is ...:
        return Waiting("your plan, as a dictionary")
    if isinstance(plan, dict) and any(value is ... for value in plan.values()):
        return Waiting("each ... in the plan with a sentence")
    if not isinstance(plan, dict):
        return Feedback(False, "the plan should be a dictionary, {'goal': '...', ...}.", f"Use the keys {SESSION_PLAN_KEYS}.")
    missing = [key for key in SESSION_PLAN_KEYS if len(str(plan.get(key, "")).split()) < 3]
    if missing:
        return Feedback(False, f"these parts need a few words more: {', '.join(missing)}.",
                        "Each part in a sentence: what, with which material, which tools, who decides, how disclosed, how long.")
    material = str(plan["material"]).lower()
    if not any(word in material for word in ("right", "licen", "consent", "own", "permission", "copyright")):
        return Feedback(False, "the plan does not say whose material the generator learns from, and on what terms.",
                        "Add to 'material' who owns the images or data, and that you may use them (licence, consent).")
    return Feedback(True, "every part of the session is planned, including the rights to the material and the disclosure.")
