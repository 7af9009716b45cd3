"""The Chinese edition (zh-CN), built from the English one so that the two cannot drift.

The English notebooks are the source of truth for code and outputs. Their prose is
translated in one file per notebook, `translations/zh-CN/<notebook>.md`, made of blocks:

    <!-- cell a601f105 | en 3fa9c2d1b0e4 -->
    ## 关键术语
    ...

one per markdown cell, keyed by the cell's id, each carrying the fingerprint of the English
text it translates (the first 12 hex digits of its SHA-256). The Chinese notebook,
`notebooks/zh-CN/<notebook>.ipynb`, is the English notebook with each markdown cell's text
replaced by its translation: code and outputs are copied, never executed again.

The English README and facilitator guide are translated as whole documents
(`README.zh-CN.md`, `workshop/README.zh-CN.md`) in sections: each `## ` section of the English
starts, in the Chinese, with a line `<!-- section <slug> | en <fingerprint> -->`.

When the English changes, the fingerprints no longer match and `--check` says which cell or
section, and what changed in the English since it was translated (read from git's history).

    .venv/bin/python tools/translations.py              build notebooks/zh-CN/ and translations/GLOSSARY.md,
                                                        then report as --check (`make translations`)
    .venv/bin/python tools/translations.py --check      only report; exit 1 if anything is missing,
                                                        stale or not built
    .venv/bin/python tools/translations.py --todo NAME  append to NAME's translation a block, holding
                                                        the English, for every cell or section still
                                                        to translate (NAME: 03_mnist_gan, README.md)
"""

from __future__ import annotations

import argparse
import ast
import csv
import difflib
import hashlib
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LANGUAGE = "zh-CN"
TRANSLATIONS = ROOT / "translations" / LANGUAGE
BUILT = NOTEBOOKS / LANGUAGE
DOCUMENTS = {ROOT / "README.md": ROOT / "README.zh-CN.md",
             ROOT / "workshop" / "README.md": ROOT / "workshop" / "README.zh-CN.md"}
"""Each English document and its Chinese translation."""

CELL_HEADER = re.compile(r"^<!-- cell (\S+) \| en ([0-9a-f]{12}) -->$", re.MULTILINE)
SECTION_HEADER = re.compile(r"^<!-- section (\S+) \| en ([0-9a-f]{12}) -->$", re.MULTILINE)
CJK = re.compile(r"[\u4e00-\u9fff]")
FILE_INTRO = (
    "<!-- The Simplified Chinese text of notebooks/{name}.ipynb, one block per markdown cell.\n"
    "     A block starts with the cell's id and the fingerprint of the English it translates;\n"
    "     `make translations` builds notebooks/zh-CN/{name}.ipynb from the two. -->\n"
)


# --- the translation files -----------------------------------------------------------------


def fingerprint(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of `text`: changes whenever the text does."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Block:
    """One translated piece: the key of what it translates, the English fingerprint, the Chinese."""

    key: str
    english_fingerprint: str
    text: str


def read_blocks(text: str, header: re.Pattern) -> dict[str, Block]:
    """The blocks of a translation, in order, by key. Text before the first header is skipped."""
    matches = list(header.finditer(text))
    blocks: dict[str, Block] = {}
    for match, following in zip(matches, [*matches[1:], None]):
        body = text[match.end():following.start() if following else len(text)]
        key = match.group(1)
        if key in blocks:
            raise ValueError(f"{key} is translated twice")
        blocks[key] = Block(key, match.group(2), body.strip("\n"))
    return blocks


def translation_file(name: str) -> Path:
    return TRANSLATIONS / f"{name}.md"


def english_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("0*.ipynb"))


def markdown_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "markdown"]


def slug(heading: str) -> str:
    """`## Before the day` -> `before-the-day`: a section's key."""
    return "-".join(re.findall(r"[a-z0-9]+", heading.lower()))


def document_sections(text: str) -> list[tuple[str, str]]:
    """A markdown document cut before each `## ` heading outside code fences, as (key, text)
    pairs; the part before the first such heading has the key `top`."""
    sections: list[tuple[str, list[str]]] = [("top", [])]
    in_fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if line.startswith("## ") and not in_fence:
            sections.append((slug(line), []))
        sections[-1][1].append(line)
    keys = [key for key, _ in sections]
    if len(set(keys)) != len(keys):
        raise ValueError(f"two sections share a key: {keys}")
    return [(key, "\n".join(lines).strip("\n")) for key, lines in sections]


# --- starting a translation ---------------------------------------------------------------


def todo(name: str) -> int:
    """Append a block holding the English for every markdown cell of notebook `name` that has
    no translation yet; returns how many. The translator replaces each English text."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    path = translation_file(name)
    existing = path.read_text(encoding="utf-8") if path.exists() else FILE_INTRO.format(name=name)
    done = read_blocks(existing, CELL_HEADER)
    missing = [cell for cell in markdown_cells(notebook) if cell.id not in done]
    additions = "".join(f"\n<!-- cell {cell.id} | en {fingerprint(cell.source)} -->\n{cell.source}\n"
                        for cell in missing)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(existing + additions, encoding="utf-8")
    return len(missing)


def todo_document(english: Path) -> int:
    """Like `todo`, for a document: a section block holding the English for each section
    that the Chinese document lacks, appended to it."""
    chinese = DOCUMENTS[english]
    existing = chinese.read_text(encoding="utf-8") if chinese.exists() else ""
    done = read_blocks(existing, SECTION_HEADER)
    missing = [(key, text) for key, text in document_sections(english.read_text(encoding="utf-8"))
               if key not in done]
    additions = "".join(f"\n<!-- section {key} | en {fingerprint(text)} -->\n{text}\n" for key, text in missing)
    chinese.write_text((existing + additions).lstrip("\n"), encoding="utf-8")
    return len(missing)


# --- building the Chinese notebooks --------------------------------------------------------


def source_banner(name: str) -> str:
    """The line the build adds to the first cell of each Chinese notebook."""
    return (f"\n\n> 英文原版：[{name}.ipynb](../{name}.ipynb)。本笔记本的代码和输出与英文版完全相同，"
            f"由 `make translations` 根据英文版和 `translations/zh-CN/{name}.md` 生成。")


def build_notebook(english: Path) -> str:
    """The Chinese notebook built from `english` and its translation file, as file text.
    Cells without a usable translation keep their English text (`check` reports them)."""
    notebook = nbformat.read(english, as_version=4)
    path = translation_file(english.stem)
    blocks = read_blocks(path.read_text(encoding="utf-8"), CELL_HEADER) if path.exists() else {}
    for cell in markdown_cells(notebook):
        if cell.id in blocks:
            cell.source = blocks[cell.id].text
    first = markdown_cells(notebook)[0]
    first.source += source_banner(english.stem)
    return nbformat.writes(notebook) + "\n"


def build() -> list[Path]:
    """Write every Chinese notebook, and GLOSSARY.md, that differs from its build; returns
    those written."""
    BUILT.mkdir(exist_ok=True)
    written = []
    text = render_glossary(glossary())
    if not GLOSSARY_MD.exists() or GLOSSARY_MD.read_text(encoding="utf-8") != text:
        GLOSSARY_MD.write_text(text, encoding="utf-8")
        written.append(GLOSSARY_MD)
    for english in english_notebooks():
        target = BUILT / english.name
        text = build_notebook(english)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


# --- the glossary ---------------------------------------------------------------------------

GLOSSARY_CSV = ROOT / "translations" / "glossary.csv"
GLOSSARY_MD = ROOT / "translations" / "GLOSSARY.md"


@dataclass(frozen=True)
class Term:
    """One glossary entry: the English term, the Chinese the workbook uses for it (where two
    forms serve, such as 轮次 and the counting word 轮, both, separated by 、), its pinyin
    (for sorting and for facilitators who do not read Chinese), whether the English word
    always means this term in the workbook's prose (then every translation of a text using
    it must use this Chinese; `check` enforces it), and an optional note."""

    english: str
    chinese: str
    pinyin: str
    always: bool
    note: str


def glossary() -> list[Term]:
    """The glossary's terms, as glossary.csv lists them."""
    with GLOSSARY_CSV.open(encoding="utf-8", newline="") as file:
        return [Term(row["english"], row["chinese"], row["pinyin"], row["always"] == "yes", row["note"])
                for row in csv.DictReader(file)]


def toneless(pinyin: str) -> str:
    """`shēng chéng qì` -> `sheng cheng qi`: pinyin sorts as letters, tones after."""
    return "".join(ch for ch in unicodedata.normalize("NFD", pinyin.casefold()) if not unicodedata.combining(ch))


def render_glossary(terms: list[Term]) -> str:
    """GLOSSARY.md: the terms English → 中文 (A to Z) and 中文 → English (by pinyin)."""
    def row(first: str, second: str, term: Term) -> str:
        return f"| {first} | {second} | {term.pinyin} | {term.note} |"
    by_english = sorted(terms, key=lambda term: term.english.casefold())
    by_pinyin = sorted(terms, key=lambda term: (toneless(term.pinyin), term.chinese))
    return "\n".join([
        "# Glossary · 术语表",
        "",
        f"The {len(terms)} terms of the workbook and the Chinese that its Chinese edition uses for each,",
        "in both directions. 本工作簿的全部术语及中文版采用的译名，可双向查找。",
        "",
        "Made from `glossary.csv` by `make translations`: edit that file, not this one.",
        "本文件由 `make translations` 根据 `glossary.csv` 生成，请修改 `glossary.csv`。",
        "",
        "## English → 中文",
        "",
        "| English | 中文 | pinyin | note |",
        "|---|---|---|---|",
        *(row(term.english, term.chinese, term) for term in by_english),
        "",
        "## 中文 → English",
        "",
        "| 中文 | English | pinyin | note |",
        "|---|---|---|---|",
        *(row(term.chinese, term.english, term) for term in by_pinyin),
        "",
    ])


# --- English in the outputs -----------------------------------------------------------------
# Figures and printed messages stay English in both editions; a Chinese reader looks their
# terms up in the glossary. Every word that the outputs show must therefore be part of a
# glossary term, or an everyday word or a name that needs no entry (plain_words.txt).

PLAIN_WORDS = ROOT / "translations" / "plain_words.txt"
OUTPUT_WORD = re.compile(r"(?<![\w/.\\-])[A-Za-z][A-Za-z'-]*[A-Za-z](?![\w/.(-])")
LABEL_CALLS = {"set_title", "set_xlabel", "set_ylabel", "suptitle", "text", "annotate"}
LABEL_KEYWORDS = {"label", "title", "description", "xlabel", "ylabel", "tooltip"}


def _words(text: str) -> set[str]:
    words = set()
    for word in OUTPUT_WORD.findall(text):
        word = word.lower().strip("'-")
        words.add(word.removesuffix("'s"))
    return words


def _label_strings(tree: ast.AST) -> list[str]:
    """The string constants passed to matplotlib's and ipywidgets' label arguments."""
    strings = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        values = list(node.args) if name in LABEL_CALLS else []
        values += [keyword.value for keyword in node.keywords if keyword.arg in LABEL_KEYWORDS]
        strings += [constant.value for value in values for constant in ast.walk(value)
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str)]
    return strings


def output_words() -> dict[str, str]:
    """Every word of the English outputs, with one place it comes from: the printed text and
    tables of the committed English notebooks, and the labels ganlib draws."""
    found: dict[str, str] = {}
    for english in english_notebooks():
        for cell in nbformat.read(english, as_version=4).cells:
            for output in cell.get("outputs", []):
                text = output.get("text", "") if output.output_type == "stream" else \
                    output.get("data", {}).get("text/plain", "")
                for word in _words(text):
                    found.setdefault(word, f"{english.name}, cell {cell.id}")
    for path in sorted((ROOT / "ganlib").rglob("*.py")):
        for text in _label_strings(ast.parse(path.read_text(encoding="utf-8"))):
            for word in _words(text):
                found.setdefault(word, str(path.relative_to(ROOT)))
    return found


def glossary_words(terms: list[Term]) -> set[str]:
    """The English words of the glossary's terms, and the words of plain_words.txt."""
    words = {word for term in terms for word in _words(term.english)}
    plain = PLAIN_WORDS.read_text(encoding="utf-8").splitlines() if PLAIN_WORDS.exists() else []
    return words | {line.strip().lower() for line in plain if line.strip() and not line.startswith("#")}


def unexplained_output_words(terms: list[Term]) -> dict[str, str]:
    """The words of the outputs that neither the glossary nor plain_words.txt covers (a
    plural counts as its singular), with where each comes from."""
    known = glossary_words(terms)
    def covered(word: str) -> bool:
        return any(form in known for form in (word, word.removesuffix("s"), word.removesuffix("es"),
                                              word.removesuffix("ies") + "y"))
    return {word: where for word, where in sorted(output_words().items()) if not covered(word)}


# --- checking ---------------------------------------------------------------------------------

FENCE = re.compile(r"^```[^\n]*\n.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`]+`")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)
LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


def kept_pieces(english: str) -> list[str]:
    """What a translation must keep exactly: code blocks, inline code, maths, numbers."""
    prose = FENCE.sub(" ", english)
    pieces = FENCE.findall(english) + INLINE_CODE.findall(prose)
    prose = INLINE_CODE.sub(" ", prose)
    pieces += MATH.findall(prose)
    pieces += NUMBER.findall(MATH.sub(" ", prose))
    return list(dict.fromkeys(pieces))


def lost_pieces(english: str, chinese: str, *, comments_may_change: bool = False) -> list[str]:
    """The pieces of `english` that `chinese` does not keep. Numbers are compared as whole
    numbers (10 is not kept by 100). In documents, comments in shell blocks may be translated."""
    chinese_numbers = set(NUMBER.findall(chinese))
    lost = []
    for piece in kept_pieces(english):
        if NUMBER.fullmatch(piece):
            kept = piece in chinese_numbers
        elif comments_may_change and piece.startswith("```"):
            kept = not piece.startswith(("```bash", "```python")) or _without_comments(piece) in {
                _without_comments(block) for block in FENCE.findall(chinese)}
        else:
            kept = piece in chinese
        if not kept:
            lost.append(piece)
    return lost


def _without_comments(block: str) -> str:
    return "\n".join(re.sub(r"(^|\s+)#.*$", "", line).rstrip() for line in block.splitlines())


def first_words(text: str, length: int = 60) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= length else line[:length - 1] + "…"


TextFinder = Callable[[str], "str | None"]
"""Given the text of one version of a file, the English of one cell or section in it (or None)."""


def english_when_translated(path: Path, find: TextFinder, recorded: str, max_commits: int = 200) -> str | None:
    """The English text whose fingerprint is `recorded`, searched in git's history of `path`
    (newest first); `find(file_text)` gives the candidate text of one version. None if no
    version of the history has it (or git is not there)."""
    try:
        commits = subprocess.run(["git", "log", f"-{max_commits}", "--format=%H", "--", path.relative_to(ROOT)],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    for commit in commits:
        shown = subprocess.run(["git", "show", f"{commit}:{path.relative_to(ROOT).as_posix()}"],
                               cwd=ROOT, capture_output=True, text=True)
        if shown.returncode == 0:
            candidate = find(shown.stdout)
            if candidate is not None and fingerprint(candidate) == recorded:
                return candidate
    return None


def what_changed(before: str | None, now: str) -> str:
    """A diff of the English since it was translated, or the English now if that is unknown."""
    if before is None:
        return "  (the English it was made from is not in this clone's history; the English now:)\n" + \
            "\n".join(f"    {line}" for line in now.splitlines())
    diff = difflib.unified_diff(before.splitlines(), now.splitlines(), "English when translated", "English now",
                                lineterm="", n=1)
    return "\n".join(f"    {line}" for line in diff)


def _cell_text(cell_id: str) -> TextFinder:
    def find(file_text: str) -> str | None:
        try:
            cells = json.loads(file_text)["cells"]
        except (ValueError, KeyError):
            return None
        found = [cell for cell in cells if cell.get("id") == cell_id]
        if not found:
            return None
        source = found[0].get("source", "")
        return source if isinstance(source, str) else "".join(source)
    return find


def _section_text(key: str) -> TextFinder:
    def find(file_text: str) -> str | None:
        return dict(document_sections(file_text)).get(key)
    return find


def _main_part(term: str) -> str:
    """`generator (G)` -> `generator`, `生成器（G）` -> `生成器`: what a text must contain."""
    return re.sub(r"\s*[(（][^)）]*[)）]", "", term).strip()


def inconsistent_terms(english: str, chinese: str, terms: list[Term]) -> list[str]:
    """The glossary terms marked `always` that `english` uses in its prose (code left out)
    while `chinese` lacks their Chinese: the translation strays from the glossary."""
    prose = LINK_TARGET.sub("]", INLINE_CODE.sub(" ", FENCE.sub(" ", english))).lower()
    return [f"{term.english} → {term.chinese}" for term in terms
            if term.always and re.search(rf"\b{re.escape(_main_part(term.english).lower())}(?:s|es)?\b", prose)
            and not any(_main_part(form) in chinese for form in term.chinese.split("、"))]


def check_pieces(where: str, key_text: str, english: str, block: Block, recorded_in: Path,
                 english_path: Path, find: TextFinder, *, comments_may_change: bool = False) -> list[str]:
    """The problems of one translated block: stale, untranslated, or pieces lost."""
    if block.english_fingerprint != fingerprint(english):
        before = english_when_translated(english_path, find, block.english_fingerprint)
        return [f"{where}, {key_text}: stale: translated from an older English text "
                f"(fingerprint {block.english_fingerprint} in {recorded_in.relative_to(ROOT)}, "
                f"{fingerprint(english)} now). Update the Chinese and then the fingerprint. What changed:\n"
                + what_changed(before, english)]
    problems = []
    if not CJK.search(block.text):
        problems.append(f"{where}, {key_text}: not translated (the block holds no Chinese)")
    strays = inconsistent_terms(english, block.text, glossary())
    if strays:
        problems.append(f"{where}, {key_text}: the English uses glossary terms whose Chinese the translation "
                        f"lacks: {'; '.join(strays)}")
    lost = lost_pieces(english, block.text, comments_may_change=comments_may_change)
    if lost:
        problems.append(f"{where}, {key_text}: the Chinese lost what must stay identical: "
                        + "; ".join(repr(piece if len(piece) < 80 else piece[:77] + "...") for piece in lost))
    return problems


def notebook_problems(english: Path) -> list[str]:
    """Everything wrong with one notebook's translation and its build."""
    name = english.stem
    notebook = nbformat.read(english, as_version=4)
    path = translation_file(name)
    if not path.exists():
        return [f"{english.relative_to(ROOT)}: no translation file {path.relative_to(ROOT)} "
                f"(start one with: python tools/translations.py --todo {name})"]
    blocks = read_blocks(path.read_text(encoding="utf-8"), CELL_HEADER)
    problems = []
    cells = markdown_cells(notebook)
    for number, cell in enumerate(cells, start=1):
        key_text = f"cell {cell.id} (markdown cell {number}, '{first_words(cell.source)}')"
        if cell.id not in blocks:
            problems.append(f"{english.relative_to(ROOT)}, {key_text}: no translation in {path.relative_to(ROOT)} "
                            f"(python tools/translations.py --todo {name} adds it, with its fingerprint)")
            continue
        problems += check_pieces(english.relative_to(ROOT).as_posix(), key_text, cell.source, blocks[cell.id],
                                 path, english, _cell_text(cell.id))
    for key in blocks.keys() - {cell.id for cell in cells}:
        problems.append(f"{path.relative_to(ROOT)}: cell {key} is no markdown cell of {english.name} any more; "
                        "delete its block")
    built = BUILT / english.name
    if not built.exists() or built.read_text(encoding="utf-8") != build_notebook(english):
        problems.append(f"{built.relative_to(ROOT)} is not the build of {english.relative_to(ROOT)} and "
                        f"{path.relative_to(ROOT)}: run `make translations`")
    return problems


def document_problems(english: Path, chinese: Path) -> list[str]:
    """Everything wrong with one translated document."""
    if not chinese.exists():
        return [f"{english.relative_to(ROOT)}: no translation {chinese.relative_to(ROOT)}"]
    blocks = read_blocks(chinese.read_text(encoding="utf-8"), SECTION_HEADER)
    sections = document_sections(english.read_text(encoding="utf-8"))
    problems = []
    for key, text in sections:
        key_text = f"section {key} ('{first_words(text)}')"
        if key not in blocks:
            problems.append(f"{english.relative_to(ROOT)}, {key_text}: no translation in {chinese.relative_to(ROOT)} "
                            f"(python tools/translations.py --todo {english.relative_to(ROOT)} adds it)")
            continue
        problems += check_pieces(english.relative_to(ROOT).as_posix(), key_text, text, blocks[key], chinese,
                                 english, _section_text(key), comments_may_change=True)
    for key in blocks.keys() - {key for key, _ in sections}:
        problems.append(f"{chinese.relative_to(ROOT)}: section {key} is in no English section any more; "
                        "delete it or give it the key of the section it translates")
    if [key for key in blocks if key in dict(sections)] != [key for key, _ in sections if key in blocks]:
        problems.append(f"{chinese.relative_to(ROOT)}: the sections are not in the English order")
    return problems


def problems() -> list[str]:
    """Every problem of the Chinese edition: notebooks, documents, the glossary."""
    found = [problem for english in english_notebooks() for problem in notebook_problems(english)]
    found += [problem for english, chinese in DOCUMENTS.items() for problem in document_problems(english, chinese)]
    if not GLOSSARY_MD.exists() or GLOSSARY_MD.read_text(encoding="utf-8") != render_glossary(glossary()):
        found.append(f"{GLOSSARY_MD.relative_to(ROOT)} is not the build of {GLOSSARY_CSV.relative_to(ROOT)}: "
                     "run `make translations`")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--todo", metavar="NAME", help="append the cells still to translate to NAME's file")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything needs doing")
    args = parser.parse_args(argv)
    if args.todo and args.todo.endswith(".md"):
        english = (ROOT / args.todo).resolve()
        print(f"{todo_document(english)} sections to translate appended to {DOCUMENTS[english].relative_to(ROOT)}")
        return 0
    if args.todo:
        print(f"{todo(args.todo)} cells to translate appended to {translation_file(args.todo).relative_to(ROOT)}")
        return 0
    if not args.check:
        for path in build():
            print(f"wrote {path.relative_to(ROOT)}")
    found = problems()
    for problem in found:
        print(problem)
    print(f"{len(found)} problems" if found else "The Chinese edition is complete and in step with the English.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
