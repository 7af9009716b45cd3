"""The Chinese edition: complete, current, built from its sources, and using one glossary.

tools/translations.py builds notebooks/zh-CN/ from the English notebooks and
translations/zh-CN/; these tests fail, naming the cell and what changed, when a
translation is missing or stale or a Chinese notebook is not the build of its sources.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_tool():
    """tools/translations.py as a module (tools/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


translations = _load_tool()
ENGLISH = translations.english_notebooks()
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("english", ENGLISH, ids=lambda path: path.stem)
def test_every_markdown_cell_is_translated_from_the_current_english_and_built(english):
    problems = translations.notebook_problems(english)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("english", list(translations.DOCUMENTS), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_section_of_the_readme_and_the_facilitator_guide_is_translated(english):
    problems = translations.document_problems(english, translations.DOCUMENTS[english])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("english", ENGLISH, ids=lambda path: path.stem)
def test_the_chinese_notebook_has_the_english_code_and_outputs(english):
    source = nbformat.read(english, as_version=4)
    chinese = nbformat.read(translations.BUILT / english.name, as_version=4)
    nbformat.validate(chinese)  # JupyterLab opens it
    assert [cell.id for cell in chinese.cells] == [cell.id for cell in source.cells]
    for ours, theirs in zip(chinese.cells, source.cells):
        assert ours.cell_type == theirs.cell_type
        if theirs.cell_type == "code":
            assert (ours.source, ours.outputs, ours.metadata) == (theirs.source, theirs.outputs, theirs.metadata)
        else:
            assert translations.CJK.search(ours.source), f"{english.name}, cell {ours.id} holds no Chinese"
    assert chinese.metadata == source.metadata


def test_a_stale_translation_names_the_cell_and_shows_what_changed_in_the_english():
    english = ROOT / "notebooks" / "01_what_is_a_gan.ipynb"
    cell = translations.markdown_cells(nbformat.read(english, as_version=4))[1]
    before = cell.source.replace("GAN", "GANs", 1)
    block = translations.Block(cell.id, translations.fingerprint(before), "中文")
    problems = translations.check_pieces("01", f"cell {cell.id}", cell.source, block, english, english,
                                         lambda text: before)
    assert len(problems) == 1 and f"cell {cell.id}: stale" in problems[0]
    assert "-" + before.splitlines()[0] in problems[0] or any(
        line.strip().startswith("-") and "GANs" in line for line in problems[0].splitlines())
    assert translations.fingerprint(cell.source) in problems[0]


def test_the_english_a_stale_translation_was_made_from_is_found_in_git(tmp_path, monkeypatch):
    def commit(text: str) -> None:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text, id="c1")])
        nbformat.write(notebook, tmp_path / "lesson.ipynb")
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", text], cwd=tmp_path,
                       check=True)

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "lesson.ipynb")
    subprocess.run(["git", "add", "lesson.ipynb"], cwd=tmp_path, check=True)
    commit("The generator draws digits.")
    commit("The generator draws letters.")
    monkeypatch.setattr(translations, "ROOT", tmp_path)
    recorded = translations.fingerprint("The generator draws digits.")
    before = translations.english_when_translated(tmp_path / "lesson.ipynb", translations._cell_text("c1"), recorded)
    assert before == "The generator draws digits."
    shown = translations.what_changed(before, "The generator draws letters.")
    assert "-The generator draws digits." in shown and "+The generator draws letters." in shown
    unknown = translations.english_when_translated(tmp_path / "lesson.ipynb", translations._cell_text("c1"), "0" * 12)
    assert unknown is None and "not in this clone's history" in translations.what_changed(unknown, "now")


def test_make_translations_check_says_the_edition_is_complete():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "translations.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "complete and in step" in result.stdout


def test_every_word_of_the_english_outputs_is_in_the_glossary_or_a_plain_word():
    unexplained = translations.unexplained_output_words(translations.glossary())
    assert not unexplained, (
        "words in the outputs (figures, printed text) that a Chinese reader cannot look up: add each to "
        "translations/glossary.csv (a term) or translations/plain_words.txt (an everyday word or a name):\n"
        + "\n".join(f"  {word}  ({where})" for word, where in unexplained.items()))


def test_a_translation_that_drops_a_number_code_or_maths_is_reported():
    english = "Train for 2,000 steps with `ganlib.fit` so that $D(x) = 1/2$.\n\n```python\nfit(gan)\n```"
    kept = "用 `ganlib.fit` 训练 2,000 步，使 $D(x) = 1/2$。\n\n```python\nfit(gan)\n```"
    assert translations.lost_pieces(english, kept) == []
    assert translations.lost_pieces(english, kept.replace("2,000", "2000")) == ["2,000"]
    assert translations.lost_pieces(english, kept.replace("`ganlib.fit`", "ganlib.fit")) == ["`ganlib.fit`"]
    assert translations.lost_pieces(english, kept.replace("1/2", "0.5")) == ["$D(x) = 1/2$"]
    assert translations.lost_pieces("about 10 minutes", "约 100 分钟") == ["10"]


def test_blocks_are_read_by_key_and_a_key_twice_is_refused():
    text = "intro\n<!-- cell aa | en 0123456789ab -->\n一\n\n<!-- cell bb | en ba9876543210 -->\n二\n"
    blocks = translations.read_blocks(text, translations.CELL_HEADER)
    assert [(b.key, b.english_fingerprint, b.text) for b in blocks.values()] == [
        ("aa", "0123456789ab", "一"), ("bb", "ba9876543210", "二")]
    with pytest.raises(ValueError, match="aa is translated twice"):
        translations.read_blocks(text.replace("cell bb", "cell aa"), translations.CELL_HEADER)


def test_the_glossary_is_one_term_per_row_and_its_page_is_built():
    terms = translations.glossary()
    for field in ("english", "chinese"):
        values = [getattr(term, field) for term in terms]
        assert len(values) == len(set(values)), f"a {field} term is in the glossary twice"
    assert all(term.pinyin and term.chinese for term in terms), "every term needs its Chinese and its pinyin"
    assert translations.GLOSSARY_MD.read_text(encoding="utf-8") == translations.render_glossary(terms), (
        "translations/GLOSSARY.md is not the build of glossary.csv: run make translations")


def test_notebook_01s_key_terms_are_the_glossarys():
    pairs = {(term.english, form) for term in translations.glossary() for form in term.chinese.split("、")}
    for path in (ROOT / "notebooks" / "01_what_is_a_gan.ipynb", translations.BUILT / "01_what_is_a_gan.ipynb"):
        cell = next(c for c in nbformat.read(path, as_version=4).cells if c.id == "a601f105")
        rows = [line.split("|")[1:3] for line in cell.source.splitlines() if line.startswith("| ") and "---" not in line]
        assert len(rows) > 10
        for english, chinese in rows[1:]:
            for pair in zip(english.strip().split(" / "), chinese.strip().split(" / ")):
                assert pair in pairs, f"{path.name}: {pair} is not a glossary entry"


@pytest.mark.parametrize("page", [*sorted(translations.BUILT.glob("0*.ipynb")), *translations.DOCUMENTS.values()],
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_links_in_the_chinese_edition_lead_to_files_that_exist(page):
    if page.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(page, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z+.-]*:|#", target):
            continue
        path = (page.parent / target.split("#")[0].split("?")[0]).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), f"{page.relative_to(ROOT)} links to {target}, which does not exist"


def test_the_chinese_language_pack_is_installed_with_the_lab():
    from importlib.metadata import PackageNotFoundError, distribution
    try:
        distribution("jupyterlab-language-pack-zh-CN")
    except PackageNotFoundError:
        pytest.fail("JupyterLab's Chinese language pack is missing: make lab installs it (pyproject.toml, lab extra)")
    with (ROOT / "translations" / "glossary.csv").open(encoding="utf-8") as file:
        assert "english" in next(csv.reader(file))
