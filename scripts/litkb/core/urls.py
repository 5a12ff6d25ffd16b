"""Where each thing lives on the site: one place for page paths, shared by pages, search and exports.

Paths are relative to the site root, with MkDocs' directory URLs ("concepts/hybrid-leadership/").
"""

from __future__ import annotations

# Names a key, concept id or person id must not take (compared case-folded): each generated folder
# has its own "index.md", and MkDocs publishes a "README.md" as the folder's index page too.
RESERVED_PAGE_NAMES = frozenset({"index", "readme"})


def page_slug(key: str) -> str:
    """A BibTeX key as a URL path segment (':' would read as a URL scheme in a relative link)."""
    return key.replace(":", "-")


def concept_path(concept_id: str) -> str:
    """Markdown file of a concept page, e.g. ``concepts/hybrid-leadership.md``."""
    return f"concepts/{concept_id}.md"


def source_path(key: str) -> str:
    return f"sources/{page_slug(key)}.md"


def author_path(person_id: str) -> str:
    return f"authors/{person_id}.md"


def question_path(question_id: str) -> str:
    """Markdown file of a question (synthesis) page, e.g. ``questions/given-or-taken.md``."""
    return f"questions/{question_id}.md"


def to_url(md_path: str) -> str:
    """``concepts/x.md`` -> ``concepts/x/`` (the URL MkDocs gives that page)."""
    if md_path.endswith("index.md"):
        return md_path[: -len("index.md")]
    return md_path[: -len(".md")] + "/"


def concept_url(concept_id: str) -> str:
    return to_url(concept_path(concept_id))


def source_url(key: str) -> str:
    return to_url(source_path(key))


def author_url(person_id: str) -> str:
    return to_url(author_path(person_id))


def question_url(question_id: str) -> str:
    return to_url(question_path(question_id))


def claim_url(note_key: str, claim_id: str) -> str:
    """A claim is shown on its note's source page, anchored by its id."""
    return f"{source_url(note_key)}#{claim_id}"
