"""The workbook in a real browser: JupyterLab as `make lab` starts it, driven by headless Chromium.

A participant opens notebook 00, runs every cell and must see the [OK] table and a live
slider; in notebook 02 the playground's buttons must redraw its plot; in notebook 08 a
team uploads its pictures with the button and runs the session on them. All need a
kernel and a browser talking to each other, which no papermill or nbval run can show.

The browser is Debian's Chromium (/usr/bin/chromium, `make browser` installs it), driven
by Playwright; Playwright's own browser download cannot work without the internet.
Screenshots go to build/test-artifacts/. The lab's kernels run in quick mode
(GANLIB_QUICK=1), read MNIST from GANLIB_DATA, and train into a temporary GANLIB_RUNS
(and cache pictures in a temporary GANLIB_CACHE); uploads go to a temporary folder.
JupyterLab's autosave is off and its checkpoints go to a temporary folder, so running the
notebooks here never writes into notebooks/ (the tests check that the page asked for no
save).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from labserver import ROOT, Lab, running_lab

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: `make test` installs the test extra of pyproject.toml"
)

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "build" / "test-artifacts"
NOTEBOOKS = ROOT / "notebooks"
RUN_TIMEOUT_MS = 240_000  # running a whole notebook in quick mode, on a busy 2-core machine
UI_TIMEOUT_MS = 60_000  # JupyterLab's first page load, a kernel start, one widget redraw
# JupyterLab settings for the test's lab: no autosave (the committed notebooks stay as they
# are). No news and no update check come from the workbook's own jupyter/overrides.json.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
# Playwright already starts Chromium without sync, first-run, background networking and
# component updates; these keep it quiet on a headless machine without a GPU.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-quic"]
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"  # the notebook in the visible tab
PROMPTS = f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt"  # "[ ]:" not run, "[*]:" running, "[3]:" done
PROMPTS_JS = "css => [...document.querySelectorAll(css)].map(p => p.textContent.trim())"


def chromium_or_skip() -> Path:
    """Debian's Chromium; skipped where it is missing and cannot be installed, failed in CI."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    installable = os.geteuid() == 0 and shutil.which("apt-get")
    reason = f"no Chromium at {CHROMIUM}: " + (
        "`make browser` installs it (apt-get install chromium)" if installable
        else "install Debian's or your system's chromium package (this shell cannot: it is not root with apt-get)"
    )
    if os.environ.get("CI") and installable:
        pytest.fail(reason)
    pytest.skip(reason)


def write_lab_settings(folder: Path) -> Path:
    """A JupyterLab user-settings folder holding LAB_SETTINGS."""
    for name, values in LAB_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, mnist_root: Path) -> Iterator[Lab]:
    """`make lab` for this module's tests, with the kernel environment of the notebook tests."""
    chromium_or_skip()
    work = tmp_path_factory.mktemp("browser-lab")
    env = {
        "GANLIB_QUICK": "1",
        "GANLIB_DATA": str(mnist_root),
        "GANLIB_RUNS": str(work / "runs"),
        "GANLIB_CACHE": str(work / "cache"),
        "JUPYTERLAB_SETTINGS_DIR": str(write_lab_settings(work / "settings")),
        "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
        # As under `make lab`: the kernel picks its own inline backend for figures.
        "MPLBACKEND": None,
    }
    with running_lab(work, env, lab_args=(f"--FileCheckpoints.checkpoint_dir={work / 'checkpoints'}",)) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    """Headless Chromium, driven by Playwright."""
    executable = chromium_or_skip()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    """A fresh browser tab that may load pages from this machine only, and saves nothing."""
    context = browser.new_context(viewport={"width": 1400, "height": 1500})
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda route: route.abort())
    context.route("**/api/contents/**", refuse_saves)
    yield context.new_page()
    context.close()


def record_saves(page: sync_api.Page) -> list[str]:
    """A list that fills with every request of `page` that would write a file (a PUT to the
    contents API: a save). The tests expect none: the committed notebooks stay as they are."""
    saves: list[str] = []

    def record(request: sync_api.Request) -> None:
        if request.method == "PUT" and "/api/contents/" in request.url:
            saves.append(request.url)

    page.on("request", record)
    return saves


def refuse_saves(route: sync_api.Route) -> None:
    """Let the lab read files but never write one (record_saves still sees the attempt)."""
    if route.request.method == "PUT":
        route.abort()
    else:
        route.continue_()


def open_notebook(page: sync_api.Page, lab: Lab, name: str) -> None:
    """Open notebooks/`name` in JupyterLab, wait until every cell is drawn and the kernel is
    idle, and clear the committed outputs, so that every number in a prompt is from this run."""
    page.goto(lab.notebook_url(name))
    cells = len(nbformat.read(NOTEBOOKS / name, as_version=4).cells)
    page.wait_for_function("([css, n]) => document.querySelectorAll(css).length === n", arg=[f"{NOTEBOOK} .jp-Cell", cells])
    wait_for_idle_kernel(page)
    choose_menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"css => ({PROMPTS_JS})(css).every(p => p === '[ ]:')", arg=PROMPTS)


def wait_for_idle_kernel(page: sync_api.Page, idle: str = "Idle") -> None:
    """Wait for the status bar's "| Idle": a kernel that is connected and has nothing to do.
    `idle` is that word in the interface's language (空闲 in Chinese)."""
    page.locator("#jp-main-statusbar").get_by_text(re.compile(rf"\| {idle}$")).wait_for()


def choose_menu(page: sync_api.Page, menu: str, label: str) -> None:
    """Choose `menu` > `label` in JupyterLab's menu bar, as a participant would."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(".lm-Menu-item", has_text=re.compile(rf"^{re.escape(label)}")).first.click()


def code_cells(page: sync_api.Page) -> sync_api.Locator:
    return page.locator(f"{NOTEBOOK} .jp-CodeCell")


def wait_until_cells_ran(page: sync_api.Page, count: int | None = None, idle: str = "Idle") -> None:
    """Wait until the first `count` code cells (all if None) show an execution number, and
    the kernel is idle (`idle`: the status bar's word for it)."""
    try:
        page.wait_for_function(
            """([css, count]) => {
                const prompts = [...document.querySelectorAll(css)];
                const wanted = prompts.slice(0, count ?? prompts.length);
                return wanted.length > 0 && wanted.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
            }""",
            arg=[PROMPTS, count],
            timeout=RUN_TIMEOUT_MS,
        )
    except sync_api.TimeoutError:
        shot = save_screenshot(page, "browser-timeout.png")
        pytest.fail(f"cells did not finish running; prompts {page.evaluate(PROMPTS_JS, PROMPTS)}; screenshot {shot}")
    wait_for_idle_kernel(page, idle)


def check_table(page: sync_api.Page) -> dict[str, str]:
    """The setup check's table as {check: status}, read from the rendered HTML."""
    rows = page.locator(f"{NOTEBOOK} .jp-OutputArea-output table tr").filter(has=page.locator("td"))
    table = {}
    for row in rows.all():
        cells = [text.strip() for text in row.locator("td").all_inner_texts()]
        table[cells[1]] = cells[0]
    return table


def cell_index(name: str, *snippets: str) -> int:
    """The position, among the code cells of notebooks/`name`, of the first one holding every snippet."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return next(i for i, cell in enumerate(cells) if all(snippet in cell.source for snippet in snippets))


def save_screenshot(page_or_element, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page_or_element.screenshot(path=str(path))
    return path


def test_setup_check_runs_all_cells_and_draws_the_table_and_a_live_widget(lab, page):
    saves = record_saves(page)
    open_notebook(page, lab, "00_setup_check.ipynb")
    choose_menu(page, "Run", "Run All Cells")
    wait_until_cells_ran(page)

    slider = page.locator(f"{NOTEBOOK} .jp-OutputArea-output .jupyter-widgets.widget-slider")
    slider.wait_for()
    assert "widgets?" in slider.inner_text()  # the probe's label, drawn from the live kernel's model

    table = check_table(page)
    for check in ("Python", "torch", "torchvision", "ipywidgets", "MNIST"):
        assert table.get(check) == "[OK]", f"{check}: {table.get(check)} in {table}"
    assert set(table.values()) <= {"[OK]", "[FAIL]", "[LOOK]"}

    page.locator(f"{NOTEBOOK} .jp-OutputArea-output table").scroll_into_view_if_needed()
    assert save_screenshot(page, "browser-00_setup_check.png").stat().st_size > 10_000
    assert not saves, f"JupyterLab saved files: {saves}"
    # No first-run question on the way (JupyterLab asks about news a few seconds after loading).
    assert page.get_by_text(re.compile("Jupyter news", re.IGNORECASE)).count() == 0


def test_playground_step_button_redraws_the_plot(lab, page):
    name = "02_the_algorithm.ipynb"
    saves = record_saves(page)
    index = cell_index(name, "PlaygroundView(", ".widget()")
    open_notebook(page, lab, name)
    cell = code_cells(page).nth(index)
    cell.locator(".jp-InputArea-prompt").click()  # selects the cell without editing it
    choose_menu(page, "Run", "Run All Above Selected Cell")
    wait_until_cells_ran(page, index)
    choose_menu(page, "Run", "Run Selected Cell")
    wait_until_cells_ran(page, index + 1)

    image = cell.locator("img.widget-image")
    image.wait_for()
    label = cell.locator(".widget-label", has_text="last step:")  # the status line under the buttons
    before_src, before_picture = image.get_attribute("src"), image.screenshot()
    playground = cell.locator(".jp-OutputArea")
    save_screenshot(playground, "browser-02_playground_before.png")

    cell.get_by_role("button", name="D step").click()
    page.wait_for_function("([img, src]) => img.src !== src", arg=[image.element_handle(), before_src])
    page.wait_for_function("el => !el.textContent.includes('none yet')", arg=label.element_handle())

    assert image.screenshot() != before_picture, "the plot looks the same after a D step"
    assert "d_loss" in label.inner_text()
    save_screenshot(playground, "browser-02_playground_after_d_step.png")
    assert not saves, f"JupyterLab saved files: {saves}"


def replace_cell_source(page: sync_api.Page, cell: sync_api.Locator, source: str) -> None:
    """Replace a cell's code as a participant would, by selecting it all in the editor and
    putting new text in (inserted whole, so the editor's bracket-closing adds nothing)."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")  # back to command mode: the cell is selected, not edited


def test_a_team_uploads_its_pictures_and_runs_the_session_on_them(lab, page, tmp_path):
    """Notebook 08 as a team would use it: upload pictures with the button, point IMAGES at
    them, run everything, and get an idea board and a review of its own material."""
    from conftest import draw_shapes

    name = "08_creative_session.ipynb"
    saves = record_saves(page)
    pictures = sorted(draw_shapes(tmp_path / "on my desktop", count=56).glob("*.png"))
    uploads = tmp_path / "uploaded"  # instead of notebooks/my-images, which may hold a participant's own files
    open_notebook(page, lab, name)

    cells = code_cells(page)
    upload_cell = cells.nth(cell_index(name, "upload_box("))
    replace_cell_source(page, upload_cell, f"upload_box({str(uploads)!r})")
    for cell in (cells.nth(0), upload_cell):  # the imports, then the upload button
        cell.locator(".jp-InputArea-prompt").click()
        choose_menu(page, "Run", "Run Selected Cell")
        page.wait_for_function("el => /^\\[\\d+\\]:$/.test(el.textContent.trim())",
                               arg=cell.locator(".jp-InputArea-prompt").element_handle(), timeout=RUN_TIMEOUT_MS)
    save_screenshot(upload_cell, "browser-08_upload_button.png")
    with page.expect_file_chooser() as chooser:  # the button opens the system's file dialog
        upload_cell.get_by_role("button", name=re.compile("Upload images")).click()
    chooser.value.set_files([str(path) for path in pictures])
    upload_cell.locator(".widget-html", has_text="Saved 56 files").wait_for()
    assert sorted(path.name for path in uploads.iterdir()) == [path.name for path in pictures]

    parameters = cells.nth(cell_index(name, "quick_mode()"))
    source = nbformat.read(NOTEBOOKS / name, as_version=4).cells
    original = next(cell.source for cell in source if "quick_mode()" in cell.source)
    replace_cell_source(page, parameters, original + f"\nIMAGES = {str(uploads)!r}")
    choose_menu(page, "Run", "Run All Cells")
    wait_until_cells_ran(page)

    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output")
    assert outputs.filter(has_text="Used 56 of 56 files").count() == 1
    assert outputs.filter(has_text="near-copies").count() >= 1  # the review table
    board = cells.nth(cell_index(name, "idea board:"))
    board.scroll_into_view_if_needed()
    assert save_screenshot(board, "browser-08_idea_board_of_uploads.png").stat().st_size > 5_000
    assert cells.nth(cell_index(name, "widgets.evolution_board(")).locator("img.widget-image").count() == 12
    assert not saves, f"JupyterLab saved files: {saves}"


def set_interface_language(lab: Lab, locale: str) -> None:
    """Choose JupyterLab's interface language, as Settings → Language does, for this lab's user."""
    import urllib.request

    request = urllib.request.Request(
        f"{lab.base_url}/lab/api/settings/@jupyterlab/translation-extension:plugin",
        data=json.dumps({"raw": json.dumps({"locale": locale})}).encode(), method="PUT",
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 204, response.status


def test_a_chinese_notebook_runs_in_jupyterlabs_chinese_interface(lab, page):
    name = "zh-CN/01_what_is_a_gan.ipynb"
    set_interface_language(lab, "zh_CN")  # the language pack that make lab installs
    try:
        page.goto(lab.notebook_url(name))
        for menu in ("文件", "编辑", "运行", "内核"):
            page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).wait_for()
        cells = len(nbformat.read(NOTEBOOKS / name, as_version=4).cells)
        page.wait_for_function("([css, n]) => document.querySelectorAll(css).length === n",
                               arg=[f"{NOTEBOOK} .jp-Cell", cells])
        page.locator(f"{NOTEBOOK} h1", has_text="什么是 GAN").wait_for()
        wait_for_idle_kernel(page, "空闲")
        choose_menu(page, "编辑", "清除所有单元格的输出")
        page.wait_for_function(f"css => ({PROMPTS_JS})(css).every(p => p === '[ ]:')", arg=PROMPTS)
        choose_menu(page, "运行", "运行所有单元格")
        wait_until_cells_ran(page, idle="空闲")
        page.locator(f"{NOTEBOOK} .jp-Cell").first.click()  # the first cell, at the top of the page
        page.locator(f"{NOTEBOOK} h1", has_text="什么是 GAN").wait_for()
        save_screenshot(page, "chinese-notebook-in-chinese-jupyterlab.png")
    finally:
        set_interface_language(lab, "en")

