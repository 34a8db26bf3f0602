"""How the site writes things: URL slugs, its dates, windows-1258 bytes, escaped HTML.

And the small pieces of text its pages share: template filling, the ASP.NET view state,
listing summaries, random tokens.
"""

from __future__ import annotations

import base64
import hashlib
import html
import random
import re
import unicodedata
from datetime import datetime

from crawler.replica.site import VIETNAM

# cp1258 spells these five tones as combining marks after the base letter.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def ascii_slug(title: str, limit: int = 90) -> str:
    """The site's URL slug: ASCII-folded (đ → d), dash-separated, cut at 90 characters."""
    text = title.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-")


def format_site_date(moment: datetime) -> str:
    """.NET vi-VN `dd/MM/yyyy h:mm:ss tt`: `24/09/2021 12:00:00 SA`, `20/12/2022 9:18:33 CH`."""
    hour = moment.hour % 12 or 12
    return f"{moment:%d/%m/%Y} {hour}:{moment:%M:%S} {'SA' if moment.hour < 12 else 'CH'}"


def parse_site_date(raw: str) -> datetime:
    """Inverse of `format_site_date`, in Vietnam time."""
    day, month, year, hour, minute, second, ampm = re.fullmatch(
        r"(\d\d)/(\d\d)/(\d{4}) (\d{1,2}):(\d\d):(\d\d) (SA|CH)", raw
    ).groups()
    hour24 = int(hour) % 12 + (12 if ampm == "CH" else 0)
    return datetime(int(year), int(month), int(day), hour24, int(minute), int(second), tzinfo=VIETNAM)


def to_cp1258(text: str) -> bytes:
    """Encode as Vietnamese windows-1258 does: tone marks as combining characters after the letter.

    Letters with a vowel shape of their own (â ê ô ơ ư ă đ) are single cp1258 bytes; the
    five tones are not, so each is split off and written after its base letter.
    """
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        if not tones:
            out.append(char)
            continue
        rest = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(rest + tones)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _render(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _viewstate(path: str) -> str:
    """A per-page ASP.NET __VIEWSTATE lookalike: pages differ in boilerplate as on the real site."""
    digest = hashlib.sha1(path.encode()).digest()
    stamp = str(int.from_bytes(digest[:4], "big"))[:10].rjust(10, "1").encode()
    return base64.b64encode(b"\xff\x01\x0f\x0f\x05\n" + stamp + b"dd" + digest).decode()


def _sapo(text: str, limit: int) -> str:
    """A listing summary: the first paragraph cut at a word boundary, as the snapshot shows."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def _token(rng: random.Random, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(length))
