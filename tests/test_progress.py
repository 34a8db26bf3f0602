"""A crawl says how it is going: a live line on a terminal, plain lines in a log, its row from outside.

The crawls here are the real `cchc-archive crawl` against a replica served on 127.0.0.1.
Nothing waits on the clock: the replica holds its answers (`ReplicaServer.hold`) so that
the crawl is certainly still running while a test looks at it, and every wait polls a
condition, with a generous timeout.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from crawler.crawl.progress import Counts, LiveLine, Meter, PlainLines, Snapshot, make_display
from crawler.replica import ReplicaServer, build_replica
from crawler.archive.storage import Archive

SCRIPT = Path(sys.executable).with_name("cchc-archive")
TIMEOUT = 300  # seconds: only ever reached when something is wrong
# A status line as the crawl writes it (after `progress: ` in a log).
STATUS = re.compile(
    r"pages (?P<pages>\d+), articles (?P<articles>\d+) \(new (?P<new>\d+), changed (?P<changed>\d+), "
    r"unchanged (?P<unchanged>\d+)\), attachments (?P<attachments>\d+), errors (?P<errors>\d+), "
    r"waiting (?P<waiting>\d+), (?P<rate>\d+\.\d) pages/s, elapsed (?P<elapsed>\d+:\d\d:\d\d)"
    r"(?:, left ~(?P<left>\d+:\d\d:\d\d))?"
)
HELD_AFTER = 12  # requests the replica answers before it holds the crawl


@pytest.fixture(scope="module")
def replica():
    return build_replica(n_articles=40)


@pytest.fixture
def server(replica):
    with ReplicaServer(replica) as server:
        yield server
        server.release()


def wait_for(condition, what: str, process: subprocess.Popen | None = None):
    """Poll `condition` until it gives something true; fail if the crawl ends first or it never comes."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        value = condition()
        if value:
            return value
        assert process is None or process.poll() is None, f"the crawl ended before {what}"
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def figures(text: str) -> dict[str, int]:
    """The counts of a status line."""
    match = STATUS.fullmatch(text)
    assert match, f"not a status line: {text!r}"
    return {name: int(value) for name, value in match.groupdict().items() if value and value.isdigit()}


def summary_figures(lines: list[str]) -> dict:
    """The counts the crawl's summary printed: pages, articles, attachments, errors."""

    def pairs(label: str) -> dict[str, int]:
        line = next(line for line in lines if line.strip().startswith(label + ":"))
        listed = line.split(":", 1)[1].strip()
        return {} if listed == "none" else {n: int(c) for n, c in (item.rsplit(" ", 1) for item in listed.split(", "))}

    by_type = pairs("pages by type")
    errors = next(line for line in lines if line.strip().startswith("errors:"))
    return {
        "pages": sum(by_type.values()) - by_type.get("skipped", 0),  # skipped: never requested
        "articles": sum(pairs("articles by method").values()),
        "attachments": sum(pairs("attachments").values()),
        "errors": int(errors.split(":")[1]),
    }


def crawl_row(db_path: Path) -> dict | None:
    """The last crawl's row, read as any other program would, without opening an Archive."""
    if not db_path.exists():
        return None
    try:
        with sqlite3.connect(db_path) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # the crawl is still creating the schema
        return None
    if row is None:
        return None
    row = dict(row)
    row["stats"] = json.loads(row["stats"]) if row["stats"] else {}
    return row


def running_with_pages(db_path: Path) -> dict | None:
    """The crawl's row once it says running and counts pages."""
    row = crawl_row(db_path)
    if row and row.get("state") == "running" and (row["stats"].get("progress") or {}).get("pages", 0) > 0:
        return row
    return None


def crawl_progress(db_path: Path) -> dict:
    """The progress the running crawl's row shows, {} until it shows pages."""
    row = running_with_pages(db_path)
    return row["stats"]["progress"] if row else {}


def start_crawl(server: ReplicaServer, db_path: Path, *options: str, **streams) -> subprocess.Popen:
    """`cchc-archive crawl` of the replica, without delay, by a researcher who gives a contact."""
    command = [str(SCRIPT), "crawl", "--start-url", server.url + "/", "--db", str(db_path), "--delay", "0",
               "--contact", "researcher@example.org", *options]  # fmt: skip
    return subprocess.Popen(command, **streams)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=TIMEOUT)


# --- on a terminal ---------------------------------------------------------------------


def test_a_live_line_on_a_terminal_counts_up_to_the_summary(server, tmp_path):
    db_path = tmp_path / "archive.db"
    master, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))  # 160 columns
    output = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                return
            if not chunk:
                return
            output.extend(chunk)

    held = server.hold(after=HELD_AFTER)
    process = start_crawl(server, db_path, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert held.wait(timeout=TIMEOUT), "the crawl never reached the replica's hold"

        def redrawn() -> list[dict] | None:
            text = bytes(output).decode("utf-8", "replace")
            draws = [figures(s.strip()) for s in re.split(r"\r\x1b\[K", text) if STATUS.fullmatch(s.strip())]
            draws = [draw for draw in draws if draw["pages"] > 0]
            return draws if len(draws) >= 3 else None

        # The crawl cannot end while the replica holds it: its line is drawn again and again meanwhile.
        while_held = wait_for(redrawn, "three draws of the line with pages", process)
    finally:
        server.release()
    assert process.wait(timeout=TIMEOUT) == 0
    reader.join(timeout=TIMEOUT)
    os.close(master)

    text = bytes(output).decode("utf-8").replace("\r\n", "\n")  # the terminal turns \n into \r\n
    lines = text.split("\n")
    live = [line for line in lines if "\x1b[K" in line][-1]
    assert live.startswith("\r\x1b[K")
    # One line, rewritten in place: no newline between the draws.
    drawn = [figures(segment.strip()) for segment in live.split("\r\x1b[K") if segment.strip()]
    assert len(drawn) >= len(while_held) >= 3
    for before, after in zip(drawn, drawn[1:]):
        assert all(after[name] >= before[name] for name in ("pages", "articles", "new", "attachments", "errors"))
    final = drawn[-1]
    assert while_held[0]["pages"] < final["pages"]
    assert final["articles"] == final["new"] + final["changed"] + final["unchanged"]
    assert final["waiting"] == 0
    # The summary follows on lines of its own, and its counts are the final line's.
    summary = lines[lines.index(live) + 1 :]
    assert summary[0].startswith("Crawl 1 of ")
    assert summary_figures(summary) == {name: final[name] for name in ("pages", "articles", "attachments", "errors")}
    assert final["new"] == final["articles"]  # a first crawl
    row = crawl_row(db_path)
    assert row["state"] == "finished" and row["stats"]["progress"]["pages"] == final["pages"]


# --- in a log --------------------------------------------------------------------------


def test_plain_lines_when_output_is_no_terminal(server, tmp_path):
    db_path, log = tmp_path / "archive.db", tmp_path / "stderr.log"
    held = server.hold(after=HELD_AFTER)
    with open(log, "w") as stderr:
        process = start_crawl(server, db_path, "--progress-every", "0.5", stdout=subprocess.PIPE, stderr=stderr,
                              text=True)  # fmt: skip
        try:
            assert held.wait(timeout=TIMEOUT), "the crawl never reached the replica's hold"
            # The crawl cannot be over while the replica holds it: lines must come meanwhile.
            wait_for(lambda: re.search(r"^progress: pages [1-9]", log.read_text(), re.M), "a progress line", process)
        finally:
            server.release()
        stdout, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    written = log.read_text()
    assert "\r" not in written and "\x1b" not in written  # plain lines for a log, nothing drawn
    lines = written.splitlines()
    assert lines and all(line.startswith("progress: ") for line in lines)  # Scrapy's log stays at WARNING
    counted = [figures(line.removeprefix("progress: ")) for line in lines]
    assert [c["pages"] for c in counted] == sorted(c["pages"] for c in counted)
    assert stdout.startswith("Crawl 1 of ") and "pages by type:" in stdout  # the summary, as before
    assert counted[-1]["pages"] <= summary_figures(stdout.splitlines())["pages"]


def test_quiet_prints_the_summary_only(server, tmp_path):
    db_path = tmp_path / "archive.db"
    held = server.hold(after=HELD_AFTER)
    process = start_crawl(server, db_path, "--quiet", "--progress-every", "0.5", stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert held.wait(timeout=TIMEOUT)
        # Three seconds of the crawl's own time: six lines, were it not quiet.
        wait_for(lambda: crawl_progress(db_path).get("elapsed_seconds", 0) >= 3, "three seconds of the crawl", process)
    finally:
        server.release()
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    assert stderr == ""
    assert stdout.startswith("Crawl 1 of ") and "progress" not in stdout


# --- from outside ----------------------------------------------------------------------


def crawl_history(db_path: Path) -> list[dict]:
    """Datasette's stored query crawl_history, as `cchc-archive serve` answers it."""
    from crawler.browse.serve import database_name, make_datasette

    async def ask() -> list[dict]:
        datasette = make_datasette(db_path)
        await datasette.invoke_startup()
        path = f"/{database_name(db_path)}/crawl_history.json?{urllib.parse.urlencode({'start_url': ''})}&_shape=array"
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(ask())


def test_a_running_crawl_is_visible_from_other_processes(server, tmp_path):
    db_path = tmp_path / "archive.db"
    held = server.hold(after=HELD_AFTER)
    process = start_crawl(server, db_path, "--quiet", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert held.wait(timeout=TIMEOUT)
        row = wait_for(lambda: running_with_pages(db_path), "the crawl's row running, with pages", process)
        assert row["pid"] == process.pid and row["host"] == socket.gethostname() and row["finished"] is None
        assert row["stats"]["progress"]["waiting"] >= 1  # the request the replica holds

        stats = run("stats", "--db", str(db_path), "--json")
        (crawl,) = json.loads(stats.stdout)["crawls"]
        assert crawl["state"] == "running" and crawl["stats"]["progress"]["pages"] > 0
        printed = run("stats", "--db", str(db_path)).stdout
        assert re.search(r"#1 \S+ → running, updated \S+  http", printed)
        assert re.search(r"^ +pages [1-9]\d*, articles \d+ \(new \d+", printed, re.M)

        (history,) = crawl_history(db_path)
        assert history["state"] == "running" and history["finished"] is None
        assert history["pages"] > 0 and history["waiting"] >= 1 and history["pages_per_second"] is not None

        # A second crawl of the same start URL would fetch the same frontier: refused, in one line.
        second = run("crawl", "--start-url", server.url + "/", "--db", str(db_path), "--delay", "0")
        assert second.returncode != 0 and "Traceback" not in second.stderr
        assert second.stderr.strip().splitlines() == [second.stderr.strip()]
        assert "crawl 1 of" in second.stderr and f"process {process.pid}" in second.stderr
    finally:
        server.release()
    assert process.wait(timeout=TIMEOUT) == 0
    row = crawl_row(db_path)
    assert row["state"] == "finished" and row["finished"]
    (history,) = crawl_history(db_path)
    assert history["state"] == "finished" and history["finish_reason"] == "finished" and history["waiting"] is None
    assert history["new_articles"] == history["articles"] > 0


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_a_stopped_crawl_reads_as_interrupted_and_resumes(server, tmp_path, stop):
    db_path = tmp_path / "archive.db"
    held = server.hold(after=HELD_AFTER)
    process = start_crawl(server, db_path, "--quiet", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert held.wait(timeout=TIMEOUT)
        wait_for(lambda: running_with_pages(db_path), "the crawl's row running, with pages", process)
        process.send_signal(stop)
    finally:
        server.release()  # a crawl stopped with Ctrl-C finishes the answers it waits for
    process.wait(timeout=TIMEOUT)
    if stop == signal.SIGKILL:
        # Nothing could write the end of the crawl: its row still says running...
        assert crawl_row(db_path)["state"] == "running"
        # ... until the next command sees that its process is gone.
        (crawl,) = json.loads(run("stats", "--db", str(db_path), "--json").stdout)["crawls"]
        assert crawl["state"] == "interrupted"
    assert crawl_row(db_path)["state"] == "interrupted" and crawl_row(db_path)["finished"] is None
    assert "interrupted" in run("stats", "--db", str(db_path)).stdout

    again = run("crawl", "--start-url", server.url + "/", "--db", str(db_path), "--delay", "0", "--quiet")
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT id, state FROM crawls").fetchall() == [(1, "finished")]  # resumed, not anew


# --- the archive's side ----------------------------------------------------------------


def test_an_older_archive_gains_the_state_of_its_crawls(tmp_path):
    db_path = tmp_path / "old.db"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE crawls (id INTEGER PRIMARY KEY, start_url TEXT, started TEXT, finished TEXT, "
                     "settings TEXT, stats TEXT)")  # fmt: skip
        conn.executemany("INSERT INTO crawls (start_url, started, finished) VALUES (?, ?, ?)",
                         [("https://cchc.laichau.gov.vn/", "2024-01-01T00:00:00+07:00", "2024-01-01T01:00:00+07:00"),
                          ("https://cchc.laichau.gov.vn/", "2024-02-01T00:00:00+07:00", None)])  # fmt: skip
    with Archive(db_path) as archive:
        states = [(crawl["id"], crawl["state"]) for crawl in archive.stats()["crawls"]]
    assert states == [(2, "interrupted"), (1, "finished")]


def ended_pid() -> int:
    """The pid of a process that has ended (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_crawl_whose_process_is_gone_reads_as_interrupted(tmp_path):
    from crawler.dates import now

    db_path = tmp_path / "archive.db"
    with Archive(db_path) as archive:
        for start_url in ("https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"):
            archive.start_crawl(start_url, {}, now())
        with archive.db.conn:
            archive.db.execute("UPDATE crawls SET pid = ? WHERE id = 1", [ended_pid()])
            # On another machine: known only by its updates, recent for one, an hour and more ago for the other.
            archive.db.execute("UPDATE crawls SET host = 'elsewhere' WHERE id IN (2, 3)")
            archive.db.execute("UPDATE crawls SET updated = '2024-01-01T00:00:00+07:00' WHERE id = 3")
    with Archive(db_path) as archive:  # another process would see the same; this one is crawl 4's own
        states = {crawl["start_url"][8]: crawl["state"] for crawl in archive.stats()["crawls"]}
    assert states == {"a": "interrupted", "b": "running", "c": "interrupted", "d": "running"}


def test_save_capture_says_what_became_of_the_article(tmp_path):
    def capture(status=200, sha="1", article=True) -> dict:
        page = {"url": "https://cchc.laichau.gov.vn/a.html", "fetched": "2026-01-01T00:00:00+07:00",
                "status": status, "page_type": "article"}  # fmt: skip
        body = {"url": page["url"], "title": "Tin", "body_text": "Nội dung", "content_sha256": sha}
        return {"page": page, "article": body if article else None}

    never_archived = capture(304, article=False)
    never_archived["page"]["url"] = "https://cchc.laichau.gov.vn/b.html"
    with Archive(tmp_path / "archive.db") as archive:
        saved = (capture(sha="1"), capture(sha="1"), capture(sha="2"), capture(304, article=False), never_archived)
        outcomes = [archive.save_capture(one) for one in saved]
    assert outcomes == ["new", "unchanged", "changed", "revalidated", None]


# --- counts, rate, estimate ------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_recrawl_estimates_the_time_left_and_a_first_crawl_does_not():
    clock = Clock()
    meter = Meter(clock)
    clock.now += 10
    first = meter.snapshot(Counts(pages=20, new=5, waiting=30))
    assert first.rate == pytest.approx(2.0) and first.left is None and first.elapsed == pytest.approx(10)
    clock.now += 10
    again = meter.snapshot(Counts(pages=40, unchanged=30, waiting=10, planned=100))
    assert again.rate == pytest.approx(2.0)
    assert again.left == pytest.approx(30)  # 60 planned pages still to fetch, at 2 a second
    assert "left ~0:00:30" in again.text() and "left" not in first.text()
    # The rate is the recent one: the last RATE_WINDOW seconds.
    clock.now += 30
    meter.snapshot(Counts(pages=40))
    clock.now += 10
    assert meter.snapshot(Counts(pages=140)).rate == pytest.approx(10.0)


def test_the_line_reads_as_the_row_keeps_it():
    snapshot = Snapshot(Counts(120, 78, 2, 0, 5, 0, 40), rate=3.21, elapsed=37.4)
    assert snapshot.text() == ("pages 120, articles 80 (new 78, changed 2, unchanged 0), attachments 5, errors 0, "
                               "waiting 40, 3.2 pages/s, elapsed 0:00:37")  # fmt: skip
    assert Snapshot.from_dict(json.loads(json.dumps(snapshot.as_dict()))).text() == snapshot.text()


class Stream:
    """A stream that says it is (or is not) a terminal, of some width."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self.written: list[str] = []

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> None:
        self.written.append(text)

    def flush(self) -> None:
        pass


def test_the_display_follows_the_stream():
    assert isinstance(make_display("auto", Stream(True)), LiveLine)
    assert isinstance(make_display("auto", Stream(False)), PlainLines)
    assert make_display("none", Stream(True)) is None and make_display(None, Stream(True)) is None


def test_a_live_line_fits_its_terminal(monkeypatch):
    import crawler.crawl.progress

    stream = Stream(True)
    line = LiveLine(stream)
    snapshot = Snapshot(Counts(120, 78, 2, 0, 5, 0, 40), rate=3.2, elapsed=37, left=70)
    for width in (200, 100, 40):
        monkeypatch.setattr(crawler.crawl.progress, "_columns", lambda stream, width=width: width)
        line.show(snapshot)
        drawn = stream.written[-1].removeprefix("\r\x1b[K")
        assert len(drawn) < width and drawn.startswith("pages 120, articles 80")
    assert "(new 78" in stream.written[0] and "(new 78" not in stream.written[1]
    line.finish(snapshot)
    assert stream.written[-1] == "\n"
