"""Full-text search with facets: an SQLite FTS5 index built at ingest (index.py) and
the queries people run against it (query.py).

Why SQLite FTS5: it is in Python's standard library (no server, no dependency to
install), ranks by BM25 with a weight per column, does phrase and prefix queries,
folds case and diacritics in its ``unicode61`` tokenizer, writes highlighted snippets,
and keeps everything in one file that lives in the store's generation directory, so
it is copied, updated and switched together with the store. Oxigraph has no text
index, and scanning literals with SPARQL takes seconds at 100k records.
"""
