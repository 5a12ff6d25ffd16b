"""Patches of citeproc-py 0.11.1: five CSL fixes that change its output, and speed patches that do not.

Applied explicitly (:func:`apply`, called by :func:`litkb.emit.cite.styles.load_style` before a
style is used), never at import, and only for the pinned version: the replaced functions are
copies of 0.11.1's with a change, so :func:`apply` refuses any other version with
:class:`~litkb.core.versions.UnsupportedVersion` (one line in ``kb``).

The fixes (:data:`FIXES`) change the output, where citeproc-py departs from the CSL 1.0.2 specification
(``tests/test_citeproc_patches.py`` shows each difference):

1. Substitution: "substituted variables are suppressed in the rest of the output"; citeproc-py
   suppresses ``<text>`` variables only, so an edited book printed its editors twice
   ("Harris, A. (Ed.). (2009). Title (A. Harris, Ed.)."). Names now honour the suppression.
2. ``text-case`` on ``<label>``: citeproc-py passes no language, so title case never applies and
   APA's "(Eds.)" came out "(eds.)". Labels now use the style's language.
3. Group suppression: a group is dropped when it calls variables and all are empty; citeproc-py
   counted any ``<choose>`` as calling a variable, so a thesis with a type but no number came out
   "(Publication) [PhD thesis]" in APA. A choose now counts only by the branch it takes.
4. Disambiguation: citeproc-py implements none of it. A cite now prints its names as
   :mod:`litkb.emit.cite.disambiguate` tells it (the :data:`HINTS` of its reference): more names
   before "et al." ("Spillane, Camburn, & Pareja, 2009"), given names expanded ("J. Smith").
5. Sort keys: "when sorting by name variables rendered within the macro, any cs:label elements
   are excluded" and names are compared one by one; citeproc-py sorted on the printed list, so
   "Frost, D., & Harris, A." came before "Frost, D., Durrant, J." ("&" < "D") and an edited book
   after its chapters ("(Eds.)"). Macro sort keys now have no labels, no "and" and no "et al."
   (the specification excludes both terms), and a macro called by a sort key passes the key's
   options on to the macros it calls.

The :data:`SPEED` patches change nothing in the output (the same test compares every reference of the real
library with and without them): they answer repeated lookups once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from citeproc import model, source
from citeproc.source import VariableError

from ...core.versions import require

DISTRIBUTION, VERSION = "citeproc-py", "0.11.1"
# The patch sets: three fixes (each changes output) and the speed patches (none does).
SUBSTITUTION, LABEL_CASE, GROUP_SUPPRESSION, SPEED = "substitution", "label-case", "group-suppression", "speed"
DISAMBIGUATION, SORT_KEYS = "disambiguation", "sort-keys"
FIXES = (SUBSTITUTION, LABEL_CASE, GROUP_SUPPRESSION, DISAMBIGUATION, SORT_KEYS)
# The key of a reference under which litkb.emit.cite.render leaves the cite hints of the work.
HINTS = "kb_disambiguation"
SETS = (*FIXES, SPEED)


# -- the three CSL fixes ------------------------------------------------------------------------
_process_names = model.Names.process


def _names_process(self: Any, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any) -> Any:
    try:
        repressed = (context if context is not None else self).get_layout().repressed.get(self.tag, [])
    except (AttributeError, IndexError):
        repressed = []
    hidden = {name for entry in repressed if entry for name in entry.split()}
    roles = str(self.get("variable", "")).split()
    shown = [role for role in roles if role not in hidden]
    if len(shown) == len(roles):
        return _process_names(self, item, names_context=names_context, context=context, **kwargs)
    if not shown:
        raise model.VariableError
    # Render the remaining roles only; the style tree is restored at once (single-threaded use).
    self.set("variable", " ".join(shown))
    try:
        return _process_names(self, item, names_context=names_context, context=context, **kwargs)
    finally:
        self.set("variable", " ".join(roles))


def _label_markup(self: Any, text: Any) -> Any:
    if not text:
        return None
    language = str(self.get_root().get("default-locale", "en"))[:2]
    return self.wrap(self.format(self.case(self.strip_periods(text), language)))


def _group_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
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


_name_process = model.Name.process


def _hinted_name_process(self: Any, item: Any, variable: str, context: Any = None, sort_options: Any = None, **kwargs: Any) -> Any:
    # A cite (not a sort key, not the bibliography) of a work with hints prints its names as they say;
    # everything else is citeproc-py's own Name.process.
    hints = item.reference.get(HINTS) if sort_options is None else None
    if not hints:
        return _name_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
    scope = (context if context is not None else self).xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography][1]")
    if not scope or not str(scope[0].tag).endswith("citation"):
        return _name_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
    return _names_as_hinted(self, item, variable, context, hints)


def _names_as_hinted(self: Any, item: Any, variable: str, context: Any, hints: dict[str, Any]) -> Any:
    # As citeproc-py 0.11.1's Name.process (form long or short; count and et-al-use-last are left
    # to it), except: et-al-use-first is the hint's "names" when given, a list no longer than that
    # is not abbreviated, and a name in the hint's "expand" prints long, initialised or in full.
    def option(name: str) -> Any:
        return self.get_option(name, context, None)

    form = option("form")
    if form == "count" or option("et-al-use-last"):
        return _name_process(self, item, variable, context=context)
    names = item.reference.get(variable, [])
    use_first = hints.get("names") or option("et-al-use-first")
    least = option("et-al-min")
    truncate = len(names) > 1 and least and len(names) >= least and len(names) > use_first
    shown = names[:use_first] if truncate else names
    initialize_with, expand = option("initialize-with"), hints.get("expand") or {}
    output = []
    for i, name in enumerate(shown):
        given, family, dp, ndp, suffix = name.parts()
        level = expand.get((family, given)) if given else None
        name_form = "long" if level else form
        if given is not None and initialize_with is not None and level != "full":
            given = self.initialize(given, initialize_with, context)
        if name_form == "long":
            sort_order = option("name-as-sort-order")
            if sort_order == "all" or (sort_order == "first" and i == 0):
                if option("demote-non-dropping-particle") in ("never", "sort-only"):
                    family, given = " ".join(n for n in (ndp, family) if n), " ".join(n for n in (given, dp) if n)
                else:
                    given = " ".join(n for n in (given, dp, ndp) if n)
                given, family = _name_parts(self, given, family)
                output.append(option("sort-separator").join(n for n in (family, given, suffix) if n))
            else:
                given, family = _name_parts(self, given, " ".join(n for n in (dp, ndp, family) if n))
                output.append(" ".join(n for n in (given, family, suffix) if n))
        else:
            output.append(_name_parts(self, given, " ".join(n for n in (ndp, family) if n))[1])
    return _join_names(self, output, bool(truncate), option)


def _name_parts(self: Any, given: Any, family: Any) -> tuple[Any, Any]:
    for part in self.findall("cs:name-part", self.nsmap):
        given, family = part.format_part(given, family)
    return given, family


def _join_names(self: Any, output: list[Any], truncated: bool, option: Callable[[str], Any]) -> Any:
    # citeproc-py 0.11.1's joining of a name list (and, et al., the delimiters).
    delimiter, and_ = option("delimiter"), option("and")
    et_al = self.et_al()
    if truncated and et_al:
        precedes = option("delimiter-precedes-et-al")
        if precedes == "always" or (precedes == "contextual" and len(output) >= 2):
            return self.join([*output, et_al], delimiter)
        return self.join(output, delimiter) + " " + et_al
    if and_ is not None and len(output) > 1:
        and_term = self.get_single_term(name="and") if and_ == "text" else self.preformat("&")
        text = self.join(output[:-1], ", ")
        precedes = option("delimiter-precedes-last")
        text = self.join([text, ""], ", ") if precedes == "always" or (precedes == "contextual" and len(output) > 2) else text + " "
        return text + f"{and_term} " + output[-1]
    return self.join(output, delimiter)


_macro_render = model.Macro.render
_label_process = model.Label.process
_text_process = model.Text.process


def _sort_key_text_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # citeproc-py drops the sort options where a macro calls another (<text macro="author"/>); they
    # "affect all names generated via macros called by cs:key", so they are passed on.
    sort_options = kwargs.get("sort_options")
    if sort_options is None or "macro" not in self.attrib:
        return _text_process(self, item, context=context, **kwargs)
    try:  # the language as citeproc-py's Text.process finds it
        language = item.reference.language[:2]
    except VariableError:
        language = self.get_root().get("default-locale", "en")[:2]
    return self.get_macro(self.get("macro")).render(item, context if context is not None else self, sort_options), language


_name_et_al = model.Name.et_al
_sorting = [0]  # > 0 while a sort key is rendered (single-threaded use, as citeproc-py's own layout state)


def _sort_key_macro_render(self: Any, item: Any, context: Any = None, sort_options: Any = None) -> Any:
    # A macro rendered as a sort key joins its names without the "and" term (one by one, as the
    # specification compares them) and without "et al." (excluded from sort keys).
    if sort_options is None:
        return _macro_render(self, item, context=context, sort_options=sort_options)
    _sorting[0] += 1
    try:
        return _macro_render(self, item, context=context, sort_options={**sort_options, "and": None})
    finally:
        _sorting[0] -= 1


def _sort_key_et_al(self: Any) -> Any:
    return None if _sorting[0] else _name_et_al(self)


def _sort_key_label_process(self: Any, item: Any, variable: Any = None, plural: Any = None, context: Any = None, **kwargs: Any) -> Any:
    # "When sorting by name variables rendered within the macro, any cs:label elements are excluded from the sort key values."
    if kwargs.get("sort_options") is not None:
        return None
    return _label_process(self, item, variable, plural, context, **kwargs)


# -- speed, not output --------------------------------------------------------------------------
def _speed_patches() -> list[tuple[Any, str, Any]]:
    """The speed patches, each with fresh caches.

    citeproc-py re-runs the same XPath queries (macros, layout, locale terms) for every element of
    every reference, a third of its time. Style trees never change shape, so each (element,
    query) is answered once; holding the element also keeps lxml's Python proxy alive, on which
    citeproc-py stores per-layout state. Whether an element calls a variable depends on the style
    tree only (the Names fix changes a Names element's own attribute, which no calls_variable
    reads). Each ``item.reference`` walks three properties and two dict lookups, ~300 times a
    reference: a citation item belongs to one bibliography, so it is looked up once. A citation of
    one work still sorts its one item by rendering the style's sort keys (40% of an in-text
    citation): the order of fewer than two items is known without them. Elements' roots and named
    children are remembered the same way.
    """
    xpath_cache: dict[tuple[Any, str], list[Any]] = {}

    def xpath_search(self: Any, expression: str) -> list[Any]:
        found = xpath_cache.get((self, expression))
        if found is None:
            found = xpath_cache[(self, expression)] = self.xpath(expression, namespaces=self.nsmap)
        return list(found)

    calls_cache: dict[Any, bool] = {}

    def cached_calls(original: Callable[[Any], Any]) -> Callable[[Any], bool]:
        def calls_variable(self: Any) -> bool:
            found = calls_cache.get(self)
            if found is None:
                found = calls_cache[self] = bool(original(self))
            return found

        return calls_variable

    def reference(self: Any) -> Any:
        found = self.__dict__.get("_kb_reference")
        if found is None:
            found = self.__dict__["_kb_reference"] = self.citation.bibliography.source[self.key]
        return found

    # An element's root and its named children never change in a style or locale tree (citeproc-py
    # builds none while rendering): each is looked up once (about a tenth of a reference's time).
    roots: dict[Any, Any] = {}

    def get_root(self: Any) -> Any:
        found = roots.get(self)
        if found is None:
            found = roots[self] = self.getroottree().getroot()
        return found

    children: dict[tuple[Any, str], Any] = {}

    def child(self: Any, name: str) -> Any:
        key = (self, name)
        if key in children:
            return children[key]
        found = children[key] = self.find("cs:" + name, self.nsmap)
        return found

    sort_items = _ORIGINALS[(model.Sort, "sort")]

    def sort(self: Any, items: Any, context: Any) -> Any:
        return list(items) if len(items) < 2 else sort_items(self, items, context)

    return [
        (model.CitationStylesElement, "xpath_search", xpath_search),
        (model.Parent, "calls_variable", cached_calls(_ORIGINALS[(model.Parent, "calls_variable")])),
        (model.Text, "calls_variable", cached_calls(_ORIGINALS[(model.Text, "calls_variable")])),
        (source.CitationItem, "reference", property(reference)),
        (model.Sort, "sort", sort),
        (model.CitationStylesElement, "get_root", get_root),
        (model.SomewhatObjectifiedElement, "__getattr__", child),
    ]


_FIXES: dict[str, list[tuple[Any, str, Any]]] = {
    SUBSTITUTION: [(model.Names, "process", _names_process)],
    LABEL_CASE: [(model.Label, "markup", _label_markup)],
    GROUP_SUPPRESSION: [(model.Group, "process", _group_process)],
    DISAMBIGUATION: [(model.Name, "process", _hinted_name_process)],
    SORT_KEYS: [(model.Macro, "render", _sort_key_macro_render), (model.Label, "process", _sort_key_label_process),
                (model.Text, "process", _sort_key_text_process), (model.Name, "et_al", _sort_key_et_al)],
}
_TARGETS = [(model.Names, "process"), (model.Label, "markup"), (model.Group, "process"), (model.Name, "process"), (model.Macro, "render"),
            (model.Label, "process"), (model.Text, "process"), (model.Name, "et_al"), (model.CitationStylesElement, "xpath_search"),
            (model.Parent, "calls_variable"), (model.Text, "calls_variable"), (source.CitationItem, "reference"), (model.Sort, "sort"),
            (model.CitationStylesElement, "get_root"), (model.SomewhatObjectifiedElement, "__getattr__")]
_ORIGINALS: dict[tuple[Any, str], Any] = {(owner, name): owner.__dict__[name] for owner, name in _TARGETS}
_installed: dict[str, list[tuple[Any, str, Any]]] = {}
_suspended: set[str] = set()


def apply() -> None:
    """Install every patch set (idempotent, and cheap once done: called before each use of a
    style). Raises UnsupportedVersion for another citeproc-py than the pinned one."""
    wanted = [group for group in SETS if group not in _installed and group not in _suspended]
    if not wanted:
        return
    require(DISTRIBUTION, VERSION, "litkb's citeproc-py patches")
    for group in wanted:
        patches = _speed_patches() if group == SPEED else _FIXES[group]
        for owner, name, replacement in patches:
            setattr(owner, name, replacement)
        _installed[group] = patches


def installed() -> set[str]:
    """The patch sets in place now (of :data:`SETS`)."""
    return set(_installed)


def remove(*groups: str) -> None:
    """Put citeproc-py's own functions back for ``groups`` (default: every set)."""
    for group in groups or SETS:
        for owner, name, _ in _installed.pop(group, []):
            setattr(owner, name, _ORIGINALS[(owner, name)])


@contextlib.contextmanager
def suspended(*groups: str) -> Iterator[None]:
    """citeproc-py's own functions for ``groups`` (default: every set) for the duration, for
    comparing output with and without them; what was installed before is installed again after."""
    groups = groups or SETS
    before = installed()
    remove(*groups)
    _suspended.update(groups)
    try:
        yield
    finally:
        _suspended.difference_update(groups)
        if before:
            apply()
