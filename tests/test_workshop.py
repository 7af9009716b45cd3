"""The facilitator kit in workshop/: answers in step with the notebooks, agendas that fit
the notebooks' stated run times, and links that lead somewhere. No notebook is executed."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WORKSHOP = REPO / "workshop"
GUIDE = WORKSHOP / "README.md"


def _load_make_answers():
    """workshop/make_answers.py as a module (workshop/ is a folder of files, not a package)."""
    spec = importlib.util.spec_from_file_location("make_answers", WORKSHOP / "make_answers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


make_answers = _load_make_answers()
NOTEBOOKS = make_answers.lesson_notebooks()
NAMES = [path.stem for path in NOTEBOOKS]
AGENDAS = ("Half-day agenda", "Full-day agenda", "Half-day for novices")
LEFT_FOR_LATER = {"Half-day for novices": {"05_evaluating_gans", "08_creative_session"}}  # read at home
AFTER_THE_DAY = {"09_after_2014"}  # in no agenda: for after the workshop, or a follow-up session
SLOT = re.compile(r"^(\d{1,2}):(\d{2})\s*[–-]\s*(\d{1,2}):(\d{2})$")
NOTEBOOK_LINK = re.compile(r"\]\(\.\./notebooks/(0\d_\w+)\.ipynb\)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def agenda_rows(title: str) -> list[tuple[int, int, list[str]]]:
    """The rows of the agenda table under the heading `### {title}`: (start, end, notebooks),
    with the times in minutes since midnight and the notebooks linked in the row."""
    text = GUIDE.read_text(encoding="utf-8")
    heading = re.search(rf"^### {re.escape(title)}\b.*$", text, re.MULTILINE)
    assert heading, f"workshop/README.md has no heading '### {title}'"
    rows = []
    for line in text[heading.end():].splitlines():
        if not line.strip() and rows:
            break  # the blank line after the table
        if not line.startswith("|"):
            continue
        first = line.strip("|").split("|")[0].strip()
        slot = SLOT.match(first)
        if slot:
            h1, m1, h2, m2 = map(int, slot.groups())
            rows.append((h1 * 60 + m1, h2 * 60 + m2, NOTEBOOK_LINK.findall(line)))
    assert rows, f"no table with time slots (such as 09:00–09:15) under '### {title}'"
    return rows


@pytest.mark.parametrize("language", make_answers.LANGUAGES, ids=lambda language: language.answers.name)
def test_answers_file_is_up_to_date(language):
    committed = language.answers.read_text(encoding="utf-8")
    assert committed == make_answers.render(language), (
        f"workshop/{language.answers.name} differs from what the notebooks' exercises give: run make answers"
    )


def test_the_chinese_answers_have_the_english_solutions_and_checks():
    english = [make_answers.read_notebook(path) for path in NOTEBOOKS]
    chinese = [make_answers.read_notebook(path, make_answers.CHINESE)
               for path in make_answers.lesson_notebooks(make_answers.CHINESE.notebooks)]
    assert [n.path.name for n in chinese] == [n.path.name for n in english]
    for ours, theirs in zip(chinese, english):
        assert [(e.number, e.solution, e.check_call, e.given) for e in ours.exercises] == [
            (e.number, e.solution, e.check_call, e.given) for e in theirs.exercises], ours.path.name
        assert make_answers.stated_run_time(ours.path, make_answers.CHINESE) == make_answers.stated_run_time(theirs.path)


def test_every_exercise_has_a_check_and_a_solution():
    for path in NOTEBOOKS:
        notebook = make_answers.read_notebook(path)  # raises if an exercise lacks either
        assert 2 <= len(notebook.exercises) <= 3, path.name
        for exercise in notebook.exercises:
            assert exercise.check_name.startswith(f"check_{path.stem[:2]}_"), (path.name, exercise.number)


def test_the_lesson_notebooks_are_the_expected_ones():
    assert [name[:2] for name in NAMES] == [f"{i:02d}" for i in range(10)]


@pytest.mark.parametrize("title", AGENDAS)
def test_agenda_slots_follow_each_other(title):
    rows = agenda_rows(title)
    for (start, end, _), (next_start, _, _) in zip(rows, rows[1:]):
        assert start < end, f"{title}: a slot ends before it starts"
        assert end == next_start, f"{title}: a gap or an overlap after {end // 60:02d}:{end % 60:02d}"
    length = (rows[-1][1] - rows[0][0]) / 60
    expected = 3.5 if title.startswith("Half") else 6.5
    assert abs(length - expected) <= 0.5, f"{title} lasts {length:.2f} h, about {expected} h expected"


@pytest.mark.parametrize("title", AGENDAS)
def test_agenda_gives_every_notebook_its_stated_run_time(title):
    minutes: dict[str, int] = {}
    for start, end, linked in agenda_rows(title):
        assert len(set(linked)) <= 1, f"{title}: one notebook per slot, found {sorted(set(linked))}"
        for name in set(linked):
            minutes[name] = minutes.get(name, 0) + end - start
    missing = {name for name in NAMES if name not in minutes}
    assert missing == LEFT_FOR_LATER.get(title, set()) | AFTER_THE_DAY, f"{title} has no slot for {sorted(missing)}"
    for path in NOTEBOOKS:
        if path.stem in missing:
            continue
        stated = make_answers.stated_run_time(path)
        assert minutes[path.stem] >= stated, (
            f"{title}: {path.stem} has a {minutes[path.stem]}-minute slot but states about {stated} minutes of run time"
        )


@pytest.mark.parametrize("page", ["README.md", "answers.md", "README.zh-CN.md", "answers.zh-CN.md"])
def test_links_to_repository_files_exist(page):
    text = (WORKSHOP / page).read_text(encoding="utf-8")
    targets = [target for target in LINK.findall(text) if not re.match(r"[a-z][a-z+.-]*:|#", target)]
    assert targets, f"no links to files in workshop/{page}"
    for target in targets:
        path = (WORKSHOP / target.split("#")[0]).resolve()
        assert path.is_relative_to(REPO), f"workshop/{page} links outside the repository: {target}"
        assert path.exists(), f"workshop/{page} links to {target}, which does not exist"


@pytest.mark.parametrize("page", ["README.md", "answers.md", "README.zh-CN.md", "answers.zh-CN.md"])
def test_links_within_the_page_lead_to_a_heading(page):
    text = (WORKSHOP / page).read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # a "#" in code is no heading
    anchors = {make_answers.github_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}
    for target in LINK.findall(text):
        if target.startswith("#"):
            assert target[1:] in anchors, f"workshop/{page} links to {target}, a heading it does not have"


def test_main_readme_links_to_the_facilitator_guide():
    assert "](workshop/README.md)" in (REPO / "README.md").read_text(encoding="utf-8")
