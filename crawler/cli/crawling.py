"""The commands that fill the archive: `crawl` (the site or a replica), `demo` (a replica served
and crawled) and `reparse` (the archive rebuilt from its WARC captures, offline), with the
crawl's summary they print."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crawler.archive.storage import Archive, ArchiveError
from crawler.cli.options import db_option, open_profile, profile_option, warc_dir_option

__all__ = ["PROFILE_SHARE_GOAL", "crawl", "demo", "print_crawl_summary", "reparse"]


@click.command()
@click.option("--start-url", default=None, help="Where the crawl begins; it stays on this host [default: the profile's home, https://cchc.laichau.gov.vn/].")
@db_option(must_exist=False)
@profile_option
@click.option("--delay", type=click.FloatRange(min=0), default=None, help="Seconds between requests (default 1, with AutoThrottle; 0 for a local replica).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Stop after this many responses.")
@warc_dir_option
@click.option("--refresh-after", type=click.FloatRange(min=0), default=30, show_default=True,
              help="Days: pages archived more recently are not requested again (0: revalidate all).")
@click.option("--full", is_flag=True, help="Walk every page of every listing, even those with nothing new.")
@click.option("--contact", default=None, metavar="EMAIL_OR_URL", envvar="CCHC_CONTACT", show_envvar=True,
              help="Who runs the crawl, written into the User-Agent so the site's administrators can reach you.")
@click.option("--no-images", is_flag=True, help="Do not fetch the images of article bodies (FETCH_IMAGES=0).")
@click.option("--log-level", default="WARNING", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@click.option("--progress-every", type=click.FloatRange(min=0, min_open=True), default=60, show_default=True,
              metavar="SECONDS", help="Off a terminal, a line of progress this often (on one: a live line).")
@click.option("--quiet", "-q", is_flag=True, help="No progress, and only errors from the log: errors and the summary.")
def crawl(start_url: str | None, db_path: str, profile_path: str | None, delay: float | None, max_pages: int | None,
          warc_dir: str | None, refresh_after: float, full: bool, log_level: str, progress_every: float,
          quiet: bool, no_images: bool, contact: str | None) -> None:  # fmt: skip
    """Crawl the portal (or a replica) into the archive, then print a summary.

    While it runs, a line on stderr says how it goes: rewritten in place on a terminal,
    `progress: pages …` every --progress-every seconds otherwise; `cchc-archive stats`
    shows it from elsewhere. A second crawl of the same archive fetches only what is new
    or due; an interrupted crawl resumes where it stopped when the same command is run again.
    """
    from crawler.crawl.runner import run_crawl  # Scrapy loads only for the commands that crawl

    profile = open_profile(profile_path)
    start_url = start_url or profile.home
    if not start_url:
        raise click.ClickException(f"profile {profile.source} names no [site] home: give --start-url")
    if quiet and click.get_current_context().get_parameter_source("log_level") is click.core.ParameterSource.DEFAULT:
        log_level = "ERROR"
    try:
        record = run_crawl(start_url, db_path, delay=delay, max_pages=max_pages, warc_dir=warc_dir,
                           refresh_after=refresh_after, full=full, log_level=log_level, profile=profile_path,
                           progress="none" if quiet else "auto", progress_every=progress_every,
                           fetch_images=not no_images, contact=contact)  # fmt: skip
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None
    print_crawl_summary(record, db_path)


# Below this share of a crawl's articles found by the profile, the site's markup has changed.
PROFILE_SHARE_GOAL = 0.9


def print_crawl_summary(record: dict, db_path: str) -> None:
    """The crawl's figures: pages by type and status, articles and pages by method, errors.

    Its last line says so when the profile found fewer than 90% of the articles.
    """
    stats = record.get("stats") or {}
    click.echo(f"Crawl {record.get('id')} of {record.get('start_url')} into {db_path}")
    click.echo(f"  requests: {stats.get('requests', 0)}, finish: {stats.get('finish_reason')}")
    for label, key in (("pages by type", "pages_by_type"), ("pages by status", "pages_by_status"),
                       ("articles by method", "articles_by_method"), ("pages by extraction method", "pages_by_method"),
                       ("attachments", "attachments")):  # fmt: skip
        figures = ", ".join(f"{name} {count}" for name, count in sorted((stats.get(key) or {}).items()))
        click.echo(f"  {label}: {figures or 'none'}")
    click.echo(f"  errors: {stats.get('errors', 0)}")
    for sample in (stats.get("error_samples") or [])[:10]:
        click.echo(f"    {sample}")
    by_method = stats.get("articles_by_method") or {}
    articles = sum(by_method.values())
    if articles and by_method.get("profile", 0) < PROFILE_SHARE_GOAL * articles:
        click.echo(f"The site's markup has changed: its profile found {by_method.get('profile', 0)} of {articles} "
                   f"articles, the generic extractor the rest. Suggest a new profile: "
                   f"cchc-archive profile suggest --db {db_path} > site.toml")  # fmt: skip


@click.command()
@db_option(must_exist=False)
@click.option("--articles", type=click.IntRange(min=10), default=300, show_default=True, help="Size of the replica.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True,
              help="Port of the replica; a fixed one keeps article URLs the same from one demo to the next.")  # fmt: skip
def demo(db_path: str, articles: int, port: int) -> None:
    """Serve a replica of the site on 127.0.0.1, crawl it into the archive, explain what next."""
    from crawler.replica import ReplicaServer, build_replica
    from crawler.crawl.runner import run_crawl

    try:
        server = ReplicaServer(build_replica(n_articles=articles), port=port).start()
    except OSError as error:
        raise click.ClickException(f"cannot serve the replica on 127.0.0.1:{port}: {error.strerror or error}") from None
    try:
        click.echo(f"Replica of the site serving at {server.url}/ ({articles} articles); crawling it…")
        record = run_crawl(server.url + "/", db_path, delay=0)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None
    finally:
        server.stop()
    print_crawl_summary(record, db_path)
    click.echo(f"\nBrowse it:  cchc-archive serve --db {db_path}   (or: make serve; then open http://127.0.0.1:8001/)")
    click.echo(f"Search it:  cchc-archive search 'dang bo' --db {db_path}")


@click.command()
@db_option(must_exist=False)
@warc_dir_option
@click.option("--wacz", "wacz_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Read the captures from this WACZ package instead of a folder.")
@profile_option
def reparse(db_path: str, warc_dir: str | None, wacz_file: str | None, profile_path: str | None) -> None:
    """Rebuild articles, documents, links, images, attachments and references from the captures, offline.

    The archive need not exist: `reparse --db new.db --warc-dir DIR` (or `--wacz crawl.wacz`)
    builds a new one from the captures alone.
    """
    profile = open_profile(profile_path)
    from crawler.crawl.middlewares import default_warc_dir
    from crawler.archive.reparse import reparse as rebuild
    from crawler.archive.warc import warc_sources

    if warc_dir and wacz_file:
        raise click.UsageError("give --warc-dir or --wacz, not both")
    source = Path(wacz_file or warc_dir or default_warc_dir(db_path))
    files = warc_sources(source)
    if not files:
        raise click.ClickException(f"no WARC files in {source}")
    try:
        archive = Archive(db_path)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None
    with archive, click.progressbar(length=sum(f.size for f in files), label="Reparsing", file=sys.stderr) as bar:
        done = 0

        def advance(position: int) -> None:
            nonlocal done
            bar.update(max(0, position - done))
            done = max(done, position)

        report = rebuild(archive, source, progress=advance, profile=profile)
    click.echo(f"{report.responses} responses read, {report.articles} articles, {report.documents} documents and "
               f"{report.attachments} attachments rebuilt")
    for error in report.errors[:20]:
        click.echo(f"  {error}", err=True)
