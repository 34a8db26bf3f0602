"""Publication dates: from what Vietnamese portals print to ISO 8601 with +07:00.

The forms read here directly (dateparser costs about a millisecond a call, and guesses):
`24/09/2021 12:00:00 SA` (.NET's vi-VN culture: day first, 12-hour clock, SA before noon,
CH after), `Thứ Sáu, 24/09/2021 - 08:15`, `24-09-2021`, `24.09.2021 10:30`,
`ngày 24 tháng 9 năm 2021`, a time written before the date (`08:12 ngày 27/02/2023`),
and ISO 8601 (`2021-09-24T08:15:00+07:00`, a zone converted to Vietnam's, none taken as
Vietnam's). A site's profile may give its own pattern, tried first.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving time

_TIME = r"(?P<hour>\d{1,2})\s*[:hg]\s*(?P<minute>\d{2})(?:\s*:\s*(?P<second>\d{2}))?(?:\s*(?P<ampm>SA|CH|AM|PM)\b)?"
# Day first, the parts separated by `/`, `-` or `.`; a time may follow.
DAY_MONTH_YEAR = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})\s?(?P<sep>[/.-])\s?(?P<month>\d{1,2})\s?(?P=sep)\s?(?P<year>\d{4})(?![\d/])"
    rf"(?:(?:\s*[-,|]?\s*|\s+lúc\s+){_TIME})?",
    re.IGNORECASE,
)
# `ngày 24 tháng 9 năm 2021` (the `ngày` may be left out).
# `ngày 24 tháng 9 năm 2021`, `24 Tháng 9 2021`, `24 Tháng Chín, 2021` (the month in words, as
# WordPress and Joomla write it in Vietnamese).
MONTH_WORDS = {"một": 1, "giêng": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
               "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12}  # fmt: skip
DAY_MONTH_YEAR_WORDS = re.compile(
    r"(?:ngày\s+)?(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2}|mười một|mười hai|mười|một|giêng|hai|ba|tư|bốn|năm"
    r"|sáu|bảy|tám|chín|chạp)\s*(?:,\s*|\s+)(?:năm\s+)?(?P<year>\d{4})(?!\d)"
    rf"(?:\s*[-,|]?\s*(?:lúc\s+)?{_TIME})?",
    re.IGNORECASE,
)
ISO_8601 = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?"
)
# A time written apart from the date: `Cập nhật lúc 08:12 ngày 27/02/2023`.
TIME = re.compile(rf"(?<![\d/]){_TIME}(?![\d/])", re.IGNORECASE)
MORNING = {"sa", "am"}
AFTERNOON = {"ch", "pm"}
# The label a portal prints before its date.
DATE_LABEL = re.compile(r"^Ngày\s*(?:đăng|cập nhật)?\s*:?\s*", re.IGNORECASE)


def now() -> str:
    """The current time in Vietnam, ISO 8601 to the second, e.g. `2026-11-26T11:55:27+07:00`."""
    return datetime.now(VIETNAM).isoformat(timespec="seconds")


def clean_raw_date(text: str, label: re.Pattern = DATE_LABEL) -> str:
    """`(Ngày đăng :24/09/2021 12:00:00 SA)` → `24/09/2021 12:00:00 SA`."""
    text = " ".join(text.split()).strip(" ()[]")
    return label.sub("", text, count=1).strip(" ()[]:")


def find_date(text: str, pattern: re.Pattern | None = None) -> re.Match | None:
    """The first date written in `text` in a form read here (or by `pattern`), if any."""
    for form in (pattern, DAY_MONTH_YEAR, DAY_MONTH_YEAR_WORDS, ISO_8601):
        if form is not None:
            match = form.search(text)
            if match:
                return match
    return None


def parse_date(raw: str | None, pattern: re.Pattern | None = None) -> str | None:
    """A printed date as ISO 8601 with +07:00, or None if it is no real date.

    `pattern` (a site profile's, with named groups day, month, year and optionally
    hour, minute, second, ampm) is tried before the forms above; anything else goes to
    dateparser with Vietnamese, day first.
    """
    if not raw:
        return None
    match = find_date(raw, pattern)
    if match is None:
        return _from_dateparser(raw)
    if match.re is ISO_8601:
        return _from_iso(match)
    groups = match.groupdict()
    time = match if groups.get("hour") else TIME.search(raw[: match.start()] + " " + raw[match.end() :])
    return _from_parts(match, time)


def parse_iso(value: str | None) -> str | None:
    """A machine-readable date (`<time datetime>`, JSON-LD, meta) as ISO 8601 in Vietnam's time."""
    if not value:
        return None
    match = ISO_8601.search(value.strip())
    return _from_iso(match) if match else parse_date(value)


def has_time(iso: str | None) -> bool:
    """Whether an ISO date from `parse_date` carries a time of day (not midnight exactly)."""
    return bool(iso) and not iso[10:19] == "T00:00:00"


def _from_iso(match: re.Match) -> str | None:
    try:
        moment = datetime(
            int(match["year"]), int(match["month"]), int(match["day"]),
            int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0),
        )  # fmt: skip
    except ValueError:
        return None
    zone = match["zone"]
    if not zone:
        return moment.replace(tzinfo=VIETNAM).isoformat()
    if zone == "Z":
        offset = timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return moment.replace(tzinfo=offset).astimezone(VIETNAM).isoformat()


def _month(value: str) -> int:
    return int(value) if value.isdigit() else MONTH_WORDS.get(value.casefold(), 0)


def _from_parts(match: re.Match, time: re.Match | None) -> str | None:
    hour = int(time["hour"]) if time else 0
    ampm = ((time["ampm"] if time else None) or "").lower()
    if ampm:
        # 12-hour clock: 12:xx SA is just after midnight, 12:xx CH just after noon.
        if not 1 <= hour <= 12:
            return None
        hour %= 12
        if ampm in AFTERNOON:
            hour += 12
    try:
        moment = datetime(
            int(match["year"]), _month(match["month"]), int(match["day"]),
            hour, int(time["minute"]) if time else 0, int(time["second"] or 0) if time else 0,
            tzinfo=VIETNAM,
        )  # fmt: skip
    except ValueError:  # 32/13/2021 and the like: keep the raw text, store no date
        return None
    return moment.isoformat()


def _from_dateparser(raw: str) -> str | None:
    import dateparser  # imported late: it takes ~0.5 s to load and most pages never need it

    parsed = dateparser.parse(
        raw,
        languages=["vi"],
        settings={
            "DATE_ORDER": "DMY",
            "TIMEZONE": "Asia/Ho_Chi_Minh",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["day", "month", "year"],
        },
    )
    if parsed is None:
        return None
    return parsed.astimezone(VIETNAM).isoformat()
