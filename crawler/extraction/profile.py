"""Site profiles: a site's markup as data (TOML), loaded into compiled selectors.

A profile says where a site puts an article's title, date and body, its breadcrumb and
boxes, what its listings, document and static pages look like, how it prints dates and
how its URLs are built. The profile of cchc.laichau.gov.vn ships in `crawler/extraction/profiles/`;
`--profile FILE` uses another. A profile that cannot be used is a `ProfileError` whose
message is one line naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as package_files
from pathlib import Path

from cssselect import GenericTranslator, SelectorError
from lxml import etree

DEFAULT_PROFILE = "cchc.laichau.gov.vn.toml"
_DEFAULT_DATE_PATTERN = (
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>SA|CH|AM|PM))?)?"
)
_DEFAULT_SEPARATORS = r"\s*(?:[»›>→|]|\s/\s)\s*"
_DEFAULT_LABEL = r"^Ngày\s*(?:đăng|cập nhật)?\s*:?\s*"

# Every key a profile may have, by table, with its kind: selectors (a list of CSS or
# XPath strings), a regular expression, or text.
_SCHEMA: dict[str, dict[str, str]] = {
    "site": {"name": "text", "home": "text"},
    "article": {
        "title": "selectors", "date": "selectors", "body": "selectors", "exclude": "selectors",
        "breadcrumb": "selectors", "breadcrumb_separators": "regex", "attachments": "selectors",
        "related": "selectors", "latest": "selectors",
    },
    "listing": {"items": "selectors", "pager": "selectors"},
    "document": {"page": "selectors", "rows": "selectors", "labels": "labels"},
    "static": {"page": "selectors"},
    "dates": {"label": "regex", "pattern": "regex"},
    "urls": {"article": "regex", "skip": "regex"},
}  # fmt: skip
_DATE_GROUPS = {"day", "month", "year"}


class ProfileError(ValueError):
    """A profile that cannot be used: unreadable, malformed, or with a bad key."""


@dataclass(frozen=True)
class Selector:
    """One compiled CSS or XPath selector, kept with the text it was written as."""

    source: str
    xpath: etree.XPath = field(compare=False, repr=False)

    def __call__(self, root) -> list:
        return self.xpath(root)


@dataclass(frozen=True)
class Profile:
    """A site's markup, compiled: selectors for each role, date and URL patterns."""

    name: str = ""
    home: str | None = None
    source: str = "(empty profile)"
    title: tuple[Selector, ...] = ()
    date: tuple[Selector, ...] = ()
    body: tuple[Selector, ...] = ()
    exclude: tuple[Selector, ...] = ()
    breadcrumb: tuple[Selector, ...] = ()
    breadcrumb_separators: re.Pattern = re.compile(_DEFAULT_SEPARATORS)
    attachments: tuple[Selector, ...] = ()
    related: tuple[Selector, ...] = ()
    latest: tuple[Selector, ...] = ()
    listing: tuple[Selector, ...] = ()
    pager: tuple[Selector, ...] = ()
    document: tuple[Selector, ...] = ()
    document_rows: tuple[Selector, ...] = ()  # the table (or list) of a document's particulars
    document_labels: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, labels the site prints for it)
    static: tuple[Selector, ...] = ()
    date_label: re.Pattern = re.compile(_DEFAULT_LABEL, re.IGNORECASE)
    date_pattern: re.Pattern = re.compile(_DEFAULT_DATE_PATTERN, re.IGNORECASE)
    article_url: re.Pattern | None = None
    skip_url: re.Pattern | None = None

    @property
    def has_article(self) -> bool:
        """Whether the profile can recognise an article at all."""
        return bool(self.title and self.date and self.body)

    def article_id(self, path: str) -> int | None:
        """The site's numeric id in an article's URL path (the pattern's first group), if any."""
        if self.article_url is None:
            return None
        match = self.article_url.search(path)
        if not match or not match.groups() or match.group(1) is None or not match.group(1).isdigit():
            return None
        return int(match.group(1))

    def is_article_url(self, path: str) -> bool:
        """Whether a URL path has the shape of the site's article addresses."""
        return self.article_url is not None and self.article_url.search(path) is not None

    def skips(self, path_and_query: str) -> bool:
        """Whether the site's own rules say never to request this path."""
        return self.skip_url is not None and self.skip_url.search(path_and_query) is not None


EMPTY = Profile()
_KEY_ATTRIBUTES = {("listing", "items"): "listing", ("document", "page"): "document", ("static", "page"): "static",
                   ("document", "rows"): "document_rows", ("document", "labels"): "document_labels",
                   ("dates", "label"): "date_label", ("dates", "pattern"): "date_pattern",
                   ("urls", "article"): "article_url", ("urls", "skip"): "skip_url"}  # fmt: skip
_TRANSLATOR = GenericTranslator()


def compile_selector(source: str) -> Selector:
    """A CSS or XPath selector (XPath when it starts with `/`, `(` or `.`), compiled."""
    text = source.strip()
    if text.startswith(("/", "(", ".//", "./")):
        return Selector(source, etree.XPath(text))
    return Selector(source, etree.XPath(_TRANSLATOR.css_to_xpath(text)))


def load_profile(path: str | Path | None = None) -> Profile:
    """The profile in `path` (TOML), or the shipped profile of cchc.laichau.gov.vn."""
    if path is None:
        return default_profile()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProfileError(f"profile {path}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise ProfileError(f"profile {path}: not UTF-8 text") from error
    return parse_profile(text, str(path))


@lru_cache(maxsize=1)
def default_profile() -> Profile:
    """The shipped profile of cchc.laichau.gov.vn, loaded once."""
    text = package_files.files("crawler.extraction").joinpath("profiles", DEFAULT_PROFILE).read_text(encoding="utf-8")
    return parse_profile(text, DEFAULT_PROFILE)


def parse_profile(text: str, source: str = "profile") -> Profile:
    """A profile from its TOML text; `source` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"profile {source}: not valid TOML: {error}") from error
    values: dict = {"source": source}
    for table, content in data.items():
        keys = _SCHEMA.get(table)
        if keys is None:
            raise ProfileError(f"profile {source}: unknown table [{table}] (known: {', '.join(_SCHEMA)})")
        if not isinstance(content, dict):
            raise ProfileError(f"profile {source}: {table} must be a table ([{table}])")
        for key, value in content.items():
            kind = keys.get(key)
            where = f"profile {source}: {table}.{key}"
            if kind is None:
                raise ProfileError(f"profile {source}: unknown key {table}.{key} (known: {', '.join(keys)})")
            attribute = _KEY_ATTRIBUTES.get((table, key), key)
            if kind == "selectors":
                values[attribute] = _selectors(value, where)
            elif kind == "regex":
                values[attribute] = _regex(value, where, table, key)
            elif kind == "labels":
                values[attribute] = _labels(value, where)
            elif not isinstance(value, str):
                raise ProfileError(f"{where}: must be a string, not {type(value).__name__}")
            else:
                values[attribute] = value
    return Profile(**values)


def _selectors(value, where: str) -> tuple[Selector, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ProfileError(f"{where}: must be a list of selectors (strings)")
    compiled = []
    for item in value:
        try:
            compiled.append(compile_selector(item))
        except (SelectorError, etree.XPathError) as error:
            raise ProfileError(f"{where}: invalid selector {item!r}: {error}") from error
    return tuple(compiled)


def _labels(value, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`{field = ["label", …]}`: the labels a site prints for each field of a document."""
    from crawler.extraction.documents import LABELS  # the fields are the document reader's

    if not isinstance(value, dict):
        raise ProfileError(f"{where}: must be a table of field = [labels]")
    labels = {}
    for name, printed in value.items():
        if name not in LABELS:
            raise ProfileError(f"{where}.{name}: unknown field (known: {', '.join(LABELS)})")
        if isinstance(printed, str):
            printed = [printed]
        if not isinstance(printed, list) or not all(isinstance(item, str) for item in printed):
            raise ProfileError(f"{where}.{name}: must be a list of labels (strings)")
        labels[name] = tuple(printed)
    return tuple(labels.items())


def _regex(value, where: str, table: str, key: str) -> re.Pattern:
    if not isinstance(value, str):
        raise ProfileError(f"{where}: must be a regular expression (a string)")
    try:
        pattern = re.compile(value, re.IGNORECASE)
    except re.error as error:
        raise ProfileError(f"{where}: invalid regular expression: {error}") from error
    if (table, key) == ("dates", "pattern") and not _DATE_GROUPS <= set(pattern.groupindex):
        raise ProfileError(f"{where}: needs the named groups (?P<day>…), (?P<month>…) and (?P<year>…)")
    return pattern
