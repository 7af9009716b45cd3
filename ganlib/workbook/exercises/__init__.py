"""Friendly checks for the notebooks' exercises, one module per notebook.

Each `check_...` function looks at your answer and prints what is right, what is off and
a hint for the next try. It never raises: a mistake in your code is reported as feedback,
not as a stack trace. Exercise cells start with `...` (Python's "fill me in" value); a
check run on `...` says that the exercise is still waiting for you
(`ganlib.workbook.exercises.feedback`).

Functions are named after the notebook they belong to: `check_02_...` is in notebook 02,
and lives in `notebook02.py`. The notebooks call them as `ganlib.exercises.check_...`.
"""

from ganlib.workbook.exercises.notebook00 import check_00_steps_per_epoch, check_00_minutes
from ganlib.workbook.exercises.notebook01 import (
    check_01_who_sees_real_data,
    check_01_discriminator_loss,
    check_01_bumps,
)
from ganlib.workbook.exercises.notebook02 import (
    check_02_discriminator_loss,
    check_02_train_step,
    check_02_no_collapse,
)
from ganlib.workbook.exercises.notebook03 import check_03_to_gan_range, check_03_layer_parameters, check_03_more_steps
from ganlib.workbook.exercises.notebook04 import check_04_upsampling_layers, check_04_worst_trick, check_04_diagnosis
from ganlib.workbook.exercises.notebook05 import (
    check_05_frechet_1d,
    check_05_collapse_signal,
    check_05_snapshot_frechet,
)
from ganlib.workbook.exercises.notebook06 import check_06_midpoint_lengths, check_06_asked_for, check_06_evolved_zeros
from ganlib.workbook.exercises.notebook07 import check_07_labelled, check_07_which_is_copied, check_07_session_plan
from ganlib.workbook.exercises.notebook08 import check_08_near_copy_line, check_08_exported, check_08_direction
from ganlib.workbook.exercises.notebook09 import check_09_distance, check_09_gentlest, check_09_best_game
