"""Test-wide settings, for the unit tests and the notebooks that nbval runs alike.

Notebooks run in quick mode (GANLIB_QUICK=1: tiny step counts) and write their training
runs into a temporary folder (GANLIB_RUNS), never into the workbook's own runs/; pictures
read from folders are cached in a temporary folder too (GANLIB_CACHE), never in ~/.cache.
"""

import os
import tempfile

os.environ.setdefault("GANLIB_QUICK", "1")
os.environ.setdefault("GANLIB_RUNS", tempfile.mkdtemp(prefix="ganlib-test-runs-"))
os.environ.setdefault("GANLIB_CACHE", tempfile.mkdtemp(prefix="ganlib-test-cache-"))
os.environ.setdefault("MPLBACKEND", "Agg")
