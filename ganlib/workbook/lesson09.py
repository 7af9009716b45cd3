"""Notebook 09's experiments: what the games after 2014 change, on data small enough to see.

* `separated_bumps` (Part 1): a discriminator of the 2014 game and a Wasserstein critic,
  each trained against fakes that do not overlap the real data, and what each tells the
  generator: the 2014 game's answer stops depending on the distance, the critic's does not.
* `slopes_on_ring` (Part 2): how steep a discriminator becomes in x when nothing holds it
  back, and what spectral normalisation, the R1 penalty and the gradient penalty do to it.
* `ring_games` (Part 3): whole GANs, one per game, trained on the ring of eight bumps.

Every discriminator here learns through the workbook's own `discriminator_step`, every GAN
through `ganlib.fit`."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from ganlib import checks
from ganlib.data.toy import GaussianMixture, ToyBatches, gaussian, modes_covered, ring, share_on_modes
from ganlib.gan.fit import fit
from ganlib.gan.game import GAN, generate, make_toy_gan
from ganlib.gan.losses import discriminator_loss, generator_loss
from ganlib.gan.steps import discriminator_step
from ganlib.workbook.playground import WASSERSTEIN_TOY

HIDDEN = (64, 64)  # the toy networks' layers, as in notebook 02's playground
BATCH = 256
MEASURED_ON = 4096  # fresh samples on which each trained discriminator is measured


def train_alone(gan: GAN, real: GaussianMixture, fake: GaussianMixture, steps: int, rng: torch.Generator) -> None:
    """`steps` updates of `gan`'s discriminator alone, on fresh real and fake batches; G is
    never used. With the fakes held still, this is the inner half of the game played out:
    how D ends up when it is given all the time it wants."""
    for _ in range(checks.whole_number(steps, "steps", 0)):
        discriminator_step(gan, real.sample(BATCH, rng), fake.sample(BATCH, rng))


def push_on_fakes(discriminator: torch.nn.Module, fake: torch.Tensor, loss: str) -> float:
    """How hard G's loss `loss` pushes each fake point: the mean length of -dL_G/dx over
    the points (the arrows of notebook 02's playground). Zero means G learns nothing."""
    x = fake.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(generator_loss(discriminator(x), loss) * len(x), x)
    return gradient.norm(dim=1).mean().item()


# --- Part 1: two bumps that do not overlap ---------------------------------------------


@dataclass
class Separation:
    """A 2014 discriminator and a Wasserstein critic, each trained against fakes `distance`
    away from the real bump. Both bumps are N(·, 0.2), so moving every fake by `distance`
    turns them into the real data: the Wasserstein distance is exactly `distance`."""

    distance: float
    d_loss: float  # the 2014 D's loss on fresh samples: log 2 when it cannot tell, 0 when it always can
    minimax_push: float  # how hard each 2014 generator loss pushes a fake (`push_on_fakes`)
    non_saturating_push: float
    critic_estimate: float  # E[critic(real)] - E[critic(fake)]: the critic's estimate of the distance
    critic_push: float
    discriminator: torch.nn.Module = field(repr=False)
    critic: torch.nn.Module = field(repr=False)


def separated_bumps(distances: tuple[float, ...] = (0.5, 1, 2, 4, 8), steps: int = 600, seed: int = 0
                    ) -> list[Separation]:
    """For each distance, train a 2014 D and a critic for `steps` updates each, then measure
    both on fresh samples.

    The critic keeps its slope at most 1 by spectral normalisation. (The gradient penalty
    would do on a plane, but on a line it can trap the critic: a critic whose ramp starts
    out rising toward the fakes must pass through slope 0 to turn round, and the penalty
    forbids exactly that, so it settles on the ramp that scores the fakes highest.)"""
    real = gaussian(0.0, 0.2)
    rows = []
    for distance in distances:
        fake = gaussian(float(distance), 0.2)
        rng = torch.Generator().manual_seed(seed)
        judge = make_toy_gan(1, hidden=HIDDEN, seed=seed)
        train_alone(judge, real, fake, steps, rng)
        critic = make_toy_gan(1, hidden=HIDDEN, loss="wasserstein", spectral_norm=True, seed=seed)
        train_alone(critic, real, fake, steps, rng)
        real_points, fake_points = real.sample(MEASURED_ON, rng), fake.sample(MEASURED_ON, rng)
        with torch.no_grad():
            d_loss = discriminator_loss(judge.discriminator(real_points), judge.discriminator(fake_points)).item()
            estimate = -discriminator_loss(critic.discriminator(real_points), critic.discriminator(fake_points),
                                           "wasserstein").item()
        rows.append(Separation(
            float(distance), d_loss,
            push_on_fakes(judge.discriminator, fake_points, "minimax"),
            push_on_fakes(judge.discriminator, fake_points, "non-saturating"),
            estimate, push_on_fakes(critic.discriminator, fake_points, "wasserstein"),
            judge.discriminator, critic.discriminator,
        ))
    return rows


def separation_table(rows: list[Separation]) -> str:
    """Part 1's measurements, one line per distance."""
    lines = [f"{'distance':>8} | {'2014 D: loss':>12} {'minimax push':>13} {'non-sat. push':>14} | "
             f"{'critic: estimate':>16} {'push':>6}"]
    for row in rows:
        lines.append(f"{row.distance:8g} | {row.d_loss:12.4f} {row.minimax_push:13.1e} "
                     f"{row.non_saturating_push:14.2f} | {row.critic_estimate:16.2f} {row.critic_push:6.2f}")
    return "\n".join(lines)


def plot_separation(row: Separation) -> Figure:
    """What the 2014 D and the critic of one distance say along the line, over the two bumps."""
    real, fake = gaussian(0.0, 0.2), gaussian(row.distance, 0.2)
    x = torch.linspace(-1.0, row.distance + 1.0, 400).unsqueeze(1)
    with torch.no_grad():
        probability = torch.sigmoid(row.discriminator(x))
        score = row.critic(x)
        score = score - row.critic(torch.zeros(1, 1)).item()  # a critic's level is arbitrary: 0 at the real bump
    fig = Figure(figsize=(10, 3.2))
    for i, (values, title, label) in enumerate((
        (probability, "2014 game: D(x), the probability of 'real'", "D(x)"),
        (score, "Wasserstein critic: its score", "score (0 at the real bump)"),
    )):
        ax = fig.add_subplot(1, 2, i + 1)
        bumps = ax.twinx()
        bumps.fill_between(x.squeeze(1).numpy(), real.density(x).numpy(), color="0.6", alpha=0.5, label="real")
        bumps.fill_between(x.squeeze(1).numpy(), fake.density(x).numpy(), color="tab:orange", alpha=0.4, label="fake")
        bumps.set(yticks=[])
        bumps.legend(fontsize=8, loc="center right")
        ax.plot(x.squeeze(1).numpy(), values.numpy(), color="tab:blue", linewidth=2)
        ax.set_zorder(bumps.get_zorder() + 1)  # the curve over the shaded bumps
        ax.patch.set_visible(False)
        ax.set_title(f"{title}\nfakes {row.distance:g} away", fontsize=9)
        ax.set(xlabel="x", ylabel=label)
    fig.tight_layout()
    return fig


# --- Part 2: how steep D becomes --------------------------------------------------------

TAMINGS: dict[str, dict] = {
    "2014 game, nothing added": {},
    "spectral normalisation": {"spectral_norm": True},
    "R1 penalty (γ = 1)": {"r1_gamma": 1.0},
    "critic, gradient penalty 10": {"loss": "wasserstein", "gp_weight": 10.0},
}
"""The discriminators of Part 2: the 2014 one, and one change each (keyword arguments of
`make_toy_gan`)."""

VIEW = 3.0  # the slope maps cover -VIEW to +VIEW on both axes
FAKE_SPREAD = 0.3  # Part 2's fakes: a round blob of this standard deviation at the ring's centre


@dataclass
class Slopes:
    """How steep one discriminator is after `steps` updates: the length of grad_x D(x) (its
    logit, or the critic's score) over a grid of the plane, and summaries of it."""

    name: str
    steps: int
    map: torch.Tensor  # the slope at each point of a square grid, rows from -VIEW (bottom) to +VIEW
    largest: float  # the steepest point of the grid
    median: float  # the middle of the grid's slopes
    at_real: float  # the mean slope at real points


def slope_map(discriminator: torch.nn.Module, data: GaussianMixture, name: str, steps: int,
              points: int = 121) -> Slopes:
    """Measure how steep `discriminator` is, over the plane and at the real data."""
    t = torch.linspace(-VIEW, VIEW, points)
    grid = torch.stack(torch.meshgrid(t, t, indexing="xy"), dim=-1).reshape(-1, 2).requires_grad_(True)
    (gradient,) = torch.autograd.grad(discriminator(grid).sum(), grid)
    slopes = gradient.norm(dim=1)
    real = data.sample(2000, torch.Generator().manual_seed(5)).requires_grad_(True)
    (at_real,) = torch.autograd.grad(discriminator(real).sum(), real)
    return Slopes(name, steps, slopes.reshape(points, points), slopes.max().item(), slopes.median().item(),
                  at_real.norm(dim=1).mean().item())


def slopes_on_ring(tamings: dict[str, dict] | None = None, checkpoints: tuple[int, ...] = (200, 1000),
                   seed: int = 0) -> list[Slopes]:
    """Train each discriminator of `tamings` (TAMINGS unless told others) alone, on the ring
    against a fixed blob of fakes at its centre, and measure its slopes after each number
    of updates in `checkpoints`."""
    tamings = TAMINGS if tamings is None else tamings
    data, fakes = ring(), GaussianMixture(torch.zeros(1, 2), FAKE_SPREAD, torch.ones(1))
    measured = []
    for name, options in tamings.items():
        rng = torch.Generator().manual_seed(seed)
        gan = make_toy_gan(2, hidden=HIDDEN, seed=seed, **options)
        for done, steps in zip((0, *sorted(checkpoints)), sorted(checkpoints)):  # `done`: the previous checkpoint
            train_alone(gan, data, fakes, steps - done, rng)
            measured.append(slope_map(gan.discriminator, data, name, steps))
    return measured


def slopes_table(measured: list[Slopes]) -> str:
    """Part 2's measurements, one line per discriminator and checkpoint."""
    lines = [f"{'discriminator':30} {'updates':>7} {'steepest':>9} {'median':>7} {'at the real data':>17}"]
    for slopes in measured:
        lines.append(f"{slopes.name:30} {slopes.steps:7,} {slopes.largest:9.2f} {slopes.median:7.2f} "
                     f"{slopes.at_real:17.2f}")
    return "\n".join(lines)


def plot_slopes(measured: list[Slopes]) -> Figure:
    """The slope maps of each discriminator's last checkpoint, on one logarithmic colour
    scale, with the ring's eight centres (crosses) and the fakes' spread (dashed circle)."""
    last = {slopes.name: slopes for slopes in measured}  # the later checkpoint replaces the earlier
    norm = LogNorm(vmin=0.05, vmax=max(50.0, max(s.largest for s in last.values())))
    fig = Figure(figsize=(2.9 * len(last) + 0.8, 3.2), layout="constrained")
    centres = ring().means
    for i, slopes in enumerate(last.values()):
        ax = fig.add_subplot(1, len(last), i + 1)
        image = ax.imshow(slopes.map.clamp_min(norm.vmin).numpy(), origin="lower", extent=(-VIEW, VIEW, -VIEW, VIEW),
                          norm=norm, cmap="magma")
        ax.scatter(*centres.T.numpy(), s=16, c="cyan", marker="x")
        ax.add_patch(Circle((0, 0), FAKE_SPREAD, fill=False, color="cyan", linestyle="--"))
        ax.set_title(f"{slopes.name}\n{slopes.steps:,} updates: steepest {slopes.largest:.1f}", fontsize=8)
        ax.set(xticks=[], yticks=[])
    fig.colorbar(image, ax=fig.axes, label="|grad_x D(x)|, the slope", shrink=0.85)
    return fig


# --- Part 3: the games on the ring -------------------------------------------------------

RING_GAMES: dict[str, dict] = {
    "2014, non-saturating": {},
    "least squares": {"loss": "least-squares"},
    "hinge": {"loss": "hinge"},
    "Wasserstein-GP, 5 critic steps": {"loss": "wasserstein", **WASSERSTEIN_TOY},
    "Wasserstein-GP, 1 critic step": {"loss": "wasserstein", "gp_weight": WASSERSTEIN_TOY["gp_weight"]},
}
"""The GANs of Part 3 (keyword arguments of `make_toy_gan`). The two Wasserstein games
differ only in how many critic updates come before each generator update."""


@dataclass
class RingRun:
    """One toy GAN trained on the ring: 1,000 of its samples, how many bumps they cover, and
    how many of them lie on a bump at all (within 4 standard deviations of a centre)."""

    game: str
    seed: int
    samples: torch.Tensor
    covered: int
    on_bumps: float
    seconds: float  # training time


def ring_games(games: dict[str, dict] | None = None, steps: int = 1200, seeds: tuple[int, ...] = (0, 1, 2)
               ) -> dict[str, list[RingRun]]:
    """Train one toy GAN per game of `games` (RING_GAMES unless told others) and seed, for
    `steps` generator updates each, and count the bumps its samples cover."""
    games = RING_GAMES if games is None else games
    data = ring()
    runs: dict[str, list[RingRun]] = {name: [] for name in games}
    for seed in seeds:
        for name, options in games.items():
            gan = make_toy_gan(2, latent_dim=2, hidden=HIDDEN, seed=seed, **options)
            fit(gan, ToyBatches(data, BATCH, seed=seed), max_steps=steps, progress=False)
            samples = generate(gan.generator, torch.randn(1000, 2, generator=torch.Generator().manual_seed(seed)))
            runs[name].append(RingRun(name, seed, samples, modes_covered(samples, data),
                                      share_on_modes(samples, data, within=4.0), gan.train_seconds))
    return runs


def ring_table(runs: dict[str, list[RingRun]]) -> str:
    """Part 3's counts, one line per game: bumps covered per seed, the share of samples on
    a bump (the mean over the seeds), and the training time."""
    seeds = [run.seed for run in next(iter(runs.values()))]
    lines = [f"{'game':32} {'bumps covered (of 8), seeds ' + ', '.join(map(str, seeds)):32} {'on a bump':>9} "
             f"{'seconds per run':>15}"]
    for name, game_runs in runs.items():
        covered = "  ".join(f"{run.covered}" for run in game_runs)
        on_bumps = sum(run.on_bumps for run in game_runs) / len(game_runs)
        seconds = sum(run.seconds for run in game_runs) / len(game_runs)
        lines.append(f"{name:32} {covered:32} {on_bumps:9.0%} {seconds:15.1f}")
    return "\n".join(lines)


def plot_ring_games(runs: dict[str, list[RingRun]]) -> Figure:
    """Each game's samples (one row per game, one column per seed) over the ring's centres."""
    rows, columns = len(runs), max(len(game_runs) for game_runs in runs.values())
    fig = Figure(figsize=(1.8 * columns + 1.4, 1.8 * rows))
    centres = ring().means
    for r, (name, game_runs) in enumerate(runs.items()):
        for c, run in enumerate(game_runs):
            ax = fig.add_subplot(rows, columns, r * columns + c + 1)
            ax.scatter(*centres.T.numpy(), s=14, c="darkgreen", marker="x")
            ax.scatter(*run.samples.T.numpy(), s=1, c="indigo", alpha=0.3)
            ax.set(xlim=(-VIEW, VIEW), ylim=(-VIEW, VIEW), aspect="equal", xticks=[], yticks=[])
            ax.set_title(f"seed {run.seed}: {run.covered}/8", fontsize=8)
            ax.set_ylabel(name if c == 0 else "", fontsize=8)  # each row's game, once
    fig.tight_layout()
    return fig

