"""A researcher's first minutes in a real browser: headless Chromium (Debian's package)
driven by Playwright, against `cchc-archive serve` on 127.0.0.1 over a crawled archive."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from crawler.storage import Archive

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parent.parent / "docs"
# Set to refresh the README's screenshots in docs/ (they differ from run to run: ports).
UPDATE_DOCS = os.environ.get("CCHC_UPDATE_SCREENSHOTS") == "1"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: apt-get install -y chromium (.ci/run does)"
)


@pytest.fixture(scope="module")
def server(crawled, tmp_path_factory):
    """`cchc-archive serve` on a free port over a copy of the crawled archive: (url, db path)."""
    path = tmp_path_factory.mktemp("browser") / "archive.db"
    shutil.copy(crawled.db_path, path)
    script = str(Path(sys.executable).with_name("cchc-archive"))
    process = subprocess.Popen([script, "serve", "--db", str(path), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    line = process.stdout.readline()
    if " at http://" not in line:
        process.kill()
        pytest.fail(f"cchc-archive serve did not start: {line}{process.stderr.read()}")
    yield line.split(" at ")[1].split()[0], path
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; never a browser downloaded by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request leaving 127.0.0.1, and blocks it."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="vi-VN")
    page = context.new_page()
    page.outside = []

    def route(route):
        host = urllib.parse.urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:  # offline, as a researcher's laptop may be: nothing may depend on a CDN
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    yield page
    context.close()


def screenshot(page, tmp_path: Path, name: str) -> Path:
    """Save a screenshot in tmp_path (and in docs/ when asked to refresh the README's)."""
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if UPDATE_DOCS:
        DOCS.mkdir(exist_ok=True)
        shutil.copy(shot, DOCS / name)
    return shot


def test_search_without_diacritics_finds_dang_bo(page, server, tmp_path):
    url, path = server
    with Archive(path, must_exist=True) as archive:
        holding = {a["id"] for a in archive.iter_articles() if "Đảng bộ" in (a["title"] or "") + (a["body_text"] or "")}
    assert holding

    page.goto(url + "archive/articles")
    page.fill("input[name=_search]", "dang bo")
    with page.expect_navigation():
        page.press("input[name=_search]", "Enter")
    assert "_search=dang+bo" in page.url
    shown = {int(text) for text in page.locator("table.rows-and-columns td.col-id").all_inner_texts()}
    assert shown & holding, "no article holding 'Đảng bộ' among the results"
    assert page.locator(".facet-info-name", has_text="category").count() and page.locator(".facet-info-name", has_text="year").count()
    screenshot(page, tmp_path, "datasette-search.png")

    # One click further: the article itself, its body rendered as HTML, "Đảng bộ" in it.
    article_id = next(i for i in (int(t) for t in page.locator("table.rows-and-columns td.col-id").all_inner_texts()) if i in holding)
    with page.expect_navigation():
        page.click(f"table.rows-and-columns td.col-id a[href$='/articles/{article_id}']")
    assert "Đảng bộ" in page.locator(".cchc-article-body").inner_text() + page.locator("td.col-title").inner_text()
    assert page.locator(".cchc-article-body p").count() > 0
    # …and its related links one more click away.
    with page.expect_navigation():
        page.click("a.cchc-links")
    assert "/archive/article_links?url=" in page.url
    assert page.locator("table.rows-and-columns td.col-kind", has_text="related").count() > 0
    assert not [u for u in page.outside if "/Uploads/" not in u]  # only the article's own images are remote


def test_dashboard_draws_the_chart_offline(page, server, tmp_path):
    url, _ = server
    page.goto(url + "-/dashboards/publications")
    # vega-embed draws the chart (canvas or SVG) from the vega scripts this server ships.
    page.wait_for_selector("#chart-per-month canvas, #chart-per-month svg", timeout=30_000)
    page.wait_for_selector("#chart-total :text-matches('\\\\d+')", timeout=30_000)
    assert page.outside == []
    screenshot(page, tmp_path, "datasette-dashboard.png")
