"""The published generation as readers see it: ``snapshot`` opens it (and reopens it
when an ingest switches ``current``), ``records`` lists its records in the stable order
that paged collections, OAI-PMH and sitemaps walk. Nothing here knows HTTP."""
