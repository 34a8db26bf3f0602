"""Datasette over the archive: the project's configuration, the reading room, search and captures."""
