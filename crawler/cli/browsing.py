"""The commands that hand the archive to other tools: `serve` (Datasette) and `export`
(JSON Lines or CSV for pandas or R, or the captures as a WACZ package)."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TextIO

import click

from crawler.archive.export import FORMATS as EXPORT_FORMATS
from crawler.archive.storage import ArchiveError
from crawler.cli.options import db_option, open_archive, warc_dir_option

__all__ = ["export_command", "open_output", "serve_command"]


@click.command("serve")
@db_option(must_exist=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8001, show_default=True, help="Port to listen on; 0 picks a free one.")
@warc_dir_option
def serve_command(db_path: str, host: str, port: int, warc_dir: str | None) -> None:
    """Browse the archive in Datasette: described, searchable, faceted, charted, read-only."""
    from crawler.browse.serve import ServeError, serve  # Datasette loads only for this command

    try:
        serve(db_path, host=host, port=port, warc_dir=warc_dir)
    except (ArchiveError, ServeError) as error:
        raise click.ClickException(str(error)) from None


@click.command("export")
@click.option("--format", "format_name", type=click.Choice(sorted(EXPORT_FORMATS)), default=None, help="JSON Lines or CSV (UTF-8, with a header).")
@click.option("--wacz", "wacz_file", metavar="FILE", default=None, help="Instead: package the WARC captures, their index and the pages as a WACZ file.")
@db_option(must_exist=False)
@warc_dir_option
@click.option("--since", metavar="DATE", default=None, help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--category", metavar="NAME", default=None, help="Only articles of this category, as the site names it.")
@click.option("--output", "-o", metavar="FILE", default="-", show_default=True, help="Where to write; - is standard output.")
def export_command(format_name: str | None, wacz_file: str | None, db_path: str, warc_dir: str | None,
                   since: str | None, category: str | None, output: str) -> None:  # fmt: skip
    """Export articles as JSON Lines or CSV, streamed, for pandas or R; or the captures as WACZ."""
    from crawler.archive.export import ExportError, parse_since

    if (format_name is None) == (wacz_file is None):
        raise click.ClickException("give either --format jsonl|csv or --wacz FILE")
    if wacz_file:
        from crawler.crawl.middlewares import default_warc_dir
        from crawler.archive.wacz import package

        with open_archive(db_path) as archive:
            try:
                package(archive, Path(warc_dir) if warc_dir else default_warc_dir(db_path), wacz_file)
            except ArchiveError as error:
                raise click.ClickException(str(error)) from None
        click.echo(f"captures packaged in {wacz_file}")
        return
    try:
        since = parse_since(since)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    # closing(): a stopped export (a closed pipe) ends its cursor before the archive closes.
    with open_archive(db_path) as archive, closing(archive.iter_articles(since=since, category=category)) as rows:
        with open_output(output) as out:
            count = EXPORT_FORMATS[format_name](rows, out, archive.public_article_columns())
    if output != "-":
        click.echo(f"{count} articles written to {output}")


@contextmanager
def open_output(output: str) -> Iterator[TextIO]:
    """The export's text stream: the file `output` or, for -, standard output; UTF-8."""
    if output == "-":
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:  # `… | head`: the reader has what it wanted
            # What is still buffered goes nowhere, rather than into an error at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        finally:
            stream.detach()  # leave standard output open for click
        return
    try:
        out = open(output, "w", encoding="utf-8", newline="")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    with out:
        yield out
