"""Publication dates: from the site's `24/09/2021 12:00:00 SA` to ISO 8601 with +07:00."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from . import site

VIETNAM = timezone(timedelta(hours=site.UTC_OFFSET_HOURS))


def now() -> str:
    """The current time in Vietnam, ISO 8601 to the second, e.g. `2026-11-26T11:55:27+07:00`."""
    return datetime.now(VIETNAM).isoformat(timespec="seconds")


def clean_raw_date(text: str) -> str:
    """`(Ngày đăng :24/09/2021 12:00:00 SA)` → `24/09/2021 12:00:00 SA`."""
    text = " ".join(text.split()).strip(" ()[]")
    return site.DATE_LABEL.sub("", text, count=1).strip(" ()[]:")


def parse_date(raw: str | None) -> str | None:
    """Parse a date as the site writes it; ISO 8601 with +07:00, or None if it is no real date.

    The site's own format is parsed directly (dateparser costs about a millisecond a
    call); anything else goes to dateparser with Vietnamese, day first.
    """
    if not raw:
        return None
    match = site.SITE_DATE.search(raw)
    if match:
        time = match if match["hour"] else site.SITE_TIME.search(raw[: match.start()] + " " + raw[match.end() :])
        return _from_site_format(match, time)
    return _from_dateparser(raw)


def _from_site_format(match, time) -> str | None:
    hour = int(time["hour"]) if time else 0
    ampm = ((time["ampm"] if time else None) or "").lower()
    if ampm:
        # 12-hour clock: 12:xx SA is just after midnight, 12:xx CH just after noon.
        if not 1 <= hour <= 12:
            return None
        hour %= 12
        if ampm in site.AFTERNOON:
            hour += 12
    try:
        moment = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            hour,
            int(time["minute"]) if time else 0,
            int(time["second"] or 0) if time else 0,
            tzinfo=VIETNAM,
        )
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
