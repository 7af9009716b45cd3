"""Command-line helpers.

    python -m ganlib fetch-mnist [--root FOLDER]       download and check MNIST
    python -m ganlib train-pretrained NAME [--root FOLDER]   remake a shipped generator
"""

from __future__ import annotations

import argparse
import json
import sys

from ganlib.data import ensure_mnist
from ganlib.errors import GanlibError
from ganlib.pretrained import RECIPES, train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganlib", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch-mnist", help="download and check the four MNIST files")
    fetch.add_argument("--root", help="folder to hold MNIST/raw/ (default: GANLIB_DATA or data/)")
    pretrained = commands.add_parser("train-pretrained", help="train a shipped generator again, as its recipe says")
    pretrained.add_argument("name", choices=sorted(RECIPES))
    pretrained.add_argument("--root", help="folder holding MNIST/raw/ (default: GANLIB_DATA or data/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch-mnist":
            print(f"MNIST is ready in {ensure_mnist(args.root)}")
        else:
            made = train(args.name, args.root)
            print(json.dumps(made, indent=2))
    except GanlibError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
