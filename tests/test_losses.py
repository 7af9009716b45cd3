"""The later games: least squares, hinge and Wasserstein (with the gradient penalty and
several critic steps). Their losses at known points, the penalty against a hand
computation, the settings they refuse, the critic's batches, the checkpoints, the plots
and the playground; and each game teaches a toy generator the whole 2-D ring."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import ganlib
from ganlib.data import toy
from ganlib.errors import InputError
from ganlib.gan.checkpoint import read_checkpoint, save_checkpoint
from ganlib.gan.losses import LOSSES, UNDECIDED, discriminator_loss, generator_loss, gradient_penalty, verdicts
from ganlib.gan.models import MLPDiscriminator, MLPGenerator
from ganlib.pictures import training as training_pictures
from ganlib.workbook.playground import Playground
from ganlib.workbook.playground_view import PlaygroundView


def toy_wgan(seed: int = 0, **settings) -> ganlib.GAN:
    return ganlib.make_toy_gan(2, latent_dim=2, hidden=(64, 64), loss="wasserstein", seed=seed,
                               **({"gp_weight": 0.1, "critic_steps": 5} | settings))


def test_each_games_losses_where_d_cannot_tell_are_the_undecided_values():
    for loss in LOSSES:
        undecided = 0.5 if loss == "least-squares" else 0.0  # least squares reads D = 1/2 from the raw output
        scores = torch.full((6,), undecided)
        assert discriminator_loss(scores, scores, loss).item() == pytest.approx(UNDECIDED[loss][0])
        verdict = UNDECIDED[loss][1]
        if verdict is not None:
            assert verdicts(scores, loss).mean().item() == pytest.approx(verdict)
    half = torch.full((4,), 0.5)
    assert generator_loss(half, "least-squares").item() == pytest.approx(0.125)


def test_least_squares_hinge_and_wasserstein_at_known_points():
    real, fake = torch.tensor([2.0, 0.0]), torch.tensor([-3.0, 1.0])
    # least squares: 0.5 * (mean((2-1)^2, (0-1)^2) + mean(9, 1)) = 0.5 * (1 + 5)
    assert discriminator_loss(real, fake, "least-squares").item() == pytest.approx(3.0)
    assert generator_loss(fake, "least-squares").item() == pytest.approx(0.5 * (16 + 0) / 2)
    # hinge: 0.5 * (mean(relu(-1), relu(1)) + mean(relu(-2), relu(2))) = 0.5 * (0.5 + 1)
    assert discriminator_loss(real, fake, "hinge").item() == pytest.approx(0.75)
    assert discriminator_loss(torch.full((3,), 1.5), torch.full((3,), -4.0), "hinge").item() == 0.0  # past the margins
    # wasserstein: mean(fake) - mean(real) = -1 - 1
    assert discriminator_loss(real, fake, "wasserstein").item() == pytest.approx(-2.0)
    for loss in ("hinge", "wasserstein"):
        assert generator_loss(fake, loss).item() == pytest.approx(1.0)
    # label smoothing moves least squares' target for real data, as it does for cross-entropy
    assert discriminator_loss(torch.full((2,), 0.9), torch.zeros(2), "least-squares", real_target=0.9).item() == 0.0


def test_only_the_minimax_loss_flattens_where_d_is_sure_of_a_fake():
    confident = torch.tensor([-12.0], requires_grad=True)  # D sure that the fake is fake
    slopes = {}
    for loss in LOSSES:
        (slope,) = torch.autograd.grad(generator_loss(confident, loss), confident)
        slopes[loss] = abs(slope.item())
    assert slopes["minimax"] < 1e-5
    assert slopes["non-saturating"] == pytest.approx(1.0, rel=1e-4)
    assert slopes["wasserstein"] == slopes["hinge"] == pytest.approx(1.0)
    assert slopes["least-squares"] == pytest.approx(13.0)  # the farther on the wrong side, the harder the push


def test_the_gradient_penalty_against_hand_computations():
    rng = torch.Generator().manual_seed(0)
    real, fake = torch.randn(64, 3), torch.randn(64, 3) + 2.0
    w = torch.tensor([0.6, 0.0, 0.8])  # a linear critic of slope |w| = 1 everywhere: no penalty
    assert gradient_penalty(lambda x: x @ w, real, fake, rng).item() == pytest.approx(0.0, abs=1e-10)
    assert gradient_penalty(lambda x: x @ (3 * w), real, fake, rng).item() == pytest.approx(4.0)  # (3 - 1)^2
    # a quadratic critic |x|^2 has slope 2|x| at the point e·real + (1-e)·fake, with e drawn from the same rng
    e = torch.rand(64, 1, generator=torch.Generator().manual_seed(1))
    between = e * real + (1 - e) * fake
    by_hand = ((2 * between.norm(dim=1) - 1) ** 2).mean()
    penalty = gradient_penalty(lambda x: x.pow(2).sum(1), real, fake, torch.Generator().manual_seed(1))
    assert penalty.item() == pytest.approx(by_hand.item(), rel=1e-5)


def test_a_critic_step_adds_the_weighted_penalty_to_the_gradient_and_records_the_game_alone():
    real, fake = torch.randn(32, 2), torch.randn(32, 2) + 1.0
    gan = ganlib.make_toy_gan(2, loss="wasserstein", gp_weight=10.0, seed=0)
    critic, parameters = gan.discriminator, list(gan.discriminator.parameters())
    rng_before = gan.noise_rng.get_state()  # the penalty's points are drawn from it
    gan.d_optimizer.step = lambda: None  # keep the weights: compare the gradients only
    stats = ganlib.discriminator_step(gan, real, fake)
    with_gp = [p.grad.clone() for p in parameters]
    plain = torch.autograd.grad(discriminator_loss(critic(real), critic(fake), "wasserstein"), parameters)
    rng = torch.Generator()
    rng.set_state(rng_before)
    by_hand = torch.autograd.grad(gradient_penalty(critic, real, fake, rng), parameters, allow_unused=True)
    for both, game, penalty in zip(with_gp, plain, by_hand):  # the last bias does not change the slope: None
        assert torch.allclose(both, game + 10.0 * (0 if penalty is None else penalty), atol=1e-5)
    assert not torch.allclose(with_gp[0], plain[0], atol=1e-4)  # the penalty did change the step
    with torch.no_grad():
        recorded = discriminator_loss(critic(real), critic(fake), "wasserstein").item()
        scores = critic(real).mean().item(), critic(fake).mean().item()
    assert stats["d_loss"] == pytest.approx(recorded, rel=1e-5)  # the game's loss, without the penalty
    assert (stats["d_real"], stats["d_fake"]) == pytest.approx(scores, rel=1e-5)  # raw scores, not probabilities


def test_several_critic_steps_take_that_many_batches_and_updates_per_step():
    gan = toy_wgan()
    judged = []  # what D is shown: the real batch it learns from comes first in each D update
    gan.discriminator.register_forward_hook(lambda module, inputs, output: judged.append(inputs[0].detach()))
    served = []

    def batches():
        while True:
            batch = torch.randn(16, 2)
            served.append(batch)
            yield batch

    ganlib.fit(gan, batches(), max_steps=3, progress=False)
    assert gan.step == 3 and len(gan.history) == 3 and len(served) == 15  # five batches for each G step
    updates = [x[:16] for x in judged if len(x) == 32]  # a D update scores real and fake in one pass of 32
    assert len(updates) == 15
    assert all(torch.equal(seen, batch) for seen, batch in zip(updates, served))  # each batch once, in order
    with pytest.raises(InputError, match="5 batches of the same size"):
        ganlib.train_step(gan, torch.randn(12, 2))
    uneven = iter([torch.randn(16, 2)] * 4 + [torch.randn(4, 2)])  # a DataLoader's short last batch
    with pytest.raises(InputError, match="drop_last=True"):
        ganlib.fit(toy_wgan(), uneven, max_steps=1, progress=False)


def test_settings_the_games_cannot_play_with_are_refused():
    with pytest.raises(InputError, match="gp_weight=10"):
        ganlib.make_toy_gan(2, loss="wasserstein")
    ganlib.make_toy_gan(2, loss="wasserstein", spectral_norm=True)  # spectral normalisation is the other way
    ganlib.make_gan(MLPGenerator(), MLPDiscriminator(), loss="wasserstein", gp_weight=10, critic_steps=5)
    for loss in ("hinge", "wasserstein"):
        with pytest.raises(InputError, match="has none: leave real_label at 1"):
            ganlib.make_gan(MLPGenerator(), MLPDiscriminator(spectral_norm=True), loss=loss, real_label=0.9)
    batch_normed = nn.Sequential(nn.Flatten(), nn.Linear(784, 8), nn.BatchNorm1d(8), nn.Linear(8, 1), nn.Flatten(0))
    for penalty in ({"gp_weight": 10.0}, {"r1_gamma": 1.0}):
        with pytest.raises(InputError, match="batch normalisation"):
            ganlib.make_gan(MLPGenerator(), batch_normed, **penalty)
    for setting, value in (("loss", "wgan"), ("critic_steps", 0), ("gp_weight", -1)):
        with pytest.raises(InputError, match=setting):
            ganlib.make_toy_gan(2, **{setting: value})


def test_checkpoints_keep_the_game_and_old_ones_still_say_their_loss(tmp_path):
    gan = toy_wgan()
    ganlib.fit(gan, toy.ToyBatches(toy.ring(), 32, seed=0), max_steps=2, progress=False)
    save_checkpoint(tmp_path / "w.pt", gan)
    state = read_checkpoint(tmp_path / "w.pt")
    assert {key: state["settings"][key] for key in ("loss", "gp_weight", "critic_steps")} == \
        {"loss": "wasserstein", "gp_weight": 0.1, "critic_steps": 5}
    again = toy_wgan()
    ganlib.load_checkpoint(tmp_path / "w.pt", again)
    assert again.history.loss == "wasserstein" and again.history.d_loss == gan.history.d_loss
    older = gan.history.state_dict()
    del older["loss"]  # histories saved before the games had names are the 2014 game's
    assert ganlib.History.from_state_dict(older).loss == "non-saturating"


def test_a_checkpoint_from_before_the_games_loads_and_says_its_loss_changed(tmp_path, capsys):
    gan = ganlib.make_toy_gan(2, loss="minimax")
    ganlib.fit(gan, toy.ToyBatches(toy.ring(), 32, seed=0), max_steps=2, progress=False)
    save_checkpoint(tmp_path / "old.pt", gan)
    state = torch.load(tmp_path / "old.pt", weights_only=True)
    state["settings"]["g_loss"] = state["g_loss"] = state["settings"].pop("loss")  # its name before the games
    del state["history"]["loss"]
    torch.save(state, tmp_path / "old.pt")
    same = ganlib.make_toy_gan(2, loss="minimax")
    ganlib.load_checkpoint(tmp_path / "old.pt", same)
    assert "Continuing" not in capsys.readouterr().out and same.history.loss == "minimax"
    other = ganlib.make_toy_gan(2, loss="hinge")
    ganlib.load_checkpoint(tmp_path / "old.pt", other)
    assert "loss 'minimax' → 'hinge'" in capsys.readouterr().out and other.history.loss == "hinge"


@pytest.mark.parametrize("loss", ["least-squares", "hinge", "wasserstein"])
def test_the_plots_mark_each_games_own_undecided_values(loss):
    gan = toy_wgan() if loss == "wasserstein" else ganlib.make_toy_gan(2, loss=loss)
    ganlib.fit(gan, toy.ToyBatches(toy.ring(), 32, seed=0), max_steps=3, progress=False)
    fig = training_pictures.plot_history(gan.history, smooth=2)
    losses, verdict_axes = fig.axes
    undecided = [line for line in losses.lines if line.get_label().endswith("(D can't tell)")]
    assert len(undecided) == 1 and undecided[0].get_ydata()[0] == UNDECIDED[loss][0]
    labels = [text.get_text() for text in verdict_axes.get_legend().get_texts()]
    assert "D's score of x, real" in labels and ("equilibrium" in " ".join(labels)) == (loss == "least-squares")
    assert verdict_axes.get_title() == "discriminator's scores"
    assert not math.isclose(verdict_axes.get_ylim()[1], 1.02)  # scores are not held to [0, 1]


@pytest.mark.parametrize("loss", ["least-squares", "hinge", "wasserstein"])
def test_each_game_teaches_a_toy_generator_most_of_the_ring(loss):
    ring = toy.ring()
    covered = []
    for seed in (0,) if loss == "wasserstein" else (0, 1):  # five critic updates a step: one seed, for time
        gan = toy_wgan(seed) if loss == "wasserstein" else \
            ganlib.make_toy_gan(2, latent_dim=2, hidden=(64, 64), loss=loss, seed=seed)
        ganlib.fit(gan, toy.ToyBatches(ring, 256, seed=seed), max_steps=1200, progress=False)
        samples = ganlib.generate(gan.generator, torch.randn(1000, 2, generator=torch.Generator().manual_seed(0)))
        covered.append(toy.modes_covered(samples, ring))
    assert min(covered) >= 6, covered


def test_one_critic_step_per_generator_step_is_not_enough_for_the_wasserstein_ring():
    ring = toy.ring()
    gan = toy_wgan(critic_steps=1)
    ganlib.fit(gan, toy.ToyBatches(ring, 256, seed=0), max_steps=1200, progress=False)
    samples = ganlib.generate(gan.generator, torch.randn(1000, 2, generator=torch.Generator().manual_seed(0)))
    assert toy.modes_covered(samples, ring) <= 4


def test_the_playground_plays_every_game_and_switches_without_losing_d_only_where_it_can():
    ground = Playground(shown=50)
    ground.d_step()
    trained_d = ground.gan.discriminator
    ground.set_option("loss", "minimax")  # same D: the arrows of the other generator loss, at once
    assert ground.gan.discriminator is trained_d and ground.gan.loss == "minimax" and ground.d_steps == 1
    for loss in ("least-squares", "hinge", "wasserstein"):
        ground.set_option("loss", loss)  # another game: start over with a D made for it
        assert ground.gan.loss == loss and ground.d_steps == 0 and ground.gan.discriminator is not trained_d
        ground.train(2)
        view = PlaygroundView(ground)
        assert view.status().startswith(f"{loss} loss")
        view.figure()
        assert torch.isfinite(ground.arrows(ground.real_shown[:5])).all()
    assert ground.d_steps == 10 and ground.g_steps == 2  # five critic steps for each of G's
    with pytest.raises(InputError, match="loss must be one of"):
        ground.set_option("loss", "wgan")
