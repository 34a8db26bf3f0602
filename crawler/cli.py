"""The `cchc-archive` command: crawl, extract, search, stats, demo.

Each command checks its options, calls one library function and turns the library's
errors into one line on stderr (click.ClickException), never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TextIO

import click

from crawler.archive.export import FORMATS as EXPORT_FORMATS
from crawler.extraction.extract import ParseError, extract_page
from crawler.extraction.profile import Profile, ProfileError, load_profile
from crawler.crawl.progress import Snapshot
from crawler.archive.storage import Archive, ArchiveError

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


@click.group()
@click.version_option(package_name="cchc-archive")
def cli() -> None:
    """Archive cchc.laichau.gov.vn into SQLite and search it."""


@cli.command()
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


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@profile_option
@json_option("One JSON object per page (JSON Lines).")
def extract(sources: tuple[str, ...], profile_path: str | None, as_json: bool) -> None:
    """Extract saved pages or URLs with the site's profile (or the generic extractor), to check them."""
    profile = open_profile(profile_path)
    failed = False
    for source in sources:
        try:
            html, url, content_type = read_source(source)
            page = extract_page(html, url, content_type=content_type, profile=profile)
        except (OSError, ParseError, ValueError, urllib.error.URLError) as error:
            click.echo(f"Error: {source}: {error}", err=True)
            failed = True
            continue
        record = {"url": url, "page_type": page.page_type, "title": page.title, "canonical_url": page.canonical_url,
                  "extraction_note": page.note}  # fmt: skip
        if page.article:
            record |= {k: v for k, v in page.article.items() if k not in ("url", "canonical_url")}
        if page.document:
            record["document"] = {k: v for k, v in page.document.items() if k != "url"}
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(f"{url}\n  type: {page.page_type}\n  title: {page.title}")
            if page.note:
                click.echo(f"  note: {page.note}")
            if page.article:
                a = page.article
                click.echo(f"  published: {a['published']} ({a['published_raw']})\n  category: {a['category']}"
                           f"\n  method: {a['extraction_method']}\n  words: {a['word_count']}"
                           f"\n  related: {len(a['related'])}, images: {len(a['images'])}, attachments: {len(a['attachments'])}")  # fmt: skip
            if page.document:
                d = page.document
                click.echo(f"  number: {d['number']} ({d['number_raw']})\n  kind: {d['kind']}\n  issuer: {d['issuer']}"
                           f"\n  issued: {d['issued']}\n  summary: {d['summary']}\n  files: {len(d['files'])}")  # fmt: skip
    if failed:
        sys.exit(1)


def read_source(source: str) -> tuple[bytes, str, str | None]:
    """A page's bytes, URL and Content-Type, from a file or by one polite GET."""
    if source.startswith(("http://", "https://")):
        from crawler.settings import user_agent

        request = urllib.request.Request(source, headers={"User-Agent": user_agent(os.environ.get("CCHC_CONTACT"))})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read(), response.geturl(), response.headers.get("Content-Type")
    path = Path(source)
    return path.read_bytes(), path.resolve().as_uri(), None


@cli.command()
@click.argument("query")
@db_option(must_exist=False)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option("A JSON list of results (url, title, published, category, snippet).")
def search(query: str, db_path: str, limit: int, as_json: bool) -> None:
    """Full-text search: `dang bo` finds every form ("Đảng bộ", "đang … bộ"), `Đảng bộ` only those words."""
    with open_archive(db_path) as archive:
        try:
            results = archive.search(query, limit=limit)
        except ArchiveError as error:
            raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    if not results:
        click.echo("No results.")
    for number, result in enumerate(results, 1):
        click.echo(f"{number}. {result['title']}  ({(result.get('published') or '')[:10]})")
        click.echo(f"   {result['url']}")
        if result.get("attachment"):
            click.echo(f"   in the attachment {result['attachment']['name']}: {result['attachment']['url']}")
        click.echo(f"   {result['snippet']}")


@cli.command()
@db_option(must_exist=False)
@json_option("The figures as one JSON object.")
def stats(db_path: str, as_json: bool) -> None:
    """Articles by category and year, pages by type and status, last crawls."""
    with open_archive(db_path) as archive:
        figures = archive.stats()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"Articles: {figures['articles']}")
    for title, key, name in (("By category", "articles_by_category", "category"), ("By year", "articles_by_year", "year"),
                             ("By extraction method", "articles_by_method", "extraction_method"),
                             ("Pages by type", "pages_by_type", "page_type"), ("Pages by status", "pages_by_status", "status")):  # fmt: skip
        click.echo(f"{title}:")
        for row in figures[key]:
            click.echo(f"  {row.get(name)!s:<40} {row['count']:>6}")
    click.echo(f"Documents: {figures['documents']}; legal references: {figures['legal_refs']} "
               f"to {figures['documents_cited']} documents")
    click.echo(f"Errors: {figures['errors']}")
    click.echo("Last crawls:")
    for row in figures["crawls"]:
        click.echo(f"  #{row['id']} {row['started']} → {crawl_state(row)}  {row['start_url']}")
        progress = (row.get("stats") or {}).get("progress")
        if progress and row.get("state") != "finished":
            # How far a running crawl has got (as of `updated`), or an interrupted one got.
            click.echo(f"      {Snapshot.from_dict(progress).text()}")


def crawl_state(row: dict) -> str:
    """When a crawl finished, or that it runs (updated when) or was interrupted."""
    state = row.get("state") or ("finished" if row.get("finished") else "interrupted")
    if state == "finished":
        return row["finished"] or "finished"
    if state == "running":
        return f"running, updated {row.get('updated')}"
    return "interrupted (the same crawl command resumes it)"


@cli.command()
@click.argument("number", required=False)
@db_option(must_exist=False)
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N", help="The N documents cited by the most articles.")
@click.option("--rebuild", is_flag=True, help="Recompute every reference from the stored text (after a change of the code table).")
@json_option("The rows as JSON.")
def refs(number: str | None, db_path: str, top: int | None, rebuild: bool, as_json: bool) -> None:
    """The articles citing a document (`refs 2524/KH-UBND`, any written form), newest first.

    `refs --top 20` lists the most cited documents; `refs --rebuild` recomputes the
    references of every article and document from the archive's text.
    """
    if sum(bool(choice) for choice in (number, top, rebuild)) != 1:
        raise click.UsageError("give a document NUMBER, --top N or --rebuild")
    with open_archive(db_path) as archive:
        try:
            if rebuild:
                click.echo(f"{archive.rebuild_refs()} references found.")
                return
            rows = archive.most_cited(top) if top else archive.citing_articles(number)
        except ArchiveError as error:
            raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif top:
        for row in rows:
            about = f"  {row['summary']}" if row["summary"] else ""
            click.echo(f"{row['articles']:>5} articles  {row['number']}  {row['kind'] or ''}{about}")
    elif not rows:
        click.echo(f"No article cites {number}.")
    else:
        for row in rows:
            click.echo(f"{(row['published'] or '')[:10]}  {row['title']}")
            click.echo(f"            {row['url']}  ({row['written']})")


@cli.command()
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


@cli.command()
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


@cli.group()
def profile() -> None:
    """Site profiles: the site's markup as data."""


@profile.command("suggest")
@db_option(must_exist=True)
@warc_dir_option
def profile_suggest(db_path: str, warc_dir: str | None) -> None:
    """Learn a profile from the pages the generic extractor read; TOML on stdout, a report on stderr."""
    from crawler.extraction.learn import suggest_profile
    from crawler.crawl.middlewares import default_warc_dir
    from crawler.archive.warc import iter_responses

    with open_archive(db_path) as archive:
        wanted = archive.urls_read_by("generic")
    if not any(page_type == "article" for page_type in wanted.values()):
        raise click.ClickException(f"no article of {db_path} was read by the generic extractor: nothing to learn from")
    folder = Path(warc_dir) if warc_dir else default_warc_dir(db_path)
    pages = ((r.body, r.url, next((v for k, v in r.headers.items() if k.lower() == "content-type"), None))
             for r in iter_responses(folder)
             if r.status == 200 and r.url in wanted)  # fmt: skip
    suggestion = suggest_profile(pages)
    click.echo(suggestion.toml)
    for role, (selector, hits, total) in suggestion.chosen.items():
        click.echo(f"  {role}: {selector}  ({hits} of {total} pages)", err=True)
    click.echo(f"The suggested profile reads {suggestion.reproduced} of {suggestion.articles} articles exactly as "
               f"the generic extractor did.", err=True)  # fmt: skip
    for mismatch in suggestion.mismatches[:10]:
        click.echo(f"  {mismatch}", err=True)


@cli.command()
@click.argument("url")
@db_option(must_exist=True)
@json_option("The versions as a JSON list.")
def history(url: str, db_path: str, as_json: bool) -> None:
    """The archived versions of an article, with a diff of its text between versions."""
    from crawler.browse.reading import revision_diff  # the diff an article's page in Datasette shows too

    with open_archive(db_path) as archive:
        versions = archive.history(url)
    if not versions:
        raise click.ClickException(f"no archived versions of {url}")
    if as_json:
        click.echo(json.dumps(versions, ensure_ascii=False, indent=2))
        return
    previous = None
    for number, version in enumerate(versions, 1):
        click.echo(f"Version {number}: fetched {version['fetched']}  sha256 {version['content_sha256'][:12]}  {version['title']}")
        if previous is not None:
            for line in revision_diff(previous["body_text"], version["body_text"],
                                      f"version {number - 1}", f"version {number}"):  # fmt: skip
                click.echo(f"  {line}")
        previous = version


@cli.command("serve")
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


@cli.command("export")
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


def main() -> None:
    """Entry point for `python -m crawler.cli`."""
    cli()


if __name__ == "__main__":
    main()
