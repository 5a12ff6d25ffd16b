"""The controlled vocabulary, defined once: stances, claim types, kinds, designs, sectors, id and key forms, and
the BibTeX fields with a fixed meaning here.

Input: none (constants). Output: the values the schema checks, the scaffolds offer, the pages and
the search index order by, and the exports carry.
"""

from __future__ import annotations

import re

# How a claim relates to a concept, in the order a concept page shows them.
STANCES = ("defines", "supports", "qualifies", "contests")
# What kind of point a claim is (CODEBOOK.md, "A claim"), in the order pages and filters list them:
# finding (the study's own data showed it), voice (a participant's own words quoted by the
# authors), argument (the authors' interpretation, position or recommendation), background (what
# the authors present as already known), method (how the study was done). A method claim takes
# no stance: it says how evidence was made, not what it shows.
CLAIM_TYPES = ("finding", "voice", "argument", "background", "method")
NO_STANCE_TYPES = ("method",)
# The kind of a data source in a note's appraisal (self-report, observation, ...).
DATA_SOURCE_KINDS = ("self-report", "observation", "documents", "outcome-measures", "other")
# How a work was published, in a note's appraisal.
PUBLICATION_STATUSES = ("journal-article", "conference-paper", "pre-print", "report", "book", "chapter", "thesis", "other")
# The kind of a work (a note's ``kind``).
WORK_KINDS = ("empirical", "review", "conceptual", "policy", "methods")
# The kinds of search documents (``kb search ... kind:claim``), in the order results are grouped.
DOC_KINDS = ("source", "claim", "concept", "author", "question")
# A question page's ``status``: reviewed means a second person has checked every citation against
# its quote (QUESTION_STATUSES[-1]); the page says so, and says when it has not been.
QUESTION_STATUSES = ("draft", "reviewed")
DESIGNS = (
    "case-study", "interview", "questionnaire", "survey", "sociometric-analysis", "shadowing",
    "workshop", "literature-review", "document-analysis", "observation", "focus-group",
    "narrative-inquiry", "grounded-theory", "mixed-methods", "longitudinal", "action-research",
    "conceptual-analysis", "policy-analysis",
)
# Designs in families, for the evidence map's grouped columns: every design in exactly one.
DESIGN_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Qualitative fieldwork", ("case-study", "interview", "focus-group", "observation", "shadowing", "workshop",
                               "narrative-inquiry", "grounded-theory", "action-research")),
    ("Quantitative", ("questionnaire", "survey", "sociometric-analysis")),
    ("Mixed and longitudinal", ("mixed-methods", "longitudinal")),
    ("Desk-based", ("literature-review", "document-analysis", "conceptual-analysis", "policy-analysis")),
)
SECTORS = ("nursery", "primary", "secondary", "special", "all-through", "further", "higher", "system")

# Concept and claim ids: lower-case words joined by hyphens.
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# BibTeX keys: also used as file names and URL parts, so no spaces, slashes or '..'.
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$"
_KEY = re.compile(KEY_PATTERN)


def is_safe_key(key: str) -> bool:
    """A BibTeX key usable as a file name and URL part (:data:`KEY_PATTERN`, and no '..')."""
    # fullmatch: with match, '$' would let a final newline through.
    return _KEY.fullmatch(key) is not None and ".." not in key


# ``verification`` of a BibTeX entry: how its metadata was checked.
VERIFICATION_VALUES = ("verified", "partial", "unverified", "unknown")
# Fields that say how an entry's metadata was checked, in the order they are shown and exported.
PROVENANCE_FIELDS = ("verification", "verification_note", "unconfirmed", "doubt")
# Fields kept verbatim (no LaTeX decoding): identifiers and URLs, where a backslash or % is literal.
# The loader reads them so and the BibTeX writer of the exports escapes them so.
VERBATIM_FIELDS = frozenset({"doi", "url", "isbn", "issn", "eprint", "file", "verification_note", "crossref", "xref", "related", "pages"})
