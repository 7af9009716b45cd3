"""Render the committed notebooks into a static HTML site: one page per notebook and an index.

    python tools/build_site.py [OUTPUT_FOLDER]      (default: build/site; `make site` runs this)

Nothing is executed: each page shows the notebook exactly as committed, outputs included.
Figures are already inside the notebooks as PNG data and stay inside the pages
(`<img src="data:image/png;base64,...">`), and nbconvert inlines its CSS, so building
needs no network and a page can be opened straight from the disk or sent as one file.
At view time the pages ask a CDN for MathJax, require.js and Mermaid (nbconvert's defaults, for
LaTeX, widget state and diagrams); the notebooks use none of them, so offline they look the same.

Each page gets a bar with links to the previous notebook, the index and the next one, and
to the same page in the other language: the English pages are at the top of the site, the
Chinese ones (notebooks/zh-CN/) in its folder zh-CN/.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUTPUT = ROOT / "build" / "site"
SITE_TITLE = "GANs, hands on: the workbook"
NAV_STYLE = (
    "<style>.site-nav{display:flex;justify-content:space-between;gap:1em;max-width:1100px;"
    "margin:0.5em auto;padding:0.6em 1em;font-family:sans-serif;background:#f4f4f4;border-radius:6px}"
    ".site-nav a{text-decoration:none}</style>"
)


@dataclass(frozen=True)
class Edition:
    """One language of the site: where its notebooks are, its folder in the site, its words."""

    language: str  # the pages' lang attribute
    notebooks: Path
    folder: str  # "" for the site's top, else a subfolder
    title: str
    all_notebooks: str
    intro: str
    unexecuted: str
    other_language: str  # the switch's label, in the other language's own words


ENGLISH = Edition(
    "en", NOTEBOOKS, "", SITE_TITLE, "All notebooks",
    "The notebooks as committed, with their outputs. To run them, use <code>make lab</code> "
    "or the Binder badge of the README.",
    "(committed without outputs: run it in JupyterLab to see them)", "中文",
)
CHINESE = Edition(
    "zh-CN", NOTEBOOKS / "zh-CN", "zh-CN", "GAN 动手学教程", "全部笔记本",
    "已提交的笔记本及其输出（代码和输出与英文版相同）。要运行它们，请使用 <code>make lab</code> "
    "或 README.zh-CN.md 中的 Binder 徽章。",
    "（提交时没有输出：请在 JupyterLab 中运行以查看）", "English",
)
EDITIONS = (ENGLISH, CHINESE)


@dataclass(frozen=True)
class Page:
    """One notebook of the site: where it comes from, its page's file name, its title."""

    source: Path
    title: str

    @property
    def filename(self) -> str:
        return f"{self.source.stem}.html"


def notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """The text of the notebook's first Markdown heading, or `fallback` if it has none."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s+(.+?)\s*$", cell.source, re.M)
            if match:
                return match.group(1)
    return fallback


def has_outputs(notebook: nbformat.NotebookNode) -> bool:
    return any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def switch_link(edition: Edition, other: Edition | None, filename: str) -> str:
    """A link to the same page in the other language (the site's language switch)."""
    if other is None:
        return ""
    up = "../" if edition.folder else ""
    into = f"{other.folder}/" if other.folder else ""
    return f'<a class="site-language" href="{up}{into}{filename}">{html.escape(edition.other_language)}</a>'


def nav_bar(pages: list[Page], index: int, edition: Edition = ENGLISH, switch: str = "") -> str:
    """Links to the previous page, the index and the next page (where there is one), and the
    same page in the other language."""
    previous = f'<a href="{pages[index - 1].filename}">&larr; {html.escape(pages[index - 1].title)}</a>' if index > 0 else "<span></span>"
    following = (
        f'<a href="{pages[index + 1].filename}">{html.escape(pages[index + 1].title)} &rarr;</a>'
        if index + 1 < len(pages) else "<span></span>"
    )
    middle = f'<span><a href="index.html">{html.escape(edition.all_notebooks)}</a> {switch}</span>'
    return f'<nav class="site-nav">{previous}{middle}{following}</nav>'


def with_nav(page_html: str, nav: str) -> str:
    """`page_html` with `nav` at the top and the bottom of its body."""
    page_html = page_html.replace("</head>", f"{NAV_STYLE}</head>", 1)
    page_html = re.sub(r"(<body[^>]*>)", lambda match: match.group(1) + nav, page_html, count=1)
    head, tail = page_html.rsplit("</body>", 1)
    return f"{head}{nav}</body>{tail}"


def render_notebook(notebook: nbformat.NotebookNode, title: str) -> str:
    """The notebook as one self-contained HTML page (JupyterLab's look, nothing re-run)."""
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def index_page(pages: list[Page], unexecuted: set[str], edition: Edition = ENGLISH, switch: str = "") -> str:
    """The site's front page: every notebook in order, linked by its title."""
    items = []
    for page in pages:
        note = f" <em>{html.escape(edition.unexecuted)}</em>" if page.filename in unexecuted else ""
        items.append(f'<li><a href="{page.filename}">{html.escape(page.title)}</a>{note}</li>')
    return (
        f'<!DOCTYPE html>\n<html lang="{edition.language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(edition.title)}</title>\n"
        '<style>body{font-family:sans-serif;max-width:800px;margin:2em auto;line-height:1.6}</style>\n'
        f"</head>\n<body>\n<p>{switch}</p>\n<h1>{html.escape(edition.title)}</h1>\n"
        f"<p>{edition.intro}</p>\n"
        f'<ol start="0">\n{chr(10).join(items)}\n</ol>\n</body>\n</html>\n'
    )


def build_edition(output: Path, edition: Edition, sources: list[Path], other: Edition | None) -> list[Path]:
    """One language's pages and index in `output`; the switch leads to `other` (None: no switch)."""
    read = {source: nbformat.read(source, as_version=4) for source in sources}
    pages = [Page(source, notebook_title(read[source], source.stem)) for source in sources]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for position, page in enumerate(pages):
        target = output / page.filename
        nav = nav_bar(pages, position, edition, switch_link(edition, other, page.filename))
        page_html = render_notebook(read[page.source], page.title).replace('<html lang="en">', f'<html lang="{edition.language}">', 1)
        target.write_text(with_nav(page_html, nav), encoding="utf-8")
        written.append(target)
    unexecuted = {page.filename for page in pages if not has_outputs(read[page.source])}
    index = output / "index.html"
    index.write_text(index_page(pages, unexecuted, edition, switch_link(edition, other, "index.html")), encoding="utf-8")
    return [index, *written]


def build_site(output: Path, notebooks: list[Path] | None = None) -> list[Path]:
    """Write one page per notebook and index.html into `output`, in English, and the same in
    Chinese into `output`/zh-CN, each page with a switch to the other language; return the
    files written. Given `notebooks`, only those, in English, without a switch."""
    if notebooks is not None:
        return build_edition(output, ENGLISH, notebooks, None)
    written = []
    for edition, other in ((ENGLISH, CHINESE), (CHINESE, ENGLISH)):
        folder = output / edition.folder if edition.folder else output
        written += build_edition(folder, edition, sorted(edition.notebooks.glob("0*.ipynb")), other)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT, help="folder for the site (default: build/site)")
    args = parser.parse_args(argv)
    written = build_site(args.output)
    print(f"{len(written)} pages in {args.output}; open {args.output / 'index.html'} "
          f"(中文: {args.output / 'zh-CN' / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
