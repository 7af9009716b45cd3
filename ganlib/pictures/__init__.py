"""Pictures, as matplotlib figures that belong to nobody but their caller.

    images     a batch of images tiled into a grid; figures and PNG bytes of them
    training   loss curves, D's verdicts, the live dashboard, the film of samples
    scores     the tables and figures of the metrics and experiments

It builds on `ganlib.gan`, `ganlib.data` and `ganlib.evaluate`.
"""
