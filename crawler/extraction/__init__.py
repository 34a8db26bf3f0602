"""A page to an article: the site profile first, the generic extractor when it misses; documents, legal references, attached files."""
