"""What the `cchc-archive` commands share: the `--db`, `--warc-dir`, `--json` and `--profile`
options, and opening a profile or an archive with one line on failure instead of a traceback."""

from __future__ import annotations

import click

from crawler.extraction.profile import Profile, ProfileError, load_profile
from crawler.archive.storage import Archive, ArchiveError

__all__ = ["DEFAULT_DB", "db_option", "json_option", "open_archive", "open_profile", "profile_option",
           "warc_dir_option"]  # fmt: skip

DEFAULT_DB = "archive.db"


def db_option(must_exist: bool):
    """The shared `--db PATH` option."""
    return click.option(
        "--db", "db_path", default=DEFAULT_DB, show_default=True,
        type=click.Path(dir_okay=False, exists=must_exist), help="The SQLite archive.",
    )  # fmt: skip


def warc_dir_option(function):
    """The shared `--warc-dir` option: where the WARC captures are."""
    return click.option("--warc-dir", type=click.Path(file_okay=False), default=None,
                        help="Folder of the WARC captures [default: archive/warc beside the database].")(function)  # fmt: skip


def json_option(help_text: str):
    """The shared `--json` flag."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def profile_option(function):
    """The shared `--profile FILE` option: the site's markup as data."""
    return click.option("--profile", "profile_path", type=click.Path(dir_okay=False), default=None,
                        help="A site profile (TOML) [default: the shipped profile of cchc.laichau.gov.vn].")(function)  # fmt: skip


def open_profile(path: str | None) -> Profile:
    """Load a site profile, or fail with one line naming the key at fault."""
    try:
        return load_profile(path)
    except ProfileError as error:
        raise click.ClickException(str(error)) from None


def open_archive(db_path: str) -> Archive:
    """Open an existing archive, or fail with one line."""
    try:
        return Archive(db_path, must_exist=True)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None
