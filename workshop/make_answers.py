"""Write workshop/answers.md: every exercise of the workbook with its solution, in one place.

The answer sheet is made from the notebooks themselves, so it always says what the
notebooks' hidden solutions say. Each notebook ends with two or three exercises, written
the same way:

1. a markdown cell with the prompt, starting at "**Exercise N.**" (or "**Exercise N
   (wrap-up).**");
2. code cells: sometimes one that prepares something (it is given, not part of the
   answer), then the cell that calls a `ganlib.exercises.check_...` helper on the answer;
3. a markdown cell holding the solution, hidden in an HTML `<details>` block whose
   summary is "Show a solution", as one fenced `python` code block.

This script finds those pieces in order and writes them out. It stops with a message
naming the notebook if an exercise lacks its check or its solution, so a notebook that
breaks the pattern cannot silently drop out of the answer sheet.

    .venv/bin/python workshop/make_answers.py           write workshop/answers.md
    .venv/bin/python workshop/make_answers.py --check   only say whether it is up to date

(`make answers` runs the first.)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
ANSWERS = REPO / "workshop" / "answers.md"

EXERCISE = re.compile(r"^\*\*Exercise (\d+)(?: \(([^)]*)\))?\.\*\*\s*", re.MULTILINE)
"""The start of an exercise prompt: "**Exercise 2.**" or "**Exercise 3 (wrap-up).**"."""
SOLUTION = re.compile(r"<details>\s*<summary>Show a solution</summary>\s*```python\n(.*?)\n```\s*</details>", re.DOTALL)
"""A hidden solution: one python code block inside a collapsed <details> block."""
CHECK = re.compile(r"ganlib\.exercises\.(check_\w+)\(")
"""The call of an exercise's check helper, in the cell that checks the answer."""
RUN_TIME = re.compile(r"\*\*Run time:\*\* about (\d+) minute")
"""A notebook's stated run time on a 2-core laptop (the pattern tests/test_notebooks.py checks)."""


class NotebookPatternError(Exception):
    """A notebook's exercises do not follow the prompt / check / hidden-solution pattern."""


@dataclass
class Exercise:
    """One exercise: its prompt, any code the notebook gives, its check and its solution."""

    number: int
    label: str  # "" or the words in brackets after the number, such as "wrap-up"
    prompt: str
    check_name: str = ""
    check_call: str = ""
    given: list[str] = field(default_factory=list)
    solution: str = ""


@dataclass
class Notebook:
    """A lesson notebook: its file, its title and its exercises."""

    path: Path
    title: str
    exercises: list[Exercise]


def cell_source(cell: dict) -> str:
    """A cell's text (notebook files store it as a string or as a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def read_cells(path: Path) -> list[dict]:
    """The cells of the notebook at `path`, read as plain JSON (no Jupyter packages needed)."""
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def lesson_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The workbook's lesson notebooks, in order."""
    return sorted(folder.glob("0*.ipynb"))


def stated_run_time(path: Path) -> int:
    """The run time, in minutes, that a notebook states near its top ("**Run time:** about N minutes")."""
    markdown = "\n".join(cell_source(c) for c in read_cells(path) if c["cell_type"] == "markdown")
    found = RUN_TIME.search(markdown)
    if not found:
        raise NotebookPatternError(f"{path.name} states no run time ('**Run time:** about N minutes').")
    return int(found.group(1))


def read_notebook(path: Path) -> Notebook:
    """Find every exercise of the notebook at `path`, with its check and its hidden solution."""
    cells = read_cells(path)
    title = cell_source(cells[0]).splitlines()[0].lstrip("# ").strip()
    exercises: list[Exercise] = []
    current: Exercise | None = None
    for cell in cells:
        source = cell_source(cell)
        if cell["cell_type"] == "markdown" and (start := EXERCISE.search(source)):
            if len(EXERCISE.findall(source)) > 1:
                raise NotebookPatternError(f"{path.name}: one markdown cell holds several exercise prompts.")
            _finish(current, path)
            current = Exercise(int(start.group(1)), start.group(2) or "", source[start.end():].strip())
            exercises.append(current)
        elif current is None:
            continue
        elif cell["cell_type"] == "code":
            if current.check_name:
                continue  # code after the check (there is none today) is not part of the exercise
            check = CHECK.search(source)
            if check:
                current.check_name = check.group(1)
                current.check_call = source.strip()
            else:
                current.given.append(source.strip())
        elif solution := SOLUTION.search(source):
            if not current.check_name:
                raise NotebookPatternError(f"{path.name}, exercise {current.number}: a solution comes before any check.")
            current.solution = solution.group(1).strip("\n")
            _finish(current, path)
            current = None
    _finish(current, path)
    if not exercises:
        raise NotebookPatternError(f"{path.name} has no exercises ('**Exercise 1.**' in a markdown cell).")
    numbers = [exercise.number for exercise in exercises]
    if numbers != list(range(1, len(numbers) + 1)):
        raise NotebookPatternError(f"{path.name}: exercises are numbered {numbers}, not 1, 2, 3, ...")
    return Notebook(path, title, exercises)


def _finish(exercise: Exercise | None, path: Path) -> None:
    """Complain if an exercise ended without a check or a hidden solution."""
    if exercise is None:
        return
    missing = [what for what, have in (("a check cell", exercise.check_name), ("a hidden solution", exercise.solution)) if not have]
    if missing:
        raise NotebookPatternError(f"{path.name}, exercise {exercise.number}: no {' and no '.join(missing)} found.")


def code_block(code: str) -> str:
    """`code` as a fenced python block."""
    return f"```python\n{code}\n```"


def quoted(text: str) -> str:
    """Markdown text as a block quote, keeping its paragraphs."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def render_notebook(notebook: Notebook) -> str:
    """One notebook's section of the answer sheet."""
    link = f"../notebooks/{notebook.path.name}"
    parts = [f"## {notebook.title}", f"Notebook: [`{notebook.path.name}`]({link})"]
    for exercise in notebook.exercises:
        label = f" ({exercise.label})" if exercise.label else ""
        parts.append(f"### Exercise {exercise.number}{label}")
        parts.append(quoted(exercise.prompt))
        for given in exercise.given:
            parts.append("Given in the notebook, run before the answer:\n\n" + code_block(given))
        parts.append("**Solution:**\n\n" + code_block(exercise.solution))
        parts.append(
            f"**Checked by** `ganlib.exercises.{exercise.check_name}` "
            f"([ganlib/workbook/exercises/](../ganlib/workbook/exercises/)), in the notebook's answer cell:\n\n" + code_block(exercise.check_call)
        )
    return "\n\n".join(parts)


def render(folder: Path = NOTEBOOKS) -> str:
    """The whole answer sheet, as the text of answers.md."""
    notebooks = [read_notebook(path) for path in lesson_notebooks(folder)]
    count = sum(len(notebook.exercises) for notebook in notebooks)
    contents = "\n".join(
        f"- [{notebook.title}](#{github_anchor(notebook.title)}): {len(notebook.exercises)} exercises"
        for notebook in notebooks
    )
    header = f"""# Answers to every exercise

For facilitators: the {count} exercises of the workbook, each with its prompt, the
solution that the notebook hides under *Show a solution*, and the check that marks it.
Several exercises have more than one right answer (the checks accept them); the one
here is the notebook's own.

This file is made from the notebooks by `workshop/make_answers.py`: do not edit it by
hand. After changing a notebook's exercises, run `make answers`.

Back to the [facilitator guide](README.md).

{contents}"""
    return "\n\n".join([header, *(render_notebook(notebook) for notebook in notebooks)]) + "\n"


def github_anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    kept = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write workshop/answers.md from the notebooks' exercises.")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if answers.md is out of date")
    args = parser.parse_args(argv)
    try:
        text = render()
    except NotebookPatternError as error:
        print(f"make_answers: {error}", file=sys.stderr)
        return 1
    if args.check:
        current = ANSWERS.read_text(encoding="utf-8") if ANSWERS.exists() else ""
        if current != text:
            print(f"{ANSWERS.relative_to(REPO)} is out of date: run `make answers`.", file=sys.stderr)
            return 1
        print(f"{ANSWERS.relative_to(REPO)} is up to date.")
        return 0
    ANSWERS.write_text(text, encoding="utf-8")
    print(f"wrote {ANSWERS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
