"""How a crawl is going while it runs: its counts as one line, on a terminal or in a log.

The archive's pipeline counts what it hands to the archive; `CrawlProgress` samples those
counts on the crawl's own reactor (Twisted LoopingCalls: nothing runs beside the crawl),
turns them into a rate and, when the crawl knows what it has to fetch, an estimate of the
time left, and hands each `Snapshot` to a display and, every few seconds, to whoever keeps
the crawl's `crawls` row (the pipeline's writer thread):

- `LiveLine`, on a terminal: one line rewritten in place (carriage return, clear to the end
  of the line) twice a second; a log record clears it before it is written.
- `PlainLines`, anywhere else (cron, a pipe, CI): a line every so many seconds, each one a
  record of its own, for grep: `progress: pages 120, articles 80 (new 78, changed 2,
  unchanged 0), attachments 5, errors 0, waiting 40, 3.2 pages/s, elapsed 0:00:37`.

One `Meter` turns one set of counts into snapshots; a crawl of several sites would keep a
meter per site and draw a line for each.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO

logger = logging.getLogger(__name__)

# How progress is shown: `auto` is `live` on a terminal, `plain` elsewhere.
MODES = ("auto", "live", "plain", "none")
LIVE_EVERY = 0.5  # seconds between redraws of the terminal line: never a second without news
PLAIN_EVERY = 60.0  # seconds between plain lines, unless told otherwise
ROW_EVERY = 2.0  # seconds between updates of the running crawl's row
RATE_WINDOW = 10.0  # seconds of recent pages the current rate is taken over
CLEAR_LINE = "\r\x1b[K"  # to the start of the line, and clear it
PLAIN_PREFIX = "progress: "


@dataclass(frozen=True)
class Counts:
    """What a crawl has done so far in this run: the pipeline's counts, and its queue.

    `planned` is how many pages the crawl meant to fetch when it began, known to a re-crawl
    or a resumed crawl (the pages due for revalidation, the frontier left); None for a
    first crawl, which finds its pages as it goes.
    """

    pages: int = 0  # responses and failures, not the addresses skipped without a request
    new: int = 0
    changed: int = 0
    unchanged: int = 0  # saved again as they were, or answered 304 Not Modified
    attachments: int = 0
    errors: int = 0
    waiting: int = 0  # requests scheduled or downloading
    planned: int | None = None


@dataclass(frozen=True)
class Snapshot:
    """Counts at one moment, with the rate and, where one can be made, the time left."""

    counts: Counts
    rate: float  # pages per second, recently
    elapsed: float  # seconds since this run began
    left: float | None = None  # seconds, estimated

    @property
    def articles(self) -> int:
        return self.counts.new + self.counts.changed + self.counts.unchanged

    def text(self, *, breakdown: bool = True) -> str:
        """`pages 120, articles 80 (new 78, …), …, elapsed 0:00:37[, left ~0:01:10]`."""
        c = self.counts
        articles = f"articles {self.articles}"
        if breakdown:
            articles += f" (new {c.new}, changed {c.changed}, unchanged {c.unchanged})"
        parts = [f"pages {c.pages}", articles, f"attachments {c.attachments}", f"errors {c.errors}",
                 f"waiting {c.waiting}", f"{self.rate:.1f} pages/s", f"elapsed {clock(self.elapsed)}"]  # fmt: skip
        if self.left is not None:
            parts.append(f"left ~{clock(self.left)}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """The snapshot as the crawl's row keeps it, under `stats.progress`."""
        c = self.counts
        return {
            "pages": c.pages,
            "articles": {"new": c.new, "changed": c.changed, "unchanged": c.unchanged},
            "attachments": c.attachments,
            "errors": c.errors,
            "waiting": c.waiting,
            "planned": c.planned,
            "pages_per_second": round(self.rate, 2),
            "elapsed_seconds": round(self.elapsed),
            "left_seconds": None if self.left is None else round(self.left),
        }

    @classmethod
    def from_dict(cls, figures: dict) -> Snapshot:
        """The snapshot a crawl's row kept (see `as_dict`)."""
        articles = figures.get("articles") or {}
        counts = Counts(pages=figures.get("pages", 0), new=articles.get("new", 0), changed=articles.get("changed", 0),
                        unchanged=articles.get("unchanged", 0), attachments=figures.get("attachments", 0),
                        errors=figures.get("errors", 0), waiting=figures.get("waiting", 0),
                        planned=figures.get("planned"))  # fmt: skip
        return cls(counts, figures.get("pages_per_second", 0.0), figures.get("elapsed_seconds", 0),
                   figures.get("left_seconds"))  # fmt: skip


def clock(seconds: float) -> str:
    """Seconds as H:MM:SS."""
    return str(timedelta(seconds=max(0, round(seconds))))


class Meter:
    """Turns a crawl's counts, sampled over time, into snapshots: a recent rate, the time left."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.samples: deque[tuple[float, int]] = deque([(self.started, 0)])

    def snapshot(self, counts: Counts) -> Snapshot:
        """The counts now, with the pages per second of the last RATE_WINDOW seconds."""
        moment = self.clock()
        self.samples.append((moment, counts.pages))
        while len(self.samples) > 2 and moment - self.samples[1][0] >= RATE_WINDOW:
            self.samples.popleft()
        since, pages_then = self.samples[0]
        rate = (counts.pages - pages_then) / (moment - since) if moment > since else 0.0
        left = None
        if counts.planned is not None and rate > 0:
            # The pages planned and not fetched yet, or the queue if it holds more: a
            # re-crawl finds new pages in the listings it re-reads.
            left = max(counts.planned - counts.pages, counts.waiting, 0) / rate
        return Snapshot(counts, rate, moment - self.started, left)


class LiveLine:
    """One line on a terminal, rewritten in place; finished with a newline at the end.

    A log record (a warning of the crawl) clears the line before it is written, and the
    next redraw puts the line back under it.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False
        self._filter = _ClearLineFirst(self)
        self._handlers: list[logging.Handler] = []

    def start(self) -> None:
        """Clear the line before any record the root logger's handlers write."""
        self._handlers = list(logging.getLogger().handlers)
        for handler in self._handlers:
            handler.addFilter(self._filter)

    def show(self, snapshot: Snapshot) -> None:
        """Draw the line, as much of it as the terminal is wide."""
        text = snapshot.text()
        width = _columns(self.stream)
        if width and len(text) >= width:
            # Wrapped, a line could no longer be rewritten: the breakdown goes first, then the end.
            text = snapshot.text(breakdown=False)
            if len(text) >= width:
                text = text[: width - 2] + "…"
        self._write(CLEAR_LINE + text)
        self.shown = True

    def clear(self) -> None:
        """Take the line away (before a log record, or the end)."""
        if self.shown:
            self.shown = False
            self._write(CLEAR_LINE)

    def finish(self, snapshot: Snapshot) -> None:
        """Draw the final counts and leave them on their own line, above what follows."""
        self.show(snapshot)
        self._write("\n")
        self.shown = False
        for handler in self._handlers:
            handler.removeFilter(self._filter)
        self._handlers = []

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class _ClearLineFirst(logging.Filter):
    """Clear the live line before a log record is written under it."""

    def __init__(self, line: LiveLine) -> None:
        super().__init__()
        self.line = line

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self.line.clear()
        except (OSError, ValueError):  # the terminal went away: the record still goes out
            pass
        return True


class PlainLines:
    """A line of counts at every show, for logs: `progress: pages 120, …`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def start(self) -> None:
        """Nothing to prepare: each line stands alone."""

    def show(self, snapshot: Snapshot) -> None:
        """Write one line."""
        self.stream.write(PLAIN_PREFIX + snapshot.text() + "\n")
        self.stream.flush()

    def finish(self, snapshot: Snapshot) -> None:
        """Nothing more: the crawl's summary follows."""


def _columns(stream: TextIO) -> int:
    """The terminal's width, 0 when it does not say."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 0


def make_display(mode: str | None, stream: TextIO | None = None) -> LiveLine | PlainLines | None:
    """The display for a mode of MODES (None, "" or "none": no display), on `stream` (stderr)."""
    stream = stream or sys.stderr
    if mode == "auto":
        mode = "live" if _is_terminal(stream) else "plain"
    if mode == "live":
        return LiveLine(stream)
    if mode == "plain":
        return PlainLines(stream)
    if mode in (None, "", "none"):
        return None
    raise ValueError(f"progress: not one of {', '.join(MODES)}: {mode}")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class CrawlProgress:
    """Samples a crawl's counts on its reactor: to the display, and to its row every ROW_EVERY seconds.

    `counts` reads the crawl's counts; `record` receives a snapshot for the crawl's row;
    `every` is the time between two lines of a plain display (a live one redraws every
    LIVE_EVERY seconds).
    """

    def __init__(self, counts: Callable[[], Counts], record: Callable[[Snapshot], None],
                 display: LiveLine | PlainLines | None = None, *, every: float = PLAIN_EVERY,
                 row_every: float = ROW_EVERY) -> None:  # fmt: skip
        self.counts = counts
        self.record = record
        self.display = display
        self.meter = Meter()
        self.every = LIVE_EVERY if isinstance(display, LiveLine) else every
        self.row_every = row_every
        self._loops: list = []

    def start(self) -> None:
        """Begin sampling; call on the reactor's thread, once the crawl runs."""
        from twisted.internet import task

        self.meter = Meter()
        loops = [(self._record, self.row_every)]
        if self.display is not None:
            self.display.start()
            loops.append((self._show, self.every))
        for function, interval in loops:
            loop = task.LoopingCall(function)
            loop.start(interval, now=False).addErrback(_log_failure)
            self._loops.append(loop)

    def stop(self) -> None:
        """Stop sampling (the crawl is closing)."""
        for loop in self._loops:
            if loop.running:
                loop.stop()
        self._loops = []

    def finish(self) -> Snapshot:
        """The final counts: drawn one last time on a live display, and returned for the summary."""
        self.stop()
        snapshot = self.meter.snapshot(self.counts())
        if self.display is not None:
            try:
                self.display.finish(snapshot)
            except (OSError, ValueError):  # the terminal or pipe is gone; the archive has it all
                pass
        return snapshot

    def _show(self) -> None:
        try:
            self.display.show(self.meter.snapshot(self.counts()))
        except (OSError, ValueError) as error:  # a closed terminal or pipe: the crawl goes on unseen
            logger.debug("progress display stopped: %s", error)
            self.display = None
            self._loops[-1].stop()

    def _record(self) -> None:
        self.record(self.meter.snapshot(self.counts()))


def _log_failure(failure) -> None:
    """A failing sample stops its loop; the crawl goes on, and says why once."""
    logger.warning("Crawl progress stopped: %s", failure.getErrorMessage())
