"""The commands about the site's markup: `extract` (pages read with a profile, to check it) and
`profile suggest` (a profile learnt from the pages the generic extractor read)."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import click

from crawler.extraction.extract import ParseError, extract_page
from crawler.cli.options import db_option, json_option, open_archive, open_profile, profile_option, warc_dir_option

__all__ = ["extract", "profile", "profile_suggest", "read_source"]


@click.command()
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


@click.group()
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
