"""Command-line helpers: `python -m ganlib fetch-mnist [--root FOLDER]`."""

from __future__ import annotations

import argparse
import sys

from ganlib.data import ensure_mnist
from ganlib.errors import GanlibError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganlib", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch-mnist", help="download and check the four MNIST files")
    fetch.add_argument("--root", help="folder to hold MNIST/raw/ (default: GANLIB_DATA or data/)")
    args = parser.parse_args(argv)
    try:
        folder = ensure_mnist(args.root)
    except GanlibError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"MNIST is ready in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
