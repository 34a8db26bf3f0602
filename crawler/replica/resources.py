"""`Resource`: one served URL, and the validators and conditional answers of a real server.

`_stamped` gives a resource its `ETag` and `Last-Modified`; `_redirect` is IIS's answer
for a page that moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from crawler.replica.site import BASE, HTML_UTF8
from crawler.replica.text import _attr


@dataclass
class Resource:
    """One served URL: status, headers (without Content-Length) and body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes

    def with_base(self, base: str) -> Resource:
        """This resource with `__BASE__` replaced by `base` (e.g. `http://127.0.0.1:8000`)."""
        if BASE.encode() not in self.body:
            return self
        return Resource(self.status, dict(self.headers), self.body.replace(BASE.encode(), base.encode()))

    @property
    def last_modified(self) -> datetime | None:
        """The `Last-Modified` header as an aware datetime; None without one."""
        value = self.headers.get("Last-Modified")
        return parsedate_to_datetime(value) if value else None

    def not_modified(self, request_headers: Any) -> bool:
        """Whether a conditional GET/HEAD with these request headers is answered 304.

        `If-None-Match` wins over `If-Modified-Since` (RFC 9110 13.2.2); ETags compare
        weakly. The ETag is the hash of the stored body, so it is the same on every port.
        """
        etag = self.headers.get("ETag")
        if self.status != 200 or etag is None:
            return False
        if_none_match = request_headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag.removeprefix("W/") in tags
        since, modified = request_headers.get("If-Modified-Since"), self.last_modified
        if not since or modified is None:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored, as servers do
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return modified <= moment


def _stamped(resource: Resource, modified: datetime) -> Resource:
    """`resource` with an `ETag` (hash of its body) and a `Last-Modified` of `modified`."""
    headers = dict(resource.headers)
    headers["ETag"] = '"' + hashlib.blake2b(resource.body, digest_size=16).hexdigest() + '"'
    headers["Last-Modified"] = formatdate(modified.timestamp(), usegmt=True)
    return Resource(resource.status, headers, resource.body)


def _redirect(status: int, location: str) -> Resource:
    body = (f'<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to '
            f'<a href="{_attr(location)}">here</a>.</h2>\r\n</body></html>\r\n')  # fmt: skip
    return Resource(status, {"Content-Type": HTML_UTF8, "Location": location}, body.encode("utf-8"))
