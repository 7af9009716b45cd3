"""ganlib: the small library behind the GAN workbook.

One idea per module, each short enough to read in one sitting:

    data        MNIST found, checked and served in fast shuffled batches
    toy         1-D and 2-D Gaussian mixtures, and the small GANs that play on them
    models      the MLP generator and discriminator
    losses      the discriminator's loss, the non-saturating and minimax generator losses
    train       the algorithm's steps as functions, and the `fit` loop built from them
    checkpoint  atomic saves, safe loads, resuming a run
    viz         sample grids, training curves, the live dashboard
    device      GPU if present, else all CPU cores

    checks      the argument checks every public function uses, with messages that say the fix
    notebook    set-up, quick mode, parameter checks and run folders for the notebooks
    exercises   the friendly checks of the notebooks' exercises
    pretrained  generators trained in advance, shipped with ganlib
    setup_check, playground, widgets: the interactive parts of notebooks 00-02

The most used names are importable from `ganlib` directly. `viz`, `widgets`,
`playground` and `setup_check` load matplotlib or ipywidgets, so they are imported only
when asked for: `from ganlib import viz`.
"""

from ganlib.checkpoint import Checkpointer, load_checkpoint, resume, save_checkpoint
from ganlib.data import ShuffledBatches, data_root, ensure_mnist, load_mnist
from ganlib.device import configure_threads, pick_device
from ganlib.errors import CheckpointError, DataError, GanlibError, InputError
from ganlib.models import MLPDiscriminator, MLPGenerator, count_parameters
from ganlib.train import (
    GAN,
    Callback,
    History,
    TrainingDiverged,
    discriminator_step,
    fit,
    generate,
    generator_step,
    make_gan,
    sample_noise,
    seed_everything,
    train_step,
    update_ema,
)

from ganlib import checks, exercises, notebook, pretrained, toy  # noqa: E402 (light modules, used as ganlib.x)

__version__ = "0.1.0"
