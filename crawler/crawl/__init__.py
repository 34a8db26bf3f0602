"""The crawl: Scrapy pipelines and middlewares around the `cchc` spider, its frontier, progress and runner."""
