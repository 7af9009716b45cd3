"""Judging generators, and the generators that ship trained.

    classifier   small classifiers of digits and of letters, the measuring instruments
    metrics      classify, class coverage, confidence, the Fréchet distance, scores
    neighbours   precision, recall, density and coverage in the classifier's feature space
    copies       creating or copying? each picture's nearest training picture, and where a
                 near-copy begins for a collection
    recipes      one Recipe type; the source example's, notebook 03's, the letters', settings
                 for a team's own pictures, and the shipped ones
    pretrained   the shipped generators, their records and snapshots
    remake       training a shipped generator again, replacing its files only on success
    experiments  fair comparisons: the same steps, seed and judge for every recipe
    stability    notebook 04's shipped experiments: tricks and failures, three seeds each, and
                 the baseline's noise band that a verdict must clear
    games        the games after 2014 and the two discriminator regularisers, compared the
                 same way

It builds on `ganlib.gan` and `ganlib.data`.
"""
