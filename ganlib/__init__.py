"""ganlib: the small library behind the GAN workbook.

One idea per module, each short enough to read in one sitting:

    data        MNIST found, checked and served in fast shuffled batches
    toy         1-D and 2-D Gaussian mixtures for the first notebooks
    models      the MLP generator and discriminator
    losses      the discriminator's loss, the non-saturating and minimax generator losses
    train       the algorithm's steps as functions, and the `fit` loop built from them
    checkpoint  atomic saves, safe loads, resuming a run
    viz         sample grids, training curves, the live dashboard
    device      GPU if present, else all CPU cores

The most used names are importable from `ganlib` directly.
"""

from ganlib.checkpoint import Checkpointer, load_checkpoint, resume, save_checkpoint
from ganlib.data import ShuffledBatches, data_root, ensure_mnist, load_mnist
from ganlib.device import configure_threads, pick_device
from ganlib.errors import CheckpointError, DataError, GanlibError
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
)

__version__ = "0.1.0"
