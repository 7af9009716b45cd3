"""Render the committed notebooks into a static HTML site: one page per notebook and an index.

    python tools/build_site.py [OUTPUT_FOLDER]      (default: build/site; `make site` runs this)

Nothing is executed: each page shows the notebook exactly as committed, outputs included.
Figures are already inside the notebooks as PNG data and stay inside the pages
(`<img src="data:image/png;base64,...">`), and nbconvert inlines its CSS, so building
needs no network and a page can be opened straight from the disk or sent as one file.
At view time the pages ask a CDN for MathJax, require.js and Mermaid (nbconvert's defaults, for
LaTeX, widget state and diagrams); the notebooks use none of them, so offline they look the same.

Each page gets a bar with links to the previous notebook, the index and the next one.
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


def nav_bar(pages: list[Page], index: int) -> str:
    """Links to the previous page, the index and the next page (where there is one)."""
    previous = f'<a href="{pages[index - 1].filename}">&larr; {html.escape(pages[index - 1].title)}</a>' if index > 0 else "<span></span>"
    following = (
        f'<a href="{pages[index + 1].filename}">{html.escape(pages[index + 1].title)} &rarr;</a>'
        if index + 1 < len(pages) else "<span></span>"
    )
    return f'<nav class="site-nav">{previous}<a href="index.html">All notebooks</a>{following}</nav>'


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


def index_page(pages: list[Page], unexecuted: set[str]) -> str:
    """The site's front page: every notebook in order, linked by its title."""
    items = []
    for page in pages:
        note = " <em>(committed without outputs: run it in JupyterLab to see them)</em>" if page.filename in unexecuted else ""
        items.append(f'<li><a href="{page.filename}">{html.escape(page.title)}</a>{note}</li>')
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(SITE_TITLE)}</title>\n'
        '<style>body{font-family:sans-serif;max-width:800px;margin:2em auto;line-height:1.6}</style>\n'
        f"</head>\n<body>\n<h1>{html.escape(SITE_TITLE)}</h1>\n"
        "<p>The notebooks as committed, with their outputs. To run them, use <code>make lab</code> "
        "or the Binder badge of the README.</p>\n"
        f'<ol start="0">\n{chr(10).join(items)}\n</ol>\n</body>\n</html>\n'
    )


def build_site(output: Path, notebooks: list[Path] | None = None) -> list[Path]:
    """Write one page per notebook and index.html into `output`; return the files written."""
    sources = notebooks if notebooks is not None else sorted(NOTEBOOKS.glob("0*.ipynb"))
    read = {source: nbformat.read(source, as_version=4) for source in sources}
    pages = [Page(source, notebook_title(read[source], source.stem)) for source in sources]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for position, page in enumerate(pages):
        target = output / page.filename
        target.write_text(with_nav(render_notebook(read[page.source], page.title), nav_bar(pages, position)), encoding="utf-8")
        written.append(target)
    unexecuted = {page.filename for page in pages if not has_outputs(read[page.source])}
    index = output / "index.html"
    index.write_text(index_page(pages, unexecuted), encoding="utf-8")
    return [index, *written]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT, help="folder for the site (default: build/site)")
    args = parser.parse_args(argv)
    written = build_site(args.output)
    print(f"{len(written)} pages in {args.output}; open {args.output / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
