"""cchc-archive: a research archive of the Lai Châu administrative-reform portal.

`crawler.extract.extract_article(html, url)` extracts one page; `crawler.storage.Archive`
opens an archive; the `cchc` spider and the `cchc-archive` command wire them together.
"""

__version__ = "0.1.0"
