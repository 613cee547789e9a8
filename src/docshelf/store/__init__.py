"""The SQLite index: schema, libraries and versions, pages, atomic re-indexing; the SQL lives here
and in search/."""
