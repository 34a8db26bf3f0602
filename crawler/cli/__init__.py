"""The `cchc-archive` command: crawl, extract, search, stats, demo.

Each command checks its options, calls one library function and turns the library's
errors into one line on stderr (click.ClickException), never a traceback.

This package holds the group and its wiring only; the commands are grouped by theme:
crawler.cli.crawling (crawl, demo, reparse), crawler.cli.profiles (extract, profile suggest),
crawler.cli.querying (search, stats, refs, history) and crawler.cli.browsing (serve, export),
with their shared options in crawler.cli.options.
"""

from __future__ import annotations

import click

from crawler.cli.browsing import export_command, open_output, serve_command
from crawler.cli.crawling import PROFILE_SHARE_GOAL, crawl, demo, print_crawl_summary, reparse
from crawler.cli.options import (
    DEFAULT_DB, db_option, json_option, open_archive, open_profile, profile_option, warc_dir_option,
)  # fmt: skip
from crawler.cli.profiles import extract, profile, profile_suggest, read_source
from crawler.cli.querying import crawl_state, history, refs, search, stats

# Every name the single module `crawler/cli.py` defined stays importable from here.
__all__ = [
    "DEFAULT_DB", "PROFILE_SHARE_GOAL", "cli", "crawl", "crawl_state", "db_option", "demo", "export_command",
    "extract", "history", "json_option", "main", "open_archive", "open_output", "open_profile",
    "print_crawl_summary", "profile", "profile_option", "profile_suggest", "read_source", "refs", "reparse",
    "search", "serve_command", "stats", "warc_dir_option",
]  # fmt: skip


@click.group()
@click.version_option(package_name="cchc-archive")
def cli() -> None:
    """Archive cchc.laichau.gov.vn into SQLite and search it."""


# Click lists a group's commands sorted by name, so the order here is only the reader's.
for _command in (crawl, extract, search, stats, refs, demo, reparse, profile, history, serve_command, export_command):
    cli.add_command(_command)
del _command


def main() -> None:
    """Entry point for `python -m crawler.cli`."""
    cli()
