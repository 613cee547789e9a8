"""Query -> ranked pages: full text (FTS5 BM25), semantic (section vectors) and their fusion."""
