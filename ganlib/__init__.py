"""ganlib: the small library behind the GAN workbook.

Where is the GAN? In `ganlib/gan/`, read first. The packages, in the order their
imports run (each uses only those above it):

    errors.py, checks.py   the errors ganlib raises, and the argument checks every part uses
    gan/         the algorithm: networks, losses, make_gan, the training steps, fit,
                 checkpoints and run folders, device choice
    data/        MNIST (found, checked, loaded), its download, in-memory batches,
                 pixels as bytes and as [-1, 1], toy distributions in 1-D and 2-D,
                 your own images from a folder or .zip (read, prepared, cached)
    evaluate/    the classifiers that judge samples, the metrics and the copy check, recipes, the shipped
                 generators and how they are remade, fair experiments
    pictures/    image grids (grey or colour), training curves, the dashboard and film,
                 metric figures
    creative/    latent walks and directions, the explorer, evolution, provenance labels,
                 the creative session on design material (notebook 08)
    workbook/    what only the notebooks need: set-up and parameters, the setup check,
                 widgets, the playground, the lessons' own plots, the exercise checks,
                 the upload button for your own images

The names every notebook uses are importable from `ganlib` directly, and so are three
notebook helpers: `ganlib.notebook`, `ganlib.exercises` and `ganlib.pretrained`.
Pictures and widgets load matplotlib or ipywidgets, so they are imported only when asked
for: `from ganlib.pictures import images`.
"""

from ganlib import checks
from ganlib.data.batches import ShuffledBatches
from ganlib.data.mnist import data_root, display_path, ensure_mnist, load_mnist
from ganlib.errors import CheckpointError, DataError, GanlibError, InputError, ParameterError, TrainingDiverged
from ganlib.evaluate import pretrained
from ganlib.gan.checkpoint import load_checkpoint, save_checkpoint
from ganlib.gan.device import configure_threads, pick_device
from ganlib.gan.fit import Callback, fit
from ganlib.gan.game import GAN, generate, make_gan, make_toy_gan, sample_noise, seed_everything
from ganlib.gan.history import History
from ganlib.gan.models import MLPDiscriminator, MLPGenerator, count_parameters
from ganlib.gan.runs import Checkpointer, resume, start_or_resume
from ganlib.gan.steps import discriminator_step, generator_step, train_step, update_ema
from ganlib.workbook import exercises, notebook

__version__ = "0.1.0"
