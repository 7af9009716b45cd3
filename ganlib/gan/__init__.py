"""The algorithm: read this package first.

In reading order:

    models      the two players: the MLP generator and discriminator of the source
                example, a DCGAN pair, and their conditional versions
    image_models  a convolutional pair for 32 × 32 or 64 × 64 pictures, grey or colour,
                with or without labels (the design collections)
    losses      what each player minimises in each game (2014's, least squares, hinge,
                Wasserstein), written from D's raw outputs; the R1 and gradient penalties
    history     what a run records at every step
    game        step 1: make_gan, the GAN object, the noise, generate
    augment     DiffAugment: the same random changes to every picture D sees, real or fake
    steps       steps 3 to 5b: discriminator_step, generator_step, update_ema, train_step
    fit         step 6: the loop, with its budget and callbacks
    checkpoint  saving a GAN and loading it back, safely
    runs        a run folder: resume, restart, a checkpoint callback, one writer at a time
    device      GPU if there is one, else all CPU cores; bfloat16 where it is fast

Nothing here imports the rest of ganlib except its error types and argument checks.
"""
