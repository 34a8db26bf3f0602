"""The generic extractor: title, date and body of a news-article page in any markup.

Used when the site's profile misses. It reads a page the way a reader does:
- the site's chrome (menus, header, footer, sidebars, breadcrumbs, share and print
  tools, comment forms, pagers) and boxes of other articles (found by class or by their
  heading: `Tin liên quan`, `Các tin khác`, `Tin mới nhất`…) are set aside first;
- the headline is the visible element that the page's own metadata names (`og:title`,
  JSON-LD `headline`, `<title>` without the site's name), else its single `<h1>` or
  `itemprop=headline`; found only in `<title>`, it is kept with a warning;
- the date is, in this order of precedence: the date printed beside the headline
  (before or after it, within a few elements; never one inside the body's text or in a
  box of other articles), `<time datetime>` or `itemprop=datePublished`, JSON-LD
  `datePublished`, a `<meta>` (`article:published_time`…), a date in the URL. A date
  without a time takes the time of a later source that gives the same day with one;
- the body is the block that holds the most paragraph text (`<p>`, `<div>` lines,
  `<br><br>`), scored as Readability does, less its links, the headline, the date and
  any tools or boxes inside it.
A page is an article when it has a headline, a date and a body of real text (or an
Article's metadata and a long body, with a warning that no date was found). Listings
(repeated items with links and dates, a pager), document pages (a table of Số ký hiệu,
Ngày ban hành…) and the home page never are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property

from crawler.dates import clean_raw_date, find_date, has_time, parse_date, parse_iso
from crawler.extraction.documents import is_document_page
from crawler.extraction.parts import ArticleParts
from crawler.extraction.profile import EMPTY
from crawler.text import normalize_space
from crawler.extraction.tree import BLOCKS, INVISIBLE, class_tokens, compiled, paragraphs, text
from crawler.urls import url_path

# Headings of boxes of other articles: related ones, and the site-wide latest news.
RELATED_HEADINGS = (
    "tin liên quan", "các tin liên quan", "tin tức liên quan", "tin bài liên quan", "bài viết liên quan",
    "bài liên quan", "các bài viết liên quan", "các tin khác", "tin khác", "các bài viết khác", "bài viết khác",
    "tin đã đưa", "các tin đã đưa", "tin cùng chuyên mục", "tin cùng loại", "xem thêm", "đọc thêm",
    "related", "related articles", "related posts", "related news", "read more", "more stories",
)  # fmt: skip
LATEST_HEADINGS = (
    "tin mới nhất", "tin mới", "tin tức mới nhất", "tin mới cập nhật", "bài viết mới", "bài mới", "tin nổi bật",
    "tin đọc nhiều", "tin xem nhiều", "đọc nhiều nhất", "xem nhiều nhất", "latest news", "latest", "most read",
    "most popular",
)  # fmt: skip
ATTACHMENT_LABELS = ("tệp đính kèm", "file đính kèm", "tài liệu đính kèm", "văn bản đính kèm", "đính kèm", "tải về")
# Words of class names and ids that mark site chrome, never an article's text.
_CHROME_WORDS = frozenset(
    "menu nav navbar navigation mainmenu submenu megamenu footer breadcrumb breadcrumbs share sharing social "
    "addthis sharethis sharedaddy print toolbar comment comments binhluan related lienquan tinlienquan tags tag "
    "pager paging pagination phantrang banner advert ads advertisement quangcao login search timkiem counter "
    "visitor thongke weblink weblinks lienket copyright rating vote cookie popup modal sidebar subscribe "
    "newsletter masthead tinkhac othernews tinmoi".split()
)
# Weaker words: chrome unless the same element also says it is the content.
_WEAK_CHROME_WORDS = frozenset("header tools tool other widget aside latest hot".split())
# What share, print and rating tools begin with, whatever their class.
_TOOL_TEXTS = re.compile(
    r"^(?:chia sẻ|in bài|bản in|gửi email|gửi bài|lượt xem|số lượt xem|tags?\s*:|từ khóa\s*:|từ khoá\s*:|"
    r"đánh giá bài viết|share|print|email this|facebook|zalo)\b",
    re.IGNORECASE,
)
_CONTENT_WORDS = frozenset(
    "content article main body detail details chitiet noidung entry post story text news fulltext".split()
)
_CHROME_TAGS = frozenset(("nav", "footer", "aside", "menu"))
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"))
_TITLE_WORDS = frozenset("title tieude tieu headline heading subject".split())
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ARTICLE_TYPES = frozenset(
    "article newsarticle blogposting reportagenewsarticle analysisnewsarticle backgroundnewsarticle "
    "opinionnewsarticle reviewnewsarticle socialmediaposting posting liveblogposting techarticle "
    "scholarlyarticle report".split()
)
_META_DATES = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "article.published", "pubdate", "publishdate", "publish_date", "publish-date", "date", "dc.date.issued",
    "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created", "sailthru.date", "parsely-pub-date",
    "citation_publication_date", "citation_date",
)  # fmt: skip
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»/•>]+\s+|\s*[|»•]\s*|\s+::\s+")
_URL_DATE = re.compile(r"/(?P<year>20\d{2}|19\d{2})[/_-]?(?P<month>0[1-9]|1[0-2])[/_-]?(?P<day>0[1-9]|[12]\d|3[01])(?:/|[^\d]|$)")
_HOME_TRAIL = re.compile(r"^(?:trang chủ|trang chính|home)\s*[»›>→/]\s*\S", re.IGNORECASE)  # not `|`: a bar of top links
_HOME_PATHS = re.compile(r"^/(?:|index\.html?|default\.aspx|trang-chu|home|trangchu)/?$", re.IGNORECASE)
_PAGER_TEXTS = frozenset(("trang sau", "trang tiếp", "sau", "tiếp", "next", "»", "›", ">>", "trang cuối", "cuối"))
_PAGE_QUERY = re.compile(r"[?&](?:page|p|trang|pageindex|pagenumber|paged|start|offset)=\d+|/page/\d+|/trang-\d+", re.IGNORECASE)
# A body has real text from this many characters on; under the second figure, a warning.
MIN_BODY = 150
SHORT_BODY = 400
UNDATED_MIN_BODY = 600  # an article without a date needs Article metadata and this much text


@dataclass
class GenericPage:
    """What the generic extractor made of a page: its type, its article's parts, or why none."""

    page_type: str  # article | listing | document | page
    parts: ArticleParts | None = None
    note: str | None = None


def read_page(root, url: str, profile=None) -> GenericPage:
    """Classify a page the profile did not recognise and find its article's parts."""
    path = url_path(url) or "/"
    looks_like_article = profile is not None and profile.is_article_url(path)
    if is_document_page(root, profile or EMPTY):
        return GenericPage("document")
    chrome = Chrome(root)
    meta = Metadata(root)
    body_el = _main_block(root, chrome)
    title_el, title, title_warning = _headline(root, meta, chrome, body_el, url)
    opinion, lines = _second_opinion(root)
    body_el = _widened_to_main_text(root, body_el, chrome, title, lines)
    share = _share_held(root, body_el, lines, title)
    problem, parts = None, None
    if not title:
        problem = "no headline"
    elif body_el is None:
        problem = "no body of real text"
    elif not (title_el is not None and _declares_itself(meta, title, chrome)) and (
            _is_list_of_items(body_el, chrome)
          or (_is_listing(body_el, chrome) and not _holds_most(share))
          or ((title_el is None or chrome.has_pager) and _headings_of_other_pages(root, chrome, url))
          or (chrome.has_pager and chrome.items[0] >= 2)):  # fmt: skip
        problem = "its main block is a list of other pages"
        body_el = None
    if problem is None and opinion is not None and _holds_little(share):
        body_el = opinion  # the page's own blocks hold little of the main text: trafilatura's reading is the body
    if problem is None:
        date = _publication_date(root, url, title_el, body_el, meta, chrome)
        attachments_el = _attachment_box(root, chrome)
        body_el, outside = _with_lead(body_el, title_el, date.element, chrome)
        skip = _skipped_in(body_el, chrome, title_el, date.element, attachments_el) | outside
        body_text = "\n\n".join(paragraphs(body_el, skip))
        if len(body_text) < MIN_BODY:
            problem = "no body of real text"
        else:
            parts = ArticleParts(
                method="generic", title=title, body_el=body_el, title_el=title_el, date_el=date.element,
                published_raw=date.raw, published=date.published, date_source=date.source, skip=skip,
                breadcrumb_el=chrome.breadcrumb, breadcrumb=None if chrome.breadcrumb is not None else meta.breadcrumb,
                attachments_el=attachments_el, related_el=chrome.related, latest_el=chrome.latest,
            )  # fmt: skip
            if title_warning:
                parts.warnings.append(title_warning)
            if date.raw and date.published is None:
                parts.warnings.append(f"unparseable date: {date.raw}")
            if len(body_text) < SHORT_BODY:
                parts.warnings.append(f"short body: {len(body_text)} characters")
            if date.published is not None or (meta.is_article and len(body_text) >= UNDATED_MIN_BODY):
                return GenericPage("article", parts)
            # A static page, or a post that gives no date: its text is read, but no article is archived.
            problem = "no publication date" if date.raw is None else f"an unreadable date: {date.raw}"
    # A portal's front page lists its news; it is read first as any page, since saved pages
    # often come with a placeholder address such as `https://example.org/`.
    page_type = "listing" if _HOME_PATHS.match(path) else _listing_or_page(chrome)
    note = None
    if looks_like_article and title:
        note = f"looked like an article (article URL and a headline) but {problem}"
    return GenericPage(page_type, parts, note)


# -- the site's chrome ---------------------------------------------------------------------


class Chrome:
    """The parts of a page that are the site's, not the article's: menus, boxes, tools.

    `elements` holds every element inside one of them; `related`, `latest` and
    `breadcrumb` are the boxes a reader would name so.
    """

    def __init__(self, root) -> None:
        self.root = root
        self.tops: list = []
        self.related = self.latest = self.breadcrumb = None
        body = root.find("body")
        self.page_text = len(text(body if body is not None else root))
        for el in root.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag in INVISIBLE:
                self.tops.append(el)
            elif self._is_breadcrumb(el):
                if self.breadcrumb is None:
                    self.breadcrumb = el
                self.tops.append(el)
            elif tag in _CHROME_TAGS or (el.get("role") or "").lower() in _CHROME_ROLES or self._by_class(el):
                if not self._holds_the_text(el):
                    self.tops.append(el)
            elif tag == "header" and not _inside(el, ("article", "main")) and not self._holds_the_text(el):
                self.tops.append(el)
        if self.breadcrumb is None:
            self.breadcrumb = self._breadcrumb_by_text(root)
            if self.breadcrumb is not None:
                self.tops.append(self.breadcrumb)
        self._boxes_by_heading(root)
        self._boxes_by_class(root)
        self._tools_by_text(root)
        self.elements = set()
        for top in self.tops:
            self.elements.update(top.iter())

    @cached_property
    def items(self) -> tuple[int, object]:
        """The page's largest list of alike items outside the chrome: how many, and what holds them."""
        return list_of_items(self.root, self)

    @cached_property
    def has_pager(self) -> bool:
        """Whether the page has a pager."""
        return _has_pager(self.root)

    @cached_property
    def sections(self) -> set[str]:
        """What the menus and the breadcrumb call the site's sections: never an article's headline.

        Short link texts only: a box of other articles in the chrome names headlines, not sections.
        """
        return {text(a).casefold() for a in self.root.iter("a") if a in self and 0 < len(text(a).split()) <= 6}

    @cached_property
    def _top_elements(self) -> set:
        return {top for top in self.tops if not isinstance(top, _Holder)}

    def tops_within(self, el) -> list:
        """The chrome's elements inside `el` (not boxes made of a heading and its siblings)."""
        tops = self._top_elements
        return [node for node in el.iterdescendants() if node in tops]

    def length_within(self, el) -> int:
        """How much text the chrome inside `el` shows."""
        lengths = self._lengths
        total = 0
        for top in self.tops_within(el):
            if top not in lengths:
                lengths[top] = len(text(top))
            total += lengths[top]
        return total

    @cached_property
    def _lengths(self) -> dict:
        return {}

    def __contains__(self, el) -> bool:
        return el in self.elements

    def _holds_the_text(self, el) -> bool:
        """Whether an element named like chrome holds most of the page's prose (`class="post tag-news"`)."""
        size = len(text(el))
        if size < 0.4 * self.page_text or size < 500:
            return False
        linked = sum(len(text(a)) for a in el.iter("a"))
        return linked < 0.3 * size

    @staticmethod
    def _breadcrumb_by_text(root):
        """A trail that no class names: a short line that starts at the home page, `Trang chủ » …`."""
        for el in compiled("//div | //p | //span | //td | //ul | //ol | //nav")(root):
            value = text(el)
            if len(value) <= 200 and _HOME_TRAIL.match(value) and not any(
                    isinstance(c.tag, str) and c.tag in ("p", "table", "h1", "h2") for c in el.iter()):  # fmt: skip
                return el
        return None

    @staticmethod
    def _is_breadcrumb(el) -> bool:
        words = class_tokens(el)
        if {"breadcrumb", "breadcrumbs", "crumb", "crumbs", "duongdan", "vitri"} & set(words):
            return True
        if (el.get("aria-label") or "").lower() in ("breadcrumb", "breadcrumbs"):
            return True
        return "breadcrumblist" in (el.get("itemtype") or "").lower()

    @staticmethod
    def _by_class(el) -> bool:
        words = class_tokens(el)
        if not words or el.tag in _HEADING_TAGS:  # `h1.header-title` is a headline, whatever its class says
            return False
        if any(word in _CHROME_WORDS for word in words):
            return el.tag not in ("body", "html")
        if any(word in _WEAK_CHROME_WORDS for word in words):
            return not any(word in _CONTENT_WORDS for word in words) and el.tag not in ("body", "html", "form")
        return False

    def _boxes_by_heading(self, root) -> None:
        """Boxes named by their heading, whatever their class: the heading and the links after it."""
        for heading in _BOX_HEADING_XPATH(root):
            kind = _box_kind(text(heading))
            if kind is None:
                continue
            box = _box_around(heading)
            if kind == "related" and self.related is None:
                self.related = box
            elif kind == "latest" and self.latest is None:
                self.latest = box
            self.tops.append(box)

    def _tools_by_text(self, root) -> None:
        """Share, print and view-count lines that no class names: by what they say."""
        for el in compiled("//div | //p | //ul | //span | //td")(root):
            if len(el) <= 12:
                value = text(el)
                if value and len(value) <= 100 and _TOOL_TEXTS.match(value):
                    self.tops.append(el)

    def _boxes_by_class(self, root) -> None:
        if self.related is None:
            for el in root.iter():
                if isinstance(el.tag, str) and {"related", "lienquan", "tinlienquan", "tinkhac", "othernews"} & set(
                    class_tokens(el)
                ) and el.find(".//a") is not None:  # fmt: skip
                    self.related = el
                    break


_BOX_HEADING_XPATH = compiled(
    "//h2 | //h3 | //h4 | //h5 | //h6 | //strong | //b | //span | //div[not(*) or count(*) = 1] | //td | //p"
    " | //legend | //caption | //label"
)


def _box_kind(heading_text: str) -> str | None:
    label = heading_text.casefold().strip(" :»›-–—|").strip()
    if not label or len(label) > 40:
        return None
    if label in RELATED_HEADINGS:
        return "related"
    if label in LATEST_HEADINGS:
        return "latest"
    return None


def _box_around(heading):
    """The box a heading names: its nearest ancestor holding links, or the heading and what follows."""
    node = heading
    for _ in range(4):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        links = parent.findall(".//a")
        if len(links) >= 1:
            linked = sum(len(text(a)) for a in links)
            if linked >= 0.5 * max(1, len(text(parent)) - len(text(heading))):
                return parent
            break  # the heading sits among the article's own text: the box is what follows it
        node = parent
    # A heading inside the body block: the box is the heading and its following siblings.
    holder = _Holder(node)
    return holder


class _Holder:
    """A box made of a heading and the siblings after it (no element of its own holds them)."""

    def __init__(self, heading) -> None:
        self.members = [heading, *[s for s in heading.itersiblings() if isinstance(s.tag, str)]]
        self.tag = "div"

    def iter(self, tag=None):
        for member in self.members:
            yield from member.iter(tag) if tag else member.iter()

    def findall(self, path):
        return [found for member in self.members for found in member.findall(path)]

    def find(self, path):
        found = self.findall(path)
        return found[0] if found else None

    def get(self, key, default=None):
        return default

    def __iter__(self):
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)


def _inside(el, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in el.iterancestors())


# -- metadata ------------------------------------------------------------------------------


class Metadata:
    """What a page says of itself: Open Graph, JSON-LD, `<meta>` dates, `<title>`."""

    def __init__(self, root) -> None:
        self.properties: dict[str, str] = {}
        for meta in compiled("//meta[@content]")(root):
            key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
            if key and key not in self.properties:
                self.properties[key] = meta.get("content") or ""
        self.objects = _json_ld(root)
        titles = compiled("//title")(root)
        self.title = text(titles[0]) if titles else ""
        self.is_article = self.properties.get("og:type", "").lower() == "article" or any(
            _types(item) & _ARTICLE_TYPES for item in self.objects
        )

    @property
    def declared_headline(self) -> str:
        """The headline JSON-LD or Open Graph gives, without the site's name."""
        for item in self.objects:
            if _types(item) & _ARTICLE_TYPES and item.get("headline"):
                return normalize_space(str(item["headline"]))
        value = normalize_space(self.properties.get("og:title", ""))
        return _without_site(value, self.properties.get("og:site_name", "")) if value else ""

    @property
    def title_without_site(self) -> str:
        """`<title>` less the site's name: its longest part between separators."""
        return _without_site(self.title, self.properties.get("og:site_name", ""))

    @property
    def headlines(self) -> list[str]:
        """What the page's metadata calls its title, best first, with and without the site's name."""
        found = [str(item.get("headline") or "") for item in self.objects if _types(item) & _ARTICLE_TYPES]
        found += [self.properties.get("og:title", ""), self.properties.get("twitter:title", ""), self.title]
        references: list[str] = []
        site = normalize_space(self.properties.get("og:site_name", "")).casefold()
        for value in found:
            value = normalize_space(value)
            if not value:
                continue
            references.append(value)
            pieces = [p for p in _TITLE_SEPARATORS.split(value) if p and p.casefold() != site]
            if len(pieces) > 1:
                # The site's name ends (or starts) a <title>; a headline may hold a separator itself.
                separators = _TITLE_SEPARATORS.findall(value)
                references.append(value[: value.rfind(separators[-1])].strip())
                references.append(value[value.find(separators[0]) + len(separators[0]) :].strip())
                references.append(max(pieces, key=len))
        return list(dict.fromkeys(references))

    @property
    def dates(self) -> list[tuple[str, str]]:
        """(source, value) of every machine-readable publication date, in order of precedence."""
        found = [("json-ld", str(item["datePublished"])) for item in self.objects
                 if item.get("datePublished") and (_types(item) & _ARTICLE_TYPES or item.get("headline"))]  # fmt: skip
        found += [("meta", self.properties[key]) for key in _META_DATES if self.properties.get(key)]
        return found

    @property
    def breadcrumb(self) -> list[str] | None:
        """A schema.org BreadcrumbList's item names, when the page has no visible breadcrumb."""
        for item in self.objects:
            if "breadcrumblist" in _types(item):
                names = []
                for entry in item.get("itemListElement") or []:
                    if isinstance(entry, dict):
                        inner = entry.get("item")
                        name = entry.get("name") or (inner.get("name") if isinstance(inner, dict) else None)
                        if name:
                            names.append(normalize_space(str(name)))
                return names or None
        return None


def _without_site(value: str, site: str) -> str:
    site = normalize_space(site).casefold()
    pieces = [p for p in _TITLE_SEPARATORS.split(value) if p.strip() and p.casefold() != site]
    if len(pieces) <= 1:
        return value
    return max(pieces, key=len)


def _json_ld(root) -> list[dict]:
    objects: list[dict] = []
    for script in compiled('//script[@type="application/ld+json"]')(root):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # broken JSON-LD is common; the page has other ways to say it
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    return objects


def _types(item: dict) -> set[str]:
    value = item.get("@type") or ()
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {str(v).lower() for v in values}


# -- the headline --------------------------------------------------------------------------

_HEADLINE_XPATH = compiled(
    "//h1 | //*[@itemprop='headline' or @itemprop='name'][not(self::meta)] | //h2 | //h3"
    " | //*[contains(@class, 'title') or contains(@class, 'tieude') or contains(@class, 'tieu-de')"
    " or contains(@class, 'headline') or contains(@id, 'title') or contains(@id, 'tieude')][not(self::title)]"
)


def _headline(root, meta: Metadata, chrome: Chrome, body_el=None, url: str = "") -> tuple[object, str, str | None]:
    """The headline's element and text, and a warning when it was found only in `<title>`."""
    sections = chrome.sections
    references = [r for r in meta.headlines if r.casefold() not in sections]
    folded = [r.casefold() for r in references]
    candidates = [el for el in _HEADLINE_XPATH(root)
                  if el not in chrome and not _in_link(el) and not _names_another_page(el, url)]  # fmt: skip
    for el in candidates:
        value = text(el)
        if value and value.casefold() in folded:
            return el, value, None
    for reference in references:  # any element whose whole text is the headline (a `<span>` in a table)
        if len(reference) < 10:
            continue
        for el in _elements_reading(root, reference):
            if el not in chrome and not _in_link(el):
                return el, text(el), None
    for el in sorted(candidates, key=lambda el: -_HEADING_RANK.get(el.tag, 0)):  # named only in part (cut, longer)
        value = text(el)
        if len(value) >= 15 and any(value.casefold() in r or (len(r) >= 15 and r in value.casefold()) for r in folded):
            return el, value, None
    named = [el for el in candidates if el.get("itemprop") == "headline" and text(el)]
    if named:
        return named[0], text(named[0]), None
    declared = meta.declared_headline
    if _reads_as_headline(declared, sections):  # JSON-LD or Open Graph names it, the page shows it nowhere
        return None, declared, "headline found only in the page's metadata"
    before = _heading_before(root, body_el, chrome, url, sections) if body_el is not None else None
    if before is not None:
        return before, text(before), None
    if references:
        return None, meta.title_without_site or references[0], _ONLY_IN_TITLE
    return None, "", None


_HEADING_RANK = {"h1": 3, "h2": 2}
_ONLY_IN_TITLE = "headline found only in <title>"


def _declares_itself(meta: Metadata, title: str, chrome: Chrome) -> bool:
    """Whether a page says it is an article (Open Graph or JSON-LD) under the headline it shows.

    Such a page keeps its article even beside lists of other posts; a listing's headline is
    the name of its section, which never counts.
    """
    if not meta.is_article or not title:
        return False
    folded = title.casefold()
    return folded in {r.casefold() for r in meta.headlines} and _reads_as_headline(title, chrome.sections)


def _reads_as_headline(value: str, sections: set[str]) -> bool:
    """A headline is a sentence, not the name of a section of the site (`Tin tức`)."""
    folded = value.casefold()
    return len(value.split()) >= 4 and not any(name.startswith(folded) for name in sections)


def _heading_before(root, body_el, chrome: Chrome, url: str = "", sections: frozenset | set = frozenset()):
    """The headline a page shows just before its body: the last heading (or bold title line) ahead of the text."""
    start = _first_text_unit(body_el)
    best, best_rank = None, 0
    for el in root.iter():
        if el is start:
            break
        if not isinstance(el.tag, str) or el in chrome or _in_link(el) or _names_another_page(el, url):
            continue
        rank = _HEADING_RANK.get(el.tag, 0)
        if not rank and (_TITLE_WORDS & set(class_tokens(el)) or el.tag in ("h3", "h4")):
            rank = 2 if _TITLE_WORDS & set(class_tokens(el)) else 1
        if not rank and el.tag in ("b", "strong", "span", "font", "td", "div", "p") and _looks_bold(el):
            rank = 1
        if not rank:
            continue
        value = text(el)
        if 10 <= len(value) <= 300 and find_date(value) is None and rank >= best_rank and value.casefold() not in sections:
            best, best_rank = el, rank
    return best


def _first_text_unit(body_el):
    for el in body_el.iter():
        if isinstance(el.tag, str) and el.tag in _TEXT_UNITS | {"div"} and len(text(el)) >= 80 and el is not body_el:
            if not any(isinstance(c.tag, str) and c.tag in _BLOCK_CHILDREN for c in el):
                return el
    return body_el


def _looks_bold(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    if "font-weight:bold" in style or "font-weight:700" in style or "font-size:1" in style:
        return len(el) <= 2
    return el.tag in ("b", "strong") and el.getparent() is not None and text(el) == text(el.getparent())


def _elements_reading(root, value: str):
    """The innermost elements whose whole visible text is `value`."""
    key = value.split()[0]
    folded = value.casefold()
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in INVISIBLE or not (el.text or "").lstrip().startswith(key):
            continue
        node = el
        for _ in range(3):  # the text may start in a child (`<td><span>Title</span></td>`)
            if text(node).casefold() == folded:
                yield node
                break
            node = node.getparent()
            if node is None:
                break


def _headings_of_other_pages(root, chrome: Chrome, url: str) -> bool:
    """Whether the page's headings are links to other pages: an archive of posts."""
    linked = [el.tag for el in compiled("//h1 | //h2 | //h3")(root) if el not in chrome and _names_another_page(el, url)]
    # With the page's own address unknown (none, or a placeholder such as `/`), a post's
    # link to itself looks like a link elsewhere: then two are needed.
    needed = 1 if url_path(url).strip("/") else 2
    return any(linked.count(tag) >= needed for tag in set(linked))


def _names_another_page(el, url: str) -> bool:
    """Whether a heading is all one link to another page: an item's title in a list, not the page's headline."""
    link = next((a for a in el.iter("a") if text(a)), None)
    if link is None or text(link) != text(el):
        return False
    target = url_path(link.get("href") or "", url).rstrip("/") if url else link.get("href")
    return target != url_path(url).rstrip("/")


def _in_heading(el) -> bool:
    return any(ancestor.tag in _HEADING_TAGS for ancestor in el.iterancestors())


def _in_link(el) -> bool:
    return el.tag == "a" or any(ancestor.tag == "a" for ancestor in el.iterancestors())


# -- the date ------------------------------------------------------------------------------


@dataclass
class FoundDate:
    published: str | None = None
    raw: str | None = None
    source: str | None = None
    element: object = None


def _publication_date(root, url: str, title_el, body_el, meta: Metadata, chrome: Chrome) -> FoundDate:
    """The publication date by the precedence this module's docstring states."""
    candidates: list[FoundDate] = []
    # Printed beside the headline; with no headline element, beside the body block.
    visible = _date_beside(title_el, body_el, chrome) if title_el is not None else _date_beside(body_el, None, chrome)
    if visible is not None:
        candidates.append(visible)
    for el in compiled("//time[@datetime] | //*[@itemprop='datePublished']")(root):
        if el in chrome or (body_el is not None and _within(body_el, el)):
            continue
        if el.get("itemprop") == "dateModified" or {"updated", "modified"} & set(class_tokens(el)):
            continue  # when it was edited, not published
        value = el.get("datetime") or el.get("content") or text(el)
        published = parse_iso(value)
        if published:
            candidates.append(FoundDate(published, normalize_space(text(el)) or value, "time", el))
            break
    for source, value in meta.dates:
        published = parse_iso(value)
        if published:
            candidates.append(FoundDate(published, normalize_space(value), source))
    match = _URL_DATE.search(url_path(url))
    if match:
        published = parse_date(f"{match['day']}/{match['month']}/{match['year']}")
        if published:
            candidates.append(FoundDate(published, None, "url"))
    if not candidates:
        return FoundDate()
    chosen = candidates[0]
    if chosen.published and not has_time(chosen.published):
        for later in candidates[1:]:
            if later.published and later.published[:10] == chosen.published[:10] and has_time(later.published):
                return FoundDate(later.published, chosen.raw or later.raw, chosen.source, chosen.element)
    if chosen.raw is None and chosen.source == "url":
        chosen.raw = chosen.published[:10]
    return chosen


def _date_beside(title_el, body_el, chrome: Chrome) -> FoundDate | None:
    """A date printed next to the headline: in the few elements before or after it, at any of three levels."""
    node = title_el
    for _ in range(4):
        tail = _date_in_text(node.tail or "")
        if tail is not None:  # `<h2>Title</h2> Thứ Sáu, 24/09/2021`
            return FoundDate(tail[0], tail[1], "visible", None)
        after = [s for s in node.itersiblings() if isinstance(s.tag, str)][:4]
        before = [s for s in node.itersiblings(preceding=True) if isinstance(s.tag, str)][:3]
        for sibling in _interleave(after, before):
            if sibling in chrome or sibling is body_el or sibling.tag in INVISIBLE or _in_link(sibling):
                continue
            if body_el is not None and _within(sibling, body_el):
                # A block that holds the body: only what comes before the body's text is a dateline.
                found = _date_ahead_of(sibling, body_el, chrome)
                if found is not None:
                    return found
                continue
            found = _date_in_element(sibling)
            if found is not None:
                return FoundDate(found[0], found[1], "visible", sibling)
        node = node.getparent()
        if node is None or node.tag in ("body", "html") or (body_el is not None and _within(node, body_el)):
            break
    return None


def _date_ahead_of(block, body_el, chrome: Chrome) -> FoundDate | None:
    """A dateline inside `block` ahead of the body's first paragraph (`Gửi bởi … vào Thứ Sáu, 05/06/2020`)."""
    start = _first_text_unit(body_el)
    for el in block.iter():
        if el is start or el is body_el and start is body_el:
            break
        if not isinstance(el.tag, str) or el in chrome or el.tag in INVISIBLE or _within(el, body_el) and el is not body_el:
            continue
        if el is body_el or any(isinstance(c.tag, str) and c.tag in _BLOCK_CHILDREN for c in el):
            continue  # a container: its own lines are read as its children are
        found = _date_in_element(el)
        if found is not None:
            return FoundDate(found[0], found[1], "visible", el)
    return None


_PUBLISHED_XPATH = compiled(
    ".//*[@itemprop='datePublished'] | .//time[contains(concat(' ', normalize-space(@class), ' '), ' published ')]"
)


def _date_in_element(el) -> tuple[str | None, str] | None:
    marked = _PUBLISHED_XPATH(el)
    if marked:  # a dateline with both dates (`updated`, `published`): the one marked as published
        value = marked[0].get("datetime") or marked[0].get("content")
        published = parse_iso(value) if value else None
        shown = text(marked[0])
        if published or shown:
            return (published or parse_date(shown)), shown or value
    value = text(el)
    if not value or len(value) > 160 or el.tag == "a":
        return None
    if el.tag == "p" and len(value) > 60 and value.rstrip().endswith("."):
        return None  # a sentence of text, not a dateline
    if any(len(text(a)) >= 15 for a in el.iter("a")):
        return None  # an item of a list of other pages, with its own date
    return _date_in_text(value)


def _date_in_text(value: str) -> tuple[str | None, str] | None:
    value = normalize_space(value.replace("\n", " "))
    if not value or len(value) > 160:
        return None
    match = find_date(value)
    if match is None:
        return None
    raw = clean_raw_date(value) if len(value) <= 80 else value[max(0, match.start() - 20) : match.end() + 12].strip()
    return parse_date(raw), raw


def _interleave(after: list, before: list) -> list:
    order = []
    for index in range(max(len(after), len(before))):
        if index < len(after):
            order.append(after[index])
        if index < len(before):
            order.append(before[index])
    return order


def _within(ancestor, el) -> bool:
    """Whether `el` is `ancestor` or lies inside it."""
    return el is ancestor or any(node is ancestor for node in el.iterancestors())


# -- the body ------------------------------------------------------------------------------

_PARAGRAPH_TAGS = frozenset(("p", "pre", "blockquote"))
_CONTAINER_TAGS = frozenset(("div", "td", "section", "article", "main", "center", "li", "dd"))
_BLOCK_CHILDREN = BLOCKS - {"li", "dt", "dd", "tr", "tbody", "thead", "tfoot", "caption", "figcaption", "hr"}


def _main_block(root, chrome: Chrome):
    """The element that holds the most paragraph text, scored as Readability scores candidates."""
    scores: dict = {}

    def credit(el, score: float) -> None:
        if el is None or el in chrome or not isinstance(el.tag, str) or el.tag in ("html", "head"):
            return
        scores[el] = scores.get(el, 0.0) + score

    body = root.find("body")
    for el in (body if body is not None else root).iter():
        tag = el.tag
        if not isinstance(tag, str) or el in chrome or _in_link(el):
            continue
        if tag in _PARAGRAPH_TAGS:
            _credit_paragraph(el, text(el), credit)
            continue
        if tag not in _CONTAINER_TAGS:
            continue
        has_blocks = any(isinstance(c.tag, str) and c.tag in _BLOCK_CHILDREN for c in el)
        runs = [el.text or ""] + [child.tail or "" for child in el if isinstance(child.tag, str)]
        long_runs = [run.strip() for run in runs if len(run.strip()) >= 25]
        if not has_blocks and (len(long_runs) < 2 or el.find("br") is None):
            _credit_paragraph(el, text(el), credit)  # a `<div>` or `<td>` written as one paragraph
        else:
            # Lines of text straight inside a block (`text<br><br>text`): they are its paragraphs.
            for run in long_runs:
                score = 1 + run.count(",") + min(len(run) // 100, 3)
                credit(el, score)
                credit(el.getparent(), score / 2)
    if not scores:
        return None
    finals = {el: score * (1 - _link_density(el, chrome)) for el, score in scores.items()}
    best = max(finals, key=finals.get)
    # The text split over sibling blocks (a lead block, then the paragraphs, then more):
    # their common parent is the body, as Readability joins siblings that score well.
    for _ in range(2):
        parent = best.getparent()
        if parent is None or parent in chrome or parent.tag in ("body", "html"):
            break
        siblings = [el for el in parent if el is not best and finals.get(el, 0) >= max(3.0, 0.2 * finals[best])]
        if not siblings:
            break
        best = parent
        finals.setdefault(best, finals[siblings[0]] + finals.get(best, 0))
    return best


_TEXT_UNITS = frozenset(("p", "li", "td", "th", "dd", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "figcaption"))
# Below this share of trafilatura's main text, the scored block is too narrow.
MIN_COVERAGE = 0.6


def _second_opinion(root) -> tuple[object, list[str]]:
    """Trafilatura's reading of the page: its main text as an element, and its lines of 40 characters or more.

    Text spread over many nested blocks, or a page whose scored block is the wrong one,
    defeats the scoring; trafilatura is a second opinion on where the main text is.
    """
    import lxml.html
    import trafilatura

    try:
        found = trafilatura.extract(lxml.html.tostring(root, encoding="unicode"), include_comments=False,
                                    include_tables=True, deduplicate=False, output_format="html")  # fmt: skip
        opinion = lxml.html.fromstring(found).find("body") if found else None
    except Exception:  # noqa: BLE001 (a second opinion that fails leaves the first one standing)
        return None, []
    if opinion is None:
        return None, []
    lines = [normalize_space(line) for line in "\n".join(paragraphs(opinion)).splitlines()]
    return opinion, [line for line in lines if len(line) >= 40]


def _holds_little(share: tuple[int, int]) -> bool:
    """Whether a body holds under half of the second opinion's main text (`_share_held`)."""
    held, total = share
    return total >= UNDATED_MIN_BODY and held < 0.5 * total


def _holds_most(share: tuple[int, int]) -> bool:
    """Whether a body holds nearly all of the second opinion's main text: both read the same article."""
    held, total = share
    return total >= UNDATED_MIN_BODY and held >= 0.9 * total


def _share_held(root, body_el, lines: list[str], title: str) -> tuple[int, int]:
    """How much of the second opinion's text a body holds, and of how much.

    The headline's lines do not count, nor lines that are mostly a link's text: items of
    boxes of other articles, which the second opinion sometimes keeps.
    """
    if not lines:
        return 0, 0
    links = {value for value in (text(a) for a in root.iter("a")) if len(value) >= 20}
    lines = [line for line in lines if not (title and (title in line or line in title))
             and not any(len(link) >= 0.6 * len(line) and link in line for link in links)]  # fmt: skip
    shown = text(body_el) if body_el is not None else ""
    return sum(len(line) for line in lines if line[:40] in shown), sum(len(line) for line in lines)


def _widened_to_main_text(root, body_el, chrome: Chrome, title: str, lines: list[str]):
    """The body block, widened to hold the main text of the second opinion when it holds too little of it.

    The body becomes the smallest element near the scored block that holds those lines
    (or, when the scored block is no body at all, the one that holds them wherever it is);
    the text itself is still read from the page's own elements, chrome left out.
    """
    total = sum(len(line) for line in lines)
    if not total:
        return body_el
    ours = text(body_el) if body_el is not None else ""
    missing = [line for line in lines if line[:40] not in ours and not (title and (title in line or line in title))]
    if sum(len(line) for line in missing) <= (1 - MIN_COVERAGE) * total:
        return body_el
    units = [(el, text(el)) for el in root.iter() if isinstance(el.tag, str) and el not in chrome and (
        el.tag in _TEXT_UNITS or (el.tag == "div" and not any(
            isinstance(c.tag, str) and c.tag in _BLOCK_CHILDREN for c in el)))]  # fmt: skip
    holders = [body_el]
    for line in missing:
        key = line[:40]
        holder = next((el for el, value in units if key in value), None)
        if holder is not None:
            holders.append(holder)
    if len(ours) < MIN_BODY and len(holders) > 1:
        # The scored block is no body at all: the body is the block that holds trafilatura's lines.
        elsewhere = _common_ancestor(holders[1:])
        if elsewhere is not None and elsewhere.tag not in ("html", "body") and elsewhere not in chrome:
            if len(" ".join(paragraphs(elsewhere, frozenset(chrome.tops_within(elsewhere))))) <= 1.5 * total:
                return elsewhere
    if body_el is None:
        return None
    # Only lines close to the scored block count: three levels up at most.
    levels = [body_el, *list(body_el.iterancestors())[:3]]
    common = body_el
    for holder in holders[1:]:
        around = next((level for level in levels if _within(level, holder)), None)
        if around is not None and levels.index(around) > levels.index(common):
            common = around
    if common is body_el or common.tag in ("html", "body") or common in chrome:
        return body_el
    wanted = len(ours) + sum(len(line) for line in missing)
    if len(" ".join(paragraphs(common, frozenset(chrome.tops_within(common))))) > 1.5 * wanted:
        return body_el  # the lines are scattered over the page (a footer, a sidebar): no body holds them
    return common


def _common_ancestor(elements: list):
    """The innermost element that holds all of `elements`."""
    paths = [[*reversed(list(el.iterancestors())), el] for el in elements]
    common = None
    for level in zip(*paths):
        if any(node is not level[0] for node in level):
            break
        common = level[0]
    return common


def _credit_paragraph(el, value: str, credit) -> None:
    if len(value) < 25:
        return
    score = 1 + value.count(",") + min(len(value) // 100, 3)
    parent = el.getparent()
    credit(parent, score)
    credit(parent.getparent() if parent is not None else None, score / 2)


def _link_density(el, chrome: Chrome) -> float:
    """The share of a block's own text (its chrome left out) that is link text."""
    total = len(text(el)) - chrome.length_within(el)
    if total <= 0:
        return 1.0
    linked = sum(len(text(a)) for a in el.iter("a") if a not in chrome)
    return min(1.0, linked / total)


_LEAD_WORDS = frozenset(
    "sapo lead lede summary description tomtat trichdan intro articleintro chapeau chapo standfirst excerpt teaser".split()
)


def _with_lead(body_el, title_el, date_el, chrome: Chrome) -> tuple[object, frozenset]:
    """The body with its lead (sapo) when the page sets it apart just before the body block.

    The body becomes the block's parent, and the parent's other children are left out.
    """
    lead = body_el.getprevious()
    while lead is not None and (not isinstance(lead.tag, str) or not text(lead)):
        lead = lead.getprevious()
    if lead is None or lead is title_el or lead is date_el or lead in chrome:
        return body_el, frozenset()
    value = text(lead)
    marked = bool(_LEAD_WORDS & set(class_tokens(lead))) or lead.get("data-role") == "sapo"
    bold = lead.tag in ("h2", "h3", "strong", "b") or _looks_bold(lead) or (
        len(lead) == 1 and lead[0].tag in ("strong", "b") and text(lead[0]) == value)  # fmt: skip
    if not (marked or bold) or not 60 <= len(value) <= 800 or find_date(value[:30]) is not None:
        return body_el, frozenset()
    parent = body_el.getparent()
    if parent is None or parent in chrome:
        return body_el, frozenset()
    outside = {child for child in parent if isinstance(child.tag, str) and child is not lead and child is not body_el}
    return parent, frozenset(outside)


def _skipped_in(body_el, chrome: Chrome, title_el, date_el, attachments_el=None) -> frozenset:
    """Elements inside the body block that are not its text: headline, date, chrome, boxes, attachments."""
    skip = set()
    for el in (title_el, date_el, attachments_el):
        if el is not None and el is not body_el and _within(body_el, el):
            skip.add(el)
    for top in chrome.tops:
        members = top.members if isinstance(top, _Holder) else [top]
        for member in members:
            if member is not body_el and _within(body_el, member):
                skip.add(member)
    count, holder = list_of_items(body_el, chrome)
    if count >= 3 and holder is not None and holder is not body_el and _dated_links(holder):
        skip.add(holder)  # a box of other articles (dated links) with no heading or class to name it
    skip.update(_tool_rows(body_el))
    if title_el is not None and title_el is not body_el and _within(body_el, title_el):
        # The headline's own block in the body block (an article's <header> with its byline) is no text of it.
        block = title_el
        while block.getparent() is not None and block.getparent() is not body_el:
            block = block.getparent()
        if block is not title_el and len(text(block)) <= len(text(title_el)) + 300:
            skip.add(block)
        # Nor is what comes before the headline (a category name, a toolbar).
        node = title_el
        while node is not None and node is not body_el:
            for sibling in node.itersiblings(preceding=True):
                if isinstance(sibling.tag, str):
                    skip.add(sibling)
            node = node.getparent()
    return frozenset(skip)


# Labels of a page's tools (print, e-mail, back, share), which some templates put in a row of
# plain links under the text, with no class to name them.
TOOL_LABELS = frozenset((
    "in", "in trang", "in bài", "in bài viết", "bản in", "print", "gửi email", "gửi mail", "gửi bài", "email",
    "e-mail", "quay lại", "trở về", "trở lại", "về đầu trang", "lên đầu trang", "đầu trang", "chia sẻ", "share",
    "facebook", "zalo", "twitter", "tweet", "lưu", "lưu bài", "góp ý", "phản hồi",
))  # fmt: skip
_TOOL_DECORATION = re.compile(r"[\s\[\]()|/·•»«-]+")


def _tool_rows(body_el) -> list:
    """Blocks of the body that hold nothing but two or more tool links (`[In trang] [Gửi email] [Quay lại]`)."""
    rows = []
    for block in body_el.iter("p", "div", "td", "tr", "ul", "li", "span"):
        if block is body_el:
            continue
        links = [a for a in block.iter("a") if text(a)]
        if len(links) < 2 or not all(_is_tool_link(a) for a in links):
            continue
        rest = text(block)
        for link in links:
            rest = rest.replace(text(link), " ", 1)
        if not _TOOL_DECORATION.sub("", rest):
            rows.append(block)
    return rows


def _is_tool_link(link) -> bool:
    href = (link.get("href") or "").strip().lower()
    if href.startswith(("javascript:", "mailto:")) or "print" in href:
        return True
    return _TOOL_DECORATION.sub(" ", text(link)).strip().casefold() in TOOL_LABELS


def _dated_links(holder) -> bool:
    """Whether every item of a list is a link with a date beside it, and little else."""
    items = [child for child in holder if isinstance(child.tag, str) and text(child)]
    for item in items:
        links = [a for a in item.iter("a") if text(a)]
        shown = text(item)
        if not links or find_date(shown) is None or sum(len(text(a)) for a in links) < 0.5 * len(shown):
            return False
    return bool(items)


def _is_list_of_items(el, chrome: Chrome) -> bool:
    """Whether a block is a list of other pages: three or more alike items (links with a date or summary), most of its text."""
    count, holder = list_of_items(el, chrome)
    return count >= 3 and len(text(holder)) >= 0.5 * len(text(el))


def _is_listing(body_el, chrome: Chrome) -> bool:
    """Whether the page's list of items holds as much text as its would-be body (half, when it is inside it)."""
    count, holder = chrome.items
    if count < 2 or holder is None:
        return False
    share = 0.5 if _within(body_el, holder) or _within(holder, body_el) else 1.0
    return len(text(holder)) >= share * len(text(body_el))


def list_of_items(root, chrome: Chrome) -> tuple[int, object]:
    """The element holding the most alike items (links with a date, picture or summary), and how many."""
    best, holder = 0, None
    for parent in root.iter():
        if not isinstance(parent.tag, str) or parent in chrome or len(parent) < 2:
            continue
        groups: dict[tuple, int] = {}
        for child in parent:
            if not isinstance(child.tag, str) or child in chrome:
                continue
            link = child if child.tag == "a" else next((a for a in child.iter("a") if text(a)), None)
            if link is None:
                continue
            rest = text(child)
            if len(rest) > 600:
                continue  # a column of the page's layout, not an item of a list
            dated = find_date(rest) is not None
            if not dated and (len(text(link)) < 15 or (child.find(".//img") is None and len(rest) - len(text(link)) < 40)):
                continue  # an item links a page and shows its date, or its picture or summary
            titled = (_in_heading(link) or (child.tag == "tr" and dated)  # a row of a table of documents
                      or len(text(link)) >= (0.5 if child.tag == "p" else 0.25) * len(rest))  # fmt: skip
            if not titled:
                continue  # a paragraph with a link in its text, not an item named by its link
            key = (child.tag, child.get("class"))
            groups[key] = groups.get(key, 0) + 1
        if groups and max(groups.values()) > best:
            best, holder = max(groups.values()), parent
    return best, holder


# -- other page types ----------------------------------------------------------------------


def _listing_or_page(chrome: Chrome) -> str:
    """listing when the page shows repeated items with links, or a pager; page otherwise."""
    if chrome.items[0] >= 3 or chrome.has_pager:
        return "listing"
    return "page"


def _has_pager(root) -> bool:
    if pager_element(root) is not None:
        return True
    numbered = 0
    for a in compiled("//a[@href]")(root):
        label = text(a).casefold()
        href = a.get("href") or ""
        if (a.get("rel") or "").lower() == "next" or (label in _PAGER_TEXTS and _PAGE_QUERY.search(href)):
            return True
        if label.isdigit() and _PAGE_QUERY.search(href):
            numbered += 1
    return numbered >= 2


def pager_element(root):
    """The element a pager's class names (`pager`, `pagination`, `phantrang`…), if any."""
    for el in root.iter():
        if isinstance(el.tag, str) and {"pager", "paging", "pagination", "phantrang"} & set(class_tokens(el)):
            if el.find(".//a") is not None:
                return el
    return None


def _label(value: str) -> str:
    return value.casefold().strip(" :.").strip()


def _attachment_box(root, chrome: Chrome):
    for el in compiled("//strong | //b | //span | //label | //h3 | //h4 | //div[not(*)] | //p[not(*)]")(root):
        if _label(text(el)) in ATTACHMENT_LABELS:
            parent = el.getparent()
            if parent is not None and parent.find(".//a") is not None:
                return parent
    return None
