"""Scrapy settings: polite to a small government server by default.

`scrapy crawl cchc` reads these through scrapy.cfg; the `cchc-archive` CLI loads this
module directly, so the two run the same crawl.
"""

import os

from crawler import __version__

BOT_NAME = "cchc-archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"


def user_agent(contact: str | None = None) -> str:
    """The crawler's User-Agent: what it is, and how the site's administrators reach whoever runs it."""
    about = "research archive of cchc.laichau.gov.vn"
    return f"cchc-archive/{__version__} ({about}; contact: {contact.strip()})" if contact else \
        f"cchc-archive/{__version__} ({about})"


# Who runs the crawl (an e-mail address or a web page), written into the User-Agent so
# that a site's administrators can reach them: `cchc-archive crawl --contact`,
# `scrapy crawl cchc -s CONTACT=…`, or the environment variable CCHC_CONTACT.
CONTACT = os.environ.get("CCHC_CONTACT") or None
USER_AGENT = user_agent(CONTACT)

# Politeness: robots.txt, one request at a time per host, at least a second apart,
# slower still when the server slows down.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0  # never below DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # a page; attachments have ATTACHMENT_MAX_BYTES
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Every status reaches the spider so that 404s and 5xx are recorded in `pages`.
HTTPERROR_ALLOW_ALL = True
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy re-reads a callback's source on every response to warn about `return` in a
# generator; the spider's callbacks have none, and the check costs a tenth of a crawl.
WARN_ON_GENERATOR_RETURN_VALUE = False

ITEM_PIPELINES = {"crawler.crawl.pipelines.ArchivePipeline": 300}
# Scrapy starts this many tasks for the output of every callback. A page yields one
# capture and a few requests, and the pipeline only hands captures to its writer thread:
# the default of 100 costs a fifth of a crawl's time and buys nothing.
CONCURRENT_ITEMS = 16
ARCHIVE_DB = "archive.db"

# WARC capture, next to the downloader so payloads are kept as the server sent them
# (before decompression, every retry and redirect included).
DOWNLOADER_MIDDLEWARES = {
    "crawler.crawl.middlewares.WarcCaptureMiddleware": 950,
    # Retries wait as long as a 503 or 429 answer's Retry-After asks (Scrapy's do not).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawl.middlewares.RetryAfterMiddleware": 550,
}
RETRY_AFTER_MAX = 120  # seconds: a longer wait is cut to this
WARC_DIR = None  # default: archive/warc/ beside ARCHIVE_DB
WARC_MAX_BYTES = 1024**3
ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
# The images of article bodies (on the crawl's host, as politely as pages), so that the
# archive shows an article without the site; `-s FETCH_IMAGES=0` leaves them out.
FETCH_IMAGES = True

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
