"""What the benchmarks share: a replica served in its own process, child runs, and the figures table.

Not a benchmark itself. Benchmarks run as scripts (`python bench/crawl.py`), so this module
is imported by its plain name from the `bench/` folder.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


@dataclass
class Figure:
    """One row of the table: what was measured, its value, the goal and whether it is met."""

    name: str
    value: str
    goal: str = "—"
    met: bool | None = None  # None: no goal is set for this figure

    @property
    def verdict(self) -> str:
        """`yes`, `NO` or `—` for the met? column."""
        return "—" if self.met is None else "yes" if self.met else "NO"


def print_table(figures: Sequence[Figure], file=sys.stdout) -> None:
    """Print the figures as one Markdown table: figure | value | goal | met?"""
    rows = [("figure", "value", "goal", "met?")] + [(f.name, f.value, f.goal, f.verdict) for f in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |", file=file)
        if index == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|", file=file)
    file.flush()


def thousands(number: float) -> str:
    """`20123` → `20,123`."""
    return f"{number:,.0f}"


@contextmanager
def served_replica(n_articles: int, seed: int = 2021) -> Iterator[str]:
    """The replica served by a process of its own (`python -m crawler.replica`); yields its base URL.

    A process of its own, so the crawl and the server each get a core, and the server's
    memory (every page of the replica) never counts against the crawler's.
    """
    command = [sys.executable, "-m", "crawler.replica", "--articles", str(n_articles), "--seed", str(seed)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://[\d.]+:\d+)/", line)
        if not match:
            raise RuntimeError(f"the replica server did not start: {line!r}")
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGINT)  # its KeyboardInterrupt handler closes the port
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def run_child(script: str, *args: str, timeout: float = 3600) -> dict:
    """Run `bench/<script> args…` in a fresh interpreter and return the JSON object it prints last."""
    result = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)  # fmt: skip
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"{script} {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(lines[-1])


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (VmHWM), since it was started.

    Not `getrusage(RUSAGE_CHILDREN)`: on Linux a child's ru_maxrss also counts the parent's
    memory at fork time, so a large parent would inflate every child's figure.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: the best this platform offers

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with `fraction` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))  # 1e-9: 0.95 * 20 is 19, not 19.000000000000004
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    """The median of `values`."""
    return statistics.median(values)


@contextmanager
def one_core() -> Iterator[int]:
    """Pin this process to one CPU while the block runs; yields the CPU's number."""
    if not hasattr(os, "sched_setaffinity"):
        yield -1
        return
    before = os.sched_getaffinity(0)
    cpu = max(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)
