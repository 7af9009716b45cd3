"""Progress recording for the facilitator's view: off unless the hub turns it on, the
outcome and nothing else, and a table that says who is stuck."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

import ganlib
from ganlib.workbook import progress

T0 = datetime(2026, 12, 4, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_nothing_is_recorded_unless_the_hub_turns_it_on(home, monkeypatch):
    monkeypatch.delenv(progress.SWITCH, raising=False)
    ganlib.exercises.check_00_steps_per_epoch(468)
    assert not (home / progress.RELATIVE_PATH).exists()
    assert "off" in progress.status()


def test_a_check_records_its_outcome_and_nothing_else(home, monkeypatch):
    monkeypatch.setenv(progress.SWITCH, "1")
    ganlib.exercises.check_00_steps_per_epoch(500)
    ganlib.exercises.check_00_steps_per_epoch(468)
    ganlib.exercises.check_00_steps_per_epoch(...)  # still waiting for an answer: not an attempt
    lines = [json.loads(line) for line in (home / progress.RELATIVE_PATH).read_text().splitlines()]
    assert [(line["exercise"], line["passed"]) for line in lines] == [
        ("check_00_steps_per_epoch", False), ("check_00_steps_per_epoch", True)]
    assert all(set(line) == {"notebook", "exercise", "passed", "time"} and line["notebook"] == "00" for line in lines)
    assert "ON" in progress.status() and "%env GANLIB_PROGRESS=0" in progress.status()


def test_a_home_that_cannot_be_written_loses_the_line_not_the_feedback(home, monkeypatch):
    monkeypatch.setenv(progress.SWITCH, "1")
    (home / progress.RELATIVE_PATH).mkdir()  # a folder where the file belongs
    feedback = ganlib.exercises.check_00_steps_per_epoch(468)
    assert feedback.passed


def outcome(minutes: int, passed: bool, exercise: str = "check_03_more_steps") -> progress.Outcome:
    return progress.Outcome(exercise, passed, T0 + timedelta(minutes=minutes))


def test_the_table_shows_passes_tries_and_who_is_stuck():
    records = {
        "ada": [outcome(0, False), outcome(2, True)],
        "bo": [outcome(0, False), outcome(5, False), outcome(11, False)],
        "cy": [outcome(8, False)],
        "dee": None,
        "eve": [outcome(1, True, "check_00_minutes")],
    }
    rows = {line.split()[0]: line for line in progress.table(records, now=T0 + timedelta(minutes=12)).splitlines()}
    assert rows["participant"].split()[1:] == ["00·minutes", "03·more_steps", "stuck", "on"]
    assert rows["ada"].split()[1:] == ["–", "✓"]
    assert rows["bo"].split()[1:3] == ["–", "✗3!"] and "check_03_more_steps (12 min)" in rows["bo"]
    assert rows["cy"].split()[1:] == ["–", "✗1"]  # first tried 4 minutes ago: not stuck yet
    assert "?" in rows["dee"] and "not readable" in rows["dee"]
    assert rows["eve"].split()[1:] == ["✓", "–"]


def test_records_are_read_from_the_homes_and_bad_lines_skipped(tmp_path):
    for name, text in (("ada", '{"notebook": "00", "exercise": "check_00_minutes", "passed": true, '
                                '"time": "2026-12-04T10:00:00+00:00"}\nnot json\n'), ("bo", "")):
        (tmp_path / name).mkdir()
        (tmp_path / name / progress.RELATIVE_PATH).write_text(text)
    (tmp_path / "cy").mkdir()  # no record yet
    records = progress.read_homes(tmp_path)
    assert records == {"ada": [progress.Outcome("check_00_minutes", True, T0)], "bo": []}
    result = subprocess.run([sys.executable, "-m", "ganlib", "progress", "--homes", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "ada" in result.stdout and "✓" in result.stdout


def test_the_command_says_what_is_missing_instead_of_a_traceback(tmp_path):
    for args, message in ((["--hub", "http://127.0.0.1:9"], "admin API token"),
                          (["--homes", str(tmp_path / "none")], "is not a folder")):
        result = subprocess.run([sys.executable, "-m", "ganlib", "progress", *args], capture_output=True, text=True,
                                env={"PATH": "", "HOME": str(tmp_path)})
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
