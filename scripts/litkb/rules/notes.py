"""Linking the notes: validated YAML values -> :class:`~litkb.core.model.Note` values, with the
rules the schema alone cannot say.

Input: validated note documents (located values), the concepts and a :class:`.resolve.Resolver`.
Output: notes by key; problems appended to the resolver's list. The rules (CODEBOOK.md):

- a claim's ``type`` decides its concept links: a ``method`` claim takes no stance (a stance is
  an error, KB410); any other claim names at least one concept (KB412), each with a stance (KB411);
- a reported claim's ``cited_as`` matches ``about``: text for one key, a list of the same length
  for a list (KB413);
- two reported claims of one note do not share a quote (KB503: one sentence citing several works
  is one reported claim);
- a paraphrase keeps its quote's hedges and attributions (KB504, :mod:`.hedges`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.located import LList, LMap, pos_of
from ..core.model import Appraisal, Claim, Concept, ConceptLink, DataSource, Note, Setting, StatedLimitation
from ..core.vocabulary import NO_STANCE_TYPES
from . import hedges
from .resolve import Resolver, keys_of


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def link_notes(resolver: Resolver, docs: Iterable[tuple[str, LMap, str]], concepts: dict[str, Concept]) -> dict[str, Note]:
    """Every note of ``docs`` (shown path, values, digest) by key, in key order; a second note on
    one key is reported (KB407) and left out."""
    notes: dict[str, Note] = {}
    first_file: dict[str, str] = {}
    for shown, doc, digest in docs:
        key = note_key(resolver, shown, doc)
        if key is None:
            continue
        if key in first_file:
            second_note(resolver, shown, key, first_file[key])
            continue
        first_file[key] = shown
        notes[str(key)] = link_note(resolver, shown, str(key), doc, digest, concepts)
    return dict(sorted(notes.items()))


def note_key(resolver: Resolver, shown: str, doc: LMap) -> Any:
    """The key a note document names (located, for the position of a problem), checked against
    its file name and the library; None when it names none."""
    key = doc.get("key")
    if key is None:
        return None
    resolver.check_file_name(shown, key, "key")
    if key not in resolver.sources:
        near = resolver.near(shown, key, resolver.sources, 0.7)
        resolver.at(shown, key, "KB401", f"key '{key}' is not in references.bib", f"did you mean '{near}'?" if near else "add the entry with kb import")
    return key


def second_note(resolver: Resolver, shown: str, key: Any, first: str) -> None:
    """Report a note on a key that the note in ``first`` took already (it is left out)."""
    resolver.at(shown, key, "KB407", f"a note for '{key}' already exists in {first}")


def link_note(resolver: Resolver, shown: str, key: str, doc: LMap, digest: str, concepts: dict[str, Concept]) -> Note:
    """One note document (of a key no other note took) linked; its problems go to the resolver."""
    seen_ids: dict[str, int] = {}
    linker = _ClaimLinker(resolver, shown, key, concepts)
    claims = tuple(linker.claim(c, seen_ids, reported=False) for c in doc.get("claims", ()))
    reported = tuple(linker.claim(c, seen_ids, reported=True) for c in doc.get("reported", ()))
    linker.shared_quotes(doc.get("reported", ()))
    for cited in doc.get("cites", ()):
        resolver.check_key(shown, cited, "cites")
    same_study = []
    for other in keys_of(doc.get("same_study")):
        # The note's own key names no other report: nothing to relate, so it is left out.
        if other != key and resolver.check_key(shown, _located(doc.get("same_study"), other), "same_study"):
            same_study.append(other)
    setting = doc.get("setting", {})
    return Note(
        key=key,
        path=shown,
        summary=str(doc.get("summary", "")),
        kind=str(doc.get("kind", "")),
        design=_strs(doc.get("design")),
        setting=Setting(_strs(setting.get("country")), _strs(setting.get("sector")), str(setting.get("sample", "")), str(setting.get("response_rate", ""))),
        claims=tuple(c for c in claims if c is not None),
        reported=tuple(c for c in reported if c is not None),
        cites=tuple(sorted(set(_strs(doc.get("cites"))))),
        digest=digest,
        same_study=tuple(same_study),
        appraisal=_appraisal(doc["appraisal"]) if "appraisal" in doc else None,
    )


def _located(value: Any, key: str) -> Any:
    """The located item of a one-or-more field equal to ``key`` (for the position of a problem)."""
    if isinstance(value, str):
        return value
    return next((v for v in value or () if v == key), key)


def _appraisal(doc: LMap) -> Appraisal:
    return Appraisal(
        sampling=str(doc.get("sampling", "")),
        data_sources=tuple(DataSource(str(d.get("source", "")), str(d.get("kind", ""))) for d in doc.get("data_sources", ())),
        not_measured=_strs(doc.get("not_measured")),
        publication_status=str(doc.get("publication_status", "")),
        stated_limitations=tuple(
            StatedLimitation(str(d.get("text", "")), str(d.get("quote", "")), str(d.get("locator", "")), pos_of(d.get("quote", d))[0])
            for d in doc.get("stated_limitations", ())
        ),
        reader_limitations=_strs(doc.get("reader_limitations")),
    )


class _ClaimLinker:
    """Claims of one note: resolves their works and concepts and applies the type rules."""

    def __init__(self, resolver: Resolver, shown: str, key: str, concepts: dict[str, Concept]) -> None:
        self.resolver = resolver
        self.shown = shown
        self.key = key
        self.concepts = concepts

    def claim(self, doc: LMap, seen: dict[str, int], reported: bool) -> Claim | None:
        r, shown = self.resolver, self.shown
        cid = doc.get("id")
        if cid is None:
            return None
        if cid in seen:
            r.at(shown, cid, "KB404", f"duplicate claim id '{cid}' (first at line {seen[cid]})")
            return None
        seen[cid] = pos_of(cid)[0]
        works: tuple[str, ...] = (self.key,)
        cited_as: tuple[str, ...] = ()
        if reported:
            works, cited_as = self.works(cid, doc)
        claim_type = str(doc.get("type", ""))
        if "locator" not in doc.key_pos:
            r.at(shown, cid, "KB501", f"claim '{cid}' has no locator")
        if "quote" not in doc.key_pos and not reported:
            r.at(shown, cid, "KB502", f"claim '{cid}' has no verbatim quote")
        if "text" in doc and "quote" in doc:
            lost = hedges.dropped(str(doc["quote"]), str(doc["text"]))
            if lost:
                r.at(shown, doc["text"], "KB504", f"claim '{cid}': the paraphrase drops {lost.describe()} of its quote",
                     "keep them in the text (CODEBOOK.md, 'A claim'); a word of the same family counts")
        return Claim(
            id=str(cid),
            note_key=self.key,
            works=works,
            type=claim_type,
            text=str(doc.get("text", "")),
            quote=str(doc.get("quote", "")),
            locator=str(doc.get("locator", "")),
            concepts=self.links(cid, doc, claim_type),
            path=shown,
            line=doc.line,
            cited_as=cited_as,
        )

    def works(self, cid: Any, doc: LMap) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A reported claim's works and their citations as printed, paired in order (a key given
        twice counts once). Unknown keys are reported and kept (pages show them as plain text)."""
        about, cited = doc.get("about"), doc.get("cited_as")
        keys = _items(about)
        prints = _items(cited)
        for key in keys:
            self.resolver.check_key(self.shown, key, "reported.about")
        if about is not None and cited is not None and (isinstance(about, LList) != isinstance(cited, LList) or len(keys) != len(prints)):
            form = f"a list of {len(keys)}" if isinstance(about, LList) else "one key"
            self.resolver.at(self.shown, cited, "KB413", f"claim '{cid}': cited_as does not match about ({form})",
                             "write cited_as as text for one key in about, as a list of the same length (same order) for a list")
            prints = []
        elif len(keys) != len(prints):
            prints = []  # about was refused by the schema (a problem already): nothing to pair
        if not prints:
            return tuple(dict.fromkeys(str(k) for k in keys)), ()
        pairs = dict(zip((str(k) for k in keys), (str(p) for p in prints), strict=True))
        return tuple(pairs), tuple(pairs.values())

    def links(self, cid: Any, doc: LMap, claim_type: str) -> tuple[ConceptLink, ...]:
        r, shown = self.resolver, self.shown
        no_stance = claim_type in NO_STANCE_TYPES
        refs = doc.get("concepts", ())
        if claim_type and not no_stance and not refs:
            r.at(shown, cid, "KB412", f"claim '{cid}' ({claim_type}) names no concept", "add concepts: [{concept: ID, stance: STANCE}], or type it method if it says how the study was done")
        links = []
        for ref in refs:
            concept = ref.get("concept")
            has_stance = "stance" in ref.key_pos
            if claim_type and no_stance and has_stance:
                r.at(shown, ref.get("stance", ref), "KB410", f"claim '{cid}' is a {claim_type} claim and takes no stance on '{concept}'",
                     f"write {{concept: {concept}}} without the stance, or give the claim another type")
            elif claim_type and not no_stance and not has_stance:
                r.at(shown, ref, "KB411", f"claim '{cid}' ({claim_type}) has no stance on '{concept}'", "add stance: defines, supports, qualifies or contests")
            if concept is None or not r.check_concept(shown, concept, self.concepts):
                continue
            if no_stance:
                links.append(ConceptLink(str(concept), ""))
            elif ref.get("stance"):
                links.append(ConceptLink(str(concept), str(ref["stance"])))
        return tuple(links)

    def shared_quotes(self, docs: Iterable[LMap]) -> None:
        """KB503 for a reported claim whose quote another reported claim of the note has already."""
        first: dict[str, Any] = {}
        for doc in docs:
            quote, cid = doc.get("quote"), doc.get("id")
            if quote is None or cid is None:
                continue
            same = " ".join(str(quote).split()).casefold()
            if same in first:
                other = first[same]
                self.resolver.at(self.shown, quote, "KB503", f"reported claims '{other}' (line {pos_of(other)[0]}) and '{cid}' share one quote",
                                 "merge them into one reported claim with about: [key, key] and cited_as: [..., ...]; or quote each its own part of the sentence")
            else:
                first[same] = cid


def _items(value: Any) -> list[Any]:
    """The items of a one-or-more field: [] when absent, [value] for one."""
    if value is None:
        return []
    return list(value) if isinstance(value, LList) else [value]
