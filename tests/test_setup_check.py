"""Notebook 00's advice: the kernels check and what notebooks 03 and 04 will do on a machine."""

from __future__ import annotations

import re
import subprocess
import sys

from ganlib.workbook import setup_check


def test_one_kernel_is_fine_and_several_are_named_with_the_fix():
    assert setup_check.check_kernels(count=1).ok is True
    several = setup_check.check_kernels(count=3)
    assert several.ok is False and "3 Jupyter kernels" in several.found and "Shut Down" in several.fix


def test_kernels_are_counted_from_the_running_processes(tmp_path):
    # A kernel's command line starts `python -m ipykernel_launcher -f ...`: a process whose first
    # words name ipykernel counts, one that only mentions it later (a kernel's argument) does not.
    sleeper = tmp_path / "ipykernel_stand_in.py"
    sleeper.write_text("import time\ntime.sleep(60)\n")
    before = setup_check.running_kernels()
    mentions = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "x", "ipykernel_launcher"])
    kernel_like = subprocess.Popen([sys.executable, str(sleeper)])
    try:
        assert setup_check.running_kernels() == before + 1
    finally:
        mentions.kill()
        kernel_like.kill()


def plan(speed: float) -> dict[str, str]:
    lines = setup_check.plan_for_this_machine(speed).splitlines()
    return {"03": next(line for line in lines if "Notebook 03" in line), "04": next(line for line in lines if "Notebook 04" in line)}


def test_a_fast_machine_is_told_it_will_get_clear_digits_and_04_fits():
    advice = plan(48)
    assert "14,400 steps" in advice["03"] and "clear digits" in advice["03"] and "pretrained" not in advice["03"]
    assert re.fullmatch(r"- Notebook 04 takes about \d+ minutes\.", advice["04"])


def test_a_slow_machine_is_told_what_to_skip_and_what_to_load():
    advice = plan(4)
    assert "1,200 steps" in advice["03"] and "pretrained generator" in advice["03"]
    minutes = [int(m) for m in re.findall(r"about (\d+) minutes", advice["04"])]
    assert minutes[0] > 8 and minutes[-1] < minutes[0]  # the whole notebook, then without the two runs
    assert "Run one yourself" in advice["04"] and "Trigger one yourself" in advice["04"]
    own = 2 * 2400 / 4 / 60  # the two runs of 2,400 steps at 4 steps/s
    assert f"{own:.0f} of them" in advice["04"]


def test_notebook_04s_estimate_adds_its_steps_at_their_cost():
    total, own = setup_check.notebook_04_minutes(10)
    race = (1800 + setup_check.DCGAN_STEP_COST * 600) / 10  # the MLP's and the DCGAN's steps of Part 2
    assert own == 2 * 2400 / 10 / 60
    assert total * 60 == race + 2 * 2400 / 10 + setup_check.NOTEBOOK_04_OTHER_SECONDS


def test_notebook_03s_length_is_all_its_epochs_or_what_fits_in_its_time():
    assert setup_check.notebook_03_length(1000) == (40 * 468, 40 * 468 / 1000 / 60)  # fast: every epoch
    assert setup_check.notebook_03_length(10) == (3000, 5.0)  # slow: five minutes at 10 steps/s
