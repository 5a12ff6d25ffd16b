"""Contributors' tools: scaffolds, BibTeX import, evidence diff, contributor documentation."""
