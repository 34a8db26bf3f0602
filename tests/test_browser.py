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

from crawler.archive.storage import Archive

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
    warc_dir = crawled.db_path.parent / "archive" / "warc"  # the crawl's captures, where the crawl wrote them
    process = subprocess.Popen([script, "serve", "--db", str(path), "--port", "0", "--warc-dir", str(warc_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
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
    assert page.locator(".facet-info-name", has_text="category").count() and page.locator(".facet-info-name", has_text="year").count()
    page.fill("input[name=_search]", "dang bo")
    with page.expect_navigation():
        page.press("input[name=_search]", "Enter")
    # The table's search box opens the search page: ranked, with snippets.
    assert "/archive/search?" in page.url and "q=dang+bo" in page.url
    links = page.locator(".cchc-result-title").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    shown = {int(href.rsplit("/", 1)[1]) for href in links}
    assert shown & holding, "no article holding 'Đảng bộ' among the results"
    screenshot(page, tmp_path, "datasette-search.png")

    # One click further: the article itself, its body rendered as HTML, "Đảng bộ" in it.
    article_id = next(i for i in (int(h.rsplit("/", 1)[1]) for h in links) if i in holding)
    with page.expect_navigation():
        page.click(f".cchc-result-title[href$='/articles/{article_id}']")
    assert "Đảng bộ" in page.locator(".cchc-article-body").inner_text() + page.locator("article h1").inner_text()
    assert page.locator(".cchc-article-body p").count() > 0
    # …and its related links one more click away.
    with page.expect_navigation():
        page.click("a.cchc-links")
    assert "/archive/article_links?url=" in page.url
    assert page.locator("table.rows-and-columns td.col-kind", has_text="related").count() > 0
    assert page.outside == []  # the article's images too come from the archive


def test_dashboard_draws_the_chart_offline(page, server, tmp_path):
    url, _ = server
    page.goto(url + "-/dashboards/publications")
    # vega-embed draws the chart (canvas or SVG) from the vega scripts this server ships.
    page.wait_for_selector("#chart-per-month canvas, #chart-per-month svg", timeout=30_000)
    page.wait_for_selector("#chart-total :text-matches('\\\\d+')", timeout=30_000)
    assert page.outside == []
    screenshot(page, tmp_path, "datasette-dashboard.png")


# --- the reading room, with the site down: the crawled replica's server is stopped ---------------


def _loaded_images(page, selector: str) -> list[tuple[str, int]]:
    """(src, natural width) of every image the selector finds, once the page has loaded them."""
    page.wait_for_load_state("load")
    return page.eval_on_selector_all(selector, "els => els.map(e => [e.getAttribute('src'), e.naturalWidth])")


def test_an_article_reads_as_an_article_with_the_site_down(page, server, tmp_path):
    url, path = server
    with Archive(path, must_exist=True) as archive:
        article_id, title, article_url = archive.db.execute(
            "SELECT a.id, a.title, a.url FROM articles AS a WHERE EXISTS (SELECT 1 FROM images WHERE article_url = a.url) "
            "AND EXISTS (SELECT 1 FROM attachments WHERE article_url = a.url) ORDER BY a.id LIMIT 1"
        ).fetchone()
    page.goto(url + f"archive/articles/{article_id}")
    assert page.title() == title or page.title().startswith(title)
    assert page.locator("h1").first.inner_text() == title
    images = _loaded_images(page, ".cchc-article-body img")
    assert images and all(src.startswith("/-/capture?url=") and width > 0 for src, width in images), images
    assert page.get_by_text("Download", exact=False).count() or page.locator("a[href*='download=1']").count()
    citation = page.locator(".cchc-citation").inner_text()
    assert title in citation and article_url in citation and "archived" in citation
    assert page.locator("button", has_text="Copy").count() == 1
    assert page.outside == [], page.outside  # not one request for the live site
    screenshot(page, tmp_path, "datasette-article.png")


def test_a_page_as_archived_runs_none_of_its_scripts(page, server, replica):
    url, path = server
    with Archive(path, must_exist=True) as archive:
        article_url = archive.db.execute("SELECT url FROM articles ORDER BY id LIMIT 1").fetchone()[0]
    served = replica.get(urllib.parse.urlsplit(article_url).path).body.decode("utf-8")
    assert "getElementById('ngay-hien-tai').textContent" in served  # what the server sent writes today's date
    page.goto(url + "-/archived?url=" + urllib.parse.quote(article_url, safe=""))
    page.wait_for_load_state("load")
    assert page.locator("#ngay-hien-tai").count() == 1
    assert page.locator("#ngay-hien-tai").inner_text() == ""  # the script did not run
    assert article_url in page.locator("body").inner_text()  # the banner names the source
    links = page.eval_on_selector_all("a[href], img[src], link[href]",
                                      "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")
    outside = [link for link in links if not link.startswith(("/", "#")) and "Leave the archive" not in link]
    live = [link for link in outside if link != article_url]
    assert not live, live[:5]  # every link stays in the archive, but the one marked as leaving it
    assert page.outside == []


def test_a_search_without_diacritics_narrows_to_one_form(page, server):
    url, path = server
    page.goto(url + "archive/search?q=dang+bo")
    forms = page.locator(".cchc-forms a")
    assert forms.count() >= 1
    label = forms.first.inner_text()
    with page.expect_navigation():
        forms.first.click()
    titles = page.locator(".cchc-results li")
    assert titles.count() >= 1
    # Every result now holds that very form.
    snippets = page.locator(".cchc-result-snippet").all_inner_texts()
    with Archive(path, must_exist=True) as archive:
        holding = {a["title"] for a in archive.iter_articles()
                   if label in (a["title"] or "") + (a["body_text"] or "") + (a["attachment_text"] or "")}  # fmt: skip
    shown = page.locator(".cchc-result-title").all_inner_texts()
    assert set(shown) <= holding, (label, snippets[:3])
    assert page.outside == []


@pytest.fixture(scope="module")
def large_server(tmp_path_factory):
    """`cchc-archive serve` over an archive where 230 articles hold the same words."""
    path = tmp_path_factory.mktemp("large") / "archive.db"
    with Archive(path) as archive:
        for n in range(230):
            archive.save_article({"url": f"https://cchc.laichau.gov.vn/tin/bai-{n}.html", "title": f"Bài số {n}",
                                  "published": f"2023-01-{1 + n % 28:02d}T08:00:00+07:00", "category": "Tin tức",
                                  "body_text": f"Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ {n}.",
                                  "content_sha256": f"{n:064d}"}, "2024-01-01T00:00:00+07:00")  # fmt: skip
    script = str(Path(sys.executable).with_name("cchc-archive"))
    process = subprocess.Popen([script, "serve", "--db", str(path), "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    line = process.stdout.readline()
    if " at http://" not in line:
        process.kill()
        pytest.fail(f"cchc-archive serve did not start: {line}{process.stderr.read()}")
    yield line.split(" at ")[1].split()[0]
    process.terminate()
    process.wait(timeout=30)


def test_the_201st_result_is_reached(browser, large_server):
    page = browser.new_page()
    page.goto(large_server + "archive/search?q=dang+bo")
    assert "230 results" in page.locator(".cchc-count").inner_text()
    seen = set(page.locator(".cchc-result-title").all_inner_texts())
    while page.locator("a[rel=next]").count():
        with page.expect_navigation():
            page.click("a[rel=next]")
        seen |= set(page.locator(".cchc-result-title").all_inner_texts())
    assert len(seen) == 230 and "Bài số 229" in seen
    assert page.locator(".cchc-results").get_attribute("start") == "201"
    page.close()
