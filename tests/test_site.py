"""`make site`: the committed notebooks as static HTML pages, with their figures, and an index."""

from __future__ import annotations

import html
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
CHINESE_NOTEBOOKS = sorted((ROOT / "notebooks" / "zh-CN").glob("0*.ipynb"))
BUILDER = ROOT / "tools" / "build_site.py"
EMBEDDED_PNG = re.compile(r"<img\b[^>]*\bsrc=\"data:image/png;base64,", re.I)


def load_builder():
    """tools/build_site.py as a module (tools/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("build_site", BUILDER)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def png_outputs(notebook: nbformat.NotebookNode) -> int:
    return sum("image/png" in output.get("data", {}) for cell in notebook.cells for output in cell.get("outputs", []))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `make site` builds it (the script on its own), once for this module."""
    output = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, str(BUILDER), str(output)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "index.html" in result.stdout
    return output


def test_the_site_has_an_index_and_one_page_per_notebook(site):
    expected = ["index.html", *(f"{source.stem}.html" for source in NOTEBOOKS)]
    assert sorted(path.name for path in site.iterdir()) == sorted([*expected, "zh-CN"])
    assert sorted(path.name for path in (site / "zh-CN").iterdir()) == sorted(expected)
    assert [source.name for source in CHINESE_NOTEBOOKS] == [source.name for source in NOTEBOOKS]


def test_every_page_switches_to_the_same_page_in_the_other_language(site):
    for name in ["index.html", *(f"{source.stem}.html" for source in NOTEBOOKS)]:
        english = (site / name).read_text(encoding="utf-8")
        chinese = (site / "zh-CN" / name).read_text(encoding="utf-8")
        assert f'<a class="site-language" href="zh-CN/{name}">中文</a>' in english, name
        assert f'<a class="site-language" href="../{name}">English</a>' in chinese, name
    index = (site / "zh-CN" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and "全部笔记本" not in index  # the index is the list itself
    page = (site / "zh-CN" / "02_the_algorithm.html").read_text(encoding="utf-8")
    assert '<a href="index.html">全部笔记本</a>' in page and '<html lang="zh-CN">' in page
    assert "<title>02 · " in page and re.search(r"[\u4e00-\u9fff]", re.search(r"<title>(.*?)</title>", page).group(1))


def test_every_notebook_has_a_page_with_all_its_figures(site):
    for source in NOTEBOOKS + CHINESE_NOTEBOOKS:
        folder = site / "zh-CN" if source.parent.name == "zh-CN" else site
        page = (folder / f"{source.stem}.html").read_text(encoding="utf-8")
        expected = png_outputs(nbformat.read(source, as_version=4))
        assert len(EMBEDDED_PNG.findall(page)) == expected, f"{source.name}: expected {expected} embedded figures"
    assert any(png_outputs(nbformat.read(source, as_version=4)) for source in NOTEBOOKS), "no notebook has figures"


def test_pages_show_the_committed_outputs_without_running_anything(site):
    notebook = nbformat.read(ROOT / "notebooks" / "02_the_algorithm.ipynb", as_version=4)
    page = (site / "02_the_algorithm.html").read_text(encoding="utf-8")
    printed = next(o.text for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "stream")
    assert html.escape(printed.splitlines()[0], quote=False) in page
    assert "<title>02 · The algorithm, one step at a time</title>" in page


def test_index_links_every_notebook_in_order_by_its_title(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)
    assert [href for href, _ in links] == [f"{source.stem}.html" for source in NOTEBOOKS]
    for (_, title), source in zip(links, NOTEBOOKS):
        assert title.startswith(source.stem[:2] + " · "), title


def test_each_page_links_to_its_neighbours_and_the_index(site):
    names = [f"{source.stem}.html" for source in NOTEBOOKS]
    for position, name in enumerate(names):
        links = set(re.findall(r'<nav class="site-nav">.*?</nav>', (site / name).read_text(encoding="utf-8"), re.S)[0].split('"'))
        assert "index.html" in links
        assert (position == 0) or names[position - 1] in links
        assert (position == len(names) - 1) or names[position + 1] in links


def test_pages_need_no_network_for_styles_or_images(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<img\b[^>]*\bsrc=\"https?:", text), page.name
        assert not re.search(r"<link\b[^>]*\bhref=\"https?:", text), page.name


def test_building_needs_no_network(tmp_path):
    # In-process, under the no_network guard of every test: a page with figures is built offline.
    source = ROOT / "notebooks" / "02_the_algorithm.ipynb"
    index, page = load_builder().build_site(tmp_path, [source])
    assert index.name == "index.html" and len(EMBEDDED_PNG.findall(page.read_text(encoding="utf-8"))) > 0
