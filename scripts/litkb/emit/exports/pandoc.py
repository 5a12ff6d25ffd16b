"""Running pandoc on a :class:`~.review.ReviewDocument`: formatted citations and the reference
list by pandoc's citeproc, in Word (docx), OpenDocument (odt), LaTeX or Markdown.

Input: the document, an output format and the path of a CSL style file. Output: the bytes of the
file pandoc wrote. The pandoc is the one bundled by the pinned ``pypandoc-binary`` wheel (pandoc
3.9; the only importer of pypandoc, which is used to find that binary and nothing else), run as a
child process with a time limit.

The question's text comes with a pull request, so pandoc reads it as a narrow Markdown: no raw
HTML or TeX, no raw attributes, no TeX macros or maths (which the LaTeX writer would copy into the
.tex file as they are), no metadata blocks (which could name other files to read); and with
``--sandbox``, which limits pandoc's reading to the files on its command line (no image or other
resource is read or fetched while writing a .docx or .odt).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .review import ReviewDocument

READER = "markdown" + "".join(
    f"-{ext}"
    for ext in (
        "raw_html", "raw_tex", "raw_attribute", "latex_macros", "tex_math_dollars", "tex_math_single_backslash",
        "tex_math_double_backslash", "yaml_metadata_block", "pandoc_title_block",
    )
)
TIMEOUT = 120  # seconds; a question page takes well under one


@dataclass(frozen=True)
class OutputFormat:
    """What ``kb review export --format NAME`` writes: pandoc's writer and the file extension."""

    name: str
    writer: str
    extension: str
    standalone: bool


# Markdown: pandoc writes the formatted citations as text (-citations) instead of [@key] again,
# the reference list as plain paragraphs (no divs or attributes) and typographic characters as
# themselves (-smart), so the file pastes into any Markdown editor.
_MARKDOWN = "markdown" + "".join(f"-{ext}" for ext in ("citations", "fenced_divs", "native_divs", "raw_html", "header_attributes", "bracketed_spans", "native_spans", "smart"))
OUTPUTS = {
    "docx": OutputFormat("docx", "docx", ".docx", False),
    "odt": OutputFormat("odt", "odt", ".odt", False),
    "latex": OutputFormat("latex", "latex", ".tex", True),
    "markdown": OutputFormat("markdown", _MARKDOWN, ".md", True),
}
# Metadata a standalone Markdown file would repeat from the command line: where the (temporary)
# bibliography and the style file were. Neither means anything to the reader.
_COMMAND_LINE_METADATA = re.compile(r"^(?:bibliography|csl): .*\n", re.M)


class PandocError(Exception):
    """pandoc could not be run or failed; the message is one line for the user."""


def pandoc_binary() -> str:
    """The path of the bundled pandoc (raises PandocError when the wheel is missing)."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as err:
        raise PandocError(f"pandoc is not available: {err} (install the project: make setup)") from err


def run_pandoc(document: ReviewDocument, output: str, csl: Path) -> bytes:
    """``document`` converted to ``output`` (a name of :data:`OUTPUTS`) with the citation style
    of the CSL file ``csl``. Raises :class:`PandocError` (with pandoc's first line of complaint)."""
    spec = OUTPUTS[output]
    with tempfile.TemporaryDirectory(prefix="kb-review-") as tmp:
        folder = Path(tmp)
        source, references, target = folder / "review.md", folder / "references.json", folder / f"review{spec.extension}"
        source.write_text(document.markdown, encoding="utf-8")
        references.write_text(document.csl_json, encoding="utf-8")
        command = [
            pandoc_binary(), "--sandbox", "--from", READER, "--to", spec.writer, "--citeproc",
            "--csl", str(csl), "--bibliography", str(references),
            "--metadata", f"title={document.title}", "--metadata", "reference-section-title=References",
            "--output", str(target), str(source),
        ]
        if spec.standalone:
            command.insert(1, "--standalone")
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False, cwd=folder)
        except subprocess.TimeoutExpired as err:
            raise PandocError(f"pandoc did not finish within {TIMEOUT} s") from err
        except OSError as err:
            raise PandocError(f"cannot run pandoc: {err.strerror or err}") from err
        complaint = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode != 0 or not target.is_file():
            first = complaint.splitlines()[0] if complaint else f"exit status {done.returncode}"
            raise PandocError(f"pandoc failed: {first}")
        if "[WARNING]" in complaint:
            # e.g. "Citeproc: citation x not found": the document would be wrong, so it is not written.
            raise PandocError("pandoc warned: " + next(line for line in complaint.splitlines() if "[WARNING]" in line))
        data = target.read_bytes()
    if output == "markdown":
        head, sep, rest = data.decode("utf-8").partition("\n---\n")
        data = (_COMMAND_LINE_METADATA.sub("", head) + sep + rest).encode("utf-8")
    return data
