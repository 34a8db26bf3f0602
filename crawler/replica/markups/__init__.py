"""Markups: the same content written the way different portals write it.

Each markup renders every page of the site (articles, print views, listings with their
pager, documents, home, static pages, 404) and says what a correct extraction of its
article pages yields (`_Markup.truth`): the date as the page states it, the breadcrumb it
shows and the paragraphs in the order they stand. Only "snapshot" is the real site; the
others copy the habits of other Vietnamese government portals, with class names of their
own. One module a markup; `base` holds the template every markup fills and what they share.
"""

from __future__ import annotations

from crawler.replica.markups.base import _Markup
from crawler.replica.markups.html5 import _Html5
from crawler.replica.markups.portal import _Portal
from crawler.replica.markups.snapshot import _Snapshot
from crawler.replica.markups.table import _Table
from crawler.replica.markups.wordpress import _WordPress

_MARKUP_CLASSES: dict[str, type[_Markup]] = {cls.name: cls for cls in (_Snapshot, _Portal, _Html5, _Table, _WordPress)}
# Every markup `build_replica` can render; "snapshot" is the real site's.
MARKUPS = tuple(_MARKUP_CLASSES)
