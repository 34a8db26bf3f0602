"""Articles as JSON Lines or CSV, for pandas, R and the like: `cchc-archive export`.

Rows come one at a time from `Archive.iter_articles()` and are written as they come, so an
archive of any size is exported in constant memory. A format is a function writing an
iterable of row dicts, with these columns, to a text stream; FORMATS maps each name to its
function, and the command offers whatever is listed there.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Callable, Iterable
from typing import TextIO

__all__ = ["FORMATS", "ExportError", "parse_since", "write_csv", "write_jsonl"]


class ExportError(ValueError):
    """An export option is malformed; the message is one line meant for the user."""


def parse_since(value: str | None) -> str | None:
    """`--since` as an ISO date (YYYY-MM-DD), checked; None stays None."""
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ExportError(f"--since must be a date as YYYY-MM-DD, not {value!r}") from None


def write_jsonl(rows: Iterable[dict], out: TextIO, columns: list[str]) -> int:
    """One JSON object per line, UTF-8 text as is; returns the number of rows."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict], out: TextIO, columns: list[str]) -> int:
    """A header row, then one row per article (RFC 4180 quoting); returns the number of rows."""
    # The header is written even with no rows: pandas and R read an empty export as a
    # table with no rows, where an empty file is an error to them.
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        # A cell holding a list (an article's references) is written as JSON, which R and pandas parse.
        writer.writerow({key: json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value
                         for key, value in row.items()})  # fmt: skip
        count += 1
    return count


FORMATS: dict[str, Callable[[Iterable[dict], TextIO, list[str]], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
}
