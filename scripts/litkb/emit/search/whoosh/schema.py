"""The index schema: two indexed fields (``text`` and ``tags``) and what results show, stored.

Input: a :class:`~litkb.emit.search.documents.SearchDoc`. Output: the Whoosh schema and each
document's field values.
"""

from __future__ import annotations

from typing import Any

import whoosh.fields

from ..documents import SearchDoc
from ..query import FIELDS
from .analysis import KbAnalyzer, Positions, name_words

fields: Any = whoosh.fields

# ("concept:hybrid-leadership"): one keyword field costs a fraction of eight at indexing time.
TAG_FIELDS = ("kind", "author", "concept", "stance", "type", "pair", "year", "key", "design")


def make_schema(common: frozenset[str] = frozenset()) -> fields.Schema:
    """A lean schema: two indexed fields. ``text`` holds the words and word pairs of title, body,
    names and keys (one posting list per word ranks several times faster than a union over
    fields); ``tags`` holds every keyword value with its field as prefix ("concept:trust",
    "author:gronn": one keyword field costs a fraction of eight). Stored: what results show, and
    ``names`` (a document's author text) so that an update can take the words of the documents it
    deletes off the did-you-mean list. ``uid`` is also a column: equal scores are ranked by it,
    not by where a document happens to sit in the index. The names a reader may use before ':'
    are declared (never filled) so the parser accepts them."""
    schema = fields.Schema(
        uid=fields.ID(stored=True, unique=True, sortable=True),
        text=fields.TEXT(analyzer=KbAnalyzer(common)),
        tags=fields.KEYWORD(lowercase=True),
        title=fields.STORED(),
        body=fields.STORED(),
        names=fields.STORED(),
        info=fields.STORED(),
    )
    schema["text"].format = Positions(field_boost=1.0)
    for name in sorted(k for k, v in FIELDS.items() if v in TAG_FIELDS):
        schema.add(name, fields.KEYWORD(lowercase=True))
    return schema


def index_fields(doc: SearchDoc) -> dict[str, Any]:
    tags = [f"kind:{doc.kind}"] + [f"author:{w}" for w in name_words(doc.author)]
    for name, values in (("concept", doc.concept), ("stance", doc.stance), ("type", doc.claim_type), ("pair", doc.pairs), ("year", doc.year), ("key", doc.key), ("design", doc.design)):
        tags += [f"{name}:{v}" for v in values]
    keys = " ".join(doc.key) if doc.kind in ("source", "claim") else ""  # "gronn2009b" finds its entry and claims
    text = "\n".join(t for t in (doc.title, doc.body, doc.author, keys) if t)
    return {"uid": doc.uid, "text": text, "tags": " ".join(tags), "title": doc.title, "body": doc.body, "names": doc.author, "info": dict(doc.info)}

