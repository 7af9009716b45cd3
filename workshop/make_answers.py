"""Write workshop/answers.md: every exercise of the workbook with its solution, in one place,
and workshop/answers.zh-CN.md, the same from the Chinese notebooks.

The answer sheet is made from the notebooks themselves, so it always says what the
notebooks' hidden solutions say. Each notebook ends with two or three exercises, written
the same way:

1. a markdown cell with the prompt, starting at "**Exercise N.**" (or "**Exercise N
   (wrap-up).**");
2. code cells: sometimes one that prepares something (it is given, not part of the
   answer), then the cell that calls a `ganlib.exercises.check_...` helper on the answer;
3. a markdown cell holding the solution, hidden in an HTML `<details>` block whose
   summary is "Show a solution", as one fenced `python` code block.

The Chinese notebooks write the same pieces in Chinese ("**练习 N：**", "查看参考答案"); a
`Language` holds each edition's patterns and the words of its answer sheet.

This script finds those pieces in order and writes them out. It stops with a message
naming the notebook if an exercise lacks its check or its solution, so a notebook that
breaks the pattern cannot silently drop out of the answer sheet.

    .venv/bin/python workshop/make_answers.py           write workshop/answers.md and answers.zh-CN.md
    .venv/bin/python workshop/make_answers.py --check   only say whether they are up to date

(`make answers` runs the first.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
ANSWERS = REPO / "workshop" / "answers.md"

CHECK = re.compile(r"ganlib\.exercises\.(check_\w+)\(")
"""The call of an exercise's check helper, in the cell that checks the answer."""


@dataclass(frozen=True)
class Language:
    """How one edition of the notebooks writes the pieces this script looks for, and the words
    of its answer sheet. The Chinese notebooks (notebooks/zh-CN/) have the same code cells as
    the English ones; only their markdown differs."""

    notebooks: Path
    answers: Path
    exercise: re.Pattern
    """The start of an exercise prompt: "**Exercise 2.**" or "**Exercise 3 (wrap-up).**"."""
    solution: re.Pattern
    """A hidden solution: one python code block inside a collapsed <details> block."""
    run_time: re.Pattern
    """A notebook's stated run time on a 2-core laptop (the pattern tests/test_notebooks.py checks)."""
    words: dict[str, str]


ENGLISH = Language(
    notebooks=NOTEBOOKS,
    answers=ANSWERS,
    exercise=re.compile(r"^\*\*Exercise (\d+)(?: \(([^)]*)\))?\.\*\*\s*", re.MULTILINE),
    solution=re.compile(r"<details>\s*<summary>Show a solution</summary>\s*```python\n(.*?)\n```\s*</details>", re.DOTALL),
    run_time=re.compile(r"\*\*Run time:\*\* about (\d+) minute"),
    words={
        "title": "Answers to every exercise",
        "intro": (
            "For facilitators: the {count} exercises of the workbook, each with its prompt, the\n"
            "solution that the notebook hides under *Show a solution*, and the check that marks it.\n"
            "Several exercises have more than one right answer (the checks accept them); the one\n"
            "here is the notebook's own.\n\n"
            "This file is made from the notebooks by `workshop/make_answers.py`: do not edit it by\n"
            "hand. After changing a notebook's exercises, run `make answers`.\n\n"
            "Back to the [facilitator guide](README.md)."
        ),
        "contents_line": ": {count} exercises",
        "notebook": "Notebook: ",
        "exercise": "Exercise {number}",
        "label": " ({label})",
        "given": "Given in the notebook, run before the answer:",
        "solution": "**Solution:**",
        "checked_by": "**Checked by** `ganlib.exercises.{check}` ({folder}), in the notebook's answer cell:",
    },
)

CHINESE = Language(
    notebooks=NOTEBOOKS / "zh-CN",
    answers=REPO / "workshop" / "answers.zh-CN.md",
    exercise=re.compile(r"^\*\*练习 (\d+)(?:（([^）]*)）)?：\*\*\s*", re.MULTILINE),
    solution=re.compile(r"<details>\s*<summary>查看参考答案</summary>\s*```python\n(.*?)\n```\s*</details>", re.DOTALL),
    run_time=re.compile(r"\*\*运行时间：\*\* ?在 2 核笔记本电脑 CPU 上约 (\d+) 分钟"),
    words={
        "title": "全部练习的参考答案",
        "intro": (
            "写给主持人：本教程的全部 {count} 道练习，每道都附有题目、笔记本中藏在“查看参考答案”里的\n"
            "参考答案，以及批改它的检查函数。有几道练习不止一种正确答案（检查函数都会接受），这里给出的\n"
            "是笔记本自带的那一种。\n\n"
            "本文件由 `workshop/make_answers.py` 从中文笔记本生成，请不要手工修改。修改练习后，运行\n"
            "`make translations`（它会重建中文笔记本）和 `make answers`。\n\n"
            "返回[主持人指南](README.zh-CN.md)。English: [answers.md](answers.md)。"
        ),
        "contents_line": "：{count} 道练习",
        "notebook": "笔记本：",
        "exercise": "练习 {number}",
        "label": "（{label}）",
        "given": "笔记本中已给出、需在作答前运行的代码：",
        "solution": "**参考答案：**",
        "checked_by": "**检查函数：** `ganlib.exercises.{check}`（{folder}），在笔记本的作答单元格中调用：",
    },
)
LANGUAGES = (ENGLISH, CHINESE)


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


def stated_run_time(path: Path, language: Language = ENGLISH) -> int:
    """The run time, in minutes, that a notebook states near its top ("**Run time:** about N minutes")."""
    markdown = "\n".join(cell_source(c) for c in read_cells(path) if c["cell_type"] == "markdown")
    found = language.run_time.search(markdown)
    if not found:
        raise NotebookPatternError(f"{path.name} states no run time ('**Run time:** about N minutes').")
    return int(found.group(1))


def read_notebook(path: Path, language: Language = ENGLISH) -> Notebook:
    """Find every exercise of the notebook at `path`, with its check and its hidden solution."""
    cells = read_cells(path)
    title = cell_source(cells[0]).splitlines()[0].lstrip("# ").strip()
    exercises: list[Exercise] = []
    current: Exercise | None = None
    for cell in cells:
        source = cell_source(cell)
        if cell["cell_type"] == "markdown" and (start := language.exercise.search(source)):
            if len(language.exercise.findall(source)) > 1:
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
        elif solution := language.solution.search(source):
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


def render_notebook(notebook: Notebook, language: Language = ENGLISH) -> str:
    """One notebook's section of the answer sheet."""
    words = language.words
    link = Path(os.path.relpath(notebook.path, language.answers.parent)).as_posix()
    folder = "[ganlib/workbook/exercises/](../ganlib/workbook/exercises/)"
    parts = [f"## {notebook.title}", f"{words['notebook']}[`{notebook.path.name}`]({link})"]
    for exercise in notebook.exercises:
        label = words["label"].format(label=exercise.label) if exercise.label else ""
        parts.append("### " + words["exercise"].format(number=exercise.number) + label)
        parts.append(quoted(exercise.prompt))
        for given in exercise.given:
            parts.append(words["given"] + "\n\n" + code_block(given))
        parts.append(words["solution"] + "\n\n" + code_block(exercise.solution))
        parts.append(words["checked_by"].format(check=exercise.check_name, folder=folder) + "\n\n"
                     + code_block(exercise.check_call))
    return "\n\n".join(parts)


def render(language: Language = ENGLISH) -> str:
    """The whole answer sheet of one edition, as the text of its answers file."""
    notebooks = [read_notebook(path, language) for path in lesson_notebooks(language.notebooks)]
    words = language.words
    count = sum(len(notebook.exercises) for notebook in notebooks)
    contents = "\n".join(
        f"- [{notebook.title}](#{github_anchor(notebook.title)})"
        + words["contents_line"].format(count=len(notebook.exercises))
        for notebook in notebooks
    )
    header = f"# {words['title']}\n\n{words['intro'].format(count=count)}\n\n{contents}"
    return "\n\n".join([header, *(render_notebook(notebook, language) for notebook in notebooks)]) + "\n"


def github_anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    kept = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the answer sheets from the notebooks' exercises.")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if an answer sheet is out of date")
    args = parser.parse_args(argv)
    out_of_date = []
    for language in LANGUAGES:
        name = language.answers.relative_to(REPO)
        try:
            text = render(language)
        except NotebookPatternError as error:
            print(f"make_answers: {error}", file=sys.stderr)
            return 1
        current = language.answers.read_text(encoding="utf-8") if language.answers.exists() else ""
        if args.check:
            print(f"{name} is up to date." if current == text else f"{name} is out of date: run `make answers`.")
            out_of_date += [name] if current != text else []
        else:
            language.answers.write_text(text, encoding="utf-8")
            print(f"wrote {name}")
    return 1 if out_of_date else 0


if __name__ == "__main__":
    sys.exit(main())
