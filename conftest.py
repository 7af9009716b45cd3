"""Test-wide settings, for the unit tests and the notebooks that nbval runs alike.

Notebooks run in quick mode (GANLIB_QUICK=1: tiny step counts) and write their training
runs into a temporary folder (GANLIB_RUNS), never into the workbook's own runs/.
"""

import os
import tempfile

os.environ.setdefault("GANLIB_QUICK", "1")
os.environ.setdefault("GANLIB_RUNS", tempfile.mkdtemp(prefix="ganlib-test-runs-"))
os.environ.setdefault("MPLBACKEND", "Agg")
