"""A knowledge base in which every text field that reaches the site is hostile.

Each field holds the same attack kit, tagged with the field's name so that a failure names the
field: markup that would close ``<title>`` and open a script, an image with an error handler,
the same inside a code span (which Markdown keeps as written), HTML entities, a pipe that would
split a table cell followed by a ``javascript:`` link, a link title ending in "data-search-q="
followed by quotes (Material's search plugin would cut from there into the text, turning the
quotes into attributes) and a Mermaid/Jinja mix. ``write_accepted`` writes only what ``kb check`` accepts (the strict build must publish it
inertly); ``write_preview`` adds what ``kb check`` refuses but ``kb serve`` still shows (the
preview must show it inertly too, or withhold the page).
"""

from __future__ import annotations

from pathlib import Path

import yaml

MARKER = "zzhostile"


def kit(field: str) -> str:
    """The attack kit for one field (no comma: it must also fit a BibTeX name part)."""
    call = f"alert('{field}')"
    return (
        f"{MARKER} {field} </title><script>{call}</script> <img src=x onerror={call}> "
        f"`</title><script>{call}</script>` &lt;/title&gt;&lt;script&gt;{call}&lt;/script&gt; "
        f"a | [x](javascript:{call}) | b [t](https://example.org \"data-search-q=\") \"y\" onmouseover=\"{call}\" x=\" "
        f"{{{{ 7*7 }}}} ]] --> <!-- "
        f"<svg onload={call}>"
    )


def short_kit(field: str) -> str:
    """The kit's script-bearing core for fields with a low length limit (labels, locators, a
    country: at most 100 characters, see litkb.limits)."""
    return f"</title><script>alert(1)</script>|[x](javascript:alert('{field[:8]}'))"


def name_kit(field: str) -> str:
    """A shorter kit for person names (a person's page is named after the name)."""
    return f"</title><script>alert('{field}')</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"


def _bib_value(text: str) -> str:
    # Braces delimit BibTeX values; the kit has none, and "%" / "#" stay literal inside braces.
    return "{" + text + "}"


def _entry(key: str, entry_type: str, fields: dict[str, str]) -> str:
    body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return f"@{entry_type}{{{key},\n{body},\n}}\n"


def write_accepted(root: Path) -> None:
    """The hostile knowledge base that ``kb check`` accepts without a problem."""
    (root / "kb" / "sources").mkdir(parents=True, exist_ok=True)
    (root / "kb" / "concepts").mkdir(parents=True, exist_ok=True)
    entries = [
        _entry("hostile2020", "article", {
            "author": _bib_value(f"{{{name_kit('corporate')}}} and {name_kit('family')}, {name_kit('given')}"),
            "title": _bib_value(kit("title")),
            "journal": _bib_value(kit("journal")),
            "volume": "{3}",
            "year": "{2020}",
            "verification": "{partial}",
            "verification_note": _bib_value(kit("verification_note")),
            "unconfirmed": _bib_value(kit("unconfirmed")),
            "doubt": _bib_value(kit("doubt")),
            "cited_context": _bib_value(kit("cited_context")),
        }),
        _entry("other2019", "book", {
            "editor": _bib_value(f"Plain, Paul and {{{name_kit('editor')}}}"),
            "title": _bib_value(kit("cited-title")),
            "publisher": _bib_value(kit("publisher")),
            "year": "{2019}",
            "verification": "{unverified}",
            "verification_note": "{from memory}",
        }),
    ]
    (root / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    concept = {
        "id": "hostile-concept",
        "label": kit("label")[:200],
        "aliases": [kit("alias")[:200]],
        "definition": {"text": kit("definition"), "source": "hostile2020", "quote": kit("definition-quote"), "locator": short_kit("definition-locator")},
    }
    plain = {"id": "plain-concept", "label": "Plain concept", "definition": {"text": "A plain concept.", "source": "other2019", "locator": "p. 1"}, "related": ["hostile-concept"]}
    note = {
        "key": "hostile2020",
        "summary": kit("summary"),
        "kind": "empirical",
        "design": ["survey"],
        "setting": {"country": [short_kit("country"), "Scotland"], "sector": ["primary"], "sample": kit("sample"), "response_rate": kit("response_rate")},
        "same_study": ["other2019"],
        "appraisal": {
            "sampling": kit("sampling"),
            "data_sources": [{"source": kit("data-source"), "kind": "self-report"}],
            "not_measured": [kit("not-measured")],
            "publication_status": "pre-print",
            "stated_limitations": [{"text": kit("limitation-text"), "quote": kit("limitation-quote"), "locator": short_kit("limitation-locator")}],
            "reader_limitations": [kit("reader-limitation")],
        },
        "claims": [
            {"id": "hostile-claim", "type": "finding", "text": kit("claim-text"), "quote": kit("claim-quote"), "locator": short_kit("claim-locator"),
             "concepts": [{"concept": "hostile-concept", "stance": "supports"}, {"concept": "plain-concept", "stance": "defines"}]},
            {"id": "hostile-method", "type": "method", "text": kit("method-text"), "quote": kit("method-quote"), "locator": short_kit("method-locator"),
             "concepts": [{"concept": "hostile-concept"}]},
        ],
        "reported": [
            {"id": "hostile-reported", "type": "argument", "about": ["other2019", "hostile2020"], "cited_as": [kit("cited-as")[:300], "Hostile, 2020"],
             "text": kit("reported-text"), "quote": kit("reported-quote"), "locator": short_kit("reported-locator"),
             "concepts": [{"concept": "hostile-concept", "stance": "contests"}]},
        ],
        "cites": ["other2019"],
    }
    for path, data in ((root / "kb/concepts/hostile-concept.yaml", concept), (root / "kb/concepts/plain-concept.yaml", plain), (root / "kb/sources/hostile2020.yaml", note)):
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def write_preview(root: Path) -> None:
    """The accepted knowledge base plus what ``kb check`` refuses but ``kb serve`` still renders:
    an unknown verification status, quotes in a DOI and a URL, images from another site, a claim
    id that is not an id, and a note whose file name would break out of the edit link's
    attribute."""
    write_accepted(root)
    bib = root / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n" + _entry("doi2021", "article", {
        "author": "{Doe, Jane}",
        "title": "{A DOI with quotes ![pixel](https://tracker.invalid/p.png)}",
        "journal": "{J}",
        "year": "{2021}",
        "doi": "{10.1000/x\"onmouseover=\"alert('doi')}",
        "url": "{https://example.org/\"onmouseover=\"alert('url')}",
        "verification": _bib_value(kit("verification")),
        "verification_note": "{x}",
    }), encoding="utf-8")
    note = {
        "key": "doi2021",
        "summary": "An image from another site: ![pixel](https://tracker.invalid/q.png) and ![b]( //tracker.invalid/r.png ).",
        "kind": "empirical",
        "claims": [
            {"id": "one", "type": "finding", "text": "t", "quote": "q", "locator": "p. 1", "concepts": [{"concept": "plain-concept", "stance": "supports"}]},
            {"id": "x) [y](javascript:alert('claim-id')) (\" onmouseover=\"alert('claim-id')", "type": "finding", "text": "a claim whose id is refused",
             "quote": "q", "locator": "p. 2", "concepts": [{"concept": "plain-concept", "stance": "supports"}]},
        ],
    }
    name = "doi2021\" onmouseover=\"alert('file')\" x=\".yaml"
    (root / "kb" / "sources" / name).write_text(yaml.safe_dump(note, sort_keys=False), encoding="utf-8")
