"""The algorithm: read this package first.

In reading order:

    models      the two players: the MLP generator and discriminator of the source
                example, a DCGAN pair, and their conditional versions
    losses      what each player minimises, written from D's logits
    game        step 1: make_gan, the GAN object, the noise, generate
    steps       steps 3 to 5b: discriminator_step, generator_step, update_ema, train_step
    fit         step 6: the loop, with its budget and callbacks
    checkpoint  saving a GAN and loading it back, safely
    runs        a run folder: resume, restart, a checkpoint callback, one writer at a time
    device      GPU if there is one, else all CPU cores; bfloat16 where it is fast

Nothing here imports the rest of ganlib except its error types and argument checks.
"""
