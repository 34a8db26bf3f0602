"""The commands that read the archive on the terminal: `search`, `stats`, `refs` (legal
references) and `history` (an article's versions, with diffs)."""

from __future__ import annotations

import json

import click

from crawler.crawl.progress import Snapshot
from crawler.archive.storage import ArchiveError
from crawler.cli.options import db_option, json_option, open_archive

__all__ = ["crawl_state", "history", "refs", "search", "stats"]


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
@click.argument("url")
@db_option(must_exist=True)
@json_option("The versions as a JSON list.")
def history(url: str, db_path: str, as_json: bool) -> None:
    """The archived versions of an article, with a diff of its text between versions."""
    from crawler.browse.revisions import revision_diff  # the diff an article's page in Datasette shows too

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
