"""The model every stage shares: dataclasses, problems, vocabulary, text folding, URLs, files.

Imports nothing else of litkb."""
