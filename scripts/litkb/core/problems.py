"""Problems as values: every fault in the knowledge base is a located :class:`Problem`.

Input: whatever a stage finds. Output: sorted, formatted lines (text, GitHub annotations, JSON).
Each code is defined once, in :data:`CODES`, with its meaning and how to fix it; CONTRIBUTING.md is
generated from that table.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Literal

from . import limits as L

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    """A stable problem code: its severity, a one-line meaning and the fix."""

    code: str
    severity: Severity
    meaning: str
    fix: str


_CODE_LIST = [
    # Files
    Code("KB001", "error", "The file is not valid UTF-8.", "Re-save the file as UTF-8 (the message gives the first bad byte)."),
    Code("KB002", "error", "The file is empty.", "Add content, or delete the file."),
    Code("KB003", "error", "The file or folder cannot be read.", "Check that it exists and is readable; `kb --root DIR` must name a folder with references.bib and kb/."),
    Code("KB004", "error", "A file or folder under kb/, or references.bib, is a symbolic link.", "Commit the file itself: a link can point outside the repository (or at a device), and kb never follows one."),
    Code("KB005", "error", "A path that kb reads is not a regular file (or not a folder where one is expected).", "Replace it with a plain file (or folder); devices, named pipes and sockets are never read."),
    Code("KB006", "error", f"The file is larger than kb reads ({L.MAX_YAML_BYTES // 2**20} MiB for a note, concept or question, {L.MAX_BIB_BYTES // 2**20} MiB for references.bib).", "Split the note in two, or shorten it; the limits keep every check and build bounded."),
    Code("KB007", "error", "A file name under kb/ has characters kb does not accept: control or format characters (a line break, a right-to-left mark) or bytes that are not UTF-8.", "Rename the file to `<key>.yaml` (or `<id>.yaml` for a concept, `<id>.md` for a question)."),
    # BibTeX
    Code("KB101", "error", "A BibTeX block could not be parsed (often unbalanced braces or a missing comma).", "Balance the braces and quotes of the entry that starts at this line."),
    Code("KB102", "error", "Two BibTeX entries have the same key.", "Keys must be unique: rename or merge one of the entries."),
    Code("KB103", "error", "A BibTeX entry has no title.", "Add a `title` field (or a `crossref` to an entry that has one)."),
    Code("KB104", "error", "A BibTeX entry has no year (or date).", "Add a `year` (or `date`) field; if the year is unknown, write `year = {n.d.}` and say so in `verification_note`."),
    Code("KB105", "error", "A field uses a @string macro that is not defined.", "Define the macro with `@string{name = {...}}` before use, or enclose the value in braces."),
    Code("KB106", "error", "`crossref` names a key that is not in the library.", "Fix the key or add the parent entry."),
    Code("KB107", "error", "A key contains characters that are unsafe in a file name or URL.", "Use letters, digits, `_`, `-`, `.` and `:` only (no spaces, `/` or `..`)."),
    Code("KB108", "error", "A field appears twice in one BibTeX entry.", "Keep one of the two fields."),
    Code("KB109", "warning", "A BibTeX entry does not record how its metadata was verified.", "Add `verification = {verified|partial|unverified|unknown}` and a `verification_note` saying where it was checked."),
    Code("KB110", "error", "`verification` has a value that is not allowed.", "Use one of verified, partial, unverified, unknown."),
    Code("KB111", "error", f"A key is longer than {L.MAX_KEY_LENGTH} characters (keys become file names and URLs).", "Use a shorter key, e.g. author, year and a word of the title."),
    Code("KB112", "error", f"A field value is too long after @string expansion ({L.MAX_TITLE:,} characters for a title, {L.MAX_TEXT_FIELD:,} for free text such as an abstract or note, {L.MAX_FIELD:,} for other fields).", "Shorten the value; the entry is left out of the library until it fits."),
    Code("KB113", "error", f"An author or editor field names more than {L.MAX_NAMES} persons, or one name is longer than {L.MAX_NAME} characters.", "List the first authors and end with `and others`, or fix the name."),
    Code("KB114", "error", f"An entry has more than {L.MAX_FIELDS} fields or {L.MAX_ENTRY:,} characters of field values, or takes more than {L.MAX_INHERITED:,} characters from its `crossref` parent.", "Remove fields the library does not need (an abstract, keywords, file links)."),
    # YAML syntax
    Code("KB201", "error", "YAML syntax error.", "Fix the syntax at the place shown (indentation, a missing colon, an unclosed quote)."),
    Code("KB202", "error", "A tab character is used for indentation.", "YAML indents with spaces only: replace the tab by spaces."),
    Code("KB203", "error", "A key appears twice in the same YAML mapping.", "Keep one of the two keys (the second would silently replace the first)."),
    Code("KB204", "error", "A YAML tag such as `!!python/object` is not allowed.", "Remove the tag: notes hold plain text, lists and mappings only. Nothing tagged is ever executed."),
    Code("KB205", "error", "YAML anchors and aliases (`&name`, `*name`) are not allowed.", "Write the value out in full; aliases can expand without bound."),
    Code("KB206", "error", "A plain YAML value is read as a boolean, null or date where text is expected.", "Put the value in quotes, e.g. `\"no\"` or `\"2009-01-01\"`."),
    Code("KB207", "error", f"YAML lists and mappings are nested more than {L.MAX_YAML_DEPTH} levels deep.", "A note needs six levels at most: close the brackets or reduce the indentation."),
    # Schema
    Code("KB301", "error", "A value has the wrong type.", "Use the type the message names (text, list or mapping)."),
    Code("KB302", "error", "Unknown field.", "Check the spelling against the schema (the hint suggests the nearest field) or remove it."),
    Code("KB303", "error", "A required field is missing.", "Add the field."),
    Code("KB304", "error", "A value is not one of the allowed values.", "Use one of the values the message lists (the hint suggests the nearest)."),
    Code("KB305", "error", "An id or key has a form that is not allowed.", "Ids are lower-case words joined by hyphens, e.g. `hybrid-leadership`."),
    Code("KB306", "error", "A value is empty.", "Write something, or remove the field."),
    Code("KB307", "error", f"A text value is longer than its field allows (e.g. {L.MAX_SUMMARY:,} characters for a summary, {L.MAX_CLAIM_TEXT:,} for a claim, {L.MAX_QUOTE:,} for a quote).", "Shorten it: the limits (shown by editors through the note schema) keep every page fast to build."),
    Code("KB308", "error", f"A list has more items than its field allows (e.g. {L.MAX_CLAIMS:,} claims, {L.MAX_CONCEPTS_PER_CLAIM} concepts per claim).", "Split the note, or drop items; the limit of each list is in the note schema."),
    # What the site must not carry
    Code("KB310", "error", "Text shows an image from another site (`![...](https://...)`); every reader's browser would fetch it from that host.", "Link to it instead, without the `!`: `[what it shows](https://...)`. The site loads nothing from other sites."),
    # Links
    Code("KB401", "error", "The note's key is not in references.bib.", "Add the entry to references.bib (`kb import`) or fix the key."),
    Code("KB402", "error", "The file name differs from the key or id inside it.", "Rename the file to `<key>.yaml`, or fix the key."),
    Code("KB403", "error", "Unknown concept.", "Use a concept id from kb/concepts/ (the hint suggests the nearest) or add the concept with `kb new concept ID`."),
    Code("KB404", "error", "Two claims of one note have the same id.", "Claim ids must be unique within a note (claims and reported together)."),
    Code("KB405", "error", "A reference names a BibTeX key that is not in the library.", "Fix the key (the hint suggests the nearest) or add the entry to references.bib."),
    Code("KB406", "error", "The `broader` relations form a cycle.", "Remove one `broader` link so that the hierarchy has a top."),
    Code("KB407", "error", "Two concept files have the same id, or two notes the same key.", "Each concept and each note must exist once."),
    Code("KB408", "error", "A key or id would get the same page as another one (`a:b` and `a-b`, keys differing only in case) or as a page the site makes itself (`index`, `readme`).", "Rename the key or id; the second one is left out until then."),
    Code("KB409", "error", f"The `broader` hierarchy is more than {L.MAX_CONCEPT_DEPTH} levels deep.", "Link the concept to a higher-level concept instead: a vocabulary needs a few levels."),
    # Claim types and reported citations (CODEBOOK.md)
    Code("KB410", "error", "A method claim gives a stance on a concept.", "Method claims say how the study was done and take no stance: write `{concept: ID}` without `stance`, or give the claim the type that fits (finding, voice, argument, background)."),
    Code("KB411", "error", "A claim that is not a method claim names a concept without a stance.", "Add `stance:` (defines, supports, qualifies or contests); if the claim says how the study was done, type it `method`."),
    Code("KB412", "error", "A claim that is not a method claim names no concept.", "Add `concepts:` with at least one `{concept: ID, stance: STANCE}`, or type the claim `method` if it says how the study was done."),
    Code("KB413", "error", "A reported claim's `cited_as` does not match its `about`.", "Give one citation per key, as the reporting text prints it: text for one key, a list of the same length and order for a list of keys."),
    # Question pages (kb/questions/<id>.md)
    Code("KB601", "error", "A question file does not start with YAML front matter between two `---` lines.", "Begin the file with a line `---`, then question, concepts, status and contributors, then a line `---` (`kb new question ID` writes one)."),
    Code("KB602", "error", "A citation is malformed. Pandoc's syntax: `[@key]`, `[@key, p. 17]`, `[@a; @b]`, `[see @key]`, narrative `@key`, a claim as `@key#claim-id`.", "Fix it as the message says: items separated by `;`, one `@key` each, a locator after a comma."),
    Code("KB603", "error", "A claim citation names a claim id that the cited work's note does not have.", "Use an id from kb/sources/<key>.yaml (the hint suggests the nearest), or cite the work itself without `#id`."),
    Code("KB604", "error", "A claim citation names a work that has no note, so no claims.", "Cite the work itself (`[@key]`), or write its note first (`kb new source KEY`)."),
    Code("KB605", "warning", "A paragraph of a question page cites nothing, so nothing backs what it says.", "Cite what each statement rests on, preferably as a claim citation `[@key#claim-id]`, which shows its quote."),
    Code("KB606", "warning", "A cited claim bears on none of the concepts the question lists.", "Add one of the claim's concepts to the question's `concepts` if the page discusses it, or cite a claim that bears on the point."),
    Code("KB607", "error", "A question page uses Markdown it does not allow: a citation in a heading, a level-1 heading, a footnote, a table, a block quote, a code block, a nested list, raw HTML or a horizontal rule.", "Write paragraphs, `##` headings and simple lists; quote sources through claim citations; the page title comes from `question`."),
    Code("KB608", "error", "A question page has no text after its front matter.", "Write the answer: two sentences that answer the question, then one cited paragraph per sub-point."),
    # Advice
    Code("KB501", "warning", "A claim has no locator.", "Add `locator: \"section: <heading>\"` or `locator: \"p. 12\"` so readers can find the passage."),
    Code("KB502", "warning", "A claim has no verbatim quote.", "Add `quote:` with the exact words of the source."),
    Code("KB503", "warning", "Two reported claims of one note share a quote.", "One sentence citing several works for one point is one reported claim: merge them with `about: [a, b]` and `cited_as: [..., ...]`. If the sentence credits different parts to different works, quote each part."),
    Code("KB504", "warning", "A paraphrase keeps nothing of a hedge or an attribution in its quote: the quote says 'appeared', 'may', 'some', 'tended to', 'was seen as' or 'two of the heads', and the text states the point flatly or of everyone. The message names the words.", "Keep the hedge, or who said it, in `text` (CODEBOOK.md, 'A claim'); a word of the same family counts ('appears' keeps 'appeared', 'largely' keeps 'to a large extent'). If the words do not hedge the point (e.g. 'some' inside a participant's own phrase the text quotes), rephrase so that the text keeps them."),
]

CODES: dict[str, Code] = {c.code: c for c in _CODE_LIST}


@dataclass(frozen=True, order=True)
class Problem:
    """One located fault. ``line`` and ``column`` are 1-based; 0 means "the whole file"."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def text(self) -> str:
        """``path:line:col: severity KBnnn: message (hint)``, always one line of visible text: a
        control character in a file name or a quoted value (a newline, a terminal escape) is
        written as an escape such as ``\\n`` or ``\\x1b``."""
        hint = f" ({self.hint})" if self.hint else ""
        return visible(f"{self.path}:{self.line}:{self.column}: {self.severity} {self.code}: {self.message}{hint}")


# C0 and C1 control characters and DEL, and the Unicode controls that reorder text on screen
# (bidirectional overrides and isolates): a file name or value holding them could break the line,
# move the cursor or make the line read as something else.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with each control character written as a Python-style escape (``\\n``, ``\\x1b``,
    ``\\u202e``); other text unchanged."""
    return _INVISIBLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def problem(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    """Build a problem, refusing codes that are not defined (a bug, not bad data)."""
    if code not in CODES:
        raise KeyError(f"undefined problem code {code}")
    return Problem(path, line, column, code, message, hint)


def format_problems(problems: list[Problem], fmt: str) -> str:
    """Render sorted problems as ``text`` lines, GitHub ``::error`` annotations or a JSON list."""
    ordered = sorted(problems)
    if fmt == "json":
        rows = [dict(asdict(p), severity=p.severity) for p in ordered]
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(
            f"::{p.severity} file={_escape_property(p.path)},line={max(p.line, 1)},col={max(p.column, 1)},"
            f"title={_escape_property(p.code)}::" + _escape_message(f"{p.message}{' (' + p.hint + ')' if p.hint else ''}")
            for p in ordered
        )
    return "\n".join(p.text() for p in ordered)


# GitHub's workflow-command escapes (the runner's own escapeData / escapeProperty): the message
# needs %, CR and LF encoded; a property value also ':' and ',', which end it. A file name comes
# with the pull request, so without them a name holding a newline and "::error ..." (or
# "::stop-commands::") would be read as a command of its own. '%' goes first so that the
# escapes added after it are not escaped again.
_MESSAGE_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = (*_MESSAGE_ESCAPES, (":", "%3A"), (",", "%2C"))


def _escape_message(message: str) -> str:
    for raw, escaped in _MESSAGE_ESCAPES:
        message = message.replace(raw, escaped)
    return message


def _escape_property(value: str) -> str:
    for raw, escaped in _PROPERTY_ESCAPES:
        value = value.replace(raw, escaped)
    return value


def summary_line(problems: list[Problem]) -> str:
    """``N errors, M warnings`` (or ``no problems``)."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "no problems"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
