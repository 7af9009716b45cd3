"""Which exercises a participant has passed: recorded on a workshop hub, read by the facilitator.

When progress recording is on, every exercise check appends one line to
`~/ganlib-progress.jsonl` in the participant's own home (a plain file they can open, and
delete):

    {"notebook": "03", "exercise": "check_03_more_steps", "passed": false, "time": "2026-12-04T10:31:07+00:00"}

and nothing else: no answer, no code, no name (the home it is in says whose it is). A check
still waiting for its answer (`...`) records nothing.

Recording is off unless the environment variable `GANLIB_PROGRESS` is `1`. On a personal
machine nobody sets it; the workshop hub (workshop/hub/jupyterhub_config.py) sets it for
every participant, and notebook 00 says so.

The facilitator reads every participant's file with `python -m ganlib progress`, through the
hub's REST API (with an admin token) or straight from the homes on the hub's server, and
gets a table of who has passed what and who has been stuck on an exercise for a while.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ganlib.errors import InputError

SWITCH = "GANLIB_PROGRESS"
RELATIVE_PATH = "ganlib-progress.jsonl"
"""Where the record lives, relative to the participant's home."""
STUCK_AFTER = timedelta(minutes=10)
"""A participant whose first try of an exercise is this old, with no pass since, is stuck."""


def recording() -> bool:
    """Whether this kernel records exercise outcomes (GANLIB_PROGRESS=1)."""
    return os.environ.get(SWITCH, "") == "1"


def record_file() -> Path:
    return Path.home() / RELATIVE_PATH


def record(check_name: str, passed: bool, now: datetime | None = None) -> None:
    """Append one outcome of check `check_name` (such as check_03_more_steps) to this
    participant's record, if recording is on. A full disk or a read-only home loses the
    line, never the participant's work: the check's feedback is shown all the same."""
    if not recording():
        return
    line = {"notebook": check_name.split("_")[1], "exercise": check_name, "passed": bool(passed),
            "time": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")}
    try:
        path = record_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(line) + "\n")
    except OSError:
        pass


def status() -> str:
    """One sentence for notebook 00: is this kernel recording, and what exactly."""
    if recording():
        return (f"Progress recording is ON (this is a workshop hub): each exercise check adds one line to "
                f"~/{RELATIVE_PATH}: the notebook, the exercise, passed or not, and the time. Nothing else. "
                "Your facilitator sees a table of who has passed which exercise. "
                f"To keep a notebook's checks out of it, run %env {SWITCH}=0 in that notebook.")
    return f"Progress recording is off (it is on only where {SWITCH}=1, as on a workshop hub): nothing is recorded."


# --- the facilitator's view ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One line of a participant's record."""

    exercise: str
    passed: bool
    time: datetime


def parse(lines: Iterable[str]) -> list[Outcome]:
    """The outcomes in a record file's lines; lines that are not outcomes are skipped."""
    outcomes = []
    for line in lines:
        try:
            entry = json.loads(line)
            outcomes.append(Outcome(str(entry["exercise"]), bool(entry["passed"]),
                                    datetime.fromisoformat(entry["time"])))
        except (ValueError, KeyError, TypeError):
            continue
    return outcomes


@dataclass(frozen=True)
class Standing:
    """Where one participant stands on one exercise."""

    passed: bool
    tries: int
    first_try: datetime

    def stuck(self, now: datetime) -> bool:
        return not self.passed and now - self.first_try >= STUCK_AFTER


def standings(outcomes: list[Outcome]) -> dict[str, Standing]:
    """Each exercise tried: passed at least once, how many tries, when first tried."""
    result: dict[str, Standing] = {}
    for outcome in sorted(outcomes, key=lambda o: o.time):
        before = result.get(outcome.exercise)
        result[outcome.exercise] = Standing(
            passed=outcome.passed or (before is not None and before.passed),
            tries=1 if before is None else before.tries + 1,
            first_try=outcome.time if before is None else before.first_try,
        )
    return result


def table(records: dict[str, list[Outcome] | None], now: datetime | None = None) -> str:
    """The facilitator's view: one row per participant, one column per exercise tried by
    anyone; ✓ passed, ✗n failed n times so far, ✗n! stuck (first tried over
    STUCK_AFTER ago, no pass since), – not tried. `None` stands for a record that could
    not be read (the participant's server is stopped, say)."""
    now = now or datetime.now(timezone.utc)
    by_person = {name: standings(outcomes) if outcomes is not None else None for name, outcomes in records.items()}
    exercises = sorted({exercise for rows in by_person.values() if rows for exercise in rows})
    header = ["participant", *(name.removeprefix("check_")[:2] + "·" + name.split("_", 2)[2] for name in exercises),
              "stuck on"]
    rows = [header]
    for name in sorted(by_person):
        rows_of = by_person[name]
        if rows_of is None:
            rows.append([name, *("?" for _ in exercises), "(record not readable: server stopped?)"])
            continue
        cells, stuck = [], []
        for exercise in exercises:
            standing = rows_of.get(exercise)
            if standing is None:
                cells.append("–")
            elif standing.passed:
                cells.append("✓")
            else:
                late = standing.stuck(now)
                cells.append(f"✗{standing.tries}{'!' if late else ''}")
                if late:
                    minutes = int((now - standing.first_try).total_seconds() // 60)
                    stuck.append(f"{exercise} ({minutes} min)")
        rows.append([name, *cells, ", ".join(stuck)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def read_homes(homes: Path) -> dict[str, list[Outcome] | None]:
    """Every record under `homes` (one folder per participant, as on the hub's server)."""
    if not homes.is_dir():
        raise InputError(f"{homes} is not a folder of participants' homes.")
    return {home.name: parse((home / RELATIVE_PATH).read_text(encoding="utf-8").splitlines())
            for home in sorted(homes.iterdir()) if (home / RELATIVE_PATH).is_file()}


def read_hub(hub_url: str, token: str) -> dict[str, list[Outcome] | None]:
    """Every participant's record, read through the hub's REST API with an admin token: the
    list of users, then each running server's file. A participant without a running server
    reads as None; one whose server has no record yet, as no outcomes."""
    def get(path: str) -> bytes:
        request = urllib.request.Request(hub_url.rstrip("/") + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    try:
        users = json.loads(get("/hub/api/users"))
    except urllib.error.HTTPError as error:
        raise InputError(f"the hub refused the list of users ({error.code}): the token needs admin rights "
                         "(create one at /hub/token as a facilitator, an admin user)") from None
    except (urllib.error.URLError, OSError) as error:
        raise InputError(f"no hub answers at {hub_url} ({error}); give its address, such as https://hub.example.org") from None
    records: dict[str, list[Outcome] | None] = {}
    for user in users:
        if user.get("admin"):
            continue  # facilitators are not in the table
        name = user["name"]
        if not user.get("servers", {}).get("", {}).get("ready"):
            records[name] = None
            continue
        path = f"/user/{urllib.parse.quote(name)}/api/contents/{RELATIVE_PATH}?content=1&type=file&format=text"
        try:
            records[name] = parse(json.loads(get(path))["content"].splitlines())
        except urllib.error.HTTPError as error:
            records[name] = [] if error.code == 404 else None
    return records
