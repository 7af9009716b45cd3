"""Using a trained generator for ideas (notebooks 06 and 07).

    latent       interpolation, random walks, latent directions such as "more ink"
    explorer     the main directions of variation of a generator (GANSpace)
    evolution    interactive evolution: breed latent vectors from a person's picks
    provenance   a label inside each generated PNG file that says it is generated
    studio       notebook 08's session: the material, words in a generated style, the
                 review of a team's picks (legible? new, or a near-copy?)

It builds on `ganlib.gan`, `ganlib.data`, `ganlib.evaluate` and `ganlib.pictures`.
"""
