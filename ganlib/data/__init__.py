"""The data: MNIST, toy distributions and your own images, as tensors ready for training.

    mnist      where MNIST is, whether it is intact, and loading it into memory in [-1, 1]
    download   fetching the four files, with a bounded time-out and a clear failure
    batches    ShuffledBatches: an endless, seeded, resumable stream of batches from memory
    pixels     bytes 0..255 and floats in [-1, 1], one place for the conversion
    toy        mixtures of Gaussian bumps in 1-D and 2-D, with their exact densities
    letterforms  the design collection that ships: A-Z in 556 openly licensed typefaces
    folder     your own images: a folder or .zip read into an ImageCollection, with a cache
    prepare    one image file made a small square: upright, opaque, 8-bit, cropped or padded

It imports nothing else from ganlib but the error types and argument checks.
"""
