"""Article drafts: what the generator decides about an article before any page is written.

A `_Draft` is an article's identity, role and body as `_Block`s of snapshot HTML with the
paragraphs they show; every markup renders its pages from the drafts, and its ground
truth too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.replica.site import JUSTIFY_STYLE, NO_IMAGE
from crawler.replica.text import _attr, _esc, ascii_slug, format_site_date


@dataclass
class _Block:
    """A piece of body HTML and the paragraphs it shows (none for an image alone).

    `html` is the snapshot's markup. Other markups re-render a paragraph from `inner`
    and `style` and an image from `image`; any other block (a list, Word's HTML) is
    pasted content that every CMS keeps as it is, so `html` serves them all.
    """

    html: str
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # site paths the block links to
    kind: str = "html"  # paragraph | image | html
    inner: str = ""  # a paragraph's inline HTML
    style: str = ""  # a paragraph's `style` attribute in the snapshot
    image: dict | None = None  # an image block: src, alt, caption


def _paragraph(inner: str, texts: list[str], style: str = JUSTIFY_STYLE, links: list[str] | None = None) -> _Block:
    """A `<p>` of the snapshot (`style` empty: a bare `<p>`) holding the inline HTML `inner`."""
    opener = f'<p style="{style}">' if style else "<p>"
    return _Block(f"{opener}{inner}</p>", texts, list(links or ()), kind="paragraph", inner=inner, style=style)


def _image_block(image: dict) -> _Block:
    """A centred image, with its caption paragraph below when it has one."""
    html_ = (f'<p style="text-align: center;"><img alt="{_attr(image["alt"])}" src="{image["src"]}" '
             f'style="width: 600px; height: 400px;" /></p>')  # fmt: skip
    texts = []
    if image["caption"]:
        html_ += f'\n<p style="text-align: center;"><em>{_esc(image["caption"])}</em></p>'
        texts = [image["caption"]]
    return _Block(html_, texts, kind="image", image=image)


@dataclass
class _LinkSpec:
    """A link to place in a body: its href, its visible text and the path it names."""

    href: str
    text: str
    path: str
    inline: bool = False  # "… tại đây" at the end of a sentence rather than "Xem thêm: title"
    cites: list[dict] = field(default_factory=list)  # the citations `text` makes (a linked article's title can cite)


@dataclass
class _Draft:
    """An article as the generator sees it: identity and role first, body and neighbours later."""

    category: str
    title: str
    published: datetime
    site_id: int = 0
    origin: str = "generated"  # snapshot | report | generated
    variant: str = "utf-8"
    blocks: list[_Block] = field(default_factory=list)
    raw_body: str | None = None  # the snapshot's verbatim body HTML
    paragraphs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    body_links: list[str] = field(default_factory=list)
    links: list[_LinkSpec] = field(default_factory=list)
    features: set[str] = field(default_factory=set)
    related: list[_Draft] = field(default_factory=list)
    fixed_related: list[str] = field(default_factory=list)
    slots: dict | None = None  # place, agency… named by the title
    revisions: int = 0  # paragraphs appended by `Replica.revise`
    # Each text written with citations (title, paragraph, list item, attachment name) -> the citations, in order.
    cites: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/{self.category}/{ascii_slug(self.title)}-{self.site_id}.html"

    @property
    def date_raw(self) -> str:
        return format_site_date(self.published)

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return (self.published, self.site_id)

    @property
    def thumb(self) -> str:
        return self.images[0]["src"] if self.images else NO_IMAGE

    @property
    def lead_text(self) -> str:
        captions = {image["caption"] for image in self.images}
        return next((p for p in self.paragraphs if p not in captions), self.title)


def _nearest(members: list[_Draft], index: int) -> list[_Draft]:
    """The five members nearest to `members[index]` in date order (members sorted newest first)."""
    window = [j for j in range(index - 5, index + 6) if 0 <= j < len(members) and j != index]
    nearest = sorted(window, key=lambda j: (abs(j - index), j))[:5]
    return [members[j] for j in sorted(nearest)]
