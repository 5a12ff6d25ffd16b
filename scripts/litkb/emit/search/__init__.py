"""Full-text search: documents, queries, results, the index store; Whoosh only in :mod:`.whoosh`."""
