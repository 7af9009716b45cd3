"""Command-line helpers.

    python -m ganlib fetch-mnist [--root FOLDER]       download and check MNIST
    python -m ganlib train-pretrained NAME [--root FOLDER]   remake a shipped generator
    python -m ganlib train-classifier [mnist|letterforms] [--root FOLDER]   remake a metrics' classifier
    python -m ganlib report [--root FOLDER]                  classifier accuracy, real-vs-real
                                                             floor, shipped generators' figures
    python -m ganlib stability-experiments [--root FOLDER]   remake notebook 04's shipped experiments
    python -m ganlib game-experiments [--root FOLDER]        compare the games, saved in ganlib/weights
    python -m ganlib progress --hub URL [--token TOKEN]      who has passed which exercise, on a
    python -m ganlib progress --homes FOLDER                 workshop hub (ganlib.workbook.progress)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ganlib.data.mnist import ensure_mnist, load_mnist
from ganlib.errors import GanlibError, InputError
from ganlib.evaluate import games, metrics, stability
from ganlib.evaluate.classifier import RECIPES, accuracy, load_classifier, train_classifier
from ganlib.evaluate.pretrained import load_generator
from ganlib.evaluate.recipes import SHIPPED
from ganlib.evaluate.remake import remake
from ganlib.workbook import progress

INTERRUPTED = {
    "fetch-mnist": ("run the command again to finish the download; if it then names a damaged file, "
                    "delete that file and run it once more."),
    "train-pretrained": "the shipped generator, its record and its snapshots are unchanged.",
    "train-classifier": "the shipped classifier and its record are unchanged.",
    "report": "nothing was written.",
    "stability-experiments": "the shipped experiments are unchanged.",
    "game-experiments": "nothing was written; a comparison saved before is unchanged.",
    "progress": "nothing was written.",
}
"""What an interrupted command leaves behind, in a sentence."""


def print_report(root=None, samples: int = 10_000) -> None:
    """The figures behind the workbook's claims, measured now on this machine."""
    from ganlib.pictures.scores import ScoreTable  # here, not at the top: it loads matplotlib

    test_images, test_labels = load_mnist(root, train=False)
    print(f"classifier test accuracy: {accuracy(load_classifier(), test_images, test_labels):.2%}")
    reference = metrics.real_reference(samples, root)
    table = {"real vs real": metrics.real_floor(samples, root)}
    obeying = {}
    for name in (name for name, made in SHIPPED.items() if made.collection == "mnist"):
        generator = load_generator(name)
        drawn = metrics.sample_generator(generator, samples, seed=12345)
        table[name] = metrics.score(drawn, reference)
        if hasattr(generator, "classes"):
            obeying[name] = metrics.read_as_asked(drawn, generator.classes)
    print(f"\n{samples:,} samples each, against {samples:,} MNIST test images:")
    print(ScoreTable(table))
    for name, share in obeying.items():
        print(f"{name}: the classifier reads {share:.1%} of its samples as the digit asked for")


def remake_stability_experiments(root=None) -> None:
    """Run notebook 04's experiments with every seed and replace the shipped results."""
    images, _ = load_mnist(root)
    shipped = stability.run_all(images, metrics.real_reference(stability.SAMPLES, root))
    stability.save(shipped)
    _print_frechet(shipped)


def run_game_experiments(root=None) -> None:
    """Compare the games with every seed, and save the results beside the stability experiments."""
    images, _ = load_mnist(root)
    shipped = games.run_all(images, metrics.real_reference(stability.SAMPLES, root))
    stability.save(shipped, name=games.NAME)
    _print_frechet(shipped)


def _print_frechet(shipped: stability.Shipped) -> None:
    """Each recipe's Fréchet distances, one per seed."""
    for name in shipped.scores:
        print(f"{name:26} Fréchet distance {', '.join(f'{value:.1f}' for value in shipped.frechet(name))}")


def print_progress(hub: str | None, homes: str | None, token: str) -> None:
    """The facilitator's table of exercises passed, from the hub or from the homes."""
    if hub and not token:
        raise InputError("reading the hub needs an admin API token: --token TOKEN or JUPYTERHUB_API_TOKEN "
                         "(a facilitator creates one at /hub/token)")
    records = progress.read_hub(hub, token) if hub else progress.read_homes(Path(homes))
    print(progress.table(records) if records else "No participant has a progress record yet.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganlib", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch-mnist", help="download and check the four MNIST files")
    fetch.add_argument("--root", help="folder to hold MNIST/raw/ (default: GANLIB_DATA or data/)")
    pretrained = commands.add_parser("train-pretrained", help="train a shipped generator again, as its recipe says")
    pretrained.add_argument("name", choices=sorted(SHIPPED))
    pretrained.add_argument("--root", help="folder holding MNIST/raw/ (default: GANLIB_DATA or data/)")
    classifier = commands.add_parser("train-classifier", help="train a classifier of ganlib.evaluate.metrics again")
    classifier.add_argument("name", nargs="?", default="mnist", choices=sorted(RECIPES))
    classifier.add_argument("--root", help="folder holding MNIST/raw/ (default: GANLIB_DATA or data/)")
    report = commands.add_parser("report", help="print the classifier's accuracy, the real-vs-real floor and the shipped generators' figures")
    report.add_argument("--root", help="folder holding MNIST/raw/ (default: GANLIB_DATA or data/)")
    experiments = commands.add_parser("stability-experiments",
                                      help="run notebook 04's stability experiments with several seeds (about 40 minutes)")
    experiments.add_argument("--root", help="folder holding MNIST/raw/ (default: GANLIB_DATA or data/)")
    compared = commands.add_parser("game-experiments",
                                   help="compare the games after 2014 on MNIST with several seeds (about 80 minutes)")
    compared.add_argument("--root", help="folder holding MNIST/raw/ (default: GANLIB_DATA or data/)")
    view = commands.add_parser("progress", help="on a workshop hub: who has passed which exercise, who is stuck")
    where = view.add_mutually_exclusive_group(required=True)
    where.add_argument("--hub", help="the hub's address, read through its REST API with an admin token")
    where.add_argument("--homes", help="the folder of participants' homes, read directly on the hub's server")
    view.add_argument("--token", help="an admin API token (default: JUPYTERHUB_API_TOKEN)")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch-mnist":
            print(f"MNIST is ready in {ensure_mnist(args.root)}")
        elif args.command == "train-classifier":
            print(json.dumps(train_classifier(args.name, args.root), indent=2))
        elif args.command == "report":
            print_report(args.root)
        elif args.command == "stability-experiments":
            remake_stability_experiments(args.root)
        elif args.command == "game-experiments":
            run_game_experiments(args.root)
        elif args.command == "progress":
            print_progress(args.hub, args.homes, args.token or os.environ.get("JUPYTERHUB_API_TOKEN", ""))
        else:
            print(json.dumps(remake(args.name, args.root), indent=2))
    except GanlibError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nInterrupted: {INTERRUPTED[args.command]}", file=sys.stderr)
        return 130  # the usual exit status after Ctrl-C
    return 0


if __name__ == "__main__":
    sys.exit(main())
