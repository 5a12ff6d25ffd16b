"""Pictures drawn at build time as inline SVG, by our own small deterministic layouts: the map of a
concept (:mod:`.concept_map`), the citation network (:mod:`.network`, with :mod:`.layout`) and the
concept timeline (:mod:`.timeline`). No script, no request to another host (:mod:`.svg` writes
only what the page tripwire accepts)."""
