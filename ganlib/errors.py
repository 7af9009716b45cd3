"""The errors ganlib raises on purpose, all in one place.

When something goes wrong that *you* can fix (the data is missing, a checkpoint belongs
to another model, a parameter is out of range), ganlib raises a `GanlibError` whose
message says what happened and what to do next. Anything else is a bug.

In a notebook, `ganlib.notebook.setup()` shows these errors as their message alone,
without the long stack trace that would hide it.
"""


class GanlibError(Exception):
    """A problem with a clear fix, explained in the message."""


class InputError(GanlibError, ValueError):
    """A function was given a value it cannot use: a tensor of the wrong shape or range,
    an unknown option. (It is also a ValueError, the usual Python error for that.)"""


class ParameterError(GanlibError):
    """A notebook parameter has a value that cannot work."""


class DataError(GanlibError):
    """The training data is missing, corrupt or in the wrong layout."""


class CheckpointError(GanlibError):
    """A checkpoint could not be written or does not fit the model it is loaded into."""


class RunInUse(CheckpointError):
    """Another process is training in this run's folder."""


class TrainingDiverged(GanlibError):
    """A loss became NaN or infinite; the run stopped before saving the broken state."""
