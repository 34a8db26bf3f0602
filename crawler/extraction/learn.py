"""Learning a site's profile from the pages the generic extractor read.

The generic extractor finds an article's headline, date and body on each page by
reading it; across the pages of one site, the elements it chose have stable shapes
(`h2.title-detail`, `div.detail-content`). `suggest_profile` describes every chosen
element by a few CSS selectors, keeps for each role the selector that picks the same
element (or, for the date, the same value) on the most pages while matching nothing on
pages that are no articles, learns what to leave out of the body, and writes a profile
(TOML) that the profile path reads at its own speed. It then checks itself: every
sample page is extracted again with the learned profile, and the report says on how
many the result equals the generic extractor's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.extraction import generic
from crawler.extraction.extract import article_fields, extract_page, parse_html, profile_parts, read_date
from crawler.extraction.parts import ArticleParts
from crawler.extraction.profile import EMPTY, compile_selector, parse_profile
from crawler.extraction.tree import first

_NAME = re.compile(r"^[A-Za-z_][\w-]*$")
# Machine-readable dates a profile may read, as XPath to the attribute.
_MACHINE_DATES = (
    "//time[@datetime]/@datetime",
    "//*[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='date']/@content",
)  # fmt: skip
_ARTICLE_URLS = (r"-(\d+)\.html?$", r"/(\d+)\.html?$", r"-(\d+)\.aspx$", r"[?&]id=(\d+)", r"/(\d+)/?$")
_FIELDS = ("title", "published", "body_text", "category")


@dataclass(eq=False)  # samples are keys of dicts: each one is itself
class Sample:
    """One page as the generic extractor read it."""

    url: str
    root: object
    page_type: str
    html: bytes | str = b""
    content_type: str | None = None
    parts: ArticleParts | None = None
    expected: dict | None = None  # the article's fields by the generic extractor
    items: object = None  # a listing's block of items
    pager: object = None


@dataclass
class Suggestion:
    """A learned profile (TOML) and how well it reproduces the generic extraction."""

    toml: str
    articles: int = 0
    reproduced: int = 0
    chosen: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # role -> (selector, hits, of)
    mismatches: list[str] = field(default_factory=list)


def read_samples(pages: Iterable[tuple[bytes | str, str, str | None]]) -> list[Sample]:
    """Parse pages (html, url, content type) and keep what the generic extractor found on each."""
    samples = []
    for html, url, content_type in pages:
        try:
            root = parse_html(html, content_type)
        except ValueError:
            continue
        found = generic.read_page(root, url, EMPTY)
        parts = found.parts if found.page_type == "article" else None
        sample = Sample(url, root, found.page_type, html, content_type, parts=parts)
        if parts is not None:
            sample.expected = article_fields(root, url, url, found.parts, None, EMPTY)
        elif found.page_type == "listing":
            chrome = generic.Chrome(root)
            sample.items = generic.list_of_items(root, chrome)[1]
            sample.pager = generic.pager_element(root)
        samples.append(sample)
    return samples


def suggest_profile(pages: Iterable[tuple[bytes | str, str, str | None]], name: str = "") -> Suggestion:
    """A profile learned from pages the generic extractor read, checked against them."""
    samples = read_samples(pages)
    articles = [s for s in samples if s.parts is not None]
    others = [s for s in samples if s.parts is None]
    chosen: dict[str, tuple[str, int, int]] = {}
    values: dict[str, list[str]] = {}

    def learn(role: str, elements: dict, against: list[Sample]) -> None:
        selector = _best_selector(elements, against)
        if selector is not None:
            chosen[role] = selector
            values[role] = [selector[0]]

    learn("title", {s: s.parts.title_el for s in articles if s.parts.title_el is not None}, others)
    learn("body", {s: s.parts.body_el for s in articles}, others)
    date = _best_date(articles)
    if date is not None:
        chosen["date"], values["date"] = date, [date[0]]
    learn("breadcrumb", {s: s.parts.breadcrumb_el for s in articles if _is_element(s.parts.breadcrumb_el)}, [])
    learn("related", {s: s.parts.related_el for s in articles if _is_element(s.parts.related_el)}, [])
    learn("latest", {s: s.parts.latest_el for s in articles if _is_element(s.parts.latest_el)}, [])
    learn("attachments", {s: s.parts.attachments_el for s in articles if _is_element(s.parts.attachments_el)}, [])
    listings = [s for s in others if s.page_type == "listing"]
    learn("items", {s: s.items for s in listings if s.items is not None}, articles)
    learn("pager", {s: s.pager for s in listings if s.pager is not None}, articles)
    if "body" in values:
        values["exclude"] = _best_exclude(articles, values)
    home = next((f"{urlsplit(s.url).scheme}://{urlsplit(s.url).netloc}/" for s in samples), None)
    toml = _toml(values, name=name, home=home, article_url=_article_url(articles, others))
    suggestion = Suggestion(toml, articles=len(articles), chosen=chosen)
    _check(suggestion, articles)
    return suggestion


def _is_element(el) -> bool:
    return el is not None and isinstance(getattr(el, "tag", None), str) and hasattr(el, "getparent")


def shapes(el) -> list[str]:
    """CSS selectors that describe an element: by class, id, itemprop, and under its parent's."""
    own = _own_shapes(el)
    found = list(own)
    parent = el.getparent()
    if parent is not None and parent.tag not in ("body", "html"):
        for outer in _own_shapes(parent)[:4]:
            found += [f"{outer} > {inner}" for inner in own[:4]]
    ancestor = parent
    for _ in range(4):
        if ancestor is None or ancestor.tag in ("body", "html"):
            break
        outer = [s for s in _own_shapes(ancestor) if s != ancestor.tag]
        if outer:
            found += [f"{outer[0]} {inner}" for inner in own[:4]]
            break
        ancestor = ancestor.getparent()
    return list(dict.fromkeys(found))


def _own_shapes(el) -> list[str]:
    tag = el.tag
    found = []
    if el.get("id") and _NAME.match(el.get("id")) and not re.search(r"\d{3,}", el.get("id")):
        found.append(f"{tag}#{el.get('id')}")
    found += [f"{tag}.{name}" for name in (el.get("class") or "").split() if _NAME.match(name)]
    if el.get("itemprop") and _NAME.match(el.get("itemprop")):
        found.append(f'{tag}[itemprop="{el.get("itemprop")}"]')
    found.append(tag)
    return found


def _best_selector(elements: dict, against: list[Sample]) -> tuple[str, int, int] | None:
    """The selector whose first match is the chosen element on the most samples, and on no other page."""
    if not elements:
        return None
    candidates: dict[str, None] = {}
    for el in elements.values():
        candidates.update(dict.fromkeys(shapes(el)))
    best, best_key = None, None
    for source in candidates:
        selector = compile_selector(source)
        hits = sum(1 for sample, el in elements.items() if first(sample.root, [selector]) is el)
        if not hits:
            continue
        wrong = sum(1 for sample in against if selector(sample.root))
        key = (hits - wrong, -wrong, -source.count(" "), -len(source))
        if best_key is None or key > best_key:
            best, best_key = (source, hits, len(elements)), key
    return best


def _best_date(articles: list[Sample]) -> tuple[str, int, int] | None:
    """The date selector (visible element or machine-readable attribute) that reads the same date on most pages."""
    candidates: dict[str, None] = {}
    for sample in articles:
        if _is_element(sample.parts.date_el):
            # The dateline, or an element inside it that holds the date (`tr` > `td.ngaydang`).
            for el in sample.parts.date_el.iter():
                if isinstance(el.tag, str) and (el is sample.parts.date_el or el.get("class") or el.get("id")):
                    candidates.update(dict.fromkeys(shapes(el)))
    candidates.update(dict.fromkeys(_MACHINE_DATES))
    best, best_key = None, None
    for source in candidates:
        selector = compile_selector(source)
        hits = 0
        for sample in articles:
            found = first(sample.root, [selector])
            if found is not None and read_date(found, EMPTY)[2] == sample.expected["published"]:
                hits += 1
        key = (hits, -source.count(" "), -len(source))
        if hits and (best_key is None or key > best_key):
            best, best_key = (source, hits, len(articles)), key
    return best


def _best_exclude(articles: list[Sample], values: dict) -> list[str]:
    """Selectors of what the generic extractor left out of the body, added while they bring bodies closer."""
    candidates: dict[str, None] = {}
    for sample in articles:
        for el in sample.parts.skip:
            if el is not sample.parts.title_el and el is not sample.parts.date_el and _is_element(el):
                candidates.update(dict.fromkeys(_own_shapes(el)[:-1] or _own_shapes(el)))
    chosen: list[str] = []

    def score(exclude: list[str]) -> int:
        profile = parse_profile(_toml(dict(values, exclude=exclude)), "candidate")
        same = 0
        for sample in articles:
            parts = profile_parts(sample.root, profile)
            if parts is not None:
                fields = article_fields(sample.root, sample.url, sample.url, parts, None, profile)
                same += fields["body_text"] == sample.expected["body_text"]
        return same

    current = score(chosen)
    while candidates and len(chosen) < 12 and current < len(articles):
        gains = {source: score(chosen + [source]) for source in candidates}
        source = max(gains, key=lambda s: (gains[s], -len(s)))
        if gains[source] <= current:
            break
        chosen.append(source)
        current = gains[source]
        del candidates[source]
    return chosen


def _article_url(articles: list[Sample], others: list[Sample]) -> str | None:
    """The URL pattern (with the site's id) that every article's address has and fewest other pages' do."""
    best, best_key = None, None
    for pattern in _ARTICLE_URLS:
        form = re.compile(pattern)
        hits = sum(1 for s in articles if form.search(urlsplit(s.url).path + "?" + urlsplit(s.url).query))
        wrong = sum(1 for s in others if form.search(urlsplit(s.url).path + "?" + urlsplit(s.url).query))
        key = (hits - wrong, hits)
        if hits >= 0.9 * max(1, len(articles)) and (best_key is None or key > best_key):
            best, best_key = pattern, key
    return best


def _check(suggestion: Suggestion, articles: list[Sample]) -> None:
    """Extract every sample again with the learned profile: how many articles come out the same."""
    profile = parse_profile(suggestion.toml, "suggested profile")
    for sample in articles:
        page = extract_page(sample.html, sample.url, content_type=sample.content_type, profile=profile)
        got = page.article or {}
        different = [name for name in _FIELDS if got.get(name) != sample.expected.get(name)]
        if page.extraction_method == "profile" and page.page_type == "article" and not different:
            suggestion.reproduced += 1
        else:
            why = f"read by the {page.extraction_method} extractor" if page.extraction_method != "profile" else ""
            suggestion.mismatches.append(f"{sample.url}: {why or 'differs in ' + ', '.join(different)}")


def _toml(values: dict, name: str = "", home: str | None = None, article_url: str | None = None) -> str:
    """A profile's TOML text from its selector lists."""

    def line(key: str, items: list[str]) -> str:
        return f"{key} = [{', '.join(json.dumps(item, ensure_ascii=False) for item in items)}]"

    out = ["# A profile learned by `cchc-archive profile suggest` from the pages the generic extractor read.",
           "# Review it, then: cchc-archive reparse --profile site.toml (or crawl --profile site.toml).", ""]  # fmt: skip
    if name or home:
        out.append("[site]")
        if name:
            out.append(f"name = {json.dumps(name, ensure_ascii=False)}")
        if home:
            out.append(f"home = {json.dumps(home)}")
        out.append("")
    out.append("[article]")
    for key in ("title", "date", "body", "exclude", "breadcrumb", "attachments", "related", "latest"):
        if values.get(key):
            out.append(line(key, values[key]))
    out.append("")
    if values.get("items") or values.get("pager"):
        out.append("[listing]")
        for key in ("items", "pager"):
            if values.get(key):
                out.append(line(key, values[key]))
        out.append("")
    if article_url:
        out += ["[urls]", f"article = '{article_url}'", ""]
    return "\n".join(out)
