"""A question page as a document for pandoc: the review exported for a thesis or a paper.

Input: the linked model and one :class:`~litkb.core.model.Question`. Output: a
:class:`ReviewDocument`, the page's text in pandoc Markdown (ordinary pandoc citations) and the
library's CSL-JSON export of the works it cites (:func:`~.formats.csl_json.to_csl_json`), which
:mod:`.pandoc` hands to pandoc's citeproc with the CSL file of a style. Pure.

The text is rebuilt from the checked blocks, not copied from the file, so that nothing but
paragraphs, headings, lists and citations reaches pandoc: each block is one line (no line of a
paragraph can start a block of its own), images become links (a path would otherwise be read or
embedded), and a claim citation ``[@key#claim-id]`` becomes an ordinary citation of the note's
work with the claim's locator as its locator: ``[@key, sec. The Findings]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...core.model import Citation, CitedItem, KnowledgeBase, Question, TextBlock
from ..questions import cited_claim
from .formats.csl_json import to_csl_json

# A key pandoc reads without braces: letters, digits, _ and internal punctuation, ending in a
# letter, digit or _ (else it is written @{key}).
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?")
# A claim's locator as the notes write it ("section: The Findings", "p. 12") -> pandoc's locator
# terms, which the style prints in its own way ("sec. The Findings").
_LOCATOR = re.compile(r"^(?P<term>p|pp|page|pages|sec|section|chap|chapter|para|paragraph)\b\.?:?\s*(?P<value>.+)$", re.I)
_TERMS = {"p": "p.", "pp": "pp.", "page": "p.", "pages": "pp.", "sec": "sec.", "section": "sec.", "chap": "chap.", "chapter": "chap.", "para": "para.", "paragraph": "para."}
_LOCATOR_SPECIAL = re.compile(r"([\\\[\]@;{}*_`])")
_IMAGE = re.compile(r"(?<!\\)!\[")


@dataclass(frozen=True)
class ReviewDocument:
    """``markdown``: the text (pandoc Markdown, no metadata block: the title goes on pandoc's
    command line); ``title``; ``csl_json``: the cited works; ``keys``: the cited keys, in order."""

    title: str
    markdown: str
    csl_json: str
    keys: tuple[str, ...]


def review_document(kb: KnowledgeBase, question: Question) -> ReviewDocument:
    """The question as a :class:`ReviewDocument` (its citations are expected to resolve: ``kb check``)."""
    lines: list[str] = []
    blocks = question.blocks
    for index, block in enumerate(blocks):
        text = pandoc_text(kb, block)
        if block.kind == "heading":
            # The question is the document's title, so the page's "##" parts are its top level.
            lines += [f"{'#' * max(block.level - 1, 1)} {text}", ""]
        elif block.kind == "item":
            lines.append(f"{'1.' if block.ordered else '-'} {text}")
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is None or following.kind != "item" or following.ordered != block.ordered:
                lines.append("")
        else:
            lines += [text, ""]
    keys = tuple(key for key in dict.fromkeys(item.key for item in question.items) if key in kb.sources)
    return ReviewDocument(question.question, "\n".join(lines), to_csl_json([kb.sources[k] for k in keys]), keys)


def pandoc_text(kb: KnowledgeBase, block: TextBlock) -> str:
    """One block's text on one line, its citations in pandoc's ordinary syntax."""
    out: list[str] = []
    pos = 0
    for citation in block.citations:
        out.append(block.text[pos : citation.start])
        out.append(_citation(kb, citation))
        pos = citation.end
    out.append(block.text[pos:])
    return _IMAGE.sub("[", " ".join("".join(out).split()))


def _citation(kb: KnowledgeBase, citation: Citation) -> str:
    if citation.narrative:
        item = citation.items[0]
        locator = _locator(kb, item)
        return f"@{_key(item.key)}" + (f" [{locator}]" if locator else "")
    parts: list[str] = []
    for item in citation.items:
        locator = _locator(kb, item)
        prefix = f"{item.prefix} " if item.prefix else ""
        part = f"{prefix}{'-' if item.suppress_author else ''}@{_key(item.key)}" + (f", {locator}" if locator else "")
        # Two claims of one work at the same place are one citation of that place in the document.
        if part not in parts:
            parts.append(part)
    return "[" + "; ".join(parts) + "]"


def _key(key: str) -> str:
    return key if _PLAIN_KEY.fullmatch(key) else "{" + key + "}"


def _locator(kb: KnowledgeBase, item: CitedItem) -> str:
    """The item's own locator as written, else for a claim citation the claim's, in pandoc terms."""
    if item.locator:
        return item.locator
    claim = cited_claim(kb, item)
    return claim_locator(claim.locator) if claim is not None and claim.locator else ""


def claim_locator(locator: str) -> str:
    """"section: The Findings" -> "sec. The Findings"; "p. 12" stays; text pandoc would misread
    is escaped (a form without a known term is printed after the citation as it is)."""
    match = _LOCATOR.match(" ".join(locator.split()))
    if match is None:
        return _LOCATOR_SPECIAL.sub(r"\\\1", " ".join(locator.split()))
    value = _LOCATOR_SPECIAL.sub(r"\\\1", match.group("value"))
    return f"{_TERMS[match.group('term').lower()]} {value}"
