"""The SQLite archive, its WARC captures and index, exports, and `reparse` from captures."""
